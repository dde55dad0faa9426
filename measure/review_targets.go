package measure

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// PerPoundPlaces is the number of decimal places of social value per £1
// of contract value in JSON and CSV, rounded half-up; Markdown and HTML
// show pence (2 places). Its exact numerator and denominator are beside it.
const PerPoundPlaces = 4

var hundred = decimal.NewFromInt(100)

// TargetResult is a target judged: the actual figure, how much of the
// target it reached and its RAG rating. The actual is Numerator /
// Denominator exactly: for a percentage metric the numerator is the part
// (£) and the denominator the whole (£), and Actual is their ratio × 100;
// for the others Denominator is 1.
type TargetResult struct {
	Target
	// Year is the financial year judged.
	Year tom.Year
	// OK is false when the actual cannot be worked out (a share of
	// contract value with no register or no value in the year); RAG is
	// then empty.
	OK bool
	// Actual is the figure reached: £, a percentage (rounded to
	// PercentPlaces, for display) or a quantity (exact).
	Actual                 decimal.Decimal
	Numerator, Denominator decimal.Decimal // Actual = Numerator / Denominator (× 100 for a percentage metric)
	// Basis says what the actual counts and what it is divided by.
	Basis string
	RAG   RAG // red, amber or green by the target's Bands; empty unless OK
	// Previous is the same figure for the year before, when the review
	// covers it (PreviousOK).
	Previous   decimal.Decimal
	PreviousOK bool // Previous was worked out: the review covers the year before and its actual is known
}

// PercentOfTarget returns the actual as a percentage of the target,
// rounded half-up to places.
func (t TargetResult) PercentOfTarget(places int32) (decimal.Decimal, bool) {
	if !t.OK {
		return decimal.Decimal{}, false
	}
	// actual / target × 100 = Numerator × k / (Denominator × target) × 100
	num := t.Numerator.Mul(hundred)
	if t.Metric.Percent() {
		num = num.Mul(hundred)
	}
	return num.DivRound(t.Denominator.Mul(t.Target.Target), places), true
}

// rate judges num / den (× 100 for a percentage metric) against the
// target, exactly: actual × 100 ≥ target × band ⇔ num × k × 100 ≥ target ×
// band × den.
func rate(t Target, num, den decimal.Decimal) RAG {
	a := num.Mul(hundred)
	if t.Metric.Percent() {
		a = a.Mul(hundred)
	}
	switch {
	case a.GreaterThanOrEqual(t.Target.Mul(t.Bands.Green).Mul(den)):
		return Green
	case a.GreaterThanOrEqual(t.Target.Mul(t.Bands.Amber).Mul(den)):
		return Amber
	}
	return Red
}

// ContractReview is one register contract in the review: its value, the
// social value delivered on it, that per £1 of value, and its commitments
// over its life.
type ContractReview struct {
	Contract Contract // the register entry
	// Year is the financial year valued; zero for the contract's whole
	// term and every year read.
	Year tom.Year
	// Value is the contract's value in Year (see Contract.YearValues), or
	// its whole value.
	Value decimal.Decimal
	// SocialValue is the £ social value delivered on the contract in Year
	// (or in every year read), by any supplier.
	SocialValue decimal.Decimal
	// Lifetime compares, per measure, everything committed and delivered on
	// the contract in the years read.
	Lifetime []LifetimeCommitment
}

// PerPound returns the social value delivered per £1 of contract value,
// rounded half-up to places; ok is false when the value is zero.
func (c ContractReview) PerPound(places int32) (decimal.Decimal, bool) {
	if c.Value.IsZero() {
		return decimal.Decimal{}, false
	}
	return c.SocialValue.DivRound(c.Value, places), true
}

// LifetimeCommitment is one measure of a contract over the years read:
// the commitments of every year added up, and every delivery.
type LifetimeCommitment struct {
	Measure   string          // a measure id of the framework
	Unit      tom.Unit        // the measure's unit, that Committed and Delivered are in
	Committed decimal.Decimal // the commitments of every year read, added up
	Delivered decimal.Decimal // every delivery on the contract in the years read, by any supplier
	// Progress judges Delivered against Committed over the part of the
	// contract's term that the commitments read cover (the whole term when
	// every year is read) as Progress does a year: met, missed once that
	// part has ended short, not started, else on track or behind by the
	// share of it elapsed at the review date.
	Progress Progress
}

// Percent returns delivered as a percentage of committed, rounded half-up.
func (l LifetimeCommitment) Percent(places int32) (decimal.Decimal, bool) {
	if l.Committed.IsZero() {
		return decimal.Decimal{}, false
	}
	return l.Delivered.Mul(hundred).DivRound(l.Committed, places), true
}

// SpendAgainstTotal is spend with SMEs, VCSEs and local suppliers as
// shares of total spend: the value in the year of every contract in the
// register. Spend with a category is direct, the year's value of the
// contracts whose supplier the register flags (an SME holding a contract:
// all of it is spend with an SME), plus indirect, the spend that suppliers
// not so flagged reported, flagged yes, on register contracts (their
// supply chains). Direct contracts' own reported spend is not added again.
type SpendAgainstTotal struct {
	Year tom.Year // the financial year
	// Total is the register's value in Year; Contracts counts the
	// contracts running in it.
	Total     decimal.Decimal
	Contracts int        // see Total
	SME       TotalShare // spend with SMEs
	VCSE      TotalShare // spend with VCSEs
	Local     TotalShare // spend with local suppliers
}

// TotalShare is one category's spend against total spend.
type TotalShare struct {
	Direct, Indirect decimal.Decimal // £, exact: the flagged contracts' value in the year, and the flagged spend other suppliers reported
}

// Spend is Direct + Indirect.
func (s TotalShare) Spend() decimal.Decimal { return s.Direct.Add(s.Indirect) }

// Percent returns the share of total, rounded half-up to places.
func (s SpendAgainstTotal) Percent(part TotalShare, places int32) (decimal.Decimal, bool) {
	if s.Total.IsZero() {
		return decimal.Decimal{}, false
	}
	return part.Spend().Mul(hundred).DivRound(s.Total, places), true
}

// YearChange is one figure this year beside the year before: a theme's £
// social value or quantity in one unit (Unit empty for £).
type YearChange struct {
	ThisYear, LastYear tom.Year        // the two financial years compared
	Theme, Name        string          // the theme's id and title
	Unit               tom.Unit        // the unit compared; empty for £ social value
	This, Last         decimal.Decimal // the figure in ThisYear and in LastYear, exact
}

// Change is This − Last.
func (c YearChange) Change() decimal.Decimal { return c.This.Sub(c.Last) }

// ChangePercent is the change as a percentage of Last, rounded half-up;
// ok is false when Last is zero.
func (c YearChange) ChangePercent(places int32) (decimal.Decimal, bool) {
	if c.Last.IsZero() {
		return decimal.Decimal{}, false
	}
	return c.Change().Mul(hundred).DivRound(c.Last, places), true
}

// judgedYear is the year the targets, contract values and shares are
// worked out for: the targets' year, else the review's, else the only
// year in the data; zero when the data spans several years and nothing
// says which (the contracts are then valued over their whole terms).
func (rv *Review) judgedYear(ts *Targets) tom.Year {
	switch {
	case ts != nil:
		return ts.Year
	case !rv.Year.IsZero():
		return rv.Year
	case len(rv.Years) == 1:
		return tom.MustYear(rv.Years[0].Key)
	}
	return tom.Year{}
}

// against works out the register, targets, total-spend shares and the
// year-on-year comparison of the review.
func (rv *Review) against(register []Contract, ts *Targets) {
	y := rv.judgedYear(ts)
	rv.JudgedYear = y
	in := func(c Cell) bool { return y.IsZero() || c.Year == y }
	if len(register) > 0 {
		rv.Register = rv.contractReviews(register, y, in)
		rv.TotalSpend = rv.totalSpend(register, y)
	}
	if ts != nil {
		prev := tom.YearStarting(y.Start() - 1)
		hasPrev := false
		for _, g := range rv.Years {
			hasPrev = hasPrev || g.Key == prev.String()
		}
		for _, t := range ts.Targets {
			r := rv.judge(t, y, register)
			if hasPrev {
				p := rv.judge(t, prev, register)
				r.Previous, r.PreviousOK = p.Actual, p.OK
			}
			rv.Targets = append(rv.Targets, r)
		}
	}
	rv.YearOnYear = rv.yearOnYear()
}

func (rv *Review) contractReviews(register []Contract, y tom.Year, in func(Cell) bool) []ContractReview {
	type cm struct{ contract, measure string }
	delivered := map[cm]decimal.Decimal{}
	sv := map[string]decimal.Decimal{}
	for _, c := range rv.cells {
		delivered[cm{c.Contract, c.Measure}] = delivered[cm{c.Contract, c.Measure}].Add(c.Quantity)
		if in(c) {
			sv[c.Contract] = sv[c.Contract].Add(c.SocialValue)
		}
	}
	committed := map[cm]decimal.Decimal{}
	first, last := map[cm]tom.Year{}, map[cm]tom.Year{}
	var order []cm
	for _, c := range rv.Commitments {
		k := cm{c.Contract, c.Measure}
		if _, ok := committed[k]; !ok {
			order = append(order, k)
			first[k] = c.Year
		}
		committed[k] = committed[k].Add(c.Committed)
		last[k] = c.Year
	}
	known := map[string]bool{}
	var out []ContractReview
	for _, c := range register {
		known[c.ID] = true
		cr := ContractReview{Contract: c, Year: y, Value: c.Value, SocialValue: sv[c.ID]}
		if !y.IsZero() {
			cr.Value = c.ValueIn(y)
		}
		for _, k := range order {
			if k.contract != c.ID {
				continue
			}
			m, _ := rv.framework.Measure(k.measure)
			l := LifetimeCommitment{Measure: k.measure, Unit: m.Unit, Committed: committed[k], Delivered: delivered[k]}
			// judged over the part of the term the commitments read cover:
			// from the later of the start and the first year's 1 April to
			// the earlier of the day after the end and the last year's end
			start := later(c.Start, time.Date(first[k].Start(), time.April, 1, 0, 0, 0, 0, time.UTC))
			end := time.Date(c.End.Year(), c.End.Month(), c.End.Day()+1, 0, 0, 0, 0, time.UTC)
			if e := time.Date(last[k].Start()+1, time.April, 1, 0, 0, 0, 0, time.UTC); e.Before(end) {
				end = e
			}
			l.Progress = progressOver(l.Committed, l.Delivered, start, end, rv.AsOf)
			cr.Lifetime = append(cr.Lifetime, l)
		}
		out = append(out, cr)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Contract.ID < out[j].Contract.ID })
	var missing []string
	for _, g := range rv.Contracts {
		if !known[g.Key] {
			missing = append(missing, g.Key)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		rv.Notes = append(rv.Notes, fmt.Sprintf("Deliveries were reported on %s not in the contract register (%s): they count in the totals but not in the register's value, social value per £1 or shares of total spend.",
			pluralWord(len(missing), "contract", "contracts"), strings.Join(missing, ", ")))
	}
	return out
}

func (rv *Review) totalSpend(register []Contract, y tom.Year) *SpendAgainstTotal {
	if y.IsZero() {
		return nil
	}
	s := &SpendAgainstTotal{Year: y}
	direct := map[string][3]bool{}
	for _, c := range register {
		v := c.ValueIn(y)
		if v.IsZero() && !runsIn(c, y) {
			continue
		}
		s.Contracts++
		s.Total = s.Total.Add(v)
		d := [3]bool{c.SME == AnswerYes, c.VCSE == AnswerYes, c.Local == AnswerYes}
		direct[c.ID] = d
		for i, sh := range []*TotalShare{&s.SME, &s.VCSE, &s.Local} {
			if d[i] {
				sh.Direct = sh.Direct.Add(v)
			}
		}
	}
	for _, c := range rv.cells {
		d, ok := direct[c.Contract]
		if c.Spend == nil || c.Year != y || !ok {
			continue
		}
		for i, p := range []struct {
			sh   *TotalShare
			part decimal.Decimal
		}{{&s.SME, c.Spend.SME}, {&s.VCSE, c.Spend.VCSE}, {&s.Local, c.Spend.Local}} {
			if !d[i] {
				p.sh.Indirect = p.sh.Indirect.Add(p.part)
			}
		}
	}
	return s
}

func runsIn(c Contract, y tom.Year) bool {
	for _, v := range c.YearValues() {
		if v.Year == y {
			return true
		}
	}
	return false
}

// judge works out one target's actual for year y.
func (rv *Review) judge(t Target, y tom.Year, register []Contract) TargetResult {
	r := TargetResult{Target: t, Year: y, Denominator: decimal.NewFromInt(1), OK: true}
	fw := rv.framework
	sum := func(keep func(Cell, tom.Measure) bool, val func(Cell) decimal.Decimal) decimal.Decimal {
		s := decimal.Zero
		for _, c := range rv.cells {
			m, _ := fw.Measure(c.Measure)
			if c.Year == y && keep(c, m) {
				s = s.Add(val(c))
			}
		}
		return s
	}
	value := func(c Cell) decimal.Decimal { return c.SocialValue }
	quantity := func(c Cell) decimal.Decimal { return c.Quantity }
	switch t.Metric {
	case SocialValueTarget:
		r.Numerator = sum(func(Cell, tom.Measure) bool { return true }, value)
		r.Basis = fmt.Sprintf("£ social value delivered in %s", y)
	case MeasureTarget:
		r.Numerator = sum(func(c Cell, _ tom.Measure) bool { return c.Measure == t.Measure }, quantity)
		m, _ := fw.Measure(t.Measure)
		r.Basis = fmt.Sprintf("%s delivered in %s, in %s", m.Name, y, rv.unitName(m.Unit))
	case ThemeTarget:
		if t.Unit == "" {
			r.Numerator = sum(func(_ Cell, m tom.Measure) bool { return m.Theme == t.Theme }, value)
			r.Basis = fmt.Sprintf("£ social value delivered under the theme in %s", y)
		} else {
			r.Numerator = sum(func(_ Cell, m tom.Measure) bool { return m.Theme == t.Theme && m.Unit == t.Unit }, quantity)
			r.Basis = fmt.Sprintf("%s delivered under the theme's measures in %s", rv.unitName(t.Unit), y)
		}
	case SocialValueRateTarget:
		inRegister := map[string]bool{}
		den := decimal.Zero
		for _, c := range register {
			inRegister[c.ID] = true
			den = den.Add(c.ValueIn(y))
		}
		r.Numerator = sum(func(c Cell, _ tom.Measure) bool { return inRegister[c.Contract] }, value)
		r.Denominator = den
		r.Basis = fmt.Sprintf("£ social value delivered in %s on the register's contracts ÷ their value in %s", y, y)
		if len(register) == 0 {
			r.OK, r.Basis = false, "needs a contract register (the contracts' values)"
		}
	case SMEShareTarget, VCSEShareTarget, LocalShareTarget:
		i := map[Metric]int{SMEShareTarget: 0, VCSEShareTarget: 1, LocalShareTarget: 2}[t.Metric]
		if len(register) > 0 {
			s := rv.totalSpend(register, y)
			r.Numerator, r.Denominator = []TotalShare{s.SME, s.VCSE, s.Local}[i].Spend(), s.Total
			r.Basis = fmt.Sprintf("spend in %s with them directly (contracts they hold) and in supply chains (spend reported) ÷ total spend: the register's contract value in %s", y, y)
		} else {
			var sh SpendShares
			for _, c := range rv.cells {
				if c.Spend != nil && c.Year == y {
					sh.Total = sh.Total.Add(c.Quantity)
					sh.SME, sh.VCSE, sh.Local = sh.SME.Add(c.Spend.SME), sh.VCSE.Add(c.Spend.VCSE), sh.Local.Add(c.Spend.Local)
				}
			}
			r.Numerator, r.Denominator = []decimal.Decimal{sh.SME, sh.VCSE, sh.Local}[i], sh.Total
			r.Basis = fmt.Sprintf("spend reported by suppliers in %s only, flagged yes ÷ all spend reported (no contract register given, so not total spend: this overstates the share)", y)
		}
	}
	if t.Metric.Percent() {
		if r.Denominator.IsZero() {
			r.OK = false
			if r.Basis == "" || !strings.HasPrefix(r.Basis, "needs") {
				r.Basis += fmt.Sprintf("; nothing to divide by in %s", y)
			}
		} else {
			r.Actual = r.Numerator.Mul(hundred).DivRound(r.Denominator, PercentPlaces)
		}
	} else {
		r.Actual = r.Numerator
	}
	if r.OK {
		r.RAG = rate(t, r.Numerator, r.Denominator)
	}
	return r
}

func (rv *Review) unitName(u tom.Unit) string {
	if n := rv.unitNames[string(u)]; n != "" {
		return n
	}
	return string(u)
}

// yearOnYear compares the latest year of the data with the one before it,
// per theme: £ social value, and the quantity in each unit.
func (rv *Review) yearOnYear() []YearChange {
	if len(rv.Years) < 2 {
		return nil
	}
	this := tom.MustYear(rv.Years[len(rv.Years)-1].Key)
	last := tom.YearStarting(this.Start() - 1)
	type key struct {
		theme string
		unit  tom.Unit
	}
	type pair struct{ this, last decimal.Decimal }
	vals := map[key]*pair{}
	fw := rv.framework
	add := func(k key, y tom.Year, v decimal.Decimal) {
		p := vals[k]
		if p == nil {
			p = &pair{}
			vals[k] = p
		}
		if y == this {
			p.this = p.this.Add(v)
		} else {
			p.last = p.last.Add(v)
		}
	}
	for _, c := range rv.cells {
		if c.Year != this && c.Year != last {
			continue
		}
		m, _ := fw.Measure(c.Measure)
		if m.Financial {
			add(key{m.Theme, ""}, c.Year, c.SocialValue)
		}
		add(key{m.Theme, m.Unit}, c.Year, c.Quantity)
	}
	var out []YearChange
	for _, th := range fw.Themes() {
		for _, u := range append([]tom.UnitInfo{{}}, fw.Units()...) {
			if p := vals[key{th.ID, u.ID}]; p != nil {
				out = append(out, YearChange{ThisYear: this, LastYear: last, Theme: th.ID, Name: th.Name, Unit: u.ID, This: p.this, Last: p.last})
			}
		}
	}
	return out
}

// progressOver judges delivered against committed over the days from start
// up to (not including) end, at asOf: met, not started, missed when asOf
// is on or after end and delivered is short, else on track when
// delivered / committed ≥ the share of the days elapsed up to and
// including asOf, behind when not. Exact (cross multiplied).
func progressOver(committed, delivered decimal.Decimal, start, end, asOf time.Time) Progress {
	const day = 24 * time.Hour
	asOfDay := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case delivered.GreaterThanOrEqual(committed):
		return ProgressMet
	case !asOfDay.Before(end):
		return ProgressMissed
	case delivered.IsZero():
		return ProgressNotStarted
	}
	days := int64(end.Sub(start) / day)
	elapsed := max(0, min(int64(asOfDay.Sub(start)/day)+1, days))
	if delivered.Mul(decimal.NewFromInt(days)).GreaterThanOrEqual(committed.Mul(decimal.NewFromInt(elapsed))) {
		return ProgressOnTrack
	}
	return ProgressBehind
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
