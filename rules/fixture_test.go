package rules_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/rules"
)

// A chain of fixtures that each name the next one twice used to double the
// work at every step (2^20 decodes from a 1 KB file); a repeated key is now
// an error, reported at once.
func TestRepeatedFixtureKeyIsAnError(t *testing.T) {
	var b strings.Builder
	b.WriteString(testHeader + "fixtures:\n  tenders:\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "    t%d: {fixture: t%d, fixture: t%d}\n", i, i+1, i+1)
	}
	b.WriteString("    t20: {id: x}\ntests:\n  - {name: x, input: {tender: t0}, expect: {floor: skipped}}\n")
	start := time.Now()
	sr := runTests(t, b.String(), rules.TestOptions{})
	assert.Less(t, time.Since(start), 2*time.Second)
	require.Error(t, sr.Err)
	assert.ErrorIs(t, sr.Err, diag.ErrDuplicateKey)
	assert.ErrorIs(t, sr.Err, rules.ErrInvalidTest)
	assert.Contains(t, sr.Err.Error(), `rules_test.yaml:6:23: fixtures.tenders.t0.fixture: key "fixture" is already defined at line 6; an input starts from one fixture`)
}

// Fixtures used over and over cannot expand a test file beyond
// MaxInputNodes: the file is an invalid test, positioned at the input that
// went over.
func TestFixtureExpansionIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a million nodes")
	}
	var b strings.Builder
	b.WriteString(testHeader + "fixtures:\n  tenders:\n    big:\n      measures: [")
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "m%d", i)
	}
	b.WriteString("]\ntests:\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "  - {name: t%d, input: {tender: big}, expect: {floor: fail}}\n", i)
	}
	sr := runTests(t, b.String(), rules.TestOptions{})
	require.Error(t, sr.Err)
	assert.ErrorIs(t, sr.Err, rules.ErrInvalidTest)
	var d *diag.Diagnostic
	require.True(t, errors.As(sr.Err, &d))
	// The fixture costs 5,003 nodes (a mapping, a key, a list of 5,000) when
	// it is checked and 5,004 at each use (with the name that uses it):
	// 5,003 + 199 × 5,004 > 1,000,000, so the 199th test (tests[198]) is
	// the one that goes over.
	assert.Equal(t, "p/rules_test.yaml:207:34: tests[198].input.tender: the test inputs expand to more than 1000000 YAML nodes (each fixture counts every time it is used); use fewer or smaller fixtures", d.Error())
	assert.Len(t, sr.Tests, 198, "the tests before the limit ran")
}

// Duplicate keys are errors in every kind of rule file: rule sets, rule
// tests and shared fixtures, at every level.
func TestDuplicateKeysInRuleFiles(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"rule set top level", map[string]string{"p/r.yaml": testRules + "metadata: {name: again}\n"},
			`p/r.yaml:10:1: metadata: key "metadata" is already defined at line 3`},
		{"a rule's field", map[string]string{"p/r.yaml": strings.Replace(testRules, "    message:", "    expr: 'true'\n    message:", 1)},
			`p/r.yaml:9:5: rules[0].expr: key "expr" is already defined at line 8`},
		{"a constant", map[string]string{"p/r.yaml": strings.Replace(testRules, "rules:", "  floor: {type: decimal, value: \"11\"}\nrules:", 1)},
			`p/r.yaml:6:3: constants.floor: constant "floor" is already defined at line 5`},
		{"an expectation", map[string]string{"p/r.yaml": testRules,
			"p/r_test.yaml": testHeader + "tests:\n  - {name: x, input: {tender: {}}, expect: {floor: pass, floor: fail}}\n"},
			`p/r_test.yaml:5:58: tests[0].expect.floor: rule "floor" is expected twice`},
		{"a tender field in a test", map[string]string{"p/r.yaml": testRules,
			"p/r_test.yaml": testHeader + "tests:\n  - {name: x, input: {tender: {value: \"1\", value: \"2\"}}, expect: {floor: pass}}\n"},
			`p/r_test.yaml:5:44: tests[0].input.tender.value: key "value" is already defined at line 5`},
		{"a fixture name", map[string]string{"p/r.yaml": testRules,
			"p/r_test.yaml": testHeader + "fixtures:\n  tenders:\n    a: {id: x}\n    a: {id: y}\ntests:\n  - {name: x, input: {tender: a}, expect: {floor: pass}}\n"},
			`p/r_test.yaml:7:5: fixtures.tenders.a: key "a" is already defined at line 6`},
		{"a shared fixture's field", map[string]string{"p/r.yaml": testRules,
			"p/r_test.yaml":          testHeader + "tests:\n  - {name: x, input: {tender: a}, expect: {floor: pass}}\n",
			"p/testdata/shared.yaml": "apiVersion: toms/v1\nkind: Fixtures\ntenders:\n  a: {id: x, id: y}\n"},
			`p/testdata/shared.yaml:4:14: tenders.a.id: key "id" is already defined at line 4`},
		{"a shared fixture's name", map[string]string{"p/r.yaml": testRules,
			"p/r_test.yaml":          testHeader + "tests:\n  - {name: x, input: {tender: a}, expect: {floor: pass}}\n",
			"p/testdata/shared.yaml": "apiVersion: toms/v1\nkind: Fixtures\ntenders:\n  a: {id: x}\n  a: {id: y}\n"},
			`p/testdata/shared.yaml:5:3: tenders.a: fixture "a" is already defined in p/testdata/shared.yaml`},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range c.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			rep, err := rules.RunTests(ctx, fsys, rules.TestOptions{Paths: []string{"p"}})
			var all []string
			if err != nil {
				all = append(all, err.Error())
			}
			for _, s := range rep.Suites {
				if s.Err != nil {
					all = append(all, s.Err.Error())
				}
				for _, tr := range s.Tests {
					if tr.Err != nil {
						all = append(all, tr.Err.Error())
					}
				}
			}
			assert.Contains(t, strings.Join(all, "\n"), c.want)
		})
	}
}
