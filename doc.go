// Package toms calculates social value in UK public procurement with the
// TOMs approach: Themes, Outcomes and Measures.
//
// Councils must consider social value when they buy (Public Services (Social
// Value) Act 2012). This module gives their systems one exact, explainable
// way to do it: a catalogue of local measures with £ proxy values per
// financial year, policy rules written in CEL that procurement leads test
// without writing Go, tender scoring on price, quality and social value, and
// the annual review of the social value suppliers delivered.
//
// The module root holds only this documentation; the work is in four packages:
//
//   - [github.com/socialvalue-toms/toms/tom]: the framework (themes → outcomes →
//     measures), units, proxy values per UK financial year with their sources,
//     exact valuation (quantity × proxy), the embedded default catalogue and
//     strict loaders for catalogue and proxy-values files.
//   - [github.com/socialvalue-toms/toms/rules]: policy as code, such as the
//     council's 10% social value floor, in CEL with exact decimal and money
//     types, and the runner for the rules' own YAML tests.
//   - [github.com/socialvalue-toms/toms/evaluate]: tenders and bids: the policy
//     check, then price, quality and social value scoring, totals, ranking
//     and explanations.
//   - [github.com/socialvalue-toms/toms/measure]: delivered social value:
//     outcome records and commitments, aggregation by theme, contract,
//     supplier and year, committed against delivered, and the annual review.
//
// Every number that a decision rests on (money, weights, proxy values,
// quantities, scores) is a [github.com/shopspring/decimal.Decimal] read from
// text, never from a float; rounding happens once, when a result is shown.
// Loaded frameworks and compiled rule sets are immutable and safe for
// concurrent use. Errors in input files name the file, line, column and field.
//
// A short example, valuing 120 hours of staff volunteering in 2024/25 with the
// default catalogue:
//
//	f, err := tom.Default()
//	if err != nil { ... }
//	v, err := f.Value("volunteering-hours", decimal.RequireFromString("120"),
//		tom.MustYear("2024/25"), tom.ExactYear)
//	// v.Value is £2,031.60 (120 × £16.93); v.Proxy says where £16.93 comes from.
//
// The command-line tool is in cmd/toms; runnable programs are in examples/.
package toms
