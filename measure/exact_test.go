package measure

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Three contracts each deliver half an hour of volunteering in 2023/24,
// valued at £16.93 an hour:
//
//	0.5 × 16.93 = 8.465 a row (8.47 if rounded: three of them would sum to 25.41)
//	3 × 8.465   = 25.395 in total (25.40 if rounded)
//
// So values.csv, the fact table, carries 8.465 and measures.csv and the
// JSON 25.395: the rows add up to the totals exactly. Only the Markdown
// rounds, to £25.40.
const halfHours = `contract,supplier,measure,quantity,date,evidence
C1,Acme Ltd,volunteering-hours,0.5,2023-06-30,ev-1
C2,Acme Ltd,volunteering-hours,0.5,2023-06-30,ev-2
C3,Acme Ltd,volunteering-hours,0.5,2023-06-30,ev-3
C3,Acme Ltd,schools-supported,2,2023-06-30,
`

func halfHoursReview(t *testing.T) *Review {
	t.Helper()
	a := NewAggregator(testFramework(t), Options{})
	_, err := readString(t, a, "half.csv", halfHours, Outcomes, ReadOptions{})
	require.NoError(t, err)
	return NewReview(a.Result(), ReviewOptions{})
}

func csvTable(t *testing.T, rv *Review, name string) []map[string]string {
	t.Helper()
	for _, tab := range rv.CSVTables() {
		if tab.Name != name {
			continue
		}
		var b bytes.Buffer
		require.NoError(t, tab.WriteCSV(&b))
		require.True(t, bytes.HasPrefix(b.Bytes(), []byte("\xef\xbb\xbf")), "every table starts with a UTF-8 byte-order mark")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		require.NoError(t, err)
		var out []map[string]string
		for _, r := range rows[1:] {
			m := map[string]string{}
			for i, h := range rows[0] {
				m[h] = r[i]
			}
			out = append(out, m)
		}
		return out
	}
	t.Fatalf("no table %s", name)
	return nil
}

func TestExactValuesAddUp(t *testing.T) {
	rv := halfHoursReview(t)
	values := csvTable(t, rv, "values.csv")
	var cells []string
	sumValue := map[string]decimal.Decimal{}
	sumQty := map[string]decimal.Decimal{}
	for _, r := range values {
		if r["measure"] == "volunteering-hours" {
			cells = append(cells, r["social_value"])
		}
		sumValue[r["measure"]] = sumValue[r["measure"]].Add(dec(r["social_value"]))
		sumQty[r["measure"]] = sumQty[r["measure"]].Add(dec(r["quantity"]))
	}
	assert.Equal(t, []string{"8.465", "8.465", "8.465"}, cells, "exact, not rounded to 8.47")

	measures := csvTable(t, rv, "measures.csv")
	require.Len(t, measures, 2)
	for _, m := range measures {
		id := m["measure"]
		assert.True(t, dec(m["social_value"]).Equal(sumValue[id]), "%s: measures.csv says %s, values.csv rows sum to %s", id, m["social_value"], sumValue[id])
		assert.True(t, dec(m["quantity"]).Equal(sumQty[id]), "%s: measures.csv says %s, values.csv rows sum to %s", id, m["quantity"], sumQty[id])
	}
	assert.Equal(t, "25.395", measures[0]["social_value"])
	assert.Equal(t, "1.5", measures[0]["quantity"])
	assert.Equal(t, "0.00", measures[1]["social_value"])

	var b bytes.Buffer
	require.NoError(t, rv.WriteJSON(&b))
	var j struct {
		Totals struct {
			SocialValue string
			ByUnit      []struct{ Unit, Quantity string }
		}
		Themes []struct {
			SocialValue string
			Measures    []struct{ ID, Quantity, SocialValue string }
		}
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &j))
	assert.Equal(t, "25.395", j.Totals.SocialValue)
	var total decimal.Decimal
	for _, v := range sumValue {
		total = total.Add(v)
	}
	assert.True(t, dec(j.Totals.SocialValue).Equal(total), "JSON total %s, values.csv sums to %s", j.Totals.SocialValue, total)
	require.Len(t, j.Themes, 1)
	for _, m := range j.Themes[0].Measures {
		assert.True(t, dec(m.SocialValue).Equal(sumValue[m.ID]), "%s: JSON %s, values.csv %s", m.ID, m.SocialValue, sumValue[m.ID])
		assert.True(t, dec(m.Quantity).Equal(sumQty[m.ID]), "%s: JSON %s, values.csv %s", m.ID, m.Quantity, sumQty[m.ID])
	}
	for _, u := range j.Totals.ByUnit {
		switch u.Unit {
		case "hours":
			assert.Equal(t, "1.5", u.Quantity)
		case "count":
			assert.Equal(t, "2", u.Quantity)
		}
	}

	b.Reset()
	require.NoError(t, rv.WriteMarkdown(&b))
	assert.Contains(t, b.String(), "| Social value | £25.40 | £ (proxy) |", "people see £ rounded half-up to the penny")
}

func TestExactFormats(t *testing.T) {
	for _, c := range []struct{ in, qty, money string }{
		{"8.465000000000", "8.465", "8.465"},
		{"25.400000", "25.4", "25.40"},
		{"30000", "30000", "30000.00"},
		{"0", "0", "0.00"},
		{"1e3", "1000", "1000.00"},
		{"0.000001", "0.000001", "0.000001"},
	} {
		assert.Equal(t, c.qty, exactQty(dec(c.in)), c.in)
		assert.Equal(t, c.money, exactMoney(dec(c.in)), c.in)
	}
	assert.Equal(t, "2.01", money(dec("2.005")), "people see half-up to 2 places")
	assert.Equal(t, "28.6", percent(dec("28.57").Round(PercentPlaces)))
	assert.False(t, strings.Contains(exactMoney(dec("12345678901234567890.5")), "e"))
}
