package tom

import (
	"flag"
	"reflect"
	"testing"

	"github.com/socialvalue-toms/toms/internal/yamlx"
)

var updateSchema = flag.Bool("update", false, "rewrite the schema files in ../schema")

// TestSchemaFiles checks schema/Framework.json, ProxyValues.json and
// Index.json against the types the loaders decode into (go generate
// ./schema rewrites them).
func TestSchemaFiles(t *testing.T) {
	part := yamlx.MustSchema
	proxy := part(proxyFile{}, yamlx.SchemaOptions{})
	opts := yamlx.SchemaOptions{
		Fields: map[string]map[string]any{
			// decodeProxies reads `"2024/25": {value, source, basis, uprate}`.
			"measureFile.Proxies": {
				"type":                 []any{"object", "null"},
				"propertyNames":        map[string]any{"pattern": yamlx.YearPattern},
				"additionalProperties": proxy,
			},
		},
		Keys: map[string]string{"indexFile.Values": yamlx.YearPattern},
	}
	if err := yamlx.SyncSchemaFiles("../schema", []yamlx.SchemaDoc{
		{Kind: "Framework", Title: "toms catalogue", Description: "A TOMs catalogue: themes, outcomes and measures, with proxy values per financial year (docs/catalogue.md).", Type: reflect.TypeOf(frameworkFile{})},
		{Kind: "ProxyValues", Title: "toms proxy values", Description: "Proxy values laid over a catalogue (docs/catalogue.md).", Type: reflect.TypeOf(proxyValuesFile{})},
		{Kind: "Index", Title: "toms index series", Description: "A named series of index values per financial year, for uprating proxy values (docs/catalogue.md).", Type: reflect.TypeOf(indexFile{})},
	}, opts, *updateSchema); err != nil {
		t.Error(err)
	}
}
