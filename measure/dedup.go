package measure

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
)

// Duplicate detection in bounded memory.
//
// Every counted record gets a fingerprint (fp): a 128-bit hash of its
// duplicate key and its arrival number, seq. Beside it, a ref log indexed by
// seq keeps where the record was read and what it added to the totals, so
// that a duplicate found late can be taken out again exactly.
//
// The records checked so far (resolved: no duplicates among them, one per
// key) are in an in-memory hash table, and beyond its capacity in a sorted
// file (base). While base is empty, a row is checked against the table at
// once and a duplicate is never counted. Once base exists, the rows of a
// Read are counted and their fingerprints collected (pending), sorted in
// runs that spill to a temporary file; at the end of the Read a k-way merge
// of base, the table and the runs finds every key seen twice, the later
// records are taken out of the totals and reported, and the first record of
// each key becomes the new base. Both ways give the same totals and the same
// diagnostics; only when they are found differs, and Read returns them all,
// sorted, at its end either way.
//
// The merge is a tournament tree over the sources; a large one (base and
// runs together) is split by ranges of h1 into parts merged by goroutines
// of their own, each part writing its own segment of the new base.
//
// Add checks each record at once: against the table, and by binary search
// in base.
//
// The key is hashed once into 128 bits: h1 is maphash, h2 a multiply-fold
// hash (wyhash's construction) with secrets of its own; both are seeded
// for the process, so that aggregators in one process (shards to merge)
// agree, and input cannot aim at a collision. The two are computed
// differently from independent seeds; taking them as independent 64-bit
// hashes, two different records collide with probability 2⁻¹²⁸ per pair:
// about 10⁻²⁶ for a million rows, 10⁻²⁰ for a billion.

// DefaultDuplicateMemory is the memory duplicate detection uses by default;
// see Options.DuplicateMemory.
const DefaultDuplicateMemory = 1 << 20

var (
	seed1 = maphash.MakeSeed()
	seed2 = rand.Uint64()
)

// fp is the fingerprint of one counted record.
type fp struct{ h1, h2, seq uint64 }

const fpSize = 24

func cmpFP(x, y fp) int {
	switch {
	case x.h1 != y.h1:
		return cmpU64(x.h1, y.h1)
	case x.h2 != y.h2:
		return cmpU64(x.h2, y.h2)
	}
	return cmpU64(x.seq, y.seq)
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

func (x fp) sameKey(y fp) bool { return x.h1 == y.h1 && x.h2 == y.h2 }

// ref is what detection keeps about each counted record, by seq: its
// position, for messages, and its contribution, to undo it.
type ref struct {
	lines uint64 // line of the record | (line of its measure field - line) << 40
	file  uint32
	col   uint32 // column of the measure field
	cell  uint32 // index in Aggregator.cells, or .commits
	meas  uint32 // measure index, < maxMeasures (24 bits)
	flags uint8  // sme | vcse<<2 | local<<4 | refDecimal
	q     uint64 // quantity in millionths, or its offset in the decimal log
}

const (
	refSize    = 32
	refDecimal = 1 << 6
	lineBits   = 40
)

func (r ref) line() int      { return int(r.lines & (1<<lineBits - 1)) }
func (r ref) fieldLine() int { return r.line() + int(r.lines>>lineBits) }

func (r ref) flag(i int) Answer { return Answer(r.flags >> (2 * i) & 3) }

func (r *ref) encode(b []byte) {
	binary.LittleEndian.PutUint64(b, r.lines)
	binary.LittleEndian.PutUint32(b[8:], r.file)
	binary.LittleEndian.PutUint32(b[12:], r.col)
	binary.LittleEndian.PutUint32(b[16:], r.cell)
	binary.LittleEndian.PutUint16(b[20:], uint16(r.meas))
	b[22], b[23] = r.flags, byte(r.meas>>16)
	binary.LittleEndian.PutUint64(b[24:], r.q)
}

func (r *ref) decode(b []byte) {
	r.lines = binary.LittleEndian.Uint64(b)
	r.file = binary.LittleEndian.Uint32(b[8:])
	r.col = binary.LittleEndian.Uint32(b[12:])
	r.cell = binary.LittleEndian.Uint32(b[16:])
	r.meas = uint32(binary.LittleEndian.Uint16(b[20:])) | uint32(b[23])<<16
	r.flags = b[22]
	r.q = binary.LittleEndian.Uint64(b[24:])
}

// dedup finds duplicate records (and double counting in exclusive groups).
type dedup struct {
	dir      string // for temporary files; "" for os.TempDir
	tableCap int    // records the table holds before it goes to base
	pendCap  int    // records of a pending run
	seq      uint64 // next arrival number
	key      []byte // scratch for the duplicate key

	table []fp     // resolved records not in base
	slots []uint32 // open addressing over table: index+1; 0 is empty
	last  uint32   // the slot where the last lookup stopped

	base    fpFiles  // resolved records, sorted, one per key; n == 0 for none
	pending []fp     // fingerprints of the current Read not yet in a run
	scratch []fp     // for sorting pending
	counts  []int    // for sorting pending
	runs    []fpFile // sorted runs of pending fingerprints
	runFile *spillFile
	wbuf    []byte // the buffer of fpWriters, reused

	refs spillLog // ref of each record, at seq × refSize
	decs spillLog // quantities that are not fixed, as text

	temp []*os.File // every temporary file, closed by close
	keep []string   // temporary files that could not be removed while open
	err  error      // a temporary file failed: detection is broken
}

// newDedup returns a detector using about budget bytes of memory, with
// temporary files in dir; budget < 0 keeps everything in memory.
func newDedup(budget int, dir string) *dedup {
	d := &dedup{dir: dir}
	if budget == 0 {
		budget = DefaultDuplicateMemory
	}
	if budget < 0 {
		d.tableCap, d.pendCap = math.MaxInt, 0
		d.refs.max, d.decs.max = 1<<20, 64<<10
	} else {
		// The table (24 bytes a record, and 4 to 8 for the index) takes
		// half the budget while rows are checked at once; pending
		// fingerprints and the scratch space to sort them take it once
		// rows are deferred, when the table is empty (but for Add).
		d.tableCap = max(4, budget/2/(fpSize+8))
		d.pendCap = max(4, budget/2/fpSize)
		d.refs.max = max(refSize, budget/8)
		d.decs.max = max(64, budget/64)
	}
	d.refs.d, d.decs.d = d, d
	return d
}

// fingerprint hashes r's duplicate key: contract, supplier, measure (or its
// exclusive group), date, quantity as a number, and period.
func (d *dedup) fingerprint(r *row) fp {
	d.key, _ = appendKey(d.key[:0], r)
	return hashKey(d.key)
}

// hashKey hashes a duplicate key in one pass: h1 is maphash (AES-based
// where the CPU has it), h2 a multiply-fold of the words of b with a key
// of its own (wyhash's construction), both seeded for the process.
func hashKey(b []byte) fp {
	return fp{h1: maphash.Bytes(seed1, b), h2: foldHash(b, seed2)}
}

// foldHash is a 64-bit multiply-fold hash of b, after wyhash: each 16
// bytes are folded into the state by a 64×64→128-bit product of two words,
// one xored with a secret and one with the state, its halves xored; the
// tail is read as two (overlapping) words, and the length is mixed in. The
// secrets derive from seed, so that input cannot be made to zero a product
// on purpose.
func foldHash(b []byte, seed uint64) uint64 {
	k1 := seed ^ 0xa0761d6478bd642f
	k2 := mum(k1, 0xe7037ed1a0b428db) | 1
	k3 := mum(k2, 0x8ebc6af09c88c6e3)
	n := uint64(len(b))
	h := mum(k1, n^k3)
	for len(b) > 16 {
		h = mum(binary.LittleEndian.Uint64(b)^k2, binary.LittleEndian.Uint64(b[8:])^h)
		b = b[16:]
	}
	var x, y uint64
	switch l := len(b); {
	case l >= 8:
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[l-8:])
	case l >= 4:
		x, y = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[l-4:]))
	case l > 0:
		x = uint64(b[0])<<16 | uint64(b[l/2])<<8 | uint64(b[l-1])
	}
	h = mum(x^k2, y^h)
	return mum(h^k3, n^k1)
}

func mum(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return hi ^ lo
}

// appendKey appends r's duplicate key to b; dec is where the quantity's
// text starts in the result when it is not fixed (its length is len(b)
// minus len(r.period) minus dec minus 1).
func appendKey(b []byte, r *row) ([]byte, int) {
	b = append(b, r.contract...)
	b = append(b, 0)
	b = append(b, r.supplier...)
	b = append(b, 0)
	if r.m.group != "" {
		b = append(b, 1)
		b = append(b, r.m.group...)
	} else {
		b = append(b, 2)
		b = append(b, r.m.m.ID...)
	}
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(r.dateKey()))
	dec := -1
	if r.q.fixed {
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint64(b, r.q.u)
	} else {
		b = append(b, 2)
		dec = len(b)
		b = append(b, r.q.d.String()...)
	}
	b = append(b, 0)
	b = append(b, r.period...)
	return b, dec
}

// deferring reports whether rows of a Read are collected for resolve
// rather than checked at once.
func (d *dedup) deferring() bool { return d.base.n > 0 }

// check looks k up among the resolved records: in the table, and in base
// too when exact. It returns the earlier record's ref when there is one.
func (d *dedup) check(k fp, exact bool) (ref, bool, error) {
	if d.err != nil {
		return ref{}, false, d.err
	}
	if i, ok := d.lookup(k); ok {
		return d.ref(d.table[i].seq)
	}
	if exact && d.base.n > 0 {
		seq, ok, err := d.base.search(k)
		if err != nil || !ok {
			return ref{}, false, d.fail(err)
		}
		return d.ref(seq)
	}
	return ref{}, false, nil
}

// lookup finds k in the table, and leaves d.last at its slot or at the
// empty slot where it would go.
func (d *dedup) lookup(k fp) (int, bool) {
	if len(d.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(d.slots) - 1)
	for i := k.h1 & mask; ; i = (i + 1) & mask {
		s := d.slots[i]
		if s == 0 {
			d.last = uint32(i)
			return 0, false
		}
		if e := &d.table[s-1]; e.h1 == k.h1 && e.h2 == k.h2 {
			d.last = uint32(i)
			return int(s - 1), true
		}
	}
}

// add records a counted record that check did not find (or that is
// deferred), with r its ref; q is its quantity when not fixed.
func (d *dedup) add(k fp, r ref, q quantity, deferred bool) error {
	if d.err != nil {
		return d.err
	}
	k.seq = d.seq
	d.seq++
	if !q.fixed {
		off, err := d.decs.append([]byte(q.d.String()))
		if err != nil {
			return d.fail(err)
		}
		r.flags |= refDecimal
		r.q = uint64(off)<<16 | uint64(len(q.d.String()))
	}
	var b [refSize]byte
	r.encode(b[:])
	if _, err := d.refs.append(b[:]); err != nil {
		return d.fail(err)
	}
	if deferred {
		d.pending = append(d.pending, k)
		if len(d.pending) >= d.pendCap {
			return d.fail(d.spillRun())
		}
		return nil
	}
	d.insert(k)
	if len(d.table) >= d.tableCap {
		return d.fail(d.flushTable())
	}
	return nil
}

// insert puts k in the table at d.last, where lookup left it.
func (d *dedup) insert(k fp) {
	if len(d.table)+1 > len(d.slots)*3/4 {
		d.rehash(max(1024, 2*len(d.slots)))
		d.lookup(k)
	}
	d.table = append(d.table, k)
	d.slots[d.last] = uint32(len(d.table))
}

func (d *dedup) rehash(size int) {
	if size == 0 {
		d.slots = nil
		return
	}
	d.slots = make([]uint32, size)
	mask := uint64(size - 1)
	for j, e := range d.table {
		i := e.h1 & mask
		for d.slots[i] != 0 {
			i = (i + 1) & mask
		}
		d.slots[i] = uint32(j + 1)
	}
}

// ref reads the ref of record seq.
func (d *dedup) ref(seq uint64) (ref, bool, error) {
	var b [refSize]byte
	if err := d.refs.readAt(b[:], int64(seq)*refSize); err != nil {
		return ref{}, false, d.fail(err)
	}
	var r ref
	r.decode(b[:])
	return r, true, nil
}

// quantity returns the quantity a ref counted.
func (d *dedup) quantity(r ref) (quantity, error) {
	if r.flags&refDecimal == 0 {
		return quantity{u: r.q, fixed: true}, nil
	}
	b := make([]byte, r.q&0xffff)
	if err := d.decs.readAt(b, int64(r.q>>16)); err != nil {
		return quantity{}, d.fail(err)
	}
	v, err := decimal.NewFromString(string(b))
	if err != nil {
		return quantity{}, d.fail(err)
	}
	return quantity{d: v}, nil
}

func (d *dedup) fail(err error) error {
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("duplicate detection: %w", err)
	}
	if err != nil {
		return d.err
	}
	return nil
}

// sortedTable sorts the table in place and empties its index.
func (d *dedup) sortedTable() []fp {
	t := d.table
	slices.SortFunc(t, cmpFP)
	d.table, d.slots = nil, nil
	return t
}

// flushTable moves the table into base.
func (d *dedup) flushTable() error {
	srcs := d.base.cursors(0, memCursor(d.sortedTable(), 0))
	return d.compact(srcs, true, func([]fp) error { return nil })
}

// compact merges sorted sources into a new set of resolved records, keeping
// the first of each key, and calls fn with each group of more than one
// record of a key (in order of seq) first. The result goes to the table
// when it may fit there and toFile is false, otherwise to a new base.
//
// A large merge is split by ranges of h1 into parts merged in parallel,
// each into its own base file; fn is called by one part at a time, in no
// particular order of keys.
func (d *dedup) compact(srcs []*cursor, toFile bool, fn func(group []fp) error) error {
	var total int64
	for _, c := range srcs {
		total += c.size()
	}
	toFile = toFile || total > int64(d.tableCap)
	parts := 1
	if total >= parallelMerge {
		parts = max(1, min(runtime.GOMAXPROCS(0), maxParts))
		if testParts > 0 {
			parts = testParts
		}
	}
	split := make([][]*cursor, parts)
	for p := range parts {
		split[p] = make([]*cursor, 0, len(srcs))
	}
	for _, c := range srcs {
		cs, err := c.split(parts)
		if err != nil {
			return err
		}
		for p, c := range cs {
			split[p] = append(split[p], c)
		}
	}
	outs := make([][]fp, parts)
	sinks := make([]*fpWriter, parts)
	if toFile {
		for p := range sinks {
			f, err := d.create()
			if err != nil {
				return err
			}
			if p == 0 {
				sinks[p] = d.writer(f, 0)
			} else {
				sinks[p] = newFPWriter(f, 0, make([]byte, 0, fpWriteBuf/parts/fpSize*fpSize))
			}
		}
	}
	var mu sync.Mutex
	part := func(p int) error {
		sink := sinks[p]
		return mergeGroups(split[p], func(g []fp) error {
			if len(g) > 1 {
				mu.Lock()
				err := fn(g)
				mu.Unlock()
				if err != nil {
					return err
				}
			}
			if sink != nil {
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
	for _, b := range d.base.segs {
		d.release(b.f)
	}
	d.base = fpFiles{}
	d.table, d.slots = nil, nil
	if toFile {
		for _, sink := range sinks {
			b, err := sink.finish()
			if err != nil {
				return err
			}
			d.base.segs = append(d.base.segs, b)
			d.base.n += b.n
		}
		return nil
	}
	out := outs[0]
	for _, o := range outs[1:] {
		out = append(out, o...)
	}
	d.table = out
	d.rehash(tableSize(len(out)))
	return nil
}

// maxParts bounds the parts of a merge.
const maxParts = 4

var (
	// parallelMerge is the fingerprints from which compact merges in parts.
	parallelMerge int64 = 1 << 16
	// testParts, when positive, is the parts of every such merge.
	testParts = 0
)

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

// spillRun sorts the pending fingerprints and writes them as a run.
func (d *dedup) spillRun() error {
	if d.runFile == nil {
		f, err := d.create()
		if err != nil {
			return err
		}
		d.runFile = &spillFile{f: f}
	}
	sorted := d.sortPending()
	w := d.writer(d.runFile.f, d.runFile.size)
	for _, k := range sorted {
		if err := w.write(k); err != nil {
			return err
		}
	}
	run, err := w.finish()
	if err != nil {
		return err
	}
	d.runFile.size = run.off + run.n*fpSize
	d.runs = append(d.runs, run)
	d.pending = d.pending[:0]
	if len(d.runs) >= maxRuns {
		// merge the newest half of the runs into one, to bound the cursors
		// a resolve needs
		merge := d.runs[len(d.runs)-maxRuns/2:]
		var srcs []*cursor
		for _, r := range merge {
			srcs = append(srcs, r.cursor(0))
		}
		w := d.writer(d.runFile.f, d.runFile.size)
		if err := mergeGroups(srcs, func(g []fp) error {
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
		d.runFile.size = run.off + run.n*fpSize
		d.runs = append(d.runs[:len(d.runs)-maxRuns/2], run)
	}
	return nil
}

// writer returns an fpWriter on f from off, with the buffer of d (one
// writer at a time).
func (d *dedup) writer(f *os.File, off int64) *fpWriter {
	w := newFPWriter(f, off, d.wbuf)
	d.wbuf = w.buf
	return w
}

// maxRuns bounds the pending runs kept apart.
const maxRuns = 64

// sortPending sorts the pending fingerprints by key and seq: one counting
// pass over the top bits of h1 (hashes are uniform, so the buckets hold a
// record or two), then an insertion sort that only moves records within
// their bucket.
func (d *dedup) sortPending() []fp {
	xs := d.pending
	if len(xs) < 256 {
		slices.SortFunc(xs, cmpFP)
		return xs
	}
	nb := 1
	for nb < len(xs) && nb < 1<<16 {
		nb <<= 1
	}
	shift := 64 - uint(bitsLen(nb)-1)
	if cap(d.counts) < nb+1 {
		d.counts = make([]int, nb+1)
	}
	counts := d.counts[:nb+1]
	clear(counts)
	for _, x := range xs {
		counts[x.h1>>shift+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	if cap(d.scratch) < len(xs) {
		d.scratch = make([]fp, len(xs), cap(d.pending))
	}
	out := d.scratch[:len(xs)]
	for _, x := range xs {
		b := x.h1 >> shift
		out[counts[b]] = x
		counts[b]++
	}
	for i := 1; i < len(out); i++ {
		x := out[i]
		j := i
		for ; j > 0 && cmpFP(out[j-1], x) > 0; j-- {
			out[j] = out[j-1]
		}
		out[j] = x
	}
	return out
}

func bitsLen(n int) int {
	l := 0
	for ; n > 0; n >>= 1 {
		l++
	}
	return l
}

// resolve ends a Read: it merges the pending fingerprints with the
// resolved ones, calls dup for every later record of a key seen before
// (with the ref of the first), and keeps the first of each key.
func (d *dedup) resolve(dup func(later, first ref) error) error {
	if d.err != nil {
		return d.err
	}
	if len(d.runs) == 0 && len(d.pending) == 0 {
		return nil
	}
	srcs := d.base.cursors(0, memCursor(d.sortedTable(), 0))
	for _, r := range d.runs {
		srcs = append(srcs, r.cursor(0))
	}
	srcs = append(srcs, memCursor(d.sortPending(), 0))
	err := d.compact(srcs, d.base.n > 0, func(g []fp) error {
		first, _, err := d.ref(g[0].seq)
		if err != nil {
			return err
		}
		for _, k := range g[1:] {
			later, _, err := d.ref(k.seq)
			if err != nil {
				return err
			}
			if err := dup(later, first); err != nil {
				return err
			}
		}
		return nil
	})
	d.runs, d.pending = d.runs[:0], d.pending[:0]
	if d.runFile != nil && err == nil {
		d.runFile.size = 0
		err = d.runFile.f.Truncate(0)
	}
	return d.fail(err)
}

// merge adds the records of o, read after all of d's: their seqs follow
// d's and their files are renumbered by fileMap. It returns how many keys
// both had; both records stay counted, and d's is the one later records
// are duplicates of.
func (d *dedup) merge(o *dedup, fileMap []int) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if o.err != nil {
		return 0, o.err
	}
	defer o.close()
	off := d.seq
	var b [refSize]byte
	for seq := range o.seq {
		r, _, err := o.ref(seq)
		if err != nil {
			return 0, d.fail(err)
		}
		r.file = uint32(fileMap[r.file])
		if r.flags&refDecimal != 0 {
			q, err := o.quantity(r)
			if err != nil {
				return 0, d.fail(err)
			}
			s := q.d.String()
			at, err := d.decs.append([]byte(s))
			if err != nil {
				return 0, d.fail(err)
			}
			r.q = uint64(at)<<16 | uint64(len(s))
		}
		r.encode(b[:])
		if _, err := d.refs.append(b[:]); err != nil {
			return 0, d.fail(err)
		}
	}
	d.seq += o.seq
	n := 0
	srcs := append(
		d.base.cursors(0, memCursor(d.sortedTable(), 0)),
		o.base.cursors(off, memCursor(o.sortedTable(), off))...,
	)
	err := d.compact(srcs, false, func(g []fp) error {
		if len(g) > 1 && g[0].seq < off && g[len(g)-1].seq >= off {
			n++
		}
		return nil
	})
	return n, d.fail(err)
}

// create makes a temporary file and removes its name at once, so that
// nothing is left behind whatever happens; where an open file cannot be
// removed (Windows), close removes it.
func (d *dedup) create() (*os.File, error) {
	f, err := os.CreateTemp(d.dir, "toms-dedup-*")
	if err != nil {
		return nil, err
	}
	if os.Remove(f.Name()) != nil {
		d.keep = append(d.keep, f.Name())
	}
	d.temp = append(d.temp, f)
	return f, nil
}

// release closes a temporary file no longer needed.
func (d *dedup) release(f *os.File) {
	if f == nil {
		return
	}
	for i, t := range d.temp {
		if t == f {
			d.temp = slices.Delete(d.temp, i, i+1)
			break
		}
	}
	f.Close()
	name := f.Name()
	for i, k := range d.keep {
		if k == name {
			os.Remove(name)
			d.keep = slices.Delete(d.keep, i, i+1)
			break
		}
	}
}

// close releases every temporary file.
func (d *dedup) close() error {
	var errs []error
	for _, f := range d.temp {
		errs = append(errs, f.Close())
	}
	for _, name := range d.keep {
		errs = append(errs, os.Remove(name))
	}
	d.temp, d.keep = nil, nil
	d.base, d.runs, d.runFile = fpFiles{}, nil, nil
	d.refs, d.decs = spillLog{}, spillLog{}
	if d.err == nil {
		d.err = errors.New("duplicate detection: the aggregator is closed")
	}
	return errors.Join(errs...)
}

// dupDiagnostic reports the record at file:line:col of measure m as a
// duplicate of first (or, in an exclusive group, as counted twice).
func dupDiagnostic(files []string, cat *catalogue, first ref, file, line, col int, m *mstate) *diag.Diagnostic {
	pf, pl := int(first.file), first.line()
	where := fmt.Sprintf("line %d", pl)
	if pf != file {
		where = fmt.Sprintf("%s:%d", files[pf], pl)
	}
	d := &diag.Diagnostic{File: files[file], Line: line, Column: col, Field: colMeasure.String()}
	if other := cat.measures[first.meas]; other != m {
		d.Kind = ErrDoubleCounted
		d.Message = fmt.Sprintf("counted twice: %s reports the same quantity for the same contract, supplier, date and period under %q, and measures %q and %q are in exclusive group %q", where, other.m.ID, other.m.ID, m.m.ID, m.group)
	} else {
		d.Kind = ErrDuplicate
		d.Message = fmt.Sprintf("duplicate of %s: same contract, supplier, measure, date, quantity and period", where)
	}
	return d
}

// newRef describes a counted row for the ref log.
func newRef(r *row, file, fieldLine, col, cell int) ref {
	var dl uint64
	if dlt := fieldLine - r.line; dlt > 0 && dlt < 1<<(64-lineBits) {
		dl = uint64(dlt)
	}
	return ref{
		lines: uint64(r.line)&(1<<lineBits-1) | dl<<lineBits,
		file:  uint32(file), col: uint32(col), cell: uint32(cell), meas: uint32(r.m.idx),
		flags: uint8(r.sme) | uint8(r.vcse)<<2 | uint8(r.local)<<4,
		q:     r.q.u,
	}
}
