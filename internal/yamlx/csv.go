package yamlx

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
)

// FieldNames returns the keys a struct type decodes, in field order: the
// names of its `yaml` tags, as Decoder matches them. A file kind that is
// also read as CSV takes its columns from here, so that the field list is
// defined once, by the struct.
func FieldNames(t reflect.Type) []string {
	_, names, _, _ := fields(t)
	return names
}

// CSVRows reads a CSV table with a header row into a list of mapping nodes,
// one per row, each key and value carrying the line and column of its
// cell, so that Decoder decodes a spreadsheet row exactly as it decodes the
// same entry written in YAML, with the same checks and positions. Every
// cell is plain text (a YAML !!str scalar), trimmed of spaces and tabs; an
// empty cell is left out of its row, as a key not written (a required field
// is then reported missing at the row). The header's names must be among
// columns (see FieldNames), each given once; a UTF-8 byte-order mark before
// the header is ignored. A row with more or fewer cells than the header, or
// a quoting error, is reported at its line and the other rows are still read.
func CSVRows(file string, data []byte, columns []string) ([]*yaml.Node, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &diag.Diagnostic{File: file, Line: 1, Kind: diag.ErrSyntax,
			Message: "the file is empty; it needs a header row naming the columns: " + strings.Join(columns, ",")}
	}
	if err != nil {
		return nil, csvProblem(file, err)
	}
	names, errs := csvHeader(file, cr, header, columns)
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	var rows []*yaml.Node
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			errs.Add(csvProblem(file, err).(*diag.Diagnostic))
			if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
				// the reader cannot find where the row ends: stop here
				// rather than report every later row as broken
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			errs.Add(&diag.Diagnostic{File: file, Line: line, Column: 1, Kind: diag.ErrSyntax,
				Message: fmt.Sprintf("the row has %d cells but the header has %d", len(rec), len(header))})
			continue
		}
		row := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Column: 1}
		for i, cell := range rec {
			cell = strings.Trim(cell, " \t")
			if cell == "" {
				continue
			}
			l, c := cr.FieldPos(i)
			row.Content = append(row.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: names[i], Line: l, Column: c},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: cell, Line: l, Column: c})
		}
		rows = append(rows, row)
	}
	return rows, errs.Err()
}

// csvHeader checks the header row's names against columns (each known,
// each given once) and returns them trimmed, in order, with the problems
// found; cr has just read the header.
func csvHeader(file string, cr *csv.Reader, header, columns []string) ([]string, diag.List) {
	var errs diag.List
	known := map[string]bool{}
	for _, c := range columns {
		known[c] = true
	}
	seen := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.Trim(h, " \t")
		names[i] = h
		_, col := cr.FieldPos(i)
		switch {
		case !known[h]:
			msg := fmt.Sprintf("unknown column %q", h)
			if s := diag.Suggest(h, columns); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			sorted := append([]string(nil), columns...)
			sort.Strings(sorted)
			errs.Add(&diag.Diagnostic{File: file, Line: 1, Column: col, Field: "header", Kind: diag.ErrUnknownField,
				Message: msg + "; the columns are " + strings.Join(sorted, ", ")})
		case seen[h] > 0:
			errs.Add(&diag.Diagnostic{File: file, Line: 1, Column: col, Field: "header", Kind: diag.ErrDuplicateKey,
				Message: fmt.Sprintf("column %q is given twice (also column %d)", h, seen[h])})
		default:
			seen[h] = i + 1
		}
	}
	return names, errs
}

// csvProblem turns a csv.ParseError into a diagnostic at its line and
// column; other errors are returned as they are. A quote that runs on past
// its row is reported where the row began (the cause), naming the line
// where reading stopped, since every row after it went into one cell.
func csvProblem(file string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	if pe.StartLine > 0 && pe.Line > pe.StartLine {
		return &diag.Diagnostic{File: file, Line: pe.StartLine, Kind: diag.ErrSyntax,
			Message: fmt.Sprintf("a quoted cell in the row starting here is not closed where it should be: reading stopped at line %d, column %d (%v), so the rows after it could not be read; a quote inside a cell is written twice (\"\")",
				pe.Line, pe.Column, pe.Err)}
	}
	line := pe.Line
	if line == 0 {
		line = pe.StartLine
	}
	return &diag.Diagnostic{File: file, Line: line, Column: pe.Column, Message: pe.Err.Error(), Kind: diag.ErrSyntax}
}
