package measure

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

// The JSON report: stable, camelCase keys. Money, quantities and
// percentages are decimal strings; counts and line numbers are JSON
// integers. Money and quantities are exact (exactMoney, exactQty), so that
// every total is the exact sum of its parts; percentages are ratios, rounded
// half-up to PercentPlaces for display only. A value that does not apply
// (the percentage of a zero commitment, a share of no spend) is null. See
// docs/report.md "JSON report" for the schema.

type jsonReport struct {
	Title       string           `json:"title"`
	Framework   jsonFramework    `json:"framework"`
	Year        *string          `json:"year"`
	AsOf        *string          `json:"asOf"`
	Totals      jsonTotals       `json:"totals"`
	Themes      []jsonGroup      `json:"themes"`
	Years       []jsonGroup      `json:"years"`
	Contracts   []jsonGroup      `json:"contracts"`
	Suppliers   []jsonGroup      `json:"suppliers"`
	Commitments []jsonCommitment `json:"commitments"`
	SpendShares jsonSpendShares  `json:"spendShares"`
	Proxies     []jsonProxy      `json:"proxies"`
	Rejected    []jsonRejected   `json:"rejected"`
	// RejectedRows counts the rows lost; RejectedNotKept the problems
	// counted but not listed in Rejected.
	RejectedRows    int64    `json:"rejectedRows"`
	RejectedNotKept int64    `json:"rejectedNotKept"`
	Notes           []string `json:"notes"`
	// The review against targets and the register (see render_targets.go).
	JudgedYear *string              `json:"judgedYear"`
	Targets    []jsonTarget         `json:"targets"`
	Register   []jsonContractReview `json:"register"`
	TotalSpend *jsonTotalSpend      `json:"totalSpend"`
	YearOnYear []jsonYearChange     `json:"yearOnYear"`
}

type jsonFramework struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type jsonTotals struct {
	SocialValue string         `json:"socialValue"`
	Weighted    *string        `json:"weightedSocialValue,omitempty"`
	Records     int64          `json:"records"`
	ByUnit      []jsonQuantity `json:"byUnit"`
}

type jsonQuantity struct {
	Unit     string `json:"unit"`
	Quantity string `json:"quantity"`
}

type jsonGroup struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	SocialValue string         `json:"socialValue"`
	Weighted    *string        `json:"weightedSocialValue,omitempty"`
	Records     int64          `json:"records"`
	ByUnit      []jsonQuantity `json:"byUnit"`
	Measures    []jsonMeasure  `json:"measures"`
}

type jsonMeasure struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Unit        string            `json:"unit"`
	Financial   bool              `json:"financial"`
	Quantity    string            `json:"quantity"`
	SocialValue string            `json:"socialValue"`
	Priority    *string           `json:"priority,omitempty"`
	Weighted    *string           `json:"weightedSocialValue,omitempty"`
	Records     int64             `json:"records"`
	Codes       map[string]string `json:"codes,omitempty"` // external codes by scheme
}

type jsonCommitment struct {
	Contract  string  `json:"contract"`
	Supplier  string  `json:"supplier"`
	Measure   string  `json:"measure"`
	Unit      string  `json:"unit"`
	Year      string  `json:"year"`
	Committed string  `json:"committed"`
	Delivered string  `json:"delivered"`
	Percent   *string `json:"percent"`
	Status    string  `json:"status"`
}

type jsonSpendShares struct {
	Spend string    `json:"spend"`
	SME   jsonShare `json:"sme"`
	VCSE  jsonShare `json:"vcse"`
	Local jsonShare `json:"local"`
}

type jsonShare struct {
	Spend          string  `json:"spend"`
	Percent        *string `json:"percent"`
	UnknownRecords int64   `json:"unknownRecords"`
}

type jsonProxy struct {
	Measure        string `json:"measure"`
	Year           string `json:"year"`
	ProxyYear      string `json:"proxyYear"`
	Value          string `json:"value"`
	Source         string `json:"source"`
	Basis          string `json:"basis"`
	CarriedForward bool   `json:"carriedForward"`
	Note           string `json:"note,omitempty"` // "uprated from 2021/22 by <series>"
	Records        int64  `json:"records"`
	Quantity       string `json:"quantity"`
	SocialValue    string `json:"socialValue"`
}

type jsonRejected struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// PercentPlaces is the number of decimal places of every percentage in
// every output (JSON, CSV, Markdown, HTML), rounded half-up. A percentage
// is a ratio that need not terminate, so it is the one rounded figure of the
// JSON and CSV outputs: it is for display, never for recomputing totals.
// Its exact numerator and denominator are beside it (committed and
// delivered; spend and spend reported).
const PercentPlaces = 1

// money renders £ for people, rounded half away from zero to 2 places, as
// "1234.50" (Markdown, HTML and text only).
func money(d decimal.Decimal) string { return dectext.Round(d, 2) }

// percent renders a percentage, already rounded to PercentPlaces.
func percent(d decimal.Decimal) string { return dectext.Round(d, PercentPlaces) }

// exactQty renders a quantity exactly for JSON and CSV, in plain notation
// without trailing zeros: "12.75", "1400.5", "3".
func exactQty(d decimal.Decimal) string {
	var buf [48]byte
	if b, ok := appendExact(buf[:0], d, 0); ok {
		return string(b)
	}
	return exactQtyText(d)
}

// exactQtyText is exactQty through dectext, for what appendExact does not
// take.
func exactQtyText(d decimal.Decimal) string {
	s := dectext.Format(d)
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// exactMoney renders £ exactly for JSON and CSV, with at least 2 decimal
// places and more when the value has them: "25.40", "8.465", "30000.00".
// Nothing is rounded, so the rows of a table add up to its totals.
func exactMoney(d decimal.Decimal) string {
	var buf [48]byte
	if b, ok := appendExact(buf[:0], d, 2); ok {
		return string(b)
	}
	return exactMoneyText(d)
}

// exactMoneyText is exactMoney through dectext, for what appendExact does
// not take.
func exactMoneyText(d decimal.Decimal) string {
	s := exactQtyText(d)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) < 2 {
		frac += strings.Repeat("0", 2-len(frac))
	}
	return whole + "." + frac
}

func jsonQuantities(us []UnitQuantity) []jsonQuantity {
	out := []jsonQuantity{}
	for _, u := range us {
		out = append(out, jsonQuantity{Unit: string(u.Unit), Quantity: exactQty(u.Quantity)})
	}
	return out
}

func jsonGroups(gs []Group, weighted bool) []jsonGroup {
	out := []jsonGroup{}
	for _, g := range gs {
		jg := jsonGroup{ID: g.Key, Name: g.Name, SocialValue: exactMoney(g.SocialValue), Records: g.Records,
			ByUnit: jsonQuantities(g.ByUnit), Measures: []jsonMeasure{}, Weighted: optional(g.Weighted, weighted, exactMoney)}
		for _, m := range g.Measures {
			jg.Measures = append(jg.Measures, jsonMeasure{ID: m.ID, Name: m.Name, Unit: string(m.Unit), Financial: m.Financial,
				Quantity: exactQty(m.Quantity), SocialValue: exactMoney(m.SocialValue), Records: m.Records,
				Priority: optional(m.Priority, weighted, exactQty), Weighted: optional(m.Weighted, weighted, exactMoney),
				Codes: tom.CodeMap(m.Codes)})
		}
		out = append(out, jg)
	}
	return out
}

func optional(d decimal.Decimal, ok bool, f func(decimal.Decimal) string) *string {
	if !ok {
		return nil
	}
	s := f(d)
	return &s
}

func (rv *Review) jsonModel() jsonReport {
	j := jsonReport{
		Title:     rv.Title,
		Framework: jsonFramework{ID: rv.Framework.ID, Name: rv.Framework.Name},
		Totals: jsonTotals{SocialValue: exactMoney(rv.Totals.SocialValue), Records: rv.Totals.Records, ByUnit: jsonQuantities(rv.Totals.ByUnit),
			Weighted: optional(rv.Totals.Weighted, rv.Prioritised, exactMoney)},
		Themes: jsonGroups(rv.Themes, rv.Prioritised), Years: jsonGroups(rv.Years, rv.Prioritised),
		Contracts: jsonGroups(rv.Contracts, rv.Prioritised), Suppliers: jsonGroups(rv.Suppliers, rv.Prioritised),
		Commitments: []jsonCommitment{}, Proxies: []jsonProxy{}, Rejected: []jsonRejected{},
		Notes: append([]string{}, rv.Notes...), RejectedRows: rv.RejectedRows, RejectedNotKept: rv.RejectedNotKept,
	}
	if !rv.Year.IsZero() {
		y := rv.Year.String()
		j.Year = &y
	}
	if !rv.AsOf.IsZero() {
		d := rv.AsOf.Format(dateLayout)
		j.AsOf = &d
	}
	for _, c := range rv.Commitments {
		p, ok := c.Percent(PercentPlaces)
		j.Commitments = append(j.Commitments, jsonCommitment{Contract: c.Contract, Supplier: c.Supplier, Measure: c.Measure,
			Unit: string(c.Unit), Year: c.Year.String(), Committed: exactQty(c.Committed), Delivered: exactQty(c.Delivered),
			Percent: optional(p, ok, percent), Status: string(c.Progress)})
	}
	s := rv.SpendShares
	share := func(v SpendShare) jsonShare {
		return jsonShare{Spend: exactMoney(v.Spend), Percent: optional(v.Percent, v.OK, percent), UnknownRecords: v.Unknown}
	}
	j.SpendShares = jsonSpendShares{Spend: exactMoney(s.Total), SME: share(s.SMEShare()),
		VCSE: share(s.VCSEShare()), Local: share(s.LocalShare())}
	for _, p := range rv.Proxies {
		j.Proxies = append(j.Proxies, jsonProxy{Measure: p.Measure, Year: p.Year.String(), ProxyYear: p.Proxy.Year.String(),
			Value: exactMoney(p.Proxy.Value), Source: p.Proxy.Source, Basis: p.Proxy.Basis, CarriedForward: p.CarriedForward, Note: p.Proxy.Note(),
			Records: p.Records, Quantity: exactQty(p.Quantity), SocialValue: exactMoney(p.SocialValue)})
	}
	for _, d := range rv.Rejected {
		j.Rejected = append(j.Rejected, jsonRejected{File: d.File, Line: d.Line, Column: d.Column, Field: d.Field, Reason: d.Message})
	}
	rv.jsonAgainst(&j)
	return j
}

// WriteJSON renders the review as the documented JSON report, indented.
func (rv *Review) WriteJSON(w io.Writer) error {
	var compact bytes.Buffer
	n := 0 // measure totals: most of the text, about 300 bytes each
	for _, gs := range [][]Group{rv.Themes, rv.Years, rv.Contracts, rv.Suppliers} {
		for _, g := range gs {
			n += 1 + len(g.Measures)
		}
	}
	compact.Grow(4<<10 + 320*n)
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rv.jsonModel()); err != nil {
		return err
	}
	return writeIndented(w, compact.Bytes())
}

// writeIndented writes src, one JSON value as json.Encoder writes it
// without indent (compact, then a line end), to w indented by two spaces,
// exactly as json.Encoder with SetIndent("", "  ") writes it (a test
// checks it), a block at a time. encoding/json indents by running its
// validating scanner over the compact text byte by byte, which cost more
// than the encoding itself; the text is known to be valid here, so only
// strings need skipping.
func writeIndented(w io.Writer, src []byte) error {
	const spaces = "                                                                "
	buf := make([]byte, 0, 64<<10)
	depth, needIndent := 0, false
	newline := func() {
		buf = append(buf, '\n')
		for n := 2 * depth; n > 0; n -= len(spaces) {
			buf = append(buf, spaces[:min(n, len(spaces))]...)
		}
	}
	for i := 0; i < len(src); i++ {
		if len(buf) >= 60<<10 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"': // to the closing quote: one not escaped by a backslash
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(src)-1)
			buf = append(buf, src[i:j+1]...)
			i = j
		case '{', '[':
			needIndent = true
			buf = append(buf, c)
		case ',':
			buf = append(buf, c)
			newline()
		case ':':
			buf = append(buf, ':', ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			buf = append(buf, c)
		default:
			buf = append(buf, c)
		}
	}
	_, err := w.Write(buf)
	return err
}
