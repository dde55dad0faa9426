package evaluate_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
)

// A tie is listed once, in its group, so 100,000 identical bids cost memory
// and output linear in the bids (#8.7: each tied bid used to list every
// other, 0.7 GB for 5,000 bids, and 100,000 never finished). The test
// compares with the same bids at distinct prices (no tie), in the same run.
func TestTiesAreLinear(t *testing.T) {
	n := 100_000
	if testing.Short() || raceEnabled {
		n = 10_000
	}
	tender := design("50", []evaluate.QualityCriterion{qc("q", "50", "10")}, evaluate.SocialValueCriterion{})
	bids := func(tied bool) []evaluate.Bid {
		out := make([]evaluate.Bid, n)
		for i := range out {
			price := decimal.NewFromInt(1000)
			if !tied {
				price = decimal.NewFromInt(int64(1000 + i))
			}
			out[i] = evaluate.Bid{Supplier: evaluate.Supplier{Name: fmt.Sprintf("Supplier %06d", i)}, Price: price,
				Quality: map[string]decimal.Decimal{"q": decimal.NewFromInt(5)}}
		}
		return out
	}
	measure := func(bs []evaluate.Bid) (*evaluate.Result, uint64, int64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := evaluate.Evaluate(context.Background(), tender, bs, nil, evaluate.Options{SkipPolicy: true})
		require.NoError(t, err)
		var out counter
		for _, write := range []func(io.Writer) error{res.WriteTable, res.WriteCSV, res.WriteJSON} {
			require.NoError(t, write(&out))
		}
		runtime.ReadMemStats(&after)
		return res, after.TotalAlloc - before.TotalAlloc, int64(out)
	}
	_, baseAlloc, baseOut := measure(bids(false))
	res, tieAlloc, tieOut := measure(bids(true))

	require.Len(t, res.Ties, 1)
	g := res.Ties[0]
	assert.Equal(t, evaluate.TieGroup{Group: 1, From: 0, To: n, Total: res.Bids[0].Total}, g)
	assert.Equal(t, 1, res.Bids[n-1].Rank, "all share rank 1")
	assert.Equal(t, 1, res.Bids[n-1].Tie.Group)
	t.Logf("%d bids: allocated %d MB untied, %d MB tied; wrote %d KB untied, %d KB tied",
		n, baseAlloc>>20, tieAlloc>>20, baseOut>>10, tieOut>>10)
	// Linear: a tie adds a few dozen bytes a bid (its Tie, its name once in
	// the group and its note), not a list of n names.
	assert.Less(t, tieAlloc, 2*baseAlloc+uint64(n)*512, "allocation grows with the tie")
	assert.Less(t, tieOut, 2*baseOut+int64(n)*256, "output grows with the tie")
}

// counter counts the bytes written to it.
type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }
