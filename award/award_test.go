package award

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/diag"
	"github.com/socialvalue-toms/toms/evaluate"
	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// evaluated scores the example tender (three bids; Kestrel Civils wins).
func evaluated(t *testing.T) (*evaluate.Tender, *evaluate.Result, *tom.Framework) {
	t.Helper()
	tn, err := evaluate.LoadTenderFile("../examples/tender-scoring/tender.yaml")
	require.NoError(t, err)
	fw, err := evaluate.LoadFramework(tn)
	require.NoError(t, err)
	res, err := evaluate.Evaluate(context.Background(), tn, tn.Bids, fw, evaluate.Options{Now: day("2025-01-15")})
	require.NoError(t, err)
	return tn, res, fw
}

func quantities(a *Award, measure string) map[string]string {
	out := map[string]string{}
	for _, r := range a.Commitments {
		if r.Measure == measure {
			out[r.Year().String()] = r.Quantity.String()
		}
	}
	return out
}

// Northgate Highways Ltd committed 600 volunteering hours. Over a contract
// from 1 July 2024 to 30 June 2028, profiled evenly by days:
//
//	2024/25   1 Jul 2024 – 31 Mar 2025   274 days   600 × 274/1461 = 112.526…
//	2025/26   1 Apr 2025 – 31 Mar 2026   365 days   600 × 365/1461 = 149.897…
//	2026/27   1 Apr 2026 – 31 Mar 2027   365 days                    149.897…
//	2027/28   1 Apr 2027 – 31 Mar 2028   366 days   600 × 366/1461 = 150.308…
//	2028/29   1 Apr 2028 – 30 Jun 2028    91 days   600 × 91/1461  =  37.371…
//	                                     1461 days
//
// 600 is written in whole hours, so each year gets its share rounded down to
// a whole hour: 112 + 149 + 149 + 150 + 37 = 597. The 3 hours left go to
// the largest remainders: 0.897 (2025/26), 0.897 (2026/27; the earlier
// year first on the tie, both get one) and 0.526 (2024/25). So 113, 150,
// 150, 150, 37 = 600 exactly, each dated the contract's last day in its year.
func TestAwardEvenByDays(t *testing.T) {
	tn, res, fw := evaluated(t)
	a, err := Make(tn, res, fw, Options{Supplier: "Northgate Highways Ltd", Contract: "C-001", Start: day("2024-07-01"), End: day("2028-06-30")})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"2024/25": "113", "2025/26": "150", "2026/27": "150", "2027/28": "150", "2028/29": "37"},
		quantities(a, "volunteering-hours"))
	var dates []string
	for _, r := range a.Commitments {
		if r.Measure == "volunteering-hours" {
			dates = append(dates, r.Date.Format(time.DateOnly))
		}
	}
	require.Equal(t, []string{"2025-03-31", "2026-03-31", "2027-03-31", "2028-03-31", "2028-06-30"}, dates)
	// 4 apprentices: 4 × 274/1461 = 0.75, × 365/1461 = 0.999 (twice), ×
	// 366/1461 = 1.002, × 91/1461 = 0.249. Down: 0, 0, 0, 1, 0 (1 of 4);
	// the 3 left go to .999, .999 and .75: 1, 1, 1, 1, 0. The last year
	// gets none, and no row.
	require.Equal(t, map[string]string{"2024/25": "1", "2025/26": "1", "2026/27": "1", "2027/28": "1"}, quantities(a, "local-apprentices"))
	c := a.Contract
	require.Equal(t, "C-001", c.ID)
	require.Equal(t, "Northgate Highways Ltd", c.Supplier)
	require.Equal(t, "1148000", c.Value.String())
	require.Equal(t, "HW-2025-014", c.Tender)
	require.Equal(t, measure.AnswerYes, c.Local)
	require.Equal(t, measure.AnswerNo, c.SME)
	for _, r := range a.Commitments {
		require.Equal(t, "C-001", r.Contract)
		m, _ := fw.Measure(r.Measure)
		require.Equal(t, m.Unit, r.Unit)
	}
}

func TestAwardWinnerAndProfile(t *testing.T) {
	tn, res, fw := evaluated(t)
	w, ok := res.Winner()
	require.True(t, ok)
	p, err := ReadProfile(strings.NewReader(`apiVersion: toms/v1
kind: Profile
shares:
  "2024/25": 0.1
  "2025/26": 0.3
  "2026/27": 0.3
  "2027/28": 0.3
`), "profile.yaml")
	require.NoError(t, err)
	a, err := Make(tn, res, fw, Options{Contract: "C-002", Start: day("2024-04-01"), End: day("2028-03-31"), Profile: p})
	require.NoError(t, err)
	require.Equal(t, w.Supplier.Name, a.Contract.Supplier)
	// 400 hours × 0.1, 0.3, 0.3, 0.3 = 40, 120, 120, 120 exactly.
	require.Equal(t, map[string]string{"2024/25": "40", "2025/26": "120", "2026/27": "120", "2027/28": "120"}, quantities(a, "volunteering-hours"))
	// 3 apprentices: 0.3, 0.9, 0.9, 0.9 → 0, 0, 0, 0 down; 3 left to the
	// .9s: 0, 1, 1, 1.
	require.Equal(t, map[string]string{"2025/26": "1", "2026/27": "1", "2027/28": "1"}, quantities(a, "local-apprentices"))

	// The profile must fit the contract's years.
	_, err = Make(tn, res, fw, Options{Contract: "C-002", Start: day("2024-04-01"), End: day("2029-03-31"), Profile: p})
	require.ErrorIs(t, err, ErrAward)
	require.Contains(t, err.Error(), "the contract runs in 2028/29 (365 days) but the profile gives it no share")
	_, err = Make(tn, res, fw, Options{Contract: "C-002", Start: day("2025-04-01"), End: day("2028-03-31"), Profile: p})
	require.ErrorIs(t, err, ErrAward)
	require.Contains(t, err.Error(), "profile.yaml:4:3: shares.2024/25: the contract does not run in 2024/25")
}

func TestAwardErrors(t *testing.T) {
	tn, res, fw := evaluated(t)
	ok := Options{Contract: "C-9", Start: day("2024-04-01"), End: day("2025-03-31")}
	for _, tc := range []struct {
		opts func(o *Options)
		want string
	}{
		{func(o *Options) { o.Supplier = "Northgate Highway Ltd" }, `no bid from "Northgate Highway Ltd"; did you mean "Northgate Highways Ltd"?`},
		{func(o *Options) { o.Contract = "" }, "the contract id is missing"},
		{func(o *Options) { o.Contract = "C-9\n" }, "has a line break"},
		{func(o *Options) { o.End = day("2024-03-31") }, "the end 2024-03-31 is before the start 2024-04-01"},
		{func(o *Options) { o.Start = time.Time{} }, "give the contract's start and end dates"},
	} {
		o := ok
		tc.opts(&o)
		_, err := Make(tn, res, fw, o)
		require.ErrorIs(t, err, ErrAward)
		require.Contains(t, err.Error(), tc.want)
	}
	notScored := *res
	notScored.Scored = false
	_, err := Make(tn, &notScored, fw, ok)
	require.ErrorContains(t, err, "were not scored")
}

// What Make writes reads back: the commitments through measure's reader
// (CSV and JSON lines), the register entry through ReadContracts.
func TestAwardRoundTrip(t *testing.T) {
	tn, res, fw := evaluated(t)
	a, err := Make(tn, res, fw, Options{Contract: "C-002", Start: day("2024-07-01"), End: day("2028-06-30")})
	require.NoError(t, err)
	for _, f := range []measure.Format{measure.CSV, measure.JSONLines} {
		var buf bytes.Buffer
		require.NoError(t, measure.WriteRecords(&buf, f, measure.Commitments, a.Commitments))
		var got []measure.Record
		_, err := measure.ReadRecords(context.Background(), &buf, "c", measure.Commitments, fw, measure.ReadOptions{Format: f}, func(r measure.Record) error {
			got = append(got, r)
			return nil
		})
		require.NoError(t, err)
		require.Len(t, got, len(a.Commitments))
		for i := range got {
			require.Equal(t, a.Commitments[i].Measure, got[i].Measure)
			require.True(t, a.Commitments[i].Quantity.Equal(got[i].Quantity))
			require.Equal(t, a.Commitments[i].Date, got[i].Date)
			require.Equal(t, a.Commitments[i].Notes, got[i].Notes)
		}
		// per measure, the years add up to the bid's commitment
		sums := map[string]decimal.Decimal{}
		for _, r := range got {
			sums[r.Measure] = sums[r.Measure].Add(r.Quantity)
		}
		w, _ := res.Winner()
		for _, l := range w.SocialValue.Commitments {
			require.True(t, l.Quantity.Equal(sums[l.Measure]), "%s: %s vs %s", l.Measure, l.Quantity, sums[l.Measure])
		}
	}
	for _, csv := range []bool{false, true} {
		var buf bytes.Buffer
		require.NoError(t, measure.WriteContracts(&buf, csv, []measure.Contract{a.Contract}))
		name := "r.yaml"
		if csv {
			name = "r.csv"
		}
		cs, err := measure.ReadContracts(&buf, name)
		require.NoError(t, err, buf.String())
		require.Len(t, cs, 1)
		got := cs[0]
		got.Pos = diag.Pos{}
		require.True(t, got.Value.Equal(a.Contract.Value))
		got.Value = a.Contract.Value
		require.Equal(t, a.Contract, got)
	}
}

func TestReadProfileProblems(t *testing.T) {
	head := "apiVersion: toms/v1\nkind: Profile\nshares:\n"
	for _, tc := range []struct{ data, want string }{
		{head + "  \"2024/25\": 0.5\n  \"2025/26\": 0.4\n", "p.yaml:4:3: shares: the shares add up to 0.9; they must add up to 1 exactly"},
		{head + "  \"2024/26\": 1\n", "p.yaml:4:3: shares.2024/26:"},
		{head + "  \"2024/25\": 0.5\n  \"2024/25\": 0.5\n", "p.yaml:5:3: shares.2024/25: 2024/25 is already given at line 4"},
		{head + "  \"2024/25\": 1.5\n  \"2025/26\": -0.5\n", "p.yaml:4:14: shares.2024/25: is 1.5; a share is from 0 to 1"},
		{head + "  \"2024/25\": one\n", "p.yaml:4:14: shares.2024/25:"},
		{"apiVersion: toms/v1\nkind: Profile\nshares: [0.5]\n", "p.yaml:3:9: shares: expected a mapping"},
		{"apiVersion: toms/v1\nkind: Profile\nshare: {}\n", `did you mean "shares"?`},
	} {
		_, err := ReadProfile(strings.NewReader(tc.data), "p.yaml")
		require.Error(t, err)
		require.Contains(t, err.Error(), tc.want)
		var d *diag.Diagnostic
		require.True(t, errors.As(err, &d))
	}
}

// A missing argument is an error, not a panic.
func TestMakeNilArguments(t *testing.T) {
	_, err := Make(nil, nil, nil, Options{})
	require.ErrorIs(t, err, ErrAward)
}
