// Command award-csv writes a tender's award CSV through the evaluate
// library, the same bytes as `toms evaluate TENDER --format csv`: a program
// that embeds toms needs no renderer of its own.
//
//	go run ./examples/award-csv examples/tender-scoring/tender.yaml > award.csv
//
// It reads the tender (with its bids inline) and the catalogue it names,
// checks the embedded default policy and scores the bids.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/socialvalue-toms/toms/evaluate"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: award-csv TENDER")
		os.Exit(2)
	}
	if err := writeAwardCSV(context.Background(), os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "award-csv:", err)
		os.Exit(1)
	}
}

// writeAwardCSV evaluates the tender at path and writes the result as CSV.
func writeAwardCSV(ctx context.Context, path string, w io.Writer) error {
	tender, err := evaluate.LoadTenderFile(path)
	if err != nil {
		return err
	}
	fw, err := evaluate.LoadFramework(tender) // the tender's catalogue, else the embedded one
	if err != nil {
		return err
	}
	// Options{}: the embedded default policy, checked at the current time.
	res, err := evaluate.Evaluate(ctx, tender, tender.Bids, fw, evaluate.Options{})
	if err != nil {
		return err
	}
	return res.WriteCSV(w)
}
