// Package celx holds the CEL plumbing behind package rules: the exact
// decimal and money value types with their operators and functions, a
// static cost estimator for them, a constant folder for literal
// constructors, and a small provider that exposes Go structs as typed CEL
// objects. Nothing here is part of the module's public API; it keeps cel-go
// types out of package rules' exported names.
//
// Numbers never pass through float64: decimals come from text (package
// dectext) or from exact Go decimals, and division happens only through
// ratio(a, b, scale) with an explicit scale, rounding half away from zero.
package celx

import (
	"fmt"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
)

// Limits that keep decimal arithmetic inside CEL bounded, whatever a rule
// author writes.
const (
	// MaxScale is the largest scale ratio() and round() accept.
	MaxScale = 30
	// MaxDigits bounds the digits of a computed decimal and MaxExponent the
	// magnitude of its exponent; a result beyond them is an evaluation error,
	// so that repeated multiplication cannot exhaust memory or time.
	MaxDigits   = 150
	MaxExponent = 150
)

var numberTraits = traits.AdderType | traits.ComparerType | traits.SubtractorType |
	traits.MultiplierType | traits.NegatorType

// DecimalType is the CEL type of exact decimal numbers, named "decimal".
var DecimalType = cel.OpaqueType("decimal").WithTraits(numberTraits)

// MoneyType is the CEL type of exact pounds sterling, named "money".
var MoneyType = cel.OpaqueType("money").WithTraits(numberTraits)

// Decimal is the CEL value of an exact decimal number. It holds a pointer
// so that it fits in an interface without an allocation: reading a decimal
// field of an input costs nothing. The decimal pointed to is never changed.
type Decimal struct{ p *decimal.Decimal }

// Money is the CEL value of an amount of pounds sterling (GBP); like
// Decimal, it is pointer-shaped.
type Money struct{ p *decimal.Decimal }

var zero decimal.Decimal

// NewDecimal returns the CEL value of d.
func NewDecimal(d decimal.Decimal) Decimal { return Decimal{&d} }

// DecimalAt returns the CEL value of *p without copying it; *p must not
// change while the value is in use.
func DecimalAt(p *decimal.Decimal) Decimal { return Decimal{p} }

// NewMoney returns the CEL value of d pounds.
func NewMoney(d decimal.Decimal) Money { return Money{&d} }

// MoneyAt returns the CEL value of *p pounds without copying it; *p must not
// change while the value is in use.
func MoneyAt(p *decimal.Decimal) Money { return Money{p} }

// D returns the number.
func (v Decimal) D() decimal.Decimal {
	if v.p == nil {
		return zero
	}
	return *v.p
}

// D returns the amount in pounds.
func (v Money) D() decimal.Decimal {
	if v.p == nil {
		return zero
	}
	return *v.p
}

// ParseDecimal reads s with the dectext grammar.
func ParseDecimal(s string) (Decimal, error) {
	d, err := dectext.Parse(s)
	return NewDecimal(d), err
}

// ParseMoney reads s (pounds, e.g. "100000.00") with the dectext grammar.
func ParseMoney(s string) (Money, error) {
	d, err := dectext.Parse(s)
	return NewMoney(d), err
}

// FormatDecimal renders d exactly, keeping its scale ("10.00" stays
// "10.00"), without consulting shopspring's package-level settings.
func FormatDecimal(d decimal.Decimal) string { return dectext.Format(d) }

// FormatMoney renders d as pounds with a thousands separator and at least two
// decimal places: "£100,000.00", "-£0.50", "£1.005".
func FormatMoney(d decimal.Decimal) string {
	if d.Sign() < 0 {
		return "-£" + dectext.Grouped(d.Neg(), 2)
	}
	return "£" + dectext.Grouped(d, 2)
}

func tooBig(d decimal.Decimal) bool {
	e := d.Exponent()
	return e < -MaxExponent || e > MaxExponent || d.NumDigits() > MaxDigits
}

func bigErr() ref.Val {
	return types.NewErr("number out of range: more than %d digits or an exponent beyond ±%d", MaxDigits, MaxExponent)
}

// ConvertToNative implements ref.Val.
func (v Decimal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeOf(decimal.Decimal{}):
		return v.D(), nil
	case reflect.TypeOf(v):
		return v, nil
	}
	return nil, fmt.Errorf("cannot convert decimal to %v", t)
}

// ConvertToType implements ref.Val.
func (v Decimal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.StringType:
		return types.String(FormatDecimal(v.D()))
	case DecimalType:
		return v
	case types.TypeType:
		return DecimalType
	}
	return types.NewErr("type conversion error from decimal to '%s'", t.TypeName())
}

// Equal implements ref.Val. Equal decimals of different scale are equal.
// A decimal compared with another kind of number (reached through dyn(),
// which the type checker cannot see through) is an error, not false, so
// that such a rule fails closed instead of quietly disagreeing.
func (v Decimal) Equal(o ref.Val) ref.Val {
	w, ok := o.(Decimal)
	if !ok {
		return mixedNumbers("decimal", o)
	}
	return types.Bool(v.D().Equal(w.D()))
}

// mixedNumbers is the result of comparing a decimal or money value for
// equality with o: an error when o is a number of another kind, else false.
func mixedNumbers(kind string, o ref.Val) ref.Val {
	switch o.(type) {
	case types.Int, types.Uint, types.Double, Decimal, Money:
		return types.NewErr("a %s cannot be compared with a %s: write both as %s(...)", kind, o.Type().TypeName(), kind)
	}
	return types.False
}

// Type implements ref.Val.
func (v Decimal) Type() ref.Type { return DecimalType }

// Value implements ref.Val.
func (v Decimal) Value() any { return v.D() }

// Compare implements traits.Comparer.
func (v Decimal) Compare(o ref.Val) ref.Val {
	w, ok := o.(Decimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return types.Int(v.D().Cmp(w.D()))
}

// Add implements traits.Adder.
func (v Decimal) Add(o ref.Val) ref.Val {
	w, ok := o.(Decimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return checkDecimal(v.D().Add(w.D()))
}

// Subtract implements traits.Subtractor.
func (v Decimal) Subtract(o ref.Val) ref.Val {
	w, ok := o.(Decimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return checkDecimal(v.D().Sub(w.D()))
}

// Multiply implements traits.Multiplier: decimal × decimal is a decimal and
// decimal × money is money.
func (v Decimal) Multiply(o ref.Val) ref.Val {
	switch w := o.(type) {
	case Decimal:
		return checkDecimal(v.D().Mul(w.D()))
	case Money:
		return checkMoney(v.D().Mul(w.D()))
	}
	return types.MaybeNoSuchOverloadErr(o)
}

// Negate implements traits.Negater.
func (v Decimal) Negate() ref.Val { return NewDecimal(v.D().Neg()) }

func checkDecimal(d decimal.Decimal) ref.Val {
	if tooBig(d) {
		return bigErr()
	}
	return NewDecimal(d)
}

func checkMoney(d decimal.Decimal) ref.Val {
	if tooBig(d) {
		return bigErr()
	}
	return NewMoney(d)
}

// ConvertToNative implements ref.Val.
func (v Money) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeOf(decimal.Decimal{}):
		return v.D(), nil
	case reflect.TypeOf(v):
		return v, nil
	}
	return nil, fmt.Errorf("cannot convert money to %v", t)
}

// ConvertToType implements ref.Val.
func (v Money) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.StringType:
		return types.String(FormatMoney(v.D()))
	case MoneyType:
		return v
	case types.TypeType:
		return MoneyType
	}
	return types.NewErr("type conversion error from money to '%s'", t.TypeName())
}

// Equal implements ref.Val; money compared with another kind of number is
// an error, as for Decimal.
func (v Money) Equal(o ref.Val) ref.Val {
	w, ok := o.(Money)
	if !ok {
		return mixedNumbers("money", o)
	}
	return types.Bool(v.D().Equal(w.D()))
}

// Type implements ref.Val.
func (v Money) Type() ref.Type { return MoneyType }

// Value implements ref.Val.
func (v Money) Value() any { return v.D() }

// Compare implements traits.Comparer.
func (v Money) Compare(o ref.Val) ref.Val {
	w, ok := o.(Money)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return types.Int(v.D().Cmp(w.D()))
}

// Add implements traits.Adder.
func (v Money) Add(o ref.Val) ref.Val {
	w, ok := o.(Money)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return checkMoney(v.D().Add(w.D()))
}

// Subtract implements traits.Subtractor.
func (v Money) Subtract(o ref.Val) ref.Val {
	w, ok := o.(Money)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return checkMoney(v.D().Sub(w.D()))
}

// Multiply implements traits.Multiplier: money × decimal is money.
func (v Money) Multiply(o ref.Val) ref.Val {
	w, ok := o.(Decimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return checkMoney(v.D().Mul(w.D()))
}

// Negate implements traits.Negater.
func (v Money) Negate() ref.Val { return NewMoney(v.D().Neg()) }
