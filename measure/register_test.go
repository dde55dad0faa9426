package measure

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/tom"
)

const registerYAML = `apiVersion: toms/v1
kind: Contracts
contracts:
  - id: C-001
    title: Highways maintenance
    supplier: Granite Highways plc
    value: 1000000
    start: 2024-07-01
    end: 2028-06-30
    category: works
    tender: T-2024-001
    sme: false
    local: true
  - id: C-002
    supplier: Brightway Care CIC
    value: "250000.50"
    start: 2024-04-01
    end: 2025-03-31
    sme: yes
    vcse: true
`

const registerCSV = "\ufeffid,title,supplier,value,start,end,category,tender,sme,vcse,local\n" +
	"C-001,Highways maintenance,Granite Highways plc,1000000,2024-07-01,2028-06-30,works,T-2024-001,no,,yes\n" +
	"C-002,,Brightway Care CIC,250000.50,2024-04-01,2025-03-31,,,y,1,\n"

func TestReadContractsYAMLAndCSVAgree(t *testing.T) {
	y, err := ReadContracts(strings.NewReader(registerYAML), "register.yaml")
	require.NoError(t, err)
	c, err := ReadContracts(strings.NewReader(registerCSV), "register.csv")
	require.NoError(t, err)
	require.Len(t, y, 2)
	require.Len(t, c, 2)
	for i := range y {
		a, b := y[i], c[i]
		a.Pos, b.Pos = diag.Pos{}, diag.Pos{}
		require.True(t, a.Value.Equal(b.Value))
		a.Value, b.Value = decimal.Decimal{}, decimal.Decimal{}
		require.Equal(t, a, b)
	}
	require.Equal(t, AnswerNo, y[0].SME)
	require.Equal(t, AnswerUnknown, y[0].VCSE)
	require.Equal(t, AnswerYes, y[0].Local)
	require.Equal(t, AnswerYes, c[1].VCSE)
	require.Equal(t, "250000.5", c[1].Value.String())
	require.Equal(t, 3, c[1].Pos.Line)
	require.Equal(t, 14, y[1].Pos.Line)
}

// £1,000,000 from 1 July 2024 to 30 June 2028 is 1,461 days (274, 365,
// 365, 366, 91: see internal/spread). £1,000,000 × 274 / 1461 =
// 187,542.7789…; × 365 / 1461 = 249,828.8843… (twice); × 366 / 1461 =
// 250,513.3470…; × 91 / 1461 = 62,286.1054…. To the penny, rounded down:
// 187,542.77 + 249,828.88 × 2 + 250,513.34 + 62,286.10 = 999,999.97; the
// three pennies left go to the years that lost the most below the penny:
// 0.89p (2024/25), 0.70p (2027/28) and 0.54p (2028/29), not to 2025/26
// and 2026/27 (0.43p each).
func TestContractYearValues(t *testing.T) {
	cs, err := ReadContracts(strings.NewReader(registerYAML), "register.yaml")
	require.NoError(t, err)
	got := cs[0].YearValues()
	want := []string{"187542.78", "249828.88", "249828.88", "250513.35", "62286.11"}
	sum := decimal.Zero
	for i, v := range got {
		require.Equal(t, want[i], v.Value.String(), v.Year.String())
		sum = sum.Add(v.Value)
	}
	require.Equal(t, "1000000", sum.String())
	require.Equal(t, "187542.78", cs[0].ValueIn(tom.MustYear("2024/25")).String())
	require.True(t, cs[0].ValueIn(tom.MustYear("2030/31")).IsZero())
}

func TestReadContractsProblems(t *testing.T) {
	cases := []struct {
		name, file, data string
		want             []string // line:column field: message fragment
		kind             error
	}{
		{"unknown column", "r.csv", "id,supplier,vaule,start,end\n", []string{`1:13 header: unknown column "vaule"; did you mean "value"?`}, diag.ErrUnknownField},
		{"repeated column", "r.csv", "id,supplier,value,start,end,id\n", []string{`1:29 header: column "id" is given twice (also column 1)`}, diag.ErrDuplicateKey},
		{"missing value", "r.csv", "id,supplier,value,start,end\nC1,Acme,,2024-04-01,2025-03-31\n", []string{`2:1 value: missing required field "value"`}, diag.ErrRequired},
		{"bad number", "r.csv", "id,supplier,value,start,end\nC1,Acme,\"1,000\",2024-04-01,2025-03-31\n", []string{`2:9 value:`}, diag.ErrValue},
		{"negative", "r.csv", "id,supplier,value,start,end\nC1,Acme,-5,2024-04-01,2025-03-31\n", []string{`2:9 value: is -5; a contract value cannot be negative`}, diag.ErrValue},
		{"bad date", "r.csv", "id,supplier,value,start,end\nC1,Acme,5,2024-02-30,2025-03-31\n", []string{`2:11 start: "2024-02-30" is not a date`}, diag.ErrValue},
		{"year out of range", "r.csv", "id,supplier,value,start,end\nC1,Acme,5,0024-04-01,2025-03-31\n", []string{`2:11 start: 0024-04-01 is outside the years 1990 to 2199`}, diag.ErrValue},
		{"end before start", "r.csv", "id,supplier,value,start,end\nC1,Acme,5,2025-04-01,2025-03-31\n", []string{`2:22 end: 2025-03-31 is before the start, 2025-04-01`}, diag.ErrValue},
		{"duplicate id", "r.csv", "id,supplier,value,start,end\nC1,Acme,5,2024-04-01,2025-03-31\nC1,Acme,5,2024-04-01,2025-03-31\n", []string{`3:1 id: contract "C1" is already in the register at line 2`}, diag.ErrDuplicateKey},
		{"look-alike id", "r.csv", "id,supplier,value,start,end\n\"C1\n\",Acme,5,2024-04-01,2025-03-31\n", []string{`2:1 id: "C1\n" has a line break`}, diag.ErrValue},
		{"bad flag", "r.csv", "id,supplier,value,start,end,sme\nC1,Acme,5,2024-04-01,2025-03-31,maybe\n", []string{`2:33 sme: is "maybe"; write yes or no`}, diag.ErrType},
		{"short row", "r.csv", "id,supplier,value,start,end\nC1,Acme,5\n", []string{`2:1 : the row has 3 cells but the header has 5`}, diag.ErrSyntax},
		{"stray quote", "r.csv", "id,supplier,value,start,end\nC1,Ac\"me,5,2024-04-01,2025-03-31\n", []string{`2:6 : bare " in non-quoted-field`}, diag.ErrSyntax},
		{"runaway quote", "r.csv", "id,supplier,value,start,end\nC1,\"Acme,5,2024-04-01,2025-03-31\nC2,Beta,5,2024-04-01,2025-03-31\n\"C3\",Gamma,5,2024-04-01,2025-03-31\n",
			[]string{`2:0 : a quoted cell in the row starting here is not closed where it should be: reading stopped at line 4, column 1 (extraneous or missing " in quoted-field), so the rows after it could not be read`}, diag.ErrSyntax},
		{"empty", "r.csv", "", []string{`1:0 : the file is empty`}, diag.ErrSyntax},
		{"yaml unknown field", "r.yaml", "apiVersion: toms/v1\nkind: Contracts\ncontracts:\n  - id: C1\n    supplier: A\n    value: 5\n    start: 2024-04-01\n    end: 2025-03-31\n    suplier: B\n", []string{`9:5 contracts[0].suplier: unknown field "suplier"; did you mean "supplier"?`}, diag.ErrUnknownField},
		{"yaml wrong kind", "r.yaml", "apiVersion: toms/v1\nkind: Targets\ncontracts: []\n", []string{`2:7 kind: is "Targets"; this reader expects "Contracts"`}, diag.ErrValue},
		{"yaml duplicate key", "r.yaml", "apiVersion: toms/v1\nkind: Contracts\ncontracts:\n  - id: C1\n    id: C2\n", []string{`5:5 contracts[0].id: key "id" is already defined at line 4`}, diag.ErrDuplicateKey},
		{"json", "r.json", `{"apiVersion":"toms/v1","kind":"Contracts","contracts":[{"id":"C1","supplier":"A","value":5,"start":"2024-04-01","end":"2025-03-31","sme":"perhaps"}]}`, []string{`1:139 contracts[0].sme: is "perhaps"`}, diag.ErrType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadContracts(strings.NewReader(tc.data), tc.file)
			require.Error(t, err)
			require.True(t, errors.Is(err, tc.kind), "%v", err)
			var list diag.List
			if !errors.As(err, &list) {
				var d *diag.Diagnostic
				require.True(t, errors.As(err, &d))
				list = diag.List{d}
			}
			var got []string
			for _, d := range list {
				require.Equal(t, tc.file, d.File)
				got = append(got, strings.Join([]string{itoa(d.Line) + ":" + itoa(d.Column), d.Field + ":", d.Message}, " "))
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				require.True(t, found, "want %q in %q", w, got)
			}
		})
	}
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }

const targetsYAML = `apiVersion: toms/v1
kind: Targets
year: 2024/25
targets:
  - metric: socialValue
    target: 2000000
  - metric: socialValueRate
    target: 25
  - metric: smeShare
    target: 30
  - metric: measure
    measure: volunteering-hours
    target: 500
    bands: {green: 100, amber: 90}
  - name: People helped into work
    metric: theme
    theme: community
    unit: hours
    target: 40
`

func TestReadTargets(t *testing.T) {
	fw := testFramework(t)
	ts, err := ReadTargets(strings.NewReader(targetsYAML), "targets.yaml", fw)
	require.NoError(t, err)
	require.Equal(t, "2024/25", ts.Year.String())
	require.Len(t, ts.Targets, 5)
	require.Equal(t, "Social value delivered (£)", ts.Targets[0].Name)
	require.Equal(t, "100", ts.Targets[0].Bands.Green.String())
	require.Equal(t, "85", ts.Targets[0].Bands.Amber.String())
	require.Equal(t, "90", ts.Targets[3].Bands.Amber.String())
	require.Equal(t, "Volunteering hours", ts.Targets[3].Name)
	require.Equal(t, "People helped into work", ts.Targets[4].Name)
	require.Equal(t, 5, ts.Targets[0].Pos.Line)
}

// The default bands: green from 100% of the target, amber from 85%.
// An SME target of 30% against 28% actual: 28 × 100 = 2800 is below
// 30 × 100 = 3000 (not green) and at or above 30 × 85 = 2550: amber.
// 25.5% is exactly 85% of 30 (25.5 × 100 = 2550): amber; 25.4% is red.
func TestBandsRate(t *testing.T) {
	d := decimal.RequireFromString
	b := DefaultBands()
	require.Equal(t, Amber, b.Rate(d("28"), d("30")))
	require.Equal(t, Green, b.Rate(d("30"), d("30")))
	require.Equal(t, Green, b.Rate(d("31"), d("30")))
	require.Equal(t, Amber, b.Rate(d("25.5"), d("30")))
	require.Equal(t, Red, b.Rate(d("25.4"), d("30")))
	require.Equal(t, Red, b.Rate(d("0"), d("30")))
}

func TestReadTargetsProblems(t *testing.T) {
	fw := testFramework(t)
	head := "apiVersion: toms/v1\nkind: Targets\nyear: 2024/25\ntargets:\n"
	cases := []struct {
		name, data, want string
		kind             error
	}{
		{"bad year", "apiVersion: toms/v1\nkind: Targets\nyear: 2024/26\ntargets: []\n", `3:7 year: "2024/26": not a financial year`, diag.ErrValue},
		{"missing year", "apiVersion: toms/v1\nkind: Targets\ntargets: []\n", `1:1 year: missing required field "year"`, diag.ErrRequired},
		{"unknown metric", head + "  - metric: smeshare\n    target: 30\n", `5:13 targets[0].metric: unknown metric "smeshare"; did you mean "smeShare"?`, diag.ErrValue},
		{"zero target", head + "  - metric: smeShare\n    target: 0\n", `6:13 targets[0].target: is 0; a target must be above zero`, diag.ErrValue},
		{"share over 100", head + "  - metric: vcseShare\n    target: 130\n", `6:13 targets[0].target: is 130%; a share of spend cannot be above 100%`, diag.ErrValue},
		{"unknown measure", head + "  - metric: measure\n    measure: volunteer-hours\n    target: 3\n", `6:14 targets[0].measure: unknown measure "volunteer-hours" in catalogue test; did you mean "volunteering-hours"?`, tom.ErrUnknownMeasure},
		{"measure missing", head + "  - metric: measure\n    target: 3\n", `5:5 targets[0].measure: missing; metric: measure needs the measure id`, diag.ErrRequired},
		{"measure on wrong metric", head + "  - metric: smeShare\n    measure: volunteering-hours\n    target: 3\n", `6:14 targets[0].measure: a measure is only given with metric: measure`, diag.ErrValue},
		{"unknown unit", head + "  - metric: theme\n    theme: community\n    unit: hour\n    target: 3\n", `7:11 targets[0].unit: unknown unit "hour"; did you mean "hours"?`, diag.ErrValue},
		{"bands upside down", head + "  - metric: smeShare\n    target: 3\n    bands: {green: 80, amber: 90}\n", `7:31 targets[0].bands.amber: is 90, above green (80)`, diag.ErrValue},
		{"duplicate", head + "  - metric: smeShare\n    target: 3\n  - metric: smeShare\n    target: 4\n", `7:13 targets[1].metric: the same target is already set at line 5`, diag.ErrDuplicateKey},
		{"unknown field", head + "  - metric: smeShare\n    taget: 3\n", `6:5 targets[0].taget: unknown field "taget"; did you mean "target"?`, diag.ErrUnknownField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadTargets(strings.NewReader(tc.data), "t.yaml", fw)
			require.Error(t, err)
			require.True(t, errors.Is(err, tc.kind), "%v", err)
			var list diag.List
			require.True(t, errors.As(err, &list), "%v", err)
			var got []string
			for _, d := range list {
				require.Equal(t, "t.yaml", d.File)
				got = append(got, itoa(d.Line)+":"+itoa(d.Column)+" "+d.Field+": "+d.Message)
			}
			found := false
			for _, g := range got {
				found = found || strings.HasPrefix(g, tc.want)
			}
			require.True(t, found, "want %q in %q", tc.want, got)
		})
	}
}
