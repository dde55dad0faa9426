package measure

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// Result is what an Aggregator counted, as exact decimals: the finest
// grain (Cells), the commitments compared with deliveries, the proxy
// values used, and what was left out and why. Every grouping is derived
// from Cells by Totals and GroupBy.
type Result struct {
	Framework  *tom.Framework // the catalogue the records were valued with
	Year       tom.Year       // the year totals are restricted to; zero for all years
	YearPolicy tom.YearPolicy // how years without a proxy value were treated
	// Cells are the totals per contract, supplier, measure and financial
	// year, ordered by contract, supplier, catalogue order and year.
	Cells []Cell
	// Commitments are per contract, measure and year, with what was
	// delivered against each, ordered by contract, catalogue order, year.
	Commitments []Commitment
	// Proxies are the proxy values used, by measure (catalogue order) and year.
	Proxies []ProxyUse
	// Records and CommitmentRecords count the rows totalled.
	Records, CommitmentRecords int64
	// OutOfYear and CommitmentsOutOfYear count valid rows left out because
	// they fall outside Year.
	OutOfYear, CommitmentsOutOfYear int64
	// Rejected lists the problems of the rows rejected by lenient reads,
	// one entry per problem: each read keeps the first
	// ReadOptions.KeepRejected in file order, and counts the rest in
	// RejectedNotKept.
	Rejected diag.List
	// RejectedRows counts the rows that lenient reads rejected, kept in
	// full or not: a row with several problems once, and a record that
	// could not be read once for each physical line it took (a stray quote
	// that swallowed 99 lines is 99 rows), so that it is the number of rows
	// lost.
	RejectedRows int64
	// RejectedNotKept counts the problems found and counted but not kept
	// in Rejected (see ReadOptions.KeepRejected).
	RejectedNotKept int64
	// CrossShardDuplicates counts records that two merged aggregators had
	// both counted (see Aggregator.Merge).
	CrossShardDuplicates int
	// Latest is the date of the latest delivery counted; zero if none.
	Latest time.Time
	// Files are the inputs read, in order.
	Files []string
}

// Cell is the total of one measure for one contract, supplier and year.
type Cell struct {
	Contract, Supplier string          // as the records give them
	Measure            string          // a measure id of the framework
	Year               tom.Year        // the financial year of the records' dates
	Quantity           decimal.Decimal // in the measure's unit
	SocialValue        decimal.Decimal // £; zero for non-financial measures
	Records            int64           // the delivery records totalled
	// Spend is set for spend measures (unit gbp, no proxy value).
	Spend *SpendFlags
}

// SpendFlags split the spend of a cell by the yes/no columns of its records.
type SpendFlags struct {
	// SME, VCSE and Local are the spend on records flagged yes.
	SME, VCSE, Local decimal.Decimal
	// UnknownSME, UnknownVCSE and UnknownLocal count records that left the flag empty.
	UnknownSME, UnknownVCSE, UnknownLocal int64
}

// Commitment is what a contract committed to deliver of one measure in one
// financial year, beside what was delivered.
type Commitment struct {
	Contract  string          // the contract reference
	Supplier  string          // the supplier named on the (first) commitment row
	Measure   string          // a measure id of the framework
	Unit      tom.Unit        // the measure's unit, that Committed and Delivered are in
	Year      tom.Year        // the financial year of the commitment rows' dates
	Committed decimal.Decimal // the sum of the commitment rows
	Delivered decimal.Decimal // by any supplier on the contract, in the same year
	Records   int64           // the commitment rows summed
}

// ProxyUse is one proxy value used to value deliveries: the measure and the
// delivery year, and the value applied (from an earlier year when
// CarriedForward).
type ProxyUse struct {
	Measure        string          // a measure id of the framework
	Year           tom.Year        // the financial year of the deliveries
	Proxy          tom.Proxy       // the value applied, with its year, source and basis
	CarriedForward bool            // Year has no value, so Proxy is the latest earlier one
	Records        int64           // deliveries valued with it
	Quantity       decimal.Decimal // the quantity it valued, in the measure's unit
	SocialValue    decimal.Decimal // Quantity × Proxy.Value, £, exact
}

// Result returns the exact totals. It can be called at any time, and again
// after more input; it does not change the Aggregator.
func (a *Aggregator) Result() *Result {
	res := &Result{
		Framework: a.cat.fw, Year: a.opts.Year, YearPolicy: a.opts.YearPolicy,
		Records: a.records, CommitmentRecords: a.commitRecords,
		OutOfYear: a.outOfYear, CommitmentsOutOfYear: a.commitOutOfYear,
		Rejected: append(diag.List(nil), a.rejected...), CrossShardDuplicates: a.crossShard,
		RejectedRows: a.rejectedRows, RejectedNotKept: a.rejectedNotKept,
		Files: append([]string(nil), a.files...),
	}
	if a.latest > 0 {
		res.Latest = time.Date(a.latest/10000, time.Month(a.latest/100%100), a.latest%100, 0, 0, 0, 0, time.UTC)
	}
	var delivered map[commitKey]decimal.Decimal
	res.Cells, res.Proxies, delivered = a.resultCells()
	res.Commitments = a.resultCommitments(delivered)
	return res
}

// cellOrder is the indexes of the cells not emptied by taking out
// duplicates, by contract, supplier, measure and year.
func (a *Aggregator) cellOrder() []int {
	order := make([]int, 0, len(a.cells))
	for i := range a.cells {
		if a.cells[i].records > 0 {
			order = append(order, i)
		}
	}
	// names compared once each, as ranks, not once a comparison
	crank, srank := a.contracts.ranks(), a.suppliers.ranks()
	slices.SortFunc(order, func(i, j int) int {
		x, y := a.cells[i].key, a.cells[j].key
		if c := cmp.Compare(crank[x.cs>>32], crank[y.cs>>32]); c != 0 {
			return c
		}
		if c := cmp.Compare(srank[uint32(x.cs)], srank[uint32(y.cs)]); c != 0 {
			return c
		}
		return cmp.Compare(x.my, y.my)
	})
	return order
}

// ranks numbers the interned strings in sorted order, by id.
func (in *interner) ranks() []int32 {
	ids := make([]int32, len(in.names))
	for i := range ids {
		ids[i] = int32(i)
	}
	slices.SortFunc(ids, func(x, y int32) int { return strings.Compare(in.names[x], in.names[y]) })
	rank := make([]int32, len(ids))
	for r, id := range ids {
		rank[id] = int32(r)
	}
	return rank
}

// resultCells makes the cells of the result, in cellOrder, and, in the
// same pass, the proxy values they were valued with (by measure, in the
// framework's order, and year) and, when there are commitments, the
// quantity delivered per contract, measure and year, which they are
// judged against. The sums are nums, which give what adding the cells'
// decimals gives, exponent included.
func (a *Aggregator) resultCells() (cells []Cell, proxies []ProxyUse, delivered map[commitKey]decimal.Decimal) {
	type pkey struct{ m, fy int }
	type use struct {
		ProxyUse
		qty, val num
	}
	uses := map[pkey]*use{}
	var sums map[commitKey]*num
	if len(a.commits) > 0 {
		sums = map[commitKey]*num{}
	}
	cname, sname := a.contracts.names, a.suppliers.names
	order := a.cellOrder()
	cells = make([]Cell, 0, len(order))
	for _, i := range order {
		c := &a.cells[i]
		m := a.cat.measures[keyMeasure(c.key.my)]
		fy := keyYear(c.key.my)
		out := Cell{
			Contract: cname[c.key.cs>>32], Supplier: sname[uint32(c.key.cs)],
			Measure: m.m.ID, Year: tom.YearStarting(fy),
			Quantity: c.qty.value(qtyScale), SocialValue: c.val.value(valScale), Records: c.records,
		}
		if m.spend {
			out.Spend = &SpendFlags{
				SME: c.flagged[0].value(qtyScale), VCSE: c.flagged[1].value(qtyScale), Local: c.flagged[2].value(qtyScale),
				UnknownSME: c.unknown[0], UnknownVCSE: c.unknown[1], UnknownLocal: c.unknown[2],
			}
		}
		cells = append(cells, out)
		if sums != nil {
			ck := commitKey{contract: uint32(c.key.cs >> 32), my: c.key.my}
			d := sums[ck]
			if d == nil {
				d = new(num)
				sums[ck] = d
			}
			d.add(numOf(out.Quantity))
		}
		if m.m.Financial {
			k := pkey{m.idx, fy}
			u := uses[k]
			if u == nil {
				e := m.proxy(fy, a.opts.YearPolicy)
				u = &use{ProxyUse: ProxyUse{Measure: m.m.ID, Year: tom.YearStarting(fy), Proxy: e.p, CarriedForward: e.carried}}
				uses[k] = u
			}
			u.Records += out.Records
			u.qty.add(numOf(out.Quantity))
			u.val.add(numOf(out.SocialValue))
		}
	}
	for _, u := range uses {
		u.Quantity, u.SocialValue = u.qty.value(), u.val.value()
		proxies = append(proxies, u.ProxyUse)
	}
	sort.Slice(proxies, func(i, j int) bool {
		x, y := proxies[i], proxies[j]
		if mx, my := a.cat.byID[x.Measure].idx, a.cat.byID[y.Measure].idx; mx != my {
			return mx < my
		}
		return x.Year.Before(y.Year)
	})
	if sums != nil {
		delivered = make(map[commitKey]decimal.Decimal, len(sums))
		for k, d := range sums {
			delivered[k] = d.value()
		}
	}
	return cells, proxies, delivered
}

// resultCommitments makes the commitments of the result, each with the
// quantity delivered against it, by contract, measure (in the framework's
// order) and year.
func (a *Aggregator) resultCommitments(delivered map[commitKey]decimal.Decimal) []Commitment {
	var out []Commitment
	for _, c := range a.commits {
		if c.records == 0 {
			continue
		}
		m := a.cat.measures[keyMeasure(c.key.my)]
		out = append(out, Commitment{
			Contract: a.contracts.names[c.key.contract], Supplier: a.suppliers.names[c.supplier], Measure: m.m.ID, Unit: m.m.Unit,
			Year: tom.YearStarting(keyYear(c.key.my)), Committed: c.qty.value(qtyScale),
			Delivered: delivered[c.key], Records: c.records,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Contract != y.Contract {
			return x.Contract < y.Contract
		}
		if mx, my := a.cat.byID[x.Measure].idx, a.cat.byID[y.Measure].idx; mx != my {
			return mx < my
		}
		return x.Year.Before(y.Year)
	})
	return out
}

// UnitQuantity is a total quantity in one unit.
type UnitQuantity struct {
	Unit     tom.Unit        // the unit
	Quantity decimal.Decimal // the exact total in Unit
}

// MeasureTotal is the total of one measure within a group.
type MeasureTotal struct {
	ID          string          // the measure's id
	Name        string          // the measure's title
	Unit        tom.Unit        // the unit Quantity is in
	Financial   bool            // the measure has £ proxy values; false means SocialValue is zero
	Quantity    decimal.Decimal // the exact total delivered in the group
	SocialValue decimal.Decimal // £, exact
	// Priority is the measure's local weight (tom.Measure.Priority) and
	// Weighted is SocialValue × Priority, exactly.
	Priority decimal.Decimal
	Weighted decimal.Decimal // SocialValue × Priority
	Records  int64           // the delivery records totalled
	// Codes are the measure's codes in external frameworks (tom.Measure.Codes).
	Codes []tom.Code
}

// Totals are £ social value and quantities per unit, side by side: the £
// figure covers financial measures only, the quantities every measure.
type Totals struct {
	SocialValue decimal.Decimal // £, exact, financial measures only
	// Weighted is the social value weighted by each measure's priority
	// (Σ £ × priority): the figure where outcomes are weighted to local
	// priorities. It equals SocialValue when every priority is 1.
	Weighted decimal.Decimal
	ByUnit   []UnitQuantity // in the framework's unit order
	Records  int64          // the delivery records totalled
}

// Group is the total of one theme, outcome, measure, contract, supplier or
// year, with its measures.
type Group struct {
	Key  string // the id (theme, outcome, measure), the contract or supplier, or the year "2024/25"
	Name string // the theme, outcome or measure name; Key otherwise
	Totals
	Measures []MeasureTotal // catalogue order
}

// Dimension is what GroupBy groups cells by.
type Dimension int

// The dimensions of GroupBy.
const (
	ByTheme Dimension = iota
	ByOutcome
	ByMeasure
	ByContract
	BySupplier
	ByYear
)

// Totals returns the grand totals.
func (r *Result) Totals() Totals { return newGrouper(r).totals() }

// GroupBy returns the totals per theme, outcome or measure (in catalogue
// order, only those with records), per contract or supplier (by name), or
// per year (in order).
func (r *Result) GroupBy(d Dimension) []Group { return newGrouper(r).groupBy(d) }

// catalogueRank numbers themes, outcomes and measures in catalogue order.
func (r *Result) catalogueRank() map[string]int {
	rank := map[string]int{}
	for _, t := range r.Framework.Themes() {
		rank[t.ID] = len(rank)
		for _, o := range t.Outcomes {
			rank[o.ID] = len(rank)
			for _, m := range o.Measures {
				rank[m.ID] = len(rank)
			}
		}
	}
	return rank
}

// grouper totals the cells of a result by any Dimension (NewReview makes
// five groupings of one): the measure of each cell is looked up once, and
// its quantity and social value are nums, which add without allocating.
type grouper struct {
	r        *Result
	measures []groupMeasure // the distinct measure ids of the cells
	of       []int32        // by cell: its measure, in measures
	qty, sv  []num          // by cell
	rank     map[string]int // catalogueRank
	units    []tom.UnitInfo // the framework's
	years    map[tom.Year]string
}

// groupMeasure is a measure of the cells, as the framework has it (zero
// for an id it does not know), with what grouping needs of it.
type groupMeasure struct {
	m                      tom.Measure
	priority               num
	unit                   int // in grouper.units; -1 for a unit the framework does not list
	themeID, themeName     string
	outcomeID, outcomeName string
}

func newGrouper(r *Result) *grouper {
	fw := r.Framework
	g := &grouper{r: r, of: make([]int32, len(r.Cells)), qty: make([]num, len(r.Cells)), sv: make([]num, len(r.Cells)),
		rank: r.catalogueRank(), units: fw.Units(), years: map[tom.Year]string{}}
	byID := map[string]int32{}
	last, lastID := int32(-1), ""
	for i := range r.Cells {
		c := &r.Cells[i]
		if last < 0 || c.Measure != lastID {
			k, ok := byID[c.Measure]
			if !ok {
				k = int32(len(g.measures))
				byID[c.Measure] = k
				g.measures = append(g.measures, g.measure(c.Measure))
			}
			last, lastID = k, c.Measure
		}
		g.of[i] = last
		g.qty[i], g.sv[i] = numOf(c.Quantity), numOf(c.SocialValue)
	}
	return g
}

func (g *grouper) measure(id string) groupMeasure {
	fw := g.r.Framework
	m, _ := fw.Measure(id)
	gm := groupMeasure{m: m, priority: numOf(priority(m)), unit: -1}
	for i, u := range g.units {
		if u.ID == m.Unit {
			gm.unit = i
			break
		}
	}
	if t, ok := fw.Theme(m.Theme); ok {
		gm.themeID, gm.themeName = t.ID, t.Name
	}
	if o, ok := fw.Outcome(m.Outcome); ok {
		gm.outcomeID, gm.outcomeName = o.ID, o.Name
	}
	return gm
}

func (g *grouper) totals() Totals {
	gs := g.group(func(*Cell, *groupMeasure) (string, string) { return "", "" })
	if len(gs) == 0 {
		return Totals{}
	}
	return gs[0].Totals
}

func (g *grouper) groupBy(d Dimension) []Group {
	var key func(*Cell, *groupMeasure) (string, string)
	switch d {
	case ByTheme:
		key = func(_ *Cell, m *groupMeasure) (string, string) { return m.themeID, m.themeName }
	case ByOutcome:
		key = func(_ *Cell, m *groupMeasure) (string, string) { return m.outcomeID, m.outcomeName }
	case ByMeasure:
		key = func(_ *Cell, m *groupMeasure) (string, string) { return m.m.ID, m.m.Name }
	case ByContract:
		key = func(c *Cell, _ *groupMeasure) (string, string) { return c.Contract, c.Contract }
	case BySupplier:
		key = func(c *Cell, _ *groupMeasure) (string, string) { return c.Supplier, c.Supplier }
	default:
		key = func(c *Cell, _ *groupMeasure) (string, string) {
			y, ok := g.years[c.Year]
			if !ok {
				y = c.Year.String()
				g.years[c.Year] = y
			}
			return y, y
		}
	}
	groups := g.group(key)
	switch d {
	case ByTheme, ByOutcome, ByMeasure:
		sortGroups(groups, func(x, y *Group) int { return cmp.Compare(g.rank[x.Key], g.rank[y.Key]) })
	default:
		sortGroups(groups, func(x, y *Group) int { return strings.Compare(x.Key, y.Key) })
	}
	return groups
}

// sortGroups sorts gs stably by cmp, moving each group once (a Group is
// large to swap).
func sortGroups(gs []Group, cmp func(x, y *Group) int) {
	order := make([]int32, len(gs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int { return cmp(&gs[i], &gs[j]) })
	sorted := make([]Group, len(gs))
	for k, i := range order {
		sorted[k] = gs[i]
	}
	copy(gs, sorted)
}

// group totals the cells by key, in the order each key first appears.
func (g *grouper) group(key func(*Cell, *groupMeasure) (id, name string)) []Group {
	type measureAcc struct {
		m                 int32 // in g.measures
		qty, sv, weighted num
		records           int64
	}
	type groupAcc struct {
		id, name     string
		sv, weighted num
		records      int64
		units        []num
		hasUnit      []bool
		measures     []int32 // in accs, as each first appears
	}
	var groups []groupAcc
	var accs []measureAcc
	byKey := map[string]int32{}
	byMeasure := map[uint64]int32{} // group<<32 | measure: in accs
	last, lastID := int32(-1), ""
	for i := range g.r.Cells {
		c := &g.r.Cells[i]
		mi := g.of[i]
		gm := &g.measures[mi]
		id, name := key(c, gm)
		if last < 0 || id != lastID {
			k, ok := byKey[id]
			if !ok {
				k = int32(len(groups))
				byKey[id] = k
				groups = append(groups, groupAcc{id: id, name: name, units: make([]num, len(g.units)), hasUnit: make([]bool, len(g.units))})
			}
			last, lastID = k, id
		}
		ga := &groups[last]
		ak := uint64(last)<<32 | uint64(mi)
		ai, ok := byMeasure[ak]
		if !ok {
			ai = int32(len(accs))
			byMeasure[ak] = ai
			accs = append(accs, measureAcc{m: mi})
			ga.measures = append(ga.measures, ai)
		}
		ma := &accs[ai]
		w := mulNum(g.sv[i], gm.priority)
		ma.qty.add(g.qty[i])
		ma.sv.add(g.sv[i])
		ma.weighted.add(w)
		ma.records += c.Records
		ga.sv.add(g.sv[i])
		ga.weighted.add(w)
		ga.records += c.Records
		if gm.unit >= 0 {
			ga.units[gm.unit].add(g.qty[i])
			ga.hasUnit[gm.unit] = true
		}
	}
	out := make([]Group, 0, len(groups))
	for i := range groups {
		ga := &groups[i]
		gr := Group{Key: ga.id, Name: ga.name,
			Totals: Totals{SocialValue: ga.sv.value(), Weighted: ga.weighted.value(), Records: ga.records}}
		gr.Measures = make([]MeasureTotal, 0, len(ga.measures))
		for _, ai := range ga.measures {
			ma := &accs[ai]
			m := g.measures[ma.m].m
			gr.Measures = append(gr.Measures, MeasureTotal{ID: m.ID, Name: m.Name, Unit: m.Unit, Financial: m.Financial,
				Quantity: ma.qty.value(), SocialValue: ma.sv.value(), Priority: priority(m), Weighted: ma.weighted.value(),
				Records: ma.records, Codes: m.Codes()})
		}
		sort.Slice(gr.Measures, func(i, j int) bool { return g.rank[gr.Measures[i].ID] < g.rank[gr.Measures[j].ID] })
		for u, ok := range ga.hasUnit {
			if ok {
				gr.ByUnit = append(gr.ByUnit, UnitQuantity{Unit: g.units[u].ID, Quantity: ga.units[u].value()})
			}
		}
		out = append(out, gr)
	}
	return out
}

// SpendShares is spend with SMEs, VCSEs and local suppliers as shares of
// the spend reported. Spend reported is the quantity of every record of a
// spend measure (unit gbp, no proxy value), so the catalogue's spend
// measures must be disjoint, each pound reported under one of them (the
// default catalogue puts them in one exclusive group; see the package
// documentation); a record's supplier_sme, supplier_vcse and local columns
// say whether that spend went to an SME, a VCSE or a local supplier.
type SpendShares struct {
	Total            decimal.Decimal // all spend reported, £
	SME, VCSE, Local decimal.Decimal // spend flagged yes, £
	// UnknownSME, UnknownVCSE and UnknownLocal count spend records whose
	// flag was empty; their spend is in Total but not in the share.
	UnknownSME, UnknownVCSE, UnknownLocal int64
}

// Share returns part as a percentage of Total, rounded half away from zero
// to places decimal places; ok is false when no spend was reported.
func (s SpendShares) Share(part decimal.Decimal, places int32) (pct decimal.Decimal, ok bool) {
	if s.Total.IsZero() {
		return decimal.Decimal{}, false
	}
	return part.Mul(decimal.NewFromInt(100)).DivRound(s.Total, places), true
}

// SpendShare is one share of spend: the spend flagged yes and its
// percentage of the spend reported, rounded half-up to PercentPlaces (OK false
// when no spend was reported).
type SpendShare struct {
	Spend   decimal.Decimal // £ on records flagged yes, exact
	Percent decimal.Decimal // Spend as a percentage of the spend reported, rounded
	OK      bool            // some spend was reported, so Percent means something
	Unknown int64           // spend records that left the flag empty
}

func (s SpendShares) share(part decimal.Decimal, unknown int64) SpendShare {
	p, ok := s.Share(part, PercentPlaces)
	return SpendShare{Spend: part, Percent: p, OK: ok, Unknown: unknown}
}

// SMEShare is the spend with SMEs and its share.
func (s SpendShares) SMEShare() SpendShare { return s.share(s.SME, s.UnknownSME) }

// VCSEShare is the spend with VCSEs and its share.
func (s SpendShares) VCSEShare() SpendShare { return s.share(s.VCSE, s.UnknownVCSE) }

// LocalShare is the spend with local suppliers and its share.
func (s SpendShares) LocalShare() SpendShare { return s.share(s.Local, s.UnknownLocal) }

// SpendShares totals the spend flags over every spend cell.
func (r *Result) SpendShares() SpendShares {
	var s SpendShares
	for _, c := range r.Cells {
		if c.Spend == nil {
			continue
		}
		s.Total = s.Total.Add(c.Quantity)
		s.SME = s.SME.Add(c.Spend.SME)
		s.VCSE = s.VCSE.Add(c.Spend.VCSE)
		s.Local = s.Local.Add(c.Spend.Local)
		s.UnknownSME += c.Spend.UnknownSME
		s.UnknownVCSE += c.Spend.UnknownVCSE
		s.UnknownLocal += c.Spend.UnknownLocal
	}
	return s
}

// priority is a measure's local weight (the catalogue's default is 1).
func priority(m tom.Measure) decimal.Decimal { return m.Priority }

// Prioritised reports whether any measure of the framework has a priority
// other than 1, so that weighted social value differs from the plain £ and
// the review shows it.
func Prioritised(fw *tom.Framework) bool {
	one := decimal.NewFromInt(1)
	for _, m := range fw.Measures() {
		if !priority(m).Equal(one) {
			return true
		}
	}
	return false
}
