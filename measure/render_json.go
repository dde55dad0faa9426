package measure

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
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
	Themes      jsonGroupList    `json:"themes"`
	Years       jsonGroupList    `json:"years"`
	Contracts   jsonGroupList    `json:"contracts"`
	Suppliers   jsonGroupList    `json:"suppliers"`
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

// jsonGroupList is a list of groups in the JSON report: WriteJSON writes it
// a group at a time, so that the text of thousands of contracts is never
// held at once; MarshalJSON writes it whole, the same.
type jsonGroupList struct {
	groups   []Group
	weighted bool
}

func (l jsonGroupList) group(i int) jsonGroup {
	g, weighted := &l.groups[i], l.weighted
	jg := jsonGroup{ID: g.Key, Name: g.Name, SocialValue: exactMoney(g.SocialValue), Records: g.Records,
		ByUnit: jsonQuantities(g.ByUnit), Measures: make([]jsonMeasure, 0, len(g.Measures)), Weighted: optional(g.Weighted, weighted, exactMoney)}
	for _, m := range g.Measures {
		jg.Measures = append(jg.Measures, jsonMeasure{ID: m.ID, Name: m.Name, Unit: string(m.Unit), Financial: m.Financial,
			Quantity: exactQty(m.Quantity), SocialValue: exactMoney(m.SocialValue), Records: m.Records,
			Priority: optional(m.Priority, weighted, exactQty), Weighted: optional(m.Weighted, weighted, exactMoney),
			Codes: tom.CodeMap(m.Codes)})
	}
	return jg
}

// MarshalJSON writes the list as an array of jsonGroup.
func (l jsonGroupList) MarshalJSON() ([]byte, error) {
	out := make([]jsonGroup, len(l.groups))
	for i := range l.groups {
		out[i] = l.group(i)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(out)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
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
		Themes: jsonGroupList{rv.Themes, rv.Prioritised}, Years: jsonGroupList{rv.Years, rv.Prioritised},
		Contracts: jsonGroupList{rv.Contracts, rv.Prioritised}, Suppliers: jsonGroupList{rv.Suppliers, rv.Prioritised},
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

// WriteJSON renders the review as the documented JSON report, indented
// by two spaces, as encoding/json writes the model (jsonReport) with
// SetIndent("", "  ") and without escaping HTML (a test checks it), but a
// field, and a group of the group lists, at a time: the text of every
// contract and supplier is never held at once, and the indent is added in
// one pass (encoding/json runs its validating scanner over the compact
// text, byte by byte, which cost more than the encoding itself).
func (rv *Review) WriteJSON(w io.Writer) error {
	jw := newJSONWriter(w)
	v := reflect.ValueOf(rv.jsonModel())
	jw.buf = append(jw.buf, '{')
	for i := range v.NumField() {
		if i > 0 {
			jw.buf = append(jw.buf, ',')
		}
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		jw.buf = append(jw.buf, "\n  \""...)
		jw.buf = append(jw.buf, key...)
		jw.buf = append(jw.buf, "\": "...)
		if l, ok := v.Field(i).Interface().(jsonGroupList); ok {
			jw.groups(l)
		} else {
			jw.value(v.Field(i).Interface(), 1)
		}
		if jw.err != nil {
			return jw.err
		}
	}
	jw.buf = append(jw.buf, "\n}\n"...)
	return jw.flush()
}

// jsonWriter writes indented JSON to w a value at a time.
type jsonWriter struct {
	w       io.Writer
	buf     []byte // indented text not written yet
	compact bytes.Buffer
	enc     *json.Encoder // into compact, HTML not escaped
	err     error
}

func newJSONWriter(w io.Writer) *jsonWriter {
	jw := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	jw.enc = json.NewEncoder(&jw.compact)
	jw.enc.SetEscapeHTML(false)
	return jw
}

func (jw *jsonWriter) flush() error {
	if jw.err == nil && len(jw.buf) > 0 {
		_, jw.err = jw.w.Write(jw.buf)
	}
	jw.buf = jw.buf[:0]
	return jw.err
}

// value writes v, as encoding/json marshals it, indented as an element at
// depth.
func (jw *jsonWriter) value(v any, depth int) {
	jw.compact.Reset()
	if err := jw.enc.Encode(v); err != nil {
		jw.err = err
		return
	}
	jw.indent(bytes.TrimSuffix(jw.compact.Bytes(), []byte("\n")), depth)
}

// groups writes the list as an array at depth 1, a group at a time.
func (jw *jsonWriter) groups(l jsonGroupList) {
	if len(l.groups) == 0 {
		jw.buf = append(jw.buf, "[]"...)
		return
	}
	jw.buf = append(jw.buf, '[')
	for i := range l.groups {
		if i > 0 {
			jw.buf = append(jw.buf, ',')
		}
		jw.buf = append(jw.buf, "\n    "...)
		jw.value(l.group(i), 2)
		if jw.err != nil {
			return
		}
	}
	jw.buf = append(jw.buf, "\n  ]"...)
}

// indent appends src, one compact JSON value as encoding/json writes it,
// indented by two spaces from depth exactly as encoding/json's indent
// does (FuzzJSONIndent checks it); the text is known to be valid, so only
// strings need skipping. It writes out what it has every 60 KiB.
func (jw *jsonWriter) indent(src []byte, depth int) {
	const spaces = "                                                                "
	buf := jw.buf
	needIndent := false
	newline := func() {
		buf = append(buf, '\n')
		for n := 2 * depth; n > 0; n -= len(spaces) {
			buf = append(buf, spaces[:min(n, len(spaces))]...)
		}
	}
	for i := 0; i < len(src); i++ {
		if len(buf) >= 60<<10 {
			jw.buf = buf
			if jw.flush() != nil {
				return
			}
			buf = jw.buf
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
	jw.buf = buf
}
