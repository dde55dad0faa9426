package evaluate_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/internal/stream"
	"github.com/socialvalue-toms/toms/rules"
)

// TestReadLimits: tenders and bids read from a stream stop at the size
// limit, positioned, and a raised limit lets a larger file through.
func TestReadLimits(t *testing.T) {
	stream := func(kind string) io.Reader {
		// "apiVersion: toms/v1\n" (20 bytes) and "kind: Tender\n" or
		// "kind: Bids\n", then a comment that never ends.
		return stream.NewEndless("apiVersion: toms/v1\nkind: "+kind+"\n#", 'x')
	}
	// Byte 4,194,304 (0-based) is the first beyond the limit; line 3
	// starts at byte 33 for Tender, so it is column 4194304-33+1.
	want := "up.yaml:3:4194272: the file is larger than 4194304 bytes (4 MiB), the limit for one input file; it passes the limit here"
	_, err := evaluate.ReadTender(stream("Tender"), "up.yaml", evaluate.ReadOptions{})
	require.ErrorIs(t, err, diag.ErrTooLarge)
	assert.EqualError(t, err, want)
	_, err = evaluate.ReadTenderDesign(stream("Tender"), "up.yaml", evaluate.ReadOptions{})
	assert.EqualError(t, err, want)
	// "kind: Bids\n" is 11 bytes: line 3 starts at byte 31.
	_, err = evaluate.ReadBids(stream("Bids"), "up.yaml", nil, nil, evaluate.ReadOptions{MaxBytes: 1 << 20})
	assert.EqualError(t, err, "up.yaml:3:1048546: the file is larger than 1048576 bytes (1 MiB), the limit for one input file; it passes the limit here")

	// A 5 MiB tender (a long comment) loads with the limit raised, and not
	// without.
	big := goodTender + "# " + strings.Repeat("padding ", 5<<17) + "\n"
	_, err = evaluate.ReadTender(strings.NewReader(big), "big.yaml", evaluate.ReadOptions{})
	assert.ErrorIs(t, err, diag.ErrTooLarge)
	_, err = evaluate.ParseTender("big.yaml", []byte(big))
	assert.ErrorIs(t, err, diag.ErrTooLarge)
	tn, err := evaluate.ReadTender(strings.NewReader(big), "big.yaml", evaluate.ReadOptions{MaxBytes: 8 << 20})
	require.NoError(t, err)
	assert.Equal(t, "cat.yaml", tn.Catalogue, "paths stay as written")
	require.Len(t, tn.Bids, 1)
}

// TestBidQualityAlias: an alias to a valid mapping of scores is read as the
// mapping, and a merge key is reported on its own line (it was reported at
// the anchor's line 6, as "expected a number, found a mapping").
func TestBidQualityAlias(t *testing.T) {
	tn, err := evaluate.ParseTender("t.yaml", []byte(goodTender))
	require.NoError(t, err)
	bids, err := evaluate.ReadBids(strings.NewReader(`apiVersion: toms/v1
kind: Bids
bids:
  - supplier: {name: B}
    price: "1200"
    quality: &scores {q: "10"}
  - supplier: {name: C}
    price: "1300"
    quality: *scores
`), "b.yaml", tn, nil, evaluate.ReadOptions{})
	require.NoError(t, err)
	require.Len(t, bids, 2)
	assert.Equal(t, "10", bids[1].Quality["q"].String())

	_, err = evaluate.ParseBids("b.yaml", []byte(`apiVersion: toms/v1
kind: Bids
bids:
  - supplier: {name: B}
    price: "1200"
    quality: &scores {q: "10"}
  - supplier: {name: C}
    price: "1300"
    quality:
      <<: *scores
`), tn, nil)
	assert.EqualError(t, err, "b.yaml:10:7: bids[1].quality: merge keys (<<) are not supported; repeat the fields or use an anchor for the whole value")
}

// TestInputOverRuleLimitsPositioned: a text the rules cannot take (over
// rules.MaxStringLen) is reported at its place in the tender file, under the
// file's field name (it had neither).
func TestInputOverRuleLimitsPositioned(t *testing.T) {
	long := strings.Repeat("x", 10001)
	src := strings.Replace(goodTender, "title: Test", "title: "+long, 1)
	src = strings.Replace(src, "reason: because", "reason: "+long, 1)
	tn, err := evaluate.ParseTenderDesign("t.yaml", []byte(src))
	require.NoError(t, err)
	_, err = evaluate.Check(context.Background(), tn, nil, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, rules.ErrInput)
	// The title's value starts at line 4, column 8; the waiver is the
	// flow mapping at line 18, column 5.
	assert.EqualError(t, err, "2 problems:\n"+
		"t.yaml:4:8: title: longer than 10000 characters\n"+
		"t.yaml:18:5: waivers[0].reason: longer than 10000 characters")
}
