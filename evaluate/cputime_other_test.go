//go:build !unix

package evaluate

// cpuTime is not measured on this platform: the benchmarks report 0.
func cpuTime() int64 { return 0 }
