package evaluate_test

import (
	"context"
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"os"
	"testing"

	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/tom"
)

// FuzzParseTender feeds arbitrary bytes to the tender loader and, when a
// tender loads, scores it: nothing may panic, and every loading failure must
// be a positioned diag.Diagnostic.
// Run it with: go test -run '^$' -fuzz FuzzParseTender -fuzztime 60s ./evaluate/
func FuzzParseTender(f *testing.F) {
	if data, err := os.ReadFile("../examples/tender-scoring/tender.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(goodTender))
	f.Add([]byte("apiVersion: toms/v1\nkind: Tender\nid: x\n"))
	fw, err := tom.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tender, err := evaluate.ParseTender("fuzz.yaml", data)
		if err != nil {
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("error is not positioned: %T %v", err, err)
			}
			return
		}
		_, _ = evaluate.Evaluate(context.Background(), tender, tender.Bids, fw, evaluate.Options{ScoreAnyway: true})
	})
}
