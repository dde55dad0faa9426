package evaluate_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/socialvalue-toms/toms/diag"
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

// The award CSV a program writes through the library is the one `toms
// evaluate --format csv` prints: the same renderer. Text cells a
// spreadsheet would run as a formula get a leading quote.
func ExampleResult_WriteCSV() {
	tender, err := evaluate.ParseTender("tender.yaml", []byte(`
apiVersion: toms/v1
kind: Tender
id: T-CSV
title: Two bids
contractType: contract
value: "90000"
criteria:
  price: {weight: "90"}
  socialValue: {weight: "10", qualitativeWeight: "10", max: "5"}
bids:
  - supplier: {name: "=Acme"}
    price: "100"
    socialValue: {qualitative: "5"}
  - supplier: {name: Kestrel Civils, sme: true}
    price: "200"
    socialValue: {qualitative: "4"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := evaluate.Evaluate(context.Background(), tender, tender.Bids, nil, evaluate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := res.WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// rank,supplier,sme,vcse,local,price,price_points,quality_points,social_value_gbp,social_value_quantitative_points,social_value_qualitative_points,social_value_points,total,excluded,reasons,flags,tie_group,tie_decided_by,social_value_per_pound,social_value_weighted_gbp
	// 1,'=Acme,false,false,false,100,90,0,0,0,10,10,100,false,,,,,0.0000,
	// 2,Kestrel Civils,true,false,false,200,45,0,0,0,8,8,53,false,,,,,0.0000,
}

// Reading a tender from a stream, such as an uploaded file: the name is used
// in positions, and the size limit (4 MiB unless raised) ends the read of
// an endless or oversized upload with an error matching diag.ErrTooLarge.
func ExampleReadTender() {
	upload := strings.NewReader(`apiVersion: toms/v1
kind: Tender
id: LIB-2
title: Library refurbishment
contractType: contract
value: "80000"
year: "2024/25"
criteria:
  price: {weight: "60"}
  quality: [{id: design, weight: "30", max: "10"}]
  socialValue: {weight: "10", quantitativeWeight: "10"}
`)
	tender, err := evaluate.ReadTender(upload, "upload.yaml", evaluate.ReadOptions{MaxBytes: 1 << 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tender.ID, tender.Title)

	_, err = evaluate.ReadTender(strings.NewReader("apiVersion: toms/v1\nkind: Tender\ntitle: "+strings.Repeat("x", 100)),
		"big.yaml", evaluate.ReadOptions{MaxBytes: 64})
	fmt.Println(errors.Is(err, diag.ErrTooLarge), err)
	// Output:
	// LIB-2 Library refurbishment
	// true big.yaml:3:32: the file is larger than 64 bytes, the limit for one input file; it passes the limit here
}

// Scoring social value measure by measure: each measure the tender lists
// earns points for the quantity offered, in its own unit, so that a bid
// offering only non-financial measures (apprentices, local SME spend) is
// not left with nothing, as it would be under method highest (£0 of
// proxy value). Weights default to the catalogue's priority (1 here).
func Example_measures() {
	tender, err := evaluate.ParseTender("tender.yaml", []byte(`
apiVersion: toms/v1
kind: Tender
id: DEPOT-3
title: Depot refurbishment
contractType: contract
value: "400000"
year: "2024/25"
criteria:
  price: {weight: "60"}
  quality: [{id: method, name: Method, weight: "30", max: "5"}]
  socialValue:
    weight: "10"
    quantitativeWeight: "10"
    method: measures
    measures:
      - volunteering-hours
      - {id: local-apprentices, weight: "2"}
      - {id: local-sme-spend, target: "50000.00"}
bids:
  - supplier: {name: Alder Build}
    price: "390000.00"
    quality: {method: "4"}
    socialValue:
      commitments: [{measure: volunteering-hours, quantity: "200"}]
  - supplier: {name: Brook Contractors, sme: true, local: true}
    price: "395000.00"
    quality: {method: "4"}
    socialValue:
      commitments:
        - {measure: local-apprentices, quantity: "2"}
        - {measure: local-sme-spend, quantity: "25000.00"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := evaluate.Evaluate(context.Background(), tender, tender.Bids, nil, evaluate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Σ weight = 1 + 2 + 1 = 4. Alder: 10 × 1 × 200/200 / 4 = 2.50.
	// Brook: 10 × (2 × 2/2 + 1 × 25,000/50,000) / 4 = 10 × 2.5 / 4 = 6.25.
	for _, b := range res.Bids {
		fmt.Printf("%d. %s: social value %s (£%s, £%s per £1)\n", b.Rank, b.Supplier.Name,
			b.SocialValue.Quantitative.StringFixed(2), b.SocialValue.Value.StringFixed(2), b.PerPound().StringFixed(evaluate.PerPoundPlaces))
	}
	// Output:
	// 1. Brook Contractors: social value 6.25 (£0.00, £0.0000 per £1)
	// 2. Alder Build: social value 2.50 (£3386.00, £0.0087 per £1)
}
