// Package schema holds the JSON Schemas of the file kinds the toms loaders
// read (Framework, ProxyValues, Index, Tender, Bids, RuleSet, RuleTest,
// Fixtures, Contracts, Targets, Profile), so that an editor can complete and check a
// file while it is written. Each schema is generated from the Go types the
// loader decodes into (the same `yaml` struct tags), by tests in the
// loaders' packages; `go generate ./schema` rewrites the files, and those
// tests fail when a file is out of date. A test also checks, at every
// mapping of every example file, that the loader and the schema accept the
// same fields.
//
// A YAML file names its schema on its first line, for the YAML language
// server (VS Code and other editors):
//
//	# yaml-language-server: $schema=../../schema/Tender.json
//
// `toms schema KIND` prints a schema. The schemas describe the shape of a
// file (fields, types, required fields, number and year syntax); the loader
// checks the rest (ids that exist, weights that add up, and so on).
package schema

//go:generate go test ../tom ../evaluate ../rules ../measure ../award -run TestSchemaFiles -update

import (
	"embed"
	"errors"
	"fmt"
	"sort"
	"strings"
)

//go:embed *.json
var files embed.FS

// ErrUnknownKind is returned for a kind with no schema.
var ErrUnknownKind = errors.New("no schema for this kind")

// Kinds returns the kinds that have a schema, sorted.
func Kinds() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// JSON returns the JSON Schema of a kind, such as "Tender".
func JSON(kind string) ([]byte, error) {
	data, err := files.ReadFile(kind + ".json")
	if err != nil || strings.ContainsAny(kind, "/.\\") {
		return nil, fmt.Errorf("%q: %w; the kinds are %s", kind, ErrUnknownKind, strings.Join(Kinds(), ", "))
	}
	return data, nil
}
