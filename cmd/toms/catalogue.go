package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

func runCatalogue(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("catalogue", stdout, stderr)
	frameworkPath := fs.String("framework", "", "catalogue `FILE` (YAML or JSON); default: the embedded council catalogue")
	proxiesPath := fs.String("proxies", "", "proxy-values `FILE` laid over the catalogue")
	yearText := fs.String("year", "", "financial `YEAR` of the proxy values to show, e.g. 2024/25; default: each measure's latest value")
	carry := fs.Bool("carry-forward", false, "with --year, show the latest earlier value where the year has none")
	format := fs.String("format", "table", "output format: `table|json|csv`")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usageError(fs, stderr, "unexpected argument %q", pos[0])
	}
	var year tom.Year
	if *yearText != "" {
		if year, err = tom.ParseYear(*yearText); err != nil {
			return fail(stderr, fmt.Errorf("--year: %w", err))
		}
	} else if *carry {
		return fail(stderr, fmt.Errorf("--carry-forward needs --year"))
	}
	f, err := loadFramework(*frameworkPath, *proxiesPath)
	if err != nil {
		return fail(stderr, err)
	}
	policy := tom.ExactYear
	if *carry {
		policy = tom.CarryForward
	}
	view := catalogueView(f, year, policy)
	switch *format {
	case "table":
		err = writeCatalogueTable(stdout, view)
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(view)
	case "csv":
		err = writeCatalogueCSV(stdout, view)
	default:
		return fail(stderr, fmt.Errorf("--format %q: use table, json or csv", *format))
	}
	if err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// The JSON shape of `toms catalogue --format json`. Numbers are decimal strings.
type catalogueJSON struct {
	Framework struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Currency string `json:"currency"`
	} `json:"framework"`
	Year   string      `json:"year,omitempty"` // empty: each measure's latest value
	Themes []themeJSON `json:"themes"`
}

type themeJSON struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Outcomes []outcomeJSON `json:"outcomes"`
}

type outcomeJSON struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Measures []measureJSON `json:"measures"`
}

type measureJSON struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Unit             string            `json:"unit"`
	Financial        bool              `json:"financial"`
	Priority         string            `json:"priority"`
	EvidenceRequired bool              `json:"evidenceRequired"`
	ExclusiveGroup   string            `json:"exclusiveGroup,omitempty"`
	Codes            map[string]string `json:"codes,omitempty"` // external codes by scheme
	codes            string            // for the table and CSV: "ecc:ECC7; nt:NT3"
	Proxy            *proxyJSON        `json:"proxy"` // null: no value for the year (or non-financial)
}

type proxyJSON struct {
	value          decimal.Decimal // for the table; Value is its exact text
	Year           string          `json:"year"`
	Value          string          `json:"value"`
	Source         string          `json:"source"`
	Basis          string          `json:"basis"`
	CarriedForward bool            `json:"carriedForward"`
	Note           string          `json:"note,omitempty"` // "uprated from 2021/22 by <series>"
}

func catalogueView(f *tom.Framework, year tom.Year, policy tom.YearPolicy) catalogueJSON {
	var v catalogueJSON
	v.Framework.ID, v.Framework.Name, v.Framework.Currency = f.ID(), f.Name(), f.Currency()
	v.Year = year.String()
	v.Themes = []themeJSON{}
	for _, t := range f.Themes() {
		tj := themeJSON{ID: t.ID, Name: t.Name, Outcomes: []outcomeJSON{}}
		for _, o := range t.Outcomes {
			oj := outcomeJSON{ID: o.ID, Name: o.Name, Measures: []measureJSON{}}
			for _, m := range o.Measures {
				mj := measureJSON{ID: m.ID, Name: m.Name, Unit: string(m.Unit), Financial: m.Financial,
					Priority: dectext.Format(m.Priority), EvidenceRequired: m.EvidenceRequired, ExclusiveGroup: m.ExclusiveGroup,
					Codes: tom.CodeMap(m.Codes()), codes: tom.FormatCodes(m.Codes())}
				if m.Financial {
					var (
						p       tom.Proxy
						carried bool
						ok      bool
					)
					if year.IsZero() {
						ps := m.Proxies()
						p, ok = ps[len(ps)-1], true
					} else if pp, c, err := m.ProxyFor(year, policy); err == nil {
						p, carried, ok = pp, c, true
					}
					if ok {
						mj.Proxy = &proxyJSON{value: p.Value, Year: p.Year.String(), Value: dectext.Format(p.Value), Source: p.Source, Basis: p.Basis, CarriedForward: carried, Note: p.Note()}
					}
				}
				oj.Measures = append(oj.Measures, mj)
			}
			tj.Outcomes = append(tj.Outcomes, oj)
		}
		v.Themes = append(v.Themes, tj)
	}
	return v
}

// perUnit renders a proxy value for people: at least 2 decimal places, more
// when the value has them, so nothing is rounded away.
func perUnit(d decimal.Decimal) string { return dectext.Grouped(d, 2) }

func writeCatalogueTable(w io.Writer, v catalogueJSON) error {
	yearNote := "latest proxy value of each measure"
	if v.Year != "" {
		yearNote = "proxy values for " + v.Year
	}
	fmt.Fprintf(w, "%s (%s): %s, £ per unit\n", v.Framework.Name, v.Framework.ID, yearNote)
	codes := false // a CODES column only when some measure has codes
	for _, t := range v.Themes {
		for _, o := range t.Outcomes {
			for _, m := range o.Measures {
				codes = codes || m.codes != ""
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range v.Themes {
		fmt.Fprintf(tw, "\n%s [%s]\n", t.Name, t.ID)
		for _, o := range t.Outcomes {
			fmt.Fprintf(tw, "  %s [%s]\n", o.Name, o.ID)
			head := "    MEASURE\tUNIT\t£ PER UNIT\tYEAR\tPRIORITY"
			if codes {
				head += "\tCODES"
			}
			fmt.Fprintln(tw, head)
			for _, m := range o.Measures {
				value, year := "non-financial", ""
				if m.Financial {
					value = "no value"
					if m.Proxy != nil {
						value, year = perUnit(m.Proxy.value), m.Proxy.Year
						if m.Proxy.Note != "" {
							year += " (" + m.Proxy.Note + ")"
						}
						if m.Proxy.CarriedForward {
							year += " (carried forward)"
						}
					}
				}
				line := fmt.Sprintf("    %s\t%s\t%s\t%s\t%s", m.ID, m.Unit, value, year, m.Priority)
				if codes {
					line += "\t" + m.codes
				}
				fmt.Fprintln(tw, line)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nSources and bases: toms catalogue --format json (or csv).")
	return nil
}

// writeCatalogueCSV writes one row per measure through the module's
// spreadsheet-safe writer (a name or source starting with =, +, -, @ is
// written with a leading ').
func writeCatalogueCSV(w io.Writer, v catalogueJSON) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write([]string{"theme_id", "theme_name", "outcome_id", "outcome_name", "measure_id", "measure_name",
		"unit", "financial", "priority", "evidence_required", "exclusive_group",
		"proxy_year", "proxy_value", "carried_forward", "source", "basis", "note", "codes"}); err != nil {
		return err
	}
	for _, t := range v.Themes {
		for _, o := range t.Outcomes {
			for _, m := range o.Measures {
				row := []string{t.ID, t.Name, o.ID, o.Name, m.ID, m.Name, m.Unit,
					fmt.Sprint(m.Financial), m.Priority, fmt.Sprint(m.EvidenceRequired), m.ExclusiveGroup,
					"", "", "", "", "", "", m.codes}
				if p := m.Proxy; p != nil {
					copy(row[11:], []string{p.Year, p.Value, fmt.Sprint(p.CarriedForward), csvsafe.OneLine(p.Source), csvsafe.OneLine(p.Basis), p.Note})
				}
				if err := cw.Write(row); err != nil {
					return err
				}
			}
		}
	}
	return cw.Flush()
}
