package tom

import (
	"errors"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// Errors matched with errors.Is.
var (
	// ErrUnknownMeasure: the measure id is not in the framework.
	ErrUnknownMeasure = errors.New("unknown measure")
	// ErrNoProxy: the measure has no proxy value for the year asked for
	// (and, with CarryForward, none for any earlier year either).
	ErrNoProxy = errors.New("no proxy value")
	// ErrNotFinancial: the measure is reported in its own unit only and has no £ proxy.
	ErrNotFinancial = errors.New("measure is not financial")
	// ErrUnknownIndex: a proxy value is marked uprate by an index series that
	// is not loaded, or an index file listed cannot be read.
	ErrUnknownIndex = errors.New("unknown index series")
	// ErrAmbiguousCode: an external code names more than one measure.
	ErrAmbiguousCode = errors.New("ambiguous measure code")
)

// Framework is a TOMs catalogue: themes, their outcomes, and the measures
// under each outcome, with proxy values per financial year.
//
// A Framework is immutable once loaded, and safe for concurrent use. Its
// accessors return copies, so callers cannot change it.
type Framework struct {
	id, name, currency string
	themes             []Theme
	units              []UnitInfo
	measures           map[string]*Measure // by id
	order              []*Measure          // catalogue order
	outcomes           map[string]*Outcome
	themeByID          map[string]int
	codes              map[string][]codeRef // external code -> measures that carry it
	indexes            map[string]*Index    // index series by id
	indexFiles         indexList            // the catalogue's indexes: list
	markers            []uprateMarker       // proxy values marked uprate, for checks
}

// Theme is a top-level goal, such as "Unlocking community capacity".
type Theme struct {
	ID          string    // identifier, unique in the framework
	Name        string    // short human-readable title
	Description string    // longer explanation; may be empty
	Outcomes    []Outcome // in catalogue order
}

// Outcome is a change a theme aims for, measured by one or more measures.
type Outcome struct {
	ID          string    // identifier, unique in the framework
	Name        string    // short human-readable title
	Description string    // longer explanation; may be empty
	Theme       string    // id of the theme it belongs to
	Measures    []Measure // in catalogue order
}

// Measure is something a supplier commits to and reports, in a unit, and if
// financial, valued in £ by a proxy value per financial year.
type Measure struct {
	ID          string // identifier, unique in the framework, as rows name it
	Name        string // short human-readable title
	Description string // longer explanation; may be empty
	Unit        Unit   // what a quantity of the measure counts
	Theme       string // id of the theme
	Outcome     string // id of the outcome
	// Financial measures have a £ proxy value per unit for at least one year;
	// the others are reported in their own unit only.
	Financial bool
	// Priority is the local weight of the measure (default 1): a council
	// raises it for the outcomes it targets. Weighted social value is
	// quantity × proxy × priority; the plain £ value ignores it.
	Priority decimal.Decimal
	// EvidenceRequired means delivered records of this measure must cite evidence.
	EvidenceRequired bool
	// ExclusiveGroup names a set of measures that must not count the same
	// thing twice (for example local spend and local SME spend).
	ExclusiveGroup string
	codes          []Code  // sorted by scheme
	proxies        []Proxy // sorted by year, given and uprated
	indexes        map[string]*Index
}

// Proxy is the £ value of one unit of a measure in one financial year, with
// where it comes from.
type Proxy struct {
	Year   Year            // the financial year the value applies to
	Value  decimal.Decimal // £ per unit
	Source string          // citation: publisher, document, URL
	Basis  string          // the methodology in a sentence
	// Uprate names the index series that carries this value to later years
	// that have no value of their own (see Index); "" for none.
	Uprate string
	// Uprated is set on a value derived from an earlier year's by an index
	// series, and nil on a value given in a file.
	Uprated *Uprating
}

// Note returns "uprated from 2021/22 by <series>" for an uprated value, and
// "" otherwise.
func (p Proxy) Note() string {
	if p.Uprated == nil {
		return ""
	}
	return p.Uprated.Note()
}

// Code is a measure's code in an external framework: Scheme "nt" and
// Value "NT3" for the National TOMs, "ppn002" and "1a" for the Social Value
// Model, "ecc" and "ECC7" for Essex's TOMs.
type Code struct {
	Scheme string // the external framework, such as "nt"
	Value  string // the measure's code in that framework, such as "NT3"
}

// Codes returns the measure's external codes, sorted by scheme. An outcome
// or commitment row may name the measure by one of them (see
// Framework.MeasureByRef).
func (m Measure) Codes() []Code { return append([]Code(nil), m.codes...) }

// Code returns the measure's code in scheme, if it has one.
func (m Measure) Code(scheme string) (string, bool) {
	for _, c := range m.codes {
		if c.Scheme == scheme {
			return c.Value, true
		}
	}
	return "", false
}

// Proxies returns the measure's proxy values in year order.
func (m Measure) Proxies() []Proxy { return append([]Proxy(nil), m.proxies...) }

// Proxy returns the value for year, if there is one.
func (m Measure) Proxy(year Year) (Proxy, bool) {
	i := sort.Search(len(m.proxies), func(i int) bool { return !m.proxies[i].Year.Before(year) })
	if i < len(m.proxies) && m.proxies[i].Year == year {
		return m.proxies[i], true
	}
	return Proxy{}, false
}

// ProxyFor returns the proxy for year under the policy: the year itself, or
// with CarryForward the latest earlier year. carried reports whether the
// value came from an earlier year.
func (m Measure) ProxyFor(year Year, policy YearPolicy) (p Proxy, carried bool, err error) {
	if !m.Financial {
		return Proxy{}, false, fmt.Errorf("measure %q (%s): %w", m.ID, m.Unit, ErrNotFinancial)
	}
	i := sort.Search(len(m.proxies), func(i int) bool { return !m.proxies[i].Year.Before(year) })
	if i < len(m.proxies) && m.proxies[i].Year == year {
		return m.proxies[i], false, nil
	}
	if policy == CarryForward && i > 0 {
		return m.proxies[i-1], true, nil
	}
	e := &ProxyError{Measure: m.ID, Year: year, Available: m.years(), CarryForward: policy == CarryForward}
	if i > 0 {
		e.Uprate = m.uprateGap(m.proxies[i-1], year)
	}
	return Proxy{}, false, e
}

// uprateGap explains why a value marked uprate (or uprated from one) did
// not reach year: its series is not loaded, or has no value for a year.
func (m Measure) uprateGap(prev Proxy, year Year) string {
	base := prev
	if prev.Uprated != nil {
		for _, p := range m.proxies {
			if p.Year == prev.Uprated.From {
				base = p
			}
		}
	}
	if base.Uprate == "" {
		return ""
	}
	ix, ok := m.indexes[base.Uprate]
	if !ok {
		return fmt.Sprintf("its %s value is uprated by index series %q, which is not loaded (list its file under indexes:)", base.Year, base.Uprate)
	}
	for _, y := range []Year{base.Year, year} {
		if _, ok := ix.Value(y); !ok {
			return fmt.Sprintf("its %s value is uprated by index series %q, which has no value for %s", base.Year, base.Uprate, y)
		}
	}
	return ""
}

func (m Measure) years() []Year {
	ys := make([]Year, len(m.proxies))
	for i, p := range m.proxies {
		ys[i] = p.Year
	}
	return ys
}

// ProxyError says which year was missing and which years exist.
// It matches ErrNoProxy with errors.Is.
type ProxyError struct {
	Measure      string // id of the measure
	Year         Year   // the financial year asked for
	Available    []Year // the years the measure has a value for, in order; empty for none
	CarryForward bool   // whether the lookup could carry an earlier year's value forward
	// Uprate says why an uprated value did not reach Year, or is "".
	Uprate string
}

// Error says which year is missing and which years the measure has.
func (e *ProxyError) Error() string {
	msg := fmt.Sprintf("measure %q has no proxy value for %s", e.Measure, e.Year)
	if e.CarryForward {
		msg += " or any earlier year"
	}
	if len(e.Available) > 0 {
		msg += fmt.Sprintf(" (it has %s", e.Available[0])
		for _, y := range e.Available[1:] {
			msg += ", " + y.String()
		}
		msg += ")"
		if e.Uprate != "" {
			msg += "; " + e.Uprate
		} else if !e.CarryForward {
			msg += "; load a proxy-values file for the year, or opt into carrying the latest earlier value forward"
		}
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrNoProxy) true.
func (e *ProxyError) Unwrap() error { return ErrNoProxy }

var one = decimal.NewFromInt(1)

// YearPolicy says what to do when a measure has no proxy value for the year asked for.
type YearPolicy int

const (
	// ExactYear fails with ErrNoProxy when the year has no value. It is the default.
	ExactYear YearPolicy = iota
	// CarryForward uses the latest earlier year's value and reports that it did.
	CarryForward
)

// Valuation is one quantity valued in £, with everything needed to trace it.
type Valuation struct {
	Measure  string          // id of the measure valued
	Unit     Unit            // the measure's unit, that Quantity counts
	Quantity decimal.Decimal // the amount delivered or committed, in Unit
	// Year is the financial year asked for; Proxy.Year is the year of the
	// value used, earlier than Year when CarriedForward.
	Year           Year
	Proxy          Proxy           // the proxy value used
	CarriedForward bool            // Proxy.Year is earlier than Year (policy CarryForward)
	Value          decimal.Decimal // Quantity × Proxy.Value, exact
	// Priority is the measure's local weight, and Weighted is Value ×
	// Priority: the figure to use where outcomes are weighted to local
	// priorities. Value is the plain £ figure to report.
	Priority decimal.Decimal // the measure's local weight, 1 by default
	Weighted decimal.Decimal // Value × Priority, exact
}

// ID returns the framework's identifier.
func (f *Framework) ID() string { return f.id }

// Name returns the framework's name.
func (f *Framework) Name() string { return f.name }

// Currency returns the currency of proxy values; always "GBP".
func (f *Framework) Currency() string { return f.currency }

// Themes returns the themes, with their outcomes and measures, in catalogue order.
func (f *Framework) Themes() []Theme {
	out := make([]Theme, len(f.themes))
	for i, t := range f.themes {
		out[i] = t
		out[i].Outcomes = make([]Outcome, len(t.Outcomes))
		for j, o := range t.Outcomes {
			out[i].Outcomes[j] = o
			out[i].Outcomes[j].Measures = append([]Measure(nil), o.Measures...)
		}
	}
	return out
}

// Theme returns the theme with the given id.
func (f *Framework) Theme(id string) (Theme, bool) {
	i, ok := f.themeByID[id]
	if !ok {
		return Theme{}, false
	}
	return f.Themes()[i], true
}

// Outcome returns the outcome with the given id.
func (f *Framework) Outcome(id string) (Outcome, bool) {
	o, ok := f.outcomes[id]
	if !ok {
		return Outcome{}, false
	}
	c := *o
	c.Measures = append([]Measure(nil), o.Measures...)
	return c, true
}

// Measure returns the measure with the given id.
func (f *Framework) Measure(id string) (Measure, bool) {
	m, ok := f.measures[id]
	if !ok {
		return Measure{}, false
	}
	return *m, true
}

// Measures returns every measure in catalogue order.
func (f *Framework) Measures() []Measure {
	out := make([]Measure, len(f.order))
	for i, m := range f.order {
		out[i] = *m
	}
	return out
}

// Units returns the units the framework knows: the built-in ones, then those
// the catalogue declares.
func (f *Framework) Units() []UnitInfo { return append([]UnitInfo(nil), f.units...) }

// Unit returns the description of a unit, if the framework knows it.
func (f *Framework) Unit(u Unit) (UnitInfo, bool) {
	for _, info := range f.units {
		if info.ID == u {
			return info, true
		}
	}
	return UnitInfo{}, false
}

// Value values quantity units of a measure in financial year: quantity ×
// proxy, exact. It fails with ErrUnknownMeasure, ErrNotFinancial, or
// ErrNoProxy (as a *ProxyError) when the year has no value and policy is
// ExactYear; with CarryForward it uses the latest earlier year's value and
// sets Valuation.CarriedForward.
func (f *Framework) Value(measureID string, quantity decimal.Decimal, year Year, policy YearPolicy) (Valuation, error) {
	m, ok := f.measures[measureID]
	if !ok {
		return Valuation{}, fmt.Errorf("%q: %w", measureID, ErrUnknownMeasure)
	}
	p, carried, err := m.ProxyFor(year, policy)
	if err != nil {
		return Valuation{}, err
	}
	value := quantity.Mul(p.Value)
	weighted := value
	if !m.Priority.Equal(one) {
		weighted = value.Mul(m.Priority)
	}
	return Valuation{
		Measure:        m.ID,
		Unit:           m.Unit,
		Quantity:       quantity,
		Year:           year,
		Proxy:          p,
		CarriedForward: carried,
		Value:          value,
		Priority:       m.Priority,
		Weighted:       weighted,
	}, nil
}
