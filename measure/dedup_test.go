package measure

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
)

// dupFiles generates outcome files drawn from a small key space, so that
// duplicates and exclusive-group double counting are common, within a file
// and across files. Some quantities have 7 decimal places (the exact
// decimal path), some rows are bad for other reasons.
func dupFiles(seed uint64, files, rows int) []string {
	rnd := rand.New(rand.NewPCG(seed, 1))
	measures := []string{"volunteering-hours", "schools-supported", "local-spend", "local-sme-spend"}
	qtys := []string{"1", "2.5", "10", "0.0000001", "3.1415926", "1000.50", "7"}
	dates := []string{"2024-03-15", "2024-04-02", "2024-06-30", "2025-01-10"}
	flags := []string{"", "yes", "no"}
	out := make([]string, files)
	for f := range out {
		var b strings.Builder
		b.WriteString("contract,supplier,measure,quantity,date,evidence,period,supplier_sme,supplier_vcse,local\n")
		for range rows {
			c := rnd.IntN(4)
			m := measures[rnd.IntN(len(measures))]
			q := qtys[rnd.IntN(len(qtys))]
			if rnd.IntN(50) == 0 {
				q = "-1" // rejected for its quantity, never fingerprinted
			}
			fmt.Fprintf(&b, "C%d,Supplier %d,%s,%s,%s,ev,P%d,%s,%s,%s\n", c, c, m, q,
				dates[rnd.IntN(len(dates))], rnd.IntN(2),
				flags[rnd.IntN(3)], flags[rnd.IntN(3)], flags[rnd.IntN(3)])
		}
		out[f] = b.String()
	}
	return out
}

// dupRun is what one configuration made of the same inputs.
type dupRun struct {
	reads   []string // per Read: the rejected rows (lenient) or the error (strict)
	summary string
	spilled bool
}

func runDup(t *testing.T, opts Options, lenient bool, files []string, commitments string) dupRun {
	t.Helper()
	a := NewAggregator(testFramework(t), opts)
	defer a.Close()
	var run dupRun
	read := func(name, data string, kind Kind) {
		rej, err := readString(t, a, name, data, kind, ReadOptions{Lenient: lenient})
		if lenient {
			require.NoError(t, err)
			run.reads = append(run.reads, diag.List(rej).Error())
		} else {
			var list diag.List
			require.True(t, err == nil || errors.As(err, &list), "%v", err)
			run.reads = append(run.reads, fmt.Sprint(err))
		}
	}
	for i, f := range files {
		read(fmt.Sprintf("f%d.csv", i), f, Outcomes)
	}
	read("commit.csv", commitments, Commitments)
	res := a.Result()
	run.summary = summary(res) + diag.List(res.Rejected).Error()
	run.spilled = a.dd.deferring()
	return run
}

// Duplicate detection gives the same totals and diagnostics whether it
// stays in memory or spills to temporary files, whatever the budget.
func TestDuplicatesSpillLikeInMemory(t *testing.T) {
	files := dupFiles(1, 3, 400)
	commitments := "contract,supplier,measure,quantity,date\n"
	for i := range 300 {
		commitments += fmt.Sprintf("C%d,Supplier %d,%s,%d,2024-04-01\n", i%3, i%3, []string{"local-spend", "local-sme-spend", "schools-supported"}[i%7%3], i%5)
	}
	for _, lenient := range []bool{true, false} {
		want := runDup(t, Options{}, lenient, files, commitments)
		require.False(t, want.spilled)
		if lenient {
			assert.Contains(t, want.reads[1], "duplicate of f0.csv:")
			assert.Contains(t, want.reads[0], "counted twice: line ")
			assert.Contains(t, want.reads[3], "commit.csv:")
		}
		for _, budget := range []int{1, 300, 2000, 20000} {
			dir := t.TempDir()
			got := runDup(t, Options{DuplicateMemory: budget, TempDir: dir}, lenient, files, commitments)
			if budget <= 2000 {
				assert.True(t, got.spilled, "budget %d", budget)
			}
			require.Equal(t, want.reads, got.reads, "lenient %v budget %d", lenient, budget)
			require.Equal(t, want.summary, got.summary, "lenient %v budget %d", lenient, budget)
			left, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, left, "temporary files are removed")
		}
	}
}

// Strict reads still list every bad row, sorted, when duplicates are found
// at the end of the Read.
func TestDuplicatesSpillStrictSorted(t *testing.T) { testSpillStrictSorted(t, 0) }

func testSpillStrictSorted(t *testing.T, parts int) {
	for _, budget := range []int{0, 1} {
		a := NewAggregator(testFramework(t), Options{DuplicateMemory: budget, mergeParts: parts})
		// fill the table so that base exists and the bad file is deferred
		var b strings.Builder
		b.WriteString("contract,supplier,measure,quantity,date,evidence\n")
		for i := range 10 {
			fmt.Fprintf(&b, "C%d,S,schools-supported,1,2024-05-01,\n", i)
		}
		_, err := readString(t, a, "first.csv", b.String(), Outcomes, ReadOptions{})
		require.NoError(t, err)
		require.Equal(t, budget == 1, a.dd.deferring())
		require.NoError(t, err)
		_, err = readString(t, a, "bad.csv", badRows, Outcomes, ReadOptions{})
		var list diag.List
		require.True(t, errors.As(err, &list), "%v", err)
		checkBad(t, list)
		a.Close()
	}
}

// Merging shards gives the same result, cross-shard duplicate count and
// later rejections in memory and spilled.
func TestDuplicatesSpillMerge(t *testing.T) { testSpillMerge(t, 0) }

func testSpillMerge(t *testing.T, parts int) {
	files := dupFiles(2, 4, 150)
	run := func(opts Options) (string, string) {
		fw := testFramework(t)
		var shards []*Aggregator
		for i, f := range files[:3] {
			s := NewAggregator(fw, opts)
			_, err := readString(t, s, fmt.Sprintf("f%d.csv", i), f, Outcomes, ReadOptions{Lenient: true})
			require.NoError(t, err)
			shards = append(shards, s)
		}
		require.NoError(t, shards[0].Merge(shards[1]))
		require.NoError(t, shards[2].Merge(shards[0]))
		a := shards[2]
		defer a.Close()
		rej, err := readString(t, a, "f3.csv", files[3], Outcomes, ReadOptions{Lenient: true})
		require.NoError(t, err)
		res := a.Result()
		assert.Positive(t, res.CrossShardDuplicates)
		return summary(res) + diag.List(res.Rejected).Error(), diag.List(rej).Error()
	}
	wantSum, wantRej := run(Options{})
	for _, budget := range []int{1, 500, 5000} {
		gotSum, gotRej := run(Options{DuplicateMemory: budget, TempDir: t.TempDir(), mergeParts: parts})
		require.Equal(t, wantSum, gotSum, "budget %d", budget)
		require.Equal(t, wantRej, gotRej, "budget %d", budget)
	}
	// options that only change memory may be merged
	fw := testFramework(t)
	assert.NoError(t, NewAggregator(fw, Options{}).Merge(NewAggregator(fw, Options{DuplicateMemory: 1})))
}

// Add finds a duplicate at once, in memory or in base.
func TestDuplicatesSpillAdd(t *testing.T) { testSpillAdd(t, 0) }

func testSpillAdd(t *testing.T, parts int) {
	files := dupFiles(3, 1, 200)
	for _, budget := range []int{0, 1} {
		a := NewAggregator(testFramework(t), Options{DuplicateMemory: budget, mergeParts: parts})
		_, err := readString(t, a, "f.csv", files[0], Outcomes, ReadOptions{Lenient: true})
		require.NoError(t, err)
		rec := Record{Contract: "C1", Supplier: "Supplier 1", Measure: "local-sme-spend", Quantity: dec("0.0000001"),
			Date: mustDate("2024-04-02"), Period: "P0", Pos: diag.Pos{File: "add", Line: 7}}
		before := a.Result().Records
		err = a.Add(rec)
		if err == nil {
			err = a.Add(rec)
		}
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrDuplicate) || errors.Is(err, ErrDoubleCounted), "%v", err)
		rec.Quantity = dec("123.4567891")
		require.NoError(t, a.Add(rec))
		err = a.Add(rec)
		assert.ErrorIs(t, err, ErrDuplicate)
		assert.Contains(t, err.Error(), "add:7: measure: duplicate of line 7")
		assert.LessOrEqual(t, a.Result().Records, before+2)
		require.NoError(t, a.Close())
		assert.Error(t, a.Add(rec), "closed")
	}
}

// Taking out a duplicate is exact even when the 128-bit sum overflowed.
func TestAccSubExact(t *testing.T) {
	var x acc
	x.add128(^uint64(0), ^uint64(0), 6)
	x.add128(0, 5, 6) // overflows into extra
	x.sub128(0, 5, 6) // the integer part holds 5: taken from it
	x.sub128(0, 5, 6) // it holds 0 now: extra pays
	want := u128Decimal(^uint64(0), ^uint64(0), 6).Sub(dec("0.000005"))
	requireDec(t, want.String(), x.value(6))
	x.sub(quantity{d: dec("0.0000001")}, 6)
	requireDec(t, want.Sub(dec("0.0000001")).String(), x.value(6))
}
