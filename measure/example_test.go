package measure_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

// Read a quarter's returns, value them with the embedded catalogue's 2024/25
// proxy values, and compare them with the commitments.
func Example() {
	fw, err := tom.Default()
	if err != nil {
		panic(err)
	}
	const returns = `contract,supplier,measure,quantity,date,evidence
CT-001,Acme Ltd,volunteering-hours,120,2024-06-30,timesheets-q1.pdf
CT-001,Acme Ltd,expert-hours,10,2024-06-30,advice-log-q1.pdf
CT-001,Acme Ltd,local-people-training,4,2024-06-30,enrolments-q1.pdf
`
	const commitments = `contract,supplier,measure,quantity,date
CT-001,Acme Ltd,volunteering-hours,400,2024-04-01
`
	agg := measure.NewAggregator(fw, measure.Options{Year: tom.MustYear("2024/25")})
	ctx := context.Background()
	if _, err := agg.Read(ctx, strings.NewReader(returns), "q1.csv", measure.Outcomes, measure.ReadOptions{}); err != nil {
		panic(err)
	}
	if _, err := agg.Read(ctx, strings.NewReader(commitments), "commitments.csv", measure.Commitments, measure.ReadOptions{}); err != nil {
		panic(err)
	}
	res := agg.Result()
	tot := res.Totals()
	// 120 h × £16.93 + 10 h × £101.00 = £2,031.60 + £1,010.00
	fmt.Println("social value £" + tot.SocialValue.StringFixed(2))
	for _, u := range tot.ByUnit {
		fmt.Println(u.Quantity, u.Unit)
	}
	rv := measure.NewReview(res, measure.ReviewOptions{})
	c := rv.Commitments[0]
	pct, _ := c.Percent(1)
	fmt.Printf("%s %s: %s of %s delivered (%s%%), %s\n", c.Contract, c.Measure, c.Delivered, c.Committed, pct.StringFixed(1), c.Progress)
	// Output:
	// social value £3041.60
	// 4 people
	// 130 hours
	// CT-001 volunteering-hours: 120 of 400 delivered (30.0%), on track
}
