package rules

import "fmt"

// Status is the outcome of one rule for one input.
type Status int

// The statuses a rule can end in.
const (
	// StatusPass: the rule's expression was true.
	StatusPass Status = iota + 1
	// StatusFail: the expression was false and no waiver applies.
	StatusFail
	// StatusWaived: the expression was false but the tender carries a
	// waiver for the rule; the Verdict keeps the waiver and its reason.
	StatusWaived
	// StatusSkipped: the rule does not apply (its when was false, or it is
	// about bids and the input has no bid).
	StatusSkipped
	// StatusError: the rule could not be evaluated (for example a division
	// by zero, or a waiver with no reason). Errors fail closed.
	StatusError
)

var statusNames = [...]string{StatusPass: "pass", StatusFail: "fail", StatusWaived: "waived",
	StatusSkipped: "skipped", StatusError: "error"}

// String returns pass, fail, waived, skipped or error.
func (s Status) String() string {
	if s > 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText implements encoding.TextMarshaler (JSON renders the name).
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err == nil {
		*s = v
	}
	return err
}

// ParseStatus reads a status name as String writes it.
func ParseStatus(name string) (Status, error) {
	for i, n := range statusNames {
		if n != "" && n == name {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown status %q: write pass, fail, waived, skipped or error", name)
}

// Severity says whether a failing rule blocks (error) or only warns.
type Severity int

// The severities a rule can have.
const (
	// SeverityError: a failing rule makes Report.Failed true.
	SeverityError Severity = iota + 1
	// SeverityWarning: a failing rule is reported but does not block.
	SeverityWarning
)

// String returns error or warning.
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
