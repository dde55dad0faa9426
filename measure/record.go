package measure

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// Kinds of input problem, matched with errors.Is on a diag.Diagnostic or on the
// diag.List list that holds it. An unknown measure matches
// tom.ErrUnknownMeasure, and a missing proxy value tom.ErrNoProxy.
var (
	// ErrColumn: the header names an unknown or repeated column, or lacks a
	// required one (a JSON line has an unknown or repeated key).
	ErrColumn = errors.New("bad column")
	// ErrQuantity: the quantity is not a decimal number, or is negative.
	ErrQuantity = errors.New("bad quantity")
	// ErrDate: the date is not a calendar date written YYYY-MM-DD.
	ErrDate = errors.New("bad date")
	// ErrEvidence: the measure requires evidence and the record cites none.
	ErrEvidence = errors.New("missing evidence")
	// ErrUnit: the record's unit column disagrees with the measure's unit.
	ErrUnit = errors.New("wrong unit")
	// ErrFlag: a yes/no column holds something other than yes or no.
	ErrFlag = errors.New("bad flag")
	// ErrText: a cell is not plain text on one line: it holds a line break
	// (in CSV, a quoted cell that runs over several lines: a stray or
	// unclosed quote), another control character, or bytes that are not
	// UTF-8.
	ErrText = errors.New("not plain text")
	// ErrDuplicate: the same record was already read (see Record.Key).
	ErrDuplicate = errors.New("duplicate record")
	// ErrDoubleCounted: the same quantity was already reported, for the same
	// contract, supplier, date and period, under another measure of the same
	// exclusive group (for example SME spend and local SME spend).
	ErrDoubleCounted = errors.New("counted twice in an exclusive group")
)

// Kind says whether an input holds delivered outcomes or commitments.
type Kind int

const (
	// Outcomes are what suppliers delivered, each citing its evidence.
	Outcomes Kind = iota
	// Commitments are what suppliers promised at award: the same columns as
	// outcomes, without evidence. The date places the commitment in the
	// financial year it is due.
	Commitments
)

// String names the kind: "outcomes" or "commitments".
func (k Kind) String() string {
	if k == Commitments {
		return "commitments"
	}
	return "outcomes"
}

// Format is an input file format.
type Format int

const (
	// CSV is comma-separated values with a header row naming the columns.
	CSV Format = iota
	// JSONLines is one JSON object per line, keyed by the CSV column names.
	JSONLines
)

// String names the format: "csv" or "jsonl".
func (f Format) String() string {
	if f == JSONLines {
		return "jsonl"
	}
	return "csv"
}

// FormatOf guesses the format from a file name: .jsonl, .ndjson and .json
// are JSON lines, anything else is CSV.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return JSONLines
	}
	return CSV
}

// Answer is the value of a yes/no column that may be left empty, such as
// supplier_sme.
type Answer int8

const (
	// AnswerUnknown means the column is absent or empty.
	AnswerUnknown Answer = iota
	// AnswerNo is written false, no, n or 0 (any case).
	AnswerNo
	// AnswerYes is written true, yes, y or 1 (any case).
	AnswerYes
)

// String renders the answer as "yes", "no" or "" (unknown).
func (f Answer) String() string {
	switch f {
	case AnswerYes:
		return "yes"
	case AnswerNo:
		return "no"
	}
	return ""
}

// parseAnswer reads a yes/no cell.
func parseAnswer(s string) (Answer, bool) {
	switch len(s) {
	case 0:
		return AnswerUnknown, true
	case 1:
		switch s[0] {
		case 'y', 'Y', '1':
			return AnswerYes, true
		case 'n', 'N', '0':
			return AnswerNo, true
		}
		return AnswerUnknown, false
	}
	switch {
	case s == "yes": // as most files write it, before the case-blind comparisons
		return AnswerYes, true
	case s == "no":
		return AnswerNo, true
	case strings.EqualFold(s, "yes"), strings.EqualFold(s, "true"):
		return AnswerYes, true
	case strings.EqualFold(s, "no"), strings.EqualFold(s, "false"):
		return AnswerNo, true
	}
	return AnswerUnknown, false
}

// Record is one row of an outcomes or commitments file: a quantity of a
// measure that a supplier delivered (or committed to) on a contract.
type Record struct {
	Contract string          // the contract reference
	Supplier string          // the supplier's name
	Measure  string          // a measure id of the framework
	Quantity decimal.Decimal // in the measure's unit; never negative
	Date     time.Time       // a calendar date (midnight UTC); its financial year values the record
	Evidence string          // where the evidence is (a reference or URL); commitments have none
	Period   string          // optional reporting period as the supplier names it, e.g. "2024-Q1"
	Unit     tom.Unit        // optional; when given it must be the measure's unit
	// SupplierSME, SupplierVCSE and Local describe who received spend on a
	// spend record (see SpendShares); they are optional.
	SupplierSME, SupplierVCSE, Local Answer
	Notes                            string // optional free text
	// Pos is where the record was read: file and line (column 0).
	Pos diag.Pos
}

// Year returns the financial year of the record's date.
func (r Record) Year() tom.Year { return tom.YearOf(r.Date) }

// Key is what makes two records duplicates: the same contract, supplier,
// measure, date, quantity (compared as numbers, so 5 equals 5.00) and
// period, separated by NUL bytes. The quantity is written in one canonical
// form, the shortest plain decimal (5.5 for 5.50), so that equal numbers
// give equal keys, as in duplicate detection, whatever the package-level
// settings of shopspring/decimal. Evidence, notes and flags are not part of it: the
// same delivery reported twice with different evidence is still counted
// once.
func (r Record) Key() string {
	b := make([]byte, 0, len(r.Contract)+len(r.Supplier)+len(r.Measure)+len(r.Period)+32)
	for _, s := range [...]string{r.Contract, r.Supplier, r.Measure, r.Date.Format(dateLayout)} {
		b = append(b, s...)
		b = append(b, 0)
	}
	b = appendCanonical(b, quantityOf(r.Quantity))
	b = append(b, 0)
	return string(append(b, r.Period...))
}

// dateLayout is the one date format of outcome files: ISO 8601 calendar date.
const dateLayout = "2006-01-02"
