//go:build js

package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall/js"

	"bellman/sim/proto"
)

// install defines window.bellman, the page's handle on the game. Every call
// only queues a request or reads what the game published; none blocks.
func (b *Bridge) install(g *Game) {
	api := js.Global().Get("Object").New()
	push := func(name string) js.Func {
		return js.FuncOf(func(this js.Value, args []js.Value) any {
			b.Push(call(name, args))
			return nil
		})
	}
	for _, name := range []string{"play", "pause", "toggle", "step", "reset", "set", "world", "load", "algorithm",
		"speed", "layer", "select", "lesson", "compare", "endCompare", "restart", "selectRun", "address",
		"act", "timeline", "pair", "label", "export", "import", "png", "presenter", "motion"} {
		api.Set(name, push(name))
	}
	api.Set("status", js.FuncOf(func(this js.Value, args []js.Value) any { return g.StatusJSON() }))
	api.Set("lessons", js.FuncOf(func(this js.Value, args []js.Value) any { return g.Lessons() }))
	api.Set("worldFile", js.FuncOf(func(this js.Value, args []js.Value) any { return g.WorldFile() }))
	// takeFile hands the page the file on offer (an export, the canvas as
	// a PNG) as {name, type, data: Uint8Array}, or null.
	api.Set("takeFile", js.FuncOf(func(this js.Value, args []js.Value) any {
		f, ok := g.TakeFile()
		if !ok {
			return js.Null()
		}
		u8 := js.Global().Get("Uint8Array").New(len(f.Data))
		js.CopyBytesToJS(u8, f.Data)
		return map[string]any{"name": f.Name, "type": f.Type, "data": u8}
	}))
	// Clicks and keys are taken from the DOM events, which never miss a
	// press that starts and ends between two ticks.
	doc := js.Global().Get("document")
	// paintMode(kind) makes the canvas paint cells of kind (. F # T S C)
	// where it is clicked or dragged; paintMode("") selects cells again.
	api.Set("paintMode", js.FuncOf(func(this js.Value, args []js.Value) any {
		kind := ""
		if len(args) > 0 && args[0].Type() == js.TypeString {
			kind = args[0].String()
		}
		if len(kind) > 1 || (kind != "" && !strings.Contains(".F#TSC", kind)) {
			b.Push(request{kind: reqBad, text: fmt.Sprintf("bellman.paintMode: %q is not a cell (. F # T S C)", kind)})
			return nil
		}
		b.mu.Lock()
		b.paint = kind
		b.mu.Unlock()
		return nil
	}))
	api.Set("reshape", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 0 || args[0].Type() != js.TypeString {
			b.Push(request{kind: reqBad, text: "bellman.reshape needs add-row, remove-row, add-col or remove-col"})
			return nil
		}
		b.Push(request{kind: reqReshape, text: args[0].String()})
		return nil
	}))
	painting := false
	at := func(e js.Value) (float64, float64) {
		dpr := js.Global().Get("devicePixelRatio").Float()
		return e.Get("clientX").Float() * dpr, e.Get("clientY").Float() * dpr
	}
	paintAt := func(e js.Value) bool {
		b.mu.Lock()
		kind := b.paint
		b.mu.Unlock()
		if kind == "" {
			return false
		}
		x, y := at(e)
		b.Push(request{kind: reqPaint, x: x, y: y, text: kind})
		return true
	}
	doc.Call("addEventListener", "mousedown", js.FuncOf(func(this js.Value, args []js.Value) any {
		painting = paintAt(args[0])
		return nil
	}))
	doc.Call("addEventListener", "mousemove", js.FuncOf(func(this js.Value, args []js.Value) any {
		if painting {
			paintAt(args[0])
		}
		return nil
	}))
	doc.Call("addEventListener", "mouseup", js.FuncOf(func(this js.Value, args []js.Value) any {
		painting = false
		return nil
	}))
	doc.Call("addEventListener", "click", js.FuncOf(func(this js.Value, args []js.Value) any {
		b.mu.Lock()
		paint := b.paint
		b.mu.Unlock()
		if paint != "" {
			return nil // painted on mousedown
		}
		x, y := at(args[0])
		b.Push(request{kind: reqClick, x: x, y: y})
		return nil
	}))
	doc.Call("addEventListener", "keydown", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() || e.Get("altKey").Bool() {
			return nil
		}
		switch e.Get("key").String() {
		case " ":
			b.Push(request{cmd: proto.Command{Op: proto.OpToggle}})
			e.Call("preventDefault")
		case "s":
			b.Push(request{cmd: proto.Command{Op: proto.OpStep}})
		case "r":
			b.Push(request{cmd: proto.Command{Op: proto.OpReset}})
		}
		return nil
	}))
	js.Global().Set("bellman", api)
}

// call turns a call from the page into a request. Arguments of the wrong
// type never panic: they become a "bad" request whose message the status
// line shows.
func call(name string, args []js.Value) (r request) {
	defer func() {
		if p := recover(); p != nil {
			r = request{kind: reqBad, text: fmt.Sprintf("bellman.%s: %v", name, p)}
		}
	}()
	bad := func(format string, a ...any) request {
		return request{kind: reqBad, text: "bellman." + name + ": " + fmt.Sprintf(format, a...)}
	}
	// number reads argument i: a number, a boolean, or a string that reads
	// as a number.
	number := func(i int, what string) (float64, error) {
		if i >= len(args) {
			return 0, fmt.Errorf("needs %s", what)
		}
		switch a := args[i]; a.Type() {
		case js.TypeNumber:
			return a.Float(), nil
		case js.TypeBoolean:
			if a.Bool() {
				return 1, nil
			}
			return 0, nil
		case js.TypeString:
			x, err := strconv.ParseFloat(strings.TrimSpace(a.String()), 64)
			if err != nil {
				return 0, fmt.Errorf("%q is not a number (%s)", a.String(), what)
			}
			return x, nil
		}
		return 0, fmt.Errorf("needs %s, not a %s", what, args[i].Type())
	}
	str := func(i int) (string, bool) {
		if i >= len(args) || args[i].Type() != js.TypeString {
			return "", false
		}
		return args[i].String(), true
	}
	switch name {
	case "compare", "address":
		text, ok := str(0)
		if !ok {
			return bad("needs a string, e.g. %s", map[string]string{"compare": `"seeds=1-4&b.alpha=0.5"`, "address": "location.hash"}[name])
		}
		kind := reqCompare
		if name == "address" {
			kind = reqAddress
		}
		return request{kind: kind, text: text}
	case "endCompare":
		return request{kind: reqEndCompare}
	case "png":
		return request{kind: reqPNG}
	case "presenter", "motion":
		v, err := number(0, "true or false")
		if err != nil {
			return bad("%v", err)
		}
		kind := reqPresenter
		if name == "motion" {
			kind = reqMotion
		}
		on := 0
		if v != 0 {
			on = 1
		}
		return request{kind: kind, id: on}
	case "label":
		i, err1 := number(0, "a pair's number")
		a, err2 := number(1, "true for A, false for B")
		if err1 != nil || err2 != nil || i != math.Trunc(i) || math.Abs(i) > 1e7 {
			return bad("needs a pair's number and true (A preferred) or false (B)")
		}
		return request{cmd: proto.Command{Op: proto.OpLabel, Row: int(i), Value: a}}
	case "export":
		key, ok := str(0)
		if !ok {
			return bad(`needs what to export: "report", "labels"`)
		}
		return request{cmd: proto.Command{Op: proto.OpExport, Key: key}}
	case "import":
		key, ok1 := str(0)
		text, ok2 := str(1)
		if !ok1 || !ok2 || len(text) > proto.MaxText {
			return bad(`needs what it is and the file's text, e.g. import("labels", text) (at most %d bytes)`, proto.MaxText)
		}
		return request{cmd: proto.Command{Op: proto.OpImport, Key: key, Text: text}}
	case "restart", "selectRun":
		id, err := number(0, "a run's number")
		if err != nil || id != math.Trunc(id) || math.Abs(id) > 1e6 {
			return bad("needs a run's number (status().runs)")
		}
		kind := reqRestart
		if name == "selectRun" {
			kind = reqSelectRun
		}
		return request{kind: kind, id: int(id)}
	}
	op, err := proto.ParseOp(name)
	if err != nil {
		return bad("%v", err)
	}
	c := proto.Command{Op: op}
	switch op {
	case proto.OpSet, proto.OpLayer:
		key, ok := str(0)
		if !ok {
			return bad(`needs a name first, e.g. %s("gamma", 0.5)`, name)
		}
		v, err := number(1, "a value")
		if err != nil {
			return bad("%s: %v", key, err)
		}
		c.Key, c.Value = key, v
	case proto.OpWorld, proto.OpAlgorithm, proto.OpLesson:
		key, ok := str(0)
		if !ok {
			return bad("needs a name (a string)")
		}
		c.Key = key
	case proto.OpLoad:
		text, ok := str(0)
		if !ok {
			return bad("needs a world file (a string)")
		}
		c.Text = text
	case proto.OpSpeed, proto.OpAct, proto.OpTimeline:
		v, err := number(0, map[proto.Op]string{proto.OpSpeed: "steps per second", proto.OpAct: "an action (0 up, 1 right, 2 down, 3 left, 4 stay)",
			proto.OpTimeline: "a kept moment (−1: live)"}[op])
		if err != nil {
			return bad("%v", err)
		}
		c.Value = v
	case proto.OpSelect:
		r, err1 := number(0, "a row")
		col, err2 := number(1, "a column")
		if err1 != nil || err2 != nil || math.IsNaN(r+col) || math.IsInf(r+col, 0) || math.Abs(r) > 1e7 || math.Abs(col) > 1e7 {
			return bad("needs a row and a column (numbers)")
		}
		c.Row, c.Col = int(r), int(col)
	}
	if len(c.Key) > proto.MaxKey || len(c.Text) > proto.MaxText {
		return bad("argument too long")
	}
	return request{cmd: c}
}

// pageNow returns the page's clock, performance.now(), in milliseconds.
func pageNow() float64 { return js.Global().Get("performance").Call("now").Float() }
