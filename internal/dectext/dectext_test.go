package dectext

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for text, want := range map[string]string{
		"0": "0", "-0": "0", "0.1": "0.1", "16.93": "16.93", "1e3": "1000", "1E-2": "0.01",
		"-2.50": "-2.5", "100000.00": "100000", "0.10000000000000000001": "0.10000000000000000001",
	} {
		d, err := Parse(text)
		require.NoError(t, err, text)
		assert.True(t, decimal.RequireFromString(want).Equal(d), "%s: got %s", text, d)
	}
	for _, text := range []string{"", "012", "00", "+1", ".5", "5.", "1,000", "1 000", "1_000", "NaN", "Inf",
		"-", "1e", "1e+", "1e31", "1e-31", "0x10", "£5", "5p", "1.2.3", "--1"} {
		_, err := Parse(text)
		assert.ErrorIs(t, err, ErrSyntax, "%q", text)
	}
	long := "1" + string(make([]byte, 0)) + "234567890123456789012345678901234567890123456789012345678901"
	_, err := Parse(long)
	assert.ErrorIs(t, err, ErrSyntax, "too many digits")
}

func TestFormatAndRound(t *testing.T) {
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	assert.Equal(t, "101.00", Format(d("101.00")))
	assert.Equal(t, "16.930", Format(d("16.930")))
	assert.Equal(t, "1000", Format(d("1e3")))
	assert.Equal(t, "-0.5", Format(d("-0.5")))
	// Half away from zero, at presentation only.
	assert.Equal(t, "2.01", Round(d("2.005"), 2))
	assert.Equal(t, "-2.01", Round(d("-2.005"), 2))
	assert.Equal(t, "2.00", Round(d("2.004999"), 2))
	assert.Equal(t, "3.00", Round(d("3"), 2))

	assert.Equal(t, "1,234,567.50", Grouped(d("1234567.5"), 2))
	assert.Equal(t, "16.935", Grouped(d("16.935"), 2), "never rounds")
	assert.Equal(t, "-100,000.00", Grouped(d("-100000"), 2))
	assert.Equal(t, "999", Grouped(d("999"), 0))
	assert.Equal(t, "1,000", Grouped(d("1e3"), 0))
	assert.Equal(t, "0.00", Grouped(d("0"), 2))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0.1", "1e3", "012", "-5.25", "1e30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses, round-trips exactly through Format.
		back, err := Parse(Format(d))
		if err != nil || !back.Equal(d) {
			t.Fatalf("%q -> %s -> %v %v", s, Format(d), back, err)
		}
	})
}
