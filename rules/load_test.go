package rules_test

import (
	"context"
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/rules"
)

const header = "apiVersion: toms/v1\nkind: RuleSet\nmetadata: {name: t}\n"

// diagnostics parses src and returns the problems it reports.
func diagnostics(t *testing.T, src string) diag.List {
	t.Helper()
	set, err := rules.Parse("p.yaml", []byte(src))
	require.Error(t, err)
	assert.Nil(t, set)
	var list diag.List
	list.Append(err)
	return list
}

func TestParseErrorsArePositioned(t *testing.T) {
	tests := []struct {
		name string
		src  string
		pos  string // file:line:col of the first problem
		msg  string // substring of its message
		kind error
	}{
		{"syntax error in CEL", header + "rules:\n  - id: a\n    expr: tender.value >\n",
			"p.yaml:6:25", "mismatched input", rules.ErrInvalidRule},
		{"misspelled field", header + "rules:\n  - id: a\n    expr: tender.vaule > money(\"1\")\n",
			"p.yaml:6:18", "undefined field 'vaule'; did you mean 'value'?", rules.ErrInvalidRule},
		{"misspelled nested field", header + "rules:\n  - id: a\n    expr: tender.weights.socialvalue > decimal(1)\n",
			"p.yaml:6:26", "did you mean 'socialValue'?", rules.ErrInvalidRule},
		{"misspelled variable root", header + "rules:\n  - id: a\n    expr: tendr.id == 'x'\n",
			"p.yaml:6:11", "undeclared reference to 'tendr'; did you mean 'tender'?", rules.ErrInvalidRule},
		{"unknown constant", header + "constants:\n  floor: {type: decimal, value: \"10\"}\nrules:\n  - id: a\n    expr: tender.weights.price > constants.flor\n",
			"p.yaml:8:34", "undeclared reference to 'constants.flor'; did you mean 'constants.floor'?", rules.ErrInvalidRule},
		{"variable used before it is defined", header + "variables:\n  - {name: a, expr: variables.b}\n  - {name: b, expr: \"true\"}\nrules:\n  - {id: r, expr: variables.a}\n",
			"p.yaml:5:21", "undeclared reference to 'variables.b'", rules.ErrInvalidRule},
		{"division of exact numbers", header + "rules:\n  - id: a\n    expr: tender.value / tender.value > decimal(1)\n",
			"p.yaml:6:24", "there is no / for exact numbers: write ratio(a, b, places)", rules.ErrInvalidRule},
		{"decimal compared with a double", header + "rules:\n  - id: a\n    expr: tender.weights.price >= 10.0\n",
			"p.yaml:6:32", "no matching overload for '_>=_' applied to '(decimal, double)'; plain numbers are not mixed with exact ones: write decimal(\"1.5\")", rules.ErrInvalidRule},
		{"money compared with a decimal", header + "rules:\n  - id: a\n    expr: tender.value > decimal(1)\n",
			"p.yaml:6:24", "(money, decimal)", rules.ErrInvalidRule},
		{"expr that is not a bool", header + "rules:\n  - id: a\n    expr: tender.value\n",
			"p.yaml:6:11", "must give true or false (bool), but it gives a money", rules.ErrInvalidRule},
		{"when that is not a bool", header + "rules:\n  - id: a\n    when: tender.id\n    expr: \"true\"\n",
			"p.yaml:6:11", "must give true or false (bool), but it gives text (string)", rules.ErrInvalidRule},
		{"messageExpr that is not a string", header + "rules:\n  - id: a\n    expr: \"true\"\n    messageExpr: tender.value\n",
			"p.yaml:7:18", "must give text (string), but it gives a money", rules.ErrInvalidRule},
		{"bad decimal literal", header + "rules:\n  - id: a\n    expr: tender.weights.price > decimal(\"1,5\")\n",
			"p.yaml:6:42", `decimal("1,5")`, rules.ErrInvalidRule},
		{"bad constant value", header + "constants:\n  floor: {type: decimal, value: \"ten\"}\nrules: []\n",
			"p.yaml:5:33", `"ten": not a decimal number`, rules.ErrInvalidRule},
		{"unknown constant type", header + "constants:\n  floor: {type: decmal, value: \"10\"}\nrules: []\n",
			"p.yaml:5:17", `unknown type "decmal"; write one of decimal, money, int, string, bool, strings; did you mean "decimal"?`, rules.ErrInvalidRule},
		{"duplicate constant key", header + "constants:\n  floor: {type: decimal, value: \"10\"}\n  floor: {type: decimal, value: \"11\"}\n",
			"p.yaml:6:3", `constant "floor" is already defined at line 5`, nil},
		{"override of nothing", header + "constants:\n  floor: {type: decimal, value: \"10\", override: true}\n",
			"p.yaml:5:3", `no earlier file defines constant "floor"`, rules.ErrInvalidRule},
		{"override changes the type", header + "extends: default\nconstants:\n  floor: {type: money, value: \"10\", override: true}\n",
			"p.yaml:6:3", `is a decimal at default/social-value.yaml`, rules.ErrInvalidRule},
		{"redefining a default constant", header + "extends: default\nconstants:\n  floor: {type: decimal, value: \"15\"}\n",
			"p.yaml:6:3", "add override: true", rules.ErrInvalidRule},
		{"duplicate rule id", header + "rules:\n  - {id: a, expr: \"true\"}\n  - {id: a, expr: \"false\"}\n",
			"p.yaml:6:5", `rule id "a" is already used at p.yaml:5:5`, rules.ErrInvalidRule},
		{"duplicate rule id across the default", header + "extends: default\nrules:\n  - {id: sv-floor, expr: \"true\"}\n",
			"p.yaml:6:5", `rule id "sv-floor" is already used at default/social-value.yaml`, rules.ErrInvalidRule},
		{"misspelled rule key", header + "rules:\n  - {id: a, exrp: \"true\"}\n",
			"p.yaml:5:5", `missing required field "expr"`, nil},
		{"unknown top-level key", header + "rulez: []\n",
			"p.yaml:4:1", `unknown field "rulez"; did you mean "rules"?`, diag.ErrUnknownField},
		{"bad severity", header + "rules:\n  - {id: a, expr: \"true\", severity: fatal}\n",
			"p.yaml:5:37", `is "fatal"; write error or warning`, nil},
		{"bad rule id", header + "rules:\n  - {id: \"a b\", expr: \"true\"}\n",
			"p.yaml:5:10", `rule id "a b" must be`, rules.ErrInvalidRule},
		{"unknown base policy", header + "extends: strict\n",
			"p.yaml:4:10", `the only base policy`, nil},
		{"wrong apiVersion", "apiVersion: toms/v2\nkind: RuleSet\n",
			"p.yaml:1:13", `this reader expects "toms/v1"`, nil},
		{"empty expression", header + "rules:\n  - {id: a, expr: \"\"}\n",
			"p.yaml:5:20", "the expression is empty", rules.ErrInvalidRule},
		{"nested loops over the cost limit", header + "rules:\n  - id: a\n    expr: tender.measures.all(x, tender.measures.all(y, tender.measures.all(z, x == y)))\n",
			"p.yaml:6:11", "worst-case cost", rules.ErrCostLimit},
		{"not YAML", "apiVersion: [\n", "p.yaml:2", "", diag.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := diagnostics(t, tt.src)
			require.NotEmpty(t, list)
			d := list[0]
			assert.Equal(t, tt.pos, d.Position(), "all: %v", list)
			assert.Contains(t, d.Message, tt.msg)
			if tt.kind != nil {
				assert.True(t, errors.Is(d, tt.kind), "kind %v, want %v", d.Kind, tt.kind)
			}
		})
	}
}

func TestParseReportsEveryProblemInOnePass(t *testing.T) {
	list := diagnostics(t, header+`constants:
  floor: {type: decimal, value: "x"}
rules:
  - id: a
    expr: tender.vaule > money("1")
  - id: b
    expr: tender.weights.price > 1.5
  - id: c
    when: tendr.id == "x"
    expr: "true"
`)
	var where []string
	for _, d := range list {
		where = append(where, d.Position())
	}
	assert.Equal(t, []string{"p.yaml:5:33", "p.yaml:8:18", "p.yaml:10:32", "p.yaml:12:11"}, where)
}

func TestSnippetHasSourceLineAndCaret(t *testing.T) {
	list := diagnostics(t, header+"rules:\n  - id: a\n    expr: tender.vaule > money(\"1\")\n")
	require.Len(t, list, 1)
	assert.Equal(t, " 6 |     expr: tender.vaule > money(\"1\")\n   |                  ^", list[0].Snippet)
	assert.Equal(t, "a", list[0].Rule)
	assert.Equal(t, "rules[0].expr", list[0].Field)
}

// TestPositionsInsideYAMLScalars checks that a CEL error is reported at the
// right file column whatever the YAML scalar style.
func TestPositionsInsideYAMLScalars(t *testing.T) {
	tests := []struct {
		name string
		expr string // the YAML text after "    expr:" (line 5)
		pos  string
	}{
		{"plain", ` tender.id == "x" && tender.vaule > money("1")`, "p.yaml:6:38"},
		{"double quoted with escapes", ` "tender.id == \"x\" && tender.vaule > money(\"1\")"`, "p.yaml:6:41"},
		{"single quoted with doubled quotes", ` 'tender.id == ''x'' && tender.vaule > money("1")'`, "p.yaml:6:41"},
		{"literal block", " |\n      tender.id == \"x\" &&\n        tender.vaule > money(\"1\")\n", "p.yaml:8:16"},
		{"folded block", " >\n      tender.id == \"x\" &&\n        tender.vaule > money(\"1\")\n", "p.yaml:8:16"},
		{"folded block strip", " >-\n      tender.id == \"x\"\n      && tender.vaule > money(\"1\")\n", "p.yaml:8:17"},
		{"plain over two lines", " tender.id == \"x\" &&\n      tender.vaule > money(\"1\")\n", "p.yaml:7:14"},
		{"unicode before the error", ` tender.id == "£££" && tender.vaule > money("1")`, "p.yaml:6:40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := diagnostics(t, header+"rules:\n  - id: a\n    expr:"+tt.expr+"\n")
			require.Len(t, list, 1)
			assert.Equal(t, tt.pos, list[0].Position(), "%v", list[0])
			assert.True(t, strings.HasSuffix(list[0].Snippet, "^"))
		})
	}
}

func TestLoadDirectory(t *testing.T) {
	fsys := fstest.MapFS{
		"policy/a.yaml":               {Data: []byte(header + "constants:\n  big: {type: money, value: \"1000000.00\"}\nrules:\n  - {id: a, expr: tender.value < constants.big}\n")},
		"policy/b.yaml":               {Data: []byte(header + "rules:\n  - {id: b, expr: tender.value > constants.big}\n")},
		"policy/a_test.yaml":          {Data: []byte("not: a rule file")},
		"policy/tender.yaml":          {Data: []byte("apiVersion: toms/v1\nkind: Tender\n")},
		"policy/testdata/broken.yaml": {Data: []byte("::: not yaml")},
		"policy/.git/x.yaml":          {Data: []byte("::: not yaml")},
		"policy/notes.txt":            {Data: []byte("ignored")},
	}
	set, err := rules.Load(context.Background(), fsys, "policy")
	require.NoError(t, err)
	var ids []string
	for _, r := range set.Rules() {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"a", "b"}, ids, "b uses a's constant because files load in order")

	_, err = rules.Load(context.Background(), fsys, "policy/tender.yaml")
	assert.ErrorContains(t, err, `is "Tender"; this reader expects "RuleSet"`, "a file named explicitly must be a RuleSet")
	_, err = rules.Load(context.Background(), fsys, "nowhere")
	assert.ErrorContains(t, err, "nowhere")
	assert.ErrorIs(t, err, rules.ErrInput)
	_, err = rules.Load(context.Background(), fstest.MapFS{"x/n.txt": {}}, "x")
	assert.ErrorContains(t, err, "no RuleSet files found")
}

func TestLoadFromTheOperatingSystem(t *testing.T) {
	set, err := rules.Load(context.Background(), nil, "../examples/policy")
	require.NoError(t, err)
	r, ok := set.Rule("skills-measure")
	require.True(t, ok)
	assert.Equal(t, "../examples/policy/council.yaml:32:5", r.Pos.String())
	_, ok = set.Rule("sv-floor")
	assert.True(t, ok, "extends: default brings in the default rules")
}

func TestOverrideConstant(t *testing.T) {
	set, err := rules.Parse("mine.yaml", []byte(header+`extends: default
constants:
  floor: {type: decimal, value: "15", override: true}
  threshold: {type: money, value: "50000.00", override: true}
`))
	require.NoError(t, err)
	consts := map[string]rules.Constant{}
	for _, c := range set.Constants() {
		consts[c.Name] = c
	}
	assert.Equal(t, "15", consts["floor"].Value)
	assert.Equal(t, "mine.yaml:6:3", consts["floor"].Pos.String())
	assert.Equal(t, "£50,000.00", consts["threshold"].Value)
	assert.Equal(t, "100", consts["totalWeight"].Value)

	rep, err := set.Check(context.Background(), rules.Input{Tender: tender("60000.00", "60", "28", "12", "6", "6")}, rules.CheckOptions{})
	require.NoError(t, err)
	assert.Equal(t, rules.StatusFail, outcome(t, rep, "sv-floor").Status, "12 points are below the new floor of 15 over £50,000")
}

func TestCombine(t *testing.T) {
	def, err := rules.Default()
	require.NoError(t, err)
	mine, err := rules.Parse("mine.yaml", []byte(header+"extends: default\nrules:\n  - {id: mine, expr: \"true\"}\n"))
	require.NoError(t, err)
	both, err := def.Combine(mine)
	require.NoError(t, err, "the default policy, present in both, is used once")
	assert.Len(t, both.Rules(), 4)

	other, err := rules.Parse("other.yaml", []byte(header+"rules:\n  - {id: mine, expr: \"false\"}\n"))
	require.NoError(t, err)
	_, err = mine.Combine(other)
	require.Error(t, err)
	assert.ErrorIs(t, err, rules.ErrInvalidRule)
	assert.ErrorContains(t, err, `other.yaml:5:5: rule mine: rule id "mine" is already used at mine.yaml:6:5`)
}

func TestDefaultPolicy(t *testing.T) {
	set, err := rules.Default()
	require.NoError(t, err)
	var ids []string
	for _, r := range set.Rules() {
		ids = append(ids, r.ID)
		assert.Equal(t, rules.SeverityError, r.Severity)
		assert.NotEmpty(t, r.Description)
	}
	assert.Equal(t, []string{"sv-floor", "weights-total", "sv-split"}, ids)
	assert.LessOrEqual(t, set.Cost(), uint64(rules.MaxSetCost))
	floor, ok := set.Rule("sv-floor")
	require.True(t, ok)
	assert.Equal(t, "variables.inScope", floor.When)
	assert.Equal(t, "default/social-value.yaml:43:5", floor.Pos.String())
}

// WithDefault adds the embedded default policy to a set that lacks it, once,
// and leaves a set that already has it alone.
func TestWithDefault(t *testing.T) {
	own, err := rules.Parse("own.yaml", []byte(header+"rules:\n  - {id: own, expr: 'tender.id != \"\"'}\n"))
	require.NoError(t, err)
	assert.False(t, own.IncludesDefault())
	with, err := own.WithDefault()
	require.NoError(t, err)
	assert.True(t, with.IncludesDefault())
	var ids []string
	for _, r := range with.Rules() {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"sv-floor", "weights-total", "sv-split", "own"}, ids)
	again, err := own.WithDefault()
	require.NoError(t, err)
	assert.Same(t, with, again, "compiled once per set")

	def, err := rules.Default()
	require.NoError(t, err)
	assert.True(t, def.IncludesDefault())
	same, err := def.WithDefault()
	require.NoError(t, err)
	assert.Same(t, def, same)

	ext, err := rules.Parse("ext.yaml", []byte(header+"extends: default\n"))
	require.NoError(t, err)
	assert.True(t, ext.IncludesDefault())
}
