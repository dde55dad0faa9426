package celx_test

import (
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/internal/celx"
)

// Every overload the library adds has an explicit cost: none is left to a
// guess.
func TestEveryOverloadHasACost(t *testing.T) {
	plain, err := cel.NewEnv()
	require.NoError(t, err)
	standard := map[string]bool{}
	for _, fn := range plain.Functions() {
		for _, o := range fn.OverloadDecls() {
			standard[o.ID()] = true
		}
	}
	env, err := cel.NewEnv(celx.Library(celx.LatestVersion))
	require.NoError(t, err)
	n := 0
	for name, fn := range env.Functions() {
		for _, o := range fn.OverloadDecls() {
			if standard[o.ID()] {
				continue
			}
			n++
			_, ok := celx.OverloadCosts[o.ID()]
			assert.Truef(t, ok, "overload %s of %s has no entry in OverloadCosts", o.ID(), name)
		}
	}
	assert.Equal(t, len(celx.OverloadCosts), n, "OverloadCosts lists only overloads the library declares")
}

func TestUnknownLibraryVersion(t *testing.T) {
	_, err := cel.NewEnv(celx.Library(celx.LatestVersion + 1))
	assert.ErrorContains(t, err, "celx: library version 2 does not exist (1..1)")
	_, err = cel.NewEnv(celx.Library(0))
	assert.Error(t, err)
}
