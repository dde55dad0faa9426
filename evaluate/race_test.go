//go:build race

package evaluate_test

// raceEnabled is true under the race detector, which makes the largest
// tests ten times slower: they run smaller there.
const raceEnabled = true
