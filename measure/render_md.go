package measure

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/tom"
)

// unitList renders a group's quantities per unit: "12.75 hours; 3 count;
// £1,400.5 spend reported". £ quantities are split as in the headline:
// spend (spend measures) apart from £ given under financial measures.
func (rv *Review) unitList(g Group) string {
	var parts []string
	for _, u := range g.ByUnit {
		if u.Unit != tom.GBP {
			parts = append(parts, qty(u.Quantity)+" "+rv.unitLabel(string(u.Unit)))
			continue
		}
		var spend, given decimal.Decimal
		for _, m := range g.Measures {
			switch {
			case m.Unit != tom.GBP:
			case m.Financial:
				given = given.Add(m.Quantity)
			default:
				spend = spend.Add(m.Quantity)
			}
		}
		if !spend.IsZero() {
			parts = append(parts, pounds(spend)+" spend reported")
		}
		if !given.IsZero() {
			parts = append(parts, pounds(given)+" given")
		}
	}
	return strings.Join(parts, "; ")
}

// mdText escapes text for a Markdown table cell or paragraph.
func mdText(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}
