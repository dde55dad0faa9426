package measure

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// WriteMarkdown renders the review as a Markdown document: the headline (£
// social value beside the non-financial totals), each theme with its
// measures, the top contracts and suppliers, committed against delivered,
// SME/VCSE/local spend shares, the proxy values used with their sources,
// and the data-quality notes with the rejected rows (the first 50).
func (rv *Review) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("# %s %s\n\n", mdText(rv.Title), rv.yearLabel())
	p("%s", mdText(rv.Framework.Name))
	if rv.Framework.ID != "" {
		p(" (`%s`)", rv.Framework.ID)
	}
	p(". ")
	if !rv.AsOf.IsZero() {
		p("Deliveries up to %s. ", rv.AsOf.Format("2 January 2006"))
	}
	p("%d records.\n\n> %s\n\n", rv.Totals.Records, caveat)

	p("## Headline\n\n| Result | Quantity | Unit |\n|---|--:|---|\n")
	p("| Social value | %s | £ (proxy) |\n", pounds(rv.Totals.SocialValue))
	for _, h := range rv.headline() {
		p("| %s | %s | %s |\n", h.result, h.quantity, mdText(h.unit))
	}
	p("\n")

	p("## By theme\n\n")
	if len(rv.Themes) == 0 {
		p("No deliveries.\n\n")
	}
	for _, g := range rv.Themes {
		p("### %s: %s\n\n", mdText(g.Name), pounds(g.SocialValue))
		rv.mdMeasures(p, g.Measures)
	}
	rv.mdTop(p, "contracts", "Contract", rv.Contracts)
	rv.mdTop(p, "suppliers", "Supplier", rv.Suppliers)

	p("## Committed and delivered\n\n")
	if len(rv.Commitments) == 0 {
		p("No commitments were loaded.\n\n")
	} else {
		if !rv.AsOf.IsZero() {
			p("Judged at %s: *on track* means the delivery keeps pace with the part of the financial year elapsed.\n\n", rv.AsOf.Format("2 January 2006"))
		}
		p("| Contract | Measure | Year | Committed | Delivered | Delivered %% | Status |\n|---|---|---|--:|--:|--:|---|\n")
		for _, c := range rv.Commitments {
			pc, ok := c.Percent(PercentPlaces)
			p("| %s | %s | %s | %s | %s | %s | %s |\n", mdText(c.Contract), mdText(c.Measure), c.Year,
				qty(c.Committed), qty(c.Delivered), pct(pc, ok), c.Progress)
		}
		p("\n")
	}

	s := rv.SpendShares
	p("## SME, VCSE and local spend\n\nSpend reported: %s.\n\n| Spend with | Spend | Share of spend reported |\n|---|--:|--:|\n", pounds(s.Total))
	for _, r := range []struct {
		name string
		v    SpendShare
	}{{"SMEs", s.SMEShare()}, {"VCSEs", s.VCSEShare()}, {"Local suppliers", s.LocalShare()}} {
		p("| %s | %s | %s |\n", r.name, pounds(r.v.Spend), pct(r.v.Percent, r.v.OK))
	}
	p("\n")

	p("## Proxy values used\n\n")
	if len(rv.Proxies) == 0 {
		p("No financial measures were delivered.\n\n")
	} else {
		p("| Measure | Delivery year | Value | Value of year | Social value | Source |\n|---|---|--:|---|--:|---|\n")
		for _, u := range rv.Proxies {
			of := u.Proxy.Year.String()
			if u.CarriedForward {
				of += " (carried forward)"
			}
			p("| %s | %s | %s | %s | %s | %s |\n", mdText(u.Measure), u.Year, proxyText(u.Proxy.Value), of,
				pounds(u.SocialValue), mdText(u.Proxy.Source))
		}
		p("\n")
	}

	p("## Data quality\n\n")
	if len(rv.Notes) == 0 {
		p("No issues found.\n\n")
	}
	for _, n := range rv.Notes {
		p("- %s\n", mdText(n))
	}
	if len(rv.Notes) > 0 {
		p("\n")
	}
	if len(rv.Rejected) > 0 {
		p("### Rejected rows\n\n")
		if len(rv.Rejected) > maxRejectedShown {
			p("The first %d of %d problems kept; the JSON and CSV reports list every one kept.\n\n", maxRejectedShown, len(rv.Rejected))
		}
		p("| File | Line | Column | Field | Reason |\n|---|--:|--:|---|---|\n")
		for _, d := range rv.Rejected[:min(len(rv.Rejected), maxRejectedShown)] {
			p("| %s | %d | %d | %s | %s |\n", mdText(d.File), d.Line, d.Column, mdText(d.Field), mdText(d.Message))
		}
		p("\n")
	}
	return bw.Flush()
}

func (rv *Review) mdMeasures(p func(string, ...any), ms []MeasureTotal) {
	p("| Measure | Quantity | Unit | Social value |\n|---|--:|---|--:|\n")
	for _, m := range ms {
		v := "–"
		if m.Financial {
			v = pounds(m.SocialValue)
		}
		p("| %s | %s | %s | %s |\n", mdText(m.Name), qty(m.Quantity), mdText(rv.unitLabel(string(m.Unit))), v)
	}
	p("\n")
}

func (rv *Review) mdTop(p func(string, ...any), plural, title string, gs []Group) {
	p("## Top %s\n\n", plural)
	if len(gs) > rv.Top {
		p("The %d with the most social value, of %d.\n\n", rv.Top, len(gs))
	}
	p("| %s | Social value | Non-financial results | Records |\n|---|--:|---|--:|\n", title)
	for _, g := range gs[:min(len(gs), rv.Top)] {
		p("| %s | %s | %s | %d |\n", mdText(g.Key), pounds(g.SocialValue), mdText(rv.unitList(g)), g.Records)
	}
	p("\n")
}

// unitList renders a group's quantities per unit: "12.75 hours; 3 count;
// £1,400.5 spend reported". £ quantities are split as in the headline:
// spend (spend measures) apart from £ given under financial measures.
func (rv *Review) unitList(g Group) string {
	var parts []string
	for _, u := range g.ByUnit {
		if u.Unit != tom.GBP {
			parts = append(parts, qty(u.Quantity)+" "+rv.unitLabel(string(u.Unit)))
			continue
		}
		var spend, given decimal.Decimal
		for _, m := range g.Measures {
			switch {
			case m.Unit != tom.GBP:
			case m.Financial:
				given = given.Add(m.Quantity)
			default:
				spend = spend.Add(m.Quantity)
			}
		}
		if !spend.IsZero() {
			parts = append(parts, pounds(spend)+" spend reported")
		}
		if !given.IsZero() {
			parts = append(parts, pounds(given)+" given")
		}
	}
	return strings.Join(parts, "; ")
}

// mdText escapes text for a Markdown table cell or paragraph.
func mdText(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}
