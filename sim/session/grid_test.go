package session

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/grid"
)

func zhao(t *testing.T) grid.World {
	t.Helper()
	w, err := grid.Parse([]byte(`{"name": "zhao-5x5", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func converge(t *testing.T, g *Grid) {
	t.Helper()
	for i := 0; i < 100000 && !g.Converged(); i++ {
		g.Step()
	}
	if !g.Converged() {
		t.Fatal("did not converge")
	}
}

func valueAt(g *Grid, r, c int) float64 {
	var snap GridSnapshot
	g.Snapshot(&snap)
	return snap.V[snap.State[r*snap.World.Cols+c]]
}

func TestSchemaFollowsWorldAndAlgorithm(t *testing.T) {
	g, err := NewGrid(zhao(t), "vi")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"gamma", "r-boundary", "r-forbidden", "r-target", "r-other", "slip", "tol"} {
		if _, ok := g.Schema().Find(key); !ok {
			t.Errorf("no %s in the schema", key)
		}
	}
	if _, ok := g.Schema().Find("j"); ok {
		t.Error("value iteration has a j")
	}
	if _, ok := g.Schema().Find("r-cliff"); ok {
		t.Error("a world without cliffs has r_cliff")
	}
	if err := g.SetAlgorithm("tpi"); err != nil {
		t.Fatal(err)
	}
	if s, ok := g.Schema().Find("j"); !ok || s.Default != 3 {
		t.Error("truncated policy iteration has no j")
	}
	for _, s := range g.Schema() {
		if s.Help == "" || s.Label == "" {
			t.Errorf("%s lacks a label or help", s.Key)
		}
	}
	if err := g.SetAlgorithm("magic"); err == nil || !strings.Contains(err.Error(), "vi, pi, tpi, eval") {
		t.Errorf("unknown algorithm: %v", err)
	}
}

func TestSetClampsAndContinues(t *testing.T) {
	g, _ := NewGrid(zhao(t), "vi")
	converge(t, g)
	sweeps := g.Sweeps()
	note, err := g.Set("gamma", 5)
	if err != nil || !strings.Contains(note, "clamped to 0.99") {
		t.Errorf("Set(gamma, 5) = %q, %v", note, err)
	}
	note, err = g.Set("gamma", math.NaN())
	if err != nil || !strings.Contains(note, "not a number") || g.Values()["gamma"] != 0.9 {
		t.Errorf("Set(gamma, NaN) = %q, %v, γ %v", note, err, g.Values()["gamma"])
	}
	if _, err := g.Set("warp", 1); err == nil {
		t.Error("unknown key accepted")
	}
	// γ 0.5: the sweeps go on from the values shown; v(target) = 1/(1−γ).
	if _, err := g.Set("gamma", 0.5); err != nil {
		t.Fatal(err)
	}
	if g.Converged() || g.Sweeps() != sweeps {
		t.Errorf("after a γ change: converged %v, sweeps %d (was %d)", g.Converged(), g.Sweeps(), sweeps)
	}
	converge(t, g)
	if v := valueAt(g, 3, 2); math.Abs(v-2) > 1e-5 {
		t.Errorf("v(target) at γ 0.5 = %v, want 2", v)
	}
	// A reward change rebuilds the model: r_target 2 doubles v(target).
	if _, err := g.Set("r-target", 2); err != nil {
		t.Fatal(err)
	}
	converge(t, g)
	if v := valueAt(g, 3, 2); math.Abs(v-4) > 1e-5 {
		t.Errorf("v(target) with r_target 2 = %v, want 4", v)
	}
	g.Reset()
	if g.Sweeps() != 0 || valueAt(g, 3, 2) != 0 {
		t.Error("reset did not start from v = 0")
	}
}

// Switching worlds keeps γ; policy evaluation evaluates the policy shown.
func TestSwitching(t *testing.T) {
	g, _ := NewGrid(zhao(t), "vi")
	g.Set("gamma", 0.8)
	cliff, err := grid.Parse([]byte(`{"name": "c", "layout": ["....", "SCCT"], "actions": 4, "terminal": true, "rewards": {"other": -1, "target": -1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.SetWorld(cliff); err != nil {
		t.Fatal(err)
	}
	if g.Values()["gamma"] != 0.8 {
		t.Error("γ lost on a world change")
	}
	if _, ok := g.Schema().Find("r-cliff"); !ok {
		t.Error("cliff world without r_cliff")
	}
	var snap GridSnapshot
	g.Snapshot(&snap)
	if snap.World.Rows != 2 || snap.A != 4 {
		t.Errorf("snapshot %dx%d A %d", snap.World.Rows, snap.World.Cols, snap.A)
	}
	converge(t, g)
	if err := g.SetAlgorithm("eval"); err != nil {
		t.Fatal(err)
	}
	converge(t, g)
	// Evaluating the optimal policy gives the optimal values: from the
	// start, up, three steps right and down: four steps of −1 and the
	// target's −1 on entering, discounted by 0.8.
	want := -(1 + 0.8 + 0.64 + 0.512 + 0.4096)
	if v := valueAt(g, 1, 0); math.Abs(v-want) > 1e-5 {
		t.Errorf("v(start) under the optimal policy = %v, want %v", v, want)
	}
}

// The uniform random policy of the 2x2 example, evaluated in closed form by
// hand: v = (I − γP)⁻¹ r.
func TestEvaluateRandomPolicy(t *testing.T) {
	w, _ := grid.Parse([]byte(`{"layout": ["T"]}`))
	g, err := NewGrid(w, "eval")
	if err != nil {
		t.Fatal(err)
	}
	converge(t, g)
	// One cell: up, right, down, left bump (−1), stay pays 1:
	// r_π = (4·(−1) + 1)/5 = −0.6 and v = −0.6/(1−0.9) = −6.
	if v := valueAt(g, 0, 0); math.Abs(v+6) > 1e-5 {
		t.Errorf("v = %v, want −6", v)
	}
}

func TestSnapshotAllocs(t *testing.T) {
	g, _ := NewGrid(zhao(t), "vi")
	var snap GridSnapshot
	g.Snapshot(&snap)
	if n := testing.AllocsPerRun(20, func() { g.Step(); g.Snapshot(&snap) }); n != 0 {
		t.Errorf("%v allocations per step and snapshot", n)
	}
}

// After a parameter change, value iteration's arrows are greedy in the
// values shown, not in v = 0.
func TestPolicyFollowsShownValues(t *testing.T) {
	g, _ := NewGrid(zhao(t), "vi")
	converge(t, g)
	if _, err := g.Set("gamma", 0.89); err != nil {
		t.Fatal(err)
	}
	var snap GridSnapshot
	g.Snapshot(&snap)
	m := g.Model
	for s := 0; s < m.S; s++ {
		best, bestQ := 0, math.Inf(-1)
		for a := 0; a < m.A; a++ {
			if q := snap.Q[s*m.A+a]; q > bestQ+1e-9 {
				best, bestQ = a, q
			}
		}
		if snap.Pi[s*m.A+best] != 1 {
			t.Fatalf("state %d: policy %v is not greedy in the shown values (best action %d)", s, snap.Pi[s*m.A:(s+1)*m.A], best)
		}
	}
}

// Reset during policy evaluation keeps the policy being evaluated.
func TestResetKeepsEvaluatedPolicy(t *testing.T) {
	g, _ := NewGrid(zhao(t), "vi")
	converge(t, g)
	if err := g.SetAlgorithm("eval"); err != nil {
		t.Fatal(err)
	}
	var before, after GridSnapshot
	g.Snapshot(&before)
	g.Reset()
	g.Snapshot(&after)
	for i := range before.Pi {
		if before.Pi[i] != after.Pi[i] {
			t.Fatalf("reset changed π at %d: %v → %v", i, before.Pi[i], after.Pi[i])
		}
	}
	if after.Sweeps != 0 || len(g.Deltas) != 0 {
		t.Error("reset kept the sweeps or the chart")
	}
}

// Sliders span what the world file says, so loading it clamps nothing.
func TestSchemaSpansTheWorld(t *testing.T) {
	w, err := grid.Parse([]byte(`{"layout": ["S.CT"], "slip": 0.9, "rewards": {"target": 50, "cliff": -500}}`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGrid(w, "vi")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]float64{"slip": 0.9, "r-target": 50, "r-cliff": -500} {
		if v := g.Value(key); v != want {
			t.Errorf("%s = %v, want the file's %v", key, v, want)
		}
	}
}

// The per-sweep history spans the whole run: past 4096 sweeps each point is
// the mean of 2 consecutive sweeps' max |Δv|, at their mean sweep number.
func TestGridHistoryThinned(t *testing.T) {
	g, _ := NewGrid(zhao(t), "vi")
	if _, err := g.Set("tol", 1e-12); err != nil {
		t.Fatal(err)
	}
	var deltas, sweeps []float64
	for i := 0; i < maxHistory+1001; i++ {
		g.Step()
		deltas, sweeps = append(deltas, g.Delta()), append(sweeps, float64(g.Sweeps()))
	}
	for _, c := range []struct {
		name     string
		got, raw []float64
	}{{"deltas", g.Deltas, deltas}, {"sweeps", g.DeltaX, sweeps}} {
		stride, want := thinned(c.raw, maxHistory)
		if g.DeltaStride != stride || stride != 2 || !sameApprox(c.got, want, 1e-15) {
			t.Errorf("%s: stride %d, %d points; want stride %d, %d points", c.name, g.DeltaStride, len(c.got), stride, len(want))
		}
	}
	if g.DeltaX[0] != 1.5 || g.Deltas[0] != (deltas[0]+deltas[1])/2 {
		t.Errorf("first point (%v, %v), want sweeps 1 and 2", g.DeltaX[0], g.Deltas[0])
	}
	g.Reset()
	if len(g.Deltas) != 0 || len(g.DeltaX) != 0 || g.DeltaStride != 1 {
		t.Error("reset kept the history")
	}
}
