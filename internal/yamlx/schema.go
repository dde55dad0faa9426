package yamlx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
)

// DecimalPattern is the text of a decimal number every loader accepts (see
// internal/dectext), for JSON Schemas: a number may also be written as a
// JSON number.
const DecimalPattern = `^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`

// YearPattern is a financial year written 2024/25.
const YearPattern = `^[0-9]{4}/[0-9]{2}$`

// DatePattern is a date (YYYY-MM-DD) or an RFC 3339 time, as ParseTime reads.
const DatePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$`

// SchemaOptions describes what the struct tags cannot: the parts of a file
// a loader decodes by hand from a raw *yaml.Node, and types read by a Hook.
type SchemaOptions struct {
	// Fields gives the schema of a struct field, by "Type.Field" (the Go
	// names: "measureFile.Proxies"), in place of the one its type implies.
	// Every field of type *yaml.Node, or a map or slice of them, needs one.
	Fields map[string]map[string]any
	// Types gives the schema of a type a Hook decodes.
	Types map[reflect.Type]map[string]any
	// Keys gives the pattern of the keys of a map field, by "Type.Field".
	Keys map[string]string
}

// Schema returns a JSON Schema (draft 2020-12 vocabulary) for a value that
// Decoder decodes into type t, derived from the same struct tags Decoder
// reads: `yaml:"name"` properties, ",required" in required, ",pos" and ",at"
// fields left out, and unknown properties rejected. A value that Decoder
// takes as missing when it is null (an optional string, pointer, list,
// mapping, or a struct with no required field) may be null. A type it
// cannot describe (a raw *yaml.Node field without SchemaOptions.Fields) is
// an error, so that a new raw field cannot go unnoticed.
func Schema(t reflect.Type, opts SchemaOptions) (s map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, ok := r.(schemaProblem)
			if !ok {
				panic(r)
			}
			s, err = nil, errors.New(string(msg))
		}
	}()
	return schemaOf(t, opts, t.String(), false), nil
}

// schemaProblem is what schemaOf panics with, and Schema returns as an error.
type schemaProblem string

// DocumentSchema returns the JSON Schema of a whole file of the given kind,
// decoded into t: Schema of t, with apiVersion and kind fixed and required.
func DocumentSchema(kind, title, description string, t reflect.Type, opts SchemaOptions) (map[string]any, error) {
	s, err := Schema(t, opts)
	if err != nil {
		return nil, err
	}
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		return nil, fmt.Errorf("yamlx: %s is not a struct", t)
	}
	props["apiVersion"] = map[string]any{"const": APIVersion, "description": "file format version"}
	props["kind"] = map[string]any{"const": kind, "description": "what the file holds"}
	req, _ := s["required"].([]string)
	s["required"] = append([]string{"apiVersion", "kind"}, withoutHeader(req)...)
	s["type"] = "object"
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = title
	s["description"] = description
	return s, nil
}

func withoutHeader(req []string) []string {
	var out []string
	for _, r := range req {
		if r != "apiVersion" && r != "kind" {
			out = append(out, r)
		}
	}
	return out
}

func schemaOf(t reflect.Type, opts SchemaOptions, where string, nullable bool) map[string]any {
	if s, ok := opts.Types[t]; ok {
		return copyMap(s)
	}
	if t == nodePtrType {
		panic(schemaProblem(fmt.Sprintf("yamlx: %s is a raw *yaml.Node: describe it in SchemaOptions.Fields", where)))
	}
	var s map[string]any
	switch t {
	case decimalType:
		s = map[string]any{"type": []any{"number", "string"}, "pattern": DecimalPattern}
	case timeType:
		s = map[string]any{"type": "string", "pattern": DatePattern}
	default:
		switch t.Kind() {
		case reflect.Pointer:
			return schemaOf(t.Elem(), opts, where, nullable)
		case reflect.String:
			s = map[string]any{"type": "string"}
		case reflect.Bool:
			s = map[string]any{"type": "boolean"}
		case reflect.Int, reflect.Int64, reflect.Int32:
			s = map[string]any{"type": "integer"}
		case reflect.Slice:
			s = map[string]any{"type": "array", "items": schemaOf(t.Elem(), opts, where+"[]", false)}
		case reflect.Map:
			if t.Key().Kind() != reflect.String {
				panic(schemaProblem(fmt.Sprintf("yamlx: %s: map keys must be strings", where)))
			}
			s = map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), opts, where+"{}", false)}
		case reflect.Struct:
			s = structSchema(t, opts)
			if _, ok := s["required"]; ok {
				nullable = false
			}
		default:
			panic(schemaProblem(fmt.Sprintf("yamlx: %s: cannot describe %s", where, t)))
		}
	}
	if nullable {
		s["type"] = withNull(s["type"])
	}
	return s
}

func structSchema(t reflect.Type, opts SchemaOptions) map[string]any {
	byName, names, _, _ := fields(t)
	props := map[string]any{}
	var required []string
	for _, name := range names {
		f := byName[name]
		sf := t.Field(f.index)
		key := t.Name() + "." + sf.Name
		var s map[string]any
		if fs, ok := opts.Fields[key]; ok {
			s = copyMap(fs)
		} else {
			k := sf.Type.Kind()
			nullable := !f.required && (k == reflect.Pointer || k == reflect.String || k == reflect.Slice || k == reflect.Map || k == reflect.Struct) &&
				sf.Type != decimalType && sf.Type != timeType
			if _, hooked := opts.Types[sf.Type]; hooked {
				nullable = false
			}
			s = schemaOf(sf.Type, opts, key, nullable)
		}
		if p, ok := opts.Keys[key]; ok {
			s["propertyNames"] = map[string]any{"pattern": p}
		}
		props[name] = s
		if f.required {
			required = append(required, name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func withNull(t any) any {
	switch v := t.(type) {
	case string:
		return []any{v, "null"}
	case []any:
		for _, x := range v {
			if x == "null" {
				return v
			}
		}
		return append(append([]any(nil), v...), "null")
	}
	return t
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ModelinePrefix starts the comment that tells editors (the YAML language
// server used by VS Code and others) which JSON Schema a file follows:
//
//	# yaml-language-server: $schema=../../schema/Tender.json
const ModelinePrefix = "# yaml-language-server: $schema="

// SchemaJSON renders a schema as the files in schema/ hold it: indented,
// keys sorted, with a final newline.
func SchemaJSON(s map[string]any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic(err) // maps of JSON values only
	}
	return b.Bytes()
}

// SchemaDoc is one schema file.
type SchemaDoc struct {
	Kind        string       // the document's kind, and the file's name
	Title       string       // the schema's title
	Description string       // what the document is, and where it is documented
	Type        reflect.Type // the type its loader decodes into
}

// SyncSchemaFiles builds the schema of each doc with opts and compares it
// with dir/KIND.json, or with update rewrites the file (SyncSchemaFile). It
// returns the problems of every file, joined.
func SyncSchemaFiles(dir string, docs []SchemaDoc, opts SchemaOptions, update bool) error {
	var errs []error
	for _, d := range docs {
		s, err := DocumentSchema(d.Kind, d.Title, d.Description, d.Type, opts)
		errs = append(errs, SyncSchemaFile(filepath.Join(dir, d.Kind+".json"), s, err, update))
	}
	return errors.Join(errs...)
}

// MustSchema is Schema of v's type; it panics when the type cannot be
// described, for schemas built by tests and go generate, where that is a
// mistake in the code.
func MustSchema(v any, opts SchemaOptions) map[string]any {
	s, err := Schema(reflect.TypeOf(v), opts)
	if err != nil {
		panic(err)
	}
	return s
}

// SyncSchemaFile compares a generated schema (s, or the error making it)
// with the file at path, or with update rewrites the file. It returns an
// error saying how to regenerate when they differ.
func SyncSchemaFile(path string, s map[string]any, err error, update bool) error {
	if err != nil {
		return err
	}
	want := SchemaJSON(s)
	if update {
		return os.WriteFile(path, want, 0o644)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w; run go generate ./schema", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s is out of date with the loader's types; run go generate ./schema", path)
	}
	return nil
}
