// Command toms calculates social value with the TOMs approach: it lists the
// catalogue, checks tenders against the council's policy, scores bids, runs
// policy rule tests and publishes the annual review of delivered value.
//
// Usage:
//
//	toms catalogue [--framework F] [--proxies F] [--year Y] [--format table|json|csv]
//	toms check TENDER [--policy DIR|FILE]... [--format text|json]
//	toms evaluate TENDER [--bids F] [--framework F] [--proxies F] [--policy ...] [--format table|json|csv]
//	toms award TENDER --contract ID --start DATE --end DATE [--supplier NAME] [--profile even|FILE] [--out F] [--register F]
//	toms report OUTCOMES [--commitments F] [--contracts F]... [--targets F] [--year Y] [--format md|html|csv|json] [--out F|DIR] [--lenient]
//	toms test [DIR|FILE]... [--run REGEX] [--format text|json|junit] [-v]
//
// Exit codes: 0 success; 1 a policy rule of severity error failed; 2 usage or
// input error (the message, with file and line, goes to stderr); 3 invalid
// policy rules; 4 failing rule tests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

// command runs one subcommand and returns the process exit code.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) int

func commands() map[string]command {
	return map[string]command{
		"award":     runAward,
		"catalogue": runCatalogue,
		"check":     runCheck,
		"evaluate":  runEvaluate,
		"report":    runReport,
		"test":      runTest,
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "toms: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return exitUsage
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: toms COMMAND [flags]; commands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %s\n", n)
	}
	fmt.Fprintln(w, "run 'toms COMMAND -h' for a command's flags")
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
	return exitCode(err)
}
