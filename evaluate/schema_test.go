package evaluate

import (
	"flag"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/yamlx"
)

var updateSchema = flag.Bool("update", false, "rewrite the schema files in ../schema")

// TestSchemaFiles checks schema/Tender.json and Bids.json against the types
// the loaders decode into (go generate ./schema rewrites them).
func TestSchemaFiles(t *testing.T) {
	part := func(v any, o yamlx.SchemaOptions) map[string]any {
		s, err := yamlx.Schema(reflect.TypeOf(v), o)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	opts := yamlx.SchemaOptions{
		Fields: map[string]map[string]any{
			// decodeMeasures reads each item as a measure id or a measureFile.
			"socialValueFile.Measures": {
				"type": []any{"array", "null"},
				"items": map[string]any{"anyOf": []any{
					map[string]any{"type": "string"}, part(measureFile{}, yamlx.SchemaOptions{})}},
			},
			// decodeBids reads quality as criterion id -> score.
			"bidFile.Quality": {
				"type":                 []any{"object", "null"},
				"additionalProperties": part(decimal.Decimal{}, yamlx.SchemaOptions{}),
			},
		},
	}
	for _, k := range []struct {
		kind, title, desc string
		typ               reflect.Type
	}{
		{"Tender", "toms tender", "A tender's scoring design (price, quality, social value), with optional inline bids (evaluate/FORMAT.md).", reflect.TypeOf(tenderFile{})},
		{"Bids", "toms bids", "Bids for a tender: price, quality scores and social value commitments (evaluate/FORMAT.md).", reflect.TypeOf(bidsFile{})},
	} {
		s, err := yamlx.DocumentSchema(k.kind, k.title, k.desc, k.typ, opts)
		if err := yamlx.SyncSchemaFile("../schema/"+k.kind+".json", s, err, *updateSchema); err != nil {
			t.Error(err)
		}
	}
}
