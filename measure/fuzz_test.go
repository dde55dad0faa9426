package measure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// FuzzRead feeds arbitrary CSV and JSON lines to the readers, strict and
// lenient: nothing may panic, every problem must be positioned, and in
// lenient mode every row is either counted or rejected: the rows counted
// and the rows rejected add up to the lines of the file (issue #8.2).
// Run it with: go test -run '^$' -fuzz '^FuzzRead$' -fuzztime 60s ./measure/
func FuzzRead(f *testing.F) {
	const h = "contract,supplier,measure,quantity,date,evidence\n"
	f.Add([]byte(h+"C1,Acme,volunteering-hours,12.5,2024-06-30,log.pdf\n"), false, false)
	f.Add([]byte(h+"C1,Acme,volunteering-hours,-1,2024-02-30,\n\"x"), true, false)
	f.Add([]byte(`{"contract":"C1","supplier":"A","measure":"sme-spend","quantity":1e3,"date":"2024-06-30","evidence":null}`+"\n"), false, true)
	// #8.1: a quote opened in the supplier cell, closed two lines down
	f.Add([]byte(h+"C1,\"Acme,sme-spend,1,2024-06-30,ev\nC2,B,sme-spend,2,2024-06-30,ev\nC3,G\",sme-spend,3,2024-06-30,ev\n"), false, false)
	// #8.2: an unclosed quote near the top; JSON lines split by bare CRs
	f.Add([]byte(h+"C1,\"Acme,sme-spend,1,2024-06-30,ev\nC2,B,sme-spend,2,2024-06-30,ev\nC3,B,sme-spend,3,2024-06-30,ev\n"), true, false)
	f.Add([]byte(`{"contract":"C1","supplier":"A","measure":"sme-spend","quantity":"1","date":"2024-06-30"}`+"\r"+`{"contract":"C2","supplier":"A","measure":"sme-spend","quantity":"1","date":"2024-06-30"}`+"\r{"), true, true)
	// #8.4: bytes that are not UTF-8, in both formats
	f.Add([]byte(`{"contract":"C`+"\xe9"+`","supplier":"A","measure":"sme-spend","quantity":"1","date":"2024-06-30"}`+"\n"), true, true)
	f.Add([]byte(h+"C\xff,A,sme-spend,1,2024-06-30,\n"), true, false)
	// #8.5: a date in the financial year 999/00
	f.Add([]byte(h+"C1,A,sme-spend,1,1000-03-31,\nC1,A,sme-spend,1,1000-04-01,\n"), true, false)
	// #8.12: many duplicates, more than the fuzzer's KeepRejected
	f.Add([]byte(h+strings.Repeat("C1,A,sme-spend,1,2024-06-30,\n", 6)), true, false)
	// control characters and a CRLF/CR mix
	f.Add([]byte(h+"C1,A\tB,sme-spend,1,2024-06-30,\r\nC2,A,sme-spend,1,2024-06-30,\x00\rC3,A,sme-spend,1,2024-06-30,\r"), true, false)
	fw, err := tom.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, lenient, jsonl bool) {
		agg := NewAggregator(fw, Options{YearPolicy: tom.CarryForward})
		defer agg.Close()
		opts := ReadOptions{Lenient: lenient, KeepRejected: 3, MaxLineBytes: 4 << 10}
		if jsonl {
			opts.Format = JSONLines
		}
		rejected, err := agg.Read(context.Background(), bytes.NewReader(data), "fuzz", Outcomes, opts)
		for _, d := range rejected {
			if d.File != "fuzz" || d.Line < 1 {
				t.Fatalf("rejected row without its position: %v", d)
			}
		}
		if len(rejected) > opts.KeepRejected+1 {
			t.Fatalf("%d problems kept, more than %d and the summary", len(rejected), opts.KeepRejected)
		}
		if err != nil {
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("error is not positioned: %T %v", err, err)
			}
			return
		}
		res := agg.Result()
		_ = res.Totals()
		NewReview(res, ReviewOptions{})
		if !lenient {
			return
		}
		// Every line is counted or rejected. JSON lines: one row a
		// non-blank line. CSV: the lines after the header, less the empty
		// ones that encoding/csv skips between records (an empty line
		// inside a broken record is lost with it, so at most all lines).
		lines := physicalLines(t, data)
		accounted := res.Records + res.RejectedRows
		if jsonl {
			var rows int64
			for _, l := range lines {
				if len(bytes.TrimSpace(l)) > 0 {
					rows++
				}
			}
			if len(lines) > 0 && len(bytes.TrimSpace(bytes.TrimPrefix(lines[0], []byte("\ufeff")))) == 0 && len(bytes.TrimSpace(lines[0])) > 0 {
				rows-- // a line holding only a byte-order mark is blank
			}
			if accounted != rows {
				t.Fatalf("%d non-blank lines, but %d counted and %d rejected", rows, res.Records, res.RejectedRows)
			}
			return
		}
		var nonEmpty int64
		for _, l := range lines[1:] {
			if len(l) > 0 {
				nonEmpty++
			}
		}
		if accounted < nonEmpty || accounted > int64(len(lines)-1) {
			t.Fatalf("%d lines after the header (%d not empty), but %d counted and %d rejected", len(lines)-1, nonEmpty, res.Records, res.RejectedRows)
		}
	})
}

// physicalLines splits data at the line ends both readers use (LF, CRLF, a
// bare CR), without the line ends; a last line without one counts.
func physicalLines(t *testing.T, data []byte) [][]byte {
	b, err := io.ReadAll(&lineEnds{r: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// FuzzDateKey follows a date cell to its financial year and packed key
// (issue #8.5): every date the parser accepts is either refused with a
// positioned ErrDate or valued in the financial year tom.YearOf gives,
// and its key gives back the measure and the year.
// Run it with: go test -run '^$' -fuzz '^FuzzDateKey$' -fuzztime 60s ./measure/
func FuzzDateKey(f *testing.F) {
	for _, s := range []string{"2024-06-30", "1000-01-01", "1000-03-31", "1000-04-01", "9999-12-31", "2024-02-29", "2023-02-29", "0999-12-31", "2024-13-01"} {
		f.Add(s, uint32(3))
	}
	f.Add("2024-04-01", uint32(1<<32-1))
	fw := testFramework(f)
	cat := newCatalogue(fw, tom.CarryForward)
	f.Fuzz(func(t *testing.T, s string, measure uint32) {
		m := int(measure)
		v := validator{cat: cat, kind: Commitments, file: "d.csv"}
		var fields [numCols]string
		fields[colContract], fields[colSupplier], fields[colMeasure], fields[colQuantity], fields[colDate] = "C", "S", "schools-supported", "1", s
		var r row
		ok := v.check(&fields, func(c column) (int, int) { return 2, int(c) + 1 }, &r)
		y, mo, d, parsed := parseDate(s)
		if !ok {
			if len(v.errs) == 0 {
				t.Fatal("refused without a problem")
			}
			for _, e := range v.errs {
				if e.Line != 2 || e.Column < 1 || e.Field == "" {
					t.Fatalf("problem without its position: %v", e)
				}
			}
			if parsed && !errors.Is(v.errs, ErrDate) && textProblem(s) == "" {
				t.Fatalf("%q parsed but refused for: %v", s, v.errs)
			}
			return
		}
		if !parsed {
			t.Fatalf("%q accepted but parseDate refuses it", s)
		}
		date := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if date.Format(dateLayout) != s {
			t.Fatalf("%q read as %s", s, date.Format(dateLayout))
		}
		fy := tom.YearOf(date)
		if fy.Start() != r.fy || r.fy < tom.MinYear || r.fy > tom.MaxYear {
			t.Fatalf("%q: financial year %d, tom.YearOf says %v", s, r.fy, fy)
		}
		if back, err := tom.ParseYear(fy.String()); err != nil || back != fy {
			t.Fatalf("%q: year %v does not read back: %v", s, fy, err)
		}
		k := myKey(m, r.fy)
		if keyMeasure(k) != m || keyYear(k) != r.fy {
			t.Fatalf("%q, measure %d: key %#x gives back measure %d, year %d", s, m, k, keyMeasure(k), keyYear(k))
		}
	})
}
