package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"bellman/assets"
)

// chromium is Debian's browser binary (/usr/bin/chromium is a wrapper script).
const chromium = "/usr/lib/chromium/chromium"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// page builds the page once per test binary and serves it.
func page(t testing.TB) *httptest.Server {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("BELLMAN_REQUIRE_BROWSER") != "" {
			t.Fatalf("chromium not found at %s (make test installs it)", chromium)
		}
		t.Skip("chromium not installed; `make test` installs it")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "bellman-web-")
		if buildErr == nil {
			buildErr = Build("..", buildDir)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	srv := httptest.NewServer(Handler(buildDir))
	t.Cleanup(srv.Close)
	return srv
}

// browser starts headless chromium with a window of w×h CSS pixels and
// collects console errors and uncaught exceptions.
func browser(t testing.TB, w, h int) (context.Context, *[]string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// Collect errors and exceptions from the page (the iframe included).
	var mu sync.Mutex
	problems := &[]string{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				*problems = append(*problems, m.String())
				mu.Unlock()
			}
		}
	}()
	return ctx, problems
}

// status is the part of the game's status the tests read.
type status struct {
	Ready     bool            `json:"ready"`
	Frame     int             `json:"frame"`
	Playing   bool            `json:"playing"`
	World     string          `json:"world"`
	Algorithm string          `json:"algorithm"`
	Sweeps    int             `json:"sweeps"`
	Converged bool            `json:"converged"`
	Rows      int             `json:"rows"`
	Cols      int             `json:"cols"`
	Values    [][]*float64    `json:"values"`
	Layout    []string        `json:"layout"`
	Notice    string          `json:"notice"`
	NoticeSeq int             `json:"noticeSeq"`
	Params    []paramStatus   `json:"params"`
	Geom      geom            `json:"geom"`
	Layers    map[string]bool `json:"layers"`
	Scene     string          `json:"scene"`
	Learn     struct {
		Steps, Episode int
		Optimal, Gap   float64
	} `json:"learn"`
	Control struct {
		Steps, Updates, Episodes, HeatmapStep int
	} `json:"control"`
	Selected *struct {
		Row, Col int
		Actions  []struct {
			Name     string
			Q        *float64
			Outcomes []struct {
				Row, Col     int
				Prob, Reward float64
			}
		}
	} `json:"selected"`
	UpdateMs   float64 `json:"updateMs"`
	DrawMs     float64 `json:"drawMs"`
	FirstFrame float64 `json:"firstFrameMs"`
	GameAllocs float64 `json:"gameAllocsPerFrame"`
	Speed      float64 `json:"speed"`
	Lesson     *struct {
		Key string `json:"key"`
	} `json:"lesson"`
}

type paramStatus struct {
	Key   string  `json:"key"`
	Value float64 `json:"value"`
}

// geom is where the grid is drawn, in canvas pixels.
type geom struct {
	X, Y, Cell float64
}

func (s status) param(key string) float64 {
	for _, p := range s.Params {
		if p.Key == key {
			return p.Value
		}
	}
	return math.NaN()
}

const game = `document.getElementById("game").contentWindow`

func readStatus(ctx context.Context) (status, error) {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const b = `+game+`.bellman; return b ? b.status() : '{"ready": false}'; })()`))
	if err != nil {
		return status{}, err
	}
	var s status
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return status{}, fmt.Errorf("status %q: %v", raw, err)
	}
	return s, nil
}

// waitFor polls the status until cond holds and a few more frames have been
// drawn, so a screenshot shows the state.
func waitFor(t testing.TB, ctx context.Context, what string, cond func(status) bool) status {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s, err := readStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Ready && cond(s) {
			// Let the page draw what the status says.
			f := s.Frame
			for time.Now().Before(deadline) {
				s2, err := readStatus(ctx)
				if err == nil && s2.Frame >= f+3 {
					return s2
				}
				time.Sleep(30 * time.Millisecond)
			}
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last status: frame %d world %s sweeps %d converged %v notice %q",
				what, s.Frame, s.World, s.Sweeps, s.Converged, s.Notice)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func call(t testing.TB, ctx context.Context, js string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](game+".bellman."+js)); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
}

// shot takes an element screenshot of the game's iframe and saves it under
// test-output/browser for a person to look at.
func shot(t testing.TB, ctx context.Context, name string) image.Image {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#game")))
	if err != nil {
		t.Fatal(err)
	}
	save(t, name, buf)
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func pageShot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	save(t, name, buf)
}

func save(t testing.TB, name string, data []byte) {
	dir := filepath.Join("..", "test-output", "browser")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
}

// cellPixel returns the colour at a point of cell (r, c) given in cell
// units (0.5, 0.5 is the centre).
func cellPixel(img image.Image, g geom, r, c int, fx, fy float64) color.RGBA {
	x := int(g.X + (float64(c)+fx)*g.Cell)
	y := int(g.Y + (float64(r)+fy)*g.Cell)
	cr, cg, cb, ca := img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y).RGBA()
	return color.RGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// orangeish and blueish tell the two sides of the value scale apart.
func orangeish(c color.RGBA) bool { return int(c.R) > int(c.B)+60 && c.R > 180 }
func blueish(c color.RGBA) bool   { return int(c.B) > int(c.R)+40 }

func TestPage(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "the first frames", func(s status) bool { return s.Frame > 2 })
	t.Logf("first status after %v: frame %d, first frame at %.0f ms", time.Since(start), s.Frame, s.FirstFrame)
	if s.World != "zhao-5x5" || s.Algorithm != "vi" || !s.Playing {
		t.Errorf("default view: world %s algorithm %s playing %v; want zhao-5x5, vi, playing", s.World, s.Algorithm, s.Playing)
	}

	t.Run("controls generated from the schema", func(t *testing.T) {
		labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#params .param label")].map(l => l.textContent + "|" + l.title)`))
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(labels, "\n")
		for _, want := range []string{"discount γ|", "r_boundary|", "r_forbidden|", "r_target|", "r_other|", "slip p|"} {
			if !strings.Contains(joined, want) {
				t.Errorf("no control labelled %q (with help as its title); controls:\n%s", want, joined)
			}
		}
		for _, l := range labels {
			if strings.HasSuffix(l, "|") {
				t.Errorf("control %q has no help", l)
			}
		}
	})

	// Converge at full speed, then look at the picture.
	call(t, ctx, "speed(0)")
	s = waitFor(t, ctx, "value iteration to converge", func(s status) bool { return s.Converged })
	img := shot(t, ctx, "zhao-5x5-converged.png")
	pageShot(t, ctx, "page-zhao-5x5.png")
	t.Run("steady state allocates little", func(t *testing.T) {
		// Converged, each frame draws the same picture: 25 numbers, arrows,
		// markers. Laying out a number's glyphs anew each frame cost over
		// 100 allocations a frame; what is left is ebiten's command queue.
		f0 := s.Frame
		late := waitFor(t, ctx, "frames after convergence", func(s status) bool { return s.Frame > f0+40 })
		t.Logf("%v allocations a frame in Update and Draw", late.GameAllocs)
		if late.GameAllocs >= 25 {
			t.Errorf("Update and Draw allocate %v times a frame once converged", late.GameAllocs)
		}
	})
	g := s.Geom
	if g.Cell < 20 {
		t.Fatalf("cells of %.0f px: the grid is not drawn at a usable size", g.Cell)
	}
	t.Run("target and forbidden cells drawn", func(t *testing.T) {
		// The target (3,2) has the largest value: strongly orange, with
		// its green ring around it.
		if v := *s.Values[3][2]; math.Abs(v-10) > 1e-3 {
			t.Errorf("reported v(target) = %v, want 10 = 1/(1−0.9)", v)
		}
		fill := cellPixel(img, g, 3, 2, 0.25, 0.5)
		if !orangeish(fill) {
			t.Errorf("target fill %v is not the positive (orange) colour", fill)
		}
		ring := cellPixel(img, g, 3, 2, 0.5+0.42, 0.5)
		if !(ring.G > ring.R && ring.G > ring.B) {
			t.Errorf("target ring %v is not green", ring)
		}
	})

	t.Run("step advances one sweep and recolours changed cells", func(t *testing.T) {
		call(t, ctx, "pause()")
		call(t, ctx, "reset()")
		s0 := waitFor(t, ctx, "reset", func(s status) bool { return s.Sweeps == 0 })
		before := shot(t, ctx, "step-0.png")
		g := s0.Geom
		// With v = 0 every cell is near-white: a forbidden cell shows its
		// hatching as grey pixels along a row, a free cell shows none.
		grey := func(r, c int) int {
			n := 0
			for i := 3; i < 97; i++ {
				if p := cellPixel(before, g, r, c, float64(i)/100, 0.08); int(p.R)+int(p.G)+int(p.B) < 3*200 {
					n++
				}
			}
			return n
		}
		if n := grey(1, 1); n < 6 {
			t.Errorf("forbidden cell (1,1): %d grey pixels across a row, want hatching", n)
		}
		if n := grey(2, 0); n > 2 {
			t.Errorf("free cell (2,0): %d grey pixels across a row, want none (geom %+v)", n, g)
		}
		call(t, ctx, "step()")
		s1 := waitFor(t, ctx, "one sweep", func(s status) bool { return s.Sweeps == 1 })
		after := shot(t, ctx, "step-1.png")
		if s1.Playing {
			t.Error("step left the game playing")
		}
		// Below the target, v goes from 0 to 1 in the first sweep (moving
		// up into the target pays 1); far from it, v stays 0.
		if v := *s1.Values[4][2]; v != 1 || *s0.Values[4][2] != 0 {
			t.Errorf("v(4,2) after one sweep = %v (before %v), want 1 (0)", v, *s0.Values[4][2])
		}
		b, a := cellPixel(before, g, 4, 2, 0.12, 0.5), cellPixel(after, g, 4, 2, 0.12, 0.5)
		if near(a, b, 20) || !orangeish(a) {
			t.Errorf("cell (4,2) colour %v → %v: want a change to orange", b, a)
		}
		b, a = cellPixel(before, g, 0, 0, 0.12, 0.5), cellPixel(after, g, 0, 0, 0.12, 0.5)
		if !near(a, b, 6) {
			t.Errorf("cell (0,0), whose value stays 0, changed colour %v → %v", b, a)
		}
	})

	t.Run("γ slider changes values and colours", func(t *testing.T) {
		call(t, ctx, "speed(0)")
		call(t, ctx, "play()")
		s9 := waitFor(t, ctx, "convergence at γ 0.9", func(s status) bool { return s.Converged })
		img9 := shot(t, ctx, "gamma-0.9.png")
		g := s9.Geom
		// Move the page's γ slider as a person would.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const el = document.getElementById("param-gamma");
			el.value = "0.5";
			el.dispatchEvent(new Event("input", {bubbles: true}));
			el.dispatchEvent(new Event("change", {bubbles: true}));
		})()`)); err != nil {
			t.Fatal(err)
		}
		s5 := waitFor(t, ctx, "convergence at γ 0.5", func(s status) bool { return s.param("gamma") == 0.5 && s.Converged })
		img5 := shot(t, ctx, "gamma-0.5.png")
		// At the target, staying pays 1 forever: v = 1/(1−γ).
		if v := *s5.Values[3][2]; math.Abs(v-2) > 1e-4 {
			t.Errorf("v(target) at γ 0.5 = %v, want 2", v)
		}
		// Below the target, moving up into it pays 1: v = 1 + γ·2 = 2.
		if v := *s5.Values[4][2]; math.Abs(v-2) > 1e-4 {
			t.Errorf("v(4,2) at γ 0.5 = %v, want 2", v)
		}
		if *s9.Values[0][0] == *s5.Values[0][0] {
			t.Error("values did not change with γ")
		}
		// The colour scale follows the range, and v(0,0) falls from 58% of it to ~0.
		a, b := cellPixel(img9, g, 0, 0, 0.12, 0.5), cellPixel(img5, g, 0, 0, 0.12, 0.5)
		if near(a, b, 10) {
			t.Errorf("cell (0,0) colour unchanged by γ: %v", a)
		}
		shown, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#param-gamma-value")))
		if shown != "0.5" {
			t.Errorf("γ field shows %q, want 0.5", shown)
		}
	})

	t.Run("out-of-range value is clamped and reported", func(t *testing.T) {
		before, _ := readStatus(ctx)
		call(t, ctx, `set("gamma", 7)`)
		s := waitFor(t, ctx, "clamping", func(s status) bool { return s.NoticeSeq > before.NoticeSeq })
		if g := s.param("gamma"); g != 0.99 {
			t.Errorf("γ = %v after set(7), want clamped to 0.99", g)
		}
		if !strings.Contains(s.Notice, "clamped") {
			t.Errorf("notice %q does not report the clamping", s.Notice)
		}
		call(t, ctx, `set("gamma", "banana")`)
		s = waitFor(t, ctx, "a non-number", func(x status) bool { return x.NoticeSeq > s.NoticeSeq })
		if g := s.param("gamma"); g != 0.99 || !strings.Contains(s.Notice, "not a number") {
			t.Errorf("γ = %v, notice %q after a non-number; want γ kept at 0.99 and a notice", g, s.Notice)
		}
		call(t, ctx, `set("gamma", "0.9")`)
		s = waitFor(t, ctx, "a number in a string", func(x status) bool { return x.param("gamma") == 0.9 })
		call(t, ctx, `set("warp", 1)`)
		s = waitFor(t, ctx, "an unknown key", func(x status) bool { return x.NoticeSeq > s.NoticeSeq })
		if !strings.Contains(s.Notice, `unknown parameter "warp"`) {
			t.Errorf("notice %q for an unknown key", s.Notice)
		}
		// Arguments of the wrong type are reported, never a crash.
		for _, tc := range []struct{ js, want string }{
			{`select("a", "b")`, "select: needs a row and a column"},
			{`speed(Infinity)`, "as fast as possible"},
			{`set(42)`, "needs a name"},
		} {
			call(t, ctx, tc.js)
			s = waitFor(t, ctx, tc.js, func(x status) bool { return x.NoticeSeq > s.NoticeSeq })
			if !strings.Contains(s.Notice, tc.want) {
				t.Errorf("%s: notice %q, want %q", tc.js, s.Notice, tc.want)
			}
		}
		call(t, ctx, `set("warp", 1)`)
		s = waitFor(t, ctx, "an unknown key again", func(x status) bool { return x.NoticeSeq > s.NoticeSeq })
		line, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
		if !strings.Contains(line, "unknown parameter") {
			t.Errorf("status line %q does not show the error", line)
		}
		if s.Frame <= before.Frame {
			t.Error("the game stopped drawing")
		}
	})

	t.Run("layers switch q-triangles and values", func(t *testing.T) {
		click := func(id string) {
			t.Helper()
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("`+id+`").click()`)); err != nil {
				t.Fatal(err)
			}
		}
		layer := func(name string) func(status) bool {
			return func(s status) bool { return s.Layers[name] }
		}
		click("layer-q")
		s := waitFor(t, ctx, "the q layer", layer("q"))
		img := shot(t, ctx, "layer-q.png")
		g := s.Geom
		// Below the target (4,2): up enters it, q = 1 + 0.9·10 = 10; down
		// bumps the edge, q = −1 + 0.9·9 = 7.1. The up triangle is the more
		// saturated orange.
		up, down := cellPixel(img, g, 4, 2, 0.42, 0.22), cellPixel(img, g, 4, 2, 0.42, 0.78)
		if !(int(up.R)-int(up.B) > int(down.R)-int(down.B)+20) {
			t.Errorf("q triangles of (4,2): up %v, down %v; want up clearly more orange", up, down)
		}
		click("layer-q")
		click("layer-values")
		s = waitFor(t, ctx, "values off", func(s status) bool { return !s.Layers["values"] && !s.Layers["q"] })
		img = shot(t, ctx, "layer-values-off.png")
		if px := cellPixel(img, s.Geom, 4, 2, 0.12, 0.5); !near(px, color.RGBA{247, 247, 245, 255}, 12) {
			t.Errorf("with values off, cell (4,2) is %v, not near-white", px)
		}
		click("layer-values")
		waitFor(t, ctx, "values on", layer("values"))
	})

	t.Run("world picker switches to cliff-4x12", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const el = document.getElementById("world");
			el.value = "cliff-4x12";
			el.dispatchEvent(new Event("change", {bubbles: true}));
		})()`)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, ctx, "cliff-4x12", func(s status) bool { return s.World == "cliff-4x12" && s.Converged })
		img := shot(t, ctx, "cliff-4x12.png")
		if s.Rows != 4 || s.Cols != 12 {
			t.Fatalf("grid %dx%d, want 4x12", s.Rows, s.Cols)
		}
		g := s.Geom
		// Twelve columns wide, four rows high.
		if w := g.Cell * 12; w > float64(img.Bounds().Dx()) || g.Cell*4 > float64(img.Bounds().Dy()) {
			t.Errorf("grid of %v px cells does not fit", g.Cell)
		}
		// The cliff is dark in its lower part; the row above is not.
		for c := 1; c <= 10; c++ {
			if px := cellPixel(img, g, 3, c, 0.5, 0.8); int(px.R)+int(px.G)+int(px.B) > 3*120 {
				t.Errorf("cliff cell (3,%d) at %v is not dark", c, px)
			}
		}
		if px := cellPixel(img, g, 2, 5, 0.5, 0.8); int(px.R)+int(px.G)+int(px.B) < 3*120 {
			t.Errorf("cell (2,5) above the cliff is dark: %v", px)
		}
		// Values are negative here (−1 a step): blue.
		if px := cellPixel(img, g, 0, 0, 0.12, 0.5); !blueish(px) {
			t.Errorf("cell (0,0) of the cliff world %v is not the negative (blue) colour", px)
		}
		pageShot(t, ctx, "page-cliff-4x12.png")
	})

	t.Run("click selects a cell, keys play and step", func(t *testing.T) {
		call(t, ctx, `world("zhao-5x5")`)
		s := waitFor(t, ctx, "zhao-5x5", func(s status) bool { return s.World == "zhao-5x5" && s.Converged })
		// The iframe's position on the page plus the cell's centre.
		rect, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("game").getBoundingClientRect(); return [r.left, r.top]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		g := s.Geom
		x, y := rect[0]+g.X+2.5*g.Cell, rect[1]+g.Y+4.5*g.Cell // cell (4,2)
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatal(err)
		}

		s = waitFor(t, ctx, "a selection", func(s status) bool { return s.Selected != nil })
		if s.Selected.Row != 4 || s.Selected.Col != 2 {
			t.Fatalf("clicked (4,2), selected (%d,%d)", s.Selected.Row, s.Selected.Col)
		}
		inspector, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#inspector")))
		// Up from (4,2) enters the target: r = 1, q = 1 + 0.9·10 = 10.
		for _, want := range []string{"cell (4, 2)", "v(s) = 10", "up", "(3,2)"} {
			if !strings.Contains(inspector, want) {
				t.Errorf("inspector %q lacks %q", inspector, want)
			}
		}
		if len(s.Selected.Actions) != 5 || s.Selected.Actions[0].Outcomes[0].Reward != 1 || math.Abs(*s.Selected.Actions[0].Q-10) > 1e-4 {
			t.Errorf("selected actions %+v", s.Selected.Actions)
		}
		shot(t, ctx, "selected.png")
		// Keys on the page: r resets, s steps one sweep, space plays.
		call(t, ctx, "pause()")
		waitFor(t, ctx, "pause", func(s status) bool { return !s.Playing })
		for _, k := range []struct {
			key  string
			cond func(status) bool
		}{
			{"r", func(s status) bool { return s.Sweeps == 0 }},
			{"s", func(s status) bool { return s.Sweeps == 1 && !s.Playing }},
			{" ", func(s status) bool { return s.Playing }},
		} {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(k.key)); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, fmt.Sprintf("key %q", k.key), k.cond)
		}
	})

	t.Run("world file editor", func(t *testing.T) {
		load := func(text string) {
			t.Helper()
			js := fmt.Sprintf(`(() => {
				document.getElementById("world-file").open = true;
				const el = document.getElementById("world-text");
				el.value = %q;
				document.getElementById("world-load").click();
			})()`, text)
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := readStatus(ctx)
		load(`{"layout": ["..x", "..T"]}`)
		s := waitFor(t, ctx, "the error", func(s status) bool { return s.NoticeSeq > before.NoticeSeq })
		if !strings.Contains(s.Notice, "unknown cell 'x'") || s.World != before.World {
			t.Errorf("bad world file: notice %q, world %s", s.Notice, s.World)
		}
		line, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
		if !strings.Contains(line, "unknown cell") {
			t.Errorf("status line %q does not show the world file's error", line)
		}
		load(`{"name": "corridor", "layout": ["S...T"], "actions": 4}`)
		s = waitFor(t, ctx, "the corridor", func(s status) bool { return s.World == "corridor" && s.Converged })
		if s.Rows != 1 || s.Cols != 5 {
			t.Errorf("corridor is %dx%d", s.Rows, s.Cols)
		}
		// Four actions, no stay: from the target, bumping right pays −1
		// and leaving pays 0, so v(T) = γ v(T−1) and v(T−1) = 1 + γ v(T):
		// v(T) = γ/(1−γ²).
		want := 0.9 / (1 - 0.81)
		if v := *s.Values[0][4]; math.Abs(v-want) > 1e-4 {
			t.Errorf("v(target) of the corridor = %v, want %v", v, want)
		}
		shot(t, ctx, "corridor.png")
	})

	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// An agent learns the grid world from experience: the picker switches to
// the learning scene, the agent moves, learning curves grow, and the
// greedy policy improves against the optimum.
func TestLearningScene(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the page", func(s status) bool { return s.Frame > 2 })
	pick := func(id, value string) {
		t.Helper()
		js := fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event("change", {bubbles: true})); })()`, id, value)
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			t.Fatal(err)
		}
	}
	pick("algorithm", "qlearning")
	s := waitFor(t, ctx, "Q-learning", func(s status) bool { return s.Scene == "learn" && s.Learn.Steps > 5 })
	labels, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#params .param label")].map(l => l.textContent)`))
	joined := strings.Join(labels, "|")
	for _, want := range []string{"step size α", "exploration ε", "seed"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no %q control for Q-learning; controls: %s", want, joined)
		}
	}
	slow := shot(t, ctx, "learn-qlearning-start.png")
	// The agent is drawn where the status says it is: a purple disc.
	_ = slow
	// Learn fast with optimistic values, then look at the policy.
	call(t, ctx, `set("q0", 10)`)
	call(t, ctx, `set("episode-length", 10)`)
	call(t, ctx, "speed(0)")
	s = waitFor(t, ctx, "learning to an optimal policy", func(s status) bool { return s.Learn.Optimal == 1 })
	pageShot(t, ctx, "page-learn-qlearning.png")
	if s.Learn.Episode < 2 {
		t.Errorf("optimal after %d episodes", s.Learn.Episode)
	}
	var charts []string
	charts, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#charts h2")].map(h => h.textContent)`))
	if len(charts) < 3 || !strings.HasPrefix(charts[0], "Return") {
		t.Errorf("learning charts: %q", charts)
	}
	// Back to planning keeps the world.
	pick("algorithm", "vi")
	waitFor(t, ctx, "value iteration", func(s status) bool { return s.Scene == "grid" && s.Algorithm == "vi" })
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// Sarsa(λ) with accumulating traces, α 1, λ 1 and γ 0.99 on the cliff
// overshoots until its values overflow (Sutton & Barto warn of this): the
// page detects it, pauses and says so.
func TestDivergenceShown(t *testing.T) {
	srv := page(t)
	ctx, _ := browser(t, 1280, 800)
	url := srv.URL + "/#world=cliff-4x12&algorithm=sarsa-lambda&alpha=1&lambda=1&gamma=0.99"
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Sarsa(λ) on the cliff", func(s status) bool { return s.Scene == "learn" && s.param("alpha") == 1 })
	call(t, ctx, "speed(0)")
	var diverged struct {
		Diverged string `json:"diverged"`
		Playing  bool   `json:"playing"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal([]byte(raw), &diverged)
		if diverged.Diverged != "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if diverged.Diverged == "" {
		t.Fatal("no divergence reported")
	}
	s := waitFor(t, ctx, "the pause", func(s status) bool { return !s.Playing })
	if !strings.Contains(s.Notice, "diverged") {
		t.Errorf("notice %q does not say it diverged", s.Notice)
	}
	line, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
	if !strings.Contains(line, "diverged") {
		t.Errorf("status line %q does not show the divergence", line)
	}
	pageShot(t, ctx, "diverged.png")
}

// A DDPG agent learns the pendulum: the scene and both heatmaps draw, and
// the heatmaps change as training goes on.
func TestControlScene(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#world=pendulum&learning_starts=200")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "the pendulum", func(s status) bool { return s.Scene == "control" && s.World == "pendulum" && s.Control.Steps > 0 })
	if v := s.param("learning_starts"); v != 200 {
		t.Errorf("learning_starts from the URL = %v, want 200", v)
	}
	first := shot(t, ctx, "pendulum-start.png")
	step0 := s.Control.HeatmapStep
	s = waitFor(t, ctx, "learning updates", func(s status) bool {
		return s.Control.Updates > 300 && s.Control.HeatmapStep > step0+300
	})
	later := shot(t, ctx, "pendulum-learning.png")
	pageShot(t, ctx, "page-pendulum.png")
	// Compare the right half (the heatmaps): learning changed them.
	b := first.Bounds()
	changed, colourful := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X + b.Dx()/2; x < b.Max.X; x += 4 {
			p1, p2 := first.At(x, y), later.At(x, y)
			r1, g1, b1, _ := p1.RGBA()
			r2, g2, b2, _ := p2.RGBA()
			if d := absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2); d > 3*20*256 {
				changed++
			}
			if absDiff(r2, b2) > 60*256 {
				colourful++
			}
		}
	}
	if changed < 50 {
		t.Errorf("the heatmaps hardly changed after %d updates: %d sample points differ", s.Control.Updates, changed)
	}
	if colourful < 200 {
		t.Errorf("the heatmaps have only %d coloured sample points", colourful)
	}
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// The stochastic-approximation lab reveals its iterations step by step, and
// its sliders recompute the experiments.
func TestLabScene(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#world=sa-lab")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the lab", func(s status) bool { return s.Scene == "lab" && s.Frame > 2 })
	call(t, ctx, "speed(0)")
	s := waitFor(t, ctx, "all iterations", func(s status) bool { return s.Converged })
	img := shot(t, ctx, "lab.png")
	pageShot(t, ctx, "page-lab.png")
	// With α_k = 1/k the mean estimate is the running mean of the samples:
	// after K = 200 iterations (n = 100 samples, each used twice) it is
	// exactly their mean, within noise/√n of 5.
	var errs []float64
	errs, _ = chromedp.Run(ctx, chromedp.Evaluate[[]float64](game+`.bellman && JSON.parse(`+game+`.bellman.status()).charts[0].series[0].values`))
	if len(errs) != s.Sweeps+1 || s.Sweeps != 200 {
		t.Fatalf("%d errors after %d iterations", len(errs), s.Sweeps)
	}
	if last := errs[len(errs)-1]; last > 0.5 {
		t.Errorf("|w_K − 5| = %v, want within a few σ/√n = 0.1", last)
	}
	// Orange (the mean's path) and grey samples are drawn on the left.
	orange := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Min.X+b.Dx()/2; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 < 140 && bb>>8 < 60 {
				orange++
			}
		}
	}
	if orange < 20 {
		t.Errorf("the mean estimate's path is not drawn (%d orange samples)", orange)
	}
	before, _ := readStatus(ctx)
	call(t, ctx, `set("batch", 5000)`)
	s = waitFor(t, ctx, "the clamped batch", func(s status) bool { return s.NoticeSeq > before.NoticeSeq })
	if s.param("batch") != 100 || !strings.Contains(s.Notice, "clamped") {
		t.Errorf("batch %v, notice %q", s.param("batch"), s.Notice)
	}
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// At a projector's 1024x768 the page still shows the grid and its controls.
func TestSmallScreen(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1024, 768)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#world=zhao-5x5-f10&algorithm=pi&gamma=0.8")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "the URL's setup", func(s status) bool {
		return s.World == "zhao-5x5-f10" && s.Algorithm == "pi" && s.param("gamma") == 0.8 && s.Frame > 2
	})
	pageShot(t, ctx, "page-1024x768.png")
	if s.Geom.Cell*5 < 300 {
		t.Errorf("at 1024x768 the 5x5 grid is only %.0f px wide", s.Geom.Cell*5)
	}
	widths, _ := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`["left", "game", "right"].map(id => document.getElementById(id).getBoundingClientRect().right)`))
	if len(widths) == 3 && widths[2] > 1024+1 {
		t.Errorf("the right panel ends at %v px, beyond the 1024 px screen", widths[2])
	}
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// The build needs only Go; the server sends the precompressed WebAssembly.
func TestServeGzip(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	srv := page(t)
	req := httptest.NewRequest("GET", "/bellman.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	Handler(buildDir).ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Type") != "application/wasm" {
		t.Errorf("headers %v", rec.Header())
	}
	_ = srv
}

// Every lesson picked from the menu sets up its world, algorithm, speed and
// parameters without an error, shows what to watch and goes into the
// address; an address with a lesson starts it; "your own setup" ends it.
func TestLessons(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#lesson=cliff-qlearning&alpha=0.3")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "the lesson from the address", func(s status) bool {
		return s.Lesson != nil && s.Lesson.Key == "cliff-qlearning" && s.World == "cliff-4x12" && s.Algorithm == "qlearning"
	})
	if a := s.param("alpha"); a != 0.3 {
		t.Errorf("α %v after #lesson=cliff-qlearning&alpha=0.3", a)
	}
	evalString := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The page shows a lesson's card and puts it into the address once
	// the game has taken it: poll, the page refreshes every 100 ms.
	pageShows := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the page does not show %s (address %q; status: %s; page errors: %q)", what, evalString(`location.hash`),
					evalString(`(() => { const s = JSON.parse(`+game+`.bellman.status()); return JSON.stringify({synced: s.synced, address: s.address, frame: s.frame}); })()`), *problems)
			}
		}
	}
	pageShows("the lesson picked in the menu", func() bool { return evalString(`document.getElementById("lesson").value`) == "cliff-qlearning" })
	pick := func(id, value string) {
		t.Helper()
		js := fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event("change", {bubbles: true})); return el.value; })()`, id, value)
		if v := evalString(js); v != value {
			t.Fatalf("%s has no option %q", id, value)
		}
	}
	for _, l := range assets.Lessons() {
		pick("lesson", l.Key)
		s := waitFor(t, ctx, "lesson "+l.Key, func(s status) bool {
			return s.Lesson != nil && s.Lesson.Key == l.Key
		})
		// A lesson with a ramp opens at its ramp's speed and rises to its own.
		okSpeed := s.Speed == l.Speed || (l.Ramp > 0 && s.Speed >= l.Ramp && s.Speed <= l.Speed)
		if s.World != l.World || s.Algorithm != l.Algorithm || !okSpeed {
			t.Errorf("%s: world %s, algorithm %s, speed %v; want %s, %s, %v (from %v)", l.Key, s.World, s.Algorithm, s.Speed, l.World, l.Algorithm, l.Speed, l.Ramp)
		}
		if l.Key == "diverge" {
			waitFor(t, ctx, "the divergence the lesson shows", func(s status) bool { return strings.Contains(s.Notice, "diverged") })
		} else if strings.HasPrefix(s.Notice, "error") {
			t.Errorf("%s: %s", l.Key, s.Notice)
		}
		for k, v := range l.Params {
			if got := s.param(k); got != v {
				t.Errorf("%s: %s = %v, want %v", l.Key, k, got, v)
			}
		}
		for k, on := range l.Layers {
			if s.Layers[k] != on {
				t.Errorf("%s: layer %s on = %v, want %v", l.Key, k, s.Layers[k], on)
			}
		}
		pageShows(l.Key+"'s card", func() bool {
			return evalString(`document.getElementById("lesson-card").hidden ? "" : document.getElementById("lesson-watch").textContent`) == l.Watch
		})
		pageShows(l.Key+" in the address", func() bool { return strings.Contains(evalString(`location.hash`), "lesson="+l.Key) })
		if l.Key == "cliff-sarsa" {
			waitFor(t, ctx, "some episodes", func(s status) bool { return s.Learn.Episode > 20 })
			pageShot(t, ctx, "page-lesson-cliff-sarsa.png")
		}
	}
	// Changing a lesson's parameter back to its default goes into the
	// address (against the lesson's value, not the default).
	pick("lesson", "gamma-0.5")
	waitFor(t, ctx, "gamma-0.5", func(s status) bool { return s.Lesson != nil && s.Lesson.Key == "gamma-0.5" })
	js := `(() => { const el = document.getElementById("param-gamma"); el.value = "0.9"; el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); })()`
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		t.Fatal(err)
	}
	pageShows("γ 0.9 in the address", func() bool { return strings.Contains(evalString(`location.hash`), "gamma=0.9") })
	// "Your own setup" ends the lesson and keeps the scene.
	pick("lesson", "")
	s = waitFor(t, ctx, "the lesson to end", func(s status) bool { return s.Lesson == nil })
	if s.World != "zhao-5x5" || s.param("gamma") != 0.9 {
		t.Errorf("ending the lesson changed the scene: %s, γ %v", s.World, s.param("gamma"))
	}
	pageShows("no card", func() bool { return evalString(`String(document.getElementById("lesson-card").hidden)`) == "true" })
	// Picking another world leaves a lesson too.
	pick("lesson", "dyna-maze")
	waitFor(t, ctx, "dyna-maze", func(s status) bool { return s.Lesson != nil && s.Lesson.Key == "dyna-maze" })
	pick("world", "zhao-5x5")
	waitFor(t, ctx, "the lesson to end", func(s status) bool { return s.Lesson == nil && s.World == "zhao-5x5" })
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}

// Every family of methods draws its scene in the page and its first chart
// moves: tabular policy gradient and linear approximation on the grid,
// DQN on the grid and on CartPole, tile-coded Sarsa on MountainCar-v0, PPO
// on the pendulum and on Acrobot, with the network view switched on for DQN.
func TestMethodScenes(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the page", func(s status) bool { return s.Frame > 2 })
	type chartData struct {
		Charts []struct {
			Series []struct {
				Values []*float64 `json:"values"`
			} `json:"series"`
		} `json:"charts"`
		Scene string `json:"scene"`
	}
	points := func() int {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
		if err != nil {
			t.Fatal(err)
		}
		var c chartData
		json.Unmarshal([]byte(raw), &c)
		if len(c.Charts) == 0 || len(c.Charts[0].Series) == 0 {
			return 0
		}
		n := 0
		for _, v := range c.Charts[0].Series[0].Values {
			if v != nil {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct{ world, algorithm, layer, scene string }{
		{"zhao-5x5", "reinforce-baseline", "grad", "learn"},
		{"zhao-5x5", "td-linear", "error", "learn"},
		{"zhao-5x5", "dqn", "", "learn"},
		{"mountaincar-discrete", "nstep-sarsa-tiles", "", "control"},
		{"cartpole-discrete", "dqn", "network", "control"},
		{"pendulum", "ppo", "", "control"},
		{"acrobot", "a2c", "", "control"},
	} {
		name := tc.world + "-" + tc.algorithm
		call(t, ctx, fmt.Sprintf("world(%q)", tc.world))
		call(t, ctx, fmt.Sprintf("algorithm(%q)", tc.algorithm))
		call(t, ctx, "speed(0)")
		if tc.layer != "" {
			call(t, ctx, fmt.Sprintf("layer(%q, true)", tc.layer))
		}
		call(t, ctx, "play()")
		s := waitFor(t, ctx, name, func(s status) bool {
			return s.World == tc.world && s.Algorithm == tc.algorithm && s.Scene == tc.scene && (tc.layer == "" || s.Layers[tc.layer])
		})
		if strings.HasPrefix(s.Notice, "error") {
			t.Errorf("%s: %s", name, s.Notice)
		}
		deadline := time.Now().Add(90 * time.Second)
		for points() < 3 {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the first chart has %d points after 90 s", name, points())
			}
			time.Sleep(200 * time.Millisecond)
		}
		shot(t, ctx, "method-"+name+".png")
		pageShot(t, ctx, "page-method-"+name+".png")
	}
	if len(*problems) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(*problems, "\n"))
	}
}
