package tom

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const codedCatalogue = header + `themes:
  - id: t1
    name: Theme one
    outcomes:
      - id: o1
        name: Outcome one
        measures:
          - id: local-jobs
            name: Local jobs
            unit: fte_years
            codes: {nt: NT1, ecc: ECC1, ppn002: "2a"}
          - id: ltu-jobs
            name: Long-term unemployed hired
            unit: fte_years
            codes: {nt: NT3, ecc: ECC3, ppn002: "2a"}
          - id: training
            name: Training weeks
            unit: weeks
            codes: {ecc: NT3}
`

func TestMeasureCodes(t *testing.T) {
	f, err := Parse("c.yaml", []byte(codedCatalogue))
	require.NoError(t, err)
	m, _ := f.Measure("local-jobs")
	assert.Equal(t, []Code{{"ecc", "ECC1"}, {"nt", "NT1"}, {"ppn002", "2a"}}, m.Codes(), "sorted by scheme")
	assert.Equal(t, "ecc:ECC1; nt:NT1; ppn002:2a", FormatCodes(m.Codes()))
	assert.Equal(t, map[string]string{"ecc": "ECC1", "nt": "NT1", "ppn002": "2a"}, CodeMap(m.Codes()))
	assert.Nil(t, CodeMap(nil))
	c, ok := m.Code("nt")
	assert.True(t, ok)
	assert.Equal(t, "NT1", c)
	_, ok = m.Code("hact")
	assert.False(t, ok)

	for _, c := range []struct{ ref, want string }{
		{"local-jobs", "local-jobs"}, // the id
		{"NT1", "local-jobs"},        // a bare code carried once
		{"ECC3", "ltu-jobs"},
		{"nt:NT3", "ltu-jobs"}, // scheme:code picks one of two
		{"ecc:NT3", "training"},
		{"ppn002:2a", ""},
	} {
		got, err := f.MeasureByRef(c.ref)
		if c.want == "" {
			assert.ErrorIs(t, err, ErrAmbiguousCode, c.ref)
			continue
		}
		require.NoError(t, err, c.ref)
		assert.Equal(t, c.want, got.ID, c.ref)
	}
	_, err = f.MeasureByRef("NT3")
	assert.ErrorIs(t, err, ErrAmbiguousCode)
	assert.EqualError(t, err, `code "NT3" names 2 measures: ltu-jobs (nt:NT3), training (ecc:NT3); write the measure id or scheme:code`)
	_, err = f.MeasureByRef("ppn002:2a")
	assert.EqualError(t, err, `code "ppn002:2a" names 2 measures: local-jobs (ppn002:2a), ltu-jobs (ppn002:2a); write the measure id`)
	_, err = f.MeasureByRef("NT4")
	assert.ErrorIs(t, err, ErrUnknownMeasure)
	assert.EqualError(t, err, `unknown measure "NT4"; did you mean "NT1"?`)
	_, err = f.MeasureByRef("hact:NT1")
	assert.ErrorIs(t, err, ErrUnknownMeasure, "a known code in another scheme is not a match")
}

func TestMeasureCodesErrors(t *testing.T) {
	for _, c := range []struct{ name, from, to, want string }{
		{"code is another id", `codes: {ecc: NT3}`, `codes: {ecc: local-jobs}`,
			`c.yaml:23:20: themes[0].outcomes[0].measures[2].codes.ecc: code ecc "local-jobs" of measure "training" is the id of measure "local-jobs"; a row naming it would be ambiguous`},
		{"colon in code", `codes: {ecc: NT3}`, `codes: {ecc: "N:3"}`,
			`c.yaml:23:20: themes[0].outcomes[0].measures[2].codes.ecc: code "N:3" must be printable text without surrounding spaces, ':' or ';'`},
		{"space in scheme", `codes: {ecc: NT3}`, `codes: {"e cc": NT3}`,
			`c.yaml:23:20: themes[0].outcomes[0].measures[2].codes.e cc: code scheme "e cc" must be letters, digits, '-' and '_' (such as nt, ppn002, ecc)`},
		{"line break in code", `codes: {ecc: NT3}`, `codes: {ecc: "N\nT3"}`,
			`c.yaml:23:20: themes[0].outcomes[0].measures[2].codes.ecc: code "N\nT3" must be printable text without surrounding spaces, ':' or ';'`},
		{"not text", `codes: {ecc: NT3}`, `codes: {ecc: [NT3]}`,
			`c.yaml:23:26: themes[0].outcomes[0].measures[2].codes.ecc: expected text, found a list`},
		{"duplicate scheme", `codes: {ecc: NT3}`, `codes: {ecc: NT3, ecc: NT4}`,
			`c.yaml:23:31: themes[0].outcomes[0].measures[2].codes.ecc: key "ecc" is already defined at line 23`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(strings.Replace(codedCatalogue, c.from, c.to, 1)))
			d := diagnostics(t, err)
			require.Len(t, d, 1, "%v", err)
			assert.Equal(t, c.want, d[0].Error())
		})
	}
}
