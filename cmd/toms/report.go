package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

// maxProblemsShown bounds the input problems printed on stderr.
const maxProblemsShown = 50

// runReport is `toms report OUTCOMES... [flags]`: read delivered outcomes
// (and commitments), value them and publish the annual review.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("report", stderr)
	commitments := fs.String("commitments", "", "commitments file, CSV or JSON lines (same columns as outcomes, without evidence)")
	year := fs.String("year", "", "financial year to report, such as 2024/25; records of other years are left out and counted in a note (default: every year in the data)")
	frameworkPath := fs.String("framework", "", "catalogue file (default: the embedded council catalogue)")
	proxiesPath := fs.String("proxies", "", "proxy-values file laid over the catalogue")
	format := fs.String("format", "md", "output format: md, html, csv or json")
	out := fs.String("out", "", "output file (md, html, json; default stdout) or directory (csv, one file per table: required)")
	lenient := fs.Bool("lenient", false, "count the good rows and list every rejected row in the report, instead of failing on the first bad row")
	carry := fs.Bool("carry-forward", false, "value a year without a proxy value with the latest earlier year's value, and list it in the report")
	asOf := fs.String("as-of", "", "date YYYY-MM-DD to judge commitments at (default: the latest delivery)")
	title := fs.String("title", "", "report title (default \""+measure.DefaultTitle+"\")")
	top := fs.Int("top", measure.DefaultTop, "how many contracts and suppliers the md and html reports show")
	noDup := fs.Bool("no-duplicate-check", false, "skip duplicate and double-counting detection (it spills fingerprints to temporary files beyond a few MiB, and costs about a third of the run time)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: toms report OUTCOMES... [--commitments F] [--year 2024/25] [--framework F] [--proxies F] [--format md|html|csv|json] [--out F|DIR] [--lenient] [--carry-forward]")
		fs.PrintDefaults()
	}
	files, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(files) == 0 {
		fs.Usage()
		return exitUsage
	}
	switch *format {
	case "md", "html", "json":
	case "csv":
		if *out == "" {
			return inputError(stderr, errors.New("--format csv writes one file per table; give a directory with --out DIR"))
		}
	default:
		return inputError(stderr, fmt.Errorf("--format %q: use md, html, csv or json", *format))
	}
	opts := measure.Options{NoDuplicateCheck: *noDup}
	if *carry {
		opts.Policy = tom.CarryForward
	}
	if *year != "" {
		y, err := tom.ParseYear(*year)
		if err != nil {
			return inputError(stderr, fmt.Errorf("--year: %w", err))
		}
		opts.Year = y
	}
	ropts := measure.ReviewOptions{Title: *title, Top: *top}
	if *asOf != "" {
		d, err := time.Parse("2006-01-02", *asOf)
		if err != nil {
			return inputError(stderr, fmt.Errorf("--as-of %q: write the date as YYYY-MM-DD", *asOf))
		}
		ropts.AsOf = d
	}
	fw, err := loadFramework(*frameworkPath, *proxiesPath)
	if err != nil {
		return inputError(stderr, err)
	}

	agg := measure.NewAggregator(fw, opts)
	defer agg.Close()
	inputs := make([]reportInput, 0, len(files)+1)
	for _, f := range files {
		inputs = append(inputs, reportInput{f, measure.Outcomes})
	}
	if *commitments != "" {
		inputs = append(inputs, reportInput{*commitments, measure.Commitments})
	}
	rejected := 0
	for _, in := range inputs {
		n, code := readReportInput(ctx, agg, in, *lenient, stderr)
		if code != exitOK {
			return code
		}
		rejected += n
	}
	if rejected > 0 {
		fmt.Fprintf(stderr, "toms: %s in rejected rows; they are listed in the report\n", problems(rejected))
	}
	rv := measure.NewReview(agg.Result(), ropts)
	if *format == "csv" {
		if err := writeCSVTables(*out, rv); err != nil {
			return inputError(stderr, err)
		}
		return exitOK
	}
	w, closeOut := stdout, func() error { return nil }
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return inputError(stderr, err)
		}
		w, closeOut = f, f.Close
	}
	switch *format {
	case "html":
		err = rv.WriteHTML(w)
	case "json":
		err = rv.WriteJSON(w)
	default:
		err = rv.WriteMarkdown(w)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return inputError(stderr, err)
	}
	return exitOK
}

type reportInput struct {
	path string
	kind measure.Kind
}

// readReportInput reads one file into agg. It returns how many problems
// lenient mode recorded, or an exit code other than exitOK.
func readReportInput(ctx context.Context, agg *measure.Aggregator, in reportInput, lenient bool, stderr io.Writer) (int, int) {
	f, err := os.Open(in.path)
	if err != nil {
		return 0, inputError(stderr, err)
	}
	defer f.Close()
	ropts := measure.ReadOptions{Format: measure.FormatOf(in.path), Lenient: lenient}
	if isTerminal(stderr) {
		ropts.Progress = func(rows int64) {
			fmt.Fprintf(stderr, "\rtoms: reading %s: %d rows", in.path, rows)
		}
	}
	rejected, err := agg.Read(ctx, f, in.path, in.kind, ropts)
	if ropts.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		var list measure.Diagnostics
		if errors.As(err, &list) {
			for _, d := range list[:min(len(list), maxProblemsShown)] {
				fmt.Fprintf(stderr, "toms: %v\n", d)
			}
			if len(list) > maxProblemsShown {
				fmt.Fprintf(stderr, "toms: ... and %d more problems\n", len(list)-maxProblemsShown)
			}
			if errors.Is(err, tom.ErrNoProxy) {
				fmt.Fprintln(stderr, "toms: hint: give the missing values with --proxies FILE, or value them with the latest earlier year's with --carry-forward")
			}
			fmt.Fprintf(stderr, "toms: %s: %s; nothing was reported (use --lenient to report the good rows and list the rejected ones)\n", in.path, problems(len(list)))
			return 0, exitUsage
		}
		return 0, inputError(stderr, err)
	}
	return len(rejected), exitOK
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

func problems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}
