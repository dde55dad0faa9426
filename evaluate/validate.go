package evaluate

import (
	"encoding/binary"
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
// policy); when g is not nil, it also gathers the bids' numbers into g as
// it reads them (see gathered), for the scorer.
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

// check validates the scoring design on its own.
func (t *Tender) check() diag.List {
	var errs diag.List
	bad := func(field, format string, args ...any) {
		errs.Add(posOf(t.at, field, t.Pos).At(field, ErrInvalid, format, args...))
	}
	// A field missing from a file is reported by the loader, once: the
	// checks below skip it.
	missing := func(field string) bool {
		_, ok := t.at[field]
		return t.at != nil && !ok
	}
	if strings.TrimSpace(t.ID) == "" && !missing("id") {
		bad("id", "a tender needs an id")
	}
	switch t.ContractType {
	case TypeContract, TypeFramework, TypeDPS, TypeCallOff:
	default:
		if !missing("contractType") {
			bad("contractType", "is %q; use contract, framework, dps or call-off", t.ContractType)
		}
	}
	if t.Value.IsNegative() {
		bad("value", "is %s; the estimated value cannot be negative", t.Value)
	}
	c := &t.Criteria
	p := c.Price
	if p.Weight.IsNegative() {
		bad("criteria.price.weight", "is %s; a weight cannot be negative", p.Weight)
	}
	if m := p.def(); m == nil {
		bad("criteria.price.method", "is %q; use %s", p.Method, priceMethodNames())
	} else if m.check != nil {
		m.check(p, func(field, format string, args ...any) { bad("criteria.price."+field, format, args...) })
	}
	ids := map[string]int{}
	for i, q := range c.Quality {
		f := fmt.Sprintf("criteria.quality[%d]", i)
		qbad := func(field, format string, args ...any) {
			errs.Add(posOf(t.at, f+"."+field, q.Pos).At(f+"."+field, ErrInvalid, format, args...))
		}
		if q.ID == "" {
			if !missing(f + ".id") {
				qbad("id", "a quality criterion needs an id")
			}
		} else if j, dup := ids[q.ID]; dup {
			qbad("id", "criterion %q is already defined (criteria.quality[%d])", q.ID, j)
		}
		ids[q.ID] = i
		if q.Weight.IsNegative() {
			qbad("weight", "is %s; a weight cannot be negative", q.Weight)
		}
		if !q.Max.IsPositive() && !missing(f+".max") {
			qbad("max", "is %s; the maximum score must be above zero", q.Max)
		}
		if q.PassMark.IsNegative() || q.PassMark.GreaterThan(q.Max) {
			qbad("passMark", "is %s; it must be between 0 and the maximum score %s", q.PassMark, q.Max)
		}
	}
	sv := c.SocialValue
	for _, w := range []struct {
		field string
		v     decimal.Decimal
	}{{"weight", sv.Weight}, {"quantitativeWeight", sv.QuantitativeWeight}, {"qualitativeWeight", sv.QualitativeWeight}} {
		if w.v.IsNegative() {
			bad("criteria.socialValue."+w.field, "is %s; a weight cannot be negative", w.v)
		}
	}
	// The sums (weights to 100, the social value split) are the policy's to
	// report (rules weights-total and sv-split); see checkSums.
	if sv.QualitativeWeight.IsPositive() && !sv.Max.IsPositive() {
		bad("criteria.socialValue.max", "is %s; the maximum qualitative score must be above zero", sv.Max)
	}
	if m := sv.def(); m == nil {
		bad("criteria.socialValue.method", "is %q; use %s", sv.Method, socialValueMethodNames())
	} else if m.check != nil {
		m.check(t, func(field, format string, args ...any) {
			if f := "criteria.socialValue." + field; !missing(f) {
				bad(f, format, args...)
			}
		})
	}
	seen := map[string]bool{}
	for _, m := range sv.Measures {
		if seen[m] {
			bad("criteria.socialValue.measures", "measure %q is listed twice", m)
		}
		seen[m] = true
	}
	if _, given := t.at["year"]; sv.QuantitativeWeight.IsPositive() && t.Year.IsZero() && !given {
		// (a year that was given but is malformed is reported once, as malformed)
		bad("year", "a tender that scores commitments needs the financial year of the proxy values, such as \"2024/25\"")
	}
	tb := map[TieBreak]bool{}
	for _, k := range t.TieBreak {
		switch k {
		case ByQuality, BySocialValue, ByPrice:
		default:
			bad("tieBreak", "%q is not a tie-break; use quality, socialValue or price", k)
		}
		if tb[k] {
			bad("tieBreak", "%q is listed twice", k)
		}
		tb[k] = true
	}
	if t.AbnormallyLow.IsNegative() || t.AbnormallyLow.GreaterThanOrEqual(hundred) {
		bad("abnormallyLow", "is %s; give a percentage from 0 (off) to below 100", t.AbnormallyLow)
	}
	for i, w := range t.Waivers {
		if strings.TrimSpace(w.Rule) == "" {
			errs.Add(w.Pos.At(fmt.Sprintf("waivers[%d].rule", i), ErrInvalid, "a waiver names the rule it waives"))
		}
	}
	return errs
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
// catalogue. path prefixes field names ("bids"). When g is not nil, it
// records each bid's numbers in g as it reads them.
//
// It runs once per bid in every evaluation, so its common path reads each
// number once, as an integer (see num), and allocates nothing per bid.
func checkBids(t *Tender, bids []Bid, fw *tom.Framework, path string, g *gathered) diag.List {
	var errs diag.List
	if t == nil {
		return nil
	}
	if g != nil {
		g.init(t, len(bids))
	}
	criteria := map[string]QualityCriterion{}
	var names []string
	maxQ := make([]num, len(t.Criteria.Quality))
	pass := make([]num, len(t.Criteria.Quality))
	for j, q := range t.Criteria.Quality {
		criteria[q.ID] = q
		names = append(names, q.ID)
		maxQ[j], pass[j] = numOf(q.Max), numOf(q.PassMark)
	}
	sv := t.Criteria.SocialValue
	maxL := numOf(sv.Max)
	allowed := map[string]bool{}
	for _, m := range sv.Measures {
		allowed[m] = true
	}
	var ws *workspace
	if g != nil {
		ws = g.ws
	}
	firstBid := duplicateSuppliers(bids, ws)
	known := map[string]string{} // measure id → problem with it, "" for none
	for i := range bids {
		b := &bids[i]
		f := func() string { return fmt.Sprintf("%s[%d]", path, i) }
		bad := func(field, format string, args ...any) {
			errs.Add(posOf(b.at, field, b.Pos).At(f()+"."+field, ErrInvalid, format, args...))
		}
		// A field missing from a file is reported by the decoder, once.
		missing := func(field string) bool {
			_, ok := b.at[field]
			return b.at != nil && !ok
		}
		if j, dup := firstBid[i]; dup {
			bad("supplier.name", "supplier %q already has a bid (%s[%d]); one bid per supplier", b.Supplier.Name, path, j)
		} else if strings.TrimSpace(b.Supplier.Name) == "" && !missing("supplier.name") {
			bad("supplier.name", "a bid needs the supplier's name")
		}
		price := numOf(b.Price)
		if b.Price.Sign() <= 0 && !missing("price") {
			bad("price", "is %s; a price must be above zero (£ excluding VAT)", b.Price)
		}
		if g != nil {
			g.price[i] = price
		}
		failed := false
		for j, q := range t.Criteria.Quality {
			s, ok := b.Quality[q.ID]
			n := numOf(s)
			if g != nil {
				passed := cmpBoth(n, s, pass[j], q.PassMark) >= 0
				failed = failed || !passed
				g.crit[i*g.k+j] = CriterionScore{ID: q.ID, Score: s, Passed: passed}
				g.q[i*g.k+j] = n
			}
			switch {
			case q.ID == "": // the tender's problem, reported there
			case !ok:
				bad("quality", "no score for quality criterion %q", q.ID)
			case !inRange(n, s, maxQ[j], q.Max):
				bad("quality."+q.ID, "score %s is outside 0 to %s, the criterion's maximum", s, q.Max)
			}
		}
		if len(b.Quality) != len(criteria) { // else every criterion was found above, so no id is unknown
			for id := range b.Quality {
				if _, ok := criteria[id]; !ok {
					msg := fmt.Sprintf("%q is not a quality criterion of tender %q", id, t.ID)
					if s := diag.Suggest(id, names); s != "" {
						msg += fmt.Sprintf("; did you mean %q?", s)
					}
					bad("quality."+id, "%s", msg)
				}
			}
		}
		if g != nil {
			g.failed[i] = failed
			g.qual[i] = num{} // the workspace's buffers are reused: see workspace
		}
		if q := b.SocialValue.Qualitative; q != nil {
			n := numOf(*q)
			if g != nil {
				g.qual[i] = n
			}
			switch {
			case sv.QualitativeWeight.IsZero():
				bad("socialValue.qualitative", "the tender gives no weight to a qualitative social value score; remove it")
			case !inRange(n, *q, maxL, sv.Max):
				bad("socialValue.qualitative", "score %s is outside 0 to %s, the maximum qualitative score", q, sv.Max)
			}
		}
		cs := b.SocialValue.Commitments
		var seen map[string]int // measure → latest index, for bids with many commitments
		if len(cs) > 16 {
			seen = make(map[string]int, len(cs))
		}
		for j, c := range cs {
			cbad := func(field, format string, args ...any) {
				cf := fmt.Sprintf("socialValue.commitments[%d].%s", j, field)
				errs.Add(posOf(b.at, cf, c.Pos).At(f()+"."+cf, ErrInvalid, format, args...))
			}
			if c.Measure == "" {
				if !missing(fmt.Sprintf("socialValue.commitments[%d].measure", j)) {
					cbad("measure", "a commitment names a measure")
				}
				continue
			}
			if k := lastCommitment(cs[:j], c.Measure, seen); k >= 0 {
				cbad("measure", "measure %q is already committed to (commitments[%d]); give one total quantity", c.Measure, k)
			}
			if seen != nil {
				seen[c.Measure] = j
			}
			if c.Quantity.IsNegative() {
				cbad("quantity", "is %s; a quantity cannot be negative", c.Quantity)
			}
			if len(allowed) > 0 && !allowed[c.Measure] {
				cbad("measure", "tender %q does not allow measure %q; it allows %s", t.ID, c.Measure, strings.Join(sv.Measures, ", "))
				continue
			}
			if fw == nil {
				continue
			}
			problem, seen := known[c.Measure]
			if !seen {
				if m, ok := fw.Measure(c.Measure); !ok {
					problem = unknownMeasure(c.Measure, fw)
				} else if m.Financial && !t.Year.IsZero() {
					if _, _, err := m.ProxyFor(t.Year, t.yearPolicy()); err != nil {
						problem = err.Error()
					}
				}
				known[c.Measure] = problem
			}
			if problem != "" {
				cbad("measure", "%s", problem)
			}
		}
	}
	return errs
}

func (t *Tender) yearPolicy() tom.YearPolicy {
	if t.CarryForward {
		return tom.CarryForward
	}
	return tom.ExactYear
}

// supplierKey is a supplier's name as compared for duplicates: trimmed,
// lower case.
func supplierKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// duplicateSuppliers maps each bid whose supplier already has a bid
// (supplierKey equal, not empty) to the first such bid.
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
				if supplierKey(bids[j].Supplier.Name) == supplierKey(bids[i].Supplier.Name) {
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

// supplierHash hashes supplierKey(name), without building it when the name
// is short ASCII; ok is false for an empty key.
func supplierHash(seed maphash.Seed, name string, buf *[64]byte) (h uint64, ok bool) {
	n := len(name)
	if n <= len(buf) && n > 0 && !asciiSpace(name[0]) && !asciiSpace(name[n-1]) {
		// Eight bytes at a time: A to Z get the 0x20 bit of lower case.
		copy(buf[:], name)
		var high uint64 // the high bits of the name's bytes: non-zero unless ASCII
		for at := 0; at < n; at += 8 {
			x := binary.LittleEndian.Uint64(buf[at:])
			if rest := n - at; rest < 8 {
				x &= 1<<(8*rest) - 1 // bytes past the name are stale
			}
			high |= x
			h := x & 0x7f7f7f7f7f7f7f7f
			upper := (h + 0x3f3f3f3f3f3f3f3f) &^ (h + 0x2525252525252525) &^ x & 0x8080808080808080 // 'A' <= c <= 'Z'
			binary.LittleEndian.PutUint64(buf[at:], x|upper>>2)
		}
		if high&0x8080808080808080 == 0 {
			return maphash.Bytes(seed, buf[:n]), true
		}
	}
	key := supplierKey(name)
	return maphash.String(seed, key), key != ""
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// lastCommitment returns the index of the last of cs for measure id, or -1;
// seen, when not nil, holds the answer for every measure of cs.
func lastCommitment(cs []Commitment, id string, seen map[string]int) int {
	if seen != nil {
		if k, ok := seen[id]; ok {
			return k
		}
		return -1
	}
	for k := len(cs) - 1; k >= 0; k-- {
		if cs[k].Measure == id {
			return k
		}
	}
	return -1
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
