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
	part := yamlx.MustSchema
	opts := yamlx.SchemaOptions{Fields: map[string]map[string]any{
		// ReadProfile reads `"2024/25": share`.
		"profileFile.Shares": {
			"type":                 "object",
			"propertyNames":        map[string]any{"pattern": yamlx.YearPattern},
			"additionalProperties": part(decimal.Decimal{}, yamlx.SchemaOptions{}),
		},
	}}
	if err := yamlx.SyncSchemaFiles("../schema", []yamlx.SchemaDoc{
		{Kind: "Profile", Title: "toms award profile", Description: "Shares of a contract's commitments per financial year, for toms award --profile (docs/report.md).", Type: reflect.TypeOf(profileFile{})},
	}, opts, *updateSchema); err != nil {
		t.Error(err)
	}
}
