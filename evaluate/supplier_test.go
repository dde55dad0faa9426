package evaluate_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/evaluate"
)

// Look-alike names are one supplier (#8.14): each pair used to be accepted
// as two suppliers, and the second bid moved the lowest price and the
// abnormally-low mean. Each is now a duplicate, named as written.
func TestLookAlikeSuppliers(t *testing.T) {
	for _, c := range []struct{ why, first, second string }{
		{"composed é vs e + combining acute", "Caf\u00e9 Services", "Cafe\u0301 Services"},
		{"zero-width space", "Kestrel Civils", "Kes\u200btrel Civils"},
		{"soft hyphen and word joiner", "Kestrel Civils", "Kes\u00adtrel\u2060 Civils"},
		{"byte order mark", "Kestrel Civils", "\ufeffKestrel Civils"},
		{"ß folds to ss", "Straße Bau GmbH", "STRASSE BAU GMBH"},
		{"dotless ı", "Smith Ltd", "Sm\u0131th Ltd"},
		{"dotted İ", "Ince Ltd", "\u0130nce Ltd"},
		{"case", "Kestrel Civils", "KESTREL civils"},
		{"no-break space", "Kestrel Civils", "Kestrel\u00a0Civils"},
		{"doubled and outer spaces", "Kestrel Civils", " Kestrel   Civils\t"},
		{"full-width letters", "Kestrel Civils", "\uff2bestrel Civils"},
		{"final sigma", "ΣΊΣΥΦΟΣ", "σίσυφος"},
	} {
		t.Run(c.why, func(t *testing.T) {
			assert.Equal(t, evaluate.SupplierKey(c.first), evaluate.SupplierKey(c.second))
			tender := design("100", nil, evaluate.SocialValueCriterion{})
			tender.AbnormallyLow = d("20")
			bids := []evaluate.Bid{bid(c.first, "1000", nil, nil), bid("Other Ltd", "1100", nil, nil), bid(c.second, "10", nil, nil)}
			_, err := evaluate.Evaluate(context.Background(), tender, bids, nil, evaluate.Options{SkipPolicy: true})
			require.Error(t, err, "the second bid must not be scored as another supplier")
			assert.True(t, errors.Is(err, evaluate.ErrInvalid))
			assert.Contains(t, err.Error(), "bids[2].supplier.name: supplier "+strconv.Quote(c.second)+" already has a bid (bids[0]")
			if c.first != c.second {
				assert.Contains(t, err.Error(), "as "+strconv.Quote(c.first))
			}
		})
	}
}

// Different names stay different, including ones a careless folding
// would merge.
func TestDistinctSuppliers(t *testing.T) {
	for _, pair := range [][2]string{
		{"Kestrel Civils", "Kestrel Civil"},
		{"Zoë Ltd", "Zoe Ltd"}, // an accent is part of the name
		{"A B Ltd", "AB Ltd"},  // a space between words counts
		{"Ltd 1", "Ltd 2"},
	} {
		assert.NotEqual(t, evaluate.SupplierKey(pair[0]), evaluate.SupplierKey(pair[1]), pair)
	}
	assert.Equal(t, "", evaluate.SupplierKey(" \u200b "), "only invisible characters: no name")
}
