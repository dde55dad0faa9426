package measure

import (
	"encoding/binary"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/internal/fpset"
)

// Duplicate detection in bounded memory.
//
// Every counted record gets a fingerprint in an fpset.Set: a 128-bit hash
// of its duplicate key, and its arrival number, seq. Beside it, a ref log
// indexed by seq keeps where the record was read and what it added to the
// totals, so that a duplicate found late (when the set resolves deferred
// fingerprints at the end of a Read) can be taken out again exactly.

// DefaultDuplicateMemory is the memory duplicate detection uses by default;
// see Options.DuplicateMemory.
const DefaultDuplicateMemory = fpset.DefaultMemory

// ref is what detection keeps about each counted record, by seq: its
// position, for messages, and its contribution, to undo it.
type ref struct {
	lines uint64 // line of the record | (line of its measure field - line) << 40
	file  uint32
	col   uint32 // column of the measure field
	cell  uint32 // index in Aggregator.cells or .commits; the measure index for ReadRecords
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
	b[20] = r.flags
	binary.LittleEndian.PutUint64(b[24:], r.q)
}

func (r *ref) decode(b []byte) {
	r.lines = binary.LittleEndian.Uint64(b)
	r.file = binary.LittleEndian.Uint32(b[8:])
	r.col = binary.LittleEndian.Uint32(b[12:])
	r.cell = binary.LittleEndian.Uint32(b[16:])
	r.flags = b[20]
	r.q = binary.LittleEndian.Uint64(b[24:])
}

// dedup finds duplicate records (and double counting in exclusive groups):
// the fingerprints, the ref of each record and the quantities that are
// not fixed, as text.
type dedup struct {
	set  *fpset.Set
	key  []byte // scratch for the duplicate key
	refs *fpset.Log
	decs *fpset.Log
	// the refs of seqs from to from+len(blk)/refSize, read together:
	// refs never change once logged, and the later records of a key
	// are often read one after another
	blk  []byte
	from uint64
}

// refBlock is how many refs ref reads at a time (4 KiB).
const refBlock = 128

// newDedup returns a detector using about budget bytes of memory, with
// temporary files in dir; budget < 0 keeps everything in memory. parts,
// when positive, splits every merge into that many parts (for tests).
func newDedup(budget int, dir string, parts int) *dedup {
	opts := fpset.Options{Memory: budget, TempDir: dir}
	if parts > 0 {
		opts.ParallelFrom, opts.Parts = 1, parts
	}
	d := &dedup{set: fpset.New(opts)}
	switch {
	case budget < 0:
		d.refs, d.decs = d.set.NewLog(1<<20), d.set.NewLog(64<<10)
	default:
		if budget == 0 {
			budget = DefaultDuplicateMemory
		}
		d.refs, d.decs = d.set.NewLog(max(refSize, budget/8)), d.set.NewLog(max(64, budget/64))
	}
	return d
}

// fingerprint hashes r's duplicate key: contract, supplier, measure (or its
// exclusive group), date, quantity as a number, and period.
func (d *dedup) fingerprint(r *row) fpset.FP {
	d.key = appendKey(d.key[:0], r)
	return fpset.Hash(d.key)
}

// appendKey appends r's duplicate key to b. The quantity is in one
// canonical form of the exact number, whatever the package-level settings
// of shopspring/decimal: a whole number of millionths that fits 64 bits is
// held as such (quantityOf makes every such number fixed, however it was
// written) and goes in as its 8 bytes after a 'u'; any other number goes
// in as its canonical text (appendCanonical) after a 'd'. TestKeyQuantity
// checks that two quantities give the same key exactly when they are the
// same number.
func appendKey(b []byte, r *row) []byte {
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
	if r.q.fixed {
		b = append(b, 'u')
		b = binary.LittleEndian.AppendUint64(b, r.q.u)
	} else {
		b = append(b, 'd')
		b = appendCanonical(b, r.q)
	}
	b = append(b, 0)
	b = append(b, r.period...)
	return b
}

// deferring reports whether rows of a Read are collected for resolve
// rather than checked at once.
func (d *dedup) deferring() bool { return d.set.Deferring() }

// check looks k up among the resolved records: in the table, and in base
// too when exact. It returns the earlier record's ref when there is one.
func (d *dedup) check(k fpset.FP, exact bool) (ref, bool, error) {
	seq, ok, err := d.set.Find(k, exact)
	if err != nil || !ok {
		return ref{}, false, err
	}
	r, err := d.ref(seq)
	return r, err == nil, err
}

// add records a counted record that check did not find (or that is
// deferred), with r its ref; q is its quantity when not fixed.
func (d *dedup) add(k fpset.FP, r ref, q quantity, deferred bool) error {
	if !q.fixed {
		s := dectext.Format(q.d)
		off, err := d.decs.Append([]byte(s))
		if err != nil {
			return err
		}
		r.flags |= refDecimal
		r.q = uint64(off)<<16 | uint64(len(s))
	}
	var b [refSize]byte
	r.encode(b[:])
	if _, err := d.refs.Append(b[:]); err != nil {
		return err
	}
	_, err := d.set.Add(k, deferred)
	return err
}

// ref reads the ref of record seq, with those around it.
func (d *dedup) ref(seq uint64) (ref, error) {
	if seq < d.from || seq >= d.from+uint64(len(d.blk)/refSize) {
		from := seq / refBlock * refBlock
		n := min(refBlock, d.set.Len()-from)
		if seq >= from+n {
			return ref{}, fmt.Errorf("duplicate detection: no record %d", seq)
		}
		if cap(d.blk) < refBlock*refSize {
			d.blk = make([]byte, refBlock*refSize)
		}
		d.blk = d.blk[:n*refSize]
		if err := d.refs.ReadAt(d.blk, int64(from)*refSize); err != nil {
			d.blk = d.blk[:0]
			return ref{}, err
		}
		d.from = from
	}
	var r ref
	i := (seq - d.from) * refSize
	r.decode(d.blk[i : i+refSize])
	return r, nil
}

// quantity returns the quantity a ref counted.
func (d *dedup) quantity(r ref) (quantity, error) {
	if r.flags&refDecimal == 0 {
		return quantity{u: r.q, fixed: true}, nil
	}
	b := make([]byte, r.q&0xffff)
	if err := d.decs.ReadAt(b, int64(r.q>>16)); err != nil {
		return quantity{}, err
	}
	v, err := decimal.NewFromString(string(b))
	if err != nil {
		return quantity{}, err
	}
	return quantity{d: v}, nil
}

// resolve ends a Read: it calls dup for every later record of a key seen
// before (with the ref of the first), and keeps the first of each key.
func (d *dedup) resolve(dup func(later, first ref) error) error {
	var first ref // of the key of the piece before, for a piece that continues it
	return d.set.Resolve(func(g []fpset.FP, cont, _ bool) error {
		if !cont {
			var err error
			if first, err = d.ref(g[0].Seq); err != nil {
				return err
			}
			g = g[1:]
		}
		for _, k := range g {
			later, err := d.ref(k.Seq)
			if err != nil {
				return err
			}
			if err := dup(later, first); err != nil {
				return err
			}
		}
		return nil
	})
}

// merge adds the records of o, read after all of d's: their seqs follow
// d's, their files are renumbered by fileMap and their cells by cellMap. It returns how many keys
// both had; both records stay counted, and d's is the one later records
// are duplicates of.
func (d *dedup) merge(o *dedup, fileMap []int, cellMap []uint32) (int, error) {
	off := d.set.Len()
	if err := d.copyRefs(o, fileMap, cellMap); err != nil {
		return 0, err
	}
	n := 0
	var first uint64 // the Seq of the key's first copy, for pieces that continue it
	counted := false
	err := d.set.Merge(o.set, func(g []fpset.FP, cont, _ bool) error {
		if !cont {
			first, counted = g[0].Seq, false
		}
		if !counted && first < off && g[len(g)-1].Seq >= off {
			n++
			counted = true
		}
		return nil
	})
	return n, err
}

// absorb takes over the deferred records of o (read after all of d's, all
// deferred), as merge does for resolved ones: their seqs follow d's, their
// files are renumbered by fileMap and their cells by cellMap; d's next
// resolve finds their duplicates as if d had read them.
func (d *dedup) absorb(o *dedup, fileMap []int, cellMap []uint32) error {
	if err := d.copyRefs(o, fileMap, cellMap); err != nil {
		return err
	}
	return d.set.Absorb(o.set)
}

// copyBatch is how many refs copyRefs reads at a time (64 KiB).
const copyBatch = 2048

// copyRefs appends the refs of o's records to d's, renumbered.
func (d *dedup) copyRefs(o *dedup, fileMap []int, cellMap []uint32) error {
	if err := d.set.Err(); err != nil {
		return err
	}
	if err := o.set.Err(); err != nil {
		return err
	}
	// read in batches: once spilled, one read a ref would be a system call
	// a record, in the one goroutine that merges
	var b [refSize]byte
	n := o.set.Len()
	batch := make([]byte, min(copyBatch, n)*refSize)
	for seq := range n {
		i := int(seq % copyBatch)
		if i == 0 {
			batch = batch[:min(copyBatch, n-seq)*refSize]
			if err := o.refs.ReadAt(batch, int64(seq)*refSize); err != nil {
				return err
			}
		}
		var r ref
		r.decode(batch[i*refSize : (i+1)*refSize])
		r.file, r.cell = uint32(fileMap[r.file]), cellMap[r.cell]
		if r.flags&refDecimal != 0 {
			q, err := o.quantity(r)
			if err != nil {
				return err
			}
			s := dectext.Format(q.d)
			at, err := d.decs.Append([]byte(s))
			if err != nil {
				return err
			}
			r.q = uint64(at)<<16 | uint64(len(s))
		}
		r.encode(b[:])
		if _, err := d.refs.Append(b[:]); err != nil {
			return err
		}
	}
	return nil
}

// close releases every temporary file.
func (d *dedup) close() error { return d.set.Close() }

// dupDiagnostic reports the record at file:line:col of measure m as a
// duplicate of first, of measure other (or, in an exclusive group, as
// counted twice).
func dupDiagnostic(files []string, first ref, other *mstate, file, line, col int, m *mstate) *diag.Diagnostic {
	pf, pl := int(first.file), first.line()
	where := fmt.Sprintf("line %d", pl)
	if pf != file {
		where = fmt.Sprintf("%s:%d", files[pf], pl)
	}
	d := &diag.Diagnostic{File: files[file], Line: line, Column: col, Field: colMeasure.String()}
	if other != m {
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
		file:  uint32(file), col: uint32(col), cell: uint32(cell),
		flags: uint8(r.sme) | uint8(r.vcse)<<2 | uint8(r.local)<<4,
		q:     r.q.u,
	}
}
