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
				func() {
					defer func(m int64, p int) { parallelMerge, testParts = m, p }(parallelMerge, testParts)
					parallelMerge, testParts = 1, parts
					got := runDup(t, Options{DuplicateMemory: budget, TempDir: t.TempDir()}, lenient, files, commitments)
					require.Equal(t, want.reads, got.reads, "lenient %v parts %d budget %d", lenient, parts, budget)
					require.Equal(t, want.summary, got.summary, "lenient %v parts %d budget %d", lenient, parts, budget)
				}()
			}
		}
	}
}

// The hash of a key depends on every byte and on the length.
func TestFoldHash(t *testing.T) {
	seen := map[uint64]string{}
	b := make([]byte, 0, 40)
	for n := range 40 {
		for i := range 256 {
			k := append(b[:0], make([]byte, n)...)
			if n > 0 {
				k[i%n] = byte(i)
			} else if i > 0 {
				break
			}
			h := foldHash(k, 1)
			if prev, ok := seen[h]; ok && prev != string(k) {
				t.Fatalf("%q and %q collide", prev, k)
			}
			seen[h] = string(k)
		}
	}
}

// Add (searching a base in several parts) and merging shards work the same
// with parallel merges.
func TestDuplicatesParallelAddMerge(t *testing.T) {
	defer func(m int64, p int) { parallelMerge, testParts = m, p }(parallelMerge, testParts)
	parallelMerge, testParts = 1, 3
	TestDuplicatesSpillAdd(t)
	TestDuplicatesSpillMerge(t)
	TestDuplicatesSpillStrictSorted(t)
}
