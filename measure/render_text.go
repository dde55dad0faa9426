package measure

import (
	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/tom"
)

// Helpers shared by the Markdown and HTML renderers, which write for people:
// thousands separators, £ signs, unit names.

// pounds renders £ for people: "£1,234.50".
func pounds(d decimal.Decimal) string { return "£" + dectext.GroupDigits(money(d)) }

// proxyText renders a proxy value for people: at least 2 places ("£17.50"),
// more when the value has them ("£0.245"), never rounded.
func proxyText(d decimal.Decimal) string { return "£" + dectext.GroupDigits(exactMoney(d)) }

// qty renders an exact quantity for people: "1,400.5".
func qty(d decimal.Decimal) string { return dectext.GroupDigits(exactQty(d)) }

// headlineLine is one row of the headline beside the £ social value.
type headlineLine struct{ result, quantity, unit string }

// headline lists the non-financial totals for people. The £ quantities
// (unit gbp) are split so that no reader takes them for one figure: the
// spend reported under spend measures (each pound once, as the catalogue
// splits spend into disjoint measures), and the £ delivered under financial
// gbp measures such as donations, which are in the social value already.
func (rv *Review) headline() []headlineLine {
	var out []headlineLine
	for _, u := range rv.Totals.ByUnit {
		if u.Unit != tom.GBP {
			out = append(out, headlineLine{"Delivered", qty(u.Quantity), rv.unitLabel(string(u.Unit))})
			continue
		}
		spend := rv.SpendShares.Total
		if !spend.IsZero() {
			out = append(out, headlineLine{"Spend reported", pounds(spend), "£ spend (not social value)"})
		}
		if rest := u.Quantity.Sub(spend); !rest.IsZero() {
			out = append(out, headlineLine{"Given", pounds(rest), "£ given (in the social value above)"})
		}
	}
	return out
}

// unitLabel names a unit for people, from the framework's unit list.
func (rv *Review) unitLabel(u string) string {
	if name, ok := rv.unitNames[u]; ok && name != "" {
		return name
	}
	return u
}

// pct renders an optional percentage: "28.6%" or "–".
func pct(d decimal.Decimal, ok bool) string {
	if !ok {
		return "–"
	}
	return percent(d) + "%"
}

// yearLabel is "2024/25" or "all years".
func (rv *Review) yearLabel() string {
	if rv.Year.IsZero() {
		return "all years"
	}
	return rv.Year.String()
}

// maxRejectedShown bounds the rejected rows the Markdown and HTML reports
// list; JSON and CSV list every one kept (see ReadOptions.KeepRejected).
const maxRejectedShown = 50

// caveat is printed under every headline: proxy £ is not cash.
const caveat = "Social value in £ is an estimate made with proxy values (£ per unit of each measure, for the year of delivery); it is not money spent or saved. Non-financial results are shown beside it in their own units, and are not turned into £."
