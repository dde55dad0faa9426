package measure

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randDecimal is a decimal with a coefficient of 0 to 40 digits, either
// sign, and an exponent from -22 to 4: every path of num and appendExact
// (int64, 128-bit, big.Int; scaled up and not).
func randDecimal(r *rand.Rand) decimal.Decimal {
	var b strings.Builder
	if r.IntN(4) == 0 {
		b.WriteByte('-')
	}
	b.WriteByte(byte('1' + r.IntN(9)))
	for range r.IntN(40) {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	c, _ := new(big.Int).SetString(b.String(), 10)
	if r.IntN(10) == 0 {
		c.SetInt64(0)
	}
	return decimal.NewFromBigInt(c, int32(r.IntN(27)-22))
}

// sameDecimal checks value and exponent: what every renderer sees.
func sameDecimal(t *testing.T, want, got decimal.Decimal, msg ...any) {
	t.Helper()
	require.Equal(t, want.Exponent(), got.Exponent(), msg...)
	require.Zero(t, want.Coefficient().Cmp(got.Coefficient()), "%s against %s %v", got, want, msg)
}

// TestNumSumsAsDecimal: num's sums and products are decimal.Decimal's,
// exponent included, from a zero start, over random terms of every size.
func TestNumSumsAsDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	for round := range 2000 {
		var want, wantW decimal.Decimal
		var got, gotW num
		p := randDecimal(r)
		if round%2 == 0 {
			p = decimal.New(int64(r.IntN(30)), -int32(r.IntN(3))) // a priority: 1, 1.5, ...
		}
		pn := numOf(p)
		for range 1 + r.IntN(12) {
			d := randDecimal(r)
			if round%3 == 0 {
				d = decimal.New(r.Int64N(1<<62), -12) // the cells' scale, near the int64 edge
			}
			want = want.Add(d)
			got.add(numOf(d))
			wantW = wantW.Add(d.Mul(p))
			gotW.add(mulNum(numOf(d), pn))
			sameDecimal(t, d, func() decimal.Decimal { n := numOf(d); return n.value() }(), "numOf")
		}
		sameDecimal(t, want, got.value(), "sum", round)
		sameDecimal(t, wantW, gotW.value(), "weighted sum", round)
	}
	var zero num
	sameDecimal(t, decimal.Decimal{}, zero.value())
}

// TestNumOverflow adds past 128 bits both ways, and scales past them.
func TestNumOverflow(t *testing.T) {
	max := decimal.NewFromBigInt(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 125), big.NewInt(1)), 0)
	var want decimal.Decimal
	var got num
	for _, d := range []decimal.Decimal{max, max, max, max, max.Neg(), decimal.New(1, -30), max.Neg().Mul(decimal.NewFromInt(9))} {
		want = want.Add(d)
		got.add(numOf(d))
		sameDecimal(t, want, got.value())
	}
}

// TestAppendExact: the fast text of exactQty and exactMoney is the text
// through dectext, wherever it applies; hand-worked cases first.
func TestAppendExact(t *testing.T) {
	for _, c := range []struct {
		d          decimal.Decimal
		qty, money string
	}{
		{decimal.New(1275, -2), "12.75", "12.75"},
		{decimal.New(1400500000, -6), "1400.5", "1400.50"},
		{decimal.New(3, 0), "3", "3.00"},
		{decimal.New(0, -12), "0", "0.00"},
		{decimal.New(-5, -1), "-0.5", "-0.50"},
		{decimal.New(8465, -3), "8.465", "8.465"},
		{decimal.New(12, 3), "12000", "12000.00"},
		{decimal.New(7, -18), "0.000000000000000007", "0.000000000000000007"},
	} {
		require.Equal(t, c.qty, exactQty(c.d), c.d)
		require.Equal(t, c.money, exactMoney(c.d), c.d)
		require.Equal(t, c.qty, exactQtyText(c.d), c.d)
		require.Equal(t, c.money, exactMoneyText(c.d), c.d)
	}
	r := rand.New(rand.NewPCG(13, 2))
	fast := 0
	for range 20000 {
		d := randDecimal(r)
		if _, ok := appendExact(nil, d, 0); ok {
			fast++
		}
		require.Equal(t, exactQtyText(d), exactQty(d), "%s e%d", d.Coefficient(), d.Exponent())
		require.Equal(t, exactMoneyText(d), exactMoney(d), "%s e%d", d.Coefficient(), d.Exponent())
	}
	require.Greater(t, fast, 5000, "the fast path was hardly tried")
}
