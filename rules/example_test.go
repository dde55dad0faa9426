package rules_test

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/rules"
)

// Check a framework tender against the embedded default policy.
func ExampleSet_Check() {
	set, err := rules.Default()
	if err != nil {
		panic(err)
	}
	d := decimal.RequireFromString
	tender := &rules.Tender{
		ID: "T-2025-031", ContractType: "framework", Value: d("250000.00"),
		Weights:     rules.Weights{Price: d("62"), Quality: d("30"), SocialValue: d("8")},
		SocialValue: rules.SocialValue{Quantitative: d("4"), Qualitative: d("4")},
	}
	rep, err := set.Check(context.Background(), rules.Input{Tender: tender}, rules.CheckOptions{})
	if err != nil {
		panic(err)
	}
	for _, o := range rep.Verdicts {
		fmt.Println(o.Rule, o.Status)
		if o.Message != "" {
			fmt.Println(" ", o.Message)
		}
		for _, v := range o.Values {
			fmt.Printf("  %s = %s\n", v.Expr, v.Value)
		}
	}
	fmt.Println("stop the tender:", rep.Failed())
	// Output:
	// sv-floor fail
	//   Social value is weighted 8 points; tenders over £100,000.00 (excluding VAT) need at least 10 points, or an approved waiver.
	//   tender.weights.socialValue = 8
	//   constants.floor = 10
	// weights-total pass
	// sv-split pass
	// stop the tender: true
}

// Rule files are compiled when they are loaded; every mistake comes back
// with its file, line and column, the line and a caret.
func ExampleParse() {
	_, err := rules.Parse("council.yaml", []byte(`apiVersion: toms/v1
kind: RuleSet
metadata: {name: council}
rules:
  - id: big-contracts
    expr: tender.vaule > money("500000.00")
`))
	fmt.Println(err)
	// Output:
	// council.yaml:6:18: rule big-contracts: rules[0].expr: undefined field 'vaule'; did you mean 'value'?
	//  6 |     expr: tender.vaule > money("500000.00")
	//    |                  ^
}

// Raise the floor to 15 points by extending the default policy.
func ExampleParse_override() {
	set, err := rules.Parse("council.yaml", []byte(`apiVersion: toms/v1
kind: RuleSet
extends: default
metadata: {name: council}
constants:
  floor: {type: decimal, value: "15", override: true}
`))
	if err != nil {
		panic(err)
	}
	for _, c := range set.Constants() {
		fmt.Printf("%s (%s) = %s from %s\n", c.Name, c.Type, c.Value, c.Pos)
	}
	// Output:
	// threshold (money) = £100,000.00 from default/social-value.yaml:23:3
	// floor (decimal) = 15 from council.yaml:6:3
	// totalWeight (decimal) = 100 from default/social-value.yaml:34:3
}
