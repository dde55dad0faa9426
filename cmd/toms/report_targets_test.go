package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The register values CT-001 at £16,084 and CT-002 at £4,000, each for the
// whole of 2024/25: £20,084 of total spend. Social value in 2024/25 on them
// is £4,021.60 (see TestReportJSON): 4,021.60 / 20,084 = 20.02…%, of a 20%
// target: green. CT-002's supplier is an SME, so spend with SMEs is its
// £4,000 (its own £5,000 of reported VCSE spend is not added), CT-001
// reported none flagged SME: 4,000 / 20,084 = 19.9% of a 30% target, 66.4%
// of it: red. 120 volunteering hours in 2024/25 of 150: 80%, red.
func TestReportAgainstTargets(t *testing.T) {
	code, out, errs := report(t, "testdata/report/outcomes.csv", "--commitments", "testdata/report/commitments.csv",
		"--contracts", "testdata/report/register.csv", "--targets", "testdata/report/targets.yaml",
		"--year", "2024/25", "--carry-forward", "--format", "json")
	require.Equal(t, exitOK, code, errs)
	var rep struct {
		Targets []struct {
			Metric, Actual, PercentOfTarget, RAG string
		}
		Register []struct {
			Contract, Value, SocialValue, PerPound string
		}
		TotalSpend struct {
			Total string
			SME   struct{ Direct, Indirect, Percent string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Len(t, rep.Targets, 3)
	assert.Equal(t, "20.0", rep.Targets[0].Actual)
	assert.Equal(t, "green", rep.Targets[0].RAG)
	assert.Equal(t, "19.9", rep.Targets[1].Actual)
	assert.Equal(t, "66.4", rep.Targets[1].PercentOfTarget)
	assert.Equal(t, "red", rep.Targets[1].RAG)
	assert.Equal(t, "120", rep.Targets[2].Actual)
	assert.Equal(t, "red", rep.Targets[2].RAG)
	assert.Equal(t, "20084.00", rep.TotalSpend.Total)
	assert.Equal(t, "4000.00", rep.TotalSpend.SME.Direct)
	require.Len(t, rep.Register, 2)
	assert.Equal(t, "CT-001", rep.Register[0].Contract)
	// CT-001: 120 h × 16.93 + 10 h × 101.00 = 3,041.60 of £16,084: 0.1891
	assert.Equal(t, "3041.60", rep.Register[0].SocialValue)
	assert.Equal(t, "0.1891", rep.Register[0].PerPound)
}

func TestReportTargetsProblems(t *testing.T) {
	dir := t.TempDir()
	dup := filepath.Join(dir, "more.csv")
	require.NoError(t, os.WriteFile(dup, []byte("id,supplier,value,start,end\nCT-002,Someone,5,2024-04-01,2025-03-31\n"), 0o644))
	code, _, errs := report(t, "testdata/report/outcomes.csv", "--contracts", "testdata/report/register.csv", "--contracts", dup, "--carry-forward")
	require.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `more.csv:2:1: id: contract "CT-002" is already in the register at testdata/report/register.csv:3`)

	code, _, errs = report(t, "testdata/report/outcomes.csv", "--targets", "testdata/report/targets.yaml", "--year", "2023/24", "--carry-forward")
	require.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "the targets are for 2024/25 but --year is 2023/24")

	bad := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("apiVersion: toms/v1\nkind: Targets\nyear: 2024/25\ntargets:\n  - {metric: smeshare, target: 30}\n"), 0o644))
	code, _, errs = report(t, "testdata/report/outcomes.csv", "--targets", bad)
	require.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `t.yaml:5:14: targets[0].metric: unknown metric "smeshare"; did you mean "smeShare"?`)
}
