package tom

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/stream"
)

// TestReadLimits: catalogues and proxy values read from a stream stop at the
// size limit with a positioned ErrTooLarge.
func TestReadLimits(t *testing.T) {
	stream := func() io.Reader {
		return stream.NewEndless("apiVersion: toms/v1\n#", 'x')
	}
	// Line 2 starts at byte 20; byte 65,536 is its column 65536-20+1.
	want := "up.yaml:2:65517: the file is larger than 65536 bytes (64 KiB), the limit for one input file; it passes the limit here"
	opts := ReadOptions{MaxBytes: 64 << 10}
	_, err := Read(stream(), "up.yaml", opts)
	require.ErrorIs(t, err, diag.ErrTooLarge)
	assert.EqualError(t, err, want)
	_, err = ReadProxies(stream(), "up.yaml", opts)
	assert.EqualError(t, err, want)
	_, err = defaultFramework(t).ApplyProxiesFrom(stream(), "up.yaml", opts)
	assert.EqualError(t, err, want)

	// The embedded catalogue read as a stream is the same catalogue.
	f, err := Read(strings.NewReader(string(DefaultSource())), DefaultFile, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, len(defaultFramework(t).Measures()), len(f.Measures()))
	g, err := f.ApplyProxiesFrom(strings.NewReader(proxiesHeader+
		`  - {measure: volunteering-hours, year: "2025/26", value: "17.40", source: Local survey, basis: Staff cost}`+"\n"),
		"p.yaml", ReadOptions{})
	require.NoError(t, err)
	v, err := g.Value("volunteering-hours", dec("10"), MustYear("2025/26"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "174", v.Value, "10 × 17.40")
}

// TestProxiesAlias: a measure whose proxies are an alias to another
// measure's valid mapping gets those values (it was refused as "expected a
// mapping of financial year to value").
func TestProxiesAlias(t *testing.T) {
	f, err := Parse("c.yaml", []byte(`apiVersion: toms/v1
kind: Framework
id: c
name: C
themes:
  - id: t
    name: T
    outcomes:
      - id: o
        name: O
        measures:
          - id: a
            name: A
            unit: hours
            proxies: &p
              "2024/25": {value: "2.50", source: S, basis: B}
          - id: b
            name: B
            unit: hours
            proxies: *p
`))
	require.NoError(t, err)
	v, err := f.Value("b", dec("4"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "10", v.Value, "4 × 2.50")
}

// TestReadIndexesOnlyWhenAsked: a catalogue read from a stream opens the
// index files it lists only with ReadIndexes, so that an upload cannot make
// a server open files.
func TestReadIndexesOnlyWhenAsked(t *testing.T) {
	src := `apiVersion: toms/v1
kind: Framework
id: c
name: C
indexes: [no-such-index.yaml]
themes:
  - id: t
    name: T
    outcomes:
      - id: o
        name: O
        measures:
          - {id: a, name: A, unit: hours}
`
	_, err := Read(strings.NewReader(src), "dir/c.yaml", ReadOptions{})
	require.NoError(t, err)
	_, err = Read(strings.NewReader(src), "dir/c.yaml", ReadOptions{ReadIndexes: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dir/c.yaml:5:")
	assert.Contains(t, err.Error(), "cannot read the index file")
}
