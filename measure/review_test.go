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
	contracts, err := ReadContracts(strings.NewReader(sampleRegister), "register.csv")
	require.NoError(t, err)
	targets, err := ReadTargets(strings.NewReader(sampleTargets), "targets.yaml", a.Result().Framework)
	require.NoError(t, err)
	return NewReview(a.Result(), ReviewOptions{AsOf: time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC), Contracts: contracts, Targets: targets})
}

// sampleRegister has C1 and C2 (C3 is not in it: the review notes it), each
// for the whole of 2024/25.
const sampleRegister = `id,title,supplier,value,start,end,sme,vcse,local
C1,Grounds maintenance,Acme Ltd,10000,2024-04-01,2025-03-31,no,no,yes
C2,Community transport,Beta CIC,2000,2024-04-01,2025-03-31,yes,yes,yes
`

// sampleTargets, judged on the sample (2024/25):
//
//	socialValue      £835.625 of £1,000: 83.6% of the target, red (below 85%)
//	socialValueRate  (218.75 + 4.375) / (10,000 + 2,000) = 1.859…% of 5%: red
//	smeShare         C2 is an SME: 2,000 of 12,000 = 16.7% of 19%: 87.7%, amber
//	measure          12.75 volunteering hours of 12: green
const sampleTargets = `apiVersion: toms/v1
kind: Targets
year: 2024/25
targets:
  - {metric: socialValue, target: 1000}
  - {metric: socialValueRate, target: 5}
  - {metric: smeShare, target: 19}
  - {metric: measure, measure: volunteering-hours, target: 12}
`

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
	assert.Contains(t, strings.Join(rv.Notes, "\n"), "Deliveries were reported on 1 contract not in the contract register (C3)")
	var rags []RAG
	for _, r := range rv.Targets {
		rags = append(rags, r.RAG)
	}
	assert.Equal(t, []RAG{Red, Red, Amber, Green}, rags)
	p, _ = rv.Targets[0].PercentOfTarget(1)
	requireDec(t, "83.6", p)
	requireDec(t, "1.9", rv.Targets[1].Actual)
	requireDec(t, "16.7", rv.Targets[2].Actual)
	p, _ = rv.Targets[2].PercentOfTarget(1)
	requireDec(t, "87.7", p)
}

func TestStatusBoundary(t *testing.T) {
	c := Commitment{Year: tom.MustYear("2024/25"), Committed: dec("365"), Delivered: dec("183")}
	// 30 September 2024 is day 183 of 365
	assert.Equal(t, ProgressOnTrack, progress(c, time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressBehind, progress(c, time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressOnTrack, progress(c, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)))
	// On 31 March 2025, the year's last day, 183 of 365 is short of the
	// whole year but the year is not over: behind. From 1 April 2025 the
	// year has ended short: missed.
	assert.Equal(t, ProgressBehind, progress(c, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressMissed, progress(c, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressMissed, progress(c, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	// Nothing delivered: not started while the year runs, missed after it.
	none := Commitment{Year: tom.MustYear("2024/25"), Committed: dec("10")}
	assert.Equal(t, ProgressNotStarted, progress(none, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, ProgressMissed, progress(none, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)))
}

// A 2023/24 commitment of 40 hours with 20 delivered (50%), judged on 1
// April 2024, the day after its year ended: missed, not behind.
func TestMissedAfterYearEnd(t *testing.T) {
	c := Commitment{Year: tom.MustYear("2023/24"), Committed: dec("40"), Delivered: dec("20")}
	assert.Equal(t, ProgressMissed, progress(c, time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)))
	// On 31 March 2024 it was behind: 20/40 = 50% against 366/366 of the
	// year elapsed (2023/24 has 29 February 2024).
	assert.Equal(t, ProgressBehind, progress(c, time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)))
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
	assert.Equal(t, 6, svgs) // themes, contracts, suppliers, commitments, total spend, spend reported
	assert.Equal(t, 3+3+3+4+3+3, rects)
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
