package measure

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

// view is the review as people read it: every figure already written for
// display (£ to the penny with thousands separators, quantities exact,
// percentages to PercentPlaces), in the order of the document. The Markdown
// and HTML templates (review.md.tmpl, review.html.tmpl) both walk it, so a
// section is defined once here and laid out twice there.
type view struct {
	Title, Subtitle   string
	Framework, AsOf   string
	Records           string
	Caveat            string
	SocialValue       string
	Weighted          string // weighted social value; empty when every priority is 1
	Headline          []viewLine
	Themes            []viewTheme
	ThemeChart        chart
	Contracts         viewTop
	Suppliers         viewTop
	Commitments       []viewCommitment
	CommitmentChart   chart
	JudgedAt          string
	SpendReported     string
	Shares            []viewShare
	ShareChart        chart
	TotalSpend        *viewTotalSpend
	Targets           []viewTarget
	Register          []viewContract
	Lifetime          []viewLifetime
	YearOnYear        []viewChange
	ThisYear, LastYr  string
	Proxies           []viewProxy
	Notes             []string
	Rejected          []viewRejected
	RejectedOf        string // "The first 50 of 80 problems kept; …" or empty
	HasWeighted       bool
	RegisterGiven     bool
	TargetsGiven      bool
	JudgedYear        string
	CommitmentsLoaded bool
}

type viewLine struct{ Result, Quantity, Unit string }

type viewTheme struct {
	Name string
	// Headline is the theme's £ social value, or its results in their own
	// units when it has no financial measure delivered.
	Headline string
	Measures []viewMeasure
}

type viewMeasure struct{ Name, Quantity, Unit, Value, Priority, Weighted string }

type viewTop struct {
	Plural, Title string
	Of            string // "The 10 with the most social value, of 14." or empty
	Rows          []viewGroup
	Chart         chart
	WithSupplier  bool
}

type viewGroup struct{ Key, Supplier, Value, Results, Records string }

type viewCommitment struct {
	Contract, Supplier, Measure, Unit, Year, Committed, Delivered, Percent, Status, Class string
}

type viewShare struct{ Name, Spend, Percent string }

type viewTotalSpend struct {
	Year, Total, Contracts string
	Rows                   []viewTotalShare
	Chart                  chart
}

type viewTotalShare struct{ Name, Direct, Indirect, Spend, Percent string }

type viewTarget struct {
	Name, Target, Actual, OfTarget, RAG, Class, Basis, Previous string
}

type viewContract struct{ ID, Title, Supplier, Value, SocialValue, PerPound string }

type viewLifetime struct {
	Contract, Measure, Unit, Committed, Delivered, Percent, Status, Class string
}

type viewChange struct{ Theme, Figure, This, Last, Change, ChangePercent string }

type viewProxy struct {
	Measure, Year, Value, Of, SocialValue string
	// Source is the proxy's source, cut into text and the web addresses in
	// it, which the templates write as links.
	Source []textPart
}

// textPart is a piece of text, or a web address (URL set, Text its text).
type textPart struct{ Text, URL string }

type viewRejected struct {
	File, Line, Column, Field, Reason string
}

// plural writes "1 record" or "3 records".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%s %s", dectext.GroupDigits(fmt.Sprint(n)), many)
}

// title is the review's title with the year after it, unless the title
// already names the year.
func (rv *Review) title() (title, year string) {
	year = rv.yearLabel()
	if rv.Year.IsZero() || strings.Contains(rv.Title, rv.Year.String()) {
		return rv.Title, ""
	}
	return rv.Title, year
}

var urlRE = regexp.MustCompile(`https?://[^\s<>|"'\x60]+`)

// linkParts cuts text into plain pieces and the web addresses in it (http
// or https with a host; a full stop, comma, semicolon, colon or closing
// bracket at the end is left out of the address), so that a renderer can
// write each address as a link.
func linkParts(s string) []textPart {
	var out []textPart
	rest := s
	for {
		loc := urlRE.FindStringIndex(rest)
		if loc == nil {
			break
		}
		raw := strings.TrimRight(rest[loc[0]:loc[1]], ".,;:)]")
		u, err := url.Parse(raw)
		end := loc[0] + len(raw)
		if err != nil || u.Host == "" {
			out = append(out, textPart{Text: rest[:end]})
		} else {
			if loc[0] > 0 {
				out = append(out, textPart{Text: rest[:loc[0]]})
			}
			out = append(out, textPart{Text: raw, URL: u.String()})
		}
		rest = rest[end:]
	}
	if rest != "" || len(out) == 0 {
		out = append(out, textPart{Text: rest})
	}
	return out
}

func progressClass(s Progress) string {
	switch s {
	case ProgressMet, ProgressOnTrack:
		return "good"
	case ProgressBehind, ProgressNotStarted:
		return "warn"
	}
	return "bad"
}

// measureLabel names a measure for people.
func (rv *Review) measureLabel(id string) string {
	if m, ok := rv.framework.Measure(id); ok && m.Name != "" {
		return m.Name
	}
	return id
}

// view builds the display model, one section of the document at a time.
func (rv *Review) view() *view {
	v := &view{Framework: rv.Framework.Name, Caveat: caveat, SocialValue: pounds(rv.Totals.SocialValue),
		Records: plural(rv.Totals.Records, "record", "records"), HasWeighted: rv.Prioritised,
		RegisterGiven: len(rv.Register) > 0, TargetsGiven: len(rv.Targets) > 0, JudgedYear: rv.JudgedYear.String()}
	v.Title, v.Subtitle = rv.title()
	if rv.Framework.ID != "" {
		v.Framework += " (" + rv.Framework.ID + ")"
	}
	if !rv.AsOf.IsZero() {
		v.AsOf = rv.AsOf.Format("2 January 2006")
	}
	if rv.Prioritised {
		v.Weighted = pounds(rv.Totals.Weighted)
	}
	for _, h := range rv.headline() {
		v.Headline = append(v.Headline, viewLine{h.result, h.quantity, h.unit})
	}
	v.Themes, v.ThemeChart = rv.themesView()
	v.Contracts = rv.topView("contracts", "Contract", rv.Contracts, true)
	v.Suppliers = rv.topView("suppliers", "Supplier", rv.Suppliers, false)
	v.CommitmentsLoaded = len(rv.Commitments) > 0
	v.Commitments, v.CommitmentChart = rv.commitmentsView()
	if !rv.AsOf.IsZero() && len(rv.Commitments) > 0 {
		v.JudgedAt = v.AsOf
	}
	v.SpendReported = pounds(rv.SpendShares.Total)
	v.Shares, v.ShareChart = rv.sharesView()
	v.TotalSpend = rv.totalSpendView()
	v.Targets = rv.targetsView()
	v.Register, v.Lifetime = rv.registerView()
	v.ThisYear, v.LastYr, v.YearOnYear = rv.yearOnYearView()
	v.Proxies = rv.proxiesView()
	v.Notes = rv.Notes
	v.Rejected, v.RejectedOf = rv.rejectedView()
	return v
}

// themesView lists each theme with its measures, and charts the themes'
// social value; a theme with no financial measure delivered is headed by its
// results in their own units instead of £.
func (rv *Review) themesView() ([]viewTheme, chart) {
	var themes []viewTheme
	var bars []bar
	for _, g := range rv.Themes {
		t := viewTheme{Name: g.Name, Headline: pounds(g.SocialValue)}
		financial := false
		for _, m := range g.Measures {
			financial = financial || m.Financial
			vm := viewMeasure{Name: m.Name, Quantity: qty(m.Quantity), Unit: rv.unitLabel(string(m.Unit)), Value: "–"}
			if m.Financial {
				vm.Value = pounds(m.SocialValue)
			}
			if rv.Prioritised {
				vm.Priority, vm.Weighted = qty(m.Priority), "–"
				if m.Financial {
					vm.Weighted = pounds(m.Weighted)
				}
			}
			t.Measures = append(t.Measures, vm)
		}
		if !financial {
			t.Headline = rv.unitList(g)
		}
		themes = append(themes, t)
		bars = append(bars, bar{label: g.Name, value: g.SocialValue, text: t.Headline, none: !financial})
	}
	return themes, newChart("Social value by theme", bars, decimal.Zero, false)
}

// commitmentsView lists the commitments judged and charts each one's
// delivery against 100%; when every commitment is for the same year the
// year goes in the chart's title rather than in every bar's label.
func (rv *Review) commitmentsView() ([]viewCommitment, chart) {
	oneYear := true
	for _, c := range rv.Commitments {
		oneYear = oneYear && c.Year == rv.Commitments[0].Year
	}
	title := "Delivered as a share of the commitment (the line is 100%)"
	if oneYear && len(rv.Commitments) > 0 {
		title = "Delivered as a share of the commitment in " + rv.Commitments[0].Year.String() + " (the line is 100%)"
	}
	var rows []viewCommitment
	var bars []bar
	for _, c := range rv.Commitments {
		pc, ok := c.Percent(PercentPlaces)
		vc := viewCommitment{Contract: c.Contract, Supplier: c.Supplier, Measure: rv.measureLabel(c.Measure), Unit: rv.unitLabel(string(c.Unit)),
			Year: c.Year.String(), Committed: qty(c.Committed), Delivered: qty(c.Delivered), Percent: pct(pc, ok),
			Status: string(c.Progress), Class: progressClass(c.Progress)}
		rows = append(rows, vc)
		label := c.Contract + " · " + vc.Measure
		if !oneYear {
			label = c.Contract + " " + vc.Year + " · " + vc.Measure
		}
		bars = append(bars, bar{label: label, value: pc, text: vc.Percent + " " + vc.Status, none: !ok})
	}
	return rows, newChart(title, bars, decimal.NewFromInt(100), true)
}

// sharesView lists the SME, VCSE and local shares of the spend reported,
// and charts them.
func (rv *Review) sharesView() ([]viewShare, chart) {
	s := rv.SpendShares
	var rows []viewShare
	var bars []bar
	for _, r := range []struct {
		name string
		v    SpendShare
	}{{"SMEs", s.SMEShare()}, {"VCSEs", s.VCSEShare()}, {"Local suppliers", s.LocalShare()}} {
		rows = append(rows, viewShare{r.name, pounds(r.v.Spend), pct(r.v.Percent, r.v.OK)})
		bars = append(bars, bar{label: r.name, value: r.v.Percent, text: pct(r.v.Percent, r.v.OK), none: !r.v.OK})
	}
	return rows, newChart("Share of spend reported", bars, decimal.NewFromInt(100), false)
}

// totalSpendView lists the SME, VCSE and local shares of the register's
// total contract value, direct and indirect, or nil when there is no
// register to take the total from.
func (rv *Review) totalSpendView() *viewTotalSpend {
	ts := rv.TotalSpend
	if ts == nil {
		return nil
	}
	vt := &viewTotalSpend{Year: ts.Year.String(), Total: pounds(ts.Total), Contracts: plural(int64(ts.Contracts), "contract", "contracts")}
	var bars []bar
	for _, r := range []struct {
		name string
		v    TotalShare
	}{{"SMEs", ts.SME}, {"VCSEs", ts.VCSE}, {"Local suppliers", ts.Local}} {
		p, ok := ts.Percent(r.v, PercentPlaces)
		vt.Rows = append(vt.Rows, viewTotalShare{r.name, pounds(r.v.Direct), pounds(r.v.Indirect), pounds(r.v.Spend()), pct(p, ok)})
		bars = append(bars, bar{label: r.name, value: p, text: pct(p, ok), none: !ok})
	}
	vt.Chart = newChart("Share of total spend (the register's contract value in "+vt.Year+")", bars, decimal.NewFromInt(100), false)
	return vt
}

// targetsView lists each target against what was achieved, each figure in
// the target's own unit (a percentage, £, or a quantity and its unit).
func (rv *Review) targetsView() []viewTarget {
	var rows []viewTarget
	for _, t := range rv.Targets {
		u := rv.targetUnit(t.Target)
		show := func(d decimal.Decimal) string {
			switch u {
			case "percent":
				return percent(d) + "%"
			case "gbp":
				return pounds(d)
			}
			return qty(d) + " " + rv.unitLabel(u)
		}
		vt := viewTarget{Name: t.Name, Target: show(t.Target.Target), Actual: "–", OfTarget: "–", RAG: "not rated", Class: "none", Basis: t.Basis, Previous: "–"}
		if t.OK {
			p, _ := t.PercentOfTarget(PercentPlaces)
			vt.Actual, vt.OfTarget, vt.RAG, vt.Class = show(t.Actual), percent(p)+"%", string(t.RAG), string(t.RAG)
		}
		if t.PreviousOK {
			vt.Previous = show(t.Previous)
		}
		rows = append(rows, vt)
	}
	return rows
}

// registerView lists the contract register with each contract's social
// value per £ of contract value, and each contract's lifetime commitments.
func (rv *Review) registerView() ([]viewContract, []viewLifetime) {
	var register []viewContract
	var lifetime []viewLifetime
	for _, c := range rv.Register {
		pp, ok := c.PerPound(2)
		per := "–"
		switch {
		case ok && pp.IsZero() && c.SocialValue.IsPositive():
			per = "under £0.01"
		case ok:
			per = "£" + dectext.Round(pp, 2)
		}
		register = append(register, viewContract{ID: c.Contract.ID, Title: c.Contract.Title, Supplier: c.Contract.Supplier,
			Value: pounds(c.Value), SocialValue: pounds(c.SocialValue), PerPound: per})
		for _, l := range c.Lifetime {
			p, ok := l.Percent(PercentPlaces)
			lifetime = append(lifetime, viewLifetime{Contract: c.Contract.ID, Measure: rv.measureLabel(l.Measure), Unit: rv.unitLabel(string(l.Unit)),
				Committed: qty(l.Committed), Delivered: qty(l.Delivered), Percent: pct(p, ok), Status: string(l.Progress), Class: progressClass(l.Progress)})
		}
	}
	return register, lifetime
}

// yearOnYearView lists each theme's change on the year before, in £ for
// social value and in its own unit otherwise, with a + on a rise; it also
// gives the two years compared (empty when there is nothing to compare).
func (rv *Review) yearOnYearView() (thisYear, lastYear string, rows []viewChange) {
	for _, c := range rv.YearOnYear {
		thisYear, lastYear = c.ThisYear.String(), c.LastYear.String()
		show, figure := qty, rv.unitLabel(string(c.Unit))
		if c.Unit == "" {
			show, figure = pounds, "social value (£)"
		} else if c.Unit == tom.GBP {
			figure = "£ (spend and given)"
		}
		ch := show(c.Change())
		if c.Change().IsPositive() {
			ch = "+" + ch
		}
		p, ok := c.ChangePercent(PercentPlaces)
		cp := pct(p, ok)
		if ok && p.IsPositive() {
			cp = "+" + cp
		}
		rows = append(rows, viewChange{c.Name, figure, show(c.This), show(c.Last), ch, cp})
	}
	return thisYear, lastYear, rows
}

// proxiesView lists the proxy values used, saying which year's value each
// is, whether it was carried forward, and where it comes from.
func (rv *Review) proxiesView() []viewProxy {
	var rows []viewProxy
	for _, u := range rv.Proxies {
		of := u.Proxy.Year.String()
		if note := u.Proxy.Note(); note != "" {
			of += " (" + note + ")"
		}
		if u.CarriedForward {
			of += " (carried forward)"
		}
		rows = append(rows, viewProxy{Measure: rv.measureLabel(u.Measure), Year: u.Year.String(), Value: proxyText(u.Proxy.Value), Of: of,
			SocialValue: pounds(u.SocialValue), Source: linkParts(u.Proxy.Source)})
	}
	return rows
}

// rejectedView lists the first maxRejectedShown problems kept, and says
// how many were left out of the review when there are more.
func (rv *Review) rejectedView() (rows []viewRejected, of string) {
	if len(rv.Rejected) > maxRejectedShown {
		of = fmt.Sprintf("The first %d of %d problems kept; the JSON and CSV reports list every one kept.", maxRejectedShown, len(rv.Rejected))
	}
	for _, d := range rv.Rejected[:min(len(rv.Rejected), maxRejectedShown)] {
		rows = append(rows, viewRejected{d.File, fmt.Sprint(d.Line), fmt.Sprint(d.Column), d.Field, d.Message})
	}
	return rows, of
}

// topView lists the groups with the most social value, the contracts with
// their suppliers.
func (rv *Review) topView(plural, title string, gs []Group, contracts bool) viewTop {
	t := viewTop{Plural: plural, Title: title, WithSupplier: contracts}
	if len(gs) > rv.Top {
		t.Of = fmt.Sprintf("The %d with the most social value, of %d.", rv.Top, len(gs))
	}
	suppliers := map[string][]string{}
	if contracts {
		for _, c := range rv.cells {
			s := suppliers[c.Contract]
			if len(s) == 0 || s[len(s)-1] != c.Supplier {
				suppliers[c.Contract] = append(s, c.Supplier)
			}
		}
	}
	var bars []bar
	for _, g := range gs[:min(len(gs), rv.Top)] {
		t.Rows = append(t.Rows, viewGroup{Key: g.Key, Supplier: strings.Join(suppliers[g.Key], ", "), Value: pounds(g.SocialValue),
			Results: rv.unitList(g), Records: fmt.Sprint(g.Records)})
		label := g.Key
		if contracts && len(suppliers[g.Key]) > 0 {
			label += " · " + suppliers[g.Key][0]
		}
		bars = append(bars, bar{label: label, value: g.SocialValue, text: pounds(g.SocialValue)})
	}
	t.Chart = newChart("Social value by "+strings.ToLower(title), bars, decimal.Zero, false)
	return t
}
