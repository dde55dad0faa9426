package diag

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

var errKind = errors.New("kind")

func TestDiagnosticError(t *testing.T) {
	d := &Diagnostic{File: "f.yaml", Line: 3, Column: 7, Field: "a.b", Rule: "r", Message: "bad", Snippet: " 3 | x\n   | ^", Kind: errKind}
	assert.Equal(t, "f.yaml:3:7: rule r: a.b: bad\n 3 | x\n   | ^", d.Error())
	assert.Equal(t, "f.yaml:3", (&Diagnostic{File: "f.yaml", Line: 3}).Position())
	assert.Equal(t, "f.yaml", (&Diagnostic{File: "f.yaml"}).Position())
	assert.Equal(t, "bad", (&Diagnostic{Message: "bad"}).Error())
	assert.ErrorIs(t, d, errKind)
	assert.Equal(t, "f.yaml:2:1", Pos{File: "f.yaml", Line: 2, Column: 1}.String())
	at := Pos{File: "p", Line: 1, Column: 2}.At("x", errKind, "is %d", 5)
	assert.Equal(t, "p:1:2: x: is 5", at.Error())
}

func TestListSortsDeduplicatesAndUnwraps(t *testing.T) {
	var l List
	l.Add(&Diagnostic{File: "b", Line: 1, Message: "m"})
	l.Add(&Diagnostic{File: "a", Line: 9, Message: "z"})
	l.Add(&Diagnostic{File: "a", Line: 2, Column: 5, Message: "y"})
	l.Add(&Diagnostic{File: "a", Line: 2, Column: 5, Message: "y"}) // exact repeat
	l.Add(&Diagnostic{File: "a", Line: 2, Column: 1, Message: "x", Kind: errKind})
	err := l.Err()
	assert.Equal(t, "4 problems:\na:2:1: x\na:2:5: y\na:9: z\nb:1: m", err.Error())
	assert.ErrorIs(t, err, errKind)
	var d *Diagnostic
	assert.ErrorAs(t, err, &d)
	assert.Nil(t, List(nil).Err(), "an empty list is no error (not a typed nil)")
	assert.Equal(t, "a:2:1: x", List{{File: "a", Line: 2, Column: 1, Message: "x"}}.Error(), "one problem needs no count")
}

func TestListAppend(t *testing.T) {
	var l List
	l.Append(nil)
	l.Append(List{{Message: "one"}, {Message: "two"}})
	l.Append(&Diagnostic{Message: "three"})
	l.Append(errKind)
	assert.Len(t, l, 4)
	assert.ErrorIs(t, l[3], errKind, "a plain error keeps its identity")
}

func TestSuggest(t *testing.T) {
	names := []string{"value", "title", "weights", "socialValue"}
	assert.Equal(t, "value", Suggest("vaule", names))
	assert.Equal(t, "socialValue", Suggest("socialvalue", names), "case does not count")
	assert.Equal(t, "weights", Suggest("weight", names))
	assert.Equal(t, "", Suggest("extra", []string{"ptr", "tags"}), "too far to be a typo")
	assert.Equal(t, "", Suggest("x", nil))
}

// A problem of two kinds matches both, and reads as the first.
func TestKinds(t *testing.T) {
	other := errors.New("other kind")
	d := &Diagnostic{File: "f.yaml", Message: "too big", Kind: Kinds(ErrTooLarge, other)}
	assert.True(t, errors.Is(d, ErrTooLarge))
	assert.True(t, errors.Is(d, other))
	assert.False(t, errors.Is(d, ErrSyntax))
	assert.Equal(t, ErrTooLarge.Error(), d.Kind.Error())
	assert.True(t, errors.Is(List{d}, other), "through a List too")
}
