package yamlx

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
)

type inner struct {
	Pos diag.Pos            `yaml:",pos"`
	At  map[string]diag.Pos `yaml:",at"`
	N   int                 `yaml:"n"`
}

type doc struct {
	Name  string                     `yaml:"name,required"`
	Flag  bool                       `yaml:"flag"`
	Price decimal.Decimal            `yaml:"price"`
	When  time.Time                  `yaml:"when"`
	Items []inner                    `yaml:"items"`
	Tags  map[string]string          `yaml:"tags"`
	Ptr   *decimal.Decimal           `yaml:"ptr"`
	Ws    map[string]decimal.Decimal `yaml:"ws"`
}

func decode(t *testing.T, text string) (doc, diag.List) {
	t.Helper()
	root, err := Parse("d.yaml", []byte(text), 0)
	require.NoError(t, err)
	d := NewDecoder("d.yaml")
	var out doc
	d.Decode(root, &out, "")
	return out, d.Errs
}

func TestDecode(t *testing.T) {
	out, errs := decode(t, `name: x
flag: true
price: 0.10
when: 2024-06-30
items:
  - n: 1
  - {n: 2}
tags: {a: b}
ptr: "3.50"
ws: {price: 40}
`)
	require.Empty(t, errs)
	assert.Equal(t, "x", out.Name)
	assert.True(t, out.Flag)
	assert.Equal(t, "0.1", out.Price.String())
	assert.Equal(t, 2024, out.When.Year())
	require.Len(t, out.Items, 2)
	assert.Equal(t, diag.Pos{File: "d.yaml", Line: 6, Column: 5}, out.Items[0].Pos)
	assert.Equal(t, diag.Pos{File: "d.yaml", Line: 7, Column: 9}, out.Items[1].At["n"])
	assert.Equal(t, "3.5", out.Ptr.String())
	assert.Equal(t, "40", out.Ws["price"].String())
}

func TestDecodeProblems(t *testing.T) {
	_, errs := decode(t, `flag: yes
price: 1,5
when: 30/06/2024
items: {n: 1}
tags: {a: b, a: c}
extra: 1
`)
	got := strings.Split(errs.Err().Error(), "\n")
	assert.Equal(t, []string{
		"7 problems:",
		`d.yaml:1:1: name: missing required field "name"`,
		`d.yaml:1:7: flag: is "yes"; write true or false`,
		`d.yaml:2:8: price: "1,5": not a decimal number (write digits only, without separators or spaces)`,
		`d.yaml:3:7: when: "30/06/2024" is not a date toms reads: dates are written YYYY-MM-DD, year first, so 30 June 2024 is 2024-06-30`,
		`d.yaml:4:8: items: expected a list, found a mapping`,
		`d.yaml:5:14: tags.a: key "a" is already defined at line 5`,
		`d.yaml:6:1: extra: unknown field "extra"; expected one of flag, items, name, price, ptr, tags, when, ws`,
	}, got)
}

// aliasBomb writes anchors a0 to a<levels-1>: a0 a list of ten leaf
// scalars, each further one a list of ten aliases of the one before, so
// that a<n> expands to 10^(n+1) leaves.
func aliasBomb(b *strings.Builder, leaf string, levels int) {
	b.WriteString("a0: &a0 [" + strings.TrimSuffix(strings.Repeat(leaf+", ", 10), ", ") + "]\n")
	for i := 1; i < levels; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	aliasBomb(&b, "1", 9)
	root, err := Parse("bomb.yaml", []byte(b.String()), 0)
	if err != nil {
		return // the parser itself refused it: also fine
	}
	d := NewDecoder("bomb.yaml")
	var out map[string][]any
	_ = out
	var deep map[string]nested
	d.Decode(root, &deep, "")
	assert.ErrorContains(t, d.Err(), "expand the document to more than")
}

type nested []nested

func TestParseDocuments(t *testing.T) {
	_, err := Parse("m.yaml", []byte("a: 1\n---\nb: 2\n"), 0)
	assert.ErrorContains(t, err, "m.yaml:2:1: a second YAML document starts here")
	_, err = Parse("e.yaml", []byte(""), 0)
	assert.ErrorIs(t, err, diag.ErrSyntax)
	_, err = Parse("s.yaml", []byte("a: [\n"), 0)
	assert.ErrorIs(t, err, diag.ErrSyntax)
}

// TestSyntaxErrorLines pins the reported line of yaml.v3's scanner and
// parser errors: both must name the 1-based line of the problem.
func TestSyntaxErrorLines(t *testing.T) {
	for _, c := range []struct {
		doc  string
		line int
	}{
		{"a: 1\nb: 2\nid: [x\n", 3},   // unclosed flow sequence
		{"a: 1\nb: {x: 1\n", 2},       // unclosed flow mapping
		{"a: 1\nb: [1, 2\nc: 3\n", 2}, // unclosed, more lines after
		{"a:\n  - 1\n - 2\n", 3},      // bad indentation of a list item
		{"a: 1\n\tb: 2\n", 2},         // tab
		{"a: 1\nb: @x\n", 2},          // reserved character
		{"x: 1\ny: 2\nz: %\n", 3},     // reserved character
		{"a: 1\n  b: 2\n", 2},         // mapping values not allowed
		{"themes: [\n", 2},            // missing content at the end
		{"[", 1},                      // the same, without a line break (was line 2 of 1)
	} {
		_, err := Parse("s.yaml", []byte(c.doc), 0)
		var d *diag.Diagnostic
		require.ErrorAs(t, err, &d, "%q", c.doc)
		assert.Equal(t, c.line, d.Line, "%q: %v", c.doc, err)
	}
}

func TestOpen(t *testing.T) {
	root, d, err := Open("o.yaml", []byte("apiVersion: toms/v1\nkind: Thing\nname: x\n"), "Thing", 0)
	require.NoError(t, err)
	require.NotNil(t, d)
	assert.Equal(t, "x", MapValue(root, "name").Value)

	_, _, err = Open("o.yaml", []byte("apiVersion: toms/v2\nkind: Other\n"), "Thing", 0)
	assert.ErrorContains(t, err, `o.yaml:1:13: apiVersion: is "toms/v2"; this reader expects "toms/v1"`)
	assert.ErrorContains(t, err, `o.yaml:2:7: kind: is "Other"; this reader expects "Thing"`)
	_, _, err = Open("o.yaml", []byte("a: [\n"), "Thing", 0)
	assert.ErrorIs(t, err, diag.ErrSyntax)
}

// TestParseTimeMessages: a date in another form says how dates are written.
func TestParseTimeMessages(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"01/05/2024", `"01/05/2024" is not a date toms reads: dates are written YYYY-MM-DD, year first, so 1 May 2024 is 2024-05-01`},
		{"1.5.2024", `"1.5.2024" is not a date toms reads: dates are written YYYY-MM-DD, year first, so 1 May 2024 is 2024-05-01`},
		{"31-12-2024", `"31-12-2024" is not a date toms reads: dates are written YYYY-MM-DD, year first, so 31 December 2024 is 2024-12-31`},
		{"05/31/2024", `"05/31/2024" is not a date toms reads: dates are written YYYY-MM-DD, such as 2024-05-01`},
		{"2024-02-30", `"2024-02-30" is not a date toms reads: dates are written YYYY-MM-DD, such as 2024-05-01`},
		{"May 2024", `"May 2024" is not a date toms reads: dates are written YYYY-MM-DD, such as 2024-05-01`},
	} {
		_, err := ParseTime(c.in)
		assert.EqualError(t, err, c.want, c.in)
	}
	d, err := ParseTime("2024-05-01")
	require.NoError(t, err)
	assert.Equal(t, "2024-05-01", d.Format("2006-01-02"))
}
