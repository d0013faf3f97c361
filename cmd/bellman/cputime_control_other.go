//go:build !js

package main

// controlCPUClock names the clock controlCPUSeconds reads (cpuClock of
// the cputime_*.go files).
const controlCPUClock = cpuClock

// controlCPUSeconds returns the process's CPU time from cpuSeconds, and
// whether the platform has such a clock.
func controlCPUSeconds() (float64, bool) { return cpuSeconds(), hasCPUClock }

// settle returns at once: native code is compiled before it runs.
func settle() {}
