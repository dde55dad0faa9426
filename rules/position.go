package rules

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// locate maps a position inside a CEL expression (1-based line, 0-based
// column in characters, as cel-go reports it) to the file line and column
// (both 1-based, in characters) of the same character in the YAML source.
//
// The expression is the value of scalar node n. For a plain scalar on one
// line the answer is simply the node's column plus the offset; quoted
// scalars (with escapes), literal blocks (|) and folded blocks (>) differ
// from their value by indentation, quotes, escapes and folded line breaks,
// so the value is aligned with the source text character by character,
// skipping what the source has and the value does not.
func (f *ruleFile) locate(n *yaml.Node, celLine, celCol int) (int, int) {
	val := []rune(n.Value)
	// Offset of the target character in the value.
	off, line := 0, 1
	for off < len(val) && line < celLine {
		if val[off] == '\n' {
			line++
		}
		off++
	}
	off += max(celCol, 0) // cel-go reports -1 for "no column"
	if off > len(val) {
		off = len(val)
	}
	li, ci := n.Line-1, n.Column-1
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		li, ci = li+1, 0
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		ci++
	}
	if li < 0 || li >= len(f.src) {
		return n.Line, n.Column
	}
	src := make([][]rune, 0, 8)
	for i := li; i < len(f.src) && i < li+len(strings.Split(n.Value, "\n"))+64; i++ {
		src = append(src, []rune(f.src[i]))
	}
	r, c := 0, ci
	// next advances the cursor until it sits on a source character that can
	// stand for want, and reports false when the source runs out.
	next := func(want rune) bool {
		for r < len(src) {
			line := src[r]
			if c >= len(line) {
				if want == '\n' || want == ' ' {
					return true
				}
				r, c = r+1, 0
				continue
			}
			if line[c] == want {
				return true
			}
			c++
		}
		return false
	}
	advance := func() {
		if r < len(src) && c >= len(src[r]) {
			r, c = r+1, 0
			return
		}
		c++
	}
	for k := 0; k < off; k++ {
		if !next(val[k]) {
			return n.Line, n.Column
		}
		advance()
	}
	if off < len(val) && !next(val[off]) {
		return n.Line, n.Column
	}
	if r >= len(src) {
		return n.Line, n.Column
	}
	return li + r + 1, c + 1
}

// snippet renders source line `line` of the file with a caret under column
// col (both 1-based), in the style of compilers:
//
//	12 |     expr: tender.vaule > constants.threshold
//	   |                  ^
func (f *ruleFile) snippet(line, col int) string {
	if line < 1 || line > len(f.src) {
		return ""
	}
	return yamlx.Snippet(f.src[line-1], line, col)
}
