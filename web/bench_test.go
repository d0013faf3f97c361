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
