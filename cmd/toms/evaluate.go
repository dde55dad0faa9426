package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/tom"
)

// clockNow is the time policy rules see; tests fix it.
var clockNow = time.Now

// tenderInput names the files a tender is evaluated from.
type tenderInput struct {
	tender, bids, framework, proxies string
	policies                         []string
}

// tenderFlags defines the flags naming the files besides the tender (the
// command's argument, which the caller sets), the same for toms evaluate
// and toms award.
func tenderFlags(fs *flag.FlagSet) *tenderInput {
	in := &tenderInput{}
	fs.StringVar(&in.bids, "bids", "", "bids `FILE` (kind: Bids); default: the bids inside the tender file")
	fs.StringVar(&in.framework, "framework", "", "catalogue `FILE`; default: the tender's catalogue, else the embedded one")
	fs.StringVar(&in.proxies, "proxies", "", "proxy-values `FILE`; default: the tender's proxies file, if any")
	policyFlag(fs, &in.policies)
	return in
}

// evaluate loads the tender, its catalogue and bids (inline or from the
// bids file) and the policy, and evaluates the bids: what `toms evaluate`
// shows and `toms award` awards. The error is evaluate.ErrPolicyFailed,
// with the result, when the policy stopped the scoring.
func (in tenderInput) evaluate(ctx context.Context, scoreAnyway bool) (*evaluate.Tender, *tom.Framework, *evaluate.Result, error) {
	t, err := loadTender(in.tender, false)
	if err != nil {
		return nil, nil, nil, err
	}
	if in.framework != "" {
		t.Catalogue = in.framework
	}
	if in.proxies != "" {
		t.Proxies = in.proxies
	}
	fw, err := loadFramework(t.Catalogue, t.Proxies)
	if err != nil {
		return nil, nil, nil, err
	}
	bids := t.Bids
	if in.bids != "" {
		if len(t.Bids) > 0 {
			return nil, nil, nil, fmt.Errorf("%s has bids inline and --bids names %s: give the bids once", in.tender, in.bids)
		}
		// With the catalogue, so that one run lists every problem in the file.
		if bids, err = loadBids(in.bids, t, fw); err != nil {
			return nil, nil, nil, err
		}
	}
	if len(bids) == 0 {
		if in.bids != "" {
			return nil, nil, nil, fmt.Errorf("%s: the bids file has no bids", in.bids)
		}
		return nil, nil, nil, fmt.Errorf("%s: the tender has no bids; give them in the tender file (bids:) or with --bids FILE", in.tender)
	}
	set, err := loadPolicy(ctx, in.policies)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := evaluate.Evaluate(ctx, t, bids, fw, evaluate.Options{Rules: set, ScoreAnyway: scoreAnyway, Now: clockNow()})
	return t, fw, res, err
}

func runEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("evaluate", stdout, stderr)
	in := tenderFlags(fs)
	scoreAnyway := fs.Bool("score-anyway", false, "score even when a policy rule of severity error fails (the output says so)")
	format := fs.String("format", "table", "output format: `table|json|csv`")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if *format != "table" && *format != "json" && *format != "csv" {
		return usageError(fs, stderr, "--format %q: use table, json or csv", *format)
	}
	tenderPath, code, ok := oneFile(fs, stderr, pos, "tender file")
	if !ok {
		return code
	}
	in.tender = tenderPath
	_, _, res, err := in.evaluate(ctx, *scoreAnyway)
	policyErr, stopped := err, errors.Is(err, evaluate.ErrPolicyFailed)
	if err != nil && !stopped {
		return fail(stderr, err)
	}
	switch *format {
	case "json":
		err = res.WriteJSON(stdout)
	case "csv":
		err = res.WriteCSV(stdout)
	default:
		err = res.WriteTable(stdout)
	}
	if err != nil {
		return fail(stderr, err)
	}
	if stopped {
		return fail(stderr, fmt.Errorf("%w\ntoms: the bids were not scored; fix the tender, add an approved waiver, or rerun with --score-anyway", policyErr))
	}
	return exitOK
}
