package measure

import (
	"context"
	"github.com/socialvalue-toms/toms/diag"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/socialvalue-toms/toms/tom"
)

// testCatalogue is a small framework with two financial years of
// volunteering values, a non-financial count, an exclusive spend group and
// a carbon value for 2021/22 only.
const testCatalogue = `
apiVersion: toms/v1
kind: Framework
id: test
name: Test TOMs
currency: GBP
themes:
  - id: community
    name: Community capacity
    outcomes:
      - id: volunteering
        name: People volunteer
        measures:
          - id: volunteering-hours
            name: Volunteering hours
            unit: hours
            evidenceRequired: true
            proxies:
              "2023/24": {value: "16.93", source: "Essex ECC48 guidance", basis: "hourly rate"}
              "2024/25": {value: "17.50", source: "Local evidence 2024", basis: "hourly rate"}
          - id: schools-supported
            name: Schools supported
            unit: count
  - id: economy
    name: Local economy
    outcomes:
      - id: spend
        name: Spend stays local
        measures:
          - id: local-spend
            name: Spend with local suppliers
            unit: gbp
            exclusiveGroup: local
          - id: local-sme-spend
            name: Spend with local SMEs
            unit: gbp
            exclusiveGroup: local
  - id: environment
    name: Environment
    outcomes:
      - id: carbon
        name: Less carbon
        measures:
          - id: carbon-saved
            name: Carbon saved
            unit: tco2e
            proxies:
              "2021/22": {value: "245", source: "BEIS 2021 central series", basis: "carbon value"}
`

func testFramework(t testing.TB) *tom.Framework {
	t.Helper()
	fw, err := tom.Parse("test.yaml", []byte(testCatalogue))
	require.NoError(t, err)
	return fw
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// requireDec compares decimals by value, printing both.
func requireDec(t testing.TB, want string, got decimal.Decimal, msg ...any) {
	t.Helper()
	require.Truef(t, dec(want).Equal(got), "want %s, got %s %v", want, got, msg)
}

func readString(t testing.TB, a *Aggregator, name, data string, kind Kind, opts ReadOptions) (diag.List, error) {
	t.Helper()
	return a.Read(context.Background(), strings.NewReader(data), name, kind, opts)
}

func mustDate(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}
