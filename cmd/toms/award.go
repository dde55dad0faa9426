package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/socialvalue-toms/toms/award"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/measure"
)

// runAward is `toms award TENDER --contract ID --start DATE --end DATE`:
// evaluate the tender, take the winning (or named) bid, and write its
// commitments spread over the contract's financial years, and the
// contract's register entry.
func runAward(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("award", stdout, stderr)
	in := tenderFlags(fs)
	supplier := fs.String("supplier", "", "supplier (`NAME`) whose bid is awarded (default: the bid ranked 1)")
	contract := fs.String("contract", "", "the new contract's `ID` (required)")
	start := fs.String("start", "", "the contract's first day, a `DATE` written YYYY-MM-DD (required)")
	end := fs.String("end", "", "the contract's last day, a `DATE` written YYYY-MM-DD, included (required)")
	profile := fs.String("profile", "even", "how commitments are spread over the financial years: `even|FILE`, even (by days) or a profile file (kind: Profile)")
	out := fs.String("out", "", "commitments `FILE` to write: .jsonl for JSON lines, CSV otherwise (default: CSV on stdout)")
	register := fs.String("register", "", "`FILE` to write the contract's register entry to: .csv for CSV, YAML otherwise; it must not exist yet")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	tenderPath, code, ok := oneFile(fs, stderr, pos, "tender file")
	if !ok {
		return code
	}
	opts := award.Options{Supplier: *supplier, Contract: *contract}
	for _, f := range []struct {
		name, v string
		t       *time.Time
	}{{"--start", *start, &opts.Start}, {"--end", *end, &opts.End}} {
		if f.v == "" {
			return usageError(fs, stderr, "give %s YYYY-MM-DD", f.name)
		}
		if *f.t, err = time.Parse(time.DateOnly, f.v); err != nil {
			return usageError(fs, stderr, "%s %q: write the date as YYYY-MM-DD", f.name, f.v)
		}
	}
	if *contract == "" {
		return usageError(fs, stderr, "give the new contract's id with --contract ID")
	}
	if *profile != "even" {
		opts.Profile, err = withFile(*profile, func(r io.Reader) (*award.Profile, error) { return award.ReadProfile(r, *profile) })
		if err != nil {
			return fail(stderr, err)
		}
	}
	if *register != "" {
		if _, err := os.Stat(*register); err == nil {
			return fail(stderr, fmt.Errorf("--register %s: the file exists; the award writes a new register file for its contract (give each to toms report with --contracts)", *register))
		}
	}
	in.tender = tenderPath
	t, fw, res, err := in.evaluate(ctx, false)
	if err != nil {
		return fail(stderr, err)
	}
	a, err := award.Make(t, res, fw, opts)
	if err != nil {
		return fail(stderr, err)
	}
	format := measure.CSV
	if strings.HasSuffix(strings.ToLower(*out), ".jsonl") {
		format = measure.JSONLines
	}
	if err := writeTo(*out, stdout, func(w io.Writer) error {
		return measure.WriteRecords(w, format, measure.Commitments, a.Commitments)
	}); err != nil {
		return fail(stderr, err)
	}
	if *register != "" {
		if err := writeRegister(*register, a.Contract); err != nil {
			return fail(stderr, err)
		}
	}
	fmt.Fprintf(stderr, "toms: awarded %s to %s: £%s, %s to %s, %d commitment rows over %d financial years\n",
		a.Contract.ID, a.Contract.Supplier, dectext.GroupDigits(dectext.Round(a.Contract.Value, 2)), a.Contract.Start.Format(time.DateOnly), a.Contract.End.Format(time.DateOnly),
		len(a.Commitments), len(a.Years))
	return exitOK
}

// writeRegister writes the awarded contract's register entry to a new file
// (.csv for CSV, YAML otherwise); an existing file is an error, not
// overwritten.
func writeRegister(path string, c measure.Contract) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	err = measure.WriteContracts(f, strings.HasSuffix(strings.ToLower(path), ".csv"), []measure.Contract{c})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeTo writes with write to the file path, or to stdout when path is
// empty, and reports the first error, closing included.
func writeTo(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
