package measure

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Merging in parallel parts (forced here for every merge, whatever its
// size) gives the same totals and diagnostics as in memory.
func TestDuplicatesParallelMerge(t *testing.T) {
	files := dupFiles(4, 3, 400)
	commitments := "contract,supplier,measure,quantity,date\n"
	for i := range 300 {
		commitments += fmt.Sprintf("C%d,Supplier %d,%s,%d,2024-04-01\n", i%3, i%3, []string{"local-spend", "local-sme-spend", "schools-supported"}[i%7%3], i%5)
	}
	for _, lenient := range []bool{true, false} {
		want := runDup(t, Options{}, lenient, files, commitments)
		for _, parts := range []int{2, 3, 4} {
			for _, budget := range []int{1, 300, 2000, 20000, -1} {
				got := runDup(t, Options{DuplicateMemory: budget, TempDir: t.TempDir(), mergeParts: parts}, lenient, files, commitments)
				require.Equal(t, want.reads, got.reads, "lenient %v parts %d budget %d", lenient, parts, budget)
				require.Equal(t, want.summary, got.summary, "lenient %v parts %d budget %d", lenient, parts, budget)
			}
		}
	}
}

// Add (searching a base in several parts) and merging shards work the same
// with parallel merges.
func TestDuplicatesParallelAddMerge(t *testing.T) {
	testSpillAdd(t, 3)
	testSpillMerge(t, 3)
	testSpillStrictSorted(t, 3)
}
