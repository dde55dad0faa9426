package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// Plain numbers stay numbers; anything else starting with a formula
// character is neutralised, whichever column it is in.
func TestCellNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"-12.50":   "-12.50",
		"-7":       "-7",
		"12.50":    "12.50",
		"-":        "'-",
		"-.5":      "'-.5",
		"-5.":      "'-5.",
		"-1+1":     "'-1+1",
		"-1.2.3":   "'-1.2.3",
		"-5e3":     "'-5e3",
		"'=1":      "'=1", // already neutralised: unchanged
		"+12":      "'+12",
		"-A1*10":   "'-A1*10",
		"-12.50\n": "'-12.50\n",
	} {
		if got := csvsafe.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := csvsafe.NewWriter(&buf)
	row := []string{"=1+1", "-3.25", "@x", "Kestrel, \"Civils\"", "line\nbreak"}
	if err := w.WriteAll([][]string{{"a", "b", "c", "d", "e"}, row}); err != nil {
		t.Fatal(err)
	}
	want := "a,b,c,d,e\n'=1+1,-3.25,'@x,\"Kestrel, \"\"Civils\"\"\",\"line\nbreak\"\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	if row[0] != "=1+1" {
		t.Errorf("the caller's row was changed: %q", row)
	}
}

// Every CSV file the module writes goes through Writer: no other package
// makes an encoding/csv writer, which would not neutralise formulas.
func TestOneCSVWriter(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "csvsafe" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(src, []byte("csv.NewWriter(")) {
			t.Errorf("%s makes its own CSV writer; write through csvsafe.NewWriter", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "",
		"plain":                      "plain",
		"  two\nlines\r\n\tand tab ": "two lines and tab",
		"a  \u00a0 b":                "a b", // a no-break space is white space too
	} {
		if got := csvsafe.OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
