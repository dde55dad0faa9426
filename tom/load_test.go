package tom

import (
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const header = "apiVersion: toms/v1\nkind: Framework\nid: test\nname: Test\n"

// small is a valid catalogue; the error tests change one thing in it.
const small = header + `themes:
  - id: t1
    name: Theme one
    outcomes:
      - id: o1
        name: Outcome one
        measures:
          - id: m1
            name: Hours
            unit: hours
            proxies:
              "2024/25": {value: "16.93", source: S, basis: B}
          - id: m2
            name: Count
            unit: count
`

func diagnostics(t *testing.T, err error) diag.List {
	t.Helper()
	require.Error(t, err)
	var ds diag.List
	if errors.As(err, &ds) {
		return ds
	}
	var d *diag.Diagnostic
	require.True(t, errors.As(err, &d), "error %v is neither diag.List nor *Diagnostic", err)
	return diag.List{d}
}

func TestParseValid(t *testing.T) {
	f, err := Parse("small.yaml", []byte(small))
	require.NoError(t, err)
	m, ok := f.Measure("m1")
	require.True(t, ok)
	assert.True(t, m.Financial, "a measure with proxies is financial")
	m2, _ := f.Measure("m2")
	assert.False(t, m2.Financial, "a measure without proxies is non-financial")
}

func TestParseJSON(t *testing.T) {
	doc := `{"apiVersion": "toms/v1", "kind": "Framework", "id": "j", "name": "JSON",
 "themes": [{"id": "t", "name": "T", "outcomes": [{"id": "o", "name": "O", "measures": [
  {"id": "m", "name": "M", "unit": "gbp", "proxies": {"2024/25": {"value": 0.1, "source": "s", "basis": "b"}}}]}]}]}`
	f, err := Parse("c.json", []byte(doc))
	require.NoError(t, err)
	v, err := f.Value("m", dec("3"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	// A JSON number 0.1 is read from its text: 3 × 0.1 = 0.3 exactly.
	assertDec(t, "0.3", v.Value, "3 × 0.1")

	_, err = Parse("dup.json", []byte(`{"apiVersion": "toms/v1", "kind": "Framework", "id": "a", "id": "b", "name": "n", "themes": []}`))
	assert.Contains(t, err.Error(), "dup.json:1:59: id: key \"id\" is already defined at line 1")
}

// TestNumbersFromText pins how values are read: from the scalar's text, with
// the dectext grammar, never through float64.
func TestNumbersFromText(t *testing.T) {
	with := func(value string) string {
		return strings.Replace(small, `value: "16.93"`, "value: "+value, 1)
	}
	for _, c := range []struct{ text, want string }{
		{"0.1", "0.1"},
		{"1e3", "1000"},
		{"0.10000000000000000001", "0.10000000000000000001"},
		{`"2.50"`, "2.5"},
		{"16.93", "16.93"},
	} {
		f, err := Parse("n.yaml", []byte(with(c.text)))
		require.NoError(t, err, c.text)
		m, _ := f.Measure("m1")
		p, _ := m.Proxy(MustYear("2024/25"))
		assertDec(t, c.want, p.Value, c.text)
	}
	for _, c := range []struct{ text, msg string }{
		{"012", "leading zero"},
		{`"1,000"`, "separators"},
		{".5", "not a decimal"},
		{"+5", "no plus sign"},
		{"abc", "not a decimal"},
		{".inf", "not a decimal"},
		{"1e99", "exponent"},
	} {
		_, err := Parse("n.yaml", []byte(with(c.text)))
		d := diagnostics(t, err)
		require.Len(t, d, 1, c.text)
		assert.Equal(t, 16, d[0].Line, c.text)
		assert.Equal(t, 34, d[0].Column, c.text)
		assert.Equal(t, "themes[0].outcomes[0].measures[0].proxies.2024/25.value", d[0].Field, c.text)
		assert.Contains(t, d[0].Message, c.msg, c.text)
		assert.ErrorIs(t, err, diag.ErrValue, c.text)
	}
}

// TestParseErrors covers every loader error with the exact position reported.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string // rendered diagnostics, in order
		kind      error
	}{
		{
			name: "unknown field with suggestion",
			doc:  strings.Replace(small, "            unit: hours\n", "            unti: hours\n", 1),
			want: []string{
				`f.yaml:12:13: themes[0].outcomes[0].measures[0].unit: missing required field "unit"`,
				`f.yaml:14:13: themes[0].outcomes[0].measures[0].unti: unknown field "unti"; did you mean "unit"?`,
			},
			kind: diag.ErrUnknownField,
		},
		{
			name: "duplicate key",
			doc:  strings.Replace(small, "            name: Count\n", "            name: Count\n            name: Again\n", 1),
			want: []string{`f.yaml:19:13: themes[0].outcomes[0].measures[1].name: key "name" is already defined at line 18`},
			kind: diag.ErrDuplicateKey,
		},
		{
			name: "duplicate id across the framework",
			doc:  strings.Replace(small, "id: m2", "id: o1", 1),
			want: []string{`f.yaml:17:17: themes[0].outcomes[0].measures[1].id: id "o1" is already used at f.yaml:9:13; ids must be unique across themes, outcomes and measures`},
			kind: ErrInvalid,
		},
		{
			name: "unknown unit",
			doc:  strings.Replace(small, "unit: count", "unit: counts", 1),
			want: []string{`f.yaml:19:19: themes[0].outcomes[0].measures[1].unit: unknown unit "counts"; did you mean "count"?`},
			kind: ErrInvalid,
		},
		{
			name: "negative value",
			doc:  strings.Replace(small, `value: "16.93"`, `value: "-16.93"`, 1),
			want: []string{`f.yaml:16:34: themes[0].outcomes[0].measures[0].proxies.2024/25.value: is -16.93; a proxy value cannot be negative`},
			kind: ErrInvalid,
		},
		{
			name: "non-numeric value",
			doc:  strings.Replace(small, `value: "16.93"`, `value: "£16.93"`, 1),
			want: []string{`f.yaml:16:34: themes[0].outcomes[0].measures[0].proxies.2024/25.value: "£16.93": not a decimal number`},
			kind: diag.ErrValue,
		},
		{
			name: "malformed year",
			doc:  strings.Replace(small, `"2024/25":`, `"2024/26":`, 1),
			want: []string{`f.yaml:16:15: themes[0].outcomes[0].measures[0].proxies.2024/26: "2024/26": not a financial year: the second part must be the year after 2024 (2024/25)`},
			kind: ErrInvalid,
		},
		{
			name: "financial with no value",
			doc:  strings.Replace(small, "            unit: count\n", "            unit: count\n            financial: true\n", 1),
			want: []string{`f.yaml:20:24: themes[0].outcomes[0].measures[1].financial: measure "m2" is marked financial but has no proxy value for any year; add proxies or set financial: false`},
			kind: ErrInvalid,
		},
		{
			name: "financial false with values",
			doc:  strings.Replace(small, "            unit: hours\n", "            unit: hours\n            financial: false\n", 1),
			want: []string{`f.yaml:15:24: themes[0].outcomes[0].measures[0].financial: measure "m1" is marked financial: false but has proxy values; remove one or the other`},
			kind: ErrInvalid,
		},
		{
			name: "multiple documents",
			doc:  small + "---\n" + small,
			want: []string{`f.yaml:20:1: a second YAML document starts here; put one document in each file`},
			kind: diag.ErrSyntax,
		},
		{
			name: "syntax error",
			doc:  header + "themes: [\n",
			want: []string{`f.yaml:6: did not find expected node content`},
			kind: diag.ErrSyntax,
		},
		{
			name: "wrong kind",
			doc:  strings.Replace(small, "kind: Framework", "kind: Frame", 1),
			want: []string{`f.yaml:2:7: kind: is "Frame"; this reader expects "Framework"`},
			kind: diag.ErrValue,
		},
		{
			name: "bool written yes",
			doc:  strings.Replace(small, "            unit: count\n", "            unit: count\n            evidenceRequired: yes\n", 1),
			want: []string{`f.yaml:20:31: themes[0].outcomes[0].measures[1].evidenceRequired: is "yes"; write true or false`},
			kind: diag.ErrType,
		},
		{
			name: "currency",
			doc:  strings.Replace(small, "name: Test\n", "name: Test\ncurrency: EUR\n", 1),
			want: []string{`f.yaml:5:11: currency: is "EUR"; only GBP is supported`},
			kind: ErrInvalid,
		},
		{
			name: "negative priority",
			doc:  strings.Replace(small, "            unit: count\n", "            unit: count\n            priority: \"-1\"\n", 1),
			want: []string{`f.yaml:20:23: themes[0].outcomes[0].measures[1].priority: is -1; a priority weight cannot be negative`},
			kind: ErrInvalid,
		},
		{
			name: "empty document",
			doc:  "# nothing\n",
			want: []string{`f.yaml: the document is empty`},
			kind: diag.ErrSyntax,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(c.doc))
			d := diagnostics(t, err)
			got := make([]string, len(d))
			for i := range d {
				got[i] = d[i].Error()
			}
			assert.Equal(t, c.want, got)
			assert.ErrorIs(t, err, c.kind)
		})
	}
}

// TestParseCollectsAllProblems: one pass reports every problem, sorted by position.
func TestParseCollectsAllProblems(t *testing.T) {
	doc := strings.NewReplacer(
		"unit: count", "unit: litres",
		`"2024/25"`, `"2024/26"`,
		"name: Theme one", "name: Theme one\n    colour: red",
	).Replace(small)
	_, err := Parse("f.yaml", []byte(doc))
	d := diagnostics(t, err)
	require.Len(t, d, 3)
	assert.Equal(t, 8, d[0].Line, "colour")
	assert.Equal(t, 17, d[1].Line, "2024/26")
	assert.Equal(t, 20, d[2].Line, "litres")
	assert.True(t, strings.HasPrefix(err.Error(), "3 problems:\n"), err.Error())
}

func TestDeclaredUnits(t *testing.T) {
	doc := strings.Replace(small, "themes:\n", "units:\n  - {id: visits, name: visits, description: site visits of 30-60 minutes}\nthemes:\n", 1)
	doc = strings.Replace(doc, "unit: count", "unit: visits", 1)
	f, err := Parse("u.yaml", []byte(doc))
	require.NoError(t, err)
	info, ok := f.Unit("visits")
	require.True(t, ok)
	assert.Equal(t, "site visits of 30-60 minutes", info.Description)

	_, err = Parse("u.yaml", []byte(strings.Replace(small, "themes:\n", "units:\n  - {id: hours, name: h}\nthemes:\n", 1)))
	d := diagnostics(t, err)
	assert.Equal(t, `u.yaml:6:10: units[0].id: unit "hours" is already defined`, d[0].Error())
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(small, "unit: count", "unit: nope", 1)), 0o600))
	_, err := LoadFile(path)
	d := diagnostics(t, err)
	assert.Equal(t, path, d[0].File)
	_, err = LoadFile(filepath.Join(dir, "missing.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestPriorityWeighting(t *testing.T) {
	doc := strings.Replace(small, "            unit: hours\n", "            unit: hours\n            priority: \"1.5\"\n", 1)
	f, err := Parse("p.yaml", []byte(doc))
	require.NoError(t, err)
	// 10 h × £16.93 = £169.30; weighted by priority 1.5: £253.95.
	v, err := f.Value("m1", dec("10"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "169.3", v.Value, "plain value ignores priority")
	assertDec(t, "1.5", v.Priority, "priority")
	assertDec(t, "253.95", v.Weighted, "169.30 × 1.5")
}

// A financial: false measure with proxies is reported even when a proxy has
// another problem, so one pass shows both.
func TestFinancialFalseWithBadProxy(t *testing.T) {
	doc := strings.Replace(small, "            unit: hours\n", "            unit: hours\n            financial: false\n", 1)
	doc = strings.Replace(doc, `value: "16.93"`, `value: "-1"`, 1)
	_, err := Parse("f.yaml", []byte(doc))
	d := diagnostics(t, err)
	require.Len(t, d, 2)
	assert.Contains(t, d[0].Message, "marked financial: false but has proxy values")
	assert.Contains(t, d[1].Message, "cannot be negative")
}
