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
	part := func(v any, o yamlx.SchemaOptions) map[string]any {
		s, err := yamlx.Schema(reflect.TypeOf(v), o)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
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
	for _, k := range []struct {
		kind, title, desc string
		typ               reflect.Type
	}{
		{"Framework", "toms catalogue", "A TOMs catalogue: themes, outcomes and measures, with proxy values per financial year (docs/catalogue.md).", reflect.TypeOf(frameworkFile{})},
		{"ProxyValues", "toms proxy values", "Proxy values laid over a catalogue (docs/catalogue.md).", reflect.TypeOf(proxyValuesFile{})},
		{"Index", "toms index series", "A named series of index values per financial year, for uprating proxy values (docs/catalogue.md).", reflect.TypeOf(indexFile{})},
	} {
		s, err := yamlx.DocumentSchema(k.kind, k.title, k.desc, k.typ, opts)
		if err := yamlx.SyncSchemaFile("../schema/"+k.kind+".json", s, err, *updateSchema); err != nil {
			t.Error(err)
		}
	}
}
