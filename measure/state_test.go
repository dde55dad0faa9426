package measure

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// shardFiles splits the rows of dupFiles by contract: C0 and C1 in shard
// A, C2 and C3 in shard B, so that every duplicate falls in one shard.
func shardFiles(seed uint64) (a, b []string) {
	for _, f := range dupFiles(seed, 4, 250) {
		lines := strings.Split(strings.TrimSuffix(f, "\n"), "\n")
		var x, y strings.Builder
		x.WriteString(lines[0] + "\n")
		y.WriteString(lines[0] + "\n")
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "C0,") || strings.HasPrefix(l, "C1,") {
				x.WriteString(l + "\n")
			} else {
				y.WriteString(l + "\n")
			}
		}
		a, b = append(a, x.String()), append(b, y.String())
	}
	return a, b
}

// render is every output of the review of res.
func render(t *testing.T, res *Result) string {
	t.Helper()
	rv := NewReview(res, ReviewOptions{})
	var b bytes.Buffer
	require.NoError(t, rv.WriteJSON(&b))
	require.NoError(t, rv.WriteMarkdown(&b))
	require.NoError(t, rv.WriteHTML(&b))
	for _, tb := range rv.CSVTables() {
		require.NoError(t, tb.WriteCSV(&b))
	}
	return b.String()
}

// The states of two shards, written and read back, merge into the same
// review, byte for byte in every format, as one pass over the shards'
// files: totals, counts, rejected rows, files, proxies used.
func TestStateMergeLikeOnePass(t *testing.T) {
	sa, sb := shardFiles(7)
	commitA := "contract,supplier,measure,quantity,date\nC0,Supplier 0,schools-supported,4,2024-04-01\nC1,Supplier 1,local-spend,100.5,2024-06-01\n"
	commitB := "contract,supplier,measure,quantity,date\nC2,Supplier 2,schools-supported,0.0000001,2024-04-01\n"
	for _, opts := range []Options{{}, {DuplicateMemory: 1}, {YearPolicy: tom.CarryForward}, {NoDuplicateCheck: true}} {
		read := func(a *Aggregator, shard string, files []string, commits string) {
			for i, f := range files {
				_, err := readString(t, a, fmt.Sprintf("%s%d.csv", shard, i), f, Outcomes, ReadOptions{Lenient: true})
				require.NoError(t, err)
			}
			_, err := readString(t, a, shard+"-commit.csv", commits, Commitments, ReadOptions{Lenient: true})
			require.NoError(t, err)
		}
		one := NewAggregator(testFramework(t), opts)
		read(one, "a", sa, commitA)
		read(one, "b", sb, commitB)
		want := render(t, one.Result())
		require.NotEmpty(t, one.Result().Rejected)
		require.NoError(t, one.Close())

		var states []string
		for _, shard := range []struct {
			name    string
			files   []string
			commits string
		}{{"a", sa, commitA}, {"b", sb, commitB}} {
			a := NewAggregator(testFramework(t), opts)
			read(a, shard.name, shard.files, shard.commits)
			var b bytes.Buffer
			require.NoError(t, a.WriteState(&b))
			require.NoError(t, a.Close())
			states = append(states, b.String())
		}
		assert.Contains(t, states[0], `"version": "toms.aggregate/v1"`)
		merged := NewAggregator(testFramework(t), opts)
		for i, s := range states {
			require.NoError(t, merged.ReadState(strings.NewReader(s), fmt.Sprint("state", i)))
		}
		require.Equal(t, want, render(t, merged.Result()), "options %+v", opts)
		// and a state of the merged states is the same again
		var b bytes.Buffer
		require.NoError(t, merged.WriteState(&b))
		again := NewAggregator(testFramework(t), opts)
		require.NoError(t, again.ReadState(&b, "merged"))
		require.Equal(t, want, render(t, again.Result()))
	}
}

// A state that cannot be used is refused, and changes nothing.
func TestStateRefused(t *testing.T) {
	a := NewAggregator(testFramework(t), Options{})
	_, err := readString(t, a, "x.csv", handWorked, Outcomes, ReadOptions{Lenient: true})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, a.WriteState(&b))
	state := b.String()
	require.Contains(t, state, `"value": "16.93"`)

	other := strings.Replace(testCatalogue, `"2023/24": {value: "16.93"`, `"2023/24": {value: "16.94"`, 1)
	fw2, err := tom.Parse("test.yaml", []byte(other))
	require.NoError(t, err)
	for _, tc := range []struct {
		name, state string
		fw          *tom.Framework
		opts        Options
		want        error
		msg         string
	}{
		{"not json", "{", testFramework(t), Options{}, ErrState, "bad aggregate state"},
		{"version", strings.Replace(state, "toms.aggregate/v1", "toms.aggregate/v9", 1), testFramework(t), Options{}, ErrState, `version "toms.aggregate/v9"`},
		{"unknown field", strings.Replace(state, `"records"`, `"recs"`, 1), testFramework(t), Options{}, ErrState, "unknown field"},
		{"options", state, testFramework(t), Options{NoDuplicateCheck: true}, ErrMerge, "duplicate check true"},
		{"proxy values", state, fw2, Options{}, ErrMerge, "at £16.93; this framework has £16.94"},
		{"inexact", strings.Replace(state, `"quantity": "`, `"quantity": "1.5e`, 1), testFramework(t), Options{}, ErrState, "not an exact non-negative decimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewAggregator(tc.fw, tc.opts)
			before := render(t, m.Result())
			err := m.ReadState(strings.NewReader(tc.state), "s.json")
			require.ErrorIs(t, err, tc.want)
			assert.ErrorContains(t, err, tc.msg)
			assert.ErrorContains(t, err, "s.json")
			assert.Equal(t, before, render(t, m.Result()), "nothing changed")
		})
	}
}
