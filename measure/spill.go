package measure

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
)

// The temporary files of duplicate detection: sorted runs of fingerprints
// (fpFile), and append-only logs (spillLog) kept in memory up to a limit.

// fpFile is n fingerprints sorted by key and seq, at offset off of f.
type fpFile struct {
	f      *os.File
	off, n int64
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
			n := min(int64(cursorBuf), c.end-c.off)
			if c.buf == nil {
				c.buf = make([]byte, cursorBuf)
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
func mergeGroups(srcs []*cursor, fn func(group []fp) error) error {
	// h is a binary min-heap of the sources that have a fingerprint left,
	// ordered by it.
	h := make([]*cursor, 0, len(srcs))
	for _, c := range srcs {
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, c)
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	var group []fp
	for len(h) > 0 {
		x := h[0].cur
		if len(group) > 0 && !group[0].sameKey(x) {
			if err := fn(group); err != nil {
				return err
			}
			group = group[:0]
		}
		group = append(group, x)
		ok, err := h[0].next()
		if err != nil {
			return err
		}
		if !ok {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		siftDown(h, 0)
	}
	if len(group) > 0 {
		return fn(group)
	}
	return nil
}

func siftDown(h []*cursor, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		if r := l + 1; r < len(h) && cmpFP(h[r].cur, h[l].cur) < 0 {
			l = r
		}
		if cmpFP(h[l].cur, h[i].cur) >= 0 {
			return
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
}

// fpWriter appends fingerprints to a file from offset off.
type fpWriter struct {
	f   *os.File
	off int64
	n   int64
	w   *bufio.Writer
	b   [fpSize]byte
}

func newFPWriter(f *os.File, off int64) *fpWriter {
	return &fpWriter{f: f, off: off, w: bufio.NewWriterSize(io.NewOffsetWriter(f, off), 64<<10)}
}

func (w *fpWriter) write(k fp) error {
	binary.LittleEndian.PutUint64(w.b[:], k.h1)
	binary.LittleEndian.PutUint64(w.b[8:], k.h2)
	binary.LittleEndian.PutUint64(w.b[16:], k.seq)
	w.n++
	_, err := w.w.Write(w.b[:])
	return err
}

func (w *fpWriter) finish() (fpFile, error) {
	return fpFile{f: w.f, off: w.off, n: w.n}, w.w.Flush()
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
