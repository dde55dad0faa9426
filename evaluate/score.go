package evaluate

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"

	"github.com/socialvalue-toms/toms/tom"
)

// How scores are computed
//
// Every component is an exact fraction of decimal inputs, such as
// W × Pmin / P. The scorer never rounds it: for each component it computes
// floor(score × 10¹³) and whether a remainder was left, in 64-bit integers
// with a 128-bit intermediate when the inputs fit (the common case), and with
// math/big rationals otherwise. From those floors follow exactly:
//   - each component's Points (truncated at 12 places, see roundFx);
//   - an ordering of totals: a sum of m inexact floors f brackets the exact
//     sum in (f, f+m) × 10⁻¹³, and only when two brackets overlap are the
//     exact sums computed, as rationals, to compare them.
// So there is one division per component per bid, ranking costs a compare of
// two integers almost always, and ties are decided on exact values.
//
// Where the time goes, for 100,000 bids: each decimal is a pointer to a
// big.Int, so reading one is a cache miss. Validation reads every number
// once, into a num (gathered), and the scorer works on those; values are
// multiplied as 64-bit coefficients; the ranking sorts packed integers
// (sortKeys); and everything a BidResult needs is computed in input order,
// into one bidState per bid and one CriterionScore slab, so that building
// the results in rank order touches two places per bid. Nothing is
// allocated per bid but the £ values of commitments (a Decimal each, unless
// the proxy is £1) and the messages of excluded, flagged or tied bids; the
// scratch buffers (gathered numbers, bid states, sort keys) come from a
// pooled workspace, so a large evaluation allocates little more than its
// Result.

// num is a non-negative decimal as c × 10^e with a 64-bit coefficient, read
// once from the decimal so that the scorer need not touch it again; ok is
// false for a negative decimal or one with more than 18 digits, which the
// scorer then handles with math/big.
type num struct {
	c  uint64
	e  int32
	ok bool
}

func numOf(d decimal.Decimal) num {
	if d.Sign() < 0 || d.NumDigits() > 18 {
		return num{}
	}
	return num{uint64(d.CoefficientInt64()), d.Exponent(), true}
}

// at returns x × 10^-e, x at exponent e, when that is an integer that fits.
func (x num) at(e int32) (uint64, bool) {
	switch {
	case !x.ok:
		return 0, false
	case x.c == 0:
		return 0, true
	}
	shift := x.e - e
	if shift < 0 || shift >= int32(len(pow10)) {
		return 0, false
	}
	return mul(x.c, pow10[shift])
}

// cmpNum compares two nums; ok is false when they cannot be compared as
// 64-bit integers.
func cmpNum(a, b num) (int, bool) {
	e := min(a.e, b.e)
	x, ok1 := a.at(e)
	y, ok2 := b.at(e)
	if !ok1 || !ok2 {
		return 0, false
	}
	return cmpU(x, y), true
}

// cmpBoth compares a and b, given also as nums an and bn.
func cmpBoth(an num, a decimal.Decimal, bn num, b decimal.Decimal) int {
	if c, ok := cmpNum(an, bn); ok {
		return c
	}
	return cmpDec(a, b)
}

// gathered is what validation reads from the bids for the scorer, in input
// order (see checkBids): every number once, as a num, the quality scores
// already in the CriterionScore values that the result will hold, and each
// commitment's measure as an index of the tender's measure table. It is
// complete only when validation found no problem.
type gathered struct {
	k     int
	crit  []CriterionScore // n × k: ID, Score and Passed, then Points
	q     []num            // n × k quality scores
	price []num            // per bid
	qual  []num            // per bid, the qualitative score; zero when none
	// failed is, per bid, whether a quality score is below its pass mark
	failed []bool
	// measures is the tender's measure table: the ids the commitments name,
	// in the order first named; lineK is, per commitment (bid after bid),
	// its measure's index there, and lineQ its quantity.
	measures []string
	lineK    []int32
	lineQ    []num
	// ws holds the scratch buffers of this evaluation (q, price, qual and
	// the scorer's); nil means fresh ones.
	ws *workspace
}

// init sizes g for the bids of tender t.
func (g *gathered) init(t *Tender, bids []Bid) {
	if g.ws == nil {
		g.ws = &workspace{}
	}
	n, nl := len(bids), 0
	for i := range bids {
		nl += len(bids[i].SocialValue.Commitments)
	}
	g.k = len(t.Criteria.Quality)
	g.crit = make([]CriterionScore, n*g.k) // part of the result: never reused
	g.q = grow(&g.ws.q, n*g.k)
	g.price = grow(&g.ws.price, n)
	g.qual = grow(&g.ws.qual, n)
	g.failed = grow(&g.ws.failed, n)
	g.measures = g.measures[:0]
	g.lineK, g.lineQ = grow(&g.ws.lineK, nl), grow(&g.ws.lineQ, nl)
}

// workspace is the scratch memory of one evaluation: buffers that no Result
// refers to and that hold no pointers, so that a large tender's scratch
// (about 400 bytes a bid) is reused from one evaluation to the next through
// workspaces instead of being allocated, zeroed and collected every time.
// A buffer taken with grow holds stale values: every user writes each
// element before reading it (or clears it).
type workspace struct {
	q, price, qual []num
	failed         []bool
	st             []bidState
	active         []int
	keys, sorted   []key
	packed, tmp    []uint64
	order          []int
	at             []int32 // per bid, its place in the result
	lineK          []int32 // per commitment, its measure (see gathered)
	lineQ          []num
}

// workspaces holds idle workspaces. A sync.Pool keeps no state that a
// caller could observe and lets the garbage collector drop idle buffers, so
// Evaluate stays safe for concurrent use and keeps no memory for long.
var workspaces sync.Pool

func getWorkspace() *workspace {
	if ws, ok := workspaces.Get().(*workspace); ok {
		return ws
	}
	return &workspace{}
}

// maxPooled is the largest tender, in bids, whose workspace is kept for
// reuse, so that one huge evaluation does not pin its scratch memory.
const maxPooled = 1 << 20

func putWorkspace(ws *workspace) {
	if cap(ws.price) <= maxPooled {
		workspaces.Put(ws)
	}
}

// grow returns (*buf)[:n], reallocating *buf when it is too small; the
// elements are stale.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// scorer scores the components (see component) of a tender's bids.
type scorer struct {
	t    *Tender
	bids []Bid
	g    *gathered
	k    int       // quality criteria
	nc   component // components per bid: compQuality + k

	priceDef *priceMethod
	svDef    *socialValueMethod

	st     []bidState        // per bid, in input order; pointer-free, from the workspace
	values []decimal.Decimal // per bid, its £ social value as scored (weighted under Valuation Weighted)
	// plain is, per bid, its plain £ value under Valuation Weighted; nil
	// under Plain, where values are plain.
	plain    []decimal.Decimal
	weighted bool
	// For method Measures: the measures the tender lists, and per measure
	// of the table (see gathered) its index in asked (-1: none).
	asked []askedMeasure
	askOf []int32
	lines []Line // every bid's valued commitments, bid after bid
	tie   map[int]*Tie
	ties  []TieGroup // in rank order; From and To are places in the order rank returns
	flags map[int][]Flag

	pmin, vmax   decimal.Decimal
	pminN, vmaxN num
	// exact rationals of the tender's constants
	wp, wsvq, wsvl, floor, ceil, target, pminR, vmaxR *big.Rat
	wq                                                []*big.Rat

	fast fastConsts
}

// bidState is what the scorer knows of one bid, kept in one place so that
// building the result in rank order reads one place per bid.
type bidState struct {
	valueN num // the £ social value (scorer.values) as a num
	// the result's points of the price and the social value parts
	// (quantitative, qualitative); those of the groups (quality, social
	// value, total) are rounded from the sums below as the result is built
	price, svq, svl        Points
	rank                   int32
	line                   int32 // index of the bid's first Line in scorer.lines
	excluded, svIncomplete bool
	rare                   bool // has reasons, flags, a tie or an incomplete response
	// The floors of the components (see component), summed by group as
	// they are computed, each with its count of inexact floors: price,
	// quality and social value; the total's is their sum (see sum). Only
	// these sums are kept, not every component's floor.
	fp, fq, fs fx
	mp, mq, ms uint32
}

// fastConsts are the tender's constants as integers for the 64-bit path; a
// false ok switches that part to math/big.
type fastConsts struct {
	priceOK            bool
	ep                 int32 // exponent of the scaled prices
	pmin, floor, ceil  uint64
	wpN13, wpD         uint64
	qualityOK          []bool
	eq                 []int32
	wqN13, wqD, maxQ   []uint64
	svOK               bool
	ev                 int32
	vmax               uint64
	svqN13, svqD       uint64
	tN, tD             uint64
	targetOK           bool
	et                 int32
	svlOK              bool
	el                 int32
	svlN13, svlD, maxL uint64
}

// part is a component × 10¹³ as q + r/c, 0 ≤ r < c.
type part struct{ q, r, c uint64 }

// fx extends the quotient by 18 more places with a second division.
func (p part) fx() (fx, bool) {
	if p.r == 0 {
		return fx{p.q, 0}, false
	}
	hi, lo := bits.Mul64(p.r, e18)
	lo, rem := bits.Div64(hi, lo, p.c) // hi < c as r < c
	return fx{p.q, lo}, rem != 0
}

// mulDiv returns a × b / c as a part; ok is false when c is 0 or the
// quotient does not fit 64 bits.
func mulDiv(a, b, c uint64) (part, bool) {
	if c == 0 {
		return part{}, false
	}
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return part{}, false
	}
	q, r := bits.Div64(hi, lo, c)
	return part{q, r, c}, true
}

var zeroPart = part{c: 1}

func mul(a, b uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	return lo, hi == 0
}

// scaled returns d × 10^-e as an integer when d ≥ 0 has no more than -e
// places and the result fits 64 bits.
func scaled(d decimal.Decimal, e int32) (uint64, bool) {
	switch d.Sign() { // Sign does not allocate for the zero Decimal{}; NumDigits does
	case 0:
		return 0, true
	case -1:
		return 0, false
	}
	if d.NumDigits() > 18 {
		return 0, false
	}
	c := uint64(d.CoefficientInt64())
	shift := d.Exponent() - e
	if c == 0 {
		return 0, true
	}
	if shift < 0 || shift >= int32(len(pow10)) {
		return 0, false
	}
	return mul(c, pow10[shift])
}

// fraction returns d as n/d in 64-bit integers with n pre-multiplied by 10¹³.
func fraction13(d decimal.Decimal) (n13, den uint64, ok bool) {
	e := min(d.Exponent(), 0)
	n, ok := scaled(d, e)
	if !ok || -e >= int32(len(pow10)) {
		return 0, 0, false
	}
	n13, ok = mul(n, pow10[floorScale])
	return n13, pow10[-e], ok
}

func minExp(e int32, ds ...decimal.Decimal) int32 {
	for _, d := range ds {
		e = min(e, d.Exponent())
	}
	return e
}

func rat(d decimal.Decimal) *big.Rat { return d.Rat() }

// ratio returns w × x / y exactly.
func ratio(w, x, y *big.Rat) *big.Rat {
	r := new(big.Rat).Mul(w, x)
	return r.Quo(r, y)
}

var ratZero, ratOne = new(big.Rat), big.NewRat(1, 1)

// newScorer returns a scorer for bids, whose numbers validate gathered in g.
func newScorer(t *Tender, bids []Bid, g *gathered) *scorer {
	k, n := len(t.Criteria.Quality), len(bids)
	s := &scorer{
		t: t, bids: bids, g: g, k: k, nc: compQuality + component(k),
		priceDef: t.Criteria.Price.def(), svDef: t.Criteria.SocialValue.def(),
		weighted: t.Criteria.SocialValue.valuation() == Weighted,
		values:   make([]decimal.Decimal, n),
	}
	if g.ws == nil {
		g.ws = &workspace{}
	}
	s.st = grow(&g.ws.st, n) // stale: valueCommitments resets each state first
	c := &t.Criteria
	s.wp, s.wsvq, s.wsvl = rat(c.Price.Weight), rat(c.SocialValue.QuantitativeWeight), rat(c.SocialValue.QualitativeWeight)
	s.floor, s.ceil, s.target = rat(c.Price.Floor), rat(c.Price.Ceiling), rat(c.SocialValue.Target)
	for _, q := range c.Quality {
		s.wq = append(s.wq, rat(q.Weight))
	}
	return s
}

// score returns quality score j of bid i.
func (s *scorer) score(i, j int) decimal.Decimal { return s.g.crit[i*s.k+j].Score }

// prepare computes the benchmarks (lowest price, highest social value) over
// the active bids and the integer constants of the fast path.
func (s *scorer) prepare(active []int) {
	s.benchmarks(active)
	s.prepareFastPrice(active)
	s.prepareFastQuality()
	s.prepareFastSocialValue(active)
	if s.svDef.prepare != nil {
		s.svDef.prepare(s, active)
	}
}

// benchmarks finds the lowest price among the active bids and the highest
// social value among those with a complete response. The bids' decimals
// are read only when their nums cannot be compared.
func (s *scorer) benchmarks(active []int) {
	g := s.g
	s.vmaxN = num{ok: true}
	for n, i := range active {
		c, ok := cmpNum(g.price[i], s.pminN)
		if !ok && n > 0 {
			c = cmpDec(s.bids[i].Price, s.pmin)
		}
		if n == 0 || c < 0 {
			s.pmin, s.pminN = s.bids[i].Price, g.price[i]
		}
		if st := &s.st[i]; !st.svIncomplete {
			if c, ok := cmpNum(st.valueN, s.vmaxN); (ok && c > 0) || (!ok && cmpDec(s.values[i], s.vmax) > 0) {
				s.vmax, s.vmaxN = s.values[i], st.valueN
			}
		}
	}
	s.pminR, s.vmaxR = rat(s.pmin), rat(s.vmax)
}

// prepareFastPrice puts all prices at the smallest exponent among them and
// the bounds, with the lowest price, the bounds and the weight there.
func (s *scorer) prepareFastPrice(active []int) {
	fc, p := &s.fast, s.t.Criteria.Price
	fc.ep = minExp(0, p.Floor, p.Ceiling)
	for _, i := range active {
		if x := s.g.price[i]; x.ok {
			fc.ep = min(fc.ep, x.e)
		}
	}
	var ok1, ok2, ok3, ok4 bool
	fc.pmin, ok1 = s.pminN.at(fc.ep)
	fc.floor, ok2 = scaled(p.Floor, fc.ep)
	fc.ceil, ok3 = scaled(p.Ceiling, fc.ep)
	fc.wpN13, fc.wpD, ok4 = fraction13(p.Weight)
	fc.priceOK = ok1 && ok2 && ok3 && ok4
}

// prepareFastQuality puts each criterion's scores (of every bid: an
// excluded bid still scores its quality) and maximum at one exponent.
func (s *scorer) prepareFastQuality() {
	fc, qs := &s.fast, s.t.Criteria.Quality
	fc.qualityOK = make([]bool, s.k)
	fc.eq = make([]int32, s.k)
	fc.wqN13, fc.wqD, fc.maxQ = make([]uint64, s.k), make([]uint64, s.k), make([]uint64, s.k)
	for j, q := range qs {
		fc.eq[j] = minExp(0, q.Max)
	}
	for at := 0; at < len(s.g.q); at += s.k { // bid after bid, in memory order
		for j, x := range s.g.q[at : at+s.k] {
			if x.ok && x.c != 0 {
				fc.eq[j] = min(fc.eq[j], x.e)
			}
		}
	}
	for j, q := range qs {
		var ok1, ok2 bool
		fc.wqN13[j], fc.wqD[j], ok1 = fraction13(q.Weight)
		fc.maxQ[j], ok2 = scaled(q.Max, fc.eq[j])
		fc.qualityOK[j] = ok1 && ok2
	}
}

// prepareFastSocialValue puts the active bids' £ values and the highest,
// the target, and the qualitative scores and their maximum each at one
// exponent, with the weights of both parts.
func (s *scorer) prepareFastSocialValue(active []int) {
	fc, sv := &s.fast, s.t.Criteria.SocialValue
	fc.ev = 0
	for _, i := range active {
		if v := s.st[i].valueN; v.ok && v.c != 0 {
			fc.ev = min(fc.ev, v.e)
		}
	}
	var ok1, ok2 bool
	fc.vmax, ok1 = s.vmaxN.at(fc.ev)
	fc.svqN13, fc.svqD, ok2 = fraction13(sv.QuantitativeWeight)
	fc.svOK = ok1 && ok2
	e := min(sv.Target.Exponent(), 0)
	fc.tN, ok1 = scaled(sv.Target, e)
	fc.tD, fc.targetOK = pow10[min(-e, 19)], ok1 && -e < 20
	fc.et = min(fc.ep, fc.ev)

	fc.el = minExp(0, sv.Max)
	for _, i := range active {
		if q := s.g.qual[i]; q.ok && q.c != 0 { // not ok when the bid has no qualitative score
			fc.el = min(fc.el, q.e)
		}
	}
	fc.svlN13, fc.svlD, ok1 = fraction13(sv.QualitativeWeight)
	fc.maxL, ok2 = scaled(sv.Max, fc.el)
	fc.svlOK = ok1 && ok2
}

// component names a scored part of a bid: price, the two social value
// parts, then the quality criteria (criterion j is compQuality + j).
type component int

const (
	compPrice component = iota
	compSVQuantitative
	compSVQualitative
	compQuality
)

// component computes floor(component × 10¹³) of bid i, on the fast path
// when it can, exactly otherwise. It sets the component's Points (in the
// bid's state, or in its CriterionScore for a quality criterion) and adds
// the floor to the bid's sum for the component's group. Each component is
// computed once per bid.
func (s *scorer) component(i int, c component) {
	v, m, ok := s.fastComponent(i, c)
	if !ok {
		var inexact bool
		v, inexact = floorScaled(s.exact(i, c))
		m = uint32(b2u(inexact))
	}
	// A component made of several parts (method measures) is a sum of
	// floors, whose truncation roundFx may leave undecided.
	pts, ok := roundFx(v, uint64(m))
	if !ok {
		pts = PointsOf(s.exact(i, c))
	}
	st := &s.st[i]
	switch c {
	case compPrice:
		st.price, st.fp, st.mp = pts, v, m
	case compSVQuantitative, compSVQualitative:
		if c == compSVQuantitative {
			st.svq = pts
		} else {
			st.svl = pts
		}
		st.fs, st.ms = st.fs.add(v), st.ms+m
	default:
		s.g.crit[i*s.k+int(c-compQuality)].Points = pts
		st.fq, st.mq = st.fq.add(v), st.mq+m
	}
}

// qualityComponents computes every bid's quality components, as component
// does one at a time, with the constants of the fast path hoisted: it sets
// each criterion's Points and the bid's quality sum.
func (s *scorer) qualityComponents() {
	k, fc, g := s.k, &s.fast, s.g
	if k == 0 {
		return
	}
	var buf [8]uint64
	den := buf[:0] // weight's denominator × max; 0 means no fast path
	for j := range k {
		d, ok := mul(fc.wqD[j], fc.maxQ[j])
		if !fc.qualityOK[j] || !ok {
			d = 0
		}
		den = append(den, d)
	}
	for i := range s.st {
		q, crit := g.q[i*k:(i+1)*k:(i+1)*k], g.crit[i*k:(i+1)*k:(i+1)*k]
		var sum fx
		var m uint32
		for j := range q {
			var (
				v       fx
				inexact bool
				p       part
				ok      bool
			)
			if den[j] != 0 {
				var x uint64
				if x, ok = q[j].at(fc.eq[j]); ok {
					p, ok = mulDiv(fc.wqN13[j], x, den[j])
				}
			}
			if ok {
				v, inexact = p.fx()
			} else {
				v, inexact = floorScaled(s.exact(i, compQuality+component(j)))
			}
			crit[j].Points = Points{int64(v.hi / 10)}
			sum = sum.add(v)
			m += uint32(b2u(inexact))
		}
		st := &s.st[i]
		st.fq, st.mq = sum, m
	}
}

// fastComponent is component c of bid i × 10¹³ on the 64-bit path, as a
// sum of floors and the count of inexact ones; ok is false when the inputs
// do not fit it.
func (s *scorer) fastComponent(i int, c component) (v fx, inexact uint32, ok bool) {
	fc, st := &s.fast, &s.st[i]
	switch c {
	case compPrice:
		p, ok := s.g.price[i].at(fc.ep)
		if !fc.priceOK || !ok {
			return fx{}, 0, false
		}
		return single(s.priceDef.fast(s, p))
	case compSVQuantitative:
		if st.svIncomplete || s.t.Criteria.SocialValue.QuantitativeWeight.IsZero() {
			return fx{}, 0, true
		}
		if s.svDef.fast == nil {
			return fx{}, 0, false
		}
		return s.svDef.fast(s, i)
	case compSVQualitative:
		ql := s.bids[i].SocialValue.Qualitative
		if st.svIncomplete || ql == nil || s.t.Criteria.SocialValue.QualitativeWeight.IsZero() {
			return fx{}, 0, true
		}
		if !fc.svlOK {
			return fx{}, 0, false
		}
		x, ok1 := s.g.qual[i].at(fc.el)
		d, ok2 := mul(fc.svlD, fc.maxL)
		if !ok1 || !ok2 {
			return fx{}, 0, false
		}
		return single(mulDiv(fc.svlN13, x, d))
	default:
		j := int(c - compQuality)
		if !fc.qualityOK[j] {
			return fx{}, 0, false
		}
		x, ok1 := s.g.q[i*s.k+j].at(fc.eq[j])
		d, ok2 := mul(fc.wqD[j], fc.maxQ[j])
		if !ok1 || !ok2 {
			return fx{}, 0, false
		}
		return single(mulDiv(fc.wqN13[j], x, d))
	}
}

// exact returns component c of bid i as an exact rational: the reference
// definition of every formula (the methods' own are in their tables).
func (s *scorer) exact(i int, c component) *big.Rat {
	b, st := &s.bids[i], &s.st[i]
	sv := s.t.Criteria.SocialValue
	switch c {
	case compPrice:
		if st.excluded {
			return ratZero
		}
		return s.priceDef.exact(s, rat(b.Price))
	case compSVQuantitative:
		if st.excluded || st.svIncomplete || sv.QuantitativeWeight.IsZero() {
			return ratZero
		}
		return s.svDef.exact(s, i)
	case compSVQualitative:
		ql := b.SocialValue.Qualitative
		if st.excluded || st.svIncomplete || ql == nil {
			return ratZero
		}
		return ratio(s.wsvl, rat(*ql), rat(sv.Max))
	default:
		j := int(c - compQuality)
		return ratio(s.wq[j], rat(s.score(i, j)), rat(s.t.Criteria.Quality[j].Max))
	}
}

// group selects components to sum: the total, quality or social value.
type group int

const (
	gTotal group = iota
	gQuality
	gSocialValue
)

func (s *scorer) span(g group) (from, to component) {
	switch g {
	case gQuality:
		return compQuality, compQuality + component(s.k)
	case gSocialValue:
		return compSVQuantitative, compSVQualitative + 1
	}
	return 0, s.nc
}

// sum returns Σ floors and the count of inexact ones for group g of bid i.
func (s *scorer) sum(i int, g group) (f fx, m uint64) {
	st := &s.st[i]
	switch g {
	case gQuality:
		return st.fq, uint64(st.mq)
	case gSocialValue:
		return st.fs, uint64(st.ms)
	}
	return st.fp.add(st.fq).add(st.fs), uint64(st.mp + st.mq + st.ms)
}

func (s *scorer) exactSum(i int, g group) *big.Rat {
	from, to := s.span(g)
	r := new(big.Rat)
	for c := from; c < to; c++ {
		r.Add(r, s.exact(i, c))
	}
	return r
}

// points returns the Points of group g of bid i.
func (s *scorer) points(i int, g group) Points {
	f, m := s.sum(i, g)
	if p, ok := roundFx(f, m); ok {
		return p
	}
	return PointsOf(s.exactSum(i, g))
}

// key is a bid's total as sorted: Σ floors and the inexact count.
type key struct {
	f fx
	m uint32
	i int32
}

func (s *scorer) cmpGroup(i, j int, g group) int {
	fi, mi := s.sum(i, g)
	fj, mj := s.sum(j, g)
	if c, ok := cmpBracket(fi, mi, fj, mj); ok {
		return c
	}
	return s.exactSum(i, g).Cmp(s.exactSum(j, g))
}

// cmpTie compares bids i and j on tie-break criterion tb: > 0 when i is better.
func (s *scorer) cmpTie(i, j int, tb TieBreak) int {
	switch tb {
	case ByQuality:
		return s.cmpGroup(i, j, gQuality)
	case BySocialValue:
		return s.cmpGroup(i, j, gSocialValue)
	default: // ByPrice: the lower price is better
		return cmpBoth(s.g.price[j], s.bids[j].Price, s.g.price[i], s.bids[i].Price)
	}
}

// rank sorts the active bids and sets ranks, ties and the output order.
func (s *scorer) rank(active []int) []int {
	keys := grow(&s.g.ws.keys, len(active))
	for n, i := range active {
		f, m := s.sum(i, gTotal)
		keys[n] = key{f, uint32(m), int32(i)}
	}
	// cmpTotal orders by exact total, best first.
	cmpTotal := func(a, b key) int {
		if c, ok := cmpBracket(a.f, uint64(a.m), b.f, uint64(b.m)); ok {
			return -c
		}
		return -s.exactSum(int(a.i), gTotal).Cmp(s.exactSum(int(b.i), gTotal))
	}
	tbs := s.t.TieBreak
	sortKeysWS(keys, s.g.ws, func(a, b key) int {
		if c := cmpTotal(a, b); c != 0 {
			return c
		}
		for _, tb := range tbs {
			if c := s.cmpTie(int(a.i), int(b.i), tb); c != 0 {
				return -c
			}
		}
		return strings.Compare(s.bids[a.i].Supplier.Name, s.bids[b.i].Supplier.Name)
	})
	order := grow(&s.g.ws.order, len(s.bids))[:len(keys)] // room for the excluded bids
	for n, kk := range keys {
		order[n] = int(kk.i)
	}
	// decided returns the first tie-break separating i and j, or "".
	decided := func(i, j int) TieBreak {
		for _, tb := range tbs {
			if s.cmpTie(i, j, tb) != 0 {
				return tb
			}
		}
		return ""
	}
	for start := 0; start < len(keys); {
		end := start + 1
		for end < len(keys) && cmpTotal(keys[start], keys[end]) == 0 {
			end++
		}
		for n := start; n < end; n++ {
			i := order[n]
			s.st[i].rank = int32(n + 1)
			if n > start && decided(order[n-1], i) == "" {
				s.st[i].rank = s.st[order[n-1]].rank
			}
			if end-start == 1 {
				continue
			}
			if n == start {
				s.ties = append(s.ties, TieGroup{Group: len(s.ties) + 1, From: start, To: end})
			}
			tie := &Tie{Group: len(s.ties)} // the group lists the bids once: linear in bids
			// The place is settled by the deeper of the criteria that
			// separate the bid from its neighbours; none if it equals one.
			var up, down TieBreak = "-", "-"
			if n > start {
				up = decided(order[n-1], i)
			}
			if n+1 < end {
				down = decided(i, order[n+1])
			}
			if up != "" && down != "" {
				tie.DecidedBy = deeper(tbs, up, down)
			}
			if s.tie == nil {
				s.tie = map[int]*Tie{}
			}
			s.tie[i], s.st[i].rare = tie, true
		}
		start = end
	}
	return order
}

// sortKeys sorts keys by cmp, which orders by exact total, best first, and
// then by the tie-breaks. It first sorts them cheaply as integers, by the
// leading bits of the floor of their total (then by position), which is the
// final order except among keys whose leading bits are equal; it sorts
// each run of those with cmp, then checks every neighbouring pair with cmp
// and, should one still be out of order (two totals whose brackets overlap
// across a step of the leading bits), sorts everything with cmp. So the
// order is always cmp's.
func sortKeys(keys []key, cmp func(a, b key) int) { sortKeysWS(keys, &workspace{}, cmp) }

// sortKeysWS is sortKeys with its scratch buffers taken from ws.
func sortKeysWS(keys []key, ws *workspace, cmp func(a, b key) int) {
	n := len(keys)
	if n < 2 {
		return
	}
	// The position takes whole bytes (when it fits four), so that the radix
	// sort skips them: the keys are packed in order of position.
	idxBits, lo := bits.Len(uint(n-1)), 0
	if b := (idxBits + 7) / 8; b <= 4 {
		idxBits, lo = 8*b, b
	}
	var maxHi uint64
	for _, k := range keys {
		maxHi = max(maxHi, k.f.hi)
	}
	shift := max(0, bits.Len64(maxHi)-(64-idxBits))
	lead := func(k key) uint64 { return k.f.hi >> shift }
	packed := grow(&ws.packed, n)
	for p, k := range keys {
		packed[p] = ^lead(k)<<idxBits | uint64(p) // higher total first
	}
	sortU64Bytes(packed, &ws.tmp, lo)
	sorted := grow(&ws.sorted, n)
	for p, x := range packed {
		sorted[p] = keys[x&(1<<idxBits-1)]
	}
	copy(keys, sorted)
	for start := 0; start < n; {
		end := start + 1
		for end < n && lead(keys[end]) == lead(keys[start]) {
			end++
		}
		if end-start > 1 {
			slices.SortFunc(keys[start:end], cmp)
		}
		start = end
	}
	for p := 1; p < n; p++ {
		if cmp(keys[p-1], keys[p]) > 0 {
			slices.SortFunc(keys, cmp)
			return
		}
	}
}

// deeper returns whichever of a and b comes later in tbs ("-" means none).
func deeper(tbs []TieBreak, a, b TieBreak) TieBreak {
	if a == "-" {
		return b
	}
	if b == "-" {
		return a
	}
	if slices.Index(tbs, a) > slices.Index(tbs, b) {
		return a
	}
	return b
}

// flagAbnormallyLow flags active bids priced more than pct percent below the
// mean of the other active bids: P × (n−1) × 100 < (ΣP − P) × (100 − pct).
func (s *scorer) flagAbnormallyLow(active []int) {
	pct := s.t.AbnormallyLow
	n := len(active)
	if !pct.IsPositive() || n < 2 {
		return
	}
	sum := decimal.Zero
	for _, i := range active {
		sum = sum.Add(s.bids[i].Price)
	}
	left := decimal.NewFromInt(int64(n-1) * 100)
	right := hundred.Sub(pct)
	for _, i := range active {
		p := s.bids[i].Price
		others := sum.Sub(p)
		if p.Mul(left).LessThan(others.Mul(right)) {
			mean := others.DivRound(decimal.NewFromInt(int64(n-1)), 2)
			if s.flags == nil {
				s.flags = map[int][]Flag{}
			}
			s.st[i].rare = true
			s.flags[i] = append(s.flags[i], Flag{Code: FlagAbnormallyLow,
				Message: fmt.Sprintf("price £%s is more than %s%% below £%s, the mean price of the other %d bids (mean rounded to the penny); seek an explanation before award",
					dectext.GroupDigits(p.StringFixed(2)), pct, dectext.GroupDigits(mean.StringFixed(2)), n-1)})
		}
	}
}

// valueCommitments values every bid's commitments with the catalogue's
// proxies for the tender's year, and returns the measures used. A value is
// quantity × proxy exactly: as a product of 64-bit coefficients when it
// fits, with Decimal.Mul otherwise; a bid's £ total likewise. Under
// Valuation Weighted each value is also multiplied by the measure's
// priority, and the bid's weighted total is the one scored (s.values; the
// plain one goes to s.plain). It also resets each bid's state.
func (s *scorer) valueCommitments(fw *tom.Framework) ([]MeasureValue, error) {
	if s.svDef.init != nil {
		s.svDef.init(s, fw)
	}
	tab, err := s.valueMeasures(fw)
	if err != nil {
		return nil, err
	}
	s.lines = make([]Line, len(s.g.lineK))
	if s.weighted {
		s.plain = make([]decimal.Decimal, len(s.bids))
	}
	at := 0
	for i := range s.bids {
		s.st[i] = bidState{line: int32(at)}
		at += s.valueBid(i, at, &tab)
	}
	return tab.measures, nil
}

// valuedMeasures is the catalogue's view of the tender's measure table
// (gathered.measures), index for index.
type valuedMeasures struct {
	measures        []MeasureValue
	proxy, priority []num
}

// valueMeasures looks up each measure of the tender's table in the
// catalogue, once per tender, with its proxy for the tender's year, and
// (method Measures) its index among the measures the tender lists.
func (s *scorer) valueMeasures(fw *tom.Framework) (valuedMeasures, error) {
	ids := s.g.measures
	tab := valuedMeasures{measures: make([]MeasureValue, len(ids)), proxy: make([]num, len(ids)), priority: make([]num, len(ids))}
	s.askOf = make([]int32, len(ids))
	for k, id := range ids {
		m, found := fw.Measure(id)
		if !found {
			return tab, fmt.Errorf("%q: %w", id, tom.ErrUnknownMeasure)
		}
		mv := MeasureValue{ID: m.ID, Name: m.Name, Unit: m.Unit, Financial: m.Financial, Priority: m.Priority, Codes: m.Codes()}
		if m.Financial {
			var err error
			if mv.Proxy, mv.CarriedForward, err = m.ProxyFor(s.t.Year, s.t.yearPolicy()); err != nil {
				return tab, err
			}
		}
		tab.measures[k], tab.proxy[k], tab.priority[k] = mv, numOf(mv.Proxy.Value), numOf(m.Priority)
		s.askOf[k] = int32(slices.IndexFunc(s.asked, func(a askedMeasure) bool { return a.score.ID == id }))
	}
	return tab, nil
}

// valueBid values the commitments of bid i, whose first line is s.lines[at],
// and sets the bid's £ value; it returns the number of lines.
func (s *scorer) valueBid(i, at int, tab *valuedMeasures) int {
	cs := s.bids[i].SocialValue.Commitments
	end := at + len(cs)
	lines, ks, qs := s.lines[at:end:end], s.g.lineK[at:end], s.g.lineQ[at:end]
	nf, first := 0, 0 // financial lines, and the first of them
	var vn, wn num    // the first financial line's value and weighted value
	for j := range cs {
		lines[j] = Line{Measure: cs[j].Measure, Quantity: cs[j].Quantity}
		k := ks[j]
		m := &tab.measures[k]
		if !m.Financial {
			continue
		}
		var v, w num
		lines[j].Value, v = mulNum(cs[j].Quantity, qs[j], m.Proxy.Value, tab.proxy[k])
		if s.weighted {
			lines[j].Weighted, w = mulNum(lines[j].Value, v, m.Priority, tab.priority[k])
		}
		if nf == 0 {
			first, vn, wn = j, v, w
		}
		nf++
	}
	var v, w decimal.Decimal
	switch nf {
	case 0:
		v, w = decimal.Zero, decimal.Zero
		vn = numOf(v)
		wn = vn
	case 1: // decimals are immutable: the total can share the line's value
		v, w = lines[first].Value, lines[first].Weighted
	default:
		v = sumValues(lines, func(l *Line) decimal.Decimal { return l.Value })
		vn = numOf(v)
		if s.weighted {
			w = sumValues(lines, func(l *Line) decimal.Decimal { return l.Weighted })
			wn = numOf(w)
		}
	}
	if s.weighted {
		s.plain[i], v, vn = v, w, wn
	}
	s.values[i], s.st[i].valueN = v, vn
	return len(cs)
}

// mulNum is quantity × proxy, exact, and the product as a num; qn and pn
// are the quantity and the proxy as nums. The product has the coefficient
// and exponent Decimal.Mul would give.
func mulNum(quantity decimal.Decimal, qn num, proxy decimal.Decimal, pn num) (decimal.Decimal, num) {
	if pn.ok && pn.c == 1 && pn.e == 0 { // £1 per unit, such as £ donated: the product is the quantity
		return quantity, qn
	}
	if qn.ok && pn.ok {
		if hi, lo := bits.Mul64(qn.c, pn.c); hi == 0 && lo <= math.MaxInt64 {
			v := decimal.New(int64(lo), qn.e+pn.e)
			if lo >= e18 { // more than 18 digits, as numOf(v) says
				return v, num{}
			}
			return v, num{lo, qn.e + pn.e, true}
		}
	}
	v := quantity.Mul(proxy)
	return v, numOf(v)
}

// sumValues returns Σ value(line), exact: in one 64-bit sum at the
// smallest exponent when that fits, with Decimal.Add otherwise.
func sumValues(lines []Line, value func(*Line) decimal.Decimal) decimal.Decimal {
	e := int32(0)
	for i := range lines {
		e = min(e, value(&lines[i]).Exponent())
	}
	var sum uint64
	fits := true
	for i := range lines {
		x, ok := numOf(value(&lines[i])).at(e)
		var carry uint64
		sum, carry = bits.Add64(sum, x, 0)
		if !ok || carry != 0 {
			fits = false
			break
		}
	}
	if fits && sum <= math.MaxInt64 {
		return decimal.New(int64(sum), e)
	}
	total := decimal.Zero
	for i := range lines {
		total = total.Add(value(&lines[i]))
	}
	return total
}
