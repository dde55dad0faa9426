// Package stream holds the input that the size-limit tests of every reader
// are fed: an upload that never ends.
package stream

import (
	"errors"
	"fmt"
)

// DefaultStop is how many bytes an Endless reader hands out before it
// fails: far past every limit of the module's readers, so that a limit that
// does not hold fails a test instead of filling memory or hanging.
const DefaultStop = 64 << 20

// Endless is a reader that yields its prefix and then one byte forever (up
// to Stop), counting what it has handed out.
type Endless struct {
	prefix string
	fill   byte
	n      int64
	// Stop is how many bytes it hands out before Read fails; 0 means
	// DefaultStop.
	Stop int64
}

// NewEndless returns a reader of prefix followed by fill, without end.
func NewEndless(prefix string, fill byte) *Endless {
	return &Endless{prefix: prefix, fill: fill}
}

// ErrStopped is returned by Read once Stop bytes were handed out.
var ErrStopped = errors.New("stream: an endless input was read past its stop: a size limit did not hold")

// Read implements io.Reader.
func (e *Endless) Read(p []byte) (int, error) {
	stop := e.Stop
	if stop <= 0 {
		stop = DefaultStop
	}
	if e.n >= stop {
		return 0, fmt.Errorf("%w (%d bytes)", ErrStopped, e.n)
	}
	if int64(len(p)) > stop-e.n {
		p = p[:stop-e.n]
	}
	k := 0
	if e.n < int64(len(e.prefix)) {
		k = copy(p, e.prefix[e.n:])
	}
	for i := k; i < len(p); i++ {
		p[i] = e.fill
	}
	e.n += int64(len(p))
	return len(p), nil
}

// N returns how many bytes Read has handed out.
func (e *Endless) N() int64 { return e.n }
