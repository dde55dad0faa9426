package measure

import (
	"encoding/csv"
	"io"
	"strconv"
)

// Table is one tidy table of the CSV report: one row per observation, one
// column per variable, a header row, plain numbers (money rounded half-up
// to 2 places, percentages to 1, quantities exact, no thousands separators
// or £ signs) so that a BI tool loads it directly.
type Table struct {
	Name   string // file name, such as "values.csv"
	Header []string
	Rows   [][]string
}

// WriteCSV writes the table as CSV with its header row.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return err
	}
	return cw.Error()
}

// CSVTables renders the review as tidy tables, one file each:
//
//	values.csv       year, contract, supplier, theme, outcome, measure, unit, financial, quantity, social_value, records
//	                 (the fact table: every other total is a sum of its rows)
//	measures.csv     year, theme, theme_name, outcome, measure, measure_name, unit, financial, quantity, social_value, records
//	commitments.csv  year, contract, supplier, measure, unit, committed, delivered, percent, status
//	spend_shares.csv category, spend, spend_reported, percent, unknown_records
//	proxies.csv      measure, year, proxy_year, value, carried_forward, records, quantity, social_value, source, basis
//	rejected.csv     file, line, column, field, reason
//	notes.csv        note
//
// An empty cell means "not applicable" (the percentage of a zero commitment).
func (rv *Review) CSVTables() []Table {
	fw := rv.framework
	b := strconv.FormatBool
	n := func(i int64) string { return strconv.FormatInt(i, 10) }
	values := Table{Name: "values.csv", Header: []string{"year", "contract", "supplier", "theme", "outcome", "measure", "unit", "financial", "quantity", "social_value", "records"}}
	for _, c := range rv.cells {
		m, _ := fw.Measure(c.Measure)
		values.Rows = append(values.Rows, []string{c.Year.String(), c.Contract, c.Supplier, m.Theme, m.Outcome, m.ID,
			string(m.Unit), b(m.Financial), c.Quantity.String(), money(c.SocialValue), n(c.Records)})
	}
	measures := Table{Name: "measures.csv", Header: []string{"year", "theme", "theme_name", "outcome", "measure", "measure_name", "unit", "financial", "quantity", "social_value", "records"}}
	for _, y := range rv.Years {
		for _, mt := range y.Measures {
			m, _ := fw.Measure(mt.ID)
			t, _ := fw.Theme(m.Theme)
			measures.Rows = append(measures.Rows, []string{y.Key, t.ID, t.Name, m.Outcome, m.ID, m.Name, string(m.Unit),
				b(m.Financial), mt.Quantity.String(), money(mt.SocialValue), n(mt.Records)})
		}
	}
	commitments := Table{Name: "commitments.csv", Header: []string{"year", "contract", "supplier", "measure", "unit", "committed", "delivered", "percent", "status"}}
	for _, c := range rv.Commitments {
		p, ok := c.Percent(1)
		ps := ""
		if ok {
			ps = percent(p)
		}
		commitments.Rows = append(commitments.Rows, []string{c.Year.String(), c.Contract, c.Supplier, c.Measure, string(c.Unit),
			c.Committed.String(), c.Delivered.String(), ps, string(c.Status)})
	}
	s := rv.SpendShares
	shares := Table{Name: "spend_shares.csv", Header: []string{"category", "spend", "spend_reported", "percent", "unknown_records"}}
	for _, r := range []struct {
		name string
		v    SpendShare
	}{{"sme", s.SMEShare()}, {"vcse", s.VCSEShare()}, {"local", s.LocalShare()}} {
		ps := ""
		if r.v.OK {
			ps = percent(r.v.Percent)
		}
		shares.Rows = append(shares.Rows, []string{r.name, money(r.v.Spend), money(s.Total), ps, n(r.v.Unknown)})
	}
	proxies := Table{Name: "proxies.csv", Header: []string{"measure", "year", "proxy_year", "value", "carried_forward", "records", "quantity", "social_value", "source", "basis"}}
	for _, p := range rv.Proxies {
		proxies.Rows = append(proxies.Rows, []string{p.Measure, p.Year.String(), p.Proxy.Year.String(), p.Proxy.Value.String(),
			b(p.CarriedForward), n(p.Records), p.Quantity.String(), money(p.SocialValue), p.Proxy.Source, p.Proxy.Basis})
	}
	rejected := Table{Name: "rejected.csv", Header: []string{"file", "line", "column", "field", "reason"}}
	for _, d := range rv.Rejected {
		rejected.Rows = append(rejected.Rows, []string{d.File, strconv.Itoa(d.Line), strconv.Itoa(d.Column), d.Field, d.Message})
	}
	notes := Table{Name: "notes.csv", Header: []string{"note"}}
	for _, s := range rv.Notes {
		notes.Rows = append(notes.Rows, []string{s})
	}
	return []Table{values, measures, commitments, shares, proxies, rejected, notes}
}
