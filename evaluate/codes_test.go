package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// A measure's codes and an uprated value's note reach the evaluation's
// JSON, and the note its table: volunteering 16.93 in 2024/25 uprated
// 100 → 103 is 17.4379 in 2025/26, so 10 hours are £174.379.
func TestEvaluationCodesAndUpratingNote(t *testing.T) {
	fw, err := tom.Parse("c.yaml", []byte(`apiVersion: toms/v1
kind: Framework
id: c
name: Coded
themes:
  - id: t
    name: T
    outcomes:
      - id: o
        name: O
        measures:
          - id: volunteering
            name: Volunteering
            unit: hours
            codes: {ecc: ECC48}
            proxies:
              "2024/25": {value: "16.93", source: Essex, basis: Staff time, uprate: defl}
`))
	require.NoError(t, err)
	ix, err := tom.ParseIndex("i.yaml", []byte(`apiVersion: toms/v1
kind: Index
id: defl
name: Test deflator
source: S
basis: B
values: {"2024/25": "100", "2025/26": "103"}
`))
	require.NoError(t, err)
	fw, err = fw.WithIndexes(ix)
	require.NoError(t, err)
	tender, err := ParseTender("t.yaml", []byte(`apiVersion: toms/v1
kind: Tender
id: T1
title: Test
contractType: contract
value: "50000"
year: "2025/26"
criteria:
  price: {weight: "90"}
  socialValue: {weight: "10", quantitativeWeight: "10", qualitativeWeight: "0", measures: [volunteering]}
bids:
  - supplier: {name: A}
    price: "1000"
    socialValue: {commitments: [{measure: volunteering, quantity: "10"}]}
`))
	require.NoError(t, err)
	r, err := Evaluate(context.Background(), tender, tender.Bids, fw, Options{})
	require.NoError(t, err)
	require.Len(t, r.Bids, 1)
	assert.Equal(t, "174.379", r.Bids[0].SocialValue.Value.String(), "10 × 16.93 × 103 / 100")

	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	var v struct {
		Measures []struct {
			Codes map[string]string `json:"codes"`
			Proxy struct {
				Value, Note string
			} `json:"proxy"`
		} `json:"measures"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &v))
	require.Len(t, v.Measures, 1)
	assert.Equal(t, map[string]string{"ecc": "ECC48"}, v.Measures[0].Codes)
	assert.Equal(t, "17.4379", v.Measures[0].Proxy.Value)
	assert.Equal(t, "uprated from 2024/25 by Test deflator", v.Measures[0].Proxy.Note)

	var text bytes.Buffer
	require.NoError(t, r.WriteTable(&text))
	assert.Contains(t, text.String(), "volunteering: £17.4379 per unit (hours), 2025/26, uprated from 2024/25 by Test deflator. Source: Essex; index: S")
}
