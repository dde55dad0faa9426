package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden files under testdata/ instead of comparing:
// go test ./cmd/toms -update
//
// A golden file is named <case>.<ext> beside its case's inputs, with a
// variant of the case after a hyphen (fail-verbose.txt) and the extension
// of what it holds: .txt for text, .json, .csv, .xml (JUnit), .stderr for
// what went to standard error, and the shell's name for a completion script.
var update = flag.Bool("update", false, "rewrite golden files")

// runCLI runs the command line in-process and returns what it printed.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./cmd/toms -update")
	assert.Equal(t, string(want), got, "output differs from %s; if the change is intended, run go test ./cmd/toms -update", path)
}

func TestUsage(t *testing.T) {
	_, stderr, code := runCLI(t)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "usage: toms COMMAND")
	_, stderr, code = runCLI(t, "frobnicate")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "frobnicate"`)
	_, _, code = runCLI(t, "help")
	assert.Equal(t, exitOK, code)
}
