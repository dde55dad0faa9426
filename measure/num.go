package measure

import (
	"math/big"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
)

// num is an exact decimal, a coefficient × 10^exp, for the review's sums:
// each grouping adds every cell, and a decimal.Decimal allocates a
// big.Int for each sum, where num holds the coefficient as a signed
// 128-bit integer (two's complement hi:lo) and moves to a big.Int only
// when it leaves 128 bits. Its sums and products keep the exponent that
// decimal.Decimal's would: the least of the terms' for a sum (a zero num,
// like a zero Decimal, has exponent 0), the sum of the factors' for a
// product; so value returns exactly what adding the decimals one by one to
// a zero decimal.Decimal returns, exponent included (a test checks it),
// and every renderer writes the same text.
type num struct {
	hi, lo uint64
	exp    int32
	big    *big.Int // the coefficient when it does not fit 128 bits; hi:lo unused then
}

// numOf is d as a num.
func numOf(d decimal.Decimal) num {
	if d.NumDigits() <= 18 { // fits an int64, read without allocating
		c := d.CoefficientInt64()
		return num{hi: uint64(c >> 63), lo: uint64(c), exp: d.Exponent()}
	}
	n := num{exp: d.Exponent(), big: d.Coefficient()}
	if n.big.BitLen() < 127 {
		n.hi, n.lo = int128Of(n.big)
		n.big = nil
	}
	return n
}

// int128Of is b, which fits 127 bits and a sign, in two's complement.
func int128Of(b *big.Int) (hi, lo uint64) {
	var m big.Int
	m.Abs(b)
	lo = m.Uint64()
	hi = m.Rsh(&m, 64).Uint64()
	if b.Sign() < 0 {
		hi, lo = neg128(hi, lo)
	}
	return hi, lo
}

func neg128(hi, lo uint64) (uint64, uint64) {
	lo, c := bits.Add64(^lo, 1, 0)
	return ^hi + c, lo
}

// small reports whether n's coefficient fits an int64 (int64(n.lo)).
func (n *num) small() bool { return n.big == nil && n.hi == uint64(int64(n.lo)>>63) }

// coefficient is n's coefficient as a new big.Int.
func (n *num) coefficient() *big.Int {
	if n.big != nil {
		return new(big.Int).Set(n.big)
	}
	neg := int64(n.hi) < 0
	hi, lo := n.hi, n.lo
	if neg {
		hi, lo = neg128(hi, lo)
	}
	b := new(big.Int).SetUint64(hi)
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(lo))
	if neg {
		b.Neg(b)
	}
	return b
}

// scale multiplies the coefficient by 10^k (k ≥ 0) and takes k off the
// exponent: the same value, written with k more places.
func (n *num) scale(k int32) {
	n.exp -= k
	for k > 0 && n.big == nil {
		step := min(k, 19)
		neg := int64(n.hi) < 0
		hi, lo := n.hi, n.lo
		if neg {
			hi, lo = neg128(hi, lo)
		}
		h1, l := bits.Mul64(lo, pow10[step])
		h2, m := bits.Mul64(hi, pow10[step])
		h, c := bits.Add64(h1, m, 0)
		if h2 != 0 || c != 0 || int64(h) < 0 {
			n.big = n.coefficient()
			break
		}
		if neg {
			h, l = neg128(h, l)
		}
		n.hi, n.lo = h, l
		k -= step
	}
	if k > 0 {
		n.big.Mul(n.big, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	}
}

// add adds t to n exactly; n takes the lesser exponent, as Decimal.Add.
func (n *num) add(t num) {
	switch {
	case t.exp < n.exp:
		n.scale(n.exp - t.exp)
	case t.exp > n.exp:
		if t.big != nil {
			t.big = new(big.Int).Set(t.big) // t's own, to scale
		}
		t.scale(t.exp - n.exp)
	}
	if n.big == nil && t.big == nil {
		lo, c := bits.Add64(n.lo, t.lo, 0)
		hi, _ := bits.Add64(n.hi, t.hi, c)
		if (n.hi^t.hi)>>63 != 0 || (hi^n.hi)>>63 == 0 { // no signed overflow
			n.hi, n.lo = hi, lo
			return
		}
	}
	if n.big == nil {
		n.big = n.coefficient()
	}
	if t.big != nil {
		n.big.Add(n.big, t.big)
	} else {
		n.big.Add(n.big, t.coefficient())
	}
}

// mulNum is a × b exactly, with the exponents added, as Decimal.Mul.
func mulNum(a, b num) num {
	exp := a.exp + b.exp
	if a.small() && b.small() {
		x, y := int64(a.lo), int64(b.lo)
		ux, uy := uint64(x), uint64(y)
		if x < 0 {
			ux = -ux
		}
		if y < 0 {
			uy = -uy
		}
		hi, lo := bits.Mul64(ux, uy) // below 2^126: fits
		if (x < 0) != (y < 0) {
			hi, lo = neg128(hi, lo)
		}
		return num{hi: hi, lo: lo, exp: exp}
	}
	return num{exp: exp, big: new(big.Int).Mul(a.coefficient(), b.coefficient())}
}

// value is n as a decimal.Decimal.
func (n *num) value() decimal.Decimal {
	if n.small() {
		return decimal.New(int64(n.lo), n.exp)
	}
	if n.big != nil {
		return decimal.NewFromBigInt(n.big, n.exp)
	}
	return decimal.NewFromBigInt(n.coefficient(), n.exp)
}

// appendExact appends d in plain notation without trailing zeros in its
// fraction, then padded with zeros to at least minPlaces places (exactQty
// with minPlaces 0, exactMoney with 2). ok is false, with nothing
// appended, when d's coefficient does not fit an int64 or its exponent is
// beyond ±18: the caller then formats it with dectext.
func appendExact(b []byte, d decimal.Decimal, minPlaces int) (_ []byte, ok bool) {
	e := d.Exponent()
	if e < -18 || e > 18 || d.NumDigits() > 18 {
		return b, false
	}
	c := d.CoefficientInt64()
	if c == 0 {
		b = append(b, '0')
		if minPlaces > 0 {
			b = append(b, '.')
			for range minPlaces {
				b = append(b, '0')
			}
		}
		return b, true
	}
	u := uint64(c)
	if c < 0 {
		b = append(b, '-')
		u = -u
	}
	for e < 0 && u%10 == 0 {
		u /= 10
		e++
	}
	var digits [40]byte
	ds := strconv.AppendUint(digits[:0], u, 10)
	for ; e > 0; e-- {
		ds = append(ds, '0')
	}
	places := int(-e)
	whole := len(ds) - places
	if whole <= 0 {
		b = append(b, '0')
	} else {
		b = append(b, ds[:whole]...)
	}
	if places == 0 && minPlaces == 0 {
		return b, true
	}
	b = append(b, '.')
	for range -whole {
		b = append(b, '0')
	}
	b = append(b, ds[max(whole, 0):]...)
	for p := places; p < minPlaces; p++ {
		b = append(b, '0')
	}
	return b, true
}
