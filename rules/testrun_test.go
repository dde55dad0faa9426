package rules_test

import (
	"context"
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/rules/rulestest"
)

// TestDefaultPolicyYAML runs the default policy's own social-value_test.yaml
// (every edge case of the floor) as subtests.
func TestDefaultPolicyYAML(t *testing.T) {
	rulestest.Run(t, rules.DefaultFS(), ".")
}

// TestRuleTestsInTestdata runs rules/testdata/policy, which uses shared
// fixtures, a bid and an override of a default constant.
func TestRuleTestsInTestdata(t *testing.T) {
	rulestest.Run(t, nil, "testdata/policy")
}

const testRules = "apiVersion: toms/v1\nkind: RuleSet\nmetadata: {name: r}\n" + `constants:
  floor: {type: decimal, value: "10"}
rules:
  - id: floor
    expr: tender.weights.socialValue >= constants.floor
    message: below the floor
`

const testHeader = "apiVersion: toms/v1\nkind: RuleTest\nname: suite\n"

func runTests(t *testing.T, test string, opts rules.TestOptions) rules.SuiteResult {
	t.Helper()
	fsys := fstest.MapFS{
		"p/rules.yaml":            {Data: []byte(testRules)},
		"p/rules_test.yaml":       {Data: []byte(test)},
		"p/testdata/shared.yaml":  {Data: []byte("apiVersion: toms/v1\nkind: Fixtures\ntenders:\n  ten: {weights: {socialValue: \"10\"}}\n")},
		"p/testdata/ignored.yaml": {Data: []byte("apiVersion: toms/v1\nkind: Tender\n")},
	}
	opts.Paths = []string{"p"}
	rep, err := rules.RunTests(context.Background(), fsys, opts)
	require.NoError(t, err)
	require.Len(t, rep.Suites, 1)
	return rep.Suites[0]
}

func TestRunTestsResults(t *testing.T) {
	s := runTests(t, testHeader+`fixtures:
  tenders:
    five: {weights: {socialValue: "5"}}
tests:
  - name: shared fixture passes
    input: {tender: ten}
    expect: {floor: pass}
  - name: wrong status
    input: {tender: five}
    expect: {floor: pass}
  - name: wrong message
    input: {tender: five}
    expect: {floor: {status: fail, message: above}}
  - name: right message
    input: {tender: {fixture: ten, weights: {socialValue: "9.99"}}}
    expect: {floor: {status: fail, message: below}}
  - name: parked
    skip: true
    skipReason: later
    input: {tender: ten}
    expect: {floor: fail}
`, rules.TestOptions{})
	require.NoError(t, s.Err)
	assert.Equal(t, "suite", s.Name)
	assert.Equal(t, []string{"p/rules.yaml"}, s.RuleFiles)
	require.Len(t, s.Tests, 5)
	var statuses []rules.TestStatus
	for _, tr := range s.Tests {
		statuses = append(statuses, tr.Status)
	}
	assert.Equal(t, []rules.TestStatus{rules.TestPass, rules.TestFail, rules.TestFail, rules.TestPass, rules.TestSkipped}, statuses)

	wrong := s.Tests[1]
	assert.Equal(t, "p/rules_test.yaml:11:5", wrong.Pos.String())
	require.Len(t, wrong.Failures, 1)
	f := wrong.Failures[0]
	assert.Equal(t, "p/rules_test.yaml:13:14", f.Pos.String())
	assert.Equal(t, "floor", f.Rule)
	assert.Equal(t, rules.StatusPass, f.Expected)
	assert.Equal(t, rules.StatusFail, f.Actual)
	assert.Equal(t, "rule floor (p/rules.yaml:7:5): expected pass, got fail: below the floor", f.String())
	assert.Equal(t, []rules.Value{{Expr: "tender.weights.socialValue", Value: "5"}, {Expr: "constants.floor", Value: "10"}}, f.Values)
	assert.Equal(t, `rule floor (p/rules.yaml:7:5): message "below the floor" does not contain "above"`, s.Tests[2].Failures[0].String())
	assert.Equal(t, "later", s.Tests[4].SkipReason)

	s = runTests(t, testHeader+`tests:
  - name: one
    input: {tender: ten}
    expect: {floor: pass}
  - name: two
    input: {tender: ten}
    expect: {floor: pass}
`, rules.TestOptions{Run: regexp.MustCompile("^suite/tw")})
	require.Len(t, s.Tests, 1)
	assert.Equal(t, "two", s.Tests[0].Name)
}

func TestRunTestsBadInputsArePositioned(t *testing.T) {
	tests := []struct {
		name, test string
		pos, msg   string
		suiteLevel bool
	}{
		{"misspelled tender field", testHeader + "tests:\n  - name: a\n    input: {tender: {weights: {socialVlaue: \"1\"}}}\n    expect: {floor: pass}\n",
			"p/rules_test.yaml:6:32", `unknown field "socialVlaue"; did you mean "socialValue"?`, false},
		{"bad decimal", testHeader + "tests:\n  - name: a\n    input: {tender: {value: \"£1\"}}\n    expect: {floor: pass}\n",
			"p/rules_test.yaml:6:29", `"£1": not a decimal number`, false},
		{"unknown fixture", testHeader + "tests:\n  - name: a\n    input: {tender: tem}\n    expect: {floor: pass}\n",
			"p/rules_test.yaml:6:21", `no fixture called "tem"; did you mean "ten"?`, false},
		{"unknown rule", testHeader + "tests:\n  - name: a\n    input: {tender: ten}\n    expect: {flor: pass}\n",
			"p/rules_test.yaml:7:14", `no rule "flor" in the rules beside this test; did you mean "floor"?`, false},
		{"unknown status", testHeader + "tests:\n  - name: a\n    input: {tender: ten}\n    expect: {floor: passed}\n",
			"p/rules_test.yaml:7:21", `unknown status "passed"; did you mean "pass"?`, false},
		{"no expectations", testHeader + "tests:\n  - name: a\n    input: {tender: ten}\n",
			"p/rules_test.yaml:5:5", "expects nothing", false},
		{"misspelled test key", testHeader + "tests:\n  - name: a\n    inputs: {tender: ten}\n    expect: {floor: pass}\n",
			"p/rules_test.yaml:6:5", `unknown field "inputs"; did you mean "input"?`, true},
		{"missing input", testHeader + "tests:\n  - name: a\n    expect: {floor: pass}\n",
			"p/rules_test.yaml:5:5", `missing required field "input"`, true},
		{"bad fixture, even unused", testHeader + "fixtures:\n  tenders:\n    bad: {vaule: \"1\"}\ntests: []\n",
			"p/rules_test.yaml:6:11", `unknown field "vaule"; did you mean "value"?`, true},
		{"duplicate of a shared fixture", testHeader + "fixtures:\n  tenders:\n    ten: {}\ntests: []\n",
			"p/rules_test.yaml:6:10", `fixture "ten" is already defined in p/testdata/shared.yaml`, true},
		{"wrong kind", "apiVersion: toms/v1\nkind: RuleSet\n", "p/rules_test.yaml:2:7", `this reader expects "RuleTest"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runTests(t, tt.test, rules.TestOptions{})
			err := s.Err
			if !tt.suiteLevel {
				require.NoError(t, s.Err)
				require.Len(t, s.Tests, 1)
				assert.Equal(t, rules.TestError, s.Tests[0].Status)
				err = s.Tests[0].Err
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, rules.ErrInvalidTest)
			var list diag.List
			list.Append(err)
			var found *diag.Diagnostic
			for _, d := range list {
				if d.Position() == tt.pos {
					found = d
				}
			}
			require.NotNil(t, found, "no problem at %s: %v", tt.pos, err)
			assert.Contains(t, found.Message, tt.msg)
		})
	}
}

func TestRunTestsInvalidRules(t *testing.T) {
	fsys := fstest.MapFS{
		"bad/rules.yaml":      {Data: []byte(testRules + "  - {id: x, expr: tender.nope}\n")},
		"bad/rules_test.yaml": {Data: []byte(testHeader + "tests: []\n")},
		"only/rules.yaml":     {Data: []byte(testRules)},
		"tests/x_test.yaml":   {Data: []byte(testHeader + "tests: []\n")},
		// Other YAML files and no tests: not a policy directory, ignored.
		"catalogue/council.yaml": {Data: []byte("apiVersion: toms/v1\nkind: Framework\n")},
		// A saved result or notes beside rules: not ours, skipped.
		"only/result.json": {Data: []byte(`{"tender": {"id": "T-1"}}`)},
		"only/notes.yaml":  {Data: []byte("todo: ask legal\n")},
	}
	rep, err := rules.RunTests(context.Background(), fsys, rules.TestOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, rules.ErrInvalidRule)
	require.Len(t, rep.Suites, 3)
	assert.ErrorContains(t, rep.Suites[0].Err, "bad/rules.yaml:10:26: rule x: rules[1].expr: undefined field 'nope'")
	assert.Equal(t, "only", rep.Suites[1].File, "rules without tests are compiled and listed")
	assert.NoError(t, rep.Suites[1].Err)
	assert.True(t, errors.Is(rep.Suites[2].Err, errors.Unwrap(rep.Suites[2].Err)) && rep.Suites[2].Err != nil)
	assert.ErrorContains(t, rep.Suites[2].Err, "no RuleSet files beside the test")
	assert.True(t, rep.Failed())

	_, err = rules.RunTests(context.Background(), fsys, rules.TestOptions{Paths: []string{"missing"}})
	assert.ErrorIs(t, err, rules.ErrInput)
}
