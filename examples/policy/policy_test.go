// Package policy_test runs the rule tests of this example folder under
// go test, exactly as `toms test examples/policy` runs them.
package policy_test

import (
	"os"
	"testing"

	"github.com/socialvalue-toms/toms/rules/rulestest"
)

func TestCouncilPolicy(t *testing.T) {
	rulestest.Run(t, os.DirFS("."), ".")
}
