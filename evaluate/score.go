package evaluate

import (
	"fmt"
	"math/big"
	"math/bits"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// How scores are computed
//
// Every component is an exact fraction of decimal inputs, such as
// W × Pmin / P. The scorer never rounds it: for each component it computes
// floor(score × 10¹³) and whether a remainder was left, in 64-bit integers
// with a 128-bit intermediate when the inputs fit (the common case), and with
// math/big rationals otherwise. From those floors follow exactly:
//   - each component's Points (half-up at 12 places, see sumFloors);
//   - an ordering of totals: a sum of m inexact floors f brackets the exact
//     sum in (f, f+m) × 10⁻¹³, and only when two brackets overlap are the
//     exact sums computed, as rationals, to compare them.
// So there is one division per component per bid, ranking costs a compare of
// two integers almost always, and ties are decided on exact values.

// component indexes, per bid: price, the quality criteria, then the two
// social value parts.
type scorer struct {
	t    *Tender
	bids []Bid
	k    int // quality criteria
	nc   int // components per bid: k + 3
	f    []fx
	inex []bool

	scores       []decimal.Decimal // n × k quality scores, gathered once
	excluded     []bool
	svIncomplete []bool
	values       []decimal.Decimal // £ social value per bid
	lines        [][]Line          // per bid
	rankOf       []int             // per bid, set by rank
	tie          []*Tie
	flags        [][]Flag

	pmin, vmax decimal.Decimal
	// exact rationals of the tender's constants
	wp, wsvq, wsvl, floor, ceil, target, pminR, vmaxR *big.Rat
	wq                                                []*big.Rat

	fast fastConsts
}

// fastConsts are the tender's constants as integers for the 64-bit path; a
// false ok switches that part to math/big.
type fastConsts struct {
	priceOK            bool
	ep                 int32    // exponent of the scaled prices
	prices             []uint64 // per bid, at ep; 0 when not representable
	pricesOK           []bool
	pmin, floor, ceil  uint64
	wpN13, wpD         uint64
	qualityOK          []bool
	eq                 []int32
	wqN13, wqD, maxQ   []uint64
	svOK               bool
	ev                 int32
	vals               []uint64
	valsOK             []bool
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

func newScorer(t *Tender, bids []Bid) *scorer {
	k, n := len(t.Criteria.Quality), len(bids)
	s := &scorer{
		t: t, bids: bids, k: k, nc: k + 3,
		f:            make([]fx, n*(k+3)),
		inex:         make([]bool, n*(k+3)),
		scores:       make([]decimal.Decimal, n*k),
		excluded:     make([]bool, n),
		svIncomplete: make([]bool, n),
		values:       make([]decimal.Decimal, n),
		lines:        make([][]Line, n),
		rankOf:       make([]int, n),
		tie:          make([]*Tie, n),
		flags:        make([][]Flag, n),
	}
	c := &t.Criteria
	s.wp, s.wsvq, s.wsvl = rat(c.Price.Weight), rat(c.SocialValue.QuantitativeWeight), rat(c.SocialValue.QualitativeWeight)
	s.floor, s.ceil, s.target = rat(c.Price.Floor), rat(c.Price.Ceiling), rat(c.SocialValue.Target)
	for j, q := range c.Quality {
		s.wq = append(s.wq, rat(q.Weight))
		for i := range bids {
			s.scores[i*k+j] = bids[i].Quality[q.ID]
		}
	}
	return s
}

// prepare computes the benchmarks (lowest price, highest social value) over
// the active bids and the integer constants of the fast path.
func (s *scorer) prepare(active []int) {
	t, fc := s.t, &s.fast
	c := &t.Criteria
	for n, i := range active {
		if n == 0 || cmpDec(s.bids[i].Price, s.pmin) < 0 {
			s.pmin = s.bids[i].Price
		}
		if !s.svIncomplete[i] && cmpDec(s.values[i], s.vmax) > 0 {
			s.vmax = s.values[i]
		}
	}
	s.pminR, s.vmaxR = rat(s.pmin), rat(s.vmax)

	nb := len(s.bids)
	// Price: all prices at the smallest exponent among them and the bounds.
	fc.ep = minExp(0, c.Price.Floor, c.Price.Ceiling)
	for _, i := range active {
		fc.ep = min(fc.ep, s.bids[i].Price.Exponent())
	}
	fc.prices, fc.pricesOK = make([]uint64, nb), make([]bool, nb)
	for _, i := range active {
		fc.prices[i], fc.pricesOK[i] = scaled(s.bids[i].Price, fc.ep)
	}
	var ok1, ok2, ok3, ok4 bool
	fc.pmin, ok1 = scaled(s.pmin, fc.ep)
	fc.floor, ok2 = scaled(c.Price.Floor, fc.ep)
	fc.ceil, ok3 = scaled(c.Price.Ceiling, fc.ep)
	fc.wpN13, fc.wpD, ok4 = fraction13(c.Price.Weight)
	fc.priceOK = ok1 && ok2 && ok3 && ok4

	fc.qualityOK = make([]bool, s.k)
	fc.eq = make([]int32, s.k)
	fc.wqN13, fc.wqD, fc.maxQ = make([]uint64, s.k), make([]uint64, s.k), make([]uint64, s.k)
	for j, q := range c.Quality {
		e := minExp(0, q.Max)
		for i := range s.bids {
			e = min(e, s.scores[i*s.k+j].Exponent())
		}
		fc.eq[j] = e
		fc.wqN13[j], fc.wqD[j], ok1 = fraction13(q.Weight)
		fc.maxQ[j], ok2 = scaled(q.Max, e)
		fc.qualityOK[j] = ok1 && ok2
	}

	sv := c.SocialValue
	fc.ev = minExp(0, s.vmax)
	for _, i := range active {
		fc.ev = min(fc.ev, s.values[i].Exponent())
	}
	fc.vals, fc.valsOK = make([]uint64, nb), make([]bool, nb)
	for _, i := range active {
		fc.vals[i], fc.valsOK[i] = scaled(s.values[i], fc.ev)
	}
	fc.vmax, ok1 = scaled(s.vmax, fc.ev)
	fc.svqN13, fc.svqD, ok2 = fraction13(sv.QuantitativeWeight)
	fc.svOK = ok1 && ok2
	e := min(sv.Target.Exponent(), 0)
	fc.tN, ok1 = scaled(sv.Target, e)
	fc.tD, fc.targetOK = pow10[min(-e, 19)], ok1 && -e < 20
	fc.et = min(fc.ep, fc.ev)

	fc.el = minExp(0, sv.Max)
	for _, i := range active {
		if q := s.bids[i].SocialValue.Qualitative; q != nil {
			fc.el = min(fc.el, q.Exponent())
		}
	}
	fc.svlN13, fc.svlD, ok1 = fraction13(sv.QualitativeWeight)
	fc.maxL, ok2 = scaled(sv.Max, fc.el)
	fc.svlOK = ok1 && ok2
}

// component computes floor(component × 10¹³) of bid i, on the fast path
// when it can, exactly otherwise.
func (s *scorer) component(i, c int) {
	var (
		v       fx
		inexact bool
	)
	if p, ok := s.fastComponent(i, c); ok {
		v, inexact = p.fx()
	} else {
		v, inexact = floorScaled(s.exact(i, c))
	}
	s.f[i*s.nc+c], s.inex[i*s.nc+c] = v, inexact
}

func (s *scorer) fastComponent(i, c int) (part, bool) {
	fc, b := &s.fast, &s.bids[i]
	switch {
	case c == 0:
		if !fc.priceOK || !fc.pricesOK[i] {
			return part{}, false
		}
		p := fc.prices[i]
		switch s.t.Criteria.Price.method() {
		case Lowest:
			d, ok := mul(fc.wpD, p)
			if !ok {
				return part{}, false
			}
			return mulDiv(fc.wpN13, fc.pmin, d)
		case Linear:
			if p-fc.pmin >= fc.pmin {
				return zeroPart, true
			}
			d, ok := mul(fc.wpD, fc.pmin)
			if !ok {
				return part{}, false
			}
			return mulDiv(fc.wpN13, fc.pmin-(p-fc.pmin), d)
		default: // Budget
			switch {
			case p >= fc.ceil:
				return zeroPart, true
			case p <= fc.floor:
				return mulDiv(fc.wpN13, 1, fc.wpD)
			}
			d, ok := mul(fc.wpD, fc.ceil-fc.floor)
			if !ok {
				return part{}, false
			}
			return mulDiv(fc.wpN13, fc.ceil-p, d)
		}
	case c <= s.k:
		j := c - 1
		if !fc.qualityOK[j] {
			return part{}, false
		}
		x, ok1 := scaled(s.scores[i*s.k+j], fc.eq[j])
		d, ok2 := mul(fc.wqD[j], fc.maxQ[j])
		if !ok1 || !ok2 {
			return part{}, false
		}
		return mulDiv(fc.wqN13[j], x, d)
	case c == s.k+1:
		if s.svIncomplete[i] || s.t.Criteria.SocialValue.QuantitativeWeight.IsZero() {
			return zeroPart, true
		}
		if !fc.svOK || !fc.valsOK[i] {
			return part{}, false
		}
		v := fc.vals[i]
		if v == 0 {
			return zeroPart, true
		}
		if s.t.Criteria.SocialValue.method() == Highest {
			d, ok := mul(fc.svqD, fc.vmax)
			if !ok {
				return part{}, false
			}
			return mulDiv(fc.svqN13, v, d)
		}
		// Target: V / (P × T) against 1, with V and P at one scale.
		if !fc.targetOK {
			return part{}, false
		}
		vt, ok1 := scaled(s.values[i], fc.et)
		pt, ok2 := scaled(b.Price, fc.et)
		if !ok1 || !ok2 {
			return part{}, false
		}
		vh, vl := bits.Mul64(vt, fc.tD)
		ph, pl := bits.Mul64(pt, fc.tN)
		if vh > ph || (vh == ph && vl >= pl) { // ratio ≥ target: full weight
			return mulDiv(fc.svqN13, 1, fc.svqD)
		}
		x, ok1 := mul(vt, fc.tD)
		d, ok2 := mul(fc.svqD, fc.tN)
		if ok2 {
			d, ok2 = mul(d, pt)
		}
		if !ok1 || !ok2 {
			return part{}, false
		}
		return mulDiv(fc.svqN13, x, d)
	default:
		ql := b.SocialValue.Qualitative
		if s.svIncomplete[i] || ql == nil || s.t.Criteria.SocialValue.QualitativeWeight.IsZero() {
			return zeroPart, true
		}
		if !fc.svlOK {
			return part{}, false
		}
		x, ok1 := scaled(*ql, fc.el)
		d, ok2 := mul(fc.svlD, fc.maxL)
		if !ok1 || !ok2 {
			return part{}, false
		}
		return mulDiv(fc.svlN13, x, d)
	}
}

// exact returns component c of bid i as an exact rational: the reference
// definition of every formula.
func (s *scorer) exact(i, c int) *big.Rat {
	b := &s.bids[i]
	sv := s.t.Criteria.SocialValue
	switch {
	case c == 0:
		if s.excluded[i] {
			return ratZero
		}
		p := rat(b.Price)
		switch s.t.Criteria.Price.method() {
		case Lowest:
			return ratio(s.wp, s.pminR, p)
		case Linear: // W × (2·Pmin − P) / Pmin, floored at 0
			x := new(big.Rat).Sub(new(big.Rat).Add(s.pminR, s.pminR), p)
			if x.Sign() <= 0 {
				return ratZero
			}
			return ratio(s.wp, x, s.pminR)
		default:
			switch {
			case p.Cmp(s.ceil) >= 0:
				return ratZero
			case p.Cmp(s.floor) <= 0:
				return s.wp
			}
			return ratio(s.wp, new(big.Rat).Sub(s.ceil, p), new(big.Rat).Sub(s.ceil, s.floor))
		}
	case c <= s.k:
		q := s.t.Criteria.Quality[c-1]
		return ratio(s.wq[c-1], rat(s.scores[i*s.k+c-1]), rat(q.Max))
	case c == s.k+1:
		v := s.values[i]
		if s.excluded[i] || s.svIncomplete[i] || v.IsZero() {
			return ratZero
		}
		if sv.method() == Highest {
			return ratio(s.wsvq, rat(v), s.vmaxR)
		}
		r := new(big.Rat).Quo(rat(v), new(big.Rat).Mul(rat(b.Price), s.target))
		if r.Cmp(ratOne) >= 0 {
			return s.wsvq
		}
		return r.Mul(r, s.wsvq)
	default:
		ql := b.SocialValue.Qualitative
		if s.excluded[i] || s.svIncomplete[i] || ql == nil {
			return ratZero
		}
		return ratio(s.wsvl, rat(*ql), rat(sv.Max))
	}
}

// group selects components to sum: the total, quality or social value.
type group int

const (
	gTotal group = iota
	gQuality
	gSocialValue
)

func (s *scorer) span(g group) (from, to int) {
	switch g {
	case gQuality:
		return 1, s.k + 1
	case gSocialValue:
		return s.k + 1, s.k + 3
	}
	return 0, s.nc
}

// sum returns Σ floors and the count of inexact ones for group g of bid i.
func (s *scorer) sum(i int, g group) (f fx, m uint64) {
	from, to := s.span(g)
	base := i * s.nc
	for c := from; c < to; c++ {
		f = f.add(s.f[base+c])
		m += b2u(s.inex[base+c])
	}
	return f, m
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
	m uint64
	i int
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
		fc := &s.fast
		if fc.pricesOK[i] && fc.pricesOK[j] {
			return cmpU(fc.prices[j], fc.prices[i])
		}
		return s.bids[j].Price.Cmp(s.bids[i].Price)
	}
}

// rank sorts the active bids and sets ranks, ties and the output order.
func (s *scorer) rank(active []int) []int {
	keys := make([]key, len(active))
	for n, i := range active {
		f, m := s.sum(i, gTotal)
		keys[n] = key{f, m, i}
	}
	// cmpTotal orders by exact total, best first.
	cmpTotal := func(a, b key) int {
		if c, ok := cmpBracket(a.f, a.m, b.f, b.m); ok {
			return -c
		}
		return -s.exactSum(a.i, gTotal).Cmp(s.exactSum(b.i, gTotal))
	}
	tbs := s.t.TieBreak
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmpTotal(a, b); c != 0 {
			return c
		}
		for _, tb := range tbs {
			if c := s.cmpTie(a.i, b.i, tb); c != 0 {
				return -c
			}
		}
		return strings.Compare(s.bids[a.i].Supplier.Name, s.bids[b.i].Supplier.Name)
	})
	order := make([]int, len(keys))
	for n, kk := range keys {
		order[n] = kk.i
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
			s.rankOf[i] = n + 1
			if n > start && decided(order[n-1], i) == "" {
				s.rankOf[i] = s.rankOf[order[n-1]]
			}
			if end-start == 1 {
				continue
			}
			tie := &Tie{}
			for m := start; m < end; m++ {
				if m != n {
					tie.With = append(tie.With, s.bids[order[m]].Supplier.Name)
				}
			}
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
			s.tie[i] = tie
		}
		start = end
	}
	return order
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
			s.flags[i] = append(s.flags[i], Flag{Code: FlagAbnormallyLow,
				Message: fmt.Sprintf("price £%s is more than %s%% below £%s, the mean price of the other %d bids (mean rounded to the penny); seek an explanation before award",
					p.StringFixed(2), pct, mean.StringFixed(2), n-1)})
		}
	}
}

// valueCommitments values every bid's commitments with the catalogue's
// proxies for the tender's year, and returns the measures used.
func (s *scorer) valueCommitments(fw *tom.Framework) ([]MeasureValue, error) {
	var measures []MeasureValue
	index := map[string]int{}
	var slab []Line
	for i := range s.bids {
		cs := s.bids[i].SocialValue.Commitments
		if len(cs) > len(slab) {
			slab = make([]Line, max(len(cs), 1024))
		}
		lines := slab[:len(cs):len(cs)]
		slab = slab[len(cs):]
		total := decimal.Zero
		for j, c := range cs {
			k, ok := index[c.Measure]
			if !ok {
				m, found := fw.Measure(c.Measure)
				if !found {
					return nil, fmt.Errorf("%q: %w", c.Measure, tom.ErrUnknownMeasure)
				}
				mv := MeasureValue{ID: m.ID, Name: m.Name, Unit: m.Unit, Financial: m.Financial}
				if m.Financial {
					var err error
					if mv.Proxy, mv.CarriedForward, err = m.ProxyFor(s.t.Year, s.t.yearPolicy()); err != nil {
						return nil, err
					}
				}
				k = len(measures)
				index[c.Measure] = k
				measures = append(measures, mv)
			}
			lines[j] = Line{Measure: c.Measure, Quantity: c.Quantity}
			if mv := &measures[k]; mv.Financial {
				lines[j].Value = mulDec(c.Quantity, mv.Proxy.Value)
				total = total.Add(lines[j].Value)
			}
		}
		s.values[i] = total
		s.lines[i] = lines
	}
	return measures, nil
}

// mulDec is a × b, exact, with fewer allocations than Decimal.Mul when the
// coefficients are small.
func mulDec(a, b decimal.Decimal) decimal.Decimal {
	if a.NumDigits() <= 9 && b.NumDigits() <= 9 {
		return decimal.New(a.CoefficientInt64()*b.CoefficientInt64(), a.Exponent()+b.Exponent())
	}
	return a.Mul(b)
}

// single returns the Points of one component, by its index in s.f.
func (s *scorer) single(at int) Points { return Points{int64((s.f[at].hi + 5) / 10)} }
