package measure

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/socialvalue-toms/toms/internal/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// column is one of the known columns of an outcomes or commitments file.
type column int

const (
	colContract column = iota
	colSupplier
	colMeasure
	colQuantity
	colDate
	colEvidence
	colPeriod
	colSME
	colVCSE
	colLocal
	colNotes
	colUnit
	numCols
)

// columnNames are the header names (CSV) and keys (JSON lines), in the
// order of the constants above.
var columnNames = [numCols]string{
	"contract", "supplier", "measure", "quantity", "date", "evidence",
	"period", "supplier_sme", "supplier_vcse", "local", "notes", "unit",
}

func columnByName(name string) (column, bool) {
	for c, n := range columnNames {
		if n == name {
			return column(c), true
		}
	}
	return 0, false
}

// required reports whether a file of kind k must have the column, and
// allowed whether it may.
func (c column) required(k Kind) bool {
	switch c {
	case colContract, colSupplier, colMeasure, colQuantity, colDate:
		return true
	case colEvidence:
		return k == Outcomes
	}
	return false
}

func (c column) allowed(k Kind) bool { return c != colEvidence || k == Outcomes }

func (c column) String() string { return columnNames[c] }

// allowedNames lists the columns a file of kind k may have, for messages.
func allowedNames(k Kind) []string {
	var out []string
	for c := column(0); c < numCols; c++ {
		if c.allowed(k) {
			out = append(out, c.String())
		}
	}
	return out
}

// posFunc returns the line and column of a field of the current row.
type posFunc func(c column) (line, col int)

// row is a validated record on its way into an aggregator, before any
// string is copied or any decimal built.
type row struct {
	line                    int
	contract, supplier      string
	evidence, period, notes string
	unit                    string
	m                       *mstate
	q                       quantity
	y, mo, d                int // calendar date
	fy                      int // start year of the financial year
	sme, vcse, local        Flag
}

func (r *row) date() time.Time { return time.Date(r.y, time.Month(r.mo), r.d, 0, 0, 0, 0, time.UTC) }

// dateKey is the date as one sortable integer, YYYYMMDD.
func (r *row) dateKey() int { return r.y*10000 + r.mo*100 + r.d }

func (r *row) record(file string) Record {
	return Record{
		Contract: r.contract, Supplier: r.supplier, Measure: r.m.m.ID,
		Quantity: r.q.Decimal(), Date: r.date(),
		Evidence: r.evidence, Period: r.period, Unit: tom.Unit(r.unit),
		SupplierSME: r.sme, SupplierVCSE: r.vcse, Local: r.local, Notes: r.notes,
		Pos: diag.Pos{File: file, Line: r.line},
	}
}

// catalogue is the framework's measures as the ingestion loop needs them.
type catalogue struct {
	fw       *tom.Framework
	policy   tom.YearPolicy
	measures []*mstate
	byID     map[string]*mstate
	ids      []string // measure ids, for suggestions
	last     *mstate
}

// mstate is one measure, with its proxy values converted for the inner loop.
type mstate struct {
	idx     int
	m       tom.Measure
	unit    tom.UnitInfo
	group   string // exclusive group, "" for none
	spend   bool   // unit gbp without a proxy: spend reported, not social value
	proxies []*proxyEntry
}

// proxyEntry is the proxy value that applies to one (measure, year).
type proxyEntry struct {
	m       *mstate
	fy      int
	p       tom.Proxy
	carried bool
	err     error
	u       uint64 // p.Value in millionths of a pound, when fixed
	fixed   bool
}

func newCatalogue(fw *tom.Framework, policy tom.YearPolicy) *catalogue {
	c := &catalogue{fw: fw, policy: policy, byID: map[string]*mstate{}}
	for i, m := range fw.Measures() {
		info, _ := fw.Unit(m.Unit)
		s := &mstate{idx: i, m: m, unit: info, group: m.ExclusiveGroup,
			spend: m.Unit == tom.GBP && !m.Financial}
		c.measures = append(c.measures, s)
		c.byID[m.ID] = s
		c.ids = append(c.ids, m.ID)
	}
	return c
}

func (c *catalogue) lookup(id string) *mstate {
	if c.last != nil && c.last.m.ID == id {
		return c.last
	}
	m := c.byID[id]
	if m != nil {
		c.last = m
	}
	return m
}

// proxy returns the proxy entry for a financial year, computing it once.
func (m *mstate) proxy(fy int, policy tom.YearPolicy) *proxyEntry {
	for _, e := range m.proxies {
		if e.fy == fy {
			return e
		}
	}
	e := &proxyEntry{m: m, fy: fy}
	e.p, e.carried, e.err = m.m.ProxyFor(tom.YearStarting(fy), policy)
	if e.err == nil {
		e.u, e.fixed = toFixed(e.p.Value)
	}
	m.proxies = append(m.proxies, e)
	return e
}

// validator checks rows against the catalogue and collects the problems.
type validator struct {
	cat  *catalogue
	kind Kind
	file string
	errs diag.List
}

func (v *validator) add(line, col int, c column, kind error, format string, args ...any) {
	v.errs.Add(&diag.Diagnostic{File: v.file, Line: line, Column: col, Field: c.String(),
		Message: fmt.Sprintf(format, args...), Kind: kind})
}

// check validates one row's fields into r. It reports every problem of the
// row, and returns false when there was any.
func (v *validator) check(f *[numCols]string, pos posFunc, r *row) bool {
	before := len(v.errs)
	bad := func(c column, kind error, format string, args ...any) {
		line, col := pos(c)
		v.add(line, col, c, kind, format, args...)
	}
	for _, c := range [...]column{colContract, colSupplier} {
		if f[c] == "" {
			bad(c, ErrRequired, "is empty; every %s record names its %s", v.kind, c)
		}
	}
	r.contract, r.supplier = f[colContract], f[colSupplier]
	r.m = nil
	switch id := f[colMeasure]; {
	case id == "":
		bad(colMeasure, ErrRequired, "is empty; name a measure id of the framework")
	default:
		r.m = v.cat.lookup(id)
		if r.m == nil {
			msg := fmt.Sprintf("unknown measure %q", id)
			if s := diag.Suggest(id, v.cat.ids); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			bad(colMeasure, tom.ErrUnknownMeasure, "%s", msg)
		}
	}
	if s := f[colQuantity]; s == "" {
		bad(colQuantity, ErrRequired, "is empty")
	} else if q, err := parseQuantity(s); err != nil {
		bad(colQuantity, ErrQuantity, "%v", err)
	} else if !q.fixed && q.d.IsNegative() {
		bad(colQuantity, ErrQuantity, "is %s; a quantity cannot be negative", s)
	} else {
		r.q = q
	}
	if s := f[colDate]; s == "" {
		bad(colDate, ErrRequired, "is empty; write the date as YYYY-MM-DD")
	} else if y, mo, d, ok := parseDate(s); !ok {
		bad(colDate, ErrDate, "%q is not a calendar date written YYYY-MM-DD", s)
	} else {
		r.y, r.mo, r.d = y, mo, d
		r.fy = y
		if mo < 4 {
			r.fy--
		}
	}
	r.evidence = f[colEvidence]
	if v.kind == Outcomes && r.m != nil && r.m.m.EvidenceRequired && strings.TrimSpace(r.evidence) == "" {
		bad(colEvidence, ErrEvidence, "measure %q requires evidence; cite a document reference or link", r.m.m.ID)
	}
	r.unit = f[colUnit]
	if r.unit != "" && r.m != nil && r.unit != string(r.m.m.Unit) && !strings.EqualFold(r.unit, r.m.unit.Name) {
		bad(colUnit, ErrUnit, "is %q but measure %q counts %s; convert the quantity to %s", r.unit, r.m.m.ID, r.m.m.Unit, r.m.m.Unit)
	}
	for _, fc := range [...]struct {
		c   column
		dst *Flag
	}{{colSME, &r.sme}, {colVCSE, &r.vcse}, {colLocal, &r.local}} {
		fl, ok := parseFlag(f[fc.c])
		if !ok {
			bad(fc.c, ErrFlag, "is %q; write yes or no (or true/false, y/n, 1/0), or leave it empty", f[fc.c])
		}
		*fc.dst = fl
	}
	r.period, r.notes = f[colPeriod], f[colNotes]
	return len(v.errs) == before
}

// parseDate reads YYYY-MM-DD, a real calendar date from year 1000.
func parseDate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	var ok1, ok2, ok3 bool
	y, ok1 = num(s[:4])
	m, ok2 = num(s[5:7])
	d, ok3 = num(s[8:])
	if !ok1 || !ok2 || !ok3 || y < 1000 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dedup remembers every record read, by a 64-bit hash of its Key (with the
// exclusive group standing in for the measure), to find duplicates and
// double counting. It holds one map entry (about 16-40 bytes) per distinct
// record: the only memory of ingestion that grows with the number of rows.
//
// The hash is deterministic (not seeded per process) so that the sets of
// shards aggregated separately can be merged. Two different records collide
// with probability 2⁻⁶⁴ per pair, about 3 in 100 million for a million
// rows; the message names the earlier line so a person can check.
type dedup struct {
	seen hashSet // hash -> file<<52 | measure<<40 | line
	buf  []byte
}

func newDedup() *dedup { return &dedup{} }

// hashSet is an open-addressing table from non-zero 64-bit hashes to
// values: one probe sequence (usually one cache miss) finds or inserts a
// key, where a Go map needs a lookup and then an insert. It grows at 3/4
// full, so it holds 16 bytes × 4/3 to 8/3 per entry.
type hashSet struct {
	slots []hashSlot
	n     int
}

type hashSlot struct{ k, v uint64 }

// getOrPut returns the value stored under k, or stores v and returns ok false.
func (s *hashSet) getOrPut(k, v uint64) (old uint64, ok bool) {
	if k == 0 {
		k = 1 // 0 marks an empty slot
	}
	if s.n >= len(s.slots)*3/4 {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.k == k {
			return sl.v, true
		}
		if sl.k == 0 {
			sl.k, sl.v = k, v
			s.n++
			return 0, false
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]hashSlot, max(1024, 2*len(old)))
	s.n = 0
	for _, sl := range old {
		if sl.k != 0 {
			s.getOrPut(sl.k, sl.v)
		}
	}
}

const (
	dedupLineBits    = 40
	dedupMeasureBits = 12
)

func packRef(file, measure, line int) uint64 {
	return uint64(file)<<(dedupLineBits+dedupMeasureBits) | uint64(measure)<<dedupLineBits | uint64(line)
}

func unpackRef(v uint64) (file, measure, line int) {
	return int(v >> (dedupLineBits + dedupMeasureBits)), int(v >> dedupLineBits & (1<<dedupMeasureBits - 1)), int(v & (1<<dedupLineBits - 1))
}

// hash returns the row's duplicate key hash.
func (dd *dedup) hash(r *row) uint64 {
	b := dd.buf[:0]
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
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint64(b, r.q.u)
	} else {
		b = append(b, 2)
		b = append(b, r.q.d.String()...)
	}
	b = append(b, 0)
	b = append(b, r.period...)
	dd.buf = b
	return hash64(b)
}

// hash64 is the xxHash64 algorithm's short-input path applied to any
// length: 8-byte rounds, then the final avalanche.
func hash64(b []byte) uint64 {
	const (
		p1 = 11400714785074694791
		p2 = 14029467366897019727
		p3 = 1609587929392839161
		p4 = 9650029242287828579
		p5 = 2870177450012600261
	)
	h := p5 + uint64(len(b))
	for ; len(b) >= 8; b = b[8:] {
		k := binary.LittleEndian.Uint64(b)
		k *= p2
		k = bits.RotateLeft64(k, 31) * p1
		h ^= k
		h = bits.RotateLeft64(h, 27)*p1 + p4
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * p1
		h = bits.RotateLeft64(h, 23)*p2 + p3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * p5
		h = bits.RotateLeft64(h, 11) * p1
	}
	h ^= h >> 33
	h *= p2
	h ^= h >> 29
	h *= p3
	h ^= h >> 32
	return h
}

// check records r and returns a diagnostic when an earlier record has the
// same key. files names files by index, for the message.
func (dd *dedup) check(r *row, file int, files []string, cat *catalogue, pos posFunc) *diag.Diagnostic {
	ref, dup := dd.seen.getOrPut(dd.hash(r), packRef(file, r.m.idx, r.line))
	if !dup {
		return nil
	}
	pf, pm, pl := unpackRef(ref)
	where := fmt.Sprintf("line %d", pl)
	if pf != file {
		where = fmt.Sprintf("%s:%d", files[pf], pl)
	}
	line, col := pos(colMeasure)
	d := &diag.Diagnostic{File: files[file], Line: line, Column: col, Field: colMeasure.String()}
	if other := cat.measures[pm]; other != r.m {
		d.Kind = ErrDoubleCounted
		d.Message = fmt.Sprintf("counted twice: %s reports the same quantity for the same contract, supplier, date and period under %q, and measures %q and %q are in exclusive group %q", where, other.m.ID, other.m.ID, r.m.m.ID, r.m.group)
	} else {
		d.Kind = ErrDuplicate
		d.Message = fmt.Sprintf("duplicate of %s: same contract, supplier, measure, date, quantity and period", where)
	}
	return d
}

// merge adds the records of o, and returns how many of them were already present.
func (dd *dedup) merge(o *dedup, fileMap []int) int {
	n := 0
	for _, sl := range o.seen.slots {
		if sl.k == 0 {
			continue
		}
		f, m, l := unpackRef(sl.v)
		if _, dup := dd.seen.getOrPut(sl.k, packRef(fileMap[f], m, l)); dup {
			n++
		}
	}
	return n
}
