package measure

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/spread"
	"github.com/socialvalue-toms/toms/internal/yamlx"
	"github.com/socialvalue-toms/toms/tom"
)

// Contract is one entry of the council's contract register: what was let,
// to whom, for how much and for how long, and whether the supplier is an
// SME, a VCSE or local.
type Contract struct {
	ID       string // the contract reference, unique in the register
	Title    string // what the contract is for
	Supplier string // who holds the contract
	// Value is the total contract value over its whole term, £ excluding VAT.
	Value decimal.Decimal
	// Start and End are the first and last days of the contract, both included.
	Start, End time.Time
	Category   string // what is bought, free text such as works; may be empty
	// Tender is the id of the tender the contract was awarded from, if any.
	Tender string
	// SME, VCSE and Local describe the supplier (unknown when not given).
	SME, VCSE, Local Answer
	Pos              diag.Pos // where the entry is in the register file
}

// YearValue is the part of a contract's value that falls in one financial
// year.
type YearValue struct {
	Year  tom.Year        // the financial year
	Days  int64           // days of the contract in Year, first and last included
	Value decimal.Decimal // £ excluding VAT, to the penny; the years add up to the contract's value
}

// YearValues spreads the contract's value over the financial years it runs
// in, in proportion to its days in each (both Start and End count), to the
// penny: each year gets its exact share rounded down to a penny, and the
// pennies left over go one each to the years whose shares lost the most in
// rounding, the earlier year first on a tie, so that the years add up to
// Value exactly.
func (c Contract) YearValues() []YearValue {
	days := spread.Days(c.Start, c.End)
	w := make([]decimal.Decimal, len(days))
	for i, d := range days {
		w[i] = decimal.NewFromInt(d.Days)
	}
	v := spread.Split(c.Value, w, 2)
	out := make([]YearValue, len(days))
	for i, d := range days {
		out[i] = YearValue{Year: d.Year, Days: d.Days, Value: v[i]}
	}
	return out
}

// ValueIn returns the part of the contract's value that falls in year y
// (see YearValues); zero when the contract does not run in y.
func (c Contract) ValueIn(y tom.Year) decimal.Decimal {
	for _, v := range c.YearValues() {
		if v.Year == y {
			return v.Value
		}
	}
	return decimal.Decimal{}
}

// contractFile is one register entry as written in a file. Its yaml tags
// are the field names of YAML and JSON registers and the column names of a
// CSV register: the one field list of the format.
type contractFile struct {
	Pos      diag.Pos            `yaml:",pos"`
	At       map[string]diag.Pos `yaml:",at"`
	ID       string              `yaml:"id,required"`
	Title    string              `yaml:"title"`
	Supplier string              `yaml:"supplier,required"`
	Value    *decimal.Decimal    `yaml:"value,required"`
	Start    time.Time           `yaml:"start,required"`
	End      time.Time           `yaml:"end,required"`
	Category string              `yaml:"category"`
	Tender   string              `yaml:"tender"`
	SME      Answer              `yaml:"sme"`
	VCSE     Answer              `yaml:"vcse"`
	Local    Answer              `yaml:"local"`
}

// contractColumns are the columns of a CSV contract register, which are
// also the fields of each entry of a YAML or JSON one.
var contractColumns = yamlx.FieldNames(reflect.TypeOf(contractFile{}))

// ContractColumns returns the columns of a CSV contract register, in order;
// they are also the fields of each entry of a YAML or JSON register.
func ContractColumns() []string { return append([]string(nil), contractColumns...) }

// MaxRegisterBytes bounds the size of a contract register or targets file.
const MaxRegisterBytes = 32 << 20

// earliest and latest bound the dates of a register and of targets: a date
// outside them is a typing mistake (0024 for 2024), not a contract.
var (
	earliest = time.Date(1990, time.January, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2199, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// ReadContracts reads a contract register: YAML or JSON with
// `apiVersion: toms/v1`, `kind: Contracts` and a `contracts:` list, or, when
// name ends in .csv, a CSV table with a header row naming ContractColumns
// (id, title, supplier, value, start, end, category, tender, sme, vcse,
// local; any order; only id, supplier, value, start and end are required),
// as a spreadsheet exports it. Both are checked the same way, and every
// problem is returned at once as diag.List, each with its file, line,
// column and field: an unknown or repeated field or column, a missing
// required one, a value that is not a decimal or is negative, a date that
// is not YYYY-MM-DD or is outside 1990–2199, an end before the start, a
// contract id given twice, an id or supplier with a line break or spaces
// around it, a yes/no flag (sme, vcse, local) that is neither.
func ReadContracts(r io.Reader, name string) ([]Contract, error) {
	data, err := readCapped(r, name)
	if err != nil {
		return nil, err
	}
	entries, d, errs, err := contractEntries(name, data)
	if err != nil {
		return nil, err
	}
	d.Hooks[reflect.TypeOf(AnswerUnknown)] = answerHook
	out := make([]Contract, 0, len(entries))
	first := map[string]diag.Pos{}
	for i, n := range entries {
		path := fmt.Sprintf("contracts[%d]", i)
		if isCSV(name) {
			path = ""
		}
		var cf contractFile
		d.Decode(n, &cf, path)
		out = append(out, checkContract(&cf, path, first, &errs))
	}
	errs = append(errs, d.Errs...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// contractEntries finds the entries of a register, one node each: the
// rows of a CSV register (name ends in .csv), else the `contracts:` list
// of a YAML or JSON one. It returns the decoder to decode them with and
// the problems found so far; err is a register it cannot read at all.
func contractEntries(name string, data []byte) (entries []*yaml.Node, d *yamlx.Decoder, errs diag.List, err error) {
	if isCSV(name) {
		entries, err = yamlx.CSVRows(name, data, contractColumns)
		if entries == nil && err != nil {
			return nil, nil, nil, err
		}
		if err != nil {
			errs = err.(diag.List)
		}
		return entries, yamlx.NewDecoder(name), errs, nil
	}
	root, d, err := yamlx.Open(name, data, "Contracts", MaxRegisterBytes)
	if err != nil {
		return nil, nil, nil, err
	}
	var rf struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Contracts  *yaml.Node `yaml:"contracts,required"`
	}
	d.Decode(root, &rf, "")
	if rf.Contracts != nil && !yamlx.IsNull(rf.Contracts) {
		if rf.Contracts.Kind != yaml.SequenceNode {
			d.Errorf(rf.Contracts, "contracts", diag.ErrType, "expected a list of contracts")
		} else {
			entries = rf.Contracts.Content
		}
	}
	return entries, d, nil, nil
}

// checkContract checks one decoded register entry (at path) and returns
// it as a Contract, adding its problems to errs: a negative value, a bad
// id or supplier, a date out of range or an end before the start, an id
// already in first (the position of each id's first entry).
func checkContract(cf *contractFile, path string, first map[string]diag.Pos, errs *diag.List) Contract {
	c := Contract{ID: cf.ID, Title: cf.Title, Supplier: cf.Supplier, Start: cf.Start, End: cf.End,
		Category: cf.Category, Tender: cf.Tender, SME: cf.SME, VCSE: cf.VCSE, Local: cf.Local, Pos: cf.Pos}
	at := func(f string) diag.Pos {
		if p, ok := cf.At[f]; ok {
			return p
		}
		return cf.Pos
	}
	bad := func(f string, kind error, format string, args ...any) {
		p := at(f)
		errs.Add(&diag.Diagnostic{File: p.File, Line: p.Line, Column: p.Column, Field: join(path, f), Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	if cf.Value != nil {
		c.Value = *cf.Value
		if c.Value.IsNegative() {
			bad("value", diag.ErrValue, "is %s; a contract value cannot be negative", c.Value)
		}
	}
	for _, f := range []struct {
		name, v string
	}{{"id", cf.ID}, {"supplier", cf.Supplier}} {
		if msg := nameProblem(f.v); msg != "" {
			bad(f.name, diag.ErrValue, "%q %s", f.v, msg)
		}
	}
	okDates := true
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"start", cf.Start}, {"end", cf.End}} {
		if !f.t.IsZero() && (f.t.Before(earliest) || f.t.After(latest)) {
			bad(f.name, diag.ErrValue, "%s is outside the years 1990 to 2199; check the year", f.t.Format("2006-01-02"))
			okDates = false
		}
	}
	if okDates && !cf.Start.IsZero() && !cf.End.IsZero() && cf.End.Before(cf.Start) {
		bad("end", diag.ErrValue, "%s is before the start, %s", cf.End.Format("2006-01-02"), cf.Start.Format("2006-01-02"))
	}
	if cf.ID != "" {
		if p, dup := first[cf.ID]; dup {
			bad("id", diag.ErrDuplicateKey, "contract %q is already in the register at line %d", cf.ID, p.Line)
		} else {
			first[cf.ID] = at("id")
		}
	}
	return c
}

// answerHook decodes a yes/no flag: true or false in YAML and JSON, and
// also yes, no, y, n, 1 or 0 (any case) as a spreadsheet writes them.
func answerHook(d *yamlx.Decoder, n *yaml.Node, v reflect.Value, path string) {
	if yamlx.IsNull(n) {
		return
	}
	if n.Kind != yaml.ScalarNode {
		d.Errorf(n, path, diag.ErrType, "expected yes or no")
		return
	}
	a, ok := parseAnswer(n.Value)
	if !ok {
		d.Errorf(n, path, diag.ErrType, "is %q; write yes or no (true or false), or leave it empty for unknown", n.Value)
		return
	}
	v.SetInt(int64(a))
}

// nameProblem says what is wrong with an id or name that must fit on one
// line of a table and match other files exactly, or "".
func nameProblem(s string) string {
	switch {
	case s == "":
		return ""
	case strings.ContainsAny(s, "\r\n"):
		return "has a line break"
	case strings.TrimSpace(s) != s:
		return "has spaces around it"
	}
	return ""
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func isCSV(name string) bool { return strings.EqualFold(filepathExt(name), ".csv") }

func filepathExt(name string) string {
	if i := strings.LastIndexAny(name, "./\\"); i >= 0 && name[i] == '.' {
		return name[i:]
	}
	return ""
}

// readCapped reads a whole register or targets file, up to MaxRegisterBytes.
func readCapped(r io.Reader, name string) ([]byte, error) {
	return yamlx.ReadAll(r, name, MaxRegisterBytes)
}
