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

// waiverTender fails sv-floor (social value 5 on £150,000) and carries the
// waivers given, from line 13 of the file.
func waiverTender(t *testing.T, waivers string) *evaluate.Tender {
	t.Helper()
	src := `apiVersion: toms/v1
kind: Tender
id: T-W
title: Waivers
contractType: contract
value: "150000"
criteria:
  price: {weight: "30"}
  quality:
    - {id: q, name: Quality, weight: "65", max: "5"}
  socialValue: {weight: "5", qualitativeWeight: "5", max: "5"}
waivers:
` + waivers
	tn, err := evaluate.ParseTender("w.yaml", []byte(src))
	require.NoError(t, err)
	return tn
}

// An invalid waiver is an input error positioned at the waiver: it is never
// dropped, whether or not the rule it names fails.
func TestInvalidWaivers(t *testing.T) {
	ctx := context.Background()
	set := testRules(t)
	bids := []evaluate.Bid{bid("A", "100", map[string]string{"q": "5"}, dp("5"))}
	for _, c := range []struct {
		name, waivers string
		want          []string // the messages, in file order
	}{
		{"unknown rule", "  - {rule: sv-flor, reason: immature market}\n",
			[]string{`w.yaml:13:5: rule sv-flor: waivers[0].rule: the waiver names a rule the policy does not have; did you mean "sv-floor"?`}},
		{"no reason", "  - rule: sv-floor\n    approvedBy: Head\n",
			[]string{"w.yaml:13:5: rule sv-floor: waivers[0].reason: the waiver has no reason; record why the rule is impractical for this tender"}},
		{"blank reason, passing rule", "  - {rule: sv-floor, reason: immature market, approvedBy: Head, date: 2025-04-01}\n  - {rule: sv-target-set, reason: \"  \"}\n",
			[]string{"w.yaml:14:5: rule sv-target-set: waivers[1].reason: the waiver has no reason; record why the rule is impractical for this tender"}},
		{"no approver", "  - {rule: sv-floor, reason: immature market, date: 2025-04-01}\n",
			[]string{"w.yaml:13:5: rule sv-floor: waivers[0].approvedBy: the waiver has no approver; record who approved the exemption"}},
		{"every problem at once", "  - {rule: nope, reason: r}\n  - {rule: sv-floor}\n  - {rule: sv-floor, reason: r}\n",
			[]string{
				"w.yaml:13:5: rule nope: waivers[0].rule: the waiver names a rule the policy does not have",
				"w.yaml:14:5: rule sv-floor: waivers[1].reason: the waiver has no reason; record why the rule is impractical for this tender",
				"w.yaml:15:5: rule sv-floor: waivers[2].rule: the rule already has a waiver; give one waiver per rule",
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tn := waiverTender(t, c.waivers)
			rep, err := evaluate.Check(ctx, tn, set, testNow)
			require.Error(t, err)
			assert.ErrorIs(t, err, rules.ErrWaiver)
			assert.ErrorIs(t, err, evaluate.ErrInvalid)
			var list diag.List
			require.True(t, errors.As(err, &list))
			var got []string
			for _, d := range list {
				got = append(got, d.Error())
			}
			assert.Equal(t, c.want, got)
			assert.Len(t, rep.Verdicts, 4, "the report is complete: the default policy's three rules and the council's one")

			res, err := evaluate.Evaluate(ctx, tn, bids, testFramework(t), evaluate.Options{Rules: set, Now: testNow})
			assert.Nil(t, res)
			assert.ErrorIs(t, err, rules.ErrWaiver)
			assert.ErrorIs(t, err, evaluate.ErrInvalid)
			assert.Contains(t, err.Error(), c.want[len(c.want)-1])

			// ScoreAnyway does not get round it either.
			_, err = evaluate.Evaluate(ctx, tn, bids, testFramework(t), evaluate.Options{Rules: set, Now: testNow, ScoreAnyway: true})
			assert.ErrorIs(t, err, rules.ErrWaiver)
		})
	}

	// A valid waiver still waives, and a tender built in Go (no file) gets
	// an unpositioned message.
	tn := waiverTender(t, "  - {rule: sv-floor, reason: immature market, approvedBy: Head, date: 2025-04-01}\n")
	rep, err := evaluate.Check(ctx, tn, set, testNow)
	require.NoError(t, err)
	o, _ := rep.Verdict("sv-floor")
	assert.Equal(t, rules.StatusWaived, o.Status)

	tn.Waivers = []evaluate.Waiver{{Rule: "sv-flor", Reason: "typo", ApprovedBy: "Head", Date: testNow}}
	_, err = evaluate.Check(ctx, tn, set, testNow)
	require.ErrorIs(t, err, rules.ErrWaiver)
	assert.Equal(t, `rule sv-flor: waivers[0].rule: the waiver names a rule the policy does not have; did you mean "sv-floor"?`, err.Error())
}
