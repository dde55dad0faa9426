package evaluate

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// compareScore's integer comparison at the score's exponent agrees with
// the decimal comparison for scores, maxima and pass marks of mixed
// exponents (whole, tenths, hundredths, 1e1), including the rescaling when
// the exponent changes from one score to the next.
func TestCompareScoreAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	dec := func() decimal.Decimal { return decimal.New(r.Int64N(120), int32(r.IntN(4))-2) }
	for iter := 0; iter < 200; iter++ {
		max, pass := dec(), dec()
		tn := &Tender{Criteria: Criteria{Quality: []QualityCriterion{{ID: "q", Max: max, PassMark: pass}}}}
		c := newBidChecker(tn, nil, "bids", nil)
		for k := 0; k < 20; k++ {
			s := dec()
			within, passed := c.compareScore(0, numOf(s), s)
			if want := !s.IsNegative() && s.LessThanOrEqual(max); within != want {
				t.Fatalf("score %s max %s: within %v, want %v", s, max, within, want)
			}
			if want := s.GreaterThanOrEqual(pass); passed != want {
				t.Fatalf("score %s pass mark %s: passed %v, want %v", s, pass, passed, want)
			}
		}
	}
}
