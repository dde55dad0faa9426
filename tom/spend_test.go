package tom

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The default catalogue splits spend into disjoint measures: every spend
// measure (unit gbp, no proxy value) is in the one exclusive group
// "spend", so the review's spend reported (their sum) counts each pound
// once, and the same quantity reported under two of them is rejected as
// counted twice (see measure).
func TestDefaultSpendMeasuresAreOneExclusiveGroup(t *testing.T) {
	f := defaultFramework(t)
	var spend []string
	for _, m := range f.Measures() {
		if m.Unit == GBP && !m.Financial {
			spend = append(spend, m.ID)
			assert.Equal(t, "spend", m.ExclusiveGroup, m.ID)
		}
	}
	assert.Equal(t, []string{"local-spend", "local-sme-spend", "sme-spend", "vcse-spend"}, spend)
}
