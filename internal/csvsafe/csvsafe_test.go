package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"Kestrel Civils":                 "Kestrel Civils",
		`=HYPERLINK("http://x","click")`: `'=HYPERLINK("http://x","click")`,
		"+44 1234":                       "'+44 1234",
		"-2+3":                           "'-2+3",
		"@SUM(A1)":                       "'@SUM(A1)",
		"\t=1":                           "'\t=1",
		"\r=1":                           "'\r=1",
		"a=1":                            "a=1", // only the first character matters
		"'quoted":                        "'quoted",
		"Zoë & Co":                       "Zoë & Co",
	} {
		if got := csvsafe.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// The quoted cell survives the CSV writer and reader unchanged.
func TestCellRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write([]string{csvsafe.Cell(`=cmd|' /C calc'!A0`), "-12.50"}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != `'=cmd|' /C calc'!A0` || rows[0][1] != "-12.50" {
		t.Errorf("got %q", rows[0])
	}
}
