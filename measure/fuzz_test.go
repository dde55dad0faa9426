package measure

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// FuzzRead feeds arbitrary CSV and JSON lines to the readers, strict and
// lenient: nothing may panic, every problem must be positioned, and in
// lenient mode every row is either counted or rejected.
// Run it with: go test -run '^$' -fuzz FuzzRead -fuzztime 60s ./measure/
func FuzzRead(f *testing.F) {
	f.Add([]byte("contract,supplier,measure,quantity,date,evidence\nC1,Acme,volunteering-hours,12.5,2024-06-30,log.pdf\n"), false, false)
	f.Add([]byte("contract,supplier,measure,quantity,date,evidence\nC1,Acme,volunteering-hours,-1,2024-02-30,\n\"x"), true, false)
	f.Add([]byte(`{"contract":"C1","supplier":"A","measure":"sme-spend","quantity":1e3,"date":"2024-06-30","evidence":null}`+"\n"), false, true)
	fw, err := tom.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, lenient, jsonl bool) {
		agg := NewAggregator(fw, Options{YearPolicy: tom.CarryForward})
		defer agg.Close()
		opts := ReadOptions{Lenient: lenient}
		if jsonl {
			opts.Format = JSONLines
		}
		rejected, err := agg.Read(context.Background(), bytes.NewReader(data), "fuzz", Outcomes, opts)
		for _, d := range rejected {
			if d.File != "fuzz" {
				t.Fatalf("rejected row without its file: %v", d)
			}
		}
		if err != nil {
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("error is not positioned: %T %v", err, err)
			}
			return
		}
		_ = agg.Result().Totals()
	})
}
