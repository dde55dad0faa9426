package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A report made by --merge from the states of two shards (here: the
// outcomes file split by contract, and the commitments) is byte for byte
// the report of one pass over the same files, in every format.
func TestReportMergeStates(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/report/outcomes.csv")
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	first, rest := lines[0], lines[1:]
	var a, b strings.Builder
	a.WriteString(first)
	b.WriteString(first)
	for _, l := range rest {
		if strings.HasPrefix(l, "CT-001,") {
			a.WriteString(l)
		} else {
			b.WriteString(l)
		}
	}
	fa, fb := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	require.NoError(t, os.WriteFile(fa, []byte(strings.TrimSuffix(a.String(), "\n")+"\n"), 0o644))
	require.NoError(t, os.WriteFile(fb, []byte(strings.TrimSuffix(b.String(), "\n")+"\n"), 0o644))
	commits := "testdata/report/commitments.csv"
	flags := []string{"--carry-forward", "--title", "Merged"}
	for _, format := range []string{"md", "json", "html"} {
		args := append([]string{fa, fb, "--commitments", commits, "--format", format}, flags...)
		code, want, errs := report(t, args...)
		require.Equal(t, exitOK, code, errs)

		sa, sb := filepath.Join(dir, "a.state.json"), filepath.Join(dir, "b.state.json")
		code, _, errs = report(t, append([]string{fa, "--format", "state", "--out", sa}, flags...)...)
		require.Equal(t, exitOK, code, errs)
		code, _, errs = report(t, append([]string{fb, "--commitments", commits, "--format", "state", "--out", sb}, flags...)...)
		require.Equal(t, exitOK, code, errs)
		code, got, errs := report(t, append([]string{"--merge", sa, sb, "--format", format}, flags...)...)
		require.Equal(t, exitOK, code, errs)
		require.Equal(t, want, got, format)
	}
	// a state made with other options is refused, plainly
	code, _, errs := report(t, "--merge", filepath.Join(dir, "a.state.json"))
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, errs, "year policy carry-forward")
	code, _, errs = report(t, "--merge", filepath.Join(dir, "a.state.json"), "--commitments", commits)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "--commitments with --merge")
}

// Reading the files several at a time (every core by default) gives the
// same report, byte for byte, as one at a time; a negative --parallel is a
// usage error.
func TestReportParallel(t *testing.T) {
	files := []string{"testdata/report/outcomes.csv", "testdata/report/bad.csv", "testdata/report/bad2.csv"}
	for _, format := range []string{"md", "json"} {
		args := append(append([]string{}, files...), "--carry-forward", "--lenient", "--format", format)
		code, want, errs := report(t, append(args, "--parallel", "1")...)
		require.Equal(t, exitOK, code, errs)
		for _, par := range []string{"", "0", "2", "3"} {
			more := []string{"--parallel", par}
			if par == "" {
				more = nil // the default
			}
			code, got, errs2 := report(t, append(args, more...)...)
			require.Equal(t, exitOK, code, errs2)
			assert.Equal(t, want, got, "--parallel %s", par)
			assert.Equal(t, errs, errs2)
		}
	}
	code, _, errs := report(t, files[0], "--parallel", "-1")
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, errs, "--parallel -1")
}
