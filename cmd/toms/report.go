package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/socialvalue-toms/toms/diag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

// maxProblemsShown bounds the input problems printed on stderr.
const maxProblemsShown = 50

// reportFlags are the command line of `toms report`.
type reportFlags struct {
	files                          []string
	commitments, year, format, out string
	frameworkPath, proxiesPath     string
	targets, asOf, title           string
	contracts                      multiFlag
	lenient, carry, noDup, merge   bool
	top, parallel                  int
}

// runReport is `toms report OUTCOMES... [flags]`: read delivered outcomes
// (and commitments, the contract register and targets), value them and
// publish the annual review.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	rf, code, ok := parseReportFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	opts, err := rf.options()
	if err != nil {
		return fail(stderr, err)
	}
	fw, err := loadFramework(rf.frameworkPath, rf.proxiesPath)
	if err != nil {
		return fail(stderr, err)
	}
	ropts, err := rf.reviewOptions(fw, opts.Year)
	if err != nil {
		return fail(stderr, err)
	}
	limitMemory()
	if rf.parallel > 0 {
		// --parallel N runs on N cores, the last pass of duplicate
		// detection and the collector included (for the command's run)
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(rf.parallel))
	}
	if rf.format == "state" {
		return rf.writeState(ctx, measure.NewAggregator(fw, opts), stdout, stderr)
	}
	res, code, ok := rf.read(ctx, measure.NewAggregator(fw, opts), stderr)
	if !ok {
		return code
	}
	if !ropts.AsOf.IsZero() && ropts.AsOf.Before(res.Latest) {
		return fail(stderr, fmt.Errorf("--as-of %s is before the latest delivery (%s), which the totals include; give a later date, or leave --as-of out to judge at the latest delivery",
			ropts.AsOf.Format("2006-01-02"), res.Latest.Format("2006-01-02")))
	}
	if err := writeReview(measure.NewReview(res, ropts), rf.format, rf.out, stdout); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// parseReportFlags reads the command line; ok is false (with the exit
// code) when it is wrong or asks for help.
func parseReportFlags(args []string, stdout, stderr io.Writer) (rf reportFlags, code int, ok bool) {
	fs := newFlags("report", stdout, stderr)
	fs.StringVar(&rf.commitments, "commitments", "", "commitments `FILE`, CSV or JSON lines (same columns as outcomes, without evidence), such as toms award writes")
	fs.Var(&rf.contracts, "contracts", "contract register `FILE` (kind: Contracts, or CSV), each contract once: values contracts, social value per £1 and shares of total spend")
	fs.StringVar(&rf.targets, "targets", "", "targets `FILE` (kind: Targets): each target judged red, amber or green for its year")
	fs.StringVar(&rf.year, "year", "", "financial `YEAR` to report, such as 2024/25; records of other years are left out and counted in a note (default: every year in the data)")
	fs.StringVar(&rf.frameworkPath, "framework", "", "catalogue `FILE` (default: the embedded council catalogue)")
	fs.StringVar(&rf.proxiesPath, "proxies", "", "proxy-values `FILE` laid over the catalogue")
	fs.StringVar(&rf.format, "format", "md", "output format: `md|html|csv|json|state`; state is the exact totals in a versioned JSON form that --merge combines (docs/report.md)")
	fs.BoolVar(&rf.merge, "merge", false, "the arguments are aggregate states (--format state, made here or elsewhere, one per shard) to combine into one report, exactly as one pass over their inputs would; give the same --year, --carry-forward and --no-duplicate-check as they were made with")
	fs.StringVar(&rf.out, "out", "", "where to write: `FILE|DIR`, a file for md, html and json (default: stdout), a directory, which csv needs, for one file per table")
	fs.BoolVar(&rf.lenient, "lenient", false, fmt.Sprintf("count the good rows and list the rejected rows in the report (the first %d problems of each file in full, the rest counted), instead of failing the run on any bad row", measure.DefaultKeepRejected))
	fs.BoolVar(&rf.carry, "carry-forward", false, "value a year without a proxy value with the latest earlier year's value, and list it in the report")
	fs.StringVar(&rf.asOf, "as-of", "", "`DATE` (YYYY-MM-DD) to judge commitments at (default: the latest delivery)")
	fs.StringVar(&rf.title, "title", "", "report `TITLE` (default \""+measure.DefaultTitle+"\")")
	fs.IntVar(&rf.top, "top", measure.DefaultTop, "how many (`N`) contracts and suppliers the md and html reports show")
	fs.IntVar(&rf.parallel, "parallel", 0, "run on `N` cores: read up to N input files at once, or one large file in N chunks (0: every core; 1: one file at a time, in one piece); the report is the same, byte for byte")
	fs.BoolVar(&rf.noDup, "no-duplicate-check", false, "skip duplicate and double-counting detection (it spills fingerprints to temporary files beyond a few MiB, and costs about a third of the run time)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return rf, flagError(err), false
	}
	rf.files = files
	if len(files) == 0 {
		if rf.merge {
			return rf, usageError(fs, stderr, "give at least one aggregate state to --merge"), false
		}
		return rf, usageError(fs, stderr, "give at least one outcomes file (CSV or JSON lines)"), false
	}
	if rf.merge && rf.commitments != "" {
		return rf, usageError(fs, stderr, "--commitments with --merge: commitments are read into the states; make the state of the commitments with --format state"), false
	}
	switch rf.format {
	case "md", "html", "json", "state":
	case "csv":
		if rf.out == "" {
			return rf, fail(stderr, errors.New("--format csv writes one file per table; give a directory with --out DIR")), false
		}
	default:
		return rf, fail(stderr, fmt.Errorf("--format %q: use md, html, csv, json or state", rf.format)), false
	}
	if rf.top < 1 {
		return rf, usageError(fs, stderr, "--top %d: show at least 1 contract and supplier (JSON and CSV always list all)", rf.top), false
	}
	return rf, exitOK, true
}

// options are the aggregation options of the command line.
func (rf reportFlags) options() (measure.Options, error) {
	opts := measure.Options{NoDuplicateCheck: rf.noDup, Parallel: rf.parallel}
	if rf.parallel == 0 {
		opts.Parallel = -1 // every core
	} else if rf.parallel < 0 {
		return opts, fmt.Errorf("--parallel %d: give a number of files, or 0 for one per core", rf.parallel)
	}
	if rf.carry {
		opts.YearPolicy = tom.CarryForward
	}
	max, err := maxFileSize() // also the limit of a --merge state, when set
	if err != nil {
		return opts, err
	}
	opts.MaxStateBytes = max
	if rf.year != "" {
		y, err := tom.ParseYear(rf.year)
		if err != nil {
			return opts, fmt.Errorf("--year: %w", err)
		}
		opts.Year = y
	}
	return opts, nil
}

// reviewOptions reads --as-of, the contract registers and the targets. The
// targets' year must be the --year reported, when one is given.
func (rf reportFlags) reviewOptions(fw *tom.Framework, year tom.Year) (measure.ReviewOptions, error) {
	ropts := measure.ReviewOptions{Title: rf.title, Top: rf.top}
	if rf.asOf != "" {
		d, err := time.Parse("2006-01-02", rf.asOf)
		if err != nil {
			return ropts, fmt.Errorf("--as-of %q: write the date as YYYY-MM-DD", rf.asOf)
		}
		ropts.AsOf = d
	}
	seen := map[string]diag.Pos{}
	var errs diag.List
	for _, path := range rf.contracts {
		cs, err := withFile(path, func(r io.Reader) ([]measure.Contract, error) { return measure.ReadContracts(r, path) })
		if err != nil {
			return ropts, err
		}
		for _, c := range cs {
			if p, dup := seen[c.ID]; dup {
				errs.Add(&diag.Diagnostic{File: c.Pos.File, Line: c.Pos.Line, Column: c.Pos.Column, Field: "id", Kind: diag.ErrDuplicateKey,
					Message: fmt.Sprintf("contract %q is already in the register at %s:%d", c.ID, p.File, p.Line)})
				continue
			}
			seen[c.ID] = c.Pos
			ropts.Contracts = append(ropts.Contracts, c)
		}
	}
	if err := errs.Err(); err != nil {
		return ropts, err
	}
	if rf.targets != "" {
		ts, err := withFile(rf.targets, func(r io.Reader) (*measure.Targets, error) { return measure.ReadTargets(r, rf.targets, fw) })
		if err != nil {
			return ropts, err
		}
		if !year.IsZero() && ts.Year != year {
			return ropts, fmt.Errorf("%s: the targets are for %s but --year is %s; give the targets of the year reported", rf.targets, ts.Year, year)
		}
		ropts.Targets = ts
	}
	return ropts, nil
}

// read reads every outcomes and commitments file into agg and closes it;
// ok is false (with the exit code, the problems said on stderr) when the
// batch fails.
func (rf reportFlags) read(ctx context.Context, agg *measure.Aggregator, stderr io.Writer) (res *measure.Result, code int, ok bool) {
	defer func() {
		if agg != nil {
			agg.Close()
		}
	}()
	rejected, code, ok := rf.load(ctx, agg, stderr)
	if !ok {
		return nil, code, false
	}
	res = agg.Result()
	// the totals are in res: let the aggregator's cells and duplicate
	// detection go before the review is built and rendered, so that they
	// do not add to the peak
	err := agg.Close()
	agg = nil
	if err != nil {
		return nil, fail(stderr, err), false
	}
	if rejected > 0 && res.RejectedNotKept > 0 {
		fmt.Fprintf(stderr, "toms: %s in %s; the first %d of each file are listed in the report, the rest counted\n",
			problems(rejected), plural(int(res.RejectedRows), "rejected row", "rejected rows"), measure.DefaultKeepRejected)
	} else if rejected > 0 {
		fmt.Fprintf(stderr, "toms: %s in rejected rows; they are listed in the report\n", problems(rejected))
	}
	return res, exitOK, true
}

// load reads every outcomes and commitments file into agg (or, with
// --merge, every aggregate state); ok is false (with the exit code, the
// problems said on stderr) when the batch fails. rejected counts the
// problems of lenient reads.
func (rf reportFlags) load(ctx context.Context, agg *measure.Aggregator, stderr io.Writer) (rejected, code int, ok bool) {
	if rf.merge {
		for _, path := range rf.files {
			if _, err := withFile(path, func(r io.Reader) (struct{}, error) { return struct{}{}, agg.ReadState(r, path) }); err != nil {
				return 0, fail(stderr, err), false
			}
		}
		return 0, exitOK, true
	}
	inputs := make([]reportInput, 0, len(rf.files)+1)
	for _, f := range rf.files {
		inputs = append(inputs, reportInput{f, measure.Outcomes})
	}
	if rf.commitments != "" {
		inputs = append(inputs, reportInput{rf.commitments, measure.Commitments})
	}
	// Every input is read, even after a bad one, so that one run lists the
	// problems of all of them; the batch fails once, at the end.
	rejected, problemsFound, badFiles, unreadable, err := readReportInputs(ctx, agg, inputs, rf.lenient, stderr)
	if err != nil {
		return 0, fail(stderr, err), false
	}
	if len(badFiles) > 0 || len(unreadable) > 0 {
		return 0, reportProblems(stderr, problemsFound, badFiles, unreadable, rf.lenient), false
	}
	return rejected, exitOK, true
}

// writeState reads the inputs into agg (or merges the states given) and
// writes its aggregate state (measure.Aggregator.WriteState).
func (rf reportFlags) writeState(ctx context.Context, agg *measure.Aggregator, stdout, stderr io.Writer) int {
	defer agg.Close()
	if _, code, ok := rf.load(ctx, agg, stderr); !ok {
		return code
	}
	if err := writeTo(rf.out, stdout, agg.WriteState); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// writeReview writes the review in format: CSV tables into the directory
// out, or one document to the file out (stdout when empty).
func writeReview(rv *measure.Review, format, out string, stdout io.Writer) error {
	if format == "csv" {
		return writeCSVTables(out, rv)
	}
	return writeTo(out, stdout, func(w io.Writer) error {
		switch format {
		case "html":
			return rv.WriteHTML(w)
		case "json":
			return rv.WriteJSON(w)
		}
		return rv.WriteMarkdown(w)
	})
}

// reportMemoryLimit is the soft limit of the Go heap that toms report sets
// (unless GOMEMLIMIT is given): the heap the review holds at its end
// (cells, review tables, the rendered JSON) would otherwise be allowed to
// double before the collector runs, and peak memory would follow the
// number of groups rather than stay flat. Reading never comes near it
// (a few MiB live), so it costs time only at the end.
const reportMemoryLimit = 20 << 20

func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(reportMemoryLimit)
	}
}

type reportInput struct {
	path string
	kind measure.Kind
}

// readReportInputs reads every input into agg, in order, with one pass
// of duplicate detection at the end (measure.Aggregator.ReadAll). It
// returns how many problems lenient mode recorded, the problems that fail
// the batch (every bad row in strict mode; a problem with a file as a
// whole, such as an unknown column, in either mode) and the files they are
// in, the files that could not be opened or read (each said on stderr),
// or an error that stops the run (the context is done, duplicate detection
// failed).
func readReportInputs(ctx context.Context, agg *measure.Aggregator, inputs []reportInput, lenient bool, stderr io.Writer) (rejected int, list diag.List, badFiles, unreadable []string, err error) {
	progress := isTerminal(stderr)
	var progressMu sync.Mutex // inputs read at once report at once
	all := make([]measure.File, len(inputs))
	for i, in := range inputs {
		ropts := measure.ReadOptions{Format: measure.FormatOf(in.path), Lenient: lenient}
		if progress {
			ropts.Progress = func(rows int64) {
				progressMu.Lock()
				defer progressMu.Unlock()
				fmt.Fprintf(stderr, "\rtoms: reading %s: %d rows\x1b[K", in.path, rows) // erase the rest of the line
			}
		}
		all[i] = measure.File{Name: in.path, Kind: in.kind, Options: ropts,
			Open: func() (io.ReadCloser, error) { return os.Open(in.path) }}
	}
	out, err := agg.ReadAll(ctx, all)
	if progress {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return 0, nil, nil, nil, err
	}
	for i, r := range out {
		var l diag.List
		switch {
		case errors.As(r.Err, &l) && len(l) > 0:
			list = append(list, l...)
			badFiles = append(badFiles, inputs[i].path)
		case r.Err != nil:
			// a file that cannot be opened or read: say so, and go on
			fmt.Fprintf(stderr, "toms: %v\n", r.Err)
			unreadable = append(unreadable, inputs[i].path)
		default:
			rejected += problemsIn(r.Rejected)
		}
	}
	return rejected, list, badFiles, unreadable, nil
}

// problemsIn counts the problems of a read's list: those kept in full, and
// those its last diagnostic (a *measure.NotKept) says were counted only.
func problemsIn(list diag.List) int {
	n := len(list)
	for _, d := range list {
		var nk *measure.NotKept
		if errors.As(d, &nk) {
			n += int(nk.Problems) - 1
		}
	}
	return n
}

// reportProblems prints the problems of every bad input (the first
// maxProblemsShown, then a count) and fails the batch once: exit 2.
func reportProblems(stderr io.Writer, list diag.List, badFiles, unreadable []string, lenient bool) int {
	for _, d := range list[:min(len(list), maxProblemsShown)] {
		fmt.Fprintf(stderr, "toms: %v\n", d)
	}
	shown := min(len(list), maxProblemsShown)
	if total := problemsIn(list); total > shown {
		fmt.Fprintf(stderr, "toms: ... and %d more problems\n", total-shown)
	}
	if errors.Is(list, tom.ErrNoProxy) {
		fmt.Fprintln(stderr, "toms: hint: give the missing values with --proxies FILE, or value them with the latest earlier year's with --carry-forward")
	}
	var parts []string
	if len(badFiles) > 0 {
		parts = append(parts, fmt.Sprintf("%s in %s (%s)", problems(problemsIn(list)), plural(len(badFiles), "file", "files"), strings.Join(badFiles, ", ")))
	}
	if len(unreadable) > 0 {
		parts = append(parts, fmt.Sprintf("%s could not be read (%s)", plural(len(unreadable), "file", "files"), strings.Join(unreadable, ", ")))
	}
	msg := "toms: " + strings.Join(parts, "; ") + "; nothing was reported"
	if !lenient && len(list) > 0 {
		msg += " (use --lenient to report the good rows and list the rejected ones)"
	}
	fmt.Fprintln(stderr, msg)
	return exitUsage
}

// writeCSVTables writes each table of the review as DIR/NAME.csv.
func writeCSVTables(dir string, rv *measure.Review) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range rv.CSVTables() {
		f, err := os.Create(filepath.Join(dir, t.Name))
		if err != nil {
			return err
		}
		err = t.WriteCSV(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal (a character device), for the
// progress indicator; it needs no dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// plural is "1 file" or "3 files".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func problems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}
