// Command catalogue shows the library's first job: load the council's
// default TOMs catalogue, lay a council's own proxy values over it, and value
// a few delivered quantities exactly, with every £ traced to its source.
//
//	go run ./examples/catalogue
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// localValues is what a council would keep in its own proxy-values file:
// here a newer volunteering value, and a carbon value for the year.
const localValues = `apiVersion: toms/v1
kind: ProxyValues
name: County local values 2024/25
values:
  - measure: carbon-saved
    year: "2024/25"
    value: "256"
    source: County climate team, carbon value adopted for 2024/25 appraisals (illustrative)
    basis: Central government carbon value series for 2024 as adopted locally
  - measure: volunteering-hours
    year: "2025/26"
    value: "17.40"
    source: County staff cost survey 2025 (illustrative)
    basis: Median hourly staff cost including on-costs
`

type delivery struct {
	measure, quantity, year string
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	f, err := tom.Default()
	if err != nil {
		return err
	}
	pv, err := tom.ParseProxies("local-values.yaml", []byte(localValues))
	if err != nil {
		return err
	}
	if f, err = f.WithProxies(pv); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %d measures\n\n", f.Name(), len(f.Measures()))
	total := decimal.Zero
	for _, d := range []delivery{
		{"volunteering-hours", "120", "2024/25"},
		{"expert-hours", "7.5", "2024/25"},
		{"carbon-saved", "12.5", "2024/25"},
		{"volunteering-hours", "40", "2025/26"},
		{"sme-spend", "150000", "2024/25"},
	} {
		m, ok := f.Measure(d.measure)
		if !ok {
			return fmt.Errorf("unknown measure %q", d.measure)
		}
		qty := decimal.RequireFromString(d.quantity)
		if !m.Financial {
			fmt.Fprintf(w, "%-20s %10s %-6s  reported in its own unit, not in £\n", m.ID, d.quantity, m.Unit)
			continue
		}
		v, err := f.Value(d.measure, qty, tom.MustYear(d.year), tom.ExactYear)
		if err != nil {
			return err
		}
		total = total.Add(v.Value)
		fmt.Fprintf(w, "%-20s %10s %-6s × £%-7s (%s) = £%10s  source: %s\n", v.Measure, v.Quantity, v.Unit,
			v.Proxy.Value.StringFixed(2), v.Proxy.Year, v.Value.StringFixed(2), v.Proxy.Source)
	}
	fmt.Fprintf(w, "\nTotal social value (proxy £, not cash): £%s\n", total.StringFixed(2))
	return nil
}
