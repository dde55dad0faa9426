package evaluate

import (
	"errors"
	"math/big"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

// Scale is the number of decimal places a Points value carries.
const Scale = 12

// Points is a score in points of the 100-point total, held as an integer
// count of 10⁻¹² points: the exact score truncated (toward zero, which for a
// score, never negative, is the floor) at Scale (12) decimal places. A score
// with 12 or fewer decimal places is held exactly; one that repeats (40 ×
// 100/105) loses its digits beyond the 12th.
//
// Holding the floor rather than a rounded value keeps presentation exact:
// rounding half-up to fewer than 12 places (Round, StringFixed) from the
// truncated value gives the same result as rounding the exact score, because
// every half-way point of a coarser grid (such as 99.005) lies on the
// 12-place grid, where the truncated value is at or above it exactly when the
// exact score is. Truncation is monotone, so a higher exact score never shows
// as a lower Points value; ranks and ties are decided on the exact scores,
// never on these values. The zero value is 0 points; a Points value is never
// negative.
type Points struct{ units int64 }

var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// Units returns the score as an integer count of 10⁻¹² points, truncated.
func (p Points) Units() int64 { return p.units }

// Decimal returns the score truncated at 12 decimal places, as a decimal
// with 12 decimal places.
func (p Points) Decimal() decimal.Decimal { return decimal.New(p.units, -Scale) }

// Round returns the exact score rounded half-up to places decimal places,
// the way an officer's report shows it (2 places). For places from 0 to 11
// the result is that of rounding the exact score, not the 12-place value (a
// score of exactly 99.0049999999999996 rounds to 99.00, although its
// 12-place value would round to 99.01 if it were itself rounded at 12
// places). For places of 12 or more it returns the 12-place truncated value,
// Decimal(): a Points value does not know the digits beyond the 12th.
func (p Points) Round(places int32) decimal.Decimal {
	if places >= Scale {
		return p.Decimal()
	}
	if places < 0 {
		places = 0
	}
	step := int64(pow10[Scale-places])
	return decimal.New((p.units+step/2)/step, -places) // units ≥ 0: the division truncates = floors
}

// StringFixed renders the score rounded half-up to places decimal places as
// Round does, always showing them ("37.04", "40.00").
func (p Points) StringFixed(places int32) string { return p.Round(places).StringFixed(places) }

// String renders the score truncated at 12 decimal places, trailing zeros
// removed ("37.037037037037", "40").
func (p Points) String() string { return p.Decimal().String() }

// MarshalText renders the score as String does, for JSON and other encoders.
func (p Points) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Cmp compares two scores: -1, 0 or +1.
func (p Points) Cmp(q Points) int {
	switch {
	case p.units < q.units:
		return -1
	case p.units > q.units:
		return 1
	}
	return 0
}

// PointsOf truncates an exact score to Points. It is for tests and callers
// who compute a score by hand; it panics on a negative score or one
// above 2⁶² × 10⁻¹³ points (about 461,168), far above any 100-point
// total.
func PointsOf(r *big.Rat) Points {
	v, _ := floorScaled(r)
	return Points{int64(v.hi / 10)}
}

// ErrNegativePoints is returned by ParsePoints for a negative score: no
// score is below zero.
var ErrNegativePoints = errors.New("evaluate: a score cannot be negative")

// ParsePoints reads a decimal such as "37.037037037037" as Points,
// truncating beyond 12 places as scoring does. A negative decimal is an
// error (ErrNegativePoints); so is one of 10⁶ points or more
// (strconv.ErrRange).
func ParsePoints(s string) (Points, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Points{}, err
	}
	if d.IsNegative() {
		return Points{}, ErrNegativePoints
	}
	u := d.Shift(Scale).Truncate(0)
	if u.NumDigits() > 18 {
		return Points{}, strconv.ErrRange
	}
	return Points{u.IntPart()}, nil
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// floorScale is one more place than Scale: a score x is held as
// floor(x × 10³¹) split in two words, fx, so that its Points,
// floor(x × 10¹²) = floor(floor(x × 10¹³) / 10), follow exactly, and so
// that sums of inexact scores are bracketed 10⁻³¹ wide.
const floorScale = Scale + 1

const e18 = 1_000_000_000_000_000_000

// fx is a non-negative score x as floor(x × 10³¹): x × 10¹³ = hi + lo/10¹⁸
// with lo < 10¹⁸.
type fx struct{ hi, lo uint64 }

func (a fx) add(b fx) fx {
	a.hi += b.hi
	a.lo += b.lo
	if a.lo >= e18 {
		a.lo -= e18
		a.hi++
	}
	return a
}

// plus adds m units of 10⁻³¹ (m < 10¹⁸).
func (a fx) plus(m uint64) fx { return a.add(fx{0, m}) }

func (a fx) cmp(b fx) int {
	if c := cmpU(a.hi, b.hi); c != 0 {
		return c
	}
	return cmpU(a.lo, b.lo)
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var big31 = new(big.Int).Exp(big.NewInt(10), big.NewInt(31), nil)

// floorScaled returns floor(r × 10³¹) for a non-negative r and whether
// r × 10³¹ was not an integer.
func floorScaled(r *big.Rat) (fx, bool) {
	num := new(big.Int).Mul(r.Num(), big31)
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	hi, lo := new(big.Int).QuoRem(q, new(big.Int).SetUint64(e18), new(big.Int))
	if r.Sign() < 0 || !hi.IsUint64() || hi.Uint64() > 1<<62 {
		panic("evaluate: score out of range")
	}
	return fx{hi.Uint64(), lo.Uint64()}, m.Sign() != 0
}

// roundFx turns v = Σ floor(xᵢ × 10³¹), m of which were inexact, into Points
// (the sum truncated at 12 places) when that is determined: the exact sum ×
// 10³¹ lies in [v, v+m), and as long as that bracket does not reach the next
// multiple of 10¹⁹ (the next 10⁻¹²), floor(sum × 10¹²) is floor(v.hi / 10).
// Otherwise ok is false and the caller sums the exact values.
func roundFx(v fx, m uint64) (p Points, ok bool) {
	// v mod 10¹⁹ = (v.hi mod 10) × 10¹⁸ + v.lo; the bracket stays in the cell
	// when that plus m is at most 10¹⁹. m is a count of components, small.
	rest := (v.hi%10)*e18 + v.lo // < 10¹⁹ < 2⁶⁴
	return Points{int64(v.hi / 10)}, m == 0 || rest+m <= 10*e18
}

// cmpBracket compares two sums known as brackets [f, f+m) (a point when m is
// 0); ok is false when they overlap and only the exact sums can tell.
func cmpBracket(fi fx, mi uint64, fj fx, mj uint64) (c int, ok bool) {
	same := mi == 0 && mj == 0 && fi == fj
	switch {
	case same:
		return 0, true
	case fi.cmp(fj.plus(mj)) >= 0:
		return 1, true
	case fj.cmp(fi.plus(mi)) >= 0:
		return -1, true
	}
	return 0, false
}

// sortU64 sorts xs ascending: with slices.Sort when short, else with an
// LSD radix sort, eight stable passes of one byte each (a pass is skipped
// when every key has the same byte there), which for the 100,000 keys of a
// large tender is several times faster than a comparison sort.
func sortU64(xs []uint64) { sortU64Buf(xs, nil) }

// sortU64Buf is sortU64 with its scratch buffer taken from *tmp (grown as
// needed) when tmp is not nil.
func sortU64Buf(xs []uint64, tmp *[]uint64) { sortU64Bytes(xs, tmp, 0) }

// sortU64Bytes is sortU64Buf when xs is already in order by its lo low
// bytes among keys equal above them (xs in order, with an index packed in
// its lo low bytes): only the bytes above are sorted, stably.
func sortU64Bytes(xs []uint64, tmp *[]uint64, lo int) {
	if len(xs) < 256 {
		slices.Sort(xs)
		return
	}
	var counts [8][256]int
	for _, x := range xs {
		for d := lo; d < 8; d++ {
			counts[d][byte(x>>(8*d))]++
		}
	}
	var dst []uint64
	if tmp != nil {
		dst = grow(tmp, len(xs))
	} else {
		dst = make([]uint64, len(xs))
	}
	src := xs
	for d := lo; d < 8; d++ {
		c := &counts[d]
		if c[byte(src[0]>>(8*d))] == len(src) {
			continue
		}
		at := 0
		for b, n := range c {
			c[b] = at
			at += n
		}
		for _, x := range src {
			b := byte(x >> (8 * d))
			dst[c[b]] = x
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &xs[0] {
		copy(xs, src)
	}
}
