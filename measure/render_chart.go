package measure

import (
	"github.com/shopspring/decimal"
)

// Chart geometry, in SVG user units. The SVG scales to the page's width
// (viewBox), so nothing is clipped on a narrow screen: labels are at most
// chartLabelRunes characters (the full text is the bar's tooltip) and the
// value text has room after the longest bar.
const (
	chartWidth      = 780
	chartLabel      = 300 // width of the label column
	chartBars       = 320 // width of the longest bar
	chartRowHeight  = 26
	chartTop        = 30
	chartLabelRunes = 44
)

// bar is one bar of a chart: value scaled against the chart's maximum,
// text written after it; none draws no bar (a theme with no £, a share of
// no spend), only the text.
type bar struct {
	label string
	value decimal.Decimal
	text  string
	none  bool
}

// chart is a horizontal bar chart laid out for the HTML template: every
// coordinate computed here, in decimal, rounded to 0.1 unit.
type chart struct {
	Title         string
	Width, Height int
	Rows          []chartRow
	// Mark, when set, is the x of a vertical line at 100% (charts of
	// delivery against commitment), from MarkTop to MarkBottom.
	Mark                string
	MarkTop, MarkBottom int
}

type chartRow struct {
	Label, FullLabel string
	LabelX, Y, TextY int
	BarX             int
	BarW, TextX      string
	Text             string
	// Over is set when the bar passes the end of the scale (more than
	// 4/3 of the commitment): it is drawn to the end with an arrow.
	Over   bool
	ArrowX string
}

// newChart lays out bars. With scale zero, the longest bar is the largest
// value. With a scale (100 for percentages) a bar of scale is full width;
// with over set, a bar of scale is 3/4 of the width and a line marks it,
// so that delivery past the commitment shows as a bar past the line, up to
// 4/3 of it, and beyond that as a full bar with an arrow.
func newChart(title string, bars []bar, scale decimal.Decimal, over bool) chart {
	c := chart{Title: title, Width: chartWidth, Height: chartTop + len(bars)*chartRowHeight + 6}
	if len(bars) == 0 {
		return c
	}
	full := decimal.NewFromInt(chartBars)
	unit := full // the width of one scale
	if scale.IsZero() {
		for _, b := range bars {
			if !b.none && b.value.GreaterThan(scale) {
				scale = b.value
			}
		}
	}
	if over {
		unit = full.Mul(decimal.NewFromInt(3)).Div(decimal.NewFromInt(4))
		c.Mark = exactQty(unit.Add(decimal.NewFromInt(chartLabel)))
		c.MarkTop, c.MarkBottom = chartTop-4, c.Height-4
	}
	for i, b := range bars {
		y := chartTop + i*chartRowHeight
		w := decimal.Zero
		if !b.none && scale.IsPositive() && b.value.IsPositive() {
			w = b.value.Mul(unit).DivRound(scale, 1)
		}
		r := chartRow{Label: b.label, FullLabel: b.label, LabelX: chartLabel - 8, Y: y + 2, TextY: y + 15, BarX: chartLabel, Text: b.text}
		if w.GreaterThan(full) {
			w, r.Over = full, true
			r.ArrowX = exactQty(full.Add(decimal.NewFromInt(chartLabel + 2)))
		}
		if rs := []rune(b.label); len(rs) > chartLabelRunes {
			r.Label = string(rs[:chartLabelRunes-1]) + "…"
		}
		gap := decimal.NewFromInt(chartLabel + 6)
		if r.Over {
			gap = gap.Add(decimal.NewFromInt(10))
		}
		r.BarW, r.TextX = exactQty(w), exactQty(w.Add(gap))
		c.Rows = append(c.Rows, r)
	}
	return c
}
