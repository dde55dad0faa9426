package rules

import (
	"time"

	"github.com/shopspring/decimal"
)

// Tender is what a rule sees as the variable `tender`: the facts about one
// procurement that the council's policy is about. Money is GBP, excluding VAT;
// weights are percentage points of the total evaluation score (they sum to 100).
//
// evaluate.Tender (the tender file) converts itself into this type; rule tests
// decode their inputs straight into it.
type Tender struct {
	ID           string          `yaml:"id"`           // the council's reference for the procurement
	Title        string          `yaml:"title"`        // human-readable name of the procurement
	ContractType string          `yaml:"contractType"` // contract, framework, dps or call-off
	Category     string          `yaml:"category"`     // what is bought, free text such as works
	Route        string          `yaml:"route"`        // procurement route, e.g. open, restricted, direct-award
	Value        decimal.Decimal `yaml:"value"`        // estimated total value, £ excluding VAT
	Weights      Weights         `yaml:"weights"`      // the evaluation weights
	SocialValue  SocialValue     `yaml:"socialValue"`  // how the social value weight is split and scored
	Measures     []string        `yaml:"measures"`     // measure ids bidders may commit to
	// Framework holds the parent framework's weights for a call-off, so a rule
	// can require a call-off to inherit them. Nil when there is no parent.
	Framework *Weights `yaml:"framework"`
	Waivers   []Waiver `yaml:"waivers"` // approved exemptions from rules; nil for none
}

// Weights are the evaluation weights in percentage points of the total score.
type Weights struct {
	Price       decimal.Decimal `yaml:"price"`       // weight of the price score
	Quality     decimal.Decimal `yaml:"quality"`     // weight of the quality score
	SocialValue decimal.Decimal `yaml:"socialValue"` // weight of the social value score, both parts together
}

// SocialValue is how the social value weight is split between the
// quantitative part (£ proxy value of commitments) and the qualitative part
// (the scored method statement). The two should add up to Weights.SocialValue.
type SocialValue struct {
	Quantitative decimal.Decimal `yaml:"quantitative"` // percentage points for the £ proxy value of commitments
	Qualitative  decimal.Decimal `yaml:"qualitative"`  // percentage points for the method statement
	Method       string          `yaml:"method"`       // highest or target
	Target       decimal.Decimal `yaml:"target"`       // £ social value per £ of price, for method target
}

// Waiver records an approved exemption from one rule for one tender, for
// example when the 10% social value floor is impractical. A waiver of a
// rule about bids may name a Supplier: it then applies to that supplier's
// bid only; without one it applies to every bid.
type Waiver struct {
	Rule       string    `yaml:"rule"`       // id of the rule waived
	Reason     string    `yaml:"reason"`     // why the rule does not apply; required
	ApprovedBy string    `yaml:"approvedBy"` // who approved the waiver; required
	Date       time.Time `yaml:"date"`       // the day it was approved; required
	Supplier   string    `yaml:"supplier"`   // the one bid it applies to; "" for every bid
}

// Bid is what a rule sees as the variable `bid`, for rules about bids.
type Bid struct {
	Supplier    string          `yaml:"supplier"`    // the bidder's name
	SME         bool            `yaml:"sme"`         // the bidder is a small or medium-sized enterprise
	VCSE        bool            `yaml:"vcse"`        // the bidder is a voluntary, community or social enterprise
	Local       bool            `yaml:"local"`       // the bidder is based in the council's area
	Price       decimal.Decimal `yaml:"price"`       // £ excluding VAT
	SocialValue decimal.Decimal `yaml:"socialValue"` // £ proxy value of the commitments
	Measures    []string        `yaml:"measures"`    // measure ids committed to
}
