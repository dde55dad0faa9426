package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The whole cycle, worked by hand.
//
// Award. Both lots run from 1 July 2024 to 30 June 2026: 274 days in
// 2024/25, 365 in 2025/26, 91 in 2026/27 (730 in all). Each year gets its
// share rounded down, and what is left goes to the largest remainders:
//
//	HW-1 Kestrel Civils £1,095,500: × 274/730 = 411,187.6712… → £411,187.67
//	     (2025/26 £547,750.00, 2026/27 136,562.3287… → £136,562.33)
//	     volunteering 400 h: 150.14, 200, 49.86 → 150, 200, 49 + 1 → 150, 200, 50
//	     resources donated £15,000.00: 5,630.1369…, 7,500, 1,869.8630… →
//	         5,630.13 + 7,500.00 + 1,869.86 = 14,999.99; the penny to the
//	         largest remainder (0.69p, 2024/25): 5,630.14
//	     apprentices 3: 1.13, 1.5, 0.37 → 1, 1, 0 + 1 to 2025/26 (.5) → 1, 2, 0
//	     schools 6: 2.25, 3, 0.75 → 2, 3, 0 + 1 to 2026/27 → 2, 3, 1
//	     local SME spend £180,000.00: 67,561.6438… → 67,561.64 (2026/27 gets the penny)
//	HW-2 Northgate Highways Ltd £1,148,000: × 274/730 = 430,893.1506… → £430,893.15
//	     volunteering 600 h: 225.21, 300, 74.79 → 225, 300, 75
//	     expert 120 h: 45.04, 60, 14.96 → 45, 60, 15
//	     apprentices 4: 1.501, 2, 0.499 → 1, 2, 0 + 1 to 2024/25 (.501) → 2, 2, 0
//
// Returns 2024/25 (2024/25 proxies: volunteering £16.93, expert £101, £1 a £ donated):
//
//	HW-1 160 h × 16.93 = 2,708.80; £6,000.00 donated: £8,708.80
//	HW-2 100 h × 16.93 = 1,693.00; 40 h × 101 = 4,040.00: £5,733.00
//	social value 14,441.80
//
// Targets (default bands: green ≥ 100% of the target, amber ≥ 85%):
//
//	socialValue £15,000: 14,441.80 / 15,000 = 96.3%: amber
//	socialValueRate 2%: 14,441.80 / (411,187.67 + 430,893.15 = 842,080.82)
//	    = 1.715…%; 85.75…% of 2%: amber
//	smeShare 45%: Kestrel Civils is an SME, so its £411,187.67 is spend with
//	    an SME (its own £90,000 of SME spend is part of it, not added):
//	    411,187.67 / 842,080.82 = 48.83%: 108.5% of 45%, green
//	vcseShare 5%: no VCSE: 0%, red
//	volunteering 300 h: 160 + 100 = 260, 86.7%: amber
//
// Per £1: HW-1 8,708.80 / 411,187.67 = 0.0212; HW-2 5,733 / 430,893.15 = 0.0133.
// Judged at the last delivery, 31 March 2025 (the year's last day):
// HW-2's volunteering, 100 of 225, is behind, not yet missed.
func TestCycle(t *testing.T) {
	var b bytes.Buffer
	dir := t.TempDir()
	require.NoError(t, run(context.Background(), []string{"-format", "json", "-data", dir}, &b))
	var rep struct {
		Totals  struct{ SocialValue string }
		Targets []struct {
			Metric, Actual, PercentOfTarget, RAG, Numerator, Denominator string
		}
		Register []struct {
			Contract, Supplier, Value, SocialValue, PerPound string
		}
		TotalSpend struct {
			Total string
			SME   struct{ Direct, Indirect, Spend, Percent string }
		}
		Commitments []struct{ Contract, Measure, Committed, Delivered, Status string }
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &rep), b.String())
	assert.Equal(t, "14441.80", rep.Totals.SocialValue)

	rag := map[string][2]string{}
	for _, tr := range rep.Targets {
		rag[tr.Metric] = [2]string{tr.Actual, tr.RAG}
	}
	assert.Equal(t, map[string][2]string{
		"socialValue":     {"14441.80", "amber"},
		"socialValueRate": {"1.7", "amber"},
		"smeShare":        {"48.8", "green"},
		"vcseShare":       {"0.0", "red"},
		"measure":         {"260", "amber"},
	}, rag)
	assert.Equal(t, "842080.82", rep.Targets[1].Denominator)
	assert.Equal(t, "85.8", rep.Targets[1].PercentOfTarget)
	assert.Equal(t, "108.5", rep.Targets[2].PercentOfTarget)

	require.Len(t, rep.Register, 2)
	assert.Equal(t, []string{"HW-1", "Kestrel Civils", "411187.67", "8708.80", "0.0212"},
		[]string{rep.Register[0].Contract, rep.Register[0].Supplier, rep.Register[0].Value, rep.Register[0].SocialValue, rep.Register[0].PerPound})
	assert.Equal(t, []string{"HW-2", "Northgate Highways Ltd", "430893.15", "5733.00", "0.0133"},
		[]string{rep.Register[1].Contract, rep.Register[1].Supplier, rep.Register[1].Value, rep.Register[1].SocialValue, rep.Register[1].PerPound})
	assert.Equal(t, "842080.82", rep.TotalSpend.Total)
	assert.Equal(t, "411187.67", rep.TotalSpend.SME.Direct)
	assert.Equal(t, "0.00", rep.TotalSpend.SME.Indirect)

	committed := map[string][3]string{}
	for _, c := range rep.Commitments {
		committed[c.Contract+" "+c.Measure] = [3]string{c.Committed, c.Delivered, c.Status}
	}
	assert.Equal(t, [3]string{"150", "160", "met"}, committed["HW-1 volunteering-hours"])
	assert.Equal(t, [3]string{"5630.14", "6000", "met"}, committed["HW-1 resources-donated"])
	assert.Equal(t, [3]string{"67561.64", "90000", "met"}, committed["HW-1 local-sme-spend"])
	assert.Equal(t, [3]string{"2", "0", "not started"}, committed["HW-1 vcs-schools-supported"])
	assert.Equal(t, [3]string{"225", "100", "behind"}, committed["HW-2 volunteering-hours"])
	assert.Equal(t, [3]string{"45", "40", "behind"}, committed["HW-2 expert-hours"])
	assert.Equal(t, [3]string{"2", "1", "behind"}, committed["HW-2 local-apprentices"])

	// the files the command line reads
	c, err := os.ReadFile(filepath.Join(dir, "commitments.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(c), "HW-1,Kestrel Civils,volunteering-hours,50,2026-06-30,")
	r, err := os.ReadFile(filepath.Join(dir, "register.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(r), "id,title,supplier,value,start,end,category,tender,sme,vcse,local\n"))
	assert.Contains(t, string(r), "HW-2,Highways maintenance term contract 2024-2026,Northgate Highways Ltd,1148000,2024-07-01,2026-06-30,highways,HW-2025-014,no,no,yes")

	b.Reset()
	require.NoError(t, run(context.Background(), nil, &b))
	assert.Contains(t, b.String(), "| Social value delivered (£) | £15,000.00 | £14,441.80 | 96.3% | **amber** | – |")
}
