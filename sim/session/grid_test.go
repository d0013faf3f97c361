package session

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/dp/exact"
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

// Switching worlds keeps γ; policy evaluation can evaluate the policy shown.
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
	if _, err := g.Set(KeyPolicy, PolicyGreedy); err != nil {
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
	if _, err := g.Set(KeyPolicy, PolicyGreedy); err != nil {
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

// Policy evaluation evaluates what it says, on the book's 2x2 world (Zhao,
// chapter 2: s1 s2 on top, s3 s4 below, s2 forbidden, s4 the target; γ 0.9).
//
// The uniform random policy (each of the five actions 1/5), by default and
// whatever ran before: with r = −1 for a bump or a forbidden cell and +1
// for the target, the Bellman equation reads
//
//	5 v1 = −3 + γ(3 v1 + v2 + v3)    (up, left bump; right forbidden)
//	5 v2 = −2 + γ(v1 + 3 v2 + v4)    (up, right bump; stay forbidden; down +1)
//	5 v3 = −1 + γ(v1 + 3 v3 + v4)    (down, left bump; right +1)
//	5 v4 = −2 + γ(v2 + v3 + 3 v4)    (right, down bump; up forbidden; stay +1)
//
// solved by hand: v = (−4092, −3862, −3452, −3682)/943 ≈ (−4.339, −4.095,
// −3.661, −3.905); the closed form (I − γP_π)⁻¹ r_π of package exact
// agrees. The greedy choice, after value iteration, evaluates its optimal
// policy: the book's v = (9, 10, 10, 10).
func TestEvaluatePolicyChoice(t *testing.T) {
	w, err := grid.Parse([]byte(`{"layout": [".F", ".T"]}`))
	if err != nil {
		t.Fatal(err)
	}
	uniform := []float64{-4092.0 / 943, -3862.0 / 943, -3452.0 / 943, -3682.0 / 943}
	check := func(name string, g *Grid, want []float64) {
		t.Helper()
		converge(t, g)
		var snap GridSnapshot
		g.Snapshot(&snap)
		for s, v := range want {
			if math.Abs(snap.V[s]-v) > 1e-5 {
				t.Errorf("%s: v(s%d) = %v, want %v", name, s+1, snap.V[s], v)
			}
		}
	}
	g, err := NewGrid(w, "eval")
	if err != nil {
		t.Fatal(err)
	}
	check("eval opened directly", g, uniform)
	m := g.Model
	pi := make([]float64, m.S*m.A)
	for i := range pi {
		pi[i] = 1 / float64(m.A)
	}
	closed, err := exact.Evaluate(nil, m.Model, pi, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	for s, v := range uniform {
		if math.Abs(closed[s]-v) > 1e-12 {
			t.Errorf("closed form v(s%d) = %v, hand-solved %v", s+1, closed[s], v)
		}
	}
	if _, err := g.Set(KeyPolicy, PolicyGreedy); err == nil || !strings.Contains(err.Error(), "no greedy policy") {
		t.Errorf("greedy with no method before: %v", err)
	}

	for _, from := range []string{"vi", "pi", "tpi"} {
		g, _ := NewGrid(w, from)
		converge(t, g)
		if err := g.SetAlgorithm("eval"); err != nil {
			t.Fatal(err)
		}
		if g.Value(KeyPolicy) != PolicyUniform {
			t.Errorf("after %s: policy %v, want uniform", from, g.Value(KeyPolicy))
		}
		check("eval after "+from, g, uniform)
		if _, err := g.Set(KeyPolicy, PolicyGreedy); err != nil {
			t.Fatal(err)
		}
		if g.Sweeps() != 0 {
			t.Errorf("after %s: choosing the policy did not restart the evaluation", from)
		}
		check("greedy of "+from, g, []float64{9, 10, 10, 10})
		// Back to uniform, and a γ change keeps the policy evaluated.
		if _, err := g.Set(KeyPolicy, PolicyUniform); err != nil {
			t.Fatal(err)
		}
		check("uniform again after "+from, g, uniform)
		if _, err := g.Set(KeyPolicy, PolicyGreedy); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Set("gamma", 0.5); err != nil {
			t.Fatal(err)
		}
		// γ 0.5: v4 = 1/(1 − 0.5) = 2, v2 = v3 = 1 + 0.5·2, v1 = 0.5·2.
		check("greedy of "+from+" at γ 0.5", g, []float64{1, 2, 2, 2})
	}
}

// Reset starts policy iteration again from its first policy: a second run
// takes the same iterations as the first (Zhao's 5x5 world: 7), not one.
func TestPolicyIterationResetAgain(t *testing.T) {
	w, err := grid.Parse([]byte(`{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGrid(w, "pi")
	if err != nil {
		t.Fatal(err)
	}
	run := func() (int, int) {
		for !g.Converged() {
			g.Step()
		}
		return g.Sweeps(), g.Iterations()
	}
	s1, i1 := run()
	g.Reset()
	s2, i2 := run()
	if s1 != s2 || i1 != i2 || i1 < 2 {
		t.Fatalf("first run %d sweeps, %d iterations; after a reset %d sweeps, %d iterations", s1, i1, s2, i2)
	}
}
