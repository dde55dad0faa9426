package celx

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// Field is one field of an ObjectType: its CEL name and type, and how to read
// it from the Go value the object wraps.
type Field struct {
	Name string      // the field's name in CEL expressions
	Type *types.Type // the field's CEL type
	// Get returns the field's CEL value from the wrapped Go value. It may
	// return a *types.Err.
	Get func(native any) ref.Val
	// IsSet reports presence for has(); nil means the field is always set.
	IsSet func(native any) bool
}

// ObjectType is a CEL object type backed by a Go value. Field reads are
// type-checked at compile time and resolved by the Get functions at run
// time, so no reflection happens during evaluation.
type ObjectType struct {
	name   string
	t      *types.Type
	fields map[string]*types.FieldType
	names  []string
	byName map[string]Field
}

// NewObjectType declares a CEL object type called name.
func NewObjectType(name string, fields ...Field) *ObjectType {
	o := &ObjectType{name: name, t: types.NewObjectType(name),
		fields: map[string]*types.FieldType{}, byName: map[string]Field{}}
	for _, f := range fields {
		f := f
		isSet := f.IsSet
		if isSet == nil {
			isSet = func(any) bool { return true }
		}
		o.fields[f.Name] = &types.FieldType{
			Type:  f.Type,
			IsSet: isSet,
			GetFrom: func(native any) (any, error) {
				v := f.Get(native)
				if e, ok := v.(*types.Err); ok {
					return nil, e
				}
				return v, nil
			},
		}
		o.names = append(o.names, f.Name)
		o.byName[f.Name] = f
	}
	return o
}

// CELType is the type to declare variables of this object type with.
func (o *ObjectType) CELType() *types.Type { return o.t }

// Name is the type's name.
func (o *ObjectType) Name() string { return o.name }

// FieldNames lists the fields in declaration order.
func (o *ObjectType) FieldNames() []string { return append([]string(nil), o.names...) }

// FieldType returns the CEL type of a field.
func (o *ObjectType) FieldType(name string) (*types.Type, bool) {
	f, ok := o.byName[name]
	return f.Type, ok
}

// Value wraps a Go value (as the Field functions expect it) as a CEL value.
func (o *ObjectType) Value(native any) ref.Val { return Object{&object{typ: o, native: native}} }

// Slot is storage for one object value. A caller that builds many objects
// per evaluation can embed Slots in one struct and use ValueIn, so that the
// objects cost one allocation together.
type Slot struct{ o object }

// ValueIn is Value, storing the object in s (which must outlive the value).
func (o *ObjectType) ValueIn(s *Slot, native any) ref.Val {
	s.o = object{typ: o, native: native}
	return Object{&s.o}
}

// Object is the CEL value of an ObjectType. It is pointer-shaped, so that
// it fits in an interface without a further allocation.
type Object struct{ *object }

type object struct {
	typ    *ObjectType
	native any
}

// ConvertToNative implements ref.Val.
func (v Object) ConvertToNative(t reflect.Type) (any, error) {
	if reflect.TypeOf(v.native) == t {
		return v.native, nil
	}
	return nil, fmt.Errorf("cannot convert %s to %v", v.typ.name, t)
}

// ConvertToType implements ref.Val.
func (v Object) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return v.typ.t
	}
	if t.TypeName() == v.typ.name {
		return v
	}
	return types.NewErr("type conversion error from '%s' to '%s'", v.typ.name, t.TypeName())
}

// Equal implements ref.Val: objects are equal when they wrap the same value.
func (v Object) Equal(o ref.Val) ref.Val {
	w, ok := o.(Object)
	return types.Bool(ok && (w.object == v.object || (w.typ == v.typ && w.native == v.native)))
}

// Type implements ref.Val.
func (v Object) Type() ref.Type { return v.typ.t }

// Value implements ref.Val; it returns the wrapped Go value.
func (v Object) Value() any { return v.native }

// Get implements traits.Indexer for dynamic field access.
func (v Object) Get(index ref.Val) ref.Val {
	name, ok := index.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(index)
	}
	f, ok := v.typ.byName[string(name)]
	if !ok {
		return types.NewErr("no such field '%s'", string(name))
	}
	return f.Get(v.native)
}

// IsSet implements traits.FieldTester.
func (v Object) IsSet(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	ft, ok := v.typ.fields[string(name)]
	if !ok {
		return types.NewErr("no such field '%s'", string(name))
	}
	return types.Bool(ft.IsSet(v.native))
}

// Provider adds ObjectTypes to a base type provider.
type Provider struct {
	base    types.Provider
	objects map[string]*ObjectType
}

// NewProvider returns a provider that knows objs and defers every other
// question to base (normally the environment's own provider).
func NewProvider(base types.Provider, objs ...*ObjectType) *Provider {
	p := &Provider{base: base, objects: map[string]*ObjectType{}}
	for _, o := range objs {
		p.objects[o.name] = o
	}
	return p
}

// Object returns the object type called name.
func (p *Provider) Object(name string) (*ObjectType, bool) {
	o, ok := p.objects[name]
	return o, ok
}

// EnumValue implements types.Provider.
func (p *Provider) EnumValue(name string) ref.Val { return p.base.EnumValue(name) }

// FindIdent implements types.Provider.
func (p *Provider) FindIdent(name string) (ref.Val, bool) { return p.base.FindIdent(name) }

// FindStructType implements types.Provider.
func (p *Provider) FindStructType(name string) (*types.Type, bool) {
	if o, ok := p.objects[name]; ok {
		return types.NewTypeTypeWithParam(o.t), true
	}
	return p.base.FindStructType(name)
}

// FindStructFieldNames implements types.Provider.
func (p *Provider) FindStructFieldNames(name string) ([]string, bool) {
	if o, ok := p.objects[name]; ok {
		return o.FieldNames(), true
	}
	return p.base.FindStructFieldNames(name)
}

// FindStructFieldType implements types.Provider.
func (p *Provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if o, ok := p.objects[name]; ok {
		ft, ok := o.fields[field]
		return ft, ok
	}
	return p.base.FindStructFieldType(name, field)
}

// errNoConstruct is returned when an expression tries to build an object.
var errNoConstruct = errors.New("objects of this type cannot be created in an expression")

// NewValue implements types.Provider; our objects cannot be constructed in CEL.
func (p *Provider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := p.objects[name]; ok {
		return types.NewErr("%s: %v", name, errNoConstruct)
	}
	return p.base.NewValue(name, fields)
}
