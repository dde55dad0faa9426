// Package evaluate scores and ranks the bids of a tender on price, quality
// and social value, after checking the tender against the council's policy
// rules, and explains every number so that an officer can put it in an
// award report and a challenged bidder can check it by hand.
//
// # Use
//
//	t, err := evaluate.LoadTenderFile("tender.yaml")         // kind: Tender (bids inline or not)
//	fw, err := evaluate.LoadFramework(t)                    // the tender's catalogue, or the embedded one
//	bids, err := evaluate.LoadBidsFile("bids.yaml", t, fw)  // kind: Bids, or use t.Bids
//	res, err := evaluate.Evaluate(ctx, t, bids, fw, evaluate.Options{})
//
// Evaluate validates the tender and the bids (diag.List matching
// ErrInvalid, each with file, line, column and field), checks the tender
// against the policy (the embedded default policy, rules.Default, together
// with Options.Rules: a caller's rules add to the default, as --policy does,
// unless Options.ReplaceDefaultRules says they replace it) and stops with
// ErrPolicyFailed when a rule of severity error fails, unless
// Options.ScoreAnyway is set (Result.ScoredAnyway then says so). Check runs
// the policy step alone, as `toms check` does. An invalid waiver (naming a
// rule the policy does not have, without a reason, approver or date, or a
// second one for a rule) is an input error, not a policy outcome: Check and Evaluate return
// diag.List positioned at the waiver in the tender file and matching both
// ErrInvalid and rules.ErrWaiver, and Options.ScoreAnyway does not bypass
// them (`toms check` and `toms evaluate` exit 2). The file formats are
// documented in FORMAT.md beside this file.
//
// A Result renders itself exactly as `toms evaluate` prints it:
// Result.WriteTable (the award table), Result.WriteCSV (one row per bid,
// spreadsheet-safe) and Result.WriteJSON (or json.Marshal). CheckReport
// does the same for `toms check` (WriteText, WriteJSON). The command line
// adds nothing to these outputs, so a program embedding the library writes
// the same bytes (examples/award-csv).
//
// # Formulas
//
// Weights are percentage points of the 100-point total and sum to 100.
// Pmin is the lowest price and Vmax the highest £ social value among the
// bids still in the evaluation (not excluded; for Vmax, with a complete
// social value response).
//
//	price    lowest  W × Pmin / P
//	         linear  W × (1 − (P − Pmin) / Pmin), at least 0
//	         budget  W × (Ceiling − P) / (Ceiling − Floor), within [0, W]
//	quality          Σ Wᵢ × scoreᵢ / maxᵢ; a score below a pass mark excludes the bid
//	social value     quantitative: highest   Q × V / Vmax (0 when every V is £0)
//	                               target    Q × min(1, (V / P) / target)
//	                               measures  Q × Σ wₘ × min(1, xₘ / Rₘ) / Σ wₘ
//	                 qualitative:  L × score / max
//
// V is Σ quantity × proxy over the bid's commitments, with the catalogue's
// proxy for the tender's year (Tender.CarryForward allows the latest
// earlier year, and Result.Measures says so); non-financial measures are
// reported in their unit and add £0. With valuation weighted (opt-in, for
// highest and target), V is Σ quantity × proxy × priority, the catalogue's
// local weight of each measure (targeting), and the result shows the plain
// £ beside it (SocialValueScore.Weighted). With BothPartsRequired, a bid
// missing its commitments or its qualitative score gets 0 social value
// points and its V does not count towards Vmax (nor its quantities towards
// the best offers of method measures).
//
// Method measures scores each measure the tender lists on its own, by
// quantity in the measure's unit, so that a non-financial commitment (local
// SME spend, apprentices, care-leaver placements) earns points as a
// financial one does: xₘ is the bid's quantity of measure m; Rₘ is the
// tender's target quantity for m, or else the best offer (the highest xₘ
// among the bids still in the evaluation with a complete response); wₘ is
// the tender's weight for m, by default the catalogue's priority. The sums
// run over the measures that count: a measure no bid offers (every xₘ is
// 0), or weighted 0, gives no one points and leaves the denominator, and
// Result.MeasureScores says so (Counted false); when none counts, every bid
// scores 0. Each commitment's share of the points is in its Line.Points.
//
// Each bid's £ per £1 of price, BidResult.PerPound, is V / P (plain V)
// rounded half-up to 4 decimal places, as every output shows it. Excluded bids are listed with their
// reasons and quality points, but get no other points and no rank. When
// every bid is excluded the result has no ranked bid and no Pmin or Vmax
// (Result.Ranked is 0); a tender with no bids at all is an error.
//
// Not supported: the logarithmic price formula (W × (1 − log(P/Pmin) /
// log A)) has irrational values, so it cannot be exact and could decide a
// near-tie on a floating-point error; price per quality point (lowest £ per
// point wins) is a different award model from the weighted sum, not a price
// formula; apply it outside this package if a tender uses it.
//
// # Precision and rounding
//
// Every input is an exact decimal read from text. Every score is an exact
// fraction of the inputs and is never rounded while scoring: the scorer
// holds floor(score × 10³¹) for each component, computed with 64-bit
// integer arithmetic where the inputs allow and math/big otherwise, and
// compares sums of such floors as brackets; only when two brackets overlap
// (totals within about 10⁻³⁰ of each other) does it sum the exact fractions
// with math/big to decide. So ranks and ties are decided on exact values.
//
// The result's points are Points values: the exact score truncated toward
// zero at 12 decimal places (scores are never negative, so this is the
// floor; exact when the score has no more places). Truncation is monotone,
// so a bid ranked above another never shows a lower total; two bids whose
// exact totals differ by less than 10⁻¹² may show the same 12-place total
// with different ranks, and are not a tie. A sum (a bid's quality, social
// value and total points) is the exact sum truncated, which may exceed the
// sum of its truncated parts by a few 10⁻¹². Displayed values (Points.Round,
// Points.StringFixed; reports use 2 places) are the exact score rounded
// half-up, not the 12-place value rounded again: every half-way point of a
// coarser grid lies on the 12-place grid, so rounding the truncated value
// gives the same answer as rounding the exact one (a total of exactly
// 99.0049999999999996 shows as 99.00). £ values (quantity × proxy, their
// sums) are exact, shown to the penny in tables and in full, with the places
// they were written with, in JSON and CSV. The abnormally-low message's mean
// price is rounded to the penny for display only; the test itself is exact.
//
// # Ties
//
// Bids with exactly equal totals are a tie: they share a rank (1, 1, 3)
// unless the tender lists tie-breaks (quality: more quality points;
// socialValue: more social value points; price: the lower price), which
// are applied in order. Result.Ties lists each group of tied bids once
// (they are adjacent in Result.Bids); BidResult.Tie gives the bid's group
// and the criterion that settled its place, or none when it still shares
// its rank. Memory and output stay linear in the bids however many tie.
// Bids that share a rank are listed by supplier name, and so are the
// excluded bids after the ranked ones, so the result does not depend on the
// order the bids were given in.
//
// # Abnormally low prices
//
// With Tender.AbnormallyLow = X, a bid is flagged (not excluded) when its
// price is more than X% below the mean price of the other bids still in the
// evaluation: P × (n − 1) × 100 < (ΣP − P) × (100 − X).
//
// Evaluate and Check do not modify their inputs, keep no state between
// calls and are safe for concurrent use. A Result shares slices with the
// tender it was made from (its Criteria); treat it as read-only.
package evaluate
