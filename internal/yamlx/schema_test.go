package yamlx

import (
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
)

type schemaInner struct {
	Name string `yaml:"name,required"`
}

type schemaDoc struct {
	APIVersion string              `yaml:"apiVersion"`
	Kind       string              `yaml:"kind"`
	Pos        diag.Pos            `yaml:",pos"`
	At         map[string]diag.Pos `yaml:",at"`
	ID         string              `yaml:"id,required"`
	Note       string              `yaml:"note"`
	Count      int                 `yaml:"count"`
	On         bool                `yaml:"on"`
	Price      *decimal.Decimal    `yaml:"price"`
	Weight     decimal.Decimal     `yaml:"weight"`
	When       time.Time           `yaml:"when"`
	Tags       []string            `yaml:"tags"`
	Inner      schemaInner         `yaml:"inner"`
	ByName     map[string]int      `yaml:"byName"`
	Raw        *yaml.Node          `yaml:"raw"`
	hidden     string              //lint:ignore U1000 an unexported field the schema must leave out
	Skipped    string              `yaml:"-"`
}

// The schema follows Decoder's rules: tags name properties, ",required"
// fields are required, ",pos" and ",at" fields and "-" are left out, and a
// field Decoder takes as missing when null may be null.
func TestSchemaFromTags(t *testing.T) {
	_, err := Schema(reflect.TypeOf(schemaDoc{}), SchemaOptions{})
	assert.EqualError(t, err, "yamlx: schemaDoc.Raw is a raw *yaml.Node: describe it in SchemaOptions.Fields")

	s, err := DocumentSchema("Doc", "t", "d", reflect.TypeOf(schemaDoc{}), SchemaOptions{
		Fields: map[string]map[string]any{"schemaDoc.Raw": {"type": "string"}},
		Keys:   map[string]string{"schemaDoc.ByName": YearPattern},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"apiVersion", "kind", "id"}, s["required"])
	assert.Equal(t, false, s["additionalProperties"])
	p := s["properties"].(map[string]any)
	var names []string
	for k := range p {
		names = append(names, k)
	}
	assert.ElementsMatch(t, []string{"apiVersion", "kind", "id", "note", "count", "on", "price", "weight", "when", "tags", "inner", "byName", "raw"}, names)
	typ := func(name string) any { return p[name].(map[string]any)["type"] }
	assert.Equal(t, map[string]any{"const": "toms/v1", "description": "file format version"}, p["apiVersion"])
	assert.Equal(t, "string", typ("id"), "required: never null")
	assert.Equal(t, []any{"string", "null"}, typ("note"))
	assert.Equal(t, "integer", typ("count"), "null is a type error for numbers")
	assert.Equal(t, "boolean", typ("on"))
	assert.Equal(t, []any{"number", "string", "null"}, typ("price"))
	assert.Equal(t, DecimalPattern, p["price"].(map[string]any)["pattern"])
	assert.Equal(t, []any{"number", "string"}, typ("weight"))
	assert.Equal(t, "string", typ("when"))
	assert.Equal(t, []any{"array", "null"}, typ("tags"))
	assert.Equal(t, "object", typ("inner"), "a struct with a required field is not nullable")
	assert.Equal(t, []string{"name"}, p["inner"].(map[string]any)["required"])
	assert.Equal(t, map[string]any{"pattern": YearPattern}, p["byName"].(map[string]any)["propertyNames"])
	assert.Equal(t, "string", typ("raw"))
}
