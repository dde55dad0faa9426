package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleRuns(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), defaultTender(), &out))
	got := out.String()
	assert.Contains(t, got, "HW-2025-014: Highways maintenance term contract 2025-2029")
	assert.Contains(t, got, "policy sv-floor       pass")
	// Method measures, weights 1 but local-apprentices 2 (Σ = 7), local-sme-spend
	// against a target of £150,000, the others against the best offer.
	// Kestrel: price 40 × 1,032,750/1,095,500 = 37.71; quality 20×4/5 + 10×3/5 + 10×4/5 = 30;
	// social value 10 × (expert 0 + resources 15,000/15,000 + volunteering 400/600
	// + 2 × apprentices 3/4 + SME spend min(1, 180,000/150,000) + schools 6/6) / 7
	// = 10 × 5.1666…/7 = 7.38, + 10 × 5/5 = 17.38; total 85.09.
	// Its apprentices, SME spend and schools have no £ proxy, yet earn 5/7 of its 7.38.
	assert.Contains(t, got, "1. Kestrel Civils")
	assert.Contains(t, got, "social value  17.38")
	assert.Contains(t, got, "total  85.09")
	// Northgate: 10 × (1 + 0 + 1 + 2 × 1 + 0 + 0) / 7 = 5.71, + 10 × 4/5 = 13.71.
	assert.Contains(t, got, "social value  13.71")
	assert.Contains(t, got, "Most advantageous tender: Kestrel Civils, 85.09 points")
}

func TestExampleReportsBadInput(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), "testdata-does-not-exist.yaml", &out)
	assert.Error(t, err)
}
