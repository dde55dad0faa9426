package rules

import (
	"context"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/celx"
)

// Benchmarks of the default policy. Run them with
//
//	go test -run '^$' -bench . -benchmem -count 5 ./rules/
//
// BenchmarkCheck/cel and BenchmarkCheck/native evaluate the same three
// checks on the same tender in the same run; their ratio is the cost of CEL
// with its safety bounds on.

func benchTender() *Tender {
	d := decimal.RequireFromString
	return &Tender{ID: "T-1", ContractType: "contract", Value: d("2000000.00"),
		Weights:     Weights{Price: d("60"), Quality: d("30"), SocialValue: d("10")},
		SocialValue: SocialValue{Quantitative: d("5"), Qualitative: d("5")}}
}

// nativeCheck is the default policy written by hand in Go with decimal:
// the baseline CEL is measured against. It returns the same outcomes.
func nativeCheck(t *Tender, threshold, floor, total decimal.Decimal) Report {
	rep := Report{Verdicts: make([]Verdict, 0, 3)}
	st := StatusSkipped
	if t.Value.GreaterThan(threshold) {
		st = StatusFail
		if t.Weights.SocialValue.GreaterThanOrEqual(floor) {
			st = StatusPass
		}
	}
	rep.Verdicts = append(rep.Verdicts, Verdict{Rule: "sv-floor", Status: st, Severity: SeverityError})
	st = StatusFail
	if t.Weights.Price.Add(t.Weights.Quality).Add(t.Weights.SocialValue).Equal(total) {
		st = StatusPass
	}
	rep.Verdicts = append(rep.Verdicts, Verdict{Rule: "weights-total", Status: st, Severity: SeverityError})
	st = StatusFail
	if t.SocialValue.Quantitative.Add(t.SocialValue.Qualitative).Equal(t.Weights.SocialValue) {
		st = StatusPass
	}
	rep.Verdicts = append(rep.Verdicts, Verdict{Rule: "sv-split", Status: st, Severity: SeverityError})
	return rep
}

func BenchmarkCheck(b *testing.B) {
	set, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	in := Input{Tender: benchTender()}
	b.Run("cel", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rep, err := set.Check(ctx, in, CheckOptions{})
			if err != nil || rep.Failed() {
				b.Fatal(err, rep)
			}
		}
	})
	threshold, floor, total := decimal.RequireFromString("100000.00"), decimal.RequireFromString("10"), decimal.RequireFromString("100")
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rep := nativeCheck(in.Tender, threshold, floor, total)
			if rep.Failed() {
				b.Fatal(rep)
			}
		}
	})
	// A failing tender also renders messageExpr and the compared values.
	failing := benchTender()
	failing.Weights.SocialValue = decimal.RequireFromString("9.99")
	failing.Weights.Price = decimal.RequireFromString("60.01")
	failing.SocialValue.Quantitative = decimal.RequireFromString("4.99")
	b.Run("cel-failing", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rep, _ := set.Check(ctx, Input{Tender: failing}, CheckOptions{})
			if !rep.Failed() {
				b.Fatal(rep)
			}
		}
	})
}

// BenchmarkSafety compares ways to bound evaluation, on the default policy's
// three rule expressions with the library's activation:
//   - eval: plain Eval; the bound is the static cost estimate checked at load
//     (loop-free expressions cannot run long), which is what Check does;
//   - contexteval: ContextEval with InterruptCheckFrequency for every
//     expression (what Check does only for expressions with loops);
//   - costlimit: a runtime cost limit (OptTrackCost + CostLimit).
func BenchmarkSafety(b *testing.B) {
	set, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	t := benchTender()
	type variant struct {
		name string
		opts []cel.ProgramOption
		ctx  bool
	}
	for _, v := range []variant{
		{"eval", nil, false},
		{"contexteval", []cel.ProgramOption{cel.InterruptCheckFrequency(100)}, true},
		{"costlimit", []cel.ProgramOption{cel.EvalOptions(cel.OptTrackCost), cel.CostLimit(MaxRuleCost)}, false},
	} {
		var prgs []cel.Program
		for _, r := range set.rules {
			p, err := r.env.Program(r.exprAST, append([]cel.ProgramOption{celx.FoldLiterals()}, v.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			prgs = append(prgs, p)
		}
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				act := set.newActivation(ctx, t, nil, time.Time{})
				for _, p := range prgs {
					var out ref.Val
					var err error
					if v.ctx {
						out, _, err = p.ContextEval(ctx, act)
					} else {
						out, _, err = p.Eval(act)
					}
					if err != nil || out != types.True {
						b.Fatal(err, out)
					}
				}
			}
		})
	}
}

// BenchmarkCompileDefault measures loading the embedded default policy:
// parse the YAML, build the environment, compile and check every
// expression, estimate its cost and plan the programs.
func BenchmarkCompileDefault(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
