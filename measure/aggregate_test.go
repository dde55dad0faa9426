package measure

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// handWorked spans two financial years whose volunteering proxies differ:
// £16.93 an hour in 2023/24 and £17.50 in 2024/25.
const handWorked = `contract,supplier,measure,quantity,date,evidence,period,supplier_sme,supplier_vcse,local
C1,Acme Ltd,volunteering-hours,10,2024-03-15,ev-1,2023-Q4,,,
C1,Acme Ltd,volunteering-hours,12.5,2024-04-02,ev-2,2024-Q1,,,
C2,Beta CIC,volunteering-hours,0.25,2025-03-31,ev-3,2024-Q4,,,
C1,Acme Ltd,schools-supported,3,2024-06-30,,2024-Q1,,,
C2,Beta CIC,local-spend,1000.50,2024-05-01,,2024-Q1,no,no,yes
C2,Beta CIC,local-sme-spend,400,2024-05-01,,2024-Q1,yes,,yes
C1,Acme Ltd,local-spend,600,2023-07-01,,2023-Q2,no,yes,yes
`

// The working, line by line (financial year: 1 April to 31 March):
//
//	line 2  C1 volunteering 10 h   on 2024-03-15 -> 2023/24: 10   × 16.93 = 169.30
//	line 3  C1 volunteering 12.5 h on 2024-04-02 -> 2024/25: 12.5 × 17.50 = 218.75
//	line 4  C2 volunteering 0.25 h on 2025-03-31 -> 2024/25: 0.25 × 17.50 =   4.375
//	line 5  C1 schools 3 (count, non-financial)  -> 2024/25: £0
//	line 6  C2 local spend £1,000.50 (spend, non-financial)   -> 2024/25
//	line 7  C2 local SME spend £400 (a different quantity: not double counting) -> 2024/25
//	line 8  C1 local spend £600 -> 2023/24
//
//	all years: £ 169.30 + 218.75 + 4.375 = 392.425; hours 10 + 12.5 + 0.25 = 22.75;
//	           count 3; gbp 1000.50 + 400 + 600 = 2000.50
//	2024/25:   £ 218.75 + 4.375 = 223.125; hours 12.75; count 3; gbp 1400.50
//	2023/24:   £ 169.30; hours 10; gbp 600
//	C1 (all):  £ 169.30 + 218.75 = 388.05; C2 (all): £ 4.375
//	spend shares 2024/25: SME 400 / 1400.50 = 28.5612...% -> 28.6%;
//	           local 1400.50 / 1400.50 = 100%; VCSE 0 of it flagged yes, 1 record unknown
func TestHandWorkedTotals(t *testing.T) {
	fw := testFramework(t)
	a := NewAggregator(fw, Options{})
	rej, err := readString(t, a, "q.csv", handWorked, Outcomes, ReadOptions{})
	require.NoError(t, err)
	require.Empty(t, rej)
	res := a.Result()

	tot := res.Totals()
	requireDec(t, "392.425", tot.SocialValue)
	assert.Equal(t, int64(7), tot.Records)
	assert.Equal(t, []string{"count 3", "hours 22.75", "gbp 2000.5"}, unitStrings(tot.ByUnit))

	years := res.GroupBy(ByYear)
	require.Len(t, years, 2)
	assert.Equal(t, "2023/24", years[0].Key)
	requireDec(t, "169.30", years[0].SocialValue)
	assert.Equal(t, []string{"hours 10", "gbp 600"}, unitStrings(years[0].ByUnit))
	assert.Equal(t, "2024/25", years[1].Key)
	requireDec(t, "223.125", years[1].SocialValue)
	assert.Equal(t, []string{"count 3", "hours 12.75", "gbp 1400.5"}, unitStrings(years[1].ByUnit))

	contracts := res.GroupBy(ByContract)
	require.Len(t, contracts, 2)
	requireDec(t, "388.05", contracts[0].SocialValue)
	requireDec(t, "4.375", contracts[1].SocialValue)

	themes := res.GroupBy(ByTheme)
	require.Len(t, themes, 2) // no carbon delivered
	assert.Equal(t, "community", themes[0].Key)
	assert.Equal(t, "Community capacity", themes[0].Name)
	requireDec(t, "392.425", themes[0].SocialValue)
	require.Len(t, themes[0].Measures, 2)
	assert.Equal(t, "volunteering-hours", themes[0].Measures[0].ID)
	requireDec(t, "22.75", themes[0].Measures[0].Quantity)
	requireDec(t, "0", themes[1].SocialValue)

	require.Len(t, res.Proxies, 2)
	assert.Equal(t, "2023/24", res.Proxies[0].Year.String())
	requireDec(t, "16.93", res.Proxies[0].Proxy.Value)
	requireDec(t, "169.30", res.Proxies[0].SocialValue)
	assert.Equal(t, "Local evidence 2024", res.Proxies[1].Proxy.Source)
	requireDec(t, "12.75", res.Proxies[1].Quantity)
	assert.False(t, res.Proxies[1].CarriedForward)

	// The same data restricted to 2024/25.
	a = NewAggregator(fw, Options{Year: tom.MustYear("2024/25")})
	_, err = readString(t, a, "q.csv", handWorked, Outcomes, ReadOptions{})
	require.NoError(t, err)
	res = a.Result()
	requireDec(t, "223.125", res.Totals().SocialValue)
	assert.Equal(t, int64(2), res.OutOfYear)
	assert.Equal(t, "2025-03-31", res.Latest.Format("2006-01-02"))
	sh := res.SpendShares()
	requireDec(t, "1400.50", sh.Total)
	pct, ok := sh.Share(sh.SME, 1)
	require.True(t, ok)
	requireDec(t, "28.6", pct)
	pct, _ = sh.Share(sh.Local, 1)
	requireDec(t, "100", pct)
	requireDec(t, "0", sh.VCSE)
	assert.Equal(t, int64(1), sh.UnknownVCSE)
}

func unitStrings(us []UnitQuantity) []string {
	var out []string
	for _, u := range us {
		out = append(out, fmt.Sprintf("%s %s", u.Unit, u.Quantity))
	}
	return out
}

// Carbon has a value for 2021/22 only: by default a 2024/25 delivery is
// rejected; with CarryForward it is valued at £245 and the use is listed.
func TestCarryForward(t *testing.T) {
	fw := testFramework(t)
	const data = "contract,supplier,measure,quantity,date,evidence\nC1,Acme,carbon-saved,2.5,2024-10-01,\n"
	a := NewAggregator(fw, Options{})
	_, err := readString(t, a, "c.csv", data, Outcomes, ReadOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, tom.ErrNoProxy)
	assert.Contains(t, err.Error(), "c.csv:2:26: date: the delivery falls in 2024/25")

	a = NewAggregator(fw, Options{YearPolicy: tom.CarryForward})
	_, err = readString(t, a, "c.csv", data, Outcomes, ReadOptions{})
	require.NoError(t, err)
	res := a.Result()
	requireDec(t, "612.5", res.Totals().SocialValue) // 2.5 t × £245
	require.Len(t, res.Proxies, 1)
	assert.True(t, res.Proxies[0].CarriedForward)
	assert.Equal(t, "2024/25", res.Proxies[0].Year.String())
	assert.Equal(t, "2021/22", res.Proxies[0].Proxy.Year.String())
}

// Merging the aggregates of any split of the rows equals aggregating the whole.
func TestMergeAnySplitEqualsWhole(t *testing.T) {
	fw := testFramework(t)
	lines := strings.Split(strings.TrimSpace(handWorked), "\n")
	header, rows := lines[0], lines[1:]
	const commitments = "contract,supplier,measure,quantity,date\nC1,Acme Ltd,volunteering-hours,20,2024-04-01\nC2,Beta CIC,local-spend,2000,2024-04-01\n"
	whole := NewAggregator(fw, Options{})
	_, err := readString(t, whole, "all.csv", handWorked, Outcomes, ReadOptions{})
	require.NoError(t, err)
	_, err = readString(t, whole, "commit.csv", commitments, Commitments, ReadOptions{})
	require.NoError(t, err)
	want := whole.Result()

	// every assignment of the 7 rows to 3 shards (3^7 = 2187 splits)
	n := len(rows)
	total := 1
	for range n {
		total *= 3
	}
	for split := range total {
		shards := [3]*Aggregator{}
		parts := [3][]string{}
		s := split
		for _, r := range rows {
			parts[s%3] = append(parts[s%3], r)
			s /= 3
		}
		for i := range shards {
			shards[i] = NewAggregator(fw, Options{})
			data := header + "\n" + strings.Join(parts[i], "\n") + "\n"
			_, err := readString(t, shards[i], "all.csv", data, Outcomes, ReadOptions{})
			require.NoError(t, err)
		}
		_, err = readString(t, shards[split%3], "commit.csv", commitments, Commitments, ReadOptions{})
		require.NoError(t, err)
		require.NoError(t, shards[0].Merge(shards[1]))
		require.NoError(t, shards[0].Merge(shards[2]))
		got := shards[0].Result()
		require.Equal(t, summary(want), summary(got), "split %d", split)
	}
}

// summary renders a result in a canonical text form for comparisons.
func summary(r *Result) string {
	var b strings.Builder
	for _, c := range r.Cells {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%d", c.Contract, c.Supplier, c.Measure, c.Year, c.Quantity.String(), c.SocialValue.String(), c.Records)
		if c.Spend != nil {
			fmt.Fprintf(&b, "|%s|%s|%s|%d|%d|%d", c.Spend.SME, c.Spend.VCSE, c.Spend.Local, c.Spend.UnknownSME, c.Spend.UnknownVCSE, c.Spend.UnknownLocal)
		}
		b.WriteString("\n")
	}
	for _, c := range r.Commitments {
		fmt.Fprintf(&b, "commit %s|%s|%s|%s|%s|%s\n", c.Contract, c.Supplier, c.Measure, c.Year, c.Committed, c.Delivered)
	}
	for _, p := range r.Proxies {
		fmt.Fprintf(&b, "proxy %s|%s|%s|%v|%d|%s|%s\n", p.Measure, p.Year, p.Proxy.Value, p.CarriedForward, p.Records, p.Quantity, p.SocialValue)
	}
	fmt.Fprintf(&b, "%d %d %d %d %s %d\n", r.Records, r.CommitmentRecords, r.OutOfYear, r.CommitmentsOutOfYear, r.Latest, r.CrossShardDuplicates)
	return b.String()
}

func TestMergeRejectsDifferentOptions(t *testing.T) {
	fw := testFramework(t)
	a := NewAggregator(fw, Options{})
	err := a.Merge(NewAggregator(fw, Options{YearPolicy: tom.CarryForward}))
	assert.ErrorIs(t, err, ErrMerge)
	err = a.Merge(NewAggregator(testFramework(t), Options{}))
	assert.ErrorIs(t, err, ErrMerge)
}

func TestCrossShardDuplicatesCounted(t *testing.T) {
	fw := testFramework(t)
	a, b := NewAggregator(fw, Options{}), NewAggregator(fw, Options{})
	_, err := readString(t, a, "a.csv", handWorked, Outcomes, ReadOptions{})
	require.NoError(t, err)
	_, err = readString(t, b, "b.csv", handWorked, Outcomes, ReadOptions{})
	require.NoError(t, err)
	require.NoError(t, a.Merge(b))
	assert.Equal(t, 7, a.Result().CrossShardDuplicates)
	// later reads into the merged aggregator see b's records
	rej, err := readString(t, a, "c.csv", handWorked, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	assert.Len(t, rej, 7)
}

func TestCommittedVersusDelivered(t *testing.T) {
	fw := testFramework(t)
	a := NewAggregator(fw, Options{Year: tom.MustYear("2024/25")})
	_, err := readString(t, a, "q.csv", handWorked, Outcomes, ReadOptions{})
	require.NoError(t, err)
	const commitments = `contract,supplier,measure,quantity,date
C1,Acme Ltd,volunteering-hours,20,2024-04-01
C1,Acme Ltd,volunteering-hours,5,2024-09-01
C2,Beta CIC,local-spend,2000,2024-04-01
C2,Beta CIC,schools-supported,2,2024-04-01
C1,Acme Ltd,schools-supported,1,2023-04-01
`
	_, err = readString(t, a, "commit.csv", commitments, Commitments, ReadOptions{})
	require.NoError(t, err)
	res := a.Result()
	require.Len(t, res.Commitments, 3)
	c := res.Commitments[0]
	assert.Equal(t, "C1 volunteering-hours 2024/25", c.Contract+" "+c.Measure+" "+c.Year.String())
	requireDec(t, "25", c.Committed) // 20 + 5
	requireDec(t, "12.5", c.Delivered)
	assert.Equal(t, "schools-supported", res.Commitments[1].Measure) // catalogue order within a contract
	requireDec(t, "0", res.Commitments[1].Delivered)
	requireDec(t, "1000.50", res.Commitments[2].Delivered)
	assert.Equal(t, int64(1), res.CommitmentsOutOfYear)
}

func TestAddRecord(t *testing.T) {
	fw := testFramework(t)
	a := NewAggregator(fw, Options{})
	var rec Record
	err := a.Add(rec)
	require.Error(t, err)
	assert.ErrorIs(t, err, diag.ErrRequired)
	rec = Record{Contract: "C1", Supplier: "S", Measure: "volunteering-hours", Quantity: dec("2"),
		Date: mustDate("2024-05-01"), Evidence: "e"}
	require.NoError(t, a.Add(rec))
	err = a.Add(rec)
	assert.ErrorIs(t, err, ErrDuplicate)
	rec.Quantity = dec("-1")
	assert.ErrorIs(t, a.Add(rec), ErrQuantity)
	rec.Quantity = dec("0.00000001") // beyond the fixed scale: exact decimal path
	require.NoError(t, a.Add(rec))
	requireDec(t, "35.0000001750", a.Result().Totals().SocialValue) // 2.00000001 × 17.50
}
