package measure

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/stream"
	"github.com/socialvalue-toms/toms/tom"
)

// sameAsEncodingCSV reads data with csvReader (a window of window bytes,
// the input handed over as chunk says) and with encoding/csv, and fails
// unless every record, field position, offset and error is the same.
func sameAsEncodingCSV(t *testing.T, data []byte, window int, chunk func(io.Reader) io.Reader) {
	t.Helper()
	want := csv.NewReader(bytes.NewReader(data))
	want.ReuseRecord = true
	want.FieldsPerRecord = -1
	got := newCSVReader(chunk(bytes.NewReader(data)), int64(len(data))+1, window)
	for n := 1; ; n++ {
		wrec, werr := want.Read()
		grec, gerr := got.Read()
		var wpe, gpe *csv.ParseError
		switch {
		case errors.As(werr, &wpe):
			require.True(t, errors.As(gerr, &gpe), "record %d: %v, want %v", n, gerr, werr)
			require.Equal(t, *wpe, *gpe, "record %d", n)
		default:
			require.Equal(t, werr, gerr, "record %d", n)
		}
		require.Len(t, grec, len(wrec), "record %d", n) // nil or empty alike
		if len(wrec) > 0 {
			require.Equal(t, wrec, grec, "record %d", n)
		}
		if werr == io.EOF {
			return
		}
		for i := range wrec {
			wl, wc := want.FieldPos(i)
			gl, gc := got.FieldPos(i)
			require.Equal(t, [2]int{wl, wc}, [2]int{gl, gc}, "record %d field %d", n, i)
		}
		require.Equal(t, want.InputOffset(), got.InputOffset(), "record %d", n)
		if gerr == nil {
			// plain means every byte of the record is printable ASCII, and
			// a record with no quote that is so is said to be
			printable := true
			for _, f := range wrec {
				printable = printable && printableASCII(f)
			}
			if got.plain {
				require.True(t, printable, "record %d: plain", n)
				for _, f := range wrec { // so the validator may skip its text checks
					require.Empty(t, textProblem(f), "record %d: plain", n)
				}
			} else if !bytes.Contains(data, []byte{'"'}) {
				require.False(t, printable, "record %d: not plain", n)
			}
		}
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

var csvReaderCases = []string{
	"",
	"\n",
	"a,b,c\n",
	"a,b,c",
	"a,b,c\r\n1,2,3\r\n",
	"a,b\r",
	"a,b\r\r\n",
	"\r",
	"\n\n\na\n\n",
	",,\n,\n",
	"a,\"b\",c\n",
	"a,\"b,c\",d\n",
	"\"a\"\"b\",c\n",
	"\"multi\nline\",x\n2,3\n",
	"\"multi\r\nline\",x\r\n",
	"\"unclosed,x\n2,3\n",
	"\"unclosed",
	"\"",
	"a\"b,c\n",
	"\"a\"b,c\n",
	"\"a\" ,c\n",
	" \"a\",c\n",
	"a,\"b\"\n\"c\",\"\"\n",
	"\"\"\n",
	"\"a\n\n\nb\"\n",
	"\"a\n",
	"x,\"a\r\r\nb\"\n",
	"é,\x00,\x7f,\t\n",
	"a,b\nc,\"d\ne\"\"\",f\ng\n",
	"\"a\",\"b\"\r",
	"a,\"b\nc\"",
	"a,\"b\nc\"d\n",
}

// csvReader gives what encoding/csv gives, record by record, whatever the
// size of its window and however the input arrives.
func TestCSVReaderMatchesEncodingCSV(t *testing.T) {
	for _, data := range csvReaderCases {
		for _, window := range []int{1, 2, 3, 7, 64, csvWindow} {
			for name, chunk := range map[string]func(io.Reader) io.Reader{
				"whole": func(r io.Reader) io.Reader { return r },
				"bytes": iotest.OneByteReader,
				"half":  iotest.HalfReader,
			} {
				t.Run(name, func(t *testing.T) { sameAsEncodingCSV(t, []byte(data), window, chunk) })
			}
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, c := range csvReaderCases {
		f.Add([]byte(c), uint8(0))
		f.Add([]byte(c), uint8(3))
	}
	f.Add([]byte("contract,supplier,measure,quantity,date,evidence\nC1,\"S, Ltd\",volunteering-hours,1,2024-06-30,ok\n"), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, w uint8) {
		window := csvWindow
		if w > 0 {
			window = int(w)
		}
		chunk := func(r io.Reader) io.Reader { return r }
		if w%2 == 1 {
			chunk = iotest.OneByteReader
		}
		sameAsEncodingCSV(t, data, window, chunk)
	})
}

// A record longer than the cap fails with errRecordTooLong, naming the
// line it starts on, whether the line is long or a quote runs on; one at
// the cap is read.
func TestCSVReaderCap(t *testing.T) {
	for _, tc := range []struct {
		data string
		max  int64
		ok   int // records read before the error
		line int
	}{
		{"a,b\nccc\n", 4, 2, 0},
		{"a,b\ncccc\n", 4, 1, 2},
		{"a,b\ncccc", 4, 2, 0},
		{"a,b\nccccc", 4, 1, 2},
		{"a\n\n\n\nb,\"c\nd\ne\"\n", 6, 1, 5},
		{"a\n\n\n\nb,\"c\nd\"\n", 8, 2, 0},
	} {
		c := newCSVReader(strings.NewReader(tc.data), tc.max, 2)
		n := 0
		var err error
		for {
			if _, err = c.Read(); err != nil {
				break
			}
			n++
		}
		assert.Equal(t, tc.ok, n, "%q", tc.data)
		if tc.line == 0 {
			assert.Equal(t, io.EOF, err, "%q", tc.data)
		} else {
			assert.ErrorIs(t, err, errRecordTooLong, "%q", tc.data)
			assert.Equal(t, tc.line, c.recLine, "%q", tc.data)
		}
	}
}

// An error of the underlying reader ends the read with that error.
func TestCSVReaderReadError(t *testing.T) {
	c := newCSVReader(iotest.TimeoutReader(iotest.OneByteReader(strings.NewReader("a,b\nc,d\n"))), 100, 8)
	_, err := c.Read()
	assert.ErrorIs(t, err, iotest.ErrTimeout)
}

// A row just under the cap is read, in memory of about twice the cap at
// most (the buffer, and the one before it while the row is read):
// measured live on the heap while the long row is held.
func TestCSVReaderMemory(t *testing.T) {
	const max = 4 << 20
	long := "a," + strings.Repeat("x", max-4) + "\n"
	data := "h1,h2\n" + long + strings.Repeat("b,c\n", 1000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := newCSVReader(strings.NewReader(data), max, csvWindow)
	rows := 0
	for {
		rec, err := c.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.Len(t, rec, 2)
		rows++
		if rows == 2 {
			runtime.GC()
			runtime.ReadMemStats(&after)
			require.Len(t, rec[1], max-4)
		}
	}
	assert.Equal(t, 1002, rows)
	assert.Less(t, after.HeapAlloc-before.HeapAlloc, uint64(2*max+4*csvWindow), "bytes held")
}

// The fields of a CSV record are strings over the reader's buffer, valid
// until the next record (see csvReader): whatever is kept past a record
// (a contract's or supplier's name, a problem's text, a Record) must be a
// copy. Read through windows of a few bytes, refilled over every field,
// anything kept that was not copied would come out garbled; so every
// total, name and problem must be what a read through the default window
// gives.
func TestCSVFieldsNotKept(t *testing.T) {
	fw, err := tom.Default()
	require.NoError(t, err)
	gen, err := io.ReadAll(newGenReader(3000))
	require.NoError(t, err)
	data := string(gen) +
		"CT-00001,Supplier 0001 Ltd,volunteering-hours,1.00,2023-04-01,EV-00000001,2023-Q1,yes,yes,yes\n" + // a duplicate of row 2
		"CT-X,\"Smith, Jones & Co\",volunteering-hours,2,2024-05-01,EV-9,2024-Q1,,,\n" +
		"CT-X,Café Ünïcode Ltd,volunteering-hours,3,2024-05-01,EV-10,2024-Q1,,,\n" +
		"CT-Y,Bad Ltd,no-such-measure,3,2024-05-01,EV-11,2024-Q1,,,\n" +
		"CT-Y,Bad Ltd,volunteering-hours,-3,2024-13-01,EV-12,2024-Q1,maybe,,\n" +
		"CT-Z,\"Stray \"quote\" Ltd\",volunteering-hours,3,2024-05-01,EV-13,2024-Q1,,,\n" +
		"CT-Z,Tab\tLtd,volunteering-hours,3,2024-05-01,EV-14,2024-Q1,,,\n"
	read := func(window int) (*Result, diag.List, []Record) {
		a := NewAggregator(fw, Options{})
		defer a.Close()
		rejected, err := a.Read(context.Background(), strings.NewReader(data), "w.csv", Outcomes, ReadOptions{Lenient: true, window: window})
		require.NoError(t, err)
		var recs []Record
		_, err = ReadRecords(context.Background(), strings.NewReader(data), "w.csv", Outcomes, fw, ReadOptions{Lenient: true, window: window},
			func(r Record) error { recs = append(recs, r); return nil })
		require.NoError(t, err)
		return a.Result(), rejected, recs
	}
	want, wantRejected, wantRecs := read(0)
	require.Len(t, wantRejected, 6)
	require.Equal(t, "Smith, Jones & Co", wantRecs[len(wantRecs)-2].Supplier)
	for _, window := range []int{1, 5, 16, 100} {
		got, rejected, recs := read(window)
		// compared without diffs, which would take minutes when garbled
		if !reflect.DeepEqual(want, got) {
			t.Errorf("window %d: the result differs", window)
		}
		if rejected.Error() != wantRejected.Error() {
			t.Errorf("window %d: the problems differ:\n%v", window, rejected)
		}
		require.Len(t, recs, len(wantRecs), "window %d", window)
		for i := range recs {
			if !reflect.DeepEqual(recs[i], wantRecs[i]) {
				t.Fatalf("window %d: record %d is %+v, want %+v", window, i, recs[i], wantRecs[i])
			}
		}
	}
}

// trim is strings.Trim(s, " \t"), by hand so that it is inlined.
func TestTrim(t *testing.T) {
	for _, s := range []string{"", " ", "\t", " \t ", "a", " a", "a ", "\ta\t", " a b ", "\t \ta\t \t", "\na\n", " \u00a0a"} {
		assert.Equal(t, strings.Trim(s, " \t"), trim(s), "%q", s)
	}
}

// A row from a slow pipe is read as soon as its line end arrives, not when
// the window is full: progress and the context are checked as rows come.
func TestCSVReaderSlowPipe(t *testing.T) {
	r, w := io.Pipe()
	c := newCSVReader(r, 100, csvWindow)
	go func() { _, _ = w.Write([]byte("a,b\n")) }()
	got := make(chan []string)
	go func() {
		rec, err := c.Read()
		assert.NoError(t, err)
		got <- slices.Clone(rec)
	}()
	select {
	case rec := <-got:
		assert.Equal(t, []string{"a", "b"}, rec)
	case <-time.After(10 * time.Second):
		t.Fatal("the first row waited for more input")
	}
	go func() { _, _ = w.Write([]byte("c,d\n")); w.Close() }()
	rec, err := c.Read()
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "d"}, rec)
	_, err = c.Read()
	assert.Equal(t, io.EOF, err)
}

// An endless stream of empty lines, which yields no row for ingest to
// check its context at, still stops when the context is cancelled, having
// read little of it.
func TestCSVEndlessEmptyLines(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := stream.NewEndless("contract,supplier,measure,quantity,date,evidence\n", '\n')
	_, err := NewAggregator(testFramework(t), Options{}).Read(ctx, in, "e.csv", Outcomes, ReadOptions{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, in.N(), int64(1<<20), "bytes read")
	// and in JSON lines
	in = stream.NewEndless("", '\n')
	_, err = NewAggregator(testFramework(t), Options{}).Read(ctx, in, "e.jsonl", Outcomes, ReadOptions{Format: JSONLines})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, in.N(), int64(1<<20), "bytes read")
}
