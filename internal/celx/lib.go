package celx

import (
	"fmt"
	"math"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/overloads"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	"github.com/shopspring/decimal"
)

// Overload ids of the library's functions, stable across versions.
const (
	overStringToDecimal = "string_to_decimal"
	overIntToDecimal    = "int_to_decimal"
	overMoneyToDecimal  = "money_to_decimal"
	overStringToMoney   = "string_to_money"
	overDecimalToMoney  = "decimal_to_money"
	overRatioDecimal    = "ratio_decimal_decimal_int"
	overRatioMoney      = "ratio_money_money_int"
	overRatioMoneyDec   = "ratio_money_decimal_int"
	overRoundDecimal    = "decimal_round_int"
	overRoundMoney      = "money_round_int"
	overAbsDecimal      = "decimal_abs"
	overAbsMoney        = "money_abs"
	overDecimalToString = "decimal_to_string"
	overMoneyToString   = "money_to_string"
)

// LatestVersion is the newest version of the library. A version, once
// released, never changes: a new function or overload comes in a new
// version, and a rule vocabulary (package rules' apiVersion) names the
// library version it was built with, as Kubernetes' CEL libraries do.
const LatestVersion = 1

// Library returns the env options of the decimal and money vocabulary of
// the given version (1..LatestVersion):
//
// Version 1:
//   - types decimal and money (pounds sterling);
//   - decimal(string), decimal(int), decimal(money), money(string),
//     money(decimal), string(decimal), string(money);
//   - < <= > >= == != on two decimals or two moneys; + and - on two of a
//     kind; decimal*decimal, money*decimal, decimal*money; unary minus;
//   - ratio(a, b, scale): a/b rounded half away from zero to scale places
//     (0..MaxScale); money/money and decimal/decimal give a decimal,
//     money/decimal gives money; a zero divisor is an evaluation error;
//   - x.round(places) half away from zero, x.abs();
//   - no floating point: an expression with a value of type double
//     (10.0, double(x)) is a compile error pointing to decimal(...);
//   - matches(text, pattern) only with a pattern written in the rule, whose
//     compiled size bounds its cost (see Estimator).
//
// Mixing a decimal with a double or an int is a type error at compile time.
func Library(version int) cel.EnvOption {
	if version < 1 || version > LatestVersion {
		return func(*cel.Env) (*cel.Env, error) {
			return nil, fmt.Errorf("celx: library version %d does not exist (1..%d)", version, LatestVersion)
		}
	}
	d, m, b, s, i := DecimalType, MoneyType, types.BoolType, types.StringType, types.IntType
	cmp := func(op, name string) cel.EnvOption {
		return cel.Function(op,
			cel.Overload(name+"_decimal", []*cel.Type{d, d}, b),
			cel.Overload(name+"_money", []*cel.Type{m, m}, b))
	}
	return cel.Lib(lib{version: version, opts: []cel.EnvOption{
		cel.Types(d, m),
		cmp("_<_", "less"), cmp("_<=_", "less_equals"), cmp("_>_", "greater"), cmp("_>=_", "greater_equals"),
		cel.Function("_+_",
			cel.Overload("add_decimal", []*cel.Type{d, d}, d),
			cel.Overload("add_money", []*cel.Type{m, m}, m)),
		cel.Function("_-_",
			cel.Overload("subtract_decimal", []*cel.Type{d, d}, d),
			cel.Overload("subtract_money", []*cel.Type{m, m}, m)),
		cel.Function("_*_",
			cel.Overload("multiply_decimal", []*cel.Type{d, d}, d),
			cel.Overload("multiply_money_decimal", []*cel.Type{m, d}, m),
			cel.Overload("multiply_decimal_money", []*cel.Type{d, m}, m)),
		cel.Function("-_",
			cel.Overload("negate_decimal", []*cel.Type{d}, d),
			cel.Overload("negate_money", []*cel.Type{m}, m)),
		cel.Function("decimal",
			cel.Overload(overStringToDecimal, []*cel.Type{s}, d, cel.UnaryBinding(stringToDecimal)),
			cel.Overload(overIntToDecimal, []*cel.Type{i}, d, cel.UnaryBinding(intToDecimal)),
			cel.Overload(overMoneyToDecimal, []*cel.Type{m}, d, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return Decimal(v.(Money))
			}))),
		cel.Function("money",
			cel.Overload(overStringToMoney, []*cel.Type{s}, m, cel.UnaryBinding(stringToMoney)),
			cel.Overload(overDecimalToMoney, []*cel.Type{d}, m, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return Money(v.(Decimal))
			}))),
		cel.Function("string",
			cel.Overload(overDecimalToString, []*cel.Type{d}, s, cel.UnaryBinding(toString)),
			cel.Overload(overMoneyToString, []*cel.Type{m}, s, cel.UnaryBinding(toString))),
		cel.Function("ratio",
			cel.Overload(overRatioDecimal, []*cel.Type{d, d, i}, d, cel.FunctionBinding(ratio)),
			cel.Overload(overRatioMoney, []*cel.Type{m, m, i}, d, cel.FunctionBinding(ratio)),
			cel.Overload(overRatioMoneyDec, []*cel.Type{m, d, i}, m, cel.FunctionBinding(ratio))),
		cel.Function("round",
			cel.MemberOverload(overRoundDecimal, []*cel.Type{d, i}, d, cel.BinaryBinding(round)),
			cel.MemberOverload(overRoundMoney, []*cel.Type{m, i}, m, cel.BinaryBinding(round))),
		cel.Function("abs",
			cel.MemberOverload(overAbsDecimal, []*cel.Type{d}, d, cel.UnaryBinding(abs)),
			cel.MemberOverload(overAbsMoney, []*cel.Type{m}, m, cel.UnaryBinding(abs))),
		cel.ASTValidators(literalValidator{}, noFloatValidator{}, regexValidator{}),
	}})
}

// OverloadCosts is the static cost of each overload of the library, in the
// estimator's units (about one CEL operation). Decimals are bounded
// (MaxDigits, MaxExponent), so every operation on them is bounded too;
// a test checks that every overload the library declares is listed here,
// so that none is costed by a guess.
var OverloadCosts = map[string]uint64{
	"less_decimal": 1, "less_money": 1, "less_equals_decimal": 1, "less_equals_money": 1,
	"greater_decimal": 1, "greater_money": 1, "greater_equals_decimal": 1, "greater_equals_money": 1,
	"add_decimal": 1, "add_money": 1, "subtract_decimal": 1, "subtract_money": 1,
	"multiply_decimal": 2, "multiply_money_decimal": 2, "multiply_decimal_money": 2,
	"negate_decimal": 1, "negate_money": 1,
	overStringToDecimal: 2, overIntToDecimal: 1, overMoneyToDecimal: 1,
	overStringToMoney: 2, overDecimalToMoney: 1,
	overDecimalToString: 1, overMoneyToString: 1,
	overRatioDecimal: 4, overRatioMoney: 4, overRatioMoneyDec: 4,
	overRoundDecimal: 1, overRoundMoney: 1, overAbsDecimal: 1, overAbsMoney: 1,
}

type lib struct {
	version int
	opts    []cel.EnvOption
}

func (l lib) LibraryName() string                 { return "toms.decimal.v" + strconv.Itoa(l.version) }
func (l lib) CompileOptions() []cel.EnvOption     { return l.opts }
func (l lib) ProgramOptions() []cel.ProgramOption { return nil }

func stringToDecimal(v ref.Val) ref.Val {
	s, ok := v.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(v)
	}
	d, err := ParseDecimal(string(s))
	if err != nil {
		return types.NewErr("decimal: %v", err)
	}
	return d
}

func stringToMoney(v ref.Val) ref.Val {
	s, ok := v.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(v)
	}
	d, err := ParseMoney(string(s))
	if err != nil {
		return types.NewErr("money: %v", err)
	}
	return d
}

func intToDecimal(v ref.Val) ref.Val {
	n, ok := v.(types.Int)
	if !ok {
		return types.MaybeNoSuchOverloadErr(v)
	}
	return NewDecimal(decimal.NewFromInt(int64(n)))
}

func toString(v ref.Val) ref.Val { return v.ConvertToType(types.StringType) }

func scaleArg(v ref.Val) (int32, ref.Val) {
	n, ok := v.(types.Int)
	if !ok {
		return 0, types.MaybeNoSuchOverloadErr(v)
	}
	if n < 0 || n > MaxScale {
		return 0, types.NewErr("scale %d is out of range 0..%d", int64(n), MaxScale)
	}
	return int32(n), nil
}

func ratio(args ...ref.Val) ref.Val {
	if len(args) != 3 {
		return types.NoSuchOverloadErr()
	}
	scale, errv := scaleArg(args[2])
	if errv != nil {
		return errv
	}
	var a, b decimal.Decimal
	money := false
	switch x := args[0].(type) {
	case Decimal:
		a = x.D()
	case Money:
		a = x.D()
		_, money = args[1].(Decimal)
	default:
		return types.MaybeNoSuchOverloadErr(args[0])
	}
	switch y := args[1].(type) {
	case Decimal:
		b = y.D()
	case Money:
		b = y.D()
	default:
		return types.MaybeNoSuchOverloadErr(args[1])
	}
	if b.IsZero() {
		return types.NewErr("division by zero in ratio(%s, %s, %d)",
			FormatDecimal(a), FormatDecimal(b), scale)
	}
	q := a.DivRound(b, scale)
	if money {
		return checkMoney(q)
	}
	return checkDecimal(q)
}

func round(v, places ref.Val) ref.Val {
	p, errv := scaleArg(places)
	if errv != nil {
		return errv
	}
	switch x := v.(type) {
	case Decimal:
		return checkDecimal(x.D().Round(p))
	case Money:
		return checkMoney(x.D().Round(p))
	}
	return types.MaybeNoSuchOverloadErr(v)
}

func abs(v ref.Val) ref.Val {
	switch x := v.(type) {
	case Decimal:
		return NewDecimal(x.D().Abs())
	case Money:
		return NewMoney(x.D().Abs())
	}
	return types.MaybeNoSuchOverloadErr(v)
}

// literalValidator reports decimal("…") and money("…") calls whose literal
// text is not a number at compile time, at the literal's position.
type literalValidator struct{}

func (literalValidator) Name() string { return "toms.decimal.literals" }

func (literalValidator) Validate(_ *cel.Env, _ cel.ValidatorConfig, a *ast.AST, iss *cel.Issues) {
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.FunctionMatcher("decimal")) {
		checkLiteral(e, a, iss, "decimal")
	}
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.FunctionMatcher("money")) {
		checkLiteral(e, a, iss, "money")
	}
}

func checkLiteral(e ast.NavigableExpr, a *ast.AST, iss *cel.Issues, fn string) {
	call := e.AsCall()
	if len(call.Args()) != 1 || call.Args()[0].Kind() != ast.LiteralKind {
		return
	}
	arg := call.Args()[0]
	s, ok := arg.AsLiteral().(types.String)
	if !ok {
		return
	}
	if _, err := ParseDecimal(string(s)); err != nil {
		iss.ReportErrorAtID(arg.ID(), "%s(%q): %v", fn, string(s), err)
	}
}

// FoldLiterals returns a program option that evaluates decimal(…) and
// money(…) calls with constant arguments once, when the program is planned,
// instead of parsing the text on every evaluation.
func FoldLiterals() cel.ProgramOption {
	return cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		call, ok := i.(interpreter.InterpretableCall)
		if !ok {
			return i, nil
		}
		var fn func(ref.Val) ref.Val
		switch call.OverloadID() {
		case overStringToDecimal:
			fn = stringToDecimal
		case overIntToDecimal:
			fn = intToDecimal
		case overStringToMoney:
			fn = stringToMoney
		default:
			return i, nil
		}
		args := call.Args()
		if len(args) != 1 {
			return i, nil
		}
		c, ok := args[0].(interpreter.InterpretableConst)
		if !ok {
			return i, nil
		}
		v := fn(c.Value())
		if types.IsError(v) {
			return i, nil
		}
		return interpreter.NewConstValue(i.ID(), v), nil
	})
}

// Estimator is a checker.CostEstimator for the library's functions. It
// assumes that no list, map or string in the input is longer than the
// stated maxima; the caller must enforce them on the data it evaluates.
type Estimator struct {
	MaxListSize   uint64 // elements in any list or map
	MaxStringSize uint64 // characters in any string
	// Known gives exact sizes of named values, such as constants, by their
	// dotted path ("constants.skillsMeasures").
	Known map[string]uint64
}

var _ checker.CostEstimator = Estimator{}

// EstimateSize implements checker.CostEstimator.
func (e Estimator) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	if n.ComputedSize() != nil {
		return nil
	}
	if p := n.Path(); len(p) > 0 && e.Known != nil {
		if size, ok := e.Known[strings.Join(p, ".")]; ok {
			return &checker.SizeEstimate{Min: size, Max: size}
		}
	}
	switch n.Type().Kind() {
	case types.ListKind, types.MapKind:
		return &checker.SizeEstimate{Min: 0, Max: e.MaxListSize}
	case types.StringKind, types.BytesKind:
		return &checker.SizeEstimate{Min: 0, Max: e.MaxStringSize}
	}
	return nil
}

// EstimateCallCost implements checker.CostEstimator: every overload of
// the library costs what OverloadCosts says, and matches costs (text
// length + 1) × the number of instructions of its compiled pattern, the
// bound of RE2's linear-time matching. Other functions are left to
// cel-go's own estimates.
func (e Estimator) EstimateCallCost(function, overloadID string, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
	switch overloadID {
	case overDecimalToString, overMoneyToString:
		// At most MaxDigits digits, a sign, a point, a pound sign and commas.
		size := checker.SizeEstimate{Min: 1, Max: 2*MaxDigits + MaxExponent}
		return &checker.CallEstimate{CostEstimate: checker.FixedCostEstimate(OverloadCosts[overloadID]), ResultSize: &size}
	case overloads.Matches, overloads.MatchesString:
		text, pattern := matchArgs(overloadID, target, args)
		if text == nil || pattern == nil {
			return nil
		}
		insts, ok := patternSize(pattern.Expr())
		if !ok {
			// Not a literal: the validator reports it; make it over any limit.
			return &checker.CallEstimate{CostEstimate: checker.FixedCostEstimate(math.MaxUint64)}
		}
		n := e.MaxStringSize
		if sz := text.ComputedSize(); sz != nil {
			n = sz.Max
		} else if sz := e.EstimateSize(text); sz != nil {
			n = sz.Max
		}
		c := satMul(n+1, uint64(insts))
		return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: c}}
	}
	if c, ok := OverloadCosts[overloadID]; ok {
		return &checker.CallEstimate{CostEstimate: checker.FixedCostEstimate(c)}
	}
	// == and != are CEL's own (one generic overload each); on two decimals
	// or two moneys they compare bounded numbers.
	if (overloadID == overloads.Equals || overloadID == overloads.NotEquals) && len(args) == 2 && isNumber(args[0].Type()) {
		return &checker.CallEstimate{CostEstimate: checker.FixedCostEstimate(1)}
	}
	return nil
}

func satMul(a, b uint64) uint64 {
	if a != 0 && b > math.MaxUint64/a {
		return math.MaxUint64
	}
	return a * b
}

// matchArgs returns the text and the pattern of a matches call.
func matchArgs(overloadID string, target *checker.AstNode, args []checker.AstNode) (text, pattern checker.AstNode) {
	switch {
	case overloadID == overloads.MatchesString && target != nil && len(args) == 1:
		return *target, args[0]
	case overloadID == overloads.Matches && target == nil && len(args) == 2:
		return args[0], args[1]
	}
	return nil, nil
}

// MaxPatternInsts bounds the compiled size of a matches pattern.
const MaxPatternInsts = 1000

// patternSize returns the number of instructions of the compiled literal
// pattern in e, and false when e is not a literal or does not compile.
func patternSize(e ast.Expr) (int, bool) {
	if e == nil || e.Kind() != ast.LiteralKind {
		return 0, false
	}
	s, ok := e.AsLiteral().(types.String)
	if !ok {
		return 0, false
	}
	re, err := syntax.Parse(string(s), syntax.Perl)
	if err != nil {
		return 0, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return 0, false
	}
	return len(prog.Inst), true
}

// noFloatValidator rejects every value of type double, and dyn(), which
// would let a rule compare a decimal with a plain number unchecked: a rule
// must never compare inexactly.
type noFloatValidator struct{}

func (noFloatValidator) Name() string { return "toms.no-float" }

func (noFloatValidator) Validate(_ *cel.Env, _ cel.ValidatorConfig, a *ast.AST, iss *cel.Issues) {
	isDouble := func(e ast.Expr) bool {
		t := a.GetType(e.ID())
		return t != nil && t.Kind() == types.DoubleKind
	}
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), func(e ast.NavigableExpr) bool { return isDouble(e) }) {
		if p, ok := e.Parent(); ok && isDouble(p) {
			continue // reported at the outermost double
		}
		iss.ReportErrorAtID(e.ID(), "floating-point numbers (double) are not part of the rule vocabulary, because they compare inexactly; "+
			`write decimal("10.5") or money("100000.00"), or use a constant`)
	}
	// dyn() hides a value's type from the checker: decimal == dyn(20)
	// would compile and then be quietly false (and != quietly true).
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.FunctionMatcher("dyn")) {
		iss.ReportErrorAtID(e.ID(), "dyn() is not part of the rule vocabulary: it hides a value's type, so a decimal could be compared with a plain number; "+
			`write decimal("20") or money("100000.00"), or use a constant`)
	}
}

// regexValidator requires the pattern of matches to be written in the rule
// as text and to compile within MaxPatternInsts instructions, so that the
// estimator can bound its cost.
type regexValidator struct{}

func (regexValidator) Name() string { return "toms.matches" }

func (regexValidator) Validate(_ *cel.Env, _ cel.ValidatorConfig, a *ast.AST, iss *cel.Issues) {
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.FunctionMatcher(overloads.Matches)) {
		call := e.AsCall()
		args := call.Args()
		if len(args) == 0 {
			continue
		}
		pat := args[len(args)-1]
		lit, ok := pat.AsLiteral().(types.String)
		if pat.Kind() != ast.LiteralKind || !ok {
			iss.ReportErrorAtID(pat.ID(), "matches needs its pattern written in the rule as text (for example matches(tender.id, \"^T-[0-9]+$\")), so that its cost can be bounded")
			continue
		}
		re, err := syntax.Parse(string(lit), syntax.Perl)
		if err != nil {
			iss.ReportErrorAtID(pat.ID(), "the pattern %q is not a regular expression: %v", string(lit), err)
			continue
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil || len(prog.Inst) > MaxPatternInsts {
			iss.ReportErrorAtID(pat.ID(), "the pattern %q is too complex (more than %d instructions once compiled); simplify it", string(lit), MaxPatternInsts)
		}
	}
}

func isNumber(t *types.Type) bool {
	return t != nil && (t.IsExactType(DecimalType) || t.IsExactType(MoneyType))
}
