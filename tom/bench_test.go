package tom

import (
	"testing"

	"github.com/shopspring/decimal"
)

// BenchmarkDefault measures loading the embedded catalogue: YAML parse,
// strict decoding and validation.
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

const valuations = 1_000_000

// quantities cycles through a few realistic quantities over the financial measures.
func benchInputs(b *testing.B) (*Framework, []string, []decimal.Decimal) {
	f, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	ids := []string{"volunteering-hours", "expert-hours", "resources-donated", "crowdfund-contributions"}
	qs := []decimal.Decimal{dec("7.5"), dec("120"), dec("2500.75"), dec("0.25"), dec("16")}
	return f, ids, qs
}

// BenchmarkValue values 1,000,000 quantities per op through Framework.Value
// (lookup by id, proxy for the year, exact multiplication).
func BenchmarkValue(b *testing.B) {
	f, ids, qs := benchInputs(b)
	y := MustYear("2024/25")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total := decimal.Zero
		for j := 0; j < valuations; j++ {
			v, err := f.Value(ids[j%len(ids)], qs[j%len(qs)], y, ExactYear)
			if err != nil {
				b.Fatal(err)
			}
			total = total.Add(v.Value)
		}
		_ = total
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/valuations, "ns/valuation")
}

// BenchmarkValueNative is the baseline: the same products with the proxy
// values already in hand, so only the decimal arithmetic is left.
func BenchmarkValueNative(b *testing.B) {
	_, ids, qs := benchInputs(b)
	f, _ := Default()
	y := MustYear("2024/25")
	proxies := make([]decimal.Decimal, len(ids))
	for i, id := range ids {
		m, _ := f.Measure(id)
		p, _ := m.Proxy(y)
		proxies[i] = p.Value
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total := decimal.Zero
		for j := 0; j < valuations; j++ {
			total = total.Add(qs[j%len(qs)].Mul(proxies[j%len(ids)]))
		}
		_ = total
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/valuations, "ns/valuation")
}
