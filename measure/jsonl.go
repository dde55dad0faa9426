package measure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/socialvalue-toms/toms/diag"
)

// readJSONLines streams a JSON lines file through in: one flat object per
// line, keyed by the CSV column names. Values are strings; the quantity may
// also be a JSON number (read from its text, never through a float), a
// yes/no column a JSON boolean, and any value null (the same as absent).
// Blank lines are skipped. A line ends at LF, CRLF or a bare CR.
//
// An unknown key is a problem with the file, as an unknown CSV column is:
// it fails the read in either mode, with its position and a "did you
// mean", rather than rejecting every row that carries it (in lenient mode a
// misspelled key would otherwise reject the whole file and still succeed).
func readJSONLines(r io.Reader, in *ingest) error {
	sc := bufio.NewScanner(&lineEnds{r: r})
	sc.Buffer(make([]byte, 0, min(64<<10, in.maxLine())), int(in.maxLine()))
	var (
		f    [numCols]string
		cols [numCols]int
		line int
	)
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(bytes.TrimSpace(b)) == 0 {
			// no row for ingest to check the context at, as in readCSV
			if line%emptyCheck == 0 {
				if err := in.ctx.Err(); err != nil {
					return err
				}
			}
			continue
		}
		if !utf8.Valid(b) {
			// checked before decoding, which would turn each bad byte into U+FFFD
			if err := in.reject(notUTF8(in.v.file, line, 1, "", b), 1); err != nil {
				return err
			}
			continue
		}
		if d, fileLevel := in.jsonObject(b, line, &f, &cols); d != nil {
			if fileLevel {
				return diag.List{d}
			}
			if err := in.reject(d, 1); err != nil {
				return err
			}
			continue
		}
		ln := line
		pos := func(c column) (int, int) { return ln, cols[c] }
		if err := in.row(line, &f, pos); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return diag.List{in.tooLong(line+1, "the line")}
		}
		return err
	}
	return nil
}

// jsonObject decodes one line into f, with the 1-based column of each value
// in cols (1 for an absent key). fileLevel is true when the problem fails
// the whole file (an unknown key), not just the row.
func (in *ingest) jsonObject(b []byte, line int, f *[numCols]string, cols *[numCols]int) (d *diag.Diagnostic, fileLevel bool) {
	kind := in.v.kind
	for c := range f {
		f[c], cols[c] = "", 1
	}
	bad := func(col int, field string, k error, format string, args ...any) *diag.Diagnostic {
		return &diag.Diagnostic{File: in.v.file, Line: line, Column: col, Field: field, Kind: k, Message: fmt.Sprintf(format, args...)}
	}
	syntax := func(dec *json.Decoder, err error) *diag.Diagnostic {
		var se *json.SyntaxError
		col := int(dec.InputOffset()) + 1
		if errors.As(err, &se) {
			col = int(se.Offset) + 1 // Offset bytes were read before the bad one
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return bad(len(b)+1, "", diag.ErrSyntax, "the JSON object is not complete")
		}
		return bad(col, "", diag.ErrSyntax, "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil {
		return syntax(dec, err), false
	} else if t != json.Delim('{') {
		return bad(1, "", diag.ErrSyntax, "each line must be one JSON object, such as {\"contract\": ...}"), false
	}
	var seen [numCols]bool
	for dec.More() {
		keyCol := valueStart(b, int(dec.InputOffset()))
		t, err := dec.Token()
		if err != nil {
			return syntax(dec, err), false
		}
		key, _ := t.(string)
		valCol := valueStart(b, int(dec.InputOffset()))
		v, err := dec.Token()
		if err != nil {
			return syntax(dec, err), false
		}
		c, ok := columnByName(key)
		switch {
		case !ok || !c.allowed(kind):
			msg := fmt.Sprintf("unknown key %q", key)
			if c == colEvidence {
				msg = fmt.Sprintf("%s have no %q key", kind, key)
			} else {
				msg += didYouMean(key, allowedNames(kind))
			}
			return bad(keyCol, key, ErrColumn, "%s; the keys of %s are %s (an unknown key fails the whole file, as an unknown CSV column does)", msg, kind, strings.Join(allowedNames(kind), ", ")), true
		case seen[c]:
			return bad(keyCol, key, ErrColumn, "key %q is given twice", key), false
		}
		seen[c] = true
		cols[c] = valCol
		s, problem := jsonField(c, v)
		if problem != "" {
			return bad(valCol, key, diag.ErrSyntax, "%s", problem), false
		}
		f[c] = s
	}
	if _, err := dec.Token(); err != nil {
		return syntax(dec, err), false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad(int(dec.InputOffset())+1, "", diag.ErrSyntax, "unexpected text after the JSON object"), false
	}
	return nil, false
}

// jsonField is the text of column c from v, its JSON value (null is
// empty), or why v cannot be the column's value: a number is a quantity
// only, a boolean a yes/no flag only, and never an array or object.
func jsonField(c column, v json.Token) (s, problem string) {
	switch v := v.(type) {
	case nil:
		return "", ""
	case string:
		return trim(v), ""
	case json.Number:
		if c != colQuantity {
			return "", "is a number; write it as a string"
		}
		return v.String(), ""
	case bool:
		if c != colSME && c != colVCSE && c != colLocal {
			return "", "is a boolean; write it as a string"
		}
		if v {
			return "yes", ""
		}
		return "no", ""
	}
	return "", "must be a string, number, boolean or null, not an array or object"
}

// valueStart returns the 1-based column of the first character at or after
// offset that is not white space, a colon or a comma.
func valueStart(b []byte, off int) int {
	for off < len(b) && (b[off] == ' ' || b[off] == '\t' || b[off] == ':' || b[off] == ',') {
		off++
	}
	return off + 1
}
