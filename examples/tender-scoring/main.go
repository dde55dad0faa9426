// Command tender-scoring evaluates the example highways tender through the
// library API, as a council system or an e-procurement plugin would: load
// the tender (its bids are inline), check it against the embedded default
// policy, score and rank the bids on the embedded catalogue, and print the
// ranking with each bid's points.
//
//	go run ./examples/tender-scoring [TENDER]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/socialvalue-toms/toms/evaluate"
)

func main() {
	path := defaultTender()
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if err := run(context.Background(), path, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tender-scoring:", err)
		os.Exit(1)
	}
}

// defaultTender is tender.yaml beside this file, wherever go run is started.
func defaultTender() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "tender.yaml"
	}
	return filepath.Join(filepath.Dir(file), "tender.yaml")
}

func run(ctx context.Context, path string, w io.Writer) error {
	t, err := evaluate.LoadTenderFile(path)
	if err != nil {
		return err // positioned: file:line:col: field: message
	}
	fw, err := evaluate.LoadFramework(t) // the embedded catalogue: the tender names none
	if err != nil {
		return err
	}
	// A nil Options.Rules means the embedded default policy.
	res, err := evaluate.Evaluate(ctx, t, t.Bids, fw, evaluate.Options{})
	if errors.Is(err, evaluate.ErrPolicyFailed) {
		for _, o := range res.Policy {
			fmt.Fprintf(w, "%s %s: %s\n", o.Status, o.Rule, o.Message)
		}
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s\n", res.TenderID, res.Title)
	for _, o := range res.Policy {
		fmt.Fprintf(w, "  policy %-14s %s\n", o.Rule, o.Status)
	}
	for _, b := range res.Bids {
		fmt.Fprintf(w, "%d. %-28s price %6s  quality %6s  social value %6s (£%s, £%s per £1)  total %6s\n",
			b.Rank, b.Supplier.Name, b.Price.Points.StringFixed(2), b.Quality.Points.StringFixed(2),
			b.SocialValue.Points.StringFixed(2), b.SocialValue.Value.StringFixed(2),
			b.PerPound().StringFixed(evaluate.PerPoundPlaces), b.Total.StringFixed(2))
		for _, f := range b.Flags {
			fmt.Fprintf(w, "   flag: %s\n", f.Message)
		}
	}
	if winner, ok := res.Winner(); ok {
		fmt.Fprintf(w, "Most advantageous tender: %s, %s points\n", winner.Supplier.Name, winner.Total.StringFixed(2))
	}
	return nil
}
