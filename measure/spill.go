package measure

import (
	"encoding/binary"
	"os"
)

// The temporary files of duplicate detection: sorted runs of fingerprints
// (fpFile), and append-only logs (spillLog) kept in memory up to a limit.

// fpFile is n fingerprints sorted by key and seq, at offset off of f.
type fpFile struct {
	f      *os.File
	off, n int64
}

// fpFiles is the resolved records: segments of files in order of key, n in
// all.
type fpFiles struct {
	n    int64
	segs []fpFile
}

// search finds the seq of key k.
func (b fpFiles) search(k fp) (uint64, bool, error) {
	for _, s := range b.segs {
		if seq, ok, err := s.search(k); ok || err != nil {
			return seq, ok, err
		}
	}
	return 0, false, nil
}

// cursors returns more with a cursor on each segment.
func (b fpFiles) cursors(seqOff uint64, more ...*cursor) []*cursor {
	for _, s := range b.segs {
		more = append(more, s.cursor(seqOff))
	}
	return more
}

// search finds the seq of key k in a file with one record per key.
func (r fpFile) search(k fp) (uint64, bool, error) {
	var b [fpSize]byte
	lo, hi := int64(0), r.n
	for lo < hi {
		mid := lo + (hi-lo)/2
		if _, err := r.f.ReadAt(b[:], r.off+mid*fpSize); err != nil {
			return 0, false, err
		}
		x := decodeFP(b[:])
		switch {
		case x.sameKey(k):
			return x.seq, true, nil
		case x.h1 < k.h1 || x.h1 == k.h1 && x.h2 < k.h2:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false, nil
}

func decodeFP(b []byte) fp {
	return fp{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])}
}

// cursorBuf is the read buffer of one cursor on a file.
const cursorBuf = 16 << 10 / fpSize * fpSize

// cursor reads sorted fingerprints, from memory or a file, adding seqOff to
// each seq.
type cursor struct {
	mem    []fp
	f      *os.File
	off    int64 // next byte of f to read
	end    int64
	buf    []byte
	i      int
	seqOff uint64
	cur    fp
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
		n = (c.end - c.off) / fpSize
	}
	// at returns the first index with h1 >= h.
	at := func(h uint64) (int64, error) {
		lo, hi := int64(0), n
		var b [8]byte
		for lo < hi {
			mid := lo + (hi-lo)/2
			var x uint64
			if c.f == nil {
				x = c.mem[mid].h1
			} else {
				if _, err := c.f.ReadAt(b[:], c.off+mid*fpSize); err != nil {
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
	bufLen := int64(max(fpSize, cursorBuf/parts/fpSize*fpSize))
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
			out[p] = &cursor{f: c.f, off: c.off + from*fpSize, end: c.off + to*fpSize, seqOff: c.seqOff, bufLen: bufLen}
		}
		from = to
	}
	return out, nil
}

func (r fpFile) cursor(seqOff uint64) *cursor {
	return &cursor{f: r.f, off: r.off, end: r.off + r.n*fpSize, seqOff: seqOff}
}

func memCursor(xs []fp, seqOff uint64) *cursor { return &cursor{mem: xs, seqOff: seqOff} }

// size is how many fingerprints are left.
func (c *cursor) size() int64 {
	if c.f == nil {
		return int64(len(c.mem))
	}
	return (c.end-c.off)/fpSize + int64(len(c.buf)-c.i)/fpSize
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
		c.cur = decodeFP(c.buf[c.i:])
		c.i += fpSize
	}
	c.cur.seq += c.seqOff
	return true, nil
}

// mergeGroups merges sorted sources and calls fn with the fingerprints of
// each key, in order of seq. The slice is reused.
//
// The sources are merged with a tournament (loser) tree: log₂(k)
// comparisons a fingerprint, on values kept in one slice.
func mergeGroups(srcs []*cursor, fn func(group []fp) error) error {
	var live []*cursor
	for _, c := range srcs {
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			live = append(live, c)
		}
	}
	k := len(live)
	if k == 0 {
		return nil
	}
	// cur[i] is the current fingerprint of source i; done[i] that it has
	// none left, and sorts after everything.
	cur := make([]fp, k)
	done := make([]bool, k)
	for i, c := range live {
		cur[i] = c.cur
	}
	// A source that is done has h1 = 2⁶⁴-1, so that done is looked at only
	// when h1 ties.
	less := func(i, j int) bool {
		x, y := &cur[i], &cur[j]
		if x.h1 != y.h1 {
			return x.h1 < y.h1
		}
		if done[i] || done[j] {
			return !done[i]
		}
		if x.h2 != y.h2 {
			return x.h2 < y.h2
		}
		return x.seq < y.seq
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
	var group []fp
	left := k
	for left > 0 {
		w := tree[0]
		x := cur[w]
		if len(group) > 0 && (group[0].h1 != x.h1 || group[0].h2 != x.h2) {
			if err := fn(group); err != nil {
				return err
			}
			group = group[:0]
		}
		group = append(group, x)
		c := live[w]
		if c.f != nil && c.i < len(c.buf) {
			// the common case, inline
			cur[w] = decodeFP(c.buf[c.i:])
			cur[w].seq += c.seqOff
			c.i += fpSize
		} else if ok, err := c.next(); err != nil {
			return err
		} else if ok {
			cur[w] = c.cur
		} else {
			cur[w] = fp{h1: ^uint64(0)}
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
		return fn(group)
	}
	return nil
}

// fpWriter appends fingerprints to a file from offset off.
type fpWriter struct {
	f   *os.File
	off int64 // where buf goes
	n   int64
	buf []byte
	at  int64 // the first record's offset
}

// fpWriteBuf is the buffer of an fpWriter.
const fpWriteBuf = 64 << 10 / fpSize * fpSize

func newFPWriter(f *os.File, off int64, buf []byte) *fpWriter {
	if cap(buf) < fpSize {
		buf = make([]byte, 0, fpWriteBuf)
	}
	return &fpWriter{f: f, off: off, at: off, buf: buf[:0]}
}

func (w *fpWriter) write(k fp) error {
	if len(w.buf)+fpSize > cap(w.buf) {
		if err := w.flush(); err != nil {
			return err
		}
	}
	b := binary.LittleEndian.AppendUint64(w.buf, k.h1)
	b = binary.LittleEndian.AppendUint64(b, k.h2)
	w.buf = binary.LittleEndian.AppendUint64(b, k.seq)
	w.n++
	return nil
}

func (w *fpWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.f.WriteAt(w.buf, w.off)
	w.off += int64(len(w.buf))
	w.buf = w.buf[:0]
	return err
}

func (w *fpWriter) finish() (fpFile, error) {
	return fpFile{f: w.f, off: w.at, n: w.n}, w.flush()
}

// spillFile is a temporary file written at its end.
type spillFile struct {
	f    *os.File
	size int64
}

// spillLog is an append-only log: the first bytes in a temporary file, the
// last (up to max) in memory.
type spillLog struct {
	d    *dedup
	f    *os.File
	size int64 // bytes in f
	buf  []byte
	max  int
}

// append adds b and returns its offset.
func (l *spillLog) append(b []byte) (int64, error) {
	off := l.size + int64(len(l.buf))
	l.buf = append(l.buf, b...)
	if len(l.buf) >= l.max {
		if l.f == nil {
			f, err := l.d.create()
			if err != nil {
				return 0, err
			}
			l.f = f
		}
		if _, err := l.f.WriteAt(l.buf, l.size); err != nil {
			return 0, err
		}
		l.size += int64(len(l.buf))
		l.buf = l.buf[:0]
	}
	return off, nil
}

// readAt reads len(p) bytes at off, which must be whole appends.
func (l *spillLog) readAt(p []byte, off int64) error {
	if off >= l.size {
		copy(p, l.buf[off-l.size:])
		return nil
	}
	_, err := l.f.ReadAt(p, off)
	return err
}
