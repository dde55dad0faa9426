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
	// Kestrel: price 40 × 1,032,750/1,095,500 = 37.71; quality 20×4/5 + 10×3/5 + 10×4/5 = 30;
	// social value 10 × 21,772/22,278 + 10 × 5/5 = 19.77; total 87.48.
	assert.Contains(t, got, "1. Kestrel Civils")
	assert.Contains(t, got, "total  87.48")
	assert.Contains(t, got, "Most advantageous tender: Kestrel Civils, 87.48 points")
}

func TestExampleReportsBadInput(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), "testdata-does-not-exist.yaml", &out)
	assert.Error(t, err)
}
