package evaluate

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// SupplierKey returns the identity of a supplier's name: two bids whose
// names have the same key are from the same supplier, and a supplier may
// bid once. Names are shown as written; only their identity is normalised:
//
//   - Unicode compatibility composition (NFKC), so that "é" written as one
//     code point or as e + combining accent, a no-break space or a
//     full-width letter are the same;
//   - format characters removed (Unicode category Cf: zero-width space and
//     joiners, soft hyphen, byte order mark, direction marks);
//   - full case folding, so that "STRASSE" and "straße", "ΣΊΣΥΦΟΣ" and
//     "σίσυφος" are the same; the dotless ı and the dotted İ of Turkish
//     are folded to i as well, since they look like it in a name;
//   - white space trimmed, and each run of it inside the name made one
//     space.
//
// The key is for comparison only, never for display.
func SupplierKey(name string) string {
	s := norm.NFKC.String(name)
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	s = cases.Fold().String(s)
	// Folding keeps ı (U+0131) and turns İ (U+0130) into i + U+0307.
	s = strings.NewReplacer("ı", "i", "i\u0307", "i").Replace(norm.NFD.String(s))
	return norm.NFKC.String(strings.Join(strings.Fields(s), " "))
}
