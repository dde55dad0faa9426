package rules

import (
	"flag"
	"reflect"
	"testing"

	"github.com/socialvalue-toms/toms/internal/yamlx"
)

var updateSchema = flag.Bool("update", false, "rewrite the schema files in ../schema")

// TestSchemaFiles checks schema/RuleSet.json, RuleTest.json and
// Fixtures.json against the types the loaders decode into (go generate
// ./schema rewrites them).
func TestSchemaFiles(t *testing.T) {
	part := yamlx.MustSchema
	// A CEL expression: text (true and false are expressions too).
	expr := map[string]any{"type": []any{"string", "boolean", "number"}}
	typeNames := make([]any, len(constTypeNames))
	for i, n := range constTypeNames {
		typeNames[i] = n
	}
	constant := part(constDoc{}, yamlx.SchemaOptions{Fields: map[string]map[string]any{
		"constDoc.Type":  {"type": "string", "enum": typeNames},
		"constDoc.Value": {"type": []any{"string", "number", "boolean", "array"}, "items": map[string]any{"type": []any{"string", "number", "boolean"}}},
	}})
	// A test input: a fixture's name, or fields, optionally starting from a
	// fixture (decodeDepth).
	input := func(v any) map[string]any {
		obj := part(v, yamlx.SchemaOptions{})
		obj["properties"].(map[string]any)["fixture"] = map[string]any{"type": "string", "description": "the fixture this input starts from"}
		return map[string]any{"anyOf": []any{map[string]any{"type": "string", "description": "a fixture's name"}, obj}}
	}
	tender, bid := input(Tender{}), input(Bid{})
	inputs := func(s map[string]any) map[string]any {
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": s}
	}
	status := make([]any, 0, len(statusNames)-1)
	for _, s := range statusNames[1:] {
		status = append(status, s)
	}
	expect := part(expectDoc{}, yamlx.SchemaOptions{})
	expect["properties"].(map[string]any)["status"] = map[string]any{"enum": status}
	opts := yamlx.SchemaOptions{
		Fields: map[string]map[string]any{
			"ruleDoc.Constants": {
				"type":                 []any{"object", "null"},
				"propertyNames":        map[string]any{"pattern": identRE.String()},
				"additionalProperties": constant,
			},
			"varDoc.Expr":            expr,
			"ruleDocEnt.When":        expr,
			"ruleDocEnt.Expr":        expr,
			"ruleDocEnt.MessageExpr": expr,
			"fixtureDoc.Tenders":     inputs(tender),
			"fixtureDoc.Bids":        inputs(bid),
			"fixtureFileDoc.Tenders": inputs(tender),
			"fixtureFileDoc.Bids":    inputs(bid),
			"inputDoc.Tender":        tender,
			"inputDoc.Bid":           bid,
			"testCaseDoc.Expect": {
				"type": []any{"object", "null"},
				"additionalProperties": map[string]any{"anyOf": []any{
					map[string]any{"enum": status}, expect}},
			},
		},
	}
	if err := yamlx.SyncSchemaFiles("../schema", []yamlx.SchemaDoc{
		{Kind: "RuleSet", Title: "toms rule set", Description: "Policy rules in CEL over tenders and bids (rules package documentation, examples/policy).", Type: reflect.TypeOf(ruleDoc{})},
		{Kind: "RuleTest", Title: "toms rule tests", Description: "Tests of policy rules: inputs and the expected verdict of each rule (examples/policy).", Type: reflect.TypeOf(testDoc{})},
		{Kind: "Fixtures", Title: "toms rule test fixtures", Description: "Named tenders and bids shared by the rule tests beside them (examples/policy/testdata).", Type: reflect.TypeOf(fixtureFileDoc{})},
	}, opts, *updateSchema); err != nil {
		t.Error(err)
	}
}
