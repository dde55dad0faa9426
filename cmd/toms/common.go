package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/socialvalue-toms/toms/tom"
)

// Exit codes shared by every subcommand.
const (
	exitOK           = 0
	exitRuleFailed   = 1
	exitUsage        = 2 // usage or input error
	exitInvalidRules = 3
	exitTestsFailed  = 4
)

// newFlags returns a flag set that reports to stderr and does not exit.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("toms "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args allowing flags after positional arguments
// ("toms check tender.yaml --format json"), and returns the positionals.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// usageError names what is wrong with the command line, then shows the
// command's usage, and returns exitUsage.
func usageError(fs *flag.FlagSet, stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return exitUsage
}

// oneFile checks that exactly one positional argument, what, was given.
func oneFile(fs *flag.FlagSet, stderr io.Writer, pos []string, what string) (string, int, bool) {
	switch len(pos) {
	case 0:
		return "", usageError(fs, stderr, "give the %s", what), false
	case 1:
		return pos[0], exitOK, true
	}
	return "", usageError(fs, stderr, "one %s at a time; unexpected argument %q", what, pos[1]), false
}

// flagError turns a flag parsing error (already printed by the flag set)
// into an exit code: 0 for -h, 2 otherwise.
func flagError(err error) int { return exitCode(err) }

// loadFramework returns the catalogue named by --framework (or the embedded
// default) with the values of --proxies (if any) laid over it.
func loadFramework(frameworkPath, proxiesPath string) (*tom.Framework, error) {
	var (
		f   *tom.Framework
		err error
	)
	if frameworkPath == "" {
		f, err = tom.Default()
	} else {
		f, err = tom.LoadFile(frameworkPath)
	}
	if err != nil {
		return nil, err
	}
	if proxiesPath == "" {
		return f, nil
	}
	return f.ApplyProxiesFile(proxiesPath)
}
