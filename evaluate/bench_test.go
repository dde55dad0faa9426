package evaluate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// The benchmark tender is a typical council services tender: price 40 (lowest),
// five quality criteria weighted 15, 10, 10, 10, 5 with maxima 5, 5, 10, 10,
// 3, and social value 10 (highest offer), from one commitment per bid.

var benchWeights = []int64{15, 10, 10, 10, 5}
var benchMax = []int64{5, 5, 10, 10, 3}

func benchTender() *Tender {
	t := &Tender{ID: "B", ContractType: TypeContract, Year: tom.MustYear("2024/25"),
		Criteria: Criteria{Price: PriceCriterion{Weight: decimal.NewFromInt(40)},
			SocialValue: SocialValueCriterion{Weight: decimal.NewFromInt(10), QuantitativeWeight: decimal.NewFromInt(10)}},
		TieBreak: []TieBreak{ByQuality}}
	for k := range benchWeights {
		t.Criteria.Quality = append(t.Criteria.Quality, QualityCriterion{ID: fmt.Sprintf("q%d", k),
			Weight: decimal.NewFromInt(benchWeights[k]), Max: decimal.NewFromInt(benchMax[k])})
	}
	return t
}

// benchBid holds the same inputs as plain numbers for the float64 baseline.
type benchBid struct {
	price, sv float64
	q         [5]float64
}

func benchBids(n int) ([]Bid, []benchBid) {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	bids := make([]Bid, n)
	flt := make([]benchBid, n)
	for i := range bids {
		pence := 50_000_000 + r.Int64N(100_000_000) // £500,000.00 to £1,500,000.00
		sv := r.Int64N(20_000_000)                  // £0 to £200,000.00
		b := Bid{Supplier: Supplier{Name: fmt.Sprintf("Supplier %06d", i)}, Price: decimal.New(pence, -2),
			Quality:     make(map[string]decimal.Decimal, 5),
			SocialValue: SocialValueResponse{Commitments: []Commitment{{Measure: "pounds", Quantity: decimal.New(sv, -2)}}}}
		f := benchBid{price: float64(pence) / 100, sv: float64(sv) / 100}
		for k, m := range benchMax {
			s := r.Int64N(m*2 + 1) // halves
			b.Quality[fmt.Sprintf("q%d", k)] = decimal.New(s*5, -1)
			f.q[k] = float64(s) / 2
		}
		bids[i], flt[i] = b, f
	}
	return bids, flt
}

// BenchmarkScore measures Evaluate (validation, valuation, exact scoring,
// ranking and building the result; no policy) beside the same formulas in
// float64 with a sort, which is not exact and is for reference only.
func BenchmarkScore(b *testing.B) {
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	if err != nil {
		b.Fatal(err)
	}
	t := benchTender()
	for _, n := range []int{10, 1000, 100_000} {
		bids, flt := benchBids(n)
		b.Run(fmt.Sprintf("exact/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := Evaluate(context.Background(), t, bids, fw, Options{SkipPolicy: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/bid")
		})
		b.Run(fmt.Sprintf("float64/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			totals := make([]float64, n)
			order := make([]int, n)
			b.ResetTimer()
			for range b.N {
				floatScore(flt, totals, order)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/bid")
		})
	}
}

func floatScore(bids []benchBid, totals []float64, order []int) {
	minP, maxSV := bids[0].price, 0.0
	for _, b := range bids {
		minP = min(minP, b.price)
		maxSV = max(maxSV, b.sv)
	}
	for i, b := range bids {
		t := 40 * minP / b.price
		for k, w := range benchWeights {
			t += float64(w) * b.q[k] / float64(benchMax[k])
		}
		if maxSV > 0 {
			t += 10 * b.sv / maxSV
		}
		totals[i] = t
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case totals[a] > totals[b]:
			return -1
		case totals[a] < totals[b]:
			return 1
		}
		return a - b
	})
}

// TestFloatBaselineAgrees keeps the benchmark honest: the float64 baseline
// computes the same totals (to float precision) as the exact scorer.
func TestFloatBaselineAgrees(t *testing.T) {
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	if err != nil {
		t.Fatal(err)
	}
	bids, flt := benchBids(500)
	res, err := Evaluate(context.Background(), benchTender(), bids, fw, Options{SkipPolicy: true})
	if err != nil {
		t.Fatal(err)
	}
	totals, order := make([]float64, len(flt)), make([]int, len(flt))
	floatScore(flt, totals, order)
	for _, b := range res.Bids {
		exact := b.Total.Decimal()
		approx := decimal.NewFromFloat(totals[b.Index])
		if exact.Sub(approx).Abs().GreaterThan(decimal.New(1, -9)) {
			t.Fatalf("%s: exact %s, float %s", b.Supplier.Name, exact, approx)
		}
	}
}
