package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The tender of examples/tender-scoring, shortened: what the YAML error
// tests below break.
const smallTender = `apiVersion: toms/v1
kind: Tender
id: T-1
title: Parks maintenance
contractType: contract
value: "120000"
year: "2024/25"
criteria:
  price: {weight: "80"}
  socialValue: {weight: "20", qualitativeWeight: "20", max: "5"}
`

func writeTender(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tender.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTabInTenderIndentation: a tab in the indentation is named at its line
// and column, with a caret, and says to indent with spaces; exit 2 in
// check and evaluate alike.
func TestTabInTenderIndentation(t *testing.T) {
	path := writeTender(t, strings.Replace(smallTender, "  socialValue:", "\tsocialValue:", 1))
	want := "toms: TENDER:10:1: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n" +
		" 10 | \tsocialValue: {weight: \"20\", qualitativeWeight: \"20\", max: \"5\"}\n" +
		"    | ^\n"
	for _, cmd := range []string{"check", "evaluate"} {
		stdout, stderr, code := runCLI(t, cmd, path)
		assert.Equal(t, exitUsage, code, cmd)
		assert.Empty(t, stdout, cmd)
		assert.Equal(t, want, strings.ReplaceAll(stderr, path, "TENDER"), cmd)
	}
}

// TestDayMonthYearDate: a date written 01/05/2024 says dates are written
// YYYY-MM-DD, and which date that is; exit 2.
func TestDayMonthYearDate(t *testing.T) {
	path := writeTender(t, smallTender+"waivers:\n  - {rule: sv-floor, reason: small works, approvedBy: Head of Procurement, date: 01/05/2024}\n")
	_, stderr, code := runCLI(t, "check", path)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "toms: TENDER:12:82: waivers[0].date: \"01/05/2024\" is not a date toms reads: dates are written YYYY-MM-DD, year first, so 1 May 2024 is 2024-05-01\n",
		strings.ReplaceAll(stderr, path, "TENDER"))
}

// TestBadTextInTender: a NUL byte or bytes that are not UTF-8 are named at
// their line and column; exit 2.
func TestBadTextInTender(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{strings.Replace(smallTender, "Parks", "Pa\x00rks", 1), "TENDER:4:10: a NUL byte (U+0000) is not allowed; is this a binary file, or text saved as UTF-16? Save it as UTF-8"},
		{strings.Replace(smallTender, "Parks", "Caf\xe9 parks", 1), "TENDER:4:11: byte 0xE9 is not UTF-8 text; save the file as UTF-8"},
	} {
		path := writeTender(t, c.text)
		_, stderr, code := runCLI(t, "evaluate", path)
		assert.Equal(t, exitUsage, code)
		assert.Equal(t, "toms: "+c.want+"\n", strings.ReplaceAll(stderr, path, "TENDER"))
	}
}

// TestTitleOverTheLengthCap: a title longer than the rules can take is
// named at the title in the tender file (it had no position); exit 2.
func TestTitleOverTheLengthCap(t *testing.T) {
	bids := "bids:\n  - supplier: {name: Acme}\n    price: \"100000\"\n    socialValue: {qualitative: \"4\"}\n"
	path := writeTender(t, strings.Replace(smallTender, "title: Parks maintenance", "title: "+strings.Repeat("x", 10001), 1)+bids)
	for _, cmd := range []string{"check", "evaluate"} {
		_, stderr, code := runCLI(t, cmd, path)
		assert.Equal(t, exitUsage, code, cmd)
		assert.Equal(t, "toms: TENDER:4:8: title: longer than 10000 characters\n", strings.ReplaceAll(stderr, path, "TENDER"), cmd)
	}
}
