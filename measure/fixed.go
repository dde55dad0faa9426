package measure

import (
	"math/big"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
)

// The aggregation inner loop works in unsigned scaled integers so that it
// allocates nothing and stays exact: a quantity is held as an integer number
// of millionths (qtyScale), a proxy value as millionths of a pound, so their
// product is in 10⁻¹² £ (valScale). Sums are 128-bit. A value with more
// decimal places than the scale, or too large for 64 bits, is carried in an
// exact decimal.Decimal beside the integer sum instead; so is a 128-bit sum
// that would overflow. Nothing is ever rounded.
const (
	qtyScale = 6
	valScale = 2 * qtyScale
)

var pow10 = [...]uint64{
	1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
	10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
	10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
	10_000_000_000_000_000_000,
}

// parseFixed reads the common case of the dectext grammar without
// allocating: (0|[1-9][0-9]*)(\.[0-9]+)? with at most qtyScale fraction
// digits, returned in millionths. ok is false for anything else (a sign, an
// exponent, more places, a syntax error, an overflow); the caller then
// parses with dectext.Parse, which is the authority on the grammar. Every
// text this accepts, dectext accepts with the same value (see the test).
func parseFixed(s string) (v uint64, ok bool) {
	n := len(s)
	if n == 0 || n > 20 {
		return 0, false
	}
	i := 0
	for i < n && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + uint64(s[i]-'0')
		i++
	}
	if i == 0 || (i > 1 && s[0] == '0') || i > 19 {
		return 0, false
	}
	frac := 0
	if i < n {
		if s[i] != '.' {
			return 0, false
		}
		i++
		start := i
		for i < n && s[i] >= '0' && s[i] <= '9' {
			v = v*10 + uint64(s[i]-'0')
			i++
		}
		frac = i - start
		if frac == 0 || frac > qtyScale || i != n || i-1 > 19 {
			return 0, false
		}
	}
	hi, lo := bits.Mul64(v, pow10[qtyScale-frac])
	if hi != 0 {
		return 0, false
	}
	return lo, true
}

// toFixed returns d in millionths when that is exact and fits 64 bits.
func toFixed(d decimal.Decimal) (uint64, bool) {
	if d.IsNegative() {
		return 0, false
	}
	s := d.Shift(qtyScale)
	if !s.IsInteger() {
		return 0, false
	}
	b := s.BigInt()
	if !b.IsUint64() {
		return 0, false
	}
	return b.Uint64(), true
}

// quantity is a parsed non-negative quantity: fixed when it fits the scale
// (u, in millionths), otherwise the exact decimal d.
type quantity struct {
	u     uint64
	fixed bool
	d     decimal.Decimal
}

// parseQuantity reads a quantity with the dectext grammar.
func parseQuantity(s string) (quantity, error) {
	if u, ok := parseFixed(s); ok {
		return quantity{u: u, fixed: true}, nil
	}
	d, err := dectext.Parse(s)
	if err != nil {
		return quantity{}, err
	}
	return quantityOf(d), nil
}

func quantityOf(d decimal.Decimal) quantity {
	if u, ok := toFixed(d); ok {
		return quantity{u: u, fixed: true}
	}
	return quantity{d: d}
}

// appendCanonical appends the one canonical text of the exact number q,
// which Record.Key is built from (and duplicate detection's key, for a
// number not held in millionths: see appendKey): equal numbers give equal text however they were written
// (5, 5.0, 5.000, 5e0) and whatever the package-level settings of
// shopspring/decimal. It is the shortest plain decimal: no trailing zero
// in a fraction, no fraction of zero, "0" for zero, a leading "-" for a
// negative number (a Record may hold one); a number whose exponent, once
// its trailing zeros are taken off, is beyond ±40 is written as its
// digits, "e" and that exponent instead ("12e45"), so that the text stays
// short.
func appendCanonical(b []byte, q quantity) []byte {
	if q.fixed {
		return appendCanonicalFixed(b, q.u)
	}
	c, e := q.d.Coefficient(), int64(q.d.Exponent())
	if c.Sign() == 0 {
		return append(b, '0')
	}
	if c.Sign() < 0 {
		b = append(b, '-')
		c.Neg(c)
	}
	ten, r := big.NewInt(10), new(big.Int)
	for {
		qt, rm := new(big.Int).QuoRem(c, ten, r)
		if rm.Sign() != 0 {
			break
		}
		c, e = qt, e+1
	}
	digits := c.Text(10)
	switch {
	case e > 40 || e < -40:
		b = append(b, digits...)
		b = append(b, 'e')
		return strconv.AppendInt(b, e, 10)
	case e >= 0:
		b = append(b, digits...)
		for range e {
			b = append(b, '0')
		}
		return b
	}
	point := len(digits) + int(e) // digits before the point
	if point <= 0 {
		b = append(b, '0', '.')
		for range -point {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:point]...)
	b = append(b, '.')
	return append(b, digits[point:]...)
}

// appendCanonicalFixed is appendCanonical of u millionths, the fast path
// of every duplicate key: digits written backwards by constant divisions
// (TestCanonicalFixed proves it equal to the text of the same number as a
// decimal).
func appendCanonicalFixed(b []byte, u uint64) []byte {
	const unit = 1_000_000          // pow10[qtyScale]
	var buf [20 + 1 + qtyScale]byte // 2⁶⁴ has 20 digits
	i := len(buf)
	ip, f := u/unit, uint32(u%unit)
	if f != 0 {
		n := qtyScale
		for f%10 == 0 {
			f /= 10
			n--
		}
		for range n {
			i--
			buf[i] = byte('0' + f%10)
			f /= 10
		}
		i--
		buf[i] = '.'
	}
	for {
		i--
		buf[i] = byte('0' + ip%10)
		ip /= 10
		if ip == 0 {
			break
		}
	}
	return append(b, buf[i:]...)
}

// Decimal returns the exact value.
func (q quantity) Decimal() decimal.Decimal {
	if q.fixed {
		return fixedDecimal(q.u, qtyScale)
	}
	return q.d
}

func fixedDecimal(u uint64, scale int32) decimal.Decimal {
	if u <= 1<<63-1 {
		return decimal.New(int64(u), -scale)
	}
	return decimal.NewFromBigInt(new(big.Int).SetUint64(u), -scale)
}

// acc is an exact running sum: a 128-bit unsigned integer at a fixed scale,
// plus an exact decimal for whatever does not fit it.
type acc struct {
	hi, lo uint64
	extra  decimal.Decimal
}

// add128 adds a 128-bit value at the accumulator's scale; a sum that would
// overflow 128 bits moves the running total into extra first.
func (a *acc) add128(hi, lo uint64, scale int32) {
	l, c := bits.Add64(a.lo, lo, 0)
	h, c2 := bits.Add64(a.hi, hi, c)
	if c2 != 0 {
		a.extra = a.extra.Add(u128Decimal(a.hi, a.lo, scale))
		a.hi, a.lo = hi, lo
		return
	}
	a.hi, a.lo = h, l
}

func (a *acc) addDecimal(d decimal.Decimal) { a.extra = a.extra.Add(d) }

// sub128 takes away a 128-bit value that was added before. When the
// integer part holds less (an overflow moved it into extra), extra pays.
func (a *acc) sub128(hi, lo uint64, scale int32) {
	l, b := bits.Sub64(a.lo, lo, 0)
	h, b2 := bits.Sub64(a.hi, hi, b)
	if b2 != 0 {
		a.extra = a.extra.Sub(u128Decimal(hi, lo, scale))
		return
	}
	a.hi, a.lo = h, l
}

func (a *acc) subDecimal(d decimal.Decimal) { a.extra = a.extra.Sub(d) }

// sub takes away a quantity that was added before.
func (a *acc) sub(q quantity, scale int32) {
	if q.fixed {
		a.sub128(0, q.u, scale)
	} else {
		a.subDecimal(q.d)
	}
}

func (a *acc) merge(b *acc, scale int32) {
	a.add128(b.hi, b.lo, scale)
	if !b.extra.IsZero() {
		a.extra = a.extra.Add(b.extra)
	}
}

// value returns the exact sum.
func (a *acc) value(scale int32) decimal.Decimal {
	v := u128Decimal(a.hi, a.lo, scale)
	if !a.extra.IsZero() {
		v = v.Add(a.extra)
	}
	return v
}

func u128Decimal(hi, lo uint64, scale int32) decimal.Decimal {
	if hi == 0 {
		return fixedDecimal(lo, scale)
	}
	b := new(big.Int).SetUint64(hi)
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(lo))
	return decimal.NewFromBigInt(b, -scale)
}
