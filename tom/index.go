package tom

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// UpratePlaces is the number of decimal places an uprated proxy value is
// rounded to, once, half away from zero: £16.93 × 103 / 100 = £17.4379
// exactly, and £16.93 × 104 / 103 = £17.094368… becomes £17.0944.
const UpratePlaces = 4

// Index is a named series of index values per financial year, such as a
// GDP deflator, loaded from a file of kind Index. A proxy value marked
// `uprate: SERIES` is carried to later years in proportion to the series:
// value × index[year] / index[base year]. An Index is immutable and safe for
// concurrent use.
type Index struct {
	id, name, source, basis string
	values                  []IndexValue // year order
}

// IndexValue is the value of an index series in one financial year.
type IndexValue struct {
	Year  Year            // the financial year
	Value decimal.Decimal // the series' level in Year; uprating scales a proxy by the ratio of two years' levels
}

// ID returns the series identifier that proxy values name in `uprate`.
func (ix *Index) ID() string { return ix.id }

// Name returns the series' human-readable name.
func (ix *Index) Name() string { return ix.name }

// Source returns the citation of the series: publisher, document, URL.
func (ix *Index) Source() string { return ix.source }

// Basis returns what the series measures and its base, in a sentence.
func (ix *Index) Basis() string { return ix.basis }

// Values returns the series in year order.
func (ix *Index) Values() []IndexValue { return append([]IndexValue(nil), ix.values...) }

// Value returns the series' value for year, if it has one.
func (ix *Index) Value(year Year) (decimal.Decimal, bool) {
	i := sort.Search(len(ix.values), func(i int) bool { return !ix.values[i].Year.Before(year) })
	if i < len(ix.values) && ix.values[i].Year == year {
		return ix.values[i].Value, true
	}
	return decimal.Decimal{}, false
}

// Uprate returns value × index[to] / index[from], rounded once to
// UpratePlaces decimal places, half away from zero. ok is false when the
// series has no value for either year.
func (ix *Index) Uprate(value decimal.Decimal, from, to Year) (decimal.Decimal, bool) {
	base, ok1 := ix.Value(from)
	now, ok2 := ix.Value(to)
	if !ok1 || !ok2 {
		return decimal.Decimal{}, false
	}
	// DivRound works on the exact product and rounds once; it does not
	// depend on decimal.DivisionPrecision.
	return value.Mul(now).DivRound(base, UpratePlaces), true
}

type indexFile struct {
	APIVersion string                      `yaml:"apiVersion"`
	Kind       string                      `yaml:"kind"`
	At         map[string]diag.Pos         `yaml:",at"`
	ID         string                      `yaml:"id,required"`
	Name       string                      `yaml:"name,required"`
	Source     string                      `yaml:"source,required"`
	Basis      string                      `yaml:"basis,required"`
	Values     map[string]*decimal.Decimal `yaml:"values,required" schema:"keys=year"`
}

// LoadIndexFile reads and parses an index file (kind: Index) of at most
// 4 MiB; to read a larger one, open it and call ReadIndex.
func LoadIndexFile(path string) (*Index, error) {
	data, err := readFile(0)(path)
	if err != nil {
		return nil, err
	}
	return ParseIndex(path, data)
}

// ReadIndex reads an index series (kind: Index) from r, as ParseIndex does;
// name is used in positions. It reads no more than opts.MaxBytes (default
// 4 MiB) plus one byte: a longer input is an error matching diag.ErrTooLarge.
func ReadIndex(r io.Reader, name string, opts ReadOptions) (*Index, error) {
	data, err := yamlx.ReadAll(r, name, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	return parseIndex(name, data, opts.MaxBytes)
}

// ParseIndex reads an index series (kind: Index) from YAML or JSON:
//
//	apiVersion: toms/v1
//	kind: Index
//	id: gdp-deflator
//	name: GDP deflator at market prices
//	source: HM Treasury, GDP deflators at market prices, and money GDP (...)
//	basis: Financial years, 2021/22 = 100
//	values:
//	  "2021/22": "100"
//	  "2022/23": "103"
//
// Every value must be above zero; a year appears once. name is used in
// error positions, and every problem is returned at once as diag.List. The
// document may be at most 4 MiB (see ReadIndex to raise the limit).
func ParseIndex(name string, data []byte) (*Index, error) { return parseIndex(name, data, 0) }

func parseIndex(name string, data []byte, max int64) (*Index, error) {
	root, d, err := yamlx.Open(name, data, "Index", max)
	if err != nil {
		return nil, err
	}
	var xf indexFile
	d.Decode(root, &xf, "")
	ix := &Index{id: xf.ID, name: xf.Name, source: strings.TrimSpace(xf.Source), basis: strings.TrimSpace(xf.Basis)}
	if xf.ID != "" {
		checkID(invalid(d), xf.At["id"], "id", xf.ID)
	}
	values := yamlx.MapValue(root, "values")
	if values != nil && len(xf.Values) == 0 && !yamlx.IsNull(values) && len(d.Errs) == 0 {
		d.Errorf(values, "values", ErrInvalid, "an index needs at least one year's value")
	}
	if values != nil && values.Kind == yaml.MappingNode {
		reported := map[string]bool{}
		for _, e := range d.Errs {
			reported[e.Field] = true
		}
		seen := map[Year]bool{}
		for i := 0; i+1 < len(values.Content); i += 2 {
			k := values.Content[i]
			v, ok := xf.Values[k.Value]
			field := "values." + k.Value
			if !ok || v == nil || reported[field] {
				continue // a duplicate or a bad number, already reported
			}
			y, err := ParseYear(k.Value)
			if err != nil {
				d.Errorf(k, field, ErrInvalid, "%v", err)
				continue
			}
			if seen[y] {
				continue // the duplicate key is already reported
			}
			seen[y] = true
			if !v.IsPositive() {
				d.Errorf(values.Content[i+1], field, ErrInvalid, "is %s; an index value must be above zero", v)
				continue
			}
			ix.values = append(ix.values, IndexValue{Year: y, Value: *v})
		}
	}
	sort.Slice(ix.values, func(i, j int) bool { return ix.values[i].Year.Before(ix.values[j].Year) })
	if err := d.Err(); err != nil {
		return nil, err
	}
	return ix, nil
}

// Uprating says how a proxy value was derived from an earlier year's.
type Uprating struct {
	From      Year            // the year of the value uprated
	FromValue decimal.Decimal // that value
	Series    string          // the index series' id
	Name      string          // the series' name
	FromIndex decimal.Decimal // index[From]
	ToIndex   decimal.Decimal // index[the proxy's year]
}

// Note returns "uprated from 2021/22 by <series name>", the note shown
// wherever an uprated value is.
func (u Uprating) Note() string {
	name := u.Name
	if name == "" {
		name = u.Series
	}
	return fmt.Sprintf("uprated from %s by %s", u.From, name)
}
