package main

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/socialvalue-toms/toms/award"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

// The whole cycle's inputs: the tender with its bids, the suppliers'
// returns for 2024/25 and the council's targets for that year.
//
//go:embed cycle/tender.yaml cycle/returns-2024-25.csv cycle/targets-2024-25.yaml
var cycleFiles embed.FS

// lots are the two contracts the council awards from the tender: the bid
// ranked first and the bid ranked second, each for two years from 1 July
// 2024.
var lots = []struct {
	contract, supplier string
}{{"HW-1", "Kestrel Civils"}, {"HW-2", "Northgate Highways Ltd"}}

var (
	lotStart = time.Date(2024, time.July, 1, 0, 0, 0, 0, time.UTC)
	lotEnd   = time.Date(2026, time.June, 30, 0, 0, 0, 0, time.UTC)
)

// runCycle runs the cycle from tender to review: evaluate the tender, award
// the two lots (their commitments spread over the financial years by days,
// and their register entries), read a year of returns against those
// commitments, and judge the year against the council's targets. With dir
// set, it writes what the CLI would read and write there: commitments.csv,
// register.csv, the returns and the targets.
func runCycle(ctx context.Context, dir, format string, stdout io.Writer) error {
	data := func(name string) []byte {
		b, err := cycleFiles.ReadFile("cycle/" + name)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		return b
	}
	t, err := evaluate.ParseTender("tender.yaml", data("tender.yaml"))
	if err != nil {
		return err
	}
	fw, err := evaluate.LoadFramework(t)
	if err != nil {
		return err
	}
	res, err := evaluate.Evaluate(ctx, t, t.Bids, fw, evaluate.Options{Now: lotStart})
	if err != nil {
		return err
	}
	var register []measure.Contract
	var commitments []measure.Record
	for _, l := range lots {
		a, err := award.Make(t, res, fw, award.Options{Supplier: l.supplier, Contract: l.contract, Start: lotStart, End: lotEnd})
		if err != nil {
			return err
		}
		register = append(register, a.Contract)
		commitments = append(commitments, a.Commitments...)
	}
	var cbuf bytes.Buffer
	if err := measure.WriteRecords(&cbuf, measure.CSV, measure.Commitments, commitments); err != nil {
		return err
	}
	var rbuf bytes.Buffer
	if err := measure.WriteContracts(&rbuf, true, register); err != nil {
		return err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for name, b := range map[string][]byte{"commitments.csv": cbuf.Bytes(), "register.csv": rbuf.Bytes(),
			"returns-2024-25.csv": data("returns-2024-25.csv"), "targets-2024-25.yaml": data("targets-2024-25.yaml"), "tender.yaml": data("tender.yaml")} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				return err
			}
		}
	}

	// What `toms report returns-2024-25.csv --commitments commitments.csv
	// --contracts register.csv --targets targets-2024-25.yaml --year 2024/25`
	// does, through the library.
	agg := measure.NewAggregator(fw, measure.Options{Year: tom.MustYear("2024/25")})
	defer agg.Close()
	if _, err := agg.Read(ctx, bytes.NewReader(data("returns-2024-25.csv")), "returns-2024-25.csv", measure.Outcomes, measure.ReadOptions{}); err != nil {
		return err
	}
	if _, err := agg.Read(ctx, &cbuf, "commitments.csv", measure.Commitments, measure.ReadOptions{}); err != nil {
		return err
	}
	contracts, err := measure.ReadContracts(&rbuf, "register.csv")
	if err != nil {
		return err
	}
	targets, err := measure.ReadTargets(bytes.NewReader(data("targets-2024-25.yaml")), "targets-2024-25.yaml", fw)
	if err != nil {
		return err
	}
	rv := measure.NewReview(agg.Result(), measure.ReviewOptions{Title: "Highways social value review", Contracts: contracts, Targets: targets})
	switch format {
	case "html":
		return rv.WriteHTML(stdout)
	case "json":
		return rv.WriteJSON(stdout)
	case "md":
		return rv.WriteMarkdown(stdout)
	}
	return fmt.Errorf("-format %q: use md, html or json", format)
}
