package evaluate

import (
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// Errors matched with errors.Is.
var (
	// ErrInvalid is matched by every semantic problem in a tender or its
	// bids: weights that do not sum to 100, a score above the maximum, a
	// negative price, an unknown or disallowed measure, a duplicate supplier.
	// Syntax, unknown-field and type problems are diag.List too.
	ErrInvalid = errors.New("invalid tender or bid")
	// ErrPolicyFailed is returned by Evaluate when a rule of severity error
	// failed and Options.ScoreAnyway is false. The returned Result still
	// carries every policy outcome, and no scores.
	ErrPolicyFailed = errors.New("policy check failed")
)

// ContractType is the kind of contract a tender lets.
type ContractType string

// The contract types a tender may have.
const (
	TypeContract  ContractType = "contract"
	TypeFramework ContractType = "framework"
	TypeDPS       ContractType = "dps" // dynamic purchasing system
	TypeCallOff   ContractType = "call-off"
)

// PriceMethod is how a bid's price becomes points.
type PriceMethod string

// The price scoring methods. W is the price weight, P the bid's price, Pmin
// the lowest price among the bids still in the evaluation.
const (
	// Lowest scores W × Pmin / P. It is the default.
	Lowest PriceMethod = "lowest"
	// Linear scores W × (1 − (P − Pmin) / Pmin), and 0 when that is negative
	// (at twice the lowest price and above).
	Linear PriceMethod = "linear"
	// Budget scores W × (Ceiling − P) / (Ceiling − Floor), clamped to [0, W]:
	// a price at or below the floor gets W, at or above the ceiling 0.
	Budget PriceMethod = "budget"
)

// SocialValueMethod is how the £ value of a bid's commitments becomes points.
type SocialValueMethod string

// The quantitative social value methods. Q is the quantitative weight, V the
// £ value of the bid's commitments.
const (
	// Highest scores Q × V / Vmax, where Vmax is the highest V among the bids
	// still in the evaluation; when every V is £0, every bid scores 0. It is
	// the default.
	Highest SocialValueMethod = "highest"
	// Target scores Q × min(1, (V / P) / Target): the £ of social value
	// offered per £1 of price, against the tender's target ratio (for example
	// 0.25 for 25p per £1).
	Target SocialValueMethod = "target"
	// Measures scores each measure the tender lists on its own, by the
	// quantity offered in the measure's unit, financial or not:
	// Q × Σ wₘ × min(1, xₘ / Rₘ) / Σ wₘ, over the measures that count. xₘ
	// is the bid's quantity of measure m; Rₘ is the measure's target
	// quantity when the tender gives one (MeasureCriterion.Target), else the
	// highest quantity offered by the bids still in the evaluation with a
	// complete response; wₘ is the tender's weight for the measure, by
	// default the catalogue's priority. A measure that no such bid offers
	// (every quantity 0), or whose weight is 0, gives no one points and
	// leaves the denominator; Result.MeasureScores says which. When no
	// measure counts, every bid scores 0.
	Measures SocialValueMethod = "measures"
)

// Valuation is how the £ value V of a bid's commitments is taken, for the
// methods that score it (Highest and Target).
type Valuation string

// The valuations.
const (
	// Plain values a commitment at quantity × proxy. It is the default.
	Plain Valuation = "plain"
	// Weighted values it at quantity × proxy × the measure's priority in
	// the catalogue (targeting: outcomes weighted to local priorities). The
	// result shows the plain £ beside it.
	Weighted Valuation = "weighted"
)

// TieBreak names a criterion that decides between bids with exactly equal totals.
type TieBreak string

// The tie-break criteria, applied in the order the tender lists them.
const (
	// ByQuality prefers the bid with more quality points.
	ByQuality TieBreak = "quality"
	// BySocialValue prefers the bid with more social value points.
	BySocialValue TieBreak = "socialValue"
	// ByPrice prefers the bid with the lower price.
	ByPrice TieBreak = "price"
)

// Tender is a tender's scoring design: what is bought, how price, quality and
// social value are weighted and scored, and the waivers of policy rules that
// were approved for it. Weights are percentage points of the total score and
// sum to 100. Read one with ParseTender or LoadTenderFile, or build it in Go
// and let Validate or Evaluate check it.
type Tender struct {
	ID           string       // the council's reference for the procurement; bids files name it
	Title        string       // human-readable name of the procurement
	ContractType ContractType // contract, framework, dps or call-off
	Category     string       // what is bought, free text such as works
	// Route is the procurement route (open, restricted, direct-award...); optional.
	Route string
	// Value is the estimated total contract value, £ excluding VAT.
	Value decimal.Decimal
	// Year is the financial year whose proxy values price the commitments.
	Year tom.Year
	// CarryForward values a measure that has no proxy for Year with its
	// latest earlier value; the result says which values were carried.
	CarryForward bool
	// Catalogue and Proxies name a catalogue file and a proxy-values file
	// for this tender (paths relative to the tender file when it was read
	// with LoadTenderFile). Empty Catalogue means the embedded default. See
	// LoadFramework.
	Catalogue string
	Proxies   string   // empty means the catalogue's own proxy values only
	Criteria  Criteria // the award criteria and how each is scored
	// TieBreak lists the criteria that decide between bids with exactly equal
	// totals, in order. Empty means ties stay ties.
	TieBreak []TieBreak
	// AbnormallyLow flags (never excludes) a bid whose price is more than
	// this many percent below the mean price of the other bids still in the
	// evaluation. Zero turns the check off.
	AbnormallyLow decimal.Decimal
	// ParentWeights are the weights of the framework a call-off is made
	// under, for policy rules that require a call-off to keep them; nil otherwise.
	ParentWeights *Weights
	Waivers       []Waiver // approved exemptions from policy rules; nil for none
	// Bids given inline in the tender file, if any.
	Bids []Bid
	Pos  diag.Pos            // where the tender starts in its file; zero when built in Go
	at   map[string]diag.Pos // positions of fields, by dotted path, when read from a file
	// reported holds the fields the loader reported as unreadable.
	reported map[string]bool
}

// Weights are the three top-level weights, in percentage points.
type Weights struct {
	Price, Quality, SocialValue decimal.Decimal // percentage points; Evaluate needs them to sum to 100
}

// Criteria are the tender's award criteria.
type Criteria struct {
	Price       PriceCriterion       // how price is scored
	Quality     []QualityCriterion   // the quality questions, in the tender's order
	SocialValue SocialValueCriterion // how social value is scored
}

// PriceCriterion says how price is scored.
type PriceCriterion struct {
	Weight decimal.Decimal // percentage points of the total score
	// Method defaults to Lowest.
	Method PriceMethod
	// Floor and Ceiling bound the Budget method (£); unused otherwise.
	Floor, Ceiling decimal.Decimal
}

// QualityCriterion is one scored quality question.
type QualityCriterion struct {
	ID, Name string // identifier (bids score the question by it) and title
	// Weight in percentage points of the total.
	Weight decimal.Decimal
	// Max is the highest score an evaluator can give (for example 5 or 10).
	Max decimal.Decimal
	// PassMark excludes a bid scoring below it. Zero means no pass mark.
	PassMark decimal.Decimal
	Pos      diag.Pos // where the criterion is in its file; zero when built in Go
}

// SocialValueCriterion says how social value is scored: a quantitative part
// (the £ proxy value of the bid's commitments) and a qualitative part (the
// evaluators' score of its method statement). QuantitativeWeight +
// QualitativeWeight = Weight.
type SocialValueCriterion struct {
	Weight             decimal.Decimal // percentage points of the total score
	QuantitativeWeight decimal.Decimal // percentage points for the £ value of the commitments
	QualitativeWeight  decimal.Decimal // percentage points for the method statement
	// Max is the highest qualitative score (for example 5).
	Max decimal.Decimal
	// Method defaults to Highest.
	Method SocialValueMethod
	// Target is the ratio of £ social value to £ price that earns the whole
	// quantitative weight, for the Target method (0.25 = 25p per £1).
	Target decimal.Decimal
	// Valuation is how Highest and Target take the £ value; empty means Plain.
	Valuation Valuation
	// Measures are the measure ids bidders may commit to; empty means any
	// measure of the catalogue. Method Measures scores each of them and
	// needs at least one.
	Measures []string
	// MeasureCriteria set, for method Measures, the weight and target
	// quantity of measures of Measures, by measure id; a measure without an
	// entry takes the defaults (see MeasureCriterion).
	MeasureCriteria map[string]MeasureCriterion
	// BothPartsRequired gives 0 social value points to a bid missing either
	// its commitments or its qualitative score.
	BothPartsRequired bool
}

// MeasureCriterion is how method Measures scores one measure.
type MeasureCriterion struct {
	// Weight is the measure's weight against the other measures; zero means
	// the catalogue's priority for the measure. It cannot be negative.
	Weight decimal.Decimal
	// Target is the quantity, in the measure's unit, that earns the whole
	// weight; zero means the highest quantity offered.
	Target decimal.Decimal
	Pos    diag.Pos // where the entry is in its file; zero when built in Go
}

// Waiver is an approved exemption of the tender from one policy rule.
// A waiver of a rule about bids is recorded on the tender too; with
// Supplier it applies to that supplier's bid only, without it to every bid.
type Waiver struct {
	Rule       string    // id of the rule waived
	Reason     string    // why the rule does not apply; required
	ApprovedBy string    // who approved the waiver; required
	Date       time.Time // the day it was approved; required
	// Supplier names the bid a waiver of a rule about bids is for.
	Supplier string
	Pos      diag.Pos // where the waiver is in its file; zero when built in Go
}

// Bid is one supplier's response.
type Bid struct {
	Supplier Supplier // who bids
	// Price is the bid's total price, £ excluding VAT; it must be above zero.
	Price decimal.Decimal
	// Quality holds a score for each quality criterion, by criterion id.
	Quality     map[string]decimal.Decimal
	SocialValue SocialValueResponse // the social value offer
	Pos         diag.Pos            // where the bid is in its file; zero when built in Go
	at          map[string]diag.Pos // positions of fields, by dotted path, when read from a file
	// reported holds the fields the loader reported as unreadable.
	reported map[string]bool
}

// Supplier is who bids.
type Supplier struct {
	Name string // required; one bid per supplier, names compared by SupplierKey
	// SME, VCSE and Local say whether the supplier is a small or medium
	// enterprise, a voluntary, community or social enterprise, and local.
	SME, VCSE, Local bool
}

// SocialValueResponse is a bid's social value offer.
type SocialValueResponse struct {
	// Qualitative is the evaluators' score of the method statement; nil when
	// the bid has none.
	Qualitative *decimal.Decimal
	// Commitments are the quantities offered, per measure. A measure may
	// appear once.
	Commitments []Commitment
}

// Commitment is a quantity of one measure that a bidder offers to deliver.
type Commitment struct {
	Measure  string          // id of the measure in the catalogue
	Quantity decimal.Decimal // the amount offered, in the measure's unit
	Pos      diag.Pos        // where the commitment is in its file; zero when built in Go
}

// Weights returns the tender's top-level weights: price, the sum of the
// quality criteria's weights, and social value.
func (t *Tender) Weights() Weights {
	q := decimal.Zero
	for _, c := range t.Criteria.Quality {
		q = q.Add(c.Weight)
	}
	return Weights{Price: t.Criteria.Price.Weight, Quality: q, SocialValue: t.Criteria.SocialValue.Weight}
}

// RuleInput converts the tender into the facts the policy rules see as
// `tender`.
func (t *Tender) RuleInput() rules.Tender {
	w := t.Weights()
	sv := t.Criteria.SocialValue
	in := rules.Tender{
		ID:           t.ID,
		Title:        t.Title,
		ContractType: string(t.ContractType),
		Category:     t.Category,
		Route:        t.Route,
		Value:        t.Value,
		Weights:      rules.Weights{Price: w.Price, Quality: w.Quality, SocialValue: w.SocialValue},
		SocialValue: rules.SocialValue{
			Quantitative: sv.QuantitativeWeight,
			Qualitative:  sv.QualitativeWeight,
			Method:       string(sv.method()),
			Target:       sv.Target,
		},
		Measures: append([]string(nil), sv.Measures...),
	}
	if p := t.ParentWeights; p != nil {
		in.Framework = &rules.Weights{Price: p.Price, Quality: p.Quality, SocialValue: p.SocialValue}
	}
	for _, wv := range t.Waivers {
		in.Waivers = append(in.Waivers, rules.Waiver{Rule: wv.Rule, Reason: wv.Reason, ApprovedBy: wv.ApprovedBy, Date: wv.Date, Supplier: wv.Supplier})
	}
	return in
}

// RuleInput converts the bid into the facts the policy rules see as `bid`.
// value is the £ proxy value of its commitments (see Result).
func (b *Bid) RuleInput(value decimal.Decimal) rules.Bid {
	out := rules.Bid{
		Supplier: b.Supplier.Name, SME: b.Supplier.SME, VCSE: b.Supplier.VCSE, Local: b.Supplier.Local,
		Price: b.Price, SocialValue: value,
	}
	for _, c := range b.SocialValue.Commitments {
		out.Measures = append(out.Measures, c.Measure)
	}
	return out
}

// posOf returns the position recorded for field (a dotted path such as
// "quality.delivery"), or the fallback when none was recorded.
func posOf(at map[string]diag.Pos, field string, fallback diag.Pos) diag.Pos {
	if p, ok := at[field]; ok {
		return p
	}
	return fallback
}

// reportedField says whether a loader already reported the tender's field
// as missing or unreadable (see reportedField).
func (t *Tender) reportedField(field string) bool { return reportedField(t.at, t.reported, field) }

// reportedField says whether a field of a decoded file was missing (it has
// no position in at, which a loader fills) or unreadable (reported holds
// it): the loader reported it, and the checks that would read it skip it,
// so that one mistake is one problem. For a value built in Go (at is nil)
// nothing was reported.
func reportedField(at map[string]diag.Pos, reported map[string]bool, field string) bool {
	if reported[field] {
		return true
	}
	_, ok := at[field]
	return at != nil && !ok
}
