package tom

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// ProxyValues is a set of proxy values loaded from a file of kind
// ProxyValues, to be laid over a catalogue with Framework.WithProxies. It is
// how a council loads licensed or locally evidenced values without editing
// the catalogue. It is immutable and safe for concurrent use.
type ProxyValues struct {
	name       string
	entries    []proxyEntry
	indexFiles indexList
	indexes    []*Index       // loaded from indexFiles by LoadProxiesFile
	markers    []uprateMarker // values marked uprate
}

type proxyEntry struct {
	pos     diag.Pos
	field   string // values[i], for error messages
	measure string
	proxy   Proxy
}

// Name returns the name the file gives itself.
func (pv *ProxyValues) Name() string { return pv.name }

// Len returns how many values the file holds.
func (pv *ProxyValues) Len() int { return len(pv.entries) }

type proxyValuesFile struct {
	APIVersion  string           `yaml:"apiVersion"`
	Kind        string           `yaml:"kind"`
	Name        string           `yaml:"name"`
	Description string           `yaml:"description"`
	Indexes     []string         `yaml:"indexes"`
	Values      []proxyValueFile `yaml:"values,required"`
}

type proxyValueFile struct {
	Pos     diag.Pos            `yaml:",pos"`
	At      map[string]diag.Pos `yaml:",at"`
	Measure string              `yaml:"measure,required"`
	Year    string              `yaml:"year,required"`
	Value   *decimal.Decimal    `yaml:"value,required"`
	Source  string              `yaml:"source,required"`
	Basis   string              `yaml:"basis,required"`
	Uprate  string              `yaml:"uprate"`
}

// LoadProxiesFile reads and parses a proxy-values file, with the index
// series it lists under indexes: (paths relative to the file). Each file
// may be at most 4 MiB; ReadProxies with ReadOptions{MaxBytes: n,
// ReadIndexes: true} on the opened file raises the limit.
func LoadProxiesFile(path string) (*ProxyValues, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return ReadProxies(file, path, ReadOptions{ReadIndexes: true})
}

// ReadProxies reads a proxy-values file (kind: ProxyValues) from r, such as
// an upload, as ParseProxies does; name is used in positions. It reads no
// more than opts.MaxBytes (default 4 MiB) plus one byte: a longer input is
// an error matching diag.ErrTooLarge. With opts.ReadIndexes it also reads
// the index series the file lists, as LoadProxiesFile does.
func ReadProxies(r io.Reader, name string, opts ReadOptions) (*ProxyValues, error) {
	pv, errs := readProxies(r, name, opts, nil)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return pv, nil
}

// readProxies reads and parses a proxy-values file and, with
// opts.ReadIndexes, the index series it lists (known: those already loaded).
func readProxies(r io.Reader, name string, opts ReadOptions, known map[string]*Index) (*ProxyValues, diag.List) {
	var errs diag.List
	data, err := yamlx.ReadAll(r, name, opts.MaxBytes)
	if err != nil {
		errs.Append(err)
		return nil, errs
	}
	pv, errs := parseProxies(name, data, opts.MaxBytes)
	if pv != nil && opts.ReadIndexes {
		var more diag.List
		pv.indexes, more = pv.indexFiles.load(readFile(opts.MaxBytes), known)
		errs = append(errs, more...)
	}
	return pv, errs
}

// ApplyProxiesFile reads a proxy-values file, with the index series it
// lists, and lays it over f as ApplyProxies does. Each file may be at most
// 4 MiB (see ApplyProxiesFrom).
func (f *Framework) ApplyProxiesFile(path string) (*Framework, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return f.ApplyProxiesFrom(file, path, ReadOptions{ReadIndexes: true})
}

// ApplyProxies reads a proxy-values file and lays it over f, as ParseProxies
// followed by WithProxies, but in one pass: values for measures f does not
// have are reported together with every other problem in the file. The
// file may be at most 4 MiB (see ApplyProxiesFrom to raise the limit).
func (f *Framework) ApplyProxies(name string, data []byte) (*Framework, error) {
	return f.ApplyProxiesFrom(bytes.NewReader(data), name, ReadOptions{})
}

// ApplyProxiesFrom is ApplyProxies reading the file from r, at most
// opts.MaxBytes (default 4 MiB) plus one byte (a longer input is an error
// matching diag.ErrTooLarge), and with opts.ReadIndexes the index series it
// lists, as ApplyProxiesFile does.
func (f *Framework) ApplyProxiesFrom(r io.Reader, name string, opts ReadOptions) (*Framework, error) {
	pv, errs := readProxies(r, name, opts, f.indexes)
	if pv != nil {
		errs = append(errs, f.unknownMeasures(pv)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return f.WithProxies(pv)
}

// ParseProxies reads a proxy-values file (kind: ProxyValues) from YAML or JSON:
//
//	apiVersion: toms/v1
//	kind: ProxyValues
//	name: Licensed values 2025/26
//	values:
//	  - {measure: volunteering-hours, year: "2025/26", value: "17.40", source: "...", basis: "..."}
//
// A (measure, year) pair may appear once. Whether each measure exists is
// checked when the values are laid over a framework. The document may be at
// most 4 MiB (see ReadProxies to raise the limit).
func ParseProxies(name string, data []byte) (*ProxyValues, error) {
	pv, errs := parseProxies(name, data, 0)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return pv, nil
}

// parseProxies reads what it can of a proxy-values file and lists every
// problem; pv is nil when the file is not a ProxyValues document at all.
func parseProxies(name string, data []byte, max int64) (*ProxyValues, diag.List) {
	root, d, err := yamlx.Open(name, data, "ProxyValues", max)
	if err != nil {
		var errs diag.List
		errs.Append(err)
		return nil, errs
	}
	var pf proxyValuesFile
	d.Decode(root, &pf, "")
	pv := &ProxyValues{name: pf.Name, indexFiles: listIndexes(d, root, pf.Indexes)}
	seen := map[string]diag.Pos{}
	for i, v := range pf.Values {
		field := fmt.Sprintf("values[%d]", i)
		if v.Value == nil || v.Measure == "" || v.Year == "" {
			continue // already reported as missing
		}
		y, err := ParseYear(v.Year)
		if err != nil {
			d.Errs.Add(v.At["year"].At(field+".year", ErrInvalid, "%v", err))
			continue
		}
		if v.Value.IsNegative() {
			d.Errs.Add(v.At["value"].At(field+".value", ErrInvalid, "is %s; a proxy value cannot be negative", v.Value))
			continue
		}
		key := v.Measure + "\x00" + y.String()
		if prev, dup := seen[key]; dup {
			d.Errs.Add(v.Pos.At(field, ErrInvalid, "measure %q already has a value for %s at %s", v.Measure, y, prev))
			continue
		}
		seen[key] = v.Pos
		pv.entries = append(pv.entries, proxyEntry{pos: v.At["measure"], field: field, measure: v.Measure,
			proxy: Proxy{Year: y, Value: *v.Value, Source: strings.TrimSpace(v.Source), Basis: strings.TrimSpace(v.Basis), Uprate: v.Uprate}})
		if v.Uprate != "" {
			pv.markers = append(pv.markers, uprateMarker{pos: v.At["uprate"], field: field + ".uprate", measure: v.Measure, series: v.Uprate})
		}
	}
	return pv, d.Errs
}

// WithProxies returns a new framework whose measures carry the values of pv
// as well as their own; a value for a year the catalogue already has
// replaces it. A measure given a value becomes financial. Values are then
// uprated (see WithIndexes) with the series of the framework and those pv
// was loaded with. A value for a measure the framework does not have, or
// marked uprate by a series neither knows, is an error. f itself is
// unchanged.
func (f *Framework) WithProxies(pv *ProxyValues) (*Framework, error) {
	if err := f.unknownMeasures(pv).Err(); err != nil {
		return nil, err
	}
	g, err := f.WithIndexes(pv.indexes...)
	if err != nil {
		return nil, err
	}
	if err := g.unresolved(pv.markers).Err(); err != nil {
		return nil, err
	}
	g.markers = append(g.markers, pv.markers...)
	byMeasure := map[string][]proxyEntry{}
	for _, e := range pv.entries {
		byMeasure[e.measure] = append(byMeasure[e.measure], e)
	}
	for ti := range g.themes {
		for oi := range g.themes[ti].Outcomes {
			ms := g.themes[ti].Outcomes[oi].Measures
			for mi := range ms {
				entries := byMeasure[ms[mi].ID]
				if len(entries) == 0 {
					continue
				}
				merged := map[Year]Proxy{}
				for _, p := range given(ms[mi].proxies) {
					merged[p.Year] = p
				}
				for _, e := range entries {
					merged[e.proxy.Year] = e.proxy
				}
				ps := make([]Proxy, 0, len(merged))
				for _, p := range merged {
					ps = append(ps, p)
				}
				sort.Slice(ps, func(i, j int) bool { return ps[i].Year.Before(ps[j].Year) })
				ms[mi].proxies = ps
				ms[mi].Financial = true
			}
		}
	}
	g.uprate()
	return g, nil
}

// unknownMeasures lists the values in pv for measures f does not have.
func (f *Framework) unknownMeasures(pv *ProxyValues) diag.List {
	var errs diag.List
	var names []string
	for _, m := range f.order {
		names = append(names, m.ID)
	}
	for _, e := range pv.entries {
		if _, ok := f.measures[e.measure]; ok {
			continue
		}
		msg := fmt.Sprintf("unknown measure %q", e.measure)
		if s := diag.Suggest(e.measure, names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		errs.Add(e.pos.At(e.field+".measure", ErrUnknownMeasure, "%s", msg))
	}
	return errs
}
