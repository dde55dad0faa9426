package measure

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
	"github.com/socialvalue-toms/toms/tom"
)

// Targets are the council's targets for one financial year, each judged
// red, amber or green (RAG) by bands.
type Targets struct {
	Year tom.Year // the financial year the targets are for
	// Bands are the RAG bands of every target that does not set its own;
	// DefaultBands when the file gives none.
	Bands   Bands
	Targets []Target // in file order
}

// Metric is what a target measures.
type Metric string

// The metrics a target can set.
const (
	// SocialValueTarget: £ social value delivered in the year.
	SocialValueTarget Metric = "socialValue"
	// SocialValueRateTarget: £ social value delivered as a percentage of
	// the year's value of the contracts in the register.
	SocialValueRateTarget Metric = "socialValueRate"
	// SMEShareTarget, VCSEShareTarget and LocalShareTarget: spend with
	// SMEs, VCSEs or local suppliers as a percentage of total spend (see
	// Review.Shares for how both are counted).
	SMEShareTarget   Metric = "smeShare"
	VCSEShareTarget  Metric = "vcseShare"
	LocalShareTarget Metric = "localShare"
	// MeasureTarget: the quantity delivered of one measure, in its unit.
	MeasureTarget Metric = "measure"
	// ThemeTarget: the £ social value delivered under one theme, or, with a
	// unit, the quantity delivered in that unit under the theme's measures.
	ThemeTarget Metric = "theme"
)

var metrics = []Metric{SocialValueTarget, SocialValueRateTarget, SMEShareTarget, VCSEShareTarget, LocalShareTarget, MeasureTarget, ThemeTarget}

// Percent reports whether the metric is a percentage.
func (m Metric) Percent() bool {
	switch m {
	case SocialValueRateTarget, SMEShareTarget, VCSEShareTarget, LocalShareTarget:
		return true
	}
	return false
}

// Target is one target for the year.
type Target struct {
	// Name labels the target in the review; a name made from the metric
	// when the file gives none.
	Name   string
	Metric Metric // what the target measures
	// Measure is the measure id of a MeasureTarget; Theme the theme id of a
	// ThemeTarget, and Unit its unit when the target is a quantity (empty
	// for £ social value).
	Measure, Theme string
	Unit           tom.Unit // see Measure and Theme
	// Target is the figure to reach: £, a percentage (25 for 25%), or a
	// quantity in the measure's or theme target's unit. Above zero.
	Target decimal.Decimal
	// Bands are the target's RAG bands.
	Bands Bands
	Pos   diag.Pos // where the target is in its file
}

// Bands turn how much of a target was reached into red, amber or green:
// green when actual ≥ Green% of the target, amber when actual ≥ Amber% of
// it, red below. Both are percentages of the target, Amber ≤ Green.
type Bands struct {
	Green, Amber decimal.Decimal // percentages of the target, such as 100 and 85
}

// DefaultBands returns the bands used when a targets file gives none: green
// at 100% of the target or more, amber from 85%, red below.
func DefaultBands() Bands {
	return Bands{Green: decimal.NewFromInt(100), Amber: decimal.NewFromInt(85)}
}

// RAG is a red, amber or green rating.
type RAG string

// The ratings.
const (
	Green RAG = "green"
	Amber RAG = "amber"
	Red   RAG = "red"
)

// Rate judges actual against target, exactly: green when actual × 100 ≥
// target × Green, amber when actual × 100 ≥ target × Amber, red otherwise.
func (b Bands) Rate(actual, target decimal.Decimal) RAG {
	a := actual.Mul(decimal.NewFromInt(100))
	switch {
	case a.GreaterThanOrEqual(target.Mul(b.Green)):
		return Green
	case a.GreaterThanOrEqual(target.Mul(b.Amber)):
		return Amber
	}
	return Red
}

type targetsFile struct {
	APIVersion string              `yaml:"apiVersion"`
	Kind       string              `yaml:"kind"`
	At         map[string]diag.Pos `yaml:",at"`
	Year       string              `yaml:"year,required"`
	Bands      *bandsFile          `yaml:"bands"`
	Targets    []targetFile        `yaml:"targets,required"`
}

type bandsFile struct {
	Pos   diag.Pos            `yaml:",pos"`
	At    map[string]diag.Pos `yaml:",at"`
	Green *decimal.Decimal    `yaml:"green,required"`
	Amber *decimal.Decimal    `yaml:"amber,required"`
}

type targetFile struct {
	Pos     diag.Pos            `yaml:",pos"`
	At      map[string]diag.Pos `yaml:",at"`
	Name    string              `yaml:"name"`
	Metric  string              `yaml:"metric,required"`
	Measure string              `yaml:"measure"`
	Theme   string              `yaml:"theme"`
	Unit    string              `yaml:"unit"`
	Target  *decimal.Decimal    `yaml:"target,required"`
	Bands   *bandsFile          `yaml:"bands"`
}

// ReadTargets reads a targets file (YAML or JSON, `apiVersion: toms/v1`,
// `kind: Targets`) and checks it against the catalogue fw. Every problem is
// returned at once as diag.List, each with its file, line, column and
// field: an unknown field, a missing year or target, a year not written
// 2024/25, an unknown metric, measure, theme or unit (with a "did you
// mean"), a measure or theme missing for its metric or given for another,
// a target that is not above zero, a share above 100%, bands that are not
// 0 < amber ≤ green, and the same target given twice.
func ReadTargets(r io.Reader, name string, fw *tom.Framework) (*Targets, error) {
	data, err := readCapped(r, name)
	if err != nil {
		return nil, err
	}
	root, d, err := yamlx.Open(name, data, "Targets", MaxRegisterBytes)
	if err != nil {
		return nil, err
	}
	var tf targetsFile
	d.Decode(root, &tf, "")
	var errs diag.List
	bad := func(at map[string]diag.Pos, fallback diag.Pos, path, field string, kind error, format string, args ...any) {
		p, ok := at[field]
		if !ok {
			p = fallback
		}
		errs.Add(&diag.Diagnostic{File: name, Line: p.Line, Column: p.Column, Field: join(path, field), Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	ts := &Targets{Bands: DefaultBands()}
	if tf.Year != "" {
		y, err := tom.ParseYear(tf.Year)
		if err != nil {
			bad(tf.At, diag.Pos{}, "", "year", diag.ErrValue, "%v", err)
		}
		ts.Year = y
	}
	if tf.Bands != nil {
		ts.Bands = checkBands(tf.Bands, "bands", bad)
	}
	seen := map[string]diag.Pos{}
	for i, f := range tf.Targets {
		ts.Targets = append(ts.Targets, readTarget(fw, f, fmt.Sprintf("targets[%d]", i), ts.Bands, seen, bad))
	}
	errs = append(errs, d.Errs...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return ts, nil
}

// badAt reports a problem at field of the object at path: at the field's
// own position when at has it, else at fallback (the object's).
type badAt func(at map[string]diag.Pos, fallback diag.Pos, path, field string, kind error, format string, args ...any)

// readTarget checks the target f (at path in the file) against fw and
// the targets before it (seen, by what they measure), reporting through
// bad; it returns the target as read, with bands (the file's) unless it
// sets its own and a name made from its metric unless it gives one.
func readTarget(fw *tom.Framework, f targetFile, path string, bands Bands, seen map[string]diag.Pos, bad badAt) Target {
	t := Target{Name: f.Name, Metric: Metric(f.Metric), Measure: f.Measure, Theme: f.Theme, Unit: tom.Unit(f.Unit), Bands: bands, Pos: f.Pos}
	if f.Target != nil {
		t.Target = *f.Target
	}
	e := func(field string, kind error, format string, args ...any) {
		bad(f.At, f.Pos, path, field, kind, format, args...)
	}
	if f.Bands != nil {
		t.Bands = checkBands(f.Bands, path+".bands", bad)
	}
	known := false
	for _, m := range metrics {
		known = known || m == t.Metric
	}
	if f.Metric != "" && !known {
		names := make([]string, len(metrics))
		for i, m := range metrics {
			names[i] = string(m)
		}
		e("metric", diag.ErrValue, "unknown metric %q%s (the metrics are %s)", f.Metric, didYouMean(f.Metric, names), strings.Join(names, ", "))
	}
	if f.Target != nil && !t.Target.IsPositive() {
		e("target", diag.ErrValue, "is %s; a target must be above zero", t.Target)
	}
	if t.Metric.Percent() && t.Metric != SocialValueRateTarget && t.Target.GreaterThan(decimal.NewFromInt(100)) {
		e("target", diag.ErrValue, "is %s%%; a share of spend cannot be above 100%%", t.Target)
	}
	checkTargetSubject(fw, t, e)
	if t.Name == "" {
		t.Name = t.defaultName(fw)
	} else if msg := nameProblem(t.Name); msg != "" {
		e("name", diag.ErrValue, "%q %s", t.Name, msg)
	}
	key := strings.Join([]string{string(t.Metric), t.Measure, t.Theme, string(t.Unit)}, "\x00")
	if p, dup := seen[key]; dup && known {
		e("metric", diag.ErrDuplicateKey, "the same target is already set at line %d", p.Line)
	} else {
		seen[key] = f.Pos
	}
	return t
}

// checkTargetSubject checks what a target is of: a measure, theme and
// unit each belong to their metrics only, and must be in fw.
func checkTargetSubject(fw *tom.Framework, t Target, e func(string, error, string, ...any)) {
	if t.Metric == MeasureTarget {
		checkID(fw, "measure", t.Measure, measureIDs(fw), func(id string) bool { _, ok := fw.Measure(id); return ok }, e)
	} else if t.Measure != "" {
		e("measure", diag.ErrValue, "a measure is only given with metric: measure")
	}
	if t.Metric == ThemeTarget {
		checkID(fw, "theme", t.Theme, themeIDs(fw), func(id string) bool { _, ok := fw.Theme(id); return ok }, e)
	} else if t.Theme != "" {
		e("theme", diag.ErrValue, "a theme is only given with metric: theme")
	}
	if t.Unit == "" {
		return
	}
	if t.Metric != ThemeTarget {
		e("unit", diag.ErrValue, "a unit is only given with metric: theme (a measure target is in the measure's unit)")
	} else if _, ok := fw.Unit(t.Unit); !ok {
		var names []string
		for _, u := range fw.Units() {
			names = append(names, string(u.ID))
		}
		e("unit", diag.ErrValue, "unknown unit %q%s (the catalogue's units are %s)", t.Unit, didYouMean(string(t.Unit), names), strings.Join(names, ", "))
	}
}

// didYouMean is "; did you mean "x"?" naming the candidate closest to
// got (diag.Suggest), or empty when none is close.
func didYouMean(got string, candidates []string) string {
	if s := diag.Suggest(got, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// checkBands reads RAG bands (at path), reporting bands that are not
// 0 < amber ≤ green.
func checkBands(b *bandsFile, path string, bad badAt) Bands {
	if b.Green == nil || b.Amber == nil {
		return DefaultBands() // the decoder reported the missing one
	}
	out := Bands{Green: *b.Green, Amber: *b.Amber}
	switch {
	case !out.Amber.IsPositive():
		bad(b.At, b.Pos, path, "amber", diag.ErrValue, "is %s; the amber band starts above 0%% of the target", out.Amber)
	case out.Amber.GreaterThan(out.Green):
		bad(b.At, b.Pos, path, "amber", diag.ErrValue, "is %s, above green (%s); amber must start at or below green", out.Amber, out.Green)
	}
	return out
}

// checkID checks a target's measure or theme id (what), which its metric
// requires: given, and known to fw (ok), with a "did you mean" from ids.
func checkID(fw *tom.Framework, what, id string, ids []string, ok func(string) bool, e func(string, error, string, ...any)) {
	switch {
	case id == "":
		e(what, diag.ErrRequired, "missing; metric: %s needs the %s id", what, what)
	case !ok(id):
		msg := fmt.Sprintf("unknown %s %q in catalogue %s%s", what, id, fw.ID(), didYouMean(id, ids))
		kind := diag.ErrValue
		if what == "measure" {
			kind = tom.ErrUnknownMeasure
		}
		e(what, kind, "%s", msg)
	}
}

func measureIDs(fw *tom.Framework) []string {
	var ids []string
	for _, m := range fw.Measures() {
		ids = append(ids, m.ID)
	}
	return ids
}

func themeIDs(fw *tom.Framework) []string {
	var ids []string
	for _, t := range fw.Themes() {
		ids = append(ids, t.ID)
	}
	sort.Strings(ids)
	return ids
}

// defaultName names a target from its metric.
func (t Target) defaultName(fw *tom.Framework) string {
	switch t.Metric {
	case SocialValueTarget:
		return "Social value delivered (£)"
	case SocialValueRateTarget:
		return "Social value as % of contract value"
	case SMEShareTarget:
		return "Spend with SMEs (% of total spend)"
	case VCSEShareTarget:
		return "Spend with VCSEs (% of total spend)"
	case LocalShareTarget:
		return "Spend with local suppliers (% of total spend)"
	case MeasureTarget:
		if m, ok := fw.Measure(t.Measure); ok {
			return m.Name
		}
	case ThemeTarget:
		if th, ok := fw.Theme(t.Theme); ok {
			if t.Unit == "" {
				return th.Name + " (£)"
			}
			u, _ := fw.Unit(t.Unit)
			return th.Name + " (" + u.Name + ")"
		}
	}
	return string(t.Metric)
}
