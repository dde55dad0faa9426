package measure

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/socialvalue-toms/toms/diag"
)

// readCSV streams a CSV file with a header row through in. Memory does not
// grow with the number of rows: the csv.Reader reuses its record slice.
func readCSV(r io.Reader, in *ingest) error {
	lr := &recordLimit{r: r}
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return diag.List{{File: in.v.file, Line: 1, Message: "the file is empty; it needs a header row naming the columns: " + strings.Join(allowedNames(in.v.kind), ","), Kind: ErrColumn}}
	}
	if err != nil {
		return csvError(in.v.file, err)
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
		lr.start = cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, errRecordTooLong) {
			line, _ := cr.FieldPos(0) // the row being read when the limit struck
			return diag.List{{File: in.v.file, Line: line, Kind: diag.ErrSyntax,
				Message: fmt.Sprintf("the row starting here is longer than about %d bytes (an unclosed quote?); the file was not read further", MaxLineBytes)}}
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			if stop := in.reject(csvError(in.v.file, err).(*diag.Diagnostic)); stop != nil {
				return stop
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			d := &diag.Diagnostic{File: in.v.file, Line: line, Column: 1, Kind: diag.ErrSyntax,
				Message: fmt.Sprintf("the row has %d fields but the header has %d", len(rec), width)}
			if stop := in.reject(d); stop != nil {
				return stop
			}
			continue
		}
		for c := range f {
			if i := idx[c]; i >= 0 {
				f[c] = trim(rec[i])
			}
		}
		if err := in.row(line, &f, pos); err != nil {
			return err
		}
	}
}

var errRecordTooLong = errors.New("record too long")

// recordLimit stops a CSV record from growing past MaxLineBytes, so that a
// runaway quoted cell cannot pull the whole file into memory: it fails a
// Read once more than that has been read since the record started (plus
// the csv.Reader's read-ahead buffer).
type recordLimit struct {
	r     io.Reader
	read  int64 // bytes handed to the csv.Reader so far
	start int64 // input offset where the current record starts
}

const csvReadAhead = 64 << 10

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.read-l.start > MaxLineBytes+csvReadAhead {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &diag.Diagnostic{File: file, Line: pe.Line, Column: pe.Column, Message: pe.Err.Error(), Kind: diag.ErrSyntax}
	}
	return err
}

// trim removes spaces and tabs around a cell without allocating.
func trim(s string) string {
	if s == "" || (s[0] != ' ' && s[0] != '\t' && s[len(s)-1] != ' ' && s[len(s)-1] != '\t') {
		return s
	}
	return strings.Trim(s, " \t")
}
