//go:build js

package client

import (
	"errors"
	"syscall/js"
)

// Where is where this build hosts its runs.
const Where = "worker"

// worker is a host in a Web Worker (web/static/worker.js).
type worker struct {
	w         js.Value
	onMessage js.Func
	onError   js.Func
}

// Open starts a host in a Web Worker. The page may have started one early
// (game.html's window.bellmanSpare, so that its module downloads while the
// game's does): the first Open takes it. Workers are listed in
// window.bellmanWorkers, for tests that kill one.
func Open(deliver func(msg []byte, err error)) (Port, error) {
	win := js.Global()
	var w js.Value
	spare := win.Get("bellmanSpare")
	if spare.Truthy() {
		w = spare
		win.Set("bellmanSpare", js.Null())
	} else {
		ctor := win.Get("Worker")
		if !ctor.Truthy() {
			return nil, errors.New("this browser has no Web Workers")
		}
		w = ctor.New("worker.js")
	}
	p := &worker{w: w}
	take := func(data js.Value) {
		if data.InstanceOf(js.Global().Get("ArrayBuffer")) {
			u8 := js.Global().Get("Uint8Array").New(data)
			msg := make([]byte, u8.Get("length").Int())
			js.CopyBytesToGo(msg, u8)
			deliver(msg, nil)
			return
		}
		// worker.js's own reports: {error: "..."} when the module failed or
		// the Go program stopped.
		if data.Type() == js.TypeObject && data.Get("error").Type() == js.TypeString {
			deliver(nil, errors.New(data.Get("error").String()))
			return
		}
		deliver(nil, errors.New("sent a message that is neither a snapshot nor an error"))
	}
	p.onMessage = js.FuncOf(func(this js.Value, args []js.Value) any {
		take(args[0].Get("data"))
		return nil
	})
	p.onError = js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "failed"
		if e := args[0]; e.Type() == js.TypeObject && e.Get("message").Type() == js.TypeString {
			msg = "failed: " + e.Get("message").String()
		}
		args[0].Call("preventDefault")
		deliver(nil, errors.New(msg))
		return nil
	})
	w.Set("onmessage", p.onMessage)
	w.Set("onerror", p.onError)
	if inbox := win.Get("bellmanSpareInbox"); w.Equal(spare) && inbox.Truthy() {
		for i := 0; i < inbox.Length(); i++ {
			take(inbox.Index(i))
		}
		win.Set("bellmanSpareInbox", js.Null())
	}
	list := win.Get("bellmanWorkers")
	if !list.Truthy() {
		list = js.Global().Get("Array").New()
		win.Set("bellmanWorkers", list)
	}
	list.Call("push", w)
	return p, nil
}

func (p *worker) Post(msg []byte) {
	u8 := js.Global().Get("Uint8Array").New(len(msg))
	js.CopyBytesToJS(u8, msg)
	buf := u8.Get("buffer")
	p.w.Call("postMessage", buf, []any{buf})
}

func (p *worker) Close() {
	p.w.Call("terminate")
	p.w.Set("bellmanClosed", true) // for tests that pick a live worker
	p.w.Set("onmessage", js.Null())
	p.w.Set("onerror", js.Null())
	p.onMessage.Release()
	p.onError.Release()
}
