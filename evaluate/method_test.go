package evaluate

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMethodsDocumented keeps the documentation in step with the tables of
// methods: the package doc gives every method's formula as the table does,
// and FORMAT.md names every method and the parameters it reads.
func TestMethodsDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	format, err := os.ReadFile("FORMAT.md")
	require.NoError(t, err)
	check := func(name, formula string, params []param) {
		assert.Truef(t, strings.Contains(string(doc), formula), "doc.go: the formula of %s, %s", name, formula)
		assert.Truef(t, strings.Contains(string(format), "`"+name+"`"), "FORMAT.md names method %s", name)
		for _, p := range params {
			assert.Truef(t, strings.Contains(string(format), "`"+p.field+"`"), "FORMAT.md: parameter %s of method %s", p.field, name)
			assert.NotEmpty(t, p.need)
		}
	}
	for _, m := range priceMethods {
		check(string(m.name), m.formula, m.params)
	}
	for _, m := range socialValueMethods {
		check(string(m.name), m.formula, m.params)
	}
}

// TestMethodNames checks the lists of methods in messages.
func TestMethodNames(t *testing.T) {
	assert.Equal(t, "a", oneOf("a"))
	assert.Equal(t, "a or b", oneOf("a", "b"))
	assert.Equal(t, "lowest, linear or budget", priceMethodNames())
	assert.Equal(t, "highest, target or measures", socialValueMethodNames())
	assert.Equal(t, Lowest, PriceCriterion{}.method(), "the first entry is the default")
	assert.Equal(t, Highest, SocialValueCriterion{}.method(), "the first entry is the default")
	assert.Nil(t, PriceCriterion{Method: "cheapest"}.def())
	assert.Nil(t, SocialValueCriterion{Method: "most"}.def())
}
