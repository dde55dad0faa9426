// Package dectext parses exact decimals from text with one documented grammar,
// shared by every file format the module reads (YAML scalars, JSON numbers and
// strings, CSV cells), so that no number ever passes through a float.
//
// Grammar: an optional minus sign, an integer part with no superfluous
// leading zero, an optional fraction, and an optional exponent:
//
//	-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
//
// So "0.1" is exactly one tenth, "1e3" is exactly 1000 and "012" is rejected:
// YAML 1.1 readers take it as octal 10, others as 12, and a public figure
// should not depend on which. A plus sign, thousands separators, a leading or
// trailing dot, NaN and infinities are rejected too. Exponents are limited
// to ±MaxExponent so that "1e999999999" cannot exhaust memory.
package dectext

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxExponent bounds the exponent written in the text.
const MaxExponent = 30

// MaxDigits bounds the number of digits written in the text.
const MaxDigits = 60

// ErrSyntax is matched by every error Parse returns.
var ErrSyntax = errors.New("not a decimal number")

// Parse reads s with the package grammar.
func Parse(s string) (decimal.Decimal, error) {
	if err := check(s); err != nil {
		return decimal.Decimal{}, err
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: %w", s, ErrSyntax)
	}
	return d, nil
}

func check(s string) error {
	bad := func(why string) error {
		if why == "" {
			return fmt.Errorf("%q: %w", s, ErrSyntax)
		}
		return fmt.Errorf("%q: %w (%s)", s, ErrSyntax, why)
	}
	if s == "" {
		return bad("empty")
	}
	if strings.ContainsAny(s, ",_ ") {
		return bad("write digits only, without separators or spaces")
	}
	i := 0
	if s[0] == '-' {
		i++
	} else if s[0] == '+' {
		return bad("no plus sign")
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intDigits := i - start
	if intDigits == 0 {
		return bad("")
	}
	if intDigits > 1 && s[start] == '0' {
		return bad("leading zero; YAML 1.1 would read it as octal")
	}
	digits := intDigits
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == f {
			return bad("digits must follow the decimal point")
		}
		digits += i - f
	}
	if digits > MaxDigits {
		return bad(fmt.Sprintf("more than %d digits", MaxDigits))
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		exp := 0
		for i < len(s) && isDigit(s[i]) {
			exp = exp*10 + int(s[i]-'0')
			if exp > MaxExponent {
				return bad(fmt.Sprintf("exponent beyond ±%d", MaxExponent))
			}
			i++
		}
		if i == e {
			return bad("digits must follow the exponent")
		}
	}
	if i != len(s) {
		return bad("")
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Format writes d exactly, keeping the scale it was written with ("101.00"
// stays "101.00", "16.930" stays "16.930"), in plain notation, whatever the
// package-level settings of shopspring/decimal. Use it wherever an exact
// value is written out (JSON, CSV); round for people with Round first.
func Format(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.StringFixed(0)
}

// Round renders d rounded half away from zero ("half-up" for positive
// numbers) to places decimal places, always showing them: Round(2.005, 2)
// is "2.01", Round(-2.005, 2) is "-2.01", Round(3, 2) is "3.00". It is the
// presentation rule for £ and points.
func Round(d decimal.Decimal, places int32) string {
	return d.StringFixed(places)
}

// Grouped renders d for people: exact, with at least minPlaces decimal
// places (more when d has them, so nothing is rounded away) and a comma
// between thousands: Grouped(1234567.5, 2) is "1,234,567.50",
// Grouped(16.935, 2) is "16.935". Round first to show fewer places.
func Grouped(d decimal.Decimal, minPlaces int32) string {
	return GroupDigits(d.StringFixed(max(-d.Exponent(), minPlaces, 0)))
}

// GroupDigits puts a comma between thousands in a plain decimal string such
// as Format or Round return: "-1234567.50" becomes "-1,234,567.50".
func GroupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
