package evaluate

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// randDec returns a random non-negative decimal below limit with up to
// places decimal places.
func randDec(r *rand.Rand, limit int64, places int32) decimal.Decimal {
	return decimal.New(r.Int64N(limit*pow10i(places)), -places)
}

func pow10i(n int32) int64 { return int64(pow10[n]) }

// randomTender draws a tender with the given methods and its bids, with
// awkward weights (37.5), scores with decimals, and now and then inputs with
// so many digits that the 64-bit path must give way to math/big.
func randomTender(r *rand.Rand, n int, pm PriceMethod, sm SocialValueMethod) (*Tender, []Bid) {
	wq1 := decimal.New(r.Int64N(300), -1) // 0 to 29.9
	wq2 := decimal.New(r.Int64N(150), -1)
	sv := decimal.New(r.Int64N(200), -1)
	split := decimal.New(r.Int64N(sv.Shift(1).IntPart()+1), -1)
	price := hundred.Sub(wq1).Sub(wq2).Sub(sv)
	t := &Tender{
		ID: "R", ContractType: TypeContract, Year: tom.MustYear("2024/25"),
		Criteria: Criteria{
			Price: PriceCriterion{Weight: price, Method: pm,
				Floor: decimal.NewFromInt(500), Ceiling: decimal.NewFromInt(1500)},
			Quality: []QualityCriterion{
				{ID: "a", Weight: wq1, Max: decimal.NewFromInt(5)},
				{ID: "b", Weight: wq2, Max: decimal.RequireFromString("7.5")},
			},
			SocialValue: SocialValueCriterion{Weight: sv, QuantitativeWeight: split, QualitativeWeight: sv.Sub(split),
				Max: decimal.NewFromInt(3), Method: sm,
				Target: decimal.New(r.Int64N(50)+1, -2)},
		},
		TieBreak: []TieBreak{ByQuality, ByPrice},
	}
	svc := &t.Criteria.SocialValue
	if svc.def().valued && r.IntN(2) == 0 {
		svc.Valuation = Weighted // pounds has priority 1.5
	}
	if sm == Measures { // tonnes is never offered: it drops out
		svc.Measures = []string{"pounds", "hours", "tonnes"}
		svc.MeasureCriteria = map[string]MeasureCriterion{}
		for _, id := range svc.Measures {
			var mc MeasureCriterion
			if r.IntN(2) == 0 {
				mc.Weight = decimal.New(1+r.Int64N(30), -r.Int32N(2)) // 0.1 to 30
			}
			if r.IntN(3) == 0 {
				mc.Target = decimal.New(1+r.Int64N(100_000), -r.Int32N(3))
			}
			if !mc.Weight.IsZero() || !mc.Target.IsZero() {
				svc.MeasureCriteria[id] = mc
			}
		}
	}
	huge := r.IntN(4) == 0
	bids := make([]Bid, n)
	for i := range bids {
		p := randDec(r, 2000, 2).Add(decimal.NewFromInt(1))
		if huge && i%3 == 0 {
			p = p.Add(decimal.New(1, -25)) // 27 places: no 64-bit scale holds it
		}
		var ql *decimal.Decimal
		if t.Criteria.SocialValue.QualitativeWeight.IsPositive() {
			q := randDec(r, 3, 1)
			ql = &q
		}
		bids[i] = Bid{
			Supplier: Supplier{Name: fmt.Sprintf("S%03d", i)},
			Price:    p,
			Quality:  map[string]decimal.Decimal{"a": randDec(r, 5, 1), "b": randDec(r, 7, 2)},
			SocialValue: SocialValueResponse{Qualitative: ql,
				Commitments: []Commitment{{Measure: "pounds", Quantity: randDec(r, 1000, r.Int32N(3))}}},
		}
		if r.IntN(2) == 0 { // a non-financial measure: £0, but scored by method measures
			bids[i].SocialValue.Commitments = append(bids[i].SocialValue.Commitments,
				Commitment{Measure: "hours", Quantity: randDec(r, 500, r.Int32N(2))})
		}
		if huge && i%3 == 1 { // a quantity no 64-bit scale holds
			c := &bids[i].SocialValue.Commitments[0]
			c.Quantity = c.Quantity.Add(decimal.New(1, -25))
		}
		if r.IntN(5) == 0 { // repeat a bid, to make exact ties
			bids[i].Price, bids[i].Quality = bids[0].Price, bids[0].Quality
			bids[i].SocialValue = bids[0].SocialValue
		}
	}
	return t, bids
}

// randomAnyTender is randomTender with methods drawn from the tables.
func randomAnyTender(r *rand.Rand, n int) (*Tender, []Bid) {
	pm := priceMethods[r.IntN(len(priceMethods))].name
	sm := socialValueMethods[r.IntN(len(socialValueMethods))].name
	return randomTender(r, n, pm, sm)
}

const poundsCatalogue = `apiVersion: toms/v1
kind: Framework
id: t
name: T
themes:
  - id: t
    name: T
    outcomes:
      - id: o
        name: O
        measures:
          - id: pounds
            name: Pounds
            unit: gbp
            priority: "1.5"
            proxies: {"2024/25": {value: "1", source: s, basis: b}}
          - id: hours
            name: Hours
            unit: hours
          - id: tonnes
            name: Tonnes
            unit: tonnes
`

// TestFastPathIsExact checks, for every price method and every social
// value method of the tables, every component's floor(x × 10¹³) and
// remainder flag from the 64-bit path against the exact rational (for a
// component made of several parts, that the exact value lies in the
// bracket of their floors), and that both paths are exercised.
func TestFastPathIsExact(t *testing.T) {
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(1, 2))
	type counts struct{ fast, slow int }
	price := map[PriceMethod]*counts{}
	social := map[SocialValueMethod]*counts{}
	for _, pm := range priceMethods {
		price[pm.name] = &counts{}
		for _, sm := range socialValueMethods {
			if social[sm.name] == nil {
				social[sm.name] = &counts{}
			}
			for iter := 0; iter < 60; iter++ {
				tn, bids := randomTender(r, 1+r.IntN(12), pm.name, sm.name)
				where := fmt.Sprintf("%s/%s iteration %d", pm.name, sm.name, iter)
				g := &gathered{}
				require.NoError(t, validate(tn, bids, fw, g), where)
				s := newScorer(tn, bids, g)
				_, err := s.valueCommitments(fw)
				require.NoError(t, err, where)
				active := make([]int, len(bids))
				for i := range active {
					active[i] = i
				}
				s.prepare(active)
				for i := range bids {
					for c := component(0); c < s.nc; c++ {
						wantF, wantInexact := floorScaled(s.exact(i, c))
						got, m, ok := s.fastComponent(i, c)
						n := map[component]*counts{compPrice: price[pm.name], compSVQuantitative: social[sm.name]}[c]
						if !ok {
							if n != nil {
								n.slow++
							}
							continue
						}
						if n != nil {
							n.fast++
						}
						at := fmt.Sprintf("%s bid %d component %d", where, i, c)
						if m <= 1 {
							require.Equal(t, wantF, got, at)
							require.Equal(t, wantInexact, m == 1, at)
							continue
						}
						// several parts: Σ floors ≤ exact < Σ floors + m × 10⁻³¹
						require.GreaterOrEqual(t, wantF.cmp(got), 0, at)
						require.Less(t, wantF.cmp(got.plus(uint64(m))), 0, at)
					}
				}
			}
		}
	}
	for name, n := range price {
		assert.Greater(t, n.fast, 200, "price method %s: fast path", name)
		assert.Greater(t, n.slow, 2, "price method %s: the big path is exercised too", name)
	}
	for _, m := range socialValueMethods {
		n := social[m.name]
		if m.fast != nil {
			assert.Greater(t, n.fast, 200, "social value method %s: fast path", m.name)
		}
		assert.Greater(t, n.slow, 2, "social value method %s: the big path is exercised too", m.name)
	}
}

// TestSumFloors checks the bracket arithmetic against exact sums: roundFx
// (the Points of a sum of floors) against PointsOf of the exact sum, and
// cmpBracket of two different sums against the exact comparison. Half the
// pairs are the same numbers summed in a different order or split
// differently (x = x/3 + 2x/3), so equal sums with different floors and
// different inexact counts are compared too; the others differ by a tiny
// amount, so that brackets overlap and must give way.
func TestSumFloors(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sumOf := func(xs []*big.Rat) (f fx, m uint64, exact *big.Rat) {
		exact = new(big.Rat)
		for _, x := range xs {
			fk, in := floorScaled(x)
			f = f.add(fk)
			m += b2u(in)
			exact.Add(exact, x)
		}
		return f, m, exact
	}
	decided, undecided, equal, overlaps := 0, 0, 0, 0
	for i := 0; i < 5000; i++ {
		var xs []*big.Rat
		for k := 0; k < 1+r.IntN(5); k++ {
			x := big.NewRat(r.Int64N(100_000_000_000), r.Int64N(999)+1)
			xs = append(xs, x.Quo(x, big.NewRat(1_000_000, 1)))
		}
		ys := slices.Clone(xs)
		r.Shuffle(len(ys), func(a, b int) { ys[a], ys[b] = ys[b], ys[a] })
		if i%2 == 0 { // the same sum, split differently
			third := new(big.Rat).Quo(ys[0], big.NewRat(3, 1))
			ys = append(ys[1:], third, new(big.Rat).Sub(ys[0], third))
		} else { // a different sum, by as little as 10⁻³⁰
			ys = append(ys, big.NewRat(1+r.Int64N(1000), 1), big.NewRat(-1, 1))
			ys[len(ys)-2].Quo(ys[len(ys)-2], new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(30+r.Int64N(4)), nil)))
			ys[len(ys)-1] = new(big.Rat)
		}
		fx1, m1, e1 := sumOf(xs)
		fx2, m2, e2 := sumOf(ys)
		if got, ok := roundFx(fx1, m1); ok {
			require.Equal(t, PointsOf(e1), got, "iteration %d", i)
			decided++
		} else {
			undecided++
		}
		want := e1.Cmp(e2)
		if want == 0 {
			equal++
		}
		if c, ok := cmpBracket(fx1, m1, fx2, m2); ok {
			require.Equal(t, want, c, "iteration %d", i)
		} else {
			overlaps++
		}
	}
	assert.Greater(t, decided, 4000)
	assert.Greater(t, equal, 2000, "equal sums with different floors")
	assert.Greater(t, overlaps, 100, "overlapping brackets are met")
	_ = undecided
}

// TestPointsRounding pins truncation at 12 places and half-up rounding
// of the exact score for display.
func TestPointsRounding(t *testing.T) {
	p := PointsOf(big.NewRat(4000, 108)) // 37.037037037037|037...: truncated 37.037037037037
	assert.Equal(t, "37.037037037037", p.String())
	assert.Equal(t, "37.04", p.StringFixed(2))
	// 2/3 = 0.666666666666|666...: truncated at 12 places, not rounded up to ...667.
	assert.Equal(t, "0.666666666666", PointsOf(big.NewRat(2, 3)).String())
	// 1/8 × 10⁻¹² = 0.000000000000|125: truncated at 12 places, 0 units.
	half := PointsOf(big.NewRat(1, 8_000_000_000_000))
	assert.Equal(t, int64(0), half.Units())
	// 5 × 10⁻¹³ = 0.000000000000|5: truncated, 0 units (rounding would give 1).
	assert.Equal(t, int64(0), PointsOf(big.NewRat(5, 10_000_000_000_000)).Units())
	// 10⁻¹² exactly: 1 unit.
	assert.Equal(t, int64(1), PointsOf(big.NewRat(1, 1_000_000_000_000)).Units())

	// The reviewer's case: a total of exactly 99.0049999999999996. Half-up
	// to 2 places of the exact value: the third place is 4 → 99.00. Its
	// 12-place value is 99.004999999999 (truncated); rounding that half-up to
	// 2 places looks at 4 → 99.00. Rounded at 12 places first (99.005000000000)
	// it would show 99.01: rounding twice is wrong.
	x, _ := new(big.Rat).SetString("990049999999999996/10000000000000000")
	tot := PointsOf(x)
	assert.Equal(t, "99.004999999999", tot.String())
	assert.Equal(t, "99.00", tot.StringFixed(2))
	assert.Equal(t, "99", tot.Round(0).String())
	assert.Equal(t, "99.005", tot.Round(3).String())
	// Exactly at the half-way point: 99.005 → 99.01.
	y, _ := new(big.Rat).SetString("99005/1000")
	assert.Equal(t, "99.01", PointsOf(y).StringFixed(2))

	q, err := ParsePoints("0.125")
	require.NoError(t, err)
	assert.Equal(t, "0.13", q.StringFixed(2), "half-up")
	assert.Equal(t, "0.1", q.Round(1).String())
	text, err := q.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "0.125", string(text))
	q, err = ParsePoints("1.0000000000009")
	require.NoError(t, err)
	assert.Equal(t, "1", q.String(), "truncated beyond 12 places, as scoring does")
	_, err = ParsePoints("-0.5")
	assert.ErrorIs(t, err, ErrNegativePoints, "no score is negative")
}

// TestRoundIsExact checks, for random exact scores, that rounding the
// truncated Points half-up to 0 to 11 places gives the exact score rounded
// half-up, computed here with math/big.
func TestRoundIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for i := 0; i < 20000; i++ {
		var x *big.Rat
		switch i % 3 {
		case 0: // an arbitrary fraction
			x = big.NewRat(r.Int64N(10_000_000_000_000), 100_000_000+r.Int64N(1_000_000_000)) // below 10⁵
		case 1: // just below a half-way point: k + 0.5 at some place, minus a hair
			places := r.Int64N(12)
			x = new(big.Rat).SetFrac(big.NewInt(2*r.Int64N(100_000)+1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(places), nil)))
			x.Sub(x, big.NewRat(1, int64(pow10[13+r.IntN(5)]))) // 10⁻¹³ to 10⁻¹⁷ below
		default: // exactly at a half-way point
			places := r.Int64N(12)
			x = new(big.Rat).SetFrac(big.NewInt(2*r.Int64N(100_000)+1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(places), nil)))
		}
		if x.Sign() < 0 {
			continue
		}
		p := PointsOf(x)
		for places := int32(0); places < Scale; places++ {
			// exact half-up: floor(x × 10^places + 1/2)
			scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
			v := new(big.Rat).Add(new(big.Rat).Mul(x, scale), big.NewRat(1, 2))
			fl := new(big.Int).Quo(v.Num(), v.Denom())
			want := decimal.NewFromBigInt(fl, -places)
			require.Truef(t, want.Equal(p.Round(places)), "x=%s places=%d: got %s, want %s", x.FloatString(20), places, p.Round(places), want)
		}
	}
}

func TestSortU64(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{0, 1, 5, 1023, 1024, 5000} {
		for _, bitsUsed := range []uint{8, 17, 40, 64} {
			xs := make([]uint64, n)
			for i := range xs {
				xs[i] = r.Uint64() >> (64 - bitsUsed)
				if i%7 == 0 && i > 0 {
					xs[i] = xs[i-1] // repeats
				}
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			sortU64(xs)
			require.Equal(t, want, xs, "n=%d bits=%d", n, bitsUsed)
		}
	}
}

// TestSortKeys checks the two-stage sort against a plain sort with the same
// comparison, on totals crowded round a few values so that leading bits are
// often equal and brackets often overlap, across a step of the leading bits
// too (maxHi is large, so the leading bits drop the last 9 or more of hi).
func TestSortKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for iter := 0; iter < 200; iter++ {
		n := 2 + r.IntN(3000)
		keys := make([]key, n)
		exact := make([]*big.Int, n) // the value each bracket stands for, in 10⁻³¹/1000
		for p := range keys {
			hi := uint64(1<<60) + 510 + uint64(r.IntN(4)) // across a step of hi>>9 at 512
			lo := uint64(e18 - 1 - r.IntN(4))
			if r.IntN(2) == 0 {
				lo = uint64(r.IntN(4))
			}
			m := uint32(r.IntN(3))
			keys[p] = key{fx{hi, lo}, m, int32(p)}
			v := new(big.Int).Mul(new(big.Int).SetUint64(hi), big.NewInt(e18))
			v.Add(v, new(big.Int).SetUint64(lo))
			v.Mul(v, big.NewInt(1000))
			if m > 0 { // strictly inside [f, f+m)
				v.Add(v, big.NewInt(1+r.Int64N(int64(m)*1000-1)))
			}
			exact[p] = v
		}
		cmp := func(a, b key) int {
			if c, ok := cmpBracket(a.f, uint64(a.m), b.f, uint64(b.m)); ok && c != 0 {
				return -c
			}
			if c := exact[a.i].Cmp(exact[b.i]); c != 0 {
				return -c
			}
			return int(a.i) - int(b.i)
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, cmp)
		sortKeys(keys, cmp)
		require.Equal(t, want, keys, "iteration %d", iter)
	}
}
