//go:build unix

package evaluate

import "syscall"

// cpuTime returns the CPU time the process has used (user + system), in
// nanoseconds, for benchmarks on a shared machine: unlike wall time, it
// does not count the time spent waiting for a core.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
