package evaluate

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
	"github.com/socialvalue-toms/toms/tom"
)

// The file structs mirror the documented format (see FORMAT.md); decoding
// into them checks syntax, unknown fields and types, and records positions.

type tenderFile struct {
	APIVersion    string              `yaml:"apiVersion"`
	Kind          string              `yaml:"kind"`
	Pos           diag.Pos            `yaml:",pos"`
	At            map[string]diag.Pos `yaml:",at"`
	ID            string              `yaml:"id,required"`
	Title         string              `yaml:"title,required"`
	Description   string              `yaml:"description"`
	ContractType  string              `yaml:"contractType,required"`
	Category      string              `yaml:"category"`
	Route         string              `yaml:"route"`
	Value         *decimal.Decimal    `yaml:"value,required"`
	Year          string              `yaml:"year"`
	CarryForward  bool                `yaml:"carryForward"`
	Catalogue     string              `yaml:"catalogue"`
	Proxies       string              `yaml:"proxies"`
	Criteria      criteriaFile        `yaml:"criteria,required"`
	TieBreak      []string            `yaml:"tieBreak"`
	AbnormallyLow *decimal.Decimal    `yaml:"abnormallyLow"`
	ParentWeights *weightsFile        `yaml:"parentWeights"`
	Waivers       []waiverFile        `yaml:"waivers"`
	Bids          []bidFile           `yaml:"bids"`
}

type criteriaFile struct {
	Pos         diag.Pos            `yaml:",pos"`
	At          map[string]diag.Pos `yaml:",at"`
	Price       priceFile           `yaml:"price,required"`
	Quality     []qualityFile       `yaml:"quality"`
	SocialValue *socialValueFile    `yaml:"socialValue"`
}

type priceFile struct {
	Pos     diag.Pos            `yaml:",pos"`
	At      map[string]diag.Pos `yaml:",at"`
	Weight  *decimal.Decimal    `yaml:"weight,required"`
	Method  string              `yaml:"method"`
	Floor   *decimal.Decimal    `yaml:"floor"`
	Ceiling *decimal.Decimal    `yaml:"ceiling"`
}

type qualityFile struct {
	Pos         diag.Pos            `yaml:",pos"`
	At          map[string]diag.Pos `yaml:",at"`
	ID          string              `yaml:"id,required"`
	Name        string              `yaml:"name"`
	Description string              `yaml:"description"`
	Weight      *decimal.Decimal    `yaml:"weight,required"`
	Max         *decimal.Decimal    `yaml:"max,required"`
	PassMark    *decimal.Decimal    `yaml:"passMark"`
}

type socialValueFile struct {
	Pos                diag.Pos            `yaml:",pos"`
	At                 map[string]diag.Pos `yaml:",at"`
	Weight             *decimal.Decimal    `yaml:"weight,required"`
	QuantitativeWeight *decimal.Decimal    `yaml:"quantitativeWeight"`
	QualitativeWeight  *decimal.Decimal    `yaml:"qualitativeWeight"`
	Max                *decimal.Decimal    `yaml:"max"`
	Method             string              `yaml:"method"`
	Target             *decimal.Decimal    `yaml:"target"`
	Valuation          string              `yaml:"valuation"`
	Measures           []*yaml.Node        `yaml:"measures"` // each a measure id, or a measureFile
	BothPartsRequired  bool                `yaml:"bothPartsRequired"`
}

// measureFile is a measure of criteria.socialValue.measures given with its
// weight or target (method measures); a bare id takes the defaults.
type measureFile struct {
	Pos    diag.Pos            `yaml:",pos"`
	At     map[string]diag.Pos `yaml:",at"`
	ID     string              `yaml:"id,required"`
	Weight *decimal.Decimal    `yaml:"weight"`
	Target *decimal.Decimal    `yaml:"target"`
}

type weightsFile struct {
	Price       *decimal.Decimal `yaml:"price,required"`
	Quality     *decimal.Decimal `yaml:"quality,required"`
	SocialValue *decimal.Decimal `yaml:"socialValue,required"`
}

type waiverFile struct {
	Pos        diag.Pos  `yaml:",pos"`
	Rule       string    `yaml:"rule,required"`
	Reason     string    `yaml:"reason"`
	ApprovedBy string    `yaml:"approvedBy"`
	Date       time.Time `yaml:"date"`
	Supplier   string    `yaml:"supplier"`
}

type bidsFile struct {
	APIVersion string    `yaml:"apiVersion"`
	Kind       string    `yaml:"kind"`
	Tender     string    `yaml:"tender"`
	Bids       []bidFile `yaml:"bids,required"`
}

type bidFile struct {
	Pos         diag.Pos            `yaml:",pos"`
	At          map[string]diag.Pos `yaml:",at"`
	Supplier    supplierFile        `yaml:"supplier,required"`
	Price       *decimal.Decimal    `yaml:"price,required"`
	Quality     *yaml.Node          `yaml:"quality"`
	SocialValue svResponseFile      `yaml:"socialValue"`
}

type supplierFile struct {
	At    map[string]diag.Pos `yaml:",at"`
	Name  string              `yaml:"name,required"`
	SME   bool                `yaml:"sme"`
	VCSE  bool                `yaml:"vcse"`
	Local bool                `yaml:"local"`
}

type svResponseFile struct {
	At          map[string]diag.Pos `yaml:",at"`
	Qualitative *decimal.Decimal    `yaml:"qualitative"`
	Commitments []commitmentFile    `yaml:"commitments"`
}

type commitmentFile struct {
	Pos      diag.Pos            `yaml:",pos"`
	At       map[string]diag.Pos `yaml:",at"`
	Measure  string              `yaml:"measure,required"`
	Quantity *decimal.Decimal    `yaml:"quantity,required"`
}

// ReadOptions tune reading a tender or bids file.
type ReadOptions struct {
	// MaxBytes is the size limit of the file, in bytes; zero means the
	// default, 4 MiB. A larger file is an error matching diag.ErrTooLarge.
	MaxBytes int64
	// Dir, when set, is the directory that relative Catalogue and Proxies
	// paths in a tender are resolved against, as LoadTenderFile does with
	// the file's own directory; when empty they are returned as written.
	Dir string
}

// LoadTenderFile reads a tender file (YAML or JSON, kind: Tender) of at most
// 4 MiB; to read a larger one, open it and call ReadTender. Relative
// Catalogue and Proxies paths in it are resolved against the file's directory.
func LoadTenderFile(path string) (*Tender, error) { return loadTender(path, true) }

// LoadTenderDesign reads a tender file like LoadTenderFile but leaves out its
// inline bids, and any problems in them: what a policy check needs, so that
// a bad bid does not hide what the policy says about the tender.
func LoadTenderDesign(path string) (*Tender, error) { return loadTender(path, false) }

// ReadTender reads a tender from r, such as an upload, as ParseTender does;
// name is used in positions. It reads no more than opts.MaxBytes (default
// 4 MiB) plus one byte: a longer input is an error matching
// diag.ErrTooLarge, so an endless stream cannot exhaust memory. Catalogue
// and Proxies paths in the tender are resolved against opts.Dir, if set.
func ReadTender(r io.Reader, name string, opts ReadOptions) (*Tender, error) {
	return readTender(r, name, opts, true)
}

// ReadTenderDesign reads a tender from r like ReadTender but leaves out its
// inline bids and any problems in them (see LoadTenderDesign).
func ReadTenderDesign(r io.Reader, name string, opts ReadOptions) (*Tender, error) {
	return readTender(r, name, opts, false)
}

func readTender(r io.Reader, name string, opts ReadOptions, withBids bool) (*Tender, error) {
	data, err := yamlx.ReadAll(r, name, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	t, err := parseTender(name, data, opts.MaxBytes, withBids)
	if err != nil || opts.Dir == "" {
		return t, err
	}
	for _, p := range []*string{&t.Catalogue, &t.Proxies} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(opts.Dir, *p)
		}
	}
	return t, nil
}

func loadTender(path string, withBids bool) (*Tender, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readTender(f, path, ReadOptions{Dir: filepath.Dir(path)}, withBids)
}

// ParseTender reads a tender (kind: Tender) from YAML or JSON; name is used in
// error positions. It checks the scoring design's structure, types and
// ranges (methods and their parameters, weights not negative, pass marks
// within the maximum...) and any inline bids against it, and returns every
// problem at once as diag.List, each once: a missing field is reported as
// missing, and not again by the checks that would read it. It does not check
// that the weights sum to 100 or that the social value split adds up: the
// policy reports those (rules weights-total and sv-split, as `toms check`
// shows), and Evaluate refuses to score without them. Checks that need the
// catalogue (do the measures exist, have a proxy for the year) are made by
// Validate and Evaluate. The document may be at most 4 MiB (see ReadTender
// to raise the limit).
func ParseTender(name string, data []byte) (*Tender, error) { return parseTender(name, data, 0, true) }

// ParseTenderDesign reads a tender like ParseTender but leaves out its inline
// bids and any problems in them (see LoadTenderDesign).
func ParseTenderDesign(name string, data []byte) (*Tender, error) {
	return parseTender(name, data, 0, false)
}

func parseTender(name string, data []byte, max int64, withBids bool) (*Tender, error) {
	root, d, err := yamlx.Open(name, data, "Tender", max)
	if err != nil {
		return nil, err
	}
	// Decoding goes on after a problem, and so do the checks, so that one
	// pass reports everything; a missing field is reported once, as missing.
	var tf tenderFile
	d.Decode(root, &tf, "")
	t := tf.tender(d)
	errs := d.Errs
	if withBids {
		t.Bids = decodeBids(d, tf.Bids, "bids")
		errs = d.Errs
	} else {
		errs = dropBidProblems(errs)
	}
	markReported(t, t.Bids, errs)
	errs = append(errs, t.check()...)
	if withBids {
		errs = append(errs, checkBids(t, t.Bids, nil, "bids", nil)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// markReported records in t (when not nil) and bids the fields whose
// problems decoding reported (errs), so that the checks skip them: one
// mistake, such as a price written "4,200.00", is one problem, not also
// "the price is 0".
func markReported(t *Tender, bids []Bid, errs diag.List) {
	for _, e := range errs {
		rest, inBids := strings.CutPrefix(e.Field, "bids[")
		if !inBids {
			if t != nil {
				if t.reported == nil {
					t.reported = map[string]bool{}
				}
				t.reported[e.Field] = true
			}
			continue
		}
		n, field, ok := strings.Cut(rest, "].")
		i, err := strconv.Atoi(n)
		if !ok || err != nil || i < 0 || i >= len(bids) {
			continue
		}
		if bids[i].reported == nil {
			bids[i].reported = map[string]bool{}
		}
		bids[i].reported[field] = true
	}
}

// dropBidProblems leaves out the decoding problems found inside the inline bids.
func dropBidProblems(errs diag.List) diag.List {
	var out diag.List
	for _, d := range errs {
		if d.Field == "bids" || strings.HasPrefix(d.Field, "bids[") || strings.HasPrefix(d.Field, "bids.") {
			continue
		}
		out = append(out, d)
	}
	return out
}

// LoadBidsFile reads a bids file (kind: Bids) of at most 4 MiB for tender
// t; fw, when not nil, is the catalogue that will value the commitments (see
// ParseBids). To read a larger file, open it and call ReadBids.
func LoadBidsFile(path string, t *Tender, fw *tom.Framework) ([]Bid, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadBids(f, path, t, fw, ReadOptions{})
}

// ReadBids reads bids (kind: Bids) from r, such as an upload, and checks
// them as ParseBids does; name is used in positions. It reads no more than
// opts.MaxBytes (default 4 MiB) plus one byte: a longer input is an error
// matching diag.ErrTooLarge.
func ReadBids(r io.Reader, name string, t *Tender, fw *tom.Framework, opts ReadOptions) ([]Bid, error) {
	data, err := yamlx.ReadAll(r, name, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	return parseBids(name, data, t, fw, opts.MaxBytes)
}

// ParseBids reads bids (kind: Bids) from YAML or JSON and checks them against
// tender t: a score for every quality criterion and none above its maximum, a
// price above zero, allowed measures, no duplicate supplier. With a
// catalogue fw (see LoadFramework) it also checks that every measure is in
// it and has a proxy for the tender's year, so that one pass lists every
// problem in the file, each positioned; with fw nil those checks are left to
// Validate and Evaluate. The document may be at most 4 MiB (see ReadBids to
// raise the limit).
func ParseBids(name string, data []byte, t *Tender, fw *tom.Framework) ([]Bid, error) {
	return parseBids(name, data, t, fw, 0)
}

func parseBids(name string, data []byte, t *Tender, fw *tom.Framework, max int64) ([]Bid, error) {
	root, d, err := yamlx.Open(name, data, "Bids", max)
	if err != nil {
		return nil, err
	}
	var bf bidsFile
	d.Decode(root, &bf, "")
	bids := decodeBids(d, bf.Bids, "bids")
	if bf.Tender != "" && t != nil && bf.Tender != t.ID {
		d.Errs.Add(d.Pos(yamlx.MapValue(root, "tender")).At("tender", ErrInvalid, "the bids are for tender %q, not %q", bf.Tender, t.ID))
	}
	markReported(nil, bids, d.Errs)
	errs := append(d.Errs, checkBids(t, bids, fw, "bids", nil)...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return bids, nil
}

// LoadFramework returns the catalogue the tender names (or the embedded
// default when it names none), with the tender's proxy-values file laid over
// it.
func LoadFramework(t *Tender) (*tom.Framework, error) {
	var (
		fw  *tom.Framework
		err error
	)
	if t.Catalogue == "" {
		fw, err = tom.Default()
	} else {
		fw, err = tom.LoadFile(t.Catalogue)
	}
	if err != nil || t.Proxies == "" {
		return fw, err
	}
	pv, err := tom.LoadProxiesFile(t.Proxies)
	if err != nil {
		return nil, err
	}
	return fw.WithProxies(pv)
}

func dv(p *decimal.Decimal) decimal.Decimal {
	if p == nil {
		return decimal.Zero
	}
	return *p
}

// tender converts the decoded file, recording positions for the checks.
func (tf *tenderFile) tender(d *yamlx.Decoder) *Tender {
	t := &Tender{
		ID: tf.ID, Title: tf.Title, ContractType: ContractType(tf.ContractType),
		Category: tf.Category, Route: tf.Route, Value: dv(tf.Value),
		CarryForward: tf.CarryForward, Catalogue: tf.Catalogue, Proxies: tf.Proxies,
		AbnormallyLow: dv(tf.AbnormallyLow), Pos: tf.Pos, at: map[string]diag.Pos{},
	}
	for k, p := range tf.At {
		t.at[k] = p
	}
	if tf.Year != "" {
		y, err := tom.ParseYear(tf.Year)
		if err != nil {
			d.Errs.Add(tf.At["year"].At("year", ErrInvalid, "%v", err))
		}
		t.Year = y
	}
	t.Criteria = tf.Criteria.criteria(d, t.at)
	for _, s := range tf.TieBreak {
		t.TieBreak = append(t.TieBreak, TieBreak(s))
	}
	if pw := tf.ParentWeights; pw != nil {
		t.ParentWeights = &Weights{Price: dv(pw.Price), Quality: dv(pw.Quality), SocialValue: dv(pw.SocialValue)}
	}
	for _, w := range tf.Waivers {
		t.Waivers = append(t.Waivers, Waiver{Rule: w.Rule, Reason: strings.TrimSpace(w.Reason), ApprovedBy: w.ApprovedBy, Date: w.Date, Supplier: w.Supplier, Pos: w.Pos})
	}
	return t
}

// criteria converts the decoded criteria, recording their positions in at
// (under "criteria.").
func (c *criteriaFile) criteria(d *yamlx.Decoder, at map[string]diag.Pos) Criteria {
	var out Criteria
	for k, p := range c.At {
		at["criteria."+k] = p
	}
	out.Price = PriceCriterion{Weight: dv(c.Price.Weight), Method: PriceMethod(c.Price.Method), Floor: dv(c.Price.Floor), Ceiling: dv(c.Price.Ceiling)}
	for k, p := range c.Price.At {
		at["criteria.price."+k] = p
	}
	if m := out.Price.def(); m != nil {
		needParams(d, m.params, c.Price.At, c.Price.Pos, "criteria.price")
	}
	for i, q := range c.Quality {
		out.Quality = append(out.Quality, QualityCriterion{
			ID: q.ID, Name: q.Name, Weight: dv(q.Weight), Max: dv(q.Max), PassMark: dv(q.PassMark), Pos: q.Pos,
		})
		for k, p := range q.At {
			at[fmt.Sprintf("criteria.quality[%d].%s", i, k)] = p
		}
	}
	if c.SocialValue != nil {
		out.SocialValue = c.SocialValue.socialValue(d, at)
	}
	return out
}

// socialValue converts the decoded social value criterion, recording its
// positions in at (under "criteria.socialValue."); one part of the split
// may be left out: it is the rest of the weight.
func (sv *socialValueFile) socialValue(d *yamlx.Decoder, at map[string]diag.Pos) SocialValueCriterion {
	s := SocialValueCriterion{
		Weight: dv(sv.Weight), Max: dv(sv.Max), Method: SocialValueMethod(sv.Method),
		Target: dv(sv.Target), Valuation: Valuation(sv.Valuation), BothPartsRequired: sv.BothPartsRequired,
	}
	for k, p := range sv.At {
		at["criteria.socialValue."+k] = p
	}
	s.Measures, s.MeasureCriteria = decodeMeasures(d, sv.Measures, at)
	switch {
	case sv.QuantitativeWeight != nil && sv.QualitativeWeight != nil:
		s.QuantitativeWeight, s.QualitativeWeight = *sv.QuantitativeWeight, *sv.QualitativeWeight
	case sv.QuantitativeWeight != nil:
		s.QuantitativeWeight, s.QualitativeWeight = *sv.QuantitativeWeight, s.Weight.Sub(*sv.QuantitativeWeight)
	case sv.QualitativeWeight != nil:
		s.QualitativeWeight, s.QuantitativeWeight = *sv.QualitativeWeight, s.Weight.Sub(*sv.QualitativeWeight)
	case !s.Weight.IsZero():
		d.Errs.Add(sv.Pos.At("criteria.socialValue", ErrInvalid,
			"give quantitativeWeight and/or qualitativeWeight: how the social value weight of %s splits between the £ value of commitments and the qualitative score", s.Weight))
	}
	if m := s.def(); m != nil {
		needParams(d, m.params, sv.At, sv.Pos, "criteria.socialValue")
	}
	if s.QualitativeWeight.IsPositive() && sv.Max == nil {
		d.Errs.Add(sv.Pos.At("criteria.socialValue.max", ErrInvalid, "a qualitative weight needs max, the highest qualitative score (for example 5)"))
	}
	return s
}

// decodeMeasures reads criteria.socialValue.measures: each item a measure
// id, or a mapping with its id, weight and target. It records positions in
// at; a weight given as 0 is an error (leave it out for the catalogue's
// priority), and so is a target of 0 (leave it out for the best offer).
func decodeMeasures(d *yamlx.Decoder, items []*yaml.Node, at map[string]diag.Pos) ([]string, map[string]MeasureCriterion) {
	var ids []string
	var criteria map[string]MeasureCriterion
	for i, n := range items {
		path := fmt.Sprintf("criteria.socialValue.measures[%d]", i)
		target := n // what an alias stands for; Decode follows it (and bounds it)
		for target != nil && target.Kind == yaml.AliasNode {
			target = target.Alias
		}
		if target == nil || target.Kind != yaml.MappingNode {
			var id string
			d.Decode(n, &id, path)
			at[path] = d.Pos(n)
			ids = append(ids, id)
			continue
		}
		var mf measureFile
		d.Decode(n, &mf, path)
		at[path] = mf.Pos
		for k, p := range mf.At {
			at[path+"."+k] = p
		}
		ids = append(ids, mf.ID)
		mc := MeasureCriterion{Weight: dv(mf.Weight), Target: dv(mf.Target), Pos: mf.Pos}
		if mf.Weight != nil && mf.Weight.IsZero() {
			d.Errs.Add(mf.At["weight"].At(path+".weight", ErrInvalid, "is 0; leave weight out to use the catalogue's priority, or drop the measure"))
		}
		if mf.Target != nil && mf.Target.IsZero() {
			d.Errs.Add(mf.At["target"].At(path+".target", ErrInvalid, "is 0; leave target out to score against the best offer"))
		}
		if mf.Weight == nil && mf.Target == nil {
			continue
		}
		if criteria == nil {
			criteria = map[string]MeasureCriterion{}
		}
		criteria[mf.ID] = mc
	}
	return ids, criteria
}

// needParams reports, once per message, the parameters of a method that
// its criterion (read at pos, with fields at) does not give.
func needParams(d *yamlx.Decoder, params []param, at map[string]diag.Pos, pos diag.Pos, path string) {
	said := map[string]bool{}
	for _, p := range params {
		if _, given := at[p.field]; given || said[p.need] {
			continue
		}
		said[p.need] = true
		d.Errs.Add(pos.At(path+"."+p.field, ErrInvalid, "%s", p.need))
	}
}

// decodeBids converts decoded bids, reading each quality score from its node
// so that a problem points at the score itself.
func decodeBids(d *yamlx.Decoder, in []bidFile, path string) []Bid {
	if len(in) == 0 {
		return nil
	}
	out := make([]Bid, len(in))
	for i := range in {
		bf := &in[i]
		b := &out[i]
		*b = Bid{
			Supplier: Supplier{Name: strings.TrimSpace(bf.Supplier.Name), SME: bf.Supplier.SME, VCSE: bf.Supplier.VCSE, Local: bf.Supplier.Local},
			Price:    dv(bf.Price),
			Pos:      bf.Pos,
			at:       map[string]diag.Pos{},
		}
		for k, p := range bf.At {
			b.at[k] = p
		}
		for k, p := range bf.Supplier.At {
			b.at["supplier."+k] = p
		}
		for k, p := range bf.SocialValue.At {
			b.at["socialValue."+k] = p
		}
		if q := bf.Quality; !yamlx.IsNull(q) {
			qpath := fmt.Sprintf("%s[%d].quality", path, i)
			if q.Kind != yaml.MappingNode {
				d.Errorf(q, qpath, diag.ErrType, "expected a mapping of criterion id to score")
			} else {
				b.Quality = make(map[string]decimal.Decimal, len(q.Content)/2)
				for j := 0; j+1 < len(q.Content); j += 2 {
					k, v := q.Content[j], q.Content[j+1]
					if _, dup := b.Quality[k.Value]; dup {
						d.Errorf(k, qpath+"."+k.Value, diag.ErrDuplicateKey, "criterion %q is scored twice", k.Value)
						continue
					}
					var s decimal.Decimal
					d.Decode(v, &s, qpath+"."+k.Value)
					b.Quality[k.Value] = s
					b.at["quality."+k.Value] = d.Pos(v)
				}
			}
		}
		b.SocialValue.Qualitative = bf.SocialValue.Qualitative
		for j, c := range bf.SocialValue.Commitments {
			b.SocialValue.Commitments = append(b.SocialValue.Commitments, Commitment{Measure: c.Measure, Quantity: dv(c.Quantity), Pos: c.Pos})
			for k, p := range c.At {
				b.at[fmt.Sprintf("socialValue.commitments[%d].%s", j, k)] = p
			}
		}
	}
	return out
}
