package evaluate_test

import (
	"context"
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

// Published scoring scenarios, each worked by hand with its source cited
// beside it (numbered §9.1 to §9.10 as in the project's research notes).
// Points are checked at the 12 places a result carries (truncated) and at
// the 2 places of a report.

// §9.1: relative price, weight 40: £100, £105, £108 → 40.00, 38.10, 37.04.
// Source: https://impactbids.com/the-quality-imperative/ (rounds to 40/38/37).
func TestScenario1RelativePrice(t *testing.T) {
	tender := design("40", []evaluate.QualityCriterion{qc("q", "60", "5")}, evaluate.SocialValueCriterion{})
	q := map[string]string{"q": "5"}
	res := run(t, tender, bid("A", "100", q, nil), bid("B", "105", q, nil), bid("C", "108", q, nil))

	// 40 × 100/100 = 40; 40 × 100/105 = 4000/105 = 38.095238095238|095...; 40 × 100/108 = 37.037037037037|037...
	assertPoints(t, "40", "40.00", bySupplier(t, res, "A").Price.Points, "A")
	assertPoints(t, "38.095238095238", "38.10", bySupplier(t, res, "B").Price.Points, "B")
	assertPoints(t, "37.037037037037", "37.04", bySupplier(t, res, "C").Price.Points, "C")
	assertPoints(t, "98.095238095238", "98.10", bySupplier(t, res, "B").Total, "B total")
	assert.Equal(t, []string{"A", "B", "C"}, suppliers(res))
	assert.Equal(t, []int{1, 2, 3}, ranks(res))
	assert.True(t, d("100").Equal(res.LowestPrice))

}

// §9.2: CCS relative price as a fraction: A £15,000, B £10,000, C £30,000 →
// 0.667, 1.000, 0.333 of the weight (here 100).
// Source: https://www.shma.co.uk/our-thoughts/evaluating-price-in-tenders-new-guidance-on-new-practices/
func TestScenario2PriceFraction(t *testing.T) {
	tender := design("100", nil, evaluate.SocialValueCriterion{})
	res := run(t, tender, bid("A", "15000", nil, nil), bid("B", "10000", nil, nil), bid("C", "30000", nil, nil))
	// 100 × 10,000/15,000 = 66.666666666666|666...: 66.666666666666
	// truncated at 12 places; 66.67 rounded half-up to 2 from the exact value.
	assertPoints(t, "66.666666666666", "66.67", bySupplier(t, res, "A").Total, "A")
	assertPoints(t, "100", "100.00", bySupplier(t, res, "B").Total, "B")
	assertPoints(t, "33.333333333333", "33.33", bySupplier(t, res, "C").Total, "C")
	assert.Equal(t, "0.667", bySupplier(t, res, "A").Total.Decimal().Div(d("100")).StringFixed(3))
}

// §9.3: weighted sum, price + 3 quality criteria (the Negometrix example's
// 200 points halved to 100): quality 30/20/15 out of max 60/40/30, price 35.
// A: 40, 30, 20 at $10,000; B: 32, 20, 22 at $8,000 → A 73, B 72: A wins
// despite the higher price (source: 146 and 144).
// Source: https://support-us.negometrix.com/support/solutions/articles/44001761046-low-bid-scoring-formula
func TestScenario3WeightedSum(t *testing.T) {
	tender := design("35", []evaluate.QualityCriterion{qc("q1", "30", "60"), qc("q2", "20", "40"), qc("q3", "15", "30")}, evaluate.SocialValueCriterion{})
	res := run(t, tender,
		bid("A", "10000", map[string]string{"q1": "40", "q2": "30", "q3": "20"}, nil),
		bid("B", "8000", map[string]string{"q1": "32", "q2": "20", "q3": "22"}, nil))
	a, b := bySupplier(t, res, "A"), bySupplier(t, res, "B")
	// A: 30×40/60 + 20×30/40 + 15×20/30 = 20 + 15 + 10 = 45; price 35 × 8,000/10,000 = 28.
	assertPoints(t, "45", "45.00", a.Quality.Points, "A quality")
	assertPoints(t, "28", "28.00", a.Price.Points, "A price")
	assertPoints(t, "73", "73.00", a.Total, "A total")
	// B: 30×32/60 + 20×20/40 + 15×22/30 = 16 + 10 + 11 = 37; price 35.
	assertPoints(t, "37", "37.00", b.Quality.Points, "B quality")
	assertPoints(t, "72", "72.00", b.Total, "B total")
	assert.Equal(t, 1, a.Rank)
	assertPoints(t, "20", "20.00", a.Quality.Criteria[0].Points, "A q1")
	assert.Equal(t, "q1", a.Quality.Criteria[0].ID)
}

// §9.4: social value changes the winner. £5m contract, price 30 / quality
// 60 / SV 10 (qualitative, out of 10).
// Source: https://strategicproposals.com/category-white-papers/entry/navigating-the-shift-from-macs-to-missions-implications-for-bidders-and-buyers
// (W 75 vs C 72.17; the source rounds C's price points to 27).
func TestScenario4SocialValueDecides(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QualitativeWeight: d("10"), Max: d("10")}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "60")}, sv)
	q := map[string]string{"q": "40"}

	// W £4.8m, Q 40, SV 5 → 30 + 40 + 5 = 75. C £5.3m → 30 × 4.8/5.3 =
	// 27.169811320754|716... → 27.169811320754 truncated at 12, total
	// 72.169811320754|716... → 72.169811320754 (72.17 rounded half-up).
	res := run(t, tender, bid("W", "4800000", q, dp("5")), bid("C", "5300000", q, dp("5")))
	assertPoints(t, "75", "75.00", bySupplier(t, res, "W").Total, "W")
	assertPoints(t, "27.169811320754", "27.17", bySupplier(t, res, "C").Price.Points, "C price")
	assertPoints(t, "72.169811320754", "72.17", bySupplier(t, res, "C").Total, "C")
	assert.Equal(t, "W", res.Bids[0].Supplier.Name)

	// Variant: W bids £5.33m with SV 9 → 30 × 5.3/5.33 = 15900/533 =
	// 29.831144465290|806... → 29.83114446529 truncated at 12, total
	// 78.831144465290|806... → 78.83114446529 (78.83); C is
	// now the cheapest: 30 + 40 + 5 = 75. W still wins.
	res = run(t, tender, bid("W", "5330000", q, dp("9")), bid("C", "5300000", q, dp("5")))
	assertPoints(t, "78.83114446529", "78.83", bySupplier(t, res, "W").Total, "W variant")
	assertPoints(t, "75", "75.00", bySupplier(t, res, "C").Total, "C variant")
	assert.Equal(t, "W", res.Bids[0].Supplier.Name)
}

// §9.5: quantitative social value relative to the highest offer, weight 10:
// A £120,000, B £80,000, C £0 → 10, 6.67, 0; all £0 → all 0.
// Illustrative: the relative-to-best formula of §9.1 applied to £ offers.
func TestScenario5SocialValueHighest(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10"), Method: evaluate.Highest}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
	q := map[string]string{"q": "5"}
	res := run(t, tender, bid("A", "100", q, nil, pounds("120000")), bid("B", "100", q, nil, pounds("80000")), bid("C", "100", q, nil, pounds("0")))
	// 10 × 80,000/120,000 = 6.666666666666|666... → 6.666666666666
	// truncated at 12 places, 6.67 rounded half-up to 2.
	assertPoints(t, "10", "10.00", bySupplier(t, res, "A").SocialValue.Points, "A")
	assertPoints(t, "6.666666666666", "6.67", bySupplier(t, res, "B").SocialValue.Points, "B")
	assertPoints(t, "0", "0.00", bySupplier(t, res, "C").SocialValue.Points, "C")
	assert.True(t, d("120000").Equal(res.HighestSocialValue))
	assert.True(t, d("80000").Equal(bySupplier(t, res, "B").SocialValue.Value))

	res = run(t, tender, bid("A", "100", q, nil, pounds("0")), bid("B", "120", q, nil, pounds("0")))
	for _, b := range res.Bids {
		assertPoints(t, "0", "0.00", b.SocialValue.Points, b.Supplier.Name+" with every offer £0")
	}
}

// §9.6: SV 10 split 5 quantitative + 5 qualitative (0–5), both parts
// required. A £120k, qual 3 → 5 + 3 = 8; B £80k, qual 5 → 3.33 + 5 = 8.33:
// B wins social value. D has no qualitative part → 0, and its £200k is
// disregarded, so it does not set the highest offer.
// Source for "both parts required, a missing part is disregarded": Torbay
// Council, https://www.torbay.gov.uk/council/social-value/toms-dos-and-donts/
// (the 50/50 split is illustrative).
func TestScenario6BothParts(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("5"), QualitativeWeight: d("5"), Max: d("5"), BothPartsRequired: true}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
	q := map[string]string{"q": "5"}
	res := run(t, tender,
		bid("A", "100", q, dp("3"), pounds("120000")),
		bid("B", "100", q, dp("5"), pounds("80000")),
		bid("D", "100", q, nil, pounds("200000")))
	a, b, dd := bySupplier(t, res, "A"), bySupplier(t, res, "B"), bySupplier(t, res, "D")
	assertPoints(t, "8", "8.00", a.SocialValue.Points, "A")
	assertPoints(t, "5", "5.00", a.SocialValue.Quantitative, "A quantitative")
	assertPoints(t, "3", "3.00", a.SocialValue.Qualitative, "A qualitative")
	// 5 × 80/120 + 5 × 5/5 = 3.333333333333|3... + 5.
	assertPoints(t, "8.333333333333", "8.33", b.SocialValue.Points, "B")
	assertPoints(t, "0", "0.00", dd.SocialValue.Points, "D")
	assert.Contains(t, dd.SocialValue.Incomplete, "no qualitative response")
	assert.True(t, d("200000").Equal(dd.SocialValue.Value), "the £ value is still reported")
	assert.True(t, d("120000").Equal(res.HighestSocialValue))
	assert.Equal(t, []string{"B", "A", "D"}, suppliers(res))

	// Without bothPartsRequired, D's missing part scores 0 and its £200k counts.
	tender.Criteria.SocialValue.BothPartsRequired = false
	res = run(t, tender, bid("A", "100", q, dp("3"), pounds("120000")), bid("D", "100", q, nil, pounds("200000")))
	assertPoints(t, "5", "5.00", bySupplier(t, res, "D").SocialValue.Points, "D without the rule")
	assertPoints(t, "6", "6.00", bySupplier(t, res, "A").SocialValue.Points, "A: 5 × 120/200 + 3")
}

// §9.7: social value as a ratio to price against a target of 25p per £1,
// weight 20: A £1,000,000 with £250,000 → ratio 0.25, 100% of target → 20;
// B £900,000 with £90,000 → 0.10, 40% → 8. Above the target is capped.
// Source for the 25p per £1 target: Essex County Council,
// https://www.essexproviderhub.org/social-value-catalogue/social-value-at-essex-county-council/
// (capped linear scoring is illustrative).
func TestScenario7Target(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("20"), QuantitativeWeight: d("20"), Method: evaluate.Target, Target: d("0.25")}
	tender := design("20", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
	q := map[string]string{"q": "5"}
	res := run(t, tender,
		bid("A", "1000000", q, nil, pounds("250000")),
		bid("B", "900000", q, nil, pounds("90000")),
		bid("C", "1000000", q, nil, pounds("400000")),
		bid("E", "1000000", q, nil, pounds("1")))
	assertPoints(t, "20", "20.00", bySupplier(t, res, "A").SocialValue.Points, "A")
	assertPoints(t, "8", "8.00", bySupplier(t, res, "B").SocialValue.Points, "B")
	assertPoints(t, "20", "20.00", bySupplier(t, res, "C").SocialValue.Points, "C is capped at the weight")
	// 20 × (1/1,000,000)/0.25 = 0.00008.
	assertPoints(t, "0.00008", "0.00", bySupplier(t, res, "E").SocialValue.Points, "E")
	assert.True(t, d("0.25").Equal(res.Criteria.SocialValue.Target))
	assert.Equal(t, evaluate.Target, res.Criteria.SocialValue.Method)
}

// §9.8: the minimum weighting rule, through Check and through Evaluate.
// Sources: Cabinet Office PPN 06/20 (social value at least 10% of the total
// score) and the council's procurement strategy, section 5.4 (every contract
// over £100,000). Price 30 / quality 65 / SV 5 at £150,000 fails; 30/60/10
// passes; at £90,000 the rule does not apply.
func TestScenario8MinimumWeighting(t *testing.T) {
	ctx := context.Background()
	set := testRules(t)
	weights := func(value, p, q, sv string) *evaluate.Tender {
		tn := design(p, []evaluate.QualityCriterion{qc("q", q, "5")},
			evaluate.SocialValueCriterion{Weight: d(sv), QualitativeWeight: d(sv), Max: d("5")})
		tn.Value = d(value)
		return tn
	}
	status := func(tn *evaluate.Tender) rules.Status {
		rep, err := evaluate.Check(ctx, tn, set, testNow)
		require.NoError(t, err)
		o, ok := rep.Verdict("sv-floor")
		require.True(t, ok)
		return o.Status
	}
	assert.Equal(t, rules.StatusFail, status(weights("150000", "30", "65", "5")), "P30/Q65/SV5 on £150,000")
	assert.Equal(t, rules.StatusPass, status(weights("150000", "30", "60", "10")), "P30/Q60/SV10")
	assert.Equal(t, rules.StatusSkipped, status(weights("90000", "30", "65", "5")), "£90,000 is under the threshold")

	low := weights("150000", "30", "65", "5")
	bids := []evaluate.Bid{bid("A", "100", map[string]string{"q": "5"}, dp("5")), bid("B", "120", map[string]string{"q": "4"}, dp("5"))}
	fw := testFramework(t)
	res, err := evaluate.Evaluate(ctx, low, bids, fw, evaluate.Options{Rules: set, Now: testNow})
	require.ErrorIs(t, err, evaluate.ErrPolicyFailed)
	require.NotNil(t, res)
	assert.True(t, res.PolicyFailed)
	assert.False(t, res.Scored)
	assert.Empty(t, res.Bids)
	assert.Len(t, res.Policy, 4, "the default policy's three rules and the council's one")

	res, err = evaluate.Evaluate(ctx, low, bids, fw, evaluate.Options{Rules: set, Now: testNow, ScoreAnyway: true})
	require.NoError(t, err)
	assert.True(t, res.PolicyFailed)
	assert.True(t, res.ScoredAnyway)
	assert.True(t, res.Scored)
	assert.Equal(t, "A", res.Bids[0].Supplier.Name)

	// A waiver with a reason turns the failure into waived; scoring goes on.
	low.Waivers = []evaluate.Waiver{{Rule: "sv-floor", Reason: "immature market, see pre-market engagement report", ApprovedBy: "Head of Procurement", Date: testNow}}
	res, err = evaluate.Evaluate(ctx, low, bids, fw, evaluate.Options{Rules: set, Now: testNow})
	require.NoError(t, err)
	assert.False(t, res.PolicyFailed)
	assert.Equal(t, rules.StatusWaived, res.Policy[0].Status)
}

// §9.10: absolute linear price between buyer bounds, weight 40, floor £80k,
// ceiling £120k: £100k → 40 × 20/40 = 20; £75k → 45 clamped to 40; £130k →
// −10 clamped to 0.
// Source: the Negometrix absolute price formula (as in §9.3's source); the
// clamping outside the bounds is this library's decision.
func TestScenario10Budget(t *testing.T) {
	tender := design("40", []evaluate.QualityCriterion{qc("q", "60", "5")}, evaluate.SocialValueCriterion{})
	tender.Criteria.Price = evaluate.PriceCriterion{Weight: d("40"), Method: evaluate.Budget, Floor: d("80000"), Ceiling: d("120000")}
	q := map[string]string{"q": "5"}
	res := run(t, tender, bid("A", "100000", q, nil), bid("B", "75000", q, nil), bid("C", "130000", q, nil), bid("D", "110000", q, nil))
	assertPoints(t, "20", "20.00", bySupplier(t, res, "A").Price.Points, "A")
	assertPoints(t, "40", "40.00", bySupplier(t, res, "B").Price.Points, "B")
	assertPoints(t, "0", "0.00", bySupplier(t, res, "C").Price.Points, "C")
	assertPoints(t, "10", "10.00", bySupplier(t, res, "D").Price.Points, "D: 40 × 10/40")
	assert.True(t, d("120000").Equal(res.Criteria.Price.Ceiling))
}

// Linear deviation from the lowest: weight 40, lowest £100: £125 → 40 ×
// (1 − 25/100) = 30; £200 and above → 0; £130.50 → 40 × 0.695 = 27.8.
func TestLinearPrice(t *testing.T) {
	tender := design("40", []evaluate.QualityCriterion{qc("q", "60", "5")}, evaluate.SocialValueCriterion{})
	tender.Criteria.Price.Method = evaluate.Linear
	q := map[string]string{"q": "5"}
	res := run(t, tender, bid("A", "100", q, nil), bid("B", "125", q, nil), bid("C", "200", q, nil), bid("D", "250", q, nil), bid("E", "130.50", q, nil))
	assertPoints(t, "40", "40.00", bySupplier(t, res, "A").Price.Points, "A")
	assertPoints(t, "30", "30.00", bySupplier(t, res, "B").Price.Points, "B")
	assertPoints(t, "0", "0.00", bySupplier(t, res, "C").Price.Points, "C")
	assertPoints(t, "0", "0.00", bySupplier(t, res, "D").Price.Points, "D")
	assertPoints(t, "27.8", "27.80", bySupplier(t, res, "E").Price.Points, "E")
}

// Commitments are valued at the tender year's proxies: 100 hours × £16.93 +
// £500 + 3 schools (non-financial, £0) = £2,193.
func TestValuation(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
	b := bid("A", "100", map[string]string{"q": "5"}, nil,
		evaluate.Commitment{Measure: "hours", Quantity: d("100")}, pounds("500"), evaluate.Commitment{Measure: "count", Quantity: d("3")})
	res := run(t, tender, b)
	a := res.Bids[0]
	assert.True(t, d("2193").Equal(a.SocialValue.Value), "%s", a.SocialValue.Value)
	require.Len(t, a.SocialValue.Commitments, 3)
	h := a.SocialValue.Commitments[0]
	assert.Equal(t, "hours", h.Measure)
	assert.True(t, d("1693").Equal(h.Value))
	require.Len(t, res.Measures, 3)
	hm := res.Measures[0]
	assert.Equal(t, "hours", hm.ID)
	assert.True(t, d("16.93").Equal(hm.Proxy.Value))
	assert.Equal(t, "2024/25", hm.Proxy.Year.String())
	assert.Equal(t, "Essex calculator", hm.Proxy.Source)
	assert.True(t, hm.Financial)
	assert.False(t, res.Measures[2].Financial)
	c := a.SocialValue.Commitments[2]
	assert.True(t, c.Value.IsZero())
	assert.True(t, d("3").Equal(c.Quantity))
	assertPoints(t, "10", "10.00", a.SocialValue.Points, "a single bid with value gets the whole weight")
}

// A quality score below its pass mark excludes the bid, with the reason; it
// sets no benchmark, so the cheapest valid bid gets the whole price weight.
func TestPassMarkExcludes(t *testing.T) {
	crit := qc("q", "60", "5")
	crit.PassMark = d("3")
	tender := design("40", []evaluate.QualityCriterion{crit}, evaluate.SocialValueCriterion{})
	res := run(t, tender, bid("Cheap", "50", map[string]string{"q": "2"}, nil), bid("A", "100", map[string]string{"q": "3"}, nil), bid("B", "200", map[string]string{"q": "5"}, nil))
	cheap := bySupplier(t, res, "Cheap")
	assert.True(t, cheap.Excluded)
	assert.Equal(t, 0, cheap.Rank)
	require.Len(t, cheap.Reasons, 1)
	assert.Contains(t, cheap.Reasons[0], `quality "q" scored 2, below the pass mark of 3`)
	assert.False(t, cheap.Quality.Criteria[0].Passed)
	assertPoints(t, "24", "24.00", cheap.Quality.Points, "its quality points are still shown")
	assertPoints(t, "0", "0.00", cheap.Total, "excluded total")
	assertPoints(t, "40", "40.00", bySupplier(t, res, "A").Price.Points, "A is the lowest valid price")
	assert.Equal(t, "Cheap", res.Bids[2].Supplier.Name, "excluded bids come last")
	assert.Equal(t, []int{1, 2, 0}, ranks(res))
}

// Equal totals are ties unless a tie-break decides. A: £100 (lowest) → 50 +
// quality 6/10 × 50 = 30 → 80. B: £125 → 50 × 100/125 = 40 + 8/10 × 50 = 40 → 80.
func TestTies(t *testing.T) {
	tender := design("50", []evaluate.QualityCriterion{qc("q", "50", "10")}, evaluate.SocialValueCriterion{})
	bids := []evaluate.Bid{bid("A", "100", map[string]string{"q": "6"}, nil), bid("B", "125", map[string]string{"q": "8"}, nil), bid("C", "200", map[string]string{"q": "1"}, nil)}

	res := run(t, tender, bids...)
	assert.Equal(t, []int{1, 1, 3}, ranks(res))
	a := bySupplier(t, res, "A")
	require.NotNil(t, a.Tie)
	assert.Equal(t, 1, a.Tie.Group)
	require.Len(t, res.Ties, 1, "one group, listed once")
	assertPoints(t, "80", "80.00", res.Ties[0].Total, "the total they share")
	g, ok := res.TieGroup(a.Tie.Group)
	require.True(t, ok)
	assert.Equal(t, []string{"A", "B"}, suppliers(&evaluate.Result{Bids: res.Bids[g.From:g.To]}))
	assert.Equal(t, 1, bySupplier(t, res, "B").Tie.Group)
	assert.Empty(t, a.Tie.DecidedBy)
	assert.Nil(t, bySupplier(t, res, "C").Tie)
	_, ok = res.Winner()
	assert.False(t, ok, "no single winner")

	tender.TieBreak = []evaluate.TieBreak{evaluate.ByQuality}
	res = run(t, tender, bids...)
	assert.Equal(t, []string{"B", "A", "C"}, suppliers(res))
	assert.Equal(t, []int{1, 2, 3}, ranks(res))
	assert.Equal(t, evaluate.ByQuality, res.Bids[0].Tie.DecidedBy)
	assert.Equal(t, evaluate.ByQuality, res.Bids[1].Tie.DecidedBy)
	w, ok := res.Winner()
	assert.True(t, ok)
	assert.Equal(t, "B", w.Supplier.Name)

	tender.TieBreak = []evaluate.TieBreak{evaluate.BySocialValue, evaluate.ByPrice}
	res = run(t, tender, bids...)
	assert.Equal(t, []string{"A", "B", "C"}, suppliers(res))
	assert.Equal(t, evaluate.ByPrice, res.Bids[0].Tie.DecidedBy, "social value is equal (0), price decides")
}

// Ties are decided on exact values, never on rounded ones.
func TestExactComparisons(t *testing.T) {
	// Price 50 / quality 50 out of max 10¹⁴. Lowest price £1 (bid L).
	// A: £3 → 50/3 = 16.666...; quality 0.  Total 16.6666666666666|66...
	// B: £4 → 12.5; quality 50 × 8,333,333,333,333/10¹⁴ = 4.1666666666665.
	//    Total 16.6666666666665: 1.67 × 10⁻¹³ below A, and the same at 12 places.
	tender := design("50", []evaluate.QualityCriterion{qc("q", "50", "100000000000000")}, evaluate.SocialValueCriterion{})
	res := run(t, tender,
		bid("B", "4", map[string]string{"q": "8333333333333"}, nil),
		bid("A", "3", map[string]string{"q": "0"}, nil),
		bid("L", "1", map[string]string{"q": "0"}, nil))
	a, b := bySupplier(t, res, "A"), bySupplier(t, res, "B")
	// Truncated at 12 places both show 16.666666666666.
	assertPoints(t, "16.666666666666", "16.67", a.Total, "A")
	assertPoints(t, "16.666666666666", "16.67", b.Total, "B shows the same 12 places")
	assert.Equal(t, 2, a.Rank)
	assert.Equal(t, 3, b.Rank, "but ranks below A")
	assert.Nil(t, a.Tie)

	// Exactly equal totals made of repeating parts: A: £3 → 50/3, quality
	// 50 × 1/3 → 50/3: total 100/3. B: £1.50 → 100/3, quality 0. A tie.
	tender = design("50", []evaluate.QualityCriterion{qc("q", "50", "3")}, evaluate.SocialValueCriterion{})
	res = run(t, tender,
		bid("A", "3", map[string]string{"q": "1"}, nil),
		bid("B", "1.50", map[string]string{"q": "0"}, nil),
		bid("L", "1", map[string]string{"q": "0"}, nil))
	assert.Equal(t, 2, bySupplier(t, res, "A").Rank)
	assert.Equal(t, 2, bySupplier(t, res, "B").Rank)
	assertPoints(t, "33.333333333333", "33.33", bySupplier(t, res, "A").Total, "100/3")
}

// Edge cases: one bid; every price equal; every social value offer £0.
func TestEdgeCases(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)

	res := run(t, tender, bid("Only", "123.45", map[string]string{"q": "4"}, nil, pounds("0")))
	only := res.Bids[0]
	assertPoints(t, "30", "30.00", only.Price.Points, "a single bid is the lowest price")
	assertPoints(t, "0", "0.00", only.SocialValue.Points, "a single £0 offer")
	assertPoints(t, "78", "78.00", only.Total, "30 + 60 × 4/5")
	assert.Equal(t, 1, only.Rank)

	res = run(t, tender, bid("A", "99.99", map[string]string{"q": "5"}, nil, pounds("0")), bid("B", "99.990", map[string]string{"q": "5"}, nil, pounds("0")))
	for _, b := range res.Bids {
		assertPoints(t, "30", "30.00", b.Price.Points, "equal prices")
		assert.Equal(t, 1, b.Rank)
	}

	// No bids at all: nothing to evaluate, an input error (not an empty ranking).
	_, err := evaluate.Evaluate(context.Background(), tender, nil, testFramework(t), evaluate.Options{SkipPolicy: true})
	assert.ErrorIs(t, err, evaluate.ErrInvalid)
	assert.ErrorContains(t, err, `tender "T-1" has no bids to evaluate`)
}

// A price more than 20% below the mean of the others is flagged, not
// excluded. £70 against a mean of £100 is 30% below; £80 is exactly 20%.
func TestAbnormallyLow(t *testing.T) {
	tender := design("40", []evaluate.QualityCriterion{qc("q", "60", "5")}, evaluate.SocialValueCriterion{})
	tender.AbnormallyLow = d("20")
	q := map[string]string{"q": "5"}
	res := run(t, tender, bid("A", "100", q, nil), bid("B", "100", q, nil), bid("Low", "70", q, nil))
	low := bySupplier(t, res, "Low")
	require.Len(t, low.Flags, 1)
	assert.Equal(t, evaluate.FlagAbnormallyLow, low.Flags[0].Code)
	assert.Contains(t, low.Flags[0].Message, "£70.00 is more than 20% below £100.00")
	assert.Equal(t, 1, low.Rank, "flagged, not excluded")
	assert.Empty(t, bySupplier(t, res, "A").Flags)

	res = run(t, tender, bid("A", "100", q, nil), bid("B", "100", q, nil), bid("Edge", "80", q, nil))
	assert.Empty(t, bySupplier(t, res, "Edge").Flags, "exactly 20% below is not more than 20%")

	res = run(t, tender, bid("Only", "1", q, nil))
	assert.Empty(t, res.Bids[0].Flags, "a single bid has no others to compare with")
}

func TestEvaluateRejectsInvalidBids(t *testing.T) {
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10"), Measures: []string{"pounds", "hours"}}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
	bids := []evaluate.Bid{
		bid("A", "-1", map[string]string{"q": "6"}, nil, evaluate.Commitment{Measure: "count", Quantity: d("1")}),
		bid("a ", "100", map[string]string{}, nil),
	}
	_, err := evaluate.Evaluate(context.Background(), tender, bids, testFramework(t), evaluate.Options{SkipPolicy: true})
	require.Error(t, err)
	assert.ErrorIs(t, err, evaluate.ErrInvalid)
	var list diag.List
	require.True(t, errors.As(err, &list))
	msg := err.Error()
	assert.Contains(t, msg, "bids[0].price: is -1; a price must be above zero")
	assert.Contains(t, msg, `bids[0].quality.q: score 6 is outside 0 to 5`)
	assert.Contains(t, msg, `does not allow measure "count"`)
	assert.Contains(t, msg, `bids[1].supplier.name: supplier "a " already has a bid`)
	assert.Contains(t, msg, `bids[1].quality: no score for quality criterion "q"`)
}

// A total is rounded for display once, from its exact value: price 50 (the
// only bid has the lowest price: 50 × 1/1 = 50) + quality 50 × 0.980099999999999992/1
// = 49.0049999999999996, total exactly 99.0049999999999996. Half-up to 2
// places: the third decimal is 4, so 99.00. Rounding first at 12 places
// (99.005000000000) and then at 2 would show 99.01.
func TestDisplayRoundingIsExact(t *testing.T) {
	tender := design("50", []evaluate.QualityCriterion{qc("q", "50", "1")}, evaluate.SocialValueCriterion{})
	res := run(t, tender, bid("A", "1", map[string]string{"q": "0.980099999999999992"}, nil))
	a := res.Bids[0]
	assertPoints(t, "49.004999999999", "49.00", a.Quality.Points, "quality, truncated at 12 places")
	assertPoints(t, "99.004999999999", "99.00", a.Total, "total")
}
