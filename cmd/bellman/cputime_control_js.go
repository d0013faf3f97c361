//go:build js

package main

import (
	"syscall/js"
	"time"
)

// controlCPUClock names the clock controlCPUSeconds reads under js/wasm.
const controlCPUClock = "process.cpuUsage"

// controlCPUSeconds returns the CPU time (user + system, all threads) of
// the node process running the WebAssembly module, from node's
// process.cpuUsage(), and false where there is none (a browser).
func controlCPUSeconds() (float64, bool) {
	p := js.Global().Get("process")
	if p.Type() != js.TypeObject {
		return 0, false
	}
	if p.Get("cpuUsage").Type() != js.TypeFunction {
		return 0, false
	}
	u := p.Call("cpuUsage")
	return (u.Get("user").Float() + u.Get("system").Float()) / 1e6, true
}

// settle waits, before the clocks start, until node's other threads are
// done: V8 compiles the start-up code that ran hot (encoding/json, the
// runtime's collector) with its optimizing compiler on background threads,
// and process.cpuUsage would charge that work, about 0.3 s, to the timed
// loop. It returns once 50 ms of sleep cost the process under 2 ms of CPU,
// after 5 s at most, and at once where there is no process clock.
func settle() {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		c0, ok := controlCPUSeconds()
		if !ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
		if c1, _ := controlCPUSeconds(); c1-c0 < 0.002 {
			return
		}
	}
}
