package measure

import (
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// contractsFile mirrors the root ReadContracts decodes (a struct inside the
// function there); the field probes in package schema check it against the
// loader.
type contractsFile struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Contracts  *yaml.Node `yaml:"contracts,required"`
}

// TestSchemaFiles checks schema/Contracts.json and Targets.json against the
// types the loaders decode into (go generate ./schema rewrites them; the
// -update flag is the golden files' one).
func TestSchemaFiles(t *testing.T) {
	part := yamlx.MustSchema
	opts := yamlx.SchemaOptions{
		// answerHook reads yes/no, y/n, true/false, 1/0, any case, or empty.
		Types: map[reflect.Type]map[string]any{
			reflect.TypeOf(AnswerUnknown): {"type": []any{"string", "boolean", "integer", "null"}},
		},
	}
	opts.Fields = map[string]map[string]any{
		"contractsFile.Contracts": {"type": "array", "items": part(contractFile{}, opts)},
	}
	if err := yamlx.SyncSchemaFiles("../schema", []yamlx.SchemaDoc{
		{Kind: "Contracts", Title: "toms contract register", Description: "The council's contracts: value, dates, supplier (docs/report.md); a CSV register has the same fields as columns.", Type: reflect.TypeOf(contractsFile{})},
		{Kind: "Targets", Title: "toms targets", Description: "The council's social value targets for a financial year, with RAG bands (docs/report.md).", Type: reflect.TypeOf(targetsFile{})},
	}, opts, *update); err != nil {
		t.Error(err)
	}
}
