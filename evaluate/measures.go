package evaluate

import (
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// Method Measures (see the constant): each measure the tender lists is
// scored on its own, by quantity, and the weighted sum is scaled to the
// quantitative weight Q:
//
//	Q × Σ wₘ × min(1, xₘ / Rₘ) / Σ wₘ
//
// over the measures that count. On the fast path each term is one part,
// Q·10¹³ × w'ₘ × x / (Σw' × Rₘ), with the weights w' as integers at their
// smallest exponent and x and Rₘ at the smallest exponent of the measure's
// quantities, so that the bid's points are a sum of floors, bracketed like
// any sum of components.

// askedMeasure is a measure the tender lists, as method Measures scores it.
type askedMeasure struct {
	score MeasureScore // as the result reports it
	w, r  *big.Rat     // weight and reference quantity, exact
	rN    num          // the reference as a num
	// the fast path: x × a / d is the term × 10¹³ for a quantity x at
	// exponent e; ok is false when the constants do not fit
	e    int32
	ref  uint64
	a, d uint64
	ok   bool
}

// askMeasures resolves the weight and target of every measure the tender
// lists, for method Measures: a weight the tender does not give is the
// catalogue's priority.
func askMeasures(s *scorer, fw *tom.Framework) {
	sv := s.t.Criteria.SocialValue
	s.asked = make([]askedMeasure, 0, len(sv.Measures))
	for _, id := range sv.Measures {
		mc := sv.MeasureCriteria[id]
		ms := MeasureScore{ID: id, Weight: mc.Weight, Target: mc.Target}
		if m, ok := fw.Measure(id); ok {
			ms.Unit = m.Unit
			if mc.Weight.IsZero() {
				ms.Weight, ms.FromPriority = m.Priority, true
			}
		}
		s.asked = append(s.asked, askedMeasure{score: ms})
	}
}

// prepareMeasures finds each listed measure's best offer among the active
// bids with a complete response, which measures count, and the constants
// of the fast path.
func prepareMeasures(s *scorer, active []int) {
	best := make([]num, len(s.asked))
	bestD := make([]decimal.Decimal, len(s.asked))
	exp := make([]int32, len(s.asked))
	for a := range best {
		best[a] = num{ok: true}
		exp[a] = minExp(0, s.asked[a].score.Target)
	}
	for _, i := range active {
		st := &s.st[i]
		if st.svIncomplete {
			continue
		}
		from, to := int(st.line), int(st.line)+len(s.bids[i].SocialValue.Commitments)
		for l := from; l < to; l++ {
			a := s.askOf[s.g.lineK[l]]
			if a < 0 {
				continue
			}
			x := s.g.lineQ[l]
			if x.ok && x.c != 0 {
				exp[a] = min(exp[a], x.e)
			}
			if c, ok := cmpNum(x, best[a]); (ok && c > 0) || (!ok && cmpDec(s.lines[l].Quantity, bestD[a]) > 0) {
				best[a], bestD[a] = x, s.lines[l].Quantity
			}
		}
	}
	// The weights of the measures that count, as integers at one exponent.
	sum := new(big.Rat)
	ew := int32(0)
	for a := range s.asked {
		m := &s.asked[a]
		m.score.Best = bestD[a]
		m.score.Counted = m.score.Best.IsPositive() && m.score.Weight.IsPositive()
		if !m.score.Counted {
			continue
		}
		m.w = rat(m.score.Weight)
		sum.Add(sum, m.w)
		m.r, m.rN = rat(m.score.Best), best[a]
		if m.score.Target.IsPositive() {
			m.r, m.rN = rat(m.score.Target), numOf(m.score.Target)
		}
		ew = min(ew, m.score.Weight.Exponent())
	}
	// Each term's weight is w / Σw, exactly; the fast path keeps w and Σw
	// as integers at exponent ew.
	var wsum uint64
	qN13, qD, sumOK := fraction13(s.t.Criteria.SocialValue.QuantitativeWeight)
	weights := make([]uint64, len(s.asked))
	for a := range s.asked {
		m := &s.asked[a]
		if !m.score.Counted {
			continue
		}
		m.w.Quo(m.w, sum)
		w, ok := scaled(m.score.Weight, ew)
		var carry uint64
		wsum, carry = addU(wsum, w)
		weights[a] = w
		sumOK = sumOK && ok && carry == 0
	}
	for a := range s.asked {
		m := &s.asked[a]
		if !m.score.Counted || !sumOK {
			continue
		}
		m.e = exp[a]
		var ok1, ok2, ok3 bool
		m.ref, ok1 = m.rN.at(m.e)
		m.a, ok2 = mul(qN13, weights[a])
		m.d, ok3 = mul(qD, wsum)
		if ok3 {
			m.d, ok3 = mul(m.d, m.ref)
		}
		m.ok = ok1 && ok2 && ok3 && m.ref != 0
	}
}

func addU(a, b uint64) (uint64, uint64) {
	s := a + b
	if s < a {
		return s, 1
	}
	return s, 0
}

// exactMeasures is the bid's quantitative points under method Measures,
// exactly; it sets each line's Points.
func exactMeasures(s *scorer, i int) *big.Rat {
	st := &s.st[i]
	total := new(big.Rat)
	from, to := int(st.line), int(st.line)+len(s.bids[i].SocialValue.Commitments)
	for l := from; l < to; l++ {
		a := s.askOf[s.g.lineK[l]]
		if a < 0 || !s.asked[a].score.Counted {
			continue
		}
		m := &s.asked[a]
		x := new(big.Rat).Quo(rat(s.lines[l].Quantity), m.r)
		if x.Cmp(ratOne) > 0 {
			x.SetInt64(1)
		}
		x.Mul(x, m.w).Mul(x, s.wsvq) // Q × wₘ/Σw × min(1, x/R)
		s.lines[l].Points = PointsOf(x)
		total.Add(total, x)
	}
	return total
}

// fastMeasures is exactMeasures on the 64-bit path: one part per term.
func fastMeasures(s *scorer, i int) (fx, uint32, bool) {
	st := &s.st[i]
	var sum fx
	var m uint32
	from, to := int(st.line), int(st.line)+len(s.bids[i].SocialValue.Commitments)
	for l := from; l < to; l++ {
		a := s.askOf[s.g.lineK[l]]
		if a < 0 {
			continue
		}
		am := &s.asked[a]
		if !am.score.Counted {
			continue
		}
		x, ok := s.g.lineQ[l].at(am.e)
		if !am.ok || !ok {
			return fx{}, 0, false
		}
		p, ok := mulDiv(am.a, min(x, am.ref), am.d)
		if !ok {
			return fx{}, 0, false
		}
		v, inexact := p.fx()
		s.lines[l].Points = Points{int64(v.hi / 10)}
		sum = sum.add(v)
		m += uint32(b2u(inexact))
	}
	return sum, m, true
}
