package rules

import (
	"errors"

	"github.com/socialvalue-toms/toms/diag"
)

// Sentinel kinds of the problems this package reports. Every diag.Diagnostic
// returned by this package matches one of them (or one of the file-format
// kinds from the YAML reader, such as ErrUnknownField) with errors.Is.
var (
	// ErrInvalidRule: a rule, variable or constant does not compile, has the
	// wrong type, costs too much, or is defined twice. Every problem found
	// in a rule file matches it, together with its own kind (a YAML syntax
	// error matches diag.ErrSyntax and ErrInvalidRule; a rule over the cost
	// bound, ErrCostLimit and ErrInvalidRule).
	ErrInvalidRule = errors.New("invalid rule")
	// ErrCostLimit: a rule's worst-case cost is above the limit, or an
	// evaluation went over its budget.
	ErrCostLimit = errors.New("cost limit exceeded")
	// ErrWaiver: a waiver has no reason, approver or date, or names a rule the set does not have.
	ErrWaiver = errors.New("invalid waiver")
	// ErrInput: the input to Check is missing or too large.
	ErrInput = errors.New("invalid input")
	// ErrInvalidTest: a rule test file cannot be read or decoded.
	ErrInvalidTest = errors.New("invalid rule test")
)

// alsoKind returns err as a diag.List whose every problem matches also as
// well as its own kind (a YAML syntax error in a rule file is both
// diag.ErrSyntax and ErrInvalidRule).
func alsoKind(err error, also error) error {
	if err == nil {
		return nil
	}
	var list diag.List
	list.Append(err)
	out := make(diag.List, 0, len(list))
	for _, d := range list {
		nd := *d
		switch {
		case d.Kind == nil:
			nd.Kind = also
		case !errors.Is(d.Kind, also):
			nd.Kind = diag.Kinds(d.Kind, also)
		}
		out = append(out, &nd)
	}
	return out.Err()
}

// invalidRule makes every problem found in rule files match ErrInvalidRule
// as well as its own kind, so that a rule file that does not parse, has an
// unknown field or costs too much is an invalid rule (exit 3 in the CLI)
// like one that does not compile.
func invalidRule(err error) error { return alsoKind(err, ErrInvalidRule) }
