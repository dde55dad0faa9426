package tom_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// Value a delivered quantity with the embedded default catalogue.
func ExampleFramework_Value() {
	f, err := tom.Default()
	if err != nil {
		panic(err)
	}
	v, err := f.Value("volunteering-hours", decimal.RequireFromString("120"), tom.MustYear("2024/25"), tom.ExactYear)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %s × £%s = £%s\n", v.Quantity, v.Unit, v.Proxy.Value.StringFixed(2), v.Value.StringFixed(2))
	// Output: 120 hours × £16.93 = £2031.60
}

// A year with no value is an error unless the caller opts into carrying the
// latest earlier value forward, and then the valuation says so.
func ExampleFramework_Value_carryForward() {
	f, _ := tom.Default()
	year := tom.MustYear("2024/25")
	_, err := f.Value("carbon-saved", decimal.RequireFromString("12.5"), year, tom.ExactYear)
	fmt.Println(err)
	v, _ := f.Value("carbon-saved", decimal.RequireFromString("12.5"), year, tom.CarryForward)
	fmt.Printf("£%s using the %s value (carried forward: %t)\n", v.Value.StringFixed(2), v.Proxy.Year, v.CarriedForward)
	// Output:
	// measure "carbon-saved" has no proxy value for 2024/25 (it has 2021/22); load a proxy-values file for the year, or opt into carrying the latest earlier value forward
	// £3062.50 using the 2021/22 value (carried forward: true)
}

// Lay a council's own values over the catalogue.
func ExampleFramework_WithProxies() {
	f, _ := tom.Default()
	pv, err := tom.ParseProxies("local.yaml", []byte(`apiVersion: toms/v1
kind: ProxyValues
values:
  - measure: volunteering-hours
    year: "2025/26"
    value: "17.40"
    source: County staff cost survey 2025
    basis: Median hourly staff cost including on-costs
`))
	if err != nil {
		panic(err)
	}
	g, err := f.WithProxies(pv)
	if err != nil {
		panic(err)
	}
	v, _ := g.Value("volunteering-hours", decimal.RequireFromString("10"), tom.MustYear("2025/26"), tom.ExactYear)
	fmt.Println(v.Value.StringFixed(2), v.Proxy.Source)
	// Output: 174.00 County staff cost survey 2025
}

// Loader errors name the file, line, column and field, all in one pass.
func ExampleParse_errors() {
	_, err := tom.Parse("council.yaml", []byte(`apiVersion: toms/v1
kind: Framework
id: c
name: Council
themes:
  - id: t
    name: Theme
    outcomes:
      - id: o
        name: Outcome
        measures:
          - {id: m, name: Hours, unit: hour}
          - {id: m, name: Again, unit: count, colour: red}
`))
	fmt.Println(err)
	// Output:
	// 3 problems:
	// council.yaml:12:40: themes[0].outcomes[0].measures[0].unit: unknown unit "hour"; did you mean "hours"?
	// council.yaml:13:18: themes[0].outcomes[0].measures[1].id: id "m" is already used at council.yaml:12:18; ids must be unique across themes, outcomes and measures
	// council.yaml:13:47: themes[0].outcomes[0].measures[1].colour: unknown field "colour"; expected one of codes, description, evidenceRequired, exclusiveGroup, financial, id, name, priority, proxies, unit
}

func ExampleYearOf() {
	fmt.Println(tom.MustYear("2024/25").Next())
	// Output: 2025/26
}
