package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stdout, stderr)
	var policies []string
	policyFlag(fs, &policies)
	format := fs.String("format", "text", "output format: `text|json`")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if *format != "text" && *format != "json" {
		return usageError(fs, stderr, "--format %q: use text or json", *format)
	}
	tenderPath, code, ok := oneFile(fs, stderr, pos, "tender file")
	if !ok {
		return code
	}
	t, err := loadTender(tenderPath, true) // bids play no part in the policy check
	if err != nil {
		return fail(stderr, err)
	}
	set, err := loadPolicy(ctx, policies)
	if err != nil {
		return fail(stderr, err)
	}
	rep, err := evaluate.Check(ctx, t, set, clockNow())
	if err != nil { // an invalid waiver is an input error too: exit 2, positioned
		return fail(stderr, err)
	}
	out := evaluate.CheckReport{Tender: t, Report: rep}
	if *format == "json" {
		err = out.WriteJSON(stdout)
	} else {
		err = out.WriteText(stdout)
	}
	if err != nil {
		return fail(stderr, err)
	}
	if rep.Failed() { // the report says so: nothing more on stderr
		return exitCode(evaluate.ErrPolicyFailed)
	}
	return exitOK
}

// loadPolicy returns the default policy combined with the rule sets at
// paths (files or directories). A rule that clashes with the default
// policy's gets a hint: the default is always loaded.
func loadPolicy(ctx context.Context, paths []string) (*rules.Set, error) {
	def, err := rules.Default()
	if err != nil || len(paths) == 0 {
		return def, err
	}
	max, err := maxFileSize()
	if err != nil {
		return nil, err
	}
	set, err := rules.LoadWith(ctx, nil, rules.ReadOptions{MaxBytes: max}, paths...)
	if err == nil {
		set, err = set.WithDefault() // as evaluate.Check and Evaluate do
	}
	if err != nil && strings.Contains(err.Error(), "already defined at default/") {
		err = fmt.Errorf("%w\ntoms: the default policy is always loaded; give --policy only your own rule files (to change a default constant, write extends: default and override: true)", err)
	}
	return set, err
}
