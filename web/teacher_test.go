package web

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"bellman/assets"
	"bellman/sim/session"
)

// evalJS evaluates js in the page and returns its value.
func evalJS[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// pick chooses value in the menu id as a person does, by a change event.
func pick(t testing.TB, ctx context.Context, id, value string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.focus(); el.value = %q; el.dispatchEvent(new Event("change", {bubbles: true})); return el.value; })()`, id, value)
	if v := evalJS[string](t, ctx, js); v != value {
		t.Fatalf("%s has no option %q", id, value)
	}
}

// The page as a teacher sees it (issue 9): counters at "max" stop where the
// method converges, the world picker follows a loaded world, the keyboard
// works after a menu or a button was used, the inspector comes into view,
// tied arrows read as arrows, numbers too small to read are hidden, a
// control task's finer settings are folded, old notices clear.
func TestTeacherView(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the page", func(s status) bool { return s.Frame > 2 && s.World == "zhao-5x5" })

	t.Run("planning at max stops at convergence", func(t *testing.T) {
		w, _ := assets.World("zhao-5x5")
		for _, algo := range []string{"vi", "pi"} {
			alone, _ := session.NewGrid(w, algo)
			for !alone.Converged() {
				alone.Step()
			}
			call(t, ctx, fmt.Sprintf(`algorithm(%q)`, algo))
			call(t, ctx, `speed(0)`)
			call(t, ctx, `reset()`)
			call(t, ctx, `play()`)
			s := waitFor(t, ctx, algo+" to converge", func(s status) bool { return s.Algorithm == algo && s.Converged })
			iters := evalJS[float64](t, ctx, `JSON.parse(`+game+`.bellman.status()).iterations`)
			if s.Sweeps != alone.Sweeps() || int(iters) != alone.Iterations() {
				t.Errorf("%s at max: sweep %d, iteration %v; the session alone converges at sweep %d, iteration %d",
					algo, s.Sweeps, iters, alone.Sweeps(), alone.Iterations())
			}
			counter := evalJS[string](t, ctx, `document.getElementById("counter").textContent`)
			if counter != fmt.Sprintf("sweep %d ✓", alone.Sweeps()) {
				t.Errorf("%s: counter %q", algo, counter)
			}
		}
		call(t, ctx, `algorithm("vi")`)
	})

	t.Run("a loaded world has its own picker entry", func(t *testing.T) {
		call(t, ctx, `load('{"name": "corridor", "layout": ["S...T"]}')`)
		waitFor(t, ctx, "the corridor", func(s status) bool { return s.World == "corridor" })
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			shown := evalJS[string](t, ctx, `(() => { const el = document.getElementById("world"); return el.options[el.selectedIndex].textContent; })()`)
			if shown == "corridor (from a file)" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the world picker shows %q after loading the corridor", shown)
			}
		}
		pick(t, ctx, "world", "zhao-5x5")
		waitFor(t, ctx, "zhao-5x5 again", func(s status) bool { return s.World == "zhao-5x5" })
	})

	t.Run("keys reach the game after a menu and a button", func(t *testing.T) {
		call(t, ctx, `speed(2)`)
		pick(t, ctx, "algorithm", "qlearning")
		s := waitFor(t, ctx, "Q-learning", func(s status) bool { return s.Algorithm == "qlearning" && s.Playing })
		time.Sleep(300 * time.Millisecond) // the menu gives the focus back
		if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
			t.Fatal(err)
		}
		s = waitFor(t, ctx, "space to pause after the menu", func(s status) bool { return !s.Playing })
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#step"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "a step", func(x status) bool { return x.Learn.Steps == s.Learn.Steps+1 })
		time.Sleep(300 * time.Millisecond)
		if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "space to play after the step button (not to step again)", func(s status) bool { return s.Playing })
		if active := evalJS[string](t, ctx, `document.activeElement.tagName`); active == "SELECT" || active == "BUTTON" {
			t.Errorf("focus stays on a %s", active)
		}
	})

	t.Run("the inspector comes into view", func(t *testing.T) {
		call(t, ctx, `select(0, 0)`)
		waitFor(t, ctx, "a selection", func(s status) bool { return s.Selected != nil })
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			top := evalJS[float64](t, ctx, `document.getElementById("inspector").getBoundingClientRect().top`)
			if top > 0 && top < 400 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("with a cell selected the inspector starts at %v px in an 800 px window", top)
			}
		}
		pageShot(t, ctx, "page-inspector-1280.png")
		call(t, ctx, `select(-1, -1)`)
	})

	t.Run("tied arrows read as separate arrows", func(t *testing.T) {
		// Policy evaluation of the uniform policy: every action 1/5, a tie
		// in every cell; with numbers off the arrows sit at the centre.
		call(t, ctx, `algorithm("eval")`)
		call(t, ctx, `layer("numbers", false)`)
		call(t, ctx, `layer("values", false)`)
		s := waitFor(t, ctx, "policy evaluation", func(s status) bool { return s.Algorithm == "eval" && !s.Layers["numbers"] })
		img := shot(t, ctx, "tied-arrows.png")
		g := s.Geom
		dark := func(c color.RGBA) bool { return c.R < 90 && c.G < 90 && c.B < 90 }
		// Cell (0, 0): the centre is left clear, each of the four arrows
		// has ink along its own axis, and the diagonals between them stay
		// clear, so the tie reads as a star, not a blot.
		if c := cellPixel(img, g, 0, 0, 0.5, 0.5); dark(c) {
			t.Errorf("the centre of a tied cell is inked (%v): the arrows merge", c)
		}
		for _, p := range [][2]float64{{0.5, 0.3}, {0.7, 0.5}, {0.5, 0.7}, {0.3, 0.5}} {
			found := false
			for d := -0.03; d <= 0.03; d += 0.01 {
				if dark(cellPixel(img, g, 0, 0, p[0]+d*(1-abs(p[0]-0.5)*5), p[1]+d*(1-abs(p[1]-0.5)*5))) {
					found = true
				}
			}
			if !found {
				t.Errorf("no arrow at (%.1f, %.1f) of a cell whose four moves tie", p[0], p[1])
			}
		}
		for _, p := range [][2]float64{{0.35, 0.35}, {0.65, 0.35}, {0.65, 0.65}, {0.35, 0.65}} {
			if c := cellPixel(img, g, 0, 0, p[0], p[1]); dark(c) {
				t.Errorf("ink between two tied arrows at (%.2f, %.2f): %v", p[0], p[1], c)
			}
		}
		call(t, ctx, `layer("numbers", true)`)
		call(t, ctx, `layer("values", true)`)
		call(t, ctx, `algorithm("vi")`)
	})

	t.Run("the visits layer has its own legend", func(t *testing.T) {
		call(t, ctx, `algorithm("qlearning")`)
		call(t, ctx, `layer("visits", true)`)
		waitFor(t, ctx, "visits", func(s status) bool { return s.Algorithm == "qlearning" && s.Layers["visits"] })
		shot(t, ctx, "visits.png")
		call(t, ctx, `layer("visits", false)`)
	})

	t.Run("a control task folds its finer settings", func(t *testing.T) {
		call(t, ctx, `world("pendulum")`)
		waitFor(t, ctx, "the pendulum", func(s status) bool { return s.World == "pendulum" })
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			shown := evalJS[float64](t, ctx, `[...document.querySelectorAll("#params > .param")].length`)
			folded := evalJS[float64](t, ctx, `document.querySelectorAll("#params details.advanced .param").length`)
			if shown > 0 && shown <= 16 && folded >= 20 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v settings in view and %v folded, want the usual few in view", shown, folded)
			}
		}
		pageShot(t, ctx, "page-pendulum-settings.png")
	})

	t.Run("old notices clear", func(t *testing.T) {
		call(t, ctx, `reset()`)
		waitFor(t, ctx, "the reset", func(s status) bool { return strings.Contains(s.Notice, "reset") })
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			line := evalJS[string](t, ctx, `document.getElementById("status").textContent`)
			if !strings.Contains(line, "reset") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the notice \"reset\" is still on the status line after 20 s: %q", line)
			}
		}
	})
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// The screens a class sees, at a projector's 1024x768 and at 1920x1080:
// every scene drawn, nothing of the page cut off or overlapping (the
// header's controls stay on their line, the counter in view, the status
// line one line high), and numbers hidden where the cells are too small to
// read them.
func TestProjectorScreens(t *testing.T) {
	srv := page(t)
	for _, size := range [][2]int{{1024, 768}, {1920, 1080}} {
		w, h := size[0], size[1]
		ctx, problems := browser(t, w, h)
		name := fmt.Sprintf("%dx%d", w, h)
		for _, tc := range []struct{ hash, file string }{
			{"#world=zhao-5x5&algorithm=vi", "vi"},
			{"#lesson=q-values", "q-values"},
			{"#lesson=cliff-qlearning", "cliff"},
			{"#world=maze-10x10&algorithm=qlearning", "maze"},
			{"#world=pendulum", "pendulum"},
			{"#world=pointmass", "pointmass"},
			{"#world=cartpole", "cartpole"},
			{"#world=mountaincar-discrete&algorithm=nstep-sarsa-tiles", "mountaincar-tiles"},
			{"#world=sa-lab", "lab"},
		} {
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+tc.hash)); err != nil {
				t.Fatal(err)
			}
			s := waitFor(t, ctx, tc.file, func(s status) bool {
				return s.Frame > 3 && s.World != "" && (s.Scene != "control" || s.Control.Steps > 50)
			})
			if tc.file == "cliff" && w == 1024 && s.Geom.Cell < 40 && s.Layers["numbers"] {
				// The drawing hides numbers below a readable size on its own;
				// the layer can stay on.
				t.Logf("cliff at 1024: cells of %.0f px", s.Geom.Cell)
			}
			pageShot(t, ctx, fmt.Sprintf("screen-%s-%s.png", name, tc.file))
			// The header holds on one line and the counter is in view.
			header := evalJS[[]float64](t, ctx, `(() => { const r = document.querySelector("header").getBoundingClientRect(); const c = document.getElementById("counter").getBoundingClientRect(); return [r.height, c.right, window.innerWidth]; })()`)
			if header[0] > 60 || header[1] > header[2] {
				t.Errorf("%s %s: header %v px high, counter's right edge at %v of %v", name, tc.file, header[0], header[1], header[2])
			}
			foot := evalJS[float64](t, ctx, `document.getElementById("status").getBoundingClientRect().height`)
			if foot > 40 {
				t.Errorf("%s %s: the status line is %v px high", name, tc.file, foot)
			}
		}
		if len(*problems) > 0 {
			t.Errorf("%s: the page logged errors:\n%s", name, strings.Join(*problems, "\n"))
		}
	}
}

// A 200×200 world keeps memory and drawing bounded: the game's and the
// worker's memory stay within a few hundred MB with the values, the
// q-triangles and a learning agent, frames go on, a frame allocates little,
// and the status the page polls stays small (numbers and values too small
// to read are left out).
func TestLargeWorld(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the page", func(s status) bool { return s.Frame > 2 })
	call(t, ctx, `load(`+jsString(largeWorld(200))+`)`)
	waitFor(t, ctx, "the 200×200 world", func(s status) bool { return s.Rows == 200 })
	for _, step := range []string{`speed(0)`, `layer("q", true)`, `algorithm("qlearning")`} {
		call(t, ctx, step)
		time.Sleep(8 * time.Second)
		s := waitFor(t, ctx, step, func(s status) bool { return s.Rows == 200 })
		f0 := s.Frame
		time.Sleep(4 * time.Second)
		raw := evalJS[string](t, ctx, game+".bellman.status()")
		var m struct {
			Game  float64 `json:"gameMemoryMB"`
			Host  float64 `json:"hostMemoryMB"`
			Alloc float64 `json:"gameAllocsPerFrame"`
			Frame int     `json:"frame"`
		}
		json.Unmarshal([]byte(raw), &m)
		t.Logf("%s: game %.0f MB, host %.0f MB, %.0f allocations a frame, %d frames in 4 s, status %d bytes", step, m.Game, m.Host, m.Alloc, m.Frame-f0, len(raw))
		if m.Game > 400 || m.Host > 400 || m.Alloc > 200 || m.Frame <= f0 || len(raw) > 200_000 {
			t.Errorf("%s: game %.0f MB, host %.0f MB, %.0f allocations a frame, %d frames, a status of %d bytes", step, m.Game, m.Host, m.Alloc, m.Frame-f0, len(raw))
		}
	}
	pageShot(t, ctx, "page-200x200.png")
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// The bridge takes anything: every call of window.bellman with arguments
// of every type (a seeded JS fuzz loop, 600 calls) leaves the game drawing,
// its status parsing and the page's console clean; wrong arguments become
// notices.
func TestBridgeFuzz(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "the page", func(s status) bool { return s.Frame > 2 })
	js := `(() => {
		const b = ` + game + `.bellman;
		let seed = 12345;
		const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const values = [undefined, null, NaN, Infinity, -Infinity, -1, 0, 1, 0.5, 1e308, -1e308, 2**53, "", "gamma",
			"0.5", "banana", "zhao-5x5", "pendulum", "sa-lab", "qlearning", "x".repeat(5000), "{", "#gamma=2&seed=-1",
			[], {}, [1, 2], {a: 1}, true, false, () => 1];
		const names = Object.keys(b).filter((k) => typeof b[k] === "function" && !["status", "lessons", "worldFile", "takeFile"].includes(k));
		let calls = 0;
		for (let i = 0; i < 600; i++) {
			const name = names[Math.floor(rnd() * names.length)];
			const args = [];
			for (let n = Math.floor(rnd() * 3); n > 0; n--) args.push(values[Math.floor(rnd() * values.length)]);
			if (name === "load" && rnd() < 0.9) continue; // a world file seldom: each rebuilds the run
			b[name](...args);
			calls++;
		}
		return calls;
	})()`
	calls := evalJS[float64](t, ctx, js)
	s2 := waitFor(t, ctx, "frames after the fuzzing", func(x status) bool { return x.Frame > s.Frame+20 })
	if s2.NoticeSeq <= s.NoticeSeq {
		t.Errorf("%v calls with wrong arguments and no notice", calls)
	}
	call(t, ctx, `world("zhao-5x5")`)
	call(t, ctx, `algorithm("vi")`)
	call(t, ctx, `speed(0)`)
	call(t, ctx, `play()`)
	waitFor(t, ctx, "the game to work again", func(x status) bool { return x.World == "zhao-5x5" && x.Algorithm == "vi" && x.Converged })
	for _, p := range *problems {
		t.Errorf("the page logged: %s", p)
	}
}
