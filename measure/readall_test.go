package measure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
)

func stringInput(name, data string, kind Kind, opts ReadOptions) File {
	return File{Name: name, Kind: kind, Options: opts, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(data)), nil
	}}
}

// ReadAll gives every input the result Read would have given it, one
// after the other, and the same totals, whether detection stays in memory
// or spills (and then resolves once, at the end), and whether it reads the
// inputs one at a time or several at once (Options.Parallel), merging
// their aggregators in input order: the same review, byte for byte.
func TestReadAllLikeReads(t *testing.T) {
	files := dupFiles(5, 6, 300)
	commitments := "contract,supplier,measure,quantity,date\n"
	for i := range 200 {
		commitments += fmt.Sprintf("C%d,Supplier %d,%s,%d,2024-04-01\n", i%3, i%3, []string{"local-spend", "local-sme-spend", "schools-supported"}[i%7%3], i%5)
	}
	// a file-level problem and a file that cannot be opened, among them
	const badHeader = "contract,supplier,measure,quantity,date,evidence,colour\nC1,S,schools-supported,1,2024-05-01,,red\n"
	for _, lenient := range []bool{true, false} {
		ro := ReadOptions{Lenient: lenient}
		for _, tc := range []struct {
			budget, parallel int
			disk             int // 1: every other input a regular file, 2: every one
		}{{0, 1, 0}, {1, 1, 0}, {300, 1, 0}, {2000, 1, 0}, {0, 2, 0}, {1, 3, 0}, {300, 4, 0}, {2000, 2, 0}, {-1, 3, 0},
			{0, 2, 1}, {1, 3, 1}, {300, 2, 1}, {-1, 4, 1}, {0, 2, 2}, {1, 2, 2}, {300, 3, 2}, {-1, 2, 2}} {
			budget := tc.budget
			opts := Options{DuplicateMemory: budget, TempDir: t.TempDir(), Parallel: tc.parallel}
			dir := t.TempDir()
			// with disk, every other file (or every one) is a regular
			// file, which a reads itself when it is under parallelMin (the
			// others are read by readers of their own)
			input := func(i int, name, data string, kind Kind) File {
				if tc.disk == 0 || tc.disk == 1 && i%2 == 1 {
					return stringInput(name, data, kind, ro)
				}
				path := filepath.Join(dir, name)
				require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
				return File{Name: name, Kind: kind, Options: ro, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
			}
			if tc.disk > 0 {
				opts.parallelMin = int64(len(files[0]) + 1)
			}
			seq := NewAggregator(testFramework(t), opts)
			var want []string
			for i, f := range files {
				rej, err := readString(t, seq, fmt.Sprintf("f%d.csv", i), f, Outcomes, ro)
				want = append(want, fmt.Sprint(rej, err))
				if i == 2 {
					rej, err := readString(t, seq, "bad.csv", badHeader, Outcomes, ro)
					want = append(want, fmt.Sprint(rej, err), "no such file")
				}
			}
			rej, err := readString(t, seq, "commit.csv", commitments, Commitments, ro)
			want = append(want, fmt.Sprint(rej, err))

			all := NewAggregator(testFramework(t), opts)
			var inputs []File
			for i, f := range files {
				inputs = append(inputs, input(i, fmt.Sprintf("f%d.csv", i), f, Outcomes))
				if i == 2 {
					inputs = append(inputs, input(i, "bad.csv", badHeader, Outcomes),
						File{Name: "gone.csv", Open: func() (io.ReadCloser, error) { return nil, errors.New("no such file") }})
				}
			}
			inputs = append(inputs, input(0, "commit.csv", commitments, Commitments))
			out, err := all.ReadAll(context.Background(), inputs)
			require.NoError(t, err)
			var got []string
			for i, r := range out {
				if inputs[i].Name == "gone.csv" {
					got = append(got, r.Err.Error())
					continue
				}
				got = append(got, fmt.Sprint(r.Rejected, r.Err))
			}
			require.Equal(t, want, got, "lenient %v budget %d parallel %d disk %d", lenient, budget, tc.parallel, tc.disk)
			if budget == 1 && tc.parallel == 1 {
				require.True(t, all.dd.deferring())
				assert.Contains(t, strings.Join(got, "\n"), "duplicate of f0.csv:", "found at the end")
			}
			if lenient {
				rs, ra := seq.Result(), all.Result()
				require.Equal(t, summary(rs)+diag.List(rs.Rejected).Error(), summary(ra)+diag.List(ra.Rejected).Error())
				require.Equal(t, render(t, rs), render(t, ra), "the same review, byte for byte")
				assert.NotContains(t, ra.Files, "gone.csv")
			}
			require.NoError(t, seq.Close())
			require.NoError(t, all.Close())
		}
	}
}

// ReadAll stops at a cancelled context.
func TestReadAllCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := NewAggregator(testFramework(t), Options{})
	defer a.Close()
	var b bytes.Buffer
	b.WriteString("contract,supplier,measure,quantity,date,evidence\n")
	for i := range 2 * ctxEvery {
		fmt.Fprintf(&b, "C%d,S,schools-supported,1,2024-05-01,\n", i)
	}
	_, err := a.ReadAll(ctx, []File{stringInput("x.csv", b.String(), Outcomes, ReadOptions{})})
	assert.ErrorIs(t, err, context.Canceled)
	p := NewAggregator(testFramework(t), Options{Parallel: 2, DuplicateMemory: 1, TempDir: t.TempDir()})
	defer p.Close()
	var many []File
	for i := range 5 {
		many = append(many, stringInput(fmt.Sprint(i, ".csv"), b.String(), Outcomes, ReadOptions{}))
	}
	_, err = p.ReadAll(ctx, many)
	assert.ErrorIs(t, err, context.Canceled)
}

// An input of more records than copyRefs reads at a time, spilled, merged
// by a parallel ReadAll: its refs are read back in batches, across the
// end of the temporary file and the part in memory, and every one
// arrives (the same duplicates, with the same first records, and the
// same review).
func TestReadAllBatches(t *testing.T) {
	files := dupFiles(11, 3, 2*copyBatch+37)
	ro := ReadOptions{Lenient: true}
	for _, budget := range []int{300, 5000, 0} {
		opts := Options{DuplicateMemory: budget, TempDir: t.TempDir(), Parallel: 2}
		seq := NewAggregator(testFramework(t), opts)
		all := NewAggregator(testFramework(t), opts)
		var inputs []File
		var want, got []string
		for i, f := range files {
			rej, err := readString(t, seq, fmt.Sprintf("f%d.csv", i), f, Outcomes, ro)
			want = append(want, fmt.Sprint(rej, err))
			inputs = append(inputs, stringInput(fmt.Sprintf("f%d.csv", i), f, Outcomes, ro))
		}
		out, err := all.ReadAll(context.Background(), inputs)
		require.NoError(t, err)
		for _, r := range out {
			got = append(got, fmt.Sprint(r.Rejected, r.Err))
		}
		require.Equal(t, want, got, "budget %d", budget)
		assert.Contains(t, got[2], "duplicate of f0.csv:", "budget %d", budget)
		rs, ra := seq.Result(), all.Result()
		require.Equal(t, render(t, rs), render(t, ra), "the same review, byte for byte (budget %d)", budget)
		require.NoError(t, seq.Close())
		require.NoError(t, all.Close())
	}
}

// A read done holds its result only: ReadAll keeps the ingest of every
// input to the end, and 400 inputs read at once once kept the 400
// aggregators their rows went to, and the reader's buffer behind the last
// row of each.
func TestReadFileSettles(t *testing.T) {
	w := NewAggregator(testFramework(t), Options{})
	defer w.Close()
	w.files = []string{"a.csv"}
	inp := File{Name: "a.csv", Kind: Outcomes, Options: ReadOptions{Lenient: true}}
	in, err := w.readFile(context.Background(), inp, io.NopCloser(strings.NewReader(dupFiles(3, 1, 50)[0])), 0)
	require.NoError(t, err)
	require.Equal(t, int64(50), in.rows)
	require.Nil(t, in.sink)
	require.Nil(t, in.v.cat)
	require.Empty(t, in.r.contract)
}
