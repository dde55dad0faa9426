// Package rules is policy as code for social value in procurement: rules
// written in CEL, in YAML (or JSON) files with YAML tests beside them,
// compiled once and evaluated against tenders and bids with exact decimal
// money. The council's default policy — social value carries at least 10
// points of 100 on every contract or framework worth more than £100,000
// excluding VAT — is embedded (Default, DefaultFS).
//
// # Using it from Go
//
//	set, err := rules.Load(ctx, os.DirFS("policy"), ".") // or rules.Default()
//	rep, err := set.Check(ctx, rules.Input{Tender: &t, Bid: nil, Now: now})
//	for _, o := range rep.Verdicts { ... o.Rule, o.Status, o.Message, o.Values ... }
//	if rep.Failed() { ... stop the tender ... }
//
// Load, Parse and Combine report every problem in every file in one pass as
// diag.List: file:line:col of the problem inside the YAML (also inside
// quoted and block scalars), the source line with a caret, and a "did you
// mean" for misspelled fields, constants, variables and rule ids. Problems
// match the sentinels (ErrInvalidRule, ErrCostLimit, ErrWaiver, ...) with
// errors.Is.
//
// A compiled *Set is immutable and safe for concurrent use by any number of
// goroutines; Check does not modify its Input. Set.WithDefault adds the
// embedded default policy to a set that was loaded without it, as the CLI's
// --policy and package evaluate do.
//
// # Rule files
//
//	apiVersion: toms/v1          # selects the CEL vocabulary below
//	kind: RuleSet
//	extends: default             # optional: compile with the embedded default policy
//	metadata: {name: council, description: ..., owner: ...}
//	constants:                   # typed, parsed when the file is loaded
//	  threshold: {type: money, value: "100000.00"}
//	  floor: {type: decimal, value: "10", description: ...}
//	  skills: {type: strings, value: [local-apprentices, training-weeks]}
//	  # override a constant of an earlier file (e.g. the default policy):
//	  # floor: {type: decimal, value: "15", override: true}
//	variables:                   # ordered; a variable may use earlier ones
//	  - {name: inScope, expr: tender.value > constants.threshold}
//	rules:
//	  - id: sv-floor             # unique across the loaded files
//	    description: ...
//	    when: variables.inScope  # optional CEL bool; false means skipped
//	    expr: tender.weights.socialValue >= constants.floor   # CEL bool
//	    severity: error          # or warning; default error
//	    message: ...             # shown when the rule fails
//	    messageExpr: '"..." + string(tender.weights.socialValue)'  # optional CEL string
//
// Constant types are decimal, money (GBP), int, string, bool and strings (a
// list of text). Constants are global to the files loaded together, in load
// order; redefining one is an error unless it says override: true, and an
// override keeps the type. This is how a procurement lead changes the floor
// or the threshold of the default policy without copying it.
//
// # The CEL vocabulary (toms/v1)
//
// Variables: tender (id, title, contractType, category, route, value,
// weights{price, quality, socialValue}, socialValue{quantitative,
// qualitative, method, target}, measures, framework{price, quality,
// socialValue} (test with has()), waivers[{rule, reason, approvedBy, date}]);
// bid (supplier, sme, vcse, local, price, socialValue, measures); now (a
// timestamp); constants.NAME; variables.NAME. A rule that reads bid is
// skipped when the input has no bid. Package evaluate checks the tender
// once, then each bid with the rules that read bid (CheckOptions.BidRulesOnly):
// a failing rule of severity error excludes the bid, a warning flags it. A
// waiver of a rule about bids may name a supplier (waivers[].supplier) and
// then applies to that supplier's bid only.
//
// Exact numbers: the types decimal and money. < <= > >= == != compare two
// of a kind; + and - add two of a kind; decimal*decimal, money*decimal and
// decimal*money multiply. There is no / operator: ratio(a, b, scale)
// divides and rounds half away from zero to scale places (0..30), giving a
// decimal for money/money and decimal/decimal and money for money/decimal;
// a zero divisor is an evaluation error. x.round(places) and x.abs() round
// half away from zero and take the absolute value. Constructors:
// decimal("0.5"), decimal(10), decimal(m), money("100000.00"), money(d);
// string(x) formats (money as "£100,000.00"). A decimal with a double or an
// int (tender.value > 1.0, weights.price + 1) is a compile error, never a
// conversion, and so is any floating-point value at all (10.0,
// double(...)) and dyn(), which would hide a value's type from that check:
// a rule can never compare inexactly. Constructor calls with
// literal text are checked when the file loads and folded into constants.
// matches(text, pattern) takes a pattern written in the rule (checked when
// the file loads, at most 1,000 instructions once compiled, compiled once).
//
// The vocabulary of toms/v1 (every function, overload and field) is frozen
// by a test; a change comes as a new apiVersion, built with a new version
// of the decimal library, as Kubernetes versions its CEL libraries.
//
// # Verdicts
//
// Each rule yields pass, fail, waived (it failed and the tender carries a
// waiver for it; the Verdict keeps the waiver), skipped (its when was false,
// or it reads bid and there is none) or error (it could not be evaluated,
// with a positioned diag.Diagnostic). Fail and waived outcomes carry the rendered
// message and the values the rule compared (both sides of each comparison,
// and the input fields, constants and variables it read). A waiver with no
// reason, approver or date, for an unknown rule, or twice for one rule makes
// Check return an error matching ErrWaiver; the report is still complete,
// lists the waiver problems in Report.Problems, and a rule with an invalid
// waiver is an error outcome whatever its own result. Evaluation errors fail
// closed: Report.Failed counts them unless Check is given FailOpen; invalid
// waivers always count.
//
// # Rule tests
//
// Files named NAME_test.yaml beside the rules (kind: RuleTest) hold tests;
// RunTests runs them against the RuleSet files of their directory, and
// package rulestest runs them as Go subtests. Shared inputs live in
// testdata/*.yaml (kind: Fixtures).
//
//	apiVersion: toms/v1
//	kind: RuleTest
//	name: council
//	now: 2025-04-01                # optional: what now is (default: the clock)
//	fixtures:
//	  tenders: {works: {value: "2000000.00", weights: {...}, ...}}
//	  bids: {acme: {supplier: Acme, price: "250000.00"}}
//	tests:
//	  - name: 9.99 points is below the floor
//	    input:
//	      tender: {fixture: works, weights: {socialValue: "9.99"}}   # or a fixture name, or inline
//	      bid: acme                                                  # optional
//	    expect:
//	      sv-floor: fail                                   # pass|fail|waived|skipped|error
//	      weights-total: {status: fail, message: "99.99"}  # with a message substring
//	    expectError: ...          # optional: Check must return an error containing this
//	    skip: true                # optional, with skipReason
//
// Inputs are decoded into Tender and Bid, so a misspelled field is a
// positioned error rather than a silent zero; `field: null` on top of a
// fixture removes a value. Rules a test does not list are not asserted.
// An input starts from at most one fixture (a second `fixture:` key is a
// duplicate key, as in every file), fixtures may build on fixtures 8 deep,
// and the inputs of one test file may expand to at most MaxInputNodes YAML
// nodes, counting a fixture each time it is used. Every problem found in a
// rule file matches ErrInvalidRule (as well as its own kind, such as
// diag.ErrSyntax); a problem in a test file matches ErrInvalidTest. Given a
// rule file rather than a directory, RunTests runs the tests beside it.
//
// # Bounds and performance
//
// Every expression's worst-case cost is estimated when it is compiled,
// assuming lists of at most MaxListLen items and text of at most
// MaxStringLen characters; an expression above MaxRuleCost, or a set above
// MaxSetCost, is rejected with a positioned error (an invalid rule: it
// matches both ErrCostLimit and ErrInvalidRule). Every decimal and money
// operation has an explicit cost, and matches costs (text length + 1) ×
// the compiled size of its pattern, the bound of RE2's linear matching. Check rejects inputs
// beyond those sizes, and a variable whose value holds, at any depth, a
// longer list or text (or lists nested more than 32 deep) is an error, so
// the estimate bounds every evaluation; decimal results, including
// round()'s, are limited to 150 digits. Expressions with loops are evaluated with ContextEval, so
// cancelling ctx interrupts them; Check also stops between rules when ctx
// ends. A runtime cost tracker is not used: on the default policy's rules
// it made evaluation several times slower than plain evaluation, for no
// protection beyond what the static bound gives to loop-free expressions
// (BenchmarkSafety measures both).
//
// Check uses a library-owned activation (no map per call) and reads input
// fields in place without allocating. BenchmarkCheck compares checking one
// tender against the default policy with a hand-written Go function doing
// the same checks; BenchmarkCompileDefault measures loading and compiling.
package rules
