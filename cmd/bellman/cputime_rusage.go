//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "syscall"

// cpuClock names the clock cpuSeconds reads.
const cpuClock = "getrusage"

// cpuSeconds returns the CPU time (user + system) the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// hasCPUClock reports whether cpuSeconds measures CPU time.
const hasCPUClock = true
