package spread

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = decimal.RequireFromString(s)
	}
	return out
}

func strs(ds []decimal.Decimal) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// A contract from 1 July 2024 to 30 June 2028, both days included, runs
//
//	2024/25  1 Jul 2024 – 31 Mar 2025   30+31+31+30+31+30+31+31+28+31 = 274 days
//	2025/26  1 Apr 2025 – 31 Mar 2026   365 days
//	2026/27  1 Apr 2026 – 31 Mar 2027   365 days
//	2027/28  1 Apr 2027 – 31 Mar 2028   366 days (29 February 2028)
//	2028/29  1 Apr 2028 – 30 Jun 2028   30+31+30 = 91 days
//
// 1,461 days in all (4 × 365 + 1).
func TestDaysAcrossYears(t *testing.T) {
	got := Days(day("2024-07-01"), day("2028-06-30"))
	require.Len(t, got, 5)
	want := []struct {
		y    string
		days int64
	}{{"2024/25", 274}, {"2025/26", 365}, {"2026/27", 365}, {"2027/28", 366}, {"2028/29", 91}}
	var total int64
	for i, w := range want {
		require.Equal(t, w.y, got[i].Year.String())
		require.Equal(t, w.days, got[i].Days, w.y)
		total += got[i].Days
	}
	require.Equal(t, int64(1461), total)
	require.Equal(t, day("2025-03-31"), got[0].Last)
	require.Equal(t, day("2028-04-01"), got[4].First)
	require.Nil(t, Days(day("2024-07-01"), day("2024-06-30")))
	one := Days(day("2025-03-31"), day("2025-03-31"))
	require.Len(t, one, 1)
	require.Equal(t, int64(1), one[0].Days)
}

// 600 hours over those days: 600 × days / 1461 is
//
//	274 → 112.526…   365 → 149.897… (twice)   366 → 150.308…   91 → 37.371…
//
// Rounded down: 112 + 149 + 149 + 150 + 37 = 597, three hours short. They go
// to the largest remainders: .897 (2025/26), .897 (2026/27, later on the
// tie) and .526 (2024/25): 113, 150, 150, 150, 37 = 600.
func TestSplitLargestRemainder(t *testing.T) {
	got := Split(decimal.NewFromInt(600), decs("274", "365", "365", "366", "91"), 0)
	require.Equal(t, []string{"113", "150", "150", "150", "37"}, strs(got))

	// Equal remainders go to the earlier part: 10 in three equal parts is
	// 3.33…, 3.33…, 3.33…; one unit left, to the first.
	require.Equal(t, []string{"4", "3", "3"}, strs(Split(decimal.NewFromInt(10), decs("1", "1", "1"), 0)))
	// To the penny: £100 in three is 33.34, 33.33, 33.33.
	require.Equal(t, []string{"33.34", "33.33", "33.33"}, strs(Split(decimal.NewFromInt(100), decs("1", "1", "1"), 2)))
	// A total finer than the step keeps its places: 0.5 in two whole parts
	// would need halves, so the step becomes 0.1: 0.3 and 0.2.
	require.Equal(t, []string{"0.3", "0.2"}, strs(Split(decimal.RequireFromString("0.5"), decs("1", "1"), 0)))
	// A part of weight zero gets nothing, even when units are left over.
	// 1 over 1, 0, 1: shares 0.5, 0, 0.5, all 0 rounded down; the unit left
	// goes to the first of the two equal remainders.
	require.Equal(t, []string{"1", "0", "0"}, strs(Split(decimal.NewFromInt(1), decs("1", "0", "1"), 0)))
	// An exact profile: shares 0.25 / 0.5 / 0.25 of 7 are 1.75, 3.5, 1.75;
	// down: 1, 3, 1 (2 left); remainders .75, .5, .75: 2, 3, 2.
	require.Equal(t, []string{"2", "3", "2"}, strs(Split(decimal.NewFromInt(7), decs("0.25", "0.5", "0.25"), 0)))
	require.Nil(t, Split(decimal.NewFromInt(7), decs("0", "0"), 0))
	require.Nil(t, Split(decimal.NewFromInt(7), decs("-1", "2"), 0))
}

func TestSplitAddsUp(t *testing.T) {
	for _, total := range []string{"0", "1", "999999999.99", "1461", "12.345"} {
		for _, w := range [][]decimal.Decimal{decs("274", "365", "365", "366", "91"), decs("1"), decs("3", "7", "0.001")} {
			parts := Split(decimal.RequireFromString(total), w, 2)
			sum := decimal.Zero
			for _, p := range parts {
				require.False(t, p.IsNegative())
				sum = sum.Add(p)
			}
			require.True(t, sum.Equal(decimal.RequireFromString(total)), "%s over %v: %v", total, w, parts)
		}
	}
}
