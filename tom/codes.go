package tom

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/socialvalue-toms/toms/diag"
)

// codeRef is one measure carrying an external code in a scheme.
type codeRef struct {
	scheme, measure string
}

// decodeCodes checks a measure's codes: map and returns it sorted by scheme.
// A scheme is letters, digits, '-' and '_'; a code is printable text without
// surrounding spaces, ':' or ';'.
// reported holds the problems already found, so that a value of the wrong
// type is not reported twice.
func decodeCodes(bad func(diag.Pos, string, string, ...any), reported diag.List, p diag.Pos, field string, m map[string]string) []Code {
	var out []Code
	skip := map[string]bool{}
	for _, e := range reported {
		if strings.HasPrefix(e.Field, field+".") {
			skip[e.Field] = true
		}
	}
	for scheme, value := range m {
		f := field + "." + scheme
		if skip[f] {
			continue
		}
		if !schemeOK(scheme) {
			bad(p, f, "code scheme %q must be letters, digits, '-' and '_' (such as nt, ppn002, ecc)", scheme)
			continue
		}
		if !codeOK(value) {
			bad(p, f, "code %q must be printable text without surrounding spaces, ':' or ';'", value)
			continue
		}
		out = append(out, Code{Scheme: scheme, Value: value})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Scheme < out[j].Scheme })
	return out
}

func schemeOK(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')) {
			return false
		}
	}
	return true
}

func codeOK(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, ":;") {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// codePlace is where a measure's codes: mapping is, for messages.
type codePlace struct {
	pos   diag.Pos
	field string
}

// checkCodes reports a code that is another measure's id: a row naming it
// could not say which of the two it means.
func checkCodes(f *Framework, at map[string]codePlace, bad func(diag.Pos, string, string, ...any)) {
	for _, m := range f.order {
		for _, c := range m.codes {
			if other, ok := f.measures[c.Value]; ok && other.ID != m.ID {
				p := at[m.ID]
				bad(p.pos, p.field+"."+c.Scheme, "code %s %q of measure %q is the id of measure %q; a row naming it would be ambiguous", c.Scheme, c.Value, m.ID, other.ID)
			}
		}
	}
}

// MeasureByRef returns the measure a row names: its id, or one of its
// external codes, written bare ("NT3") or with its scheme ("nt:NT3"). A
// code that several measures carry fails with ErrAmbiguousCode, naming
// them; a reference to nothing fails with ErrUnknownMeasure, with a "did you
// mean" hint when one is close.
func (f *Framework) MeasureByRef(ref string) (Measure, error) {
	if m, ok := f.measures[ref]; ok {
		return *m, nil
	}
	scheme, value, scoped := strings.Cut(ref, ":")
	if !scoped {
		scheme, value = "", ref
	}
	var hits []codeRef
	for _, c := range f.codes[value] {
		if !scoped || c.scheme == scheme {
			hits = append(hits, c)
		}
	}
	switch len(hits) {
	case 1:
		return *f.measures[hits[0].measure], nil
	case 0:
		msg := fmt.Sprintf("unknown measure %q", ref)
		if s := diag.Suggest(ref, f.refNames()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return Measure{}, &RefError{Ref: ref, msg: msg, kind: ErrUnknownMeasure}
	}
	names := make([]string, len(hits))
	for i, h := range hits {
		names[i] = fmt.Sprintf("%s (%s:%s)", h.measure, h.scheme, value)
	}
	msg := fmt.Sprintf("code %q names %d measures: %s; write the measure id", ref, len(hits), strings.Join(names, ", "))
	if !scoped {
		msg += " or scheme:code"
	}
	return Measure{}, &RefError{Ref: ref, msg: msg, kind: ErrAmbiguousCode}
}

// FormatCodes writes codes as one text cell, "ecc:ECC7; nt:NT3", each in
// the scheme:code form a row may use to name the measure.
func FormatCodes(codes []Code) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c.Scheme + ":" + c.Value
	}
	return strings.Join(parts, "; ")
}

// CodeMap returns codes as a map from scheme to code, for JSON output; nil
// when there are none.
func CodeMap(codes []Code) map[string]string {
	if len(codes) == 0 {
		return nil
	}
	m := make(map[string]string, len(codes))
	for _, c := range codes {
		m[c.Scheme] = c.Value
	}
	return m
}

// refNames lists every id and code a row may use, for suggestions.
func (f *Framework) refNames() []string {
	out := make([]string, 0, len(f.order))
	for _, m := range f.order {
		out = append(out, m.ID)
		for _, c := range m.codes {
			out = append(out, c.Value)
		}
	}
	return out
}

// RefError says why a row's measure reference names no single measure. It
// matches ErrUnknownMeasure or ErrAmbiguousCode with errors.Is.
type RefError struct {
	Ref  string // the reference as the row gave it
	msg  string
	kind error
}

// Error says what the reference matched, with a hint.
func (e *RefError) Error() string { return e.msg }

// Unwrap makes errors.Is match the kind of problem.
func (e *RefError) Unwrap() error { return e.kind }
