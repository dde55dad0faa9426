package celx_test

import (
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/internal/celx"
)

type box struct {
	v decimal.Decimal
	w *decimal.Decimal
}

func newEnv(t *testing.T) (*cel.Env, *celx.ObjectType) {
	t.Helper()
	obj := celx.NewObjectType("test.Box",
		celx.Field{Name: "v", Type: celx.MoneyType, Get: func(n any) ref.Val { return celx.MoneyAt(&n.(*box).v) }},
		celx.Field{Name: "w", Type: celx.DecimalType, Get: func(n any) ref.Val {
			if b := n.(*box); b.w != nil {
				return celx.DecimalAt(b.w)
			}
			return types.NewErr("w is not set")
		}, IsSet: func(n any) bool { return n.(*box).w != nil }},
	)
	base, err := cel.NewEnv(celx.Library(celx.LatestVersion))
	require.NoError(t, err)
	env, err := base.Extend(cel.CustomTypeProvider(celx.NewProvider(base.CELTypeProvider(), obj)),
		cel.Variable("box", obj.CELType()))
	require.NoError(t, err)
	return env, obj
}

func eval(t *testing.T, env *cel.Env, obj *celx.ObjectType, src string) (ref.Val, error) {
	t.Helper()
	ast, iss := env.Compile(src)
	require.NoError(t, iss.Err(), src)
	prg, err := env.Program(ast, celx.FoldLiterals())
	require.NoError(t, err)
	out, _, err := prg.Eval(map[string]any{"box": obj.Value(&box{v: decimal.RequireFromString("100000.01")})})
	return out, err
}

func TestArithmeticIsExact(t *testing.T) {
	env, obj := newEnv(t)
	tests := []struct{ expr, want string }{
		{`decimal("0.1") + decimal("0.2") == decimal("0.3")`, "true"},
		{`string(decimal("0.1") + decimal("0.2"))`, "0.3"},
		{`string(decimal("10.00") - decimal("0.01"))`, "9.99"},
		{`decimal("9.99") < decimal("10")`, "true"},
		{`decimal("10.00") == decimal("10")`, "true"},
		{`decimal("10.00") >= decimal(10)`, "true"},
		{`string(box.v * decimal("0.1"))`, "£10,000.001"},
		{`string(decimal("0.1") * box.v)`, "£10,000.001"},
		{`string(box.v + money("0.99"))`, "£100,001.00"},
		{`string(-box.v)`, "-£100,000.01"},
		{`box.v > money("100000.00")`, "true"},
		{`string(ratio(money("1"), money("3"), 4))`, "0.3333"},
		{`string(ratio(money("2"), money("3"), 2))`, "0.67"},
		{`string(ratio(decimal("-2"), decimal("3"), 2))`, "-0.67"},
		{`string(ratio(decimal("1"), decimal("8"), 2))`, "0.13"},   // 0.125 rounds half away from zero
		{`string(ratio(decimal("-1"), decimal("8"), 2))`, "-0.13"}, // and so does -0.125
		{`string(ratio(box.v, decimal("2"), 2))`, "£50,000.01"},    // 50,000.005 → 50,000.01
		{`string(decimal("2.345").round(2))`, "2.35"},
		{`string(money("-2.345").round(2))`, "-£2.35"},
		{`string(money("-3").abs())`, "£3.00"},
		{`string(decimal(money("12.50")))`, "12.50"},
		{`string(money(decimal("7")))`, "£7.00"},
		{`has(box.w)`, "false"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			out, err := eval(t, env, obj, tt.expr)
			require.NoError(t, err)
			assert.Equal(t, tt.want, out.ConvertToType(types.StringType).Value())
		})
	}
}

func TestEvaluationErrors(t *testing.T) {
	env, obj := newEnv(t)
	tests := []struct{ expr, msg string }{
		{`ratio(box.v, money("0"), 2) > decimal(0)`, "division by zero in ratio(100000.01, 0, 2)"},
		{`ratio(decimal(1), decimal(3), 31) > decimal(0)`, "scale 31 is out of range 0..30"},
		{`decimal(1).round(-1) > decimal(0)`, "scale -1 is out of range"},
		{`box.w > decimal(1)`, "w is not set"},
		{`decimal("1e30") * decimal("1e30") * decimal("1e30") * decimal("1e30") * decimal("1e30") * decimal("1e30") > decimal(0)`, "number out of range"},
		{`decimal(string(box.v)) > decimal(0)`, `"£100,000.01": not a decimal number`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := eval(t, env, obj, tt.expr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestTypeErrorsAtCompileTime(t *testing.T) {
	env, _ := newEnv(t)
	tests := []struct{ expr, msg string }{
		{`decimal("1") > 1.0`, "found no matching overload for '_>_' applied to '(decimal, double)'"},
		{`decimal("1") + 1`, "'(decimal, int)'"},
		{`box.v > decimal("1")`, "'(money, decimal)'"},
		{`box.v * box.v`, "'(money, money)'"},
		{`box.v / decimal("2")`, "'_/_'"},
		{`decimal(1.5)`, "found no matching overload for 'decimal' applied to '(double)'"},
		{`decimal("1.2.3") > decimal(0)`, `decimal("1.2.3"): "1.2.3": not a decimal number`},
		{`money("012") > box.v`, "leading zero"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, iss := env.Compile(tt.expr)
			require.Error(t, iss.Err())
			assert.Contains(t, iss.Err().Error(), tt.msg)
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ in, dec, money string }{
		{"0", "0", "£0.00"},
		{"1234567.5", "1234567.5", "£1,234,567.50"},
		{"-0.005", "-0.005", "-£0.005"},
		{"100000.00", "100000.00", "£100,000.00"},
		{"1e3", "1000", "£1,000.00"},
	}
	for _, tt := range tests {
		d := decimal.RequireFromString(tt.in)
		assert.Equal(t, tt.dec, celx.FormatDecimal(d), tt.in)
		assert.Equal(t, tt.money, celx.FormatMoney(d), tt.in)
	}
}

func TestEstimatorBoundsLoops(t *testing.T) {
	base, err := cel.NewEnv(celx.Library(celx.LatestVersion), cel.Variable("xs", cel.ListType(cel.StringType)),
		cel.Constant("ks", cel.ListType(cel.StringType), types.NewStringList(types.DefaultTypeAdapter, []string{"a", "b"})))
	require.NoError(t, err)
	est := celx.Estimator{MaxListSize: 100, MaxStringSize: 50, Known: map[string]uint64{"ks": 2}}
	cost := func(src string) uint64 {
		ast, iss := base.Compile(src)
		require.NoError(t, iss.Err())
		c, err := base.EstimateCost(ast, est)
		require.NoError(t, err)
		return c.Max
	}
	one, two := cost(`xs.all(x, x != "")`), cost(`xs.all(x, xs.all(y, x != y))`)
	assert.Less(t, one, uint64(1000))
	assert.Greater(t, two, 50*one, "nested loops cost about MaxListSize times more")
	assert.Less(t, cost(`ks.all(k, k != "")`), uint64(20), "a known size replaces the maximum")
	assert.Less(t, cost(`decimal("1") + decimal("2") == decimal("3")`), uint64(10))
}
