package stream

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The prefix comes first, then the fill byte; reading stops with an error
// at Stop, having handed out exactly Stop bytes.
func TestEndless(t *testing.T) {
	e := NewEndless("ab", 'x')
	e.Stop = 7
	got, err := io.ReadAll(e)
	require.True(t, errors.Is(err, ErrStopped), "%v", err)
	assert.Equal(t, "abxxxxx", string(got))
	assert.Equal(t, int64(7), e.N())

	// A prefix longer than one read is handed out in order.
	e = NewEndless("hello", '.')
	p := make([]byte, 3)
	n, _ := e.Read(p)
	assert.Equal(t, "hel", string(p[:n]))
	n, _ = e.Read(p)
	assert.Equal(t, "lo.", string(p[:n]))
}
