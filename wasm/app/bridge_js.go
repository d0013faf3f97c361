//go:build js

package app

import (
	"fmt"
	"math"
	"syscall/js"
)

// install defines window.bellman, the page's handle on the game. Every call
// only queues a command or reads the published status; none blocks.
func (b *Bridge) install() {
	api := js.Global().Get("Object").New()
	push := func(op string) js.Func {
		return js.FuncOf(func(this js.Value, args []js.Value) any {
			b.Push(command(op, args))
			return nil
		})
	}
	for _, op := range []string{"play", "pause", "toggle", "step", "reset", "set", "world", "load", "algorithm", "speed", "layer", "select", "lesson"} {
		api.Set(op, push(op))
	}
	api.Set("status", js.FuncOf(func(this js.Value, args []js.Value) any {
		return b.StatusJSON()
	}))
	api.Set("lessons", js.FuncOf(func(this js.Value, args []js.Value) any {
		return lessonsJSON()
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
}

// command turns a call from the page into a command. Arguments of the
// wrong type never panic: a value that should be a number becomes NaN
// (clamped and reported by the game), other mistakes a "bad" command whose
// message the status line shows.
func command(op string, args []js.Value) (c Command) {
	defer func() {
		if r := recover(); r != nil {
			c = Command{Op: "bad", Key: fmt.Sprintf("bellman.%s: %v", op, r)}
		}
	}()
	number := func(i int) float64 {
		if i >= len(args) {
			return math.NaN()
		}
		switch args[i].Type() {
		case js.TypeNumber:
			return args[i].Float()
		case js.TypeBoolean:
			if args[i].Bool() {
				return 1
			}
			return 0
		}
		return math.NaN()
	}
	str := func(i int) (string, bool) {
		if i >= len(args) || args[i].Type() != js.TypeString {
			return "", false
		}
		return args[i].String(), true
	}
	c.Op = op
	switch op {
	case "set", "layer":
		key, ok := str(0)
		if !ok {
			return Command{Op: "bad", Key: "bellman." + op + " needs a name first, e.g. " + op + `("gamma", 0.5)`}
		}
		c.Key, c.Value = key, number(1)
	case "world", "load", "algorithm", "lesson":
		key, ok := str(0)
		if !ok {
			return Command{Op: "bad", Key: "bellman." + op + " needs a name (a string)"}
		}
		c.Key = key
	case "speed":
		c.Value = number(0)
	case "select":
		r, col := number(0), number(1)
		if math.IsNaN(r) || math.IsNaN(col) || math.IsInf(r, 0) || math.IsInf(col, 0) {
			return Command{Op: "bad", Key: "bellman.select needs a row and a column (numbers)"}
		}
		c.Row, c.Col = int(r), int(col)
	}
	return c
}

// pageNow returns the page's clock, performance.now(), in milliseconds.
func pageNow() float64 { return js.Global().Get("performance").Call("now").Float() }
