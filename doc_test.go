package toms_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportedNamesDocumented keeps the promise that every exported name in
// the library has a doc comment: it reads each non-test, non-main package.
func TestExportedNamesDocumented(t *testing.T) {
	dirs := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range dirs {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for name, pkg := range pkgs {
			if name == "main" {
				continue
			}
			p := doc.New(pkg, dir, 0)
			if strings.TrimSpace(p.Doc) == "" {
				t.Errorf("%s: package %s has no package comment", dir, name)
			}
			check := func(kind, n, d string, pos token.Pos) {
				if ast.IsExported(n) && strings.TrimSpace(d) == "" {
					t.Errorf("%s: %s %s has no doc comment", fset.Position(pos), kind, n)
				}
			}
			for _, f := range p.Funcs {
				check("func", f.Name, f.Doc, f.Decl.Pos())
			}
			for _, v := range append(p.Consts, p.Vars...) {
				if strings.TrimSpace(v.Doc) != "" {
					continue
				}
				for _, spec := range v.Decl.Specs {
					vs := spec.(*ast.ValueSpec)
					for _, id := range vs.Names {
						if ast.IsExported(id.Name) && vs.Doc == nil && vs.Comment == nil {
							t.Errorf("%s: %s has no doc comment", fset.Position(id.Pos()), id.Name)
						}
					}
				}
			}
			for _, ty := range p.Types {
				check("type", ty.Name, ty.Doc, ty.Decl.Pos())
				checkFields(t, fset, ty)
				for _, f := range ty.Funcs {
					check("func", f.Name, f.Doc, f.Decl.Pos())
				}
				for _, m := range ty.Methods {
					check("method", ty.Name+"."+m.Name, m.Doc, m.Decl.Pos())
				}
			}
		}
	}
}

// checkFields reports each exported field of the exported struct type ty that
// has neither a doc comment nor a line comment. A comment on a line that names
// several fields covers them all; embedded fields need none.
func checkFields(t *testing.T, fset *token.FileSet, ty *doc.Type) {
	t.Helper()
	if !ast.IsExported(ty.Name) {
		return
	}
	for _, spec := range ty.Decl.Specs {
		ts, ok := spec.(*ast.TypeSpec)
		if !ok || ts.Name.Name != ty.Name {
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		for _, f := range st.Fields.List {
			if len(f.Names) == 0 || f.Doc != nil || f.Comment != nil {
				continue
			}
			for _, id := range f.Names {
				if ast.IsExported(id.Name) {
					t.Errorf("%s: field %s.%s has no doc comment", fset.Position(id.Pos()), ty.Name, id.Name)
				}
			}
		}
	}
}
