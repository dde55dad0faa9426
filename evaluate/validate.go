package evaluate

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

var hundred = decimal.NewFromInt(100)

// Validate checks a tender and its bids as Evaluate does before scoring, and
// returns every problem as diag.List (matching ErrInvalid), or nil: the
// structure, types and ranges that the loaders check, and also the sums
// that Evaluate requires before it scores (the weights sum to 100, the
// social value split adds up to the social value weight), which the loaders
// leave to the policy rules (weights-total, sv-split) so that `toms check`
// can report them as rule outcomes. fw is the catalogue that values the
// commitments; when it is nil the checks that need it (known measures,
// proxies for the tender's year) are skipped.
func Validate(t *Tender, bids []Bid, fw *tom.Framework) error {
	errs := validateList(t, bids, fw, nil)
	errs = append(errs, t.checkSums()...)
	return errs.Err()
}

// validate is Validate without the sums (Evaluate checks them after the
// policy); when g is not nil, it gathers the bids' numbers into g as it
// checks them (see gathered), for the scorer.
func validate(t *Tender, bids []Bid, fw *tom.Framework, g *gathered) error {
	return validateList(t, bids, fw, g).Err()
}

func validateList(t *Tender, bids []Bid, fw *tom.Framework, g *gathered) diag.List {
	errs := t.check()
	if fw != nil {
		errs = append(errs, t.checkMeasures(fw)...)
	}
	return append(errs, checkBids(t, bids, fw, "bids", g)...)
}

// checkSums checks what the policy's weights-total and sv-split rules check:
// Evaluate will not score a tender whose weights do not sum to 100 or whose
// social value split does not add up, whatever the policy says.
func (t *Tender) checkSums() diag.List {
	var errs diag.List
	bad := func(field, format string, args ...any) {
		errs.Add(posOf(t.at, field, t.Pos).At(field, ErrInvalid, format, args...))
	}
	sv := t.Criteria.SocialValue
	if !sv.QuantitativeWeight.Add(sv.QualitativeWeight).Equal(sv.Weight) {
		bad("criteria.socialValue", "quantitativeWeight %s + qualitativeWeight %s must equal weight %s before the bids can be scored",
			sv.QuantitativeWeight, sv.QualitativeWeight, sv.Weight)
	}
	if w := t.Weights(); !w.Price.Add(w.Quality).Add(w.SocialValue).Equal(hundred) {
		bad("criteria", "the weights sum to %s (price %s + quality %s + social value %s); they must sum to 100 before the bids can be scored",
			w.Price.Add(w.Quality).Add(w.SocialValue), w.Price, w.Quality, w.SocialValue)
	}
	return errs
}

// check validates the scoring design on its own, part by part.
func (t *Tender) check() diag.List {
	c := &tenderChecker{t: t}
	c.checkHeader()
	c.checkPrice()
	c.checkQuality()
	c.checkSocialValue()
	c.checkTieBreaksAndWaivers()
	return c.errs
}

// tenderChecker collects the problems of a tender's design.
type tenderChecker struct {
	t    *Tender
	errs diag.List
}

// bad reports a problem with a field of the tender, at its position.
func (c *tenderChecker) bad(field, format string, args ...any) {
	c.errs.Add(posOf(c.t.at, field, c.t.Pos).At(field, ErrInvalid, format, args...))
}

// reported says whether the loader already reported the field as missing
// or unreadable: a mistake is reported once.
func (c *tenderChecker) reported(field string) bool { return c.t.reportedField(field) }

func (c *tenderChecker) checkHeader() {
	t := c.t
	if strings.TrimSpace(t.ID) == "" && !c.reported("id") {
		c.bad("id", "a tender needs an id")
	}
	switch t.ContractType {
	case TypeContract, TypeFramework, TypeDPS, TypeCallOff:
	default:
		if !c.reported("contractType") {
			c.bad("contractType", "is %q; use contract, framework, dps or call-off", t.ContractType)
		}
	}
	if t.Value.IsNegative() {
		c.bad("value", "is %s; the estimated value cannot be negative", t.Value)
	}
}

func (c *tenderChecker) checkPrice() {
	p := c.t.Criteria.Price
	if p.Weight.IsNegative() {
		c.bad("criteria.price.weight", "is %s; a weight cannot be negative", p.Weight)
	}
	if m := p.def(); m == nil {
		c.bad("criteria.price.method", "is %q; use %s", p.Method, priceMethodNames())
	} else if m.check != nil {
		m.check(p, func(field, format string, args ...any) { c.bad("criteria.price."+field, format, args...) })
	}
}

func (c *tenderChecker) checkQuality() {
	ids := map[string]int{}
	for i, q := range c.t.Criteria.Quality {
		f := fmt.Sprintf("criteria.quality[%d].", i)
		bad := func(field, format string, args ...any) {
			c.errs.Add(posOf(c.t.at, f+field, q.Pos).At(f+field, ErrInvalid, format, args...))
		}
		if q.ID == "" {
			if !c.reported(f + "id") {
				bad("id", "a quality criterion needs an id")
			}
		} else if j, dup := ids[q.ID]; dup {
			bad("id", "criterion %q is already defined (criteria.quality[%d])", q.ID, j)
		}
		ids[q.ID] = i
		if q.Weight.IsNegative() {
			bad("weight", "is %s; a weight cannot be negative", q.Weight)
		}
		maxKnown := !c.reported(f + "max")
		if !q.Max.IsPositive() && maxKnown {
			bad("max", "is %s; the maximum score must be above zero", q.Max)
		}
		if (q.PassMark.IsNegative() || q.PassMark.GreaterThan(q.Max)) && maxKnown && !c.reported(f+"passMark") {
			bad("passMark", "is %s; it must be between 0 and the maximum score %s", q.PassMark, q.Max)
		}
	}
}

func (c *tenderChecker) checkSocialValue() {
	sv := c.t.Criteria.SocialValue
	for _, w := range []struct {
		field string
		v     decimal.Decimal
	}{{"weight", sv.Weight}, {"quantitativeWeight", sv.QuantitativeWeight}, {"qualitativeWeight", sv.QualitativeWeight}} {
		if w.v.IsNegative() {
			c.bad("criteria.socialValue."+w.field, "is %s; a weight cannot be negative", w.v)
		}
	}
	// The sums (weights to 100, the social value split) are the policy's to
	// report (rules weights-total and sv-split); see checkSums.
	if sv.QualitativeWeight.IsPositive() && !sv.Max.IsPositive() && !c.reported("criteria.socialValue.max") {
		c.bad("criteria.socialValue.max", "is %s; the maximum qualitative score must be above zero", sv.Max)
	}
	c.t.checkSocialValueMethod(c.bad, c.reported)
	listed := map[string]bool{}
	for _, m := range sv.Measures {
		if listed[m] && m != "" { // an empty id is reported where it was read
			c.bad("criteria.socialValue.measures", "measure %q is listed twice", m)
		}
		listed[m] = true
	}
	if _, given := c.t.at["year"]; sv.QuantitativeWeight.IsPositive() && c.t.Year.IsZero() && !given {
		// (a year that was given but is malformed is reported once, as malformed)
		c.bad("year", "a tender that scores commitments needs the financial year of the proxy values, such as \"2024/25\"")
	}
}

func (c *tenderChecker) checkTieBreaksAndWaivers() {
	t := c.t
	listed := map[TieBreak]bool{}
	for _, k := range t.TieBreak {
		switch k {
		case ByQuality, BySocialValue, ByPrice:
		default:
			c.bad("tieBreak", "%q is not a tie-break; use quality, socialValue or price", k)
		}
		if listed[k] {
			c.bad("tieBreak", "%q is listed twice", k)
		}
		listed[k] = true
	}
	if t.AbnormallyLow.IsNegative() || t.AbnormallyLow.GreaterThanOrEqual(hundred) {
		c.bad("abnormallyLow", "is %s; give a percentage from 0 (off) to below 100", t.AbnormallyLow)
	}
	for i, w := range t.Waivers {
		if strings.TrimSpace(w.Rule) == "" {
			c.errs.Add(w.Pos.At(fmt.Sprintf("waivers[%d].rule", i), ErrInvalid, "a waiver names the rule it waives"))
		}
	}
}

// checkMeasures checks the tender's allowed measures against the catalogue.
func (t *Tender) checkMeasures(fw *tom.Framework) diag.List {
	var errs diag.List
	for _, id := range t.Criteria.SocialValue.Measures {
		if _, ok := fw.Measure(id); !ok {
			errs.Add(posOf(t.at, "criteria.socialValue.measures", t.Pos).At("criteria.socialValue.measures", ErrInvalid,
				"%s", unknownMeasure(id, fw)))
		}
	}
	return errs
}

func unknownMeasure(id string, fw *tom.Framework) string {
	msg := fmt.Sprintf("measure %q is not in catalogue %q", id, fw.ID())
	var ids []string
	for _, m := range fw.Measures() {
		ids = append(ids, m.ID)
	}
	if s := diag.Suggest(id, ids); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg
}

// checkBids validates bids against the tender and, when fw is not nil, the
// catalogue, and returns every problem. path prefixes field names
// ("bids"). When g is not nil, checkBids also gathers the bids' numbers
// into g for the scorer (see gathered), which holds them only when no
// problem was returned; g.ws lends scratch memory to the duplicate check.
//
// It runs once per bid in every evaluation, so its common path reads each
// number once, as an integer (see num), resolves each commitment's measure
// to an index of the tender's measure table without hashing when the bid
// lists its measures in the order of the previous bid, builds no field
// name unless it reports a problem, and allocates nothing per valid bid.
func checkBids(t *Tender, bids []Bid, fw *tom.Framework, path string, g *gathered) diag.List {
	if t == nil {
		return nil
	}
	c := newBidChecker(t, fw, path, g)
	var ws *workspace
	if g != nil {
		g.init(t, bids)
		ws = g.ws
	}
	c.firstBid, c.bids = duplicateSuppliers(bids, ws), bids
	line := 0 // index of the bid's first commitment among all bids'
	for i := range bids {
		b := bidField{c: c, i: i, b: &bids[i]}
		c.checkSupplierAndPrice(b)
		c.checkQuality(b)
		c.checkQualitative(b)
		c.checkCommitments(b, line)
		line += len(bids[i].SocialValue.Commitments)
	}
	return c.errs
}

// bidChecker holds what the checks of every bid read from the tender.
type bidChecker struct {
	t    *Tender
	fw   *tom.Framework
	path string
	errs diag.List
	g    *gathered // nil: check only

	criteria map[string]bool // quality criterion ids
	names    []string        // the same, for "did you mean"
	maxQ     []num           // per criterion, its maximum
	pass     []num           // per criterion, its pass mark
	// scale is, per criterion, its maximum and pass mark at the exponent
	// of the last score read: most scores of a criterion share one
	// exponent, so comparing one is comparing two integers.
	scale []scoreScale
	// maxKnown is false for a criterion whose maximum the tender lacks (a
	// problem reported there): its scores are not checked against it.
	maxKnown []bool
	maxL     num             // the maximum qualitative social value score
	allowed  map[string]bool // the measures the tender allows; empty: any
	firstBid map[int]int     // bid → earlier bid of the same supplier
	bids     []Bid

	// The tender's measure table: every measure id the bids name, in the
	// order first named, each with an index k (see gathered.measures).
	measureK map[string]int32
	measures []checkedMeasure
	// posK is, per commitment position, the measure of that position in
	// the previous bid that had one: most bids name the same measures in
	// the same order, so comparing one id saves hashing it.
	posK []int32
}

// checkedMeasure is what the bid checks know of one measure of the table.
type checkedMeasure struct {
	id      string
	allowed bool
	// problem is what is wrong with the measure in the catalogue; "" for
	// none (also without a catalogue); checked says it was looked up.
	problem string
	checked bool
	// seenBid and seenAt find a measure committed to twice in one bid: the
	// bid (index + 1) that last named it, and at which commitment.
	seenBid, seenAt int
}

func newBidChecker(t *Tender, fw *tom.Framework, path string, g *gathered) *bidChecker {
	c := &bidChecker{t: t, fw: fw, path: path, g: g, criteria: map[string]bool{}, measureK: map[string]int32{}}
	qs := t.Criteria.Quality
	c.maxQ, c.pass, c.maxKnown = make([]num, len(qs)), make([]num, len(qs)), make([]bool, len(qs))
	c.scale = make([]scoreScale, len(qs))
	for j, q := range qs {
		c.criteria[q.ID] = true
		c.names = append(c.names, q.ID)
		c.maxQ[j], c.pass[j] = numOf(q.Max), numOf(q.PassMark)
		c.maxKnown[j] = !t.reportedField(fmt.Sprintf("criteria.quality[%d].max", j))
	}
	c.maxL = numOf(t.Criteria.SocialValue.Max)
	c.allowed = map[string]bool{}
	for _, m := range t.Criteria.SocialValue.Measures {
		c.allowed[m] = true
	}
	return c
}

// bidField addresses the fields of bid i for problems.
type bidField struct {
	c *bidChecker
	i int
	b *Bid
}

// bad reports a problem with the bid's field, at its position.
func (f bidField) bad(field, format string, args ...any) {
	f.badAt(field, posOf(f.b.at, field, f.b.Pos), format, args...)
}

// badAt reports a problem with the bid's field at pos.
func (f bidField) badAt(field string, pos diag.Pos, format string, args ...any) {
	name := fmt.Sprintf("%s[%d].%s", f.c.path, f.i, field)
	f.c.errs.Add(pos.At(name, ErrInvalid, format, args...))
}

// reported says whether the loader already reported the field as missing
// or unreadable: a mistake is reported once.
func (f bidField) reported(field string) bool { return reportedField(f.b.at, f.b.reported, field) }

// misspelt says whether the loader reported an unknown field of the bid
// that is field misspelt ("qualty" for "quality"): its absence is the same
// mistake.
func (f bidField) misspelt(field string) bool {
	for k := range f.b.reported {
		if k != field && !strings.Contains(k, ".") && diag.Suggest(k, []string{field}) == field {
			return true
		}
	}
	return false
}

func (c *bidChecker) checkSupplierAndPrice(f bidField) {
	b := f.b
	if j, dup := c.firstBid[f.i]; dup {
		as := ""
		if first := c.bids[j].Supplier.Name; first != b.Supplier.Name {
			as = fmt.Sprintf(" as %q; names are the same supplier when they differ only in case, spacing, invisible characters or how accents are encoded", first)
		}
		f.bad("supplier.name", "supplier %q already has a bid (%s[%d]%s); one bid per supplier", b.Supplier.Name, c.path, j, as)
	} else if strings.TrimSpace(b.Supplier.Name) == "" && !f.reported("supplier.name") {
		f.bad("supplier.name", "a bid needs the supplier's name")
	}
	p := numOf(b.Price)
	if c.g != nil {
		c.g.price[f.i] = p
	}
	// numOf reads the price's sign; it is read again only for a price that
	// is negative or has more than 18 digits.
	if (p.ok && p.c == 0 || !p.ok && b.Price.Sign() < 0) && !f.reported("price") {
		f.bad("price", "is %s; a price must be above zero (£ excluding VAT)", b.Price)
	}
}

// checkQuality checks that the bid scores every quality criterion, within
// 0 to its maximum, and nothing else. A key that is not a criterion is
// reported with the criterion it most resembles; that criterion's missing
// score is then the same mistake, not reported again. It gathers each
// score, as read, with whether it meets the pass mark.
func (c *bidChecker) checkQuality(f bidField) {
	b := f.b
	found := 0
	var missing []string // criteria without a score: usually none
	var crit []CriterionScore
	var qn []num
	if g := c.g; g != nil {
		crit, qn = g.crit[f.i*g.k:(f.i+1)*g.k], g.q[f.i*g.k:(f.i+1)*g.k]
		g.failed[f.i] = false
	}
	for j, q := range c.t.Criteria.Quality {
		s, ok := b.Quality[q.ID]
		switch {
		case q.ID == "": // the tender's problem, reported there
		case !ok:
			missing = append(missing, q.ID)
		default:
			found++
			n := numOf(s)
			within, passed := c.compareScore(j, n, s)
			if c.maxKnown[j] && !within && !f.reported("quality."+q.ID) {
				f.bad("quality."+q.ID, "score %s is outside 0 to %s, the criterion's maximum", s, q.Max)
			}
			if crit != nil {
				crit[j], qn[j] = CriterionScore{ID: q.ID, Score: s, Passed: passed}, n
				c.g.failed[f.i] = c.g.failed[f.i] || !passed
			}
		}
	}
	var meant map[string]bool
	if found < len(b.Quality) { // some key is not a criterion
		meant = c.unknownScores(f)
	}
	for _, id := range missing {
		if !meant[id] && !b.reported["quality"] && !f.misspelt("quality") { // (not a mapping, or a misspelt key: reported as such)
			f.bad("quality", "no score for quality criterion %q", id)
		}
	}
}

// scoreScale is a criterion's maximum and pass mark as integers at
// exponent e; ok is false when they are not integers there, or do not fit.
type scoreScale struct {
	e         int32
	max, pass uint64
	ok, tried bool
}

// compareScore says whether score s (n as a num) of criterion j is within
// 0 to the criterion's maximum, and whether it meets the pass mark.
func (c *bidChecker) compareScore(j int, n num, s decimal.Decimal) (within, passed bool) {
	sc := &c.scale[j]
	if n.ok && (!sc.tried || sc.e != n.e) {
		var ok1, ok2 bool
		sc.max, ok1 = c.maxQ[j].at(n.e)
		sc.pass, ok2 = c.pass[j].at(n.e)
		sc.e, sc.ok, sc.tried = n.e, ok1 && ok2, true
	}
	if n.ok && sc.ok {
		return n.c <= sc.max, n.c >= sc.pass
	}
	q := &c.t.Criteria.Quality[j]
	return inRange(n, s, c.maxQ[j], q.Max), cmpBoth(n, s, c.pass[j], q.PassMark) >= 0
}

// unknownScores reports each key of the bid's quality scores that is not a
// criterion of the tender, with the criterion it most resembles, and
// returns those criteria: their missing scores are the same mistake.
func (c *bidChecker) unknownScores(f bidField) map[string]bool {
	var meant map[string]bool
	for id := range f.b.Quality {
		if c.criteria[id] || f.reported("quality."+id) {
			continue
		}
		msg := fmt.Sprintf("%q is not a quality criterion of tender %q", id, c.t.ID)
		if s := diag.Suggest(id, c.names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
			if meant == nil {
				meant = map[string]bool{}
			}
			meant[s] = true
		}
		f.bad("quality."+id, "%s", msg)
	}
	return meant
}

// checkQualitative checks the qualitative social value score, if any, and
// gathers it.
func (c *bidChecker) checkQualitative(f bidField) {
	q := f.b.SocialValue.Qualitative
	var n num // zero when there is no score
	if q != nil {
		n = numOf(*q)
	}
	if c.g != nil {
		c.g.qual[f.i] = n
	}
	if q == nil || f.reported("socialValue.qualitative") {
		return
	}
	sv := c.t.Criteria.SocialValue
	switch {
	case sv.QualitativeWeight.IsZero():
		f.bad("socialValue.qualitative", "the tender gives no weight to a qualitative social value score; remove it")
	case c.t.reportedField("criteria.socialValue.max"): // no maximum to compare with, reported there
	case !inRange(n, *q, c.maxL, sv.Max):
		f.bad("socialValue.qualitative", "score %s is outside 0 to %s, the maximum qualitative score", q, sv.Max)
	}
}

// checkCommitments checks each commitment: a measure named once, allowed
// by the tender and (with a catalogue) known with a proxy for the year,
// and a quantity that is not negative. It gathers each commitment's
// measure, as an index of the measure table, and quantity; line is the
// index of the bid's first commitment among all bids'.
func (c *bidChecker) checkCommitments(f bidField, line int) {
	for j := range f.b.SocialValue.Commitments {
		cm := &f.b.SocialValue.Commitments[j]
		k := c.measureIndex(j, cm.Measure)
		x := numOf(cm.Quantity)
		if g := c.g; g != nil {
			g.lineK[line+j], g.lineQ[line+j] = k, x
		}
		if cm.Measure == "" {
			if !f.reported(commitmentField(j, "measure")) {
				c.badCommitment(f, j, "measure", "a commitment names a measure")
			}
			continue
		}
		m := &c.measures[k]
		if m.seenBid == f.i+1 {
			c.badCommitment(f, j, "measure", "measure %q is already committed to (commitments[%d]); give one total quantity", cm.Measure, m.seenAt)
		}
		m.seenBid, m.seenAt = f.i+1, j
		if !x.ok && cm.Quantity.IsNegative() { // (numOf read the sign: ok is false for a negative)
			c.badCommitment(f, j, "quantity", "is %s; a quantity cannot be negative", cm.Quantity)
		}
		if !m.allowed {
			c.badCommitment(f, j, "measure", "tender %q does not allow measure %q; it allows %s", c.t.ID, cm.Measure, strings.Join(c.t.Criteria.SocialValue.Measures, ", "))
			continue
		}
		if problem := c.measureProblem(m); problem != "" {
			c.badCommitment(f, j, "measure", "%s", problem)
		}
	}
}

// commitmentField is the name of field name of the bid's commitment j.
func commitmentField(j int, name string) string {
	return fmt.Sprintf("socialValue.commitments[%d].%s", j, name)
}

// badCommitment reports a problem with field name of the bid's commitment j.
func (c *bidChecker) badCommitment(f bidField, j int, name, format string, args ...any) {
	field := commitmentField(j, name)
	f.badAt(field, posOf(f.b.at, field, f.b.SocialValue.Commitments[j].Pos), format, args...)
}

// measureIndex returns the index in the measure table of measure id, named
// by a bid's commitment j, adding the measure when it is new.
func (c *bidChecker) measureIndex(j int, id string) int32 {
	if j < len(c.posK) {
		if k := c.posK[j]; c.measures[k].id == id {
			return k
		}
	}
	k, ok := c.measureK[id]
	if !ok {
		k = int32(len(c.measures))
		c.measureK[id] = k
		c.measures = append(c.measures, checkedMeasure{id: id, allowed: len(c.allowed) == 0 || c.allowed[id]})
		if c.g != nil {
			c.g.measures = append(c.g.measures, id)
		}
	}
	if j < len(c.posK) {
		c.posK[j] = k
	} else if j == len(c.posK) {
		c.posK = append(c.posK, k)
	}
	return k
}

// measureProblem returns what is wrong with measure m in the catalogue
// (unknown, or no proxy for the tender's year), or "" (also without a
// catalogue). Each measure is looked up once per tender.
func (c *bidChecker) measureProblem(m *checkedMeasure) string {
	if c.fw == nil || m.checked {
		return m.problem
	}
	m.checked = true
	if fm, ok := c.fw.Measure(m.id); !ok {
		m.problem = unknownMeasure(m.id, c.fw)
	} else if fm.Financial && !c.t.Year.IsZero() {
		if _, _, err := fm.ProxyFor(c.t.Year, c.t.yearPolicy()); err != nil {
			m.problem = err.Error()
		}
	}
	return m.problem
}

func (t *Tender) yearPolicy() tom.YearPolicy {
	if t.CarryForward {
		return tom.CarryForward
	}
	return tom.ExactYear
}

// duplicateSuppliers maps each bid whose supplier already has a bid
// (SupplierKey equal, not empty) to the first such bid.
//
// It runs on every evaluation, so it neither builds a map of names nor
// allocates a key per bid: it sorts the bids by a hash of their key (a
// seeded maphash, so that no input can make many names collide) packed with
// their index, then compares the keys of the bids whose hashes are equal.
// Its scratch comes from ws, or is allocated when ws is nil.
func duplicateSuppliers(bids []Bid, ws *workspace) map[int]int {
	n := len(bids)
	if n < 2 {
		return nil
	}
	if ws == nil {
		ws = &workspace{}
	}
	// Each bid is packed as the top 32 bits of its hash above its index, in
	// whole bytes; as the bids are packed in input order, a stable sort by
	// the hash's four bytes alone sorts them, in four radix passes. (A
	// bigger tender packs the hash's low bits above the index, as it fits.)
	idxBits := bits.Len(uint(n - 1))
	lo := (idxBits + 7) / 8 // bytes of the index
	hashShift := 32
	if lo <= 4 {
		idxBits = 8 * lo
	} else {
		lo, hashShift = 0, 0
	}
	seed := maphash.MakeSeed()
	packed := grow(&ws.packed, n)[:0]
	var buf [64]byte
	for i := range bids {
		h, ok := supplierHash(seed, bids[i].Supplier.Name, &buf)
		if ok {
			packed = append(packed, h>>hashShift<<idxBits|uint64(i))
		}
	}
	sortU64Bytes(packed, &ws.tmp, lo)
	var first map[int]int
	mask := uint64(1)<<idxBits - 1
	for start := 0; start < len(packed); {
		end := start + 1
		for end < len(packed) && packed[end]>>idxBits == packed[start]>>idxBits {
			end++
		}
		// Within a run the bids are in input order; compare each with the
		// earlier ones (a run longer than 1 is almost always duplicates).
		for m := start + 1; m < end; m++ {
			i := int(packed[m] & mask)
			for e := start; e < m; e++ {
				j := int(packed[e] & mask)
				if SupplierKey(bids[j].Supplier.Name) == SupplierKey(bids[i].Supplier.Name) {
					if first == nil {
						first = map[int]int{}
					}
					if f, ok := first[j]; ok {
						j = f
					}
					first[i] = j
					break
				}
			}
		}
		start = end
	}
	return first
}

// supplierHash hashes SupplierKey(name), without building it when the name
// is short printable ASCII with single spaces between words (most names),
// whose key is simply its lower case; ok is false for an empty key.
func supplierHash(seed maphash.Seed, name string, buf *[64]byte) (h uint64, ok bool) {
	n := len(name)
	simple := n > 0 && n <= len(buf)
	for i := 0; simple && i < n; i++ {
		c := name[i]
		switch {
		case c < ' ' || c >= 0x7f:
			simple = false // control characters and non-ASCII: normalise
		case c == ' ':
			simple = i > 0 && i < n-1 && name[i-1] != ' ' // no space at an end, none doubled
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if simple {
		return maphash.Bytes(seed, buf[:n]), true
	}
	key := SupplierKey(name)
	return maphash.String(seed, key), key != ""
}

// inRange reports whether score d (n as a num) is within 0 to max (m).
func inRange(n num, d decimal.Decimal, m num, max decimal.Decimal) bool {
	if c, ok := cmpNum(n, m); ok {
		return c <= 0
	}
	return !d.IsNegative() && cmpDec(d, max) <= 0
}

// cmpDec compares two decimals without allocating when their coefficients
// fit 64 bits (Decimal.Cmp rescales, which allocates).
func cmpDec(a, b decimal.Decimal) int {
	if a.Sign() >= 0 && b.Sign() >= 0 {
		e := min(a.Exponent(), b.Exponent())
		x, ok1 := scaled(a, e)
		y, ok2 := scaled(b, e)
		if ok1 && ok2 {
			return cmpU(x, y)
		}
	}
	return a.Cmp(b)
}
