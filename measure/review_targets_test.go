package measure

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// targetsFramework is the test catalogue with volunteering valued at
// £12.50 an hour in 2024/25, so that round sums come out.
func targetsFramework(t *testing.T) *tom.Framework {
	t.Helper()
	y := strings.Replace(testCatalogue, `"2024/25": {value: "17.50"`, `"2024/25": {value: "12.50"`, 1)
	require.NotEqual(t, testCatalogue, y)
	fw, err := tom.Parse("test.yaml", []byte(y))
	require.NoError(t, err)
	return fw
}

func reviewWith(t *testing.T, fw *tom.Framework, year string, outcomes, commitments, register, targets string, asOf time.Time) *Review {
	t.Helper()
	opts := Options{}
	if year != "" {
		opts.Year = tom.MustYear(year)
	}
	a := NewAggregator(fw, opts)
	t.Cleanup(func() { a.Close() })
	_, err := readString(t, a, "outcomes.csv", outcomes, Outcomes, ReadOptions{})
	require.NoError(t, err)
	if commitments != "" {
		_, err = readString(t, a, "commitments.csv", commitments, Commitments, ReadOptions{})
		require.NoError(t, err)
	}
	ro := ReviewOptions{AsOf: asOf}
	if register != "" {
		ro.Contracts, err = ReadContracts(strings.NewReader(register), "register.csv")
		require.NoError(t, err)
	}
	if targets != "" {
		ro.Targets, err = ReadTargets(strings.NewReader(targets), "targets.yaml", fw)
		require.NoError(t, err)
	}
	return NewReview(a.Result(), ro)
}

// A £1,000,000 contract running the whole of 2024/25 delivers 20,000
// volunteering hours × £12.50 = £250,000 of social value: £250,000 /
// £1,000,000 = £0.25 per £1 of contract value, 25% of it. Against a 25%
// target that is 100% of the target: green (25 × 100 = 2500 ≥ 25 × 100).
// Against a £300,000 social value target it is 250,000 / 300,000 =
// 83.3% of the target, below the 85% amber band: red.
func TestReviewPerPoundAndRate(t *testing.T) {
	fw := targetsFramework(t)
	rv := reviewWith(t, fw, "2024/25",
		"contract,supplier,measure,quantity,date,evidence\nC-1,Acme,volunteering-hours,20000,2024-09-01,log\n", "",
		"id,supplier,value,start,end\nC-1,Acme,1000000,2024-04-01,2025-03-31\n",
		"apiVersion: toms/v1\nkind: Targets\nyear: 2024/25\ntargets:\n  - {metric: socialValueRate, target: 25}\n  - {metric: socialValue, target: 300000}\n",
		time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC))
	require.Len(t, rv.Register, 1)
	c := rv.Register[0]
	requireDec(t, "1000000", c.Value)
	requireDec(t, "250000", c.SocialValue)
	pp, ok := c.PerPound(2)
	require.True(t, ok)
	requireDec(t, "0.25", pp)

	require.Len(t, rv.Targets, 2)
	rate := rv.Targets[0]
	require.True(t, rate.OK)
	requireDec(t, "25", rate.Actual)
	assert.Equal(t, Green, rate.RAG)
	p, _ := rate.PercentOfTarget(1)
	requireDec(t, "100", p)
	sv := rv.Targets[1]
	requireDec(t, "250000", sv.Actual)
	assert.Equal(t, Red, sv.RAG)
	p, _ = sv.PercentOfTarget(1)
	requireDec(t, "83.3", p)

	// Without a register there is no contract value to divide by: the rate
	// is not rated (JSON rag null), and says what it needs.
	rv = reviewWith(t, fw, "2024/25",
		"contract,supplier,measure,quantity,date,evidence\nC-1,Acme,volunteering-hours,20000,2024-09-01,log\n", "", "",
		"apiVersion: toms/v1\nkind: Targets\nyear: 2024/25\ntargets:\n  - {metric: socialValueRate, target: 25}\n", time.Time{})
	require.False(t, rv.Targets[0].OK)
	assert.Equal(t, RAG(""), rv.Targets[0].RAG)
	var md, js strings.Builder
	require.NoError(t, rv.WriteMarkdown(&md))
	require.NoError(t, rv.WriteJSON(&js))
	assert.Contains(t, md.String(), "| Social value as % of contract value | 25.0% | – | – | **not rated** | – |")
	assert.Contains(t, md.String(), "needs a contract register")
	assert.Contains(t, js.String(), `"rag": null`)
}

// Total spend in 2024/25 is the register's value: C-1 £1,000,000 (not an
// SME) + C-2 £250,000 (an SME) = £1,250,000. Spend with SMEs: C-2 directly,
// £250,000 (its own reported £30,000 of SME spend is part of that and is
// not added again), and C-1's supply chain, £100,000 reported flagged
// supplier_sme = yes: £350,000. 350,000 / 1,250,000 = 28%. Against a 30%
// target at the default bands: 28 × 100 = 2,800 < 30 × 100 = 3,000 (not
// green) and ≥ 30 × 85 = 2,550: amber.
//
// Without the register the only denominator is spend reported, £180,000
// (100,000 + 30,000 + 50,000), and the SME share of it, 130,000 / 180,000
// = 72.2%, overstates the share; the target's basis says so.
func TestReviewSMEShareOfTotalSpend(t *testing.T) {
	fw := targetsFramework(t)
	outcomes := "contract,supplier,measure,quantity,date,evidence,supplier_sme\n" +
		"C-1,Acme,local-sme-spend,100000,2024-06-01,inv-1,yes\n" +
		"C-2,Brightway,local-sme-spend,30000,2024-06-01,inv-2,yes\n" +
		"C-1,Acme,local-spend,50000,2024-07-01,inv-3,no\n"
	register := "id,supplier,value,start,end,sme\nC-1,Acme,1000000,2024-04-01,2025-03-31,no\nC-2,Brightway,250000,2024-04-01,2025-03-31,yes\n"
	targets := "apiVersion: toms/v1\nkind: Targets\nyear: 2024/25\ntargets:\n  - {metric: smeShare, target: 30}\n"
	rv := reviewWith(t, fw, "2024/25", outcomes, "", register, targets, time.Time{})
	s := rv.TotalSpend
	require.NotNil(t, s)
	requireDec(t, "1250000", s.Total)
	requireDec(t, "250000", s.SME.Direct)
	requireDec(t, "100000", s.SME.Indirect)
	p, ok := s.Percent(s.SME, 1)
	require.True(t, ok)
	requireDec(t, "28", p)
	tr := rv.Targets[0]
	requireDec(t, "28", tr.Actual)
	assert.Equal(t, Amber, tr.RAG)
	assert.Contains(t, tr.Basis, "the register's contract value")

	rv = reviewWith(t, fw, "2024/25", outcomes, "", "", targets, time.Time{})
	tr = rv.Targets[0]
	requireDec(t, "72.2", tr.Actual)
	assert.Equal(t, Green, tr.RAG)
	assert.Contains(t, tr.Basis, "spend reported by suppliers")
	assert.Contains(t, tr.Basis, "overstates")
}

// Over two years: C-1 runs 1 April 2023 to 31 March 2025 and committed
// 100 volunteering hours in each year; it delivered 50 in 2023/24 and 120
// in 2024/25. Judged on 1 April 2025: 2023/24 missed (50 of 100, year
// over), 2024/25 met; over its life 170 of 200, and the contract has
// ended short: missed. Year on year (community theme): 2024/25 120 h ×
// £12.50 = £1,500 against 2023/24 50 h × £16.93 = £846.50: up £653.50.
func TestReviewLifetimeAndYearOnYear(t *testing.T) {
	fw := targetsFramework(t)
	rv := reviewWith(t, fw, "",
		"contract,supplier,measure,quantity,date,evidence\nC-1,Acme,volunteering-hours,50,2023-09-01,log\nC-1,Acme,volunteering-hours,120,2024-09-01,log\n",
		"contract,supplier,measure,quantity,date\nC-1,Acme,volunteering-hours,100,2024-03-31\nC-1,Acme,volunteering-hours,100,2025-03-31\n",
		"id,supplier,value,start,end\nC-1,Acme,730000,2023-04-01,2025-03-31\n",
		"apiVersion: toms/v1\nkind: Targets\nyear: 2024/25\ntargets:\n  - {metric: measure, measure: volunteering-hours, target: 100}\n",
		time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	require.Len(t, rv.Commitments, 2)
	assert.Equal(t, ProgressMissed, rv.Commitments[0].Progress)
	assert.Equal(t, ProgressMet, rv.Commitments[1].Progress)
	require.Len(t, rv.Register, 1)
	l := rv.Register[0].Lifetime
	require.Len(t, l, 1)
	requireDec(t, "200", l[0].Committed)
	requireDec(t, "170", l[0].Delivered)
	assert.Equal(t, ProgressMissed, l[0].Progress)
	// Valued in the targets' year: the contract's 731 days are 366 in
	// 2023/24 (29 February 2024) and 365 in 2024/25. £730,000 × 365 / 731
	// = 364,500.684…, × 366 / 731 = 365,499.316…; down to the penny
	// 364,500.68 + 365,499.31 = 729,999.99, and the penny left goes to
	// 2023/24 (0.6p lost against 0.4p): 2024/25 is £364,500.68.
	requireDec(t, "364500.68", rv.Register[0].Value)
	requireDec(t, "1500", rv.Register[0].SocialValue)
	tr := rv.Targets[0]
	requireDec(t, "120", tr.Actual)
	assert.Equal(t, Green, tr.RAG)
	require.True(t, tr.PreviousOK)
	requireDec(t, "50", tr.Previous)

	var sv, hours *YearChange
	for i, c := range rv.YearOnYear {
		if c.Theme == "community" && c.Unit == "" {
			sv = &rv.YearOnYear[i]
		}
		if c.Theme == "community" && c.Unit == tom.Hours {
			hours = &rv.YearOnYear[i]
		}
	}
	require.NotNil(t, sv)
	requireDec(t, "1500", sv.This)
	requireDec(t, "846.5", sv.Last)
	requireDec(t, "653.5", sv.Change())
	require.NotNil(t, hours)
	requireDec(t, "70", hours.Change())
	pc, _ := hours.ChangePercent(1)
	requireDec(t, "140", pc)

	var md strings.Builder
	require.NoError(t, rv.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "## 2024/25 against 2023/24")
	assert.Contains(t, md.String(), "| Community capacity | social value (£) | £1,500.00 | £846.50 | +£653.50 | +77.2% |")
	assert.Contains(t, md.String(), "| Volunteering hours | 100 hours | 120 hours | 120.0% | **green** | 50 hours |")
	assert.Contains(t, md.String(), "| C-1 | Volunteering hours | hours | 200 | 170 | 85.0% | missed |")
}

// Every CSV table starts with the UTF-8 byte-order mark, so that Excel
// shows £ as £ (without it, it reads the bytes C2 A3 as "Â£"), and the £
// itself is written as those two UTF-8 bytes.
func TestCSVByteOrderMark(t *testing.T) {
	for _, tab := range sampleReview(t).CSVTables() {
		var b strings.Builder
		require.NoError(t, tab.WriteCSV(&b))
		require.True(t, strings.HasPrefix(b.String(), "\xef\xbb\xbf"), tab.Name)
		require.False(t, strings.HasPrefix(b.String(), "\xef\xbb\xbf\xef\xbb\xbf"), tab.Name)
		if tab.Name == "targets.csv" {
			require.Contains(t, b.String(), "Social value delivered (\xc2\xa3)")
		}
	}
}

// What a councillor reads: a theme with no £ shows its results, not £0.00;
// the committed table names measures and units; a bar past the commitment
// is drawn past the 100% line; a source that is a web address is a link;
// the top contracts name their suppliers; "1 record"; a title that names
// the year does not get it twice.
func TestReviewForPeople(t *testing.T) {
	fw := targetsFramework(t)
	rv := reviewWith(t, fw, "2024/25",
		"contract,supplier,measure,quantity,date,evidence,supplier_sme\nC-1,Acme,volunteering-hours,30,2024-09-01,log,\n",
		"contract,supplier,measure,quantity,date\nC-1,Acme,volunteering-hours,10,2025-03-31\n", "", "", time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC))
	rv.Title = "Annual review 2024/25"
	rv.Proxies[0].Proxy.Source = "Local evidence (https://example.org/values?year=2024)."
	var md, page strings.Builder
	require.NoError(t, rv.WriteMarkdown(&md))
	require.NoError(t, rv.WriteHTML(&page))
	m, h := md.String(), page.String()
	assert.Contains(t, m, "# Annual review 2024/25\n")
	assert.NotContains(t, m, "2024/25 2024/25")
	assert.Contains(t, h, "<title>Annual review 2024/25</title>")
	assert.Contains(t, m, ". 1 record.\n")
	assert.Contains(t, m, "| C-1 | Acme | Volunteering hours | hours | 2024/25 | 10 | 30 | 300.0% | met |")
	assert.Contains(t, m, "| Local evidence (<https://example.org/values?year=2024>). |")
	assert.Contains(t, h, `<td>Local evidence (<a href="https://example.org/values?year=2024" rel="noopener noreferrer">https://example.org/values?year=2024</a>).</td>`)
	assert.Contains(t, m, "| C-1 | Acme | £375.00 |")
	// 300% is past 4/3 of the scale: a full bar with an arrow, and the
	// line at 100% (3/4 of 320 = 240, after the 300-unit label column).
	assert.Contains(t, h, `width="320" height="18" class="cb"/><text x="622" y="45" class="co">▶</text></g>`)
	assert.Contains(t, h, `<text x="636" y="45" class="cv">300.0% met</text>`)
	assert.Contains(t, h, `<line x1="540"`)

	// A theme of spend only: its results, not £0.00.
	rv = reviewWith(t, fw, "2024/25", "contract,supplier,measure,quantity,date,evidence,local\nC-1,Acme,local-spend,500,2024-09-01,inv,yes\n", "", "", "", time.Time{})
	md.Reset()
	require.NoError(t, rv.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "### Local economy: £500.00 spend reported\n")
	assert.NotContains(t, md.String(), "£0.00\n")
}

// With a priority other than 1 the review shows weighted social value
// beside the £. Volunteering has priority 2: 20 h × £12.50 = £250, weighted
// £500; carbon (priority 1) 2 t × £245 (carried forward) = £490, weighted
// £490. Total £740, weighted £990. With every priority 1 the columns are
// left out.
func TestReviewWeighted(t *testing.T) {
	y := strings.Replace(testCatalogue, `"2024/25": {value: "17.50"`, `"2024/25": {value: "12.50"`, 1)
	y = strings.Replace(y, "            unit: hours\n            evidenceRequired: true\n", "            unit: hours\n            evidenceRequired: true\n            priority: \"2\"\n", 1)
	fw, err := tom.Parse("test.yaml", []byte(y))
	require.NoError(t, err)
	a := NewAggregator(fw, Options{YearPolicy: tom.CarryForward})
	defer a.Close()
	_, err = readString(t, a, "o.csv", "contract,supplier,measure,quantity,date,evidence\nC-1,Acme,volunteering-hours,20,2024-09-01,log\nC-1,Acme,carbon-saved,2,2024-09-01,log\n", Outcomes, ReadOptions{})
	require.NoError(t, err)
	rv := NewReview(a.Result(), ReviewOptions{})
	require.True(t, rv.Prioritised)
	requireDec(t, "740", rv.Totals.SocialValue)
	requireDec(t, "990", rv.Totals.Weighted)
	var md, js strings.Builder
	require.NoError(t, rv.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "| Weighted social value | £990.00 | £ × priority |")
	assert.Contains(t, md.String(), "| Volunteering hours | 20 | hours | £250.00 | 2 | £500.00 |")
	require.NoError(t, rv.WriteJSON(&js))
	assert.Contains(t, js.String(), `"weightedSocialValue": "990.00"`)
	rows := csvTable(t, rv, "measures.csv")
	require.Len(t, rows, 2)
	assert.Equal(t, "2", rows[0]["priority"])
	assert.Equal(t, "500.00", rows[0]["weighted_social_value"])

	plain := reviewWith(t, targetsFramework(t), "", "contract,supplier,measure,quantity,date,evidence\nC-1,Acme,volunteering-hours,20,2024-09-01,log\n", "", "", "", time.Time{})
	require.False(t, plain.Prioritised)
	js.Reset()
	require.NoError(t, plain.WriteJSON(&js))
	assert.NotContains(t, js.String(), "weightedSocialValue")
	_, has := csvTable(t, plain, "measures.csv")[0]["priority"]
	assert.False(t, has)
}
