package tom

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/socialvalue-toms/toms/diag"
)

// uprateMarker is a proxy value marked `uprate: SERIES`, remembered with its
// position so that a series that is not loaded can be reported there.
type uprateMarker struct {
	pos     diag.Pos
	field   string
	measure string
	series  string
}

// WithIndexes returns a new framework that knows the index series ixs as
// well as its own, and whose proxy values marked `uprate: SERIES` are
// carried to later years: for each year of the series after the marked
// value's year, up to the measure's next value given in a file, the value
// is value × index[year] / index[marked year], rounded once to UpratePlaces
// decimal places, half away from zero (Index.Uprate), with Proxy.Uprated
// saying so. A year missing from the series gets no uprated value. A
// second series with the id of one already known is an error. f itself is
// unchanged.
func (f *Framework) WithIndexes(ixs ...*Index) (*Framework, error) {
	g := f.clone()
	for _, ix := range ixs {
		if _, dup := g.indexes[ix.id]; dup {
			return nil, &diag.Diagnostic{Message: fmt.Sprintf("index series %q is loaded twice", ix.id), Kind: ErrInvalid}
		}
		g.indexes[ix.id] = ix
	}
	g.uprate()
	return g, nil
}

// Indexes returns the index series the framework knows, by id order.
func (f *Framework) Indexes() []*Index {
	out := make([]*Index, 0, len(f.indexes))
	for _, ix := range f.indexes {
		out = append(out, ix)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// clone copies f deeply enough to change its measures' proxies.
func (f *Framework) clone() *Framework {
	g := &Framework{
		id: f.id, name: f.name, currency: f.currency,
		units:      f.units,
		measures:   map[string]*Measure{},
		outcomes:   map[string]*Outcome{},
		themeByID:  map[string]int{},
		indexes:    map[string]*Index{},
		indexFiles: f.indexFiles,
		markers:    append([]uprateMarker(nil), f.markers...),
	}
	for k, v := range f.indexes {
		g.indexes[k] = v
	}
	g.themes = f.Themes() // deep enough: proxies slices are replaced, never mutated
	g.index()
	return g
}

// uprate recomputes every measure's uprated values from its given ones and
// the known series.
func (f *Framework) uprate() {
	for ti := range f.themes {
		for oi := range f.themes[ti].Outcomes {
			ms := f.themes[ti].Outcomes[oi].Measures
			for mi := range ms {
				ms[mi].proxies = uprated(given(ms[mi].proxies), f.indexes)
				ms[mi].indexes = f.indexes
			}
		}
	}
}

// given returns the proxies read from files, without uprated ones.
func given(ps []Proxy) []Proxy {
	out := make([]Proxy, 0, len(ps))
	for _, p := range ps {
		if p.Uprated == nil {
			out = append(out, p)
		}
	}
	return out
}

// uprated adds, after each value marked uprate whose series is known, the
// uprated values for the series' later years up to the next given value.
func uprated(ps []Proxy, indexes map[string]*Index) []Proxy {
	out := make([]Proxy, 0, len(ps))
	for i, p := range ps {
		out = append(out, p)
		ix, ok := indexes[p.Uprate]
		if p.Uprate == "" || !ok {
			continue
		}
		for _, iv := range ix.values {
			if !p.Year.Before(iv.Year) {
				continue
			}
			if i+1 < len(ps) && !iv.Year.Before(ps[i+1].Year) {
				break
			}
			v, ok := ix.Uprate(p.Value, p.Year, iv.Year)
			if !ok {
				continue
			}
			from, _ := ix.Value(p.Year)
			u := &Uprating{From: p.Year, FromValue: p.Value, Series: ix.id, Name: ix.name, FromIndex: from, ToIndex: iv.Value}
			source := p.Source
			if ix.source != "" {
				source += "; index: " + ix.source
			}
			out = append(out, Proxy{
				Year: iv.Year, Value: v, Source: source,
				Basis:   fmt.Sprintf("%s; %s (%s × %s / %s, rounded to %d places)", strings.TrimRight(p.Basis, "."), u.Note(), p.Value, iv.Value, from, UpratePlaces),
				Uprated: u,
			})
		}
	}
	return out
}

// unresolved lists the values marked uprate by a series f does not know.
func (f *Framework) unresolved(markers []uprateMarker) diag.List {
	var errs diag.List
	var known []string
	for id := range f.indexes {
		known = append(known, id)
	}
	sort.Strings(known)
	for _, mk := range markers {
		if _, ok := f.indexes[mk.series]; ok {
			continue
		}
		msg := fmt.Sprintf("index series %q is not loaded", mk.series)
		if s := diag.Suggest(mk.series, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else if len(known) > 0 {
			msg += "; loaded: " + strings.Join(known, ", ")
		} else {
			msg += "; list the series' file (kind: Index) under indexes:"
		}
		errs.Add(mk.pos.At(mk.field, ErrUnknownIndex, "%s", msg))
	}
	return errs
}

// indexList is a file's indexes: list, as written, with positions.
type indexList struct {
	file  string
	paths []string
	at    []diag.Pos
}

// load reads the index files listed, each relative to the listing file's
// directory, with read (os.ReadFile, or the embedded files), leaving out a
// series whose id is already in known.
func (l indexList) load(read func(string) ([]byte, error), known map[string]*Index) ([]*Index, diag.List) {
	var (
		out  []*Index
		errs diag.List
	)
	dir := filepath.Dir(l.file)
	ids := map[string]string{}
	for i, p := range l.paths {
		field := fmt.Sprintf("indexes[%d]", i)
		full := p
		if !filepath.IsAbs(p) {
			full = filepath.Join(dir, p)
		}
		data, err := read(full)
		if err != nil {
			errs.Add(l.at[i].At(field, ErrUnknownIndex, "cannot read the index file: %v", err))
			continue
		}
		ix, err := ParseIndex(full, data)
		if err != nil {
			errs.Append(err)
			continue
		}
		if prev, dup := ids[ix.id]; dup {
			errs.Add(l.at[i].At(field, ErrInvalid, "index series %q is already loaded from %s", ix.id, prev))
			continue
		}
		ids[ix.id] = full
		if _, dup := known[ix.id]; dup {
			errs.Add(l.at[i].At(field, ErrInvalid, "index series %q is already loaded by the catalogue", ix.id))
			continue
		}
		out = append(out, ix)
	}
	return out, errs
}
