package measure_test

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/measure"
)

// A contract's value spread over the financial years it runs in, by days,
// to the penny; the years add up to the value exactly.
func ExampleContract_YearValues() {
	cs, err := measure.ReadContracts(strings.NewReader(
		"id,supplier,value,start,end,sme\nC-001,Granite Highways plc,1000000,2024-07-01,2028-06-30,no\n"), "register.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range cs[0].YearValues() {
		fmt.Println(v.Year, v.Days, v.Value.StringFixed(2))
	}
	// Output:
	// 2024/25 274 187542.78
	// 2025/26 365 249828.88
	// 2026/27 365 249828.88
	// 2027/28 366 250513.35
	// 2028/29 91 62286.11
}

// RAG at the default bands: an SME share of 28% against a 30% target is
// 93.3% of it, amber.
func ExampleBands_Rate() {
	d := decimal.RequireFromString
	fmt.Println(measure.DefaultBands().Rate(d("28"), d("30")))
	fmt.Println(measure.DefaultBands().Rate(d("30"), d("30")))
	fmt.Println(measure.DefaultBands().Rate(d("25"), d("30")))
	// Output:
	// amber
	// green
	// red
}
