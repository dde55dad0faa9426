package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runTestCmd runs `toms test ARGS` in-process.
func runTestCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runTest(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestRunTestGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{"all pass", []string{"testdata/test/pass"}, exitOK, "test/pass.txt"},
		{"all pass verbose", []string{"testdata/test/pass", "-v"}, exitOK, "test/pass-verbose.txt"},
		{"failing tests", []string{"testdata/test/fail"}, exitTestsFailed, "test/fail.txt"},
		{"failing tests verbose", []string{"testdata/test/fail", "-v"}, exitTestsFailed, "test/fail-verbose.txt"},
		{"failing tests json", []string{"--format", "json", "testdata/test/fail"}, exitTestsFailed, "test/fail.json"},
		{"failing tests junit", []string{"testdata/test/fail", "--format=junit"}, exitTestsFailed, "test/fail.xml"},
		{"invalid rules", []string{"testdata/test/invalid"}, exitInvalidRules, "test/invalid.txt"},
		{"invalid rules json", []string{"--format", "json", "testdata/test/invalid"}, exitInvalidRules, "test/invalid.json"},
		{"run filter", []string{"testdata/test/fail", "--run", "passes$"}, exitOK, "test/run.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runTestCmd(t, tt.args...)
			assert.Equal(t, tt.code, code, "exit code; stderr: %s", stderr)
			assert.Empty(t, stderr)
			golden(t, tt.golden, stdout)
		})
	}
}

func TestRunTestJSONIsValid(t *testing.T) {
	stdout, _, _ := runTestCmd(t, "--format", "json", "testdata/test/fail")
	var v struct {
		Summary struct{ Passed, Failed, Skipped, Errors int }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.Equal(t, 1, v.Summary.Passed)
	assert.Equal(t, 2, v.Summary.Failed)
	assert.Equal(t, 1, v.Summary.Errors)
}

func TestRunTestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad format", []string{"--format", "xml"}, exitUsage, `--format "xml"`},
		{"bad regexp", []string{"--run", "("}, exitUsage, "--run"},
		{"unknown flag", []string{"--frobnicate"}, exitUsage, "flag provided but not defined"},
		{"missing path", []string{"testdata/test/nowhere"}, exitUsage, "testdata/test/nowhere"},
		{"nothing to test", []string{"testdata/test/pass/rules_test.yaml", "--run", "x^"}, exitTestsFailed, "no test matched --run"},
		{"help", []string{"-h"}, exitOK, "usage: toms test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runTestCmd(t, tt.args...)
			assert.Equal(t, tt.code, code)
			if tt.code == exitOK {
				stderr = stdout // help asked for goes to stdout
			}
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestRunTestNoMatch(t *testing.T) {
	stdout, stderr, code := runCLI(t, "test", "--run", "no-such-test", "../../rules/policy")
	assert.Equal(t, exitTestsFailed, code, stdout)
	assert.Contains(t, stderr, `no test matched --run "no-such-test"`)
	_, _, code = runCLI(t, "test", "--run", "floor", "../../rules/policy")
	assert.Equal(t, exitOK, code)
}
