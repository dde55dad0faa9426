package evaluate_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/tom"
)

// The fuzz targets are split so that each runs thousands of times a second:
// FuzzParseTender feeds raw bytes to the loader only, from small seeds (a
// few hundred bytes), and FuzzBidValues scores a valid tender whose bid
// values it varies, so that its inputs are short strings. A target that
// took raw bytes all the way through scoring stalled: each new input is
// minimised by running it again and again, which for a document scored
// under the policy took longer than the whole run. Run them with:
//
//	go test -run '^$' -fuzz '^FuzzParseTender$' -fuzztime 60s ./evaluate/
//	go test -run '^$' -fuzz '^FuzzBidValues$' -fuzztime 60s ./evaluate/

// fuzzSeeds are small tenders covering each method and each part of a
// bid, in flow style to keep them short.
var fuzzSeeds = []string{
	`apiVersion: toms/v1
kind: Tender
id: T
title: T
contractType: contract
value: "1000"
year: "2024/25"
criteria:
  price: {weight: "60"}
  quality: [{id: q, name: Q, weight: "30", max: "5", passMark: "2"}]
  socialValue: {weight: "10", quantitativeWeight: "5", qualitativeWeight: "5", max: "5"}
bids:
- {supplier: {name: A, sme: true}, price: "900", quality: {q: "4"}, socialValue: {qualitative: "3", commitments: [{measure: volunteering-hours, quantity: "10"}]}}
- {supplier: {name: B}, price: "950.50", quality: {q: "4"}}
`,
	`apiVersion: toms/v1
kind: Tender
id: T
title: T
contractType: call-off
value: "1"
year: "2024/25"
criteria: {price: {weight: "50", method: budget, floor: "10", ceiling: "20"}, socialValue: {weight: "50", quantitativeWeight: "50", method: target, target: "0.1"}}
tieBreak: [price, quality]
abnormallyLow: "15"
waivers: [{rule: sv-floor, reason: r, approvedBy: a, date: 2025-04-01}]
bids: [{supplier: {name: A}, price: "15", socialValue: {commitments: [{measure: expert-hours, quantity: "2"}]}}]
`,
	`apiVersion: toms/v1
kind: Tender
id: T
title: T
contractType: dps
value: "1"
criteria: {price: {weight: "90", method: linear}, quality: [{id: a, name: A, weight: "10", max: "10"}]}
bids: [{supplier: {name: "A"}, price: "1", quality: {a: "1"}}, {supplier: {name: "a "}, price: "4,200.00", quality: {b: "1"}}]
`,
	"apiVersion: toms/v1\nkind: Tender\nid: x\n",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
}

// checkLoadError fails unless err is a positioned diagnostic.
func checkLoadError(t *testing.T, err error) {
	var d *diag.Diagnostic
	if !errors.As(err, &d) {
		t.Fatalf("error is not positioned: %T %v", err, err)
	}
}

// FuzzParseTender feeds arbitrary bytes to the tender loader: nothing may
// panic, and every failure must be a positioned diag.Diagnostic.
func FuzzParseTender(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := evaluate.ParseTender("fuzz.yaml", data); err != nil {
			checkLoadError(t, err)
		}
	})
}

// bidsTemplate is a valid tender whose bid values FuzzBidValues fills in.
const bidsTemplate = `apiVersion: toms/v1
kind: Tender
id: T
title: T
contractType: contract
value: "1000"
year: "2024/25"
criteria:
  price: {weight: "60", method: %s}
  quality: [{id: q, name: Q, weight: "30", max: "5", passMark: "2"}]
  socialValue: {weight: "10", quantitativeWeight: "5", qualitativeWeight: "5", max: "5"}
tieBreak: [quality]
abnormallyLow: "20"
bids:
- {supplier: {name: %s}, price: %s, quality: {q: %s}, socialValue: {qualitative: %s, commitments: [{measure: volunteering-hours, quantity: %s}]}}
- {supplier: {name: %s}, price: "950.50", quality: {q: "4"}, socialValue: {qualitative: "3"}}
`

// FuzzBidValues fuzzes the values of a valid tender rather than its YAML:
// short strings, so that each run is cheap and most runs reach the scorer
// (names that may collide, prices and scores of any shape and size). The
// values are written as YAML double-quoted strings. The policy is skipped:
// its rules have their own tests and fuzzer, and scoring is the target here.
func FuzzBidValues(f *testing.F) {
	f.Add("lowest", "Kestrel", "900", "4", "3", "10", "Other")
	f.Add("linear", "Caf\u00e9", "4,200.00", "5.5", "-1", "1e3", "Cafe\u0301")
	f.Add("budget", "=SUM(A1)", "0.0000000000000000000001", "2", "5", "99999999999999999999", "SUM")
	fw, err := tom.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, name, price, score, qualitative, quantity, other string) {
		q := strconv.Quote
		doc := fmt.Sprintf(bidsTemplate, q(method), q(name), q(price), q(score), q(qualitative), q(quantity), q(other))
		tender, err := evaluate.ParseTender("fuzz.yaml", []byte(doc))
		if err != nil {
			checkLoadError(t, err)
			return
		}
		res, err := evaluate.Evaluate(context.Background(), tender, tender.Bids, fw, evaluate.Options{SkipPolicy: true})
		if err != nil {
			return
		}
		checkRanking(t, res)
		if len(res.Bids) != 2 {
			t.Fatalf("%d bids in the result, 2 given", len(res.Bids))
		}
	})
}

// checkRanking checks what every result must satisfy.
func checkRanking(t *testing.T, res *evaluate.Result) {
	excluded := false
	for i, b := range res.Bids {
		switch {
		case b.Excluded:
			excluded = true
			if b.Rank != 0 {
				t.Fatalf("excluded bid %q has rank %d", b.Supplier.Name, b.Rank)
			}
		case excluded:
			t.Fatalf("ranked bid %q after an excluded one", b.Supplier.Name)
		case b.Rank < 1 || b.Rank > i+1:
			t.Fatalf("bid %d (%q) has rank %d", i, b.Supplier.Name, b.Rank)
		}
		if b.Tie != nil {
			g, ok := res.TieGroup(b.Tie.Group)
			if !ok || i < g.From || i >= g.To {
				t.Fatalf("bid %d (%q) is not in its tie group %+v", i, b.Supplier.Name, g)
			}
		}
	}
}

// The first two seeds score, so that FuzzEvaluateTender starts from inputs
// that reach the scorer.
func TestFuzzSeedsScore(t *testing.T) {
	fw, err := tom.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range fuzzSeeds[:2] {
		tender, err := evaluate.ParseTender("seed.yaml", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		res, err := evaluate.Evaluate(context.Background(), tender, tender.Bids, fw, evaluate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkRanking(t, res)
	}
}
