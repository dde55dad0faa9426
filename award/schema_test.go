package award

import (
	"flag"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/internal/yamlx"
)

var updateSchema = flag.Bool("update", false, "rewrite the schema files in ../schema")

// profileFile mirrors the root ReadProfile decodes (a struct inside the
// function there); the field probes in package schema check it against the
// loader.
type profileFile struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Shares     *yaml.Node `yaml:"shares,required"`
}

// TestSchemaFiles checks schema/Profile.json against the loader's types
// (go generate ./schema rewrites it).
func TestSchemaFiles(t *testing.T) {
	part := func(v any, o yamlx.SchemaOptions) map[string]any {
		s, err := yamlx.Schema(reflect.TypeOf(v), o)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	opts := yamlx.SchemaOptions{Fields: map[string]map[string]any{
		// ReadProfile reads `"2024/25": share`.
		"profileFile.Shares": {
			"type":                 "object",
			"propertyNames":        map[string]any{"pattern": yamlx.YearPattern},
			"additionalProperties": part(decimal.Decimal{}, yamlx.SchemaOptions{}),
		},
	}}
	s, err := yamlx.DocumentSchema("Profile", "toms award profile", "Shares of a contract's commitments per financial year, for toms award --profile (docs/report.md).", reflect.TypeOf(profileFile{}), opts)
	if err := yamlx.SyncSchemaFile("../schema/Profile.json", s, err, *updateSchema); err != nil {
		t.Error(err)
	}
}
