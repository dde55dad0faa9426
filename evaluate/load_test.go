package evaluate_test

import (
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
)

const goodTender = `apiVersion: toms/v1
kind: Tender
id: T
title: Test
contractType: call-off
value: "120000.50"
year: "2024/25"
catalogue: cat.yaml
criteria:
  price: {weight: "37.5", method: budget, floor: "1000", ceiling: "2000"}
  quality:
    - {id: q, name: Quality, weight: "42.5", max: "10", passMark: "4"}
  socialValue: {weight: "20", qualitativeWeight: "5", max: "5", method: target, target: "0.1", measures: [pounds]}
tieBreak: [price]
abnormallyLow: "15"
parentWeights: {price: "40", quality: "40", socialValue: "20"}
waivers:
  - {rule: sv-floor, reason: because, approvedBy: Head, date: 2025-04-01}
bids:
  - supplier: {name: A, vcse: true}
    price: "1500"
    quality: {q: "7.5"}
    socialValue: {qualitative: "2", commitments: [{measure: pounds, quantity: "150"}]}
`

func TestParseTender(t *testing.T) {
	tn, err := evaluate.ParseTender("t.yaml", []byte(goodTender))
	require.NoError(t, err)
	assert.Equal(t, evaluate.TypeCallOff, tn.ContractType)
	assert.True(t, d("120000.50").Equal(tn.Value))
	assert.True(t, d("15").Equal(tn.Criteria.SocialValue.QuantitativeWeight), "the rest of the weight")
	assert.Equal(t, []evaluate.TieBreak{evaluate.ByPrice}, tn.TieBreak)
	require.Len(t, tn.Bids, 1)
	assert.True(t, tn.Bids[0].Supplier.VCSE)
	assert.Equal(t, 20, tn.Bids[0].Pos.Line)

	in := tn.RuleInput()
	assert.True(t, d("42.5").Equal(in.Weights.Quality))
	assert.Equal(t, "target", in.SocialValue.Method)
	require.NotNil(t, in.Framework)
	assert.True(t, d("20").Equal(in.Framework.SocialValue))
	assert.Equal(t, "because", in.Waivers[0].Reason)
	assert.Equal(t, []string{"pounds"}, in.Measures)

	// Scoring it: budget 37.5 × (2000 − 1500)/1000 = 18.75; quality 42.5 × 0.75 = 31.875;
	// target 15 × min(1, (150/1500)/0.1) = 15; qualitative 5 × 2/5 = 2. Total 67.625.
	res := run(t, tn, tn.Bids...)
	assertPoints(t, "67.625", "67.63", res.Bids[0].Total, "total")
}

func TestParseTenderProblems(t *testing.T) {
	_, err := evaluate.ParseTender("t.yaml", []byte(`apiVersion: toms/v1
kind: Tender
id: T
title: Test
contractType: contract
value: "-1"
criteria:
  price: {weight: "40", method: cheapest}
  quality:
    - {id: q, weight: "40", max: "0"}
    - {id: q, weight: "10", max: "5", passMark: "6"}
  socialValue: {weight: "10", method: target}
tieBreak: [quality, luck]
abnormallyLow: "100"
bids:
  - supplier: {name: A}
    price: "10"
    quality: {q: "1"}
    colour: blue
`))
	require.Error(t, err)
	assert.ErrorIs(t, err, evaluate.ErrInvalid)
	var list diag.List
	require.True(t, errors.As(err, &list))
	msg := err.Error()
	for _, want := range []string{
		`t.yaml:6:8: value: is -1; the estimated value cannot be negative`,
		`t.yaml:8:33: criteria.price.method: is "cheapest"; use lowest, linear or budget`,
		`t.yaml:10:34: criteria.quality[0].max: is 0; the maximum score must be above zero`,
		`criteria.quality[1].id: criterion "q" is already defined`,
		`criteria.quality[1].passMark: is 6; it must be between 0 and the maximum score 5`,
		`t.yaml:12:16: criteria.socialValue: give quantitativeWeight and/or qualitativeWeight`,
		`criteria.socialValue.target: method target needs a target ratio`,
		`tieBreak: "luck" is not a tie-break`,
		`abnormallyLow: is 100`,
		`t.yaml:19:5: bids[0].colour: unknown field "colour"`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "the target ratio must be above zero", "a missing target is reported once")
	assert.NotContains(t, msg, "must equal weight", "a missing split is reported once")

	_, err = evaluate.ParseTender("t.yaml", []byte("apiVersion: toms/v1\nkind: Bids\n"))
	assert.ErrorContains(t, err, `kind: is "Bids"; this reader expects "Tender"`)
}

func TestParseBids(t *testing.T) {
	tn, err := evaluate.ParseTender("t.yaml", []byte(goodTender))
	require.NoError(t, err)
	bids, err := evaluate.ParseBids("b.yaml", []byte(`apiVersion: toms/v1
kind: Bids
tender: T
bids:
  - supplier: {name: B}
    price: "1200"
    quality: {q: "10"}
    socialValue: {commitments: [{measure: pounds, quantity: "1"}]}
`), tn, nil)
	require.NoError(t, err)
	require.Len(t, bids, 1)
	assert.Nil(t, bids[0].SocialValue.Qualitative)

	_, err = evaluate.ParseBids("b.yaml", []byte(`apiVersion: toms/v1
kind: Bids
tender: OTHER
bids:
  - supplier: {name: B}
    price: "0"
    quality: {q: "10", q: "9"}
    socialValue: {qualitative: "9", commitments: [{measure: hours, quantity: "-1"}, {measure: hours, quantity: "1"}]}
  - price: "5"
    quality: {q: "1"}
`), tn, testFramework(t))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`b.yaml:3:9: tender: the bids are for tender "OTHER", not "T"`,
		`b.yaml:6:12: bids[0].price: is 0; a price must be above zero`,
		`b.yaml:7:24: bids[0].quality.q: criterion "q" is scored twice`,
		`bids[0].socialValue.qualitative: score 9 is outside 0 to 5`,
		`bids[0].socialValue.commitments[0].quantity: is -1; a quantity cannot be negative`,
		`tender "T" does not allow measure "hours"; it allows pounds`,
		`bids[0].socialValue.commitments[1].measure: measure "hours" is already committed to`,
		`b.yaml:9:5: bids[1].supplier: missing required field "supplier"`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "a bid needs the supplier's name", "a missing field is reported once")
}

// A malformed year is reported once, as malformed, not again as missing.
func TestMalformedYearReportedOnce(t *testing.T) {
	data, err := os.ReadFile("../examples/tender-scoring/tender.yaml")
	require.NoError(t, err)
	doc := strings.Replace(string(data), `year: "2024/25"`, `year: "2024/26"`, 1)
	require.NotEqual(t, string(data), doc)
	_, err = evaluate.ParseTender("t.yaml", []byte(doc))
	var ds diag.List
	require.ErrorAs(t, err, &ds)
	n := 0
	for _, d := range ds {
		if d.Field == "year" {
			n++
			assert.Contains(t, d.Message, "not a financial year")
		}
	}
	assert.Equal(t, 1, n, "%v", err)
}
