// Package yamlx decodes YAML and JSON documents strictly, from yaml.v3 nodes,
// so that every problem carries the file, line and column it came from.
//
// It exists because yaml.v3's own decoder reports line numbers only, stops at
// the first error in a custom unmarshaler, goes through float64 for untyped
// numbers and accepts several documents in one stream. Decoder walks the node
// tree instead: it rejects unknown and duplicate keys (with a "did you mean"
// hint), checks scalar types, reads decimals from the scalar's text, and keeps
// going after a problem so that one pass reports them all.
package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/dectext"
)

// APIVersion is the only file format version this module reads.
const APIVersion = "toms/v1"

// MaxAliasNodes bounds how many nodes may be decoded through aliases (a node
// reached through N aliases counts N times), so that an alias bomb fails fast
// while a large plain document decodes in full.
const MaxAliasNodes = 100_000

var lineRE = regexp.MustCompile(`line (\d+)`)

// mergeKeyMsg is the message at a YAML merge key (<<), wherever it is met.
const mergeKeyMsg = "merge keys (<<) are not supported; repeat the fields or use an anchor for the whole value"

// Parse reads exactly one YAML or JSON document and returns its root content
// node. An empty input, a syntax error or a second document is an error, and
// so is an input beyond the limits in limits.go (its size, its density and
// its nesting), reported as diag.ErrTooLarge. max is the size limit in bytes;
// zero or less means DefaultMaxBytes.
func Parse(file string, data []byte, max int64) (*yaml.Node, error) {
	if err := checkSize(file, data, max); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &diag.Diagnostic{File: file, Message: "the document is empty", Kind: diag.ErrSyntax}
		}
		return nil, syntaxError(file, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, data, err)
	default:
		return nil, &diag.Diagnostic{File: file, Line: next.Line, Column: next.Column,
			Message: "a second YAML document starts here; put one document in each file", Kind: diag.ErrSyntax}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &diag.Diagnostic{File: file, Message: "the document is empty", Kind: diag.ErrSyntax}
	}
	if err := checkDepth(file, doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// syntaxError turns a yaml.v3 error into a diagnostic. yaml.v3 gives a line
// at best (and often the line where the enclosing value began), so the
// problems a person is most likely to meet are located here from the text:
// bytes that are not UTF-8 text, a tab in the indentation, and nesting
// beyond yaml.v3's own depth limit.
func syntaxError(file string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	d := &diag.Diagnostic{File: file, Message: msg, Kind: diag.ErrSyntax}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		if parserError(msg) {
			// yaml.v3 reports the parser's (not the scanner's) problems
			// with a 0-based line.
			d.Line++
		}
		d.Message = strings.TrimSpace(lineRE.ReplaceAllString(msg, ""))
		d.Message = strings.TrimPrefix(d.Message, ": ")
		// At the end of the input yaml.v3 counts one line more than
		// there is when the last line has no line break.
		if last := bytes.Count(data, []byte{'\n'}) + 1; d.Line > last {
			d.Line = last
		}
	}
	switch {
	case encodingError(msg):
		if p := badText(file, data); p != nil {
			return p
		}
	case strings.Contains(msg, "tab character"):
		if p := tabIndent(file, data, d.Line, 0); p != nil {
			return p
		}
	case strings.Contains(msg, "cannot start any token"):
		if p := tabIndent(file, data, d.Line, d.Line+1); p != nil {
			return p
		}
	case strings.Contains(msg, "exceeded max depth"):
		if p := deepFlow(file, data); p != nil {
			return p
		}
		d.Message, d.Kind = fmt.Sprintf("the document is nested more than %d levels deep", MaxDepth), diag.ErrTooLarge
	}
	return d
}

// parserError reports whether a yaml.v3 message comes from its parser, whose
// line numbers are 0-based, rather than its scanner.
func parserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// Hook decodes one node into v (addressable, of the hooked type). It reports
// problems through d and returns nothing: decoding always goes on.
type Hook func(d *Decoder, n *yaml.Node, v reflect.Value, path string)

// Decoder walks nodes into Go values. Struct fields are matched by their
// `yaml:"name"` tag; the option ",required" makes a field mandatory, and a
// field of type diag.Pos tagged `yaml:",pos"` receives the position of the
// mapping it belongs to, and a field of type map[string]diag.Pos tagged
// `yaml:",at"` the position of each key's value, so that checks made after
// decoding can point at the value itself. A field of type *yaml.Node
// receives the raw node.
// Supported kinds: string, bool, int kinds, decimal.Decimal, time.Time (a date
// 2006-01-02 or RFC 3339), slices, map[string]T, pointers and structs; other
// types need a Hook.
type Decoder struct {
	File  string                // file name put in every diagnostic and Pos
	Hooks map[reflect.Type]Hook // decoders for types the built-in kinds do not cover
	Errs  diag.List             // the problems found so far, in the order found

	aliasDepth int // how many aliases the current node was reached through
	aliasNodes int // nodes decoded through aliases so far
}

// NewDecoder returns a decoder reporting positions in file.
func NewDecoder(file string) *Decoder {
	return &Decoder{File: file, Hooks: map[reflect.Type]Hook{}}
}

// Errorf records a problem at node n (which may be nil).
func (d *Decoder) Errorf(n *yaml.Node, path string, kind error, format string, args ...any) {
	dg := &diag.Diagnostic{File: d.File, Field: path, Message: fmt.Sprintf(format, args...), Kind: kind}
	if n != nil {
		dg.Line, dg.Column = n.Line, n.Column
	}
	d.Errs.Add(dg)
}

// Pos returns the position of n in the decoder's file.
func (d *Decoder) Pos(n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: d.File}
	}
	return diag.Pos{File: d.File, Line: n.Line, Column: n.Column}
}

// Err returns the problems found so far, sorted, or nil.
func (d *Decoder) Err() error { return d.Errs.Err() }

// Decode decodes n into out, which must be a non-nil pointer.
func (d *Decoder) Decode(n *yaml.Node, out any, path string) {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic("yamlx: Decode needs a non-nil pointer")
	}
	d.decode(n, v.Elem(), path)
}

// Header checks the apiVersion and kind keys of a root mapping and returns
// false (with a diagnostic) when they are missing or wrong.
func (d *Decoder) Header(root *yaml.Node, kind string) bool {
	if root.Kind != yaml.MappingNode {
		d.Errorf(root, "", diag.ErrType, "expected a mapping with apiVersion: %s and kind: %s", APIVersion, kind)
		return false
	}
	ok := true
	for _, want := range [][2]string{{"apiVersion", APIVersion}, {"kind", kind}} {
		v := MapValue(root, want[0])
		switch {
		case v == nil:
			d.Errorf(root, want[0], diag.ErrRequired, "missing; the file must say %s: %s", want[0], want[1])
			ok = false
		case v.Value != want[1]:
			d.Errorf(v, want[0], diag.ErrValue, "is %q; this reader expects %q", v.Value, want[1])
			ok = false
		}
	}
	return ok
}

// Open parses one document (see Parse; max is the size limit in bytes, zero
// for DefaultMaxBytes) and checks that it says apiVersion: toms/v1 and the
// given kind. It returns the root node and a decoder for it, or the problems
// that make the document unusable: a syntax error, a limit exceeded, or a
// missing or wrong header. Every loader goes through Open, so that every
// file kind gets the same limits and the same positions.
//
// YAML merge keys (<<) are reported at the key itself, on the decoder, and
// taken out of the tree, so that no reader mistakes one for a field.
func Open(file string, data []byte, kind string, max int64) (*yaml.Node, *Decoder, error) {
	root, err := Parse(file, data, max)
	if err != nil {
		return nil, nil, err
	}
	d := NewDecoder(file)
	if !d.Header(root, kind) {
		return nil, nil, d.Err()
	}
	d.dropMergeKeys(root, "", 0)
	return root, d, nil
}

// dropMergeKeys reports every merge key under n, at its own position, and
// removes it with its value. Aliases are not followed: what they point at is
// visited where it is defined.
func (d *Decoder) dropMergeKeys(n *yaml.Node, path string, depth int) {
	if n == nil || depth > MaxDepth {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.dropMergeKeys(c, fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case yaml.MappingNode:
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				d.Errorf(k, path, diag.ErrValue, "%s", mergeKeyMsg)
				continue
			}
			d.dropMergeKeys(v, join(path, k.Value), depth+1)
			kept = append(kept, k, v)
		}
		n.Content = kept
	}
}

// MapValue returns the value node of key in mapping m, or nil.
func MapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

var (
	decimalType = reflect.TypeOf(decimal.Decimal{})
	timeType    = reflect.TypeOf(time.Time{})
	posType     = reflect.TypeOf(diag.Pos{})
	atType      = reflect.TypeOf(map[string]diag.Pos{})
	nodePtrType = reflect.TypeOf((*yaml.Node)(nil))
)

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// chargeAlias counts the nodes alias n expands to against MaxAliasNodes and
// reports false (with a diagnostic, once) when the budget is spent.
func (d *Decoder) chargeAlias(n *yaml.Node, path string) bool {
	var count func(*yaml.Node)
	count = func(c *yaml.Node) {
		if d.aliasNodes > MaxAliasNodes {
			return
		}
		d.aliasNodes++
		c = resolve(c)
		if c != nil {
			for _, e := range c.Content {
				count(e)
			}
		}
	}
	if d.aliasNodes <= MaxAliasNodes {
		count(n)
		if d.aliasNodes > MaxAliasNodes {
			d.Errorf(n, path, diag.ErrValue, "aliases expand the document to more than %d nodes", MaxAliasNodes)
		}
	}
	return d.aliasNodes <= MaxAliasNodes
}

// IsNull reports whether n is an explicit YAML/JSON null (or missing).
func IsNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// decode decodes n into v, reporting every problem through d. It first
// settles what n is (a raw node, an alias within its budget, a hooked type)
// and then hands each kind of value to its own step below.
func (d *Decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if v.Type() == nodePtrType {
		d.decodeRawNode(n, v, path)
		return
	}
	if n != nil && n.Kind == yaml.AliasNode {
		d.aliasDepth++
		defer func() { d.aliasDepth-- }()
	}
	if !d.countAliasNode(n, path) {
		return
	}
	n = resolve(n)
	if n == nil {
		return
	}
	if h, ok := d.Hooks[v.Type()]; ok {
		h(d, n, v, path)
		return
	}
	switch v.Type() {
	case decimalType:
		d.decodeDecimal(n, v, path)
		return
	case timeType:
		d.decodeTime(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if IsNull(n) {
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), path)
		v.Set(p)
	case reflect.String:
		if IsNull(n) {
			return
		}
		if s, ok := d.scalar(n, path, "text"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		d.decodeBool(n, v, path)
	case reflect.Int, reflect.Int64, reflect.Int32:
		d.decodeInt(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	default:
		d.Errorf(n, path, diag.ErrType, "cannot decode into %s", v.Type())
	}
}

// decodeRawNode hands n over as it is, to a field of type *yaml.Node. It is
// handed over resolved, so that its reader sees the mapping or list an alias
// stands for; what the alias expands to is charged to the alias budget here,
// as decoding it would be.
func (d *Decoder) decodeRawNode(n *yaml.Node, v reflect.Value, path string) {
	if n != nil && n.Kind == yaml.AliasNode {
		if !d.chargeAlias(n, path) {
			return
		}
		n = resolve(n)
	}
	v.Set(reflect.ValueOf(n))
}

// countAliasNode charges one node decoded through an alias to the budget
// MaxAliasNodes and reports false once it is spent (saying so once), so
// that an alias bomb stops early.
func (d *Decoder) countAliasNode(n *yaml.Node, path string) bool {
	if d.aliasDepth == 0 {
		return true
	}
	d.aliasNodes++
	if d.aliasNodes > MaxAliasNodes {
		if d.aliasNodes == MaxAliasNodes+1 {
			d.Errorf(n, path, diag.ErrValue, "aliases expand the document to more than %d nodes", MaxAliasNodes)
		}
		return false
	}
	return true
}

// decodeDecimal reads a decimal.Decimal from the scalar's text, never
// through a float.
func (d *Decoder) decodeDecimal(n *yaml.Node, v reflect.Value, path string) {
	if s, ok := d.scalar(n, path, "a number"); ok {
		x, err := dectext.Parse(s)
		if err != nil {
			d.Errorf(n, path, diag.ErrValue, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(x))
	}
}

// decodeTime reads a time.Time as ParseTime does.
func (d *Decoder) decodeTime(n *yaml.Node, v reflect.Value, path string) {
	if s, ok := d.scalar(n, path, "a date"); ok {
		t, err := ParseTime(s)
		if err != nil {
			d.Errorf(n, path, diag.ErrValue, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(t))
	}
}

// decodeBool accepts true and false only, not YAML 1.1's yes, no, on, off.
func (d *Decoder) decodeBool(n *yaml.Node, v reflect.Value, path string) {
	if s, ok := d.scalar(n, path, "true or false"); ok {
		switch s {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.Errorf(n, path, diag.ErrType, "is %q; write true or false", s)
		}
	}
}

// decodeInt accepts a decimal whole number without leading zeros (which
// YAML 1.1 would read as octal).
func (d *Decoder) decodeInt(n *yaml.Node, v reflect.Value, path string) {
	if s, ok := d.scalar(n, path, "a whole number"); ok {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || (len(s) > 1 && s[0] == '0') {
			d.Errorf(n, path, diag.ErrType, "is %q; expected a whole number", s)
			return
		}
		v.SetInt(i)
	}
}

// decodeSlice decodes a list element by element; null leaves v empty.
func (d *Decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if IsNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.Errorf(n, path, diag.ErrType, "expected a list, found %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

// decodeMap decodes a mapping with text keys into a map[string]T, refusing
// a key given twice; null leaves v empty.
func (d *Decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if IsNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode || v.Type().Key().Kind() != reflect.String {
		d.Errorf(n, path, diag.ErrType, "expected a mapping, found %s", describe(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, path, diag.ErrType, "a key must be plain text")
			continue
		}
		if d.duplicateKey(seen, k, path) {
			continue
		}
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(n.Content[i+1], e, join(path, k.Value))
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
	}
	v.Set(m)
}

// duplicateKey reports (and records) key k when seen already holds it, and
// otherwise adds it to seen: mappings and structs refuse a repeated key the
// same way.
func (d *Decoder) duplicateKey(seen map[string]*yaml.Node, k *yaml.Node, path string) bool {
	if prev, dup := seen[k.Value]; dup {
		d.Errorf(k, join(path, k.Value), diag.ErrDuplicateKey, "key %q is already defined at line %d", k.Value, prev.Line)
		return true
	}
	seen[k.Value] = k
	return false
}

type fieldInfo struct {
	index    int
	name     string
	required bool
}

// fields lists the YAML fields of struct type t, in declaration order, and
// the indexes of its ,pos and ,at fields (-1 when it has none).
func fields(t reflect.Type) (byName map[string]fieldInfo, names []string, pos, at int) {
	byName = map[string]fieldInfo{}
	pos, at = -1, -1
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "pos" && f.Type == posType {
			pos = i
			continue
		}
		if opts == "at" && f.Type == atType {
			at = i
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name[:1]) + f.Name[1:]
		}
		byName[name] = fieldInfo{index: i, name: name, required: strings.Contains(opts, "required")}
		names = append(names, name)
	}
	return byName, names, pos, at
}

// decodeStruct decodes a mapping into a struct by its yaml tags, refusing
// unknown and repeated keys and reporting required fields that are missing.
func (d *Decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	byName, names, pos, at := fields(v.Type())
	if pos >= 0 {
		v.Field(pos).Set(reflect.ValueOf(d.Pos(n)))
	}
	var ats map[string]diag.Pos
	if at >= 0 {
		ats = map[string]diag.Pos{}
		v.Field(at).Set(reflect.ValueOf(ats))
	}
	if IsNull(n) {
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, diag.ErrType, "expected a mapping, found %s", describe(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
			d.Errorf(k, path, diag.ErrValue, "%s", mergeKeyMsg)
			continue
		}
		f, ok := byName[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s := diag.Suggest(k.Value, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				sorted := append([]string(nil), names...)
				sort.Strings(sorted)
				msg += fmt.Sprintf("; expected one of %s", strings.Join(sorted, ", "))
			}
			d.Errorf(k, join(path, k.Value), diag.ErrUnknownField, "%s", msg)
			continue
		}
		if d.duplicateKey(seen, k, path) {
			continue
		}
		if ats != nil {
			ats[k.Value] = d.Pos(n.Content[i+1])
		}
		d.decode(n.Content[i+1], v.Field(f.index), join(path, k.Value))
	}
	for _, name := range names {
		f := byName[name]
		if !f.required {
			continue
		}
		if k, ok := seen[name]; !ok || IsNull(MapValue(n, k.Value)) {
			d.Errorf(n, join(path, name), diag.ErrRequired, "missing required field %q", name)
		}
	}
}

// scalar returns the text of a scalar node, or records a type problem.
func (d *Decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.Errorf(n, path, diag.ErrType, "expected %s, found %s", want, describe(n))
		return "", false
	}
	if n.Tag == "!!null" {
		d.Errorf(n, path, diag.ErrType, "expected %s, found null", want)
		return "", false
	}
	if n.Tag != "" && n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!bool" && n.Tag != "!!timestamp" && n.Tag != "!" {
		d.Errorf(n, path, diag.ErrType, "tag %s is not supported", n.Tag)
		return "", false
	}
	return n.Value, true
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// ParseTime reads a date (2006-01-02, taken as midnight UTC) or an RFC 3339
// time. Anything else is refused with a message that says dates are
// written YYYY-MM-DD and, for a day/month/year date such as 01/05/2024 (as
// written in the UK), what that date is in the right form.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if m := dmyRE.FindStringSubmatch(s); m != nil {
		if t, err := time.Parse("2/1/2006", m[1]+"/"+m[2]+"/"+m[3]); err == nil {
			return time.Time{}, fmt.Errorf("%q is not a date toms reads: dates are written YYYY-MM-DD, year first, so %s is %s",
				s, t.Format("2 January 2006"), t.Format("2006-01-02"))
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date toms reads: dates are written YYYY-MM-DD, such as 2024-05-01", s)
}

// dmyRE matches a day/month/year date with / . or - between the parts.
var dmyRE = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
