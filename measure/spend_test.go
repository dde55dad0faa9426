package measure

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

func councilFramework(t *testing.T) *tom.Framework {
	t.Helper()
	fw, err := tom.Default()
	require.NoError(t, err)
	return fw
}

// The council catalogue splits spend into disjoint measures in one
// exclusive group, so a supplier who reports the same £30,000 under
// sme-spend and local-sme-spend (a local SME is an SME) has the second row
// rejected as counted twice: spend reported and the £ headline are £30,000,
// not £60,000.
func TestSpendNotCountedTwice(t *testing.T) {
	fw := councilFramework(t)
	for _, pair := range [][2]string{{"sme-spend", "local-sme-spend"}, {"local-spend", "local-sme-spend"}, {"vcse-spend", "local-spend"}, {"sme-spend", "vcse-spend"}} {
		a := NewAggregator(fw, Options{})
		data := "contract,supplier,measure,quantity,date,evidence,supplier_sme,supplier_vcse,local\n" +
			"C1,Acme Ltd," + pair[0] + ",30000,2024-06-30,,yes,no,yes\n" +
			"C1,Acme Ltd," + pair[1] + ",30000.00,2024-06-30,,yes,no,yes\n"
		rejected, err := readString(t, a, "spend.csv", data, Outcomes, ReadOptions{Lenient: true})
		require.NoError(t, err)
		require.Len(t, rejected, 1, pair)
		assert.True(t, errors.Is(rejected[0], ErrDoubleCounted), "%v", rejected[0])
		assert.Equal(t, 3, rejected[0].Line)
		rv := NewReview(a.Result(), ReviewOptions{})
		requireDec(t, "30000", rv.SpendShares.Total, pair)
		require.Len(t, rv.Totals.ByUnit, 1)
		requireDec(t, "30000", rv.Totals.ByUnit[0].Quantity, pair)
	}
}

// Disjoint spend, with shares from the flags:
//
//	local-spend      20,000  local, not SME
//	local-sme-spend  10,000  local, SME
//	sme-spend         5,000  SME, not local
//	vcse-spend        2,000  VCSE, local, SME
//	spend reported   37,000  (each pound once)
//	SME   10,000 + 5,000 + 2,000 = 17,000 / 37,000 = 45.945…% → 45.9
//	VCSE                           2,000 / 37,000 =  5.405…% →  5.4
//	local 20,000 + 10,000 + 2,000 = 32,000 / 37,000 = 86.486…% → 86.5
//
// resources-donated (£ given, valued pound for pound) is £500 of social
// value and a gbp quantity, but not spend: the headline shows it apart.
func TestSpendSharesDisjoint(t *testing.T) {
	a := NewAggregator(councilFramework(t), Options{})
	data := `contract,supplier,measure,quantity,date,evidence,supplier_sme,supplier_vcse,local
C1,Acme Ltd,local-spend,20000,2024-06-30,,no,no,yes
C1,Acme Ltd,local-sme-spend,10000,2024-06-30,,yes,no,yes
C1,Acme Ltd,sme-spend,5000,2024-06-30,,yes,no,no
C1,Acme Ltd,vcse-spend,2000,2024-06-30,,yes,yes,yes
C1,Acme Ltd,resources-donated,500,2024-06-30,ev-1,,,
`
	_, err := readString(t, a, "spend.csv", data, Outcomes, ReadOptions{})
	require.NoError(t, err)
	rv := NewReview(a.Result(), ReviewOptions{})
	s := rv.SpendShares
	requireDec(t, "37000", s.Total)
	for _, c := range []struct {
		share      SpendShare
		spend, pct string
	}{{s.SMEShare(), "17000", "45.9"}, {s.VCSEShare(), "2000", "5.4"}, {s.LocalShare(), "32000", "86.5"}} {
		requireDec(t, c.spend, c.share.Spend)
		requireDec(t, c.pct, c.share.Percent)
	}
	requireDec(t, "500", rv.Totals.SocialValue)
	require.Len(t, rv.Totals.ByUnit, 1)
	requireDec(t, "37500", rv.Totals.ByUnit[0].Quantity) // 37,000 spend + 500 given
	var b bytes.Buffer
	require.NoError(t, rv.WriteMarkdown(&b))
	md := b.String()
	assert.Contains(t, md, "| Spend reported | £37,000.00 | £ spend (not social value) |")
	assert.Contains(t, md, "| Given | £500.00 | £ given (in the social value above) |")
	assert.NotContains(t, md, "37,500")
	assert.NotContains(t, md, "not in one exclusive group")
}

// A catalogue whose spend measures are not in one exclusive group does not
// say they are disjoint: the review warns that the spend reported may
// count a pound twice.
func TestSpendOverlapNote(t *testing.T) {
	yaml := strings.Replace(testCatalogue, "            exclusiveGroup: local\n          - id: local-sme-spend", "          - id: local-sme-spend", 1)
	require.NotEqual(t, testCatalogue, yaml)
	fw, err := tom.Parse("test.yaml", []byte(yaml))
	require.NoError(t, err)
	a := NewAggregator(fw, Options{})
	_, err = readString(t, a, "s.csv", `contract,supplier,measure,quantity,date,evidence
C1,Acme,local-spend,100,2024-06-30,
C1,Acme,local-sme-spend,40,2024-06-30,
`, Outcomes, ReadOptions{})
	require.NoError(t, err)
	notes := strings.Join(NewReview(a.Result(), ReviewOptions{}).Notes, "\n")
	assert.Contains(t, notes, "not in one exclusive group (local-spend, local-sme-spend)")

	// the test catalogue puts both in group "local": no note
	notes = strings.Join(sampleReview(t).Notes, "\n")
	assert.NotContains(t, notes, "exclusive group")
}
