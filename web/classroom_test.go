package web

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// untilJS polls js in the page until it returns true.
func untilJS(t testing.TB, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !evalJS[bool](t, ctx, js) {
		if time.Now().After(deadline) {
			t.Fatalf("the page does not show %s (%s)", what, js)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A teacher's link hides and locks controls, and keeps them so through a
// later edit of the address and a reload.
func TestTeachersLink(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	link := srv.URL + "/#world=zhao-5x5&algorithm=vi&gamma=0.5&hide=charts,param:slip&lock=param:gamma,world"
	for load := 0; load < 2; load++ { // the link, then a reload of it
		if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
			t.Fatal(err)
		}
		if load == 1 {
			chromedp.Do(ctx, chromedp.Reload())
		}
		waitFor(t, ctx, "γ 0.5", func(s status) bool { return s.param("gamma") == 0.5 })
		untilJS(t, ctx, "the charts hidden", `getComputedStyle(document.getElementById("charts")).display === "none"`)
		untilJS(t, ctx, "slip hidden", `getComputedStyle(document.querySelector('.param[data-key="slip"]')).display === "none"`)
		untilJS(t, ctx, "γ locked", `document.getElementById("param-gamma").disabled && document.getElementById("world").disabled`)
		if evalJS[bool](t, ctx, `document.getElementById("param-r-target").disabled`) {
			t.Fatal("r_target is locked too")
		}
	}
	pageShot(t, ctx, "page-teachers-link.png")
	// Neither the bridge nor an edited address changes what is locked.
	call(t, ctx, `set("gamma", 0.8)`)
	call(t, ctx, `world("cliff-4x12")`)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#gamma=0.7&r-target=2&world=maze-10x10"`)); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "r_target 2", func(s status) bool { return s.param("r-target") == 2 })
	if s.param("gamma") != 0.5 || s.World != "zhao-5x5" {
		t.Fatalf("after the bridge and an edited address: γ %v, world %s", s.param("gamma"), s.World)
	}
	var w workerStatus
	raw := evalJS[string](t, ctx, game+".bellman.status()")
	json.Unmarshal([]byte(raw), &w)
	refused := 0
	for _, n := range w.Notices {
		if strings.Contains(n.Text, "locked by the teacher's link") {
			refused++
		}
	}
	if refused < 4 {
		t.Fatalf("%d refusals for 4 locked changes: %+v", refused, w.Notices)
	}
	// The share panel builds such a link.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#share"))); err != nil {
		t.Fatal(err)
	}
	untilJS(t, ctx, "the share panel", `!document.getElementById("share-panel").hidden`)
	linkText := evalJS[string](t, ctx, `document.getElementById("share-link").value`)
	for _, want := range []string{"lock=", "param%3Agamma", "world", "hide=", "charts", "param%3Aslip"} {
		if !strings.Contains(linkText, want) {
			t.Fatalf("the share panel's link %q lacks %q", linkText, want)
		}
	}
	pageShot(t, ctx, "page-share-panel.png")
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// Painting, moving by hand, the timeline and the exports.
func TestClassroomTools(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "the page", func(s status) bool { return s.Frame > 2 && s.World == "zhao-5x5" })
	call(t, ctx, `speed(0)`)
	before := waitFor(t, ctx, "convergence", func(s status) bool { return s.Converged })

	t.Run("painting a cell changes the values", func(t *testing.T) {
		call(t, ctx, `paintMode("T")`)
		g := before.Geom
		rect := evalJS[[]float64](t, ctx, `(() => { const r = document.getElementById("game").getBoundingClientRect(); return [r.left, r.top]; })()`)
		// The canvas is in device pixels; at a device scale of 1 they are
		// CSS pixels. Paint a second target in (0, 0), the top-left corner.
		x, y := rect[0]+g.X+0.5*g.Cell, rect[1]+g.Y+0.5*g.Cell
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, ctx, "the painted world", func(s status) bool { return s.Converged && s.Layout[0][0] == 'T' })
		// Staying in a target earns r_target 1 a step: v = 1/(1 − γ) = 10,
		// where it was 5.83 (Figure 3.4).
		if v := *s.Values[0][0]; math.Abs(v-10) > 1e-4 || math.Abs(*before.Values[0][0]-5.8) > 0.1 {
			t.Fatalf("v(0,0) %v after painting a target there (before %v), want 10", v, *before.Values[0][0])
		}
		shot(t, ctx, "painted.png")
		call(t, ctx, `paintMode("")`)
	})

	t.Run("arrow keys move the agent", func(t *testing.T) {
		call(t, ctx, `algorithm("qlearning")`)
		call(t, ctx, `pause()`)
		s := waitFor(t, ctx, "Q-learning paused", func(s status) bool { return s.Algorithm == "qlearning" && !s.Playing })
		for _, k := range []string{kb.ArrowRight, kb.ArrowDown} {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
				t.Fatal(err)
			}
		}
		s2 := waitFor(t, ctx, "two moves", func(x status) bool { return x.Learn.Steps == s.Learn.Steps+2 })
		if !strings.Contains(s2.Notice, "you moved down") || s2.Selected == nil {
			t.Fatalf("after the moves: notice %q, selected %v", s2.Notice, s2.Selected)
		}
	})

	t.Run("the timeline shows an earlier moment", func(t *testing.T) {
		call(t, ctx, `speed(200)`)
		call(t, ctx, `play()`)
		untilJS(t, ctx, "moments kept", `JSON.parse(`+game+`.bellman.status()).timelineSteps.length >= 4`)
		call(t, ctx, `timeline(1)`)
		untilJS(t, ctx, "moment 1", `(() => { const s = JSON.parse(`+game+`.bellman.status()); return s.timelineAt === 1 && s.liveSteps > s.learn.steps; })()`)
		pageShot(t, ctx, "page-timeline.png")
		untilJS(t, ctx, "the timeline bar", `!document.getElementById("timeline").hidden && document.getElementById("timeline-out").textContent.includes("live goes on")`)
		call(t, ctx, `timeline(-1)`)
		untilJS(t, ctx, "live", `JSON.parse(`+game+`.bellman.status()).timelineAt === -1`)
	})

	t.Run("exports parse", func(t *testing.T) {
		// The page downloads what the game offers: catch the downloads.
		evalJS[bool](t, ctx, `(window.download = (name, type, data) => { window.caught = {name, data: typeof data === "string" ? new TextEncoder().encode(data) : data}; }, true)`)
		take := func(what string) (string, []byte) {
			t.Helper()
			untilJS(t, ctx, what+" downloaded", `!!window.caught`)
			var f struct {
				Name string `json:"name"`
				Data []byte `json:"data"`
			}
			raw := evalJS[string](t, ctx, `(() => { const f = window.caught; window.caught = null; let s = ""; for (const b of f.data) s += String.fromCharCode(b); return JSON.stringify({name: f.name, data: btoa(s)}); })()`)
			if err := json.Unmarshal([]byte(raw), &f); err != nil {
				t.Fatal(err)
			}
			return f.Name, f.Data
		}
		call(t, ctx, `export("report")`)
		name, data := take("the report")
		var rep struct {
			World  string `json:"world"`
			Charts []struct {
				Title string `json:"title"`
			} `json:"charts"`
		}
		if err := json.Unmarshal(data, &rep); err != nil || rep.World != "zhao-5x5" || len(rep.Charts) == 0 || !strings.HasSuffix(name, ".json") {
			t.Fatalf("report %s: %v, %+v", name, err, rep)
		}
		call(t, ctx, `png()`)
		name, data = take("the picture")
		if !strings.HasSuffix(name, ".png") || len(data) < 1000 || string(data[1:4]) != "PNG" {
			t.Fatalf("picture %s: %d bytes, %q", name, len(data), data[:min(8, len(data))])
		}
		csv := evalJS[string](t, ctx, `curvesCSV(status)`)
		lines := strings.Split(strings.TrimSpace(csv), "\n")
		if lines[0] != "chart,series,x,y" || len(lines) < 10 {
			t.Fatalf("curves CSV: %d lines, header %q", len(lines), lines[0])
		}
		for _, l := range lines[1:] {
			if f := strings.Split(l, ","); len(f) < 4 {
				t.Fatalf("a CSV line of %d fields: %q", len(f), l)
			}
		}
	})
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
	_ = s
}

// An agent saved in the page, loaded after a reload, goes on from where it
// was: the same step, the same curve so far; a corrupt file is refused and
// changes nothing.
func TestSaveReloadLoad(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#world=zhao-5x5&algorithm=qlearning")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Q-learning", func(s status) bool { return s.Algorithm == "qlearning" })
	call(t, ctx, `speed(300)`) // slow enough that the curve is not thinned yet
	waitFor(t, ctx, "some episodes", func(s status) bool { return s.Learn.Episode > 100 })
	call(t, ctx, `pause()`)
	saved := waitFor(t, ctx, "the pause", func(s status) bool { return !s.Playing })
	time.Sleep(time.Second)
	saved = waitFor(t, ctx, "the pause", func(s status) bool { return !s.Playing })
	returns := func() string {
		return evalJS[string](t, ctx, `JSON.stringify(JSON.parse(`+game+`.bellman.status()).charts[0].series[0].values)`)
	}
	curve := returns()
	evalJS[bool](t, ctx, `(window.download = (name, type, data) => { window.caught = data; }, true)`)
	call(t, ctx, `export("agent")`)
	untilJS(t, ctx, "the save file", `!!window.caught`)
	file := evalJS[string](t, ctx, `new TextDecoder().decode(window.caught)`)
	if !strings.Contains(file, `"bellman-agent"`) {
		t.Fatalf("the save file starts %q", file[:min(80, len(file))])
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "a fresh page", func(s status) bool { return s.Frame > 2 && s.Algorithm == "vi" })
	call(t, ctx, `import("agent", '{"format": "bellman-agent", "version": 99}')`)
	s := waitFor(t, ctx, "the refusal", func(s status) bool { return strings.HasPrefix(s.Notice, "error") })
	if s.Algorithm != "vi" {
		t.Fatalf("a corrupt file changed the run to %s", s.Algorithm)
	}
	call(t, ctx, `import("agent", `+jsString(file)+`)`)
	s = waitFor(t, ctx, "the loaded agent", func(s status) bool { return s.Algorithm == "qlearning" && s.Learn.Steps == saved.Learn.Steps })
	if got := returns(); got != curve {
		t.Fatalf("the loaded run's curve differs from the saved one's (%d vs %d bytes)", len(got), len(curve))
	}
	call(t, ctx, `play()`)
	waitFor(t, ctx, "it goes on", func(x status) bool { return x.Learn.Episode > s.Learn.Episode+5 })
	if got := returns(); !strings.HasPrefix(got, curve[:len(curve)-1]) {
		t.Fatal("the loaded run's curve does not go on from the saved one's")
	}
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}
