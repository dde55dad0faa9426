package evaluate_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal { v := d(s); return &v }

// testCatalogue has a £1-per-£1 measure, an hours measure at £16.93 and a
// non-financial count, all for 2024/25.
const testCatalogue = `apiVersion: toms/v1
kind: Framework
id: test
name: Test catalogue
currency: GBP
themes:
  - id: t
    name: Theme
    outcomes:
      - id: o
        name: Outcome
        measures:
          - id: pounds
            name: Pounds donated
            unit: gbp
            proxies: {"2024/25": {value: "1", source: "pound for pound", basis: "face value"}}
          - id: hours
            name: Volunteering hours
            unit: hours
            proxies:
              "2023/24": {value: "16.00", source: "older source", basis: "wage"}
              "2024/25": {value: "16.93", source: "Essex calculator", basis: "wage"}
          - id: count
            name: Schools supported
            unit: count
`

func testFramework(t testing.TB) *tom.Framework {
	t.Helper()
	fw, err := tom.Parse("test.yaml", []byte(testCatalogue))
	require.NoError(t, err)
	return fw
}

// testPolicy is a council's own rule, checked together with the embedded
// default policy (its sv-floor rule: 10 points over £100,000), as every
// rule set given to Evaluate and Check is.
const testPolicy = `apiVersion: toms/v1
kind: RuleSet
metadata:
  name: test-policy
rules:
  - id: sv-target-set
    when: tender.socialValue.method == "target"
    expr: tender.socialValue.target > decimal("0")
    severity: warning
    message: a target method needs a target
`

func testRules(t testing.TB) *rules.Set {
	t.Helper()
	set, err := rules.Parse("policy.yaml", []byte(testPolicy))
	require.NoError(t, err)
	return set
}

// design builds a tender: price weight and method, quality criteria
// (id, weight, max, pass mark) and a social value criterion.
func design(price string, quality []evaluate.QualityCriterion, sv evaluate.SocialValueCriterion) *evaluate.Tender {
	return &evaluate.Tender{
		ID: "T-1", Title: "Test tender", ContractType: evaluate.TypeContract, Value: d("1000000"),
		Year:     tom.MustYear("2024/25"),
		Criteria: evaluate.Criteria{Price: evaluate.PriceCriterion{Weight: d(price)}, Quality: quality, SocialValue: sv},
	}
}

func qc(id, weight, max string) evaluate.QualityCriterion {
	return evaluate.QualityCriterion{ID: id, Name: id, Weight: d(weight), Max: d(max)}
}

func bid(name, price string, quality map[string]string, qual *decimal.Decimal, commitments ...evaluate.Commitment) evaluate.Bid {
	b := evaluate.Bid{Supplier: evaluate.Supplier{Name: name}, Price: d(price), Quality: map[string]decimal.Decimal{}}
	for k, v := range quality {
		b.Quality[k] = d(v)
	}
	b.SocialValue = evaluate.SocialValueResponse{Qualitative: qual, Commitments: commitments}
	return b
}

func pounds(q string) evaluate.Commitment {
	return evaluate.Commitment{Measure: "pounds", Quantity: d(q)}
}

func run(t testing.TB, tender *evaluate.Tender, bids ...evaluate.Bid) *evaluate.Result {
	t.Helper()
	res, err := evaluate.Evaluate(context.Background(), tender, bids, testFramework(t), evaluate.Options{SkipPolicy: true})
	require.NoError(t, err)
	return res
}

// bySupplier returns the result of the named supplier.
func bySupplier(t testing.TB, res *evaluate.Result, name string) evaluate.BidResult {
	t.Helper()
	for _, b := range res.Bids {
		if b.Supplier.Name == name {
			return b
		}
	}
	require.Failf(t, "no such supplier", "%s", name)
	return evaluate.BidResult{}
}

// assertPoints checks a score against its exact 12-place value and the
// 2-place figure of a report.
func assertPoints(t testing.TB, want12, want2 string, got evaluate.Points, msg string) {
	t.Helper()
	assert.Truef(t, d(want12).Equal(got.Decimal()), "%s: got %s, want %s", msg, got, want12)
	assert.Equalf(t, want2, got.StringFixed(2), "%s (2 dp)", msg)
}

var testNow = time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)

func suppliers(res *evaluate.Result) []string {
	var out []string
	for _, b := range res.Bids {
		out = append(out, b.Supplier.Name)
	}
	return out
}

func ranks(res *evaluate.Result) []int {
	var out []int
	for _, b := range res.Bids {
		out = append(out, b.Rank)
	}
	return out
}
