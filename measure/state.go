package measure

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

// StateVersion names the format WriteState writes and ReadState reads: a
// JSON document, versioned so that a reader can refuse a form it does not
// know. A change that an older reader would misread gets a new version.
const StateVersion = "toms.aggregate/v1"

// DefaultMaxStateBytes is the largest aggregate state ReadState reads when
// Options.MaxStateBytes is zero: 256 MiB, some hundreds of thousands of
// groups (contract × supplier × measure × year).
const DefaultMaxStateBytes = 256 << 20

// stateTooLarge is the kind of a state over the size limit: it matches both
// diag.ErrTooLarge and ErrState.
var stateTooLarge = diag.Kinds(diag.ErrTooLarge, ErrState)

// ErrState is returned by ReadState for a state it cannot use: not JSON,
// another version, a bad value, or a framework that values a record
// differently.
var ErrState = errors.New("bad aggregate state")

// The aggregate state (StateVersion): everything an Aggregator counted,
// exactly, so that partial states made elsewhere (one per shard of a
// dataset, on other machines) combine into the same Result as one pass.
// Every quantity and £ figure is an exact decimal string in plain notation
// (dectext.Format); years are "2024/25", dates YYYY-MM-DD.
type stateJSON struct {
	Version   string `json:"version"`
	Framework string `json:"framework"` // the framework's id
	// Year is the year the totals are restricted to ("" for all);
	// YearPolicy "exact" or "carry-forward"; DuplicateCheck whether
	// duplicates were rejected (Options.NoDuplicateCheck is false).
	Year                 string         `json:"year"`
	YearPolicy           string         `json:"yearPolicy"`
	DuplicateCheck       bool           `json:"duplicateCheck"`
	Files                []string       `json:"files"`
	Records              int64          `json:"records"`
	CommitmentRecords    int64          `json:"commitmentRecords"`
	OutOfYear            int64          `json:"outOfYear"`
	CommitmentsOutOfYear int64          `json:"commitmentsOutOfYear"`
	RejectedRows         int64          `json:"rejectedRows"`
	RejectedNotKept      int64          `json:"rejectedNotKept"`
	CrossShardDuplicates int            `json:"crossShardDuplicates"`
	Latest               string         `json:"latest"` // "" for none
	Rejected             []stateProblem `json:"rejected"`
	// Proxies are the proxy values the cells were valued with, per measure
	// and delivery year: ReadState checks that its framework agrees.
	Proxies     []stateProxy      `json:"proxies"`
	Cells       []stateCell       `json:"cells"`
	Commitments []stateCommitment `json:"commitments"`
}

type stateProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field"`
	Kind    string `json:"kind"` // the text of the kind: "bad quantity", "duplicate record", ...
	Message string `json:"message"`
}

type stateProxy struct {
	Measure        string `json:"measure"`
	Year           string `json:"year"`
	Value          string `json:"value"`
	CarriedForward bool   `json:"carriedForward"`
}

type stateCell struct {
	Contract    string `json:"contract"`
	Supplier    string `json:"supplier"`
	Measure     string `json:"measure"`
	Year        string `json:"year"`
	Records     int64  `json:"records"`
	Quantity    string `json:"quantity"`
	SocialValue string `json:"socialValue"`
	// Spend measures only: the spend flagged yes (SME, VCSE, local) and the
	// records that left each flag empty.
	Flagged *[3]string `json:"flagged,omitempty"`
	Unknown *[3]int64  `json:"unknown,omitempty"`
}

type stateCommitment struct {
	Contract string `json:"contract"`
	Supplier string `json:"supplier"`
	Measure  string `json:"measure"`
	Year     string `json:"year"`
	Records  int64  `json:"records"`
	Quantity string `json:"quantity"`
}

// WriteState writes everything the aggregator counted as a JSON document
// in the versioned form StateVersion: totals per contract, supplier,
// measure and year as exact decimals, counts, rejected rows, the files
// read and the proxy values used. ReadState on another Aggregator (in
// another process, on another machine) merges it, exactly: partial
// states of the shards of a dataset combine into the same Result as one
// pass over all of it, so a report made from them is byte for byte the
// same (a test checks it).
//
// The state holds no fingerprints of duplicate detection (they are seeded
// for the process): records in different states are not checked against
// each other, so shard a dataset by contract, which keeps every duplicate
// within one shard. Cells emptied by taking out duplicates are left out.
func (a *Aggregator) WriteState(w io.Writer) error {
	s := stateJSON{
		Version: StateVersion, Framework: a.cat.fw.ID(),
		YearPolicy: policyName(a.opts.YearPolicy), DuplicateCheck: !a.opts.NoDuplicateCheck,
		Files:   append([]string{}, a.files...),
		Records: a.records, CommitmentRecords: a.commitRecords,
		OutOfYear: a.outOfYear, CommitmentsOutOfYear: a.commitOutOfYear,
		RejectedRows: a.rejectedRows, RejectedNotKept: a.rejectedNotKept, CrossShardDuplicates: a.crossShard,
		Rejected: []stateProblem{}, Proxies: []stateProxy{}, Cells: []stateCell{}, Commitments: []stateCommitment{},
	}
	if !a.opts.Year.IsZero() {
		s.Year = a.opts.Year.String()
	}
	if a.latest > 0 {
		s.Latest = fmt.Sprintf("%04d-%02d-%02d", a.latest/10000, a.latest/100%100, a.latest%100)
	}
	for _, d := range a.rejected {
		p := stateProblem{File: d.File, Line: d.Line, Column: d.Column, Field: d.Field, Message: d.Message}
		if d.Kind != nil {
			p.Kind = d.Kind.Error()
		}
		s.Rejected = append(s.Rejected, p)
	}
	type pkey struct{ m, fy int }
	seen := map[pkey]bool{}
	for i := range a.cells {
		c := &a.cells[i]
		if c.records == 0 {
			continue
		}
		m := a.cat.measures[c.key.my>>16]
		fy := int(c.key.my&0xffff) + yearBase
		sc := stateCell{
			Contract: a.contracts.names[c.key.cs>>32], Supplier: a.suppliers.names[uint32(c.key.cs)],
			Measure: m.m.ID, Year: tom.YearStarting(fy).String(), Records: c.records,
			Quantity: dectext.Format(c.qty.value(qtyScale)), SocialValue: dectext.Format(c.val.value(valScale)),
		}
		if m.spend {
			sc.Flagged = &[3]string{}
			for j := range c.flagged {
				sc.Flagged[j] = dectext.Format(c.flagged[j].value(qtyScale))
			}
			sc.Unknown = &[3]int64{c.unknown[0], c.unknown[1], c.unknown[2]}
		}
		s.Cells = append(s.Cells, sc)
		if m.m.Financial && !seen[pkey{m.idx, fy}] {
			seen[pkey{m.idx, fy}] = true
			pe := m.proxy(fy, a.opts.YearPolicy)
			if pe.err == nil {
				s.Proxies = append(s.Proxies, stateProxy{Measure: m.m.ID, Year: sc.Year,
					Value: dectext.Format(pe.p.Value), CarriedForward: pe.carried})
			}
		}
	}
	for i := range a.commits {
		c := &a.commits[i]
		if c.records == 0 {
			continue
		}
		m := a.cat.measures[c.key.my>>16]
		s.Commitments = append(s.Commitments, stateCommitment{
			Contract: a.contracts.names[c.key.contract], Supplier: a.suppliers.names[c.supplier],
			Measure: m.m.ID, Year: tom.YearStarting(int(c.key.my&0xffff) + yearBase).String(),
			Records: c.records, Quantity: dectext.Format(c.qty.value(qtyScale)),
		})
	}
	// in key order, not in the order the groups were first met: that
	// order depends on how the files were read (one reader or several,
	// duplicates checked at once or at the end), the state must not
	slices.SortFunc(s.Cells, func(x, y stateCell) int {
		return cmp.Or(cmp.Compare(x.Contract, y.Contract), cmp.Compare(x.Supplier, y.Supplier), cmp.Compare(x.Measure, y.Measure), cmp.Compare(x.Year, y.Year))
	})
	slices.SortFunc(s.Proxies, func(x, y stateProxy) int {
		return cmp.Or(cmp.Compare(x.Measure, y.Measure), cmp.Compare(x.Year, y.Year))
	})
	slices.SortFunc(s.Commitments, func(x, y stateCommitment) int {
		return cmp.Or(cmp.Compare(x.Contract, y.Contract), cmp.Compare(x.Supplier, y.Supplier), cmp.Compare(x.Measure, y.Measure), cmp.Compare(x.Year, y.Year))
	})
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(s)
}

func policyName(p tom.YearPolicy) string {
	if p == tom.CarryForward {
		return "carry-forward"
	}
	return "exact"
}

// stateKinds are the kinds of problem a state may name, by their text.
var stateKinds = map[string]error{}

func init() {
	for _, k := range []error{ErrColumn, ErrQuantity, ErrDate, ErrEvidence, ErrUnit, ErrFlag, ErrDuplicate,
		ErrDoubleCounted, tom.ErrUnknownMeasure, tom.ErrNoProxy, diag.ErrSyntax, diag.ErrUnknownField,
		diag.ErrDuplicateKey, diag.ErrType, diag.ErrRequired, diag.ErrValue, diag.ErrTooLarge} {
		stateKinds[k.Error()] = k
	}
}

// ReadState merges into a the aggregate state that WriteState wrote (in
// this process or another), as Merge merges an Aggregator: exactly, the
// result the same as if a had read the state's inputs itself, after its
// own. name is used in errors. The state must have been made with the
// same options (Year, YearPolicy, NoDuplicateCheck) and a framework with
// the same id that values every measure and year it counted alike (the
// state lists the proxy values it used); otherwise ReadState fails with
// ErrState or ErrMerge and a changes nothing. Duplicates between a's
// records and the state's are not detected: see WriteState.
//
// A state larger than Options.MaxStateBytes (DefaultMaxStateBytes when
// zero) is refused with a diag.Diagnostic matching diag.ErrTooLarge and
// ErrState, before it is decoded.
func (a *Aggregator) ReadState(r io.Reader, name string) error {
	max := a.opts.MaxStateBytes
	if max <= 0 {
		max = DefaultMaxStateBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > max {
		return &diag.Diagnostic{File: name, Kind: stateTooLarge,
			Message: fmt.Sprintf("the aggregate state is larger than %d bytes, the limit (measure.Options.MaxStateBytes; toms report reads TOMS_MAX_FILE_SIZE when it is set)", max)}
	}
	var s stateJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("%s: %w: %v", name, ErrState, err)
	}
	// Everything is checked into b first, so that a bad state changes
	// nothing; b then merges into a.
	sr := &stateReader{name: name, a: a,
		b: &Aggregator{opts: a.opts, cat: a.cat, cellIdx: map[cellKey]int32{}, commitIdx: map[commitKey]int32{}, lastCell: -1}}
	for _, step := range []func(*stateJSON) error{sr.header, sr.proxies, sr.cells, sr.commitments, sr.counts} {
		if err := step(&s); err != nil {
			return err
		}
	}
	a.mergeTotals(sr.b, -1)
	return nil
}

// stateReader checks a decoded state against the Aggregator a it is to
// merge into, and fills b with it; one method a part of the state, in
// the order the errors are reported.
type stateReader struct {
	name string
	a, b *Aggregator
}

// bad is an ErrState error naming the state.
func (sr *stateReader) bad(format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", sr.name, ErrState, fmt.Sprintf(format, args...))
}

// measureYear looks up a measure the state counts and parses the year it
// counts it in: a measure the framework does not have is ErrMerge, a bad
// year ErrState.
func (sr *stateReader) measureYear(id, y string) (*mstate, int, error) {
	m := sr.a.cat.lookup(id)
	if m == nil {
		return nil, 0, fmt.Errorf("%s: %w: the state counts measure %q, which the framework does not have", sr.name, ErrMerge, id)
	}
	fy, err := tom.ParseYear(y)
	if err != nil {
		return nil, 0, sr.bad("year %q: %v", y, err)
	}
	return m, fy.Start(), nil
}

// amount parses one of the state's exact non-negative decimals.
func (sr *stateReader) amount(what, v string) (acc, error) {
	d, err := dectext.Parse(v)
	if err != nil || d.IsNegative() {
		return acc{}, sr.bad("%s %q is not an exact non-negative decimal", what, v)
	}
	return acc{extra: d}, nil
}

// valuedAlike checks a cell's social value against its quantity: the
// quantity times the proxy value a's framework has for the measure and
// year (zero for a measure without a £ proxy), exactly as a Read would
// have valued it, so that an edited or corrupted state cannot change the
// totals.
func (sr *stateReader) valuedAlike(cell string, m *mstate, fy int, qty, val string) error {
	q, err := dectext.Parse(qty)
	if err != nil {
		return sr.bad("quantity %q is not an exact decimal", qty)
	}
	v, err := dectext.Parse(val)
	if err != nil {
		return sr.bad("social value %q is not an exact decimal", val)
	}
	want := decimal.Zero
	if m.m.Financial {
		if pe := m.proxy(fy, sr.a.opts.YearPolicy); pe.err == nil {
			want = q.Mul(pe.p.Value)
		}
	}
	if !v.Equal(want) {
		return fmt.Errorf("%s: %w: %s: the social value is £%s, but %s at this framework's proxy value is £%s",
			sr.name, ErrMerge, cell, val, qty, dectext.Format(want))
	}
	return nil
}

// header checks the state's version, framework and options against a's,
// and that it counts no input a has already counted: a state carries no
// fingerprints, so the only overlap a merge can see is a file read twice,
// by name (the same state merged twice, or a file read here and in a shard).
func (sr *stateReader) header(s *stateJSON) error {
	a := sr.a
	seen := make(map[string]bool, len(a.files))
	for _, f := range a.files {
		seen[f] = true
	}
	for _, f := range s.Files {
		if seen[f] {
			return fmt.Errorf("%s: %w: the state counts %s, which this report has already counted (in another state or read directly); shards must read different files, each named once", sr.name, ErrMerge, f)
		}
		seen[f] = true
	}
	if s.Version != StateVersion {
		return fmt.Errorf("%s: %w: version %q; this toms reads %q", sr.name, ErrState, s.Version, StateVersion)
	}
	if s.Framework != a.cat.fw.ID() {
		return fmt.Errorf("%s: %w: the state was made with framework %q, not %q", sr.name, ErrMerge, s.Framework, a.cat.fw.ID())
	}
	year := ""
	if !a.opts.Year.IsZero() {
		year = a.opts.Year.String()
	}
	if s.Year != year || s.YearPolicy != policyName(a.opts.YearPolicy) || s.DuplicateCheck == a.opts.NoDuplicateCheck {
		return fmt.Errorf("%s: %w: the state was made with year %q, year policy %s, duplicate check %v; this report uses year %q, %s, %v",
			sr.name, ErrMerge, s.Year, s.YearPolicy, s.DuplicateCheck, year, policyName(a.opts.YearPolicy), !a.opts.NoDuplicateCheck)
	}
	return nil
}

// proxies checks that a's framework values every measure and year the
// state valued with the same proxy value, carried forward alike.
func (sr *stateReader) proxies(s *stateJSON) error {
	for _, p := range s.Proxies {
		m, fy, err := sr.measureYear(p.Measure, p.Year)
		if err != nil {
			return err
		}
		v, err := decimal.NewFromString(p.Value)
		if err != nil {
			return sr.bad("proxy value %q", p.Value)
		}
		pe := m.proxy(fy, sr.a.opts.YearPolicy)
		if pe.err != nil || !pe.p.Value.Equal(v) || pe.carried != p.CarriedForward {
			have := "no value"
			if pe.err == nil {
				have = "£" + dectext.Format(pe.p.Value)
			}
			return fmt.Errorf("%s: %w: the state valued %s in %s at £%s; this framework has %s", sr.name, ErrMerge, p.Measure, p.Year, p.Value, have)
		}
	}
	return nil
}

// cells fills b's cells from the state's, each given once, with spend
// flags for spend measures and only for them.
func (sr *stateReader) cells(s *stateJSON) error {
	b := sr.b
	for _, c := range s.Cells {
		m, fy, err := sr.measureYear(c.Measure, c.Year)
		if err != nil {
			return err
		}
		cell := fmt.Sprintf("cell %s, %s, %s, %s", c.Contract, c.Supplier, c.Measure, c.Year)
		if c.Records <= 0 {
			return sr.bad("a cell of %d records", c.Records)
		}
		cl := b.cell(cellKey{cs: uint64(b.contracts.id(c.Contract))<<32 | uint64(b.suppliers.id(c.Supplier)), my: myKey(m.idx, fy)})
		if cl.records != 0 {
			return sr.bad("%s is given twice", cell)
		}
		cl.records = c.Records
		if cl.qty, err = sr.amount("quantity", c.Quantity); err != nil {
			return err
		}
		if cl.val, err = sr.amount("social value", c.SocialValue); err != nil {
			return err
		}
		if err := sr.valuedAlike(cell, m, fy, c.Quantity, c.SocialValue); err != nil {
			return err
		}
		if (c.Flagged != nil) != m.spend || (c.Unknown != nil) != m.spend {
			return sr.bad("%s: spend flags are given for spend measures, and only for them", cell)
		}
		if m.spend {
			for j := range cl.flagged {
				if cl.flagged[j], err = sr.amount("flagged spend", c.Flagged[j]); err != nil {
					return err
				}
				cl.unknown[j] = c.Unknown[j]
			}
		}
	}
	return nil
}

// commitments fills b's commitments from the state's, each given once.
func (sr *stateReader) commitments(s *stateJSON) error {
	b := sr.b
	for _, c := range s.Commitments {
		m, fy, err := sr.measureYear(c.Measure, c.Year)
		if err != nil {
			return err
		}
		i := b.commit(commitKey{contract: b.contracts.id(c.Contract), my: myKey(m.idx, fy)}, b.suppliers.id(c.Supplier))
		cm := &b.commits[i]
		if cm.records != 0 || c.Records <= 0 {
			return sr.bad("commitment %s, %s, %s is given twice or has no records", c.Contract, c.Measure, c.Year)
		}
		cm.records = c.Records
		if cm.qty, err = sr.amount("commitment quantity", c.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// counts fills in the rest of b: the latest date, the problems kept (each
// with its kind, when this toms knows it), the files and the counts.
func (sr *stateReader) counts(s *stateJSON) error {
	b := sr.b
	if s.Latest != "" {
		d, err := time.Parse(dateLayout, s.Latest)
		if err != nil {
			return sr.bad("latest %q is not a date", s.Latest)
		}
		b.latest = d.Year()*10000 + int(d.Month())*100 + d.Day()
	}
	for _, p := range s.Rejected {
		kind := stateKinds[p.Kind]
		if kind == nil && p.Kind != "" {
			kind = errors.New(p.Kind)
		}
		b.rejected = append(b.rejected, &diag.Diagnostic{File: p.File, Line: p.Line, Column: p.Column, Field: p.Field, Message: p.Message, Kind: kind})
	}
	b.files = s.Files
	b.records, b.commitRecords = s.Records, s.CommitmentRecords
	b.outOfYear, b.commitOutOfYear = s.OutOfYear, s.CommitmentsOutOfYear
	b.rejectedRows, b.rejectedNotKept, b.crossShard = s.RejectedRows, s.RejectedNotKept, s.CrossShardDuplicates
	return nil
}
