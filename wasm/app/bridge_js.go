//go:build js

package app

import (
	"math"
	"syscall/js"
)

// install defines window.bellman, the page's handle on the game. Every call
// only queues a command or reads the published status; none blocks.
func (b *Bridge) install() {
	api := js.Global().Get("Object").New()
	push := func(op string) js.Func {
		return js.FuncOf(func(this js.Value, args []js.Value) any {
			c := Command{Op: op}
			if len(args) > 0 {
				switch args[0].Type() {
				case js.TypeString:
					c.Key = args[0].String()
				case js.TypeNumber:
					c.Value = args[0].Float()
				}
			}
			if len(args) > 1 {
				switch args[1].Type() {
				case js.TypeNumber:
					c.Value = args[1].Float()
				case js.TypeBoolean:
					c.Value = 0
					if args[1].Bool() {
						c.Value = 1
					}
				case js.TypeString:
					c.Value = math.NaN() // a string where a number belongs: clamped to the default and reported
				default:
					c.Value = math.NaN()
				}
			}
			if op == "select" && len(args) > 1 {
				c.Row, c.Col = int(args[0].Float()), int(args[1].Float())
			}
			b.Push(c)
			return nil
		})
	}
	for _, op := range []string{"play", "pause", "toggle", "step", "reset", "set", "world", "load", "algorithm", "speed", "layer", "select"} {
		api.Set(op, push(op))
	}
	api.Set("status", js.FuncOf(func(this js.Value, args []js.Value) any {
		return b.StatusJSON()
	}))
	// Clicks and keys are taken from the DOM events, which never miss a
	// press that starts and ends between two ticks.
	doc := js.Global().Get("document")
	doc.Call("addEventListener", "click", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		dpr := js.Global().Get("devicePixelRatio").Float()
		b.Push(Command{Op: "click", Value: e.Get("clientX").Float() * dpr, Row: int(e.Get("clientY").Float() * dpr)})
		return nil
	}))
	doc.Call("addEventListener", "keydown", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() || e.Get("altKey").Bool() {
			return nil
		}
		switch e.Get("key").String() {
		case " ":
			b.Push(Command{Op: "toggle"})
			e.Call("preventDefault")
		case "s":
			b.Push(Command{Op: "step"})
		case "r":
			b.Push(Command{Op: "reset"})
		}
		return nil
	}))
	js.Global().Set("bellman", api)
	if parent := js.Global().Get("parent"); parent.Truthy() {
		// Tell the page around the iframe that the game is ready.
		defer func() { recover() }() // a cross-origin parent cannot be reached; the page polls anyway
		if f := parent.Get("bellmanReady"); f.Type() == js.TypeFunction {
			f.Invoke()
		}
	}
}

// pageNow returns the page's clock, performance.now(), in milliseconds.
func pageNow() float64 { return js.Global().Get("performance").Call("now").Float() }
