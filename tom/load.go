package tom

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// ErrInvalid is matched (errors.Is) by every semantic problem in a catalogue
// or proxy-values file: duplicate ids, unknown units, bad values, and so on.
// Syntax, unknown-field and type problems match the yamlx kinds as well as
// being diag.List.
var ErrInvalid = errors.New("invalid catalogue")

//go:embed catalogue/*.yaml
var embedded embed.FS

// DefaultFile is the name of the embedded default catalogue, as it appears
// in error positions.
const DefaultFile = "catalogue/council.yaml"

// Default returns the council's default catalogue, embedded in the module:
// its Key Social Value Goals as themes, with the measures its procurement
// strategy names and the open, cited proxy values that exist for them. It is
// parsed on every call; keep the result if you need it more than once.
func Default() (*Framework, error) {
	data, err := embedded.ReadFile(DefaultFile)
	if err != nil {
		return nil, err
	}
	f, err := Parse(DefaultFile, data)
	if err != nil {
		return nil, err
	}
	return f.withIndexFiles(embedded.ReadFile)
}

// DefaultSource returns the YAML text of the embedded default catalogue, as
// a starting point for a council's own.
func DefaultSource() []byte {
	data, _ := embedded.ReadFile(DefaultFile)
	return data
}

// ReadOptions tune reading a catalogue, proxy-values or index file.
type ReadOptions struct {
	// MaxBytes is the size limit of each file, in bytes; zero means the
	// default, 4 MiB. A larger file is an error matching diag.ErrTooLarge.
	MaxBytes int64
	// ReadIndexes makes Read, ReadProxies and ApplyProxiesFrom read the
	// index series files the document lists under indexes: from the
	// operating system, relative to the directory of the name given, as
	// LoadFile does. Without it no other file is read (an upload cannot
	// make a server open files); give the series with WithIndexes.
	ReadIndexes bool
}

// LoadFile reads and parses a catalogue file (YAML or JSON), with the index
// series it lists under indexes: (paths relative to the file), and checks
// that every value marked uprate names one of them. Each file may be at
// most 4 MiB; Read with ReadOptions{MaxBytes: n, ReadIndexes: true} on the
// opened file raises the limit.
func LoadFile(path string) (*Framework, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return Read(file, path, ReadOptions{ReadIndexes: true})
}

// Read reads a catalogue (kind: Framework) from r, such as an upload, as
// Parse does; name is used in positions. It reads no more than
// opts.MaxBytes (default 4 MiB) plus one byte: a longer input is an error
// matching diag.ErrTooLarge, so an endless stream cannot exhaust memory.
// With opts.ReadIndexes it also reads the index series the catalogue lists
// and checks every uprate, as LoadFile does.
func Read(r io.Reader, name string, opts ReadOptions) (*Framework, error) {
	data, err := yamlx.ReadAll(r, name, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	f, err := parse(name, data, opts.MaxBytes)
	if err != nil || !opts.ReadIndexes {
		return f, err
	}
	return f.withIndexFiles(readFile(opts.MaxBytes))
}

// readFile returns a function that reads a file of at most max bytes (zero:
// the default limit) from the operating system.
func readFile(max int64) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return yamlx.ReadAll(f, path, max)
	}
}

// withIndexFiles loads the catalogue's indexes: files and uprates with them.
func (f *Framework) withIndexFiles(read func(string) ([]byte, error)) (*Framework, error) {
	ixs, errs := f.indexFiles.load(read, f.indexes)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	g, err := f.WithIndexes(ixs...)
	if err != nil {
		return nil, err
	}
	if err := g.unresolved(g.markers).Err(); err != nil {
		return nil, err
	}
	return g, nil
}

type frameworkFile struct {
	APIVersion  string      `yaml:"apiVersion"`
	Kind        string      `yaml:"kind"`
	ID          string      `yaml:"id,required"`
	Name        string      `yaml:"name,required"`
	Description string      `yaml:"description"`
	Currency    string      `yaml:"currency"`
	Indexes     []string    `yaml:"indexes"`
	Units       []unitFile  `yaml:"units"`
	Themes      []themeFile `yaml:"themes,required"`
}

type unitFile struct {
	Pos         diag.Pos            `yaml:",pos"`
	At          map[string]diag.Pos `yaml:",at"`
	ID          string              `yaml:"id,required"`
	Name        string              `yaml:"name,required"`
	Description string              `yaml:"description"`
}

type themeFile struct {
	Pos         diag.Pos            `yaml:",pos"`
	At          map[string]diag.Pos `yaml:",at"`
	ID          string              `yaml:"id,required"`
	Name        string              `yaml:"name,required"`
	Description string              `yaml:"description"`
	Outcomes    []outcomeFile       `yaml:"outcomes,required"`
}

type outcomeFile struct {
	Pos         diag.Pos            `yaml:",pos"`
	At          map[string]diag.Pos `yaml:",at"`
	ID          string              `yaml:"id,required"`
	Name        string              `yaml:"name,required"`
	Description string              `yaml:"description"`
	Measures    []measureFile       `yaml:"measures,required"`
}

type measureFile struct {
	Pos              diag.Pos            `yaml:",pos"`
	At               map[string]diag.Pos `yaml:",at"`
	ID               string              `yaml:"id,required"`
	Name             string              `yaml:"name,required"`
	Description      string              `yaml:"description"`
	Unit             string              `yaml:"unit,required"`
	Financial        *bool               `yaml:"financial"`
	Priority         *decimal.Decimal    `yaml:"priority"`
	EvidenceRequired bool                `yaml:"evidenceRequired"`
	ExclusiveGroup   string              `yaml:"exclusiveGroup"`
	Codes            map[string]string   `yaml:"codes"`
	Proxies          *yaml.Node          `yaml:"proxies" schema:"proxies"`
}

// proxyFile is one year's value under a measure's proxies.
type proxyFile struct {
	At     map[string]diag.Pos `yaml:",at"`
	Value  *decimal.Decimal    `yaml:"value,required"`
	Source string              `yaml:"source,required"`
	Basis  string              `yaml:"basis,required"`
	Uprate string              `yaml:"uprate"`
}

// Parse reads a catalogue (kind: Framework) from YAML or JSON. name is used
// in error positions. Every problem found is returned at once, as diag.List.
// The document may be at most 4 MiB (see Read to raise the limit).
func Parse(name string, data []byte) (*Framework, error) { return parse(name, data, 0) }

func parse(name string, data []byte, max int64) (*Framework, error) {
	root, d, err := yamlx.Open(name, data, "Framework", max)
	if err != nil {
		return nil, err
	}
	var ff frameworkFile
	d.Decode(root, &ff, "")
	f := build(d, root, &ff)
	if err := d.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// builder holds what building a Framework from its file needs across the
// themes: the ids claimed so far (unique across the whole tree), the units
// known, and where each measure's codes were written, for checks made once
// every measure is known.
type builder struct {
	d      *yamlx.Decoder
	bad    func(p diag.Pos, field, format string, args ...any) // see invalid
	f      *Framework
	known  map[Unit]bool
	ids    map[string]string // id -> where it was first defined
	codeAt map[string]codePlace
}

// build turns a decoded catalogue file into a Framework, recording every
// problem on d: the header fields, then the units, then the themes with
// their outcomes and measures, then the checks across measures.
func build(d *yamlx.Decoder, root *yaml.Node, ff *frameworkFile) *Framework {
	b := &builder{
		d:   d,
		bad: invalid(d),
		f: &Framework{
			id: ff.ID, name: ff.Name, currency: "GBP",
			measures:  map[string]*Measure{},
			outcomes:  map[string]*Outcome{},
			themeByID: map[string]int{},
			units:     Units(),
			indexes:   map[string]*Index{},
		},
		known:  map[Unit]bool{},
		ids:    map[string]string{},
		codeAt: map[string]codePlace{},
	}
	f := b.f
	f.indexFiles = listIndexes(d, root, ff.Indexes)
	if ff.Currency != "" && ff.Currency != "GBP" {
		b.bad(d.Pos(yamlx.MapValue(root, "currency")), "currency", "is %q; only GBP is supported", ff.Currency)
	}
	b.addUnits(ff.Units)
	if len(ff.Themes) == 0 && yamlx.MapValue(root, "themes") != nil {
		b.bad(d.Pos(root), "themes", "a framework needs at least one theme")
	}
	for ti, tf := range ff.Themes {
		f.themes = append(f.themes, b.theme(fmt.Sprintf("themes[%d]", ti), tf))
	}
	f.index()
	checkCodes(f, b.codeAt, b.bad)
	f.uprate()
	return f
}

// invalid returns what records a semantic problem (ErrInvalid) at a
// position on d, in the form checkID, decodeCodes and checkCodes take.
func invalid(d *yamlx.Decoder) func(p diag.Pos, field, format string, args ...any) {
	return func(p diag.Pos, field, format string, args ...any) {
		d.Errs.Add(p.At(field, ErrInvalid, format, args...))
	}
}

// addUnits adds the catalogue's own units to the built-in ones, refusing
// one that is already defined.
func (b *builder) addUnits(units []unitFile) {
	for _, u := range b.f.units {
		b.known[u.ID] = true
	}
	for i, u := range units {
		field := fmt.Sprintf("units[%d].id", i)
		if u.ID == "" {
			continue
		}
		if b.known[Unit(u.ID)] {
			b.bad(u.At["id"], field, "unit %q is already defined", u.ID)
			continue
		}
		checkID(b.bad, u.At["id"], field, u.ID)
		b.known[Unit(u.ID)] = true
		b.f.units = append(b.f.units, UnitInfo{ID: Unit(u.ID), Name: u.Name, Description: u.Description})
	}
}

// claim checks id's form and that no theme, outcome or measure has used it
// before.
func (b *builder) claim(p diag.Pos, field, id string) {
	if id == "" {
		return
	}
	checkID(b.bad, p, field, id)
	if prev, dup := b.ids[id]; dup {
		b.bad(p, field, "id %q is already used at %s; ids must be unique across themes, outcomes and measures", id, prev)
		return
	}
	b.ids[id] = p.String()
}

// theme builds one theme with its outcomes and their measures.
func (b *builder) theme(tpath string, tf themeFile) Theme {
	b.claim(tf.At["id"], tpath+".id", tf.ID)
	th := Theme{ID: tf.ID, Name: tf.Name, Description: strings.TrimSpace(tf.Description)}
	for oi, of := range tf.Outcomes {
		opath := fmt.Sprintf("%s.outcomes[%d]", tpath, oi)
		b.claim(of.At["id"], opath+".id", of.ID)
		oc := Outcome{ID: of.ID, Name: of.Name, Description: strings.TrimSpace(of.Description), Theme: tf.ID}
		for mi, mf := range of.Measures {
			oc.Measures = append(oc.Measures, b.measure(fmt.Sprintf("%s.measures[%d]", opath, mi), tf.ID, of.ID, mf))
		}
		th.Outcomes = append(th.Outcomes, oc)
	}
	return th
}

// measure builds one measure: its unit, priority weight, codes and proxy
// values, and whether it is financial (given, or implied by its proxies).
func (b *builder) measure(mpath, theme, outcome string, mf measureFile) Measure {
	b.claim(mf.At["id"], mpath+".id", mf.ID)
	m := Measure{
		ID: mf.ID, Name: mf.Name, Description: strings.TrimSpace(mf.Description),
		Unit: Unit(mf.Unit), Theme: theme, Outcome: outcome,
		Priority: decimal.NewFromInt(1), EvidenceRequired: mf.EvidenceRequired,
		ExclusiveGroup: mf.ExclusiveGroup,
	}
	if mf.Unit != "" && !b.known[m.Unit] {
		msg := fmt.Sprintf("unknown unit %q", mf.Unit)
		if s := diag.Suggest(mf.Unit, unitNames(b.f.units)); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += "; declare it in the units list or use one of " + strings.Join(unitNames(b.f.units), ", ")
		}
		b.bad(mf.At["unit"], mpath+".unit", "%s", msg)
	}
	if mf.Priority != nil {
		if mf.Priority.IsNegative() {
			b.bad(mf.At["priority"], mpath+".priority", "is %s; a priority weight cannot be negative", mf.Priority)
		}
		m.Priority = *mf.Priority
	}
	m.codes = decodeCodes(b.bad, b.d.Errs, mf.At["codes"], mpath+".codes", mf.Codes)
	b.codeAt[mf.ID] = codePlace{mf.At["codes"], mpath + ".codes"}
	var marks []uprateMarker
	m.proxies, marks = decodeProxies(b.d, mf.Proxies, mpath+".proxies", mf.ID)
	b.f.markers = append(b.f.markers, marks...)
	switch {
	case mf.Financial == nil:
		m.Financial = len(m.proxies) > 0
	case *mf.Financial && len(m.proxies) == 0 && !hasProxyNode(mf.Proxies):
		b.bad(mf.At["financial"], mpath+".financial", "measure %q is marked financial but has no proxy value for any year; add proxies or set financial: false", mf.ID)
	case !*mf.Financial && hasProxyNode(mf.Proxies):
		b.bad(mf.At["financial"], mpath+".financial", "measure %q is marked financial: false but has proxy values; remove one or the other", mf.ID)
	default:
		m.Financial = *mf.Financial
	}
	return m
}

// index builds the lookup maps; called once the themes are final.
func (f *Framework) index() {
	f.order = f.order[:0]
	f.codes = map[string][]codeRef{}
	for ti := range f.themes {
		t := &f.themes[ti]
		f.themeByID[t.ID] = ti
		for oi := range t.Outcomes {
			o := &t.Outcomes[oi]
			f.outcomes[o.ID] = o
			for mi := range o.Measures {
				m := &o.Measures[mi]
				f.measures[m.ID] = m
				f.order = append(f.order, m)
				for _, c := range m.codes {
					f.codes[c.Value] = append(f.codes[c.Value], codeRef{scheme: c.Scheme, measure: m.ID})
				}
			}
		}
	}
}

func hasProxyNode(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.MappingNode && len(n.Content) > 0
}

// decodeProxies reads `"2024/25": {value, source, basis}` entries in order,
// and lists those marked uprate.
func decodeProxies(d *yamlx.Decoder, n *yaml.Node, path, measure string) ([]Proxy, []uprateMarker) {
	if yamlx.IsNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, diag.ErrType, "expected a mapping of financial year to value, such as \"2024/25\": {value: \"16.93\", source: ..., basis: ...}")
		return nil, nil
	}
	var (
		out   []Proxy
		marks []uprateMarker
	)
	seen := map[Year]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := path + "." + k.Value
		y, err := ParseYear(k.Value)
		if err != nil {
			d.Errorf(k, field, ErrInvalid, "%v", err)
			continue
		}
		if line, dup := seen[y]; dup {
			d.Errorf(k, field, diag.ErrDuplicateKey, "year %s is already given at line %d", y, line)
			continue
		}
		seen[y] = k.Line
		var pf proxyFile
		before := len(d.Errs)
		d.Decode(v, &pf, field)
		if len(d.Errs) > before || pf.Value == nil {
			continue
		}
		if pf.Value.IsNegative() {
			d.Errorf(yamlx.MapValue(v, "value"), field+".value", ErrInvalid, "is %s; a proxy value cannot be negative", pf.Value)
			continue
		}
		out = append(out, Proxy{Year: y, Value: *pf.Value, Source: strings.TrimSpace(pf.Source), Basis: strings.TrimSpace(pf.Basis), Uprate: pf.Uprate})
		if pf.Uprate != "" {
			marks = append(marks, uprateMarker{pos: pf.At["uprate"], field: field + ".uprate", measure: measure, series: pf.Uprate})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year.Before(out[j].Year) })
	return out, marks
}

// listIndexes records a file's indexes: list with the position of each entry.
func listIndexes(d *yamlx.Decoder, root *yaml.Node, paths []string) indexList {
	l := indexList{file: d.File, paths: paths}
	seq := yamlx.MapValue(root, "indexes")
	for i := range paths {
		p := d.Pos(seq)
		if seq != nil && seq.Kind == yaml.SequenceNode && i < len(seq.Content) {
			p = d.Pos(seq.Content[i])
		}
		l.at = append(l.at, p)
	}
	return l
}

func checkID(bad func(diag.Pos, string, string, ...any), p diag.Pos, field, id string) {
	if strings.TrimSpace(id) != id || strings.ContainsAny(id, " \t\n,") {
		bad(p, field, "id %q must not contain spaces or commas", id)
	}
}

func unitNames(us []UnitInfo) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = string(u.ID)
	}
	return out
}
