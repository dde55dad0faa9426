package evaluate

import (
	"context"
	"errors"
	"time"

	"github.com/socialvalue-toms/toms/rules"
)

// Check checks tender t against a policy rule set, as `toms check` does and
// as Evaluate does before scoring; nil set means the embedded default policy
// (rules.Default). now is the time the rules see; zero means time.Now().
//
// The report holds one outcome per rule; report.Failed() says whether a
// rule of severity error failed or could not be evaluated, in which case the
// tender must not be scored as it stands. An invalid waiver (no reason, an
// unknown rule) is not an error here: the report is complete, and the
// affected rule's outcome is an error outcome that names the problem.
func Check(ctx context.Context, t *Tender, set *rules.Set, now time.Time) (rules.Report, error) {
	if t == nil {
		return rules.Report{}, errors.New("evaluate: Check needs a tender")
	}
	if set == nil {
		var err error
		if set, err = rules.Default(); err != nil {
			return rules.Report{}, err
		}
	}
	in := t.RuleInput()
	rep, err := set.Check(ctx, rules.Input{Tender: &in, Now: now})
	if err != nil && errors.Is(err, rules.ErrWaiver) && ctx.Err() == nil {
		return rep, nil
	}
	return rep, err
}

// failures returns the outcomes that stop scoring, as text.
func failures(rep rules.Report) []string {
	var out []string
	for _, o := range rep.Outcomes {
		if (o.Status == rules.StatusFail && o.Severity == rules.SeverityError) || o.Status == rules.StatusError {
			out = append(out, "rule "+o.Rule+": "+o.Message)
		}
	}
	return out
}
