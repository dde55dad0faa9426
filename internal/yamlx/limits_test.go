package yamlx

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/stream"
)

// TestReadAllEndless: an endless stream stops at the limit with a positioned
// ErrTooLarge, having read max+1 bytes and no more.
func TestReadAllEndless(t *testing.T) {
	r := stream.NewEndless("apiVersion: toms/v1\nkind: Tender\ntitle: ", 'x')
	_, err := ReadAll(r, "up.yaml", 1024)
	require.ErrorIs(t, err, diag.ErrTooLarge)
	// The limit is passed at byte offset 1024: line 3 starts at offset 33
	// ("apiVersion: toms/v1\n" is 20 bytes, "kind: Tender\n" 13), so the
	// byte is column 1024-33+1 = 992 of line 3.
	assert.EqualError(t, err, "up.yaml:3:992: the file is larger than 1024 bytes (1 KiB), the limit for one input file; it passes the limit here")

	data, err := ReadAll(strings.NewReader("a: 1\n"), "ok.yaml", 0)
	require.NoError(t, err)
	assert.Equal(t, "a: 1\n", string(data))
}

func TestReadAllExactlyAtLimit(t *testing.T) {
	data, err := ReadAll(strings.NewReader(strings.Repeat("x", 100)), "f", 100)
	require.NoError(t, err)
	assert.Len(t, data, 100)
	_, err = ReadAll(strings.NewReader(strings.Repeat("x", 101)), "f", 100)
	assert.ErrorIs(t, err, diag.ErrTooLarge)
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadAllError(t *testing.T) {
	_, err := ReadAll(failing{}, "up.yaml", 0)
	assert.EqualError(t, err, "up.yaml: connection reset")
}

// TestParseDefaultLimit: bytes held in memory are limited too, to
// DefaultMaxBytes unless the caller says more.
func TestParseDefaultLimit(t *testing.T) {
	big := []byte("a: " + strings.Repeat("x", DefaultMaxBytes))
	_, err := Parse("big.yaml", big, 0)
	assert.EqualError(t, err, "big.yaml:1:4194305: the file is larger than 4194304 bytes (4 MiB), the limit for one input file; it passes the limit here")
	_, err = Parse("big.yaml", big, 8<<20)
	assert.NoError(t, err)
}

// TestDensity: a file within the size limit but packed with values is
// refused before yaml.v3 builds its nodes (about 120 bytes of nodes per
// byte of "[1,1,1...]"), at the mark that passes the budget.
func TestDensity(t *testing.T) {
	budget := DefaultMaxBytes / BytesPerMark // 524,288 marks
	// "[" is mark 1 and each "1," adds one; mark budget+1 is the comma at
	// offset 2*budget: "[" then budget-1 pairs "1,", then "1" and that comma.
	dense := "[" + strings.Repeat("1,", budget+10) + "1]"
	_, err := Parse("dense.json", []byte(dense), 0)
	require.ErrorIs(t, err, diag.ErrTooLarge)
	assert.EqualError(t, err, "dense.json:1:1048577: the document holds more than 524288 keys, values and list items (line breaks, ',', ':', '- '), at most one per 8 bytes of the 4194304 bytes (4 MiB) limit")

	// The same number of values, spelled out as a real file would, fits.
	var b strings.Builder
	for b.Len() < 3<<20 {
		b.WriteString("- {measure: local-employment-fte, quantity: \"3.5\"}\n")
	}
	assert.NoError(t, checkSize("real.yaml", []byte(b.String()), 0))
}

func TestDepth(t *testing.T) {
	// Post-parse: a mapping holding 101 nested lists.
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	_, err := Parse("deep.json", []byte("{\"a\": "+deep+"}"), 0)
	require.ErrorIs(t, err, diag.ErrTooLarge)
	// The root mapping is level 1 and the first "[" (column 7, after
	// `{"a": `) level 2, so the 100th "[" (column 7+99 = 106) is level 101.
	assert.EqualError(t, err, "deep.json:1:106: the document is nested more than 100 levels deep")

	// Beyond yaml.v3's own limit of 10,000: located from the text, where
	// the brackets alone pass the limit: the 101st "[" (column 4+100).
	deeper := "a: 1\nb: " + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n"
	_, err = Parse("deeper.yaml", []byte(deeper), 0)
	require.ErrorIs(t, err, diag.ErrTooLarge)
	assert.EqualError(t, err, "deeper.yaml:2:104: the document is nested more than 100 levels deep")

	// Block nesting counts as well.
	var b strings.Builder
	for i := 0; i <= MaxDepth; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	b.WriteString(strings.Repeat(" ", MaxDepth+1) + "k: 1\n")
	_, err = Parse("block.yaml", []byte(b.String()), 0)
	// 102 mappings: the one holding line 102's key is level 102; level 101
	// starts on line 101, column 101.
	assert.EqualError(t, err, "block.yaml:101:101: the document is nested more than 100 levels deep")
}

func TestBadText(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"a: 1\nb: x\x00y\n", "nul.yaml:2:5: a NUL byte (U+0000) is not allowed; is this a binary file, or text saved as UTF-16? Save it as UTF-8"},
		{"a: 1\nb: \"é\xff\"\n", "nul.yaml:2:6: byte 0xFF is not UTF-8 text; save the file as UTF-8"},
		{"a: 1\nname: Caf\xe9\n", "nul.yaml:2:10: byte 0xE9 is not UTF-8 text; save the file as UTF-8"},
		{"a: 1\nb: x\x07y\n", "nul.yaml:2:5: control character U+0007 is not allowed; remove it"},
		{"a: x\u0085y\u00a0z\n\x1b", "nul.yaml:2:1: control character U+001B is not allowed; remove it"},
	} {
		_, err := Parse("nul.yaml", []byte(c.doc), 0)
		require.ErrorIs(t, err, diag.ErrSyntax, "%q", c.doc)
		assert.EqualError(t, err, c.want)
	}
	// UTF-16 with a byte order mark is left to yaml.v3, which reads it.
	root, err := Parse("u16.yaml", []byte{0xFF, 0xFE, 'a', 0, ':', 0, ' ', 0, '1', 0, '\n', 0}, 0)
	require.NoError(t, err)
	assert.Equal(t, "1", MapValue(root, "a").Value)
}

func TestTabIndent(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"a:\n  b: 1\n\tc: 2\n", "tab.yaml:3:1: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n 3 | \tc: 2\n   | ^"},
		{"a:\n\tb: 1\n", "tab.yaml:2:1: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n 2 | \tb: 1\n   | ^"},
		{"\ta: 1\n", "tab.yaml:1:1: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n 1 | \ta: 1\n   | ^"},
		{"items:\n  - id: x\n  \t  name: y\n", "tab.yaml:3:3: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n 3 |   \t  name: y\n   |   ^"},
		{"a:\n  b: 1\n  c: 2\n  d: 3\n\te: 4\n", "tab.yaml:5:1: a tab in the indentation; YAML does not allow tabs there: indent with spaces\n 5 | \te: 4\n   | ^"},
	} {
		_, err := Parse("tab.yaml", []byte(c.doc), 0)
		require.ErrorIs(t, err, diag.ErrSyntax, "%q", c.doc)
		assert.EqualError(t, err, c.want)
	}
	// A tab after the indentation, or inside a value, is fine.
	_, err := Parse("tab.yaml", []byte("a:\t1\nb: \"x\ty\"\n"), 0)
	assert.NoError(t, err)
	// Other problems keep yaml.v3's message.
	_, err = Parse("tab.yaml", []byte("a: 1\nb: @x\n"), 0)
	assert.EqualError(t, err, "tab.yaml:2: found character that cannot start any token")
}

// TestMergeKeyOwnPosition: a merge key is reported where it is written,
// whatever it merges, in a struct, a map or a raw node, and once.
func TestMergeKeyOwnPosition(t *testing.T) {
	src := "apiVersion: toms/v1\nkind: M\nbase: &b\n  x: 1\n  y: 2\nscores:\n  z: 3\n  <<: *b\nraw:\n  <<: *b\n"
	root, d, err := Open("m.yaml", []byte(src), "M", 0)
	require.NoError(t, err)
	var doc struct {
		APIVersion string         `yaml:"apiVersion"`
		Kind       string         `yaml:"kind"`
		Base       map[string]int `yaml:"base"`
		Scores     map[string]int `yaml:"scores"`
		Raw        *yaml.Node     `yaml:"raw"`
	}
	d.Decode(root, &doc, "")
	assert.EqualError(t, d.Err(), "2 problems:\n"+
		"m.yaml:8:3: scores: merge keys (<<) are not supported; repeat the fields or use an anchor for the whole value\n"+
		"m.yaml:10:3: raw: merge keys (<<) are not supported; repeat the fields or use an anchor for the whole value")
	assert.Equal(t, map[string]int{"z": 3}, doc.Scores)
	assert.Empty(t, doc.Raw.Content)
}

// TestAliasToMappingRaw: a raw-node field given an alias to a valid mapping
// receives the mapping, not the alias.
func TestAliasToMappingRaw(t *testing.T) {
	root, err := Parse("a.yaml", []byte("base: &b {x: 1}\nraw: *b\n"), 0)
	require.NoError(t, err)
	var doc struct {
		Base map[string]int `yaml:"base"`
		Raw  *yaml.Node     `yaml:"raw"`
	}
	d := NewDecoder("a.yaml")
	d.Decode(root, &doc, "")
	require.NoError(t, d.Err())
	require.Equal(t, yaml.MappingNode, doc.Raw.Kind)
	assert.Equal(t, "1", MapValue(doc.Raw, "x").Value)
}

// TestAliasBombRaw: aliases handed over as raw nodes are charged to the
// same budget as decoded ones.
func TestAliasBombRaw(t *testing.T) {
	var b strings.Builder
	aliasBomb(&b, "x", 7)
	b.WriteString("raw: [*a6, *a6]\n")
	root, err := Parse("bomb.yaml", []byte(b.String()), 0)
	require.NoError(t, err)
	d := NewDecoder("bomb.yaml")
	// The first alias alone expands to 10^6 nodes.
	d.Decode(MapValue(root, "raw").Content[0], new(*yaml.Node), "raw[0]")
	assert.ErrorContains(t, d.Err(), "bomb.yaml:8:7: raw[0]: aliases expand the document to more than 100000 nodes")
}

func TestSnippet(t *testing.T) {
	assert.Equal(t, " 12 | \tc: é2\n    | \t    ^", Snippet("\tc: é2\r", 12, 6))
	assert.Equal(t, " 1 | ab\n   |     ^", Snippet("ab", 1, 5))
}
