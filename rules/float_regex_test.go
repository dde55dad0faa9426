package rules_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/rules"
)

const floatHint = `floating-point numbers (double) are not part of the rule vocabulary, because they compare inexactly; write decimal("10.5") or money("100000.00"), or use a constant`

// No path leads to a floating-point comparison: every value of type double
// is a compile error at its position, with a hint to decimal(...).
func TestNoFloatingPoint(t *testing.T) {
	for _, c := range []struct{ expr, pos string }{
		{`double(string(tender.weights.socialValue)) >= 10.0`, "p.yaml:6:18"},
		{`10.0 > 9.5`, "p.yaml:6:12"},
		{`double(tender.id) > double(1)`, "p.yaml:6:18"},
		{`int(double("1.5")) == 1`, "p.yaml:6:22"},
		{`dyn(1.5) == dyn(1.5)`, "p.yaml:6:16"},
		{`[1.5].exists(x, x > 1.0)`, "p.yaml:6:13"},
	} {
		t.Run(c.expr, func(t *testing.T) {
			_, err := rules.Parse("p.yaml", []byte(header+"rules:\n  - id: a\n    expr: '"+c.expr+"'\n"))
			require.Error(t, err)
			assert.ErrorIs(t, err, rules.ErrInvalidRule)
			assert.Contains(t, err.Error(), c.pos+": rule a: rules[0].expr: "+floatHint)
		})
	}
}

// dyn() is refused: it would let a rule compare a decimal with a plain
// number unchecked, and decimal == dyn(20) would be quietly false (and !=
// quietly true) although the weight is 20.
func TestNoDyn(t *testing.T) {
	const dynHint = `dyn() is not part of the rule vocabulary: it hides a value's type, so a decimal could be compared with a plain number; write decimal("20") or money("100000.00"), or use a constant`
	for _, c := range []struct{ expr, pos string }{
		{`tender.weights.socialValue == dyn(20)`, "p.yaml:6:45"},
		{`tender.weights.socialValue != dyn(20)`, "p.yaml:6:45"},
		{`dyn(tender.weights.socialValue) in [20]`, "p.yaml:6:15"},
	} {
		t.Run(c.expr, func(t *testing.T) {
			_, err := rules.Parse("p.yaml", []byte(header+"rules:\n  - id: a\n    expr: '"+c.expr+"'\n"))
			require.Error(t, err)
			assert.ErrorIs(t, err, rules.ErrInvalidRule)
			assert.Contains(t, err.Error(), c.pos+": rule a: rules[0].expr: "+dynHint)
		})
	}
}

// matches is costed by its pattern's compiled size times the text's
// length, so the static bound holds: five matches on a 10,000-character
// title used to take over a second (1.32 s in one run of `toms check`)
// under an estimate that let them through; now such a rule is invalid.
func TestMatchesIsCostedByPatternAndText(t *testing.T) {
	for _, c := range []struct{ name, expr, want string }{
		{"pattern too complex", `tender.title.matches("(?:[a-z]{0,100}x){0,9}")`,
			`p.yaml:6:33: rule a: rules[0].expr: the pattern "(?:[a-z]{0,100}x){0,9}" is too complex (more than 1000 instructions once compiled); simplify it`},
		{"over the cost bound on a long text", `tender.title.matches("(?:[a-z]{0,10}x){0,9}")`,
			"p.yaml:6:12: rule a: rules[0].expr: the worst-case cost is"},
		{"pattern not written in the rule", `tender.title.matches(tender.id)`,
			"p.yaml:6:39: rule a: rules[0].expr: matches needs its pattern written in the rule as text"},
		{"not a regular expression", `tender.id.matches("(")`,
			`p.yaml:6:30: rule a: rules[0].expr: the pattern "(" is not a regular expression`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := rules.Parse("p.yaml", []byte(header+"rules:\n  - id: a\n    expr: '"+c.expr+"'\n"))
			require.Error(t, err)
			assert.ErrorIs(t, err, rules.ErrInvalidRule)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// A plain pattern on an id passes, is costed by size, and runs fast.
	set, err := rules.Parse("p.yaml", []byte(header+"rules:\n"+
		"  - {id: a, expr: 'tender.id.matches(\"^T-[0-9]{4}-[0-9]{3}$\")'}\n"+
		"  - {id: b, expr: 'matches(tender.title, \"^[A-Z]\")'}\n"))
	require.NoError(t, err)
	ra, _ := set.Rule("a")
	assert.Greater(t, ra.Cost, uint64(rules.MaxStringLen), "the cost counts every character of the text")
	assert.LessOrEqual(t, ra.Cost, uint64(rules.MaxRuleCost))
	title := strings.Repeat("a", rules.MaxStringLen)
	start := time.Now()
	rep, err := set.Check(context.Background(), rules.Input{Tender: &rules.Tender{ID: "T-2025-014", Title: title}}, rules.CheckOptions{})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, rules.StatusPass, rep.Verdicts[0].Status)
	assert.Equal(t, rules.StatusFail, rep.Verdicts[1].Status)
}
