package rules_test

import (
	"context"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/socialvalue-toms/toms/rules"
)

// FuzzLoadRuleFiles feeds arbitrary rule and test files to the loader and
// the test runner, and checks whatever compiles against a tender. Nothing
// may panic or hang. Run it with
//
//	go test -run '^$' -fuzz FuzzLoadRuleFiles -fuzztime 60s ./rules/
func FuzzLoadRuleFiles(f *testing.F) {
	seed := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	policy, policyTest := seed("policy/social-value.yaml"), seed("policy/social-value_test.yaml")
	strict, strictTest := seed("testdata/policy/strict.yaml"), seed("testdata/policy/strict_test.yaml")
	f.Add(policy, policyTest)
	f.Add(strict, strictTest)
	f.Add(seed("../examples/policy/council.yaml"), seed("../examples/policy/council_test.yaml"))
	f.Add([]byte(header+"rules:\n  - {id: a, expr: 'tender.measures.all(m, m != \"\")'}\n"), []byte("apiVersion: toms/v1\nkind: RuleTest\ntests: [{name: x, input: {tender: {}}, expect: {a: pass}}]\n"))
	f.Add([]byte(header+"variables:\n  - {name: x, expr: 'ratio(tender.value, money(\"0\"), 2)'}\nrules:\n  - {id: a, expr: 'variables.x > decimal(1)'}\n"), []byte("{"))
	f.Add([]byte("apiVersion: toms/v1\nkind: RuleSet\nconstants: {a: {type: strings, value: [x, y]}}\nrules: [{id: r, expr: |\n    constants.a.exists(s, s == tender.id)\n  }]"), []byte(""))
	tender := tender("150000.00", "60", "30", "10", "5", "5")
	tender.Measures = []string{"local-apprentices"}
	tender.Waivers = []rules.Waiver{{Rule: "sv-floor", Reason: "fuzz"}}
	f.Fuzz(func(t *testing.T, ruleFile, testFile []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		set, err := rules.Parse("fuzz.yaml", ruleFile)
		if err == nil {
			_, _ = set.Check(ctx, rules.Input{Tender: tender, Bid: &rules.Bid{Supplier: "x", Price: dec("1")}}, rules.CheckOptions{Values: true})
		} else if err.Error() == "" {
			t.Fatal("an error with no text")
		}
		fsys := fstest.MapFS{"p/rules.yaml": {Data: ruleFile}, "p/rules_test.yaml": {Data: testFile}}
		_, _ = rules.RunTests(ctx, fsys, rules.TestOptions{Values: true})
	})
}
