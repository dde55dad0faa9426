package measure

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/stream"
)

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
	err = NewAggregator(fw, Options{MaxStateBytes: 1 << 20}).ReadState(stream.NewEndless("{", ' '), "endless.json")
	assert.True(t, errors.Is(err, diag.ErrTooLarge), "%v", err)
}

// A merge refuses what it cannot count exactly: the same state twice (its
// files would be counted twice), and a cell whose social value is not its
// quantity times the framework's proxy value (an edited state).
func TestReadStateRefusesOverlapAndEdits(t *testing.T) {
	fw := testFramework(t)
	src := NewAggregator(fw, Options{})
	_, err := readString(t, src, "x.csv", handWorked, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	var state bytes.Buffer
	require.NoError(t, src.WriteState(&state))

	twice := NewAggregator(fw, Options{})
	require.NoError(t, twice.ReadState(bytes.NewReader(state.Bytes()), "a.state"))
	before := twice.Result().Totals()
	err = twice.ReadState(bytes.NewReader(state.Bytes()), "b.state")
	require.ErrorIs(t, err, ErrMerge)
	assert.Contains(t, err.Error(), "b.state: cannot merge aggregators: the state counts x.csv, which this report has already counted")
	assert.Equal(t, before, twice.Result().Totals(), "a refused state changes nothing")

	// 10 hours of volunteering at £16.93 in 2023/24 are £169.30 in the
	// state; make them £999,999.99.
	edited := strings.Replace(state.String(), `"socialValue": "169.300000000000"`, `"socialValue": "999999.99"`, 1)
	require.NotEqual(t, state.String(), edited, "the test edits a cell")
	err = NewAggregator(fw, Options{}).ReadState(strings.NewReader(edited), "edited.state")
	require.ErrorIs(t, err, ErrMerge)
	assert.Contains(t, err.Error(), "cell C1, Acme Ltd, volunteering-hours, 2023/24: the social value is £999999.99, but 10.000000 at this framework's proxy value is £169.3")
}
