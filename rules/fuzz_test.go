package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialvalue-toms/toms/rules"
)

// FuzzLoadRuleFiles feeds arbitrary rule files to the compiler and checks
// whatever compiles against a tender and a bid. Nothing may panic or hang.
// The seeds are small, so that each execution compiles a few expressions;
// the YAML reading alone is fuzzed by FuzzParseRuleFile and the test runner
// by FuzzRuleTestFile, which are faster. Run it with
//
//	go test -run '^$' -fuzz FuzzLoadRuleFiles -fuzztime 60s ./rules/
func FuzzLoadRuleFiles(f *testing.F) {
	for _, s := range []string{
		header + "rules:\n  - {id: a, expr: 'tender.measures.all(m, m != \"\")'}\n",
		header + "variables:\n  - {name: x, expr: 'ratio(tender.value, money(\"0\"), 2)'}\nrules:\n  - {id: a, expr: 'variables.x > decimal(1)'}\n",
		header + "constants: {a: {type: strings, value: [x, y]}}\nrules: [{id: r, expr: 'constants.a.exists(s, s == tender.id)'}]\n",
		header + "constants: {floor: {type: decimal, value: \"10\"}}\nrules: [{id: r, when: tender.value > money(\"100000\"), expr: tender.weights.socialValue >= constants.floor}]\n",
		header + "rules: [{id: b, expr: 'bid.socialValue >= bid.price * decimal(\"0.05\")', messageExpr: 'string(bid.price.round(2))'}]\n",
		header + "rules: [{id: m, expr: 'tender.id.matches(\"^T-[0-9]+$\")'}]\n",
		header + "extends: default\nconstants: {floor: {type: decimal, value: \"15\", override: true}}\n",
	} {
		f.Add([]byte(s))
	}
	tender := tender("150000.00", "60", "30", "10", "5", "5")
	tender.Measures = []string{"local-apprentices"}
	tender.Waivers = []rules.Waiver{{Rule: "sv-floor", Reason: "fuzz"}}
	bid := &rules.Bid{Supplier: "x", Price: dec("1"), Measures: []string{"local-apprentices"}}
	f.Fuzz(func(t *testing.T, ruleFile []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		set, err := rules.Parse("fuzz.yaml", ruleFile)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error with no text")
			}
			return
		}
		_, _ = set.Check(ctx, rules.Input{Tender: tender, Bid: bid}, rules.CheckOptions{Values: true})
	})
}
