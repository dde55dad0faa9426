package evaluate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// Options change how Evaluate works.
type Options struct {
	// Policy is the rule set the tender is checked against before scoring
	// (see rules.Load); nil means the embedded default policy, rules.Default.
	Policy *rules.Set
	// SkipPolicy scores without checking the policy at all; Result.Policy is
	// then empty. For what-if runs only: an award needs the policy check.
	SkipPolicy bool
	// ScoreAnyway scores the bids even when a rule of severity error failed;
	// the result then has PolicyFailed and ScoredAnyway set.
	ScoreAnyway bool
	// Now is the time the rules see (for waivers' dates); zero means time.Now().
	Now time.Time
}

// Evaluate checks the tender against the policy, then scores and ranks the
// bids. fw values the commitments; nil means LoadFramework(t).
//
// It fails with Diagnostics (matching ErrInvalid) when the tender or a bid is
// invalid, and with an error matching ErrPolicyFailed when a rule of severity
// error failed and opts.ScoreAnyway is false; the Result returned with that
// error carries the policy outcomes and no scores.
func Evaluate(ctx context.Context, t *Tender, bids []Bid, fw *tom.Framework, opts Options) (*Result, error) {
	if t == nil {
		return nil, errors.New("evaluate: nil tender")
	}
	if fw == nil {
		var err error
		if fw, err = LoadFramework(t); err != nil {
			return nil, err
		}
	}
	if err := Validate(t, bids, fw); err != nil {
		return nil, err
	}
	res := &Result{TenderID: t.ID, Title: t.Title, Year: t.Year, Weights: t.Weights(), Criteria: t.Criteria, Catalogue: fw.ID()}
	res.Criteria.Price.Method, res.Criteria.SocialValue.Method = t.Criteria.Price.method(), t.Criteria.SocialValue.method()
	if !opts.SkipPolicy {
		rep, err := Check(ctx, t, opts.Policy, opts.Now)
		if err != nil {
			return nil, err
		}
		res.Policy, res.PolicyFailed = rep.Outcomes, rep.Failed()
		if res.PolicyFailed && !opts.ScoreAnyway {
			return res, fmt.Errorf("tender %q: %w: %s", t.ID, ErrPolicyFailed, strings.Join(failures(rep), "; "))
		}
		res.ScoredAnyway = res.PolicyFailed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := score(res, t, bids, fw); err != nil {
		return nil, err
	}
	res.Scored = true
	return res, nil
}

// score fills res.Bids: it scores every component, ranks, and only then
// builds each BidResult, in its final place.
func score(res *Result, t *Tender, bids []Bid, fw *tom.Framework) error {
	n, c := len(bids), &t.Criteria
	s := newScorer(t, bids)
	var err error
	if res.Measures, err = s.valueCommitments(fw); err != nil {
		return err
	}
	sv := c.SocialValue
	k := len(c.Quality)
	reasons := map[int][]string{}
	incomplete := map[int]string{}
	active := make([]int, 0, n)
	for i := range bids {
		b := &bids[i]
		for j, q := range c.Quality {
			if score := s.scores[i*k+j]; cmpDec(score, q.PassMark) < 0 {
				s.excluded[i] = true
				reasons[i] = append(reasons[i], fmt.Sprintf("quality %q scored %s, below the pass mark of %s", q.ID, score, q.PassMark))
			}
		}
		var missing []string
		if sv.QuantitativeWeight.IsPositive() && len(b.SocialValue.Commitments) == 0 {
			missing = append(missing, "no commitments")
		}
		if sv.QualitativeWeight.IsPositive() && b.SocialValue.Qualitative == nil {
			missing = append(missing, "no qualitative response")
		}
		if sv.BothPartsRequired && len(missing) > 0 {
			s.svIncomplete[i] = true
			incomplete[i] = "both parts are required and the response has " + strings.Join(missing, " and ") + ": social value scores 0"
		}
		if !s.excluded[i] {
			active = append(active, i)
		}
	}
	s.prepare(active)
	res.LowestPrice, res.HighestSocialValue = s.pmin, s.vmax
	for i := range bids {
		for j := 1; j <= k; j++ {
			s.component(i, j)
		}
	}
	for _, i := range active {
		s.component(i, 0)
		s.component(i, k+1)
		s.component(i, k+2)
	}
	s.flagAbnormallyLow(active)
	order := s.rank(active)
	for i := range bids {
		if s.excluded[i] {
			order = append(order, i)
		}
	}

	res.Bids = make([]BidResult, n)
	slab := make([]CriterionScore, n*k)
	for pos, i := range order {
		b, r := &bids[i], &res.Bids[pos]
		base := i * s.nc
		r.Index, r.Supplier, r.Rank, r.Tie, r.Flags = i, b.Supplier, s.rankOf[i], s.tie[i], s.flags[i]
		r.Excluded, r.Reasons = s.excluded[i], reasons[i]
		r.Quality.Criteria = slab[pos*k : (pos+1)*k : (pos+1)*k]
		for j, q := range c.Quality {
			score := s.scores[i*k+j]
			r.Quality.Criteria[j] = CriterionScore{ID: q.ID, Score: score, Passed: cmpDec(score, q.PassMark) >= 0, Points: s.single(base + 1 + j)}
		}
		r.Quality.Points = s.points(i, gQuality)
		r.Price.Price = b.Price
		r.SocialValue = SocialValueScore{Value: s.values[i], QualitativeScore: b.SocialValue.Qualitative,
			Incomplete: incomplete[i], Commitments: s.lines[i]}
		if r.Excluded {
			continue
		}
		r.Price.Points = s.single(base)
		r.SocialValue.Quantitative = s.single(base + k + 1)
		r.SocialValue.Qualitative = s.single(base + k + 2)
		r.SocialValue.Points = s.points(i, gSocialValue)
		r.Total = s.points(i, gTotal)
	}
	return nil
}
