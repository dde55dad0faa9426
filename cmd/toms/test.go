package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/socialvalue-toms/toms/diag"
	"io"
	"regexp"
	"strings"

	"github.com/socialvalue-toms/toms/rules"
)

// runTest implements `toms test [DIR|FILE]... [--run REGEX] [--format
// text|json|junit] [-v]`: it compiles the policy rules in each directory and
// runs the *_test.yaml rule tests beside them. With no paths it uses the
// current directory. Exit codes: 0 every test passed, 2 usage or input
// error, 3 some rules are invalid, 4 some tests failed or could not run.
func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("test", stdout, stderr)
	runExpr := fs.String("run", "", "run only tests whose name (or suite/name) matches this regular expression (`REGEX`); a filter that matches no test fails (exit 4)")
	format := fs.String("format", "text", "output format: `text|json|junit`")
	verbose := fs.Bool("v", false, "list every test, and show the values each failing rule compared")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	switch *format {
	case "text", "json", "junit":
	default:
		fmt.Fprintf(stderr, "toms test: --format %q: write text, json or junit\n", *format)
		return exitUsage
	}
	opts := rules.TestOptions{Paths: paths, Values: *verbose}
	if *runExpr != "" {
		if opts.Run, err = regexp.Compile(*runExpr); err != nil {
			fmt.Fprintf(stderr, "toms test: --run: %v\n", err)
			return exitUsage
		}
	}
	if opts.MaxBytes, err = maxFileSize(); err != nil {
		return fail(stderr, err)
	}
	rep, err := rules.RunTests(ctx, nil, opts)
	if err != nil && len(rep.Suites) == 0 {
		return fail(stderr, err)
	}
	if len(rep.Suites) == 0 {
		return fail(stderr, fmt.Errorf("no rules or rule tests found in %s", strings.Join(testOrDot(paths), ", ")))
	}
	var werr error
	switch *format {
	case "json":
		werr = writeTestJSON(stdout, rep)
	case "junit":
		werr = writeTestJUnit(stdout, rep)
	default:
		writeTestText(stdout, rep, *verbose)
	}
	if werr != nil {
		return fail(stderr, werr)
	}
	code := testExitCode(rep)
	if p, f, sk, e := rep.Counts(); code == exitOK && opts.Run != nil && p+f+sk+e == 0 {
		// A filter that matches nothing must not pass a CI job silently.
		fmt.Fprintf(stderr, "toms test: no test matched --run %q\n", *runExpr)
		return exitCode(errTestsFailed)
	}
	return code
}

func testOrDot(paths []string) []string {
	if len(paths) == 0 {
		return []string{"."}
	}
	return paths
}

func testExitCode(rep rules.TestReport) int {
	for _, s := range rep.Suites {
		if s.Err != nil && errors.Is(s.Err, rules.ErrInvalidRule) {
			return exitCode(s.Err)
		}
	}
	if rep.Failed() {
		return exitCode(errTestsFailed)
	}
	return exitOK
}

// testIndent prefixes every line of s.
func testIndent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func testInvalidSuites(rep rules.TestReport) int {
	n := 0
	for _, s := range rep.Suites {
		if s.Err != nil {
			n++
		}
	}
	return n
}

// testProblems lists the positioned problems inside err.
func testProblems(err error) []testJSONProblem {
	var list diag.List
	list.Append(err)
	out := make([]testJSONProblem, 0, len(list))
	for _, d := range list {
		out = append(out, testJSONProblem{Position: d.Position(), Rule: d.Rule, Field: d.Field, Message: d.Message, Snippet: d.Snippet})
	}
	return out
}

func writeTestText(w io.Writer, rep rules.TestReport, verbose bool) {
	for _, s := range rep.Suites {
		if s.Err != nil {
			label := "INVALID TEST"
			if errors.Is(s.Err, rules.ErrInvalidRule) {
				label = "INVALID RULES"
			}
			fmt.Fprintf(w, "%s %s", label, s.File)
			if len(s.NotRun) > 0 {
				fmt.Fprintf(w, " (not run: %s)", strings.Join(s.NotRun, ", "))
			}
			fmt.Fprintf(w, "\n%s\n", testIndent(s.Err.Error(), "    "))
			continue
		}
		var pass, fail, skip, errs int
		for _, t := range s.Tests {
			switch t.Status {
			case rules.TestPass:
				pass++
				if verbose {
					fmt.Fprintf(w, "PASS %s %s\n", t.Pos, t.Name)
				}
			case rules.TestSkipped:
				skip++
				if verbose {
					fmt.Fprintf(w, "SKIP %s %s", t.Pos, t.Name)
					if t.SkipReason != "" {
						fmt.Fprintf(w, " (%s)", t.SkipReason)
					}
					fmt.Fprintln(w)
				}
			case rules.TestError:
				errs++
				fmt.Fprintf(w, "ERROR %s %s\n%s\n", t.Pos, t.Name, testIndent(t.Err.Error(), "    "))
			case rules.TestFail:
				fail++
				fmt.Fprintf(w, "FAIL %s %s\n", t.Pos, t.Name)
				for _, f := range t.Failures {
					fmt.Fprintf(w, "    %s: %s\n", f.Pos, f)
					if verbose {
						for _, v := range f.Values {
							fmt.Fprintf(w, "        %s = %s\n", v.Expr, v.Value)
						}
					}
				}
			}
		}
		if len(s.Tests) == 0 {
			fmt.Fprintf(w, "ok   %s (rules compiled: %s; no tests)\n", s.File, strings.Join(s.RuleFiles, ", "))
			continue
		}
		status := "ok  "
		if fail+errs > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s %s: %d passed, %d failed, %d skipped, %d errors\n", status, s.File, pass, fail, skip, errs)
	}
	pass, fail, skip, errs := rep.Counts()
	fmt.Fprintf(w, "\n%d passed, %d failed, %d skipped, %d errors", pass, fail, skip, errs)
	if n := testInvalidSuites(rep); n > 0 {
		fmt.Fprintf(w, "; %d could not run (listed above)", n)
	}
	fmt.Fprintln(w)
}

// The JSON output of toms test; the shape is stable.
type (
	testJSONReport struct {
		Suites  []testJSONSuite `json:"suites"`
		Summary testJSONSummary `json:"summary"`
	}
	testJSONSummary struct {
		Passed  int `json:"passed"`
		Failed  int `json:"failed"`
		Skipped int `json:"skipped"`
		Errors  int `json:"errors"`
		Invalid int `json:"invalid"` // test files that could not run
	}
	testJSONProblem struct {
		Position string `json:"position,omitempty"`
		Rule     string `json:"rule,omitempty"`
		Field    string `json:"field,omitempty"`
		Message  string `json:"message"`
		Snippet  string `json:"snippet,omitempty"`
	}
	testJSONSuite struct {
		File      string            `json:"file"`
		Name      string            `json:"name"`
		RuleFiles []string          `json:"ruleFiles"`
		NotRun    []string          `json:"notRun,omitempty"` // test files not run: the rules are invalid
		Error     string            `json:"error,omitempty"`
		Problems  []testJSONProblem `json:"problems,omitempty"`
		Tests     []testJSONCase    `json:"tests"`
	}
	testJSONCase struct {
		Name       string            `json:"name"`
		Position   string            `json:"position"`
		Status     string            `json:"status"`
		SkipReason string            `json:"skipReason,omitempty"`
		Error      string            `json:"error,omitempty"`
		Problems   []testJSONProblem `json:"problems,omitempty"`
		Failures   []testJSONFailure `json:"failures,omitempty"`
	}
	testJSONFailure struct {
		Rule         string        `json:"rule,omitempty"`
		Position     string        `json:"position"`
		RulePosition string        `json:"rulePosition,omitempty"`
		Expected     string        `json:"expected,omitempty"`
		Actual       string        `json:"actual,omitempty"`
		WantMessage  string        `json:"wantMessage,omitempty"`
		Message      string        `json:"message,omitempty"`
		Values       []rules.Value `json:"values,omitempty"`
		Description  string        `json:"description"`
	}
)

func testStatusText(s rules.Status) string {
	if s == 0 {
		return ""
	}
	return s.String()
}

func writeTestJSON(w io.Writer, rep rules.TestReport) error {
	out := testJSONReport{Suites: []testJSONSuite{}}
	for _, s := range rep.Suites {
		js := testJSONSuite{File: s.File, Name: s.Name, RuleFiles: s.RuleFiles, NotRun: s.NotRun, Tests: []testJSONCase{}}
		if js.RuleFiles == nil {
			js.RuleFiles = []string{}
		}
		if s.Err != nil {
			js.Error = s.Err.Error()
			js.Problems = testProblems(s.Err)
		}
		for _, t := range s.Tests {
			jt := testJSONCase{Name: t.Name, Position: t.Pos.String(), Status: t.Status.String(), SkipReason: t.SkipReason}
			if t.Err != nil {
				jt.Error = t.Err.Error()
				jt.Problems = testProblems(t.Err)
			}
			for _, f := range t.Failures {
				jt.Failures = append(jt.Failures, testJSONFailure{Rule: f.Rule, Position: f.Pos.String(),
					RulePosition: f.RulePos.String(), Expected: testStatusText(f.Expected), Actual: testStatusText(f.Actual),
					WantMessage: f.WantMessage, Message: f.Message, Values: f.Values, Description: f.String()})
			}
			js.Tests = append(js.Tests, jt)
		}
		out.Suites = append(out.Suites, js)
	}
	p, f, s, e := rep.Counts()
	out.Summary = testJSONSummary{Passed: p, Failed: f, Skipped: s, Errors: e, Invalid: testInvalidSuites(rep)}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// The JUnit XML output of toms test, as CI servers read it.
type (
	testJUnitSuites struct {
		XMLName  xml.Name         `xml:"testsuites"`
		Tests    int              `xml:"tests,attr"`
		Failures int              `xml:"failures,attr"`
		Errors   int              `xml:"errors,attr"`
		Skipped  int              `xml:"skipped,attr"`
		Suites   []testJUnitSuite `xml:"testsuite"`
	}
	testJUnitSuite struct {
		Name     string          `xml:"name,attr"`
		File     string          `xml:"file,attr"`
		Tests    int             `xml:"tests,attr"`
		Failures int             `xml:"failures,attr"`
		Errors   int             `xml:"errors,attr"`
		Skipped  int             `xml:"skipped,attr"`
		Cases    []testJUnitCase `xml:"testcase"`
	}
	testJUnitCase struct {
		Name      string            `xml:"name,attr"`
		ClassName string            `xml:"classname,attr"`
		File      string            `xml:"file,attr,omitempty"`
		Line      int               `xml:"line,attr,omitempty"`
		Failure   *testJUnitProblem `xml:"failure,omitempty"`
		Error     *testJUnitProblem `xml:"error,omitempty"`
		Skipped   *testJUnitProblem `xml:"skipped,omitempty"`
	}
	testJUnitProblem struct {
		Message string `xml:"message,attr,omitempty"`
		Text    string `xml:",chardata"`
	}
)

func writeTestJUnit(w io.Writer, rep rules.TestReport) error {
	var out testJUnitSuites
	for _, s := range rep.Suites {
		js := testJUnitSuite{Name: s.Name, File: s.File}
		if s.Err != nil {
			js.Tests, js.Errors = 1, 1
			js.Cases = append(js.Cases, testJUnitCase{Name: "rules", ClassName: s.Name, File: s.File,
				Error: &testJUnitProblem{Message: "invalid rules or test file", Text: s.Err.Error()}})
		}
		for _, t := range s.Tests {
			c := testJUnitCase{Name: t.Name, ClassName: s.Name, File: t.Pos.File, Line: t.Pos.Line}
			js.Tests++
			switch t.Status {
			case rules.TestSkipped:
				js.Skipped++
				c.Skipped = &testJUnitProblem{Message: t.SkipReason}
			case rules.TestError:
				js.Errors++
				c.Error = &testJUnitProblem{Message: "the test could not run", Text: t.Err.Error()}
			case rules.TestFail:
				js.Failures++
				var lines []string
				for _, f := range t.Failures {
					lines = append(lines, fmt.Sprintf("%s: %s", f.Pos, f))
					for _, v := range f.Values {
						lines = append(lines, fmt.Sprintf("    %s = %s", v.Expr, v.Value))
					}
				}
				c.Failure = &testJUnitProblem{Message: t.Failures[0].String(), Text: strings.Join(lines, "\n")}
			}
			js.Cases = append(js.Cases, c)
		}
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Errors += js.Errors
		out.Skipped += js.Skipped
		out.Suites = append(out.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
