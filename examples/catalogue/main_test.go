package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()
	// 120 × 16.93 = 2,031.60; 7.5 × 101.00 = 757.50; 12.5 × 256 = 3,200.00;
	// 40 × 17.40 = 696.00; total 2,031.60 + 757.50 + 3,200.00 + 696.00 = 6,685.10.
	assert.Contains(t, got, "£   2031.60")
	assert.Contains(t, got, "£    757.50")
	assert.Contains(t, got, "£   3200.00")
	assert.Contains(t, got, "£    696.00")
	assert.Contains(t, got, "Total social value (proxy £, not cash): £6685.10")
	assert.Contains(t, got, "sme-spend")
	assert.Contains(t, got, "reported in its own unit")
}
