package measure

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/stream"
	"github.com/socialvalue-toms/toms/tom"
)

// Tests for issue #8 items 1, 2, 4, 5 and 12: nothing lost silently when
// a council's returns are read, and no runaway cost.

const header = "contract,supplier,measure,quantity,date,evidence\n"

// swallowed opens a quote in the supplier cell of line 2 that the supplier
// cell of line 4 closes: to encoding/csv it is one valid record of six
// fields, C1 | "Acme,schools-supported,...\nC2,...\nC3,Gamma" | ... | 3 |
// 2024-06-30 | ev, so before the fix strict mode counted 1 record (3
// schools under supplier "Acme...Gamma") and lost the deliveries of C2 and
// C1 without a word.
const swallowed = header +
	"C1,\"Acme,schools-supported,1,2024-06-30,ev\n" +
	"C2,Beta,schools-supported,2,2024-06-30,ev\n" +
	"C3,Gamma\",schools-supported,3,2024-06-30,ev\n" +
	"C4,Delta,schools-supported,4,2024-06-30,ev\n"

// Item 1: a quoted cell that runs over lines is an error naming the line
// where it began and the line where it ended, in every column.
func TestQuotedCellSpanningLines(t *testing.T) {
	fw := testFramework(t)
	a := NewAggregator(fw, Options{})
	_, err := readString(t, a, "q.csv", swallowed, Outcomes, ReadOptions{})
	var list diag.List
	require.ErrorAs(t, err, &list, "strict mode must fail, not exit 0 with rows gone")
	require.Len(t, list, 1)
	// the supplier cell starts at line 2, byte 4 (after "C1,")
	assert.Equal(t, "q.csv:2:4: supplier: a quoted cell begins here and ends on line 4: no cell may hold a line break, so a stray or unclosed quote must have swallowed the lines after it; lines 2 to 4 are rejected", list[0].Error())
	assert.ErrorIs(t, err, ErrText)

	// Lenient: lines 2, 3 and 4 are lost (3 rows), line 5 counts.
	a = NewAggregator(fw, Options{})
	rej, err := readString(t, a, "q.csv", swallowed, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	require.Len(t, rej, 1)
	res := a.Result()
	assert.Equal(t, int64(1), res.Records)
	assert.Equal(t, int64(3), res.RejectedRows)

	// The class: whichever column the quote opens in (the data row is
	// built so that the quote opens in column c and closes in the same
	// column two lines down), the row is rejected at the cell's start.
	cols := []string{"contract", "supplier", "measure", "quantity", "date", "evidence", "period", "notes", "unit", "supplier_sme"}
	good := []string{"C1", "Acme", "schools-supported", "1", "2024-06-30", "ev", "Q1", "n", "count", "yes"}
	for c, name := range cols {
		t.Run(name, func(t *testing.T) {
			row := func(open, close bool) string {
				cells := append([]string(nil), good...)
				if open {
					cells[c] = "\"" + cells[c]
				}
				if close {
					cells[c] += "\""
				}
				return strings.Join(cells, ",") + "\n"
			}
			data := strings.Join(cols, ",") + "\n" + row(true, false) + row(false, false) + row(false, true)
			a := NewAggregator(fw, Options{})
			_, err := readString(t, a, "c.csv", data, Outcomes, ReadOptions{})
			var d *diag.Diagnostic
			require.ErrorAs(t, err, &d)
			wantCol := 1 + len(strings.Join(good[:c], ","))
			if c > 0 {
				wantCol++
			}
			assert.Equal(t, fmt.Sprintf("c.csv:2:%d", wantCol), d.Position())
			assert.Equal(t, name, d.Field)
			assert.Contains(t, d.Message, "ends on line 4")
			assert.ErrorIs(t, d, ErrText)
		})
	}
}

// Item 1 (the rest of the class): no cell holds a control character, a
// space other than U+0020 or an invisible character (look-alike names), in
// either format, nor in a record given to Add.
func TestControlCharacters(t *testing.T) {
	fw := testFramework(t)
	for _, tc := range []struct{ name, cell, want string }{
		{"tab inside", "Ac\tme", "holds the control character U+0009 at byte 3 of the cell; remove it"},
		{"NUL", "Acme\x00", "holds the control character U+0000 at byte 5 of the cell; remove it"},
		{"DEL", "\x7fAcme", "holds the control character U+007F at byte 1 of the cell; remove it"},
		{"C1 control", "Ac\u0085me", "holds a line break (U+0085 at byte 3 of the cell); no cell may span lines"},
		{"line separator", "Ac\u2028me", "holds a line break (U+2028 at byte 3 of the cell); no cell may span lines"},
		{"no-break space", "Acme Ltd\u00a0", "holds U+00A0 at byte 9 of the cell, a space or invisible character that makes it look like text it is not; write a plain space or remove it"},
		{"zero-width space", "Ac\u200bme", "holds U+200B at byte 3 of the cell, a space or invisible character that makes it look like text it is not; write a plain space or remove it"},
		{"byte-order mark", "\ufeffAcme", "holds U+FEFF at byte 1 of the cell, a space or invisible character that makes it look like text it is not; write a plain space or remove it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := header + "C1," + tc.cell + ",schools-supported,1,2024-06-30,ev\n"
			_, err := readString(t, NewAggregator(fw, Options{}), "x.csv", data, Outcomes, ReadOptions{})
			assert.EqualError(t, err, "x.csv:2:4: supplier: "+tc.want)
			j, _ := jsonString(tc.cell)
			line := `{"contract":"C1","supplier":` + j + `,"measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"ev"}` + "\n"
			_, err = readString(t, NewAggregator(fw, Options{}), "x.jsonl", line, Outcomes, ReadOptions{Format: JSONLines})
			assert.EqualError(t, err, "x.jsonl:1:29: supplier: "+tc.want)
			err = NewAggregator(fw, Options{}).Add(Record{Contract: "C1", Supplier: tc.cell, Measure: "schools-supported", Quantity: dec("1"), Date: mustDate("2024-06-30"), Pos: diag.Pos{File: "api", Line: 7}})
			assert.ErrorIs(t, err, ErrText)
		})
	}
	// a JSON string with an escaped line break is refused as in CSV
	_, err := readString(t, NewAggregator(fw, Options{}), "n.jsonl",
		`{"contract":"C1","supplier":"A","measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"ev","notes":"two\nlines"}`+"\n", Outcomes, ReadOptions{Format: JSONLines})
	assert.ErrorContains(t, err, "n.jsonl:1:122: notes: holds a line break (U+000A at byte 4 of the cell)")
}

func jsonString(s string) (string, error) {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String(), nil
}

// Item 2: lenient mode counts every physical line it could not read.
func TestLenientCountsEveryLostLine(t *testing.T) {
	fw := testFramework(t)
	// An unterminated quote on line 2 of a file of 99 data rows (lines 2
	// to 100): encoding/csv reads lines 2 to 100 as one broken record.
	// Before the fix: "1 row rejected", at line 100. Now 99 rows, at line 2.
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("C1,\"Acme,schools-supported,1,2024-06-30,ev\n")
	for i := 2; i <= 99; i++ {
		fmt.Fprintf(&b, "C%d,Acme,schools-supported,1,2024-06-30,ev\n", i)
	}
	a := NewAggregator(fw, Options{})
	rej, err := readString(t, a, "u.csv", b.String(), Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	require.Len(t, rej, 1)
	assert.Equal(t, 2, rej[0].Line, "the damage begins where the record began")
	assert.Contains(t, rej[0].Message, "lines 2 to 100 are rejected")
	res := a.Result()
	assert.Equal(t, int64(0), res.Records)
	assert.Equal(t, int64(99), res.RejectedRows, "99 rows lost, 99 rejected")

	// A quote closed on line 4 by the quote at column 4 ("Gamma"x), which a
	// letter follows instead of a comma: lines 2
	// to 4 are one broken record (3 rows), line 5 counts.
	data := header + "C1,\"Acme,schools-supported,1,2024-06-30,ev\nC2,B,schools-supported,2,2024-06-30,ev\nC3,\"Gamma\"x,schools-supported,3,2024-06-30,ev\nC4,D,schools-supported,4,2024-06-30,ev\n"
	a = NewAggregator(fw, Options{})
	rej, err = readString(t, a, "e.csv", data, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	require.Len(t, rej, 1)
	assert.Equal(t, "e.csv:2: the row starting here could not be read: extraneous or missing \" in quoted-field on line 4, column 4 (an unclosed or stray quote?); lines 2 to 4 are rejected", rej[0].Error())
	assert.Equal(t, int64(1), a.Result().Records)
	assert.Equal(t, int64(3), a.Result().RejectedRows)

	// A row with two problems is one row; a duplicate found at the end of
	// the read is one more: 2 rows.
	data = header + "C1,A,nope,-1,2024-06-30,ev\nC2,A,schools-supported,1,2024-06-30,ev\nC2,A,schools-supported,1,2024-06-30,ev\n"
	a = NewAggregator(fw, Options{DuplicateMemory: 64, TempDir: t.TempDir()})
	rej, err = readString(t, a, "d.csv", data, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	assert.Len(t, rej, 3)
	assert.Equal(t, int64(2), a.Result().RejectedRows)
	require.NoError(t, a.Close())
}

// Item 2: a line ends at LF, CRLF or a bare CR, in both formats, so lines
// separated by bare CRs are read one by one, not run into one rejected line.
func TestBareCarriageReturns(t *testing.T) {
	fw := testFramework(t)
	line := func(c string) string {
		return `{"contract":"` + c + `","supplier":"A","measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"ev"}`
	}
	jsonl := line("C1") + "\r" + line("C2") + "\r\n" + line("C3") + "\r" + "{bad" + "\r" + line("C5") + "\n"
	csvData := strings.ReplaceAll(header, "\n", "\r") + "C1,A,schools-supported,1,2024-06-30,ev\rC2,A,schools-supported,1,2024-06-30,ev\r\nC3,A,nope,1,2024-06-30,ev\r"
	for _, tc := range []struct {
		name, data string
		format     Format
		records    int64
		bad        string
	}{
		{"x.jsonl", jsonl, JSONLines, 4, "x.jsonl:4:2"},
		{"x.csv", csvData, CSV, 2, "x.csv:4:6"},
	} {
		// one byte at a time too: a CR at the end of one read, its LF in the next
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tc.data)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			a := NewAggregator(fw, Options{})
			rej, err := a.Read(context.Background(), r, tc.name, Outcomes, ReadOptions{Format: tc.format, Lenient: true})
			require.NoError(t, err)
			require.Len(t, rej, 1, "%v", rej)
			assert.Equal(t, tc.bad, rej[0].Position())
			assert.Equal(t, tc.records, a.Result().Records, "%s one byte %v", tc.name, oneByte)
			assert.Equal(t, int64(1), a.Result().RejectedRows)
		}
	}
}

func TestLineEnds(t *testing.T) {
	for in, want := range map[string]string{
		"a\rb\r\nc\n\r": "a\nb\r\nc\n\n",
		"\r":            "\n",
		"\r\r\n\r":      "\n\r\n\n",
		"plain":         "plain",
	} {
		got, err := io.ReadAll(&lineEnds{r: strings.NewReader(in)})
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "%q", in)
		// one byte at a time, a CRLF split over two reads loses its LF:
		// both readers treat "\n" and "\r\n" alike
		got, err = io.ReadAll(&lineEnds{r: iotest.OneByteReader(strings.NewReader(in))})
		require.NoError(t, err)
		assert.Equal(t, strings.ReplaceAll(want, "\r\n", "\n"), string(got), "one byte: %q", in)
	}
}

// Item 4: bytes that are not UTF-8 are refused with their position, in
// both formats. Before the fix JSON lines read "C\xe9" and "C\xff" both as
// "C\uFFFD" (the second a duplicate of the first), and CSV let them pass.
func TestInvalidUTF8(t *testing.T) {
	fw := testFramework(t)
	jsonl := `{"contract":"C` + "\xe9" + `","supplier":"A","measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"ev"}` + "\n" +
		`{"contract":"C` + "\xff" + `","supplier":"A","measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"ev"}` + "\n"
	a := NewAggregator(fw, Options{})
	rej, err := readString(t, a, "u.jsonl", jsonl, Outcomes, ReadOptions{Format: JSONLines, Lenient: true})
	require.NoError(t, err)
	require.Len(t, rej, 2)
	// the bad byte is at column 15: {"contract":"C is 14 bytes
	assert.Equal(t, "u.jsonl:1:15: the line is not UTF-8 (byte 0xE9); save the file as UTF-8", rej[0].Error())
	assert.Equal(t, "u.jsonl:2:15: the line is not UTF-8 (byte 0xFF); save the file as UTF-8", rej[1].Error())
	assert.ErrorIs(t, rej[0], ErrText)
	assert.Equal(t, int64(0), a.Result().Records)
	assert.Equal(t, int64(2), a.Result().RejectedRows)

	data := header + "C1,Caf\xe9,schools-supported,1,2024-06-30,ev\n"
	_, err = readString(t, NewAggregator(fw, Options{}), "u.csv", data, Outcomes, ReadOptions{})
	assert.EqualError(t, err, "u.csv:2:4: supplier: holds bytes that are not UTF-8 (0xE9 at byte 4 of the cell); save the file as UTF-8")
}

// Item 5: every date the parser accepts is valued or refused with its
// position. 1000-01-15 falls in the financial year 999/00: before the fix
// its packed key wrapped (fy - 1000 = -1) and the review panicked with an
// index out of range.
func TestDateBeforeFirstFinancialYear(t *testing.T) {
	fw := testFramework(t)
	for _, date := range []string{"1000-01-01", "1000-03-31"} {
		a := NewAggregator(fw, Options{})
		_, err := readString(t, a, "d.csv", header+"C1,A,schools-supported,1,"+date+",ev\n", Outcomes, ReadOptions{})
		assert.EqualError(t, err, `d.csv:2:26: date: "`+date+`" falls in the financial year 999/00, before the first one supported (1000/01, from 1000-04-01)`)
		assert.ErrorIs(t, err, ErrDate)
		assert.NotPanics(t, func() { NewReview(a.Result(), ReviewOptions{}) })
	}
	for date, year := range map[string]string{"1000-04-01": "1000/01", "9999-12-31": "9999/00"} {
		a := NewAggregator(fw, Options{})
		_, err := readString(t, a, "d.csv", header+"C1,A,schools-supported,1,"+date+",ev\n", Outcomes, ReadOptions{})
		require.NoError(t, err)
		res := a.Result()
		require.Len(t, res.Cells, 1)
		assert.Equal(t, year, res.Cells[0].Year.String())
		assert.Equal(t, "schools-supported", res.Cells[0].Measure)
		assert.NotPanics(t, func() {
			rv := NewReview(res, ReviewOptions{})
			for _, write := range []func(io.Writer) error{rv.WriteJSON, rv.WriteMarkdown, rv.WriteHTML} {
				require.NoError(t, write(io.Discard))
			}
			rv.CSVTables()
		}, date)
	}
}

// Item 12: a read keeps the first KeepRejected problems in full, in file
// order, and counts the rest; the Result and the list say how many.
func TestKeepRejected(t *testing.T) {
	fw := testFramework(t)
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("C0,A,schools-supported,1,2024-06-30,ev\n") // line 2, counted
	for i := 1; i <= 20; i++ {                                // lines 3 to 22: duplicates of line 2
		b.WriteString("C0,A,schools-supported,1,2024-06-30,ev\n")
	}
	for _, memory := range []int{0, 64} { // duplicates found at once, and at the end of the read
		a := NewAggregator(fw, Options{DuplicateMemory: memory, TempDir: t.TempDir()})
		rej, err := readString(t, a, "k.csv", b.String(), Outcomes, ReadOptions{Lenient: true, KeepRejected: 5})
		require.NoError(t, err)
		require.Len(t, rej, 6, "5 kept and the summary")
		for i, d := range rej[:5] {
			assert.Equal(t, 3+i, d.Line, "the first five in file order")
			assert.ErrorIs(t, d, ErrDuplicate)
		}
		var nk *NotKept
		require.ErrorAs(t, rej[5], &nk)
		assert.Equal(t, &NotKept{Problems: 15, Keep: 5}, nk)
		assert.Equal(t, "k.csv:8: 15 more problems, from this line on, were counted but not kept in full: a read keeps the first 5 (ReadOptions.KeepRejected)", rej[5].Error())
		res := a.Result()
		assert.Len(t, res.Rejected, 5, "the summary is not a problem of a row")
		assert.Equal(t, int64(20), res.RejectedRows)
		assert.Equal(t, int64(15), res.RejectedNotKept)
		assert.Equal(t, int64(1), res.Records)
		require.NoError(t, a.Close())
	}
	// strict mode keeps the same first problems in its error
	_, err := readString(t, NewAggregator(fw, Options{}), "k.csv", b.String(), Outcomes, ReadOptions{KeepRejected: 2})
	var list diag.List
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 3)
	assert.Equal(t, []int{3, 4, 5}, []int{list[0].Line, list[1].Line, list[2].Line})
	var nk *NotKept
	assert.ErrorAs(t, err, &nk)
	// negative: every one
	rej, err := readString(t, NewAggregator(fw, Options{}), "k.csv", b.String(), Outcomes, ReadOptions{Lenient: true, KeepRejected: -1})
	require.NoError(t, err)
	assert.Len(t, rej, 20)
}

// Memory per rejected row is bounded: 100,000 duplicates kept as 1,000.
func TestKeepRejectedBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100,000 rows")
	}
	fw := testFramework(t)
	const n = 100_000
	var b bytes.Buffer
	b.WriteString(header)
	for range n {
		b.WriteString("C0,A,schools-supported,1,2024-06-30,ev\n")
	}
	a := NewAggregator(fw, Options{})
	rej, err := a.Read(context.Background(), &b, "m.csv", Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	assert.Len(t, rej, DefaultKeepRejected+1)
	res := a.Result()
	assert.Equal(t, int64(n-1), res.RejectedRows)
	assert.Equal(t, int64(n-1-DefaultKeepRejected), res.RejectedNotKept)
}

// #8.6 and #8.15: the header row is bounded too, with a position, and the
// cap is an option.
func TestLineCaps(t *testing.T) {
	fw := testFramework(t)
	long := strings.Repeat("x", 300<<10)
	_, err := readString(t, NewAggregator(fw, Options{}), "h.csv", "contract,"+long+"\n", Outcomes, ReadOptions{MaxLineBytes: 100 << 10})
	var d *diag.Diagnostic
	require.ErrorAs(t, err, &d)
	assert.Equal(t, "h.csv:1", d.Position())
	assert.ErrorIs(t, err, diag.ErrTooLarge)
	assert.Contains(t, d.Message, "the header row is longer than about 102400 bytes")

	row := header + "C1,A,schools-supported,1,2024-06-30," + long + "\n"
	_, err = readString(t, NewAggregator(fw, Options{}), "r.csv", row, Outcomes, ReadOptions{MaxLineBytes: 100 << 10})
	assert.ErrorContains(t, err, "r.csv:2: the row starting here is longer than about 102400 bytes")
	_, err = readString(t, NewAggregator(fw, Options{}), "r.csv", row, Outcomes, ReadOptions{})
	assert.NoError(t, err, "within the default cap")

	line := `{"contract":"C1","supplier":"A","measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"` + long + `"}` + "\n"
	_, err = readString(t, NewAggregator(fw, Options{}), "r.jsonl", line+line, Outcomes, ReadOptions{Format: JSONLines, MaxLineBytes: 100 << 10})
	assert.ErrorContains(t, err, "r.jsonl:1: the line is longer than about 102400 bytes")
	assert.ErrorIs(t, err, diag.ErrTooLarge)
}

// A runaway quote on an endless stream stops at the cap: the read ends
// with the positioned error having read about the cap, not the stream.
func TestRunawayQuoteReadsBounded(t *testing.T) {
	fw := testFramework(t)
	e := stream.NewEndless(header+"C1,\"A", 'x')
	_, err := NewAggregator(fw, Options{}).Read(context.Background(), e, "e.csv", Outcomes, ReadOptions{MaxLineBytes: 64 << 10, Lenient: true})
	assert.ErrorIs(t, err, diag.ErrTooLarge)
	assert.ErrorContains(t, err, "e.csv:2: the row starting here")
	assert.Less(t, e.N(), int64(1<<20), "read about the 64 KiB cap, not the stream")

	e = stream.NewEndless(`{"contract":"C1","supplier":"A","measure":"schools-supported","quantity":"1","date":"2024-06-30","evidence":"ev"}`+"\n"+`{"notes":"`, 'x')
	_, err = NewAggregator(fw, Options{}).Read(context.Background(), e, "e.jsonl", Outcomes, ReadOptions{Format: JSONLines, MaxLineBytes: 64 << 10, Lenient: true})
	assert.ErrorIs(t, err, diag.ErrTooLarge)
	assert.ErrorContains(t, err, "e.jsonl:2: the line is longer than about 65536 bytes")
	assert.Less(t, e.N(), int64(1<<20), "read about the 64 KiB cap, not the stream")
}

var _ = tom.MinYear
