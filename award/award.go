// Package award turns an evaluated tender into a contract: the winning (or
// a named) bid's social value commitments, spread over the financial years
// the contract runs in, as the commitments that measure reads beside the
// suppliers' returns, and the contract's entry in the council's register.
//
//	res, err := evaluate.Evaluate(ctx, t, bids, fw, evaluate.Options{})
//	a, err := award.Make(t, res, fw, award.Options{Contract: "C-001", Start: start, End: end})
//	err = measure.WriteRecords(w, measure.CSV, measure.Commitments, a.Commitments)
//	err = measure.WriteContracts(reg, false, []measure.Contract{a.Contract})
//
// # Spreading a commitment over the years
//
// A bid commits to a quantity of each measure over the whole contract. Make
// gives each financial year (1 April to 31 March) the contract runs in a
// share of it: by default in proportion to the contract's days in that year
// (its first and last days both count), or by the shares of a Profile,
// which must add up to 1 exactly. The quantities are exact and add up to
// the commitment exactly: each year gets its exact share rounded down to a
// step of the commitment's own precision (whole units for 600, tenths for
// 12.5), and the steps left over, fewer than the number of years, go one
// each to the years whose shares lost the most in rounding, the earlier
// year first on a tie (the largest remainder method). 600 hours over 1 July
// 2024 to 30 June 2028 (274, 365, 365, 366 and 91 days) are 113, 150, 150,
// 150 and 37 hours. A year whose share is zero gets no commitment row.
//
// Each year's commitment is dated the contract's last day in that year
// (31 March, or the end date in the last year), so that it falls in the
// year it is due.
package award

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/internal/spread"
	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

// ErrAward is matched by the errors of Make: no bid to award, a bad date
// range, a profile that does not fit the contract.
var ErrAward = errors.New("cannot award")

// Options say which bid becomes which contract.
type Options struct {
	// Supplier names the bid to award; empty means the bid ranked 1 (an
	// error when the evaluation has no single winner).
	Supplier string
	// Contract is the new contract's id.
	Contract string
	// Start and End are the contract's first and last days, both included.
	Start, End time.Time
	// Profile spreads the commitments by explicit shares per year; nil
	// spreads them in proportion to the contract's days in each year.
	Profile *Profile
}

// Award is a contract made from a bid.
type Award struct {
	// Contract is the register entry: the bid's price is its value, the
	// tender's title, category and id its title, category and tender, the
	// bid's supplier its supplier and flags.
	Contract measure.Contract
	// Commitments are the bid's commitments per measure (in the bid's
	// order) and financial year (in order), as commitment records.
	Commitments []measure.Record
	// Years are the contract's days in each financial year.
	Years []spread.YearDays
}

// Make awards the tender's winning bid, or the bid of opts.Supplier, as
// contract opts.Contract, and spreads its commitments over the contract's
// financial years (see the package documentation). The bid must have been
// scored and not excluded.
func Make(t *evaluate.Tender, res *evaluate.Result, fw *tom.Framework, opts Options) (*Award, error) {
	if t == nil || res == nil || fw == nil {
		return nil, fmt.Errorf("%w: give the tender, its evaluation and the catalogue (one is nil)", ErrAward)
	}
	bid, err := pick(res, opts.Supplier)
	if err != nil {
		return nil, err
	}
	if msg := badID(opts.Contract); msg != "" {
		return nil, fmt.Errorf("%w: the contract id %s", ErrAward, msg)
	}
	if opts.Start.IsZero() || opts.End.IsZero() {
		return nil, fmt.Errorf("%w: give the contract's start and end dates", ErrAward)
	}
	years := spread.Days(opts.Start, opts.End)
	if years == nil {
		return nil, fmt.Errorf("%w: the end %s is before the start %s", ErrAward, opts.End.Format(time.DateOnly), opts.Start.Format(time.DateOnly))
	}
	weights := make([]decimal.Decimal, len(years))
	for i, y := range years {
		weights[i] = decimal.NewFromInt(y.Days)
	}
	if opts.Profile != nil {
		if weights, err = opts.Profile.weights(years); err != nil {
			return nil, err
		}
	}
	flag := func(b bool) measure.Answer {
		if b {
			return measure.AnswerYes
		}
		return measure.AnswerNo
	}
	a := &Award{Years: years, Contract: measure.Contract{
		ID: opts.Contract, Title: t.Title, Supplier: bid.Supplier.Name, Value: bid.Price.Price,
		Start: years[0].First, End: years[len(years)-1].Last, Category: t.Category, Tender: t.ID,
		SME: flag(bid.Supplier.SME), VCSE: flag(bid.Supplier.VCSE), Local: flag(bid.Supplier.Local),
	}}
	for _, line := range bid.SocialValue.Commitments {
		m, ok := fw.Measure(line.Measure)
		if !ok {
			return nil, fmt.Errorf("%w: measure %q of the bid is not in catalogue %s", ErrAward, line.Measure, fw.ID())
		}
		places := max(0, -line.Quantity.Exponent())
		for i, q := range spread.Split(line.Quantity, weights, places) {
			if q.IsZero() {
				continue
			}
			a.Commitments = append(a.Commitments, measure.Record{
				Contract: opts.Contract, Supplier: bid.Supplier.Name, Measure: m.ID, Quantity: q,
				Date: years[i].Last, Unit: m.Unit, Notes: fmt.Sprintf("tender %s: %s of %s over the contract", t.ID, years[i].Year, line.Quantity),
			})
		}
	}
	return a, nil
}

// pick finds the bid to award.
func pick(res *evaluate.Result, supplier string) (evaluate.BidResult, error) {
	if !res.Scored {
		return evaluate.BidResult{}, fmt.Errorf("%w: the bids of tender %s were not scored", ErrAward, res.TenderID)
	}
	if supplier == "" {
		w, ok := res.Winner()
		if !ok {
			return evaluate.BidResult{}, fmt.Errorf("%w: tender %s has no single bid ranked 1; name the supplier to award", ErrAward, res.TenderID)
		}
		return w, nil
	}
	var names []string
	for _, b := range res.Bids {
		if b.Supplier.Name == supplier {
			if b.Excluded {
				return evaluate.BidResult{}, fmt.Errorf("%w: the bid of %q was excluded (%s)", ErrAward, supplier, strings.Join(b.Reasons, "; "))
			}
			return b, nil
		}
		names = append(names, b.Supplier.Name)
	}
	hint := ""
	if s := diag.Suggest(supplier, names); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return evaluate.BidResult{}, fmt.Errorf("%w: tender %s has no bid from %q%s", ErrAward, res.TenderID, supplier, hint)
}

func badID(id string) string {
	switch {
	case id == "":
		return "is missing"
	case strings.ContainsAny(id, "\r\n"):
		return fmt.Sprintf("%q has a line break", id)
	case strings.TrimSpace(id) != id:
		return fmt.Sprintf("%q has spaces around it", id)
	}
	return ""
}
