package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCmd runs one subcommand in-process, with the rules' clock fixed.
func runCmd(t *testing.T, cmd command, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	saved := clockNow
	clockNow = func() time.Time { return time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC) }
	defer func() { clockNow = saved }()
	var out, errOut bytes.Buffer
	code = cmd(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

const exampleTender = "../../examples/tender-scoring/tender.yaml"

func TestEvaluateGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		code int
		args []string
	}{
		{"evaluate/example.txt", exitOK, []string{exampleTender}},
		{"evaluate/example.json", exitOK, []string{exampleTender, "--format", "json"}},
		{"evaluate/example.csv", exitOK, []string{exampleTender, "--format", "csv"}},
		{"evaluate/ties.txt", exitOK, []string{"testdata/evaluate/ties.yaml", "--bids", "testdata/evaluate/bids.yaml"}},
		{"evaluate/ties.json", exitOK, []string{"testdata/evaluate/ties.yaml", "--bids", "testdata/evaluate/bids.yaml", "--format", "json"}},
		{"evaluate/low-sv.txt", exitRuleFailed, []string{"testdata/evaluate/low-sv.yaml"}},
		{"evaluate/low-sv.json", exitRuleFailed, []string{"testdata/evaluate/low-sv.yaml", "--format", "json"}},
		{"evaluate/low-sv-anyway.txt", exitOK, []string{"testdata/evaluate/low-sv.yaml", "--score-anyway"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, runEvaluate, c.args...)
			require.Equal(t, c.code, code, stderr)
			golden(t, c.name, stdout)
		})
	}
}

func TestEvaluateJSONShape(t *testing.T) {
	stdout, stderr, code := runCmd(t, runEvaluate, exampleTender, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var doc struct {
		Tender struct {
			ID string `json:"id"`
		} `json:"tender"`
		Policy []struct {
			Rule, Status, Message string
		} `json:"policy"`
		Bids []struct {
			Supplier struct {
				Name string `json:"name"`
				SME  bool   `json:"sme"`
			} `json:"supplier"`
			Price       struct{ Price, Points string } `json:"price"`
			Quality     struct{ Points string }        `json:"quality"`
			SocialValue struct{ Points, Value string } `json:"socialValue"`
			Total       string                         `json:"total"`
			Rank        int                            `json:"rank"`
			Excluded    bool                           `json:"excluded"`
			Reasons     []string                       `json:"reasons"`
		} `json:"bids"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, "HW-2025-014", doc.Tender.ID)
	require.NotEmpty(t, doc.Policy)
	assert.Equal(t, "pass", doc.Policy[0].Status)
	require.Len(t, doc.Bids, 3)
	assert.Equal(t, 1, doc.Bids[0].Rank)
	assert.NotEmpty(t, doc.Bids[0].Total)
	assert.NotNil(t, doc.Bids[0].Reasons, "reasons is a list, empty when none")
}

func TestEvaluateCSVLoads(t *testing.T) {
	stdout, _, code := runCmd(t, runEvaluate, exampleTender, "--format", "csv")
	require.Equal(t, exitOK, code)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, evaluateCSVHeader, rows[0])
}

func TestEvaluateInputErrors(t *testing.T) {
	_, stderr, code := runCmd(t, runEvaluate, "testdata/evaluate/ties.yaml", "--bids", "testdata/evaluate/bad-bids.yaml")
	assert.Equal(t, exitUsage, code)
	for _, want := range []string{
		"testdata/evaluate/bad-bids.yaml:5:12: bids[0].price: is -5; a price must be above zero",
		`testdata/evaluate/bad-bids.yaml:6:18: bids[0].quality.q: score 11 is outside 0 to 10`,
		`bad-bids.yaml:6:31: bids[0].quality.extra: "extra" is not a quality criterion of tender "T-TIES"`,
		`bad-bids.yaml:11:5: bids[1].qualty: unknown field "qualty"; did you mean "quality"?`,
		`bad-bids.yaml:9:22: bids[1].supplier.name: supplier "alpha ltd" already has a bid (bids[0])`,
	} {
		assert.Contains(t, stderr, want)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("apiVersion: toms/v1\nkind: Tender\nid: X\ntitle: X\ncontractType: lease\nvalue: \"1\"\ncriteria:\n  price: {weight: \"50\"}\n"), 0o600))
	_, stderr, code = runCmd(t, runEvaluate, bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, bad+`:5:15: contractType: is "lease"; use contract, framework, dps or call-off`)
	assert.Contains(t, stderr, bad+":8:3: criteria: the weights sum to 50")

	_, stderr, code = runCmd(t, runEvaluate, "testdata/evaluate/ties.yaml", "--bids", "testdata/evaluate/bids.yaml", "--policy", filepath.Join(dir, "missing"))
	assert.Equal(t, exitInvalidRules, code, stderr)

	_, _, code = runCmd(t, runEvaluate)
	assert.Equal(t, exitUsage, code)
	_, _, code = runCmd(t, runEvaluate, exampleTender, "--format", "xml")
	assert.Equal(t, exitUsage, code)
}
