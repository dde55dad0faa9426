package measure

import (
	"fmt"
	"github.com/socialvalue-toms/toms/diag"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// bigFramework is a catalogue of n count measures m0 ... m(n-1), in JSON
// (which the YAML loader reads) to keep it quick.
func bigFramework(t *testing.T, n int) *tom.Framework {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"apiVersion":"toms/v1","kind":"Framework","id":"big","name":"Big","currency":"GBP","themes":[{"id":"t","name":"T","outcomes":[{"id":"o","name":"O","measures":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"m%d","name":"M %d","unit":"count"}`, i, i)
	}
	b.WriteString(`]}]}]}`)
	fw, err := tom.Parse("big.json", []byte(b.String()))
	require.NoError(t, err)
	return fw
}

// Measure indexes are not packed into 12 or 16 bits: with 70,000 measures,
// m65536 (index 2¹⁶) and m0 stay apart in the totals, and a duplicate of
// m65536 is reported as a duplicate of m65536, not as m0 counted twice.
func TestManyMeasures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a catalogue of 70,000 measures")
	}
	fw := bigFramework(t, 70_000)
	for _, memory := range []int{0, 64} { // in memory, and spilled to temporary files
		a := NewAggregator(fw, Options{DuplicateMemory: memory, TempDir: t.TempDir()})
		const data = `contract,supplier,measure,quantity,date,evidence
C1,S,m0,1,2024-06-30,
C1,S,m65536,2,2024-06-30,
C1,S,m69999,3,2024-06-30,
C1,S,m4096,4,2024-06-30,
C1,S,m65536,2,2024-06-30,
`
		rej, err := readString(t, a, "big.csv", data, Outcomes, ReadOptions{Lenient: true})
		require.NoError(t, err)
		require.Len(t, rej, 1, "memory %d", memory)
		assert.ErrorIs(t, rej[0], ErrDuplicate)
		assert.Equal(t, 6, rej[0].Line)
		assert.Contains(t, rej[0].Message, "duplicate of line 3")
		res := a.Result()
		got := map[string]string{}
		for _, c := range res.Cells {
			got[c.Measure] = c.Quantity.String()
		}
		assert.Equal(t, map[string]string{"m0": "1", "m65536": "2", "m69999": "3", "m4096": "4"}, got, "memory %d", memory)
		require.NoError(t, a.Close())
	}
}

// Files are numbered in 32 bits: a duplicate found across 5,000 inputs
// names the right earlier file.
func TestManyFiles(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	const n = 5000
	for i := range n {
		data := fmt.Sprintf("contract,supplier,measure,quantity,date,evidence\nC%d,S,schools-supported,1,2024-06-30,\n", i)
		_, err := readString(t, a, fmt.Sprintf("f%d.csv", i), data, Outcomes, ReadOptions{})
		require.NoError(t, err)
	}
	_, err := readString(t, a, "again.csv", "contract,supplier,measure,quantity,date,evidence\nC4321,S,schools-supported,1,2024-06-30,\n", Outcomes, ReadOptions{})
	var list diag.List
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	assert.Equal(t, "again.csv", list[0].File)
	assert.Contains(t, list[0].Message, "duplicate of f4321.csv:2")
	assert.Equal(t, int64(n), a.Result().Records)
	assert.Len(t, a.Result().Files, n+1)
}
