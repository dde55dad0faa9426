package rules_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/rules"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// tender builds a tender: value, the three weights and the social value split.
func tender(value, price, quality, sv, quant, qual string) *rules.Tender {
	return &rules.Tender{ID: "T-1", ContractType: "contract", Value: dec(value),
		Weights:     rules.Weights{Price: dec(price), Quality: dec(quality), SocialValue: dec(sv)},
		SocialValue: rules.SocialValue{Quantitative: dec(quant), Qualitative: dec(qual)}}
}

func outcome(t *testing.T, rep rules.Report, id string) rules.Verdict {
	t.Helper()
	o, ok := rep.Verdict(id)
	require.True(t, ok, "no outcome for %s", id)
	return o
}

func defaultSet(t testing.TB) *rules.Set {
	t.Helper()
	set, err := rules.Default()
	require.NoError(t, err)
	return set
}

func TestDefaultPolicyOutcomes(t *testing.T) {
	set := defaultSet(t)
	tests := []struct {
		name                           string
		tender                         *rules.Tender
		floor, total, split            rules.Status
		failed                         bool
		floorMessage, totalMessageFrag string
	}{
		{"compliant", tender("2000000.00", "60", "30", "10", "5", "5"), rules.StatusPass, rules.StatusPass, rules.StatusPass, false, "", ""},
		{"exactly the threshold", tender("100000.00", "70", "30", "0", "0", "0"), rules.StatusSkipped, rules.StatusPass, rules.StatusPass, false, "", ""},
		{"a penny over", tender("100000.01", "70", "30", "0", "0", "0"), rules.StatusFail, rules.StatusPass, rules.StatusPass, true,
			"Social value is weighted 0 points; tenders over £100,000.00 (excluding VAT) need at least 10 points, or an approved waiver.", ""},
		{"9.99 points", tender("150000.00", "60.01", "30", "9.99", "4.99", "5"), rules.StatusFail, rules.StatusPass, rules.StatusPass, true,
			"Social value is weighted 9.99 points; tenders over £100,000.00 (excluding VAT) need at least 10 points, or an approved waiver.", ""},
		{"10.00 points", tender("150000.00", "60.00", "30.00", "10.00", "5", "5.00"), rules.StatusPass, rules.StatusPass, rules.StatusPass, false, "", ""},
		{"weights sum to 99.99", tender("150000.00", "59.99", "30", "10", "5", "5"), rules.StatusPass, rules.StatusFail, rules.StatusPass, true,
			"", "The weights add up to 99.99, not 100."},
		{"split does not add up", tender("150000.00", "60", "30", "10", "6", "5"), rules.StatusPass, rules.StatusPass, rules.StatusFail, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := set.Check(context.Background(), rules.Input{Tender: tt.tender}, rules.CheckOptions{})
			require.NoError(t, err)
			require.Len(t, rep.Verdicts, 3)
			assert.Equal(t, tt.floor, outcome(t, rep, "sv-floor").Status)
			assert.Equal(t, tt.total, outcome(t, rep, "weights-total").Status)
			assert.Equal(t, tt.split, outcome(t, rep, "sv-split").Status)
			assert.Equal(t, tt.failed, rep.Failed())
			if tt.floorMessage != "" {
				assert.Equal(t, tt.floorMessage, outcome(t, rep, "sv-floor").Message)
			}
			if tt.totalMessageFrag != "" {
				assert.Equal(t, tt.totalMessageFrag, outcome(t, rep, "weights-total").Message)
			}
		})
	}
}

func TestFailingOutcomeCarriesValuesAndPosition(t *testing.T) {
	rep, err := defaultSet(t).Check(context.Background(), rules.Input{Tender: tender("150000.00", "60.01", "30", "9.99", "4.99", "5")}, rules.CheckOptions{})
	require.NoError(t, err)
	o := outcome(t, rep, "sv-floor")
	assert.Equal(t, []rules.Value{{Expr: "tender.weights.socialValue", Value: "9.99"}, {Expr: "constants.floor", Value: "10"}}, o.Values)
	assert.Equal(t, "default/social-value.yaml:43:5", o.Pos.String())
	assert.Equal(t, rules.SeverityError, o.Severity)
	assert.Nil(t, outcome(t, rep, "weights-total").Values, "passing outcomes carry no values unless asked")

	rep, err = defaultSet(t).Check(context.Background(), rules.Input{Tender: tender("150000.00", "60", "30", "10", "5", "5")}, rules.CheckOptions{Values: true})
	require.NoError(t, err)
	assert.Equal(t, []rules.Value{
		{Expr: "tender.weights.price + tender.weights.quality + tender.weights.socialValue", Value: "100"},
		{Expr: "constants.totalWeight", Value: "100"},
		{Expr: "tender.weights.price", Value: "60"},
		{Expr: "tender.weights.quality", Value: "30"},
		{Expr: "tender.weights.socialValue", Value: "10"},
	}, outcome(t, rep, "weights-total").Values)
}

func TestWaivers(t *testing.T) {
	set := defaultSet(t)
	low := func(ws ...rules.Waiver) *rules.Tender {
		tn := tender("150000.00", "65", "30", "5", "0", "5")
		tn.Waivers = ws
		return tn
	}
	date := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	good := rules.Waiver{Rule: "sv-floor", Reason: "sole supplier", ApprovedBy: "Head of Procurement", Date: date}

	rep, err := set.Check(context.Background(), rules.Input{Tender: low(good)}, rules.CheckOptions{})
	require.NoError(t, err)
	o := outcome(t, rep, "sv-floor")
	assert.Equal(t, rules.StatusWaived, o.Status)
	require.NotNil(t, o.Waiver)
	assert.Equal(t, "sole supplier", o.Waiver.Reason)
	assert.False(t, rep.Failed())

	tests := []struct {
		name    string
		waivers []rules.Waiver
		msg     string
		status  rules.Status
	}{
		{"no reason", []rules.Waiver{{Rule: "sv-floor", ApprovedBy: "x"}}, "the waiver has no reason", rules.StatusError},
		{"blank reason", []rules.Waiver{{Rule: "sv-floor", Reason: " \r\u00a0"}}, "the waiver has no reason", rules.StatusError},
		{"no approver", []rules.Waiver{{Rule: "sv-floor", Reason: "sole supplier", Date: good.Date}}, "the waiver has no approver", rules.StatusError},
		{"no date", []rules.Waiver{{Rule: "sv-floor", Reason: "sole supplier", ApprovedBy: "Head of Procurement"}}, "the waiver has no date", rules.StatusError},
		{"unknown rule", []rules.Waiver{{Rule: "sv-flor", Reason: "r"}}, `names a rule the policy does not have; did you mean "sv-floor"?`, rules.StatusFail},
		{"no rule", []rules.Waiver{{Reason: "r"}}, "does not name a rule", rules.StatusFail},
		{"two for one rule", []rules.Waiver{good, good}, "already has a waiver", rules.StatusError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := set.Check(context.Background(), rules.Input{Tender: low(tt.waivers...)}, rules.CheckOptions{})
			require.Error(t, err)
			assert.ErrorIs(t, err, rules.ErrWaiver)
			assert.ErrorContains(t, err, tt.msg)
			require.Len(t, rep.Verdicts, 3, "the report is complete")
			assert.Equal(t, tt.status, outcome(t, rep, "sv-floor").Status)
			assert.NotEmpty(t, rep.Problems)
			assert.True(t, rep.Failed(), "an invalid waiver never lets the tender through")
		})
	}
	rep, _ = set.Check(context.Background(), rules.Input{Tender: low(rules.Waiver{Rule: "sv-floor"})}, rules.CheckOptions{})
	assert.True(t, rep.Failed(), "an invalid waiver fails closed")

	// An invalid waiver on a rule that passes is still an error: the
	// exemption is not properly recorded, whatever the rule says.
	passing := low(rules.Waiver{Rule: "weights-total", Reason: "r"})
	rep, err = set.Check(context.Background(), rules.Input{Tender: passing}, rules.CheckOptions{})
	assert.ErrorIs(t, err, rules.ErrWaiver)
	o = outcome(t, rep, "weights-total")
	assert.Equal(t, rules.StatusError, o.Status)
	assert.Contains(t, o.Message, "the waiver has no approver; record who approved the exemption (the rule itself: pass)")
	assert.True(t, rep.Failed())
	assert.Contains(t, outcome(t, rep, "sv-floor").Message, "Social value is weighted 5 points")
}

const evalPolicy = header + `constants:
  zero: {type: decimal, value: "0"}
  cap: {type: money, value: "1000.00"}
variables:
  - name: share
    expr: ratio(tender.weights.socialValue, tender.weights.price, 4)
  - name: twice
    expr: variables.share * decimal(2)
rules:
  - id: share
    expr: variables.twice < decimal("0.5")
    messageExpr: '"share is " + string(variables.share)'
  - id: divide-by-zero
    severity: warning
    expr: ratio(tender.weights.price, constants.zero, 2) > decimal(1)
  - id: framework
    when: tender.contractType == "call-off"
    expr: tender.framework.price == tender.weights.price
  - id: bid-price
    expr: bid.price <= constants.cap
    message: the bid is over the cap
  - id: sme
    severity: warning
    expr: bid.sme
  - id: now
    expr: now > timestamp("2025-01-01T00:00:00Z")
`

func TestCheckStatusesAndErrors(t *testing.T) {
	set, err := rules.Parse("eval.yaml", []byte(evalPolicy))
	require.NoError(t, err)
	tn := tender("200000", "60", "30", "10", "5", "5")
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	rep, err := set.Check(context.Background(), rules.Input{Tender: tn, Now: now}, rules.CheckOptions{})
	require.NoError(t, err)

	// share = 10/60 rounded to 4 places = 0.1667; twice = 0.3334 < 0.5.
	assert.Equal(t, rules.StatusPass, outcome(t, rep, "share").Status)
	div := outcome(t, rep, "divide-by-zero")
	assert.Equal(t, rules.StatusError, div.Status)
	assert.Contains(t, div.Message, "division by zero")
	var d *diag.Diagnostic
	require.True(t, errors.As(div.Err, &d))
	assert.Equal(t, "eval.yaml:18:11", d.Position(), "the error points at the ratio call")
	assert.ErrorIs(t, div.Err, rules.ErrEvaluation)
	assert.Equal(t, rules.StatusSkipped, outcome(t, rep, "framework").Status)
	assert.Equal(t, rules.StatusSkipped, outcome(t, rep, "bid-price").Status, "rules about bids skip without a bid")
	assert.Equal(t, rules.StatusPass, outcome(t, rep, "now").Status)
	assert.True(t, rep.Failed(), "an evaluation error fails closed, even on a warning rule")

	rep, err = set.Check(context.Background(), rules.Input{Tender: tn, Now: now}, rules.CheckOptions{FailOpen: true})
	require.NoError(t, err)
	assert.False(t, rep.Failed())

	callOff := *tn
	callOff.ContractType = "call-off"
	bid := &rules.Bid{Supplier: "Acme", Price: dec("1000.01")}
	rep, err = set.Check(context.Background(), rules.Input{Tender: &callOff, Bid: bid, Now: now}, rules.CheckOptions{})
	require.NoError(t, err)
	fw := outcome(t, rep, "framework")
	assert.Equal(t, rules.StatusError, fw.Status)
	assert.Contains(t, fw.Message, "tender.framework is not set; guard the rule with has(tender.framework)")
	bp := outcome(t, rep, "bid-price")
	assert.Equal(t, rules.StatusFail, bp.Status)
	assert.Equal(t, "the bid is over the cap", bp.Message)
	assert.Equal(t, []rules.Value{{Expr: "bid.price", Value: "£1,000.01"}, {Expr: "constants.cap", Value: "£1,000.00"}}, bp.Values)
	assert.Equal(t, rules.StatusFail, outcome(t, rep, "sme").Status)
	assert.Equal(t, 2, rep.Count(rules.StatusFail))

	rules2, err := rules.Parse("msg.yaml", []byte(header+`rules:
  - id: share
    expr: ratio(tender.weights.socialValue, tender.weights.price, 4) > decimal("0.5")
    messageExpr: '"share is " + string(ratio(tender.weights.socialValue, tender.weights.price, 4))'
  - id: fallback
    expr: tender.id == "other"
`))
	require.NoError(t, err)
	rep, err = rules2.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	require.NoError(t, err)
	assert.Equal(t, "share is 0.1667", outcome(t, rep, "share").Message)
	assert.Equal(t, `failed: tender.id == "other"`, outcome(t, rep, "fallback").Message)
}

func TestCheckRejectsBadInput(t *testing.T) {
	set := defaultSet(t)
	_, err := set.Check(context.Background(), rules.Input{}, rules.CheckOptions{})
	assert.ErrorIs(t, err, rules.ErrInput)

	tn := tender("1", "1", "1", "1", "1", "1")
	tn.Measures = make([]string, rules.MaxListLen+1)
	_, err = set.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	assert.ErrorIs(t, err, rules.ErrInput)
	assert.ErrorContains(t, err, "tender.measures: has 1001 items; at most 1000 are allowed")

	tn = tender("1", "1", "1", "1", "1", "1")
	tn.Title = strings.Repeat("x", rules.MaxStringLen+1)
	_, err = set.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	assert.ErrorContains(t, err, "tender.title: longer than 10000 characters")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := set.Check(ctx, rules.Input{Tender: tender("1", "1", "1", "1", "1", "1")}, rules.CheckOptions{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, rep.Verdicts)
}

func TestVariablesAreLazyAndBounded(t *testing.T) {
	set, err := rules.Parse("v.yaml", []byte(header+`variables:
  - name: broken
    expr: ratio(tender.weights.price, tender.weights.quality, 2) > decimal(0)
  - name: many
    expr: tender.measures.filter(m, m != "")
rules:
  - id: unused
    expr: "true"
  - id: uses
    when: tender.id == "use"
    expr: variables.broken
  - id: size
    expr: size(variables.many) >= 0
`))
	require.NoError(t, err)
	tn := tender("1", "1", "0", "1", "1", "1")
	rep, err := set.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	require.NoError(t, err)
	assert.Equal(t, rules.StatusPass, outcome(t, rep, "unused").Status, "a broken variable only affects rules that read it")
	assert.Equal(t, rules.StatusSkipped, outcome(t, rep, "uses").Status)
	tn.ID = "use"
	rep, err = set.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	require.NoError(t, err)
	assert.Equal(t, rules.StatusError, outcome(t, rep, "uses").Status)
	assert.Contains(t, outcome(t, rep, "uses").Message, "variables.broken: division by zero")
}

func TestOutcomeJSON(t *testing.T) {
	tn := tender("150000.00", "65", "30", "5", "0", "5")
	tn.Waivers = []rules.Waiver{{Rule: "sv-floor", Reason: "sole supplier", ApprovedBy: "HoP", Date: time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)}}
	rep, err := defaultSet(t).Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	require.NoError(t, err)
	b, err := json.Marshal(outcome(t, rep, "sv-floor"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"rule":"sv-floor","status":"waived","severity":"error",
		"message":"Social value is weighted 5 points; tenders over £100,000.00 (excluding VAT) need at least 10 points, or an approved waiver.",
		"position":"default/social-value.yaml:43:5",
		"values":[{"expr":"tender.weights.socialValue","value":"5"},{"expr":"constants.floor","value":"10"}],
		"waiver":{"rule":"sv-floor","reason":"sole supplier","approvedBy":"HoP","date":"2025-03-14"}}`, string(b))
}

func TestStatusText(t *testing.T) {
	for _, s := range []rules.Status{rules.StatusPass, rules.StatusFail, rules.StatusWaived, rules.StatusSkipped, rules.StatusError} {
		got, err := rules.ParseStatus(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	_, err := rules.ParseStatus("skip")
	assert.Error(t, err)
	assert.Equal(t, "Status(0)", rules.Status(0).String())
	assert.Equal(t, "warning", rules.SeverityWarning.String())
}

// TestConcurrentCheck runs one Set from many goroutines; run with -race.
func TestConcurrentCheck(t *testing.T) {
	set := defaultSet(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sv := "10"
			want := rules.StatusPass
			if i%2 == 1 {
				sv, want = "9", rules.StatusFail
			}
			for range 50 {
				rep, err := set.Check(context.Background(), rules.Input{Tender: tender("200000", "60", "30", sv, sv, "0")}, rules.CheckOptions{Values: true})
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, want, outcome(t, rep, "sv-floor").Status)
			}
		}()
	}
	wg.Wait()
}

// TestConcurrentLoadAndWithDefault compiles sets from many goroutines at
// once (they share the vocabulary built once per process) and adds the
// default policy to one shared set concurrently; run with -race.
func TestConcurrentLoadAndWithDefault(t *testing.T) {
	own, err := rules.Parse("own.yaml", []byte(header+"rules:\n  - {id: own, expr: 'tender.id.matches(\"^T\")'}\n"))
	require.NoError(t, err)
	var wg sync.WaitGroup
	sets := make([]*rules.Set, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			set, err := rules.Parse("p.yaml", []byte(header+"extends: default\nrules:\n  - {id: b, expr: 'bid.price > money(\"0\")'}\n"))
			if !assert.NoError(t, err) {
				return
			}
			rep, err := set.Check(context.Background(), rules.Input{Tender: tender("200000", "60", "30", "10", "10", "0"), Bid: &rules.Bid{Price: dec("1")}}, rules.CheckOptions{})
			assert.NoError(t, err)
			assert.Equal(t, rules.StatusPass, outcome(t, rep, "b").Status)
			sets[i], err = own.WithDefault()
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	for _, s := range sets {
		assert.Same(t, sets[0], s, "WithDefault compiles once per set")
	}
}

// A variable must not build a value the static cost bound does not allow
// for: the limits apply all the way down, not only to the top level.
func TestVariableLimitsAllTheWayDown(t *testing.T) {
	set, err := rules.Parse("vars.yaml", []byte(header+`variables:
  - {name: v0, expr: '[tender.title + tender.title]'}
  - {name: v1, expr: '[variables.v0[0] + variables.v0[0]]'}
  - {name: m, expr: '{"k": [variables.v0[0] + variables.v0[0]]}'}
rules:
  - {id: nested, expr: 'variables.v1[0].size() > 0'}
  - {id: in-map, expr: 'variables.m["k"][0].size() > 0'}
  - {id: fine, expr: 'variables.v0[0].size() == 6000'}
`))
	require.NoError(t, err)
	tn := tender("200000", "60", "30", "10", "5", "5")
	tn.Title = strings.Repeat("é", 3000) // 3,000 characters; v0 holds 6,000, v1 and m would hold 12,000
	rep, err := set.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	require.NoError(t, err)
	for _, id := range []string{"nested", "in-map"} {
		o := outcome(t, rep, id)
		assert.Equal(t, rules.StatusError, o.Status, id)
		assert.Contains(t, o.Message, "text of 12000 characters, above the limit of 10000", id)
	}
	assert.Equal(t, rules.StatusPass, outcome(t, rep, "fine").Status, "characters, not bytes, are counted")
	assert.True(t, rep.Failed())

	// round() keeps results within the digit cap too: 10^121 has 122
	// digits, and rounded to 30 places it would have 152 (the cap is 150).
	x := `decimal("1` + strings.Repeat("0", 59) + `")`
	big, err := rules.Parse("round.yaml", []byte(header+`rules:
  - {id: r, expr: '(`+x+` * `+x+` * decimal("1000")).round(30) > decimal(0)'}
  - {id: ok, expr: '(`+x+` * `+x+` * decimal("1000")).round(28) > decimal(0)'}
`))
	require.NoError(t, err)
	rep, err = big.Check(context.Background(), rules.Input{Tender: tn}, rules.CheckOptions{})
	require.NoError(t, err)
	o := outcome(t, rep, "r")
	assert.Equal(t, rules.StatusError, o.Status)
	assert.Contains(t, o.Message, "out of range")
	assert.Equal(t, rules.StatusPass, outcome(t, rep, "ok").Status, "150 digits is within the cap")
}
