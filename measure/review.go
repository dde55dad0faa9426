package measure

import (
	"fmt"
	"github.com/socialvalue-toms/toms/diag"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// ReviewOptions shape an annual review.
type ReviewOptions struct {
	// Title heads the report; DefaultTitle when empty.
	Title string
	// AsOf is the date commitments are judged at (see Status); when zero,
	// the date of the latest delivery counted, or else the last day of the
	// report year.
	AsOf time.Time
	// Top is how many contracts and suppliers the Markdown and HTML
	// renderers show (JSON and CSV list all); DefaultTop when zero.
	Top int
	// Contracts is the contract register (see ReadContracts): with it the
	// review values each contract, its social value per £1 and its
	// commitments over its life, and works out shares of total spend.
	Contracts []Contract
	// Targets are the council's targets for a year (see ReadTargets),
	// each judged with its RAG rating.
	Targets *Targets
}

// DefaultTitle is the title of a review made without one.
const DefaultTitle = "Social value annual review"

// DefaultTop is how many contracts and suppliers a review shows by default.
const DefaultTop = 10

// Review is the annual review of delivered social value: the model every
// renderer (Markdown, HTML, CSV, JSON) draws from. It keeps exact values.
// JSON and CSV write £ and quantities exactly; Markdown and HTML round £ to
// 2 decimal places, half away from zero (which is half-up, as every value
// here is positive); every output rounds percentages to PercentPlaces.
type Review struct {
	Title     string                    // heads the report; DefaultTitle when none was given
	Framework struct{ ID, Name string } // the catalogue the values come from
	// Year is the financial year reported; zero when the review covers
	// every year in the data.
	Year tom.Year
	AsOf time.Time // the date commitments are judged at (see ReviewOptions.AsOf); zero when there is none
	Top  int       // how many contracts and suppliers Markdown and HTML show
	// Totals are the headline: £ social value and the quantity in every
	// unit, side by side.
	Totals Totals
	// Themes are the goals, in catalogue order, each with its measures.
	Themes []Group
	// Years split the totals by financial year.
	Years []Group
	// Contracts and Suppliers are ordered by social value, highest first,
	// then by name.
	Contracts, Suppliers []Group
	Commitments          []CommitmentProgress // in Result.Commitments order, each judged at AsOf
	SpendShares          SpendShares          // SME, VCSE and local shares of the spend reported
	// Proxies are the proxy values used, with their sources.
	Proxies []ProxyUse
	// Rejected are the problems of the rows rejected by lenient reads, with
	// their reasons: those kept in full (see ReadOptions.KeepRejected).
	Rejected diag.List
	// RejectedRows counts the rows rejected, and RejectedNotKept the
	// problems counted but not kept in Rejected (see Result).
	RejectedRows, RejectedNotKept int64
	// Notes are data-quality notes: records left out, values carried
	// forward, rejected rows, empty spend flags.
	Notes []string

	// Prioritised is true when a measure of the catalogue has a priority
	// other than 1: the review then shows weighted social value (Σ £ ×
	// priority) beside the £ (Totals.Weighted, MeasureTotal.Weighted).
	Prioritised bool
	// JudgedYear is the year the targets, the contracts' values and the
	// shares of total spend are worked out for: the targets' year, else
	// Year, else the only year of the data; zero when the data covers
	// several years and nothing names one (contracts are then valued over
	// their whole terms, and there are no shares of total spend).
	JudgedYear tom.Year
	// Register has one entry per contract of ReviewOptions.Contracts, by id.
	Register []ContractReview
	// TotalSpend is spend with SMEs, VCSEs and local suppliers against
	// total spend (the register's value in JudgedYear); nil without a
	// register or a judged year.
	TotalSpend *SpendAgainstTotal
	// Targets are ReviewOptions.Targets judged, in file order.
	Targets []TargetResult
	// YearOnYear compares the latest year of the data with the year
	// before, per theme, when the data covers both.
	YearOnYear []YearChange

	unitNames map[string]string
	framework *tom.Framework
	cells     []Cell
}

// Progress is how a commitment stands at the review date.
type Progress string

// The kinds of progress of a commitment.
const (
	// ProgressMet: delivered at least the committed quantity.
	ProgressMet Progress = "met"
	// ProgressOnTrack: delivered at least the share of the commitment that the part
	// of its financial year elapsed at the review date calls for.
	ProgressOnTrack Progress = "on track"
	// ProgressBehind: delivered something, but less than that share.
	ProgressBehind Progress = "behind"
	// ProgressNotStarted: nothing delivered yet, and the year is not over.
	ProgressNotStarted Progress = "not started"
	// ProgressMissed: the year (or, over a contract's life, the contract)
	// ended with less than the commitment delivered.
	ProgressMissed Progress = "missed"
)

// CommitmentProgress is a commitment with what was delivered and how it stands.
type CommitmentProgress struct {
	Commitment
	Progress Progress // how the delivery stands against the commitment at Review.AsOf
}

// Percent returns delivered as a percentage of committed, rounded half
// away from zero to places; ok is false when nothing was committed.
func (c CommitmentProgress) Percent(places int32) (pct decimal.Decimal, ok bool) {
	if c.Committed.IsZero() {
		return decimal.Decimal{}, false
	}
	return c.Delivered.Mul(decimal.NewFromInt(100)).DivRound(c.Committed, places), true
}

// progress judges a commitment at asOf: met when delivered ≥ committed;
// missed when its financial year ended (asOf is after 31 March) short;
// not started when nothing was delivered; otherwise on track when
// delivered / committed ≥ elapsed / days, the share of the financial year
// elapsed up to and including asOf, and behind when not. The comparison is
// exact (cross multiplied), not rounded.
func progress(c Commitment, asOf time.Time) Progress {
	start := time.Date(c.Year.Start(), time.April, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(c.Year.Start()+1, time.April, 1, 0, 0, 0, 0, time.UTC)
	return progressOver(c.Committed, c.Delivered, start, end, asOf)
}

// NewReview builds the annual review from an aggregation result.
func NewReview(res *Result, opts ReviewOptions) *Review {
	rv := &Review{Title: opts.Title, Year: res.Year, AsOf: opts.AsOf, Top: opts.Top}
	if rv.Title == "" {
		rv.Title = DefaultTitle
	}
	if rv.Top <= 0 {
		rv.Top = DefaultTop
	}
	rv.Framework.ID, rv.Framework.Name = res.Framework.ID(), res.Framework.Name()
	rv.framework, rv.cells = res.Framework, res.Cells
	rv.unitNames = map[string]string{}
	for _, u := range res.Framework.Units() {
		rv.unitNames[string(u.ID)] = u.Name
	}
	if rv.AsOf.IsZero() {
		switch {
		case !res.Latest.IsZero():
			rv.AsOf = res.Latest
		case !res.Year.IsZero():
			rv.AsOf = time.Date(res.Year.Start()+1, time.March, 31, 0, 0, 0, 0, time.UTC)
		}
	}
	g := newGrouper(res)
	rv.Totals = g.totals()
	rv.Themes = g.groupBy(ByTheme)
	rv.Years = g.groupBy(ByYear)
	rv.Contracts = byValue(g.groupBy(ByContract))
	rv.Suppliers = byValue(g.groupBy(BySupplier))
	for _, c := range res.Commitments {
		rv.Commitments = append(rv.Commitments, CommitmentProgress{Commitment: c, Progress: progress(c, rv.AsOf)})
	}
	rv.SpendShares = res.SpendShares()
	rv.Proxies = res.Proxies
	rv.Rejected, rv.RejectedRows, rv.RejectedNotKept = res.Rejected, res.RejectedRows, res.RejectedNotKept
	rv.Notes = notes(res, rv)
	rv.Prioritised = Prioritised(res.Framework)
	rv.against(opts.Contracts, opts.Targets)
	return rv
}

func byValue(gs []Group) []Group {
	sortGroups(gs, func(x, y *Group) int {
		if c := y.SocialValue.Cmp(x.SocialValue); c != 0 {
			return c
		}
		return strings.Compare(x.Key, y.Key)
	})
	return gs
}

func notes(res *Result, rv *Review) []string {
	var out []string
	plural := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	if res.OutOfYear > 0 {
		out = append(out, fmt.Sprintf("%s dated outside %s %s left out of the totals.",
			plural(res.OutOfYear, "valid outcome record", "valid outcome records"), res.Year, wasWere(res.OutOfYear)))
	}
	if res.CommitmentsOutOfYear > 0 {
		out = append(out, fmt.Sprintf("%s dated outside %s %s left out.",
			plural(res.CommitmentsOutOfYear, "commitment", "commitments"), res.Year, wasWere(res.CommitmentsOutOfYear)))
	}
	if n := res.RejectedRows; n > 0 && res.RejectedNotKept == 0 {
		out = append(out, fmt.Sprintf("%s rejected and not counted; each is listed with its reason under Rejected rows.",
			plural(n, "row was", "rows were")))
	} else if n > 0 {
		out = append(out, fmt.Sprintf("%s rejected and not counted; the first problems of each input are listed with their reasons under Rejected rows, and %s counted but not listed (to bound memory, each input keeps the first %d in full unless told otherwise): correct those listed and run again to see the rest.",
			plural(n, "row was", "rows were"), plural(res.RejectedNotKept, "more problem was", "more problems were"), DefaultKeepRejected))
	}
	for _, p := range res.Proxies {
		if p.CarriedForward {
			out = append(out, fmt.Sprintf("%s delivered in %s valued with the %s proxy value of %s a unit, carried forward because %s has none (%s).",
				p.Measure, p.Year, p.Proxy.Year, proxyText(p.Proxy.Value), p.Year, plural(p.Records, "record", "records")))
		}
	}
	if res.CrossShardDuplicates > 0 {
		out = append(out, fmt.Sprintf("%s counted in two merged inputs; the totals include both copies.",
			plural(int64(res.CrossShardDuplicates), "record was", "records were")))
	}
	s := rv.SpendShares
	for _, u := range []struct {
		n    int64
		what string
	}{{s.UnknownSME, "whether it went to an SME (supplier_sme)"}, {s.UnknownVCSE, "whether it went to a VCSE (supplier_vcse)"}, {s.UnknownLocal, "whether it stayed local (local)"}} {
		if u.n > 0 {
			out = append(out, fmt.Sprintf("%s did not say %s; that spend counts in the spend reported but not in the share.",
				plural(u.n, "spend record", "spend records"), u.what))
		}
	}
	if ids := overlappingSpend(res); len(ids) > 0 {
		out = append(out, fmt.Sprintf("Spend was reported under measures that are not in one exclusive group (%s): where they overlap (SME spend and local SME spend, say), the spend reported and the £ headline count the overlap twice. A catalogue should split spend into disjoint measures in one exclusive group, each pound reported under one of them.",
			strings.Join(ids, ", ")))
	}
	if res.Records == 0 {
		out = append(out, "No deliveries were counted.")
	}
	return out
}

// overlappingSpend lists the spend measures counted, in catalogue order,
// when there are two or more and they are not all in one exclusive group:
// the catalogue does not say that they are disjoint, so their sum may count
// a pound twice.
func overlappingSpend(res *Result) []string {
	groups := map[string]string{}
	for _, c := range res.Cells {
		if c.Spend != nil {
			m, _ := res.Framework.Measure(c.Measure)
			groups[m.ID] = m.ExclusiveGroup
		}
	}
	if len(groups) < 2 {
		return nil
	}
	var ids []string
	one := true
	var first *string
	for _, m := range res.Framework.Measures() {
		g, ok := groups[m.ID]
		if !ok {
			continue
		}
		ids = append(ids, m.ID)
		if first == nil {
			first = &g
		}
		if g == "" || g != *first {
			one = false
		}
	}
	if one {
		return nil
	}
	return ids
}

func wasWere(n int64) string {
	if n == 1 {
		return "was"
	}
	return "were"
}
