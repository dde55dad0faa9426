package award_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialvalue-toms/toms/award"
	"github.com/socialvalue-toms/toms/evaluate"
)

// Award the example tender's second-ranked bid as a four-year contract:
// its 600 volunteering hours spread over the financial years by days.
func ExampleMake() {
	t, err := evaluate.LoadTenderFile("../examples/tender-scoring/tender.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fw, err := evaluate.LoadFramework(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := evaluate.Evaluate(context.Background(), t, t.Bids, fw, evaluate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := award.Make(t, res, fw, award.Options{
		Supplier: "Northgate Highways Ltd", Contract: "C-001",
		Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Contract.ID, a.Contract.Supplier, a.Contract.Value)
	for _, r := range a.Commitments {
		if r.Measure == "volunteering-hours" {
			fmt.Println(r.Year(), r.Quantity, r.Date.Format(time.DateOnly))
		}
	}
	// Output:
	// C-001 Northgate Highways Ltd 1148000
	// 2024/25 113 2025-03-31
	// 2025/26 150 2026-03-31
	// 2026/27 150 2027-03-31
	// 2027/28 150 2028-03-31
	// 2028/29 37 2028-06-30
}
