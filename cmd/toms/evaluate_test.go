package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
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
		// The abnormally-low flag fires on a bid that stays in (worked in the file).
		{"evaluate/low-price.txt", exitOK, []string{"testdata/evaluate/low-price.yaml"}},
		{"evaluate/low-price.json", exitOK, []string{"testdata/evaluate/low-price.yaml", "--format", "json"}},
		{"evaluate/low-price.csv", exitOK, []string{"testdata/evaluate/low-price.yaml", "--format", "csv"}},
		// Every bid excluded: a result with no ranked bid, n/a for the benchmarks.
		{"evaluate/all-excluded.txt", exitOK, []string{"testdata/evaluate/all-excluded.yaml"}},
		{"evaluate/all-excluded.json", exitOK, []string{"testdata/evaluate/all-excluded.yaml", "--format", "json"}},
		{"evaluate/all-excluded.csv", exitOK, []string{"testdata/evaluate/all-excluded.yaml", "--format", "csv"}},
		// Weights that do not sum to 100: the policy stops the evaluation.
		{"evaluate/bad-sums.txt", exitRuleFailed, []string{"testdata/check/bad-sums.yaml"}},
		{"evaluate/csv-injection.csv", exitOK, []string{"testdata/evaluate/csv-injection.yaml", "--format", "csv"}},
		{"evaluate/weighted.txt", exitOK, []string{"testdata/evaluate/weighted.yaml"}},
		{"evaluate/weighted.json", exitOK, []string{"testdata/evaluate/weighted.yaml", "--format", "json"}},
		{"evaluate/weighted.csv", exitOK, []string{"testdata/evaluate/weighted.yaml", "--format", "csv"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, runEvaluate, c.args...)
			require.Equal(t, c.code, code, stderr)
			golden(t, c.name, stdout)
		})
	}
}

// Weights that do not add up are reported by the policy (exit 1, above);
// scored anyway they are still refused, as an input error (exit 2) that
// says why, and nothing is printed on stdout.
func TestEvaluateRefusesBadSums(t *testing.T) {
	for _, format := range []string{"table", "json", "csv"} {
		stdout, stderr, code := runCmd(t, runEvaluate, "testdata/check/bad-sums.yaml", "--score-anyway", "--format", format)
		assert.Equal(t, exitUsage, code)
		assert.Empty(t, stdout)
		golden(t, "evaluate/bad-sums-anyway.stderr", stderr)
	}
}

// No bids at all is an input error, in every format.
func TestEvaluateNoBids(t *testing.T) {
	for _, format := range []string{"table", "json", "csv"} {
		stdout, stderr, code := runCmd(t, runEvaluate, "testdata/evaluate/ties.yaml", "--format", format)
		assert.Equal(t, exitUsage, code)
		assert.Empty(t, stdout)
		assert.Equal(t, "toms: testdata/evaluate/ties.yaml: the tender has no bids; give them in the tender file (bids:) or with --bids FILE\n", stderr)
	}
}

// Every bid excluded: exit 0; n/a, never £0.00, for the lowest price.
func TestEvaluateAllExcluded(t *testing.T) {
	stdout, _, code := runCmd(t, runEvaluate, "testdata/evaluate/all-excluded.yaml")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "40 × lowest price (n/a) / price")
	assert.NotContains(t, stdout, "£0.00")
	stdout, _, _ = runCmd(t, runEvaluate, "testdata/evaluate/all-excluded.yaml", "--format", "json")
	assert.Contains(t, stdout, `"lowestPrice": null`)
	var doc struct {
		Bids []struct {
			Supplier struct{ Name string } `json:"supplier"`
			Rank     int                   `json:"rank"`
		} `json:"bids"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc.Bids, 2)
	assert.Equal(t, "Alpha Ltd", doc.Bids[0].Supplier.Name, "excluded bids by supplier name, not input order")
	assert.Equal(t, 0, doc.Bids[0].Rank)
}

// A text cell a spreadsheet would run as a formula is prefixed with ';
// numbers are not.
func TestEvaluateCSVInjection(t *testing.T) {
	stdout, _, code := runCmd(t, runEvaluate, "testdata/evaluate/csv-injection.yaml", "--format", "csv")
	require.Equal(t, exitOK, code)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 5)
	var names []string
	for _, r := range rows[1:] {
		names = append(names, r[1])
		assert.NotContains(t, "=+-@", r[5][:1], "a price is a number, written as one")
	}
	assert.Equal(t, []string{`'=HYPERLINK("http://example.com/?leak","Acme")`, "'-Minus Ltd", "'@Home Ltd", "'+Plus Ltd"}, names)
}

// A --policy that cannot be read is an input error (exit 2); one whose
// rules do not compile is exit 3. The same for check and evaluate.
func TestPolicyErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	for name, cmd := range map[string]command{"check": runCheck, "evaluate": runEvaluate} {
		t.Run(name, func(t *testing.T) {
			_, stderr, code := runCmd(t, cmd, exampleTender, "--policy", missing)
			assert.Equal(t, exitUsage, code, "a missing file: %s", stderr)
			assert.Contains(t, stderr, "missing.yaml")
			_, stderr, code = runCmd(t, cmd, exampleTender, "--policy", "testdata/check/bad-rule.yaml")
			assert.Equal(t, exitInvalidRules, code, "a rule that does not compile: %s", stderr)
			assert.Contains(t, stderr, "testdata/check/bad-rule.yaml:7:")
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
	assert.Equal(t, evaluate.CSVHeader(), rows[0])
}

func TestEvaluateInputErrors(t *testing.T) {
	_, stderr, code := runCmd(t, runEvaluate, "testdata/evaluate/ties.yaml", "--bids", "testdata/evaluate/bad-bids.yaml")
	assert.Equal(t, exitUsage, code)
	for _, want := range []string{
		"testdata/evaluate/bad-bids.yaml:5:12: bids[0].price: is -5; a price must be above zero",
		`testdata/evaluate/bad-bids.yaml:6:18: bids[0].quality.q: score 11 is outside 0 to 10`,
		`bad-bids.yaml:6:31: bids[0].quality.extra: "extra" is not a quality criterion of tender "T-TIES"`,
		`bad-bids.yaml:11:5: bids[1].qualty: unknown field "qualty"; did you mean "quality"?`,
		`bad-bids.yaml:9:22: bids[1].supplier.name: supplier "alpha ltd" already has a bid (bids[0] as "Alpha Ltd"; names are the same supplier when they differ only in case, spacing, invisible characters or how accents are encoded); one bid per supplier`,
	} {
		assert.Contains(t, stderr, want)
	}
	assert.NotContains(t, stderr, `bids[1].quality: no score`, "the misspelt key is the one mistake")

	dir := t.TempDir()
	bad := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("apiVersion: toms/v1\nkind: Tender\nid: X\ntitle: X\ncontractType: lease\nvalue: \"1\"\ncriteria:\n  price: {weight: \"50\"}\n"), 0o600))
	_, stderr, code = runCmd(t, runEvaluate, bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, bad+`:5:15: contractType: is "lease"; use contract, framework, dps or call-off`)
	assert.NotContains(t, stderr, "the weights sum to 50", "the sums are the policy's to report, once the file is valid")

	_, stderr, code = runCmd(t, runEvaluate, "testdata/evaluate/ties.yaml", "--bids", "testdata/evaluate/bids.yaml", "--policy", filepath.Join(dir, "missing"))
	assert.Equal(t, exitUsage, code, stderr)

	_, _, code = runCmd(t, runEvaluate)
	assert.Equal(t, exitUsage, code)
	_, _, code = runCmd(t, runEvaluate, exampleTender, "--format", "xml")
	assert.Equal(t, exitUsage, code)
}

// When every social value offer is £0 the table says so instead of showing a
// division by £0.00 (each bid scores 0 quantitative points).
func TestEvaluateEveryOfferZero(t *testing.T) {
	data, err := os.ReadFile("../../examples/tender-scoring/tender.yaml")
	require.NoError(t, err)
	doc := strings.NewReplacer(`quantity: "600"`, `quantity: "0"`, `quantity: "120"`, `quantity: "0"`,
		`quantity: "400"`, `quantity: "0"`, `quantity: "15000.00"`, `quantity: "0"`,
		`quantity: "80"`, `quantity: "0"`, `quantity: "5000.00"`, `quantity: "0"`,
		"method: measures", "method: highest").Replace(string(data))
	doc = regexp.MustCompile(`\{id: ([a-z-]+), (weight|target): "[0-9.]+"\}`).ReplaceAllString(doc, "$1")
	path := filepath.Join(t.TempDir(), "tender.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	stdout, stderr, code := runCLI(t, "evaluate", path)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "quantitative 10 × £ value / highest offer (every offer is £0: 0 points)")
	assert.NotContains(t, stdout, "/ £0.00")
}

// Under method measures, the same £0 offers leave the £ measures out of the
// denominator and the non-financial offers still earn points.
func TestEvaluateEveryPoundOfferZeroByMeasure(t *testing.T) {
	data, err := os.ReadFile("../../examples/tender-scoring/tender.yaml")
	require.NoError(t, err)
	doc := strings.NewReplacer(`quantity: "600"`, `quantity: "0"`, `quantity: "120"`, `quantity: "0"`,
		`quantity: "400"`, `quantity: "0"`, `quantity: "15000.00"`, `quantity: "0"`,
		`quantity: "80"`, `quantity: "0"`, `quantity: "5000.00"`, `quantity: "0"`).Replace(string(data))
	path := filepath.Join(t.TempDir(), "tender.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	stdout, stderr, code := runCLI(t, "evaluate", path)
	require.Equal(t, exitOK, code, stderr)
	// Σ weight = apprentices 2 + SME spend 1 + schools 1 = 4; Kestrel:
	// 10 × (2 × 3/4 + 1 + 1) / 4 = 8.75, + 10 qualitative = 18.75.
	assert.Contains(t, stdout, "Σ weight = 4 over the measures that count")
	assert.Contains(t, stdout, "expert-hours           1 (priority)  no offers")
	assert.Contains(t, stdout, "not counted: no one scores on it")
	assert.Regexp(t, `Kestrel Civils \(SME, local\).* 18\.75 `, stdout)
}

// The command is a thin layer: for every format, what it prints is byte for
// byte what the library's renderer writes for the same result.
func TestEvaluatePrintsTheLibraryRenderers(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{exampleTender, "testdata/evaluate/csv-injection.yaml", "testdata/evaluate/low-price.yaml", "testdata/evaluate/all-excluded.yaml"} {
		tender, err := evaluate.LoadTenderFile(path)
		require.NoError(t, err)
		fw, err := evaluate.LoadFramework(tender)
		require.NoError(t, err)
		res, err := evaluate.Evaluate(ctx, tender, tender.Bids, fw, evaluate.Options{Now: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		for format, write := range map[string]func(io.Writer) error{"csv": res.WriteCSV, "json": res.WriteJSON, "table": res.WriteTable} {
			var lib bytes.Buffer
			require.NoError(t, write(&lib))
			stdout, stderr, code := runCmd(t, runEvaluate, path, "--format", format)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, lib.String(), stdout, "%s --format %s", path, format)
		}
	}
}

// One mistake is one problem (#12.5, #8.15): a price written with a
// thousands separator is not also "a price of 0"; a misspelled criterion in
// a bid's scores is flagged where it is, pointing at the criterion meant,
// whose missing score is the same mistake; a criterion without max is not
// also "score outside 0 to 0" in every bid.
func TestEvaluateOneProblemPerMistake(t *testing.T) {
	path := "testdata/evaluate/one-problem-each.yaml"
	stdout, stderr, code := runCmd(t, runEvaluate, path)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "toms: 3 problems:\n"+
		path+`:10:7: criteria.quality[0].max: missing required field "max"`+"\n"+
		path+`:13:12: bids[0].price: "4,200.00": not a decimal number (write digits only, without separators or spaces)`+"\n"+
		path+`:14:22: bids[0].quality.methd: "methd" is not a quality criterion of tender "T1"; did you mean "method"?`+"\n", stderr)
}

// A key in a bid's scores that is not a criterion is flagged even when the
// bid has as many scores as the tender has criteria.
func TestEvaluateUnknownScoreKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`apiVersion: toms/v1
kind: Tender
id: T2
title: Unknown score key
contractType: contract
value: "1000"
criteria:
  price: {weight: "60"}
  quality:
    - {id: method, name: Method, weight: "40", max: "5"}
bids:
  - supplier: {name: A}
    price: "4200"
    quality: {method: "4", safety: "3"}
`), 0o600))
	_, stderr, code := runCmd(t, runEvaluate, path)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "toms: "+path+`:14:36: bids[0].quality.safety: "safety" is not a quality criterion of tender "T2"`+"\n", stderr)
}

// The award table shows a waiver as `toms check` does: who approved it,
// when and why, under the waived rule (#10.6).
func TestEvaluateTableShowsWaiver(t *testing.T) {
	data, err := os.ReadFile("testdata/check/waived.yaml")
	require.NoError(t, err)
	doc := string(data) + `bids:
  - {supplier: {name: A}, price: "100000", quality: {q: "3"}}
`
	path := filepath.Join(t.TempDir(), "waived.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	stdout, stderr, code := runCmd(t, runEvaluate, path)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "  Status  Rule           Severity  Message, or the values compared\n"+
		"  WAIVED  sv-floor       error     Social value is weighted 5 points; tenders over £100,000.00 (excluding VAT) need at least 10 points, or an approved waiver.\n"+
		"                                   waived: approved by Head of Procurement on 2025-04-01; reason: pre-market engagement showed an immature market (report PME-12)\n")
}
