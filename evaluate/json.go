package evaluate

import (
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/rules"
	"github.com/socialvalue-toms/toms/tom"
)

// The JSON document of a Result (see FORMAT.md, "Result JSON"). Field names
// are camelCase; every number except rank is a decimal string: exact values
// (£, weights, scores, quantities, proxies) with dectext.Format, keeping the
// places they were written or computed with ("1148000.00"), points truncated
// at 12 places (trailing zeros removed). lowestPrice and highestSocialValue
// are null when no bid was ranked. The shape is stable: fields are only ever
// added.

type jsonResult struct {
	Tender       jsonTender      `json:"tender"`
	Policy       []rules.Verdict `json:"policy"`
	PolicyFailed bool            `json:"policyFailed"`
	ScoredAnyway bool            `json:"scoredAnyway"`
	Scored       bool            `json:"scored"`
	Measures     []jsonMeasure   `json:"measures"`
	Bids         []jsonBid       `json:"bids"`
	Ties         []jsonTieGroup  `json:"ties"`
}

type jsonTender struct {
	ID                 string       `json:"id"`
	Title              string       `json:"title"`
	Year               string       `json:"year,omitempty"`
	Catalogue          string       `json:"catalogue"`
	Weights            jsonWeights  `json:"weights"`
	Criteria           jsonCriteria `json:"criteria"`
	LowestPrice        *string      `json:"lowestPrice"`
	HighestSocialValue *string      `json:"highestSocialValue"`
	// MeasureScores is there for method measures only.
	MeasureScores []jsonMeasureScore `json:"measureScores,omitempty"`
}

type jsonMeasureScore struct {
	ID           string `json:"id"`
	Unit         string `json:"unit"`
	Weight       string `json:"weight"`
	FromPriority bool   `json:"fromPriority"`
	Target       string `json:"target,omitempty"`
	Best         string `json:"best"`
	Counted      bool   `json:"counted"`
}

type jsonWeights struct {
	Price       string `json:"price"`
	Quality     string `json:"quality"`
	SocialValue string `json:"socialValue"`
}

type jsonCriteria struct {
	Price struct {
		Weight  string `json:"weight"`
		Method  string `json:"method"`
		Floor   string `json:"floor,omitempty"`
		Ceiling string `json:"ceiling,omitempty"`
	} `json:"price"`
	Quality     []jsonQualityCriterion `json:"quality"`
	SocialValue struct {
		Weight             string   `json:"weight"`
		QuantitativeWeight string   `json:"quantitativeWeight"`
		QualitativeWeight  string   `json:"qualitativeWeight"`
		Max                string   `json:"max,omitempty"`
		Method             string   `json:"method"`
		Target             string   `json:"target,omitempty"`
		Valuation          string   `json:"valuation"`
		Measures           []string `json:"measures"`
		BothPartsRequired  bool     `json:"bothPartsRequired"`
	} `json:"socialValue"`
}

type jsonQualityCriterion struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Weight   string `json:"weight"`
	Max      string `json:"max"`
	PassMark string `json:"passMark"`
}

type jsonMeasure struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Unit           string            `json:"unit"`
	Financial      bool              `json:"financial"`
	Priority       string            `json:"priority"`
	Proxy          *jsonProxy        `json:"proxy,omitempty"`
	CarriedForward bool              `json:"carriedForward"`
	Codes          map[string]string `json:"codes,omitempty"`
}

type jsonProxy struct {
	Value  string `json:"value"`
	Year   string `json:"year"`
	Source string `json:"source"`
	Basis  string `json:"basis"`
	Note   string `json:"note,omitempty"` // "uprated from 2021/22 by <series>"
}

type jsonBid struct {
	Supplier    jsonSupplier    `json:"supplier"`
	Price       jsonPrice       `json:"price"`
	Quality     jsonQuality     `json:"quality"`
	SocialValue jsonSocialValue `json:"socialValue"`
	Total       string          `json:"total"`
	Rank        int             `json:"rank"`
	Excluded    bool            `json:"excluded"`
	Reasons     []string        `json:"reasons"`
	Flags       []jsonFlag      `json:"flags"`
	Tie         *jsonTie        `json:"tie,omitempty"`
	// Policy is the outcome of each rule about bids, for this bid; absent
	// when the policy has no such rules.
	Policy []rules.Verdict `json:"policy,omitempty"`
}

type jsonSupplier struct {
	Name  string `json:"name"`
	SME   bool   `json:"sme"`
	VCSE  bool   `json:"vcse"`
	Local bool   `json:"local"`
}

type jsonPrice struct {
	Price  string `json:"price"`
	Points string `json:"points"`
}

type jsonQuality struct {
	Points   string               `json:"points"`
	Criteria []jsonCriterionScore `json:"criteria"`
}

type jsonCriterionScore struct {
	ID     string `json:"id"`
	Score  string `json:"score"`
	Points string `json:"points"`
	Passed bool   `json:"passed"`
}

type jsonSocialValue struct {
	Points           string     `json:"points"`
	Quantitative     string     `json:"quantitative"`
	Qualitative      string     `json:"qualitative"`
	Value            string     `json:"value"`
	Weighted         *string    `json:"weighted,omitempty"`
	PerPound         string     `json:"perPound"`
	QualitativeScore *string    `json:"qualitativeScore"`
	Incomplete       string     `json:"incomplete,omitempty"`
	Commitments      []jsonLine `json:"commitments"`
}

type jsonLine struct {
	Measure  string  `json:"measure"`
	Quantity string  `json:"quantity"`
	Value    string  `json:"value"`
	Weighted *string `json:"weighted,omitempty"`
	Points   *string `json:"points,omitempty"`
}

type jsonFlag struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type jsonTie struct {
	Group     int    `json:"group"`
	DecidedBy string `json:"decidedBy,omitempty"`
}

type jsonTieGroup struct {
	Group     int      `json:"group"`
	Total     string   `json:"total"`
	Suppliers []string `json:"suppliers"`
}

// ds renders an exact value with the places it carries, as the rest of the
// module writes exact values.
func ds(d decimal.Decimal) string { return dectext.Format(d) }

func dsOpt(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return ds(d)
}

// MarshalJSON renders the result as the documented JSON document.
func (r *Result) MarshalJSON() ([]byte, error) {
	out := jsonResult{
		Tender: jsonTenderOf(r), Policy: r.Policy, PolicyFailed: r.PolicyFailed, ScoredAnyway: r.ScoredAnyway, Scored: r.Scored,
		Measures: []jsonMeasure{}, Bids: make([]jsonBid, 0, len(r.Bids)), Ties: []jsonTieGroup{},
	}
	if out.Policy == nil {
		out.Policy = []rules.Verdict{}
	}
	for _, m := range r.Measures {
		jm := jsonMeasure{ID: m.ID, Name: m.Name, Unit: string(m.Unit), Financial: m.Financial, Priority: ds(m.Priority), CarriedForward: m.CarriedForward,
			Codes: tom.CodeMap(m.Codes)}
		if m.Financial {
			jm.Proxy = &jsonProxy{Value: ds(m.Proxy.Value), Year: m.Proxy.Year.String(), Source: m.Proxy.Source, Basis: m.Proxy.Basis, Note: m.Proxy.Note()}
		}
		out.Measures = append(out.Measures, jm)
	}
	sv := r.Criteria.SocialValue
	weighted, byMeasure := sv.valuation() == Weighted, sv.method() == Measures
	for i := range r.Bids {
		out.Bids = append(out.Bids, jsonBidOf(&r.Bids[i], weighted, byMeasure))
	}
	for _, g := range r.Ties {
		jg := jsonTieGroup{Group: g.Group, Total: g.Total.String(), Suppliers: make([]string, 0, g.To-g.From)}
		for _, b := range r.Bids[g.From:g.To] {
			jg.Suppliers = append(jg.Suppliers, b.Supplier.Name)
		}
		out.Ties = append(out.Ties, jg)
	}
	return json.Marshal(out)
}

// jsonTenderOf renders the tender's part of the result: its criteria and
// the benchmarks the formulas used.
func jsonTenderOf(r *Result) jsonTender {
	c := r.Criteria
	var t jsonTender
	t.ID, t.Title, t.Year, t.Catalogue = r.TenderID, r.Title, r.Year.String(), r.Catalogue
	t.Weights = jsonWeights{ds(r.Weights.Price), ds(r.Weights.Quality), ds(r.Weights.SocialValue)}
	if r.Ranked() > 0 {
		lp, hv := ds(r.LowestPrice), ds(r.HighestSocialValue)
		t.LowestPrice, t.HighestSocialValue = &lp, &hv
	}
	for _, m := range r.MeasureScores {
		t.MeasureScores = append(t.MeasureScores, jsonMeasureScore{ID: m.ID, Unit: string(m.Unit), Weight: ds(m.Weight),
			FromPriority: m.FromPriority, Target: dsOpt(m.Target), Best: ds(m.Best), Counted: m.Counted})
	}
	t.Criteria.Price.Weight, t.Criteria.Price.Method = ds(c.Price.Weight), string(c.Price.Method)
	if c.Price.Method == Budget {
		t.Criteria.Price.Floor, t.Criteria.Price.Ceiling = ds(c.Price.Floor), ds(c.Price.Ceiling)
	}
	t.Criteria.Quality = []jsonQualityCriterion{}
	for _, q := range c.Quality {
		t.Criteria.Quality = append(t.Criteria.Quality, jsonQualityCriterion{q.ID, q.Name, ds(q.Weight), ds(q.Max), ds(q.PassMark)})
	}
	sv := &t.Criteria.SocialValue
	sv.Weight, sv.QuantitativeWeight, sv.QualitativeWeight = ds(c.SocialValue.Weight), ds(c.SocialValue.QuantitativeWeight), ds(c.SocialValue.QualitativeWeight)
	sv.Max, sv.Method, sv.Target = dsOpt(c.SocialValue.Max), string(c.SocialValue.Method), dsOpt(c.SocialValue.Target)
	sv.Valuation = string(c.SocialValue.valuation())
	sv.Measures, sv.BothPartsRequired = append([]string{}, c.SocialValue.Measures...), c.SocialValue.BothPartsRequired
	return t
}

// jsonBidOf renders one bid's scores; weighted and byMeasure say whether
// the weighted £ and the points per commitment apply.
func jsonBidOf(b *BidResult, weighted, byMeasure bool) jsonBid {
	jb := jsonBid{
		Supplier: jsonSupplier{b.Supplier.Name, b.Supplier.SME, b.Supplier.VCSE, b.Supplier.Local},
		Price:    jsonPrice{ds(b.Price.Price), b.Price.Points.String()},
		Quality:  jsonQuality{Points: b.Quality.Points.String(), Criteria: []jsonCriterionScore{}},
		SocialValue: jsonSocialValue{
			Points: b.SocialValue.Points.String(), Quantitative: b.SocialValue.Quantitative.String(),
			Qualitative: b.SocialValue.Qualitative.String(), Value: ds(b.SocialValue.Value),
			PerPound: ds(b.PerPound()), Incomplete: b.SocialValue.Incomplete, Commitments: []jsonLine{},
		},
		Total: b.Total.String(), Rank: b.Rank, Excluded: b.Excluded,
		Reasons: append([]string{}, b.Reasons...), Flags: []jsonFlag{}, Policy: b.Policy,
	}
	for _, q := range b.Quality.Criteria {
		jb.Quality.Criteria = append(jb.Quality.Criteria, jsonCriterionScore{q.ID, ds(q.Score), q.Points.String(), q.Passed})
	}
	if weighted {
		w := ds(b.SocialValue.Weighted)
		jb.SocialValue.Weighted = &w
	}
	if q := b.SocialValue.QualitativeScore; q != nil {
		s := ds(*q)
		jb.SocialValue.QualitativeScore = &s
	}
	for _, l := range b.SocialValue.Commitments {
		jl := jsonLine{Measure: l.Measure, Quantity: ds(l.Quantity), Value: ds(l.Value)}
		if weighted {
			w := ds(l.Weighted)
			jl.Weighted = &w
		}
		if byMeasure {
			p := l.Points.String()
			jl.Points = &p
		}
		jb.SocialValue.Commitments = append(jb.SocialValue.Commitments, jl)
	}
	for _, f := range b.Flags {
		jb.Flags = append(jb.Flags, jsonFlag(f))
	}
	if b.Tie != nil {
		jb.Tie = &jsonTie{Group: b.Tie.Group, DecidedBy: string(b.Tie.DecidedBy)}
	}
	return jb
}
