package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/parser"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/celx"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// program is one compiled expression.
type program struct {
	text  string
	ast   *cel.Ast
	node  *yaml.Node
	file  *ruleFile
	field string
	prg   cel.Program
	loops bool // has a comprehension: evaluate with ContextEval so cancellation interrupts it
	cost  uint64
	// varRef is 1 + the index of the variable when the whole expression is
	// a variable reference (when: variables.inScope); 0 otherwise. Such an
	// expression reads the variable without a program evaluation.
	varRef int
}

// rule is a compiled rule.
type rule struct {
	Rule
	file     *ruleFile
	when     *program
	expr     *program
	msg      *program
	env      *cel.Env
	exprAST  *cel.Ast
	aboutBid bool
	explain  []explainItem

	trackOnce sync.Once
	trackPrg  cel.Program
}

// explainItem is a sub-expression whose value an outcome reports.
type explainItem struct {
	id   int64
	text string
}

type variable struct {
	name     string
	prg      *program
	typ      *cel.Type
	usesBid  bool
	file     *ruleFile
	pos      diag.Pos
	varsUsed []int
}

type constant struct {
	Constant
	typ  *cel.Type
	val  ref.Val
	file *ruleFile
}

// compiler assembles a Set from parsed files, collecting every problem.
type compiler struct {
	voc     *vocab
	errs    diag.List
	consts  []*constant
	byConst map[string]*constant
	vars    []*variable
	varIdx  map[string]int
	env     *cel.Env
	est     celx.Estimator
	// broken are constants whose definition is reported as invalid; they
	// are declared (with their declared type, or dyn) so that the rules
	// using them do not add "undeclared reference" errors on top.
	broken map[string]*cel.Type
}

func compileFiles(files []*ruleFile) (*Set, error) {
	voc, err := vocabFor(APIVersion)
	if err != nil {
		return nil, err
	}
	c := &compiler{voc: voc, byConst: map[string]*constant{}, varIdx: map[string]int{}, broken: map[string]*cel.Type{}}
	c.constants(files)
	c.est = celx.Estimator{MaxListSize: MaxListLen, MaxStringSize: MaxStringLen, Known: map[string]uint64{}}
	opts := make([]cel.EnvOption, 0, len(c.consts))
	for _, k := range c.consts {
		opts = append(opts, cel.Constant("constants."+k.Name, k.typ, k.val))
		if sz, ok := k.val.(traits.Sizer); ok {
			c.est.Known["constants."+k.Name] = uint64(sz.Size().(types.Int))
		}
	}
	for name, typ := range c.broken {
		if c.byConst[name] == nil {
			opts = append(opts, cel.Variable("constants."+name, typ))
		}
	}
	if c.env, err = voc.env.Extend(opts...); err != nil {
		return nil, err
	}
	c.variables(files)
	s := &Set{files: files, vocab: voc, vars: c.vars, varIdx: c.varIdx, byID: map[string]*rule{}}
	for _, k := range c.consts {
		s.consts = append(s.consts, k.Constant)
	}
	for _, v := range c.vars {
		if v.prg != nil {
			s.cost += v.prg.cost
		}
	}
	for _, f := range files {
		for i := range f.doc.Rules {
			r := c.rule(f, &f.doc.Rules[i], i)
			if r == nil {
				continue
			}
			if prev, dup := s.byID[r.ID]; dup {
				c.errs.Add(&diag.Diagnostic{File: r.Pos.File, Line: r.Pos.Line, Column: r.Pos.Column, Rule: r.ID,
					Message: fmt.Sprintf("rule id %q is already used at %s; rule ids must be unique across the loaded files", r.ID, prev.Pos),
					Kind:    ErrInvalidRule})
				continue
			}
			s.byID[r.ID] = r
			s.rules = append(s.rules, r)
			if r.aboutBid {
				s.bidRules++
			}
			s.cost += r.Cost
		}
	}
	if s.cost > MaxSetCost && len(c.errs) == 0 {
		c.errs.Add(&diag.Diagnostic{File: files[len(files)-1].name, Kind: ErrCostLimit,
			Message: fmt.Sprintf("the rules together have a worst-case cost of %d, above the limit of %d per evaluation; simplify loops over lists", s.cost, MaxSetCost)})
	}
	if err := c.errs.Err(); err != nil {
		return nil, invalidRule(err)
	}
	return s, nil
}

func (c *compiler) constants(files []*ruleFile) {
	for _, f := range files {
		for _, cd := range f.doc.consts {
			typ, val, text, d := constValue(cd, f.name)
			if d != nil {
				c.errs.Add(d)
				c.broken[cd.Name] = declaredType(cd.Type.Value)
				continue
			}
			k := &constant{Constant: Constant{Name: cd.Name, Type: cd.Type.Value, Value: text, Description: cd.Description,
				Pos: cd.NamePos, Set: f.doc.Metadata.Name}, typ: typ, val: val, file: f}
			prev, exists := c.byConst[cd.Name]
			switch {
			case exists && !cd.Override:
				c.errs.Add(cd.NamePos.At("constants."+cd.Name, ErrInvalidRule,
					"constant %q is already defined at %s; to change its value here, add override: true", cd.Name, prev.Pos))
			case !exists && cd.Override:
				c.errs.Add(cd.NamePos.At("constants."+cd.Name, ErrInvalidRule,
					"override: true, but no earlier file defines constant %q%s", cd.Name, suggestText(cd.Name, constNames(c.consts))))
			case exists && prev.Type != k.Type:
				c.errs.Add(cd.NamePos.At("constants."+cd.Name, ErrInvalidRule,
					"constant %q is a %s at %s; an override must keep the type, not %s", cd.Name, prev.Type, prev.Pos, k.Type))
			case exists:
				*prev = *k
			default:
				c.byConst[cd.Name] = k
				c.consts = append(c.consts, k)
			}
		}
	}
}

func constNames(cs []*constant) []string {
	out := make([]string, len(cs))
	for i, k := range cs {
		out[i] = k.Name
	}
	return out
}

func suggestText(name string, candidates []string) string {
	if s := diag.Suggest(name, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

func (c *compiler) variables(files []*ruleFile) {
	for _, f := range files {
		for i := range f.doc.Variables {
			vd := &f.doc.Variables[i]
			field := "variables[" + strconv.Itoa(i) + "]"
			if _, dup := c.varIdx["variables."+vd.Name]; dup {
				prev := c.vars[c.varIdx["variables."+vd.Name]]
				c.errs.Add(vd.Pos.At(field+".name", ErrInvalidRule, "variable %q is already defined at %s", vd.Name, prev.pos))
				continue
			}
			a, p := c.compile(c.env, f, vd.Expr, field+".expr", "", nil)
			if p == nil {
				// Declare it anyway (as dyn) so that later uses do not cascade.
				c.declare(&variable{name: vd.Name, typ: cel.DynType, file: f, pos: vd.Pos,
					prg: &program{text: vd.Expr.Value}}, true)
				continue
			}
			v := &variable{name: vd.Name, prg: p, typ: a.OutputType(), file: f, pos: vd.Pos}
			v.usesBid, v.varsUsed = c.references(a)
			c.declare(v, false)
		}
	}
}

func (c *compiler) declare(v *variable, broken bool) {
	env, err := c.env.Extend(cel.Variable("variables."+v.name, v.typ))
	if err != nil {
		c.errs.Add(v.pos.At("variables", ErrInvalidRule, "cannot declare variable %q: %v", v.name, err))
		return
	}
	c.env = env
	if broken {
		v.prg = nil
	}
	c.varIdx["variables."+v.name] = len(c.vars)
	c.vars = append(c.vars, v)
}

// references reports whether a checked AST reads bid, directly or through a
// variable, and which variables it reads.
func (c *compiler) references(a *cel.Ast) (bool, []int) {
	usesBid := false
	var used []int
	for _, ref := range a.NativeRep().ReferenceMap() {
		switch {
		case ref.Name == "bid":
			usesBid = true
		case strings.HasPrefix(ref.Name, "variables."):
			if i, ok := c.varIdx[ref.Name]; ok {
				used = append(used, i)
				if c.vars[i].usesBid {
					usesBid = true
				}
			}
		}
	}
	sort.Ints(used)
	return usesBid, used
}

func (c *compiler) rule(f *ruleFile, rd *ruleDocEnt, i int) *rule {
	field := "rules[" + strconv.Itoa(i) + "]"
	r := &rule{file: f, env: c.env}
	r.Rule = Rule{ID: rd.ID, Description: rd.Description, Message: rd.Message, Pos: rd.Pos,
		Set: f.doc.Metadata.Name, Expr: rd.Expr.Value, Severity: SeverityError}
	if rd.Severity == "warning" {
		r.Severity = SeverityWarning
	}
	ok := true
	if rd.When != nil && !yamlx.IsNull(rd.When) {
		r.Rule.When = rd.When.Value
		a, p := c.compile(c.env, f, rd.When, field+".when", rd.ID, types.BoolType)
		if p == nil {
			ok = false
		} else {
			r.when = p
			b, _ := c.references(a)
			r.aboutBid = r.aboutBid || b
		}
	}
	a, p := c.compile(c.env, f, rd.Expr, field+".expr", rd.ID, types.BoolType)
	if p == nil {
		ok = false
	} else {
		r.expr, r.exprAST = p, a
		b, _ := c.references(a)
		r.aboutBid = r.aboutBid || b
		r.explain = explainItems(a)
	}
	if rd.MessageExpr != nil && !yamlx.IsNull(rd.MessageExpr) {
		r.Rule.MessageExpr = rd.MessageExpr.Value
		a, p := c.compile(c.env, f, rd.MessageExpr, field+".messageExpr", rd.ID, types.StringType)
		if p == nil {
			ok = false
		} else {
			r.msg = p
			b, _ := c.references(a)
			r.aboutBid = r.aboutBid || b
		}
	}
	if !ok {
		return nil
	}
	for _, p := range []*program{r.when, r.expr, r.msg} {
		if p != nil {
			r.Cost += p.cost
		}
	}
	r.AboutBid = r.aboutBid
	return r
}

var (
	undeclaredRE = regexp.MustCompile(`^undeclared reference to '([^']*)'`)
	undefFieldRE = regexp.MustCompile(`^undefined field '([^']*)'`)
)

// compile compiles the expression in node n, checks its type against want
// (nil: any) and its worst-case cost. On any problem it records positioned
// diagnostics and returns a nil program.
func (c *compiler) compile(env *cel.Env, f *ruleFile, n *yaml.Node, field, ruleID string, want *types.Type) (*cel.Ast, *program) {
	at := func(line, col int, kind error, format string, args ...any) {
		l, cl := f.locate(n, line, col)
		c.errs.Add(&diag.Diagnostic{File: f.name, Line: l, Column: cl, Field: field, Rule: ruleID,
			Message: fmt.Sprintf(format, args...), Snippet: f.snippet(l, cl), Kind: kind})
	}
	if n.Kind != yaml.ScalarNode {
		c.errs.Add(&diag.Diagnostic{File: f.name, Line: n.Line, Column: n.Column, Field: field, Rule: ruleID,
			Message: "expected a CEL expression (text)", Kind: ErrInvalidRule})
		return nil, nil
	}
	if strings.TrimSpace(n.Value) == "" {
		at(1, 0, ErrInvalidRule, "the expression is empty")
		return nil, nil
	}
	parsed, iss := env.Parse(n.Value)
	if iss.Err() != nil {
		for _, e := range iss.Errors() {
			at(e.Location.Line(), e.Location.Column(), ErrInvalidRule, "%s", e.Message)
		}
		return nil, nil
	}
	checked, iss := env.Check(parsed)
	if iss.Err() != nil {
		for _, e := range iss.Errors() {
			line, col := e.Location.Line(), e.Location.Column()
			if undefFieldRE.MatchString(e.Message) && runeAt(n.Value, line, col) == '.' {
				col++ // point at the field name, not the dot before it
			}
			at(line, col, ErrInvalidRule, "%s", c.hint(env, parsed, e.Message, e.ExprID))
		}
		return nil, nil
	}
	if want != nil && !checked.OutputType().IsExactType(want) {
		at(1, 0, ErrInvalidRule, "the expression must give %s, but it gives %s", typeWord(want), typeWord(checked.OutputType()))
		return nil, nil
	}
	est, err := env.EstimateCost(checked, c.est)
	if err != nil {
		at(1, 0, ErrInvalidRule, "cannot estimate the cost: %v", err)
		return nil, nil
	}
	if est.Max > MaxRuleCost {
		at(1, 0, ErrCostLimit, "the worst-case cost is %d, above the limit of %d per expression (lists are assumed to hold up to %d items); simplify nested loops",
			est.Max, MaxRuleCost, MaxListLen)
		return nil, nil
	}
	loops := len(ast.MatchDescendants(ast.NavigateAST(checked.NativeRep()), ast.KindMatcher(ast.ComprehensionKind))) > 0
	// OptOptimize compiles a matches pattern once, here, not at every
	// evaluation.
	popts := []cel.ProgramOption{celx.FoldLiterals(), cel.EvalOptions(cel.OptOptimize)}
	if loops {
		popts = append(popts, cel.InterruptCheckFrequency(100))
	}
	prg, err := env.Program(checked, popts...)
	if err != nil {
		at(1, 0, ErrInvalidRule, "%v", err)
		return nil, nil
	}
	p := &program{text: n.Value, ast: checked, node: n, file: f, field: field, prg: prg, loops: loops, cost: est.Max}
	root := checked.NativeRep().Expr()
	if ref := checked.NativeRep().ReferenceMap()[root.ID()]; ref != nil && ref.Value == nil {
		if i, ok := c.varIdx[ref.Name]; ok {
			p.varRef = i + 1
		}
	}
	return checked, p
}

// callStart moves a CEL location that points at a call's "(" back to the
// start of the function name, where a reader looks for it.
func callStart(text string, line, col int) int {
	if runeAt(text, line, col) != '(' {
		return col
	}
	for col > 0 {
		r := runeAt(text, line, col-1)
		if r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		col--
	}
	return col
}

// runeAt returns the character at a CEL location in text, or 0.
func runeAt(text string, line, col int) rune {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	r := []rune(lines[line-1])
	if col < 0 || col >= len(r) {
		return 0
	}
	return r[col]
}

func typeWord(t *types.Type) string {
	switch {
	case t.IsExactType(types.BoolType):
		return "true or false (bool)"
	case t.IsExactType(types.StringType):
		return "text (string)"
	}
	return "a " + t.String()
}

// hint adds a "did you mean" to undeclared-reference and undefined-field
// errors, using the declared names.
func (c *compiler) hint(env *cel.Env, parsed *cel.Ast, msg string, id int64) string {
	if m := undeclaredRE.FindStringSubmatch(msg); m != nil {
		name := m[1]
		chain := selectChain(parsed.NativeRep(), id)
		switch name {
		case "constants", "variables":
			var cands []string
			prefix := name + "."
			if name == "constants" {
				for _, k := range c.consts {
					cands = append(cands, prefix+k.Name)
				}
			} else {
				for _, v := range c.vars {
					cands = append(cands, prefix+v.name)
				}
			}
			if len(chain) < 2 {
				return fmt.Sprintf("%s is not a value; write %s.NAME", name, name)
			}
			full := name + "." + chain[1]
			if s := diag.Suggest(full, cands); s != "" {
				return fmt.Sprintf("undeclared reference to '%s'; did you mean '%s'?", full, s)
			}
			if len(cands) == 0 {
				return fmt.Sprintf("undeclared reference to '%s'; no %s are defined (variables must be defined before they are used)", full, name)
			}
			return fmt.Sprintf("undeclared reference to '%s'; defined %s: %s", full, name, strings.Join(cands, ", "))
		}
		if s := diag.Suggest(name, c.voc.topLevel); s != "" {
			return fmt.Sprintf("undeclared reference to '%s'; did you mean '%s'?", name, s)
		}
		return fmt.Sprintf("undeclared reference to '%s'; the names you can use are %s", name, strings.Join(c.voc.topLevel, ", "))
	}
	if m := undefFieldRE.FindStringSubmatch(msg); m != nil {
		fields := c.operandFields(env, parsed, id)
		if len(fields) == 0 {
			return msg
		}
		if s := diag.Suggest(m[1], fields); s != "" {
			return fmt.Sprintf("undefined field '%s'; did you mean '%s'?", m[1], s)
		}
		return fmt.Sprintf("undefined field '%s'; the fields are %s", m[1], strings.Join(fields, ", "))
	}
	if strings.HasPrefix(msg, "found no matching overload for '_/_'") && (strings.Contains(msg, "decimal") || strings.Contains(msg, "money")) {
		return msg + "; there is no / for exact numbers: write ratio(a, b, places), a divided by b rounded half-up to that many places"
	}
	if strings.HasPrefix(msg, "found no matching overload") && (strings.Contains(msg, "decimal") || strings.Contains(msg, "money")) &&
		(strings.Contains(msg, "double") || strings.Contains(msg, "int")) {
		return msg + `; plain numbers are not mixed with exact ones: write decimal("1.5") or money("100000.00"), or use a constant`
	}
	return msg
}

// selectChain returns the identifier with the given id followed by the
// fields selected from it: ["constants", "floor"] for constants.floor.
func selectChain(a *ast.AST, id int64) []string {
	var chain []string
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.IdentKind)) {
		if e.ID() != id {
			continue
		}
		chain = append(chain, e.AsIdent())
		for p, ok := e.Parent(); ok && p.Kind() == ast.SelectKind; p, ok = p.Parent() {
			chain = append(chain, p.AsSelect().FieldName())
		}
	}
	return chain
}

// operandFields finds the select expression with the given id, type-checks
// its operand on its own and returns the operand type's field names.
func (c *compiler) operandFields(env *cel.Env, parsed *cel.Ast, id int64) []string {
	a := parsed.NativeRep()
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.SelectKind)) {
		if e.ID() != id {
			continue
		}
		text, err := parser.Unparse(e.AsSelect().Operand(), a.SourceInfo())
		if err != nil {
			return nil
		}
		op, iss := env.Compile(text)
		if iss.Err() != nil {
			return nil
		}
		if o, ok := c.voc.provider.Object(op.OutputType().TypeName()); ok {
			return o.FieldNames()
		}
	}
	return nil
}

// explainItems lists the sub-expressions whose values explain an outcome:
// both sides of each comparison, and the values read from the input,
// constants and variables, outside loops, in source order.
func explainItems(a *cel.Ast) []explainItem {
	na := a.NativeRep()
	seen := map[string]bool{}
	var out []explainItem
	add := func(e ast.Expr) {
		if e.Kind() == ast.LiteralKind {
			return
		}
		text, err := parser.Unparse(e, na.SourceInfo())
		if err != nil || seen[text] {
			return
		}
		seen[text] = true
		out = append(out, explainItem{id: e.ID(), text: text})
	}
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		switch e.Kind() {
		case ast.CallKind:
			call := e.AsCall()
			switch call.FunctionName() {
			case "_<_", "_<=_", "_>_", "_>=_", "_==_", "_!=_", "@in":
				for _, arg := range call.Args() {
					add(arg)
				}
			}
			if call.IsMemberFunction() {
				walk(call.Target())
			}
			for _, arg := range call.Args() {
				walk(arg)
			}
		case ast.SelectKind:
			if na.ReferenceMap()[e.ID()] != nil || isFieldRead(na, e) {
				add(e)
				return
			}
			walk(e.AsSelect().Operand())
		case ast.IdentKind:
			add(e)
		case ast.ComprehensionKind:
			// Loop bodies see a different value each time; show what the
			// loop ran over.
			walk(e.AsComprehension().IterRange())
		case ast.ListKind:
			for _, el := range e.AsList().Elements() {
				walk(el)
			}
		}
	}
	walk(na.Expr())
	return out
}

// isFieldRead reports whether e is a chain of field selections from a
// declared variable (tender.weights.price), as opposed to one whose operand
// involves a loop variable or a call.
func isFieldRead(a *ast.AST, e ast.Expr) bool {
	for e.Kind() == ast.SelectKind {
		e = e.AsSelect().Operand()
	}
	return e.Kind() == ast.IdentKind && a.ReferenceMap()[e.ID()] != nil
}
