// Package rulestest runs YAML rule tests (see rules.RunTests) under go test,
// each test case as a Go subtest, so that a policy folder's tests run in CI
// with the rest of a Go program's tests:
//
//	func TestPolicy(t *testing.T) {
//		rulestest.Run(t, os.DirFS("policy"), ".")
//	}
//
// It is a separate package so that package rules does not import testing.
package rulestest

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/socialvalue-toms/toms/rules"
)

// Run runs the rule tests found under paths in fsys (nil: the operating
// system's files) as subtests named after the suite and the test. Invalid
// rules or test files fail the suite; each unmet expectation is reported
// with its test file position, the rule, expected and actual status, the
// message and the compared values. go test's -run flag selects subtests as
// usual.
func Run(t *testing.T, fsys fs.FS, paths ...string) {
	t.Helper()
	rep, err := rules.RunTests(context.Background(), fsys, rules.TestOptions{Paths: paths})
	if err != nil && len(rep.Suites) == 0 {
		t.Fatalf("rule tests: %v", err)
	}
	ran := 0
	for _, s := range rep.Suites {
		t.Run(s.Name, func(t *testing.T) {
			if s.Err != nil {
				t.Fatalf("%v", s.Err)
			}
			for _, tr := range s.Tests {
				ran++
				t.Run(tr.Name, func(t *testing.T) {
					switch tr.Status {
					case rules.TestSkipped:
						t.Skip(tr.SkipReason)
					case rules.TestError:
						t.Fatalf("%s: %v", tr.Pos, tr.Err)
					}
					for _, f := range tr.Failures {
						t.Errorf("%s", Describe(f))
					}
				})
			}
		})
	}
	if ran == 0 && err == nil {
		t.Errorf("no rule tests found under %s", strings.Join(paths, ", "))
	}
}

// Describe renders a failure over several lines: the position of the
// expectation, what was expected and what happened, the message and the
// values the rule compared.
func Describe(f rules.Failure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", f.Pos, f)
	for _, v := range f.Values {
		fmt.Fprintf(&b, "\n    %s = %s", v.Expr, v.Value)
	}
	if f.Err != nil && f.Actual == rules.StatusError {
		fmt.Fprintf(&b, "\n    %v", f.Err)
	}
	return b.String()
}
