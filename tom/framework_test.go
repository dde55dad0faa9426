package tom

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// assertDec compares decimals by value, so 2031.6 equals 2031.60.
func assertDec(t *testing.T, want string, got decimal.Decimal, msg string) {
	t.Helper()
	assert.Truef(t, dec(want).Equal(got), "%s: got %s, want %s", msg, got, want)
}

func defaultFramework(t testing.TB) *Framework {
	t.Helper()
	f, err := Default()
	require.NoError(t, err)
	return f
}

func TestValueHandWorked(t *testing.T) {
	f := defaultFramework(t)
	y := MustYear("2024/25")
	cases := []struct {
		measure, qty, want string
		working            string
	}{
		{"volunteering-hours", "120", "2031.60", "120 h × £16.93 = £2,031.60"},
		{"volunteering-hours", "0.1", "1.693", "0.1 h × £16.93 = £1.693 (exact, no float)"},
		{"expert-hours", "7.5", "757.500", "7.5 h × £101.00 = £757.50"},
		{"resources-donated", "2500.75", "2500.75", "£2,500.75 × £1 = £2,500.75"},
		{"crowdfund-contributions", "0", "0", "nothing contributed is worth nothing"},
	}
	for _, c := range cases {
		v, err := f.Value(c.measure, dec(c.qty), y, ExactYear)
		require.NoError(t, err, c.working)
		assertDec(t, c.want, v.Value, c.working)
		assert.Equal(t, y, v.Proxy.Year, c.working)
		assert.False(t, v.CarriedForward, c.working)
		assert.NotEmpty(t, v.Proxy.Source, c.working)
		assert.NotEmpty(t, v.Proxy.Basis, c.working)
	}
}

func TestValueYearPolicy(t *testing.T) {
	f := defaultFramework(t)
	y := MustYear("2024/25")

	// carbon-saved has only a 2021/22 value (£245/tCO2e).
	_, err := f.Value("carbon-saved", dec("12.5"), y, ExactYear)
	require.ErrorIs(t, err, ErrNoProxy)
	var pe *ProxyError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "carbon-saved", pe.Measure)
	assert.Equal(t, []Year{MustYear("2021/22")}, pe.Available)
	assert.Contains(t, err.Error(), "no proxy value for 2024/25 (it has 2021/22)")

	// Carried forward: 12.5 tCO2e × £245 = £3,062.50, from 2021/22, and it says so.
	v, err := f.Value("carbon-saved", dec("12.5"), y, CarryForward)
	require.NoError(t, err)
	assertDec(t, "3062.5", v.Value, "12.5 × 245")
	assert.True(t, v.CarriedForward)
	assert.Equal(t, MustYear("2021/22"), v.Proxy.Year)
	assert.Equal(t, y, v.Year)

	// Nothing earlier to carry forward.
	_, err = f.Value("carbon-saved", dec("1"), MustYear("2020/21"), CarryForward)
	assert.ErrorIs(t, err, ErrNoProxy)
	assert.Contains(t, err.Error(), "or any earlier year")

	// A later value is never carried backwards: 2022/23 has volunteering? no (2023/24 first).
	_, err = f.Value("volunteering-hours", dec("1"), MustYear("2022/23"), CarryForward)
	assert.ErrorIs(t, err, ErrNoProxy)

	_, err = f.Value("sme-spend", dec("1"), y, ExactYear)
	assert.ErrorIs(t, err, ErrNotFinancial)
	_, err = f.Value("no-such-measure", dec("1"), y, ExactYear)
	assert.ErrorIs(t, err, ErrUnknownMeasure)
}

func TestFrameworkLookups(t *testing.T) {
	f := defaultFramework(t)
	assert.Equal(t, "council-toms", f.ID())
	assert.Equal(t, "GBP", f.Currency())
	themes := f.Themes()
	require.Len(t, themes, 5)
	ids := []string{}
	for _, th := range themes {
		ids = append(ids, th.ID)
	}
	assert.Equal(t, []string{"community-capacity", "skilled-workforce", "young-people", "local-economy", "environment"}, ids, "catalogue order")

	m, ok := f.Measure("volunteering-hours")
	require.True(t, ok)
	assert.Equal(t, Hours, m.Unit)
	assert.Equal(t, "community-capacity", m.Theme)
	assert.Equal(t, "volunteering", m.Outcome)
	assert.True(t, m.Financial)
	assertDec(t, "1", m.Priority, "default priority")
	p, ok := m.Proxy(MustYear("2023/24"))
	require.True(t, ok)
	assertDec(t, "16.93", p.Value, "2023/24 value")

	o, ok := f.Outcome("local-spend-retained")
	require.True(t, ok)
	assert.Equal(t, "local-economy", o.Theme)
	assert.Len(t, o.Measures, 2)
	th, ok := f.Theme("environment")
	require.True(t, ok)
	assert.Equal(t, "Protecting the local environment", th.Name)
	_, ok = f.Theme("nope")
	assert.False(t, ok)
	_, ok = f.Outcome("nope")
	assert.False(t, ok)
	_, ok = f.Measure("nope")
	assert.False(t, ok)
	info, ok := f.Unit(TCO2e)
	require.True(t, ok)
	assert.Equal(t, "tCO2e", info.Name)

	// Accessors return copies: changing one does not change the framework.
	themes[0].Name = "changed"
	ms := f.Measures()
	ms[0].ID = "changed"
	proxies := m.Proxies()
	proxies[0].Value = dec("999")
	assert.Equal(t, "Unlocking community capacity", f.Themes()[0].Name)
	assert.Equal(t, "vcs-schools-supported", f.Measures()[0].ID)
	v, err := f.Value("volunteering-hours", dec("1"), MustYear("2023/24"), ExactYear)
	require.NoError(t, err)
	assertDec(t, "16.93", v.Value, "unchanged by the caller")
}

func TestDefaultCatalogueCitesEveryValue(t *testing.T) {
	f := defaultFramework(t)
	financial := 0
	for _, m := range f.Measures() {
		if !m.Financial {
			assert.Empty(t, m.Proxies(), m.ID)
			continue
		}
		financial++
		for _, p := range m.Proxies() {
			assert.NotEmpty(t, p.Source, "%s %s source", m.ID, p.Year)
			assert.NotEmpty(t, p.Basis, "%s %s basis", m.ID, p.Year)
			assert.False(t, p.Value.IsNegative(), m.ID)
		}
	}
	assert.Equal(t, 5, financial, "expert hours, donations, crowd-funding £, volunteering, carbon")
	// The measures the strategy names are there.
	for _, id := range []string{"vcs-schools-supported", "crowdfunded-projects", "crowdfund-contributions",
		"volunteering-hours", "local-people-training", "local-apprentices", "young-people-supported",
		"care-leavers-supported", "local-spend", "contracts-environmental", "sme-spend", "vcse-spend"} {
		_, ok := f.Measure(id)
		assert.True(t, ok, id)
	}
	assert.NotEmpty(t, DefaultSource())
}

func TestErrorsMatch(t *testing.T) {
	f := defaultFramework(t)
	_, err := f.Value("carbon-saved", dec("1"), MustYear("2024/25"), ExactYear)
	assert.True(t, errors.Is(err, ErrNoProxy))
}
