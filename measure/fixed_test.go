package measure

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/internal/dectext"
)

// parseFixed is a fast path of the dectext grammar: whatever it accepts,
// dectext accepts with the same value.
func TestParseFixedAgreesWithDectext(t *testing.T) {
	cases := []string{
		"0", "1", "12", "12.5", "0.000001", "0.0000001", "1.000000", "007", "0.", ".5", "1e3", "-1",
		"+1", "1,000", " 1", "1 ", "18446744073709", "18446744073709.551615", "9999999999999999999",
		"99999999999999999999", "12345678901234.5", "1.2.3", "", "0.1234567", "00", "0.50",
	}
	for _, s := range cases {
		u, ok := parseFixed(s)
		d, err := dectext.Parse(s)
		if !ok {
			continue
		}
		require.NoError(t, err, s)
		assert.True(t, fixedDecimal(u, qtyScale).Equal(d), "%s: %d", s, u)
	}
	q, err := parseQuantity("0.0000001") // more places than the scale: exact decimal
	require.NoError(t, err)
	assert.False(t, q.fixed)
	assert.Equal(t, "0.0000001", q.Decimal().String())
	q, err = parseQuantity("1e3")
	require.NoError(t, err)
	assert.True(t, q.fixed)
	assert.Equal(t, uint64(1000_000000), q.u)
}

func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"0", "12.5", "0.000001", "1e3", "007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := parseFixed(s)
		if !ok {
			return
		}
		d, err := dectext.Parse(s)
		require.NoError(t, err)
		require.True(t, fixedDecimal(u, qtyScale).Equal(d))
	})
}

func TestAccOverflowFallsBackExactly(t *testing.T) {
	var a acc
	a.add128(math.MaxUint64, math.MaxUint64, 0)
	a.add128(0, 2, 0)                                      // wraps 128 bits: the sum moves to the decimal
	want := dec("340282366920938463463374607431768211457") // 2^128 - 1 + 2
	requireDec(t, want.String(), a.value(0))
	var b acc
	b.add128(0, 5, 0)
	b.addDecimal(dec("0.5"))
	a.merge(&b, 0)
	requireDec(t, want.Add(dec("5.5")).String(), a.value(0))
}

func TestParseDate(t *testing.T) {
	for s, ok := range map[string]bool{
		"2024-02-29": true, "2023-02-29": false, "2000-02-29": true, "1900-02-29": false,
		"2024-04-31": false, "2024-13-01": false, "2024-00-10": false, "2024-1-01": false,
		"24-01-01": false, "2024/01/01": false, "0999-01-01": false, "2024-12-31": true,
	} {
		_, _, _, got := parseDate(s)
		assert.Equal(t, ok, got, s)
	}
}
