package measure

import (
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

// The review against targets and the contract register in JSON and CSV:
// the same rules as the rest of the report (exact money and quantities,
// percentages rounded half-up to PercentPlaces, social value per £1 to
// PerPoundPlaces, with their exact numerators and denominators beside).

type jsonTarget struct {
	Name            string  `json:"name"`
	Metric          string  `json:"metric"`
	Measure         string  `json:"measure,omitempty"`
	Theme           string  `json:"theme,omitempty"`
	Unit            string  `json:"unit"`
	Year            string  `json:"year"`
	Target          string  `json:"target"`
	Actual          *string `json:"actual"`
	Numerator       string  `json:"numerator"`
	Denominator     string  `json:"denominator"`
	PercentOfTarget *string `json:"percentOfTarget"`
	RAG             *string `json:"rag"`
	Green           string  `json:"green"`
	Amber           string  `json:"amber"`
	Basis           string  `json:"basis"`
	Previous        *string `json:"previous"`
}

type jsonContractReview struct {
	Contract    string         `json:"contract"`
	Title       string         `json:"title"`
	Supplier    string         `json:"supplier"`
	Year        *string        `json:"year"`
	Value       string         `json:"value"`
	SocialValue string         `json:"socialValue"`
	PerPound    *string        `json:"perPound"`
	Lifetime    []jsonLifetime `json:"lifetime"`
}

type jsonLifetime struct {
	Measure   string  `json:"measure"`
	Unit      string  `json:"unit"`
	Committed string  `json:"committed"`
	Delivered string  `json:"delivered"`
	Percent   *string `json:"percent"`
	Status    string  `json:"status"`
}

type jsonTotalSpend struct {
	Year      string         `json:"year"`
	Total     string         `json:"total"`
	Contracts int            `json:"contracts"`
	SME       jsonTotalShare `json:"sme"`
	VCSE      jsonTotalShare `json:"vcse"`
	Local     jsonTotalShare `json:"local"`
}

type jsonTotalShare struct {
	Direct   string  `json:"direct"`
	Indirect string  `json:"indirect"`
	Spend    string  `json:"spend"`
	Percent  *string `json:"percent"`
}

type jsonYearChange struct {
	ThisYear      string  `json:"thisYear"`
	LastYear      string  `json:"lastYear"`
	Theme         string  `json:"theme"`
	Name          string  `json:"name"`
	Unit          string  `json:"unit"`
	This          string  `json:"this"`
	Last          string  `json:"last"`
	Change        string  `json:"change"`
	ChangePercent *string `json:"changePercent"`
}

// targetFigure renders a target's figure: £ exactly, a percentage, or a
// quantity exactly.
func targetFigure(m Metric, unit string, d decimal.Decimal) string {
	switch {
	case m.Percent():
		return percent(d)
	case unit == "gbp":
		return exactMoney(d)
	}
	return exactQty(d)
}

// targetUnit is the unit of a target's figures: "gbp" for £ social
// value, "percent", or the measure's or theme target's unit.
func (rv *Review) targetUnit(t Target) string {
	switch {
	case t.Metric.Percent():
		return "percent"
	case t.Metric == MeasureTarget:
		m, _ := rv.framework.Measure(t.Measure)
		return string(m.Unit)
	case t.Metric == ThemeTarget && t.Unit != "":
		return string(t.Unit)
	}
	return "gbp"
}

func (rv *Review) jsonAgainst(j *jsonReport) {
	if !rv.JudgedYear.IsZero() {
		y := rv.JudgedYear.String()
		j.JudgedYear = &y
	}
	j.Targets = []jsonTarget{}
	for _, t := range rv.Targets {
		u := rv.targetUnit(t.Target)
		fig := func(d decimal.Decimal) string { return targetFigure(t.Metric, u, d) }
		p, ok := t.PercentOfTarget(PercentPlaces)
		jt := jsonTarget{Name: t.Name, Metric: string(t.Metric), Measure: t.Measure, Theme: t.Theme, Unit: u,
			Year: t.Year.String(), Target: fig(t.Target.Target), Actual: optional(t.Actual, t.OK, fig),
			Numerator: exactQty(t.Numerator), Denominator: exactQty(t.Denominator), PercentOfTarget: optional(p, ok, percent),
			Green: exactQty(t.Bands.Green), Amber: exactQty(t.Bands.Amber), Basis: t.Basis, Previous: optional(t.Previous, t.PreviousOK, fig)}
		if t.OK {
			r := string(t.RAG)
			jt.RAG = &r
		}
		j.Targets = append(j.Targets, jt)
	}
	j.Register = []jsonContractReview{}
	for _, c := range rv.Register {
		pp, ok := c.PerPound(PerPoundPlaces)
		jc := jsonContractReview{Contract: c.Contract.ID, Title: c.Contract.Title, Supplier: c.Contract.Supplier,
			Value: exactMoney(c.Value), SocialValue: exactMoney(c.SocialValue), PerPound: optional(pp, ok, func(d decimal.Decimal) string { return dectext.Round(d, PerPoundPlaces) }),
			Lifetime: []jsonLifetime{}}
		if !c.Year.IsZero() {
			y := c.Year.String()
			jc.Year = &y
		}
		for _, l := range c.Lifetime {
			p, ok := l.Percent(PercentPlaces)
			jc.Lifetime = append(jc.Lifetime, jsonLifetime{Measure: l.Measure, Unit: string(l.Unit), Committed: exactQty(l.Committed),
				Delivered: exactQty(l.Delivered), Percent: optional(p, ok, percent), Status: string(l.Progress)})
		}
		j.Register = append(j.Register, jc)
	}
	if s := rv.TotalSpend; s != nil {
		share := func(v TotalShare) jsonTotalShare {
			p, ok := s.Percent(v, PercentPlaces)
			return jsonTotalShare{Direct: exactMoney(v.Direct), Indirect: exactMoney(v.Indirect), Spend: exactMoney(v.Spend()), Percent: optional(p, ok, percent)}
		}
		j.TotalSpend = &jsonTotalSpend{Year: s.Year.String(), Total: exactMoney(s.Total), Contracts: s.Contracts,
			SME: share(s.SME), VCSE: share(s.VCSE), Local: share(s.Local)}
	}
	j.YearOnYear = []jsonYearChange{}
	for _, c := range rv.YearOnYear {
		f := exactQty
		if c.Unit == "" {
			f = exactMoney
		}
		p, ok := c.ChangePercent(PercentPlaces)
		j.YearOnYear = append(j.YearOnYear, jsonYearChange{ThisYear: c.ThisYear.String(), LastYear: c.LastYear.String(), Theme: c.Theme, Name: c.Name, Unit: unitOrGBP(c.Unit), This: f(c.This), Last: f(c.Last),
			Change: f(c.Change()), ChangePercent: optional(p, ok, percent)})
	}
}

// unitOrGBP names the unit of a year-on-year figure: "social value (gbp)"
// for £ social value, the unit id otherwise.
func unitOrGBP(u tom.Unit) string {
	if u == "" {
		return "social_value_gbp"
	}
	return string(u)
}

// againstTables are the CSV tables of the review against targets and the
// register: targets.csv, register.csv, lifetime.csv, total_spend.csv and
// year_on_year.csv.
func (rv *Review) againstTables() []Table {
	t := csvsafe.Cell
	opt := func(d decimal.Decimal, ok bool, f func(decimal.Decimal) string) string {
		if !ok {
			return ""
		}
		return f(d)
	}
	targets := Table{Name: "targets.csv", Header: []string{"year", "name", "metric", "measure", "theme", "unit", "target", "actual",
		"numerator", "denominator", "percent_of_target", "rag", "green", "amber", "previous", "basis"}}
	for _, r := range rv.Targets {
		u := rv.targetUnit(r.Target)
		fig := func(d decimal.Decimal) string { return targetFigure(r.Metric, u, d) }
		p, ok := r.PercentOfTarget(PercentPlaces)
		targets.Rows = append(targets.Rows, []string{r.Year.String(), t(r.Name), string(r.Metric), t(r.Measure), t(r.Theme), t(u),
			fig(r.Target.Target), opt(r.Actual, r.OK, fig), exactQty(r.Numerator), exactQty(r.Denominator), opt(p, ok, percent),
			string(r.RAG), exactQty(r.Bands.Green), exactQty(r.Bands.Amber), opt(r.Previous, r.PreviousOK, fig), t(r.Basis)})
	}
	register := Table{Name: "register.csv", Header: []string{"year", "contract", "title", "supplier", "value", "social_value", "per_pound", "start", "end", "sme", "vcse", "local"}}
	lifetime := Table{Name: "lifetime.csv", Header: []string{"contract", "supplier", "measure", "unit", "committed", "delivered", "percent", "status"}}
	for _, c := range rv.Register {
		pp, ok := c.PerPound(PerPoundPlaces)
		k := c.Contract
		register.Rows = append(register.Rows, []string{c.Year.String(), t(k.ID), t(k.Title), t(k.Supplier), exactMoney(c.Value), exactMoney(c.SocialValue),
			opt(pp, ok, func(d decimal.Decimal) string { return dectext.Round(d, PerPoundPlaces) }),
			k.Start.Format(dateLayout), k.End.Format(dateLayout), k.SME.String(), k.VCSE.String(), k.Local.String()})
		for _, l := range c.Lifetime {
			p, ok := l.Percent(PercentPlaces)
			lifetime.Rows = append(lifetime.Rows, []string{t(k.ID), t(k.Supplier), t(l.Measure), t(string(l.Unit)), exactQty(l.Committed),
				exactQty(l.Delivered), opt(p, ok, percent), string(l.Progress)})
		}
	}
	total := Table{Name: "total_spend.csv", Header: []string{"year", "category", "direct", "indirect", "spend", "total_spend", "percent", "contracts"}}
	if s := rv.TotalSpend; s != nil {
		for _, c := range []struct {
			name string
			v    TotalShare
		}{{"sme", s.SME}, {"vcse", s.VCSE}, {"local", s.Local}} {
			p, ok := s.Percent(c.v, PercentPlaces)
			total.Rows = append(total.Rows, []string{s.Year.String(), c.name, exactMoney(c.v.Direct), exactMoney(c.v.Indirect), exactMoney(c.v.Spend()),
				exactMoney(s.Total), opt(p, ok, percent), strconv.Itoa(s.Contracts)})
		}
	}
	yoy := Table{Name: "year_on_year.csv", Header: []string{"theme", "theme_name", "unit", "this_year", "last_year", "this", "last", "change", "change_percent"}}
	for _, c := range rv.YearOnYear {
		f := exactQty
		if c.Unit == "" {
			f = exactMoney
		}
		p, ok := c.ChangePercent(PercentPlaces)
		yoy.Rows = append(yoy.Rows, []string{t(c.Theme), t(c.Name), unitOrGBP(c.Unit), c.ThisYear.String(), c.LastYear.String(), f(c.This), f(c.Last), f(c.Change()), opt(p, ok, percent)})
	}
	return []Table{targets, register, lifetime, total, yoy}
}
