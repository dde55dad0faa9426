package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnnualReview(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(context.Background(), nil, &a))
	require.NoError(t, run(context.Background(), []string{"-data", t.TempDir()}, &b))
	assert.Equal(t, a.String(), b.String(), "the generated review is deterministic")
	out := a.String()
	for _, want := range []string{
		"# County Council social value annual review 2024/25",
		"CT-2024-012", "## Committed and delivered", "not started", "behind", "met",
		"carried forward", "### Rejected rows", "requires evidence",
	} {
		assert.Contains(t, out, want)
	}
	for _, f := range []string{"html", "json"} {
		var o bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"-format", f}, &o))
		assert.NotEmpty(t, o.String())
	}
	assert.Error(t, run(context.Background(), []string{"-format", "pdf"}, &bytes.Buffer{}))
}
