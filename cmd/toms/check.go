package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr)
	var policies multiFlag
	fs.Var(&policies, "policy", "rule-set file or directory checked with the default policy (repeatable)")
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: toms check TENDER [--policy DIR|FILE]... [--format text|json]")
		fs.PrintDefaults()
	}
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
	t, err := evaluate.LoadTenderDesign(tenderPath) // bids play no part in the policy check
	if err != nil {
		return inputError(stderr, err)
	}
	set, err := loadPolicy(ctx, policies)
	if err != nil {
		return policyError(stderr, err)
	}
	rep, err := evaluate.Check(ctx, t, set, clockNow())
	if err != nil { // an invalid waiver is an input error too: exit 2, positioned
		return inputError(stderr, err)
	}
	if *format == "json" {
		err = writeCheckJSON(stdout, t, rep)
	} else {
		err = writeCheckText(stdout, t, rep)
	}
	if err != nil {
		return inputError(stderr, err)
	}
	if rep.Failed() {
		return exitRuleFailed
	}
	return exitOK
}

// loadPolicy returns the default policy combined with the rule sets at
// paths (files or directories).
func loadPolicy(ctx context.Context, paths []string) (*rules.Set, error) {
	def, err := rules.Default()
	if err != nil || len(paths) == 0 {
		return def, err
	}
	extra, err := rules.Load(ctx, nil, paths...)
	if err != nil {
		return nil, err
	}
	return def.Combine(extra)
}

// policyError reports a --policy that could not be loaded: exit 3 for rule
// files that do not compile (rules.ErrInvalidRule, as `toms test` decides),
// 2 for any other problem, such as a path that does not exist or cannot be
// read, or a file that is not a valid rule-set document.
func policyError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "toms: %v\n", err)
	if strings.Contains(err.Error(), "already defined at default/") {
		fmt.Fprintln(stderr, "toms: the default policy is always loaded; give --policy only your own rule files (to change a default constant, write extends: default and override: true)")
	}
	if errors.Is(err, rules.ErrInvalidRule) {
		return exitInvalidRules
	}
	return exitUsage
}

func writeCheckText(w io.Writer, t *evaluate.Tender, rep rules.Report) error {
	fmt.Fprintf(w, "Tender %s: %s\n", t.ID, t.Title)
	tw := tabwriter.NewWriter(&trimWriter{w: w}, 0, 0, 2, ' ', 0)
	for _, o := range rep.Verdicts {
		msg := o.Message
		if o.Status == rules.StatusPass || o.Status == rules.StatusSkipped {
			msg = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.ToUpper(o.Status.String()), o.Rule, o.Severity, msg)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "OK: no rule of severity error failed"
	if rep.Failed() {
		verdict = "FAILED: a rule of severity error failed; the tender must not be evaluated as it stands"
	}
	_, err := fmt.Fprintf(w, "%d rules: %d pass, %d fail, %d waived, %d skipped, %d error. %s\n",
		len(rep.Verdicts), rep.Count(rules.StatusPass), rep.Count(rules.StatusFail), rep.Count(rules.StatusWaived),
		rep.Count(rules.StatusSkipped), rep.Count(rules.StatusError), verdict)
	return err
}

// checkJSON is the documented JSON of `toms check`.
type checkJSON struct {
	Tender   string          `json:"tender"`
	Title    string          `json:"title"`
	Failed   bool            `json:"failed"`
	Verdicts []rules.Verdict `json:"outcomes"`
}

func writeCheckJSON(w io.Writer, t *evaluate.Tender, rep rules.Report) error {
	out := checkJSON{Tender: t.ID, Title: t.Title, Failed: rep.Failed(), Verdicts: rep.Verdicts}
	if out.Verdicts == nil {
		out.Verdicts = []rules.Verdict{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
