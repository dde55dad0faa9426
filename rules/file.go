package rules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/celx"
	"github.com/socialvalue-toms/toms/internal/dectext"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// ruleFile is one parsed rule-set file, before compilation.
type ruleFile struct {
	name string   // file name as given (for positions)
	src  []string // source lines, for snippets and column mapping
	doc  ruleDoc
}

// key identifies the file by name and content, so that one file reached
// twice (the default policy through extends and through Default) is used once.
func (f *ruleFile) key() string { return f.name + "\x00" + strings.Join(f.src, "\n") }

type ruleDoc struct {
	APIVersion string       `yaml:"apiVersion"`
	Kind       string       `yaml:"kind"`
	Metadata   metadataDoc  `yaml:"metadata"`
	Extends    string       `yaml:"extends"`
	Constants  *yaml.Node   `yaml:"constants"`
	Variables  []varDoc     `yaml:"variables"`
	Rules      []ruleDocEnt `yaml:"rules"`

	consts []constDoc
}

type metadataDoc struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Owner       string `yaml:"owner"`
}

type constDoc struct {
	Name        string     `yaml:"-"`
	NamePos     diag.Pos   `yaml:"-"`
	Type        *yaml.Node `yaml:"type,required"`
	Value       *yaml.Node `yaml:"value,required"`
	Override    bool       `yaml:"override"`
	Description string     `yaml:"description"`
	Pos         diag.Pos   `yaml:",pos"`
}

type varDoc struct {
	Name        string     `yaml:"name,required"`
	Expr        *yaml.Node `yaml:"expr,required"`
	Description string     `yaml:"description"`
	Pos         diag.Pos   `yaml:",pos"`
}

type ruleDocEnt struct {
	ID          string     `yaml:"id,required"`
	Description string     `yaml:"description"`
	When        *yaml.Node `yaml:"when"`
	Expr        *yaml.Node `yaml:"expr,required"`
	Severity    string     `yaml:"severity"`
	Message     string     `yaml:"message"`
	MessageExpr *yaml.Node `yaml:"messageExpr"`
	Pos         diag.Pos   `yaml:",pos"`
}

var (
	identRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	ruleIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// parseRuleFile decodes one rule-set file of at most max bytes (zero: the
// default limit). Problems are added to errs; the result is nil when the
// file cannot be used at all.
func parseRuleFile(name string, data []byte, max int64, errs *diag.List) *ruleFile {
	root, dec, err := yamlx.Open(name, data, "RuleSet", max)
	if err != nil {
		errs.Append(invalidRule(err))
		return nil
	}
	f := &ruleFile{name: name, src: strings.Split(string(data), "\n")}
	dec.Decode(root, &f.doc, "")
	if f.doc.Extends != "" && f.doc.Extends != "default" {
		dec.Errorf(yamlx.MapValue(root, "extends"), "extends", diag.ErrValue,
			"is %q; the only base policy in %s is \"default\" (the embedded council policy)", f.doc.Extends, APIVersion)
	}
	if c := f.doc.Constants; c != nil && !yamlx.IsNull(c) {
		if c.Kind != yaml.MappingNode {
			dec.Errorf(c, "constants", diag.ErrType, "expected a mapping of constant names to {type, value}")
		} else {
			seen := map[string]int{}
			for i := 0; i+1 < len(c.Content); i += 2 {
				k := c.Content[i]
				path := "constants." + k.Value
				if prev, dup := seen[k.Value]; dup {
					dec.Errorf(k, path, diag.ErrDuplicateKey, "constant %q is already defined at line %d", k.Value, prev)
					continue
				}
				seen[k.Value] = k.Line
				if !identRE.MatchString(k.Value) {
					dec.Errorf(k, path, ErrInvalidRule, "constant name %q must be letters, digits and _ and not start with a digit", k.Value)
					continue
				}
				cd := constDoc{Name: k.Value, NamePos: dec.Pos(k)}
				dec.Decode(c.Content[i+1], &cd, path)
				f.doc.consts = append(f.doc.consts, cd)
			}
		}
	}
	for i, r := range f.doc.Rules {
		if r.ID != "" && !ruleIDRE.MatchString(r.ID) {
			dec.Errorf(yamlx.MapValue(nodeAt(root, "rules", i), "id"), "rules["+strconv.Itoa(i)+"].id", ErrInvalidRule,
				"rule id %q must be letters, digits, '-', '_' and '.'", r.ID)
		}
		switch r.Severity {
		case "", "error", "warning":
		default:
			dec.Errorf(yamlx.MapValue(nodeAt(root, "rules", i), "severity"), "rules["+strconv.Itoa(i)+"].severity",
				diag.ErrValue, "is %q; write error or warning", r.Severity)
		}
	}
	for i, v := range f.doc.Variables {
		if v.Name != "" && !identRE.MatchString(v.Name) {
			dec.Errorf(yamlx.MapValue(nodeAt(root, "variables", i), "name"), "variables["+strconv.Itoa(i)+"].name",
				ErrInvalidRule, "variable name %q must be letters, digits and _ and not start with a digit", v.Name)
		}
	}
	if dec.Err() != nil {
		errs.Append(invalidRule(dec.Err()))
		return nil
	}
	return f
}

func nodeAt(root *yaml.Node, key string, i int) *yaml.Node {
	seq := yamlx.MapValue(root, key)
	if seq == nil || seq.Kind != yaml.SequenceNode || i >= len(seq.Content) {
		return nil
	}
	return seq.Content[i]
}

// constTypes are the types a constant can declare.
var constTypeNames = []string{"decimal", "money", "int", "string", "bool", "strings"}

// declaredType is the CEL type of a constant of the named type; dyn for an
// unknown type name.
func declaredType(name string) *types.Type {
	switch name {
	case "decimal":
		return celx.DecimalType
	case "money":
		return celx.MoneyType
	case "int":
		return types.IntType
	case "string":
		return types.StringType
	case "bool":
		return types.BoolType
	case "strings":
		return types.NewListType(types.StringType)
	}
	return types.DynType
}

// constValue parses a constant's value node for its declared type.
func constValue(c constDoc, file string) (*types.Type, ref.Val, string, *diag.Diagnostic) {
	n := c.Value
	at := func(format string, args ...any) *diag.Diagnostic {
		return diag.Pos{File: file, Line: n.Line, Column: n.Column}.At("constants."+c.Name+".value", ErrInvalidRule, format, args...)
	}
	typ := c.Type.Value
	if typ == "strings" {
		if n.Kind != yaml.SequenceNode {
			return nil, nil, "", at("expected a list of text for type strings")
		}
		var ss []string
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
				return nil, nil, "", at("every element of a strings constant must be text")
			}
			ss = append(ss, e.Value)
		}
		return types.NewListType(types.StringType), types.NewStringList(types.DefaultTypeAdapter, ss),
			"[" + strings.Join(ss, ", ") + "]", nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return nil, nil, "", at("expected a single value for type %s", typ)
	}
	s := n.Value
	switch typ {
	case "decimal", "money":
		d, err := dectext.Parse(s)
		if err != nil {
			return nil, nil, "", at("%v", err)
		}
		if typ == "money" {
			return celx.MoneyType, celx.NewMoney(d), celx.FormatMoney(d), nil
		}
		return celx.DecimalType, celx.NewDecimal(d), celx.FormatDecimal(d), nil
	case "int":
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || (len(s) > 1 && s[0] == '0') {
			return nil, nil, "", at("%q is not a whole number", s)
		}
		return types.IntType, types.Int(i), s, nil
	case "string":
		return types.StringType, types.String(s), s, nil
	case "bool":
		switch s {
		case "true":
			return types.BoolType, types.True, s, nil
		case "false":
			return types.BoolType, types.False, s, nil
		}
		return nil, nil, "", at("%q is not true or false", s)
	}
	d := diag.Pos{File: file, Line: c.Type.Line, Column: c.Type.Column}.At("constants."+c.Name+".type", ErrInvalidRule,
		"unknown type %q; write one of %s", typ, strings.Join(constTypeNames, ", "))
	if s := diag.Suggest(typ, constTypeNames); s != "" {
		d.Message += "; did you mean " + strconv.Quote(s) + "?"
	}
	return nil, nil, "", d
}
