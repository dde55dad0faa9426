package tom

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Year is a UK financial year, 1 April to 31 March, written "2024/25".
// The zero Year is invalid; use ParseYear or YearOf.
type Year struct {
	start int // calendar year in which the financial year begins
}

// MinYear and MaxYear are the first and last calendar years in which a
// supported financial year begins: ParseYear reads 1000/01 to 9999/00, and
// the outcome files of package measure take dates from 1000-04-01 (the
// first day of 1000/01) to 9999-12-31.
const (
	MinYear = 1000
	MaxYear = 9999
)

// ErrYear is matched by errors from ParseYear.
var ErrYear = errors.New("not a financial year")

// ParseYear reads a financial year written "2024/25": four digits for the
// starting calendar year, a slash, and the two last digits of the next one.
func ParseYear(s string) (Year, error) {
	if len(s) != 7 || s[4] != '/' {
		return Year{}, fmt.Errorf("%q: %w: write it as 2024/25", s, ErrYear)
	}
	start, err1 := strconv.Atoi(s[:4])
	end, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || s[0] == '-' || s[5] == '-' || s[5] == '+' || start < MinYear {
		return Year{}, fmt.Errorf("%q: %w: write it as 2024/25", s, ErrYear)
	}
	if (start+1)%100 != end {
		return Year{}, fmt.Errorf("%q: %w: the second part must be the year after %d (%d/%02d)", s, ErrYear, start, start, (start+1)%100)
	}
	return Year{start: start}, nil
}

// MustYear is ParseYear for literals known to be valid; it panics otherwise.
func MustYear(s string) Year {
	y, err := ParseYear(s)
	if err != nil {
		panic(err)
	}
	return y
}

// YearOf returns the financial year containing t's calendar date. The
// financial year starting in calendar year Y runs from 1 April Y to 31 March Y+1.
// For a date outside the supported years (before 1 April MinYear, or after
// 31 December MaxYear) the Year is outside them too: check it against
// MinYear and MaxYear, as package measure does before it uses one.
func YearOf(t time.Time) Year {
	if t.Month() < time.April {
		return Year{start: t.Year() - 1}
	}
	return Year{start: t.Year()}
}

// YearStarting returns the financial year that begins on 1 April of calendar year y.
func YearStarting(y int) Year { return Year{start: y} }

// Start is the calendar year in which y begins.
func (y Year) Start() int { return y.start }

// IsZero reports whether y is the zero (invalid) year.
func (y Year) IsZero() bool { return y.start == 0 }

// Next returns the following financial year.
func (y Year) Next() Year { return Year{start: y.start + 1} }

// Before reports whether y is earlier than o.
func (y Year) Before(o Year) bool { return y.start < o.start }

// String renders "2024/25", or "" for the zero year.
func (y Year) String() string {
	if y.start == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%02d", y.start, (y.start+1)%100)
}

// MarshalText renders the year as "2024/25".
func (y Year) MarshalText() ([]byte, error) { return []byte(y.String()), nil }

// UnmarshalText reads "2024/25".
func (y *Year) UnmarshalText(b []byte) error {
	v, err := ParseYear(string(b))
	if err != nil {
		return err
	}
	*y = v
	return nil
}
