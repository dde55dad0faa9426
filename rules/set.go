package rules

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// Set is a compiled rule set: the rules of one or more RuleSet files with
// their constants and variables, compiled once. A Set is immutable; every
// method is safe for concurrent use by any number of goroutines.
type Set struct {
	files  []*ruleFile
	vocab  *vocab
	rules  []*rule
	byID   map[string]*rule
	vars   []*variable
	varIdx map[string]int
	consts []Constant
	cost   uint64
	acts   sync.Pool // of *activation, reused between Checks
	// bidRules counts the rules that read bid.
	bidRules int

	withDefault    sync.Once // computes withDefaultSet, withDefaultErr once
	withDefaultSet *Set
	withDefaultErr error
}

// Rule describes one compiled rule.
type Rule struct {
	ID          string   // identifier, unique in the set (including the sets it extends)
	Description string   // what the rule is for; may be empty
	Severity    Severity // error (the default) or warning
	Message     string   // the static message, shown when the rule fails
	When        string   // CEL source of the applicability condition; "" means always
	Expr        string   // CEL source of the rule
	MessageExpr string   // CEL source of the computed message, or ""
	Pos         diag.Pos // where the rule is defined
	Set         string   // metadata.name of the file that defines it
	AboutBid    bool     // the rule reads bid (directly or through a variable)
	Cost        uint64   // static worst-case cost of when + expr + messageExpr
}

// Constant describes one constant of a set, after overrides.
type Constant struct {
	Name        string   // used in rules as constants.NAME
	Type        string   // decimal, money, int, string, bool or strings
	Value       string   // the value as text (money as "£100,000.00")
	Description string   // what the constant is for; may be empty
	Pos         diag.Pos // where the value in effect is defined
	Set         string   // metadata.name of the file that defines it
}

// Rules returns the rules in file order.
func (s *Set) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.Rule
	}
	return out
}

// Rule returns the rule with the given id.
func (s *Set) Rule(id string) (Rule, bool) {
	r, ok := s.byID[id]
	if !ok {
		return Rule{}, false
	}
	return r.Rule, true
}

// ReadsBids reports whether any rule of the set reads bid (Rule.AboutBid),
// that is, whether bids need checking one by one.
func (s *Set) ReadsBids() bool { return s.bidRules > 0 }

// Constants returns the constants in effect, in definition order.
func (s *Set) Constants() []Constant { return append([]Constant(nil), s.consts...) }

// Cost is the static worst-case cost of evaluating the whole set once
// (every variable and rule expression), at most MaxSetCost.
func (s *Set) Cost() uint64 { return s.cost }

//go:embed policy/*.yaml
var policyFS embed.FS

// defaultPrefix names the embedded policy files in positions.
const defaultPrefix = "default/"

// Default returns the council's default policy, embedded in the module
// (rules/policy/social-value.yaml): social value must carry at least
// constants.floor points (10) of the 100 on every contract or framework
// whose value, excluding VAT, is strictly over constants.threshold
// (£100,000.00); the weights must sum to 100; and the social value split
// must add up to the social value weight. A RuleSet file that says
// `extends: default` is compiled together with it and may override its
// constants.
func Default() (*Set, error) {
	var errs diag.List
	files := defaultFiles(&errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return compileFiles(files)
}

// DefaultFS returns the embedded default policy files, with their tests
// (social-value.yaml, social-value_test.yaml), for RunTests or for copying.
func DefaultFS() fs.FS {
	sub, err := fs.Sub(policyFS, "policy")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}

func defaultFiles(errs *diag.List) []*ruleFile {
	entries, _ := fs.ReadDir(policyFS, "policy")
	var files []*ruleFile
	for _, e := range entries {
		if isTestFile(e.Name()) {
			continue
		}
		data, err := policyFS.ReadFile("policy/" + e.Name())
		if err != nil {
			errs.Append(err)
			continue
		}
		if f := parseRuleFile(defaultPrefix+e.Name(), data, 0, errs); f != nil {
			files = append(files, f)
		}
	}
	return files
}

// ReadOptions tune reading rule-set and rule-test files.
type ReadOptions struct {
	// MaxBytes is the size limit of one file, in bytes; zero means the
	// default, 4 MiB. A larger file is an error matching diag.ErrTooLarge.
	MaxBytes int64
}

// Parse compiles one RuleSet file held in memory; name is used in positions.
// A file that says `extends: default` is compiled with the default policy.
// The file may be at most 4 MiB (see Read to raise the limit).
func Parse(name string, data []byte) (*Set, error) { return parse(name, data, 0) }

// Read compiles one RuleSet file read from r, such as an upload, as Parse
// does; name is used in positions. It reads no more than opts.MaxBytes
// (default 4 MiB) plus one byte: a longer input is an error matching
// diag.ErrTooLarge, so an endless stream cannot exhaust memory.
func Read(r io.Reader, name string, opts ReadOptions) (*Set, error) {
	data, err := yamlx.ReadAll(r, name, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	return parse(name, data, opts.MaxBytes)
}

func parse(name string, data []byte, max int64) (*Set, error) {
	var errs diag.List
	f := parseRuleFile(name, data, max, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return compileFiles(withBase([]*ruleFile{f}, &errs))
}

// Load reads and compiles RuleSet files. Each path names a file or a
// directory; a directory contributes every .yaml, .yml and .json file under
// it whose kind is RuleSet, except *_test.* files and anything under a
// directory called testdata or starting with a dot. Files are compiled in
// path order, so constants and variables of one file can be used by the
// files after it. With no paths, Load reads ".".
//
// fsys is where the files are; nil means the operating system's files,
// with paths absolute or relative to the working directory (positions then
// name files exactly as the paths do).
//
// Every problem in every file is reported in one pass, as diag.List with
// file:line:col, the source line and a caret. Each file may be at most
// 4 MiB; LoadWith raises the limit.
func Load(ctx context.Context, fsys fs.FS, paths ...string) (*Set, error) {
	return LoadWith(ctx, fsys, ReadOptions{}, paths...)
}

// LoadWith is Load with options: opts.MaxBytes bounds each file.
func LoadWith(ctx context.Context, fsys fs.FS, opts ReadOptions, paths ...string) (*Set, error) {
	src := source{fsys: fsys, max: opts.MaxBytes}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var errs diag.List
	var files []*ruleFile
	for _, p := range paths {
		names, err := src.discover(p, isRuleFileName)
		if err != nil {
			errs.Append(err)
			continue
		}
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			data, err := src.read(name)
			if err != nil {
				errs.Append(err)
				continue
			}
			explicit := len(names) == 1 && name == p
			if !explicit && !hasKind(name, data, "RuleSet") {
				continue
			}
			if f := parseRuleFile(name, data, src.max, &errs); f != nil {
				files = append(files, f)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &diag.Diagnostic{File: strings.Join(paths, ", "), Message: "no RuleSet files found", Kind: ErrInvalidRule}
	}
	files = withBase(files, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return compileFiles(files)
}

// IncludesDefault reports whether the set was compiled together with every
// file of the embedded default policy: it was returned by Default, or
// loaded from a file that says `extends: default`, or combined with Default.
func (s *Set) IncludesDefault() bool {
	have := map[string]bool{}
	for _, f := range s.files {
		have[f.key()] = true
	}
	var errs diag.List
	for _, f := range defaultFiles(&errs) {
		if !have[f.key()] {
			return false
		}
	}
	return errs.Err() == nil
}

// WithDefault returns the set that the council's policy means: s itself
// when it already includes the embedded default policy (IncludesDefault),
// otherwise the default policy combined with s (Default().Combine(s)), so
// that a rule file without `extends: default` adds to the 10% floor rather
// than replacing it. The combined set is compiled once per s and reused;
// WithDefault is safe for concurrent use.
func (s *Set) WithDefault() (*Set, error) {
	s.withDefault.Do(func() {
		if s.IncludesDefault() {
			s.withDefaultSet = s
			return
		}
		def, err := Default()
		if err != nil {
			s.withDefaultErr = err
			return
		}
		s.withDefaultSet, s.withDefaultErr = def.Combine(s)
	})
	return s.withDefaultSet, s.withDefaultErr
}

// withBase prepends the default policy when a file extends it.
func withBase(files []*ruleFile, errs *diag.List) []*ruleFile {
	for _, f := range files {
		if f.doc.Extends == "default" {
			return append(defaultFiles(errs), files...)
		}
	}
	return files
}

// Combine compiles the files of s and others together into a new set, as
// if they had been loaded at once: constants of a later set may override
// (override: true) those of an earlier one, and a rule id used twice is an
// error. A file present in more than one set (such as the default policy
// pulled in by extends) is used once.
func (s *Set) Combine(others ...*Set) (*Set, error) {
	var files []*ruleFile
	seen := map[string]bool{}
	for _, set := range append([]*Set{s}, others...) {
		for _, f := range set.files {
			key := f.key()
			if seen[key] {
				continue
			}
			seen[key] = true
			files = append(files, f)
		}
	}
	return compileFiles(files)
}

// source reads files from an fs.FS or, when fsys is nil, from the OS, each
// of at most max bytes (zero: the default limit).
type source struct {
	fsys fs.FS
	max  int64
}

func (s source) read(name string) ([]byte, error) {
	var (
		r   io.ReadCloser
		err error
	)
	if s.fsys == nil {
		r, err = os.Open(name)
	} else {
		r, err = s.fsys.Open(name)
	}
	if err != nil {
		return nil, &diag.Diagnostic{File: name, Message: pathErrText(err), Kind: ErrInput}
	}
	defer r.Close()
	data, err := yamlx.ReadAll(r, name, s.max)
	if err != nil && !errors.Is(err, diag.ErrTooLarge) {
		return nil, &diag.Diagnostic{File: name, Message: pathErrText(errors.Unwrap(err)), Kind: ErrInput}
	}
	return data, err
}

func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func (s source) stat(name string) (fs.FileInfo, error) {
	if s.fsys == nil {
		return os.Stat(name)
	}
	return fs.Stat(s.fsys, name)
}

// discover returns the files to read for one path, sorted.
func (s source) discover(p string, want func(string) bool) ([]string, error) {
	fi, err := s.stat(p)
	if err != nil {
		return nil, &diag.Diagnostic{File: p, Message: pathErrText(err), Kind: ErrInput}
	}
	if !fi.IsDir() {
		return []string{p}, nil
	}
	var names []string
	visit := func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			base := d.Name()
			if name != p && (base == "testdata" || strings.HasPrefix(base, ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if want(d.Name()) {
			names = append(names, name)
		}
		return nil
	}
	if s.fsys == nil {
		err = filepath.WalkDir(p, visit)
	} else {
		err = fs.WalkDir(s.fsys, p, visit)
	}
	if err != nil {
		return nil, &diag.Diagnostic{File: p, Message: pathErrText(err), Kind: ErrInput}
	}
	sort.Strings(names)
	return names, nil
}

func (s source) join(dir, name string) string {
	if s.fsys == nil {
		return filepath.Join(dir, name)
	}
	return path.Join(dir, name)
}

func (s source) dir(name string) string {
	if s.fsys == nil {
		return filepath.Dir(name)
	}
	return path.Dir(name)
}

func isYAMLName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

func isTestFile(name string) bool {
	base := strings.TrimSuffix(name, path.Ext(name))
	return isYAMLName(name) && strings.HasSuffix(base, "_test")
}

func isRuleFileName(name string) bool { return isYAMLName(name) && !isTestFile(name) }

// hasKind reports whether a file found in a directory is one of ours of the
// given kind. A file that does not parse counts, so that a broken rule file
// is reported rather than skipped, and so does a toms/v1 file with no kind;
// any other YAML or JSON (a saved result, a notes file, a catalogue) is not
// ours and is skipped.
func hasKind(name string, data []byte, kind string) bool {
	root, err := yamlx.Parse(name, data, 0)
	if err != nil {
		return true
	}
	k := yamlx.MapValue(root, "kind")
	if k == nil {
		v := yamlx.MapValue(root, "apiVersion")
		return v != nil && v.Value == APIVersion
	}
	return k.Value == kind
}
