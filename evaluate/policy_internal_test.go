package evaluate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// The default policy is compiled once per process: Options{} (nil Rules)
// and Check with a nil set share one immutable set.
func TestDefaultPolicyCompiledOnce(t *testing.T) {
	a, err := policySet(nil, false)
	require.NoError(t, err)
	b, err := policySet(nil, false)
	require.NoError(t, err)
	require.Same(t, a, b)
	require.NotEmpty(t, a.Rules())
}

// BenchmarkEvaluateDefaultPolicy measures a small evaluation with the
// default policy (Options{}): the policy check, not compiling the rules,
// should dominate.
//
//	go test -run '^$' -bench EvaluateDefaultPolicy -benchmem ./evaluate/
func BenchmarkEvaluateDefaultPolicy(b *testing.B) {
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	if err != nil {
		b.Fatal(err)
	}
	t := benchTender(Highest)
	bids, _ := benchBids(10, Highest)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Evaluate(context.Background(), t, bids, fw, Options{ScoreAnyway: true}); err != nil {
			b.Fatal(err)
		}
	}
}
