package evaluate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// This file renders a Result for people (WriteTable) and as indented JSON
// (WriteJSON); render_csv.go writes the CSV. `toms evaluate` calls these
// and nothing else, so a program embedding the library writes exactly what
// the command line writes.

// WriteJSON writes the result's JSON document (see MarshalJSON), indented
// by two spaces and ending with a newline, as `toms evaluate --format json`
// prints it.
func (r *Result) WriteJSON(w io.Writer) error { return writeIndentedJSON(w, r) }

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteTable writes the award table an officer reads, as `toms evaluate`
// prints it: the formulas with their inputs, the policy outcomes, the
// ranking (points rounded half-up to 2 places), notes on exclusions, flags
// and ties, and the valuation of each commitment with its proxy.
func (r *Result) WriteTable(w io.Writer) error {
	p := &printer{w: w}
	writeFormulas(p, r)
	p.println()
	p.println("Policy")
	writePolicy(p, r.Policy, "  ")
	if r.ScoredAnyway {
		p.println("  WARNING: a policy rule of severity error failed; the bids were scored anyway at the caller's request.")
	}
	if !r.Scored {
		p.println("\nThe bids were not scored: a policy rule of severity error failed.")
		return p.err
	}
	p.println()
	writeRanking(p, r)
	writeBreakdown(p, r)
	writeNotes(p, r)
	writeBidPolicy(p, r)
	if len(r.MeasureScores) > 0 {
		writeMeasureScores(p, r)
	}
	if len(r.Measures) > 0 {
		writeValuation(p, r)
	}
	return p.err
}

// writeFormulas writes the tender's heading and each criterion's formula
// with the values it uses.
func writeFormulas(p *printer, r *Result) {
	c := r.Criteria
	p.printf("Tender %s: %s\n", r.TenderID, r.Title)
	p.printf("Weights: price %s, quality %s, social value %s (of 100)\n", r.Weights.Price, r.Weights.Quality, r.Weights.SocialValue)
	p.printf("Price: method %s", c.Price.Method)
	lowest, highest := "£"+money(r.LowestPrice), "£"+money(r.HighestSocialValue)
	switch {
	case !r.Scored:
		lowest, highest = "lowest price", "highest offer"
	case r.Ranked() == 0: // every bid excluded: there is no lowest price or highest offer
		lowest, highest = "lowest price (n/a)", "highest offer (n/a)"
	}
	if m := c.Price.def(); m != nil {
		p.printf(", %s", m.describe(c.Price, lowest))
	}
	p.println()
	for _, q := range c.Quality {
		pm := ""
		if q.PassMark.IsPositive() {
			pm = fmt.Sprintf(", pass mark %s", q.PassMark)
		}
		p.printf("Quality %s (%s): %s × score / %s%s\n", q.ID, q.Name, q.Weight, q.Max, pm)
	}
	if c.SocialValue.Weight.IsPositive() {
		writeSocialValueFormula(p, r, highest)
	}
}

func writeSocialValueFormula(p *printer, r *Result, highest string) {
	sv := r.Criteria.SocialValue
	p.printf("Social value: %s = %s quantitative + %s qualitative", sv.Weight, sv.QuantitativeWeight, sv.QualitativeWeight)
	if m := sv.def(); m != nil && sv.QuantitativeWeight.IsPositive() {
		p.printf("; quantitative %s", m.describe(r, highest))
		if sv.valuation() == Weighted {
			p.printf(" (weighted: quantity × proxy × the catalogue's priority)")
		}
	}
	if sv.QualitativeWeight.IsPositive() {
		p.printf("; qualitative %s × score / %s", sv.QualitativeWeight, sv.Max)
	}
	if sv.BothPartsRequired {
		p.printf("; both parts required")
	}
	if m := sv.def(); m != nil && sv.QuantitativeWeight.IsPositive() {
		if m.valued {
			p.printf("; £ at %s proxies from catalogue %s", r.Year, r.Catalogue)
		} else {
			p.printf("; £ shown (not scored) at %s proxies from catalogue %s", r.Year, r.Catalogue)
		}
	}
	p.println()
}

// writePolicy writes one line per rule verdict under a header, each line
// starting with indent, as the award table and `toms check` show them: the
// message of a rule that did not pass, the values a passing rule compared
// (in short), and under a waived rule the waiver's reason, approver and
// date.
func writePolicy(p *printer, verdicts []rules.Verdict, indent string) {
	tw := tabwriter.NewWriter(&trimWriter{w: p}, 0, 0, 2, ' ', 0)
	if len(verdicts) == 0 {
		fmt.Fprintln(tw, indent+"(not checked)")
	} else {
		fmt.Fprintf(tw, "%sStatus\tRule\tSeverity\tMessage, or the values compared\n", indent)
	}
	for _, o := range verdicts {
		detail := o.Message
		switch o.Status {
		case rules.StatusPass:
			detail = shortValues(o.Values)
		case rules.StatusSkipped:
			detail = ""
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\n", indent, strings.ToUpper(o.Status.String()), o.Rule, o.Severity, csvsafe.OneLine(detail))
		if w := o.Waiver; w != nil {
			fmt.Fprintf(tw, "%s\t\t\t%s\n", indent, waiverLine(w))
		}
	}
	p.flush(tw)
}

// waiverLine says who approved a waiver, when and why.
func waiverLine(w *rules.Waiver) string {
	who := ""
	if w.Supplier != "" {
		who = " for " + w.Supplier
	}
	return fmt.Sprintf("waived%s: approved by %s on %s; reason: %s", who, csvsafe.OneLine(w.ApprovedBy), w.Date.Format("2006-01-02"), csvsafe.OneLine(w.Reason))
}

// Limits of shortValues: a passing rule's values are shown for a reader to
// check by eye, not in full (the JSON has them all).
const (
	shortValuesMax   = 2  // values shown: usually the two sides compared
	shortExprLength  = 48 // characters of each expression
	shortValueLength = 32 // characters of each value
)

// shortValues renders the values a rule compared as "expr = value; ...",
// at most shortValuesMax of them, each expression and value cut to
// shortExprLength and shortValueLength characters; "…" marks what was left
// out.
func shortValues(vs []rules.Value) string {
	var sb strings.Builder
	for i, v := range vs {
		if i == shortValuesMax {
			sb.WriteString("; …")
			break
		}
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(cut(v.Expr, shortExprLength) + " = " + cut(v.Value, shortValueLength))
	}
	return sb.String()
}

// cut shortens s to n characters, the last one "…", when it is longer.
func cut(s string, n int) string {
	r := []rune(csvsafe.OneLine(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// writeRanking writes one row per bid with its points, rounded for display.
func writeRanking(p *printer, r *Result) {
	p.println("Ranking (points of 100, rounded half-up to 2 places; ranks use exact values;")
	p.printf("  £ per £1 = social value £ / price, rounded half-up to %d places)\n", PerPoundPlaces)
	weighted := r.Criteria.SocialValue.valuation() == Weighted
	tw := tabwriter.NewWriter(p, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "Rank\tSupplier\tPrice (£)\tPrice\tQuality\tSocial value (£)\t"
	if weighted {
		head += "Weighted (£)\t"
	}
	fmt.Fprintln(tw, head+"£ per £1\tSocial value\tTotal\t")
	for _, b := range r.Bids {
		rank := strconv.Itoa(b.Rank)
		if b.Excluded {
			rank = "excl."
		} else if b.Tie != nil && b.Tie.DecidedBy == "" {
			rank += "="
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t", rank, supplierLabel(b.Supplier), money(b.Price.Price),
			pts(b, b.Price.Points), b.Quality.Points.StringFixed(2), money(b.SocialValue.Value))
		if weighted {
			fmt.Fprintf(tw, "%s\t", money(b.SocialValue.Weighted))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", b.PerPound().StringFixed(PerPoundPlaces), pts(b, b.SocialValue.Points), pts(b, b.Total))
	}
	p.flush(tw)
	if r.Ranked() == 0 {
		p.println("No bid was ranked: every bid was excluded; there is no lowest price or highest offer (n/a).")
	}
}

// writeBreakdown writes, per bid, the inputs of each score and the points
// they give, so that an officer can rebuild every figure of the ranking by
// hand: each quality criterion's score and points (score × weight / max),
// the social value quantitative points with their input (the £ value, the
// £ per £1 for method target; per measure for method measures, below) and
// the qualitative score and points.
func writeBreakdown(p *printer, r *Result) {
	c := r.Criteria
	sv := c.SocialValue
	quant, qual := sv.QuantitativeWeight.IsPositive(), sv.QualitativeWeight.IsPositive()
	if len(c.Quality) == 0 && !quant && !qual {
		return
	}
	p.println("\nScores and points (score → points; \"below\" marks a score under the pass mark)")
	tw := tabwriter.NewWriter(&trimWriter{w: p}, 0, 0, 2, ' ', 0)
	head := "  Supplier"
	for _, q := range c.Quality {
		head += fmt.Sprintf("\t%s (%s × score / %s)", q.ID, q.Weight, q.Max)
	}
	if quant {
		head += fmt.Sprintf("\tsocial value quantitative (of %s)", sv.QuantitativeWeight)
	}
	if qual {
		head += fmt.Sprintf("\tsocial value qualitative (%s × score / %s)", sv.QualitativeWeight, sv.Max)
	}
	fmt.Fprintln(tw, head)
	for i := range r.Bids {
		b := &r.Bids[i]
		row := "  " + b.Supplier.Name
		for _, cs := range b.Quality.Criteria {
			row += "\t" + cs.Score.String() + " → " + cs.Points.StringFixed(2)
			if !cs.Passed {
				row += " below"
			}
		}
		if quant {
			row += "\t" + quantitativeInput(r, b) + " → " + pts(*b, b.SocialValue.Quantitative)
		}
		if qual {
			score := "none"
			if q := b.SocialValue.QualitativeScore; q != nil {
				score = q.String()
			}
			row += "\t" + score + " → " + pts(*b, b.SocialValue.Qualitative)
		}
		fmt.Fprintln(tw, row)
	}
	p.flush(tw)
}

// quantitativeInput is what a bid's quantitative social value points are
// worked out from, by method.
func quantitativeInput(r *Result, b *BidResult) string {
	switch r.Criteria.SocialValue.Method {
	case Target:
		return "£" + b.PerPound().StringFixed(PerPoundPlaces) + " per £1"
	case Measures:
		return "by measure"
	}
	if r.Criteria.SocialValue.valuation() == Weighted {
		return "£" + money(b.SocialValue.Weighted) + " weighted"
	}
	return "£" + money(b.SocialValue.Value)
}

// writeNotes writes the reasons for exclusions, the flags, incomplete
// social value responses and ties, one line each.
func writeNotes(p *printer, r *Result) {
	var notes []string
	for i := range r.Bids {
		b := &r.Bids[i]
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
			if g, ok := r.TieGroup(t.Group); ok && &r.Bids[g.From] == b {
				notes = append(notes, tieGroupNote(r, g))
			}
			if t.DecidedBy != "" {
				notes = append(notes, fmt.Sprintf("%s: in tie %d; placed by tie-break on %s", b.Supplier.Name, t.Group, t.DecidedBy))
			} else {
				notes = append(notes, fmt.Sprintf("%s: in tie %d; shares rank %d", b.Supplier.Name, t.Group, b.Rank))
			}
		}
	}
	if len(notes) == 0 {
		return
	}
	p.println("\nNotes")
	for _, n := range notes {
		p.println("  " + n)
	}
}

// tieGroupNote names the bids of a tie group once.
func tieGroupNote(r *Result, g TieGroup) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Tie %d: equal totals of %s for ", g.Group, g.Total.StringFixed(2))
	for i, b := range r.Bids[g.From:g.To] {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.Supplier.Name)
	}
	return sb.String()
}

// writeBidPolicy writes the outcome of the rules about bids for each bid,
// when the policy has such rules.
func writeBidPolicy(p *printer, r *Result) {
	any := false
	for _, b := range r.Bids {
		any = any || len(b.Policy) > 0
	}
	if !any {
		return
	}
	p.println("\nBid rules (the policy's rules about bids, for each bid)")
	for _, b := range r.Bids {
		if len(b.Policy) == 0 {
			continue
		}
		p.println("  " + b.Supplier.Name)
		writePolicy(p, b.Policy, "    ")
	}
}

// writeMeasureScores writes, for method measures, each listed measure's
// weight, target or best offer, and whether it counted.
func writeMeasureScores(p *printer, r *Result) {
	total := decimal.Zero
	for _, m := range r.MeasureScores {
		if m.Counted {
			total = total.Add(m.Weight)
		}
	}
	p.printf("\nSocial value measures (method measures: Σ weight = %s over the measures that count)\n", total)
	tw := tabwriter.NewWriter(&trimWriter{w: p}, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  Measure\tWeight\tReference\t")
	for _, m := range r.MeasureScores {
		w := m.Weight.String()
		if m.FromPriority {
			w += " (priority)"
		}
		ref := "best offer " + quantity(m.Best, m.Unit)
		if m.Target.IsPositive() {
			ref = "target " + quantity(m.Target, m.Unit) + " (best offer " + quantity(m.Best, m.Unit) + ")"
		}
		note := ""
		switch {
		case m.Best.IsZero():
			ref, note = "no offers", "not counted: no one scores on it"
		case !m.Weight.IsPositive():
			note = "not counted: weight 0"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.ID, w, ref, note)
	}
	p.flush(tw)
}

// quantity renders a quantity in its unit for people.
func quantity(q decimal.Decimal, u tom.Unit) string {
	if u == tom.GBP {
		return "£" + money(q)
	}
	return q.String() + " " + unitName(u)
}

// writeValuation writes each commitment with its quantity, proxy and £
// value (and, for method measures, its points), then the proxies with
// their year and source.
func writeValuation(p *printer, r *Result) {
	measures := map[string]MeasureValue{}
	for _, m := range r.Measures {
		measures[m.ID] = m
	}
	byMeasure := r.Criteria.SocialValue.method() == Measures
	p.printf("\nSocial value commitments (£ = quantity × proxy for %s)\n", r.Year)
	tw := tabwriter.NewWriter(&trimWriter{w: p}, 0, 0, 2, ' ', 0)
	head := "  Supplier\tMeasure\tQuantity\tProxy (£)\tValue (£)"
	if byMeasure {
		head += "\tPoints"
	}
	fmt.Fprintln(tw, head)
	for _, b := range r.Bids {
		for _, l := range b.SocialValue.Commitments {
			m := measures[l.Measure]
			proxy, value := "-", "- (non-financial)"
			if m.Financial {
				proxy, value = perUnit(m.Proxy.Value), money(l.Value)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s", b.Supplier.Name, l.Measure, quantity(l.Quantity, m.Unit), proxy, value)
			if byMeasure {
				fmt.Fprintf(tw, "\t%s", pts(b, l.Points))
			}
			fmt.Fprintln(tw)
		}
	}
	p.flush(tw)
	p.println("\nProxy values")
	for _, m := range r.Measures {
		if !m.Financial {
			continue
		}
		carried := ""
		if note := m.Proxy.Note(); note != "" {
			carried = ", " + note
		}
		if m.CarriedForward {
			carried = fmt.Sprintf(", carried forward to %s", r.Year)
		}
		p.printf("  %s: £%s per unit (%s), %s%s. Source: %s\n", m.ID, perUnit(m.Proxy.Value), unitName(m.Unit), m.Proxy.Year, carried, csvsafe.OneLine(m.Proxy.Source))
	}
}

// money renders £ for people: rounded half away from zero to pence, with
// thousands separators: 1,150,000.00.
func money(d decimal.Decimal) string { return dectext.GroupDigits(dectext.Round(d, 2)) }

// perUnit renders a proxy value for people: at least 2 decimal places, more
// when the value has them, so nothing is rounded away.
func perUnit(d decimal.Decimal) string { return dectext.Grouped(d, 2) }

// supplierLabel is the supplier's name with its SME, VCSE and local tags.
func supplierLabel(s Supplier) string {
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

// pts renders points for the table: "-" for an excluded bid.
func pts(b BidResult, p Points) string {
	if b.Excluded {
		return "-"
	}
	return p.StringFixed(2)
}

func unitName(u tom.Unit) string {
	for _, info := range tom.Units() {
		if info.ID == u {
			return info.Name
		}
	}
	return string(u)
}

// printer writes text and keeps the first write error, so that a renderer
// reads as a list of lines and still reports a failed write.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	p.err = err
	return n, err
}

func (p *printer) printf(format string, args ...any) { fmt.Fprintf(p, format, args...) }
func (p *printer) println(args ...any)               { fmt.Fprintln(p, args...) }

// flush flushes a tabwriter writing to p, keeping its error.
func (p *printer) flush(tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && p.err == nil {
		p.err = err
	}
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
