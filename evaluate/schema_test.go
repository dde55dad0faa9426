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
	part := yamlx.MustSchema
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
	if err := yamlx.SyncSchemaFiles("../schema", []yamlx.SchemaDoc{
		{Kind: "Tender", Title: "toms tender", Description: "A tender's scoring design (price, quality, social value), with optional inline bids (evaluate/FORMAT.md).", Type: reflect.TypeOf(tenderFile{})},
		{Kind: "Bids", Title: "toms bids", Description: "Bids for a tender: price, quality scores and social value commitments (evaluate/FORMAT.md).", Type: reflect.TypeOf(bidsFile{})},
	}, opts, *updateSchema); err != nil {
		t.Error(err)
	}
}
