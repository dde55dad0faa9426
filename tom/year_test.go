package tom

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseYear(t *testing.T) {
	for _, s := range []string{"2024/25", "1999/00", "2023/24"} {
		y, err := ParseYear(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, y.String(), s)
	}
	for _, s := range []string{"", "2024", "2024-25", "2024/26", "24/25", "2024/2025", "abcd/ef", "-024/25", "2024/+5", "0999/00"} {
		_, err := ParseYear(s)
		assert.ErrorIs(t, err, ErrYear, "%q", s)
	}
}

func TestYearOf(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		require.NoError(t, err)
		return d
	}
	// The UK financial year runs 1 April to 31 March.
	assert.Equal(t, "2023/24", YearOf(day("2024-03-31")).String())
	assert.Equal(t, "2024/25", YearOf(day("2024-04-01")).String())
	assert.Equal(t, "2024/25", YearOf(day("2025-01-01")).String())
	assert.Equal(t, "2024/25", YearOf(day("2024-12-31")).String())
	assert.Equal(t, 2024, MustYear("2024/25").Start())
	assert.True(t, MustYear("2023/24").Before(MustYear("2024/25")))
	assert.Equal(t, MustYear("2025/26"), MustYear("2024/25").Next())
	assert.True(t, Year{}.IsZero())

	var y Year
	require.NoError(t, y.UnmarshalText([]byte("2024/25")))
	b, err := y.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2024/25", string(b))
	assert.Error(t, y.UnmarshalText([]byte("2024/26")))
}
