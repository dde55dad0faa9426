//go:build unix

package measure

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

var (
	benchRowsOnce sync.Once
	benchRowsData []row
)

// benchParsedRows is the 1M rows of benchCSV, read and checked once (the
// strings cloned and shared, as the interners would).
func benchParsedRows(b *testing.B, fw *tom.Framework) []row {
	benchRowsOnce.Do(func() {
		seen := map[string]string{}
		intern := func(s string) string {
			if t, ok := seen[s]; ok {
				return t
			}
			t := strings.Clone(s)
			seen[t] = t
			return t
		}
		rows := make([]row, 0, benchRows)
		in := newIngest(context.Background(), NewAggregator(fw, Options{}).cat, Outcomes, "bench.csv", ReadOptions{})
		in.sink = func(r *row, _ posFunc) (*diag.Diagnostic, error) {
			c := *r
			c.contract, c.supplier, c.period = intern(c.contract), intern(c.supplier), intern(c.period)
			c.evidence, c.notes, c.unit = "", "", ""
			rows = append(rows, c)
			return nil, nil
		}
		_, err := in.run(bytes.NewReader(benchCSV(b)))
		require.NoError(b, err)
		benchRowsData = rows
	})
	require.Len(b, benchRowsData, benchRows)
	return benchRowsData
}

// BenchmarkDedup1M isolates what the duplicate check costs: the 1M rows
// of BenchmarkIngest1M, read and checked once, are counted by a new
// Aggregator each time, with and without the check (and resolved at the
// end, as Read does); the difference is the check alone. Run it with
//
//	go test ./measure -run '^$' -bench Dedup1M -benchmem -count 5
func BenchmarkDedup1M(b *testing.B) {
	fw, err := tom.Default()
	require.NoError(b, err)
	rows := benchParsedRows(b, fw)
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"check", Options{}},
		{"no-check", Options{NoDuplicateCheck: true}},
		{"check-in-memory", Options{DuplicateMemory: -1}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			line := 0
			pos := func(c column) (int, int) { return line, int(c) + 1 }
			cpu0 := cpuTime()
			for range b.N {
				a := NewAggregator(fw, tc.opts)
				a.files = append(a.files, "bench.csv")
				for i := range rows {
					line = rows[i].line
					d, err := a.add(&rows[i], 0, pos, false, false)
					if err != nil || d != nil {
						b.Fatal(d, err)
					}
				}
				if err := a.resolve(false, func(_ int, d *diag.Diagnostic) { b.Fatal(d) }); err != nil {
					b.Fatal(err)
				}
				require.NoError(b, a.Close())
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N*len(rows)), "cpu-ns/row")
		})
	}
	// the same as BenchmarkIngest1M's aggregate and
	// aggregate-no-dup-check, with the time of every thread
	data := benchCSV(b)
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"read-check", Options{}},
		{"read-no-check", Options{NoDuplicateCheck: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for range b.N {
				a := NewAggregator(fw, tc.opts)
				if _, err := a.Read(context.Background(), bytes.NewReader(data), "bench.csv", Outcomes, ReadOptions{}); err != nil {
					b.Fatal(err)
				}
				require.NoError(b, a.Close())
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N*benchRows), "cpu-ns/row")
		})
	}
}

// cpuTime is the user and system time of the process so far, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkFingerprint is the fingerprint of a row alone, over the first
// 4,096 rows of BenchmarkIngest1M.
func BenchmarkFingerprint(b *testing.B) {
	fw, err := tom.Default()
	require.NoError(b, err)
	rows := benchParsedRows(b, fw)[:4096]
	d := newDedup(0, b.TempDir(), 0)
	defer d.close()
	var x uint64
	b.ResetTimer()
	for i := range b.N {
		x ^= d.fingerprint(&rows[i%len(rows)]).H1
	}
	if x == 42 {
		b.Log(x)
	}
}
