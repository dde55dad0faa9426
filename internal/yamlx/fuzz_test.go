package yamlx

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/socialvalue-toms/toms/diag"
)

// FuzzOpen: the shared open path never panics, and every problem it
// reports is a diagnostic naming the file, with a line inside the input
// when it has one. The seeds are the inputs of the error paths: bytes that
// are not text, tabs in the indentation, deep nesting, merge keys, aliases,
// a density beyond the budget (at a small limit) and a size beyond it.
//
//	go test ./internal/yamlx -run '^$' -fuzz FuzzOpen -fuzztime 60s
func FuzzOpen(f *testing.F) {
	for _, s := range []string{
		"apiVersion: toms/v1\nkind: K\na: 1\n",
		"apiVersion: toms/v1\nkind: K\nb: x\x00y\n",
		"apiVersion: toms/v1\nkind: K\nb: \"\xff\"\n",
		"apiVersion: toms/v1\nkind: K\na:\n  b: 1\n\tc: 2\n",
		"\ta: 1\n",
		"apiVersion: toms/v1\nkind: K\na: " + strings.Repeat("[", 120) + strings.Repeat("]", 120) + "\n",
		"apiVersion: toms/v1\nkind: K\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\nn: *b\n",
		"apiVersion: toms/v1\nkind: K\nl: [" + strings.Repeat("1,", 300) + "1]\n",
		"{\"apiVersion\": \"toms/v1\", \"kind\": \"K\", \"a\": [[[{}]]]}",
		"apiVersion: toms/v1\nkind: K\nd: 01/05/2024\n",
		"a: 1\n---\nb: 2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A small limit, so that the size and density paths are reached.
		const max = 2048
		root, d, err := Open("f.yaml", data, "K", max)
		if err == nil {
			var v struct {
				APIVersion string                    `yaml:"apiVersion"`
				Kind       string                    `yaml:"kind"`
				A          any                       `yaml:"-"`
				M          map[string]map[string]int `yaml:"m"`
				D          []string                  `yaml:"d"`
			}
			d.Decode(root, &v, "")
			err = d.Err()
			if err == nil {
				return
			}
		}
		var list diag.List
		list.Append(err)
		if len(list) == 0 {
			t.Fatalf("an error that is not a diagnostic: %v", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, dg := range list {
			if dg.File != "f.yaml" {
				t.Fatalf("diagnostic without the file: %v", dg)
			}
			if dg.Line > lines {
				t.Fatalf("line %d beyond the input's %d lines: %v", dg.Line, lines, dg)
			}
			if !utf8.ValidString(dg.Message) && !errors.Is(dg, diag.ErrSyntax) {
				t.Fatalf("message is not text: %q", dg.Message)
			}
		}
	})
}
