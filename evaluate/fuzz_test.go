package evaluate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

// The fuzz targets are split so that each runs thousands of times a second:
// FuzzParseTender feeds raw bytes to the loader only, from small seeds (a
// few hundred bytes), and FuzzBidValues scores a valid tender whose bid
// values it varies, so that its inputs are short strings and no YAML is
// parsed. A target that took raw bytes all the way through scoring stalled:
// each new input is minimised by running it again and again, which for a
// document scored under the policy took longer than the whole run. Run
// them with:
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

// FuzzBidValues scores a valid tender whose bid values it varies: short
// strings, parsed as the loader parses numbers (dectext.Parse), so that each
// run is cheap (no YAML: FuzzParseTender covers the loader) and most runs
// reach the scorer: names that may collide or look alike, prices, scores
// and quantities of any shape and size, each price method. The policy is
// skipped: its rules have their own tests and fuzzers; scoring is the
// target here. The result must rank consistently (see checkRanking).
func FuzzBidValues(f *testing.F) {
	f.Add("lowest", "Kestrel", "900", "4", "3", "10", "Other")
	f.Add("linear", "Caf\u00e9", "4200.00", "5.5", "-1", "1000", "Cafe\u0301")
	f.Add("budget", "=SUM(A1)", "0.0000000000000000000001", "2", "5", "99999999999999999999", "SUM")
	f.Add("lowest", "A", "950.50", "4", "3", "0", "B")              // a tie with the second bid (#8.7)
	f.Add("lowest", "Stra\u00dfe", "900", "4", "3", "1", "STRASSE") // look-alike names (#8.14)
	fw := testFramework(f)
	tender := design("60", []evaluate.QualityCriterion{{ID: "q", Name: "Q", Weight: d("30"), Max: d("5"), PassMark: d("2")}},
		evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("5"), QualitativeWeight: d("5"), Max: d("5")})
	tender.Criteria.Price.Floor, tender.Criteria.Price.Ceiling = d("10"), d("2000")
	tender.TieBreak, tender.AbnormallyLow = []evaluate.TieBreak{evaluate.ByQuality}, d("20")
	f.Fuzz(func(t *testing.T, method, name, price, score, qualitative, quantity, other string) {
		var nums [4]decimal.Decimal
		for i, s := range []string{price, score, qualitative, quantity} {
			var err error
			if nums[i], err = dectext.Parse(s); err != nil {
				return // the loader refuses it: FuzzParseTender's ground
			}
		}
		tn := *tender
		tn.Criteria.Price.Method = evaluate.PriceMethod(method)
		bids := []evaluate.Bid{
			{Supplier: evaluate.Supplier{Name: name}, Price: nums[0], Quality: map[string]decimal.Decimal{"q": nums[1]},
				SocialValue: evaluate.SocialValueResponse{Qualitative: &nums[2], Commitments: []evaluate.Commitment{{Measure: "pounds", Quantity: nums[3]}}}},
			{Supplier: evaluate.Supplier{Name: other}, Price: d("950.50"), Quality: map[string]decimal.Decimal{"q": d("4")},
				SocialValue: evaluate.SocialValueResponse{Qualitative: dp("3")}},
		}
		res, err := evaluate.Evaluate(context.Background(), &tn, bids, fw, evaluate.Options{SkipPolicy: true})
		if err != nil {
			var list diag.List
			if !errors.As(err, &list) {
				t.Fatalf("a refusal is not a list of problems: %T %v", err, err)
			}
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
