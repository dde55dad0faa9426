package evaluate

import (
	"context"
	"testing"

	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// BenchmarkBidRules measures Evaluate on 100,000 bids without the policy,
// with the default policy (no rule about bids: the bids are not checked
// one by one, so this must cost the same as without), and with one rule
// about bids (checked once per bid).
//
//	go test -run '^$' -bench BenchmarkBidRules -benchtime 5x ./evaluate
func BenchmarkBidRules(b *testing.B) {
	fw, err := tom.Parse("c.yaml", []byte(poundsCatalogue))
	if err != nil {
		b.Fatal(err)
	}
	t := benchTender(Highest)
	bids, _ := benchBids(100_000, Highest)
	withBidRule, err := rules.Parse("bids.yaml", []byte("apiVersion: toms/v1\nkind: RuleSet\nmetadata: {name: b}\n"+
		"rules:\n  - {id: priced, expr: 'bid.price > money(\"0\")'}\n"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"no-policy", Options{SkipPolicy: true}},
		{"default-policy", Options{}},
		{"one-bid-rule", Options{Rules: withBidRule}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := Evaluate(context.Background(), t, bids, fw, c.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/bid")
		})
	}
}
