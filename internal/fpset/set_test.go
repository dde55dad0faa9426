package fpset

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hash of a key depends on every byte and on the length.
func TestFoldHash(t *testing.T) {
	seen := map[uint64]string{}
	b := make([]byte, 0, 40)
	key := newFoldKey(1)
	for n := range 40 {
		for i := range 256 {
			k := append(b[:0], make([]byte, n)...)
			if n > 0 {
				k[i%n] = byte(i)
			} else if i > 0 {
				break
			}
			h := foldHash(k, key)
			if prev, ok := seen[h]; ok && prev != string(k) {
				t.Fatalf("%q and %q collide", prev, k)
			}
			seen[h] = string(k)
		}
	}
}

// model is the reference: for each key, the Seqs added, first kept.
type model struct {
	first map[string]uint64
	dups  map[uint64]uint64 // later Seq -> first Seq
}

// drive adds batches of keys drawn from a small key space to s, each
// batch resolved at its end as a caller reading files would: at once while
// the set is in memory, deferred once it has spilled. It returns every
// duplicate found (later Seq -> first Seq) and checks Find against the
// model as it goes.
func drive(t *testing.T, s *Set, rnd *rand.Rand, batches, size, space int, m *model) map[uint64]uint64 {
	t.Helper()
	found := map[uint64]uint64{}
	for range batches {
		for range size {
			key := fmt.Sprintf("key-%d", rnd.IntN(space))
			k := Hash([]byte(key))
			seq := s.Len()
			if first, ok := m.first[key]; ok {
				m.dups[seq] = first
			} else {
				m.first[key] = seq
			}
			deferred := s.Deferring()
			if !deferred {
				got, ok, err := s.Find(k, rnd.IntN(2) == 0)
				require.NoError(t, err)
				if ok {
					// found at once: not added, as a caller rejects it
					require.Equal(t, m.first[key], got)
					found[seq] = got
					continue
				}
			}
			got, err := s.Add(k, deferred)
			require.NoError(t, err)
			require.Equal(t, seq, got)
		}
		require.NoError(t, s.Resolve(whole(t, func(g []FP) error {
			require.Greater(t, len(g), 1)
			for i := range g {
				require.True(t, g[i].SameKey(g[0]))
				if i > 0 {
					require.Less(t, g[i-1].Seq, g[i].Seq)
					found[g[i].Seq] = g[0].Seq
				}
			}
			return nil
		})))
		// every resolved key is found exactly, whatever its place
		for key, first := range m.first {
			seq, ok, err := s.Find(Hash([]byte(key)), true)
			require.NoError(t, err)
			require.True(t, ok, key)
			require.Equal(t, first, seq, key)
		}
	}
	return found
}

// A set finds every repeated key exactly once, with the Seq of its first,
// whatever its memory (in memory, spilled, merged in parallel parts).
func TestSetFindsEveryRepeat(t *testing.T) {
	for _, mem := range []int{-1, 0, 1, 200, 5000} {
		for _, parts := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("mem=%d/parts=%d", mem, parts), func(t *testing.T) {
				dir := t.TempDir()
				opts := Options{Memory: mem, TempDir: dir}
				if parts > 0 {
					opts.ParallelFrom, opts.Parts = 1, parts
				}
				s := New(opts)
				m := &model{first: map[string]uint64{}, dups: map[uint64]uint64{}}
				found := drive(t, s, rand.New(rand.NewPCG(uint64(mem+7), uint64(parts))), 12, 300, 1500, m)
				require.NotEmpty(t, m.dups)
				require.Equal(t, m.dups, found)
				if mem > 0 && mem < 5000 {
					assert.True(t, s.Deferring(), "spilled")
				}
				require.NoError(t, s.Close())
				left, err := os.ReadDir(dir)
				require.NoError(t, err)
				assert.Empty(t, left, "temporary files are removed")
				_, err = s.Add(FP{}, false)
				assert.ErrorIs(t, err, ErrClosed)
			})
		}
	}
}

// Merging a set into another keeps one copy of each key, the first, and
// reports the keys both had.
func TestSetMerge(t *testing.T) {
	for _, mem := range []int{-1, 1, 300} {
		a, b := New(Options{Memory: mem}), New(Options{Memory: mem})
		add := func(s *Set, keys ...string) {
			for _, key := range keys {
				k := Hash([]byte(key))
				_, ok, err := s.Find(k, true)
				require.NoError(t, err)
				require.False(t, ok)
				_, err = s.Add(k, false)
				require.NoError(t, err)
			}
		}
		var ka, kb []string
		for i := range 100 {
			ka = append(ka, fmt.Sprint("a", i))
			kb = append(kb, fmt.Sprint("b", i))
		}
		kb = append(kb, "a3", "a50")
		add(a, ka...)
		add(b, kb...)
		var both [][]uint64
		require.NoError(t, a.Merge(b, whole(t, func(g []FP) error {
			var seqs []uint64
			for _, k := range g {
				seqs = append(seqs, k.Seq)
			}
			both = append(both, seqs)
			return nil
		})))
		slices.SortFunc(both, func(x, y []uint64) int { return int(x[0]) - int(y[0]) })
		// b's seqs follow a's: "a3" was 3 in a and 100+100 in b
		assert.Equal(t, [][]uint64{{3, 200}, {50, 201}}, both, "mem %d", mem)
		assert.Equal(t, uint64(202), a.Len())
		seq, ok, err := a.Find(Hash([]byte("b7")), true)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, uint64(107), seq)
		_, err = b.Add(FP{}, false)
		assert.ErrorIs(t, err, ErrClosed, "the merged set is closed")
		require.NoError(t, a.Close())
	}
}

// A log reads back what was appended, from memory or its file.
func TestLog(t *testing.T) {
	s := New(Options{TempDir: t.TempDir()})
	defer s.Close()
	l := s.NewLog(10)
	var offs []int64
	for i := range 50 {
		off, err := l.Append([]byte(fmt.Sprintf("<%02d>", i)))
		require.NoError(t, err)
		offs = append(offs, off)
	}
	for i, off := range offs {
		b := make([]byte, 4)
		require.NoError(t, l.ReadAt(b, off))
		assert.Equal(t, fmt.Sprintf("<%02d>", i), string(b))
	}
	require.NotNil(t, l.f, "spilled")
	// any span, across the end of the file and the memory part too
	var all strings.Builder
	for i := range 50 {
		fmt.Fprintf(&all, "<%02d>", i)
	}
	for from := 0; from < all.Len(); from += 3 {
		for to := from; to <= all.Len(); to += 7 {
			b := make([]byte, to-from)
			require.NoError(t, l.ReadAt(b, int64(from)))
			require.Equal(t, all.String()[from:to], string(b), "bytes %d to %d", from, to)
		}
	}
	require.NoError(t, s.Close())
	_, err := l.Append([]byte("x"))
	assert.True(t, errors.Is(err, ErrClosed))
}

// A temporary directory that does not exist breaks the set with a clear
// error, once it must spill.
func TestSetNoTempDir(t *testing.T) {
	s := New(Options{Memory: 1, TempDir: "/nonexistent/dir"})
	var err error
	for i := 0; err == nil && i < 100; i++ {
		_, err = s.Add(Hash([]byte(fmt.Sprint(i))), false)
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "duplicate detection:")
	assert.Equal(t, err, s.Err())
}

// Sets filled in parallel with deferred keys, one per batch, and absorbed
// in order, resolve as one set filled with the batches one after the other.
func TestSetAbsorbLikeOneSet(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	batches := make([][]string, 6)
	for i := range batches {
		for range 400 {
			batches[i] = append(batches[i], fmt.Sprint("k", rnd.IntN(1200)))
		}
	}
	resolve := func(s *Set) [][]uint64 {
		var groups [][]uint64
		require.NoError(t, s.Resolve(whole(t, func(g []FP) error {
			var seqs []uint64
			for _, k := range g {
				seqs = append(seqs, k.Seq)
			}
			groups = append(groups, seqs)
			return nil
		})))
		slices.SortFunc(groups, func(x, y []uint64) int { return int(x[0]) - int(y[0]) })
		return groups
	}
	for _, mem := range []int{-1, 1, 300, 100000} {
		dir := t.TempDir()
		one := New(Options{Memory: mem, TempDir: dir})
		// a first batch resolved at once, as a Read before would
		for _, key := range batches[0] {
			k := Hash([]byte(key))
			if _, ok, err := one.Find(k, true); !ok {
				require.NoError(t, err)
				_, err = one.Add(k, false)
				require.NoError(t, err)
			}
		}
		all := New(Options{Memory: mem, TempDir: dir})
		for _, key := range batches[0] {
			k := Hash([]byte(key))
			if _, ok, err := all.Find(k, true); !ok {
				require.NoError(t, err)
				_, err = all.Add(k, false)
				require.NoError(t, err)
			}
		}
		for _, b := range batches[1:] {
			for _, key := range b {
				_, err := one.Add(Hash([]byte(key)), true)
				require.NoError(t, err)
			}
		}
		want := resolve(one)
		for _, b := range batches[1:] {
			part := New(Options{Memory: mem, TempDir: dir})
			for _, key := range b {
				_, err := part.Add(Hash([]byte(key)), true)
				require.NoError(t, err)
			}
			require.NoError(t, all.Absorb(part))
			_, err := part.Add(FP{}, true)
			require.ErrorIs(t, err, ErrClosed)
		}
		require.Equal(t, one.Len(), all.Len())
		got := resolve(all)
		require.NotEmpty(t, want)
		require.Equal(t, want, got, "mem %d", mem)
		require.NoError(t, one.Close())
		require.NoError(t, all.Close())
		left, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, left)
	}
}

// mergeRanges gives the groups mergeGroups gives, in the same order: from
// sources in memory and in a file, few and many, with keys shared across
// sources, over the whole of h1 and over a part of it, with buffers that
// must grow.
func TestMergeRangesMatchesTournament(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		sources, each, bufLen int
		lo, hi                uint64
	}{
		{1, 10, 4, 0, ^uint64(0)},
		{9, 300, 64, 0, ^uint64(0)},
		{20, 2000, 1024, 0, ^uint64(0)},
		{12, 1000, 256, 1 << 62, 1<<63 - 1},
		{10, 500, 1, 1 << 63, ^uint64(0)},
	} {
		// keys drawn from a pool, so that some repeat across sources
		pool := make([]FP, tc.sources*tc.each/2+1)
		for i := range pool {
			pool[i] = FP{H1: tc.lo + rng.Uint64N(tc.hi-tc.lo), H2: rng.Uint64()}
		}
		sources := make([][]FP, tc.sources)
		seq := uint64(0)
		for i := range sources {
			for range tc.each {
				k := pool[rng.IntN(len(pool))]
				k.Seq = seq
				seq++
				sources[i] = append(sources[i], k)
			}
			slices.SortFunc(sources[i], Compare)
		}
		cursors := func() []*cursor { return testCursors(t, dir, sources) }
		collect := func(groups *[][]FP) GroupFunc {
			return whole(t, func(g []FP) error {
				*groups = append(*groups, slices.Clone(g))
				return nil
			})
		}
		var want, got [][]FP
		require.NoError(t, mergeGroups(cursors(), collect(&want)))
		require.NoError(t, mergeRanges(cursors(), tc.lo, tc.hi, make([]FP, tc.bufLen), make([]FP, tc.bufLen), collect(&got)))
		// the first difference only: a diff of thousands is slow to print
		for i := range min(len(want), len(got)) {
			require.Equal(t, want[i], got[i], "%+v: group %d", tc, i)
		}
		require.Len(t, got, len(want), "%+v", tc)
	}
}

// A resolve that finds no key twice keeps the runs as segments of base
// (absorbed ones too, with their Seqs) instead of writing base again; a
// later resolve finds repeats of their keys, with the Seq of the first,
// and writes base again; Find looks in kept runs too.
func TestSetKeepsRuns(t *testing.T) {
	for _, parts := range []int{0, 3} {
		dir := t.TempDir()
		opts := Options{Memory: 400, TempDir: dir}
		if parts > 0 {
			opts.ParallelFrom, opts.Parts = 1, parts
		}
		s := New(opts)
		first := map[string]uint64{}
		add := func(s *Set, key string, deferred bool) {
			if !deferred {
				_, ok, err := s.Find(Hash([]byte(key)), true)
				require.NoError(t, err)
				require.False(t, ok)
			}
			seq, err := s.Add(Hash([]byte(key)), deferred)
			require.NoError(t, err)
			if _, ok := first[key]; !ok {
				first[key] = seq
			}
		}
		resolve := func() map[uint64]uint64 {
			dups := map[uint64]uint64{}
			require.NoError(t, s.Resolve(whole(t, func(g []FP) error {
				for _, k := range g[1:] {
					dups[k.Seq] = g[0].Seq
				}
				return nil
			})))
			return dups
		}
		// spilled: from here on every key is deferred
		for i := range 40 {
			add(s, fmt.Sprint("a", i), false)
		}
		require.True(t, s.Deferring())
		for b := range 3 {
			for i := range 100 {
				add(s, fmt.Sprint("b", b, "-", i), true)
			}
			require.Empty(t, resolve())
			require.True(t, s.base.kept, "batch %d: runs kept", b)
		}
		// absorbed deferred keys, kept with their Seqs offset
		o := New(opts)
		off := s.Len()
		for i := range 50 {
			_, err := o.Add(Hash([]byte(fmt.Sprint("c", i))), true)
			require.NoError(t, err)
			first[fmt.Sprint("c", i)] = off + uint64(i)
		}
		require.NoError(t, s.Absorb(o))
		require.Empty(t, resolve())
		require.True(t, s.base.kept)
		segs := len(s.base.segs)
		// repeats of keys from every kind of segment
		want := map[uint64]uint64{}
		for _, key := range []string{"a3", "b0-7", "b2-99", "c0", "c49"} {
			want[s.Len()] = first[key]
			add(s, key, true)
		}
		require.Equal(t, want, resolve())
		require.False(t, s.base.kept, "base written again")
		require.Less(t, len(s.base.segs), segs)
		// and Find, after more kept runs
		for i := range 100 {
			add(s, fmt.Sprint("d", i), true)
		}
		require.Empty(t, resolve())
		require.True(t, s.base.kept)
		for key, seq := range first {
			got, ok, err := s.Find(Hash([]byte(key)), true)
			require.NoError(t, err)
			require.True(t, ok, key)
			require.Equal(t, seq, got, key)
		}
		require.NoError(t, s.Close())
		left, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, left)
	}
}

// Many fingerprints of one key, far out of Seq order (the runs of chunks
// read at once, merged), are sorted in O(n log n), not insertion sort's
// O(n²): 200,000 in reverse order took minutes.
func TestSortBucketsOneKey(t *testing.T) {
	const n = 200_000
	out := make([]FP, n)
	for i := range out {
		out[i] = FP{H1: 7, H2: 9, Seq: uint64(n - i)}
	}
	start := time.Now()
	sortBuckets(out)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("sorting %d fingerprints of one key took %v", n, d)
	}
	if !slices.IsSortedFunc(out, Compare) {
		t.Fatal("not sorted")
	}
}

// With one processor, runs are sorted and written at once instead of by a
// goroutine, with the same result. (It sets GOMAXPROCS, so it does not run
// in parallel with other tests.)
func TestSetOneProcessor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	s := New(Options{Memory: 200, TempDir: t.TempDir()})
	m := &model{first: map[string]uint64{}, dups: map[uint64]uint64{}}
	found := drive(t, s, rand.New(rand.NewPCG(5, 6)), 6, 300, 1500, m)
	require.NotEmpty(t, m.dups)
	require.Equal(t, m.dups, found)
	require.NoError(t, s.Close())
}

// whole gathers the pieces of each key (see GroupFunc), checking that a
// piece continues a key exactly when the one before said so, and calls fn
// with the key's whole group.
func whole(t *testing.T, fn func(g []FP) error) GroupFunc {
	var acc []FP
	pending := false
	return func(g []FP, cont, more bool) error {
		require.Equal(t, pending, cont, "a piece continues a key exactly when the one before said more")
		require.NotEmpty(t, g)
		if cont {
			require.True(t, acc[0].SameKey(g[0]), "a piece continues the key before")
		}
		acc = append(acc, g...)
		if pending = more; more {
			return nil
		}
		err := fn(acc)
		acc = nil
		return err
	}
}

// Many copies of a few keys, across sources, come in pieces no larger
// than the merge's buffer, and whole they are the groups a tournament
// gives: a resolve holds a bounded number of them however many there are.
func TestMergeManyCopies(t *testing.T) {
	dir := t.TempDir()
	keys := []FP{Hash([]byte("a")), Hash([]byte("b")), Hash([]byte("c"))}
	var sources [][]FP
	seq := uint64(0)
	for s := range 9 {
		var xs []FP
		for i := range 3000 + 500*s {
			k := keys[i%len(keys)]
			if i%7 == 0 {
				k = Hash([]byte(fmt.Sprint("u", s, i))) // a key of its own
			}
			k.Seq = seq
			seq++
			xs = append(xs, k)
		}
		slices.SortFunc(xs, Compare)
		sources = append(sources, xs)
	}
	cursors := func() []*cursor { return testCursors(t, dir, sources) }
	for _, bufLen := range []int{1, 2, 64, 1000} {
		var want, got [][]FP
		largest := 0
		require.NoError(t, mergeGroups(cursors(), whole(t, func(g []FP) error { want = append(want, slices.Clone(g)); return nil })))
		w := whole(t, func(g []FP) error { got = append(got, slices.Clone(g)); return nil })
		require.NoError(t, mergeRanges(cursors(), 0, ^uint64(0), make([]FP, bufLen), make([]FP, bufLen), func(g []FP, cont, more bool) error {
			largest = max(largest, len(g))
			return w(g, cont, more)
		}))
		require.Equal(t, len(want), len(got), "bufLen %d", bufLen)
		for i := range want {
			require.Equal(t, want[i], got[i], "bufLen %d: group %d", bufLen, i)
		}
		copies := 0
		for _, g := range want {
			copies = max(copies, len(g))
		}
		assert.Greater(t, copies, 3*bufLen, "bufLen %d: the copies of a key exceed the buffer", bufLen)
		assert.LessOrEqual(t, largest, max(bufLen, 1), "bufLen %d: pieces within the buffer", bufLen)
	}
}

// testCursors returns a cursor over each of sources (sorted), in memory
// for the even ones and over a run file in dir for the odd ones.
func testCursors(t *testing.T, dir string, sources [][]FP) []*cursor {
	var cs []*cursor
	for i, xs := range sources {
		if i%2 == 0 {
			cs = append(cs, memCursor(slices.Clone(xs), 0))
			continue
		}
		f, err := os.CreateTemp(dir, "run")
		require.NoError(t, err)
		w := newWriter(f, 0, nil)
		for _, k := range xs {
			require.NoError(t, w.write(k))
		}
		run, err := w.finish()
		require.NoError(t, err)
		cs = append(cs, run.cursor(0))
	}
	return cs
}
