package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func report(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runReport(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// The default catalogue values 2024/25 volunteering at £16.93 and expert
// hours at £101.00; carbon has a value for 2021/22 only (£245).
//
//	120 h × 16.93 = 2,031.60; 10 h × 101.00 = 1,010.00; 4 t × 245 = 980.00 (carried forward)
//	total 2024/25 = 4,021.60; the 2023/24 volunteering row is left out by --year.
func TestReportJSON(t *testing.T) {
	code, out, errs := report(t, "testdata/report/outcomes.csv", "--commitments", "testdata/report/commitments.csv",
		"--year", "2024/25", "--carry-forward", "--format", "json")
	require.Equal(t, exitOK, code, errs)
	var rep struct {
		Year   string
		Totals struct {
			SocialValue string
			ByUnit      []struct{ Unit, Quantity string }
		}
		Commitments []struct{ Contract, Measure, Committed, Delivered, Status string }
		SpendShares struct {
			Spend string
			VCSE  struct{ Spend, Percent string }
		}
		Proxies []struct {
			Measure        string
			CarriedForward bool
		}
		Notes []string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, "2024/25", rep.Year)
	assert.Equal(t, "4021.60", rep.Totals.SocialValue)
	require.Len(t, rep.Commitments, 2)
	assert.Equal(t, "120", rep.Commitments[0].Delivered)
	assert.Equal(t, "30000.00", rep.SpendShares.Spend)
	assert.Equal(t, "16.7", rep.SpendShares.VCSE.Percent) // 5,000 of 30,000
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "1 valid outcome record dated outside 2024/25 was left out")
	var carried []string
	for _, p := range rep.Proxies {
		if p.CarriedForward {
			carried = append(carried, p.Measure)
		}
	}
	assert.Equal(t, []string{"carbon-saved"}, carried)
}

func TestReportStrictYearFailsWithoutCarryForward(t *testing.T) {
	code, _, errs := report(t, "testdata/report/outcomes.csv", "--year", "2024/25")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "testdata/report/outcomes.csv:5:40: date: the delivery falls in 2024/25")
	assert.Contains(t, errs, "carbon-saved")
}

func TestReportBadRows(t *testing.T) {
	code, out, errs := report(t, "testdata/report/bad.csv")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "bad.csv:2:47: quantity: is -5; a quantity cannot be negative")
	assert.Contains(t, errs, "bad.csv:3:44: date:")
	assert.Contains(t, errs, "2 problems in 1 file (testdata/report/bad.csv); nothing was reported (use --lenient")

	code, out, errs = report(t, "testdata/report/bad.csv", "--lenient")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "2 problems in rejected rows")
	assert.Contains(t, out, "| testdata/report/bad.csv | 2 | 47 | quantity |")
	assert.Contains(t, out, "£1,010.00") // the good row: 10 h × £101.00
}

// Strict mode reads every input before it fails, and lists the bad rows of
// all of them: bad.csv has 2 (a negative quantity, 31 June) and bad2.csv 2
// (an unknown measure, a quantity "ten"), so 4 problems in 2 files.
func TestReportStrictListsEveryBadFile(t *testing.T) {
	code, out, errs := report(t, "testdata/report/bad.csv", "testdata/report/bad2.csv", "testdata/report/outcomes.csv", "--carry-forward")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	for _, want := range []string{
		"bad.csv:2:47: quantity: is -5; a quantity cannot be negative",
		"bad.csv:3:44: date:",
		`bad2.csv:2:25: measure: unknown measure "volunteering-hour"; did you mean "volunteering-hours"?`,
		`bad2.csv:3:38: quantity: "ten"`,
		"4 problems in 2 files (testdata/report/bad.csv, testdata/report/bad2.csv); nothing was reported",
	} {
		assert.Contains(t, errs, want)
	}

	// a file that cannot be opened is listed too, beside the bad rows
	code, _, errs = report(t, "testdata/report/missing.csv", "testdata/report/bad2.csv")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "missing.csv: no such file")
	assert.Contains(t, errs, "2 problems in 1 file (testdata/report/bad2.csv); 1 file could not be read (testdata/report/missing.csv); nothing was reported")
}

// The print is capped at maxProblemsShown with a count of the rest, over
// every file: 2 files × 30 bad rows = 60 problems, 50 shown, "10 more".
func TestReportStrictCapsTheList(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"a.csv", "b.csv"} {
		var b strings.Builder
		b.WriteString("contract,supplier,measure,quantity,date,evidence\n")
		for i := range 30 {
			fmt.Fprintf(&b, "C%d,S,volunteering-hours,-%d,2024-06-30,x\n", i, i+1)
		}
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		files = append(files, path)
	}
	code, _, errs := report(t, files...)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, maxProblemsShown, strings.Count(errs, "a quantity cannot be negative"))
	assert.Contains(t, errs, "b.csv:2:") // the second file's problems are among those shown
	assert.Contains(t, errs, "toms: ... and 10 more problems")
	assert.Contains(t, errs, "60 problems in 2 files")
}

func TestReportFormatsAndOut(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"md", "html", "json"} {
		path := filepath.Join(dir, "review."+f)
		code, out, errs := report(t, "testdata/report/outcomes.csv", "--carry-forward", "--format", f, "--out", path)
		require.Equal(t, exitOK, code, errs)
		assert.Empty(t, out)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Contains(t, string(data), "CT-001")
	}
	code, _, errs := report(t, "testdata/report/outcomes.csv", "--carry-forward", "--format", "csv", "--out", filepath.Join(dir, "csv"))
	require.Equal(t, exitOK, code, errs)
	for _, name := range []string{"values.csv", "measures.csv", "commitments.csv", "spend_shares.csv", "proxies.csv", "rejected.csv", "notes.csv"} {
		_, err := os.Stat(filepath.Join(dir, "csv", name))
		assert.NoError(t, err, name)
	}
}

func TestReportUsage(t *testing.T) {
	code, _, errs := report(t)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "usage: toms report")
	code, _, errs = report(t, "x.csv", "--format", "csv")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "--out DIR")
	code, _, errs = report(t, "x.csv", "--format", "pdf")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `--format "pdf"`)
	code, _, errs = report(t, "testdata/report/outcomes.csv", "--year", "2024-25")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "--year")
	code, _, errs = report(t, "testdata/report/missing.csv")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "missing.csv")
	code, _, _ = report(t, "-h")
	assert.Equal(t, exitOK, code)
}

// A misspelled JSON key fails the file even with --lenient, as an unknown
// CSV column does, instead of rejecting every row and exiting 0.
func TestReportJSONLinesUnknownKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(
		`{"contract":"CT-1","supplier":"Acme","measure":"volunteering-hours","quantity":3,"date":"2024-06-30","evidance":"x"}`+"\n"), 0o644))
	code, out, errs := report(t, path, "--lenient")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, `q.jsonl:1:102: evidance: unknown key "evidance"; did you mean "evidence"?`)
	assert.Contains(t, errs, "1 problem in 1 file")
	assert.NotContains(t, errs, "use --lenient")
}

func TestReportTopAndAsOf(t *testing.T) {
	_, stderr, code := runCLI(t, "report", "testdata/report/outcomes.csv", "--top", "0")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--top 0: show at least 1")
	_, stderr, code = runCLI(t, "report", "testdata/report/outcomes.csv", "--carry-forward", "--as-of", "2001-01-01")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--as-of 2001-01-01 is before the latest delivery")
	_, stderr, code = runCLI(t, "report", "testdata/report/outcomes.csv", "--carry-forward", "--as-of", "2099-01-01", "--format", "json")
	assert.Equal(t, exitOK, code, stderr)
}

// Issue #8.12: a file of 1,200 duplicates keeps the first 1,000 problems
// in full and counts the other 199 (1,199 duplicates of line 2 in all),
// in strict mode (the count of problems) and lenient (the report).
func TestReportKeepsTheFirstProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("contract,supplier,measure,quantity,date,evidence\n")
	for range 1200 {
		b.WriteString("C1,Acme,volunteering-hours,1,2024-06-30,log.pdf\n")
	}
	path := filepath.Join(t.TempDir(), "dups.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))

	code, _, errs := report(t, path)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "... and 1149 more problems") // 1,199 - the 50 shown
	assert.Contains(t, errs, "1199 problems in 1 file")

	code, out, errs := report(t, path, "--lenient", "--format", "json")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "toms: 1199 problems in 1199 rejected rows; the first 1000 of each file are listed in the report, the rest counted")
	var j struct {
		Rejected        []json.RawMessage `json:"rejected"`
		RejectedRows    int64             `json:"rejectedRows"`
		RejectedNotKept int64             `json:"rejectedNotKept"`
		Notes           []string          `json:"notes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	assert.Len(t, j.Rejected, 1000)
	assert.Equal(t, int64(1199), j.RejectedRows)
	assert.Equal(t, int64(199), j.RejectedNotKept)
	assert.Contains(t, strings.Join(j.Notes, "\n"), "1199 rows were rejected and not counted; the first problems of each input are listed with their reasons under Rejected rows, and 199 more problems were counted but not listed")
}
