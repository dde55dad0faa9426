package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/schema"
)

func TestSchemaCommand(t *testing.T) {
	stdout, stderr, code := runCLI(t, "schema", "Tender")
	require.Equal(t, exitOK, code, stderr)
	want, err := schema.JSON("Tender")
	require.NoError(t, err)
	assert.Equal(t, string(want), stdout)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.Equal(t, "toms tender", v["title"])

	_, stderr, code = runCLI(t, "schema", "Tenders")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `toms schema: "Tenders": no schema for this kind; the kinds are Bids, Contracts, Fixtures, Framework, Index, Profile, ProxyValues, RuleSet, RuleTest, Targets, Tender`)
	_, stderr, code = runCLI(t, "schema")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "toms schema: give one kind")
}
