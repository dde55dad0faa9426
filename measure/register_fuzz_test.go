package measure

import (
	"bytes"
	"errors"
	"testing"

	"github.com/socialvalue-toms/toms/diag"
)

// FuzzReadContracts feeds arbitrary registers, as CSV and as YAML or JSON,
// to ReadContracts: nothing may panic, and every problem must be a
// diagnostic naming the file, positioned whenever it names a line.
// Run it with: go test -run '^$' -fuzz FuzzReadContracts -fuzztime 60s ./measure/
func FuzzReadContracts(f *testing.F) {
	f.Add([]byte(registerCSV), true)
	f.Add([]byte(registerYAML), false)
	f.Add([]byte("id,supplier,value,start,end\nC1,\"Ac\nme\",-1,0024-02-30,2025-03-31\nC1\n"), true)
	f.Add([]byte(`{"apiVersion":"toms/v1","kind":"Contracts","contracts":[{"id":"C1","supplier":"A","value":1e400,"start":"2024-04-01","end":"2023-03-31"}]}`), false)
	f.Fuzz(func(t *testing.T, data []byte, csv bool) {
		name := "fuzz.yaml"
		if csv {
			name = "fuzz.csv"
		}
		cs, err := ReadContracts(bytes.NewReader(data), name)
		if err == nil {
			seen := map[string]bool{}
			for _, c := range cs {
				if c.ID == "" || c.Supplier == "" || c.Value.IsNegative() || c.End.Before(c.Start) || seen[c.ID] {
					t.Fatalf("accepted a bad contract: %+v", c)
				}
				seen[c.ID] = true
				sum := c.Value.Sub(c.Value)
				for _, v := range c.YearValues() {
					sum = sum.Add(v.Value)
				}
				if !sum.Equal(c.Value) {
					t.Fatalf("year values of %s add up to %s, not %s", c.ID, sum, c.Value)
				}
			}
			return
		}
		checkDiagnostics(t, err, name)
	})
}

// FuzzReadTargets feeds arbitrary targets files to ReadTargets: nothing may
// panic, and every problem must be a positioned diagnostic.
// Run it with: go test -run '^$' -fuzz FuzzReadTargets -fuzztime 60s ./measure/
func FuzzReadTargets(f *testing.F) {
	f.Add([]byte(targetsYAML))
	f.Add([]byte("apiVersion: toms/v1\nkind: Targets\nyear: 2024/26\nbands: {green: 1, amber: 2}\ntargets:\n  - metric: theme\n    unit: hour\n    target: -1\n"))
	fw := testFramework(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := ReadTargets(bytes.NewReader(data), "fuzz.yaml", fw)
		if err == nil {
			for _, tg := range ts.Targets {
				if !tg.Target.IsPositive() || tg.Bands.Amber.GreaterThan(tg.Bands.Green) || !tg.Bands.Amber.IsPositive() {
					t.Fatalf("accepted a bad target: %+v", tg)
				}
			}
			return
		}
		checkDiagnostics(t, err, "fuzz.yaml")
	})
}

func checkDiagnostics(t *testing.T, err error, name string) {
	var list diag.List
	var d *diag.Diagnostic
	switch {
	case errors.As(err, &list):
		if len(list) == 0 {
			t.Fatalf("an empty problem list: %v", err)
		}
	case errors.As(err, &d):
		list = diag.List{d}
	default:
		t.Fatalf("not a diagnostic: %T %v", err, err)
	}
	for _, d := range list {
		if d.File != name || d.Message == "" || d.Kind == nil {
			t.Fatalf("a problem without file, message or kind: %#v", d)
		}
	}
}
