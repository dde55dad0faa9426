package evaluate

import (
	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// Result is a tender's evaluation: the policy outcomes, then every bid with
// its scores, the inputs of each formula, its rank and flags.
type Result struct {
	// TenderID, Title and Year identify the tender and the proxy year used.
	TenderID string
	Title    string   // the tender's title
	Year     tom.Year // the financial year whose proxy values priced the commitments
	// Weights are the tender's top-level weights.
	Weights Weights
	// Criteria are the tender's criteria: the weights, maxima, pass marks,
	// methods and their parameters that every bid's formulas use.
	Criteria Criteria
	// Catalogue is the id of the catalogue whose proxies valued the commitments.
	Catalogue string
	// Measures are the measures the bids committed to, in order of first
	// use, each with the proxy value that priced it (year, source, basis).
	Measures []MeasureValue
	// Policy holds the outcome of every policy rule, in the rule set's order.
	Policy []rules.Verdict
	// PolicyFailed is true when a rule of severity error failed.
	PolicyFailed bool
	// ScoredAnyway is true when the bids were scored although PolicyFailed,
	// because the caller set Options.ScoreAnyway.
	ScoredAnyway bool
	// Scored is false when scoring was stopped by the policy.
	Scored bool
	// LowestPrice is the lowest price among the bids still in the evaluation
	// (the Pmin of the price formulas); zero when there are none (every bid
	// was excluded, or the bids were not scored; see Ranked).
	LowestPrice decimal.Decimal
	// HighestSocialValue is the highest £ social value among the bids still
	// in the evaluation with a complete response (the Vmax of method
	// highest; weighted under Valuation Weighted); zero when there are none.
	HighestSocialValue decimal.Decimal
	// MeasureScores say, for method Measures, how each measure the tender
	// lists was scored, in the tender's order; nil for the other methods.
	MeasureScores []MeasureScore
	// Bids are in rank order; bids that share a rank are ordered by supplier
	// name; excluded bids follow, ordered by supplier name, so that the
	// listing does not depend on the order the bids were given in.
	Bids []BidResult
	// Ties are the groups of ranked bids with exactly equal totals, in rank
	// order; each bid in one has Tie set to its group's number.
	Ties []TieGroup
}

// TieGroup returns the tie group numbered n (Tie.Group), and false when
// there is none.
func (r *Result) TieGroup(n int) (TieGroup, bool) {
	if n < 1 || n > len(r.Ties) {
		return TieGroup{}, false
	}
	return r.Ties[n-1], true
}

// BidResult is one bid's evaluation.
type BidResult struct {
	// Index is the bid's position in the input (0-based).
	Index    int
	Supplier Supplier     // who bid
	Price    PriceScore   // the price and its points
	Quality  QualityScore // the quality points, per criterion
	// SocialValue holds the social value points and the £ valuation.
	SocialValue SocialValueScore
	// Total is price + quality + social value points; zero for an excluded bid.
	Total Points
	// Rank is 1 for the best bid; bids that stay tied share a rank (1, 1, 3).
	// Zero for an excluded bid.
	Rank int
	// Excluded bids failed a pass mark or a policy rule about bids of
	// severity error; Reasons say which and why. They are not ranked and
	// set no benchmark (lowest price, highest social value).
	Excluded bool
	Reasons  []string // why the bid was excluded, one entry per reason; nil unless Excluded
	// Flags are warnings that do not change the score, such as an
	// abnormally low price or a failed policy rule about bids of severity
	// warning.
	Flags []Flag
	// Policy holds the outcome of each policy rule that reads bid, for
	// this bid, in the rule set's order; nil when the policy has no such
	// rule (or was skipped).
	Policy []rules.Verdict
	// Tie is set when the bid's total equals another bid's exactly; its
	// group is in Result.Ties.
	Tie *Tie
}

// PriceScore is a bid's price points. The formula's other inputs are the
// Result's: Criteria.Price (method, weight, floor, ceiling) and LowestPrice.
type PriceScore struct {
	Price  decimal.Decimal // £ excluding VAT
	Points Points          // price points, out of Criteria.Price.Weight
}

// QualityScore is a bid's quality points: the sum over the criteria.
type QualityScore struct {
	Points   Points           // the sum of the criteria's points
	Criteria []CriterionScore // in the order of Result.Criteria.Quality
}

// CriterionScore is the points of one quality criterion: Weight × Score /
// Max, with Weight, Max and PassMark those of the criterion of the same
// index in Result.Criteria.Quality.
type CriterionScore struct {
	ID     string          // the criterion's id
	Score  decimal.Decimal // the evaluators' score, from 0 to the criterion's Max
	Points Points          // Weight × Score / Max
	// Passed is false when Score is below the criterion's pass mark.
	Passed bool
}

// SocialValueScore is a bid's social value: quantitative points from the £
// value of its commitments, qualitative points from its method statement.
// The formula's other inputs are the Result's: Criteria.SocialValue
// (weights, method, target, maximum) and HighestSocialValue.
type SocialValueScore struct {
	// Points = Quantitative + Qualitative.
	Points       Points
	Quantitative Points // points for the £ value of the commitments
	Qualitative  Points // points for the method statement
	// Value is the £ proxy value of the commitments: Σ quantity × proxy.
	Value decimal.Decimal
	// Weighted is Σ quantity × proxy × priority, the value that methods
	// Highest and Target score under Valuation Weighted; zero under Plain.
	Weighted decimal.Decimal
	// QualitativeScore is the evaluators' score; nil when missing.
	QualitativeScore *decimal.Decimal
	// Incomplete says why the response scored 0 when the tender requires
	// both parts and one is missing; empty otherwise.
	Incomplete string
	// Commitments values each commitment: Value = Quantity × the proxy of
	// the measure in Result.Measures; £0 for a non-financial measure.
	Commitments []Line
}

// Line is one commitment valued: Quantity × proxy = Value (£).
type Line struct {
	Measure  string          // the measure's id
	Quantity decimal.Decimal // the amount offered, in the measure's unit
	Value    decimal.Decimal // Quantity × proxy, £, exact; 0 for a non-financial measure
	// Weighted is Value × the measure's priority under Valuation Weighted;
	// zero under Plain.
	Weighted decimal.Decimal
	// Points are the quantitative points this commitment earned under
	// method Measures, Q × wₘ × min(1, Quantity / Rₘ) / Σ wₘ (truncated
	// at 12 places; the bid's Quantitative is their exact sum truncated);
	// zero for the other methods.
	Points Points
}

// MeasureScore is how method Measures scored one measure the tender lists.
type MeasureScore struct {
	ID   string   // the measure's id
	Unit tom.Unit // the unit Target and Best are in
	// Weight is the tender's weight for the measure or, when the tender
	// gives none (FromPriority), the catalogue's priority.
	Weight       decimal.Decimal
	FromPriority bool // the tender gives no weight, so Weight is the catalogue's priority
	// Target is the tender's target quantity; zero when there is none and
	// the best offer is the reference.
	Target decimal.Decimal
	// Best is the highest quantity offered by the bids in the evaluation
	// with a complete response; zero when none offered the measure.
	Best decimal.Decimal
	// Counted is false when the measure gave no one points and left the
	// denominator: no bid offered it (Best is 0) or its Weight is 0.
	Counted bool
}

// Reference returns the quantity that earns a measure's whole weight: its
// Target when the tender gives one, else Best.
func (m MeasureScore) Reference() decimal.Decimal {
	if m.Target.IsPositive() {
		return m.Target
	}
	return m.Best
}

// PerPoundPlaces is the number of decimal places of PerPound.
const PerPoundPlaces = 4

// PerPound returns the bid's plain £ social value per £1 of its price,
// Value / Price, rounded half-up to PerPoundPlaces (4) decimal places, a
// hundredth of a penny: 0.0199 is 1.99p per £1, to compare with guidance
// such as "£0.25 per £1". It is the ratio that method Target compares with
// its target under Valuation Plain.
func (b *BidResult) PerPound() decimal.Decimal {
	if !b.Price.Price.IsPositive() {
		return decimal.Zero
	}
	return b.SocialValue.Value.DivRound(b.Price.Price, PerPoundPlaces)
}

// MeasureValue is a measure used by the bids, with the proxy that values it
// in the tender's year.
type MeasureValue struct {
	ID   string   // the measure's id in the catalogue
	Name string   // the measure's title
	Unit tom.Unit // the unit the proxy values one of
	// Financial is false for a measure counted in its own unit only (£0);
	// Proxy is then zero.
	Financial bool
	// Priority is the measure's local weight in the catalogue (default 1).
	Priority decimal.Decimal
	// Proxy is the value per unit, with its year, source and basis. Its year
	// is earlier than the tender's when CarriedForward.
	Proxy          tom.Proxy
	CarriedForward bool // no value for the tender's year; Proxy is the latest earlier one
	// Codes are the measure's codes in external frameworks (tom.Measure.Codes).
	Codes []tom.Code
}

// Flag is a warning about a bid that does not change its score.
type Flag struct {
	Code    string // "abnormally-low"
	Message string // what was found, with the figures, and what to do
}

// FlagAbnormallyLow is the Code of the abnormally-low-price flag.
const FlagAbnormallyLow = "abnormally-low"

// FlagPolicy is the Code of the flag of a failed policy rule about bids of
// severity warning; the Message is "rule ID: the rule's message".
const FlagPolicy = "policy"

// Tie marks a bid whose total equals other bids' totals exactly: the bids
// of its group (Result.Ties) are listed once there, not in every bid, so
// that a tie costs memory and output linear in the number of bids.
type Tie struct {
	// Group is the tie group's number (TieGroup.Group), from 1.
	Group int
	// DecidedBy is the tie-break criterion that settled this bid's place
	// among them, or empty when the tender's tie-breaks (if any) could not,
	// and the bid shares its rank.
	DecidedBy TieBreak
}

// TieGroup is a set of two or more bids with exactly the same total. They
// are adjacent in rank order: Result.Bids[From:To].
type TieGroup struct {
	// Group numbers the groups from 1, in rank order.
	Group int
	// From and To delimit the group's bids in Result.Bids.
	From, To int
	// Total is the total they share.
	Total Points
}

// Ranked returns the number of bids ranked: scored and not excluded. When
// it is 0 there is no lowest price and no highest offer.
func (r *Result) Ranked() int {
	n := 0
	for i := range r.Bids {
		if !r.Bids[i].Excluded {
			n++
		}
	}
	return n
}

// Winner returns the bid ranked 1, and false when there is none or when
// several bids share rank 1.
func (r *Result) Winner() (BidResult, bool) {
	if len(r.Bids) == 0 || r.Bids[0].Rank != 1 || (len(r.Bids) > 1 && r.Bids[1].Rank == 1) {
		return BidResult{}, false
	}
	return r.Bids[0], true
}
