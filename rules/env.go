package rules

import (
	"fmt"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/shopspring/decimal"

	"github.com/socialvalue-toms/toms/internal/celx"
)

// APIVersion is the rule vocabulary version this package reads. A rule file
// names it in its apiVersion; a later vocabulary gets a new version, and
// files that name this one keep compiling against the vocabulary below.
const APIVersion = "toms/v1"

// libraryVersions maps each rule vocabulary version to the version of the
// decimal and money library it is built with (celx.Library), as
// Kubernetes pins a CEL library version per environment version. The
// toms/v1 function list is frozen by a test (testdata/vocabulary/toms-v1.txt).
var libraryVersions = map[string]int{APIVersion: 1}

// Bounds that keep evaluation finite whatever a rule author writes. The
// worst-case cost of every expression is estimated when the set is loaded,
// assuming inputs within MaxListLen and MaxStringLen; Check rejects inputs
// outside them, so the estimate holds at run time. One unit of cost is
// roughly one CEL operation (a comparison, a field read, one loop step).
const (
	// MaxListLen bounds the length of any list in an input (measures,
	// waivers) and of any list a variable computes.
	MaxListLen = 1000
	// MaxStringLen bounds the length in characters of any string in an
	// input, and of any string a variable computes.
	MaxStringLen = 10_000
	// MaxRuleCost bounds the worst-case cost of one expression (a rule's
	// when, expr or messageExpr, or a variable).
	MaxRuleCost = 1_000_000
	// MaxSetCost bounds the worst-case cost of evaluating a whole set once
	// (every variable and every rule expression).
	MaxSetCost = 10_000_000
	// maxExprLen bounds the length of one expression's text.
	maxExprLen = 8192
)

// vocab is one version of the CEL environment: the declared variables and
// their object types. It is immutable once built, so each version is built
// once per process (vocabFor) and shared by every Load.
type vocab struct {
	env                                    *cel.Env
	tender, weights, split, waiver, bidObj *celx.ObjectType
	provider                               *celx.Provider
	topLevel                               []string
}

// vocabs caches the vocabulary of each apiVersion: building one takes
// about a third of a millisecond, as much as compiling a small rule file.
var vocabs sync.Map // apiVersion -> *vocabOnce

type vocabOnce struct {
	once sync.Once
	v    *vocab
	err  error
}

// vocabFor returns the vocabulary of apiVersion, built on first use.
func vocabFor(apiVersion string) (*vocab, error) {
	e, _ := vocabs.LoadOrStore(apiVersion, &vocabOnce{})
	vo := e.(*vocabOnce)
	vo.once.Do(func() { vo.v, vo.err = newVocab(apiVersion) })
	return vo.v, vo.err
}

// newVocab builds the CEL environment of apiVersion: the library of that
// version, and the object types tender and bid (with the nested weights,
// social-value split and waivers) that rules read.
func newVocab(apiVersion string) (*vocab, error) {
	lv, ok := libraryVersions[apiVersion]
	if !ok {
		return nil, fmt.Errorf("apiVersion %q is not supported; this version reads %q", apiVersion, APIVersion)
	}
	base, err := cel.NewEnv(
		celx.Library(lv),
		cel.DefaultUTCTimeZone(true),
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.ParserExpressionSizeLimit(maxExprLen),
	)
	if err != nil {
		return nil, err
	}
	v := &vocab{}
	v.weights = celx.NewObjectType("toms.Weights",
		decField("price", func(w *Weights) *decimal.Decimal { return &w.Price }),
		decField("quality", func(w *Weights) *decimal.Decimal { return &w.Quality }),
		decField("socialValue", func(w *Weights) *decimal.Decimal { return &w.SocialValue }),
	)
	v.split = celx.NewObjectType("toms.SocialValue",
		decField("quantitative", func(s *SocialValue) *decimal.Decimal { return &s.Quantitative }),
		decField("qualitative", func(s *SocialValue) *decimal.Decimal { return &s.Qualitative }),
		strField("method", func(s *SocialValue) string { return s.Method }),
		decField("target", func(s *SocialValue) *decimal.Decimal { return &s.Target }),
	)
	v.waiver = celx.NewObjectType("toms.Waiver",
		strField("rule", func(w *Waiver) string { return w.Rule }),
		strField("reason", func(w *Waiver) string { return w.Reason }),
		strField("approvedBy", func(w *Waiver) string { return w.ApprovedBy }),
		strField("supplier", func(w *Waiver) string { return w.Supplier }),
		celx.Field{Name: "date", Type: types.TimestampType, Get: func(n any) ref.Val {
			return types.Timestamp{Time: n.(*Waiver).Date}
		}},
	)
	v.tender = tenderType(v.weights, v.split, v.waiver)
	v.bidObj = bidType()
	v.provider = celx.NewProvider(base.CELTypeProvider(), v.tender, v.weights, v.split, v.waiver, v.bidObj)
	v.env, err = base.Extend(
		cel.CustomTypeProvider(v.provider),
		cel.Variable("tender", v.tender.CELType()),
		cel.Variable("bid", v.bidObj.CELType()),
		cel.Variable("now", types.TimestampType),
	)
	if err != nil {
		return nil, err
	}
	v.topLevel = []string{"tender", "bid", "now", "constants", "variables"}
	return v, nil
}

// tenderType is the CEL object tender. It wraps a *tenderState, which keeps
// the nested objects and lists it has built, so that each is built once per
// Check; weights, split and waiver are the nested objects' types.
func tenderType(weights, split, waiver *celx.ObjectType) *celx.ObjectType {
	tstr := func(name string, get func(t *Tender) string) celx.Field {
		return celx.Field{Name: name, Type: types.StringType, Get: func(n any) ref.Val { return types.String(get(n.(*tenderState).t)) }}
	}
	return celx.NewObjectType("toms.Tender",
		tstr("id", func(t *Tender) string { return t.ID }),
		tstr("title", func(t *Tender) string { return t.Title }),
		tstr("contractType", func(t *Tender) string { return t.ContractType }),
		tstr("category", func(t *Tender) string { return t.Category }),
		tstr("route", func(t *Tender) string { return t.Route }),
		celx.Field{Name: "value", Type: celx.MoneyType, Get: func(n any) ref.Val { return celx.MoneyAt(&n.(*tenderState).t.Value) }},
		celx.Field{Name: "weights", Type: weights.CELType(), Get: func(n any) ref.Val {
			ts := n.(*tenderState)
			if ts.weights == nil {
				ts.weights = weights.ValueIn(&ts.slots[0], &ts.t.Weights)
			}
			return ts.weights
		}},
		celx.Field{Name: "socialValue", Type: split.CELType(), Get: func(n any) ref.Val {
			ts := n.(*tenderState)
			if ts.split == nil {
				ts.split = split.ValueIn(&ts.slots[1], &ts.t.SocialValue)
			}
			return ts.split
		}},
		celx.Field{Name: "measures", Type: types.NewListType(types.StringType), Get: func(n any) ref.Val {
			ts := n.(*tenderState)
			if ts.measures == nil {
				ts.measures = types.NewStringList(types.DefaultTypeAdapter, ts.t.Measures)
			}
			return ts.measures
		}},
		celx.Field{Name: "framework", Type: weights.CELType(),
			Get: func(n any) ref.Val {
				ts := n.(*tenderState)
				if ts.t.Framework == nil {
					return types.NewErr("tender.framework is not set; guard the rule with has(tender.framework)")
				}
				if ts.framework == nil {
					ts.framework = weights.ValueIn(&ts.slots[2], ts.t.Framework)
				}
				return ts.framework
			},
			IsSet: func(n any) bool { return n.(*tenderState).t.Framework != nil }},
		celx.Field{Name: "waivers", Type: types.NewListType(waiver.CELType()), Get: func(n any) ref.Val {
			ts := n.(*tenderState)
			if ts.waivers == nil {
				ws := ts.t.Waivers
				vals := make([]ref.Val, len(ws))
				for i := range ws {
					vals[i] = waiver.Value(&ws[i])
				}
				ts.waivers = types.NewRefValList(types.DefaultTypeAdapter, vals)
			}
			return ts.waivers
		}},
	)
}

// bidType is the CEL object bid, which wraps a *Bid.
func bidType() *celx.ObjectType {
	return celx.NewObjectType("toms.Bid",
		strField("supplier", func(b *Bid) string { return b.Supplier }),
		boolField("sme", func(b *Bid) bool { return b.SME }),
		boolField("vcse", func(b *Bid) bool { return b.VCSE }),
		boolField("local", func(b *Bid) bool { return b.Local }),
		celx.Field{Name: "price", Type: celx.MoneyType, Get: func(n any) ref.Val { return celx.MoneyAt(&n.(*Bid).Price) }},
		celx.Field{Name: "socialValue", Type: celx.MoneyType, Get: func(n any) ref.Val { return celx.MoneyAt(&n.(*Bid).SocialValue) }},
		celx.Field{Name: "measures", Type: types.NewListType(types.StringType), Get: func(n any) ref.Val {
			return types.NewStringList(types.DefaultTypeAdapter, n.(*Bid).Measures)
		}},
	)
}

// tenderState is what the tender object wraps during one Check.
type tenderState struct {
	t                                            *Tender
	weights, split, framework, measures, waivers ref.Val
	slots                                        [4]celx.Slot // weights, split, framework, the tender itself
}

func decField[T any](name string, get func(*T) *decimal.Decimal) celx.Field {
	return celx.Field{Name: name, Type: celx.DecimalType, Get: func(n any) ref.Val { return celx.DecimalAt(get(n.(*T))) }}
}

func strField[T any](name string, get func(*T) string) celx.Field {
	return celx.Field{Name: name, Type: types.StringType, Get: func(n any) ref.Val { return types.String(get(n.(*T))) }}
}

func boolField[T any](name string, get func(*T) bool) celx.Field {
	return celx.Field{Name: name, Type: types.BoolType, Get: func(n any) ref.Val { return types.Bool(get(n.(*T))) }}
}
