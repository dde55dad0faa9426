package measure

import (
	"io"
	"strconv"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/tom"
)

// Table is one tidy table of the CSV report: one row per observation, one
// column per variable, a header row, plain numbers (no thousands separators
// or £ signs) so that a BI tool loads it directly. Money and quantities are
// exact, so every total is the exact sum of the rows it covers; percentages
// are rounded half-up to PercentPlaces, for display only. Free-text cells
// (contract, supplier, names, sources, notes, reasons) are made safe for
// spreadsheets with csvsafe.Cell.
type Table struct {
	Name   string     // file name, such as "values.csv"
	Header []string   // the column names
	Rows   [][]string // the data rows, each as long as Header
}

// WriteCSV writes the table as CSV with its header row, after a UTF-8
// byte-order mark: without it Excel reads the file as the local code page
// and shows £ as "Â£". Other tools skip the mark (this module's readers
// do).
func (t Table) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w) // the module's one CSV writer
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	return cw.WriteAll(t.Rows)
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
// Every text cell goes through csvsafe.Cell: one that starts with =, +, -,
// @, a tab or a carriage return gets a leading single quote, so that a
// spreadsheet shows it as text instead of running it as a formula (a
// supplier named =HYPERLINK(...) is written '=HYPERLINK(...)). Numbers are
// written as they are.
func (rv *Review) CSVTables() []Table {
	fw := rv.framework
	t := csvsafe.Cell // every text cell: names, ids, sources, reasons, notes
	b := strconv.FormatBool
	n := func(i int64) string { return strconv.FormatInt(i, 10) }
	values := Table{Name: "values.csv", Header: []string{"year", "contract", "supplier", "theme", "outcome", "measure", "unit", "financial", "quantity", "social_value", "records"}}
	for _, c := range rv.cells {
		m, _ := fw.Measure(c.Measure)
		values.Rows = append(values.Rows, []string{c.Year.String(), t(c.Contract), t(c.Supplier), t(m.Theme), t(m.Outcome), t(m.ID),
			t(string(m.Unit)), b(m.Financial), exactQty(c.Quantity), exactMoney(c.SocialValue), n(c.Records)})
	}
	measures := Table{Name: "measures.csv", Header: []string{"year", "theme", "theme_name", "outcome", "measure", "measure_name", "unit", "financial", "quantity", "social_value", "records", "codes"}}
	for _, y := range rv.Years {
		for _, mt := range y.Measures {
			m, _ := fw.Measure(mt.ID)
			th, _ := fw.Theme(m.Theme)
			row := []string{y.Key, t(th.ID), t(th.Name), t(m.Outcome), t(m.ID), t(m.Name), t(string(m.Unit)),
				b(m.Financial), exactQty(mt.Quantity), exactMoney(mt.SocialValue), n(mt.Records), t(tom.FormatCodes(m.Codes()))}
			if rv.Prioritised {
				row = append(row, exactQty(mt.Priority), exactMoney(mt.Weighted))
			}
			measures.Rows = append(measures.Rows, row)
		}
	}
	if rv.Prioritised {
		measures.Header = append(measures.Header, "priority", "weighted_social_value")
	}
	commitments := Table{Name: "commitments.csv", Header: []string{"year", "contract", "supplier", "measure", "unit", "committed", "delivered", "percent", "status"}}
	for _, c := range rv.Commitments {
		p, ok := c.Percent(PercentPlaces)
		ps := ""
		if ok {
			ps = percent(p)
		}
		commitments.Rows = append(commitments.Rows, []string{c.Year.String(), t(c.Contract), t(c.Supplier), t(c.Measure), t(string(c.Unit)),
			exactQty(c.Committed), exactQty(c.Delivered), ps, t(string(c.Progress))})
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
		shares.Rows = append(shares.Rows, []string{r.name, exactMoney(r.v.Spend), exactMoney(s.Total), ps, n(r.v.Unknown)})
	}
	proxies := Table{Name: "proxies.csv", Header: []string{"measure", "year", "proxy_year", "value", "carried_forward", "records", "quantity", "social_value", "source", "basis", "note"}}
	for _, p := range rv.Proxies {
		proxies.Rows = append(proxies.Rows, []string{t(p.Measure), p.Year.String(), p.Proxy.Year.String(), exactMoney(p.Proxy.Value),
			b(p.CarriedForward), n(p.Records), exactQty(p.Quantity), exactMoney(p.SocialValue), t(p.Proxy.Source), t(p.Proxy.Basis), t(p.Proxy.Note())})
	}
	rejected := Table{Name: "rejected.csv", Header: []string{"file", "line", "column", "field", "reason"}}
	for _, d := range rv.Rejected {
		rejected.Rows = append(rejected.Rows, []string{t(d.File), strconv.Itoa(d.Line), strconv.Itoa(d.Column), t(d.Field), t(d.Message)})
	}
	notes := Table{Name: "notes.csv", Header: []string{"note"}}
	for _, s := range rv.Notes {
		notes.Rows = append(notes.Rows, []string{t(s)})
	}
	return append([]Table{values, measures, commitments, shares, proxies, rejected, notes}, rv.againstTables()...)
}
