package rules_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/stream"
	"github.com/socialvalue-toms/toms/rules"
)

func TestReadRuleSet(t *testing.T) {
	set, err := rules.Read(strings.NewReader(testRules), "up.yaml", rules.ReadOptions{})
	require.NoError(t, err)
	r, ok := set.Rule("floor")
	require.True(t, ok)
	assert.Equal(t, "up.yaml:7:5", r.Pos.String())

	// "apiVersion: toms/v1\n" is 20 bytes; the comment on line 2 passes the
	// 1 KiB limit at byte 1024, its column 1024-20+1.
	_, err = rules.Read(stream.NewEndless("apiVersion: toms/v1\n#", 'x'), "up.yaml", rules.ReadOptions{MaxBytes: 1 << 10})
	require.ErrorIs(t, err, diag.ErrTooLarge)
	assert.EqualError(t, err, "up.yaml:2:1005: the file is larger than 1024 bytes (1 KiB), the limit for one input file; it passes the limit here")
}

// TestRuleFileLimits: rule sets, rule tests and fixtures share the limit,
// which LoadWith and TestOptions raise or lower.
func TestRuleFileLimits(t *testing.T) {
	pad := "# " + strings.Repeat("x", 2100) + "\n"
	fsys := fstest.MapFS{
		"p/rules.yaml":           {Data: []byte(testRules + pad)},
		"q/rules.yaml":           {Data: []byte(testRules)},
		"q/rules_test.yaml":      {Data: []byte(testHeader + pad + "tests: []\n")},
		"r/rules.yaml":           {Data: []byte(testRules)},
		"r/rules_test.yaml":      {Data: []byte(testHeader + "tests:\n  - {name: t, input: {tender: ten}, expect: {floor: pass}}\n")},
		"r/testdata/shared.yaml": {Data: []byte("apiVersion: toms/v1\nkind: Fixtures\n" + pad)},
	}
	ctx := context.Background()
	_, err := rules.LoadWith(ctx, fsys, rules.ReadOptions{MaxBytes: 2048}, "p")
	assert.ErrorIs(t, err, diag.ErrTooLarge)
	assert.ErrorContains(t, err, "p/rules.yaml:")
	_, err = rules.LoadWith(ctx, fsys, rules.ReadOptions{MaxBytes: 4096}, "p")
	assert.NoError(t, err)
	_, err = rules.Load(ctx, fsys, "p")
	assert.NoError(t, err, "within the default limit")

	for _, dir := range []string{"q", "r"} {
		rep, err := rules.RunTests(ctx, fsys, rules.TestOptions{Paths: []string{dir}, MaxBytes: 2048})
		var found bool
		for _, s := range rep.Suites {
			found = found || errors.Is(s.Err, diag.ErrTooLarge)
		}
		found = found || errors.Is(err, diag.ErrTooLarge)
		assert.True(t, found, "%s: %v %+v", dir, err, rep)
	}
}
