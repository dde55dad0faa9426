package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// commandSpec is one subcommand: the one place where its name, its
// positional arguments and its one-line summary are written. Its flags are
// defined once, where the command parses them (see newFlags); help, the
// usage line and shell completion read them from its flag set.
type commandSpec struct {
	name    string
	args    string // positional arguments in the usage line, e.g. "TENDER"
	summary string // one line, for the command list
	run     command
}

// commandTable lists every subcommand, in the order help shows them.
func commandTable() []commandSpec {
	return []commandSpec{
		{"evaluate", "TENDER", "check a tender against the policy, then score and rank its bids", runEvaluate},
		{"check", "TENDER", "check a tender's scoring design against the policy rules", runCheck},
		{"award", "TENDER", "record the winning bid's commitments and the new contract for the annual review", runAward},
		{"test", "[DIR|FILE]...", "run the policy rules' own tests (*_test.yaml)", runTest},
		{"report", "OUTCOMES...", "publish the annual review of delivered social value", runReport},
		{"catalogue", "", "list the measures, their codes and their proxy values", runCatalogue},
		{"schema", "KIND", "print the JSON Schema of a file kind, for editors and CI", runSchema},
		{"help", "[COMMAND]", "show help for toms or for one command", runHelp},
		{"version", "", "show the module version and VCS revision toms was built from", runVersion},
		{"completion", "bash|zsh|fish", "print a shell completion script", runCompletion},
	}
}

func lookupCommand(name string) (commandSpec, bool) {
	for _, c := range commandTable() {
		if c.name == name {
			return c, true
		}
	}
	return commandSpec{}, false
}

// exitCodesHelp is the list of exit codes, as the top-level help shows it.
const exitCodesHelp = `Exit codes:
  0  success
  1  a policy rule of severity error failed
  2  usage or input error (the message, with file, line and column, on stderr)
  3  invalid policy rules
  4  failing rule tests`

// writeUsage prints the top-level help: every command with one line, the
// exit codes and the environment.
func writeUsage(w io.Writer) {
	fmt.Fprintln(w, "toms calculates social value in UK public procurement with TOMs (Themes, Outcomes, Measures).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: toms COMMAND [ARGUMENTS] [FLAGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commandTable() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'toms help COMMAND' (or 'toms COMMAND --help') for a command's arguments and flags;")
	fmt.Fprintln(w, "'toms --version' shows the version.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, exitCodesHelp)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Environment:")
	fmt.Fprintf(w, "  %s  size limit of each catalogue, proxy-values, index, tender, bids and rule\n", maxFileSizeEnv)
	fmt.Fprintln(w, "                      file (default 4MiB) and --merge state (default 256MiB), in bytes")
	fmt.Fprintln(w, "                      (suffix KiB, MiB or GiB allowed)")
}

// helpFlag is -h and --help: when given, parseFlags prints the command's
// help to out (stdout) and stops.
type helpFlag struct {
	out io.Writer
	set bool
}

func (h *helpFlag) String() string     { return "false" }
func (h *helpFlag) IsBoolFlag() bool   { return true }
func (h *helpFlag) Set(v string) error { h.set = v == "true"; return nil }

// newFlags returns the flag set of command name: errors and the usage go to
// stderr, help asked for with -h or --help to stdout. Every argument
// placeholder is written once, backquoted in the flag's usage text (as
// flag.UnquoteUsage reads it): "output format: `table|json|csv`".
func newFlags(name string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("toms "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	h := &helpFlag{out: stdout}
	fs.Var(h, "h", "show this help")
	fs.Var(h, "help", "show this help")
	fs.Usage = func() { writeCommandUsage(stderr, name, fs) }
	return fs
}

// helpRequested reports whether -h or --help was given, and prints the
// command's help to stdout if so (or hands the flag set to a flagCollector).
func helpRequested(fs *flag.FlagSet) bool {
	h, ok := fs.Lookup("help").Value.(*helpFlag)
	if !ok || !h.set {
		return false
	}
	name := strings.TrimPrefix(fs.Name(), "toms ")
	if c, ok := h.out.(*flagCollector); ok {
		c.fs = fs
		return true
	}
	writeCommandHelp(h.out, name, fs)
	return true
}

// flagCollector stands in for stdout to learn a command's flags: running
// the command with --help hands its flag set over instead of printing it.
type flagCollector struct {
	io.Writer
	fs *flag.FlagSet
}

// commandFlags returns the flags of command c, as it defines them.
func commandFlags(c commandSpec) []*flag.Flag {
	col := &flagCollector{Writer: io.Discard}
	c.run(context.Background(), []string{"--help"}, col, io.Discard)
	if col.fs == nil {
		return nil
	}
	return visibleFlags(col.fs)
}

// flagSpelling is how a flag is written: --name, or -v for one letter.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagArg returns a flag's argument placeholder ("" for a switch) and its
// usage text with the backquotes removed.
func flagArg(f *flag.Flag) (arg, usage string) {
	arg, usage = flag.UnquoteUsage(f)
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		arg = ""
	}
	return arg, usage
}

// required reports whether a flag's usage says it must be given.
func required(f *flag.Flag) bool { return strings.Contains(f.Usage, "(required)") }

func repeatable(f *flag.Flag) bool {
	_, ok := f.Value.(*multiFlag)
	return ok
}

// usageLine renders "toms NAME ARGS [--flag ARG]... [-v]".
func usageLine(c commandSpec, flags []*flag.Flag) string {
	parts := []string{"toms", c.name}
	if c.args != "" {
		parts = append(parts, c.args)
	}
	for _, f := range flags {
		arg, _ := flagArg(f)
		s := flagSpelling(f.Name)
		if arg != "" {
			s += " " + arg
		}
		if !required(f) {
			s = "[" + s + "]"
		}
		if repeatable(f) {
			s += "..."
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// visibleFlags returns the flags of fs but -h and --help, sorted by name.
func visibleFlags(fs *flag.FlagSet) []*flag.Flag {
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "h" && f.Name != "help" {
			flags = append(flags, f)
		}
	})
	return flags
}

// writeCommandUsage prints a command's usage line and where to find more,
// after a usage error (on stderr).
func writeCommandUsage(w io.Writer, name string, fs *flag.FlagSet) {
	c, _ := lookupCommand(name)
	fmt.Fprintf(w, "usage: %s\nrun 'toms help %s' for every flag\n", usageLine(c, visibleFlags(fs)), name)
}

// writeCommandHelp prints a command's usage line, summary and flags.
func writeCommandHelp(w io.Writer, name string, fs *flag.FlagSet) {
	c, _ := lookupCommand(name)
	flags := visibleFlags(fs)
	fmt.Fprintf(w, "usage: %s\n\n", usageLine(c, flags))
	if c.summary != "" {
		fmt.Fprintf(w, "%s%s.\n\n", strings.ToUpper(c.summary[:1]), c.summary[1:])
	}
	fmt.Fprintln(w, "Flags:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range flags {
		arg, usage := flagArg(f)
		s := flagSpelling(f.Name)
		if arg != "" {
			s += " " + arg
		}
		if repeatable(f) {
			usage += " (repeatable)"
		}
		if arg != "" && f.DefValue != "" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", s, usage)
	}
	fmt.Fprintf(tw, "  -h, --help\tshow this help\n")
	tw.Flush()
}

// runHelp implements `toms help [COMMAND]`.
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		writeUsage(stdout)
		return exitOK
	case 1:
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			writeUsage(stdout)
			return exitOK
		}
		c, ok := lookupCommand(args[0])
		if !ok {
			fmt.Fprintf(stderr, "toms help: unknown command %q; the commands are %s\n", args[0], strings.Join(commandNames(), ", "))
			return exitUsage
		}
		return c.run(ctx, []string{"--help"}, stdout, stderr)
	}
	fmt.Fprintf(stderr, "toms help: one command at a time; unexpected argument %q\n", args[1])
	return exitUsage
}

func commandNames() []string {
	var names []string
	for _, c := range commandTable() {
		names = append(names, c.name)
	}
	sort.Strings(names)
	return names
}
