package rules

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
)

var updateVocabulary = flag.Bool("update-vocabulary", false, "rewrite testdata/vocabulary/*.txt (only when adding a new apiVersion)")

// The toms/v1 vocabulary is frozen: every function and overload a rule can
// call, with its signature. A change here breaks rule files that teams have
// written; add a new apiVersion (and library version) instead.
func TestVocabularyIsFrozen(t *testing.T) {
	for api := range libraryVersions {
		v, err := newVocab(api)
		require.NoError(t, err)
		var lines []string
		for name, fn := range v.env.Functions() {
			for _, o := range fn.OverloadDecls() {
				var args []string
				for _, a := range o.ArgTypes() {
					args = append(args, a.String())
				}
				kind := "global"
				if o.IsMemberFunction() {
					kind = "member"
				}
				lines = append(lines, fmt.Sprintf("%s %s %s(%s) %s", name, o.ID(), kind, strings.Join(args, ", "), o.ResultType()))
			}
		}
		vars := append([]string(nil), v.topLevel...)
		for _, o := range []interface {
			Name() string
			FieldNames() []string
		}{v.tender, v.weights, v.split, v.waiver, v.bidObj} {
			for _, f := range o.FieldNames() {
				vars = append(vars, fmt.Sprintf("field %s.%s", o.Name(), f))
			}
		}
		sort.Strings(lines)
		sort.Strings(vars)
		got := "# The " + api + " rule vocabulary. Frozen: see TestVocabularyIsFrozen.\n" +
			strings.Join(vars, "\n") + "\n" + strings.Join(lines, "\n") + "\n"
		path := "testdata/vocabulary/" + strings.ReplaceAll(api, "/", "-") + ".txt"
		if *updateVocabulary {
			require.NoError(t, os.MkdirAll("testdata/vocabulary", 0o755))
			require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), got, "the %s vocabulary changed; it is frozen: add a new apiVersion instead", api)
	}
}

// Every text and list in the input is bounded by Check, so that the static
// cost estimate holds: found by walking the Go types, so a field added
// later without a bound fails here.
func TestEveryInputFieldIsBounded(t *testing.T) {
	set, err := Default()
	require.NoError(t, err)
	long := strings.Repeat("x", MaxStringLen+1)
	var paths []string
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		switch typ.Kind() {
		case reflect.Pointer:
			walk(path, typ.Elem())
		case reflect.String:
			paths = append(paths, path)
		case reflect.Slice:
			paths = append(paths, path+"[]")
			walk(path+"[0]", typ.Elem())
		case reflect.Struct:
			if typ == reflect.TypeOf(decimal.Decimal{}) || typ.PkgPath() == "time" {
				return
			}
			for i := 0; i < typ.NumField(); i++ {
				name, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
				walk(path+"."+name, typ.Field(i).Type)
			}
		}
	}
	walk("tender", reflect.TypeOf(Tender{}))
	walk("bid", reflect.TypeOf(Bid{}))
	require.NotEmpty(t, paths)
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			in := Input{Tender: &Tender{}, Bid: &Bid{}}
			root := reflect.ValueOf(in.Tender).Elem()
			rest := strings.TrimPrefix(p, "tender.")
			if strings.HasPrefix(p, "bid.") {
				root, rest = reflect.ValueOf(in.Bid).Elem(), strings.TrimPrefix(p, "bid.")
			}
			setOversize(t, root, strings.Split(rest, "."), long)
			_, err := set.Check(context.Background(), in, CheckOptions{})
			require.Error(t, err, "nothing bounds %s", p)
			assert.True(t, errors.Is(err, ErrInput))
			var d *diag.Diagnostic
			require.True(t, errors.As(err, &d))
			want := strings.TrimSuffix(strings.ReplaceAll(p, "[]", ""), "")
			assert.Equal(t, want, strings.TrimSuffix(d.Field, ""), "the error names the field")
		})
	}
}

// setOversize sets the field at path under v to a text over MaxStringLen,
// or (for "name[]") a list over MaxListLen; "name[0]" is a list of one.
func setOversize(t *testing.T, v reflect.Value, path []string, long string) {
	for len(path) > 0 {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		seg := path[0]
		name, idx, _ := strings.Cut(seg, "[")
		var f reflect.Value
		for i := 0; i < v.NumField(); i++ {
			if n, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); n == name {
				f = v.Field(i)
			}
		}
		require.True(t, f.IsValid(), "no field %s", name)
		switch idx {
		case "]":
			f.Set(reflect.MakeSlice(f.Type(), MaxListLen+1, MaxListLen+1))
			return
		case "0]":
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			v = f.Index(0)
		default:
			v = f
		}
		path = path[1:]
	}
	if v.Kind() == reflect.Pointer {
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	v.SetString(long)
}
