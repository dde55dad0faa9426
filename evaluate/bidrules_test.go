package evaluate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

// bidPolicy has one rule about bids of each severity: commitments worth at
// least 5% of the price (error), and an SME bidder (warning).
const bidPolicy = `apiVersion: toms/v1
kind: RuleSet
metadata: {name: bids}
constants:
  share: {type: decimal, value: "0.05"}
rules:
  - id: sv-share
    expr: bid.socialValue >= bid.price * constants.share
    messageExpr: '"commitments of " + string(bid.socialValue) + " are under 5% of " + string(bid.price)'
  - id: sme
    expr: bid.supplier == "" || bid.sme
    severity: warning
    message: not an SME
`

// A failing error-severity bid rule excludes the bid with the rule's
// message; a warning flags it; a waiver for one supplier waives the rule for
// that bid only; the tender's report keeps the tender rules only.
func TestBidRulesRun(t *testing.T) {
	ctx := context.Background()
	set, err := rules.Parse("bids.yaml", []byte(bidPolicy))
	require.NoError(t, err)
	tn := design("40", []evaluate.QualityCriterion{qc("q", "50", "5")},
		evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")})
	// A: £100 price, £5 of commitments: 5% exactly, passes; an SME.
	// B: £100 price, £4.99: fails sv-share, excluded.
	// C: £200 price, £10: passes sv-share, not an SME: flagged.
	a := bid("A", "100", map[string]string{"q": "5"}, nil, pounds("5"))
	a.Supplier.SME = true
	b := bid("B", "100", map[string]string{"q": "5"}, nil, pounds("4.99"))
	b.Supplier.SME = true
	c := bid("C", "200", map[string]string{"q": "5"}, nil, pounds("10"))
	res, err := evaluate.Evaluate(ctx, tn, []evaluate.Bid{a, b, c}, testFramework(t), evaluate.Options{Rules: set, Now: testNow})
	require.NoError(t, err)
	assert.Equal(t, []string{"sv-floor", "weights-total", "sv-split"}, verdictRules(res.Policy), "bid rules are reported per bid")

	rb := bySupplier(t, res, "B")
	assert.True(t, rb.Excluded)
	assert.Equal(t, []string{"rule sv-share: commitments of £4.99 are under 5% of £100.00"}, rb.Reasons)
	assert.Equal(t, []string{"sv-share", "sme"}, verdictRules(rb.Policy))
	assert.Equal(t, rules.StatusFail, rb.Policy[0].Status)

	rc := bySupplier(t, res, "C")
	assert.False(t, rc.Excluded)
	assert.Equal(t, []evaluate.Flag{{Code: evaluate.FlagPolicy, Message: "rule sme: not an SME"}}, rc.Flags)
	assert.Equal(t, 2, res.Ranked(), "A and C ranked; B excluded and sets no benchmark")
	assert.True(t, d("100").Equal(res.LowestPrice), "A's £100 (B's £100 is excluded)")
	assert.True(t, d("10").Equal(res.HighestSocialValue), "C's £10")

	var out bytes.Buffer
	require.NoError(t, res.WriteJSON(&out))
	var js struct {
		Bids []struct {
			Supplier struct{ Name string }
			Policy   []struct{ Rule, Status, Message string }
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &js))
	for _, jb := range js.Bids {
		if jb.Supplier.Name == "B" {
			require.Len(t, jb.Policy, 2)
			assert.Equal(t, "fail", jb.Policy[0].Status)
			assert.Equal(t, "commitments of £4.99 are under 5% of £100.00", jb.Policy[0].Message)
		}
	}

	// A waiver for B only: B is scored, its verdict says waived.
	tn.Waivers = []evaluate.Waiver{{Rule: "sv-share", Supplier: "B", Reason: "local charity partner", ApprovedBy: "Head of Procurement", Date: testNow}}
	res, err = evaluate.Evaluate(ctx, tn, []evaluate.Bid{a, b, c}, testFramework(t), evaluate.Options{Rules: set, Now: testNow})
	require.NoError(t, err)
	rb = bySupplier(t, res, "B")
	assert.False(t, rb.Excluded)
	assert.Equal(t, rules.StatusWaived, rb.Policy[0].Status)
	assert.Equal(t, "B", rb.Policy[0].Waiver.Supplier)
	assert.Equal(t, rules.StatusFail, bySupplier(t, res, "C").Policy[1].Status, "the waiver is for B only")

	// A waiver naming a supplier with no bid is an input error.
	tn.Waivers[0].Supplier = "Bee"
	_, err = evaluate.Evaluate(ctx, tn, []evaluate.Bid{a, b, c}, testFramework(t), evaluate.Options{Rules: set, Now: testNow})
	require.ErrorIs(t, err, rules.ErrWaiver)
	assert.EqualError(t, err, `waivers[0].supplier: the waiver names supplier "Bee", who has no bid; did you mean "B"?`)

	// A supplier on a waiver of a tender rule is an error too.
	tn.Waivers[0] = evaluate.Waiver{Rule: "sv-floor", Supplier: "B", Reason: "r", ApprovedBy: "Head", Date: testNow}
	_, err = evaluate.Check(ctx, tn, set, testNow)
	require.ErrorIs(t, err, rules.ErrWaiver)
	assert.Contains(t, err.Error(), `waivers[0].supplier: the waiver names supplier "B", but rule sv-floor is about the tender, not bids; remove supplier`)
}

func verdictRules(vs []rules.Verdict) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	return out
}
