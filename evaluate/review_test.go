package evaluate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

// badSums weights price 40 + quality 40 + social value 10 = 90, and splits
// the social value weight of 10 as 6 + 5 = 11.
const badSums = `apiVersion: toms/v1
kind: Tender
id: T-SUMS
title: Sums that do not add up
contractType: contract
value: "50000"
year: "2024/25"
criteria:
  price: {weight: "40"}
  quality:
    - {id: q, name: Quality, weight: "40", max: "10"}
  socialValue: {weight: "10", quantitativeWeight: "6", qualitativeWeight: "5", max: "5"}
bids:
  - supplier: {name: A}
    price: "100"
    quality: {q: "5"}
    socialValue: {qualitative: "5", commitments: [{measure: pounds, quantity: "10"}]}
`

// The loader checks structure, types and ranges; the sums are the policy's
// to report (weights-total, sv-split), and Evaluate never scores them.
func TestSumsAreThePolicysToReport(t *testing.T) {
	tn, err := evaluate.ParseTender("t.yaml", []byte(badSums))
	require.NoError(t, err, "the loader does not check the sums")

	rep, err := evaluate.Check(context.Background(), tn, nil, testNow)
	require.NoError(t, err)
	assert.True(t, rep.Failed())
	status := map[string]rules.Status{}
	for _, o := range rep.Verdicts {
		status[o.Rule] = o.Status
	}
	assert.Equal(t, rules.StatusFail, status["weights-total"], "40 + 40 + 10 = 90, not 100")
	assert.Equal(t, rules.StatusFail, status["sv-split"], "6 + 5 = 11, not 10")

	ctx, fw := context.Background(), testFramework(t)
	res, err := evaluate.Evaluate(ctx, tn, tn.Bids, fw, evaluate.Options{Now: testNow})
	assert.ErrorIs(t, err, evaluate.ErrPolicyFailed, "the policy stops it")
	require.NotNil(t, res)
	assert.False(t, res.Scored)

	for name, opts := range map[string]evaluate.Options{
		"score anyway": {ScoreAnyway: true, Now: testNow},
		"skip policy":  {SkipPolicy: true},
		// a policy without the sum rules passes, and still nothing is scored
		"other policy": {Rules: testRules(t), ReplaceDefaultRules: true, Now: testNow},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := evaluate.Evaluate(ctx, tn, tn.Bids, fw, opts)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, evaluate.ErrInvalid)
			assert.NotErrorIs(t, err, evaluate.ErrPolicyFailed)
			assert.ErrorContains(t, err, "t.yaml:12:16: criteria.socialValue: quantitativeWeight 6 + qualitativeWeight 5 must equal weight 10 before the bids can be scored")
			assert.ErrorContains(t, err, "criteria: the weights sum to 90 (price 40 + quality 40 + social value 10); they must sum to 100 before the bids can be scored")
		})
	}
	err = evaluate.Validate(tn, tn.Bids, fw)
	assert.ErrorContains(t, err, "the weights sum to 90", "Validate says what Evaluate would refuse")
}

// Every problem once; nothing cascades from a field already reported missing.
func TestParseTenderReportsEachProblemOnce(t *testing.T) {
	_, err := evaluate.ParseTender("t.yaml", []byte("apiVersion: toms/v1\nkind: Tender\nid: X\n"))
	require.Error(t, err)
	assert.Equal(t, `4 problems:
t.yaml:1:1: contractType: missing required field "contractType"
t.yaml:1:1: criteria: missing required field "criteria"
t.yaml:1:1: title: missing required field "title"
t.yaml:1:1: value: missing required field "value"`, err.Error())

	_, err = evaluate.ParseTender("t.yaml", []byte(`apiVersion: toms/v1
kind: Tender
id: X
title: t
contractType: contract
value: "1"
criteria:
  price: {weight: "100"}
  quality:
    - {name: x, weight: "0"}
bids:
  - supplier: {name: A}
    price: "1"
    socialValue: {commitments: [{quantity: "1"}]}
`))
	require.Error(t, err)
	assert.Equal(t, `3 problems:
t.yaml:10:7: criteria.quality[0].id: missing required field "id"
t.yaml:10:7: criteria.quality[0].max: missing required field "max"
t.yaml:14:33: bids[0].socialValue.commitments[0].measure: missing required field "measure"`, err.Error())
}

// With the catalogue, the bids loader lists a structural problem and an
// unknown measure in one pass.
func TestParseBidsWithCatalogue(t *testing.T) {
	tn := design("100", nil, evaluate.SocialValueCriterion{})
	tn.Criteria.Price.Weight = d("90")
	tn.Criteria.SocialValue = evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")}
	src := []byte(`apiVersion: toms/v1
kind: Bids
bids:
  - supplier: {name: A}
    price: "0"
    socialValue: {commitments: [{measure: pounts, quantity: "1"}]}
`)
	_, err := evaluate.ParseBids("b.yaml", src, tn, testFramework(t))
	require.Error(t, err)
	assert.ErrorContains(t, err, "b.yaml:5:12: bids[0].price: is 0; a price must be above zero")
	assert.ErrorContains(t, err, `b.yaml:6:43: bids[0].socialValue.commitments[0].measure: measure "pounts" is not in catalogue "test"; did you mean "pounds"?`)

	_, err = evaluate.ParseBids("b.yaml", src, tn, nil)
	assert.NotContains(t, err.Error(), "pounts", "without a catalogue, the measure is checked later")
}

// Every bid excluded is a result: no bid ranked, no lowest price or highest
// offer (null in JSON), the excluded bids listed by supplier name.
func TestAllExcluded(t *testing.T) {
	crit := qc("q", "60", "5")
	crit.PassMark = d("3")
	sv := evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")}
	tender := design("30", []evaluate.QualityCriterion{crit}, sv)
	res := run(t, tender,
		bid("Zeta", "50", map[string]string{"q": "2"}, nil, pounds("10")),
		bid("Alpha", "70", map[string]string{"q": "1"}, nil, pounds("20")))
	assert.Equal(t, 0, res.Ranked())
	assert.Equal(t, []string{"Alpha", "Zeta"}, suppliers(res), "excluded bids by supplier name, not input order")
	assert.Equal(t, []int{0, 0}, ranks(res))
	assert.True(t, res.LowestPrice.IsZero())
	_, ok := res.Winner()
	assert.False(t, ok)
	// Alpha's quality points are still shown: 60 × 1/5 = 12.
	assertPoints(t, "12", "12.00", res.Bids[0].Quality.Points, "Alpha quality")

	data, err := json.Marshal(res)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"lowestPrice":null,"highestSocialValue":null`)
	assert.True(t, strings.Contains(string(data), `"scored":true`))
}
