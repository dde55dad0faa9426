package evaluate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

// A caller's rule file without `extends: default` adds to the default
// policy through both library paths, as --policy does in the CLI; only
// ReplaceDefaultRules leaves the 10% floor out.
func TestLibraryKeepsTheDefaultFloor(t *testing.T) {
	ctx := context.Background()
	set := testRules(t) // sv-target-set only; no extends
	_, hasFloor := set.Rule("sv-floor")
	require.False(t, hasFloor, "the caller's set has no floor of its own")
	// £150,000 with social value at 5 points: below the 10-point floor.
	low := design("30", []evaluate.QualityCriterion{qc("q", "65", "5")},
		evaluate.SocialValueCriterion{Weight: d("5"), QualitativeWeight: d("5"), Max: d("5")})
	low.Value = d("150000")
	bids := []evaluate.Bid{bid("A", "100", map[string]string{"q": "5"}, dp("5"))}

	rep, err := evaluate.Check(ctx, low, set, testNow)
	require.NoError(t, err)
	o, ok := rep.Verdict("sv-floor")
	require.True(t, ok, "Check keeps the default floor")
	assert.Equal(t, rules.StatusFail, o.Status)
	_, ok = rep.Verdict("sv-target-set")
	assert.True(t, ok, "and runs the caller's rule")

	res, err := evaluate.Evaluate(ctx, low, bids, testFramework(t), evaluate.Options{Rules: set, Now: testNow})
	require.ErrorIs(t, err, evaluate.ErrPolicyFailed, "Evaluate keeps the default floor")
	assert.Contains(t, err.Error(), "rule sv-floor: Social value is weighted 5 points")
	assert.False(t, res.Scored)

	res, err = evaluate.Evaluate(ctx, low, bids, testFramework(t), evaluate.Options{Rules: set, ReplaceDefaultRules: true, Now: testNow})
	require.NoError(t, err, "replacing the default is explicit")
	assert.True(t, res.Scored)
	assert.Len(t, res.Policy, 1)

	_, err = evaluate.Evaluate(ctx, low, bids, testFramework(t), evaluate.Options{ReplaceDefaultRules: true})
	assert.EqualError(t, err, "evaluate: Options.ReplaceDefaultRules needs Options.Rules")

	// A set that extends the default is used as it is: the floor once.
	ext, err := rules.Parse("council.yaml", []byte("apiVersion: toms/v1\nkind: RuleSet\nextends: default\n"+
		"constants: {floor: {type: decimal, value: \"4\", override: true}}\n"))
	require.NoError(t, err)
	rep, err = evaluate.Check(ctx, low, ext, testNow)
	require.NoError(t, err)
	o, _ = rep.Verdict("sv-floor")
	assert.Equal(t, rules.StatusPass, o.Status, "the council's override of the floor (4) stands")
	assert.Len(t, rep.Verdicts, 3)
}
