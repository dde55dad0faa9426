package tom

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const indexDoc = `apiVersion: toms/v1
kind: Index
id: test-deflator
name: Test deflator
source: Made up for the test
basis: Financial years, 2023/24 = 100
values:
  "2023/24": "100"
  "2024/25": "103"
  "2025/26": "104"
  "2027/28": "110"
`

func testIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := ParseIndex("ix.yaml", []byte(indexDoc))
	require.NoError(t, err)
	return ix
}

// uprateCatalogue has volunteering at £16.93 in 2023/24 marked uprate, and a
// measure with a later value given, which stops the uprating.
const uprateCatalogue = header + `themes:
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
              "2023/24": {value: "16.93", source: S, basis: B, uprate: test-deflator}
          - id: m2
            name: Stopped
            unit: hours
            proxies:
              "2023/24": {value: "10", source: S, basis: B, uprate: test-deflator}
              "2025/26": {value: "20", source: S2, basis: B2}
`

func TestIndexUprate(t *testing.T) {
	ix := testIndex(t)
	assert.Equal(t, "test-deflator", ix.ID())
	assert.Equal(t, "Test deflator", ix.Name())
	assert.Len(t, ix.Values(), 4)

	// 16.93 × 103 / 100 = 1743.79 / 100 = 17.4379, exact at 4 places.
	v, ok := ix.Uprate(dec("16.93"), MustYear("2023/24"), MustYear("2024/25"))
	require.True(t, ok)
	assertDec(t, "17.4379", v, "16.93 × 103 / 100")
	assert.Equal(t, "17.4379", v.String())
	// 16.93 × 104 / 103 = 1760.72 / 103 = 17.09436893…: the fifth place is
	// 6, so it rounds up to 17.0944.
	v, _ = ix.Uprate(dec("16.93"), MustYear("2024/25"), MustYear("2025/26"))
	assertDec(t, "17.0944", v, "16.93 × 104 / 103")
	// Half away from zero: 0.00005 × 103 / 103 = 0.00005 exactly, a tie at
	// the fifth place, goes up to 0.0001 (and -0.00005 to -0.0001).
	v, _ = ix.Uprate(dec("0.00005"), MustYear("2024/25"), MustYear("2024/25"))
	assertDec(t, "0.0001", v, "tie rounds away from zero")
	v, _ = ix.Uprate(dec("-0.00005"), MustYear("2024/25"), MustYear("2024/25"))
	assertDec(t, "-0.0001", v, "negative tie rounds away from zero")
	// Down the series: 16.93 × 100 / 104 = 16.278846… → 16.2788.
	v, _ = ix.Uprate(dec("16.93"), MustYear("2025/26"), MustYear("2023/24"))
	assertDec(t, "16.2788", v, "16.93 × 100 / 104")
	// A year the series lacks.
	_, ok = ix.Uprate(dec("16.93"), MustYear("2023/24"), MustYear("2026/27"))
	assert.False(t, ok)
}

func TestFrameworkUprated(t *testing.T) {
	f, err := Parse("c.yaml", []byte(uprateCatalogue))
	require.NoError(t, err)
	// Without the series, 2024/25 has no value, and the error says why.
	_, err = f.Value("m1", dec("10"), MustYear("2024/25"), ExactYear)
	require.ErrorIs(t, err, ErrNoProxy)
	assert.Equal(t, `measure "m1" has no proxy value for 2024/25 (it has 2023/24); its 2023/24 value is uprated by index series "test-deflator", which is not loaded (list its file under indexes:)`, err.Error())

	g, err := f.WithIndexes(testIndex(t))
	require.NoError(t, err)
	// 10 hours × 17.4379 = 174.379, at the exact year: not carried forward.
	v, err := g.Value("m1", dec("10"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "174.379", v.Value, "10 × 16.93 × 103 / 100")
	assert.False(t, v.CarriedForward)
	assert.Equal(t, "uprated from 2023/24 by Test deflator", v.Proxy.Note())
	assert.Equal(t, "S; index: Made up for the test", v.Proxy.Source)
	assert.Equal(t, "B; uprated from 2023/24 by Test deflator (16.93 × 103 / 100, rounded to 4 places)", v.Proxy.Basis)
	require.NotNil(t, v.Proxy.Uprated)
	assert.Equal(t, MustYear("2023/24"), v.Proxy.Uprated.From)
	assertDec(t, "16.93", v.Proxy.Uprated.FromValue, "base value")

	// The series lacks 2026/27: no value at the exact year, and the error
	// says so; carried forward, 2025/26's uprated value is used.
	_, err = g.Value("m1", dec("1"), MustYear("2026/27"), ExactYear)
	require.ErrorIs(t, err, ErrNoProxy)
	assert.Contains(t, err.Error(), `its 2023/24 value is uprated by index series "test-deflator", which has no value for 2026/27`)
	v, err = g.Value("m1", dec("1"), MustYear("2026/27"), CarryForward)
	require.NoError(t, err)
	assert.True(t, v.CarriedForward)
	assertDec(t, "17.6072", v.Value, "16.93 × 104 / 100 = 17.6072")
	// 2027/28 is in the series: 16.93 × 110 / 100 = 18.623.
	v, err = g.Value("m1", dec("1"), MustYear("2027/28"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "18.623", v.Value, "16.93 × 110 / 100")

	// m2: uprated to 2024/25 only; 2025/26 is given; 2027/28 is not uprated
	// from 2023/24 past the given 2025/26 value.
	m2, _ := g.Measure("m2")
	var years []string
	for _, p := range m2.Proxies() {
		years = append(years, p.Year.String()+"="+p.Value.String())
	}
	assert.Equal(t, []string{"2023/24=10", "2024/25=10.3", "2025/26=20"}, years)

	// f itself is unchanged.
	_, err = f.Value("m1", dec("10"), MustYear("2024/25"), ExactYear)
	assert.ErrorIs(t, err, ErrNoProxy)

	// A second series with the same id is refused.
	_, err = g.WithIndexes(testIndex(t))
	assert.ErrorContains(t, err, `index series "test-deflator" is loaded twice`)
}

func TestLoadFileIndexes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	write("ix.yaml", indexDoc)
	cat := strings.Replace(uprateCatalogue, "themes:", "indexes: [ix.yaml]\nthemes:", 1)
	f, err := LoadFile(write("c.yaml", cat))
	require.NoError(t, err)
	v, err := f.Value("m1", dec("1"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "17.4379", v.Value, "16.93 × 103 / 100")
	require.Len(t, f.Indexes(), 1)

	// A misspelt series is positioned at the uprate field.
	bad := strings.Replace(cat, "B, uprate: test-deflator}\n          - id: m2", "B, uprate: test-deflater}\n          - id: m2", 1)
	_, err = LoadFile(write("bad.yaml", bad))
	d := diagnostics(t, err)
	require.Len(t, d, 1)
	assert.ErrorIs(t, d[0], ErrUnknownIndex)
	assert.Equal(t, filepath.Join(dir, "bad.yaml")+`:17:72: themes[0].outcomes[0].measures[0].proxies.2023/24.uprate: index series "test-deflater" is not loaded; did you mean "test-deflator"?`, d[0].Error())

	// A missing file is positioned at its entry.
	_, err = LoadFile(write("missing.yaml", strings.Replace(cat, "[ix.yaml]", "[nope.yaml]", 1)))
	d = diagnostics(t, err)
	require.Len(t, d, 1)
	assert.Contains(t, d[0].Error(), "missing.yaml:5:11: indexes[0]: cannot read the index file")

	// A proxy-values file may list the series and mark its values.
	write("pv.yaml", `apiVersion: toms/v1
kind: ProxyValues
indexes: [ix.yaml]
values:
  - {measure: m1, year: "2023/24", value: "20", source: PS, basis: PB, uprate: test-deflator}
`)
	plain, err := Parse("c.yaml", []byte(uprateCatalogue))
	require.NoError(t, err)
	g, err := plain.ApplyProxiesFile(filepath.Join(dir, "pv.yaml"))
	require.NoError(t, err)
	// 20 × 103 / 100 = 20.6.
	v, err = g.Value("m1", dec("1"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "20.6", v.Value, "20 × 103 / 100")
	assert.Equal(t, "PS; index: Made up for the test", v.Proxy.Source)
	pv, err := LoadProxiesFile(filepath.Join(dir, "pv.yaml"))
	require.NoError(t, err)
	g, err = plain.WithProxies(pv)
	require.NoError(t, err)
	v, err = g.Value("m1", dec("1"), MustYear("2025/26"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "20.8", v.Value, "20 × 104 / 100")
}

func TestParseIndexErrors(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"zero", strings.Replace(indexDoc, `"2024/25": "103"`, `"2024/25": "0"`, 1), `ix.yaml:9:14: values.2024/25: is 0; an index value must be above zero`},
		{"negative", strings.Replace(indexDoc, `"2024/25": "103"`, `"2024/25": "-1"`, 1), `ix.yaml:9:14: values.2024/25: is -1; an index value must be above zero`},
		{"bad year", strings.Replace(indexDoc, `"2024/25"`, `"2024/26"`, 1), `ix.yaml:9:3: values.2024/26: "2024/26": not a financial year: the second part must be the year after 2024 (2024/25)`},
		{"duplicate year", strings.Replace(indexDoc, `"2025/26"`, `"2024/25"`, 1), `ix.yaml:10:3: values.2024/25: key "2024/25" is already defined at line 9`},
		{"bad number", strings.Replace(indexDoc, `"103"`, `"1,03"`, 1), `ix.yaml:9:14: values.2024/25: "1,03": not a decimal number (write digits only, without separators or spaces)`},
		{"no source", strings.Replace(indexDoc, "source: Made up for the test\n", "", 1), `ix.yaml:1:1: source: missing required field "source"`},
		{"unknown field", strings.Replace(indexDoc, "basis:", "sourse: x\nbasis:", 1), `ix.yaml:6:1: sourse: unknown field "sourse"; did you mean "source"?`},
		{"id with space", strings.Replace(indexDoc, "id: test-deflator", "id: test deflator", 1), `ix.yaml:3:5: id: id "test deflator" must not contain spaces or commas`},
		{"empty", strings.Replace(indexDoc, "values:\n", "values: {}\n", 1)[:strings.Index(indexDoc, "values:")+11], `ix.yaml:7:9: values: an index needs at least one year's value`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseIndex("ix.yaml", []byte(c.doc))
			d := diagnostics(t, err)
			require.Len(t, d, 1, "%v", err)
			assert.Equal(t, c.want, d[0].Error())
		})
	}
}
