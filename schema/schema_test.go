package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/award"
	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/schema"
	"github.com/socialvalue-toms/toms/tom"
)

// compile compiles the shipped schema of kind with the JSON Schema library.
func compile(t testing.TB, kind string) *jsonschema.Schema {
	t.Helper()
	data, err := schema.JSON(kind)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(kind+".json", doc))
	s, err := c.Compile(kind + ".json")
	require.NoError(t, err)
	return s
}

// instance turns a YAML node into the JSON value an editor's YAML language
// server validates: mappings, lists, and scalars by their YAML 1.2 tag.
func instance(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return instance(n.Content[0])
	case yaml.AliasNode:
		return instance(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = instance(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			out = append(out, instance(c))
		}
		return out
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return n.Value == "true"
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value)
		}
	}
	return n.Value
}

// file is a YAML or JSON file of a kind with a schema.
type file struct {
	path, kind string
	data       []byte
	root       *yaml.Node
}

var kindRE = regexp.MustCompile(`(?m)^\s*"?kind"?\s*:\s*"?([A-Za-z]+)"?`)

// repoFiles returns every file of a known kind in the repository.
func repoFiles(t *testing.T) []file {
	t.Helper()
	kinds := map[string]bool{}
	for _, k := range schema.Kinds() {
		kinds[k] = true
	}
	var out []file
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != ".." {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		if filepath.Dir(path) == "." { // the schemas themselves
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := kindRE.FindSubmatch(data)
		if m == nil || !kinds[string(m[1])] {
			return nil
		}
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil || doc.Kind != yaml.DocumentNode {
			return nil // a deliberately broken file
		}
		out = append(out, file{path: path, kind: string(m[1]), data: data, root: &doc})
		return nil
	})
	require.NoError(t, err)
	return out
}

// example reports whether path is a shipped example or default, rather than
// a test's input.
func example(path string) bool {
	return !strings.Contains(path, string(filepath.Separator)+"testdata"+string(filepath.Separator)) ||
		strings.HasPrefix(path, filepath.Join("..", "examples")+string(filepath.Separator))
}

// load runs the loader of f's kind on data (f's text, or a changed copy)
// and returns its problems.
func load(t *testing.T, f file, data []byte) diag.List {
	t.Helper()
	var err error
	switch f.kind {
	case "Framework":
		_, err = tom.Parse(f.path, data)
	case "ProxyValues":
		_, err = tom.ParseProxies(f.path, data)
	case "Index":
		_, err = tom.ParseIndex(f.path, data)
	case "Tender":
		_, err = evaluate.ParseTender(f.path, data)
	case "Bids":
		_, err = evaluate.ParseBids(f.path, data, nil, nil)
	case "RuleSet":
		_, err = rules.Parse(f.path, data)
	case "Contracts":
		_, err = measure.ReadContracts(bytes.NewReader(data), f.path)
	case "Targets":
		fw, ferr := tom.Default()
		require.NoError(t, ferr)
		_, err = measure.ReadTargets(bytes.NewReader(data), f.path, fw)
	case "Profile":
		_, err = award.ReadProfile(bytes.NewReader(data), f.path)
	case "RuleTest", "Fixtures":
		err = runTests(t, f, data)
	default:
		t.Fatalf("no loader for kind %s", f.kind)
	}
	var list diag.List
	if err != nil {
		list.Append(err)
	}
	return list
}

// runTests runs the rule tests of the directory holding f (the test file's,
// or for fixtures in testdata, its parent's) with f's text replaced by data.
func runTests(t *testing.T, f file, data []byte) error {
	t.Helper()
	dir := filepath.Dir(f.path)
	if filepath.Base(dir) == "testdata" {
		dir = filepath.Dir(dir)
	}
	fsys := fstest.MapFS{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if p == f.path {
			b = data
		}
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return err
	}))
	report, err := rules.RunTests(context.Background(), fsys, rules.TestOptions{})
	if err != nil {
		return err
	}
	var errs diag.List
	for _, s := range report.Suites {
		if s.Err != nil {
			errs.Append(s.Err)
		}
		for _, tr := range s.Tests {
			if tr.Err != nil { // a test's input decoded when it runs
				errs.Append(tr.Err)
			}
		}
	}
	return errs.Err()
}

func TestKinds(t *testing.T) {
	assert.Equal(t, []string{"Bids", "Contracts", "Fixtures", "Framework", "Index", "Profile", "ProxyValues", "RuleSet", "RuleTest", "Targets", "Tender"}, schema.Kinds())
	for _, k := range schema.Kinds() {
		compile(t, k)
	}
	_, err := schema.JSON("Tenders")
	assert.ErrorIs(t, err, schema.ErrUnknownKind)
	assert.EqualError(t, err, `"Tenders": no schema for this kind; the kinds are Bids, Contracts, Fixtures, Framework, Index, Profile, ProxyValues, RuleSet, RuleTest, Targets, Tender`)
	_, err = schema.JSON("../schema/Tender")
	assert.ErrorIs(t, err, schema.ErrUnknownKind)
}

// TestRepositoryFiles validates every file of a known kind in the
// repository that its loader accepts against the kind's schema, and checks
// that each shipped example is accepted by both and names its schema in a
// yaml-language-server modeline.
func TestRepositoryFiles(t *testing.T) {
	files := repoFiles(t)
	schemas := map[string]*jsonschema.Schema{}
	seen := map[string]int{}
	for _, f := range files {
		t.Run(f.path, func(t *testing.T) {
			s := schemas[f.kind]
			if s == nil {
				s = compile(t, f.kind)
				schemas[f.kind] = s
			}
			loadErr := load(t, f, f.data).Err()
			if example(f.path) {
				require.NoError(t, loadErr, "a shipped example must load")
				seen[f.kind]++
				if filepath.Ext(f.path) != ".json" {
					want := "# yaml-language-server: $schema=" + filepath.ToSlash(must(filepath.Rel(filepath.Dir(f.path), filepath.Join("..", "schema", f.kind+".json"))))
					// The YAML language server reads a modeline only in the
					// comments before the first content line (it ignores one
					// further down), so it must be in the file's header.
					assert.True(t, strings.HasPrefix(string(f.data), want+"\n") || headerHas(string(f.data), want),
						"an example names its schema for editors in its header: put the line %q first", want)
				}
			}
			if loadErr != nil {
				return // a test's deliberately invalid input
			}
			assert.NoError(t, s.Validate(instance(f.root)), "the loader accepts the file, so the schema must")
		})
	}
	// Every kind has a shipped example or test input to check it against.
	for _, k := range schema.Kinds() {
		found := false
		for _, f := range files {
			found = found || f.kind == k
		}
		assert.True(t, found, "no file of kind %s in the repository", k)
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// TestUnknownFieldRejected shows a file with a misspelt field rejected by
// the schema, as by the loader.
func TestUnknownFieldRejected(t *testing.T) {
	doc := `apiVersion: toms/v1
kind: Index
id: x
name: X
source: S
basis: B
values: {"2024/25": "100"}
`
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(doc), &n))
	s := compile(t, "Index")
	require.NoError(t, s.Validate(instance(&n)))
	bad := strings.Replace(doc, "basis: B", "basis: B\nbasos: B", 1)
	require.NoError(t, yaml.Unmarshal([]byte(bad), &n))
	err := s.Validate(instance(&n))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "additional properties 'basos' not allowed")
	_, err = tom.ParseIndex("i.yaml", []byte(bad))
	assert.ErrorIs(t, err, diag.ErrUnknownField)

	// The same in a tender's nested criterion, and a bad year key and a
	// bad number, which the schema also catches.
	tender, err := os.ReadFile("../examples/tender-scoring/tender.yaml")
	require.NoError(t, err)
	ts := compile(t, "Tender")
	for _, c := range []struct{ from, to, want string }{
		{"  price:\n", "  price:\n    wieght: 1\n", "additional properties 'wieght' not allowed"},
		{"value: ", "value: \"1,000\" #", "does not match pattern"},
	} {
		changed := strings.Replace(string(tender), c.from, c.to, 1)
		require.NotEqual(t, string(tender), changed, c.from)
		require.NoError(t, yaml.Unmarshal([]byte(changed), &n))
		err := ts.Validate(instance(&n))
		require.Error(t, err, c.to)
		assert.Contains(t, err.Error(), c.want)
	}
}

const probe = "zzzzzzzzzzzzzzzzzzzzzzzzzzzz" // no field is near it, so no "did you mean"

var expectedRE = regexp.MustCompile(`^unknown field "` + probe + `"; expected one of (.*)$`)

// TestLoaderFieldsMatchSchema puts an unknown field in every mapping of
// every file that loads, where the schema says the mapping has fixed
// properties. The loader must reject it as an unknown field and list the
// fields it accepts there, which must be the schema's properties: a field
// the loader accepts and the schema lacks, or the reverse, fails.
func TestLoaderFieldsMatchSchema(t *testing.T) {
	probed := map[string]int{}
	for _, f := range repoFiles(t) {
		if load(t, f, f.data).Err() != nil {
			continue
		}
		var root map[string]any
		require.NoError(t, json.Unmarshal(must2(schema.JSON(f.kind)), &root))
		var walk func(n *yaml.Node, s map[string]any, path string)
		walk = func(n *yaml.Node, s map[string]any, path string) {
			s = branch(s, n)
			if s == nil || n.Kind == yaml.AliasNode {
				return
			}
			switch n.Kind {
			case yaml.SequenceNode:
				items, _ := s["items"].(map[string]any)
				for i, c := range n.Content {
					walk(c, items, fmt.Sprintf("%s[%d]", path, i))
				}
			case yaml.MappingNode:
				if skipped(n) {
					// A skipped rule test's input is not decoded, so an
					// unknown field in it goes unreported (a loader gap).
					return
				}
				props, fixed := s["properties"].(map[string]any)
				if fixed && s["additionalProperties"] == false {
					probeMapping(t, f, n, props, path)
					probed[f.kind]++
				}
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i].Value
					var sub map[string]any
					if fixed {
						sub, _ = props[k].(map[string]any)
					} else {
						sub, _ = s["additionalProperties"].(map[string]any)
					}
					walk(n.Content[i+1], sub, path+"."+k)
				}
			}
		}
		walk(f.root.Content[0], root, "")
	}
	for _, k := range schema.Kinds() {
		assert.NotZero(t, probed[k], "no mapping of kind %s was probed", k)
	}
	t.Logf("mappings probed: %v", probed)
}

// skipped reports whether n is a rule test case marked skip: true.
func skipped(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "skip" && n.Content[i+1].Value == "true" {
			return true
		}
	}
	return false
}

func must2(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// branch picks, in an anyOf, the schema for the node's kind.
func branch(s map[string]any, n *yaml.Node) map[string]any {
	branches, ok := s["anyOf"].([]any)
	if !ok {
		return s
	}
	want := "string"
	switch n.Kind {
	case yaml.MappingNode:
		want = "object"
	case yaml.SequenceNode:
		want = "array"
	}
	for _, b := range branches {
		bs := b.(map[string]any)
		if types(bs)[want] {
			return bs
		}
	}
	return nil
}

func types(s map[string]any) map[string]bool {
	out := map[string]bool{}
	switch v := s["type"].(type) {
	case string:
		out[v] = true
	case []any:
		for _, x := range v {
			out[x.(string)] = true
		}
	}
	return out
}

// inputOnly are properties a rule test input accepts besides its fields:
// the fixture it starts from, read before the fields are decoded.
var inputOnly = map[string]bool{"fixture": true}

func probeMapping(t *testing.T, f file, n *yaml.Node, props map[string]any, path string) {
	t.Helper()
	k := &yaml.Node{Kind: yaml.ScalarNode, Value: probe}
	v := &yaml.Node{Kind: yaml.ScalarNode, Value: "1"}
	n.Content = append(n.Content, k, v)
	defer func() { n.Content = n.Content[:len(n.Content)-2] }()
	data, err := yaml.Marshal(f.root)
	require.NoError(t, err)
	var loader []string
	for _, d := range load(t, f, data) {
		if m := expectedRE.FindStringSubmatch(d.Message); m != nil && errors.Is(d, diag.ErrUnknownField) {
			loader = strings.Split(m[1], ", ")
			break
		}
	}
	if loader == nil {
		t.Errorf("%s %s: the loader did not reject an unknown field there, but the schema does", f.path, path)
		return
	}
	var fromSchema []string
	for p := range props {
		if !inputOnly[p] || contains(loader, p) {
			fromSchema = append(fromSchema, p)
		}
	}
	sort.Strings(fromSchema)
	sort.Strings(loader)
	assert.Equal(t, fromSchema, loader, "%s %s: the fields the schema allows (want) and the loader accepts (got)", f.path, path)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// headerHas reports whether line is one of the comment lines that start text,
// before its first line of content.
func headerHas(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return false
}
