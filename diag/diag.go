// Package diag holds the positioned problem type that every loader and
// compiler in the module reports, so that callers can match one type with
// errors.As whichever package produced it.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Diagnostic is one problem found in an input: where it is and what is wrong.
// Line and Column are 1-based; zero means unknown.
type Diagnostic struct {
	File    string // file name as given by the caller; may be empty
	Line    int    // 1-based line, 0 when unknown
	Column  int    // 1-based column, 0 when unknown
	Field   string // dotted path of the field, e.g. "themes[0].outcomes[1].measures[2].unit"
	Rule    string // rule id, for policy problems
	Message string // what is wrong, in one sentence
	Snippet string // optional source excerpt (line and caret), already formatted
	Kind    error  // sentinel the problem matches with errors.Is; may be nil
}

// Error renders "file:line:col: field: message" leaving out the parts that are unknown.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Position())
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if d.Rule != "" {
		b.WriteString("rule ")
		b.WriteString(d.Rule)
		b.WriteString(": ")
	}
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Snippet != "" {
		b.WriteString("\n")
		b.WriteString(d.Snippet)
	}
	return b.String()
}

// Position renders "file:line:col", "file:line", "file" or "".
func (d *Diagnostic) Position() string {
	s := d.File
	if d.Line > 0 {
		s += fmt.Sprintf(":%d", d.Line)
		if d.Column > 0 {
			s += fmt.Sprintf(":%d", d.Column)
		}
	}
	return s
}

// Unwrap returns the sentinel kind so errors.Is works on a single diagnostic.
func (d *Diagnostic) Unwrap() error { return d.Kind }

// List is every problem found in one pass. A non-empty List is an error.
type List []*Diagnostic

// Error joins the diagnostics one per line, sorted as Sort leaves them.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.Error()
	}
	if len(l) > 1 {
		return fmt.Sprintf("%d problems:\n%s", len(l), strings.Join(parts, "\n"))
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes each diagnostic to errors.Is and errors.As.
func (l List) Unwrap() []error {
	errs := make([]error, len(l))
	for i, d := range l {
		errs[i] = d
	}
	return errs
}

// Err returns nil for an empty list and the sorted list otherwise. Use it to
// avoid returning a typed nil.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// Less reports whether a comes before b in the order problems are listed:
// by file, line, column and message.
func Less(a, b *Diagnostic) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	return a.Message < b.Message
}

// Sort orders by file, line, column and message (Less), and removes exact
// repeats.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool { return Less(s[i], s[j]) })
	out := s[:0]
	for i, d := range s {
		if i > 0 && d.Error() == s[i-1].Error() {
			continue
		}
		out = append(out, d)
	}
	*l = out
}

// Add appends a diagnostic.
func (l *List) Add(d *Diagnostic) { *l = append(*l, d) }

// Append adds every diagnostic found in err (a List, a *Diagnostic, or any
// error wrapping them); any other error becomes a diagnostic with only a message.
func (l *List) Append(err error) {
	if err == nil {
		return
	}
	var list List
	if errors.As(err, &list) {
		*l = append(*l, list...)
		return
	}
	var d *Diagnostic
	if errors.As(err, &d) {
		*l = append(*l, d)
		return
	}
	*l = append(*l, &Diagnostic{Message: err.Error(), Kind: err})
}

// Suggest returns the candidate closest to name by edit distance when it is
// close enough to be a likely typo, or "".
func Suggest(name string, candidates []string) string {
	best, bestDist := "", max(2, len(name)/4)+1
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Pos is a place in a file; Line and Column are 1-based, zero when unknown.
type Pos struct {
	File         string // name of the file as given to the reader; empty when unknown
	Line, Column int    // 1-based; zero when unknown
}

// String renders "file:line:col" leaving out unknown parts.
func (p Pos) String() string {
	return (&Diagnostic{File: p.File, Line: p.Line, Column: p.Column}).Position()
}

// At returns a diagnostic at p.
func (p Pos) At(field string, kind error, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: p.File, Line: p.Line, Column: p.Column, Field: field, Message: fmt.Sprintf(format, args...), Kind: kind}
}

// Kinds of problem shared by every loader, matched with errors.Is on a
// Diagnostic or on a List that holds one. Packages add kinds of their own
// (tom.ErrUnknownMeasure, measure.ErrDuplicate, rules.ErrInvalidRule, ...).
var (
	// ErrSyntax: the text is not well-formed YAML, JSON or CSV.
	ErrSyntax = errors.New("syntax error")
	// ErrUnknownField: a field or column the format does not have.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicateKey: a key written twice in one mapping or header.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrType: a value of the wrong type (a list where a number belongs).
	ErrType = errors.New("wrong type")
	// ErrRequired: a required field is missing or empty.
	ErrRequired = errors.New("missing field")
	// ErrValue: a value of the right type that is not allowed.
	ErrValue = errors.New("invalid value")
	// ErrTooLarge: an input beyond a documented size limit.
	ErrTooLarge = errors.New("input too large")
)

// Kinds returns a Kind that matches every one of kinds with errors.Is (the
// first gives its message), for a problem of two kinds at once, such as a
// rule file over the size limit: diag.ErrTooLarge and rules.ErrInvalidRule.
func Kinds(kinds ...error) error { return kindSet(kinds) }

type kindSet []error

func (k kindSet) Error() string   { return k[0].Error() }
func (k kindSet) Unwrap() []error { return k }
