package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func awardCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runAward(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// toms award writes commitments that toms report reads, and a register
// entry that it will not write over.
func TestAwardCommand(t *testing.T) {
	dir := t.TempDir()
	commitments, register := filepath.Join(dir, "c.csv"), filepath.Join(dir, "register.yaml")
	code, _, errs := awardCmd(t, "../../examples/tender-scoring/tender.yaml", "--supplier", "Northgate Highways Ltd",
		"--contract", "C-001", "--start", "2024-07-01", "--end", "2028-06-30", "--out", commitments, "--register", register)
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, errs, "awarded C-001 to Northgate Highways Ltd: £1,148,000.00, 2024-07-01 to 2028-06-30, 14 commitment rows over 5 financial years")
	data, err := os.ReadFile(commitments)
	require.NoError(t, err)
	require.Contains(t, string(data), "C-001,Northgate Highways Ltd,volunteering-hours,113,2025-03-31,")
	reg, err := os.ReadFile(register)
	require.NoError(t, err)
	require.Contains(t, string(reg), "kind: Contracts")

	outcomes := filepath.Join(dir, "o.csv")
	require.NoError(t, os.WriteFile(outcomes, []byte("contract,supplier,measure,quantity,date,evidence\nC-001,Northgate Highways Ltd,volunteering-hours,56.5,2024-12-01,log\n"), 0o644))
	code, out, errs := report(t, outcomes, "--commitments", commitments, "--year", "2024/25", "--format", "json")
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, out, `"committed": "113"`)

	// the register is not written over
	code, _, errs = awardCmd(t, "../../examples/tender-scoring/tender.yaml", "--contract", "C-002", "--start", "2024-07-01", "--end", "2028-06-30",
		"--out", filepath.Join(dir, "c2.csv"), "--register", register)
	require.Equal(t, exitUsage, code)
	require.Contains(t, errs, "the file exists")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--start", "2024-07-01", "--end", "2028-06-30"}, "give the new contract's id"},
		{[]string{"--contract", "C", "--start", "2024-7-1", "--end", "2028-06-30"}, `--start "2024-7-1": write the date as YYYY-MM-DD`},
		{[]string{"--contract", "C", "--start", "2024-07-01"}, "give --end YYYY-MM-DD"},
		{[]string{"--contract", "C", "--start", "2024-07-01", "--end", "2028-06-30", "--supplier", "Kestrel"}, `no bid from "Kestrel"`},
		{[]string{"--contract", "C", "--start", "2024-07-01", "--end", "2028-06-30", "--profile", filepath.Join(dir, "none.yaml")}, "no such file"},
	} {
		code, _, errs := awardCmd(t, append([]string{"../../examples/tender-scoring/tender.yaml"}, tc.args...)...)
		require.Equal(t, exitUsage, code, strings.Join(tc.args, " "))
		require.Contains(t, errs, tc.want)
	}
}
