package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkSoak keeps two pages training at full speed — Q-learning on the
// maze and DDPG on the pendulum, each in its own browser — for
// BELLMAN_SOAK (a duration, 2m unless set; the soak is 1h) and
// samples every minute the game's and the worker's memory, the JS heaps of
// the page and of the game's frame, and the frames drawn. It reports the
// growth of each after the warm-up (the first fifth), which must stay under
// 10 %, and fails on a console error or frames that stop. Run:
//
//	BELLMAN_SOAK=1h go test -run '^$' -bench Soak -benchtime 1x -timeout 2h ./web
func BenchmarkSoak(b *testing.B) {
	d := 2 * time.Minute
	if v := os.Getenv("BELLMAN_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			b.Fatalf("BELLMAN_SOAK=%q: %v", v, err)
		}
	}
	srv := page(b)
	type tab struct {
		name     string
		ctx      context.Context
		problems *[]string
		samples  [][4]float64 // game MB, host MB, page heap MB, frame heap MB
		frames   []int
	}
	tabs := []*tab{{name: "qlearning-maze"}, {name: "ddpg-pendulum"}}
	urls := []string{"/#world=maze-10x10&algorithm=qlearning", "/#world=pendulum"}
	for i, tb := range tabs {
		tb.ctx, tb.problems = browser(b, 1280, 800)
		if err := chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+urls[i])); err != nil {
			b.Fatal(err)
		}
		waitFor(b, tb.ctx, tb.name, func(s status) bool { return s.Frame > 2 && s.World != "zhao-5x5" })
		call(b, tb.ctx, `speed(0)`)
		call(b, tb.ctx, `play()`)
	}
	sample := func(tb *tab) {
		raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`JSON.stringify({s: JSON.parse(`+game+`.bellman.status()),
			page: performance.memory ? performance.memory.usedJSHeapSize : 0,
			frame: `+game+`.performance.memory ? `+game+`.performance.memory.usedJSHeapSize : 0})`))
		if err != nil {
			b.Fatal(err)
		}
		var m struct {
			S struct {
				Game  float64 `json:"gameMemoryMB"`
				Host  float64 `json:"hostMemoryMB"`
				Frame int     `json:"frame"`
			} `json:"s"`
			Page, Frame float64
		}
		json.Unmarshal([]byte(raw), &m)
		tb.samples = append(tb.samples, [4]float64{m.S.Game, m.S.Host, m.Page / (1 << 20), m.Frame / (1 << 20)})
		tb.frames = append(tb.frames, m.S.Frame)
	}
	every := min(time.Minute, d/10)
	for start := time.Now(); time.Since(start) < d; time.Sleep(every) {
		for _, tb := range tabs {
			sample(tb)
		}
	}
	for _, tb := range tabs {
		sample(tb)
		n := len(tb.samples)
		warm := n / 5
		names := [4]string{"game-MB", "worker-MB", "page-heap-MB", "frame-heap-MB"}
		for k, name := range names {
			first, last := tb.samples[warm][k], tb.samples[n-1][k]
			growth := 0.0
			if first > 0 {
				growth = (last - first) / first * 100
			}
			b.ReportMetric(last, tb.name+"-"+name)
			b.ReportMetric(growth, tb.name+"-"+name+"-growth-%")
			if growth > 10 && last-first > 4 { // a few MB of noise on a small heap is not growth
				b.Errorf("%s: %s grew %.1f %% after the warm-up (%.1f → %.1f)", tb.name, name, growth, first, last)
			}
		}
		for i := 1; i < len(tb.frames); i++ {
			if tb.frames[i] <= tb.frames[i-1] {
				b.Errorf("%s: frames stopped between samples %d and %d (%d)", tb.name, i-1, i, tb.frames[i])
			}
		}
		b.Logf("%s samples (game, worker, page heap, frame heap MB): %v", tb.name, tb.samples)
		if len(*tb.problems) > 0 {
			b.Errorf("%s: console errors:\n%s", tb.name, strings.Join(*tb.problems, "\n"))
		}
		fmt.Fprintf(os.Stderr, "soak %s: %d samples over %v\n", tb.name, n, d)
	}
}
