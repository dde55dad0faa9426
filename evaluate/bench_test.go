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

// The benchmark tender is a typical council services tender: price 40
// (lowest), five quality criteria weighted 15, 10, 10, 10, 5 with maxima 5,
// 5, 10, 10, 3, and social value 10, scored by method highest from one
// commitment per bid, or by method measures from three (pounds, hours and
// tonnes, weighted 1, 2 and 3, hours against a target of 1,500).

var benchWeights = []int64{15, 10, 10, 10, 5}
var benchMax = []int64{5, 5, 10, 10, 3}

// benchMeasures are the measures of method measures: id, weight, target (0: the best offer).
var benchMeasures = []struct {
	id             string
	weight, target int64
}{{"pounds", 1, 0}, {"hours", 2, 1500}, {"tonnes", 3, 0}}

func benchTender(method SocialValueMethod) *Tender {
	t := &Tender{ID: "B", ContractType: TypeContract, Year: tom.MustYear("2024/25"),
		Criteria: Criteria{Price: PriceCriterion{Weight: decimal.NewFromInt(40)},
			SocialValue: SocialValueCriterion{Weight: decimal.NewFromInt(10), QuantitativeWeight: decimal.NewFromInt(10), Method: method}},
		TieBreak: []TieBreak{ByQuality}}
	for k := range benchWeights {
		t.Criteria.Quality = append(t.Criteria.Quality, QualityCriterion{ID: fmt.Sprintf("q%d", k),
			Weight: decimal.NewFromInt(benchWeights[k]), Max: decimal.NewFromInt(benchMax[k])})
	}
	if method == Measures {
		sv := &t.Criteria.SocialValue
		sv.MeasureCriteria = map[string]MeasureCriterion{}
		for _, m := range benchMeasures {
			sv.Measures = append(sv.Measures, m.id)
			sv.MeasureCriteria[m.id] = MeasureCriterion{Weight: decimal.NewFromInt(m.weight), Target: decimal.NewFromInt(m.target)}
		}
	}
	return t
}

// benchBid holds the same inputs as plain numbers for the float64 baseline.
type benchBid struct {
	price, sv float64
	q         [5]float64
	m         [3]float64 // quantities of benchMeasures
}

func benchBids(n int, method SocialValueMethod) ([]Bid, []benchBid) {
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
		f.m[0] = f.sv
		if method == Measures {
			hours := r.Int64N(2001)  // 0 to 2,000 hours
			tenths := r.Int64N(5001) // 0 to 500.0 tonnes
			b.SocialValue.Commitments = append(b.SocialValue.Commitments,
				Commitment{Measure: "hours", Quantity: decimal.NewFromInt(hours)},
				Commitment{Measure: "tonnes", Quantity: decimal.New(tenths, -1)})
			f.m[1], f.m[2] = float64(hours), float64(tenths)/10
		}
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
// ranking and building the result; no policy) for methods highest and
// measures, each beside the same formulas in float64 with a sort, which is
// not exact and is for reference only: compare the two in the same run.
//
//	go test -run '^$' -bench 'BenchmarkScore/.*/.*/n=100000' -benchmem -count 3 ./evaluate/
func BenchmarkScore(b *testing.B) {
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	if err != nil {
		b.Fatal(err)
	}
	for _, method := range []SocialValueMethod{Highest, Measures} {
		t := benchTender(method)
		for _, n := range []int{10, 1000, 100_000} {
			bids, flt := benchBids(n, method)
			b.Run(fmt.Sprintf("%s/exact/n=%d", method, n), func(b *testing.B) {
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cpuTime()
				for range b.N {
					if _, err := Evaluate(context.Background(), t, bids, fw, Options{SkipPolicy: true}); err != nil {
						b.Fatal(err)
					}
				}
				reportPerBid(b, n, cpu)
			})
			b.Run(fmt.Sprintf("%s/float64/n=%d", method, n), func(b *testing.B) {
				b.ReportAllocs()
				totals := make([]float64, n)
				order := make([]int, n)
				b.ResetTimer()
				cpu := cpuTime()
				for range b.N {
					floatScore(flt, method, totals, order)
				}
				reportPerBid(b, n, cpu)
			})
		}
	}
}

// reportPerBid reports wall time per bid and the process's CPU time per
// operation since cpu (see cpuTime): on a shared machine the CPU time is
// the steadier figure.
func reportPerBid(b *testing.B, n int, cpu int64) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/bid")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

func floatScore(bids []benchBid, method SocialValueMethod, totals []float64, order []int) {
	minP := bids[0].price
	var best [3]float64
	for _, b := range bids {
		minP = min(minP, b.price)
		for m := range best {
			best[m] = max(best[m], b.m[m])
		}
	}
	var ref [3]float64
	wsum := 0.0
	for m, bm := range benchMeasures {
		ref[m] = best[m]
		if bm.target > 0 {
			ref[m] = float64(bm.target)
		}
		if best[m] > 0 {
			wsum += float64(bm.weight)
		}
	}
	for i, b := range bids {
		t := 40 * minP / b.price
		for k, w := range benchWeights {
			t += float64(w) * b.q[k] / float64(benchMax[k])
		}
		switch method {
		case Measures:
			s := 0.0
			for m, bm := range benchMeasures {
				if best[m] > 0 {
					s += float64(bm.weight) * min(1, b.m[m]/ref[m])
				}
			}
			if wsum > 0 {
				t += 10 * s / wsum
			}
		default:
			if best[0] > 0 {
				t += 10 * b.sv / best[0]
			}
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
	for _, method := range []SocialValueMethod{Highest, Measures} {
		bids, flt := benchBids(500, method)
		res, err := Evaluate(context.Background(), benchTender(method), bids, fw, Options{SkipPolicy: true})
		if err != nil {
			t.Fatal(err)
		}
		totals, order := make([]float64, len(flt)), make([]int, len(flt))
		floatScore(flt, method, totals, order)
		for _, b := range res.Bids {
			exact := b.Total.Decimal()
			approx := decimal.NewFromFloat(totals[b.Index])
			if exact.Sub(approx).Abs().GreaterThan(decimal.New(1, -9)) {
				t.Fatalf("%s %s: exact %s, float %s", method, b.Supplier.Name, exact, approx)
			}
		}
	}
}
