package measure

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// benchMeasures are default-catalogue measures with a value in both years
// generated, or none at all (non-financial).
var benchMeasures = []string{
	"volunteering-hours", "expert-hours", "resources-donated", "crowdfund-contributions",
	"vcs-schools-supported", "crowdfunded-projects", "local-people-training", "local-apprentices",
	"training-weeks", "apprenticeship-weeks", "young-people-supported", "work-placement-weeks",
	"local-spend", "sme-spend", "vcse-spend", "contracts-environmental", "waste-diverted",
}

// genReader streams n outcome rows without holding them: 500 contracts
// (each with one of 200 suppliers), the measures above, dates over two
// financial years (2023/24 and 2024/25), quantities with up to 2 places.
// (contract, measure, date) is unique by construction, so there are no
// duplicates. Rows look like
//
//	CT-00042,Supplier 0042 Ltd,volunteering-hours,123.45,2024-05-17,EV-00000042,2024-Q1,yes,no,yes
type genReader struct {
	i, n int
	buf  bytes.Buffer
	day0 time.Time
}

func newGenReader(n int) *genReader { return newGenRange(0, n) }

// newGenRange streams rows from to to-1 of the sequence, with a header.
func newGenRange(from, to int) *genReader {
	g := &genReader{i: from, n: to, day0: time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)}
	g.buf.WriteString("contract,supplier,measure,quantity,date,evidence,period,supplier_sme,supplier_vcse,local\n")
	return g
}

func (g *genReader) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && g.i < g.n {
		g.row(g.i)
		g.i++
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

func (g *genReader) row(i int) {
	const contracts = 500
	c := i % contracts
	m := (i / contracts) % len(benchMeasures)
	d := g.day0.AddDate(0, 0, (i/(contracts*len(benchMeasures)))%730)
	q := (i*7919)%100000 + 1
	flag := func(k int) string {
		switch (i / k) % 3 {
		case 0:
			return "yes"
		case 1:
			return "no"
		}
		return ""
	}
	fmt.Fprintf(&g.buf, "CT-%05d,Supplier %04d Ltd,%s,%d.%02d,%s,EV-%08d,%d-Q%d,%s,%s,%s\n",
		c, c%200, benchMeasures[m], q/100, q%100, d.Format("2006-01-02"), i, d.Year(), (int(d.Month())+8)%12/3+1, flag(1), flag(7), flag(13))
}

var (
	benchOnce sync.Once
	benchData []byte
)

const benchRows = 1_000_000

func benchCSV(b *testing.B) []byte {
	benchOnce.Do(func() {
		data, err := io.ReadAll(newGenReader(benchRows))
		require.NoError(b, err)
		benchData = data
	})
	return benchData
}

// parseOnly is the baseline: encoding/csv with a reused record, touching
// every field, no validation or valuation.
func parseOnly(r io.Reader) (rows int, err error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		for _, f := range rec {
			n += len(f)
		}
		rows++
	}
}

// BenchmarkIngest1M compares the whole pipeline (validate, value, group,
// detect duplicates) with parsing the same CSV alone. Run it with
//
//	go test ./measure -run '^$' -bench Ingest1M -benchmem -count 5
func BenchmarkIngest1M(b *testing.B) {
	data := benchCSV(b)
	fw, err := tom.Default()
	require.NoError(b, err)
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
	}
	b.Run("parse-only", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			rows, err := parseOnly(bytes.NewReader(data))
			if err != nil || rows != benchRows+1 {
				b.Fatal(rows, err)
			}
		}
		report(b)
	})
	// the reader readCSV uses, alone: the part of the pipeline that parses
	b.Run("parse-only-csvReader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			cr := newCSVReader(bytes.NewReader(data), DefaultMaxLineBytes, csvWindow)
			rows, n := 0, 0
			for {
				rec, err := cr.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				for _, f := range rec {
					n += len(f)
				}
				rows++
			}
			if rows != benchRows+1 {
				b.Fatal(rows)
			}
		}
		report(b)
	})
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"aggregate", Options{}},
		{"aggregate-no-dup-check", Options{NoDuplicateCheck: true}},
		{"aggregate-year", Options{Year: tom.MustYear("2024/25")}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for range b.N {
				a := NewAggregator(fw, tc.opts)
				if _, err := a.Read(context.Background(), bytes.NewReader(data), "bench.csv", Outcomes, ReadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		})
	}
}

// BenchmarkManyFiles reads the same 1M rows as one file and as 400 files
// of 2,500 rows (quarterly returns, say), with ReadAll, in the same run:
// once duplicate detection has spilled, ReadAll resolves once at the end,
// so the 400 files should cost about what the one file does. Run it with
//
//	go test ./measure -run '^$' -bench ManyFiles -benchtime 1x -count 5
//
// Add -manyreads to compare 400 calls of Read, which resolve at the end
// of each (quadratic; minutes).
func BenchmarkManyFiles(b *testing.B) {
	data := benchCSV(b)
	const files = 400
	parts := make([][]byte, files)
	per := benchRows / files
	for i := range parts {
		p, err := io.ReadAll(newGenRange(i*per, (i+1)*per))
		require.NoError(b, err)
		parts[i] = p
	}
	fw, err := tom.Default()
	require.NoError(b, err)
	b.Run("one-file", func(b *testing.B) {
		for range b.N {
			a := NewAggregator(fw, Options{})
			if _, err := a.Read(context.Background(), bytes.NewReader(data), "one.csv", Outcomes, ReadOptions{}); err != nil {
				b.Fatal(err)
			}
			if a.Result().Records != benchRows {
				b.Fatal("rows lost")
			}
			a.Close()
		}
	})
	inputs := make([]File, files)
	for i, p := range parts {
		inputs[i] = File{Name: fmt.Sprintf("q%03d.csv", i), Kind: Outcomes, Open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(p)), nil
		}}
	}
	for _, par := range []int{1, -1} {
		b.Run(fmt.Sprintf("400-files-ReadAll-parallel=%d", par), func(b *testing.B) { readAllBench(b, fw, inputs, par) })
	}
	if !*manyReads {
		return
	}
	b.Run("400-files-Read", func(b *testing.B) {
		for range b.N {
			a := NewAggregator(fw, Options{})
			for i, p := range parts {
				if _, err := a.Read(context.Background(), bytes.NewReader(p), inputs[i].Name, Outcomes, ReadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			a.Close()
		}
	})
}

// readAllBench reads the inputs with ReadAll, par at a time (-1: GOMAXPROCS).
func readAllBench(b *testing.B, fw *tom.Framework, inputs []File, par int) {
	for range b.N {
		a := NewAggregator(fw, Options{Parallel: par})
		out, err := a.ReadAll(context.Background(), inputs)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range out {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		if a.Result().Records != benchRows {
			b.Fatal("rows lost")
		}
		a.Close()
	}
}

var (
	manyReads = flag.Bool("manyreads", false, "BenchmarkManyFiles: also 400 calls of Read")
	benchOut  = flag.String("benchcsv", "", "TestWriteBenchCSV: write the benchmark's outcome rows to this file")
	benchN    = flag.Int("benchrows", benchRows, "TestWriteBenchCSV: how many rows")
)

// TestWriteBenchCSV writes the rows the benchmarks read to a file, for
// measuring the command (peak memory, the DuckDB comparison in
// bench/duckdb):
//
//	go test ./measure -run TestWriteBenchCSV -args -benchcsv /tmp/1m.csv -benchrows 1000000
func TestWriteBenchCSV(t *testing.T) {
	if *benchOut == "" {
		t.Skip("give -benchcsv FILE")
	}
	f, err := os.Create(*benchOut)
	require.NoError(t, err)
	_, err = io.Copy(f, newGenReader(*benchN))
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// TestPeakMemory measures one configuration in a fresh process and prints
// peak RSS (VmHWM) and allocation figures. It runs only when asked:
//
//	TOMS_PEAKMEM=parse-only|aggregate|aggregate-no-dup-check TOMS_PEAKROWS=1000000 \
//	  go test ./measure -run TestPeakMemory -count 1 -v
//
// The rows are generated while being read, so the input itself takes no memory.
func TestPeakMemory(t *testing.T) {
	mode := os.Getenv("TOMS_PEAKMEM")
	if mode == "" || testing.Short() {
		t.Skip("set TOMS_PEAKMEM to measure peak memory")
	}
	rows := benchRows
	if s := os.Getenv("TOMS_PEAKROWS"); s != "" {
		var err error
		rows, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	fw, err := tom.Default()
	require.NoError(t, err)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	r := bufio.NewReaderSize(newGenReader(rows), 64<<10)
	switch mode {
	case "parse-only":
		_, err = parseOnly(r)
	default:
		a := NewAggregator(fw, Options{NoDuplicateCheck: mode == "aggregate-no-dup-check"})
		_, err = a.Read(context.Background(), r, "gen.csv", Outcomes, ReadOptions{})
		res := a.Result()
		t.Logf("cells %d, records %d, social value £%s", len(res.Cells), res.Records, res.Totals().SocialValue.StringFixed(2))
	}
	require.NoError(t, err)
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	status, _ := os.ReadFile("/proc/self/status")
	hwm := ""
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	t.Logf("mode=%s rows=%d wall=%v (includes generating the rows) peakRSS=%s heapSys=%.1fMiB totalAlloc=%.1fMiB mallocs=%d gc=%d",
		mode, rows, elapsed.Round(time.Millisecond), hwm, float64(after.HeapSys)/(1<<20),
		float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), after.Mallocs-before.Mallocs, after.NumGC-before.NumGC)
}

// benchResult is the result of the benchmark rows that fill every group of
// the 1M rows (500 contracts × 17 measures, in one year) with 2 rows each.
func benchResult(b testing.TB) *Result {
	fw, err := tom.Default()
	require.NoError(b, err)
	a := NewAggregator(fw, Options{})
	defer a.Close()
	_, err = a.Read(context.Background(), newGenReader(2*500*len(benchMeasures)), "gen.csv", Outcomes, ReadOptions{})
	require.NoError(b, err)
	return a.Result()
}

// BenchmarkReview times what `toms report` does after reading, on the
// groups of 1M benchmark rows: the review and its JSON.
//
//	go test ./measure -run '^$' -bench Review -benchmem
func BenchmarkReview(b *testing.B) {
	res := benchResult(b)
	b.Run("NewReview", func(b *testing.B) {
		for range b.N {
			NewReview(res, ReviewOptions{})
		}
	})
	rv := NewReview(res, ReviewOptions{})
	b.Run("WriteJSON", func(b *testing.B) {
		for range b.N {
			if err := rv.WriteJSON(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkResult times Aggregator.Result on the groups of the 1M
// benchmark rows (17,000 cells in two years, as in largeReview).
//
//	go test ./measure -run '^$' -bench Result -benchmem
func BenchmarkResult(b *testing.B) {
	g := newGenRange(0, 0)
	per := 500 * len(benchMeasures)
	for _, day := range []int{0, 400} {
		for j := range per {
			g.row(day*per + j)
		}
	}
	fw, err := tom.Default()
	require.NoError(b, err)
	a := NewAggregator(fw, Options{})
	defer a.Close()
	_, err = a.Read(context.Background(), g, "gen.csv", Outcomes, ReadOptions{})
	require.NoError(b, err)
	b.ResetTimer()
	for range b.N {
		a.Result()
	}
}
