package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/celx"
)

// ErrEvaluation is the kind of an Verdict.Err when a rule's expression could
// not be evaluated (a division by zero, an unset field, a cancelled context).
var ErrEvaluation = errors.New("rule evaluation error")

// Input is what one Check sees: the tender, optionally one bid, and the
// time the rules see as `now` (the zero time means time.Now()).
type Input struct {
	Tender *Tender   // the tender; must not be nil
	Bid    *Bid      // the bid, for rules about bids; nil to check the tender alone
	Now    time.Time // the rules' `now`; zero for time.Now()
}

// Verdict is the result of one rule for one input.
type Verdict struct {
	Rule     string   // id of the rule
	Status   Status   // pass, fail, waived, skipped or error
	Severity Severity // the rule's severity
	// Message is the rendered message for fail, waived and error outcomes:
	// messageExpr's value if the rule has one, else message, else a text
	// naming the expression. Empty for pass and skipped.
	Message string
	Pos     diag.Pos // where the rule is defined
	Values  []Value  // the values the rule compared (fail, waived, or WithValues)
	Waiver  *Waiver  // the waiver applied, for waived outcomes
	Err     error    // for error outcomes: a *diag.Diagnostic positioned in the rule file
}

// Value is the value of one sub-expression of a rule, rendered as text.
type Value struct {
	Expr  string `json:"expr"`  // the sub-expression, e.g. tender.weights.socialValue
	Value string `json:"value"` // its value, e.g. 9.99 or £100,000.00
}

// MarshalJSON renders the outcome with lower-case keys and the position as
// "file:line:col"; the shape is stable: rule, status, severity and message
// are always present (message is empty when there is nothing to say).
func (o Verdict) MarshalJSON() ([]byte, error) {
	type waiver struct {
		Rule       string `json:"rule"`
		Reason     string `json:"reason"`
		ApprovedBy string `json:"approvedBy,omitempty"`
		Date       string `json:"date,omitempty"`
		Supplier   string `json:"supplier,omitempty"`
	}
	out := struct {
		Rule     string   `json:"rule"`
		Status   Status   `json:"status"`
		Severity Severity `json:"severity"`
		Message  string   `json:"message"`
		Position string   `json:"position,omitempty"`
		Values   []Value  `json:"values,omitempty"`
		Waiver   *waiver  `json:"waiver,omitempty"`
		Error    string   `json:"error,omitempty"`
	}{Rule: o.Rule, Status: o.Status, Severity: o.Severity, Message: o.Message, Position: o.Pos.String(), Values: o.Values}
	if w := o.Waiver; w != nil {
		out.Waiver = &waiver{Rule: w.Rule, Reason: w.Reason, ApprovedBy: w.ApprovedBy, Supplier: w.Supplier}
		if !w.Date.IsZero() {
			out.Waiver.Date = w.Date.Format("2006-01-02")
		}
	}
	if o.Err != nil {
		out.Error = o.Err.Error()
	}
	return json.Marshal(out)
}

// Report is the outcome of every rule of a set, in rule order.
type Report struct {
	Verdicts []Verdict // one per rule of the set, in rule order
	// Problems are the invalid waivers found in the tender (no reason,
	// approver or date, an unknown rule, two for one rule). Any of them makes
	// Failed true, whatever the rules' results: an exemption that is not
	// properly recorded must not let a tender through.
	Problems []*diag.Diagnostic
	failOpen bool
}

// Failed reports whether the input should be stopped: a rule of severity
// error failed, or any rule could not be evaluated (errors fail closed,
// whatever the rule's severity, unless Check was given FailOpen).
func (r Report) Failed() bool {
	if len(r.Problems) > 0 {
		return true
	}
	for _, o := range r.Verdicts {
		if o.Status == StatusFail && o.Severity == SeverityError {
			return true
		}
		if o.Status == StatusError && !r.failOpen {
			return true
		}
	}
	return false
}

// Verdict returns the outcome of the rule with the given id.
func (r Report) Verdict(id string) (Verdict, bool) {
	for _, o := range r.Verdicts {
		if o.Rule == id {
			return o, true
		}
	}
	return Verdict{}, false
}

// Count returns how many outcomes have the given status.
func (r Report) Count(s Status) int {
	n := 0
	for _, o := range r.Verdicts {
		if o.Status == s {
			n++
		}
	}
	return n
}

// CheckOptions change how Check works; the zero value is the usual check.
type CheckOptions struct {
	// Values records the compared values for every verdict, not only for
	// fail and waived ones (used by `toms test -v`). It costs a second,
	// state-tracking evaluation of each rule.
	Values bool
	// FailOpen makes evaluation errors not count in Report.Failed. By
	// default they do (fail closed).
	FailOpen bool
	// BidRulesOnly evaluates only the rules that read bid (Rule.AboutBid),
	// leaving the others out of the report: after checking the tender once,
	// package evaluate checks each bid this way.
	BidRulesOnly bool
}

// Check evaluates every rule of the set against in and returns one Verdict
// per rule, in rule order.
//
// The returned error is non-nil when the input is unusable (no tender, a
// list or text beyond MaxListLen/MaxStringLen: the report is then empty),
// when the tender carries invalid waivers (no reason, approver or date, an unknown rule, two
// for one rule: the report is complete and the affected rules are errors),
// or when ctx ends (the report holds the outcomes so far). Errors match
// ErrInput, ErrWaiver or the context's error with errors.Is.
//
// Check is safe for concurrent use; it does not modify in.
func (s *Set) Check(ctx context.Context, in Input, opts CheckOptions) (Report, error) {
	cfg := &opts
	if in.Tender == nil {
		return Report{}, &diag.Diagnostic{Message: "the input has no tender", Kind: ErrInput}
	}
	if err := checkSizes(in); err != nil {
		return Report{}, err
	}
	now := in.Now
	waivers, werrs := s.waivers(in.Tender)
	act := s.newActivation(ctx, in.Tender, in.Bid, now)
	defer s.release(act)
	n := len(s.rules)
	if cfg.BidRulesOnly {
		n = s.bidRules
	}
	rep := Report{Verdicts: make([]Verdict, 0, n), Problems: werrs, failOpen: cfg.FailOpen}
	for _, r := range s.rules {
		if cfg.BidRulesOnly && !r.aboutBid {
			continue
		}
		if err := ctx.Err(); err != nil {
			werrs.Add(&diag.Diagnostic{Message: "check stopped: " + err.Error(), Kind: err})
			return rep, werrs
		}
		o := r.check(ctx, act, in, waivers, cfg)
		if ws := waiverFor(waivers, r, in.Bid); ws.err != nil && o.Status != StatusError {
			// The rule's own result stands in the message; the outcome is
			// an error because its exemption is not properly recorded.
			o.Message = fmt.Sprintf("%s (the rule itself: %s)", ws.err.Message, o.Status)
			o.Status, o.Err, o.Waiver = StatusError, ws.err, nil
		}
		rep.Verdicts = append(rep.Verdicts, o)
	}
	return rep, werrs.Err()
}

// waiverKey is how a waiver is found: by rule, and for a waiver of a rule
// about bids given for one supplier, by supplier too.
func waiverKey(rule, supplier string) string { return rule + "\x00" + supplier }

// waiverFor returns the waiver that applies to rule r for the bid b (nil:
// the tender): one given for b's supplier, else one given for the rule.
func waiverFor(m map[string]waiverState, r *rule, b *Bid) waiverState {
	if b != nil && r.aboutBid {
		if ws, ok := m[waiverKey(r.ID, b.Supplier)]; ok {
			return ws
		}
	}
	return m[waiverKey(r.ID, "")]
}

// waiverState is the waiver for one rule, valid or not.
type waiverState struct {
	w   *Waiver
	err *diag.Diagnostic
}

func (s *Set) waivers(t *Tender) (map[string]waiverState, diag.List) {
	var errs diag.List
	if len(t.Waivers) == 0 {
		return nil, nil
	}
	m := map[string]waiverState{}
	for i := range t.Waivers {
		w := &t.Waivers[i]
		field := fmt.Sprintf("waivers[%d]", i)
		var d *diag.Diagnostic
		switch {
		case w.Rule == "":
			d = &diag.Diagnostic{Field: field + ".rule", Message: "the waiver does not name a rule", Kind: ErrWaiver}
		case s.byID[w.Rule] == nil:
			ids := make([]string, len(s.rules))
			for j, r := range s.rules {
				ids[j] = r.ID
			}
			d = &diag.Diagnostic{Field: field + ".rule", Rule: w.Rule,
				Message: "the waiver names a rule the policy does not have" + suggestText(w.Rule, ids), Kind: ErrWaiver}
		case w.Supplier != "" && !s.byID[w.Rule].aboutBid:
			d = &diag.Diagnostic{Field: field + ".supplier", Rule: w.Rule,
				Message: fmt.Sprintf("the waiver names supplier %q, but rule %s is about the tender, not bids; remove supplier", w.Supplier, w.Rule), Kind: ErrWaiver}
		case m[waiverKey(w.Rule, w.Supplier)].w != nil && w.Supplier != "":
			d = &diag.Diagnostic{Field: field + ".rule", Rule: w.Rule,
				Message: fmt.Sprintf("the rule already has a waiver for supplier %q; give one waiver per rule and supplier", w.Supplier), Kind: ErrWaiver}
		case m[waiverKey(w.Rule, w.Supplier)].w != nil:
			d = &diag.Diagnostic{Field: field + ".rule", Rule: w.Rule, Message: "the rule already has a waiver; give one waiver per rule", Kind: ErrWaiver}
		case strings.TrimSpace(w.Reason) == "":
			d = &diag.Diagnostic{Field: field + ".reason", Rule: w.Rule,
				Message: "the waiver has no reason; record why the rule is impractical for this tender", Kind: ErrWaiver}
		case strings.TrimSpace(w.ApprovedBy) == "":
			d = &diag.Diagnostic{Field: field + ".approvedBy", Rule: w.Rule,
				Message: "the waiver has no approver; record who approved the exemption", Kind: ErrWaiver}
		case w.Date.IsZero():
			d = &diag.Diagnostic{Field: field + ".date", Rule: w.Rule,
				Message: "the waiver has no date; record when the exemption was approved (YYYY-MM-DD)", Kind: ErrWaiver}
		}
		if d != nil {
			errs.Add(d)
		}
		if w.Rule != "" && s.byID[w.Rule] != nil {
			key := waiverKey(w.Rule, w.Supplier)
			st := m[key]
			if st.w == nil {
				st.w = w
			}
			if st.err == nil {
				st.err = d // a second waiver for the rule spoils the first
			}
			m[key] = st
		}
	}
	return m, errs
}

func checkSizes(in Input) error {
	var errs diag.List
	str := func(field, v string) {
		if len(v) > MaxStringLen && utf8.RuneCountInString(v) > MaxStringLen {
			errs.Add(&diag.Diagnostic{Field: field, Message: fmt.Sprintf("longer than %d characters", MaxStringLen), Kind: ErrInput})
		}
	}
	list := func(field string, n int) {
		if n > MaxListLen {
			errs.Add(&diag.Diagnostic{Field: field, Message: fmt.Sprintf("has %d items; at most %d are allowed", n, MaxListLen), Kind: ErrInput})
		}
	}
	t := in.Tender
	str("tender.id", t.ID)
	str("tender.title", t.Title)
	str("tender.contractType", t.ContractType)
	str("tender.category", t.Category)
	str("tender.route", t.Route)
	str("tender.socialValue.method", t.SocialValue.Method)
	list("tender.measures", len(t.Measures))
	for i, m := range t.Measures {
		str(fmt.Sprintf("tender.measures[%d]", i), m)
	}
	list("tender.waivers", len(t.Waivers))
	for i, w := range t.Waivers {
		str(fmt.Sprintf("tender.waivers[%d].rule", i), w.Rule)
		str(fmt.Sprintf("tender.waivers[%d].reason", i), w.Reason)
		str(fmt.Sprintf("tender.waivers[%d].approvedBy", i), w.ApprovedBy)
		str(fmt.Sprintf("tender.waivers[%d].supplier", i), w.Supplier)
	}
	if b := in.Bid; b != nil {
		str("bid.supplier", b.Supplier)
		list("bid.measures", len(b.Measures))
		for i, m := range b.Measures {
			str(fmt.Sprintf("bid.measures[%d]", i), m)
		}
	}
	return errs.Err()
}

// activation is the library-owned CEL activation: a switch on the declared
// names, with variables evaluated lazily, once per Check.
type activation struct {
	s       *Set
	ctx     context.Context
	tender  ref.Val
	bid     ref.Val
	nowTime time.Time
	now     ref.Val // built on first use
	vals    []ref.Val
	ts      tenderState
}

// newActivation returns a cleared activation for one Check, from the set's
// pool; release returns it. Nothing a Check returns refers to it.
func (s *Set) newActivation(ctx context.Context, t *Tender, b *Bid, now time.Time) *activation {
	act, _ := s.acts.Get().(*activation)
	if act == nil {
		act = &activation{s: s}
		if len(s.vars) > 0 {
			act.vals = make([]ref.Val, len(s.vars))
		}
	}
	act.ctx, act.nowTime = ctx, now
	act.ts.t = t
	act.tender = s.vocab.tender.ValueIn(&act.ts.slots[3], &act.ts)
	if b != nil {
		act.bid = s.vocab.bidObj.Value(b)
	}
	return act
}

func (s *Set) release(act *activation) {
	vals := act.vals
	clear(vals)
	*act = activation{s: s, vals: vals}
	s.acts.Put(act)
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "tender":
		return a.tender, true
	case "bid":
		if a.bid == nil {
			return nil, false
		}
		return a.bid, true
	case "now":
		if a.now == nil {
			if a.nowTime.IsZero() {
				a.nowTime = time.Now()
			}
			a.now = types.Timestamp{Time: a.nowTime.UTC()}
		}
		return a.now, true
	}
	i, ok := a.s.varIdx[name]
	if !ok {
		return nil, false
	}
	return a.varValue(i), true
}

// varValue returns variable i, evaluating it on first use.
func (a *activation) varValue(i int) ref.Val {
	if a.vals[i] == nil {
		a.vals[i] = a.variable(i)
	}
	return a.vals[i]
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

func (a *activation) variable(i int) ref.Val {
	v := a.s.vars[i]
	out, err := v.prg.eval(a.ctx, a)
	if err != nil {
		return types.NewErr("variables.%s: %v", v.name, err)
	}
	if err := withinLimits(out, 0); err != "" {
		return types.NewErr("variables.%s: %s", v.name, err)
	}
	return out
}

// maxNesting bounds how deeply lists and maps in a variable may nest.
const maxNesting = 32

// withinLimits checks a value all the way down: every text at most
// MaxStringLen, every list or map at most MaxListLen entries, nesting at
// most maxNesting deep. The static cost bound assumes exactly this of every
// value an expression can reach, so a variable must not build more.
func withinLimits(v ref.Val, depth int) string {
	if depth > maxNesting {
		return fmt.Sprintf("lists or maps nested more than %d deep", maxNesting)
	}
	switch x := v.(type) {
	case types.String:
		if n := utf8.RuneCountInString(string(x)); n > MaxStringLen {
			return fmt.Sprintf("text of %d characters, above the limit of %d", n, MaxStringLen)
		}
		return ""
	case traits.Mapper:
		return withinLimitsAll(x, x.Size(), depth, func(k ref.Val) ref.Val { return x.Get(k) })
	case traits.Lister:
		return withinLimitsAll(x, x.Size(), depth, nil)
	}
	return ""
}

func withinLimitsAll(it traits.Iterable, size ref.Val, depth int, value func(ref.Val) ref.Val) string {
	if n, ok := size.(types.Int); ok && int64(n) > MaxListLen {
		return fmt.Sprintf("a list or map of %d entries, above the limit of %d", int64(n), MaxListLen)
	}
	for i := it.Iterator(); i.HasNext() == types.True; {
		e := i.Next()
		if err := withinLimits(e, depth+1); err != "" {
			return err
		}
		if value != nil {
			if err := withinLimits(value(e), depth+1); err != "" {
				return err
			}
		}
	}
	return ""
}

func (p *program) eval(ctx context.Context, act *activation) (ref.Val, error) {
	var (
		out ref.Val
		err error
	)
	if p.varRef > 0 {
		out = act.varValue(p.varRef - 1)
		if e, ok := out.(*types.Err); ok {
			return nil, e
		}
		return out, nil
	}
	if p.loops {
		out, _, err = p.prg.ContextEval(ctx, act)
	} else {
		out, _, err = p.prg.Eval(act)
	}
	return out, err
}

// evalError positions an evaluation error at the failing sub-expression.
func (p *program) evalError(r *rule, err error) *diag.Diagnostic {
	d := &diag.Diagnostic{File: p.file.name, Line: p.node.Line, Column: p.node.Column, Field: p.field,
		Rule: r.ID, Message: err.Error(), Kind: ErrEvaluation}
	var e *types.Err
	if errors.As(err, &e) && e.NodeID() != 0 {
		loc := p.ast.NativeRep().SourceInfo().GetStartLocation(e.NodeID())
		if loc.Line() > 0 {
			col := callStart(p.node.Value, loc.Line(), loc.Column())
			d.Line, d.Column = p.file.locate(p.node, loc.Line(), col)
		}
	}
	d.Snippet = p.file.snippet(d.Line, d.Column)
	return d
}

func (r *rule) check(ctx context.Context, act *activation, in Input, waivers map[string]waiverState, cfg *CheckOptions) Verdict {
	o := Verdict{Rule: r.ID, Severity: r.Severity, Pos: r.Pos}
	fail := func(err error, p *program) Verdict {
		o.Status = StatusError
		d := p.evalError(r, err)
		o.Err = d
		o.Message = d.Message
		return o
	}
	if r.aboutBid && act.bid == nil {
		o.Status = StatusSkipped
		return o
	}
	if r.when != nil {
		v, err := r.when.eval(ctx, act)
		if err != nil {
			return fail(err, r.when)
		}
		if v != types.True {
			o.Status = StatusSkipped
			return o
		}
	}
	v, err := r.expr.eval(ctx, act)
	if err != nil {
		return fail(err, r.expr)
	}
	if v == types.True {
		o.Status = StatusPass
		if cfg.Values {
			o.Values = r.values(ctx, act)
		}
		return o
	}
	o.Status = StatusFail
	o.Values = r.values(ctx, act)
	o.Message = r.message(ctx, act)
	if ws := waiverFor(waivers, r, in.Bid); ws.w != nil || ws.err != nil {
		if ws.err != nil {
			o.Status = StatusError
			o.Err = ws.err
			o.Message = ws.err.Message + " (rule failed: " + o.Message + ")"
			return o
		}
		o.Status = StatusWaived
		o.Waiver = ws.w
	}
	return o
}

func (r *rule) message(ctx context.Context, act *activation) string {
	if r.msg != nil {
		v, err := r.msg.eval(ctx, act)
		if err == nil {
			if s, ok := v.(types.String); ok && s != "" {
				return string(s)
			}
		}
	}
	if r.Message != "" {
		return r.Message
	}
	return "failed: " + r.Expr
}

// values evaluates the rule with state tracking and renders the explained
// sub-expressions that were evaluated.
func (r *rule) values(ctx context.Context, act *activation) []Value {
	r.trackOnce.Do(func() {
		opts := []cel.ProgramOption{cel.EvalOptions(cel.OptTrackState, cel.OptOptimize), celx.FoldLiterals()}
		prg, err := r.env.Program(r.exprAST, opts...)
		if err == nil {
			r.trackPrg = prg
		}
	})
	if r.trackPrg == nil || len(r.explain) == 0 {
		return nil
	}
	_, det, _ := r.trackPrg.ContextEval(ctx, act)
	if det == nil || det.State() == nil {
		return nil
	}
	var out []Value
	for _, it := range r.explain {
		v, ok := det.State().Value(it.id)
		if !ok {
			continue
		}
		out = append(out, Value{Expr: it.text, Value: render(v)})
	}
	return out
}

// render formats a CEL value for a person: money as £1,234.00, decimals
// exactly, text quoted.
func render(v ref.Val) string {
	switch x := v.(type) {
	case celx.Money:
		return celx.FormatMoney(x.D())
	case celx.Decimal:
		return celx.FormatDecimal(x.D())
	case types.String:
		return fmt.Sprintf("%q", string(x))
	case types.Timestamp:
		return x.Time.Format(time.RFC3339)
	case *types.Err:
		return "error: " + x.Error()
	case celx.Object:
		return x.Type().TypeName()
	case traits.Lister:
		s := "["
		for i := types.Int(0); i < x.Size().(types.Int); i++ {
			if i > 0 {
				s += ", "
			}
			s += render(x.Get(i))
		}
		return s + "]"
	}
	if s, ok := v.ConvertToType(types.StringType).(types.String); ok {
		return string(s)
	}
	return fmt.Sprint(v.Value())
}
