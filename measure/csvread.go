package measure

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"io"
	"math/bits"
	"strings"
	"unsafe"
)

// csvReader reads the records of a CSV file exactly as an encoding/csv
// Reader does with ReuseRecord set, FieldsPerRecord -1 and the other
// options at their defaults (comma ',', quotes as RFC 4180 has them, no
// lazy quotes, no comment lines, leading spaces kept): the same fields,
// positions (FieldPos), offsets (InputOffset) and errors (*csv.ParseError
// with csv.ErrQuote or csv.ErrBareQuote), record by record.
// FuzzCSVReader checks that against encoding/csv itself.
//
// It is faster on the rows these files hold, which have no quotes. A line
// without a quote is split where it lies in the reader's buffer, eight
// bytes at a time: its fields are strings over the buffer itself, neither
// copied record by record nor made into new strings as the buffer is
// refilled, so that reading makes no garbage for the collector to chase.
// A line with a quote is read by encoding/csv's own algorithm, ported in
// readQuoted, with its fields copied into one new string, as encoding/csv
// copies every record.
//
// So the fields of a record are valid until the next Read only, when the
// buffer may be refilled over them: whoever keeps a field past its record
// must clone it (the aggregator's interner does, and so does
// row.record). TestCSVFieldsNotKept reads the same files through windows
// of a few bytes, refilled over and over, and checks that every total,
// name and problem comes out the same.
//
// Unlike encoding/csv, it caps a record (from its first line to its last)
// at max bytes, failing with errRecordTooLong, so that a runaway quoted
// cell cannot pull the file into memory; an error of the underlying reader
// ends the read at once, with that error. It also says whether the record
// is plain (every byte printable ASCII), which lets the validator skip its
// text checks.
type csvReader struct {
	// ctx, if set, is checked every few thousand empty lines, which no row
	// comes out of to be checked by the caller (an endless stream of line
	// ends must still stop when the caller gives up)
	ctx context.Context
	r   io.Reader
	max int64 // the most bytes one record may take
	buf []byte
	// win is buf as a string, over the same memory: the bytes read,
	// consumed up to next.
	win string
	// next is the offset in win of the first byte not consumed.
	next int
	// lineAt is where the line readLine returned last starts in win (and
	// in buf, which holds the same bytes until the next fill).
	lineAt int
	eof    bool
	rerr   error // the reader's error (not io.EOF), once the window is used up

	numLine int   // lines consumed
	offset  int64 // bytes consumed
	recLine int   // the line of the record being read

	rec []string
	// the positions of the fields: on the record's one line, where each
	// starts (split), or else each one's line and column (readQuoted)
	starts  []int
	pos     []csvPos
	oneLine bool
	plain   bool
	quoted  []byte // the fields of a record with a quote, unquoted
	ends    []int  // where each field ends in quoted
}

// csvPos is the line and column (1-based, in bytes) where a field starts.
type csvPos struct{ line, col int }

// emptyCheck is how many empty lines pass between two checks of the context.
const emptyCheck = 1 << 12

// csvWindow is the initial size of the window; a longer line grows it.
const csvWindow = 64 << 10

func newCSVReader(r io.Reader, max int64, window int) *csvReader {
	return &csvReader{r: r, max: max, buf: make([]byte, window)}
}

// Read reads one record; see csv.Reader.Read. The slice and the positions
// are reused by the next call.
func (c *csvReader) Read() ([]string, error) {
	c.rec, c.pos = c.rec[:0], c.pos[:0]
	var line string
	var nl bool
	var start int64
	for empty := 0; line == ""; empty++ { // empty lines are skipped
		if c.ctx != nil && empty > 0 && empty%emptyCheck == 0 {
			if err := c.ctx.Err(); err != nil {
				return nil, err
			}
		}
		c.recLine, start = c.numLine+1, c.offset
		var err error
		if line, nl, err = c.readLine(start); err != nil {
			return nil, err
		}
	}
	if !c.split(line) {
		return c.readQuoted(line, nl, start)
	}
	return c.rec, nil
}

// Masks of every byte: its low 7 bits, 0x01, 0x80, a comma, a quote.
const (
	bytesLow7  = 0x7f7f7f7f7f7f7f7f
	bytesOne   = 0x0101010101010101
	bytesHigh  = 0x8080808080808080
	bytesComma = ',' * bytesOne
	bytesQuote = '"' * bytesOne
)

// zeroBytes returns 0x80 in each byte of v that is zero, exactly (no
// borrow from one byte into the next).
func zeroBytes(v uint64) uint64 {
	return ^((v&bytesLow7 + bytesLow7) | v | bytesLow7)
}

// unprintable returns a word that is not zero when a byte of w is below
// 0x20 or above 0x7e, and zero otherwise. (A byte below 0x20 borrows when
// 0x20 is taken from it, and one above 0x7e has its high bit set once 1
// is added to it; a borrow or carry between bytes starts only at such a
// byte, so the answer for the word is exact.)
func unprintable(w uint64) uint64 {
	return ((w-0x20*bytesOne)&^w | (w + bytesOne) | w) & bytesHigh
}

// split splits line, which holds no quote, at its commas into c.rec and
// c.pos, and sets c.plain; it returns false, with nothing split, when line
// holds a quote after all. The line is read eight bytes at a time from
// c.buf, which holds it at c.lineAt: a word's commas, quotes and bytes
// outside printable ASCII (below 0x20, above 0x7e) are found at once.
func (c *csvReader) split(line string) bool {
	b := c.buf[c.lineAt : c.lineAt+len(line)]
	rec, starts := c.rec[:0], c.starts[:0] // kept in registers, not in c
	var quotes, odd uint64
	from, i := 0, 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		quotes |= zeroBytes(w ^ bytesQuote)
		odd |= unprintable(w)
		for m := zeroBytes(w ^ bytesComma); m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)>>3
			rec = append(rec, line[from:j])
			starts = append(starts, from)
			from = j + 1
		}
	}
	plain := odd == 0
	for ; i < len(b); i++ {
		switch x := b[i]; {
		case x == ',':
			rec = append(rec, line[from:i])
			starts = append(starts, from)
			from = i + 1
		case x == '"':
			quotes = 1
		case x < 0x20 || x > 0x7e:
			plain = false
		}
	}
	if quotes != 0 {
		return false
	}
	c.rec = append(rec, line[from:])
	c.starts = append(starts, from)
	c.plain, c.oneLine = plain, true
	return true
}

// FieldPos returns the line and column where field i of the last record
// read starts, as csv.Reader.FieldPos does.
func (c *csvReader) FieldPos(i int) (line, col int) {
	if c.oneLine {
		return c.numLine, c.starts[i] + 1
	}
	p := c.pos[i]
	return p.line, p.col
}

// InputOffset returns the offset, in bytes, of the end of the last record
// read, as csv.Reader.InputOffset does.
func (c *csvReader) InputOffset() int64 { return c.offset }

// readLine consumes the next line and returns it without its line end:
// a CRLF ends a line as an LF does, and a CR that ends the input is
// dropped, as encoding/csv has it. nl says whether the line ended with an
// LF. At the end of the input it returns io.EOF. start is the offset where
// the record being read began, for the cap on its size.
func (c *csvReader) readLine(start int64) (line string, nl bool, err error) {
	for {
		rest := c.win[c.next:]
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			if c.offset-start+int64(i+1) > c.max {
				return "", false, errRecordTooLong
			}
			c.lineAt = c.next
			c.next += i + 1
			c.numLine++
			c.offset += int64(i + 1)
			line = rest[:i]
			if i > 0 && line[i-1] == '\r' {
				line = line[:i-1]
			}
			return line, true, nil
		}
		if c.offset-start+int64(len(rest)) > c.max {
			return "", false, errRecordTooLong
		}
		if c.eof {
			switch {
			case c.rerr != nil:
				return "", false, c.rerr
			case rest == "":
				return "", false, io.EOF
			}
			c.lineAt, c.next = c.next, len(c.win)
			c.numLine++
			c.offset += int64(len(rest))
			return strings.TrimSuffix(rest, "\r"), false, nil
		}
		c.fill()
	}
}

// fill reads more input into the window, keeping what was not consumed:
// it reads until the buffer is full, the input ends or a read brings a
// line end (so that rows from a slow pipe are counted as they come). When what is kept
// takes half the buffer (a long line), the buffer doubles, up to the cap
// on a record and one window more: readLine fills only while what is kept
// is within the cap, so a read holds at most about twice the cap (the
// buffer, and the one before it while the record is read).
func (c *csvReader) fill() {
	rest := c.win[c.next:]
	if 2*len(rest) > len(c.buf) {
		c.buf = make([]byte, max(min(2*len(c.buf), int(min(c.max, 1<<40))+csvWindow), len(rest)+1))
	}
	n := copy(c.buf, rest)
	for n < len(c.buf) && !c.eof {
		k, err := c.r.Read(c.buf[n:])
		n += k
		if err != nil {
			c.eof = true
			if err != io.EOF {
				c.rerr = err
			}
		}
		if k > 0 && bytes.IndexByte(c.buf[n-k:n], '\n') >= 0 {
			break
		}
	}
	c.win, c.next = "", 0
	if n > 0 {
		c.win = unsafe.String(&c.buf[0], n) // the fields of one record at a time; see csvReader
	}
}

// readQuoted reads a record whose first line, line (nl: it had an LF),
// holds a quote, by encoding/csv's algorithm (csv.Reader.readRecord with
// the options above): a quoted field may hold commas, doubled quotes and
// line breaks, so the record may take several lines.
func (c *csvReader) readQuoted(line string, nl bool, start int64) ([]string, error) {
	c.plain, c.oneLine = false, false
	c.quoted, c.ends = c.quoted[:0], c.ends[:0]
	recLine := c.numLine
	pos := csvPos{line: c.numLine, col: 1}
	var err error
field:
	for {
		if line == "" || line[0] != '"' {
			i := strings.IndexByte(line, ',')
			f := line
			if i >= 0 {
				f = line[:i]
			}
			if j := strings.IndexByte(f, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: c.numLine, Column: pos.col + j, Err: csv.ErrBareQuote}
				break field
			}
			c.quoted = append(c.quoted, f...)
			c.ends = append(c.ends, len(c.quoted))
			c.pos = append(c.pos, pos)
			if i < 0 {
				break field
			}
			line = line[i+1:]
			pos.col += i + 1
			continue
		}
		fieldPos := pos
		line = line[1:]
		pos.col++
		for {
			if i := strings.IndexByte(line, '"'); i >= 0 {
				c.quoted = append(c.quoted, line[:i]...)
				line = line[i+1:]
				pos.col += i + 1
				switch {
				case line != "" && line[0] == '"': // a doubled quote
					c.quoted = append(c.quoted, '"')
					line = line[1:]
					pos.col++
				case line != "" && line[0] == ',': // the end of the field
					line = line[1:]
					pos.col++
					c.ends = append(c.ends, len(c.quoted))
					c.pos = append(c.pos, fieldPos)
					continue field
				case line == "": // the end of the record
					c.ends = append(c.ends, len(c.quoted))
					c.pos = append(c.pos, fieldPos)
					break field
				default:
					err = &csv.ParseError{StartLine: recLine, Line: c.numLine, Column: pos.col - 1, Err: csv.ErrQuote}
					break field
				}
			} else if line != "" || nl { // the line ends inside the quotes: read on
				c.quoted = append(c.quoted, line...)
				pos.col += len(line)
				if nl {
					c.quoted = append(c.quoted, '\n')
					pos.col++
				}
				var rerr error
				line, nl, rerr = c.readLine(start)
				if rerr != nil && rerr != io.EOF {
					return nil, rerr
				}
				if line != "" || nl {
					pos.line++
					pos.col = 1
				}
			} else { // the input ends inside the quotes
				err = &csv.ParseError{StartLine: recLine, Line: pos.line, Column: pos.col, Err: csv.ErrQuote}
				break field
			}
		}
	}
	s := string(c.quoted)
	from := 0
	for _, end := range c.ends {
		c.rec = append(c.rec, s[from:end])
		from = end
	}
	return c.rec, err
}
