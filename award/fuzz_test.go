package award

import (
	"bytes"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
)

// FuzzReadProfile feeds arbitrary profiles to ReadProfile: nothing may
// panic, an accepted profile's shares add up to 1 exactly, and every
// problem is a positioned diagnostic.
// Run it with: go test -run '^$' -fuzz FuzzReadProfile -fuzztime 60s ./award/
func FuzzReadProfile(f *testing.F) {
	f.Add([]byte("apiVersion: toms/v1\nkind: Profile\nshares:\n  \"2024/25\": 0.25\n  \"2025/26\": 0.75\n"))
	f.Add([]byte("apiVersion: toms/v1\nkind: Profile\nshares:\n  \"2024/25\": 1e-1\n  \"2024/25\": -0\n"))
	f.Add([]byte(`{"apiVersion":"toms/v1","kind":"Profile","shares":{"2024/25":"1"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadProfile(bytes.NewReader(data), "fuzz.yaml")
		if err == nil {
			sum := decimal.Zero
			for _, s := range p.Shares {
				sum = sum.Add(s.Share)
			}
			if !sum.Equal(decimal.NewFromInt(1)) {
				t.Fatalf("accepted shares adding up to %s", sum)
			}
			return
		}
		var d *diag.Diagnostic
		if !errors.As(err, &d) || d.File != "fuzz.yaml" {
			t.Fatalf("not a positioned diagnostic: %v", err)
		}
	})
}
