package web

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkPage measures the page in headless chromium: the size of the
// WebAssembly, the time from navigation to the first frame, and the time
// Update and Draw take per frame (measured inside the game, read through
// the bridge) on zhao-5x5 and on a 50x50 world, sweeping as fast as the
// frame budget allows. Run with -benchtime 1x: each figure comes from one
// page load.
func BenchmarkPage(b *testing.B) {
	srv := page(b)
	raw, _ := os.Stat(filepath.Join(buildDir, "bellman.wasm"))
	gz, _ := os.Stat(filepath.Join(buildDir, "bellman.wasm.gz"))
	for b.Loop() {
		b.ReportMetric(float64(raw.Size())/1e6, "wasm-MB")
		b.ReportMetric(float64(gz.Size())/1e6, "wasm-gzip-MB")
		ctx, _ := browser(b, 1280, 800)
		// Navigation to first frame, on the page's clock.
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			b.Fatal(err)
		}
		s := waitFor(b, ctx, "the page", func(s status) bool { return s.Frame > 0 })
		first, err := chromedp.Run(ctx, chromedp.Evaluate[float64](
			game+`.performance.timeOrigin + `+fmt.Sprint(s.FirstFrame)+` - performance.timeOrigin`))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(first, "first-frame-ms")
		raw, _ := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
		var st struct{ Startup map[string]float64 }
		json.Unmarshal([]byte(raw), &st)
		b.Logf("startup on the iframe's clock (ms): %v", st.Startup)
		inst, err := chromedp.Run(ctx, chromedp.Evaluate[float64](
			game+`.performance.timeOrigin + `+game+`.performance.getEntriesByName("bellman-instantiated")[0].startTime - performance.timeOrigin`))
		if err == nil {
			b.ReportMetric(inst, "instantiated-ms")
		}

		for _, world := range []struct{ name, load string }{
			{"5x5", `world("zhao-5x5")`},
			{"50x50", `load(` + jsString(largeWorld(50)) + `)`},
		} {
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](game+".bellman."+world.load)); err != nil {
				b.Fatal(err)
			}
			chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](game+`.bellman.speed(0)`))
			waitFor(b, ctx, "the page", func(s status) bool { return s.Rows*s.Cols == map[string]int{"5x5": 25, "50x50": 2500}[world.name] })
			// Keep it sweeping while we measure: γ 0.99 and tolerance 1e-12
			// take thousands of sweeps.
			for _, js := range []string{`set("gamma", 0.99)`, `set("tol", 1e-12)`, `reset()`, `play()`} {
				chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](game+".bellman."+js))
			}
			time.Sleep(2500 * time.Millisecond)
			s := waitFor(b, ctx, "the page", func(status) bool { return true })
			var full map[string]any
			rawStatus, _ := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
			json.Unmarshal([]byte(rawStatus), &full)
			b.ReportMetric(s.UpdateMs, "update-ms-"+world.name)
			b.ReportMetric(s.DrawMs, "draw-ms-"+world.name)
			if sps, ok := full["stepsPerSec"].(float64); ok {
				b.ReportMetric(sps, "sweeps/s-"+world.name)
			}
			if a, ok := full["allocsPerFrame"].(float64); ok {
				b.ReportMetric(a, "allocs/frame-"+world.name)
			}
			b.ReportMetric(s.GameAllocs, "game-allocs/frame-"+world.name)
		}
	}
}

// largeWorld is an n×n world file: a forbidden cell in every seventh place,
// the target in the middle.
func largeWorld(n int) string {
	rows := make([]string, n)
	for r := range rows {
		var sb strings.Builder
		for c := 0; c < n; c++ {
			switch {
			case r == n/2 && c == n/2:
				sb.WriteByte('T')
			case (r*n+c)%7 == 3:
				sb.WriteByte('F')
			default:
				sb.WriteByte('.')
			}
		}
		rows[r] = sb.String()
	}
	data, _ := json.Marshal(map[string]any{"name": "bench-50x50", "layout": rows})
	return string(data)
}

func jsString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// BenchmarkPageSessions measures two workloads of issue 16 as the page
// runs them, in its Web Worker at the speed "max": prioritized-sweeping
// steps (planning 50, θ 1e-5, α 0.1, ε 0.2, γ 0.9) on REINFORCEjs's 10x10
// world and DDPG updates (64-64, batch 64) on the pendulum. Each rate is
// the worker's own figure, read after 4 s of running. (Value iteration
// converges on that world within milliseconds; BenchmarkPage's 50x50
// figure is the page's sweep rate.) Run with -benchtime 1x.
func BenchmarkPageSessions(b *testing.B) {
	world, err := os.ReadFile(filepath.Join("..", "..", "shared", "bench", "worlds", "reinforcejs-10x10.json"))
	if err != nil {
		b.Skipf("the peers' world file: %v", err)
	}
	srv := page(b)
	for b.Loop() {
		ctx, _ := browser(b, 1280, 800)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			b.Fatal(err)
		}
		waitFor(b, ctx, "the page", func(s status) bool { return s.Frame > 0 })
		for _, tc := range []struct {
			name, setup, algorithm, metric, field string
			sets                                  map[string]float64
		}{
			{"sweeping", `load(` + jsString(string(world)) + `)`, "prioritized-sweeping", "steps/s", "stepsPerSec",
				map[string]float64{"alpha": 0.1, "epsilon": 0.2, "gamma": 0.9, "planning": 50, "theta": 1e-5}},
			{"ddpg", `world("pendulum")`, "ddpg", "updates/s", "updatesPerSec", nil},
		} {
			call(b, ctx, tc.setup)
			call(b, ctx, fmt.Sprintf("algorithm(%q)", tc.algorithm))
			waitFor(b, ctx, tc.name, func(s status) bool { return s.Algorithm == tc.algorithm })
			for k, v := range tc.sets {
				call(b, ctx, fmt.Sprintf("set(%q, %v)", k, v))
			}
			call(b, ctx, "speed(0)")
			call(b, ctx, "reset()")
			call(b, ctx, "play()")
			time.Sleep(4 * time.Second)
			var full map[string]any
			raw, _ := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
			json.Unmarshal([]byte(raw), &full)
			if r, ok := full[tc.field].(float64); ok {
				b.ReportMetric(r, tc.metric+"-"+tc.name)
			} else {
				b.Errorf("%s: no %s in the status", tc.name, tc.field)
			}
			call(b, ctx, "pause()")
		}
	}
}
