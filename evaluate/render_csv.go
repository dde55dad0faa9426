package evaluate

import (
	"io"
	"strconv"
	"strings"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/internal/dectext"
)

// csvHeader is the documented column order of the result's CSV (FORMAT.md).
var csvHeader = []string{"rank", "supplier", "sme", "vcse", "local", "price", "price_points", "quality_points",
	"social_value_gbp", "social_value_quantitative_points", "social_value_qualitative_points", "social_value_points",
	"total", "excluded", "reasons", "flags", "tie_group", "tie_decided_by", "social_value_per_pound", "social_value_weighted_gbp"}

// CSVHeader returns the column names of WriteCSV's header row, in order.
func CSVHeader() []string { return append([]string(nil), csvHeader...) }

// WriteCSV writes the result as CSV, as `toms evaluate --format csv` prints
// it: a header row, then one row per bid in the order of Bids. £ are exact
// with the places they carry, points truncated at 12 places, as in the
// JSON. Every cell goes through the module's spreadsheet-safe writer: a
// text cell that starts with =, +, -, @, a tab or a carriage return is
// prefixed with a single quote (see FORMAT.md).
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for i := range r.Bids {
		if err := cw.Write(csvRow(&r.Bids[i], r.Criteria.SocialValue.valuation())); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// csvRow is one bid's row; social_value_weighted_gbp is empty under
// valuation plain.
func csvRow(b *BidResult, valuation Valuation) []string {
	weighted := ""
	if valuation == Weighted {
		weighted = dectext.Format(b.SocialValue.Weighted)
	}
	var flags []string
	for _, f := range b.Flags {
		flags = append(flags, f.Code)
	}
	group, by := "", ""
	if b.Tie != nil {
		group, by = strconv.Itoa(b.Tie.Group), string(b.Tie.DecidedBy)
	}
	return []string{strconv.Itoa(b.Rank), b.Supplier.Name, strconv.FormatBool(b.Supplier.SME), strconv.FormatBool(b.Supplier.VCSE),
		strconv.FormatBool(b.Supplier.Local), dectext.Format(b.Price.Price), b.Price.Points.String(), b.Quality.Points.String(),
		dectext.Format(b.SocialValue.Value), b.SocialValue.Quantitative.String(), b.SocialValue.Qualitative.String(),
		b.SocialValue.Points.String(), b.Total.String(), strconv.FormatBool(b.Excluded), strings.Join(b.Reasons, "; "),
		strings.Join(flags, "; "), group, by, dectext.Format(b.PerPound()), weighted}
}
