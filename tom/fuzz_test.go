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
		if _, err := fw.WithProxies(pv); err != nil && !errors.Is(err, ErrUnknownMeasure) && !errors.Is(err, ErrUnknownIndex) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}

// FuzzParseIndex does the same for index files, and uprates through every
// series that loads: a value uprated from a year to itself is unchanged.
// Run it with: go test -run ^$ -fuzz FuzzParseIndex -fuzztime 60s ./tom/
func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(indexDoc))
	f.Add([]byte(`{"apiVersion":"toms/v1","kind":"Index","id":"x","name":"X","source":"s","basis":"b","values":{"2024/25":1e-30}}`))
	f.Add([]byte("apiVersion: toms/v1\nkind: Index\nid: x\nname: X\nsource: s\nbasis: b\nvalues: {\"2024/25\": 0}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := ParseIndex("fuzz.yaml", data)
		if err != nil {
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("error is not positioned: %T %v", err, err)
			}
			return
		}
		for _, v := range ix.Values() {
			if !v.Value.IsPositive() {
				t.Fatalf("value %s for %s is not above zero", v.Value, v.Year)
			}
			got, ok := ix.Uprate(dec("16.93"), v.Year, v.Year)
			if !ok || !got.Equal(dec("16.93")) {
				t.Fatalf("16.93 uprated %s to itself gave %s", v.Year, got)
			}
		}
	})
}
