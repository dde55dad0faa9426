package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/internal/dectext"
)

// render runs the generated review (-generated).
func render(t *testing.T, args ...string) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, run(context.Background(), append([]string{"-generated"}, args...), &b))
	return b.String()
}

type report struct {
	Totals struct {
		SocialValue string
		Records     int64
		ByUnit      []struct{ Unit, Quantity string }
	}
	Themes []struct {
		Name, SocialValue string
		Measures          []struct{ ID, Name string }
	}
	Commitments []struct {
		Contract, Supplier, Measure, Unit, Committed, Delivered, Status string
		Percent                                                         *string
	}
	SpendShares struct {
		Spend string
		SME   struct{ Spend, Percent string }
	}
	Proxies []struct {
		Measure, Quantity, Value, SocialValue string
		CarriedForward                        bool
	}
}

func TestAnnualReview(t *testing.T) {
	out := render(t)
	assert.Equal(t, out, render(t, "-data", t.TempDir()), "the generated review is deterministic")
	for _, want := range []string{
		"# County Council social value annual review 2024/25",
		"CT-2024-012", "## Committed and delivered", "not started", "behind", "met",
		"carried forward", "### Rejected rows", "requires evidence",
	} {
		assert.Contains(t, out, want)
	}
	assert.Error(t, run(context.Background(), []string{"-format", "pdf"}, &bytes.Buffer{}))
}

// The figures of the default seed, worked by hand from the proxy values
// used (the JSON carries them exactly):
//
//	expert-hours         59.33 h × £101.00 =  5,992.33
//	resources-donated 35,121.48 £ × £1     = 35,121.48
//	volunteering-hours  453.38 h × £16.93  =  7,675.7234
//	carbon-saved           25 t × £245    =  6,125.00 (2021/22 value, carried forward)
//	social value                           = 54,914.5334 → £54,914.53 for people
func TestAnnualReviewFigures(t *testing.T) {
	var rep report
	require.NoError(t, json.Unmarshal([]byte(render(t, "-format", "json")), &rep))
	assert.Equal(t, "54914.5334", rep.Totals.SocialValue)
	want := map[string][3]string{ // quantity, value, social value
		"expert-hours":       {"59.33", "101.00", "5992.33"},
		"resources-donated":  {"35121.48", "1.00", "35121.48"},
		"volunteering-hours": {"453.38", "16.93", "7675.7234"},
		"carbon-saved":       {"25", "245.00", "6125.00"},
	}
	require.Len(t, rep.Proxies, len(want))
	sum := decimal.Zero
	for _, p := range rep.Proxies {
		w, ok := want[p.Measure]
		require.True(t, ok, p.Measure)
		assert.Equal(t, w, [3]string{p.Quantity, p.Value, p.SocialValue}, p.Measure)
		assert.True(t, decimal.RequireFromString(p.Quantity).Mul(decimal.RequireFromString(p.Value)).Equal(decimal.RequireFromString(p.SocialValue)), p.Measure)
		assert.Equal(t, p.Measure == "carbon-saved", p.CarriedForward, p.Measure)
		sum = sum.Add(decimal.RequireFromString(p.SocialValue))
	}
	assert.Equal(t, "54914.5334", dectext.Format(sum))

	units := map[string]string{}
	for _, u := range rep.Totals.ByUnit {
		units[u.Unit] = u.Quantity
	}
	assert.Equal(t, map[string]string{"people": "391", "hours": "512.71", "weeks": "1211", "gbp": "1595855.17", "tonnes": "556", "tco2e": "25"}, units)
	// gbp is spend reported plus £ given: 1,560,733.69 + 35,121.48
	assert.Equal(t, "1560733.69", rep.SpendShares.Spend)
	assert.Equal(t, "583733.43", rep.SpendShares.SME.Spend)
	assert.Equal(t, "37.4", rep.SpendShares.SME.Percent) // 583,733.43 / 1,560,733.69 = 37.40…%
	assert.Equal(t, int64(170), rep.Totals.Records)

	status := map[string]string{}
	for _, c := range rep.Commitments {
		status[c.Contract+" "+c.Measure] = c.Status
	}
	assert.Equal(t, "met", status["CT-2024-009 expert-hours"])    // 46.69 of 43 h
	assert.Equal(t, "behind", status["CT-2024-010 carbon-saved"]) // 25 of 106 t
	assert.Equal(t, "not started", status["CT-2024-012 volunteering-hours"])
}

// The Markdown shows the same figures as the JSON, rounded for people.
func TestAnnualReviewMarkdownAgreesWithJSON(t *testing.T) {
	md := render(t)
	var rep report
	require.NoError(t, json.Unmarshal([]byte(render(t, "-format", "json")), &rep))

	pounds := func(s string) string { return "£" + dectext.Grouped(decimal.RequireFromString(s).Round(2), 2) }
	assert.Contains(t, md, "| Social value | "+pounds(rep.Totals.SocialValue)+" | £ (proxy) |")
	assert.Contains(t, md, "| Social value | £54,914.53 | £ (proxy) |")
	labels := map[string]string{"people": "people", "hours": "hours", "weeks": "weeks", "tonnes": "tonnes", "tco2e": "tCO2e"}
	for _, u := range rep.Totals.ByUnit {
		if u.Unit == "gbp" {
			continue
		}
		assert.Contains(t, md, fmt.Sprintf("| Delivered | %s | %s |", dectext.Grouped(decimal.RequireFromString(u.Quantity), 0), labels[u.Unit]), u.Unit)
	}
	assert.Contains(t, md, "| Spend reported | "+pounds(rep.SpendShares.Spend)+" | ")
	assert.Contains(t, md, "Spend reported: "+pounds(rep.SpendShares.Spend)+".")
	names := map[string]string{}
	for _, th := range rep.Themes {
		// a theme with no £ measure is headed by its results, not £0.00
		if !decimal.RequireFromString(th.SocialValue).IsZero() {
			assert.Contains(t, md, "### "+th.Name+": "+pounds(th.SocialValue))
		} else {
			assert.NotContains(t, md, "### "+th.Name+": £0.00")
		}
		for _, m := range th.Measures {
			names[m.ID] = m.Name
		}
	}
	for _, c := range rep.Commitments {
		pct := "–"
		if c.Percent != nil {
			pct = *c.Percent + "%"
		}
		unit := labels[c.Unit]
		if c.Unit == "gbp" {
			unit = "£"
		} else if unit == "" {
			unit = c.Unit
		}
		row := fmt.Sprintf("| %s | %s | %s | %s | 2024/25 | %s | %s | %s | %s |", c.Contract, c.Supplier, names[c.Measure], unit,
			dectext.Grouped(decimal.RequireFromString(c.Committed), 0), dectext.Grouped(decimal.RequireFromString(c.Delivered), 0), pct, c.Status)
		if names[c.Measure] == "" { // a measure with nothing delivered is in no theme of the JSON
			continue
		}
		assert.True(t, strings.Contains(md, row), "the Markdown lacks %s", row)
	}
}

func TestAnnualReviewHTML(t *testing.T) {
	page := render(t, "-format", "html")
	assert.True(t, strings.HasPrefix(page, "<!DOCTYPE html>"))
	assert.Contains(t, page, "£54,914.53")
	assert.Contains(t, page, "£1,560,733.69")
	assert.Equal(t, 5, strings.Count(page, "<svg")) // themes, contracts, suppliers, commitments, spend shares
}
