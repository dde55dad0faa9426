package measure

import (
	"container/heap"
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
	// Lenient accepts the good rows and returns the rejected rows, each
	// with its reason (the first KeepRejected problems in full, the rest
	// counted), instead of failing the whole batch on the first bad row.
	// Problems with the file as a whole (an unknown column, an unreadable
	// header, an unknown key on any line of JSON lines, a row over
	// MaxLineBytes) fail it in either mode.
	Lenient bool
	// Progress, if set, is called with the number of rows read so far every
	// ProgressEvery rows, and once at the end. ReadAll with
	// Options.Parallel calls it from the goroutine reading the input, or,
	// for an input read in chunks, from those of its chunks' readers with
	// the rows of all of them; never in two calls at once for one input,
	// and never with fewer rows than before (the Progress of different
	// inputs read at once may run at the same time).
	Progress func(rows int64)
	// MaxLineBytes caps one line of JSON lines and one CSV row (the header
	// row included; a quoted cell may make a row run over several lines),
	// so that a runaway quote or an endless line cannot pull a file into
	// memory: DefaultMaxLineBytes when 0. A longer line or row fails the
	// whole file, in either mode, naming the line where it starts. Raise
	// it for files with longer rows; a read holds about twice the cap at most
	// (a row of many empty cells, about 32 bytes a cell more).
	MaxLineBytes int
	// KeepRejected is how many problems a read keeps in full: the first
	// ones in file order (by line, then column). The others are counted
	// but not kept, so that memory stays bounded however many rows are
	// bad (a problem takes about 1 KB). DefaultKeepRejected when 0, every
	// one when negative. When some were not kept, the list the read returns
	// (its rejected rows, or its error) ends with one more diagnostic, of
	// Kind *NotKept, saying how many and from which line.
	KeepRejected int

	// window, when positive, replaces the CSV reader's csvWindow (for
	// tests: a window of a few bytes is refilled over every field).
	window int
}

// DefaultMaxLineBytes is the cap on one line or row when
// ReadOptions.MaxLineBytes is 0: 1 MiB.
const DefaultMaxLineBytes = 1 << 20

// DefaultKeepRejected is how many problems a read keeps in full when
// ReadOptions.KeepRejected is 0.
const DefaultKeepRejected = 1000

// NotKept is the Kind of the last diagnostic of a read's list when the read
// found more problems than ReadOptions.KeepRejected keeps in full. Match it
// with errors.As; the Result of an Aggregator counts the same problems in
// RejectedNotKept.
type NotKept struct {
	// Problems counts the problems found and counted but not kept.
	Problems int64
	// Keep is how many the read kept.
	Keep int
}

// Error says how many problems were not kept.
func (e *NotKept) Error() string {
	return fmt.Sprintf("%d more problems not kept in full", e.Problems)
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
	// rejected counts the rows rejected: each row with a problem once, and
	// each physical line of a record that could not be read (a runaway
	// quote) once, so that it is the number of rows lost.
	rejected int64
	problems rejects
	// unsure is set by a problem that might come from reading a chunk of
	// a file from a point that is not a record start, or that a read of
	// the whole file might have met differently (see readChunked).
	unsure bool
	r      row // reused for every row, so that nothing escapes per row
}

func newIngest(ctx context.Context, cat *catalogue, kind Kind, file string, opts ReadOptions) *ingest {
	keep := opts.KeepRejected
	if keep == 0 {
		keep = DefaultKeepRejected
	}
	return &ingest{ctx: ctx, v: validator{cat: cat, kind: kind, file: file}, opts: opts, problems: rejects{keep: keep}}
}

// maxLine is the cap on one line or row.
func (in *ingest) maxLine() int64 {
	if in.opts.MaxLineBytes > 0 {
		return int64(in.opts.MaxLineBytes)
	}
	return DefaultMaxLineBytes
}

// tooLong is the problem of a line or row over the cap, which fails the file.
func (in *ingest) tooLong(line int, what string) *diag.Diagnostic {
	hint := ""
	if in.opts.Format == CSV {
		hint = " (an unclosed quote?)"
	}
	return &diag.Diagnostic{File: in.v.file, Line: line, Kind: diag.ErrTooLarge,
		Message: fmt.Sprintf("%s is longer than about %d bytes%s, the most a row may take (ReadOptions.MaxLineBytes); the file was not read further", what, in.maxLine(), hint)}
}

// run reads the whole input. It returns the rejected rows (lenient mode) or
// an error: diag.List for bad input, or the reader's or context's error.
func (in *ingest) run(r io.Reader) (diag.List, error) {
	return in.result(in.read(r))
}

// read reads the whole input, and returns the error that stopped it: a
// problem with the file as a whole (diag.List), or the reader's or
// context's error.
func (in *ingest) read(r io.Reader) error {
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
	return err
}

// result is what run returns, once the input has been read with err.
func (in *ingest) result(err error) (diag.List, error) {
	if err != nil {
		return nil, err
	}
	list := in.problems.list(in.v.file)
	if in.opts.Lenient || len(list) == 0 {
		return list, nil
	}
	return nil, list
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
			} else {
				msg += didYouMean(n, allowedNames(kind))
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
		in.rejected++
		for _, d := range in.v.errs {
			in.problems.add(d)
		}
		clear(in.v.errs)
		in.v.errs = in.v.errs[:0]
		return nil
	}
	d, err := in.sink(r, pos)
	if err != nil {
		return err
	}
	if d != nil {
		in.rejectRow(d)
	}
	return nil
}

// reject records a problem with a record that could not be read at all,
// which took lines physical lines: each is counted as a row read and lost.
func (in *ingest) reject(d *diag.Diagnostic, lines int64) error {
	in.rows += lines
	in.rejected += lines
	in.problems.add(d)
	return nil
}

// rejectRow records the one problem of a row already read that is not
// counted after all (such as a duplicate found at the end of the read).
func (in *ingest) rejectRow(d *diag.Diagnostic) {
	in.rejected++
	in.problems.add(d)
}

// rejects keeps the first keep problems of a read in full, in file order,
// and counts the rest, so that memory does not grow with the number of bad
// rows. The problems do not arrive in file order (duplicates are found at
// the end of a read), so once keep are held they form a heap with the last
// one on top, which a problem earlier in the file replaces.
type rejects struct {
	keep    int // < 0: keep every one
	kept    diag.List
	notKept int64
	from    int // the first line of a problem not kept
}

func (r *rejects) add(d *diag.Diagnostic) {
	if r.keep < 0 || len(r.kept) < r.keep {
		r.kept = append(r.kept, d)
		if len(r.kept) == r.keep {
			heap.Init((*lastFirst)(&r.kept))
		}
		return
	}
	r.notKept++
	if diag.Less(d, r.kept[0]) {
		d, r.kept[0] = r.kept[0], d
		heap.Fix((*lastFirst)(&r.kept), 0)
	}
	if r.from == 0 || d.Line < r.from {
		r.from = d.Line
	}
}

// list returns the problems kept, in file order, and the summary of those
// not kept.
func (r *rejects) list(file string) diag.List {
	l := r.kept
	r.kept = nil
	l.Sort()
	if r.notKept > 0 {
		l = append(l, &diag.Diagnostic{File: file, Line: r.from, Kind: &NotKept{Problems: r.notKept, Keep: r.keep},
			Message: fmt.Sprintf("%d more problems, from this line on, were counted but not kept in full: a read keeps the first %d (ReadOptions.KeepRejected)", r.notKept, r.keep)})
	}
	return l
}

// lastFirst is a heap of problems with the last in file order on top.
type lastFirst diag.List

func (h lastFirst) Len() int           { return len(h) }
func (h lastFirst) Less(i, j int) bool { return diag.Less(h[j], h[i]) }
func (h lastFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *lastFirst) Push(x any)        { *h = append(*h, x.(*diag.Diagnostic)) }
func (h *lastFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
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
// flag, a duplicate record, the same quantity counted twice in an
// exclusive group, and a cell that is not plain text on one line. Without
// opts.Lenient, any bad row fails the batch: the error is diag.List listing
// the bad rows (file:line:column, field and reason), and the records fn
// already saw must be discarded. With opts.Lenient the error is nil for
// bad rows, and the returned diag.List lists the rejected rows with their
// reasons. Either list holds the first opts.KeepRejected problems in full
// and ends with a *NotKept diagnostic counting the rest, if any. fn
// returning an error stops the read with that error.
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
