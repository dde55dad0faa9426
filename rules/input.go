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
	ID           string          `yaml:"id"`
	Title        string          `yaml:"title"`
	ContractType string          `yaml:"contractType"` // contract, framework, dps or call-off
	Category     string          `yaml:"category"`
	Route        string          `yaml:"route"` // procurement route, e.g. open, restricted, direct-award
	Value        decimal.Decimal `yaml:"value"` // estimated total value, £ excluding VAT
	Weights      Weights         `yaml:"weights"`
	SocialValue  SocialValue     `yaml:"socialValue"`
	Measures     []string        `yaml:"measures"` // measure ids bidders may commit to
	// Framework holds the parent framework's weights for a call-off, so a rule
	// can require a call-off to inherit them. Nil when there is no parent.
	Framework *Weights `yaml:"framework"`
	Waivers   []Waiver `yaml:"waivers"`
}

// Weights are the evaluation weights in percentage points of the total score.
type Weights struct {
	Price       decimal.Decimal `yaml:"price"`
	Quality     decimal.Decimal `yaml:"quality"`
	SocialValue decimal.Decimal `yaml:"socialValue"`
}

// SocialValue is how the social value weight is split between the
// quantitative part (£ proxy value of commitments) and the qualitative part
// (the scored method statement). The two should add up to Weights.SocialValue.
type SocialValue struct {
	Quantitative decimal.Decimal `yaml:"quantitative"`
	Qualitative  decimal.Decimal `yaml:"qualitative"`
	Method       string          `yaml:"method"` // highest or target
	Target       decimal.Decimal `yaml:"target"` // £ social value per £ of price, for method target
}

// Waiver records an approved exemption from one rule for one tender, for
// example when the 10% social value floor is impractical. A waiver of a
// rule about bids may name a Supplier: it then applies to that supplier's
// bid only; without one it applies to every bid.
type Waiver struct {
	Rule       string    `yaml:"rule"`
	Reason     string    `yaml:"reason"`
	ApprovedBy string    `yaml:"approvedBy"`
	Date       time.Time `yaml:"date"`
	Supplier   string    `yaml:"supplier"`
}

// Bid is what a rule sees as the variable `bid`, for rules about bids.
type Bid struct {
	Supplier    string          `yaml:"supplier"`
	SME         bool            `yaml:"sme"`
	VCSE        bool            `yaml:"vcse"`
	Local       bool            `yaml:"local"`
	Price       decimal.Decimal `yaml:"price"`       // £ excluding VAT
	SocialValue decimal.Decimal `yaml:"socialValue"` // £ proxy value of the commitments
	Measures    []string        `yaml:"measures"`    // measure ids committed to
}
