package measure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/fpset"
	"github.com/socialvalue-toms/toms/tom"
)

// Options configure an Aggregator.
type Options struct {
	// Year, when set, restricts the totals to deliveries (and commitments)
	// dated in that financial year. Records of other years are still
	// validated, but not valued, counted or checked for duplicates;
	// Result.OutOfYear says how many.
	Year tom.Year
	// YearPolicy says what to do when a financial measure has no proxy value for
	// a record's year: tom.ExactYear (the default) rejects the record;
	// tom.CarryForward values it with the latest earlier year's value, and
	// the result lists every value carried forward.
	YearPolicy tom.YearPolicy
	// NoDuplicateCheck turns off duplicate and double-counting detection.
	NoDuplicateCheck bool
	// DuplicateMemory bounds the memory of duplicate detection, in bytes
	// (0 means DefaultDuplicateMemory). Beyond it, detection keeps its
	// fingerprints in temporary files and a Read finds duplicates at its
	// end, with the same results; see the package documentation.
	DuplicateMemory int
	// TempDir is the directory for those files; "" means os.TempDir().
	TempDir string
	// MaxStateBytes bounds the size of an aggregate state ReadState reads
	// (0 means DefaultMaxStateBytes): a state is decoded whole, so an
	// endless or oversized stream must stop before it fills memory.
	MaxStateBytes int64
	// Parallel is how many inputs ReadAll reads at once, each into an
	// aggregator of its own that is merged, in input order, as soon as it
	// is done: 0 or 1 means one input at a time, a negative value
	// GOMAXPROCS. The results are the same either way (a test checks it);
	// each input being read takes its own DuplicateMemory and its own
	// totals until it is merged, and merging costs a little per group, so
	// it pays for large files on idle cores, not for many small files:
	// a regular file under ParallelMinBytes is read by ReadAll's own
	// goroutine when its turn comes, beside the larger ones.
	//
	// ReadAll given a single input splits it, when it is a regular file
	// (its Open returns an *os.File, or anything with ReadAt and Stat) of
	// at least ChunkMinBytes, into up to Parallel chunks at line starts,
	// each read by a reader of its own (numbered as in the whole file:
	// every problem keeps its file:line:column) and merged in file order
	// the same way; its ReadOptions.Progress is told the rows of all the
	// chunks. A CSV record that could not be read or that spans lines (a
	// quote left open, which may have run over a chunk boundary) or a
	// problem with the file as a whole in any chunk makes ReadAll read the
	// file again with one reader, so that the problems are exactly those
	// of one reader. The results are the same (a test checks it).
	Parallel int

	// mergeParts, when positive, splits every merge of duplicate
	// detection into that many parts merged in parallel, however small
	// (for tests).
	mergeParts int
	// chunkMin, when positive, replaces ChunkMinBytes (for tests).
	chunkMin int64
	// parallelMin, when positive, replaces ParallelMinBytes (for tests).
	parallelMin int64
}

// sameTotals reports whether aggregators with options o and p count alike,
// so that they can be merged.
func (o Options) sameTotals(p Options) bool {
	return o.Year == p.Year && o.YearPolicy == p.YearPolicy && o.NoDuplicateCheck == p.NoDuplicateCheck
}

// Aggregator totals outcome records and commitments in one streaming pass:
// £ social value (quantity × the proxy value of the delivery's financial
// year) and quantities in each measure's unit, per contract, supplier,
// measure and financial year, from which Result derives every grouping
// (theme, outcome, measure, contract, supplier, year).
//
// Totals are exact: quantities and values are accumulated as scaled 128-bit
// integers, with an exact decimal beside them for any value that does not
// fit the scale. Aggregators merge exactly (Merge), so shards of a large
// dataset can be aggregated separately, in parallel, and combined.
//
// An Aggregator is not safe for concurrent use; use one per goroutine and
// Merge them. Close releases the temporary files of duplicate detection.
type Aggregator struct {
	opts      Options
	deferAll  bool // defer every duplicate check to a resolve (an input of a parallel ReadAll)
	chunked   int  // how many files ReadAll read in chunks (for tests)
	cat       *catalogue
	files     []string
	contracts interner
	suppliers interner

	cells    []cell
	cellIdx  map[cellKey]int32
	lastKey  cellKey
	lastCell int32
	// pairs lead addOutcome to its cell with one map lookup a row (by
	// contract, then a supplier among the contract's few) instead of
	// three; cellIdx stays the index of every cell, and a pair lists the
	// cells of its own that addOutcome has met.
	pairs    map[string][]int32 // by contract: indexes in pairList
	pairList []pair
	lastPair int32

	commits   []commitCell
	commitIdx map[commitKey]int32

	dd, cdd *dedup // outcome and commitment records seen

	records, commitRecords     int64
	outOfYear, commitOutOfYear int64
	latest                     int       // latest delivery date counted, YYYYMMDD
	rejected                   diag.List // the problems kept in full
	rejectedRows               int64     // rows rejected by lenient reads
	rejectedNotKept            int64     // problems counted but not kept
	crossShard                 int
}

type cellKey struct {
	cs uint64 // contract<<32 | supplier
	my uint64 // measure<<16 | financial year - yearBase (a 4-digit year)
}

// myKey packs a measure index and a financial year. The validator takes
// financial years tom.MinYear to tom.MaxYear only (dates 1000-04-01 to
// 9999-12-31), so the year fits 16 bits; the measure index has 48, so no
// catalogue is too large (see maxMeasures for the one limit). keyMeasure
// and keyYear take them apart again.
func myKey(measure, fy int) uint64 { return uint64(measure)<<16 | uint64(fy-yearBase) }

func keyMeasure(my uint64) int { return int(my >> 16) }
func keyYear(my uint64) int    { return int(my&0xffff) + yearBase }

const yearBase = tom.MinYear

type cell struct {
	key     cellKey
	records int64
	qty     acc // scale qtyScale
	val     acc // scale valScale
	// spend measures only: the spend flagged yes for SME, VCSE and local,
	// and how many records left each flag empty
	flagged [3]acc
	unknown [3]int64
}

// pair is a contract and supplier with the cells addOutcome found for them.
type pair struct {
	contract, supplier string // the interned copies
	cs                 uint64 // as in cellKey
	cells              []pairCell
}

type pairCell struct {
	my   uint64
	cell int32
}

// pairOf returns the pair of a contract and a supplier, interning both
// when they are new.
func (a *Aggregator) pairOf(contract, supplier string) *pair {
	if i := a.lastPair; i < int32(len(a.pairList)) {
		if p := &a.pairList[i]; p.contract == contract && p.supplier == supplier {
			return p
		}
	}
	list := a.pairs[contract]
	for _, i := range list {
		if p := &a.pairList[i]; p.supplier == supplier {
			a.lastPair = i
			return p
		}
	}
	c, s := a.contracts.id(contract), a.suppliers.id(supplier)
	contract = a.contracts.names[c]
	if a.pairs == nil {
		a.pairs = map[string][]int32{}
	}
	i := int32(len(a.pairList))
	a.pairList = append(a.pairList, pair{contract: contract, supplier: a.suppliers.names[s], cs: uint64(c)<<32 | uint64(s)})
	a.pairs[contract] = append(list, i)
	a.lastPair = i
	return &a.pairList[i]
}

type commitKey struct {
	contract uint32
	my       uint64 // as in cellKey
}

type commitCell struct {
	key      commitKey
	supplier uint32
	records  int64
	qty      acc
}

// interner gives each distinct string a small number.
type interner struct {
	ids   map[string]uint32
	names []string
	last  string
	lastN uint32
}

func (in *interner) id(s string) uint32 {
	if len(in.names) > 0 && s == in.last {
		return in.lastN
	}
	n, ok := in.ids[s]
	if !ok {
		if in.ids == nil {
			in.ids = map[string]uint32{}
		}
		s = strings.Clone(s)
		n = uint32(len(in.names))
		in.ids[s] = n
		in.names = append(in.names, s)
	}
	in.last, in.lastN = in.names[n], n
	return n
}

// NewAggregator returns an empty aggregator for the framework's measures.
func NewAggregator(fw *tom.Framework, opts Options) *Aggregator {
	a := &Aggregator{
		opts:      opts,
		cat:       newCatalogue(fw, opts.YearPolicy),
		cellIdx:   map[cellKey]int32{},
		commitIdx: map[commitKey]int32{},
		lastCell:  -1,
	}
	if !opts.NoDuplicateCheck {
		a.dd = newDedup(opts.DuplicateMemory, opts.TempDir, opts.mergeParts)
		a.cdd = newDedup(opts.DuplicateMemory, opts.TempDir, opts.mergeParts)
	}
	return a
}

// Framework returns the framework the aggregator values records with.
func (a *Aggregator) Framework() *tom.Framework { return a.cat.fw }

// Options returns the options the aggregator was made with.
func (a *Aggregator) Options() Options { return a.opts }

// Read validates and totals one outcomes or commitments file, streaming:
// memory does not grow with the number of rows (duplicate detection is
// bounded by Options.DuplicateMemory).
//
// Rows are checked as ReadRecords checks them and, for financial measures,
// must have a proxy value for their financial year under Options.YearPolicy.
// Without opts.Lenient, any bad row fails the batch: the error is
// diag.List listing the bad rows, and the Aggregator must then be
// discarded (it holds the good rows of a batch that failed). With
// opts.Lenient, the good rows are counted and the rejected rows are
// returned with their reasons, and kept for Result.Rejected (counted in
// Result.RejectedRows). Either list holds the first opts.KeepRejected
// problems in full and ends with a *NotKept diagnostic counting the rest,
// if any. A problem with
// the file as a whole (an unknown CSV column, an unknown JSON key) fails
// the read in either mode, and the Aggregator must then be discarded too.
//
// name is the file name used in positions. The context is checked every
// few thousand rows. An error other than diag.List (the reader's, the
// context's, a temporary file's) leaves the totals incomplete.
func (a *Aggregator) Read(ctx context.Context, r io.Reader, name string, kind Kind, opts ReadOptions) (diag.List, error) {
	file := len(a.files)
	a.files = append(a.files, name)
	in := newIngest(ctx, a.cat, kind, name, opts)
	commit := kind == Commitments
	in.sink = func(r *row, pos posFunc) (*diag.Diagnostic, error) { return a.add(r, file, pos, commit, false) }
	in.finish = func() error {
		return a.resolve(commit, func(_ int, d *diag.Diagnostic) { in.rejectRow(d) })
	}
	rejected, err := in.run(r)
	a.keep(in, rejected, err)
	return rejected, err
}

// keep keeps what a read rejected, for Result.
func (a *Aggregator) keep(in *ingest, rejected diag.List, err error) {
	if err != nil {
		return
	}
	a.rejectedRows += in.rejected
	a.rejectedNotKept += in.problems.notKept
	for _, d := range rejected {
		var nk *NotKept
		if !errors.As(d, &nk) {
			a.rejected = append(a.rejected, d)
		}
	}
}

// resolve finds the duplicates that detection of kind commit deferred,
// takes each out of the totals again and reports it with the index of the
// file it was read from.
func (a *Aggregator) resolve(commit bool, report func(file int, d *diag.Diagnostic)) error {
	dd := a.dedupOf(commit)
	if dd == nil {
		return nil
	}
	return dd.resolve(func(later, first ref) error {
		if err := a.undo(later, commit); err != nil {
			return err
		}
		d := dupDiagnostic(a.files, first, a.measureOf(first, commit), int(later.file), later.fieldLine(), int(later.col), a.measureOf(later, commit))
		report(int(later.file), d)
		return nil
	})
}

// Add validates one outcome record against the catalogue, as Read would,
// and counts it. It returns a *diag.Diagnostic (positioned at rec.Pos) when the
// record is rejected.
func (a *Aggregator) Add(rec Record) error {
	return a.addRecord(rec, Outcomes)
}

// AddCommitment validates one commitment and counts it.
func (a *Aggregator) AddCommitment(rec Record) error {
	return a.addRecord(rec, Commitments)
}

func (a *Aggregator) addRecord(rec Record, kind Kind) error {
	file := a.fileIndex(rec.Pos.File)
	v := validator{cat: a.cat, kind: kind, file: rec.Pos.File}
	var f [numCols]string
	f[colContract], f[colSupplier], f[colMeasure] = rec.Contract, rec.Supplier, rec.Measure
	f[colEvidence], f[colPeriod], f[colNotes], f[colUnit] = rec.Evidence, rec.Period, rec.Notes, string(rec.Unit)
	f[colSME], f[colVCSE], f[colLocal] = rec.SupplierSME.String(), rec.SupplierVCSE.String(), rec.Local.String()
	f[colQuantity] = "0"
	if !rec.Date.IsZero() {
		f[colDate] = rec.Date.Format(dateLayout)
	}
	pos := func(column) (int, int) { return rec.Pos.Line, rec.Pos.Column }
	r := row{line: rec.Pos.Line}
	if rec.Quantity.IsNegative() {
		line, col := pos(colQuantity)
		v.add(line, col, colQuantity, ErrQuantity, "is %s; a quantity cannot be negative", rec.Quantity)
	}
	if !v.check(&f, pos, &r) || len(v.errs) > 0 {
		return v.errs.Err()
	}
	r.q = quantityOf(rec.Quantity)
	d, err := a.add(&r, file, pos, kind == Commitments, true)
	if err != nil {
		return err
	}
	if d != nil {
		return d
	}
	return nil
}

// measureOf is the measure of a counted record.
func (a *Aggregator) measureOf(r ref, commit bool) *mstate {
	my := a.cells[r.cell].key.my
	if commit {
		my = a.commits[r.cell].key.my
	}
	return a.cat.measures[my>>16]
}

func (a *Aggregator) dedupOf(commit bool) *dedup {
	if commit {
		return a.cdd
	}
	return a.dd
}

// add counts one valid row, unless it is out of year, has no proxy value
// or is a duplicate found at once. exact asks for the duplicate check at
// once (Add); otherwise it may be deferred to the end of the Read.
func (a *Aggregator) add(r *row, file int, pos posFunc, commit, exact bool) (*diag.Diagnostic, error) {
	if !a.inYear(r.fy) {
		if commit {
			a.commitOutOfYear++
		} else {
			a.outOfYear++
		}
		return nil, nil
	}
	var pe *proxyEntry
	if !commit && r.m.m.Financial {
		pe = r.m.proxy(r.fy, a.opts.YearPolicy)
		if pe.err != nil {
			line, col := pos(colDate)
			return &diag.Diagnostic{File: a.files[file], Line: line, Column: col, Field: colDate.String(),
				Message: fmt.Sprintf("the delivery falls in %s: %v", tom.YearStarting(r.fy), pe.err), Kind: pe.err}, nil
		}
	}
	dd := a.dedupOf(commit)
	var k fpset.FP
	deferred := false
	if dd != nil {
		k = dd.fingerprint(r)
		deferred = !exact && (a.deferAll || dd.deferring())
		if !deferred {
			first, dup, err := dd.check(k, exact)
			if err != nil {
				return nil, err
			}
			if dup {
				line, col := pos(colMeasure)
				return dupDiagnostic(a.files, first, a.measureOf(first, commit), file, line, col, r.m), nil
			}
		}
	}
	var cell int
	if commit {
		cell = a.addCommitment(r)
	} else {
		cell = a.addOutcome(r, pe)
	}
	if dd != nil {
		line, col := pos(colMeasure)
		if err := dd.add(k, newRef(r, file, line, col, cell), r.q, deferred); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (a *Aggregator) fileIndex(name string) int {
	for i, f := range a.files {
		if f == name {
			return i
		}
	}
	a.files = append(a.files, name)
	return len(a.files) - 1
}

func (a *Aggregator) inYear(fy int) bool {
	return a.opts.Year.IsZero() || a.opts.Year.Start() == fy
}

// addOutcome values and counts one outcome row in its cell, valued with
// pe (nil for a non-financial measure), and returns the cell's index: the
// inner loop.
func (a *Aggregator) addOutcome(r *row, pe *proxyEntry) int {
	p := a.pairOf(r.contract, r.supplier)
	key := cellKey{cs: p.cs, my: myKey(r.m.idx, r.fy)}
	i := int32(-1)
	for _, pc := range p.cells {
		if pc.my == key.my {
			i = pc.cell
			break
		}
	}
	if i < 0 {
		a.cell(key)
		i = a.lastCell
		p.cells = append(p.cells, pairCell{my: key.my, cell: i})
	}
	a.lastKey, a.lastCell = key, i
	c := &a.cells[i]
	c.records++
	a.records++
	if r.q.fixed {
		c.qty.add128(0, r.q.u, qtyScale)
	} else {
		c.qty.addDecimal(r.q.d)
	}
	if pe != nil {
		if r.q.fixed && pe.fixed {
			hi, lo := bits.Mul64(r.q.u, pe.u)
			c.val.add128(hi, lo, valScale)
		} else {
			c.val.addDecimal(r.q.Decimal().Mul(pe.p.Value))
		}
	}
	if r.m.spend {
		for i, fl := range [3]Answer{r.sme, r.vcse, r.local} {
			switch fl {
			case AnswerYes:
				if r.q.fixed {
					c.flagged[i].add128(0, r.q.u, qtyScale)
				} else {
					c.flagged[i].addDecimal(r.q.d)
				}
			case AnswerUnknown:
				c.unknown[i]++
			}
		}
	}
	if dk := r.dateKey(); dk > a.latest {
		a.latest = dk
	}
	return int(a.lastCell)
}

// undo takes a counted record out of the totals again, exactly: a
// duplicate found at the end of a Read. Its cell may be left with no
// records; Result and Merge skip such cells.
func (a *Aggregator) undo(u ref, commit bool) error {
	dd := a.dedupOf(commit)
	q, err := dd.quantity(u)
	if err != nil {
		return err
	}
	if commit {
		c := &a.commits[u.cell]
		c.records--
		a.commitRecords--
		c.qty.sub(q, qtyScale)
		return nil
	}
	c := &a.cells[u.cell]
	c.records--
	a.records--
	c.qty.sub(q, qtyScale)
	m := a.cat.measures[keyMeasure(c.key.my)]
	if m.m.Financial {
		pe := m.proxy(keyYear(c.key.my), a.opts.YearPolicy)
		if q.fixed && pe.fixed {
			hi, lo := bits.Mul64(q.u, pe.u)
			c.val.sub128(hi, lo, valScale)
		} else {
			c.val.subDecimal(q.Decimal().Mul(pe.p.Value))
		}
	}
	if m.spend {
		for i := range c.flagged {
			switch u.flag(i) {
			case AnswerYes:
				c.flagged[i].sub(q, qtyScale)
			case AnswerUnknown:
				c.unknown[i]--
			}
		}
	}
	return nil
}

func (a *Aggregator) cell(key cellKey) *cell {
	if a.lastCell >= 0 && key == a.lastKey {
		return &a.cells[a.lastCell]
	}
	i, ok := a.cellIdx[key]
	if !ok {
		i = int32(len(a.cells))
		a.cells = append(a.cells, cell{key: key})
		a.cellIdx[key] = i
	}
	a.lastKey, a.lastCell = key, i
	return &a.cells[i]
}

// addCommitment counts one commitment row and returns its cell's index.
func (a *Aggregator) addCommitment(r *row) int {
	key := commitKey{contract: a.contracts.id(r.contract), my: myKey(r.m.idx, r.fy)}
	i := a.commit(key, a.suppliers.id(r.supplier))
	c := &a.commits[i]
	c.records++
	a.commitRecords++
	if r.q.fixed {
		c.qty.add128(0, r.q.u, qtyScale)
	} else {
		c.qty.addDecimal(r.q.d)
	}
	return int(i)
}

func (a *Aggregator) commit(key commitKey, supplier uint32) int32 {
	i, ok := a.commitIdx[key]
	if !ok {
		i = int32(len(a.commits))
		a.commits = append(a.commits, commitCell{key: key, supplier: supplier})
		a.commitIdx[key] = i
	}
	return i
}

// ErrMerge is returned by Merge for aggregators that cannot be combined.
var ErrMerge = errors.New("cannot merge aggregators")

// Merge adds everything b counted into a, exactly: the result is the same
// as if a had read b's inputs itself (a test checks it for every split).
// Both must use the same framework and options (Year, Policy and
// NoDuplicateCheck; memory and temporary files may differ). Duplicate detection spans
// the merge too, but a record that both a and b counted cannot be
// un-counted: Result.CrossShardDuplicates says how many there were. Split
// inputs by contract, so that duplicates fall in the same shard, to have
// them rejected with their lines instead. b must not be used afterwards.
func (a *Aggregator) Merge(b *Aggregator) error {
	if a.cat.fw != b.cat.fw {
		return fmt.Errorf("%w: they use different frameworks", ErrMerge)
	}
	if !a.opts.sameTotals(b.opts) {
		return fmt.Errorf("%w: their options differ (%+v and %+v)", ErrMerge, a.opts, b.opts)
	}
	fileMap, cellMap, commitMap := a.mergeTotals(b, -1)
	if a.dd != nil {
		n, err := a.dd.merge(b.dd, fileMap, cellMap)
		if err != nil {
			return err
		}
		m, err := a.cdd.merge(b.cdd, fileMap, commitMap)
		if err != nil {
			return err
		}
		a.crossShard += n + m
	}
	return nil
}

// mergeTotals adds b's totals, counts, files and rejected rows into a,
// and returns where b's files, cells and commitments went in a, for the
// refs of duplicate detection (an emptied cell holds no record a ref
// needs, and maps to 0).
func (a *Aggregator) mergeTotals(b *Aggregator, file int) (fileMap []int, cellMap, commitMap []uint32) {
	fileMap = make([]int, len(b.files))
	for i, f := range b.files {
		if file >= 0 {
			fileMap[i] = file // a chunk of a's file number file
			continue
		}
		fileMap[i] = len(a.files)
		a.files = append(a.files, f)
	}
	cmap := make([]uint32, len(b.contracts.names))
	for i, n := range b.contracts.names {
		cmap[i] = a.contracts.id(n)
	}
	smap := make([]uint32, len(b.suppliers.names))
	for i, n := range b.suppliers.names {
		smap[i] = a.suppliers.id(n)
	}
	cellMap = make([]uint32, len(b.cells))
	commitMap = make([]uint32, len(b.commits))
	bkey := func(bc *cell) cellKey {
		return cellKey{cs: uint64(cmap[bc.key.cs>>32])<<32 | uint64(smap[uint32(bc.key.cs)]), my: bc.key.my}
	}
	// a's cells grow once, by the cells new to it: appending them one by
	// one grows a large slice a quarter at a time, each time beside the
	// one before (at 4M rows in two chunks, 3 MB more peak memory)
	fresh := 0
	for i := range b.cells {
		if bc := &b.cells[i]; bc.records > 0 {
			if _, ok := a.cellIdx[bkey(bc)]; !ok {
				fresh++
			}
		}
	}
	a.cells = slices.Grow(a.cells, fresh)
	for i := range b.cells {
		bc := &b.cells[i]
		if bc.records == 0 {
			continue // emptied by undo
		}
		c := a.cell(bkey(bc))
		cellMap[i] = uint32(a.lastCell)
		c.records += bc.records
		c.qty.merge(&bc.qty, qtyScale)
		c.val.merge(&bc.val, valScale)
		for j := range c.flagged {
			c.flagged[j].merge(&bc.flagged[j], qtyScale)
			c.unknown[j] += bc.unknown[j]
		}
	}
	for i := range b.commits {
		bc := &b.commits[i]
		if bc.records == 0 {
			continue
		}
		j := a.commit(commitKey{contract: cmap[bc.key.contract], my: bc.key.my}, smap[bc.supplier])
		commitMap[i] = uint32(j)
		c := &a.commits[j]
		c.records += bc.records
		c.qty.merge(&bc.qty, qtyScale)
	}
	a.crossShard += b.crossShard
	a.records += b.records
	a.commitRecords += b.commitRecords
	a.outOfYear += b.outOfYear
	a.commitOutOfYear += b.commitOutOfYear
	a.latest = max(a.latest, b.latest)
	a.rejected = append(a.rejected, b.rejected...)
	a.rejectedRows += b.rejectedRows
	a.rejectedNotKept += b.rejectedNotKept
	return fileMap, cellMap, commitMap
}

// Close releases the temporary files of duplicate detection, if any were
// needed; they are released when the Aggregator is garbage collected
// otherwise. Result still works after Close; Read, Add and Merge fail.
func (a *Aggregator) Close() error {
	if a.dd == nil {
		return nil
	}
	return errors.Join(a.dd.close(), a.cdd.close())
}
