package toms_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// Duplicate keys are errors in every file kind, at every level: each
// mapping key of each shipped example is given twice, one at a time, and
// the file's loader must report diag.ErrDuplicateKey (a later key silently
// winning would change a rule, a weight or a fixture without a word).
func TestEveryDuplicateKeyIsAnError(t *testing.T) {
	kinds := map[string]func(name string, data []byte) error{
		"RuleSet": func(name string, data []byte) error { _, err := rules.Parse(name, data); return err },
		"Tender":  func(name string, data []byte) error { _, err := evaluate.ParseTender(name, data); return err },
		"Framework": func(name string, data []byte) error {
			_, err := tom.Parse(name, data)
			return err
		},
		// A test file, or a shared fixtures file, is run in its folder.
		"RuleTest": runRuleTest,
		"Fixtures": runRuleTest,
	}
	files := []string{
		"rules/policy/social-value.yaml", "rules/policy/social-value_test.yaml",
		"examples/policy/council.yaml", "examples/policy/council_test.yaml", "examples/policy/testdata/tenders.yaml",
		"examples/tender-scoring/tender.yaml", "tom/catalogue/council.yaml",
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		var kind string
		for i := 0; i+1 < len(doc.Content[0].Content); i += 2 {
			if doc.Content[0].Content[i].Value == "kind" {
				kind = doc.Content[0].Content[i+1].Value
			}
		}
		load := kinds[kind]
		if load == nil {
			t.Fatalf("%s: no loader for kind %q", file, kind)
		}
		if err := load(file, data); err != nil {
			t.Fatalf("%s does not load as it is: %v", file, err)
		}
		n := 0
		var walk func(m *yaml.Node, path string)
		walk = func(m *yaml.Node, path string) {
			switch m.Kind {
			case yaml.MappingNode:
				for i := 0; i+1 < len(m.Content); i += 2 {
					k, v := m.Content[i], m.Content[i+1]
					// Give this key twice, load, and put it back.
					orig := m.Content
					m.Content = append(append(append([]*yaml.Node{}, orig[:i+2]...), k, v), orig[i+2:]...)
					out, err := yaml.Marshal(&doc)
					m.Content = orig
					if err != nil {
						t.Fatal(err)
					}
					n++
					err = load(file, out)
					if !errors.Is(err, diag.ErrDuplicateKey) {
						t.Errorf("%s: key %s.%s given twice: got %v, want a duplicate-key error", file, path, k.Value, err)
					}
					walk(v, path+"."+k.Value)
				}
			case yaml.SequenceNode:
				for i, c := range m.Content {
					walk(c, fmt.Sprintf("%s[%d]", path, i))
				}
			}
		}
		walk(doc.Content[0], "")
		t.Logf("%s (%s): %d keys given twice, each reported", file, kind, n)
	}
}

// runRuleTest runs the rule tests of the folder of name (or of the folder
// above, for a testdata file) with data in place of name's contents, and
// returns every problem found.
func runRuleTest(name string, data []byte) error {
	dir := filepath.Dir(name)
	if filepath.Base(dir) == "testdata" {
		dir = filepath.Dir(dir)
	}
	fsys := fstest.MapFS{}
	for _, pattern := range []string{"*.yaml", "testdata/*.yaml"} {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fsys[filepath.ToSlash(p)] = &fstest.MapFile{Data: b}
		}
	}
	fsys[filepath.ToSlash(name)] = &fstest.MapFile{Data: data}
	rep, err := rules.RunTests(context.Background(), fsys, rules.TestOptions{Paths: []string{filepath.ToSlash(dir)}})
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range rep.Suites {
		errs = append(errs, s.Err)
		for _, tr := range s.Tests {
			errs = append(errs, tr.Err)
		}
	}
	return errors.Join(errs...)
}
