package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
)

// DefaultMaxBytes is the size limit of one YAML or JSON input file when the
// caller sets none: 4 MiB (4,194,304 bytes). A council's tender, bids,
// catalogue, proxy values or rule file is a few kilobytes to a few hundred.
const DefaultMaxBytes = 4 << 20

// BytesPerMark bounds how densely a document may be packed: at most one
// structural mark (a line break, ',', ':', '[', '{', '?', or '-' before a
// space) per BytesPerMark bytes of the size limit, so 524,288 marks under
// DefaultMaxBytes. A YAML or JSON value (a mapping, a list, a key, a scalar)
// takes at most two marks' worth of nodes, and a decoded node costs about
// 200 bytes, so parsing a file within the limits allocates at most about
// 2×200/BytesPerMark = 50 times the size limit, whatever the file holds
// (measured: 125 MB, 30 times, for the densest list the budget allows;
// 95 MB for 4 MiB of ordinary bid commitments). Without this bound a file
// of 4 MiB written as "[1,1,1,...]" allocates 472 MB, 118 times its size.
// Real files hold one mark per 10 to 25 bytes.
const BytesPerMark = 8

// MaxDepth bounds how deeply mappings and lists may nest (the files toms
// reads nest less than ten levels).
const MaxDepth = 100

func limit(max int64) int64 {
	if max <= 0 {
		return DefaultMaxBytes
	}
	return max
}

// ReadAll reads r to its end, but no more than max bytes (DefaultMaxBytes
// when max is zero or less): a longer input is an error matching
// diag.ErrTooLarge, positioned where it passes the limit, and nothing
// beyond max+1 bytes is read, so an endless stream cannot exhaust memory.
// A read error is returned as a *diag.Diagnostic naming file, whose Kind is
// the underlying error.
func ReadAll(r io.Reader, file string, max int64) ([]byte, error) {
	max = limit(max)
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Op + ": " + pe.Err.Error()
		}
		return nil, &diag.Diagnostic{File: file, Message: msg, Kind: err}
	}
	if err := checkSize(file, data, max); err != nil {
		return nil, err
	}
	return data, nil
}

// checkSize refuses data longer than the limit, and data packed more densely
// than BytesPerMark allows.
func checkSize(file string, data []byte, max int64) error {
	max = limit(max)
	if int64(len(data)) > max {
		line, col := lineCol(data, int(max))
		return &diag.Diagnostic{File: file, Line: line, Column: col, Kind: diag.ErrTooLarge,
			Message: fmt.Sprintf("the file is larger than %s, the limit for one input file; it passes the limit here", sizeText(max))}
	}
	budget := max / BytesPerMark
	if budget < DefaultMaxBytes/BytesPerMark {
		budget = DefaultMaxBytes / BytesPerMark
	}
	if int64(len(data)) <= budget {
		return nil // cannot hold more marks than bytes
	}
	var marks int64
	for i, c := range data {
		switch c {
		case '\n', ',', ':', '[', '{', '?':
		case '-':
			if i+1 < len(data) && data[i+1] != ' ' && data[i+1] != '\t' && data[i+1] != '\r' && data[i+1] != '\n' {
				continue
			}
		default:
			continue
		}
		if marks++; marks > budget {
			line, col := lineCol(data, i)
			return &diag.Diagnostic{File: file, Line: line, Column: col, Kind: diag.ErrTooLarge,
				Message: fmt.Sprintf("the document holds more than %d keys, values and list items (line breaks, ',', ':', '- '), at most one per %d bytes of the %s limit", budget, BytesPerMark, sizeText(max))}
		}
	}
	return nil
}

// sizeText renders a byte count for people: "4194304 bytes (4 MiB)".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d bytes (%d MiB)", n, n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d bytes (%d KiB)", n, n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// lineCol returns the 1-based line and column (in characters) of byte
// offset off in data.
func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// checkDepth refuses a document nested more than MaxDepth levels deep, at the
// first mapping or list beyond the limit.
func checkDepth(file string, root *yaml.Node) error {
	var deepest *yaml.Node
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if deepest != nil || (n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode) {
			return
		}
		if depth > MaxDepth {
			deepest = n
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 1)
	if deepest == nil {
		return nil
	}
	return &diag.Diagnostic{File: file, Line: deepest.Line, Column: deepest.Column, Kind: diag.ErrTooLarge,
		Message: fmt.Sprintf("the document is nested more than %d levels deep", MaxDepth)}
}

// deepFlow finds where flow brackets ([ and {) first nest more than MaxDepth
// levels deep, for a document yaml.v3 refused as too deep to parse.
func deepFlow(file string, data []byte) error {
	depth := 0
	for i, c := range data {
		switch c {
		case '[', '{':
			if depth++; depth > MaxDepth {
				line, col := lineCol(data, i)
				return &diag.Diagnostic{File: file, Line: line, Column: col, Kind: diag.ErrTooLarge,
					Message: fmt.Sprintf("the document is nested more than %d levels deep", MaxDepth)}
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}

// encodingError reports whether a yaml.v3 message is about bytes that are
// not allowed text (its reader's errors).
func encodingError(msg string) bool {
	return strings.Contains(msg, "UTF-8") || strings.Contains(msg, "control characters") || strings.Contains(msg, "invalid Unicode character")
}

// badText finds the first byte sequence yaml.v3's reader refuses in UTF-8
// input: a byte that is not UTF-8, or a character outside YAML's printable
// set (a NUL or another control character). It returns nil for input that
// starts with a UTF-16 byte order mark, which yaml.v3 decodes itself.
func badText(file string, data []byte) error {
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return nil
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		var msg string
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = fmt.Sprintf("byte 0x%02X is not UTF-8 text; save the file as UTF-8", data[i])
		case r == 0:
			msg = "a NUL byte (U+0000) is not allowed; is this a binary file, or text saved as UTF-16? Save it as UTF-8"
		case !printable(r):
			msg = fmt.Sprintf("control character %U is not allowed; remove it", r)
		}
		if msg != "" {
			line, col := lineCol(data, i)
			return &diag.Diagnostic{File: file, Line: line, Column: col, Message: msg, Kind: diag.ErrSyntax}
		}
		i += size
	}
	return nil
}

// printable reports whether YAML allows r in a document (YAML 1.2, 5.1, as
// yaml.v3 checks it).
func printable(r rune) bool {
	switch {
	case r == 0x09, r == 0x0A, r == 0x0D, r >= 0x20 && r <= 0x7E, r == 0x85:
		return true
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// tabIndent finds the first line from line from (1 when unknown) up to line
// to (0: the end) whose indentation holds a tab before some content, and
// returns a diagnostic with a caret under the tab.
func tabIndent(file string, data []byte, from, to int) error {
	if from < 1 {
		from = 1
	}
	lines := strings.Split(string(data), "\n")
	for i := from - 1; i < len(lines) && (to == 0 || i < to); i++ {
		text := strings.TrimRight(lines[i], "\r")
		indent := len(text) - len(strings.TrimLeft(text, " \t"))
		tab := strings.IndexByte(text[:indent], '\t')
		if tab < 0 || indent == len(text) || text[indent] == '#' {
			continue
		}
		return &diag.Diagnostic{File: file, Line: i + 1, Column: tab + 1, Kind: diag.ErrSyntax,
			Message: "a tab in the indentation; YAML does not allow tabs there: indent with spaces",
			Snippet: Snippet(text, i+1, tab+1)}
	}
	return nil
}

// Snippet renders one source line with a caret under column col (1-based,
// in characters), the way every positioned problem in the module shows its
// source: " 12 | <the line>" and, below it, " " + spaces + " | " and the caret.
// Tabs before the column are kept in the caret line, so that the caret lines
// up under the character whatever the terminal's tab width.
func Snippet(text string, line, col int) string {
	text = strings.TrimRight(text, "\r")
	num := fmt.Sprint(line)
	var pad strings.Builder
	n := 0
	for _, r := range text {
		if n >= col-1 {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		n++
	}
	if col-1 > n {
		pad.WriteString(strings.Repeat(" ", col-1-n))
	}
	return fmt.Sprintf(" %s | %s\n %s | %s^", num, text, strings.Repeat(" ", len(num)), pad.String())
}
