package tom

import (
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the catalogue loader: it must never
// panic, and every failure must be a positioned diag.Diagnostic or diag.List.
// Run it with: go test -run ^$ -fuzz FuzzParse -fuzztime 60s ./tom/
func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add(DefaultSource())
	f.Add([]byte(`{"apiVersion":"toms/v1","kind":"Framework","id":"j","name":"J","themes":[]}`))
	f.Add([]byte(small + "---\n" + small))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse("fuzz.yaml", data)
		if err != nil {
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("error is not positioned: %T %v", err, err)
			}
			return
		}
		for _, m := range fw.Measures() {
			if m.Financial && len(m.Proxies()) == 0 {
				t.Fatalf("financial measure %q without values", m.ID)
			}
		}
	})
}

// FuzzParseProxies does the same for proxy-values files.
// Run it with: go test -run ^$ -fuzz FuzzParseProxies -fuzztime 60s ./tom/
func FuzzParseProxies(f *testing.F) {
	f.Add([]byte(proxiesHeader + `  - {measure: volunteering-hours, year: "2025/26", value: "17.40", source: s, basis: b}` + "\n"))
	f.Add([]byte(proxiesHeader + "  - {}\n"))
	fw, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pv, err := ParseProxies("fuzz.yaml", data)
		if err != nil {
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("error is not positioned: %T %v", err, err)
			}
			return
		}
		if _, err := fw.WithProxies(pv); err != nil && !errors.Is(err, ErrUnknownMeasure) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
