package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// clockNow is the time policy rules see; tests fix it.
var clockNow = time.Now

func runEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("evaluate", stderr)
	bidsPath := fs.String("bids", "", "bids file (kind: Bids); default: the bids inside the tender file")
	frameworkPath := fs.String("framework", "", "catalogue file; default: the tender's catalogue, else the embedded one")
	proxiesPath := fs.String("proxies", "", "proxy-values file; default: the tender's proxies file, if any")
	var policies multiFlag
	fs.Var(&policies, "policy", "rule-set file or directory checked with the default policy (repeatable)")
	scoreAnyway := fs.Bool("score-anyway", false, "score even when a policy rule of severity error fails (the output says so)")
	format := fs.String("format", "table", "output format: table, json or csv")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: toms evaluate TENDER [--bids F] [--framework F] [--proxies F] [--policy DIR|FILE]... [--score-anyway] [--format table|json|csv]")
		fs.PrintDefaults()
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if *format != "table" && *format != "json" && *format != "csv" {
		return usageError(fs, stderr, "--format %q: use table, json or csv", *format)
	}
	tenderPath, code, ok := oneFile(fs, stderr, pos, "tender file")
	if !ok {
		return code
	}
	t, err := evaluate.LoadTenderFile(tenderPath)
	if err != nil {
		return inputError(stderr, err)
	}
	if *frameworkPath != "" {
		t.Catalogue = *frameworkPath
	}
	if *proxiesPath != "" {
		t.Proxies = *proxiesPath
	}
	fw, err := evaluate.LoadFramework(t)
	if err != nil {
		return inputError(stderr, err)
	}
	bids := t.Bids
	if *bidsPath != "" {
		if len(t.Bids) > 0 {
			return inputError(stderr, fmt.Errorf("%s has bids inline and --bids names %s: give the bids once", tenderPath, *bidsPath))
		}
		// With the catalogue, so that one run lists every problem in the file.
		if bids, err = evaluate.LoadBidsFile(*bidsPath, t, fw); err != nil {
			return inputError(stderr, err)
		}
	}
	if len(bids) == 0 {
		if *bidsPath != "" {
			return inputError(stderr, fmt.Errorf("%s: the bids file has no bids", *bidsPath))
		}
		return inputError(stderr, fmt.Errorf("%s: the tender has no bids; give them in the tender file (bids:) or with --bids FILE", tenderPath))
	}
	set, err := loadPolicy(ctx, policies)
	if err != nil {
		return policyError(stderr, err)
	}
	res, err := evaluate.Evaluate(ctx, t, bids, fw, evaluate.Options{Rules: set, ScoreAnyway: *scoreAnyway, Now: clockNow()})
	policyErr, stopped := err, errors.Is(err, evaluate.ErrPolicyFailed)
	if err != nil && !stopped {
		return inputError(stderr, err)
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	case "csv":
		err = writeEvaluateCSV(stdout, res)
	default:
		err = writeEvaluateTable(stdout, res)
	}
	if err != nil {
		return inputError(stderr, err)
	}
	if stopped {
		fmt.Fprintf(stderr, "toms: %v\ntoms: the bids were not scored; fix the tender, add an approved waiver, or rerun with --score-anyway\n", policyErr)
		return exitRuleFailed
	}
	return exitOK
}

// money renders £ for people: rounded half away from zero to pence, with
// thousands separators: 1,150,000.00.
func money(d decimal.Decimal) string { return dectext.GroupDigits(dectext.Round(d, 2)) }

func supplierLabel(s evaluate.Supplier) string {
	var tags []string
	if s.SME {
		tags = append(tags, "SME")
	}
	if s.VCSE {
		tags = append(tags, "VCSE")
	}
	if s.Local {
		tags = append(tags, "local")
	}
	if len(tags) == 0 {
		return s.Name
	}
	return s.Name + " (" + strings.Join(tags, ", ") + ")"
}

func writeEvaluateTable(w io.Writer, r *evaluate.Result) error {
	c := r.Criteria
	fmt.Fprintf(w, "Tender %s: %s\n", r.TenderID, r.Title)
	fmt.Fprintf(w, "Weights: price %s, quality %s, social value %s (of 100)\n", r.Weights.Price, r.Weights.Quality, r.Weights.SocialValue)
	fmt.Fprintf(w, "Price: method %s", c.Price.Method)
	lowest, highest := "£"+money(r.LowestPrice), "£"+money(r.HighestSocialValue)
	switch {
	case !r.Scored:
		lowest, highest = "lowest price", "highest offer"
	case r.Ranked() == 0: // every bid excluded: there is no lowest price or highest offer
		lowest, highest = "lowest price (n/a)", "highest offer (n/a)"
	}
	switch c.Price.Method {
	case evaluate.Budget:
		fmt.Fprintf(w, ", %s × (£%s − price) / (£%s − £%s), within 0 to %s\n", c.Price.Weight, money(c.Price.Ceiling), money(c.Price.Ceiling), money(c.Price.Floor), c.Price.Weight)
	case evaluate.Linear:
		fmt.Fprintf(w, ", %s × (1 − (price − %s) / %s), at least 0\n", c.Price.Weight, lowest, lowest)
	default:
		fmt.Fprintf(w, ", %s × %s / price\n", c.Price.Weight, lowest)
	}
	for _, q := range c.Quality {
		pm := ""
		if q.PassMark.IsPositive() {
			pm = fmt.Sprintf(", pass mark %s", q.PassMark)
		}
		fmt.Fprintf(w, "Quality %s (%s): %s × score / %s%s\n", q.ID, q.Name, q.Weight, q.Max, pm)
	}
	if sv := c.SocialValue; sv.Weight.IsPositive() {
		fmt.Fprintf(w, "Social value: %s = %s quantitative + %s qualitative", sv.Weight, sv.QuantitativeWeight, sv.QualitativeWeight)
		switch {
		case sv.QuantitativeWeight.IsZero():
		case sv.Method == evaluate.Target:
			fmt.Fprintf(w, "; quantitative %s × min(1, (£ value / price) / %s)", sv.QuantitativeWeight, sv.Target)
		case r.Ranked() > 0 && r.HighestSocialValue.IsZero():
			fmt.Fprintf(w, "; quantitative %s × £ value / highest offer (every offer is £0: 0 points)", sv.QuantitativeWeight)
		default:
			fmt.Fprintf(w, "; quantitative %s × £ value / %s", sv.QuantitativeWeight, highest)
		}
		if sv.QualitativeWeight.IsPositive() {
			fmt.Fprintf(w, "; qualitative %s × score / %s", sv.QualitativeWeight, sv.Max)
		}
		if sv.BothPartsRequired {
			fmt.Fprint(w, "; both parts required")
		}
		if sv.QuantitativeWeight.IsPositive() {
			fmt.Fprintf(w, "; £ at %s proxies from catalogue %s", r.Year, r.Catalogue)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Policy")
	tw := tabwriter.NewWriter(&trimWriter{w: w}, 0, 0, 2, ' ', 0)
	for _, o := range r.Policy {
		msg := o.Message
		if o.Status == rules.StatusPass || o.Status == rules.StatusSkipped {
			msg = ""
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", strings.ToUpper(o.Status.String()), o.Rule, o.Severity, msg)
	}
	if len(r.Policy) == 0 {
		fmt.Fprintln(tw, "  (not checked)")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.ScoredAnyway {
		fmt.Fprintln(w, "  WARNING: a policy rule of severity error failed; the bids were scored anyway at the caller's request.")
	}
	if !r.Scored {
		fmt.Fprintln(w, "\nThe bids were not scored: a policy rule of severity error failed.")
		return nil
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ranking (points of 100, rounded half-up to 2 places; ranks use exact values)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Rank\tSupplier\tPrice (£)\tPrice\tQuality\tSocial value (£)\tSocial value\tTotal\t")
	for _, b := range r.Bids {
		rank := strconv.Itoa(b.Rank)
		if b.Excluded {
			rank = "excl."
		} else if b.Tie != nil && b.Tie.DecidedBy == "" {
			rank += "="
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", rank, supplierLabel(b.Supplier), money(b.Price.Price),
			pts(b, b.Price.Points), b.Quality.Points.StringFixed(2), money(b.SocialValue.Value), pts(b, b.SocialValue.Points), pts(b, b.Total))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Ranked() == 0 {
		fmt.Fprintln(w, "No bid was ranked: every bid was excluded; there is no lowest price or highest offer (n/a).")
	}
	var notes []string
	for _, b := range r.Bids {
		for _, reason := range b.Reasons {
			notes = append(notes, fmt.Sprintf("%s: excluded: %s", b.Supplier.Name, reason))
		}
		for _, f := range b.Flags {
			notes = append(notes, fmt.Sprintf("%s: %s: %s", b.Supplier.Name, f.Code, f.Message))
		}
		if b.SocialValue.Incomplete != "" {
			notes = append(notes, fmt.Sprintf("%s: social value: %s", b.Supplier.Name, b.SocialValue.Incomplete))
		}
		if t := b.Tie; t != nil {
			if t.DecidedBy != "" {
				notes = append(notes, fmt.Sprintf("%s: equal total with %s; placed by tie-break on %s", b.Supplier.Name, strings.Join(t.With, ", "), t.DecidedBy))
			} else {
				notes = append(notes, fmt.Sprintf("%s: equal total with %s; shares rank %d", b.Supplier.Name, strings.Join(t.With, ", "), b.Rank))
			}
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nNotes")
		for _, n := range notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
	if len(r.Measures) > 0 {
		return writeValuationTable(w, r)
	}
	return nil
}

func pts(b evaluate.BidResult, p evaluate.Points) string {
	if b.Excluded {
		return "-"
	}
	return p.StringFixed(2)
}

func writeValuationTable(w io.Writer, r *evaluate.Result) error {
	measures := map[string]evaluate.MeasureValue{}
	for _, m := range r.Measures {
		measures[m.ID] = m
	}
	fmt.Fprintf(w, "\nSocial value commitments (£ = quantity × proxy for %s)\n", r.Year)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  Supplier\tMeasure\tQuantity\tProxy (£)\tValue (£)")
	for _, b := range r.Bids {
		for _, l := range b.SocialValue.Commitments {
			m := measures[l.Measure]
			qty := l.Quantity.String() + " " + unitName(m.Unit)
			if m.Unit == tom.GBP {
				qty = "£" + money(l.Quantity)
			}
			if !m.Financial {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t-\t- (non-financial)\n", b.Supplier.Name, l.Measure, qty)
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", b.Supplier.Name, l.Measure, qty, perUnit(m.Proxy.Value), money(l.Value))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nProxy values")
	for _, m := range r.Measures {
		if !m.Financial {
			continue
		}
		carried := ""
		if m.CarriedForward {
			carried = fmt.Sprintf(", carried forward to %s", r.Year)
		}
		fmt.Fprintf(w, "  %s: £%s per unit (%s), %s%s. Source: %s\n", m.ID, perUnit(m.Proxy.Value), unitName(m.Unit), m.Proxy.Year, carried, oneLine(m.Proxy.Source))
	}
	return nil
}

func unitName(u tom.Unit) string {
	for _, info := range tom.Units() {
		if info.ID == u {
			return info.Name
		}
	}
	return string(u)
}

// evaluateCSVHeader is the documented column order of --format csv: one row
// per bid, £ exact with the places they carry (dectext.Format), points
// truncated at 12 places; text cells that a spreadsheet would run as a
// formula are prefixed with ' (csvsafe.Cell).
var evaluateCSVHeader = []string{"rank", "supplier", "sme", "vcse", "local", "price", "price_points", "quality_points",
	"social_value_gbp", "social_value_quantitative_points", "social_value_qualitative_points", "social_value_points",
	"total", "excluded", "reasons", "flags", "tied_with", "tie_decided_by"}

func writeEvaluateCSV(w io.Writer, r *evaluate.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(evaluateCSVHeader); err != nil {
		return err
	}
	for _, b := range r.Bids {
		var flags []string
		for _, f := range b.Flags {
			flags = append(flags, f.Code)
		}
		tied, by := "", ""
		if b.Tie != nil {
			tied, by = strings.Join(b.Tie.With, "; "), string(b.Tie.DecidedBy)
		}
		// Numbers are written here and never start with a formula character
		// (none is negative); text comes from the input and is made safe.
		row := []string{strconv.Itoa(b.Rank), csvsafe.Cell(b.Supplier.Name), strconv.FormatBool(b.Supplier.SME), strconv.FormatBool(b.Supplier.VCSE),
			strconv.FormatBool(b.Supplier.Local), dectext.Format(b.Price.Price), b.Price.Points.String(), b.Quality.Points.String(),
			dectext.Format(b.SocialValue.Value), b.SocialValue.Quantitative.String(), b.SocialValue.Qualitative.String(),
			b.SocialValue.Points.String(), b.Total.String(), strconv.FormatBool(b.Excluded), csvsafe.Cell(strings.Join(b.Reasons, "; ")),
			csvsafe.Cell(strings.Join(flags, "; ")), csvsafe.Cell(tied), csvsafe.Cell(by)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// trimWriter drops the trailing spaces tabwriter leaves after an empty last
// cell. It expects whole lines per Write, which tabwriter's Flush gives.
type trimWriter struct {
	w    io.Writer
	line []byte // the current line, until its newline arrives
}

// Write passes on complete lines without trailing spaces. tabwriter pads
// cells in separate writes, so trimming must wait for the end of the line;
// every line written through it must end with a newline.
func (t *trimWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if c != '\n' {
			t.line = append(t.line, c)
			continue
		}
		t.line = append(bytes.TrimRight(t.line, " "), '\n')
		if _, err := t.w.Write(t.line); err != nil {
			return 0, err
		}
		t.line = t.line[:0]
	}
	return len(p), nil
}
