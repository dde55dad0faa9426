package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleDir writes a folder with the given files and returns its path.
func ruleDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	}
	return dir
}

const (
	cliRules = `apiVersion: toms/v1
kind: RuleSet
metadata: {name: council}
constants:
  floor: {type: decimal, value: "12"}
  cap: {type: money, value: "900000.00"}
rules:
  - id: floor
    expr: tender.weights.socialValue >= constants.floor
    message: social value is below 12 points
`
	cliTests = `apiVersion: toms/v1
kind: RuleTest
fixtures:
  tenders:
    works: {value: "200000.00", weights: {price: "60", quality: "28", socialValue: "12"}}
tests:
  - name: twelve points pass
    input: {tender: works}
    expect: {floor: pass}
`
	checkTender = "../../examples/tender-scoring/tender.yaml"
)

// An invalid rule file is exit 3 in `toms test` and `toms check` alike,
// whatever is wrong with it (YAML, CEL, cost), and `toms test` names the
// rule file, not the test file it could not run.
func TestInvalidRuleFileExitsThreeEverywhere(t *testing.T) {
	for _, c := range []struct {
		name, rules, problem string
	}{
		{"YAML syntax", strings.Replace(cliRules, "rules:\n", "rules:\n\t- tab\n", 1),
			"DIR/rules.yaml:8:1: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n" +
				" 8 | \t- tab\n" +
				"   | ^"},
		{"unknown field", strings.Replace(cliRules, "    message:", "    mesage:", 1),
			`DIR/rules.yaml:10:5: rules[0].mesage: unknown field "mesage"; did you mean "message"?`},
		{"CEL", strings.Replace(cliRules, "socialValue >=", "socialVlaue >=", 1),
			"DIR/rules.yaml:9:26: rule floor: rules[0].expr: undefined field 'socialVlaue'; did you mean 'socialValue'?\n" +
				" 9 |     expr: tender.weights.socialVlaue >= constants.floor\n" +
				"   |                          ^"},
		{"over the cost bound", strings.Replace(cliRules, "tender.weights.socialValue >= constants.floor",
			"tender.measures.all(a, tender.measures.all(b, tender.measures.all(c, a != b || b != c)))", 1),
			"DIR/rules.yaml:9:11: rule floor: rules[0].expr: the worst-case cost is"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := ruleDir(t, map[string]string{"rules.yaml": c.rules, "rules_test.yaml": cliTests})
			stdout, stderr, code := runTestCmd(t, dir)
			stdout = strings.ReplaceAll(stdout, dir, "DIR")
			assert.Equal(t, exitInvalidRules, code, "toms test; stderr: %s", stderr)
			assert.True(t, strings.HasPrefix(stdout, "INVALID RULES DIR/rules.yaml (not run: DIR/rules_test.yaml)\n    "+
				strings.ReplaceAll(c.problem, "\n", "\n    ")), "toms test names the rule file:\n%s", stdout)
			assert.True(t, strings.HasSuffix(stdout, "\n0 passed, 0 failed, 0 skipped, 0 errors; 1 could not run (listed above)\n"), stdout)

			_, stderr, code = runCLI(t, "check", checkTender, "--policy", dir)
			stderr = strings.ReplaceAll(stderr, dir, "DIR")
			assert.Equal(t, exitInvalidRules, code, "toms check; stderr: %s", stderr)
			assert.True(t, strings.HasPrefix(stderr, "toms: "+c.problem), "toms check:\n%s", stderr)
		})
	}
}

// `toms test path/to/rules.yaml` runs the tests beside the rule file.
func TestTestARuleFileRunsItsTests(t *testing.T) {
	dir := ruleDir(t, map[string]string{"rules.yaml": cliRules, "rules_test.yaml": cliTests})
	stdout, _, code := runTestCmd(t, filepath.Join(dir, "rules.yaml"))
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "ok   DIR/rules_test.yaml: 1 passed, 0 failed, 0 skipped, 0 errors\n\n1 passed, 0 failed, 0 skipped, 0 errors\n",
		strings.ReplaceAll(stdout, dir, "DIR"))

	failing := strings.Replace(cliTests, "expect: {floor: pass}", "expect: {floor: fail}", 1)
	dir = ruleDir(t, map[string]string{"rules.yaml": cliRules, "rules_test.yaml": failing})
	_, _, code = runTestCmd(t, filepath.Join(dir, "rules.yaml"))
	assert.Equal(t, exitTestsFailed, code, "a CI job pointed at the rule file fails when its tests fail")
}

// Errors in test files say what is wrong, once, with the right hint.
func TestRuleTestFileMessages(t *testing.T) {
	for _, c := range []struct {
		name, rules, tests, want string
		code                     int
	}{
		{"a fixture straight under fixtures", cliRules,
			strings.Replace(cliTests, "  tenders:\n    works:", "  bid-a: {supplier: A}\n  tenders:\n    works:", 1),
			"INVALID TEST DIR/rules_test.yaml\n" +
				`    DIR/rules_test.yaml:4:3: fixtures.bid-a: "bid-a" looks like a fixture, but fixtures are named under fixtures: only inside tenders: or bids:; move it under bids:` + "\n",
			exitTestsFailed},
		{"a misspelled fixture key", cliRules,
			strings.Replace(cliTests, "input: {tender: works}", "input: {tender: {fixtrue: works}}", 1),
			"ERROR DIR/rules_test.yaml:7:5 twelve points pass\n" +
				`    DIR/rules_test.yaml:8:22: tests[0].input.tender.fixtrue: unknown field "fixtrue"; did you mean "fixture"?` + "\n",
			exitTestsFailed},
		{"a misspelled fixture name", cliRules,
			strings.Replace(cliTests, "input: {tender: works}", "input: {tender: wroks}", 1),
			"ERROR DIR/rules_test.yaml:7:5 twelve points pass\n" +
				`    DIR/rules_test.yaml:8:21: tests[0].input.tender: no fixture called "wroks"; did you mean "works"?` + "\n",
			exitTestsFailed},
		{"fixture given twice", cliRules,
			strings.Replace(cliTests, "input: {tender: works}", "input: {tender: {fixture: works, fixture: works}}", 1),
			"ERROR DIR/rules_test.yaml:7:5 twelve points pass\n" +
				`    DIR/rules_test.yaml:8:38: tests[0].input.tender.fixture: key "fixture" is already defined at line 8; an input starts from one fixture` + "\n",
			exitTestsFailed},
		// Before, the rule reading the broken constant added "did you mean
		// 'constants.floor2'?", pointing at a different, valid constant.
		{"one bad constant is one problem", strings.Replace(strings.Replace(cliRules, `value: "12"`, `value: "12,0"`, 1),
			"  cap:", "  floor2: {type: decimal, value: \"13\"}\n  cap:", 1), cliTests,
			"INVALID RULES DIR/rules.yaml (not run: DIR/rules_test.yaml)\n" +
				`    DIR/rules.yaml:5:33: constants.floor.value: "12,0": not a decimal number (write digits only, without separators or spaces)` + "\n",
			exitInvalidRules},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := ruleDir(t, map[string]string{"rules.yaml": c.rules, "rules_test.yaml": c.tests})
			stdout, _, code := runTestCmd(t, dir)
			stdout = strings.ReplaceAll(stdout, dir, "DIR")
			assert.Equal(t, c.code, code)
			assert.True(t, strings.HasPrefix(stdout, c.want), "got:\n%s\nwant prefix:\n%s", stdout, c.want)
		})
	}
}

// The example policy's bid rules run in `toms evaluate`: a bid failing the
// 1.5% rule is excluded with the rule's message, in the table and the JSON
// (Meridian: £13,080.00 < 1.5% × £1,032,750.00 = £15,491.25), while the
// others pass and are ranked (Kestrel: £21,772.00 ≥ £16,432.50).
func TestEvaluateRunsBidRules(t *testing.T) {
	stdout, stderr, code := runCLI(t, "evaluate", checkTender, "--policy", "../../examples/policy")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "  Meridian Infrastructure plc: excluded: rule bid-sv-share: The social value commitments are worth £13,080.00, less than 1.5% of the price of £1,032,750.00 (£15,491.25).\n")
	assert.Contains(t, stdout, "  Meridian Infrastructure plc: policy: rule bid-skills-measure: The bid commits to no skills measure")
	assert.Contains(t, stdout, "Bid rules (the policy's rules about bids, for each bid)\n  Kestrel Civils\n    Status  Rule                Severity  Message, or the values compared\n    PASS    bid-sv-share        error")
	assert.Contains(t, stdout, "      1     Kestrel Civils (SME, local)")
	assert.NotContains(t, stdout, "SKIPPED  bid-sv-share", "bid rules are listed per bid, not as skipped tender rules")

	stdout, _, code = runCLI(t, "evaluate", checkTender, "--policy", "../../examples/policy", "--format", "json")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, `"policy": [
        {
          "rule": "bid-sv-share",
          "status": "fail",
          "severity": "error",
          "message": "The social value commitments are worth £13,080.00, less than 1.5% of the price of £1,032,750.00 (£15,491.25).",`)
}
