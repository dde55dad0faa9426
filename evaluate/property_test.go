package evaluate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

func poundsFramework(t testing.TB) *tom.Framework {
	t.Helper()
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	require.NoError(t, err)
	return fw
}

func evalNoPolicy(t testing.TB, tn *Tender, bids []Bid, fw *tom.Framework) *Result {
	t.Helper()
	res, err := Evaluate(context.Background(), tn, bids, fw, Options{SkipPolicy: true})
	require.NoError(t, err)
	return res
}

// weightPoints is a weight as Points (weights have at most 12 places here).
func weightPoints(w decimal.Decimal) Points { return Points{w.Shift(Scale).IntPart()} }

func TestPropertyLowestPriceGetsFullWeight(t *testing.T) {
	fw := poundsFramework(t)
	r := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 200; iter++ {
		tn, bids := randomAnyTender(r, 1+r.IntN(15))
		tn.Criteria.Price.Method = Lowest
		res := evalNoPolicy(t, tn, bids, fw)
		for _, b := range res.Bids {
			if !b.Excluded && b.Price.Price.Equal(res.LowestPrice) {
				require.Equal(t, weightPoints(tn.Criteria.Price.Weight), b.Price.Points, "iteration %d: %s", iter, b.Supplier.Name)
			}
		}
	}
}

func TestPropertyScoresWithinWeights(t *testing.T) {
	fw := poundsFramework(t)
	r := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 200; iter++ {
		tn, bids := randomAnyTender(r, 1+r.IntN(15))
		res := evalNoPolicy(t, tn, bids, fw)
		c := tn.Criteria
		for _, b := range res.Bids {
			msg := fmt.Sprintf("iteration %d: %s", iter, b.Supplier.Name)
			within := func(p Points, w decimal.Decimal, what string) {
				assert.GreaterOrEqual(t, p.Units(), int64(0), "%s %s", msg, what)
				assert.LessOrEqual(t, p.Units(), weightPoints(w).Units(), "%s %s", msg, what)
			}
			within(b.Price.Points, c.Price.Weight, "price")
			for j, q := range b.Quality.Criteria {
				within(q.Points, c.Quality[j].Weight, "quality "+q.ID)
			}
			within(b.Quality.Points, tn.Weights().Quality, "quality")
			within(b.SocialValue.Quantitative, c.SocialValue.QuantitativeWeight, "quantitative")
			within(b.SocialValue.Qualitative, c.SocialValue.QualitativeWeight, "qualitative")
			within(b.SocialValue.Points, c.SocialValue.Weight, "social value")
			within(b.Total, hundred, "total")
		}
	}
}

// snapshot is what must not depend on the order of the bids.
type snapshot struct {
	Rank      int
	Total     Points
	Excluded  bool
	TiedWith  []string
	DecidedBy TieBreak
	Flags     int
}

func snap(res *Result) map[string]snapshot {
	out := map[string]snapshot{}
	for _, b := range res.Bids {
		s := snapshot{Rank: b.Rank, Total: b.Total, Excluded: b.Excluded, Flags: len(b.Flags)}
		if b.Tie != nil {
			g, ok := res.TieGroup(b.Tie.Group)
			if !ok {
				panic("a tie without its group")
			}
			for _, o := range res.Bids[g.From:g.To] {
				if o.Supplier.Name != b.Supplier.Name {
					s.TiedWith = append(s.TiedWith, o.Supplier.Name)
				}
			}
			sort.Strings(s.TiedWith)
			s.DecidedBy = b.Tie.DecidedBy
		}
		out[b.Supplier.Name] = s
	}
	return out
}

func TestPropertyRankingIndependentOfOrder(t *testing.T) {
	fw := poundsFramework(t)
	r := rand.New(rand.NewPCG(9, 10))
	ties, excluded, allExcluded := 0, 0, 0
	for iter := 0; iter < 200; iter++ {
		tn, bids := randomAnyTender(r, 2+r.IntN(15))
		tn.AbnormallyLow = decimal.NewFromInt(15)
		if iter%2 == 0 {
			tn.TieBreak = nil
		}
		// Pass marks exclude some bids (scores on "a" are 0 to 4.9), and
		// now and then all of them; their listing must not depend on the
		// input order either.
		switch iter % 4 {
		case 1:
			tn.Criteria.Quality[0].PassMark = decimal.RequireFromString("2.5")
		case 3:
			tn.Criteria.Quality[0].PassMark = decimal.RequireFromString("4.9")
			tn.Criteria.Quality[1].PassMark = decimal.RequireFromString("6.5")
		}
		want := evalNoPolicy(t, tn, bids, fw)
		for range 3 {
			shuffled := slices.Clone(bids)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			got := evalNoPolicy(t, tn, shuffled, fw)
			require.Equal(t, snap(want), snap(got), "iteration %d", iter)
			require.Equal(t, suppliersOf(want), suppliersOf(got), "the listing order is the same too")
		}
		for _, b := range want.Bids {
			if b.Tie != nil {
				ties++
			}
			if b.Excluded {
				excluded++
			}
		}
		if want.Ranked() == 0 {
			allExcluded++
		}
	}
	assert.Greater(t, ties, 20, "the generator makes ties")
	assert.Greater(t, excluded, 200, "the generator makes excluded bids")
	assert.Greater(t, allExcluded, 5, "and tenders where every bid is excluded")
}

func suppliersOf(res *Result) []string {
	var out []string
	for _, b := range res.Bids {
		out = append(out, b.Supplier.Name)
	}
	return out
}
