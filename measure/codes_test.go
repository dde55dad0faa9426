package measure

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// A row may name its measure by an external code (tom.Measure.Codes) when
// exactly one measure carries it; the record then carries the measure's id.
func TestRowMeasureByCode(t *testing.T) {
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
          - {id: volunteering, name: V, unit: hours, codes: {ecc: ECC48, nt: NT29}}
          - {id: training, name: T, unit: weeks, codes: {ecc: ECC9, nt: NT29}}
`))
	require.NoError(t, err)
	in := `contract,supplier,measure,quantity,date,evidence
C1,Acme,ECC48,4,2024-05-01,
C1,Acme,nt:NT29,1,2024-05-01,
C1,Acme,NT29,2,2024-05-02,
C1,Acme,ECC49,3,2024-05-03,
C1,Acme,volunteering,5,2024-05-04,
`
	var got []string
	rej, err := ReadRecords(context.Background(), strings.NewReader(in), "o.csv", Outcomes, fw, ReadOptions{Lenient: true},
		func(r Record) error { got = append(got, r.Measure+"="+r.Quantity.String()); return nil })
	require.NoError(t, err)
	assert.Equal(t, []string{"volunteering=4", "volunteering=5"}, got)
	require.Len(t, rej, 3, "%v", rej)
	assert.Equal(t, `o.csv:3:9: measure: code "nt:NT29" names 2 measures: volunteering (nt:NT29), training (nt:NT29); write the measure id`, rej[0].Error())
	assert.ErrorIs(t, rej[0], tom.ErrAmbiguousCode)
	assert.Equal(t, `o.csv:4:9: measure: code "NT29" names 2 measures: volunteering (nt:NT29), training (nt:NT29); write the measure id or scheme:code`, rej[1].Error())
	assert.Equal(t, `o.csv:5:9: measure: unknown measure "ECC49"; did you mean "ECC48"?`, rej[2].Error())
	assert.ErrorIs(t, rej[2], tom.ErrUnknownMeasure)
}
