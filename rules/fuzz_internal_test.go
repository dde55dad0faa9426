package rules

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/socialvalue-toms/toms/diag"
)

// FuzzParseRuleFile feeds arbitrary bytes to the rule file reader (YAML,
// header, fields, constants' names; no CEL): it must report, never panic.
//
//	go test -run '^$' -fuzz FuzzParseRuleFile -fuzztime 60s ./rules/
func FuzzParseRuleFile(f *testing.F) {
	for _, s := range []string{
		"apiVersion: toms/v1\nkind: RuleSet\nmetadata: {name: t}\nrules:\n  - {id: a, expr: 'true', severity: warning}\n",
		"apiVersion: toms/v1\nkind: RuleSet\nextends: default\nconstants:\n  floor: {type: decimal, value: \"15\", override: true}\n  s: {type: strings, value: [a, b]}\n",
		"apiVersion: toms/v1\nkind: RuleSet\nvariables:\n  - {name: x, expr: tender.value}\nrules: [{id: 'r.1', when: x, expr: y, message: m}]\n",
		"{\"apiVersion\": \"toms/v1\", \"kind\": \"RuleSet\", \"rules\": [{\"id\": \"a\", \"expr\": \"true\"}]}",
		"apiVersion: toms/v1\nkind: RuleSet\nrules: &a [*a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var errs diag.List
		file := parseRuleFile("fuzz.yaml", data, 0, &errs)
		if file == nil && errs.Err() == nil {
			t.Fatal("no file and no problem")
		}
		for _, d := range errs {
			if d.Message == "" {
				t.Fatalf("a problem with no message: %#v", d)
			}
		}
	})
}

// FuzzRuleTestFile feeds arbitrary rule test files to the test runner,
// against the default policy compiled once (as every test file of a folder
// is run against the folder's rules, compiled once).
//
//	go test -run '^$' -fuzz FuzzRuleTestFile -fuzztime 60s ./rules/
func FuzzRuleTestFile(f *testing.F) {
	for _, s := range []string{
		"apiVersion: toms/v1\nkind: RuleTest\nfixtures:\n  tenders:\n    t: {value: \"200000\", weights: {socialValue: \"10\"}}\n  bids:\n    b: {supplier: A, price: \"1\"}\ntests:\n  - {name: x, input: {tender: {fixture: t, value: \"1\"}, bid: b}, expect: {sv-floor: skipped}}\n",
		"apiVersion: toms/v1\nkind: RuleTest\nnow: 2025-04-01\ntests:\n  - {name: w, input: {tender: {waivers: [{rule: sv-floor, reason: r}]}}, expectError: waiver}\n",
		"apiVersion: toms/v1\nkind: RuleTest\nfixtures: {tenders: {a: {fixture: b}, b: {fixture: a}}}\ntests: [{name: c, input: {tender: a}, expect: {sv-floor: pass}}]\n",
	} {
		f.Add([]byte(s))
	}
	set, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		src := source{fsys: fstest.MapFS{"p/rules_test.yaml": {Data: data}}}
		sr := SuiteResult{File: "p/rules_test.yaml"}
		runSuite(ctx, src, set, "p/rules_test.yaml", TestOptions{Values: true}, &sr)
		if sr.Err != nil && sr.Err.Error() == "" {
			t.Fatal("an error with no text")
		}
	})
}
