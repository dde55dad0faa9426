package measure

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
)

// WriteHTML renders the review as one self-contained HTML page: inline CSS
// and inline SVG bar charts (social value by theme, top contracts,
// delivery against commitments, spend shares), no JavaScript, no external
// assets. The markup is well-formed XML (every element closed, only XML
// entities), so XHTML tools can read it too.
func (rv *Review) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	e := html.EscapeString
	title := rv.Title + " " + rv.yearLabel()
	p("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	p("<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", e(title), htmlStyle)
	p("<h1>%s</h1>\n<p>%s", e(title), e(rv.Framework.Name))
	if !rv.AsOf.IsZero() {
		p(". Deliveries up to %s", e(rv.AsOf.Format("2 January 2006")))
	}
	p(". %d records.</p>\n<p class=\"caveat\">%s</p>\n", rv.Totals.Records, e(caveat))

	p("<section>\n<h2>Headline</h2>\n<div class=\"cards\">\n")
	p("<div class=\"card money\"><span class=\"n\">%s</span><span class=\"u\">social value (proxy £)</span></div>\n", e(pounds(rv.Totals.SocialValue)))
	for _, h := range rv.headline() {
		p("<div class=\"card\"><span class=\"n\">%s</span><span class=\"u\">%s</span></div>\n", e(h.quantity), e(h.unit))
	}
	p("</div>\n</section>\n")

	p("<section>\n<h2>By theme</h2>\n")
	var bars []bar
	for _, g := range rv.Themes {
		bars = append(bars, bar{g.Name, g.SocialValue, pounds(g.SocialValue)})
	}
	p("%s", barChart("Social value by theme", bars))
	for _, g := range rv.Themes {
		p("<h3>%s: %s</h3>\n<table>\n<thead><tr><th>Measure</th><th class=\"r\">Quantity</th><th>Unit</th><th class=\"r\">Social value</th></tr></thead>\n<tbody>\n",
			e(g.Name), e(pounds(g.SocialValue)))
		for _, m := range g.Measures {
			v := "–"
			if m.Financial {
				v = pounds(m.SocialValue)
			}
			p("<tr><td>%s</td><td class=\"r\">%s</td><td>%s</td><td class=\"r\">%s</td></tr>\n", e(m.Name), e(qty(m.Quantity)), e(rv.unitLabel(string(m.Unit))), e(v))
		}
		p("</tbody>\n</table>\n")
	}
	p("</section>\n")

	for _, top := range []struct {
		plural, title string
		gs            []Group
	}{{"contracts", "Contract", rv.Contracts}, {"suppliers", "Supplier", rv.Suppliers}} {
		shown := top.gs[:min(len(top.gs), rv.Top)]
		p("<section>\n<h2>Top %s</h2>\n", top.plural)
		if len(top.gs) > rv.Top {
			p("<p>The %d with the most social value, of %d.</p>\n", rv.Top, len(top.gs))
		}
		bars = bars[:0]
		for _, g := range shown {
			bars = append(bars, bar{g.Key, g.SocialValue, pounds(g.SocialValue)})
		}
		p("%s", barChart("Social value by "+strings.ToLower(top.title), bars))
		p("<table>\n<thead><tr><th>%s</th><th class=\"r\">Social value</th><th>Non-financial results</th><th class=\"r\">Records</th></tr></thead>\n<tbody>\n", top.title)
		for _, g := range shown {
			p("<tr><td>%s</td><td class=\"r\">%s</td><td>%s</td><td class=\"r\">%d</td></tr>\n", e(g.Key), e(pounds(g.SocialValue)), e(rv.unitList(g)), g.Records)
		}
		p("</tbody>\n</table>\n</section>\n")
	}

	p("<section>\n<h2>Committed and delivered</h2>\n")
	if len(rv.Commitments) == 0 {
		p("<p>No commitments were loaded.</p>\n")
	} else {
		bars = bars[:0]
		for _, c := range rv.Commitments {
			pc, ok := c.Percent(PercentPlaces)
			v := pc
			if !ok || v.GreaterThan(decimal.NewFromInt(100)) {
				v = decimal.NewFromInt(100) // a bar is full at 100%
			}
			bars = append(bars, bar{c.Contract + " · " + c.Measure + " " + c.Year.String(), v, pct(pc, ok) + " " + string(c.Progress)})
		}
		p("%s", barChartMax("Delivered as a share of the commitment", bars, decimal.NewFromInt(100)))
		p("<table>\n<thead><tr><th>Contract</th><th>Measure</th><th>Year</th><th class=\"r\">Committed</th><th class=\"r\">Delivered</th><th class=\"r\">Delivered %%</th><th>Status</th></tr></thead>\n<tbody>\n")
		for _, c := range rv.Commitments {
			pc, ok := c.Percent(PercentPlaces)
			p("<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"r\">%s</td><td class=\"r\">%s</td><td class=\"r\">%s</td><td class=\"status %s\">%s</td></tr>\n",
				e(c.Contract), e(c.Measure), c.Year, e(qty(c.Committed)), e(qty(c.Delivered)), e(pct(pc, ok)), statusClass(c.Progress), e(string(c.Progress)))
		}
		p("</tbody>\n</table>\n")
	}
	p("</section>\n")

	s := rv.SpendShares
	p("<section>\n<h2>SME, VCSE and local spend</h2>\n<p>Spend reported: %s.</p>\n", e(pounds(s.Total)))
	bars = bars[:0]
	rows := []struct {
		name string
		v    SpendShare
	}{{"SMEs", s.SMEShare()}, {"VCSEs", s.VCSEShare()}, {"Local suppliers", s.LocalShare()}}
	for _, r := range rows {
		bars = append(bars, bar{r.name, r.v.Percent, pct(r.v.Percent, r.v.OK)})
	}
	p("%s", barChartMax("Share of spend reported", bars, decimal.NewFromInt(100)))
	p("<table>\n<thead><tr><th>Spend with</th><th class=\"r\">Spend</th><th class=\"r\">Share</th></tr></thead>\n<tbody>\n")
	for _, r := range rows {
		p("<tr><td>%s</td><td class=\"r\">%s</td><td class=\"r\">%s</td></tr>\n", r.name, e(pounds(r.v.Spend)), e(pct(r.v.Percent, r.v.OK)))
	}
	p("</tbody>\n</table>\n</section>\n")

	p("<section>\n<h2>Proxy values used</h2>\n")
	if len(rv.Proxies) == 0 {
		p("<p>No financial measures were delivered.</p>\n")
	} else {
		p("<table>\n<thead><tr><th>Measure</th><th>Delivery year</th><th class=\"r\">Value</th><th>Value of year</th><th class=\"r\">Social value</th><th>Source</th></tr></thead>\n<tbody>\n")
		for _, u := range rv.Proxies {
			of := u.Proxy.Year.String()
			if u.CarriedForward {
				of += " (carried forward)"
			}
			p("<tr><td>%s</td><td>%s</td><td class=\"r\">%s</td><td>%s</td><td class=\"r\">%s</td><td>%s</td></tr>\n",
				e(u.Measure), u.Year, e(proxyText(u.Proxy.Value)), e(of), e(pounds(u.SocialValue)), e(u.Proxy.Source))
		}
		p("</tbody>\n</table>\n")
	}
	p("</section>\n")

	p("<section>\n<h2>Data quality</h2>\n")
	if len(rv.Notes) == 0 {
		p("<p>No issues found.</p>\n")
	} else {
		p("<ul>\n")
		for _, n := range rv.Notes {
			p("<li>%s</li>\n", e(n))
		}
		p("</ul>\n")
	}
	if len(rv.Rejected) > 0 {
		p("<h3>Rejected rows</h3>\n")
		if len(rv.Rejected) > maxRejectedShown {
			p("<p>The first %d of %d problems kept; the JSON and CSV reports list every one kept.</p>\n", maxRejectedShown, len(rv.Rejected))
		}
		p("<table>\n<thead><tr><th>File</th><th class=\"r\">Line</th><th class=\"r\">Column</th><th>Field</th><th>Reason</th></tr></thead>\n<tbody>\n")
		for _, d := range rv.Rejected[:min(len(rv.Rejected), maxRejectedShown)] {
			p("<tr><td>%s</td><td class=\"r\">%d</td><td class=\"r\">%d</td><td>%s</td><td>%s</td></tr>\n", e(d.File), d.Line, d.Column, e(d.Field), e(d.Message))
		}
		p("</tbody>\n</table>\n")
	}
	p("</section>\n</main>\n</body>\n</html>\n")
	return bw.Flush()
}

func statusClass(s Progress) string {
	switch s {
	case ProgressMet, ProgressOnTrack:
		return "good"
	case ProgressBehind:
		return "warn"
	}
	return "bad"
}

type bar struct {
	label string
	value decimal.Decimal
	text  string
}

// barChart draws horizontal bars scaled to the largest value.
func barChart(title string, bars []bar) string {
	var maxV decimal.Decimal
	for _, b := range bars {
		if b.value.GreaterThan(maxV) {
			maxV = b.value
		}
	}
	return barChartMax(title, bars, maxV)
}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 720
	chartLabel  = 260 // width of the label column
	chartBars   = 320 // width of a full bar
	chartRow    = 26
	chartMargin = 30
)

// barChartMax draws horizontal bars, a bar of maxV spanning the full width.
// Widths are computed in decimal and rounded to 0.1 unit; no floats.
func barChartMax(title string, bars []bar, maxV decimal.Decimal) string {
	if len(bars) == 0 {
		return ""
	}
	e := html.EscapeString
	h := chartMargin + len(bars)*chartRow + 6
	out := fmt.Sprintf("<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" aria-label=\"%s\">\n<title>%s</title>\n",
		chartWidth, h, chartWidth, h, e(title), e(title))
	out += fmt.Sprintf("<text x=\"0\" y=\"16\" class=\"ct\">%s</text>\n", e(title))
	for i, b := range bars {
		y := chartMargin + i*chartRow
		w := decimal.Zero
		if maxV.IsPositive() && b.value.IsPositive() {
			w = b.value.Mul(decimal.NewFromInt(chartBars)).DivRound(maxV, 1)
		}
		label := b.label
		if r := []rune(label); len(r) > 38 {
			label = string(r[:37]) + "…"
		}
		out += fmt.Sprintf("<text x=\"%d\" y=\"%d\" class=\"cl\">%s</text>", chartLabel-8, y+15, e(label))
		out += fmt.Sprintf("<rect x=\"%d\" y=\"%d\" width=\"%s\" height=\"18\" class=\"cb\"/>", chartLabel, y+2, dectext.Format(w))
		out += fmt.Sprintf("<text x=\"%s\" y=\"%d\" class=\"cv\">%s</text>\n", dectext.Format(w.Add(decimal.NewFromInt(chartLabel+6))), y+15, e(b.text))
	}
	return out + "</svg>\n</figure>\n"
}

const htmlStyle = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:0;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:1.5rem;background:#fff}
h1{font-size:1.8rem;margin-bottom:.3rem}h2{border-bottom:2px solid #1d70b8;padding-bottom:.2rem;margin-top:2rem}
.caveat{background:#f3f2f1;border-left:4px solid #1d70b8;padding:.6rem .8rem;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #ccc;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card .n{display:block;font-size:1.4rem;font-weight:600}.card .u{color:#555;font-size:.85rem}.card.money{border-color:#1d70b8}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1.2rem;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}.r{text-align:right}
.status.good{color:#00703c}.status.warn{color:#b35c00}.status.bad{color:#d4351c}
figure{margin:.5rem 0}svg.chart{max-width:100%;height:auto}
.ct{font-weight:600;font-size:14px}.cl{text-anchor:end;font-size:12px}.cv{font-size:12px}.cb{fill:#1d70b8}
`
