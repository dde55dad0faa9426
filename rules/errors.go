package rules

import (
	"errors"

	"github.com/socialvalue-toms/toms/internal/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// Diagnostic is one positioned problem: file, line, column, rule id, message
// and, for CEL errors, the YAML source line with a caret under the column.
// Match its kind with errors.Is against the sentinels below.
type Diagnostic = diag.Diagnostic

// Diagnostics is every problem found in one pass, sorted by file, line and
// column. A non-empty Diagnostics is an error; Load and Check return it.
type Diagnostics = diag.List

// Pos is a place in a file: name, 1-based line and column (zero when unknown).
type Pos = diag.Pos

// Sentinel kinds of the problems this package reports. Every Diagnostic
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
	// ErrUnknownField: a file names a field that does not exist (a "did you
	// mean" hint is in the message).
	ErrUnknownField = yamlx.ErrUnknownField
	// ErrSyntax: a file is not valid YAML or JSON.
	ErrSyntax = yamlx.ErrSyntax
)
