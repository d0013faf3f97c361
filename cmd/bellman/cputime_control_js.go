//go:build js

package main

import "syscall/js"

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
