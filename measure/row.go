package measure

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

// column is one of the known columns of an outcomes or commitments file.
type column int

const (
	colContract column = iota
	colSupplier
	colMeasure
	colQuantity
	colDate
	colEvidence
	colPeriod
	colSME
	colVCSE
	colLocal
	colNotes
	colUnit
	numCols
)

// columnNames are the header names (CSV) and keys (JSON lines), in the
// order of the constants above.
var columnNames = [numCols]string{
	"contract", "supplier", "measure", "quantity", "date", "evidence",
	"period", "supplier_sme", "supplier_vcse", "local", "notes", "unit",
}

func columnByName(name string) (column, bool) {
	for c, n := range columnNames {
		if n == name {
			return column(c), true
		}
	}
	return 0, false
}

// required reports whether a file of kind k must have the column, and
// allowed whether it may.
func (c column) required(k Kind) bool {
	switch c {
	case colContract, colSupplier, colMeasure, colQuantity, colDate:
		return true
	case colEvidence:
		return k == Outcomes
	}
	return false
}

func (c column) allowed(k Kind) bool { return c != colEvidence || k == Outcomes }

func (c column) String() string { return columnNames[c] }

// allowedNames lists the columns a file of kind k may have, for messages.
func allowedNames(k Kind) []string {
	var out []string
	for c := column(0); c < numCols; c++ {
		if c.allowed(k) {
			out = append(out, c.String())
		}
	}
	return out
}

// posFunc returns the line and column of a field of the current row.
type posFunc func(c column) (line, col int)

// row is a validated record on its way into an aggregator, before any
// string is copied or any decimal built.
type row struct {
	line                    int
	contract, supplier      string
	evidence, period, notes string
	unit                    string
	m                       *mstate
	q                       quantity
	y, mo, d                int // calendar date
	fy                      int // start year of the financial year
	sme, vcse, local        Answer
}

func (r *row) date() time.Time { return time.Date(r.y, time.Month(r.mo), r.d, 0, 0, 0, 0, time.UTC) }

// dateKey is the date as one sortable integer, YYYYMMDD.
func (r *row) dateKey() int { return r.y*10000 + r.mo*100 + r.d }

// record is the row as a Record. Its strings are copies: a row's cells
// may be parts of the reader's window, which a Record must not hold on to.
func (r *row) record(file string) Record {
	return Record{
		Contract: strings.Clone(r.contract), Supplier: strings.Clone(r.supplier), Measure: r.m.m.ID,
		Quantity: r.q.Decimal(), Date: r.date(),
		Evidence: strings.Clone(r.evidence), Period: strings.Clone(r.period), Unit: tom.Unit(strings.Clone(r.unit)),
		SupplierSME: r.sme, SupplierVCSE: r.vcse, Local: r.local, Notes: strings.Clone(r.notes),
		Pos: diag.Pos{File: file, Line: r.line},
	}
}

// catalogue is the framework's measures as the ingestion loop needs them.
type catalogue struct {
	fw       *tom.Framework
	policy   tom.YearPolicy
	measures []*mstate
	byID     map[string]*mstate
	last     *mstate
}

// mstate is one measure, with its proxy values converted for the inner loop.
type mstate struct {
	idx     int
	m       tom.Measure
	unit    tom.UnitInfo
	group   string // exclusive group, "" for none
	spend   bool   // unit gbp without a proxy: spend reported, not social value
	proxies []*proxyEntry
}

// proxyEntry is the proxy value that applies to one (measure, year).
type proxyEntry struct {
	m       *mstate
	fy      int
	p       tom.Proxy
	carried bool
	err     error
	u       uint64 // p.Value in millionths of a pound, when fixed
	fixed   bool
}

func newCatalogue(fw *tom.Framework, policy tom.YearPolicy) *catalogue {
	c := &catalogue{fw: fw, policy: policy, byID: map[string]*mstate{}}
	ms := fw.Measures()
	for i, m := range ms {
		info, _ := fw.Unit(m.Unit)
		s := &mstate{idx: i, m: m, unit: info, group: m.ExclusiveGroup,
			spend: m.Unit == tom.GBP && !m.Financial}
		c.measures = append(c.measures, s)
		c.byID[m.ID] = s
	}
	return c
}

func (c *catalogue) lookup(id string) *mstate {
	if c.last != nil && c.last.m.ID == id {
		return c.last
	}
	m := c.byID[id]
	if m != nil {
		c.last = m
	}
	return m
}

// proxy returns the proxy entry for a financial year, computing it once.
func (m *mstate) proxy(fy int, policy tom.YearPolicy) *proxyEntry {
	for _, e := range m.proxies {
		if e.fy == fy {
			return e
		}
	}
	e := &proxyEntry{m: m, fy: fy}
	e.p, e.carried, e.err = m.m.ProxyFor(tom.YearStarting(fy), policy)
	if e.err == nil {
		e.u, e.fixed = toFixed(e.p.Value)
	}
	m.proxies = append(m.proxies, e)
	return e
}

// validator checks rows against the catalogue and collects the problems.
type validator struct {
	cat  *catalogue
	kind Kind
	file string
	errs diag.List
	// plain says that every byte of the row being checked is printable
	// ASCII (the CSV reader knows it), so that no cell can have a
	// textProblem.
	plain bool
}

func (v *validator) add(line, col int, c column, kind error, format string, args ...any) {
	v.errs.Add(&diag.Diagnostic{File: v.file, Line: line, Column: col, Field: c.String(),
		Message: fmt.Sprintf(format, args...), Kind: kind})
}

// check validates one row's fields into r. It reports every problem of the
// row, and returns false when there was any.
func (v *validator) check(f *[numCols]string, pos posFunc, r *row) bool {
	before := len(v.errs)
	bad := func(c column, kind error, format string, args ...any) {
		line, col := pos(c)
		v.add(line, col, c, kind, format, args...)
	}
	for c := range f {
		switch column(c) {
		case colQuantity, colDate, colSME, colVCSE, colLocal:
			// their grammars take printable ASCII only, and say so
		default:
			if v.plain {
				continue
			}
			if msg := textProblem(f[c]); msg != "" {
				bad(column(c), ErrText, "%s", msg)
			}
		}
	}
	for _, c := range [...]column{colContract, colSupplier} {
		if f[c] == "" {
			bad(c, diag.ErrRequired, "is empty; every %s record names its %s", v.kind, c)
		}
	}
	r.contract, r.supplier = f[colContract], f[colSupplier]
	r.m = nil
	switch id := f[colMeasure]; {
	case id == "":
		bad(colMeasure, diag.ErrRequired, "is empty; name a measure id of the framework")
	default:
		r.m = v.cat.lookup(id)
		if r.m == nil {
			r.m = v.measureByRef(id, pos)
		}
	}
	if s := f[colQuantity]; s == "" {
		bad(colQuantity, diag.ErrRequired, "is empty")
	} else if q, err := parseQuantity(s); err != nil {
		bad(colQuantity, ErrQuantity, "%v", err)
	} else if !q.fixed && q.d.IsNegative() {
		bad(colQuantity, ErrQuantity, "is %s; a quantity cannot be negative", s)
	} else {
		r.q = q
	}
	if s := f[colDate]; s == "" {
		bad(colDate, diag.ErrRequired, "is empty; write the date as YYYY-MM-DD")
	} else if y, mo, d, ok := parseDate(s); !ok {
		if len(s) == 10 && s[0] == '0' {
			bad(colDate, ErrDate, "%q: the year is out of range (1000 to 9999)", s)
		} else {
			bad(colDate, ErrDate, "%q is not a calendar date written YYYY-MM-DD", s)
		}
	} else if fy := financialYear(y, mo); fy < tom.MinYear {
		bad(colDate, ErrDate, "%q falls in the financial year %d/%02d, before the first one supported (%d/%02d, from %d-04-01)", s, fy, (fy+1)%100, tom.MinYear, (tom.MinYear+1)%100, tom.MinYear)
	} else {
		r.y, r.mo, r.d, r.fy = y, mo, d, fy
	}
	r.evidence = f[colEvidence]
	if v.kind == Outcomes && r.m != nil && r.m.m.EvidenceRequired && strings.TrimSpace(r.evidence) == "" {
		bad(colEvidence, ErrEvidence, "measure %q requires evidence; cite a document reference or link", r.m.m.ID)
	}
	r.unit = f[colUnit]
	if r.unit != "" && r.m != nil && r.unit != string(r.m.m.Unit) && !strings.EqualFold(r.unit, r.m.unit.Name) {
		bad(colUnit, ErrUnit, "is %q but measure %q counts %s; convert the quantity to %s", r.unit, r.m.m.ID, r.m.m.Unit, r.m.m.Unit)
	}
	for _, fc := range [...]struct {
		c   column
		dst *Answer
	}{{colSME, &r.sme}, {colVCSE, &r.vcse}, {colLocal, &r.local}} {
		fl, ok := parseAnswer(f[fc.c])
		if !ok {
			bad(fc.c, ErrFlag, "is %q; write yes or no (or true/false, y/n, 1/0), or leave it empty", f[fc.c])
		}
		*fc.dst = fl
	}
	r.period, r.notes = f[colPeriod], f[colNotes]
	return len(v.errs) == before
}

// measureByRef finds the measure that id, not a measure id, names as an
// external code (tom.Measure.Codes), and reports the row's measure as
// unknown or ambiguous when none or several do (nil). It is apart from
// check, off its hot path: most rows name their measure by id.
func (v *validator) measureByRef(id string, pos posFunc) *mstate {
	m, err := v.cat.fw.MeasureByRef(id)
	if err == nil {
		return v.cat.byID[m.ID]
	}
	line, col := pos(colMeasure)
	var re *tom.RefError
	if errors.As(err, &re) {
		v.add(line, col, colMeasure, re.Unwrap(), "%s", re.Error())
	} else {
		v.add(line, col, colMeasure, tom.ErrUnknownMeasure, "%v", err)
	}
	return nil
}

// financialYear is the calendar year in which the UK financial year holding
// the date (year y, month m) begins, as tom.YearOf has it.
func financialYear(y, m int) int {
	if m < 4 {
		return y - 1
	}
	return y
}

// textProblem says why a cell is not plain text on one line, or returns "".
// Every cell must be: a line break in a cell is how a stray quote swallows
// the rows after it, another control character, a space other than U+0020
// (a no-break space) or an invisible character (a zero-width space) makes
// two names that look the same different, and bytes that are not UTF-8
// would be read as U+FFFD (making two different ids one).
func textProblem(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return "" // plain ASCII, the common case
	}
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("holds bytes that are not UTF-8 (0x%02X at byte %d of the cell); save the file as UTF-8", s[i], i+1)
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			return fmt.Sprintf("holds a line break (U+%04X at byte %d of the cell); no cell may span lines", r, i+1)
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return fmt.Sprintf("holds the control character U+%04X at byte %d of the cell; remove it", r, i+1)
		case r != ' ' && unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			// a no-break space, a zero-width space, a byte-order mark:
			// "Acme Ltd" with one looks like "Acme Ltd" without, and would
			// be counted as another supplier
			return fmt.Sprintf("holds U+%04X at byte %d of the cell, a space or invisible character that makes it look like text it is not; write a plain space or remove it", r, i+1)
		}
		i += size
	}
	return ""
}

// notUTF8 is the problem of a line b that is not UTF-8, at the first bad
// byte: col is the column of b[0].
func notUTF8(file string, line, col int, field string, b []byte) *diag.Diagnostic {
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	at := min(i, len(b)-1)
	return &diag.Diagnostic{File: file, Line: line, Column: col + i, Field: field, Kind: ErrText,
		Message: fmt.Sprintf("the line is not UTF-8 (byte 0x%02X); save the file as UTF-8", b[at])}
}

// parseDate reads YYYY-MM-DD, a real calendar date from year 1000.
func parseDate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	var ok1, ok2, ok3 bool
	y, ok1 = num(s[:4])
	m, ok2 = num(s[5:7])
	d, ok3 = num(s[8:])
	if !ok1 || !ok2 || !ok3 || y < 1000 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
