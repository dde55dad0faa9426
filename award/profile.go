package award

import (
	"fmt"
	"io"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/spread"
	"github.com/socialvalue-toms/toms/internal/yamlx"
	"github.com/socialvalue-toms/toms/tom"
)

// Profile spreads a contract's commitments by explicit shares per
// financial year instead of by days: a file
//
//	apiVersion: toms/v1
//	kind: Profile
//	shares:
//	  "2024/25": 0.1
//	  "2025/26": 0.3
//	  "2026/27": 0.3
//	  "2027/28": 0.3
//
// The shares are decimals from 0 to 1 that add up to 1 exactly, and they
// must name every financial year the contract runs in and no other (a
// year may have share 0).
type Profile struct {
	Shares []YearShare // one per year, in the order the file gives them
}

// YearShare is one year's share of a profile.
type YearShare struct {
	Year  tom.Year        // the financial year
	Share decimal.Decimal // fraction of the contract's commitments due in Year, from 0 to 1
	Pos   diag.Pos        // where the year is written in the profile file
}

// MaxProfileBytes bounds the size of a profile file.
const MaxProfileBytes = 1 << 20

// ReadProfile reads a profile file (YAML or JSON). Every problem is
// returned at once as diag.List with its line and column: a year not
// written 2024/25 or given twice, a share that is not a decimal or is
// outside 0 to 1, shares that do not add up to 1. Whether the years are
// the contract's is checked by Make.
func ReadProfile(r io.Reader, name string) (*Profile, error) {
	data, err := yamlx.ReadAll(r, name, MaxProfileBytes)
	if err != nil {
		return nil, err
	}
	root, d, err := yamlx.Open(name, data, "Profile", MaxProfileBytes)
	if err != nil {
		return nil, err
	}
	var pf struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Shares     *yaml.Node `yaml:"shares,required"`
	}
	d.Decode(root, &pf, "")
	p := &Profile{}
	if pf.Shares == nil || yamlx.IsNull(pf.Shares) {
		return nil, d.Err()
	}
	if pf.Shares.Kind != yaml.MappingNode {
		d.Errorf(pf.Shares, "shares", diag.ErrType, "expected a mapping of financial years to shares, such as \"2024/25\": 0.25")
		return nil, d.Err()
	}
	seen := map[tom.Year]int{}
	sum := decimal.Zero
	for i := 0; i+1 < len(pf.Shares.Content); i += 2 {
		k, v := pf.Shares.Content[i], pf.Shares.Content[i+1]
		path := "shares." + k.Value
		y, err := tom.ParseYear(k.Value)
		if err != nil {
			d.Errorf(k, path, diag.ErrValue, "%v", err)
			continue
		}
		if line, dup := seen[y]; dup {
			d.Errorf(k, path, diag.ErrDuplicateKey, "%s is already given at line %d", y, line)
			continue
		}
		seen[y] = k.Line
		var s decimal.Decimal
		before := len(d.Errs)
		d.Decode(v, &s, path)
		if len(d.Errs) > before {
			continue
		}
		if s.IsNegative() || s.GreaterThan(decimal.NewFromInt(1)) {
			d.Errorf(v, path, diag.ErrValue, "is %s; a share is from 0 to 1", s)
			continue
		}
		sum = sum.Add(s)
		p.Shares = append(p.Shares, YearShare{Year: y, Share: s, Pos: d.Pos(k)})
	}
	if len(d.Errs) == 0 && !sum.Equal(decimal.NewFromInt(1)) {
		d.Errorf(pf.Shares, "shares", diag.ErrValue, "the shares add up to %s; they must add up to 1 exactly", sum)
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// weights returns the profile's share of each of the contract's years, and
// an error positioned at the profile when a year of the contract has no
// share or a share names a year the contract does not run in.
func (p *Profile) weights(years []spread.YearDays) ([]decimal.Decimal, error) {
	var errs diag.List
	idx := map[tom.Year]int{}
	for i, y := range years {
		idx[y.Year] = i
	}
	w := make([]decimal.Decimal, len(years))
	given := make([]bool, len(years))
	for _, s := range p.Shares {
		i, ok := idx[s.Year]
		if !ok {
			errs.Add(&diag.Diagnostic{File: s.Pos.File, Line: s.Pos.Line, Column: s.Pos.Column, Field: "shares." + s.Year.String(), Kind: ErrAward,
				Message: fmt.Sprintf("the contract does not run in %s (it runs from %s to %s)", s.Year, years[0].Year, years[len(years)-1].Year)})
			continue
		}
		w[i], given[i] = s.Share, true
	}
	file := ""
	if len(p.Shares) > 0 {
		file = p.Shares[0].Pos.File
	}
	for i, y := range years {
		if !given[i] {
			errs.Add(&diag.Diagnostic{File: file, Field: "shares", Kind: ErrAward,
				Message: fmt.Sprintf("the contract runs in %s (%d days) but the profile gives it no share; give it one, 0 if nothing is due", y.Year, y.Days)})
		}
	}
	return w, errs.Err()
}
