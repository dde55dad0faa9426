package measure

import (
	"context"
	"errors"
	"github.com/socialvalue-toms/toms/diag"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// Every kind of bad row, one per line, with the position of the offending
// field (CSV columns are 1-based byte offsets of the field's start).
const badRows = `contract,supplier,measure,quantity,date,evidence,unit,supplier_sme
C1,Acme,volunteering-hours,4,2024-05-01,ev,hours,yes
C1,Acme,volunteer-hours,4,2024-05-01,ev,,
C1,Acme,volunteering-hours,-4,2024-05-01,ev,,
C1,Acme,volunteering-hours,4.5.1,2024-05-01,ev,,
C1,Acme,volunteering-hours,4,2024-13-01,ev,,
C1,Acme,volunteering-hours,4,2024-05-02,,,
C1,Acme,volunteering-hours,4,2024-05-01,ev,,
C1,Acme,volunteering-hours,4,2024-05-03,ev,people,
C1,Acme,local-spend,100,2024-05-01,,,
C1,Acme,local-sme-spend,100,2024-05-01,,,
C1,Acme,schools-supported,1,2024-05-01,,,maybe
,Acme,schools-supported,,2024-05-01,,,
C1,Acme,schools-supported,1,2024-05-01
C1,Acme,schools-supported,2,2024-05-01,,,
`

var wantBad = []struct {
	pos  string
	kind error
	text string
}{
	{"bad.csv:3:9: measure", tom.ErrUnknownMeasure, `unknown measure "volunteer-hours"; did you mean "volunteering-hours"?`},
	{"bad.csv:4:28: quantity", ErrQuantity, "a quantity cannot be negative"},
	{"bad.csv:5:28: quantity", ErrQuantity, "not a decimal number"},
	{"bad.csv:6:30: date", ErrDate, `"2024-13-01" is not a calendar date written YYYY-MM-DD`},
	{"bad.csv:7:41: evidence", ErrEvidence, `measure "volunteering-hours" requires evidence`},
	{"bad.csv:8:9: measure", ErrDuplicate, "duplicate of line 2"},
	{"bad.csv:9:44: unit", ErrUnit, `is "people" but measure "volunteering-hours" counts hours`},
	{"bad.csv:11:9: measure", ErrDoubleCounted, `counted twice: line 10 reports the same quantity`},
	{"bad.csv:12:42: supplier_sme", ErrFlag, `is "maybe"`},
	{"bad.csv:13:1: contract", diag.ErrRequired, "is empty"},
	{"bad.csv:13:25: quantity", diag.ErrRequired, "is empty"},
	{"bad.csv:14:1", diag.ErrSyntax, "the row has 5 fields but the header has 8"},
}

func checkBad(t *testing.T, list diag.List) {
	t.Helper()
	require.Len(t, list, len(wantBad), "%v", list)
	for i, w := range wantBad {
		d := list[i]
		assert.True(t, strings.HasPrefix(d.Error(), w.pos+":"), "%d: %q should start with %q", i, d.Error(), w.pos)
		assert.Contains(t, d.Error(), w.text, "%d", i)
		assert.ErrorIs(t, d, w.kind, "%d: %v", i, d)
	}
}

func TestStrictListsEveryBadRow(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	rej, err := readString(t, a, "bad.csv", badRows, Outcomes, ReadOptions{})
	require.Error(t, err)
	assert.Nil(t, rej)
	var list diag.List
	require.True(t, errors.As(err, &list))
	checkBad(t, list)
	for _, w := range wantBad {
		assert.ErrorIs(t, err, w.kind)
	}
	var d *diag.Diagnostic
	require.True(t, errors.As(err, &d))
	assert.Equal(t, "bad.csv", d.File)
	assert.Equal(t, 3, d.Line)
}

func TestLenientAcceptsGoodRowsAndReturnsTheRest(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	rej, err := readString(t, a, "bad.csv", badRows, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	checkBad(t, rej)
	res := a.Result()
	// good: line 2 (4 h), line 10 (£100 local spend), line 15 (2 schools)
	assert.Equal(t, int64(3), res.Records)
	requireDec(t, "70", res.Totals().SocialValue) // 4 h × £17.50
	assert.Len(t, res.Rejected, len(wantBad))
}

func TestHeaderProblems(t *testing.T) {
	fw := testFramework(t)
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "empty.csv:1: the file is empty; it needs a header row"},
		{"unknown", "contract,supplier,measure,quantity,date,evidence,colour\n", `unknown.csv:1:50: header: unknown column "colour"`},
		{"typo", "contract,supplier,measure,quantity,dates,evidence\n", `did you mean "date"?`},
		{"twice", "contract,supplier,measure,quantity,date,evidence,date\n", `typo.csv:1:50: header: column "date" is given twice (also column 5)`},
		{"missing", "contract,supplier,measure,quantity,date\n", `the required column "evidence" is missing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAggregator(fw, Options{})
			_, err := readString(t, a, tc.name+".csv", tc.data, Outcomes, ReadOptions{Lenient: true})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrColumn)
			assert.Contains(t, strings.ReplaceAll(err.Error(), "twice.csv", "typo.csv"), tc.want)
		})
	}
	// commitments have no evidence column
	a := NewAggregator(fw, Options{})
	_, err := readString(t, a, "c.csv", "contract,supplier,measure,quantity,date,evidence\n", Commitments, ReadOptions{})
	assert.ErrorIs(t, err, ErrColumn)
	assert.Contains(t, err.Error(), `commitments has no "evidence" column`)
}

func TestBOMAndSpacesAndQuotes(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	data := "\ufeffcontract, supplier ,measure,quantity,date,evidence,notes\n" +
		"C1 , Acme,volunteering-hours, 2 ,2024-05-01,\"ev, with comma\",\"a \"\"quoted\"\" note\"\n" +
		"C1,Acme,volunteering-hours,1e1,2024-05-02,ev,\n"
	_, err := readString(t, a, "q.csv", data, Outcomes, ReadOptions{})
	require.NoError(t, err)
	res := a.Result()
	require.Len(t, res.Cells, 1)
	assert.Equal(t, "C1", res.Cells[0].Contract)
	requireDec(t, "12", res.Cells[0].Quantity)
}

func TestCSVSyntaxError(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	data := "contract,supplier,measure,quantity,date,evidence\nC1,Acme,\"volunteering-hours\"x,1,2024-05-01,ev\nC1,Acme,schools-supported,1,2024-05-01,\n"
	rej, err := readString(t, a, "q.csv", data, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	require.Len(t, rej, 1)
	assert.ErrorIs(t, rej[0], diag.ErrSyntax)
	assert.Equal(t, 2, rej[0].Line)
	assert.Equal(t, int64(1), a.Result().Records)
}

func TestJSONLines(t *testing.T) {
	const data = `{"contract":"C1","supplier":"Acme","measure":"volunteering-hours","quantity":4,"date":"2024-05-01","evidence":"ev","supplier_sme":true}

{"contract":"C1","supplier":"Acme","measure":"volunteering-hours","quantity":"-1","date":"2024-05-01","evidence":"ev"}

{"contract":"C1","supplier":"Acme","measure":"schools-supported","quantity":1,"date":"2024-05-01",}
[1,2]
{"contract":"C1","supplier":"Acme","measure":"schools-supported","quantity":1.50,"date":"2024-05-01","notes":null,"period":"Q1"}
{"contract":"C1","supplier":7,"measure":"schools-supported","quantity":1,"date":"2024-05-01"}
{"contract":"C1","supplier":"Acme","measure":"schools-supported","quantity":1,"date":"2024-05-01","date":"2024-05-02"}
{"contract":"C1","supplier":"Acme","measure":"volunteering-hours","quantity":4,"date":"2024-05-01","evidence":"other"}
`
	a := NewAggregator(testFramework(t), Options{})
	rej, err := a.Read(context.Background(), strings.NewReader(data), "q.jsonl", Outcomes, ReadOptions{Format: JSONLines, Lenient: true})
	require.NoError(t, err)
	want := []struct {
		pos  string
		kind error
	}{
		{"q.jsonl:3:78: quantity", ErrQuantity},
		{"q.jsonl:5:99: invalid character '}' looking for beginning of object key string", diag.ErrSyntax}, // the } after the last comma
		{"q.jsonl:6:1:", diag.ErrSyntax},
		{"q.jsonl:8:29: supplier", diag.ErrSyntax},
		{"q.jsonl:9:99: date", ErrColumn},
		{"q.jsonl:10:46: measure", ErrDuplicate},
	}
	require.Len(t, rej, len(want), "%v", rej)
	for i, w := range want {
		assert.True(t, strings.HasPrefix(rej[i].Error(), w.pos), "%q should start with %q", rej[i].Error(), w.pos)
		assert.ErrorIs(t, rej[i], w.kind, "%d", i)
	}
	res := a.Result()
	assert.Equal(t, int64(2), res.Records)
	requireDec(t, "70", res.Totals().SocialValue)
	require.Len(t, res.Cells, 2)
	requireDec(t, "1.5", res.Cells[1].Quantity)
}

// An unknown JSON key fails the whole file, in lenient mode too, as an
// unknown CSV column does: a misspelled key would otherwise reject every
// row and still succeed. The error points at the key (line 2, column 18:
// the quote that opens "suplier") with a did-you-mean.
func TestJSONLinesUnknownKeyFailsFile(t *testing.T) {
	const data = `{"contract":"C1","supplier":"Acme","measure":"schools-supported","quantity":1,"date":"2024-05-01"}
{"contract":"C2","suplier":"Acme","measure":"schools-supported","quantity":1,"date":"2024-05-01"}
{"contract":"C3","suplier":"Acme","measure":"schools-supported","quantity":1,"date":"2024-05-01"}
`
	for _, lenient := range []bool{false, true} {
		a := NewAggregator(testFramework(t), Options{})
		rej, err := a.Read(context.Background(), strings.NewReader(data), "k.jsonl", Outcomes, ReadOptions{Format: JSONLines, Lenient: lenient})
		require.Error(t, err, "lenient=%v", lenient)
		assert.Empty(t, rej)
		assert.ErrorIs(t, err, ErrColumn)
		var list diag.List
		require.ErrorAs(t, err, &list)
		require.Len(t, list, 1)
		assert.True(t, strings.HasPrefix(list[0].Error(), `k.jsonl:2:18: suplier: unknown key "suplier"; did you mean "supplier"?`), list[0].Error())
	}

	// commitments have no evidence: that key fails the file too
	a := NewAggregator(testFramework(t), Options{})
	_, err := a.Read(context.Background(), strings.NewReader(`{"contract":"C1","supplier":"A","measure":"schools-supported","quantity":1,"date":"2024-05-01","evidence":"x"}`+"\n"),
		"c.jsonl", Commitments, ReadOptions{Format: JSONLines, Lenient: true})
	assert.ErrorIs(t, err, ErrColumn)
	assert.ErrorContains(t, err, `commitments have no "evidence" key`)
}

func TestReadRecords(t *testing.T) {
	var got []Record
	rej, err := ReadRecords(context.Background(), strings.NewReader(handWorked), "q.csv", Outcomes, testFramework(t), ReadOptions{},
		func(r Record) error { got = append(got, r); return nil })
	require.NoError(t, err)
	assert.Empty(t, rej)
	require.Len(t, got, 7)
	r := got[1]
	assert.Equal(t, "C1", r.Contract)
	requireDec(t, "12.5", r.Quantity)
	assert.Equal(t, "2024/25", r.Year().String())
	assert.Equal(t, "2024-Q1", r.Period)
	assert.Equal(t, 3, r.Pos.Line)
	assert.Equal(t, AnswerNo, got[4].SupplierSME)
	assert.Equal(t, AnswerYes, got[4].Local)
	assert.Equal(t, AnswerUnknown, got[0].Local)

	stop := errors.New("stop")
	_, err = ReadRecords(context.Background(), strings.NewReader(handWorked), "q.csv", Outcomes, testFramework(t), ReadOptions{},
		func(Record) error { return stop })
	assert.ErrorIs(t, err, stop)
}

func TestContextCancelled(t *testing.T) {
	var b strings.Builder
	b.WriteString("contract,supplier,measure,quantity,date\n")
	for range ctxEvery + 1 {
		b.WriteString("C1,Acme,schools-supported,1,2024-05-01\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := NewAggregator(testFramework(t), Options{NoDuplicateCheck: true})
	_, err := a.Read(ctx, strings.NewReader(b.String()), "c.csv", Commitments, ReadOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestProgress(t *testing.T) {
	var b strings.Builder
	b.WriteString("contract,supplier,measure,quantity,date\n")
	n := ProgressEvery*2 + 5
	for range n {
		b.WriteString("C1,Acme,schools-supported,1,2024-05-01\n")
	}
	var calls []int64
	a := NewAggregator(testFramework(t), Options{NoDuplicateCheck: true})
	_, err := a.Read(context.Background(), strings.NewReader(b.String()), "c.csv", Commitments,
		ReadOptions{Progress: func(n int64) { calls = append(calls, n) }})
	require.NoError(t, err)
	assert.Equal(t, []int64{ProgressEvery, 2 * ProgressEvery, int64(n)}, calls)
	requireDec(t, "131077", a.Result().Commitments[0].Committed)
}
