package evaluate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/tom"
)

// priorityCatalogue is testCatalogue with local priorities: pounds 1 (the
// default), hours 2, count 3.
var priorityCatalogue = strings.Replace(strings.Replace(testCatalogue,
	"            unit: hours\n", "            unit: hours\n            priority: \"2\"\n", 1),
	"            unit: count\n", "            unit: count\n            priority: \"3\"\n", 1)

func runWith(t testing.TB, catalogue string, tender *evaluate.Tender, bids ...evaluate.Bid) *evaluate.Result {
	t.Helper()
	fw, err := tom.Parse("catalogue.yaml", []byte(catalogue))
	require.NoError(t, err)
	res, err := evaluate.Evaluate(context.Background(), tender, bids, fw, evaluate.Options{SkipPolicy: true})
	require.NoError(t, err)
	return res
}

func hours(q string) evaluate.Commitment {
	return evaluate.Commitment{Measure: "hours", Quantity: d(q)}
}
func count(q string) evaluate.Commitment {
	return evaluate.Commitment{Measure: "count", Quantity: d(q)}
}

func measuresDesign(quantitative string, measures []string, criteria map[string]evaluate.MeasureCriterion) *evaluate.Tender {
	sv := evaluate.SocialValueCriterion{Weight: d(quantitative), QuantitativeWeight: d(quantitative),
		Method: evaluate.Measures, Measures: measures, MeasureCriteria: criteria}
	return design(d("40").Sub(d(quantitative)).String(), []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
}

var q5 = map[string]string{"q": "5"}

// A non-financial offer earns points under method measures: it is scored
// by its quantity against the best offer of that measure, £0 or not.
func TestMeasuresNonFinancialOffer(t *testing.T) {
	// Q = 20; measures pounds and count, weight 1 each (the catalogue's
	// priority); best offers: pounds 1000 (A), count 4 (B); Σw = 2.
	//   A: pounds 1000, no count   → 20 × (1 × 1000/1000 + 0) / 2       = 10
	//   B: count 4 only (£0 value) → 20 × (0 + 1 × 4/4) / 2             = 10
	//   C: pounds 500, count 1     → 20 × (500/1000 + 1/4) / 2 = 20 × 0.75 / 2 = 7.5
	tender := measuresDesign("20", []string{"pounds", "count"}, nil)
	res := run(t, tender,
		bid("A", "100", q5, nil, pounds("1000")),
		bid("B", "100", q5, nil, count("4")),
		bid("C", "100", q5, nil, pounds("500"), count("1")))
	a, b, c := bySupplier(t, res, "A"), bySupplier(t, res, "B"), bySupplier(t, res, "C")
	assertPoints(t, "10", "10.00", a.SocialValue.Quantitative, "A")
	assertPoints(t, "10", "10.00", b.SocialValue.Quantitative, "B, a non-financial offer only")
	assert.True(t, b.SocialValue.Value.IsZero(), "B's £ value is £0")
	assertPoints(t, "7.5", "7.50", c.SocialValue.Quantitative, "C")
	// Each commitment's share: C pounds 20 × 0.5/2 = 5, count 20 × 0.25/2 = 2.5.
	require.Len(t, c.SocialValue.Commitments, 2)
	assertPoints(t, "5", "5.00", c.SocialValue.Commitments[0].Points, "C pounds")
	assertPoints(t, "2.5", "2.50", c.SocialValue.Commitments[1].Points, "C count")
	require.Len(t, res.MeasureScores, 2)
	assert.Equal(t, evaluate.MeasureScore{ID: "pounds", Unit: tom.GBP, Weight: d("1"), FromPriority: true, Best: d("1000"), Counted: true},
		res.MeasureScores[0])
	assert.True(t, d("4").Equal(res.MeasureScores[1].Best))

	// The same bids under method highest: B's count is worth £0 and so 0 points.
	tender.Criteria.SocialValue.Method = evaluate.Highest
	res = run(t, tender,
		bid("A", "100", q5, nil, pounds("1000")),
		bid("B", "100", q5, nil, count("4")))
	assertPoints(t, "0", "0.00", bySupplier(t, res, "B").SocialValue.Quantitative, "B under highest")
	assert.Nil(t, res.MeasureScores)
}

// Weights default to the catalogue's priorities (1, 2, 3); a weight in the
// tender replaces the priority.
func TestMeasuresPriorities(t *testing.T) {
	// Q = 12; weights pounds 1, hours 2, count 3 (priorities); Σw = 6.
	// Best: pounds 300 (A), hours 20 (B), count 2 (C).
	//   A: 300, 10, 0 → 12 × (1 × 300/300 + 2 × 10/20 + 3 × 0/2) / 6 = 12 × 2 / 6 = 4
	//   B: 100, 20, 1 → 12 × (1/3 + 2 × 1 + 3 × 1/2) / 6 = 2 × 23/6 = 7.666666666666|66…
	//   C:   0,  5, 2 → 12 × (0 + 2 × 5/20 + 3 × 1) / 6 = 2 × 3.5 = 7
	bids := []evaluate.Bid{
		bid("A", "100", q5, nil, pounds("300"), hours("10")),
		bid("B", "100", q5, nil, pounds("100"), hours("20"), count("1")),
		bid("C", "100", q5, nil, hours("5"), count("2")),
	}
	tender := measuresDesign("12", []string{"pounds", "hours", "count"}, nil)
	res := runWith(t, priorityCatalogue, tender, bids...)
	assertPoints(t, "4", "4.00", bySupplier(t, res, "A").SocialValue.Quantitative, "A")
	assertPoints(t, "7.666666666666", "7.67", bySupplier(t, res, "B").SocialValue.Quantitative, "B")
	assertPoints(t, "7", "7.00", bySupplier(t, res, "C").SocialValue.Quantitative, "C")
	for i, w := range []string{"1", "2", "3"} {
		assert.True(t, d(w).Equal(res.MeasureScores[i].Weight), "weight of %s", res.MeasureScores[i].ID)
		assert.True(t, res.MeasureScores[i].FromPriority)
	}

	// The tender weights count at 1 instead of its priority 3: Σw = 4.
	//   A: 12 × (1 + 1 + 0) / 4 = 6
	//   B: 12 × (1/3 + 2 + 1/2) / 4 = 3 × 17/6 = 8.5
	//   C: 12 × (0 + 0.5 + 1) / 4 = 4.5
	tender = measuresDesign("12", []string{"pounds", "hours", "count"}, map[string]evaluate.MeasureCriterion{"count": {Weight: d("1")}})
	res = runWith(t, priorityCatalogue, tender, bids...)
	assertPoints(t, "6", "6.00", bySupplier(t, res, "A").SocialValue.Quantitative, "A, count weighted 1")
	assertPoints(t, "8.5", "8.50", bySupplier(t, res, "B").SocialValue.Quantitative, "B, count weighted 1")
	assertPoints(t, "4.5", "4.50", bySupplier(t, res, "C").SocialValue.Quantitative, "C, count weighted 1")
	assert.False(t, res.MeasureScores[2].FromPriority)
}

// A measure no bid offers gives no one points and leaves the denominator.
func TestMeasuresWithoutOffers(t *testing.T) {
	// Q = 10; pounds, hours and count weigh 1 each, but no bid offers count
	// (and A's hours are 0): Σw = 1 + 1 = 2, not 3.
	//   A: pounds 200, hours 0 → 10 × (200/200 + 0) / 2 = 5
	//   B: pounds 100, hours 30 → 10 × (100/200 + 30/30) / 2 = 7.5
	// Kept in the denominator, count would have cut them to 3.33 and 5.
	tender := measuresDesign("10", []string{"pounds", "hours", "count"}, nil)
	res := run(t, tender,
		bid("A", "100", q5, nil, pounds("200"), hours("0")),
		bid("B", "100", q5, nil, pounds("100"), hours("30")))
	assertPoints(t, "5", "5.00", bySupplier(t, res, "A").SocialValue.Quantitative, "A")
	assertPoints(t, "7.5", "7.50", bySupplier(t, res, "B").SocialValue.Quantitative, "B")
	ms := res.MeasureScores[2]
	assert.Equal(t, "count", ms.ID)
	assert.False(t, ms.Counted, "no offers: the measure does not count")
	assert.True(t, ms.Best.IsZero())
	assert.True(t, res.MeasureScores[0].Counted)

	// No measure has an offer: every bid scores 0.
	res = run(t, tender, bid("A", "100", q5, nil, hours("0")), bid("B", "100", q5, nil))
	for _, b := range res.Bids {
		assertPoints(t, "0", "0.00", b.SocialValue.Quantitative, b.Supplier.Name+" with no offers")
	}
	for _, m := range res.MeasureScores {
		assert.False(t, m.Counted, m.ID)
	}
}

// A target quantity earns the whole weight; more is capped at 1.
func TestMeasuresTargets(t *testing.T) {
	// Q = 20; pounds target 1000 (weight 1, its priority), hours target 40
	// with weight 3; Σw = 4.
	//   A: pounds 1500 (capped: 1), hours 20 (20/40) → 20 × (1 + 3 × 0.5) / 4 = 12.5
	//   B: pounds 250 (0.25), hours 50 (capped: 1)   → 20 × (0.25 + 3) / 4   = 16.25
	//   C: pounds 0, hours 0                          → 0
	tender := measuresDesign("20", []string{"pounds", "hours"}, map[string]evaluate.MeasureCriterion{
		"pounds": {Target: d("1000")}, "hours": {Weight: d("3"), Target: d("40")}})
	res := run(t, tender,
		bid("A", "100", q5, nil, pounds("1500"), hours("20")),
		bid("B", "100", q5, nil, pounds("250"), hours("50")),
		bid("C", "100", q5, nil, pounds("0"), hours("0")))
	assertPoints(t, "12.5", "12.50", bySupplier(t, res, "A").SocialValue.Quantitative, "A")
	assertPoints(t, "16.25", "16.25", bySupplier(t, res, "B").SocialValue.Quantitative, "B")
	assertPoints(t, "0", "0.00", bySupplier(t, res, "C").SocialValue.Quantitative, "C")
	p := res.MeasureScores[0]
	assert.True(t, d("1000").Equal(p.Reference()), "the target is the reference")
	assert.True(t, d("1500").Equal(p.Best), "the best offer is still reported")
	assert.True(t, p.FromPriority)
	assert.False(t, res.MeasureScores[1].FromPriority)
}

// Valuation weighted scores Σ quantity × proxy × priority and shows the
// plain £ beside it.
func TestWeightedValuation(t *testing.T) {
	// Q = 10, method highest; priorities pounds 1, hours 2; hours at £16.93.
	//   A: pounds 1000 → plain £1,000, weighted £1,000
	//   B: hours 40   → plain 40 × 16.93 = £677.20, weighted × 2 = £1,354.40
	// Plain:    A 10, B 10 × 677.20/1000 = 6.772
	// Weighted: B 10, A 10 × 1000/1354.40 = 12500/1693 = 7.383343177790|90…
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")}
	tender := design("30", []evaluate.QualityCriterion{qc("q", "60", "5")}, sv)
	bids := []evaluate.Bid{bid("A", "100", q5, nil, pounds("1000")), bid("B", "100", q5, nil, hours("40"))}
	res := runWith(t, priorityCatalogue, tender, bids...)
	assertPoints(t, "10", "10.00", bySupplier(t, res, "A").SocialValue.Quantitative, "A plain")
	assertPoints(t, "6.772", "6.77", bySupplier(t, res, "B").SocialValue.Quantitative, "B plain")
	assert.True(t, bySupplier(t, res, "B").SocialValue.Weighted.IsZero(), "no weighted value under plain")
	assert.Equal(t, evaluate.Plain, res.Criteria.SocialValue.Valuation)

	tender.Criteria.SocialValue.Valuation = evaluate.Weighted
	res = runWith(t, priorityCatalogue, tender, bids...)
	a, b := bySupplier(t, res, "A"), bySupplier(t, res, "B")
	assertPoints(t, "10", "10.00", b.SocialValue.Quantitative, "B weighted")
	assertPoints(t, "7.38334317779", "7.38", a.SocialValue.Quantitative, "A weighted")
	assert.Equal(t, "677.20", b.SocialValue.Value.StringFixed(2), "the plain £ stays")
	assert.Equal(t, "1354.40", b.SocialValue.Weighted.StringFixed(2))
	assert.Equal(t, "1354.40", b.SocialValue.Commitments[0].Weighted.StringFixed(2))
	assert.Equal(t, "1354.40", res.HighestSocialValue.StringFixed(2), "Vmax is weighted")
	assert.True(t, d("2").Equal(res.Measures[1].Priority))
}

// PerPound is V / P rounded half-up to 4 places.
func TestPerPound(t *testing.T) {
	for _, c := range []struct{ value, price, want string }{
		{"250000", "1000000", "0.25"},
		{"1", "3", "0.3333"},
		{"2", "3", "0.6667"},                 // 0.6666|6… rounds up
		{"0.00005", "1", "0.0001"},           // exactly half-way: up
		{"0.000049", "1", "0"},               // below half-way: down
		{"21772.00", "1095500.00", "0.0199"}, // 0.019874…
	} {
		b := evaluate.BidResult{Price: evaluate.PriceScore{Price: d(c.price)}, SocialValue: evaluate.SocialValueScore{Value: d(c.value)}}
		assert.True(t, d(c.want).Equal(b.PerPound()), "%s / %s: got %s, want %s", c.value, c.price, b.PerPound(), c.want)
	}
}

func TestMeasuresValidation(t *testing.T) {
	fw := testFramework(t)
	check := func(tender *evaluate.Tender, want string) {
		t.Helper()
		err := evaluate.Validate(tender, []evaluate.Bid{bid("A", "100", q5, nil)}, fw)
		require.Error(t, err)
		assert.ErrorIs(t, err, evaluate.ErrInvalid)
		assert.Contains(t, err.Error(), want)
	}
	check(measuresDesign("20", nil, nil), "criteria.socialValue.measures: method measures scores the measures the tender lists; list at least one")
	tn := measuresDesign("20", []string{"pounds"}, map[string]evaluate.MeasureCriterion{"pounds": {Weight: d("-1")}})
	check(tn, "criteria.socialValue.measures[0].weight: is -1; a weight cannot be negative")
	tn = measuresDesign("20", []string{"pounds"}, map[string]evaluate.MeasureCriterion{"pounds": {Target: d("-5")}})
	check(tn, "criteria.socialValue.measures[0].target: is -5; a target quantity cannot be negative")
	tn = measuresDesign("20", []string{"pounds"}, map[string]evaluate.MeasureCriterion{"hours": {Weight: d("2")}})
	check(tn, `measure "hours" has a weight or target but is not one of the measures listed`)
	tn = measuresDesign("20", []string{"pounds"}, nil)
	tn.Criteria.SocialValue.Valuation = evaluate.Weighted
	check(tn, "valuation weighted applies to the methods that score the £ value of commitments (highest, target)")
	tn.Criteria.SocialValue.Valuation = "heavy"
	check(tn, `criteria.socialValue.valuation: is "heavy"; use plain or weighted`)
	tn = measuresDesign("20", []string{"pounds"}, map[string]evaluate.MeasureCriterion{"pounds": {Weight: d("2")}})
	tn.Criteria.SocialValue.Method = evaluate.Highest
	check(tn, "a measure's weight and target are for method measures; the method is highest")
	tn = measuresDesign("20", []string{"pounds", "nope"}, nil)
	check(tn, `measure "nope" is not in catalogue`)
}

// The tender file lists measures as bare ids or with a weight and target.
func TestMeasuresLoad(t *testing.T) {
	const head = `apiVersion: toms/v1
kind: Tender
id: M
title: Measures
contractType: contract
value: "100000"
year: "2024/25"
criteria:
  price: {weight: "40"}
  quality: [{id: q, weight: "40", max: "5"}]
  socialValue:
    weight: "20"
    quantitativeWeight: "20"
    method: measures
`
	tn, err := evaluate.ParseTender("m.yaml", []byte(head+`    measures:
      - pounds
      - {id: hours, weight: "3", target: "40"}
      - {id: count}
`))
	require.NoError(t, err)
	sv := tn.Criteria.SocialValue
	assert.Equal(t, []string{"pounds", "hours", "count"}, sv.Measures)
	require.Len(t, sv.MeasureCriteria, 1, "count takes both defaults")
	assert.True(t, d("3").Equal(sv.MeasureCriteria["hours"].Weight))
	assert.True(t, d("40").Equal(sv.MeasureCriteria["hours"].Target))

	_, err = evaluate.ParseTender("m.yaml", []byte(head+`    measures:
      - {id: hours, weight: "0", target: "0"}
      - {weight: "2"}
      - [pounds]
`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "listed twice", "the ids left out are reported once, where they were read")
	for _, want := range []string{
		`m.yaml:16:29: criteria.socialValue.measures[0].weight: is 0; leave weight out to use the catalogue's priority`,
		`m.yaml:16:42: criteria.socialValue.measures[0].target: is 0; leave target out to score against the best offer`,
		`criteria.socialValue.measures[1].id: missing`,
		`m.yaml:18:9: criteria.socialValue.measures[2]: expected text, found a list`,
	} {
		assert.Contains(t, err.Error(), want)
	}

	// An alias to a measure given as a mapping is read as that mapping (and
	// here lists it twice).
	_, err = evaluate.ParseTender("m.yaml", []byte(head+`    measures:
      - &h {id: hours, weight: "3"}
      - *h
`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `measure "hours" is listed twice`)
	assert.NotContains(t, err.Error(), "expected text")

	_, err = evaluate.ParseTender("m.yaml", []byte(strings.Replace(head, "method: measures", "method: measures\n    valuation: weighted", 1)+"    measures: [pounds]\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "criteria.socialValue.valuation: valuation weighted applies to")
}
