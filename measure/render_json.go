package measure

import (
	"encoding/json"
	"io"

	"github.com/shopspring/decimal"
)

// The JSON report: stable, camelCase keys. Money, quantities and
// percentages are decimal strings (money rounded half-up to 2 places,
// percentages to 1, quantities exact); counts and line numbers are JSON
// integers. A value that does not apply (the percentage of a zero
// commitment, a share of no spend) is null. See README "JSON report" for
// the schema.

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
	Notes       []string         `json:"notes"`
}

type jsonFramework struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type jsonTotals struct {
	SocialValue string         `json:"socialValue"`
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
	Records     int64          `json:"records"`
	ByUnit      []jsonQuantity `json:"byUnit"`
	Measures    []jsonMeasure  `json:"measures"`
}

type jsonMeasure struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	Financial   bool   `json:"financial"`
	Quantity    string `json:"quantity"`
	SocialValue string `json:"socialValue"`
	Records     int64  `json:"records"`
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

// money renders £ rounded half away from zero to 2 places, as "1234.50".
func money(d decimal.Decimal) string { return d.StringFixed(2) }

// percent renders a percentage to 1 place.
func percent(d decimal.Decimal) string { return d.StringFixed(1) }

func jsonQuantities(us []UnitQuantity) []jsonQuantity {
	out := []jsonQuantity{}
	for _, u := range us {
		out = append(out, jsonQuantity{Unit: string(u.Unit), Quantity: u.Quantity.String()})
	}
	return out
}

func jsonGroups(gs []Group) []jsonGroup {
	out := []jsonGroup{}
	for _, g := range gs {
		jg := jsonGroup{ID: g.Key, Name: g.Name, SocialValue: money(g.SocialValue), Records: g.Records,
			ByUnit: jsonQuantities(g.ByUnit), Measures: []jsonMeasure{}}
		for _, m := range g.Measures {
			jg.Measures = append(jg.Measures, jsonMeasure{ID: m.ID, Name: m.Name, Unit: string(m.Unit), Financial: m.Financial,
				Quantity: m.Quantity.String(), SocialValue: money(m.SocialValue), Records: m.Records})
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
		Totals:    jsonTotals{SocialValue: money(rv.Totals.SocialValue), Records: rv.Totals.Records, ByUnit: jsonQuantities(rv.Totals.ByUnit)},
		Themes:    jsonGroups(rv.Themes), Years: jsonGroups(rv.Years),
		Contracts: jsonGroups(rv.Contracts), Suppliers: jsonGroups(rv.Suppliers),
		Commitments: []jsonCommitment{}, Proxies: []jsonProxy{}, Rejected: []jsonRejected{},
		Notes: append([]string{}, rv.Notes...),
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
		p, ok := c.Percent(1)
		j.Commitments = append(j.Commitments, jsonCommitment{Contract: c.Contract, Supplier: c.Supplier, Measure: c.Measure,
			Unit: string(c.Unit), Year: c.Year.String(), Committed: c.Committed.String(), Delivered: c.Delivered.String(),
			Percent: optional(p, ok, percent), Status: string(c.Status)})
	}
	s := rv.SpendShares
	share := func(v SpendShare) jsonShare {
		return jsonShare{Spend: money(v.Spend), Percent: optional(v.Percent, v.OK, percent), UnknownRecords: v.Unknown}
	}
	j.SpendShares = jsonSpendShares{Spend: money(s.Total), SME: share(s.SMEShare()),
		VCSE: share(s.VCSEShare()), Local: share(s.LocalShare())}
	for _, p := range rv.Proxies {
		j.Proxies = append(j.Proxies, jsonProxy{Measure: p.Measure, Year: p.Year.String(), ProxyYear: p.Proxy.Year.String(),
			Value: p.Proxy.Value.String(), Source: p.Proxy.Source, Basis: p.Proxy.Basis, CarriedForward: p.CarriedForward,
			Records: p.Records, Quantity: p.Quantity.String(), SocialValue: money(p.SocialValue)})
	}
	for _, d := range rv.Rejected {
		j.Rejected = append(j.Rejected, jsonRejected{File: d.File, Line: d.Line, Column: d.Column, Field: d.Field, Reason: d.Message})
	}
	return j
}

// WriteJSON renders the review as the documented JSON report, indented.
func (rv *Review) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rv.jsonModel())
}
