package rules

import (
	"errors"
)

// Sentinel kinds of the problems this package reports. Every diag.Diagnostic
// returned by this package matches one of them (or one of the file-format
// kinds from the YAML reader, such as ErrUnknownField) with errors.Is.
var (
	// ErrInvalidRule: a rule, variable or constant does not compile, has the
	// wrong type, or is defined twice.
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
