package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// bench prints one JSON line with the rates, the settings and the clock
// the per-CPU-second rate comes from; the steps allocate nothing.
func TestBench(t *testing.T) {
	wantClock := "getrusage"
	if runtime.GOOS == "js" {
		wantClock = "process.cpuUsage" // node's, through syscall/js
	}
	for _, tc := range []struct {
		args []string
		rate string
		n    float64
	}{
		{[]string{"bench", "td", "--world", "maze-10x10", "--agent", "prioritized-sweeping", "--steps", "20000", "--set", "planning=50", "--set", "theta=1e-5", "--set", "epsilon=0.2"}, "steps", 20000},
		{[]string{"bench", "td", "--world", "zhao-5x5", "--agent", "qlearning", "--steps", "50000"}, "steps", 50000},
		{[]string{"bench", "dp", "--world", "maze-10x10", "--method", "vi", "--sweeps", "2000"}, "sweeps", 2000},
		{[]string{"bench", "dp", "--world", "zhao-5x5", "--method", "pi", "--sweeps", "500", "--gamma", "0.5"}, "sweeps", 500},
	} {
		stdout, stderr, code := bellman(tc.args...)
		if code != 0 {
			t.Fatalf("%v: %s", tc.args, stderr)
		}
		if strings.Count(stdout, "\n") != 1 {
			t.Errorf("%v: not one line: %q", tc.args, stdout)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err)
		}
		if out["cpu_clock"] != wantClock || out[tc.rate] != tc.n || out["bench"] != tc.args[1] {
			t.Errorf("%v: %v", tc.args, out)
		}
		for _, k := range []string{tc.rate + "_per_sec", tc.rate + "_per_cpu_sec"} {
			// A rate is null only if the clock did not move.
			if r, ok := out[k].(float64); out[k] != nil && (!ok || !(r > 0)) {
				t.Errorf("%v: %s = %v", tc.args, k, out[k])
			}
		}
		// The count is the process's: the runtime and earlier tests'
		// finalizers may allocate a few objects meanwhile (CI saw 6). One
		// allocation per step would show as at least tc.n.
		if a, ok := out["allocs"].(float64); !ok || a > 32 {
			t.Errorf("%v: %v allocations in the timed loop", tc.args, out["allocs"])
		}
		if tc.args[1] == "td" {
			settings, _ := out["settings"].(map[string]any)
			if settings["gamma"] != 0.9 || settings["seed"] != 1.0 {
				t.Errorf("%v: settings %v", tc.args, settings)
			}
		}
	}
}
