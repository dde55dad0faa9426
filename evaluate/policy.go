package evaluate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/rules"
)

// errInvalidWaiver is the kind of the diag.List of invalid waivers: they
// match both ErrInvalid and rules.ErrWaiver.
var errInvalidWaiver = fmt.Errorf("%w: %w", ErrInvalid, rules.ErrWaiver)

// Check checks tender t against the council's policy, as `toms check` does
// and as Evaluate does before scoring: the embedded default policy
// (rules.Default) together with set. A set that does not include the
// default policy (its files do not say `extends: default`) is combined with
// it, exactly as the CLI's --policy is, so a caller cannot drop the 10%
// floor by accident; nil set means the default policy alone. To check
// against a set that replaces the default, use Evaluate with
// Options.ReplaceDefaultRules, or set.Check with t.RuleInput(). now is the
// time the rules see; zero means time.Now().
//
// The report holds one outcome per rule; report.Failed() says whether a
// rule of severity error failed or could not be evaluated, in which case the
// tender must not be scored as it stands.
//
// An invalid waiver (one naming a rule the set does not have, one without a
// reason, approver or date, a second waiver for one rule: see rules.Check)
// is an error in the tender file:
// Check returns the complete report together with diag.List, one per
// invalid waiver, positioned at the waiver in the tender file and matching
// both ErrInvalid and rules.ErrWaiver. The tender must be corrected; a
// waiver is never dropped silently.
func Check(ctx context.Context, t *Tender, set *rules.Set, now time.Time) (rules.Report, error) {
	set, err := policySet(set, false)
	if err != nil {
		return rules.Report{}, err
	}
	return check(ctx, t, set, now)
}

// policySet returns the rule set a tender is checked against: set with the
// default policy, unless replace (then set alone); the default policy when
// set is nil.
func policySet(set *rules.Set, replace bool) (*rules.Set, error) {
	switch {
	case set == nil:
		return rules.Default()
	case replace:
		return set, nil
	}
	return set.WithDefault()
}

// check is Check with the rule set already chosen.
func check(ctx context.Context, t *Tender, set *rules.Set, now time.Time) (rules.Report, error) {
	if t == nil {
		return rules.Report{}, errors.New("evaluate: Check needs a tender")
	}
	in := t.RuleInput()
	rep, err := set.Check(ctx, rules.Input{Tender: &in, Now: now}, rules.CheckOptions{})
	if err != nil && errors.Is(err, rules.ErrWaiver) && ctx.Err() == nil {
		return rep, t.waiverErrors(err)
	}
	return rep, err
}

// waiverErrors positions the rule set's waiver problems at the tender's
// waivers: the rules package knows a waiver by its index only.
func (t *Tender) waiverErrors(err error) error {
	var in diag.List
	if !errors.As(err, &in) {
		var d *diag.Diagnostic
		if !errors.As(err, &d) {
			return err
		}
		in = diag.List{d}
	}
	out := make(diag.List, 0, len(in))
	for _, d := range in {
		if !errors.Is(d, rules.ErrWaiver) {
			out.Add(d)
			continue
		}
		nd := *d
		nd.Kind = errInvalidWaiver
		for i, w := range t.Waivers {
			if strings.HasPrefix(d.Field, fmt.Sprintf("waivers[%d].", i)) {
				nd.File, nd.Line, nd.Column = w.Pos.File, w.Pos.Line, w.Pos.Column
				break
			}
		}
		out.Add(&nd)
	}
	return out.Err()
}

// failures returns the outcomes that stop scoring, as text.
func failures(rep rules.Report) []string {
	var out []string
	for _, o := range rep.Verdicts {
		if (o.Status == rules.StatusFail && o.Severity == rules.SeverityError) || o.Status == rules.StatusError {
			out = append(out, "rule "+o.Rule+": "+o.Message)
		}
	}
	return out
}
