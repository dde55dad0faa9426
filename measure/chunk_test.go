package measure

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// chunkCSV is a CSV file of dupFiles rows (duplicates all over it, and a
// bad quantity in about one row of 50), with lines ending in LF, CRLF and
// bare CR, and blank lines, all of which the readers count.
func chunkCSV(rows int) string {
	f := dupFiles(21, 1, rows)[0]
	lines := strings.SplitAfter(strings.TrimSuffix(f, "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\n")
		switch {
		case i%97 == 13:
			b.WriteString(l + "\r\n")
		case i%89 == 7:
			b.WriteString(l + "\r")
		case i%83 == 5:
			b.WriteString(l + "\n\n")
		default:
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// chunkJSONLines is chunkCSV's rows as JSON lines (the header gone).
func chunkJSONLines(rows int) string {
	f := dupFiles(22, 1, rows)[0]
	lines := strings.Split(strings.TrimSuffix(f, "\n"), "\n")
	names := strings.Split(lines[0], ",")
	var b strings.Builder
	for i, l := range lines[1:] {
		b.WriteString("{")
		for j, v := range strings.Split(l, ",") {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%q", names[j], v)
		}
		b.WriteString("}")
		if i%97 == 13 {
			b.WriteString("\r\n")
		} else if i%89 == 7 {
			b.WriteString("\r")
		} else {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// readChunkedFile reads the file at path with ReadAll, Parallel par, and
// returns what it made of it: the file's result, the totals, the review in
// every format and the state, byte for byte, and how many files were read
// in chunks.
func readChunkedFile(t *testing.T, path string, par int, ro ReadOptions) (string, int) {
	t.Helper()
	a := NewAggregator(testFramework(t), Options{Parallel: par, TempDir: t.TempDir(), DuplicateMemory: 4000, chunkMin: 1})
	defer a.Close()
	out, err := a.ReadAll(context.Background(), []File{{Name: filepath.Base(path), Kind: Outcomes, Options: ro,
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}})
	require.NoError(t, err)
	var b bytes.Buffer
	fmt.Fprintln(&b, out[0].Rejected, out[0].Err)
	res := a.Result()
	fmt.Fprintln(&b, res.Files, res.RejectedRows, res.RejectedNotKept)
	b.WriteString(summary(res))
	b.WriteString(render(t, res))
	b.WriteString("\n--- state\n")
	require.NoError(t, a.WriteState(&b))
	return b.String(), a.chunked
}

// A file read in chunks, each by a reader of its own, gives what one
// reader gives, byte for byte: the same rejected rows at the same
// file:line:column (duplicates of rows in other chunks among them), the
// same totals, review and state, strict or lenient, CSV or JSON lines,
// however many problems are kept. A quote left open before a chunk
// boundary makes the chunks unsure of where records start: the file is
// then read again with one reader, for the same problems.
func TestReadChunked(t *testing.T) {
	dir := t.TempDir()
	const rows = 3000
	csvData := chunkCSV(rows)
	// an unclosed quote at about 40%: it swallows the rest of the file
	at := strings.Index(csvData[len(csvData)*2/5:], "\n") + len(csvData)*2/5 + 1
	openQuote := csvData[:at] + `C9,"Supplier 9,local-spend,5,2024-04-01,ev,P1,,,` + "\n" + csvData[at:]
	// a stray quote in an unquoted cell, near a boundary
	at = strings.Index(csvData[len(csvData)/2:], "\n") + len(csvData)/2 + 1
	stray := csvData[:at] + `C9,Supp"lier 9,local-spend,5,2024-04-01,ev,P1,,,` + "\n" + csvData[at:]
	files := []struct {
		name, data string
		chunks     bool
	}{
		{"out.csv", csvData, true},
		{"out.jsonl", chunkJSONLines(rows), true},
		{"open.csv", openQuote, false},
		{"stray.csv", stray, false},
		{"header.csv", "contract,supplier,measure,quantity,date,colour\n" + strings.SplitN(csvData, "\n", 2)[1], false},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		require.NoError(t, os.WriteFile(path, []byte(f.data), 0o600))
		for _, ro := range []ReadOptions{{Lenient: true}, {}, {Lenient: true, KeepRejected: 7}, {KeepRejected: 3}, {Lenient: true, KeepRejected: -1}} {
			ro.Format = FormatOf(f.name)
			want, n := readChunkedFile(t, path, 1, ro)
			require.Zero(t, n)
			for _, par := range []int{2, 3, 5} {
				got, n := readChunkedFile(t, path, par, ro)
				require.Equal(t, want, got, "%s %+v parallel %d", f.name, ro, par)
				if f.chunks {
					require.Equal(t, 1, n, "%s read in chunks", f.name)
				} else {
					require.Zero(t, n, "%s read again with one reader", f.name)
				}
			}
			if f.chunks && ro.Lenient {
				require.Contains(t, want, "duplicate of", f.name)
				require.Contains(t, want, "quantity", f.name)
			}
		}
	}
}

// A file read in chunks reports its progress as the total of the chunks'
// rows, never going down, never in two calls at once (run with -race),
// ending with every row; one read again with one reader after its chunks
// (an open quote) never reports less than it did.
func TestReadChunkedProgress(t *testing.T) {
	dir := t.TempDir()
	rows := 2*ProgressEvery + 5000
	path := filepath.Join(dir, "gen.csv")
	f, err := os.Create(path)
	require.NoError(t, err)
	_, err = io.Copy(f, newGenReader(rows))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	// the same rows, with a quote left open in the last 60 rows: one more
	// row, the last, which takes the rest of the file
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	at := len(data) - 6000
	at += bytes.IndexByte(data[at:], '\n') + 1
	open := filepath.Join(dir, "open.csv")
	require.NoError(t, os.WriteFile(open, append(append(data[:at:at], `C9,"Supplier 9,local-spend,5,2024-04-01,ev,P1,,,`+"\n"...), data[at:]...), 0o600))

	fw, err := tom.Default()
	require.NoError(t, err)
	for _, c := range []struct {
		path         string
		par, chunked int
		last         int64
	}{{path, 2, 1, int64(rows)}, {path, 3, 1, int64(rows)}, {open, 1, 0, int64(rows) + 1}, {open, 2, 0, int64(rows) + 1}} {
		var calls []int64
		var busy atomic.Int32
		progress := func(n int64) {
			require.Equal(t, int32(1), busy.Add(1), "Progress called concurrently")
			time.Sleep(time.Millisecond)
			calls = append(calls, n)
			busy.Add(-1)
		}
		a := NewAggregator(fw, Options{Parallel: c.par, chunkMin: 1, NoDuplicateCheck: true})
		out, err := a.ReadAll(context.Background(), []File{{Name: "gen.csv", Kind: Outcomes,
			Options: ReadOptions{Progress: progress, Lenient: true}, Open: func() (io.ReadCloser, error) { return os.Open(c.path) }}})
		require.NoError(t, err)
		require.NoError(t, out[0].Err)
		require.Equal(t, c.chunked, a.chunked, c)
		require.True(t, slices.IsSorted(calls), "%v", calls)
		require.Greater(t, len(calls), 2, "%v", calls)
		require.Equal(t, c.last, calls[len(calls)-1], "%v", calls)
	}
}

// An aggregator that has read before merges a file's first chunk as it
// merges the others (adopt takes it over only in a fresh one): the same
// results as one reader, byte for byte.
func TestReadChunkedAfterRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	require.NoError(t, os.WriteFile(path, []byte(chunkCSV(3000)), 0o600))
	before := dupFiles(23, 1, 200)[0]
	read := func(par int) (string, int) {
		a := NewAggregator(testFramework(t), Options{Parallel: par, TempDir: t.TempDir(), DuplicateMemory: 4000, chunkMin: 1})
		defer a.Close()
		rej, err := readString(t, a, "before.csv", before, Outcomes, ReadOptions{Lenient: true})
		require.NoError(t, err)
		out, err := a.ReadAll(context.Background(), []File{{Name: "out.csv", Kind: Outcomes, Options: ReadOptions{Lenient: true},
			Open: func() (io.ReadCloser, error) { return os.Open(path) }}})
		require.NoError(t, err)
		var b bytes.Buffer
		fmt.Fprintln(&b, rej, out[0].Rejected, out[0].Err)
		res := a.Result()
		b.WriteString(summary(res))
		b.WriteString(render(t, res))
		require.NoError(t, a.WriteState(&b))
		return b.String(), a.chunked
	}
	want, n := read(1)
	require.Zero(t, n)
	require.Contains(t, want, "duplicate of before.csv")
	for _, par := range []int{2, 3} {
		got, n := read(par)
		require.Equal(t, 1, n)
		require.Equal(t, want, got, "parallel %d", par)
	}
}

// lineEndsBefore counts an LF, a CRLF and a bare CR as one line end each
// wherever its pieces are cut, a CRLF across a cut included: against a
// count by hand of every prefix of a text with all three, at every offset
// and in 1 to 7 pieces.
func TestLineEndsBefore(t *testing.T) {
	text := "a\r\nb\rc\n\r\n\r\r\nd\n\ne\r"
	want := func(at int) int64 {
		var n int64
		for i := 0; i < at; i++ {
			switch {
			case text[i] == '\n':
				n++
			case text[i] == '\r' && (i+1 >= len(text) || text[i+1] != '\n'):
				n++
			}
		}
		return n
	}
	f := strings.NewReader(text)
	for par := 1; par <= 7; par++ {
		for a := 1; a <= len(text); a++ {
			for b := a; b <= len(text); b++ {
				at := []int64{0, int64(a), int64(b)}
				if a == b {
					at = at[:2]
				}
				got, err := lineEndsBefore(f, at, par)
				require.NoError(t, err)
				for k, o := range at {
					// a CRLF is one end, after its LF: an offset between its
					// CR and LF is never a chunk start
					if o > 0 && o < int64(len(text)) && text[o-1] == '\r' && text[o] == '\n' {
						continue
					}
					require.Equal(t, want(int(o)), got[k], "at %v, %d pieces, offset %d", at, par, o)
				}
			}
		}
	}
}
