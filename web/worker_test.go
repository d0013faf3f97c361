package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// live is the one worker not closed (of a single run on screen).
const live = `[...` + game + `.bellmanWorkers].filter(w => !w.bellmanClosed).pop()`

// runInfo is a run as the status lists it.
type runInfo struct {
	ID      int     `json:"id"`
	Group   string  `json:"group"`
	Seed    uint64  `json:"seed"`
	Failed  string  `json:"failed"`
	Crashed string  `json:"crashed"`
	Steps   int64   `json:"steps"`
	Playing bool    `json:"playing"`
	Updates int64   `json:"updates"`
	UPS     float64 `json:"updatesPerSec"`
}

// workerStatus is the part of the status about workers and comparisons.
type workerStatus struct {
	Worker  string    `json:"worker"`
	Runs    []runInfo `json:"runs"`
	Compare string    `json:"compare"`
	Notices []struct {
		Text  string `json:"text"`
		Error bool   `json:"error"`
	} `json:"notices"`
	Charts []struct {
		Title  string `json:"title"`
		Series []struct {
			Name   string     `json:"name"`
			Faint  bool       `json:"faint"`
			Values []*float64 `json:"values"`
			Lo     []*float64 `json:"lo"`
			Hi     []*float64 `json:"hi"`
		} `json:"series"`
	} `json:"charts"`
	Frame int `json:"frame"`
}

func readWorkers(t testing.TB, ctx context.Context) workerStatus {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](game+".bellman.status()"))
	if err != nil {
		t.Fatal(err)
	}
	var w workerStatus
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// waitWorkers polls until cond holds on the workers' status.
func waitWorkers(t testing.TB, ctx context.Context, what string, within time.Duration, cond func(workerStatus) bool) workerStatus {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		w := readWorkers(t, ctx)
		if cond(w) {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; runs %+v, notices %+v", what, w.Runs, w.Notices)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The page trains in a Web Worker: the status says so, steps advance while
// the canvas draws. A comparison of two seeds draws both runs faintly and
// their mean with a band; a malformed message to a worker is reported; a
// worker killed while playing is reported with a restart, which works.
func TestWorkers(t *testing.T) {
	srv := page(t)
	ctx, problems := browser(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#world=zhao-5x5&algorithm=qlearning")); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, ctx, "Q-learning", func(s status) bool { return s.Algorithm == "qlearning" && s.Learn.Steps > 0 })
	if w := readWorkers(t, ctx); w.Worker != "worker" || len(w.Runs) != 1 {
		t.Fatalf("the run is hosted %q, %d runs", w.Worker, len(w.Runs))
	}
	f0, steps0 := s.Frame, s.Learn.Steps
	s = waitFor(t, ctx, "steps and frames", func(s status) bool { return s.Frame > f0+10 && s.Learn.Steps > steps0+20 })
	line, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
	if !strings.Contains(line, "in a worker") {
		t.Errorf("status line %q does not say the run is in a worker", line)
	}

	t.Run("compare two seeds", func(t *testing.T) {
		call(t, ctx, `compare("seeds=1-2&stop=4000")`)
		call(t, ctx, `speed(0)`)
		w := waitWorkers(t, ctx, "two runs at step 4000", 90*time.Second, func(w workerStatus) bool {
			if len(w.Runs) != 2 {
				return false
			}
			for _, r := range w.Runs {
				if r.Steps != 4000 || r.Playing {
					return false
				}
			}
			return true
		})
		if w.Compare == "" {
			t.Fatal("the status does not say a comparison is on")
		}
		ret := w.Charts[0]
		faint, bands := 0, 0
		for _, se := range ret.Series {
			if se.Faint {
				faint++
			}
			if len(se.Lo) > 0 && len(se.Lo) == len(se.Values) && len(se.Hi) == len(se.Values) {
				bands++
			}
		}
		if faint != 2 || bands != 1 {
			t.Fatalf("chart %q: %d faint runs and %d bands, want 2 and 1", ret.Title, faint, bands)
		}
		pageShot(t, ctx, "page-compare-2-seeds.png")
		shot(t, ctx, "compare-2-seeds.png")
		call(t, ctx, `endCompare()`)
		waitWorkers(t, ctx, "one run", 20*time.Second, func(w workerStatus) bool { return len(w.Runs) == 1 && w.Compare == "" })
	})

	t.Run("a malformed message is reported", func(t *testing.T) {
		js := live + `.postMessage(new Uint8Array([67, 255, 255, 255]).buffer)`
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			t.Fatal(err)
		}
		call(t, ctx, `play()`)
		waitWorkers(t, ctx, "the report", 20*time.Second, func(w workerStatus) bool {
			for _, n := range w.Notices {
				if n.Error && strings.Contains(n.Text, "malformed message") {
					return true
				}
			}
			return false
		})
	})

	t.Run("a killed worker is reported and restarted", func(t *testing.T) {
		call(t, ctx, `speed(50)`)
		call(t, ctx, `play()`)
		js := live + `.terminate()`
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			t.Fatal(err)
		}
		w := waitWorkers(t, ctx, "the silence reported", 30*time.Second, func(w workerStatus) bool {
			return len(w.Runs) == 1 && strings.Contains(w.Runs[0].Failed, "stopped answering")
		})
		// The status line offers the restart; pressing it starts a new
		// worker with the same setup.
		var buttons []string
		deadline := time.Now().Add(10 * time.Second)
		for len(buttons) == 0 && time.Now().Before(deadline) {
			buttons, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#status button.restart")].map(b => b.textContent)`))
			time.Sleep(100 * time.Millisecond)
		}
		if len(buttons) != 1 || buttons[0] != fmt.Sprintf("restart run %d", w.Runs[0].ID) {
			t.Fatalf("restart buttons %q", buttons)
		}
		pageShot(t, ctx, "page-worker-killed.png")
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#status button.restart").click()`)); err != nil {
			t.Fatal(err)
		}
		s := waitFor(t, ctx, "the restarted run", func(s status) bool { return s.Algorithm == "qlearning" && s.Learn.Steps > 0 })
		if w := readWorkers(t, ctx); w.Runs[0].Failed != "" {
			t.Fatalf("after the restart: failed %q", w.Runs[0].Failed)
		}
		if s.param("alpha") == 0 {
			t.Fatal("the restarted run lost its parameters")
		}
	})
	// Workers report their own failures as notices; nothing else may log.
	for _, p := range *problems {
		if !strings.Contains(p, "worker") {
			t.Errorf("the page logged: %s", p)
		}
	}
}
