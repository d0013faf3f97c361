//go:build js

// Command worker is the session host of Bellman's page, built as a second
// WebAssembly module and run in a Web Worker (web/static/worker.js): the
// sessions and agents live here, off the page's main thread, and speak
// package proto's messages with the game over postMessage, each message
// an ArrayBuffer handed over without a copy.
package main

import (
	"fmt"
	"runtime/debug"
	"sync"
	"syscall/js"
	"time"

	"bellman/assets"
	"bellman/record/tfrecord"
	"bellman/sim/host"
)

func main() {
	self := js.Global()
	defer func() {
		if r := recover(); r != nil {
			self.Call("postMessage", map[string]any{"error": fmt.Sprintf("the host stopped: %v\n%s", r, debug.Stack())})
		}
	}()
	lib := assets.Library()
	lib.Trajectories = tfrecord.HostSteps
	h, err := host.New(lib)
	if err != nil {
		self.Call("postMessage", map[string]any{"error": "the host could not start: " + err.Error()})
		return
	}
	host.Serve(h, newTransport(self))
}

// transport is the worker's end of postMessage.
type transport struct {
	self   js.Value
	mu     sync.Mutex
	queue  [][]byte
	signal chan struct{} // a message came
	yield  chan struct{} // the event loop ran
	port   js.Value      // posting to it runs the event loop once, unthrottled
	funcs  []js.Func
}

func newTransport(self js.Value) *transport {
	t := &transport{self: self, signal: make(chan struct{}, 1), yield: make(chan struct{}, 1)}
	receive := js.FuncOf(func(this js.Value, args []js.Value) any {
		t.take(args[0].Get("data"))
		return nil
	})
	// Messages that came before the module was ready.
	if inbox := self.Get("bellmanInbox"); inbox.Truthy() {
		for i := 0; i < inbox.Length(); i++ {
			t.take(inbox.Index(i))
		}
		self.Set("bellmanInbox", js.Null())
	}
	self.Set("onmessage", receive)
	ch := js.Global().Get("MessageChannel").New()
	woke := js.FuncOf(func(this js.Value, args []js.Value) any {
		select {
		case t.yield <- struct{}{}:
		default:
		}
		return nil
	})
	ch.Get("port2").Set("onmessage", woke)
	t.port = ch.Get("port1")
	t.funcs = []js.Func{receive, woke}
	return t
}

// take queues a message from the game: an ArrayBuffer of bytes. Anything
// else becomes an empty message, which the host reports as malformed.
func (t *transport) take(data js.Value) {
	var msg []byte
	if data.InstanceOf(js.Global().Get("ArrayBuffer")) {
		u8 := js.Global().Get("Uint8Array").New(data)
		msg = make([]byte, u8.Length())
		js.CopyBytesToGo(msg, u8)
	}
	t.mu.Lock()
	t.queue = append(t.queue, msg)
	t.mu.Unlock()
	select {
	case t.signal <- struct{}{}:
	default:
	}
}

func (t *transport) Recv(dst [][]byte, wait time.Duration) ([][]byte, bool) {
	switch {
	case wait == 0:
		// Let the event loop deliver what is pending: a MessageChannel
		// round trip, which setTimeout's 4 ms clamp does not slow.
		t.port.Call("postMessage", nil)
		<-t.yield
	case wait > 0:
		if !t.pending() {
			timer := time.NewTimer(wait)
			select {
			case <-t.signal:
			case <-timer.C:
			}
			timer.Stop()
		}
	default:
		for !t.pending() {
			<-t.signal
		}
	}
	t.mu.Lock()
	dst = append(dst, t.queue...)
	clear(t.queue)
	t.queue = t.queue[:0]
	t.mu.Unlock()
	return dst, true
}

func (t *transport) pending() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.queue) > 0
}

func (t *transport) Send(msg []byte) {
	u8 := js.Global().Get("Uint8Array").New(len(msg))
	js.CopyBytesToJS(u8, msg)
	buf := u8.Get("buffer")
	t.self.Call("postMessage", buf, []any{buf})
}
