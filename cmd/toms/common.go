package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/socialvalue-toms/toms/evaluate"
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

// parseFlags parses args allowing flags after positional arguments
// ("toms check tender.yaml --format json"), and returns the positionals.
// With -h or --help it prints the command's help to stdout and returns
// flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if helpRequested(fs) {
			return nil, flag.ErrHelp
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

// policyFlag defines --policy, given once for each rule-set file or
// directory, appended to policies.
func policyFlag(fs *flag.FlagSet, policies *[]string) {
	fs.Var((*multiFlag)(policies), "policy", "rule-set file or directory (`DIR|FILE`) checked with the default policy")
}

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
// default) with the values of --proxies (if any) laid over it, each file
// (and the index series they list) within TOMS_MAX_FILE_SIZE.
func loadFramework(frameworkPath, proxiesPath string) (*tom.Framework, error) {
	max, err := maxFileSize()
	if err != nil {
		return nil, err
	}
	opts := tom.ReadOptions{MaxBytes: max, ReadIndexes: true}
	var f *tom.Framework
	if frameworkPath == "" {
		f, err = tom.Default()
	} else {
		f, err = withFile(frameworkPath, func(r io.Reader) (*tom.Framework, error) { return tom.Read(r, frameworkPath, opts) })
	}
	if err != nil || proxiesPath == "" {
		return f, err
	}
	return withFile(proxiesPath, func(r io.Reader) (*tom.Framework, error) { return f.ApplyProxiesFrom(r, proxiesPath, opts) })
}

// loadTender reads a tender file within TOMS_MAX_FILE_SIZE, resolving its
// catalogue and proxies paths against the file's directory; with design,
// without its inline bids (see evaluate.ReadTenderDesign).
func loadTender(path string, design bool) (*evaluate.Tender, error) {
	max, err := maxFileSize()
	if err != nil {
		return nil, err
	}
	opts := evaluate.ReadOptions{MaxBytes: max, Dir: filepath.Dir(path)}
	read := evaluate.ReadTender
	if design {
		read = evaluate.ReadTenderDesign
	}
	return withFile(path, func(r io.Reader) (*evaluate.Tender, error) { return read(r, path, opts) })
}

// loadBids reads a bids file for tender t within TOMS_MAX_FILE_SIZE.
func loadBids(path string, t *evaluate.Tender, fw *tom.Framework) ([]evaluate.Bid, error) {
	max, err := maxFileSize()
	if err != nil {
		return nil, err
	}
	return withFile(path, func(r io.Reader) ([]evaluate.Bid, error) {
		return evaluate.ReadBids(r, path, t, fw, evaluate.ReadOptions{MaxBytes: max})
	})
}

// withFile opens path and hands it to read.
func withFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f)
}

// maxFileSizeEnv names the environment variable that sets the size limit of
// each YAML or JSON input file.
const maxFileSizeEnv = "TOMS_MAX_FILE_SIZE"

// maxFileSize reads TOMS_MAX_FILE_SIZE: a whole number of bytes, optionally
// followed by KiB, MiB or GiB ("64MiB"). Unset or empty means 0, the
// library's default limit (4 MiB).
func maxFileSize() (int64, error) {
	s := strings.TrimSpace(os.Getenv(maxFileSizeEnv))
	if s == "" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%s=%q: write a size above zero in bytes, or with KiB, MiB or GiB, such as 64MiB", maxFileSizeEnv, os.Getenv(maxFileSizeEnv))
	}
	return n * mult, nil
}
