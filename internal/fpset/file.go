package fpset

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"slices"
)

// The temporary files of a set: sorted runs of fingerprints (file), and
// append-only logs (Log) kept in memory up to a limit.

// file is n fingerprints sorted by key and seq, at offset off of f.
type file struct {
	f      *os.File
	off, n int64
	seqOff uint64 // added to each Seq read (a run absorbed from another set)
}

// files is the resolved records, n in all: sorted segments of files,
// each key in one of them (the parts of a compaction, in order of key, or
// the runs of a resolve that found no key twice, kept as they are).
type files struct {
	n    int64
	segs []file
	kept bool // some segments are runs kept by a resolve
}

// search finds the seq of key k.
func (b files) search(k FP) (uint64, bool, error) {
	for _, s := range b.segs {
		if seq, ok, err := s.search(k); ok || err != nil {
			return seq + s.seqOff, ok, err
		}
	}
	return 0, false, nil
}

// cursors returns more with a cursor on each segment.
func (b files) cursors(seqOff uint64, more ...*cursor) []*cursor {
	for _, s := range b.segs {
		more = append(more, s.cursor(seqOff+s.seqOff))
	}
	return more
}

// search finds the seq of key k in a file with one record per key.
func (r file) search(k FP) (uint64, bool, error) {
	var b [Size]byte
	lo, hi := int64(0), r.n
	for lo < hi {
		mid := lo + (hi-lo)/2
		if _, err := r.f.ReadAt(b[:], r.off+mid*Size); err != nil {
			return 0, false, err
		}
		x := decode(b[:])
		switch {
		case x.SameKey(k):
			return x.Seq, true, nil
		case x.H1 < k.H1 || x.H1 == k.H1 && x.H2 < k.H2:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false, nil
}

func decode(b []byte) FP {
	return FP{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])}
}

// cursorBuf is the read buffer of one cursor on a file.
const cursorBuf = 16 << 10 / Size * Size

// cursor reads sorted fingerprints, from memory or a file, adding seqOff to
// each seq.
type cursor struct {
	mem    []FP
	f      *os.File
	off    int64 // next byte of f to read
	end    int64
	buf    []byte
	i      int
	seqOff uint64
	cur    FP
	bufLen int64 // of buf; cursorBuf when 0
}

// split divides an unstarted cursor into parts by equal ranges of h1.
// Each part's buffer is that much smaller.
func (c *cursor) split(parts int) ([]*cursor, error) {
	if parts == 1 {
		return []*cursor{c}, nil
	}
	var n int64
	if c.f == nil {
		n = int64(len(c.mem))
	} else {
		n = (c.end - c.off) / Size
	}
	// at returns the first index with h1 >= h.
	at := func(h uint64) (int64, error) {
		lo, hi := int64(0), n
		var b [8]byte
		for lo < hi {
			mid := lo + (hi-lo)/2
			var x uint64
			if c.f == nil {
				x = c.mem[mid].H1
			} else {
				if _, err := c.f.ReadAt(b[:], c.off+mid*Size); err != nil {
					return 0, err
				}
				x = binary.LittleEndian.Uint64(b[:])
			}
			if x < h {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo, nil
	}
	out := make([]*cursor, parts)
	bufLen := c.bufLen
	if bufLen == 0 {
		bufLen = cursorBuf
	}
	bufLen = max(Size, bufLen/int64(parts)/Size*Size)
	step := ^uint64(0)/uint64(parts) + 1
	from := int64(0)
	for p := range parts {
		to := n
		if p < parts-1 {
			var err error
			if to, err = at(uint64(p+1) * step); err != nil {
				return nil, err
			}
		}
		if c.f == nil {
			out[p] = &cursor{mem: c.mem[from:to], seqOff: c.seqOff}
		} else {
			out[p] = &cursor{f: c.f, off: c.off + from*Size, end: c.off + to*Size, seqOff: c.seqOff, bufLen: bufLen}
		}
		from = to
	}
	return out, nil
}

func (r file) cursor(seqOff uint64) *cursor {
	return &cursor{f: r.f, off: r.off, end: r.off + r.n*Size, seqOff: seqOff}
}

func memCursor(xs []FP, seqOff uint64) *cursor { return &cursor{mem: xs, seqOff: seqOff} }

// size is how many fingerprints are left.
func (c *cursor) size() int64 {
	if c.f == nil {
		return int64(len(c.mem))
	}
	return (c.end-c.off)/Size + int64(len(c.buf)-c.i)/Size
}

// next moves to the next fingerprint, into c.cur; false at the end.
func (c *cursor) next() (bool, error) {
	if c.f == nil {
		if len(c.mem) == 0 {
			return false, nil
		}
		c.cur = c.mem[0]
		c.mem = c.mem[1:]
	} else {
		if c.i == len(c.buf) {
			if c.off == c.end {
				return false, nil
			}
			if c.bufLen == 0 {
				c.bufLen = cursorBuf
			}
			n := min(c.bufLen, c.end-c.off)
			if c.buf == nil {
				c.buf = make([]byte, c.bufLen)
			}
			c.buf = c.buf[:n]
			if _, err := c.f.ReadAt(c.buf, c.off); err != nil {
				return false, err
			}
			c.off += n
			c.i = 0
		}
		c.cur = decode(c.buf[c.i:])
		c.i += Size
	}
	c.cur.Seq += c.seqOff
	return true, nil
}

// GroupFunc takes the fingerprints of one key, in order of Seq. A key
// with more copies than a merge holds at once (many copies of one row)
// comes in pieces, in consecutive calls: cont says that the call continues
// the key of the call before (whose pieces come to nothing else between
// them), and more that the next call continues this one. The slice is
// reused.
type GroupFunc func(group []FP, cont, more bool) error

// groupPiece is the most fingerprints of one key mergeGroups holds at once.
const groupPiece = 4096

// startCursors moves each source to its first fingerprint and returns
// those that have one, and how many fingerprints they hold together.
func startCursors(srcs []*cursor) (live []*cursor, n int64, err error) {
	for _, c := range srcs {
		ok, err := c.next()
		if err != nil {
			return nil, 0, err
		}
		if ok {
			live = append(live, c)
			n += c.size() + 1
		}
	}
	return live, n, nil
}

// mergeGroups merges sorted sources and calls fn with the fingerprints of
// each key, in order of seq, in pieces of groupPiece at most.
//
// The sources are merged with a tournament (loser) tree: log₂(k)
// comparisons a fingerprint, on values kept in one slice.
//
// It is kept whole (about 90 lines) on purpose: it is the hot loop of
// duplicate detection, and its less, its tree and its inlined cursor step
// share locals that a split would turn into fields, calls or escapes.
func mergeGroups(srcs []*cursor, fn GroupFunc) error {
	live, _, err := startCursors(srcs)
	if err != nil {
		return err
	}
	k := len(live)
	if k == 0 {
		return nil
	}
	// cur[i] is the current fingerprint of source i; done[i] that it has
	// none left, and sorts after everything.
	cur := make([]FP, k)
	done := make([]bool, k)
	for i, c := range live {
		cur[i] = c.cur
	}
	// A source that is done has h1 = 2⁶⁴-1, so that done is looked at only
	// when h1 ties.
	less := func(i, j int) bool {
		x, y := &cur[i], &cur[j]
		if x.H1 != y.H1 {
			return x.H1 < y.H1
		}
		if done[i] || done[j] {
			return !done[i]
		}
		if x.H2 != y.H2 {
			return x.H2 < y.H2
		}
		return x.Seq < y.Seq
	}
	// Nodes 1..k-1 hold the loser of their match, leaves are k+i for
	// source i, and tree[0] is the overall winner.
	tree := make([]int, k)
	win := make([]int, 2*k)
	for i := range k {
		win[k+i] = i
	}
	for n := k - 1; n >= 1; n-- {
		a, b := win[2*n], win[2*n+1]
		if less(b, a) {
			a, b = b, a
		}
		win[n], tree[n] = a, b
	}
	tree[0] = win[1]
	if k == 1 {
		tree[0] = 0
	}
	var group []FP
	cont := false
	left := k
	for left > 0 {
		w := tree[0]
		x := cur[w]
		if len(group) > 0 {
			same := group[0].H1 == x.H1 && group[0].H2 == x.H2
			if !same || len(group) == groupPiece {
				if err := fn(group, cont, same); err != nil {
					return err
				}
				group, cont = group[:0], same
			}
		}
		group = append(group, x)
		c := live[w]
		if c.f != nil && c.i < len(c.buf) {
			// the common case, inline
			cur[w] = decode(c.buf[c.i:])
			cur[w].Seq += c.seqOff
			c.i += Size
		} else if ok, err := c.next(); err != nil {
			return err
		} else if ok {
			cur[w] = c.cur
		} else {
			cur[w] = FP{H1: ^uint64(0)}
			done[w] = true
			left--
		}
		for n := (w + k) / 2; n >= 1; n /= 2 {
			if t := tree[n]; less(t, w) {
				tree[n], w = w, t
			}
		}
		tree[0] = w
	}
	if len(group) > 0 {
		return fn(group, cont, false)
	}
	return nil
}

// mergeRanges does what mergeGroups does, for sources whose h1 are in
// [lo, hi], range by range of h1: each range's fingerprints, about
// len(buf) of them, are taken from every source and sorted in memory (a
// counting pass into buckets, uniform since hashes are, into out, then an
// insertion sort within them). With many sources this costs less than a
// tournament, whose comparisons a processor cannot predict. buf and out
// are scratch space of the same length. A range that holds more than buf
// (many copies of a few keys) is merged from what buf holds and what the
// sources still hold (mergeOverflow), so that memory stays within buf and
// out however many copies a key has.
func mergeRanges(srcs []*cursor, lo, hi uint64, buf, out []FP, fn GroupFunc) error {
	live, n, err := startCursors(srcs)
	if err != nil {
		return err
	}
	limit := len(buf)
	per := int64(max(1, limit*7/8)) // leave room for the spread
	ranges := uint64((n + per - 1) / per)
	var counts []int
	var segs [][]FP
	start := lo
	for i := uint64(1); i <= ranges && len(live) > 0; i++ {
		// the range is [start, top]: top = lo + (hi-lo)·i/ranges
		top := hi
		if i < ranges {
			h, l := bits.Mul64(hi-lo, i)
			q, _ := bits.Div64(h, l, ranges)
			top = lo + q
		}
		buf = buf[:0]
		segs = segs[:0]
		full := false
	fill:
		for j := 0; j < len(live); j++ {
			c := live[j]
			from := len(buf)
			for c.cur.H1 <= top {
				if len(buf) == limit {
					segs = append(segs, buf[from:])
					full = true
					break fill
				}
				buf = append(buf, c.cur)
				if c.f != nil && c.i < len(c.buf) {
					c.cur = decode(c.buf[c.i:])
					c.cur.Seq += c.seqOff
					c.i += Size
					continue
				}
				ok, err := c.next()
				if err != nil {
					return err
				}
				if !ok {
					live = append(live[:j], live[j+1:]...)
					j--
					break
				}
			}
			segs = append(segs, buf[from:])
		}
		if full {
			var err error
			if live, err = mergeOverflow(segs, live, top, out, fn); err != nil {
				return err
			}
		} else if len(buf) > 0 {
			var sorted []FP
			sorted, counts = sortRange(buf, out, counts, start, top)
			if err := scanGroups(sorted, fn); err != nil {
				return err
			}
		}
		start = top + 1
	}
	if len(live) > 0 {
		return fmt.Errorf("merge: fingerprints beyond h1 %#x", hi)
	}
	return nil
}

// mergeOverflow merges a range of h1 up to top that holds more than a
// buffer: segs, the sorted runs of it taken from the sources so far, and
// what the live sources still hold up to top. It calls fn with each key's
// fingerprints in pieces of len(out) at most, and returns the sources
// still live. It is the rare path (many copies of a few keys): a binary
// heap of the heads, one comparison a level.
func mergeOverflow(segs [][]FP, live []*cursor, top uint64, out []FP, fn GroupFunc) ([]*cursor, error) {
	type head struct {
		x   FP
		seg []FP    // the rest of a segment, or
		c   *cursor // a source
	}
	var h []head
	for _, sg := range segs {
		if len(sg) > 0 {
			h = append(h, head{x: sg[0], seg: sg[1:]})
		}
	}
	for _, c := range live {
		if c.cur.H1 <= top {
			h = append(h, head{x: c.cur, c: c})
		}
	}
	less := func(i, j int) bool { return Compare(h[i].x, h[j].x) < 0 }
	down := func(i int) {
		for {
			m := i
			if l := 2*i + 1; l < len(h) && less(l, m) {
				m = l
			}
			if r := 2*i + 2; r < len(h) && less(r, m) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	done := map[*cursor]bool{}
	piece, cont := out[:0], false
	for len(h) > 0 {
		x := h[0].x
		if len(piece) > 0 {
			same := piece[0].SameKey(x)
			if !same || len(piece) == len(out) {
				if err := fn(piece, cont, same); err != nil {
					return nil, err
				}
				piece, cont = out[:0], same
			}
		}
		piece = append(piece, x)
		// the head's next fingerprint in the range, if any
		t := &h[0]
		next := false
		switch {
		case t.c == nil && len(t.seg) > 0:
			t.x, t.seg, next = t.seg[0], t.seg[1:], true
		case t.c != nil:
			ok, err := t.c.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				done[t.c] = true
			} else {
				t.x, next = t.c.cur, t.c.cur.H1 <= top
			}
		}
		if !next {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	if len(piece) > 0 {
		if err := fn(piece, cont, false); err != nil {
			return nil, err
		}
	}
	still := live[:0]
	for _, c := range live {
		if !done[c] {
			still = append(still, c)
		}
	}
	return still, nil
}

// sortRange sorts xs, whose h1 are in [start, top], into out, which is
// as long (a range that holds more goes to mergeOverflow), and returns it
// (with counts, its scratch space): a counting pass into buckets by the
// top bits of h1 - start, then an insertion sort within them.
func sortRange(xs, out []FP, counts []int, start, top uint64) ([]FP, []int) {
	out = out[:len(xs)]
	if len(xs) < smallSort {
		copy(out, xs)
		slices.SortFunc(out, Compare)
		return out, counts
	}
	logNB := bits.Len(uint(len(xs)))
	shift := max(0, bits.Len64(top-start)-logNB)
	nb := 1 << logNB
	if cap(counts) < nb+1 {
		counts = make([]int, nb+1)
	}
	counts = counts[:nb+1]
	clear(counts)
	for _, x := range xs {
		counts[(x.H1-start)>>shift+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	for _, x := range xs {
		b := (x.H1 - start) >> shift
		out[counts[b]] = x
		counts[b]++
	}
	sortBuckets(out)
	return out, counts
}

// scanGroups calls fn with the fingerprints of each key of sorted xs.
func scanGroups(xs []FP, fn GroupFunc) error {
	for i := 0; i < len(xs); {
		j := i + 1
		for j < len(xs) && xs[j].SameKey(xs[i]) {
			j++
		}
		if err := fn(xs[i:j], false, false); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// writer appends fingerprints to a file from offset off.
type writer struct {
	f   *os.File
	off int64 // where buf goes
	n   int64
	buf []byte
	at  int64 // the first record's offset
}

// writeBuf is the buffer of an writer.
const writeBuf = 64 << 10 / Size * Size

func newWriter(f *os.File, off int64, buf []byte) *writer {
	if cap(buf) < Size {
		buf = make([]byte, 0, writeBuf)
	}
	return &writer{f: f, off: off, at: off, buf: buf[:0]}
}

func (w *writer) write(k FP) error {
	if len(w.buf)+Size > cap(w.buf) {
		if err := w.flush(); err != nil {
			return err
		}
	}
	b := binary.LittleEndian.AppendUint64(w.buf, k.H1)
	b = binary.LittleEndian.AppendUint64(b, k.H2)
	w.buf = binary.LittleEndian.AppendUint64(b, k.Seq)
	w.n++
	return nil
}

func (w *writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.f.WriteAt(w.buf, w.off)
	w.off += int64(len(w.buf))
	w.buf = w.buf[:0]
	return err
}

func (w *writer) finish() (file, error) {
	return file{f: w.f, off: w.at, n: w.n}, w.flush()
}

// spillFile is a temporary file written at its end.
type spillFile struct {
	f    *os.File
	size int64
}

// Log is an append-only log of bytes: the first in a temporary file of
// its set, the last (up to a limit) in memory.
type Log struct {
	s    *Set
	f    *os.File
	size int64 // bytes in f
	buf  []byte
	max  int
}

// NewLog returns an empty log that keeps up to max bytes in memory (at
// least one append).
func (s *Set) NewLog(max int) *Log {
	l := &Log{s: s, max: max}
	s.logs = append(s.logs, l)
	return l
}

// Append adds b and returns its offset.
func (l *Log) Append(b []byte) (int64, error) {
	if l.s.err != nil {
		return 0, l.s.err
	}
	off := l.size + int64(len(l.buf))
	l.buf = append(l.buf, b...)
	if len(l.buf) >= l.max {
		if l.f == nil {
			f, err := l.s.create()
			if err != nil {
				return 0, l.s.fail(err)
			}
			l.f = f
		}
		if _, err := l.f.WriteAt(l.buf, l.size); err != nil {
			return 0, l.s.fail(err)
		}
		l.size += int64(len(l.buf))
		l.buf = l.buf[:0]
	}
	return off, nil
}

// ReadAt reads len(p) bytes at off, which must be within what was
// appended: from the file, from memory, or from both when p spans the
// two (so that many appends can be read back in one call).
func (l *Log) ReadAt(p []byte, off int64) error {
	if l.s.err != nil {
		return l.s.err
	}
	if off >= l.size {
		copy(p, l.buf[off-l.size:])
		return nil
	}
	n := int(min(int64(len(p)), l.size-off)) // the part in the file
	if _, err := l.f.ReadAt(p[:n], off); err != nil {
		return l.s.fail(err)
	}
	copy(p[n:], l.buf)
	return nil
}
