package tom

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const proxiesHeader = "apiVersion: toms/v1\nkind: ProxyValues\nname: Local values 2025/26\nvalues:\n"

func TestWithProxies(t *testing.T) {
	f := defaultFramework(t)
	pv, err := ParseProxies("p.yaml", []byte(proxiesHeader+`
  - {measure: volunteering-hours, year: "2025/26", value: "17.40", source: Local survey, basis: Staff cost}
  - {measure: volunteering-hours, year: "2024/25", value: "17.00", source: Local survey, basis: Staff cost}
  - {measure: young-people-supported, year: "2024/25", value: "250", source: Licensed file, basis: Per person}
`))
	require.NoError(t, err)
	assert.Equal(t, 3, pv.Len())
	assert.Equal(t, "Local values 2025/26", pv.Name())
	g, err := f.WithProxies(pv)
	require.NoError(t, err)

	// Added year: 10 h × £17.40 = £174.00.
	v, err := g.Value("volunteering-hours", dec("10"), MustYear("2025/26"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "174", v.Value, "10 × 17.40")
	// Overridden year: 10 h × £17.00 = £170.00 (the catalogue said £16.93).
	v, err = g.Value("volunteering-hours", dec("10"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "170", v.Value, "10 × 17.00")
	assert.Equal(t, "Local survey", v.Proxy.Source)
	// Untouched year keeps the catalogue's value: 10 × 16.93 = 169.30.
	v, err = g.Value("volunteering-hours", dec("10"), MustYear("2023/24"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "169.3", v.Value, "10 × 16.93")
	// A non-financial measure given a value becomes financial: 4 × £250 = £1,000.
	v, err = g.Value("young-people-supported", dec("4"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "1000", v.Value, "4 × 250")

	// The original framework is unchanged.
	v, err = f.Value("volunteering-hours", dec("10"), MustYear("2024/25"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "169.3", v.Value, "original 10 × 16.93")
	_, err = f.Value("young-people-supported", dec("4"), MustYear("2024/25"), ExactYear)
	assert.ErrorIs(t, err, ErrNotFinancial)
	_, ok := g.Measure("volunteering-hours")
	assert.True(t, ok, "the new framework is indexed")
}

func TestWithProxiesUnknownMeasure(t *testing.T) {
	f := defaultFramework(t)
	pv, err := ParseProxies("p.yaml", []byte(proxiesHeader+`  - {measure: volunteer-hours, year: "2025/26", value: "17.40", source: s, basis: b}
`))
	require.NoError(t, err)
	_, err = f.WithProxies(pv)
	d := diagnostics(t, err)
	assert.Equal(t, `p.yaml:5:15: values[0].measure: unknown measure "volunteer-hours"; did you mean "volunteering-hours"?`, d[0].Error())
	assert.ErrorIs(t, err, ErrUnknownMeasure)
}

func TestParseProxiesErrors(t *testing.T) {
	cases := []struct{ name, values, want string }{
		{"duplicate pair", `  - {measure: m, year: "2025/26", value: "1", source: s, basis: b}
  - {measure: m, year: "2025/26", value: "2", source: s, basis: b}
`, `p.yaml:6:5: values[1]: measure "m" already has a value for 2025/26 at p.yaml:5:5`},
		{"negative", `  - {measure: m, year: "2025/26", value: "-1", source: s, basis: b}
`, `p.yaml:5:42: values[0].value: is -1; a proxy value cannot be negative`},
		{"bad year", `  - {measure: m, year: "2025", value: "1", source: s, basis: b}
`, `p.yaml:5:24: values[0].year: "2025": not a financial year: write it as 2024/25`},
		{"missing source", `  - {measure: m, year: "2025/26", value: "1", basis: b}
`, `p.yaml:5:5: values[0].source: missing required field "source"`},
		{"unknown field", `  - {measure: m, year: "2025/26", value: "1", source: s, basis: b, licence: x}
`, `p.yaml:5:68: values[0].licence: unknown field "licence"; expected one of basis, measure, source, uprate, value, year`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseProxies("p.yaml", []byte(proxiesHeader+c.values))
			d := diagnostics(t, err)
			assert.Equal(t, c.want, d[0].Error())
		})
	}
	_, err := ParseProxies("p.yaml", []byte(strings.Replace(proxiesHeader, "ProxyValues", "Framework", 1)+"  []\n"))
	assert.ErrorContains(t, err, `kind: is "Framework"; this reader expects "ProxyValues"`)
}

// TestApplyProxiesOnePass: an unknown measure is reported together with the
// file's other problems, not after they are fixed.
func TestApplyProxiesOnePass(t *testing.T) {
	f := defaultFramework(t)
	_, err := f.ApplyProxies("p.yaml", []byte(proxiesHeader+`  - {measure: volunteer-hours, year: "2025/26", value: "17.40", source: s, basis: b}
  - {measure: expert-hours, year: "2025/26", value: "-1", source: s, basis: b}
`))
	d := diagnostics(t, err)
	require.Len(t, d, 2)
	assert.Equal(t, `p.yaml:5:15: values[0].measure: unknown measure "volunteer-hours"; did you mean "volunteering-hours"?`, d[0].Error())
	assert.Equal(t, `p.yaml:6:53: values[1].value: is -1; a proxy value cannot be negative`, d[1].Error())

	g, err := f.ApplyProxies("p.yaml", []byte(proxiesHeader+`  - {measure: expert-hours, year: "2025/26", value: "104.00", source: s, basis: b}
`))
	require.NoError(t, err)
	v, err := g.Value("expert-hours", dec("2"), MustYear("2025/26"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "208", v.Value, "2 × 104.00")
}
