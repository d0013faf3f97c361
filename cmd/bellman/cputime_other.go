//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// cpuClock says that there is no process CPU clock here (js/wasm among
// others): the per-CPU-second figures are per wall-clock second.
const cpuClock = "wall (no process CPU clock on this platform)"

// cpuSeconds returns 0; callers use wall time instead.
func cpuSeconds() float64 { return 0 }

// hasCPUClock reports whether cpuSeconds measures CPU time.
const hasCPUClock = false
