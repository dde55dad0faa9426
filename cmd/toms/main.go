// Command toms calculates social value with the TOMs approach: it lists the
// catalogue, checks tenders against the council's policy, scores bids, runs
// policy rule tests and publishes the annual review of delivered value.
//
// Usage:
//
//	toms evaluate TENDER [--bids FILE] [--framework FILE] [--proxies FILE] [--policy DIR|FILE]... [--score-anyway] [--format table|json|csv]
//	toms check TENDER [--policy DIR|FILE]... [--format text|json]
//	toms award TENDER --contract ID --start DATE --end DATE [--supplier NAME] [--profile even|FILE] [--out FILE] [--register FILE]
//	toms test [DIR|FILE]... [--run REGEX] [--format text|json|junit] [-v]
//	toms report OUTCOMES... [--commitments FILE] [--contracts FILE]... [--targets FILE] [--year YEAR] [--format md|html|csv|json|state] [--out FILE|DIR] ...
//	toms report --merge STATE... [--format md|html|csv|json|state] ...    (partial states, one per shard, combined exactly)
//	toms catalogue [--framework FILE] [--proxies FILE] [--year YEAR] [--carry-forward] [--format table|json|csv]
//	toms schema KIND
//	toms help [COMMAND]
//	toms version
//	toms completion bash|zsh|fish
//
// `toms help COMMAND` shows every flag of a command (the commands and
// their flags are defined once, in commandTable and each command's flag
// set; help, usage lines and completion scripts are generated from them).
//
// Exit codes: 0 success; 1 a policy rule of severity error failed; 2 usage or
// input error (the message, with file and line, goes to stderr); 3 invalid
// policy rules; 4 failing rule tests.
//
// The environment variable TOMS_MAX_FILE_SIZE raises (or lowers) the size
// limit of each YAML or JSON input file, 4 MiB by default.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

// command runs one subcommand and returns the process exit code.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) int

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args: help asked for goes to stdout; a missing
// or unknown command is a usage error, with the help on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help":
		args = append([]string{"help"}, args[1:]...)
	case "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := lookupCommand(args[0])
	if !ok {
		msg := fmt.Sprintf("toms: unknown command %q", args[0])
		if s := diag.Suggest(args[0], commandNames()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		fmt.Fprintf(stderr, "%s\n\n", msg)
		writeUsage(stderr)
		return exitUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// exitCode is the one place that turns an error into the process exit code
// (the codes are listed in the package comment): 1 when a policy rule of
// severity error failed (evaluate.ErrPolicyFailed), 3 for rule files that
// do not compile (rules.ErrInvalidRule), 4 for failing rule tests, 0 for a
// request for help, and 2 for any other usage or input error.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, evaluate.ErrPolicyFailed):
		return exitRuleFailed
	case errors.Is(err, rules.ErrInvalidRule):
		return exitInvalidRules
	case errors.Is(err, errTestsFailed):
		return exitTestsFailed
	}
	return exitUsage
}

// errTestsFailed stands for failing rule tests in exitCode.
var errTestsFailed = errors.New("rule tests failed")

// fail prints err to stderr for a user and returns its exit code.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "toms: %v\n", err)
	if errors.Is(err, diag.ErrTooLarge) {
		fmt.Fprintf(stderr, "toms: to read a larger file, raise the limit with the environment variable %s, such as %s=64MiB\n", maxFileSizeEnv, maxFileSizeEnv)
	}
	return exitCode(err)
}
