package measure

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./measure -run %s -update to create it", t.Name())
	assert.Equal(t, string(want), string(got), "%s differs; run go test ./measure -update after checking the change", name)
}

const reviewOutcomes = handWorked + `C3,Gamma & Sons,carbon-saved,2.5,2024-10-01,ev-4,2024-Q3,,,
C3,Gamma & Sons,volunteering-hours,x,2024-10-01,ev-5,2024-Q3,,,
`

const reviewCommitments = `contract,supplier,measure,quantity,date
C1,Acme Ltd,volunteering-hours,20,2024-04-01
C2,Beta CIC,local-spend,1000,2024-04-01
C2,Beta CIC,volunteering-hours,10,2024-04-01
C3,Gamma & Sons,schools-supported,2,2024-04-01
`

// sampleReview is the hand-worked data for 2024/25, with carbon carried
// forward, one rejected row and commitments, judged at 30 September 2024
// (183 of 365 days elapsed).
func sampleReview(t *testing.T) *Review {
	t.Helper()
	a := NewAggregator(testFramework(t), Options{Year: tom.MustYear("2024/25"), YearPolicy: tom.CarryForward})
	_, err := readString(t, a, "outcomes.csv", reviewOutcomes, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	_, err = readString(t, a, "commitments.csv", reviewCommitments, Commitments, ReadOptions{})
	require.NoError(t, err)
	return NewReview(a.Result(), ReviewOptions{AsOf: time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)})
}

func TestReviewModel(t *testing.T) {
	rv := sampleReview(t)
	// 223.125 (volunteering, see TestHandWorkedTotals) + 2.5 t × £245 = 835.625
	requireDec(t, "835.625", rv.Totals.SocialValue)
	require.Len(t, rv.Contracts, 3)
	assert.Equal(t, []string{"C3", "C1", "C2"}, []string{rv.Contracts[0].Key, rv.Contracts[1].Key, rv.Contracts[2].Key})
	require.Len(t, rv.Commitments, 4)
	// C1 volunteering: 12.5 of 20 = 62.5% at 183/365 = 50.1% of the year: on track
	c := rv.Commitments[0]
	assert.Equal(t, ProgressOnTrack, c.Progress)
	p, ok := c.Percent(1)
	require.True(t, ok)
	requireDec(t, "62.5", p)
	// C2 volunteering: 0.25 of 10 = 2.5%: behind; C2 local spend 1000.50 of 1000: met
	assert.Equal(t, ProgressBehind, rv.Commitments[1].Progress)
	assert.Equal(t, ProgressMet, rv.Commitments[2].Progress)
	assert.Equal(t, ProgressNotStarted, rv.Commitments[3].Progress)
	assert.Contains(t, strings.Join(rv.Notes, "\n"), "carbon-saved delivered in 2024/25 valued with the 2021/22 proxy value of £245.00")
	assert.Contains(t, strings.Join(rv.Notes, "\n"), "1 row was rejected")
	assert.Contains(t, strings.Join(rv.Notes, "\n"), "2 valid outcome records dated outside 2024/25 were left out")
}

func TestStatusBoundary(t *testing.T) {
	c := Commitment{Year: tom.MustYear("2024/25"), Committed: dec("365"), Delivered: dec("183")}
	// 30 September 2024 is day 183 of 365
	assert.Equal(t, ProgressOnTrack, progress(c, time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressBehind, progress(c, time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressOnTrack, progress(c, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressBehind, progress(c, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
}

func TestGoldenJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sampleReview(t).WriteJSON(&b))
	golden(t, "review.json", b.Bytes())
}

func TestGoldenMarkdown(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sampleReview(t).WriteMarkdown(&b))
	golden(t, "review.md", b.Bytes())
}

func TestGoldenCSV(t *testing.T) {
	for _, tab := range sampleReview(t).CSVTables() {
		var b bytes.Buffer
		require.NoError(t, tab.WriteCSV(&b))
		golden(t, tab.Name, b.Bytes())
	}
}

// The HTML page parses as XML, has no script or external reference, and
// has its charts.
func TestHTMLWellFormed(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sampleReview(t).WriteHTML(&b))
	page := b.String()
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict = true
	var stack []string
	svgs, rects := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			switch el.Name.Local {
			case "svg":
				svgs++
			case "rect":
				rects++
			case "script", "link", "img", "iframe":
				t.Errorf("the page must be self-contained; found <%s>", el.Name.Local)
			}
			for _, a := range el.Attr {
				assert.NotContains(t, a.Value, "http://example", a.Name.Local)
				if a.Name.Local == "href" || a.Name.Local == "src" {
					t.Errorf("external reference %s=%q", a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			require.NotEmpty(t, stack)
			require.Equal(t, stack[len(stack)-1], el.Name.Local)
			stack = stack[:len(stack)-1]
		}
	}
	assert.Empty(t, stack)
	assert.Equal(t, 5, svgs) // themes, contracts, suppliers, commitments, spend shares
	assert.Equal(t, 3+3+3+4+3, rects)
	assert.Contains(t, page, "Gamma &amp; Sons")
	assert.Contains(t, page, "£835.63")
}

func TestEmptyReview(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	_, err := a.Read(context.Background(), strings.NewReader("contract,supplier,measure,quantity,date,evidence\n"), "e.csv", Outcomes, ReadOptions{})
	require.NoError(t, err)
	rv := NewReview(a.Result(), ReviewOptions{})
	var b bytes.Buffer
	require.NoError(t, rv.WriteMarkdown(&b))
	assert.Contains(t, b.String(), "No deliveries were counted.")
	b.Reset()
	require.NoError(t, rv.WriteJSON(&b))
	assert.Contains(t, b.String(), `"themes": []`)
	assert.Contains(t, b.String(), `"percent": null`)
	b.Reset()
	require.NoError(t, rv.WriteHTML(&b))
	assert.NoError(t, xml.NewDecoder(&b).Decode(new(struct{})))
}
