// Package fpset is a set of 128-bit fingerprints in bounded memory, with
// temporary files beyond it: the engine of duplicate detection.
//
// Every key added gets a fingerprint (FP): a 128-bit hash of the key (see
// Hash) and its arrival number, Seq, assigned by Add. The keys checked so
// far (resolved: no two with the same hash, the first of each kept) are in
// an in-memory hash table, and beyond its capacity in a sorted file
// (base). While base is empty, a key is looked up at once (Find) and the
// caller decides whether to add it. Once base exists, keys may be added
// deferred: collected (pending), sorted in runs that spill to a temporary
// file (each run's sort is finished and written by a goroutine while the
// next is collected); Resolve then merges base, the table and the runs, calls back with
// every group of keys seen more than once (in order of Seq), and keeps the
// first of each key as the new base. When it finds no key twice, and base
// and the runs are not too many files (maxRuns), the runs join base as
// they are, sorted segments of it, and nothing is written again (else a
// second pass writes the new base).
//
// The merge is a tournament tree over a few sources, and over many a sort
// in memory of one range of H1 after another (a range with more than its
// buffer holds, many copies of a few keys, merged by a heap instead); a
// large one (base and runs together) is split by ranges of H1 into parts
// merged by goroutines of their own, each part writing its own segment of
// the new base. However many copies a key has, a merge holds a bounded
// number of them: they go to the callback in pieces (GroupFunc).
//
// Find with exact set looks in base too, by binary search in the file
// (after writing base again as one, when resolves kept many runs).
//
// Temporary files are made in Options.TempDir and their names removed as
// soon as they are open, so nothing is left behind even if the process
// dies; Close releases them. A Log is an append-only byte log in memory up
// to a limit and in a temporary file of the set beyond it, for what the
// caller keeps about each key by Seq.
//
// A Set is not safe for concurrent use.
package fpset

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"
)

// DefaultMemory is the memory a Set uses when Options.Memory is zero.
const DefaultMemory = 1 << 20

// FP is the fingerprint of one key: its 128-bit hash and its arrival
// number.
type FP struct {
	H1, H2 uint64 // the two 64-bit halves of the key's 128-bit hash
	Seq    uint64 // 0-based order in which Add received the key; zero from Hash
}

// Size is the bytes an FP takes in a file.
const Size = 24

// Compare orders fingerprints by hash, then by Seq.
func Compare(x, y FP) int {
	switch {
	case x.H1 != y.H1:
		return cmpU64(x.H1, y.H1)
	case x.H2 != y.H2:
		return cmpU64(x.H2, y.H2)
	}
	return cmpU64(x.Seq, y.Seq)
}

func cmpU64(x, y uint64) int {
	if x < y {
		return -1
	}
	if x > y {
		return 1
	}
	return 0
}

// SameKey reports whether x and y have the same hash.
func (x FP) SameKey(y FP) bool { return x.H1 == y.H1 && x.H2 == y.H2 }

// Options configure a Set.
type Options struct {
	// Memory bounds the memory of the set, in bytes: 0 means
	// DefaultMemory, and a negative value keeps everything in memory.
	Memory int
	// TempDir is the directory for temporary files; "" means os.TempDir().
	TempDir string
	// ParallelFrom is the fingerprints from which a merge is split into
	// parts merged in parallel; 0 means 65,536.
	ParallelFrom int64
	// Parts is the parts of such a merge; 0 means GOMAXPROCS, at most 4.
	Parts int
}

// maxParts bounds the parts of a merge by default.
const maxParts = 4

// defaultParallelFrom is Options.ParallelFrom by default.
const defaultParallelFrom = 1 << 16

// Set is a set of fingerprints in bounded memory; see the package
// documentation.
type Set struct {
	opts     Options
	tableCap int // keys the table holds before it goes to base
	pendCap  int // keys of a pending run
	seq      uint64

	table []FP     // resolved keys not in base
	slots []uint32 // open addressing over table: index+1; 0 is empty
	last  uint32   // the slot where the last lookup stopped

	base    files  // resolved keys, sorted, one per key; n == 0 for none
	pending []FP   // fingerprints not yet in a run
	scratch []FP   // for sorting pending
	counts  []int  // for sorting pending
	runs    []file // sorted runs of pending fingerprints
	runFile *spillFile
	// The last run is sorted and written by a goroutine of its own while
	// keys are added (flying, until it reports on runDone; runBuf is its
	// write buffer): everything that reads the runs, scratch or the error
	// waits for it first (waitRun).
	flying  bool
	runDone chan error
	runBuf  []byte
	adopted []*os.File // run files absorbed from other sets, released by Resolve
	wbuf    []byte     // the buffer of writers, reused

	logs []*Log     // the logs of the set
	temp []*os.File // every temporary file, closed by Close
	keep []string   // temporary files that could not be removed while open
	err  error      // a temporary file failed: the set is broken
}

// New returns an empty set.
func New(opts Options) *Set {
	s := &Set{opts: opts}
	budget := opts.Memory
	if budget == 0 {
		budget = DefaultMemory
	}
	if budget < 0 {
		s.tableCap, s.pendCap = math.MaxInt, math.MaxInt
	} else {
		// The table (24 bytes a key, and 4 to 8 for the index) takes
		// half the budget while keys are checked at once; pending
		// fingerprints and the scratch space to sort them take it once
		// keys are deferred, when the table is empty (but for keys
		// added at once).
		s.tableCap = max(4, budget/2/(Size+8))
		s.pendCap = max(4, budget/2/Size)
	}
	return s
}

// Len is the number of keys added: the next Seq.
func (s *Set) Len() uint64 { return s.seq }

// Deferring reports whether the set has spilled to a file, so that keys
// may be added deferred and resolved later.
func (s *Set) Deferring() bool { return s.base.n > 0 }

// Err is the error that broke the set, if any.
func (s *Set) Err() error {
	s.waitRun()
	return s.err
}

// Find looks k up among the resolved keys: in the table, and in base too
// when exact. It returns the Seq of the key found.
func (s *Set) Find(k FP, exact bool) (uint64, bool, error) {
	if s.err != nil {
		return 0, false, s.err
	}
	if exact && s.base.kept {
		// runs kept by resolves: one binary search in one file
		if err := s.fail(s.flushTable()); err != nil {
			return 0, false, err
		}
	}
	if i, ok := s.lookup(k); ok {
		return s.table[i].Seq, true, nil
	}
	if exact && s.base.n > 0 {
		seq, ok, err := s.base.search(k)
		if err != nil {
			return 0, false, s.fail(err)
		}
		return seq, ok, nil
	}
	return 0, false, nil
}

// lookup finds k in the table, and leaves s.last at its slot or at the
// empty slot where it would go.
func (s *Set) lookup(k FP) (int, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(s.slots) - 1)
	for i := k.H1 & mask; ; i = (i + 1) & mask {
		x := s.slots[i]
		if x == 0 {
			s.last = uint32(i)
			return 0, false
		}
		if e := &s.table[x-1]; e.H1 == k.H1 && e.H2 == k.H2 {
			s.last = uint32(i)
			return int(x - 1), true
		}
	}
}

// Add adds k and returns its Seq. Unless deferred, k must be a key that
// Find did not find, and Find must have been the last call on the set;
// deferred leaves it to Resolve (a set that is not Deferring defers only
// to be absorbed by another: see Absorb).
func (s *Set) Add(k FP, deferred bool) (uint64, error) {
	if s.err != nil {
		return 0, s.err
	}
	k.Seq = s.seq
	s.seq++
	if deferred {
		s.pending = append(s.pending, k)
		if len(s.pending) >= s.pendCap {
			return k.Seq, s.fail(s.spillRun())
		}
		return k.Seq, nil
	}
	if len(s.slots) == 0 {
		s.lookup(k)
	}
	s.insert(k)
	if len(s.table) >= s.tableCap {
		return k.Seq, s.fail(s.flushTable())
	}
	return k.Seq, nil
}

// insert puts k in the table at s.last, where lookup left it.
func (s *Set) insert(k FP) {
	if len(s.table)+1 > len(s.slots)*3/4 {
		s.rehash(max(1024, 2*len(s.slots)))
		s.lookup(k)
	}
	s.table = append(s.table, k)
	s.slots[s.last] = uint32(len(s.table))
}

func (s *Set) rehash(size int) {
	if size == 0 {
		s.slots = nil
		return
	}
	s.slots = make([]uint32, size)
	mask := uint64(size - 1)
	for j, e := range s.table {
		i := e.H1 & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = uint32(j + 1)
	}
}

func (s *Set) fail(err error) error {
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("duplicate detection: %w", err)
	}
	if err != nil {
		return s.err
	}
	return nil
}

// sortedTable sorts the table in place and empties its index.
func (s *Set) sortedTable() []FP {
	t := s.table
	slices.SortFunc(t, Compare)
	s.table, s.slots = nil, nil
	return t
}

// flushTable moves the table into base.
func (s *Set) flushTable() error {
	srcs := s.base.cursors(0, memCursor(s.sortedTable(), 0))
	return s.compact(srcs, true, func([]FP, bool, bool) error { return nil })
}

// compact merges sorted sources into a new set of resolved keys, keeping
// the first of each key, and calls fn with each group of more than one
// fingerprint of a key (in order of seq) first. The result goes to the
// table when it may fit there and toFile is false, otherwise to a new
// base.
//
// A large merge is split by ranges of h1 into parts merged in parallel,
// each into its own base file; fn is called by one part at a time, in no
// particular order of keys.
func (s *Set) compact(srcs []*cursor, toFile bool, fn GroupFunc) error {
	return s.merge(srcs, toFile, false, fn)
}

// merge is compact, or with dry only the calls of fn: nothing is kept
// and the resolved keys stay as they are.
func (s *Set) merge(srcs []*cursor, toFile, dry bool, fn GroupFunc) error {
	var total int64
	for _, c := range srcs {
		total += c.size()
	}
	toFile = toFile || total > int64(s.tableCap)
	// the cursors' buffers take about the memory of the set, 16 KiB each
	// at most and 4 KiB at least
	if m := s.opts.Memory; m >= 0 {
		if m == 0 {
			m = DefaultMemory
		}
		bufLen := int64(max(4<<10, min(cursorBuf, m/max(1, len(srcs))))) / Size * Size
		for _, c := range srcs {
			c.bufLen = bufLen
		}
	}
	parts := s.parts(total)
	split, err := splitCursors(srcs, parts)
	if err != nil {
		return err
	}
	outs := make([][]FP, parts)
	var sinks []*writer
	if toFile && !dry {
		if sinks, err = s.sinks(parts); err != nil {
			return err
		}
	}
	// part merges part p's sources; the merge is the hot loop, and fn is
	// called under mu, one part at a time.
	var mu sync.Mutex
	step := ^uint64(0)/uint64(parts) + 1 // as cursor.split
	part := func(p int) error {
		var sink *writer
		if sinks != nil {
			sink = sinks[p]
		}
		merge := mergeGroups
		if len(split[p]) >= rangesFrom {
			lo, hi := uint64(p)*step, ^uint64(0)
			if p < parts-1 {
				hi = uint64(p+1)*step - 1
			}
			n := s.rangeLen(parts)
			merge = func(srcs []*cursor, fn GroupFunc) error {
				return mergeRanges(srcs, lo, hi, make([]FP, n), make([]FP, n), fn)
			}
		}
		locked := false
		defer func() {
			if locked {
				mu.Unlock()
			}
		}()
		return merge(split[p], func(g []FP, cont, more bool) error {
			if len(g) > 1 || cont || more {
				// the pieces of one key go to fn together, under one lock
				if !locked {
					mu.Lock()
					locked = true
				}
				err := fn(g, cont, more)
				if !more {
					mu.Unlock()
					locked = false
				}
				if err != nil {
					return err
				}
			}
			switch {
			case dry, cont:
				return nil // a continued key's first is in the piece before
			case sink != nil:
				return sink.write(g[0])
			}
			outs[p] = append(outs[p], g[0])
			return nil
		})
	}
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = part(p)
		}()
	}
	errs[0] = part(0)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if dry {
		return nil
	}
	return s.replace(outs, sinks)
}

// rangesFrom is the sources from which a merge sorts ranges of h1 in
// memory (mergeRanges) instead of running a tournament (mergeGroups).
const rangesFrom = 8

// rangeLen is the fingerprints each part of a merge sorts at a time, in
// each of its two buffers: together they take a quarter of the memory.
func (s *Set) rangeLen(parts int) int {
	m := s.opts.Memory
	if m == 0 {
		m = DefaultMemory
	}
	if m < 0 {
		return 32 << 10
	}
	return max(1024, m/4/parts/2/Size)
}

// parts is how many parts a merge of total bytes is split into: one
// below Options.ParallelFrom, else Options.Parts (by default one a
// processor, at most maxParts).
func (s *Set) parts(total int64) int {
	from := s.opts.ParallelFrom
	if from <= 0 {
		from = defaultParallelFrom
	}
	if total < from {
		return 1
	}
	if s.opts.Parts > 0 {
		return s.opts.Parts
	}
	return max(1, min(runtime.GOMAXPROCS(0), maxParts))
}

// splitCursors splits every source into parts by ranges of h1, the same
// ranges for each, and gathers part p of every source in split[p].
func splitCursors(srcs []*cursor, parts int) (split [][]*cursor, err error) {
	split = make([][]*cursor, parts)
	for p := range parts {
		split[p] = make([]*cursor, 0, len(srcs))
	}
	for _, c := range srcs {
		cs, err := c.split(parts)
		if err != nil {
			return nil, err
		}
		for p, c := range cs {
			split[p] = append(split[p], c)
		}
	}
	return split, nil
}

// sinks makes a new base file a part, each with a writer: the first part
// uses the set's write buffer, the others a share of its size each.
func (s *Set) sinks(parts int) ([]*writer, error) {
	sinks := make([]*writer, parts)
	for p := range sinks {
		f, err := s.create()
		if err != nil {
			return nil, err
		}
		if p == 0 {
			sinks[p] = s.writer(f, 0)
		} else {
			sinks[p] = newWriter(f, 0, make([]byte, 0, writeBuf/parts/Size*Size))
		}
	}
	return sinks, nil
}

// replace puts the result of a compaction in place of the set's resolved
// keys: the base files sinks wrote, when they are given, else the keys in
// outs (part by part, in order of h1) as the table.
func (s *Set) replace(outs [][]FP, sinks []*writer) error {
	for i, b := range s.base.segs {
		if !slices.ContainsFunc(s.base.segs[:i], func(o file) bool { return o.f == b.f }) {
			s.release(b.f) // once a file: kept runs share one
		}
	}
	s.base = files{}
	s.table, s.slots = nil, nil
	if sinks != nil {
		for _, sink := range sinks {
			b, err := sink.finish()
			if err != nil {
				return err
			}
			s.base.segs = append(s.base.segs, b)
			s.base.n += b.n
		}
		return nil
	}
	out := outs[0]
	for _, o := range outs[1:] {
		out = append(out, o...)
	}
	s.table = out
	s.rehash(tableSize(len(out)))
	return nil
}

func tableSize(n int) int {
	if n == 0 {
		return 0
	}
	s := 1024
	for s*3/4 < n+1 {
		s *= 2
	}
	return s
}

// spillRun writes the pending fingerprints as a run: it puts them in
// buckets (bucketPending) and leaves the rest of the sort and the writing
// to a goroutine, while keys are added (or does them at once with one
// processor).
func (s *Set) spillRun() error {
	if err := s.waitRun(); err != nil {
		return err
	}
	if s.runFile == nil {
		f, err := s.create()
		if err != nil {
			return err
		}
		s.runFile = &spillFile{f: f}
	}
	xs := s.bucketPending()
	s.pending = s.pending[:0]
	run := file{f: s.runFile.f, off: s.runFile.size, n: int64(len(xs))}
	s.runFile.size += run.n * Size
	s.runs = append(s.runs, run)
	if cap(s.runBuf) == 0 {
		s.runBuf = make([]byte, 0, writeBuf)
	}
	buf := s.runBuf
	write := func() error {
		sortBuckets(xs)
		w := newWriter(run.f, run.off, buf)
		for _, k := range xs {
			if err := w.write(k); err != nil {
				return err
			}
		}
		_, err := w.finish()
		return err
	}
	if runtime.GOMAXPROCS(0) == 1 {
		if err := write(); err != nil {
			return err
		}
		return s.boundRuns()
	}
	if s.runDone == nil {
		s.runDone = make(chan error, 1)
	}
	done := s.runDone
	s.flying = true
	go func() { done <- write() }()
	return s.boundRuns()
}

// waitRun waits for the run being written, if any, and returns the error
// that broke the set.
func (s *Set) waitRun() error {
	if !s.flying {
		return s.err
	}
	s.flying = false
	return s.fail(<-s.runDone)
}

// boundRuns merges the newest half of the runs into one while there are
// maxRuns or more, to bound the cursors a resolve needs.
func (s *Set) boundRuns() error {
	if len(s.runs) < maxRuns {
		return nil
	}
	if err := s.waitRun(); err != nil {
		return err
	}
	for len(s.runs) >= maxRuns {
		if s.runFile == nil {
			f, err := s.create()
			if err != nil {
				return err
			}
			s.runFile = &spillFile{f: f}
		}
		merge := s.runs[len(s.runs)-maxRuns/2:]
		var srcs []*cursor
		for _, r := range merge {
			srcs = append(srcs, r.cursor(r.seqOff))
		}
		w := s.writer(s.runFile.f, s.runFile.size)
		if err := mergeGroups(srcs, func(g []FP, _, _ bool) error {
			for _, k := range g {
				if err := w.write(k); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		run, err := w.finish()
		if err != nil {
			return err
		}
		s.runFile.size = run.off + run.n*Size
		s.runs = append(s.runs[:len(s.runs)-maxRuns/2], run)
	}
	return nil
}

// writer returns a writer on f from off, with the buffer of s (one writer
// at a time).
func (s *Set) writer(f *os.File, off int64) *writer {
	w := newWriter(f, off, s.wbuf)
	s.wbuf = w.buf
	return w
}

// maxRuns bounds the pending runs kept apart.
const maxRuns = 64

// sortPending sorts the pending fingerprints by key and seq, into
// scratch: one counting pass over the top bits of h1 (hashes are uniform,
// so the buckets hold a key or two), then an insertion sort that only
// moves keys within their bucket (sortBuckets).
func (s *Set) sortPending() []FP {
	out := s.bucketPending()
	sortBuckets(out)
	return out
}

// bucketPending is the first half of sortPending: the fingerprints copied
// into scratch, in their buckets.
func (s *Set) bucketPending() []FP {
	xs := s.pending
	if cap(s.scratch) < len(xs) {
		s.scratch = make([]FP, len(xs), max(len(xs), cap(s.pending)))
	}
	out := s.scratch[:len(xs)]
	if len(xs) < smallSort {
		copy(out, xs)
		return out
	}
	nb := 1
	for nb < len(xs) && nb < 1<<16 {
		nb <<= 1
	}
	shift := 64 - uint(bitsLen(nb)-1)
	if cap(s.counts) < nb+1 {
		s.counts = make([]int, nb+1)
	}
	counts := s.counts[:nb+1]
	clear(counts)
	for _, x := range xs {
		counts[x.H1>>shift+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	for _, x := range xs {
		b := x.H1 >> shift
		out[counts[b]] = x
		counts[b]++
	}
	return out
}

// smallSort is how few fingerprints are sorted without buckets.
const smallSort = 256

// sortBuckets finishes a sort by buckets: an insertion sort that only
// moves keys within their bucket (a plain sort for a few). Many
// fingerprints of one key share a bucket, and arrive out of Seq order
// when the runs of chunks read at once are merged (a file of one row
// repeated 500,000 times, read in two chunks, took 6 s in this sort): once
// the keys have moved more than a few places each on average, the rest
// is left to a plain sort, so that the sort stays O(n log n).
func sortBuckets(out []FP) {
	if len(out) < smallSort {
		slices.SortFunc(out, Compare)
		return
	}
	moves := 0
	for i := 1; i < len(out); i++ {
		x := out[i]
		j := i
		for ; j > 0 && Compare(out[j-1], x) > 0; j-- {
			out[j] = out[j-1]
		}
		out[j] = x
		if moves += i - j; moves > 8*len(out) {
			slices.SortFunc(out, Compare)
			return
		}
	}
}

func bitsLen(n int) int {
	l := 0
	for ; n > 0; n >>= 1 {
		l++
	}
	return l
}

// Resolve merges the deferred fingerprints with the resolved ones, calls
// fn with every group of fingerprints of one key seen more than once (in
// order of Seq: the first is the one kept), and keeps the first of each
// key. fn is called one group at a time, in no particular order of keys;
// a key with very many copies comes in pieces (see GroupFunc), so that
// memory stays bounded.
func (s *Set) Resolve(fn GroupFunc) error {
	if err := s.waitRun(); err != nil {
		return err
	}
	if len(s.runs) == 0 && len(s.pending) == 0 {
		return nil
	}
	table, pending := s.sortedTable(), s.sortPending()
	srcs := func() []*cursor {
		srcs := s.base.cursors(0, memCursor(table, 0))
		for _, r := range s.runs {
			srcs = append(srcs, r.cursor(r.seqOff))
		}
		return append(srcs, memCursor(pending, 0))
	}
	kept := false
	var err error
	if s.base.n > 0 && len(s.base.segs)+len(s.runs)+2 <= maxRuns {
		// a merge that only looks for keys seen twice; when there are
		// none, the runs join base as they are, and base is not written
		// again (else a second merge writes it)
		dups := false
		err = s.merge(srcs(), true, true, func(g []FP, cont, more bool) error {
			dups = true
			return fn(g, cont, more)
		})
		switch {
		case err != nil:
		case dups:
			err = s.compact(srcs(), true, func([]FP, bool, bool) error { return nil })
		default:
			err = s.keepRuns(table, pending)
			kept = err == nil
		}
	} else {
		err = s.compact(srcs(), s.base.n > 0, fn)
	}
	s.runs, s.pending = s.runs[:0], s.pending[:0]
	if kept {
		// the run file and the absorbed ones belong to base now
		s.runFile, s.adopted = nil, nil
		return nil
	}
	if s.runFile != nil && err == nil {
		s.runFile.size = 0
		err = s.runFile.f.Truncate(0)
	}
	for _, f := range s.adopted {
		s.release(f)
	}
	s.adopted = nil
	return s.fail(err)
}

// keepRuns adds the runs to base as segments, with the sorted table and
// pending fingerprints written as runs of their own: a resolve that found
// no key seen twice.
func (s *Set) keepRuns(table, pending []FP) error {
	for _, xs := range [][]FP{table, pending} {
		if len(xs) == 0 {
			continue
		}
		if s.runFile == nil {
			f, err := s.create()
			if err != nil {
				return err
			}
			s.runFile = &spillFile{f: f}
		}
		w := s.writer(s.runFile.f, s.runFile.size)
		for _, k := range xs {
			if err := w.write(k); err != nil {
				return err
			}
		}
		run, err := w.finish()
		if err != nil {
			return err
		}
		s.runFile.size = run.off + run.n*Size
		s.runs = append(s.runs, run)
	}
	for _, r := range s.runs {
		s.base.segs = append(s.base.segs, r)
		s.base.n += r.n
	}
	s.base.kept = true
	return nil
}

// Absorb takes over the deferred fingerprints of o, added after all of
// s's: their Seqs are offset by s.Len(), and they are resolved by the next
// Resolve of s, with s's and with each other, as if s had added them
// deferred itself. o must hold deferred fingerprints only (every Add
// deferred, no Resolve), and is closed; the file of its runs becomes s's
// until that Resolve. Sets filled in parallel, one per input, and absorbed
// in order, resolve as one set filled with the inputs one after the other.
func (s *Set) Absorb(o *Set) error {
	if err := s.waitRun(); err != nil {
		return err
	}
	if err := o.waitRun(); err != nil {
		return err
	}
	if len(o.table) > 0 || o.base.n > 0 {
		return s.fail(errors.New("absorb: the set has resolved keys"))
	}
	off := s.seq
	s.seq += o.seq
	for _, r := range o.runs {
		r.seqOff += off
		s.runs = append(s.runs, r)
	}
	if o.runFile != nil {
		// the run file becomes s's; o's other files (its logs) close with o
		f := o.runFile.f
		s.adopted = append(s.adopted, f)
		s.temp = append(s.temp, f)
		o.temp = slices.DeleteFunc(o.temp, func(t *os.File) bool { return t == f })
		if i := slices.Index(o.keep, f.Name()); i >= 0 {
			s.keep = append(s.keep, f.Name())
			o.keep = slices.Delete(o.keep, i, i+1)
		}
	}
	pending := o.pending
	o.runs, o.runFile, o.pending = nil, nil, nil
	o.Close()
	if err := s.boundRuns(); err != nil {
		return s.fail(err)
	}
	for _, k := range pending {
		k.Seq += off
		s.pending = append(s.pending, k)
		if len(s.pending) >= s.pendCap {
			if err := s.spillRun(); err != nil {
				return s.fail(err)
			}
		}
	}
	return nil
}

// Merge adds the resolved keys of o, added after all of s's: their Seqs
// are offset by s.Len(). fn is called with every group of fingerprints of
// one key (more than one, in order of Seq, in pieces as by Resolve); every
// key stays in one copy, the first. o is closed.
func (s *Set) Merge(o *Set, fn GroupFunc) error {
	if err := s.waitRun(); err != nil {
		return err
	}
	if err := o.waitRun(); err != nil {
		return err
	}
	defer o.Close()
	off := s.seq
	s.seq += o.seq
	srcs := append(
		s.base.cursors(0, memCursor(s.sortedTable(), 0)),
		o.base.cursors(off, memCursor(o.sortedTable(), off))...,
	)
	return s.fail(s.compact(srcs, false, fn))
}

// create makes a temporary file and removes its name at once, so that
// nothing is left behind whatever happens; where an open file cannot be
// removed (Windows), Close removes it.
func (s *Set) create() (*os.File, error) {
	f, err := os.CreateTemp(s.opts.TempDir, "toms-dedup-*")
	if err != nil {
		return nil, err
	}
	if os.Remove(f.Name()) != nil {
		s.keep = append(s.keep, f.Name())
	}
	s.temp = append(s.temp, f)
	return f, nil
}

// release closes a temporary file no longer needed.
func (s *Set) release(f *os.File) {
	if f == nil {
		return
	}
	for i, t := range s.temp {
		if t == f {
			s.temp = slices.Delete(s.temp, i, i+1)
			break
		}
	}
	f.Close()
	name := f.Name()
	for i, k := range s.keep {
		if k == name {
			os.Remove(name)
			s.keep = slices.Delete(s.keep, i, i+1)
			break
		}
	}
}

// ErrClosed is the error of a set used after Close.
var ErrClosed = errors.New("duplicate detection: closed")

// Close releases every temporary file, of the set and of its logs; the set
// and its logs fail afterwards with ErrClosed.
func (s *Set) Close() error {
	s.waitRun() // its error is the set's
	var errs []error
	for _, f := range s.temp {
		errs = append(errs, f.Close())
	}
	for _, name := range s.keep {
		errs = append(errs, os.Remove(name))
	}
	s.temp, s.keep = nil, nil
	s.base, s.runs, s.runFile = files{}, nil, nil
	s.table, s.slots, s.pending, s.scratch, s.counts, s.wbuf, s.runBuf = nil, nil, nil, nil, nil, nil, nil
	for _, l := range s.logs {
		l.f, l.buf = nil, nil
	}
	if s.err == nil {
		s.err = ErrClosed
	}
	return errors.Join(errs...)
}
