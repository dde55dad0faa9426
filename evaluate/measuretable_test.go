package evaluate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
)

// Validation resolves each commitment's measure once per tender, guessing
// it from the previous bid's commitment at the same position; bids that
// name their measures in other orders, or fewer or more of them, are
// valued the same, and a measure named twice is found wherever it is.
func TestMeasuresInAnyOrder(t *testing.T) {
	c := func(m, q string) evaluate.Commitment { return evaluate.Commitment{Measure: m, Quantity: d(q)} }
	tn := design("50", []evaluate.QualityCriterion{qc("q", "40", "5")},
		evaluate.SocialValueCriterion{Weight: d("10"), QuantitativeWeight: d("10")})
	q := map[string]string{"q": "5"}
	bids := []evaluate.Bid{
		bid("A", "100", q, nil, c("pounds", "100"), c("hours", "10")),
		bid("B", "100", q, nil, c("hours", "10"), c("pounds", "100")),                  // swapped
		bid("C", "100", q, nil, c("count", "3"), c("hours", "10"), c("pounds", "100")), // a new measure first
		bid("D", "100", q, nil, c("hours", "20")),                                      // fewer
	}
	res := run(t, tn, bids...)
	// A, B and C: £100 + 10 × £16.93 = £269.30; D: 20 × £16.93 = £338.60.
	for _, name := range []string{"A", "B", "C"} {
		assert.Equal(t, "269.3", bySupplier(t, res, name).SocialValue.Value.String(), name)
	}
	assert.Equal(t, "338.6", bySupplier(t, res, "D").SocialValue.Value.String())
	var ids []string
	for _, m := range res.Measures {
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"pounds", "hours", "count"}, ids, "in the order first named")

	bids = append(bids, bid("E", "100", q, nil, c("hours", "1"), c("count", "1"), c("pounds", "1"), c("hours", "2")))
	_, err := evaluate.Evaluate(context.Background(), tn, bids, testFramework(t), evaluate.Options{SkipPolicy: true})
	require.ErrorIs(t, err, evaluate.ErrInvalid)
	assert.Contains(t, err.Error(), `bids[4].socialValue.commitments[3].measure: measure "hours" is already committed to (commitments[0])`)
	assert.NotContains(t, err.Error(), "bids[3]", "the same measure in another bid is not a duplicate")
}
