// Package spread divides a total between parts exactly: a contract's value
// or a commitment over the financial years a contract runs in.
package spread

import (
	"math/big"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// YearDays is the part of a date range that falls in one financial year.
type YearDays struct {
	Year        tom.Year  // the financial year
	First, Last time.Time // the first and last day of the range in the year
	Days        int64     // Last − First + 1
}

// Days splits the days from start to end, both included, by UK financial
// year (1 April to 31 March), in order. It returns nil when end is before
// start. Times are taken as calendar dates.
func Days(start, end time.Time) []YearDays {
	start, end = date(start), date(end)
	if end.Before(start) {
		return nil
	}
	var out []YearDays
	for first := start; !first.After(end); {
		y := tom.YearOf(first)
		last := time.Date(y.Start()+1, time.March, 31, 0, 0, 0, 0, time.UTC)
		if last.After(end) {
			last = end
		}
		out = append(out, YearDays{Year: y, First: first, Last: last, Days: int64(last.Sub(first)/(24*time.Hour)) + 1})
		first = last.AddDate(0, 0, 1)
	}
	return out
}

func date(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Split divides total between parts in proportion to weights, in steps of
// 10^-places (or finer, when total has more places), so that the parts add
// up to total exactly. Each part first gets its exact share rounded down to
// a step (the largest remainder method); the steps left over, fewer than
// the number of parts, then go one each to the parts whose shares lost the
// most in rounding, the earlier part first when two lost the same. A part
// of weight zero gets zero. total and the weights must not be negative, and
// the weights must not all be zero (Split then returns nil).
func Split(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	if e := -total.Exponent(); e > places {
		places = e
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	units := new(big.Rat).Mul(total.Rat(), new(big.Rat).SetInt(scale)) // an integer: total has at most places decimals
	sum := new(big.Rat)
	for _, w := range weights {
		if w.IsNegative() {
			return nil
		}
		sum.Add(sum, w.Rat())
	}
	if sum.Sign() == 0 || total.IsNegative() {
		return nil
	}
	type part struct {
		i    int
		n    *big.Int
		frac *big.Rat
	}
	parts := make([]part, len(weights))
	left := new(big.Int).Set(units.Num())
	for i, w := range weights {
		share := new(big.Rat).Mul(units, w.Rat())
		share.Quo(share, sum)
		n := new(big.Int).Quo(share.Num(), share.Denom()) // floor: share ≥ 0
		frac := new(big.Rat).Sub(share, new(big.Rat).SetInt(n))
		parts[i] = part{i, n, frac}
		left.Sub(left, n)
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return parts[order[a]].frac.Cmp(parts[order[b]].frac) > 0 })
	for k := 0; left.Sign() > 0; k++ {
		parts[order[k]].n.Add(parts[order[k]].n, big.NewInt(1))
		left.Sub(left, big.NewInt(1))
	}
	out := make([]decimal.Decimal, len(parts))
	for i, p := range parts {
		out[i] = decimal.NewFromBigInt(p.n, -places)
	}
	return out
}
