package measure

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
)

// endlessState is a state that never ends: "{" and then spaces.
type endlessState struct{ started bool }

func (e *endlessState) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	if !e.started && len(p) > 0 {
		p[0], e.started = '{', true
	}
	return len(p), nil
}

// A state beyond MaxStateBytes is refused before it is decoded, with a
// problem that matches diag.ErrTooLarge and ErrState, and changes nothing;
// one within the limit merges as usual.
func TestReadStateSizeLimit(t *testing.T) {
	fw := testFramework(t)
	src := NewAggregator(fw, Options{})
	_, err := readString(t, src, "x.csv", handWorked, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	var state bytes.Buffer
	require.NoError(t, src.WriteState(&state))
	size := int64(state.Len())

	small := NewAggregator(fw, Options{MaxStateBytes: size - 1})
	err = small.ReadState(bytes.NewReader(state.Bytes()), "part.json")
	require.Error(t, err)
	assert.True(t, errors.Is(err, diag.ErrTooLarge), "%v", err)
	assert.True(t, errors.Is(err, ErrState), "%v", err)
	var d *diag.Diagnostic
	require.True(t, errors.As(err, &d))
	assert.Equal(t, "part.json", d.File)
	assert.Empty(t, small.Result().Cells, "a refused state changes nothing")

	exact := NewAggregator(fw, Options{MaxStateBytes: size})
	require.NoError(t, exact.ReadState(bytes.NewReader(state.Bytes()), "part.json"))
	assert.Equal(t, src.Result().Totals(), exact.Result().Totals())

	// An endless stream stops at the limit instead of filling memory.
	err = NewAggregator(fw, Options{MaxStateBytes: 1 << 20}).ReadState(&endlessState{}, "endless.json")
	assert.True(t, errors.Is(err, diag.ErrTooLarge), "%v", err)
}
