package evaluate_test

import (
	"context"
	"fmt"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/tom"
)

// A small tender read from YAML, checked against the embedded default
// policy and scored on the embedded catalogue.
func Example() {
	tender, err := evaluate.ParseTender("tender.yaml", []byte(`
apiVersion: toms/v1
kind: Tender
id: PARKS-7
title: Parks grounds maintenance
contractType: contract
value: "250000"
year: "2024/25"
criteria:
  price: {weight: "50"}
  quality:
    - {id: method, name: Method statement, weight: "40", max: "5", passMark: "2"}
  socialValue: {weight: "10", quantitativeWeight: "10"}
bids:
  - supplier: {name: Greenway Ltd, sme: true}
    price: "240000"
    quality: {method: "4"}
    socialValue:
      commitments: [{measure: volunteering-hours, quantity: "300"}]
  - supplier: {name: Parkcare plc}
    price: "225000"
    quality: {method: "3"}
    socialValue:
      commitments: [{measure: expert-hours, quantity: "20"}]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fw, err := tom.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := evaluate.Evaluate(context.Background(), tender, tender.Bids, fw, evaluate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range res.Policy {
		fmt.Println("policy", o.Rule, o.Status)
	}
	for _, b := range res.Bids {
		fmt.Printf("%d %s: price %s + quality %s + social value %s (£%s) = %s\n", b.Rank, b.Supplier.Name,
			b.Price.Points.StringFixed(2), b.Quality.Points.StringFixed(2), b.SocialValue.Points.StringFixed(2),
			b.SocialValue.Value.StringFixed(2), b.Total.StringFixed(2))
	}
	// Output:
	// policy sv-floor pass
	// policy weights-total pass
	// policy sv-split pass
	// 1 Greenway Ltd: price 46.88 + quality 32.00 + social value 10.00 (£5079.00) = 88.88
	// 2 Parkcare plc: price 50.00 + quality 24.00 + social value 3.98 (£2020.00) = 77.98
}
