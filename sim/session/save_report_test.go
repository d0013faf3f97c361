package session

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The report of MC Basic on the world "TS" (start S at (0,1), terminal
// target T to its left) with episodes of one step, γ 0.9: the start's four
// pairs are tried in the order up, right, down, left; up, right and down
// bump into the boundary (return −1), left enters the target (+1); the
// greedy action becomes optimal after the third episode. The gap is
// evaluated once, at the start: the first action, up, bumps forever,
// −1/(1−0.9) = −10 against v*(S) = 1, a gap of 11. (As cmd/bellman's
// TestTrainHandChecked.)
func TestLearnReportHandChecked(t *testing.T) {
	l := newLearn(t, learnTiny, "mc-basic", 1)
	if _, err := l.Set(KeyEpisodeLength, 1); err != nil {
		t.Fatal(err)
	}
	l.StepN(4)
	r := l.Report()
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := `curve,x,y
return,1,-1
return,2,-1
return,3,-1
return,4,1
length,1,1
length,2,1
length,3,1
length,4,1
error,1,1
error,2,1
error,3,1
error,4,1
optimal,1,0
optimal,2,0
optimal,3,1
optimal,4,1
gap,0,`
	got, gap, _ := strings.Cut(b.String(), "gap,0,")
	if got+"gap,0," != want {
		t.Errorf("CSV:\n%s\nwant\n%s", b.String(), want)
	}
	// The gap comes from iterative policy evaluation to 1e-10 per sweep.
	if g, err := strconv.ParseFloat(strings.TrimSpace(gap), 64); err != nil || math.Abs(g-11) > 1e-6 {
		t.Errorf("gap %q, want 11 within 1e-6", gap)
	}
	if r.Steps != 4 || r.Episodes != 4 || r.Method != "mc-basic" || r.Seed != 1 || r.Params[KeyEpisodeLength] != 1 {
		t.Errorf("report %+v", r)
	}
	if r.Final["optimal"][0] != 1 || math.Abs(r.Final["gap"][0]-11) > 1e-6 || r.Final["last_return"][0] != 1 {
		t.Errorf("final %v", r.Final)
	}
	b.Reset()
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Kind   string `json:"kind"`
		Curves []struct {
			Name string    `json:"name"`
			X    string    `json:"x"`
			Ys   []float64 `json:"ys"`
		} `json:"curves"`
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Kind != "learn" || len(back.Curves) != 5 || back.Curves[4].X != "step" || back.Curves[0].Ys[3] != 1 {
		t.Errorf("JSON %s", b.String())
	}
}

// A control run's report has its three curves, each point at a step, and
// a diverged value is written null in JSON and NaN in CSV.
func TestControlReport(t *testing.T) {
	c := newControl(t, "pendulum", "ddpg", 1)
	small(t, c)
	stepControl(c, 450)
	r := c.Report()
	if len(r.Curves) != 3 || r.Curves[0].Name != "return" || len(r.Curves[0].Xs) != 2 || r.Curves[0].Xs[1] != 400 || r.Episodes != 2 {
		t.Fatalf("curves %+v", r.Curves)
	}
	if n := len(r.Curves[1].Ys); n != 351 || r.Final["updates"][0] != 351 {
		t.Errorf("%d loss points, %v updates; want 351 (steps 100 to 450)", n, r.Final["updates"])
	}
	r.Curves[1].Ys[3] = math.NaN()
	var j, v bytes.Buffer
	if err := r.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	r.WriteCSV(&v)
	if !strings.Contains(j.String(), ",null,") || !strings.Contains(v.String(), "critic_loss,103,NaN\n") {
		t.Errorf("NaN not written as null / NaN")
	}
}
