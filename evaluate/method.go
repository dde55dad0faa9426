package evaluate

import (
	"fmt"
	"maps"
	"math/big"
	"math/bits"
	"slices"
	"strings"

	"github.com/socialvalue-toms/toms/tom"
)

// The scoring methods, each defined once.
//
// A method is one entry of priceMethods or socialValueMethods: its name, the
// parameters it reads (which loading requires and JSON and the award table
// show), how they are checked, its formula as the documentation and the
// award table write it, its exact definition on rationals (the reference),
// and optionally a 64-bit fast path (see fastConsts). The fast path must
// give exactly the floors of the exact definition; TestFastPathIsExact
// checks that for every entry of both tables, so adding a method means
// adding an entry here and nothing else in the scorer.

// param is a parameter that a method reads from its criterion.
type param struct {
	// field is the parameter's name in the tender file, under
	// criteria.price or criteria.socialValue.
	field string
	// need says what a tender using the method without it must give.
	need string
}

// badFunc reports a problem with a field of a criterion, by its name in
// the tender file under the criterion (such as "ceiling").
type badFunc func(field, format string, args ...any)

// priceMethod defines a price scoring method. W is the price weight, P the
// bid's price, Pmin the lowest price among the bids still in the evaluation.
type priceMethod struct {
	name    PriceMethod
	formula string
	// describe writes the formula with the tender's values for the award
	// table; lowest is Pmin as the table shows it.
	describe func(c PriceCriterion, lowest string) string
	params   []param
	// check validates the method's parameters (nil: nothing to check).
	check func(p PriceCriterion, bad badFunc)
	// exact is the bid's price points for price p, as an exact rational.
	exact func(s *scorer, p *big.Rat) *big.Rat
	// fast is the price points × 10¹³ as a part, for price p at exponent
	// s.fast.ep (see fastConsts); ok false hands the bid to exact.
	fast func(s *scorer, p uint64) (part, bool)
}

// socialValueMethod defines a quantitative social value method. Q is the
// quantitative weight; V the bid's £ social value (see Valuation).
type socialValueMethod struct {
	name    SocialValueMethod
	formula string
	// describe writes the quantitative formula with the tender's values
	// for the award table; highest is Vmax as the table shows it.
	describe func(r *Result, highest string) string
	params   []param
	// valued is true for a method that scores V, the £ value of the
	// commitments (so the tender's Valuation applies to it).
	valued bool
	// check validates the method's parameters (nil: nothing to check).
	check func(t *Tender, bad badFunc)
	// exact is the quantitative points of bid i, which is in the
	// evaluation with a complete response, as an exact rational.
	exact func(s *scorer, i int) *big.Rat
	// fast is those points × 10¹³ as a sum of floors with its count of
	// inexact ones (see component); ok false hands the bid to exact.
	fast func(s *scorer, i int) (v fx, inexact uint32, ok bool)
	// init, when not nil, sets the method's state up before the
	// commitments are valued, and prepare computes its benchmarks over the
	// active bids after they are.
	init    func(s *scorer, fw *tom.Framework)
	prepare func(s *scorer, active []int)
}

// priceMethods are the price methods; the first is the default.
var priceMethods = []priceMethod{
	{
		name:    Lowest,
		formula: "W × Pmin / P",
		describe: func(c PriceCriterion, lowest string) string {
			return fmt.Sprintf("%s × %s / price", c.Weight, lowest)
		},
		exact: func(s *scorer, p *big.Rat) *big.Rat { return ratio(s.wp, s.pminR, p) },
		fast: func(s *scorer, p uint64) (part, bool) {
			fc := &s.fast
			d, ok := mul(fc.wpD, p)
			if !ok {
				return part{}, false
			}
			return mulDiv(fc.wpN13, fc.pmin, d)
		},
	},
	{
		name:    Linear,
		formula: "W × (1 − (P − Pmin) / Pmin), at least 0",
		describe: func(c PriceCriterion, lowest string) string {
			return fmt.Sprintf("%s × (1 − (price − %s) / %s), at least 0", c.Weight, lowest, lowest)
		},
		exact: func(s *scorer, p *big.Rat) *big.Rat { // W × (2·Pmin − P) / Pmin, floored at 0
			x := new(big.Rat).Sub(new(big.Rat).Add(s.pminR, s.pminR), p)
			if x.Sign() <= 0 {
				return ratZero
			}
			return ratio(s.wp, x, s.pminR)
		},
		fast: func(s *scorer, p uint64) (part, bool) {
			fc := &s.fast
			if p-fc.pmin >= fc.pmin {
				return zeroPart, true
			}
			d, ok := mul(fc.wpD, fc.pmin)
			if !ok {
				return part{}, false
			}
			return mulDiv(fc.wpN13, fc.pmin-(p-fc.pmin), d)
		},
	},
	{
		name:    Budget,
		formula: "W × (Ceiling − P) / (Ceiling − Floor), within [0, W]",
		describe: func(c PriceCriterion, _ string) string {
			return fmt.Sprintf("%s × (£%s − price) / (£%s − £%s), within 0 to %s", c.Weight, money(c.Ceiling), money(c.Ceiling), money(c.Floor), c.Weight)
		},
		params: []param{{"floor", "method budget needs both floor and ceiling (£)"}, {"ceiling", "method budget needs both floor and ceiling (£)"}},
		check: func(p PriceCriterion, bad badFunc) {
			if p.Floor.IsNegative() {
				bad("floor", "is %s; it cannot be negative", p.Floor)
			}
			if p.Ceiling.LessThanOrEqual(p.Floor) {
				bad("ceiling", "is %s; it must be above the floor (%s)", p.Ceiling, p.Floor)
			}
		},
		exact: func(s *scorer, p *big.Rat) *big.Rat {
			switch {
			case p.Cmp(s.ceil) >= 0:
				return ratZero
			case p.Cmp(s.floor) <= 0:
				return s.wp
			}
			return ratio(s.wp, new(big.Rat).Sub(s.ceil, p), new(big.Rat).Sub(s.ceil, s.floor))
		},
		fast: func(s *scorer, p uint64) (part, bool) {
			fc := &s.fast
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
		},
	},
}

// socialValueMethods are the quantitative social value methods; the first
// is the default.
var socialValueMethods = []socialValueMethod{
	{
		name:    Highest,
		formula: "Q × V / Vmax (0 when every V is £0)",
		describe: func(r *Result, highest string) string {
			sv := r.Criteria.SocialValue
			if r.Ranked() > 0 && r.HighestSocialValue.IsZero() {
				return fmt.Sprintf("%s × %s / highest offer (every offer is £0: 0 points)", sv.QuantitativeWeight, valueName(sv))
			}
			return fmt.Sprintf("%s × %s / %s", sv.QuantitativeWeight, valueName(sv), highest)
		},
		valued: true,
		exact: func(s *scorer, i int) *big.Rat {
			v := s.values[i]
			if v.IsZero() { // every V is £0 when Vmax is
				return ratZero
			}
			return ratio(s.wsvq, rat(v), s.vmaxR)
		},
		fast: func(s *scorer, i int) (fx, uint32, bool) {
			fc := &s.fast
			v, ok := s.st[i].valueN.at(fc.ev)
			if !fc.svOK || !ok {
				return fx{}, 0, false
			}
			if v == 0 {
				return fx{}, 0, true
			}
			d, ok := mul(fc.svqD, fc.vmax)
			if !ok {
				return fx{}, 0, false
			}
			return single(mulDiv(fc.svqN13, v, d))
		},
	},
	{
		name:    Target,
		formula: "Q × min(1, (V / P) / target)",
		describe: func(r *Result, _ string) string {
			sv := r.Criteria.SocialValue
			return fmt.Sprintf("%s × min(1, (%s / price) / %s)", sv.QuantitativeWeight, valueName(sv), sv.Target)
		},
		params: []param{{"target", "method target needs a target ratio of £ social value per £ of price, such as \"0.25\""}},
		valued: true,
		check: func(t *Tender, bad badFunc) {
			if sv := t.Criteria.SocialValue; !sv.Target.IsPositive() {
				bad("target", "is %s; the target ratio must be above zero", sv.Target)
			}
		},
		exact: func(s *scorer, i int) *big.Rat {
			v := s.values[i]
			if v.IsZero() {
				return ratZero
			}
			r := new(big.Rat).Quo(rat(v), new(big.Rat).Mul(rat(s.bids[i].Price), s.target))
			if r.Cmp(ratOne) >= 0 {
				return s.wsvq
			}
			return r.Mul(r, s.wsvq)
		},
		fast: func(s *scorer, i int) (fx, uint32, bool) {
			// V / (P × T) against 1, with V and P at one scale.
			fc, st := &s.fast, &s.st[i]
			if !fc.targetOK || !fc.svOK {
				return fx{}, 0, false
			}
			vt, ok1 := st.valueN.at(fc.et)
			pt, ok2 := s.g.price[i].at(fc.et)
			if !ok1 || !ok2 {
				return fx{}, 0, false
			}
			if vt == 0 {
				return fx{}, 0, true
			}
			vh, vl := bits.Mul64(vt, fc.tD)
			ph, pl := bits.Mul64(pt, fc.tN)
			if vh > ph || (vh == ph && vl >= pl) { // ratio ≥ target: full weight
				return single(mulDiv(fc.svqN13, 1, fc.svqD))
			}
			x, ok1 := mul(vt, fc.tD)
			d, ok2 := mul(fc.svqD, fc.tN)
			if ok2 {
				d, ok2 = mul(d, pt)
			}
			if !ok1 || !ok2 {
				return fx{}, 0, false
			}
			return single(mulDiv(fc.svqN13, x, d))
		},
	},
	{
		name:    Measures,
		formula: "Q × Σ wₘ × min(1, xₘ / Rₘ) / Σ wₘ",
		describe: func(r *Result, _ string) string {
			return fmt.Sprintf("%s × Σ weight × min(1, quantity / reference) / Σ weight, over the measures below that count",
				r.Criteria.SocialValue.QuantitativeWeight)
		},
		params: []param{{"measures", "method measures scores the measures the tender lists: give measures, with a weight and target for any that need them"}},
		check: func(t *Tender, bad badFunc) {
			if len(t.Criteria.SocialValue.Measures) == 0 {
				bad("measures", "method measures scores the measures the tender lists; list at least one")
			}
		},
		exact:   exactMeasures,
		fast:    fastMeasures,
		init:    askMeasures,
		prepare: prepareMeasures,
	},
}

// checkSocialValueMethod checks the tender's social value method and its
// parameters, the valuation and the measures' weights and targets; bad
// reports a problem at a field's dotted path, reported says whether the
// loader reported a field already (missing or unreadable).
func (t *Tender) checkSocialValueMethod(bad badFunc, reported func(field string) bool) {
	sv := t.Criteria.SocialValue
	m := sv.def()
	if m == nil {
		bad("criteria.socialValue.method", "is %q; use %s", sv.Method, socialValueMethodNames())
	} else if m.check != nil {
		m.check(t, func(field, format string, args ...any) {
			if f := "criteria.socialValue." + field; !reported(f) {
				bad(f, format, args...)
			}
		})
	}
	switch sv.valuation() {
	case Plain:
	case Weighted:
		if m != nil && !m.valued {
			bad("criteria.socialValue.valuation", "valuation weighted applies to the methods that score the £ value of commitments (highest, target); method %s weights each measure itself", m.name)
		}
	default:
		bad("criteria.socialValue.valuation", "is %q; use %s", sv.Valuation, oneOf(Plain, Weighted))
	}
	if len(sv.MeasureCriteria) > 0 && sv.method() != Measures {
		bad("criteria.socialValue.measures", "a measure's weight and target are for method measures; the method is %s", sv.method())
	}
	for i, id := range sv.Measures {
		mc, ok := sv.MeasureCriteria[id]
		if !ok {
			continue
		}
		f := fmt.Sprintf("criteria.socialValue.measures[%d]", i)
		if mc.Weight.IsNegative() {
			bad(f+".weight", "is %s; a weight cannot be negative", mc.Weight)
		}
		if mc.Target.IsNegative() {
			bad(f+".target", "is %s; a target quantity cannot be negative", mc.Target)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(sv.MeasureCriteria)) {
		if !slices.Contains(sv.Measures, id) {
			bad("criteria.socialValue.measures", "measure %q has a weight or target but is not one of the measures listed", id)
		}
	}
}

// valueName is what the award table calls V.
func valueName(sv SocialValueCriterion) string {
	if sv.valuation() == Weighted {
		return "weighted £ value"
	}
	return "£ value"
}

// single is a fast path's result made of one part.
func single(p part, ok bool) (fx, uint32, bool) {
	if !ok {
		return fx{}, 0, false
	}
	v, inexact := p.fx()
	return v, uint32(b2u(inexact)), true
}

// def returns the price method's definition; nil for an unknown method.
func (p PriceCriterion) def() *priceMethod {
	m := p.method()
	for i := range priceMethods {
		if priceMethods[i].name == m {
			return &priceMethods[i]
		}
	}
	return nil
}

// def returns the social value method's definition; nil for an unknown method.
func (s SocialValueCriterion) def() *socialValueMethod {
	m := s.method()
	for i := range socialValueMethods {
		if socialValueMethods[i].name == m {
			return &socialValueMethods[i]
		}
	}
	return nil
}

func (p PriceCriterion) method() PriceMethod {
	if p.Method == "" {
		return priceMethods[0].name
	}
	return p.Method
}

func (s SocialValueCriterion) valuation() Valuation {
	if s.Valuation == "" {
		return Plain
	}
	return s.Valuation
}

func (s SocialValueCriterion) method() SocialValueMethod {
	if s.Method == "" {
		return socialValueMethods[0].name
	}
	return s.Method
}

// oneOf lists names as "a, b or c".
func oneOf[T ~string](names ...T) string {
	var b strings.Builder
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(n))
	}
	return b.String()
}

func priceMethodNames() string {
	var ns []PriceMethod
	for _, m := range priceMethods {
		ns = append(ns, m.name)
	}
	return oneOf(ns...)
}

func socialValueMethodNames() string {
	var ns []SocialValueMethod
	for _, m := range socialValueMethods {
		ns = append(ns, m.name)
	}
	return oneOf(ns...)
}
