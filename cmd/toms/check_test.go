package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		code int
		args []string
	}{
		{"check/example.txt", exitOK, []string{exampleTender}},
		{"check/low-sv.txt", exitRuleFailed, []string{"testdata/check/low-sv.yaml"}},
		{"check/low-sv.json", exitRuleFailed, []string{"testdata/check/low-sv.yaml", "--format", "json"}},
		{"check/waived.txt", exitOK, []string{"testdata/check/waived.yaml"}},
		{"check/extra-policy.txt", exitOK, []string{exampleTender, "--policy", "testdata/check/extra-policy.yaml"}},
		{"check/extra-policy.json", exitOK, []string{"testdata/check/waived.yaml", "--policy", "testdata/check/extra-policy.yaml", "--format", "json"}},
		// Weights summing to 90 and a split of 6 + 5 for a weight of 10: the
		// loader accepts the file, the policy fails weights-total and sv-split.
		{"check/bad-sums.txt", exitRuleFailed, []string{"testdata/check/bad-sums.yaml"}},
		{"check/bad-sums.json", exitRuleFailed, []string{"testdata/check/bad-sums.yaml", "--format", "json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, runCheck, c.args...)
			require.Equal(t, c.code, code, stderr)
			golden(t, c.name, stdout)
		})
	}
}

func TestCheckJSONShape(t *testing.T) {
	stdout, _, code := runCmd(t, runCheck, "testdata/check/low-sv.yaml", "--format", "json")
	require.Equal(t, exitRuleFailed, code)
	var doc struct {
		Tender   string `json:"tender"`
		Failed   bool   `json:"failed"`
		Outcomes []struct {
			Rule, Status, Severity, Message string
		} `json:"outcomes"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.True(t, doc.Failed)
	assert.Equal(t, "T-LOW", doc.Tender)
	var found bool
	for _, o := range doc.Outcomes {
		if o.Rule == "sv-floor" {
			found = true
			assert.Equal(t, "fail", o.Status)
			assert.Equal(t, "error", o.Severity)
			assert.NotEmpty(t, o.Message)
		}
	}
	assert.True(t, found)
}

func TestCheckErrors(t *testing.T) {
	_, _, code := runCmd(t, runCheck)
	assert.Equal(t, exitUsage, code)
	_, stderr, code := runCmd(t, runCheck, "testdata/check/nope.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "nope.yaml")
	_, _, code = runCmd(t, runCheck, exampleTender, "--format", "csv")
	assert.Equal(t, exitUsage, code)
}

// An invalid waiver (an unknown rule, no reason) is an input error in the
// tender file: exit 2, every problem positioned at its waiver, no report.
func TestCheckInvalidWaiver(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		stdout, stderr, code := runCmd(t, runCheck, "testdata/check/bad-waiver.yaml", "--format", format)
		assert.Equal(t, exitUsage, code)
		assert.Empty(t, stdout)
		golden(t, "check/bad-waiver.stderr", stderr)
	}
	stdout, stderr, code := runCmd(t, runEvaluate, "testdata/check/bad-waiver.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	golden(t, "check/bad-waiver.stderr", stderr)
}

func TestCheckDefaultPolicyGivenAgain(t *testing.T) {
	_, stderr, code := runCLI(t, "check", "../../examples/tender-scoring/tender.yaml", "--policy", "../../rules/policy")
	assert.Equal(t, exitInvalidRules, code)
	assert.Contains(t, stderr, "the default policy is always loaded")
	stdout, stderr, code := runCLI(t, "check", "../../examples/tender-scoring/tender.yaml", "--policy", "../../examples/policy")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "skills-measure")
}

// A bad inline bid must not hide what the policy says about the tender:
// `toms check` reads the scoring design only.
func TestCheckIgnoresInlineBids(t *testing.T) {
	data, err := os.ReadFile("../../examples/tender-scoring/tender.yaml")
	require.NoError(t, err)
	doc := strings.Replace(string(data), `price: "1095500.00"`, `price: "0"`, 1)
	require.NotEqual(t, string(data), doc, "the example's first bid price changed")
	path := filepath.Join(t.TempDir(), "tender.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))

	stdout, stderr, code := runCLI(t, "check", path)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "PASS    sv-floor       error     tender.weights.socialValue = 20; constants.floor = 10\n")
	_, stderr, code = runCLI(t, "evaluate", path)
	assert.Equal(t, exitUsage, code, "evaluate still refuses the bad bid")
	assert.Contains(t, stderr, "price")
}
