package web

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// nodeBench runs `bellman bench ...` as WebAssembly under node and returns
// its JSON line, the reference the page's worker is measured against in
// the same run.
func nodeBench(b *testing.B, args ...string) map[string]any {
	b.Helper()
	goroot := runtime.GOROOT()
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	bin := filepath.Join(b.TempDir(), "bellman.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./cmd/bellman")
	build.Dir = ".."
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the CLI for js/wasm: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(goroot, "lib", "wasm", "go_js_wasm_exec"), append([]string{bin}, args...)...).Output()
	if err != nil {
		b.Fatalf("bellman %v under node: %v", args, err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		b.Fatalf("bellman %v under node printed %q", args, out)
	}
	return m
}

// rate measures how fast a counter of the status grows over d, per second
// of wall time.
func rate(b *testing.B, ctx context.Context, d time.Duration, counter func() float64) float64 {
	b.Helper()
	c0, t0 := counter(), time.Now()
	time.Sleep(d)
	return (counter() - c0) / time.Since(t0).Seconds()
}

// BenchmarkWorkers measures the page with its runs in Web Workers, beside
// the same work under node in the same run: DDPG updates a second on the
// pendulum and value-iteration sweeps a second on the 50x50 world (page
// vs `bellman bench` under node), the frame rate while training at max
// against idle, four DDPG seeds in four workers against one, navigation to
// the first frame and to the first snapshot drawn, and the time until the
// pendulum lesson swings up. Run with -benchtime 1x.
func BenchmarkWorkers(b *testing.B) {
	srv := page(b)
	world := filepath.Join(b.TempDir(), "50x50.json")
	os.WriteFile(world, []byte(largeWorld(50)), 0o644)
	for b.Loop() {
		ctx, _ := browser(b, 1280, 800)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			b.Fatal(err)
		}
		s := waitFor(b, ctx, "the first snapshot", func(s status) bool { return s.Frame > 2 && s.World != "" })
		raw, _ := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
		var st struct{ Startup map[string]float64 }
		json.Unmarshal([]byte(raw), &st)
		// The iframe's clock starts with its own navigation, a little after
		// the page's.
		offset, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](game+`.performance.timeOrigin - performance.timeOrigin`))
		b.ReportMetric(offset+st.Startup["Draw"], "first-frame-ms")
		b.ReportMetric(offset+st.Startup["Snapshot"], "first-snapshot-ms")
		for _, name := range []string{"bellman.wasm", "bellman.wasm.gz", "worker.wasm", "worker.wasm.gz"} {
			if fi, err := os.Stat(filepath.Join(buildDir, name)); err == nil {
				b.ReportMetric(float64(fi.Size())/1e6, strings.ReplaceAll(name, ".", "-")+"-MB")
			}
		}
		now := func() status {
			s, err := readStatus(ctx)
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
		frames := func() float64 { return float64(now().Frame) }

		// Value iteration on the 50x50 world, as fast as the worker goes.
		call(b, ctx, `load(`+jsString(largeWorld(50))+`)`)
		waitFor(b, ctx, "the 50x50 world", func(s status) bool { return s.Rows == 50 })
		for _, js := range []string{`set("gamma", 0.99)`, `set("tol", 1e-12)`, `speed(0)`, `pause()`} {
			call(b, ctx, js)
		}
		time.Sleep(time.Second)
		// γ 0.99 to a tolerance of 1e-12 takes 2,758 sweeps: time them from
		// a reset to convergence (the page's status is polled every 20 ms).
		call(b, ctx, `reset()`)
		call(b, ctx, `play()`)
		t0 := time.Now()
		var conv status
		for conv = now(); !conv.Converged || conv.Sweeps == 0; conv = now() {
			time.Sleep(20 * time.Millisecond)
		}
		sweeps := float64(conv.Sweeps) / time.Since(t0).Seconds()
		vi := nodeBench(b, "bench", "dp", "--world", world, "--method", "vi", "--sweeps", "2000", "--gamma", "0.99")
		b.ReportMetric(sweeps, "page-sweeps/s-50x50")
		if ref, ok := vi["sweeps_per_sec"].(float64); ok {
			b.ReportMetric(ref, "node-sweeps/s-50x50")
			b.ReportMetric(sweeps/ref, "page/node-sweeps")
		}

		// DDPG on the pendulum: updates a second in the page, and the frame
		// rate while it trains against the frame rate paused.
		call(b, ctx, `world("pendulum")`)
		call(b, ctx, `set("learning_starts", 200)`)
		call(b, ctx, `speed(0)`)
		call(b, ctx, `play()`)
		waitFor(b, ctx, "DDPG learning", func(s status) bool { return s.World == "pendulum" && s.Control.Updates > 200 })
		updates := rate(b, ctx, 10*time.Second, func() float64 { return float64(now().Control.Updates) })
		busyFPS := rate(b, ctx, 5*time.Second, frames)
		call(b, ctx, `pause()`)
		time.Sleep(time.Second)
		idleFPS := rate(b, ctx, 5*time.Second, frames)
		ddpg := nodeBench(b, "bench", "ddpg", "--env", "pendulum", "--updates", "1000", "--seed", "1", "--set", "hidden=64,64", "--set", "batch=64")
		b.ReportMetric(updates, "page-updates/s")
		if ref, ok := ddpg["updates_per_sec"].(float64); ok {
			b.ReportMetric(ref, "node-updates/s")
			b.ReportMetric(updates/ref, "page/node-updates")
		}
		b.ReportMetric(busyFPS, "fps-training")
		b.ReportMetric(idleFPS, "fps-idle")

		// Four seeds in four workers, against the one.
		call(b, ctx, `compare("seeds=1-4")`)
		call(b, ctx, `speed(0)`)
		time.Sleep(3 * time.Second)
		var runs []runInfo
		total := rate(b, ctx, 10*time.Second, func() float64 {
			runs = readWorkers(b, ctx).Runs
			sum := 0.0
			for _, r := range runs {
				sum += float64(r.Updates)
			}
			return sum
		})
		b.ReportMetric(total, "4-workers-updates/s")
		b.ReportMetric(total/updates, "4-workers/1")
		call(b, ctx, `endCompare()`)

		// The pendulum lesson, timed until its 10-episode mean is −200 or better.
		call(b, ctx, `lesson("pendulum-ddpg")`)
		start := time.Now()
		waitFor(b, ctx, "the lesson", func(s status) bool { return s.Lesson != nil && s.Control.Steps < 500 })
		deadline := start.Add(240 * time.Second)
		for {
			raw, _ := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
			var c struct {
				Control struct {
					Mean10 *float64 `json:"mean10"`
					Steps  int      `json:"steps"`
				} `json:"control"`
			}
			json.Unmarshal([]byte(raw), &c)
			if m := c.Control.Mean10; m != nil && *m >= -200 && c.Control.Steps > 2000 {
				b.ReportMetric(time.Since(start).Seconds(), "swing-up-s")
				b.ReportMetric(float64(c.Control.Steps), "swing-up-steps")
				break
			}
			if time.Now().After(deadline) {
				b.Logf("no swing-up within 240 s (step %d)", c.Control.Steps)
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		_ = s
	}
}
