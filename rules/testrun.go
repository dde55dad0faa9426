package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// TestOptions select and tune a RunTests run.
type TestOptions struct {
	// Paths are test files, rule files or directories (searched
	// recursively, skipping testdata and dot directories). Empty means ".".
	Paths []string
	// Run, when set, runs only tests whose "suite/test" name or test name
	// it matches.
	Run *regexp.Regexp
	// Values records the compared values of every asserted rule, not only
	// of failing ones (for `toms test -v`).
	Values bool
	// MaxBytes is the size limit of each rule, test and fixture file, in
	// bytes; zero means the default, 4 MiB.
	MaxBytes int64
}

// TestStatus is the result of one rule test.
type TestStatus int

// The results a rule test can have.
const (
	// TestPass: every expectation held.
	TestPass TestStatus = iota + 1
	// TestFail: an expectation did not hold.
	TestFail
	// TestSkipped: the test says skip: true.
	TestSkipped
	// TestError: the test's input could not be decoded or checked.
	TestError
)

// String returns pass, fail, skipped or error.
func (s TestStatus) String() string {
	switch s {
	case TestPass:
		return "pass"
	case TestFail:
		return "fail"
	case TestSkipped:
		return "skipped"
	case TestError:
		return "error"
	}
	return fmt.Sprintf("TestStatus(%d)", int(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s TestStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// TestReport is the result of RunTests: one suite per test file, plus one
// per directory of rules that has no tests (so invalid rules are reported).
type TestReport struct {
	Suites []SuiteResult // one per test file or rules-only directory
}

// SuiteResult is the result of one test file.
type SuiteResult struct {
	// File is the test file; for a directory whose rules are invalid, the
	// first rule file with a problem; for a rules-only directory, the
	// directory.
	File        string
	Name        string       // the test file's name: field, else File
	Description string       // the test file's description: field; may be empty
	RuleFiles   []string     // the rule files the tests ran against
	Tests       []TestResult // in file order
	// Err is why the suite could not run: invalid rules (matches
	// ErrInvalidRule) or an invalid test file (matches ErrInvalidTest).
	Err error
	// NotRun lists the test files that could not run because the rules
	// beside them are invalid (the suite is then about the rules).
	NotRun []string
}

// TestResult is the result of one test case.
type TestResult struct {
	Name       string        // the test case's name
	Pos        diag.Pos      // where the test starts in its file
	Status     TestStatus    // pass, fail, skipped or error
	SkipReason string        // why the test was skipped; "" unless TestSkipped
	Failures   []Failure     // unmet expectations, for TestFail
	Err        error         // for TestError: positioned input problems
	Verdicts   []Verdict     // every rule's outcome (nil for skipped tests)
	Duration   time.Duration // time spent checking
}

// Failure is one unmet expectation.
type Failure struct {
	Rule     string   // id of the rule the expectation is about
	Pos      diag.Pos // the expectation in the test file
	RulePos  diag.Pos // the rule in its rule file
	Expected Status   // the status the test expects
	Actual   Status   // the status the rule gave
	// WantMessage is the expected message substring ("" if none); Message
	// is the actual rendered message.
	WantMessage string
	Message     string  // the message the rule rendered
	Values      []Value // the values the rule compared, to explain the failure
	Err         error   // the rule's evaluation error, for an unexpected error
}

// String describes the failure in one line.
func (f Failure) String() string {
	if f.Rule == "" {
		return fmt.Sprintf("expected Check to return an error containing %q, got %s", f.WantMessage, f.Message)
	}
	if f.Expected == f.Actual && f.WantMessage != "" {
		return fmt.Sprintf("rule %s (%s): message %q does not contain %q", f.Rule, f.RulePos, f.Message, f.WantMessage)
	}
	s := fmt.Sprintf("rule %s (%s): expected %s, got %s", f.Rule, f.RulePos, f.Expected, f.Actual)
	if f.Message != "" {
		s += ": " + f.Message
	}
	return s
}

// Counts returns how many tests passed, failed, were skipped and errored.
func (r TestReport) Counts() (pass, fail, skipped, errored int) {
	for _, s := range r.Suites {
		for _, t := range s.Tests {
			switch t.Status {
			case TestPass:
				pass++
			case TestFail:
				fail++
			case TestSkipped:
				skipped++
			case TestError:
				errored++
			}
		}
	}
	return
}

// Failed reports whether any suite could not run or any test failed or
// errored.
func (r TestReport) Failed() bool {
	for _, s := range r.Suites {
		if s.Err != nil {
			return true
		}
		for _, t := range s.Tests {
			if t.Status == TestFail || t.Status == TestError {
				return true
			}
		}
	}
	return false
}

// RunTests finds rule tests (files named *_test.yaml, *_test.yml or
// *_test.json, kind: RuleTest) under opts.Paths in fsys (nil: the
// operating system's files) and runs each against the RuleSet files in
// the same directory (compiled together, extends honoured). Shared
// fixtures come from testdata/*.yaml beside the test (kind: Fixtures). A
// directory with rule files but no tests is compiled too.
//
// The error is non-nil when some rules are invalid (it is then the
// diag.List of every invalid directory, matching ErrInvalidRule), or
// when a path cannot be read, or ctx ends. Failing tests are not an error:
// see TestReport.Failed.
func RunTests(ctx context.Context, fsys fs.FS, opts TestOptions) (TestReport, error) {
	src := source{fsys: fsys, max: opts.MaxBytes}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	dirs, err := gatherDirs(src, paths)
	if err != nil {
		return TestReport{}, err
	}
	order := make([]string, 0, len(dirs))
	for d := range dirs {
		order = append(order, d)
	}
	sort.Strings(order)
	var rep TestReport
	var ruleErrs diag.List
	for _, d := range order {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		suites, err := runDir(ctx, src, d, dirs[d], opts)
		if err != nil {
			ruleErrs.Append(err)
		}
		rep.Suites = append(rep.Suites, suites...)
	}
	return rep, ruleErrs.Err()
}

// dirWork is what RunTests does in one directory: compile its rule files
// and run the test files named (or found) in it.
type dirWork struct {
	rules, tests []string
	explicit     map[string]bool
}

// gatherDirs finds the YAML files under paths and groups them by directory:
// the rule files of the whole directory, and the test files asked for (a
// rule file given by name brings the tests beside it).
func gatherDirs(src source, paths []string) (map[string]*dirWork, error) {
	dirs := map[string]*dirWork{}
	var errs diag.List
	for _, p := range paths {
		names, err := src.discover(p, isYAMLName)
		if err != nil {
			errs.Append(err)
			continue
		}
		for _, name := range names {
			d := src.dir(name)
			w := dirs[d]
			if w == nil {
				w = &dirWork{explicit: map[string]bool{}}
				dirs[d] = w
				// Rules always come from the whole directory.
				all, err := src.discover(d, isRuleFileName)
				if err == nil {
					for _, r := range all {
						if src.dir(r) == d {
							w.rules = append(w.rules, r)
						}
					}
				}
			}
			tests := []string{name}
			if name == p && !isTestFile(name) {
				// `toms test rules.yaml`: the tests beside the rule file.
				tests, _ = src.discover(d, isTestFile)
			}
			for _, tf := range tests {
				if isTestFile(tf) && src.dir(tf) == d && !w.explicit[tf] {
					w.explicit[tf] = true
					w.tests = append(w.tests, tf)
				}
			}
		}
	}
	return dirs, errs.Err()
}

// runDir compiles directory d's rules and runs its tests, one suite a test
// file. Invalid rules make one suite (named after the file at fault) whose
// tests are not run, and are returned as the error.
func runDir(ctx context.Context, src source, d string, w *dirWork, opts TestOptions) ([]SuiteResult, error) {
	set, ruleFiles, err := loadDir(ctx, src, w.rules)
	var ruleErr error
	if err != nil && !errors.Is(err, errNoRules) {
		ruleErr = err
	}
	if len(w.tests) == 0 && (len(w.rules) == 0 || errors.Is(err, errNoRules)) {
		// A directory of other YAML files (catalogues, tenders) and no
		// tests is none of our business.
		return nil, ruleErr
	}
	if err != nil {
		// One suite for the rules, named after the file at fault; its
		// tests cannot run.
		file := d
		if first := firstFile(err); first != "" {
			file = first
		}
		return []SuiteResult{{File: file, Name: file, RuleFiles: ruleFiles, Err: err, NotRun: w.tests}}, ruleErr
	}
	if len(w.tests) == 0 {
		return []SuiteResult{{File: d, Name: d, RuleFiles: ruleFiles}}, nil
	}
	var suites []SuiteResult
	for _, tf := range w.tests {
		sr := SuiteResult{File: tf, Name: tf, RuleFiles: ruleFiles}
		runSuite(ctx, src, set, tf, opts, &sr)
		suites = append(suites, sr)
	}
	return suites, nil
}

var errNoRules = errors.New("no RuleSet files beside the test")

// firstFile is the file of the first positioned problem in err.
func firstFile(err error) string {
	var list diag.List
	list.Append(err)
	for _, d := range list {
		if d.File != "" {
			return d.File
		}
	}
	return ""
}

// loadDir compiles the RuleSet files among names.
func loadDir(ctx context.Context, src source, names []string) (*Set, []string, error) {
	var errs diag.List
	var files []*ruleFile
	var used []string
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		data, err := src.read(name)
		if err != nil {
			errs.Append(err)
			continue
		}
		if !hasKind(name, data, "RuleSet") {
			continue
		}
		used = append(used, name)
		if f := parseRuleFile(name, data, src.max, &errs); f != nil {
			files = append(files, f)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, used, err
	}
	if len(files) == 0 {
		return nil, used, &diag.Diagnostic{Message: errNoRules.Error(), Kind: errNoRules}
	}
	files = withBase(files, &errs)
	if err := errs.Err(); err != nil {
		return nil, used, err
	}
	set, err := compileFiles(files)
	return set, used, err
}

type testDoc struct {
	APIVersion  string        `yaml:"apiVersion"`
	Kind        string        `yaml:"kind"`
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Now         time.Time     `yaml:"now"`
	Fixtures    fixtureDoc    `yaml:"fixtures"`
	Tests       []testCaseDoc `yaml:"tests"`
}

type fixtureDoc struct {
	Tenders map[string]*yaml.Node `yaml:"tenders"`
	Bids    map[string]*yaml.Node `yaml:"bids"`
}

type fixtureFileDoc struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Tenders    *yaml.Node `yaml:"tenders"`
	Bids       *yaml.Node `yaml:"bids"`
}

type testCaseDoc struct {
	Name        string     `yaml:"name,required"`
	Description string     `yaml:"description"`
	Skip        bool       `yaml:"skip"`
	SkipReason  string     `yaml:"skipReason"`
	Now         time.Time  `yaml:"now"`
	Input       inputDoc   `yaml:"input,required"`
	Expect      *yaml.Node `yaml:"expect"`
	ExpectError string     `yaml:"expectError"`
	Pos         diag.Pos   `yaml:",pos"`
}

type inputDoc struct {
	Tender *yaml.Node `yaml:"tender,required"`
	Bid    *yaml.Node `yaml:"bid"`
}

type expectDoc struct {
	Status  string `yaml:"status,required"`
	Message string `yaml:"message"`
}

// fixture is a named input, decoded on each use, with the file it is in.
type fixture struct {
	node *yaml.Node
	file string
}

// runSuite decodes and runs one test file.
func runSuite(ctx context.Context, src source, set *Set, name string, opts TestOptions, sr *SuiteResult) {
	fail := func(err error) { sr.Err = err }
	data, err := src.read(name)
	if err != nil {
		fail(err)
		return
	}
	root, dec, err := yamlx.Open(name, data, "RuleTest", src.max)
	if err != nil {
		fail(invalidTest(err))
		return
	}
	var doc testDoc
	misplacedFixtures(dec, yamlx.MapValue(root, "fixtures"), "fixtures")
	dec.Decode(root, &doc, "")
	if doc.Name != "" {
		sr.Name = doc.Name
	}
	sr.Description = doc.Description
	in := newInputs()
	sharedFixtures(src, src.dir(name), in, dec)
	for kind, pair := range map[string]struct {
		from map[string]*yaml.Node
		to   map[string]fixture
	}{"tenders": {doc.Fixtures.Tenders, in.tenders}, "bids": {doc.Fixtures.Bids, in.bids}} {
		for k, n := range pair.from {
			if prev, dup := pair.to[k]; dup {
				dec.Errorf(n, "fixtures."+kind+"."+k, diag.ErrDuplicateKey, "fixture %q is already defined in %s", k, prev.file)
				continue
			}
			pair.to[k] = fixture{node: n, file: name}
		}
	}
	// Validate every fixture once, so that an unused one with a typo is
	// still reported.
	for _, k := range sortedKeys(in.tenders) {
		if f := in.tenders[k]; f.file == name {
			var t Tender
			in.decode(dec, f.node, &t, "fixtures.tenders."+k)
		}
	}
	for _, k := range sortedKeys(in.bids) {
		if f := in.bids[k]; f.file == name {
			var b Bid
			in.decode(dec, f.node, &b, "fixtures.bids."+k)
		}
	}
	if err := dec.Err(); err != nil {
		fail(invalidTest(err))
		return
	}
	for i, tc := range doc.Tests {
		full := sr.Name + "/" + tc.Name
		if opts.Run != nil && !opts.Run.MatchString(full) && !opts.Run.MatchString(tc.Name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			sr.Err = err
			return
		}
		tr := runCase(ctx, set, name, i, tc, doc.Now, in, opts)
		if in.over != nil {
			fail(invalidTest(in.over))
			return
		}
		sr.Tests = append(sr.Tests, tr)
	}
}

func sortedKeys(m map[string]fixture) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// invalidTest makes every problem in err match ErrInvalidTest as well as
// its own kind.
func invalidTest(err error) error { return alsoKind(err, ErrInvalidTest) }

// misplacedFixtures reports a fixture written straight under `fixtures:` in
// a test file (or at the top of a Fixtures file) instead of under tenders:
// or bids:, and removes it from m so that it is reported once, as what it
// is, not as a misspelling of "bids".
func misplacedFixtures(dec *yamlx.Decoder, m *yaml.Node, path string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	tf, bf := inputFields(&Tender{}), inputFields(&Bid{})
	kept := m.Content[:0:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolveAlias(m.Content[i+1])
		switch k.Value {
		case "tenders", "bids", "apiVersion", "kind":
			kept = append(kept, m.Content[i], m.Content[i+1])
			continue
		}
		looksLike := ""
		if v != nil && v.Kind == yaml.MappingNode {
			for j := 0; j < len(v.Content); j += 2 {
				switch f := v.Content[j].Value; {
				case f == "fixture" || (tf[f] && bf[f]):
				case tf[f]:
					looksLike = "tenders"
				case bf[f]:
					looksLike = "bids"
				}
				if looksLike != "" {
					break
				}
			}
		}
		if looksLike == "" {
			kept = append(kept, m.Content[i], m.Content[i+1])
			continue
		}
		where := "under fixtures:"
		if path == "" {
			where = "at the top of a Fixtures file"
		}
		dec.Errorf(k, join(path, k.Value), diag.ErrUnknownField,
			"%q looks like a fixture, but fixtures are named %s only inside tenders: or bids:; move it under %s:", k.Value, where, looksLike)
	}
	m.Content = kept
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// sharedFixtures reads testdata/*.yaml (kind: Fixtures) beside a test file.
func sharedFixtures(src source, dir string, in *inputs, into *yamlx.Decoder) {
	tdir := src.join(dir, "testdata")
	if fi, err := src.stat(tdir); err != nil || !fi.IsDir() {
		return
	}
	names, err := src.discover(tdir, isYAMLName)
	if err != nil {
		into.Errs.Append(err)
		return
	}
	for _, name := range names {
		if src.dir(name) != tdir {
			continue
		}
		data, err := src.read(name)
		if err != nil {
			into.Errs.Append(err)
			continue
		}
		if !hasKind(name, data, "Fixtures") {
			continue
		}
		root, dec, err := yamlx.Open(name, data, "Fixtures", src.max)
		if err != nil {
			into.Errs.Append(err)
			continue
		}
		var doc fixtureFileDoc
		misplacedFixtures(dec, root, "")
		dec.Decode(root, &doc, "")
		for _, part := range []struct {
			node *yaml.Node
			to   map[string]fixture
			path string
		}{{doc.Tenders, in.tenders, "tenders"}, {doc.Bids, in.bids, "bids"}} {
			n := part.node
			if n == nil || yamlx.IsNull(n) {
				continue
			}
			if n.Kind != yaml.MappingNode {
				dec.Errorf(n, part.path, diag.ErrType, "expected a mapping of fixture names to inputs")
				continue
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if prev, dup := part.to[k]; dup {
					dec.Errorf(n.Content[i], part.path+"."+k, diag.ErrDuplicateKey, "fixture %q is already defined in %s", k, prev.file)
					continue
				}
				part.to[k] = fixture{node: n.Content[i+1], file: name}
				if part.path == "tenders" {
					var t Tender
					in.decode(dec, n.Content[i+1], &t, part.path+"."+k)
				} else {
					var b Bid
					in.decode(dec, n.Content[i+1], &b, part.path+"."+k)
				}
			}
		}
		into.Errs = append(into.Errs, dec.Errs...)
	}
}

// MaxInputNodes bounds how many YAML nodes the inputs of one rule test file
// may expand to, counting a fixture (and an alias) every time it is used, so
// that fixtures referring to fixtures cannot make a small file run for
// minutes. A file over the limit is an invalid test, positioned at the
// input where the limit was reached.
const MaxInputNodes = 1_000_000

// maxFixtureDepth bounds a chain of fixtures built on fixtures.
const maxFixtureDepth = 8

// inputs decodes the tenders and bids of one test file, from its fixtures,
// within the MaxInputNodes budget.
type inputs struct {
	tenders, bids map[string]fixture
	used          int                // nodes decoded so far
	sizes         map[*yaml.Node]int // node counts, through aliases, capped
	over          *diag.Diagnostic   // set once the budget is spent
	top           diag.Pos           // the input being decoded, for over
}

func newInputs() *inputs {
	return &inputs{tenders: map[string]fixture{}, bids: map[string]fixture{}, sizes: map[*yaml.Node]int{}}
}

// size counts the nodes under n, each alias as its target again, saturating
// just above MaxInputNodes.
func (in *inputs) size(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	if v, ok := in.sizes[n]; ok {
		return v
	}
	in.sizes[n] = MaxInputNodes + 1 // a cycle through aliases counts as too big
	total := 1
	if n.Kind == yaml.AliasNode {
		total += in.size(n.Alias)
	}
	for _, c := range n.Content {
		total = min(total+in.size(c), MaxInputNodes+1)
	}
	in.sizes[n] = total
	return total
}

// decode decodes a tender or bid (out is *Tender or *Bid): a fixture name,
// or a mapping that may start from one fixture (fixture: NAME) and change
// some of its fields.
func (in *inputs) decode(dec *yamlx.Decoder, n *yaml.Node, out any, path string) {
	fixtures := in.tenders
	if _, ok := out.(*Bid); ok {
		fixtures = in.bids
	}
	in.top = dec.Pos(n)
	in.decodeDepth(dec, n, out, path, fixtures, 0)
}

func (in *inputs) decodeDepth(dec *yamlx.Decoder, n *yaml.Node, out any, path string, fixtures map[string]fixture, depth int) {
	if in.over != nil {
		return
	}
	if in.used += in.size(n); in.used > MaxInputNodes {
		in.over = in.top.At(path, ErrInvalidTest,
			"the test inputs expand to more than %d YAML nodes (each fixture counts every time it is used); use fewer or smaller fixtures", MaxInputNodes)
		dec.Errs.Add(in.over)
		return
	}
	if depth > maxFixtureDepth {
		dec.Errorf(n, path, diag.ErrValue, "fixtures refer to each other more than %d deep (a cycle?)", maxFixtureDepth)
		return
	}
	use := func(at *yaml.Node, name string) {
		f, ok := fixtures[name]
		if !ok {
			msg := fmt.Sprintf("no fixture called %q", name)
			msg += suggestText(name, sortedKeys(fixtures))
			dec.Errorf(at, path, diag.ErrValue, "%s", msg)
			return
		}
		// A problem inside the fixture is reported once, where the fixture
		// itself is checked (every fixture is), not again at every use.
		in.decodeDepth(yamlx.NewDecoder(f.file), f.node, out, path, fixtures, depth+1)
	}
	n = resolveAlias(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag != "!!null":
		use(n, n.Value)
	case n.Kind == yaml.MappingNode:
		rest := &yaml.Node{Kind: yaml.MappingNode, Tag: n.Tag, Line: n.Line, Column: n.Column, Style: n.Style}
		var base *yaml.Node
		fields := inputFields(out)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolveAlias(n.Content[i])
			switch {
			case k.Value == "fixture" && base != nil:
				dec.Errorf(k, path+".fixture", diag.ErrDuplicateKey, "key \"fixture\" is already defined at line %d; an input starts from one fixture", base.Line)
				continue
			case k.Value == "fixture":
				base = k
				use(n.Content[i+1], resolveAlias(n.Content[i+1]).Value)
				continue
			case !fields[k.Value] && diag.Suggest(k.Value, []string{"fixture"}) != "":
				dec.Errorf(k, path+"."+k.Value, diag.ErrUnknownField, "unknown field %q; did you mean \"fixture\"?", k.Value)
				continue
			}
			rest.Content = append(rest.Content, n.Content[i], n.Content[i+1])
		}
		clearNulls(reflect.ValueOf(out).Elem(), rest)
		dec.Decode(rest, out, path)
	default:
		dec.Decode(n, out, path)
	}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// inputFields is the set of field names of a Tender or a Bid in a file.
func inputFields(out any) map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeOf(out).Elem()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			m[name] = true
		}
	}
	return m
}

type expectation struct {
	rule    string
	status  Status
	message string
	pos     diag.Pos
}

// clearNulls zeroes the fields that mapping n sets to null, so that an
// input built on a fixture can remove a value (framework: null).
func clearNulls(v reflect.Value, n *yaml.Node) {
	if v.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		for j := 0; j < v.NumField(); j++ {
			name, _, _ := strings.Cut(v.Type().Field(j).Tag.Get("yaml"), ",")
			if name != key || !v.Field(j).CanSet() {
				continue
			}
			switch {
			case yamlx.IsNull(val):
				v.Field(j).SetZero()
			case val.Kind == yaml.MappingNode:
				clearNulls(v.Field(j), val)
			}
		}
	}
}

func runCase(ctx context.Context, set *Set, file string, i int, tc testCaseDoc, suiteNow time.Time,
	inputs *inputs, opts TestOptions) TestResult {
	tr := TestResult{Name: tc.Name, Pos: tc.Pos}
	if tc.Skip {
		tr.Status, tr.SkipReason = TestSkipped, tc.SkipReason
		return tr
	}
	path := fmt.Sprintf("tests[%d]", i)
	dec := yamlx.NewDecoder(file)
	var t Tender
	inputs.decode(dec, tc.Input.Tender, &t, path+".input.tender")
	var b *Bid
	if n := tc.Input.Bid; n != nil && !yamlx.IsNull(n) {
		b = &Bid{}
		inputs.decode(dec, n, b, path+".input.bid")
	}
	exps := expectations(dec, set, tc.Expect, path+".expect")
	if len(exps) == 0 && tc.ExpectError == "" && dec.Err() == nil {
		dec.Errs.Add(tc.Pos.At(path, diag.ErrRequired, "test %q expects nothing; add expect: {RULE_ID: pass|fail|waived|skipped|error}", tc.Name))
	}
	if err := dec.Err(); err != nil {
		tr.Status, tr.Err = TestError, invalidTest(err)
		return tr
	}
	now := tc.Now
	if now.IsZero() {
		now = suiteNow
	}
	in := Input{Tender: &t, Bid: b, Now: now}
	start := time.Now()
	rep, err := set.Check(ctx, in, CheckOptions{Values: opts.Values})
	tr.Duration = time.Since(start)
	tr.Verdicts = rep.Verdicts
	switch {
	case tc.ExpectError != "" && (err == nil || !strings.Contains(err.Error(), tc.ExpectError)):
		got := "no error"
		if err != nil {
			got = err.Error()
		}
		tr.Failures = append(tr.Failures, Failure{Pos: tc.Pos, WantMessage: tc.ExpectError, Message: got})
	case tc.ExpectError == "" && err != nil:
		tr.Status, tr.Err = TestError, err
		return tr
	}
	for _, e := range exps {
		o, _ := rep.Verdict(e.rule)
		if o.Status == e.status && strings.Contains(o.Message, e.message) {
			continue
		}
		if o.Values == nil && !opts.Values {
			if again, _ := set.Check(ctx, in, CheckOptions{Values: true}); len(again.Verdicts) > 0 {
				o2, _ := again.Verdict(e.rule)
				o.Values = o2.Values
			}
		}
		tr.Failures = append(tr.Failures, Failure{Rule: e.rule, Pos: e.pos, RulePos: o.Pos, Expected: e.status,
			Actual: o.Status, WantMessage: e.message, Message: o.Message, Values: o.Values, Err: o.Err})
	}
	tr.Status = TestPass
	if len(tr.Failures) > 0 {
		tr.Status = TestFail
	}
	return tr
}

func expectations(dec *yamlx.Decoder, set *Set, n *yaml.Node, path string) []expectation {
	if n == nil || yamlx.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		dec.Errorf(n, path, diag.ErrType, "expected a mapping of rule ids to pass|fail|waived|skipped|error")
		return nil
	}
	ids := make([]string, len(set.rules))
	for j, r := range set.rules {
		ids[j] = r.ID
	}
	var out []expectation
	seen := map[string]bool{}
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		p := path + "." + k.Value
		if seen[k.Value] {
			dec.Errorf(k, p, diag.ErrDuplicateKey, "rule %q is expected twice", k.Value)
			continue
		}
		seen[k.Value] = true
		if set.byID[k.Value] == nil {
			dec.Errorf(k, p, diag.ErrValue, "no rule %q in the rules beside this test%s", k.Value, suggestText(k.Value, ids))
			continue
		}
		var ed expectDoc
		if v.Kind == yaml.ScalarNode {
			ed.Status = v.Value
		} else {
			dec.Decode(v, &ed, p)
		}
		st, err := ParseStatus(ed.Status)
		if err != nil {
			msg := err.Error()
			if s := diag.Suggest(ed.Status, statusNames[1:]); s != "" {
				msg = fmt.Sprintf("unknown status %q; did you mean %q?", ed.Status, s)
			}
			dec.Errorf(v, p, diag.ErrValue, "%s", msg)
			continue
		}
		out = append(out, expectation{rule: k.Value, status: st, message: ed.Message, pos: dec.Pos(k)})
	}
	return out
}
