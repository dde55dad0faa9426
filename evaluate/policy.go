package evaluate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/rules"
)

// errInvalidWaiver is the kind of the diag.List of invalid waivers: they
// match both ErrInvalid and rules.ErrWaiver.
var errInvalidWaiver = fmt.Errorf("%w: %w", ErrInvalid, rules.ErrWaiver)

// Check checks tender t against the council's policy, as `toms check` does
// and as Evaluate does before scoring: the embedded default policy
// (rules.Default) together with set. A set that does not include the
// default policy (its files do not say `extends: default`) is combined with
// it, exactly as the CLI's --policy is, so a caller cannot drop the 10%
// floor by accident; nil set means the default policy alone. To check
// against a set that replaces the default, use Evaluate with
// Options.ReplaceDefaultRules, or set.Check with t.RuleInput(). now is the
// time the rules see; zero means time.Now().
//
// The report holds one outcome per rule; report.Failed() says whether a
// rule of severity error failed or could not be evaluated, in which case the
// tender must not be scored as it stands.
//
// An invalid waiver (one naming a rule the set does not have, one without a
// reason, approver or date, a second waiver for one rule: see rules.Check)
// is an error in the tender file:
// Check returns the complete report together with diag.List, one per
// invalid waiver, positioned at the waiver in the tender file and matching
// both ErrInvalid and rules.ErrWaiver. The tender must be corrected; a
// waiver is never dropped silently.
func Check(ctx context.Context, t *Tender, set *rules.Set, now time.Time) (rules.Report, error) {
	set, err := policySet(set, false)
	if err != nil {
		return rules.Report{}, err
	}
	return check(ctx, t, set, now)
}

// defaultRules is the embedded default policy, compiled once per process on
// first use (compiling it takes milliseconds, more than scoring a small
// tender). Sharing it is safe: a compiled rules.Set is immutable and safe
// for concurrent use, so this is not mutable global state.
var defaultRules = sync.OnceValues(rules.Default)

// policySet returns the rule set a tender is checked against: set with the
// default policy, unless replace (then set alone); the default policy when
// set is nil.
func policySet(set *rules.Set, replace bool) (*rules.Set, error) {
	switch {
	case set == nil:
		return defaultRules()
	case replace:
		return set, nil
	}
	return set.WithDefault()
}

// check is Check with the rule set already chosen.
func check(ctx context.Context, t *Tender, set *rules.Set, now time.Time) (rules.Report, error) {
	if t == nil {
		return rules.Report{}, errors.New("evaluate: Check needs a tender")
	}
	in := t.RuleInput()
	// Values: the award table shows what each passing rule compared.
	rep, err := set.Check(ctx, rules.Input{Tender: &in, Now: now}, rules.CheckOptions{Values: true})
	switch {
	case err == nil || ctx.Err() != nil:
	case errors.Is(err, rules.ErrWaiver):
		return rep, t.waiverErrors(err)
	case errors.Is(err, rules.ErrInput):
		return rep, t.inputErrors(err)
	}
	return rep, err
}

// inputErrors positions the rule set's problems with the tender's input
// (a text over rules.MaxStringLen, a list over rules.MaxListLen), which
// name a field of the rules' view of the tender ("tender.title"), at the
// value in the tender file, under the file's field name.
func (t *Tender) inputErrors(err error) error {
	var in diag.List
	in.Append(err)
	out := make(diag.List, 0, len(in))
	for _, d := range in {
		if d.File != "" || !strings.HasPrefix(d.Field, "tender.") {
			out.Add(d)
			continue
		}
		nd := *d
		field := strings.TrimPrefix(d.Field, "tender.")
		pos := t.Pos
		switch {
		case strings.HasPrefix(field, "socialValue."):
			field = "criteria." + field
		case strings.HasPrefix(field, "measures"):
			field = "criteria.socialValue.measures"
		}
		if p, ok := t.at[field]; ok {
			pos = p
		}
		for i, w := range t.Waivers {
			if strings.HasPrefix(field, fmt.Sprintf("waivers[%d]", i)) {
				pos = w.Pos
			}
		}
		nd.File, nd.Line, nd.Column, nd.Field = pos.File, pos.Line, pos.Column, field
		out.Add(&nd)
	}
	return out.Err()
}

// waiverErrors positions the rule set's waiver problems at the tender's
// waivers: the rules package knows a waiver by its index only.
func (t *Tender) waiverErrors(err error) error {
	var in diag.List
	if !errors.As(err, &in) {
		var d *diag.Diagnostic
		if !errors.As(err, &d) {
			return err
		}
		in = diag.List{d}
	}
	out := make(diag.List, 0, len(in))
	for _, d := range in {
		if !errors.Is(d, rules.ErrWaiver) {
			out.Add(d)
			continue
		}
		nd := *d
		nd.Kind = errInvalidWaiver
		for i, w := range t.Waivers {
			if strings.HasPrefix(d.Field, fmt.Sprintf("waivers[%d].", i)) {
				nd.File, nd.Line, nd.Column = w.Pos.File, w.Pos.Line, w.Pos.Column
				break
			}
		}
		out.Add(&nd)
	}
	return out.Err()
}

// failures returns the outcomes that stop scoring, as text.
func failures(rep rules.Report) []string {
	var out []string
	for _, o := range rep.Verdicts {
		if (o.Status == rules.StatusFail && o.Severity == rules.SeverityError) || o.Status == rules.StatusError {
			out = append(out, "rule "+o.Rule+": "+o.Message)
		}
	}
	return out
}

// bidPolicyChecker checks each bid against the policy's rules about bids, after
// the tender has passed its own.
type bidPolicyChecker struct {
	ctx    context.Context
	set    *rules.Set
	tender rules.Tender
	now    time.Time
}

// check returns the verdicts of the rules about bids for each bid; values
// are the bids' £ social values. An error is an input the rules cannot
// take (such as a supplier name over rules.MaxStringLen), positioned at
// the bid, or the end of ctx.
func (bc *bidPolicyChecker) check(bids []Bid, values []decimal.Decimal) ([][]rules.Verdict, error) {
	out := make([][]rules.Verdict, len(bids))
	var errs diag.List
	var b rules.Bid // one for every bid: Check keeps nothing of its input
	for i := range bids {
		b = bids[i].RuleInput(values[i])
		rep, err := bc.set.Check(bc.ctx, rules.Input{Tender: &bc.tender, Bid: &b, Now: bc.now}, rules.CheckOptions{BidRulesOnly: true})
		if err != nil {
			if e := bc.ctx.Err(); e != nil {
				return nil, e
			}
			var list diag.List
			list.Append(err)
			for _, d := range list {
				errs.Add(bids[i].Pos.At(d.Field, ErrInvalid, "bid of %q: %s", bids[i].Supplier.Name, d.Message))
			}
			continue
		}
		out[i] = rep.Verdicts
	}
	return out, errs.Err()
}

// tenderVerdicts drops the verdicts of the rules about bids from the
// tender's report: without a bid they are only "skipped", and each bid
// carries its own (BidResult.Policy).
func tenderVerdicts(set *rules.Set, vs []rules.Verdict) []rules.Verdict {
	out := vs[:0:0]
	for _, o := range vs {
		if r, ok := set.Rule(o.Rule); ok && r.AboutBid {
			continue
		}
		out = append(out, o)
	}
	return out
}

// checkWaiverSuppliers reports a waiver that names a supplier with no bid.
func (t *Tender) checkWaiverSuppliers(bids []Bid) diag.List {
	if !slices.ContainsFunc(t.Waivers, func(w Waiver) bool { return w.Supplier != "" }) {
		return nil
	}
	var errs diag.List
	names := map[string]bool{}
	for i := range bids {
		names[bids[i].Supplier.Name] = true
	}
	for i, w := range t.Waivers {
		if w.Supplier != "" && !names[w.Supplier] {
			list := make([]string, 0, len(names))
			for n := range names {
				list = append(list, n)
			}
			errs.Add(w.Pos.At(fmt.Sprintf("waivers[%d].supplier", i), errInvalidWaiver,
				"the waiver names supplier %q, who has no bid%s", w.Supplier, suggestSupplier(w.Supplier, list)))
		}
	}
	return errs
}

func suggestSupplier(name string, names []string) string {
	sort.Strings(names)
	if s := diag.Suggest(name, names); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}
