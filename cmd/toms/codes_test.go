package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End to end: a catalogue with codes and a value uprated by an index file;
// outcome rows name the measure by its code; the review carries the codes
// and the uprating note. 10 hours × 16.93 × 103 / 100 = 10 × 17.4379 =
// £174.379.
func TestReportCodesAndUprating(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	write("defl.yaml", `apiVersion: toms/v1
kind: Index
id: defl
name: Test deflator
source: S
basis: B
values: {"2024/25": "100", "2025/26": "103"}
`)
	fw := write("c.yaml", `apiVersion: toms/v1
kind: Framework
id: c
name: Coded
indexes: [defl.yaml]
themes:
  - id: t
    name: T
    outcomes:
      - id: o
        name: O
        measures:
          - id: volunteering
            name: Volunteering
            unit: hours
            codes: {ecc: ECC48, nt: NT29}
            proxies:
              "2024/25": {value: "16.93", source: Essex, basis: Staff time, uprate: defl}
`)
	out := write("o.csv", "contract,supplier,measure,quantity,date,evidence\nC1,Acme,ecc:ECC48,4,2025-05-01,\nC1,Acme,NT29,6,2025-06-01,\n")
	stdout, stderr, code := runCLI(t, "report", out, "--framework", fw, "--year", "2025/26", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var v struct {
		Totals struct{ SocialValue string } `json:"totals"`
		Themes []struct {
			Measures []struct {
				ID    string            `json:"id"`
				Codes map[string]string `json:"codes"`
			} `json:"measures"`
		} `json:"themes"`
		Proxies []struct {
			Value, Note string
		} `json:"proxies"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.Equal(t, "174.379", v.Totals.SocialValue)
	require.Len(t, v.Themes, 1)
	assert.Equal(t, map[string]string{"ecc": "ECC48", "nt": "NT29"}, v.Themes[0].Measures[0].Codes)
	require.Len(t, v.Proxies, 1)
	assert.Equal(t, "17.4379", v.Proxies[0].Value)
	assert.Equal(t, "uprated from 2024/25 by Test deflator", v.Proxies[0].Note)

	stdout, stderr, code = runCLI(t, "report", out, "--framework", fw, "--year", "2025/26", "--format", "md")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "| Volunteering | 2025/26 | £17.4379 | 2025/26 (uprated from 2024/25 by Test deflator) | £174.38 | Essex; index: S |")
}
