package measure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// largeReview is the review of the benchmark rows (bench_test.go) that
// fill every group of 1M of them, in both years: each of the 500
// contracts × 17 measures on 2023-04-01 and on 2024-05-05 (day 400), 17,000
// cells, the JSON 3.8 MB.
func largeReview(t testing.TB) *Review {
	large.Do(func() { large.rv = makeLargeReview(t) })
	return large.rv
}

var large struct {
	sync.Once
	rv *Review
}

func makeLargeReview(t testing.TB) *Review {
	g := newGenRange(0, 0)
	per := 500 * len(benchMeasures)
	for _, day := range []int{0, 400} {
		for j := range per {
			g.row(day*per + j)
		}
	}
	fw, err := tom.Default()
	require.NoError(t, err)
	a := NewAggregator(fw, Options{})
	defer a.Close()
	_, err = a.Read(context.Background(), g, "gen.csv", Outcomes, ReadOptions{})
	require.NoError(t, err)
	res := a.Result()
	require.Len(t, res.Cells, 2*per)
	return NewReview(res, ReviewOptions{})
}

// TestLargeReviewJSON pins the JSON of a review with the groups of 1M rows
// byte for byte (its hash, worked out before the review's sums and the
// JSON writer were made fast: decimal.Decimal sums, encoding/json's own
// indent), and checks that writeIndented indents it as encoding/json does.
func TestLargeReviewJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 17,000 rows")
	}
	rv := largeReview(t)
	var b bytes.Buffer
	require.NoError(t, rv.WriteJSON(&b))
	var head struct {
		Totals struct {
			SocialValue string `json:"socialValue"`
			Records     int64  `json:"records"`
		} `json:"totals"`
		Contracts []json.RawMessage `json:"contracts"`
		Years     []json.RawMessage `json:"years"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &head))
	require.Equal(t, int64(17000), head.Totals.Records)
	require.Len(t, head.Contracts, 500)
	require.Len(t, head.Years, 2)
	sum := sha256.Sum256(b.Bytes())
	require.Equal(t, "da142e84462b478ff6577d29922541d21283e9b66502bcb91c880e2dec9dc5a7", hex.EncodeToString(sum[:]), "the JSON of the large review changed (%d bytes)", b.Len())

	var ref bytes.Buffer
	enc := json.NewEncoder(&ref)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(rv.jsonModel()))
	require.Equal(t, ref.String(), b.String())
}

// FuzzJSONIndent: jsonWriter indents any JSON value encoding/json
// marshals exactly as encoding/json indents it.
func FuzzJSONIndent(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[],"b":{},"c":[1,{"d":null}]}`, `"x\"]},"`, `[{"k\\":"v\\\\"},true,false,-1.5e3]`,
		`{"t":"a\u2028b","u":"\n\t<>&","v":"é"}`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(v))
		var got strings.Builder
		jw := newJSONWriter(&got)
		jw.value(v, 0)
		jw.buf = append(jw.buf, '\n')
		require.NoError(t, jw.flush())
		require.Equal(t, want.String(), got.String())
	})
}

// A writer's error comes back, and stops the writing.
func TestJSONWriterError(t *testing.T) {
	require.ErrorIs(t, largeReview(t).WriteJSON(failWriter{}), io.ErrShortWrite)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }
