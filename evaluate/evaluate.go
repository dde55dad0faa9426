package evaluate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// Options change how Evaluate works.
type Options struct {
	// Rules holds the council's own rules (see rules.Load), checked before
	// scoring together with the embedded default policy (rules.Default),
	// as the CLI's --policy is: a set whose files do not say
	// `extends: default` adds to the default policy, it does not replace
	// it. Nil means the default policy alone.
	Rules *rules.Set
	// ReplaceDefaultRules checks the tender against Rules alone, without
	// the default policy (its 10% social value floor included). It is the
	// only way to leave the default policy out; Rules must then be set.
	ReplaceDefaultRules bool
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
// It fails with diag.List (matching ErrInvalid) when there are no bids,
// when the tender or a bid is invalid or, unless opts.SkipPolicy, when a
// waiver is invalid (these match rules.ErrWaiver too; see Check), and with
// an error matching ErrPolicyFailed when a rule of severity error failed and
// opts.ScoreAnyway is false; the Result returned with that error carries
// the policy outcomes and no scores. The policy reports weights that do not
// sum to 100 and a social value split that does not add up (rules
// weights-total and sv-split of the default policy); whether or not it
// did (opts.SkipPolicy, opts.ScoreAnyway, a policy without those rules),
// Evaluate never scores such a tender: it then fails with diag.List
// matching ErrInvalid, after the policy check.
//
// When the policy has rules that read bid, each bid is then checked with
// them (rules.CheckOptions.BidRulesOnly), after the tender's own rules and
// before scoring: a failing rule of severity error (or one that cannot be
// evaluated) excludes the bid, with "rule ID: message" as a reason; a
// failing warning adds a flag (FlagPolicy); BidResult.Policy holds the
// verdicts, and Result.Policy only the tender's. A waiver of a bid rule is
// recorded on the tender (Waiver.Supplier for one bid; a supplier with no
// bid is an error matching ErrInvalid and rules.ErrWaiver). A policy
// without such rules costs nothing per bid.
//
// Every bid may be excluded by a pass mark or a bid rule: that is a
// result, with no bid ranked and zero LowestPrice and HighestSocialValue
// (there are none).
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
	if len(bids) == 0 {
		return nil, diag.List{t.Pos.At("bids", ErrInvalid, "tender %q has no bids to evaluate", t.ID)}.Err()
	}
	g := &gathered{ws: getWorkspace()}
	defer putWorkspace(g.ws)
	if err := validate(t, bids, fw, g); err != nil {
		return nil, err
	}
	res := &Result{TenderID: t.ID, Title: t.Title, Year: t.Year, Weights: t.Weights(), Criteria: t.Criteria, Catalogue: fw.ID()}
	res.Criteria.Price.Method, res.Criteria.SocialValue.Method = t.Criteria.Price.method(), t.Criteria.SocialValue.method()
	res.Criteria.SocialValue.Valuation = t.Criteria.SocialValue.valuation()
	var bc *bidPolicyChecker
	if !opts.SkipPolicy {
		if opts.ReplaceDefaultRules && opts.Rules == nil {
			return nil, errors.New("evaluate: Options.ReplaceDefaultRules needs Options.Rules")
		}
		set, err := policySet(opts.Rules, opts.ReplaceDefaultRules)
		if err != nil {
			return nil, err
		}
		rep, err := check(ctx, t, set, opts.Now)
		if err != nil {
			return nil, err
		}
		if set.ReadsBids() {
			if err := t.checkWaiverSuppliers(bids).Err(); err != nil {
				return nil, err
			}
			bc = &bidPolicyChecker{ctx: ctx, set: set, tender: t.RuleInput(), now: opts.Now}
			rep.Verdicts = tenderVerdicts(set, rep.Verdicts)
		}
		res.Policy, res.PolicyFailed = rep.Verdicts, rep.Failed()
		if res.PolicyFailed && !opts.ScoreAnyway {
			return res, fmt.Errorf("tender %q: %w: %s", t.ID, ErrPolicyFailed, strings.Join(failures(rep), "; "))
		}
		res.ScoredAnyway = res.PolicyFailed
	}
	// The policy's weights-total and sv-split rules report these sums; when
	// the policy was skipped, scored anyway or has no such rules, the bids
	// are still never scored on weights that do not add up.
	if err := t.checkSums().Err(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := score(res, t, bids, fw, g, bc); err != nil {
		return nil, err
	}
	res.Scored = true
	return res, nil
}

// score fills res.Bids: it screens the bids (pass marks, bid rules,
// incomplete responses), scores every component of the bids left in,
// ranks, and only then builds each BidResult, in its final place. g holds
// the bids' numbers, as validate gathered them.
//
// Everything a BidResult needs is computed in input order first, into the
// scorer's bidState and g's CriterionScore slab, so that building the
// results in rank order reads two places per bid: the Bid and its state.
func score(res *Result, t *Tender, bids []Bid, fw *tom.Framework, g *gathered, bc *bidPolicyChecker) error {
	s := newScorer(t, bids, g)
	var err error
	if res.Measures, err = s.valueCommitments(fw); err != nil {
		return err
	}
	var sc screening
	if bc != nil {
		if sc.policy, err = bc.check(bids, s.values); err != nil {
			return err
		}
	}
	active := s.screen(&sc)
	s.prepare(active)
	res.LowestPrice, res.HighestSocialValue = s.pmin, s.vmax
	for _, a := range s.asked {
		res.MeasureScores = append(res.MeasureScores, a.score)
	}
	s.qualityComponents()
	for _, i := range active {
		s.component(i, compPrice)
		s.component(i, compSVQuantitative)
		s.component(i, compSVQualitative)
	}
	s.flagAbnormallyLow(active)
	res.Bids = s.results(s.order(active), &sc)
	// The ranked bids come first in res.Bids, in the order rank returned, so
	// a tie group's places there are its places in that order.
	res.Ties = s.ties
	for j := range res.Ties {
		res.Ties[j].Total = res.Bids[res.Ties[j].From].Total
	}
	return nil
}

// screening is what screen finds out about the bids besides their state:
// the reasons for excluding them, the incomplete responses, and the bid
// rules' verdicts (nil when the policy has no rules about bids).
type screening struct {
	reasons    map[int][]string
	incomplete map[int]string
	policy     [][]rules.Verdict
}

// screen excludes the bids that failed a pass mark (validate compared the
// scores) or a bid rule of severity error, flags those that failed a
// warning, marks the incomplete responses when both parts of social value
// are required, and returns the bids left in, in input order.
func (s *scorer) screen(sc *screening) []int {
	sv, bids := s.t.Criteria.SocialValue, s.bids
	qn, ql := sv.QuantitativeWeight.IsPositive(), sv.QualitativeWeight.IsPositive()
	sc.reasons, sc.incomplete = map[int][]string{}, map[int]string{}
	active := grow(&s.g.ws.active, len(bids))[:0]
	for i := range bids {
		st := &s.st[i]
		if s.g.failed[i] {
			st.excluded, st.rare = true, true
			for j, q := range s.t.Criteria.Quality {
				if cs := &s.g.crit[i*s.k+j]; !cs.Passed {
					sc.reasons[i] = append(sc.reasons[i], fmt.Sprintf("quality %q scored %s, below the pass mark of %s", q.ID, cs.Score, q.PassMark))
				}
			}
		}
		if sc.policy != nil {
			s.applyBidRules(i, sc)
		}
		if sv.BothPartsRequired {
			b := &bids[i]
			var missing []string
			if qn && len(b.SocialValue.Commitments) == 0 {
				missing = append(missing, "no commitments")
			}
			if ql && b.SocialValue.Qualitative == nil {
				missing = append(missing, "no qualitative response")
			}
			if len(missing) > 0 {
				st.svIncomplete, st.rare = true, true
				sc.incomplete[i] = "both parts are required and the response has " + strings.Join(missing, " and ") + ": social value scores 0"
			}
		}
		if !st.excluded {
			active = append(active, i)
		}
	}
	return active
}

// applyBidRules excludes bid i for each bid rule of severity error that it
// failed (or that could not be evaluated) and flags it for each failed
// warning.
func (s *scorer) applyBidRules(i int, sc *screening) {
	st := &s.st[i]
	for _, o := range sc.policy[i] {
		switch {
		case o.Status == rules.StatusError || (o.Status == rules.StatusFail && o.Severity == rules.SeverityError):
			st.excluded, st.rare = true, true
			sc.reasons[i] = append(sc.reasons[i], "rule "+o.Rule+": "+o.Message)
		case o.Status == rules.StatusFail:
			st.rare = true
			if s.flags == nil {
				s.flags = map[int][]Flag{}
			}
			s.flags[i] = append(s.flags[i], Flag{Code: FlagPolicy, Message: "rule " + o.Rule + ": " + o.Message})
		}
	}
}

// order ranks the active bids and returns every bid's place in the
// result: the ranked bids in rank order, then the excluded ones by
// supplier name (unique: see duplicateSuppliers), so that the listing does
// not depend on the order of the input.
func (s *scorer) order(active []int) []int {
	order := s.rank(active)
	ranked := len(order)
	for i := range s.bids {
		if s.st[i].excluded {
			order = append(order, i)
		}
	}
	slices.SortFunc(order[ranked:], func(a, b int) int { return strings.Compare(s.bids[a].Supplier.Name, s.bids[b].Supplier.Name) })
	return order
}

// results builds the BidResults, in order. Each is written in its place,
// reading the bids and their states in input order: scattered writes are
// cheaper than scattered reads of two or three places per bid. The groups'
// points (quality, social value, total) are rounded from the state's sums
// here; an excluded bid scores only its quality.
func (s *scorer) results(order []int, sc *screening) []BidResult {
	bids, g, k := s.bids, s.g, s.k
	at := grow(&g.ws.at, len(bids))
	for pos, i := range order {
		at[i] = int32(pos)
	}
	out := make([]BidResult, len(bids))
	// out is fresh (zero): only the fields that may be set are written.
	for i := range bids {
		b, st, r := &bids[i], &s.st[i], &out[at[i]]
		nl := int(st.line) + len(b.SocialValue.Commitments)
		r.Index, r.Supplier, r.Rank = i, b.Supplier, int(st.rank)
		r.Price = PriceScore{Price: b.Price, Points: st.price}
		r.Quality = QualityScore{Points: s.points(i, gQuality), Criteria: g.crit[i*k : (i+1)*k : (i+1)*k]}
		sr := &r.SocialValue
		sr.Quantitative, sr.Qualitative = st.svq, st.svl
		sr.Value, sr.QualitativeScore, sr.Commitments = s.values[i], b.SocialValue.Qualitative, s.lines[st.line:nl:nl]
		if s.weighted {
			sr.Value, sr.Weighted = s.plain[i], s.values[i]
		}
		if st.excluded {
			r.Excluded = true
		} else {
			sr.Points, r.Total = s.points(i, gSocialValue), s.points(i, gTotal)
		}
		if st.rare {
			r.Reasons, r.Flags, r.Tie, r.SocialValue.Incomplete = sc.reasons[i], s.flags[i], s.tie[i], sc.incomplete[i]
		}
		if sc.policy != nil {
			r.Policy = sc.policy[i]
		}
	}
	return out
}
