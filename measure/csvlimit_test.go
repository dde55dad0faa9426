package measure

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// A runaway quoted cell must not pull the whole file into memory: a CSV row
// longer than DefaultMaxLineBytes fails the file, as an over-long JSON line does.
func TestCSVRowLimit(t *testing.T) {
	fw, err := tom.Default()
	require.NoError(t, err)
	huge := strings.Repeat("x", DefaultMaxLineBytes)
	for name, data := range map[string]string{
		"unclosed quote": "contract,supplier,measure,quantity,date,evidence\nC1,S,volunteering-hours,1,2024-06-30,ok\nC1,S,volunteering-hours,2,2024-06-30,\"" + huge + "\n",
		"huge evidence":  "contract,supplier,measure,quantity,date,evidence\nC1,S,volunteering-hours,1,2024-06-30,ok\nC1,S,volunteering-hours,2,2024-06-30," + huge + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			agg := NewAggregator(fw, Options{})
			defer agg.Close()
			_, err := agg.Read(context.Background(), strings.NewReader(data), "big.csv", Outcomes, ReadOptions{Lenient: true})
			require.Error(t, err)
			assert.ErrorContains(t, err, "big.csv:3: ")
			assert.ErrorContains(t, err, "is longer than about 1048576 bytes")
		})
	}
}

func TestDateYearOutOfRange(t *testing.T) {
	fw, err := tom.Default()
	require.NoError(t, err)
	agg := NewAggregator(fw, Options{})
	defer agg.Close()
	_, err = agg.Read(context.Background(), strings.NewReader("contract,supplier,measure,quantity,date,evidence\nC1,S,sme-spend,1,0001-01-01,\n"),
		"d.csv", Outcomes, ReadOptions{})
	assert.ErrorContains(t, err, `d.csv:2:18: date: "0001-01-01": the year is out of range (1000 to 9999)`)
}
