package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTopLevelHelp: help asked for goes to stdout with exit 0, the same
// text however it is asked; no command at all is a usage error on stderr.
func TestTopLevelHelp(t *testing.T) {
	want, _, code := runCLI(t, "help")
	require.Equal(t, exitOK, code)
	golden(t, "help/toms.txt", want)
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help", "help"}} {
		stdout, stderr, code := runCLI(t, args...)
		assert.Equal(t, exitOK, code, args)
		assert.Equal(t, want, stdout, args)
		assert.Empty(t, stderr, args)
	}
	stdout, stderr, code := runCLI(t)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, want, stderr)
	// Every command is listed with its line, and the exit codes are there.
	for _, c := range commandTable() {
		assert.Contains(t, want, "  "+c.name+" ", c.name)
	}
	assert.Contains(t, want, "4  failing rule tests")
}

// TestCommandHelp: `toms help X`, `toms X -h` and `toms X --help` print
// the same help on stdout, pinned by a golden file per command.
func TestCommandHelp(t *testing.T) {
	for _, c := range commandTable() {
		if c.name == "help" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			want, stderr, code := runCLI(t, "help", c.name)
			require.Equal(t, exitOK, code, stderr)
			golden(t, filepath.Join("help", c.name+".txt"), want)
			assert.True(t, strings.HasPrefix(want, "usage: toms "+c.name), want)
			for _, h := range []string{"-h", "--help"} {
				stdout, stderr, code := runCLI(t, c.name, h)
				assert.Equal(t, exitOK, code)
				assert.Equal(t, want, stdout)
				assert.Empty(t, stderr)
			}
		})
	}
	_, stderr, code := runCLI(t, "help", "evalute")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, `toms help: unknown command "evalute"; the commands are award, catalogue, check, completion, evaluate, help, report, schema, test, version`+"\n", stderr)
}

func TestUnknownCommandSuggests(t *testing.T) {
	stdout, stderr, code := runCLI(t, "evalute", "x.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.True(t, strings.HasPrefix(stderr, `toms: unknown command "evalute"; did you mean "evaluate"?`+"\n\ntoms calculates social value"), stderr)
}

// TestFlagErrorUsage: a bad flag is named on stderr with the command's
// usage line, spelled --flag, and nothing goes to stdout.
func TestFlagErrorUsage(t *testing.T) {
	stdout, stderr, code := runCLI(t, "check", "--bogus")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "flag provided but not defined: -bogus\n"+
		"usage: toms check TENDER [--format text|json] [--policy DIR|FILE]...\n"+
		"run 'toms help check' for every flag\n", stderr)
}

// TestEveryFlagNamesItsArgument: every flag that takes a value says what
// (a backquoted placeholder in its usage), so that usage lines, help and
// completion show FILE or text|json rather than Go type names.
func TestEveryFlagNamesItsArgument(t *testing.T) {
	for _, c := range commandTable() {
		for _, f := range commandFlags(c) {
			arg, _ := flagArg(f)
			if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
				continue
			}
			assert.Contains(t, f.Usage, "`", "%s --%s", c.name, f.Name)
			assert.NotContains(t, []string{"", "string", "value", "int", "uint", "float", "duration"}, arg, "%s --%s", c.name, f.Name)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, "completion", sh)
			require.Equal(t, exitOK, code, stderr)
			golden(t, filepath.Join("completion", "toms."+sh), stdout)
			// Every command and every flag is in the script.
			for _, c := range commandTable() {
				assert.Contains(t, stdout, c.name)
				for _, f := range commandFlags(c) {
					assert.Contains(t, stdout, f.Name, "%s --%s", c.name, f.Name)
				}
			}
			bin, err := exec.LookPath(sh)
			if err != nil {
				t.Skipf("%s is not installed: the script's syntax is not checked", sh)
			}
			path := filepath.Join(t.TempDir(), "toms."+sh)
			require.NoError(t, os.WriteFile(path, []byte(stdout), 0o644))
			out, err := exec.Command(bin, "-n", path).CombinedOutput()
			assert.NoError(t, err, "%s -n: %s", sh, out)
		})
	}
	_, stderr, code := runCLI(t, "completion", "powershell")
	assert.Equal(t, exitUsage, code)
	assert.True(t, strings.HasPrefix(stderr, `toms completion: no completion for "powershell"; write bash, zsh or fish`+"\n"), stderr)
	_, _, code = runCLI(t, "completion")
	assert.Equal(t, exitUsage, code)
}

// TestBashCompletionCompletes runs the bash script's function on a few
// command lines.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	script, _, _ := runCLI(t, "completion", "bash")
	path := filepath.Join(t.TempDir(), "toms.bash")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o644))
	complete := func(words ...string) string {
		t.Helper()
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		prog := "source " + path + "; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" +
			string(rune('0'+len(words)-1)) + "; _toms; echo \"${COMPREPLY[*]}\""
		out, err := exec.Command(bash, "-c", prog).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	assert.Equal(t, "evaluate", complete("toms", "ev"))
	assert.Equal(t, "table json csv", complete("toms", "evaluate", "--format", ""))
	assert.Equal(t, "bash", complete("toms", "completion", "ba"))
	assert.Equal(t, "--score-anyway", complete("toms", "evaluate", "--sc"))
	assert.Equal(t, "-v", complete("toms", "test", "-v"))
}

func TestVersion(t *testing.T) {
	defer func(f func() (*debug.BuildInfo, bool)) { readBuildInfo = f }(readBuildInfo)
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.23.4", Main: debug.Module{Path: "github.com/socialvalue-toms/toms", Version: "v1.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "5f3c2a1d9e0b7c6a5f3c2a1d9e0b7c6a5f3c2a1d"},
				{Key: "vcs.time", Value: "2026-11-27T10:54:00Z"}, {Key: "vcs.modified", Value: "true"}}}, true
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, stderr, code := runCLI(t, args...)
		assert.Equal(t, exitOK, code)
		assert.Empty(t, stderr)
		assert.Equal(t, "toms v1.2.0 (revision 5f3c2a1d9e0b, 2026-11-27T10:54:00Z, modified) go1.23.4\n", stdout)
	}
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.23.4", Main: debug.Module{Version: "(devel)"}}, true
	}
	stdout, _, _ := runCLI(t, "version")
	assert.Equal(t, "toms (devel) go1.23.4\n", stdout)
	readBuildInfo = func() (*debug.BuildInfo, bool) { return nil, false }
	stdout, _, _ = runCLI(t, "version")
	assert.Equal(t, "toms (no build information)\n", stdout)
	_, stderr, code := runCLI(t, "version", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `toms version: unexpected argument "extra"`)
}

func TestMaxFileSizeEnv(t *testing.T) {
	for _, c := range []struct {
		env  string
		want int64
		err  bool
	}{
		{"", 0, false}, {"1048576", 1 << 20, false}, {"64MiB", 64 << 20, false}, {"512 KiB", 512 << 10, false},
		{"1GiB", 1 << 30, false}, {"0", 0, true}, {"-5", 0, true}, {"4MB", 0, true}, {"lots", 0, true}, {"2000GiB", 0, true},
	} {
		t.Setenv(maxFileSizeEnv, c.env)
		got, err := maxFileSize()
		if c.err {
			assert.EqualError(t, err, maxFileSizeEnv+"=\""+c.env+"\": write a size above zero in bytes, or with KiB, MiB or GiB, such as 64MiB", c.env)
			continue
		}
		require.NoError(t, err, c.env)
		assert.Equal(t, c.want, got, c.env)
	}
}

// TestREADMEDocumentsEveryCommand: the README's command table holds each
// command's usage line as help prints it, so every command and flag is
// documented there.
func TestREADMEDocumentsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	for _, c := range commandTable() {
		line := usageLine(c, commandFlags(c))
		row := "| `" + strings.ReplaceAll(line, "|", `\|`) + "` |"
		assert.Contains(t, string(readme), row, "README.md must document %q", line)
	}
	assert.Contains(t, string(readme), maxFileSizeEnv)
}

// TestMaxFileSizeLimitsEveryInput: TOMS_MAX_FILE_SIZE bounds the tender,
// the catalogue, rule files and rule tests alike; a file over it is an
// input error (exit 2) that says how to raise the limit.
func TestMaxFileSizeLimitsEveryInput(t *testing.T) {
	const tender = "../../examples/tender-scoring/tender.yaml"
	data, err := os.ReadFile(tender)
	require.NoError(t, err)
	require.Greater(t, len(data), 1024)
	// Where byte 1024 is: its line, and its column in characters.
	before := string(data[:1024])
	line := strings.Count(before, "\n") + 1
	col := len([]rune(before[strings.LastIndex(before, "\n")+1:])) + 1

	t.Setenv(maxFileSizeEnv, "1KiB")
	_, stderr, code := runCLI(t, "check", tender)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "toms: "+tender+":"+itoa(line)+":"+itoa(col)+": the file is larger than 1024 bytes (1 KiB), the limit for one input file; it passes the limit here\n"+
		"toms: to read a larger file, raise the limit with the environment variable TOMS_MAX_FILE_SIZE, such as TOMS_MAX_FILE_SIZE=64MiB\n", stderr)
	_, stderr, code = runCLI(t, "catalogue", "--framework", "../../tom/catalogue/council.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "council.yaml:")
	assert.Contains(t, stderr, "the file is larger than 1024 bytes")
	stdout, _, code := runCLI(t, "test", "../../rules/policy")
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stdout, "social-value.yaml:27:57: the file is larger than 1024 bytes")

	t.Setenv(maxFileSizeEnv, "64KiB")
	_, stderr, code = runCLI(t, "check", tender)
	assert.Equal(t, exitOK, code, stderr)
	_, _, code = runCLI(t, "test", "../../rules/policy")
	assert.Equal(t, exitOK, code)

	t.Setenv(maxFileSizeEnv, "big")
	_, stderr, code = runCLI(t, "evaluate", tender)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "toms: TOMS_MAX_FILE_SIZE=\"big\": write a size above zero in bytes, or with KiB, MiB or GiB, such as 64MiB\n", stderr)
}

func itoa(n int) string { return strconv.Itoa(n) }
