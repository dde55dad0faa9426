package measure

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The canonical text of a number is the shortest plain decimal, worked
// out by hand for each case: trailing zeros of a fraction go, a zero
// fraction goes, an exponent is written out, and beyond ±40 digits of
// shift the digits and exponent are kept instead.
func TestCanonicalQuantity(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"5", "5"}, {"5.00", "5"}, {"5e0", "5"}, {"0.50", "0.5"}, {"0", "0"}, {"0.000", "0"},
		{"1.000001", "1.000001"}, {"0.000001", "0.000001"}, // fixed: millionths
		{"1.0000001", "1.0000001"}, {"1.00000010", "1.0000001"}, // 7 places: exact decimal
		{"0.0000001", "0.0000001"}, {"1e-7", "0.0000001"},
		{"12345678901234567890", "12345678901234567890"}, // beyond 64 bits of millionths
		{"1e20", "100000000000000000000"}, {"1.0e20", "100000000000000000000"},
		{"1e41", "1e41"}, {"120e40", "12e41"}, {"1e-41", "1e-41"},
		{"-2.50", "-2.5"}, // a Record may hold a negative quantity
	} {
		q := quantityOf(dec(tc.in))
		assert.Equal(t, tc.want, string(appendCanonical(nil, q)), tc.in)
	}
}

// The fast path for quantities held as millionths writes the same text
// as the exact one, the decimal's: over the edges of the fraction, the
// largest millionths, and (FuzzCanonicalFixed) any other.
func TestCanonicalFixed(t *testing.T) {
	for _, u := range []uint64{0, 1, 9, 10, 100_000, 999_999, 1_000_000, 1_000_001, 1_500_000,
		12_340_000, 123_450_000, 100_000_000_000, 1<<63 - 1, 1 << 63, 1<<64 - 1} {
		checkCanonicalFixed(t, u)
	}
}

func FuzzCanonicalFixed(f *testing.F) {
	for _, u := range []uint64{0, 1, 999_999, 1_000_000, 123_450_000, 1<<64 - 1} {
		f.Add(u)
	}
	f.Fuzz(checkCanonicalFixed)
}

func checkCanonicalFixed(t *testing.T, u uint64) {
	want := appendCanonical(nil, quantity{d: fixedDecimal(u, qtyScale)})
	require.Equal(t, string(want), string(appendCanonical(nil, quantity{u: u, fixed: true})), "%d millionths", u)
}

// Two quantities give the same duplicate key exactly when they are the
// same number, however each was written and whichever form holds it
// (millionths, or an exact decimal beyond them): pairs across the edge of
// 64 bits of millionths and of six places included.
func TestKeyQuantity(t *testing.T) {
	texts := []string{"0", "0.0", "0e5", "5", "5.00", "5e0", "0.5e1", "0.5", "0.50",
		"0.000001", "1e-6", "0.0000010", "0.0000001", "1e-7", "1.000001", "1.0000001", "1.00000010",
		"18446744073709.551615", "18446744073709.5516150", "18446744073709.551616", "18446744073710",
		"12345678901234567890", "1.2345678901234567890e19", "1e20", "100000000000000000000.0", "1e41", "10e40"}
	a := NewAggregator(testFramework(t), Options{})
	r := row{contract: "C", supplier: "S", m: a.cat.measures[0], y: 2024, mo: 5, d: 1, period: "Q1"}
	key := func(q quantity) string {
		x := r
		x.q = q
		return string(appendKey(nil, &x))
	}
	for _, x := range texts {
		qx := quantityOf(dec(x))
		if p, err := parseQuantity(x); err == nil {
			assert.Equal(t, key(qx), key(p), "%s read and given", x)
		}
		for _, y := range texts {
			same := dec(x).Equal(dec(y))
			assert.Equal(t, same, key(qx) == key(quantityOf(dec(y))), "%s and %s", x, y)
		}
	}
}

// Which records are duplicates does not depend on shopspring/decimal's
// package-level settings, which change what Decimal.String returns: with
// TrimTrailingZeros false, 1.00000010 would print unlike 1.0000001. This
// test changes those globals, so it must not run in parallel with tests
// that read them (it does not call t.Parallel), and restores them.
func TestDuplicateKeyIgnoresDecimalGlobals(t *testing.T) {
	trim, sci := decimal.TrimTrailingZeros, decimal.UseScientificNotation
	defer func() { decimal.TrimTrailingZeros, decimal.UseScientificNotation = trim, sci }()
	// the same numbers written differently, fixed (2 places) and exact
	// decimal (7 places, and too large for 64 bits of millionths)
	const data = "contract,supplier,measure,quantity,date,evidence\n" +
		"C1,S,schools-supported,5,2024-05-01,\n" +
		"C1,S,schools-supported,5.00,2024-05-01,\n" +
		"C1,S,schools-supported,1.0000001,2024-05-01,\n" +
		"C1,S,schools-supported,1.00000010,2024-05-01,\n" +
		"C1,S,schools-supported,1e20,2024-05-01,\n" +
		"C1,S,schools-supported,100000000000000000000.0,2024-05-01,\n"
	var want []string
	for i, g := range []struct{ trim, sci bool }{{true, false}, {false, false}, {false, true}, {true, true}} {
		decimal.TrimTrailingZeros, decimal.UseScientificNotation = g.trim, g.sci
		var got []string
		for _, memory := range []int{0, 1} { // checked at once, and at the end of a Read
			a := NewAggregator(testFramework(t), Options{DuplicateMemory: memory, TempDir: t.TempDir()})
			// fill detection first, so that budget 1 defers the rows below
			_, err := readString(t, a, "first.csv", "contract,supplier,measure,quantity,date,evidence\nC9,S,schools-supported,1,2024-05-01,\nC8,S,schools-supported,1,2024-05-01,\n", Outcomes, ReadOptions{})
			require.NoError(t, err)
			rej, err := readString(t, a, "dup.csv", data, Outcomes, ReadOptions{Lenient: true})
			require.NoError(t, err)
			require.Len(t, rej, 3, "globals %+v, memory %d: %v", g, memory, rej)
			for _, d := range rej {
				assert.ErrorIs(t, d, ErrDuplicate)
				got = append(got, d.Error())
			}
			require.NoError(t, a.Close())
		}
		var keys []string
		_, err := ReadRecords(context.Background(), strings.NewReader(data), "dup.csv", Outcomes, testFramework(t), ReadOptions{Lenient: true}, func(r Record) error {
			keys = append(keys, r.Key())
			return nil
		})
		require.NoError(t, err)
		require.Len(t, keys, 3)
		got = append(got, keys...)
		r := Record{Contract: "C", Supplier: "S", Measure: "m", Quantity: dec("1.00000010"), Date: mustDate("2024-05-01")}
		got = append(got, r.Key())
		assert.Equal(t, "C\x00S\x00m\x002024-05-01\x001.0000001\x00", r.Key())
		if i == 0 {
			want = got
		}
		require.Equal(t, want, got, "globals %+v", g)
	}
}
