package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogueGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"catalogue/table.txt", []string{"catalogue"}},
		{"catalogue/table-2024-25.txt", []string{"catalogue", "--year", "2024/25"}},
		{"catalogue/carry-2024-25.json", []string{"catalogue", "--year", "2024/25", "--carry-forward", "--format", "json"}},
		{"catalogue/2024-25.csv", []string{"catalogue", "--year", "2024/25", "--format", "csv"}},
		// The volunteering value of 2024/25 uprated by the example series:
		// 16.93 × 103 / 100 = 17.4379, with the note in every format.
		{"catalogue/uprated-2025-26.txt", []string{"catalogue", "--proxies", "../../examples/indexes/uprated-values.yaml", "--year", "2025/26"}},
		{"catalogue/uprated-2025-26.json", []string{"catalogue", "--proxies", "../../examples/indexes/uprated-values.yaml", "--year", "2025/26", "--format", "json"}},
		{"catalogue/uprated-2025-26.csv", []string{"catalogue", "--proxies", "../../examples/indexes/uprated-values.yaml", "--year", "2025/26", "--format", "csv"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, c.args...)
			require.Equal(t, exitOK, code, stderr)
			golden(t, c.name, stdout)
		})
	}
}

func TestCatalogueJSONShape(t *testing.T) {
	stdout, _, code := runCLI(t, "catalogue", "--year", "2024/25", "--format", "json")
	require.Equal(t, exitOK, code)
	var v catalogueJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.Equal(t, "2024/25", v.Year)
	m := v.Themes[0].Outcomes[2].Measures[0]
	assert.Equal(t, "volunteering-hours", m.ID)
	require.NotNil(t, m.Proxy)
	assert.Equal(t, "16.93", m.Proxy.Value, "decimal string, exact")
	carbon := v.Themes[4].Outcomes[0].Measures[1]
	assert.Equal(t, "carbon-saved", carbon.ID)
	assert.Nil(t, carbon.Proxy, "no 2024/25 value without --carry-forward")
}

func TestCatalogueCSVLoads(t *testing.T) {
	stdout, _, code := runCLI(t, "catalogue", "--format", "csv")
	require.Equal(t, exitOK, code)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1)
	for i, r := range rows {
		assert.Len(t, r, len(rows[0]), "row %d", i)
	}
}

func TestCatalogueProxiesAndErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(good, []byte(`apiVersion: toms/v1
kind: ProxyValues
values:
  - {measure: volunteering-hours, year: "2025/26", value: "17.40", source: Survey, basis: Cost}
`), 0o600))
	stdout, stderr, code := runCLI(t, "catalogue", "--proxies", good, "--year", "2025/26")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `volunteering-hours\s+hours\s+17\.40\s+2025/26`, stdout)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(`apiVersion: toms/v1
kind: ProxyValues
values:
  - {measure: volunteering-hours, year: "2025/26", value: "17,40", source: Survey, basis: Cost}
`), 0o600))
	_, stderr, code = runCLI(t, "catalogue", "--proxies", bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, bad+`:4:59: values[0].value: "17,40": not a decimal number`)

	for _, args := range [][]string{
		{"catalogue", "--year", "2024-25"},
		{"catalogue", "--format", "xml"},
		{"catalogue", "--carry-forward"},
		{"catalogue", "extra"},
		{"catalogue", "--framework", filepath.Join(dir, "missing.yaml")},
	} {
		_, stderr, code := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.NotEmpty(t, stderr, "%v", args)
	}
}

// The catalogue's CSV is spreadsheet-safe (#8.13): names and sources that
// a spreadsheet would run as formulas get a leading quote; plain numbers
// stay numbers.
func TestCatalogueCSVInjection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fw.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`apiVersion: toms/v1
kind: Framework
id: evil
name: Evil catalogue
currency: GBP
themes:
  - id: t
    name: '=HYPERLINK("http://example.com/?","Jobs")'
    outcomes:
      - id: o
        name: "+Outcome"
        measures:
          - id: m
            name: "@SUM(A1)"
            unit: gbp
            proxies: {"2024/25": {value: "1", source: "-2+3", basis: "@basis"}}
`), 0o600))
	stdout, stderr, code := runCLI(t, "catalogue", "--framework", path, "--format", "csv")
	require.Equal(t, exitOK, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	row := rows[1]
	assert.Equal(t, `'=HYPERLINK("http://example.com/?","Jobs")`, row[1])
	assert.Equal(t, "'+Outcome", row[3])
	assert.Equal(t, "'@SUM(A1)", row[5])
	assert.Equal(t, "1", row[12], "a number stays a number")
	assert.Equal(t, "'-2+3", row[14])
	assert.Equal(t, "'@basis", row[15])
}
