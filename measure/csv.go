package measure

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/socialvalue-toms/toms/diag"
)

// readCSV streams a CSV file with a header row through in. Memory does not
// grow with the number of rows: the reader reuses its window and record
// slice, and no record may grow past the line cap.
func readCSV(r io.Reader, in *ingest) error {
	window := csvWindow
	if in.opts.window > 0 {
		window = in.opts.window
	}
	cr := newCSVReader(&lineEnds{r: r}, in.maxLine(), window)
	cr.ctx = in.ctx
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return diag.List{{File: in.v.file, Line: 1, Message: "the file is empty; it needs a header row naming the columns: " + strings.Join(allowedNames(in.v.kind), ","), Kind: ErrColumn}}
	}
	if errors.Is(err, errRecordTooLong) {
		return diag.List{in.tooLong(1, "the header row")}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return diag.List{csvError(in.v.file, pe)}
		}
		return err
	}
	idx, herr := in.header(header, func(i int) int { _, c := cr.FieldPos(i); return c })
	if herr != nil {
		return herr
	}
	width := len(header)
	var f [numCols]string
	pos := func(c column) (int, int) {
		if idx[c] < 0 {
			l, _ := cr.FieldPos(0)
			return l, 0
		}
		return cr.FieldPos(idx[c])
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, errRecordTooLong) {
			return diag.List{in.tooLong(cr.recLine, "the row starting here")}
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			in.unsure = true
			// Every physical line the broken record took is lost: count each.
			if err := in.reject(csvError(in.v.file, pe), int64(pe.Line-pe.StartLine+1)); err != nil {
				return err
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		if last > line || strings.IndexByte(rec[len(rec)-1], '\n') >= 0 { // a cell spans lines
			in.unsure = true
			last += strings.Count(rec[len(rec)-1], "\n") // the line the record ends on
			if err := in.reject(spansLines(in.v.file, rec, cr.FieldPos, idx, last), int64(last-line+1)); err != nil {
				return err
			}
			continue
		}
		if len(rec) != width {
			d := &diag.Diagnostic{File: in.v.file, Line: line, Column: 1, Kind: diag.ErrSyntax,
				Message: fmt.Sprintf("the row has %d fields but the header has %d", len(rec), width)}
			if err := in.reject(d, int64(last-line+1)); err != nil {
				return err
			}
			continue
		}
		for c := range f {
			if i := idx[c]; i >= 0 {
				f[c] = trim(rec[i])
			}
		}
		in.v.plain = cr.plain
		if err := in.row(line, &f, pos); err != nil {
			return err
		}
	}
}

// spansLines returns the problem of a record, ending on line last, with a
// cell that holds a line break: in these files no cell may, so a quoted
// cell that runs over several lines is a stray or unclosed quote that
// swallowed the rows after it. The problem is positioned at the first such
// cell and names the line where it ended; the record's lines are rejected.
func spansLines(file string, rec []string, fieldPos func(int) (int, int), idx [numCols]int, last int) *diag.Diagnostic {
	i := 0
	for i < len(rec)-1 && strings.IndexByte(rec[i], '\n') < 0 {
		i++
	}
	line, col := fieldPos(i)
	field := ""
	for c, j := range idx {
		if j == i {
			field = column(c).String()
		}
	}
	return &diag.Diagnostic{File: file, Line: line, Column: col, Field: field, Kind: ErrText,
		Message: fmt.Sprintf("a quoted cell begins here and ends on line %d: no cell may hold a line break, so a stray or unclosed quote must have swallowed the lines after it; lines %d to %d are rejected",
			line+strings.Count(rec[i], "\n"), line, last)}
}

var errRecordTooLong = errors.New("record too long")

// lineEnds turns a bare carriage return (one not followed by a line feed)
// into a line feed, byte for byte, so that a line ends at LF, CRLF or a
// bare CR in both formats, as in every editor: lines separated by bare
// CRs are read and numbered one by one instead of running into one.
type lineEnds struct {
	r       io.Reader
	pending bool // the last byte handed out was a CR, already turned into LF
}

func (l *lineEnds) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		if l.pending && n > 0 {
			l.pending = false
			if p[0] == '\n' { // the CR already handed out as LF was half of a CRLF
				n = copy(p, p[1:n])
			}
		}
		for i := 0; i < n; {
			j := bytes.IndexByte(p[i:n], '\r')
			if j < 0 {
				break
			}
			i += j
			switch {
			case i+1 == n: // the last byte: what follows is not read yet
				p[i] = '\n'
				l.pending = true
			case p[i+1] != '\n':
				p[i] = '\n'
			}
			i++
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

func csvError(file string, pe *csv.ParseError) *diag.Diagnostic {
	d := &diag.Diagnostic{File: file, Line: pe.StartLine, Column: pe.Column, Message: pe.Err.Error(), Kind: diag.ErrSyntax}
	if pe.Line != pe.StartLine {
		d.Column = 0
		d.Message = fmt.Sprintf("the row starting here could not be read: %v on line %d, column %d (an unclosed or stray quote?); lines %d to %d are rejected",
			pe.Err, pe.Line, pe.Column, pe.StartLine, pe.Line)
	}
	return d
}

// trim removes spaces and tabs around a cell without allocating. It is
// small enough to be inlined (a call per cell shows in the profile).
func trim(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
