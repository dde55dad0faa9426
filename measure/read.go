package measure

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// ReadOptions control one read of an outcomes or commitments file.
type ReadOptions struct {
	// Format of the input; see FormatOf.
	Format Format
	// Lenient accepts the good rows and returns every rejected row, each
	// with its reason, instead of failing the whole batch on the first bad
	// row. Problems with the file as a whole (an unknown column, an
	// unreadable header, an unknown key on any line of JSON lines) fail it
	// in either mode.
	Lenient bool
	// Progress, if set, is called with the number of rows read so far every
	// ProgressEvery rows, and once at the end.
	Progress func(rows int64)
}

// ProgressEvery is how many rows pass between two calls of ReadOptions.Progress.
const ProgressEvery = 1 << 16

// ctxEvery is how many rows pass between two checks of the context.
const ctxEvery = 1 << 12

// ingest drives one read: it validates each row and hands the good ones to sink.
type ingest struct {
	ctx  context.Context
	v    validator
	opts ReadOptions
	sink func(r *row, pos posFunc) (*diag.Diagnostic, error)
	// finish, if set, runs after the last row (even after an error), and
	// may add diagnostics: duplicate detection found at the end.
	finish func() error
	rows   int64
	r      row // reused for every row, so that nothing escapes per row
}

func newIngest(ctx context.Context, cat *catalogue, kind Kind, file string, opts ReadOptions) *ingest {
	return &ingest{ctx: ctx, v: validator{cat: cat, kind: kind, file: file}, opts: opts}
}

// run reads the whole input. It returns the rejected rows (lenient mode) or
// an error: diag.List for bad input, or the reader's or context's error.
func (in *ingest) run(r io.Reader) (diag.List, error) {
	var err error
	if in.opts.Format == JSONLines {
		err = readJSONLines(r, in)
	} else {
		err = readCSV(r, in)
	}
	if in.finish != nil {
		if ferr := in.finish(); ferr != nil && err == nil {
			err = ferr
		}
	}
	if in.opts.Progress != nil {
		in.opts.Progress(in.rows)
	}
	if err != nil {
		return nil, err
	}
	if in.opts.Lenient {
		in.v.errs.Sort()
		return in.v.errs, nil
	}
	return nil, in.v.errs.Err()
}

// header maps header names to columns, checking that each is known, given
// once, and that the required ones are there. col returns the column of the
// i-th header cell.
func (in *ingest) header(names []string, col func(i int) int) ([numCols]int, error) {
	var idx [numCols]int
	for i := range idx {
		idx[i] = -1
	}
	var errs diag.List
	bad := func(i int, format string, args ...any) {
		errs.Add(&diag.Diagnostic{File: in.v.file, Line: 1, Column: col(i), Field: "header",
			Message: fmt.Sprintf(format, args...), Kind: ErrColumn})
	}
	kind := in.v.kind
	for i, n := range names {
		if i == 0 {
			n = strings.TrimPrefix(n, "\ufeff") // a byte-order mark, as spreadsheets write
		}
		n = trim(n)
		c, ok := columnByName(n)
		switch {
		case !ok || !c.allowed(kind):
			msg := fmt.Sprintf("unknown column %q", n)
			if c == colEvidence {
				msg = fmt.Sprintf("%s has no %q column", kind, n)
			} else if s := diag.Suggest(n, allowedNames(kind)); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			bad(i, "%s; the columns of %s are %s", msg, kind, strings.Join(allowedNames(kind), ", "))
		case idx[c] >= 0:
			bad(i, "column %q is given twice (also column %d)", n, idx[c]+1)
		default:
			idx[c] = i
		}
	}
	for c := column(0); c < numCols; c++ {
		if c.required(kind) && idx[c] < 0 {
			errs.Add(&diag.Diagnostic{File: in.v.file, Line: 1, Field: "header", Kind: ErrColumn,
				Message: fmt.Sprintf("the required column %q is missing; %s need %s", c, kind, strings.Join(requiredNames(kind), ", "))})
		}
	}
	return idx, errs.Err()
}

func requiredNames(k Kind) []string {
	var out []string
	for c := column(0); c < numCols; c++ {
		if c.required(k) {
			out = append(out, c.String())
		}
	}
	return out
}

// row validates one row and passes it on; the error is only for stopping
// (a cancelled context or an error from the sink's caller).
func (in *ingest) row(line int, f *[numCols]string, pos posFunc) error {
	in.rows++
	if in.rows%ctxEvery == 0 {
		if err := in.ctx.Err(); err != nil {
			return err
		}
		if in.opts.Progress != nil && in.rows%ProgressEvery == 0 {
			in.opts.Progress(in.rows)
		}
	}
	r := &in.r
	*r = row{line: line}
	if !in.v.check(f, pos, r) {
		return nil
	}
	d, err := in.sink(r, pos)
	if err != nil {
		return err
	}
	if d != nil {
		in.v.errs.Add(d)
	}
	return nil
}

// reject records a problem with a row that could not be read at all.
func (in *ingest) reject(d *diag.Diagnostic) error {
	in.rows++
	in.v.errs.Add(d)
	return nil
}

// ReadRecords reads and validates an outcomes or commitments file against
// the framework's catalogue, and calls fn with each valid record, in file
// order, without keeping them: memory does not grow with the number of rows
// except for duplicate detection, which keeps about 32 bytes per record in
// memory (and 32 more in a temporary file) so as to reject a duplicate
// before fn sees it. For bounded memory, use an Aggregator.
//
// Every row is checked: an unknown measure, an empty or non-decimal or
// negative quantity, a date that is not YYYY-MM-DD, missing evidence where
// the measure requires it, a unit that is not the measure's, a bad yes/no
// flag, a duplicate record, and the same quantity counted twice in an
// exclusive group. Without opts.Lenient, any bad row fails the batch: the
// error is diag.List listing every bad row (file:line:column, field and
// reason), and the records fn already saw must be discarded. With
// opts.Lenient the error is nil for bad rows, and the returned diag.List
// lists every rejected row with its reason. fn returning an error stops the
// read with that error.
//
// ReadRecords does not value records, so it does not check proxy values;
// an Aggregator does.
func ReadRecords(ctx context.Context, r io.Reader, name string, kind Kind, fw *tom.Framework, opts ReadOptions, fn func(Record) error) (diag.List, error) {
	cat := newCatalogue(fw, tom.ExactYear)
	in := newIngest(ctx, cat, kind, name, opts)
	dd := newDedup(-1, "", 0)
	defer dd.close()
	files := []string{name}
	in.sink = func(r *row, pos posFunc) (*diag.Diagnostic, error) {
		k := dd.fingerprint(r)
		line, col := pos(colMeasure)
		first, dup, err := dd.check(k, true)
		if err != nil {
			return nil, err
		}
		if dup {
			return dupDiagnostic(files, first, cat.measures[first.cell], 0, line, col, r.m), nil
		}
		// no cells here: the ref keeps the measure index instead
		if err := dd.add(k, newRef(r, 0, line, col, r.m.idx), r.q, false); err != nil {
			return nil, err
		}
		return nil, fn(r.record(name))
	}
	return in.run(r)
}
