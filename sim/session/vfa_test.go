package session

import (
	"math"
	"slices"
	"strings"
	"testing"

	"bellman/sim/control"
	"bellman/sim/dp/exact"
	"bellman/sim/features"
	"bellman/sim/grid"
	"bellman/sim/vfa"
)

func zhaoWorld(t *testing.T, forbidden float64) grid.World {
	t.Helper()
	w, err := grid.Parse([]byte(`{"name": "zhao-5x5", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`))
	if err != nil {
		t.Fatal(err)
	}
	w.Rewards.Forbidden = forbidden
	return w
}

func newVFA(t *testing.T, w grid.World, method string) *VFA {
	t.Helper()
	s, err := NewVFA(w, method, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The snapshot's truth is v_π of the uniform policy solved exactly, its V
// is φ(s)ᵀw recomputed from the weights, Error their difference and RMSE
// its root mean square; poly1's feature maps are 1, x and y of each cell.
func TestVFASnapshot(t *testing.T) {
	w := zhaoWorld(t, -1)
	s := newVFA(t, w, vfa.TDLinear)
	if _, err := s.Set(vfa.KeyFeatures, 1); err != nil { // poly1
		t.Fatal(err)
	}
	for i := 0; i < 20000; i++ {
		s.Step()
	}
	var snap VFASnapshot
	s.Snapshot(&snap)
	m, _ := s.World().Build()
	pi := make([]float64, m.S*m.A)
	for i := range pi {
		pi[i] = 0.2
	}
	vpi, err := exact.Evaluate(nil, m.Model, pi, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Runner().Learner.Featurizer()
	phi := make([]float64, f.Len())
	raw := make([]float64, 5)
	sum := 0.0
	for st := 0; st < m.S; st++ {
		r, c := m.RowCol(st)
		features.GridRaw(raw, r, c, 5, 5)
		f.Dense(phi, raw)
		v := 0.0
		for i, x := range phi {
			v += x * snap.Weights[i]
		}
		if math.Abs(snap.Truth[st]-vpi[st]) > 1e-9 || math.Abs(snap.V[st]-v) > 1e-12 || math.Abs(snap.Error[st]-(v-vpi[st])) > 1e-9 {
			t.Fatalf("state %d: V %v Truth %v Error %v, want %v %v", st, snap.V[st], snap.Truth[st], snap.Error[st], v, vpi[st])
		}
		sum += (v - vpi[st]) * (v - vpi[st])
		for i, want := range []float64{1, float64(c)/2 - 1, float64(r)/2 - 1} {
			if snap.Maps[i*m.S+st] != want {
				t.Fatalf("feature %d at (%d, %d) = %v, want %v", i, r, c, snap.Maps[i*m.S+st], want)
			}
		}
	}
	if math.Abs(snap.RMSE-math.Sqrt(sum/float64(m.S))) > 1e-9 {
		t.Errorf("RMSE %v, want %v", snap.RMSE, math.Sqrt(sum/float64(m.S)))
	}
	if !slices.Equal(snap.Labels, []string{"1", "x", "y"}) || len(snap.Weights) != 3 || snap.Q != nil && len(snap.Q) != 0 {
		t.Errorf("labels %v, weights %v, q %v", snap.Labels, snap.Weights, snap.Q)
	}
	// Episodes of 500 steps: 40 ended, each with its RMSE, after the one at x = 0.
	if len(snap.RMSEs.X) != 41 || snap.RMSEs.X[0] != 0 || snap.RMSEs.X[40] != 20000 || len(snap.Lengths.Y) != 40 || snap.Lengths.Y[0] != 500 {
		t.Errorf("RMSE curve %v, lengths %v", snap.RMSEs, snap.Lengths)
	}
	if snap.RMSEs.Y[40] > snap.RMSEs.Y[0]/2 {
		t.Errorf("RMSE %v → %v after 40 episodes", snap.RMSEs.Y[0], snap.RMSEs.Y[40])
	}
	if n := testing.AllocsPerRun(200, func() { s.Step(); s.Snapshot(&snap) }); n != 0 {
		t.Errorf("Step and Snapshot allocate %v times", n)
	}
}

func TestVFASet(t *testing.T) {
	s := newVFA(t, zhaoWorld(t, -1), vfa.TDLinear)
	keys := s.Schema().Keys()
	for _, k := range []string{"alpha", "episode-length", "features", "gamma", "r-boundary", "seed", "slip", "start", "target-ends", "w0-std"} {
		if !slices.Contains(keys, k) {
			t.Errorf("schema has no %q: %v", k, keys)
		}
	}
	if note, err := s.Set("alpha", 5); err != nil || !strings.Contains(note, "clamped to 1") {
		t.Errorf("alpha 5: %q %v", note, err)
	}
	for i := 0; i < 10; i++ {
		s.Step()
	}
	if note, err := s.Set("features", 2); err != nil || !strings.Contains(note, "restarted") || s.Steps() != 0 {
		t.Errorf("features: %q %v, steps %d", note, err, s.Steps())
	}
	var snap VFASnapshot
	s.Snapshot(&snap)
	if len(snap.Labels) != 6 || snap.Labels[5] != "xy" {
		t.Errorf("poly2 labels %v", snap.Labels)
	}
	// γ applies at once and moves the truth: v_π of γ 0.5.
	before := snap.Truth[0]
	if note, err := s.Set("gamma", 0.5); err != nil || note != "" {
		t.Errorf("gamma: %q %v", note, err)
	}
	s.Snapshot(&snap)
	if snap.Truth[0] == before || snap.Gamma != 0.5 {
		t.Errorf("γ 0.5: truth %v (was %v), γ %v", snap.Truth[0], before, snap.Gamma)
	}
	if _, err := s.Set("lambda", 1); err == nil || !strings.Contains(err.Error(), "unknown parameter") {
		t.Errorf("unknown key: %v", err)
	}
	if err := s.SetFeatures(`{"columns": [{"numeric": "x"}, {"bucketized": "y", "bucket": 3}]}`); err == nil ||
		!strings.Contains(err.Error(), "columns[1].bucket") {
		t.Errorf("bad spec: %v", err)
	}
	if err := s.SetFeatures(`{"numeric": "q"}`); err == nil || !strings.Contains(err.Error(), `no column "q"`) {
		t.Errorf("unknown column: %v", err)
	}
	if err := s.SetFeatures(`{"columns": [{"one_hot": "row"}, {"one_hot": "col"}]}`); err != nil {
		t.Fatal(err)
	}
	s.Snapshot(&snap)
	if len(snap.Labels) != 10 || snap.Labels[7] != "col 2" || !strings.Contains(snap.Spec, `"one_hot":"row"`) {
		t.Errorf("custom features: labels %v spec %s", snap.Labels, snap.Spec)
	}
	if _, err := NewVFA(zhaoWorld(t, -1), "dqn", 1); err == nil {
		t.Error("unknown method: no error")
	}
	if err := s.SetMethod(vfa.LinearQLearning); err != nil {
		t.Fatal(err)
	}
	s.Snapshot(&snap)
	if len(snap.Q) != 25*5 || len(snap.Greedy) != 25 || snap.Epsilon != 0.1 {
		t.Errorf("Q-learning snapshot: %d q, %d greedy, ε %v", len(snap.Q), len(snap.Greedy), snap.Epsilon)
	}
}

// Zhao's Figures 8.9–8.10 set-up: Sarsa and Q-learning with the Fourier
// basis of order 5 from the top-left cell to the target, r_boundary =
// r_forbidden = −10, γ 0.9, ε 0.1 (α 0.02, see vfa.Default). Over 300
// episodes they get at least twice as short and the return rises, as in
// the figures.
func TestVFALinearSarsaZhao(t *testing.T) {
	for _, method := range []string{vfa.LinearSarsa, vfa.LinearQLearning} {
		s := newVFA(t, zhaoWorld(t, -10), method)
		if _, err := s.Set("r-boundary", -10); err != nil {
			t.Fatal(err)
		}
		var snap VFASnapshot
		for s.Episodes() <= 300 {
			s.Step()
		}
		s.Snapshot(&snap)
		if snap.Spec != `{"fourier":["x","y"],"order":5}` {
			t.Errorf("spec %s", snap.Spec)
		}
		n := len(snap.Lengths.Y)
		early, late := meanF(snap.Lengths.Y[:20]), meanF(snap.Lengths.Y[n-50:])
		t.Logf("%s: episodes 1–20 take %.0f steps, the last 50 %.1f; return %.0f → %.1f; optimal share %.2f",
			method, early, late, meanF(snap.Returns.Y[:20]), meanF(snap.Returns.Y[n-50:]), snap.Optimal.Y[len(snap.Optimal.Y)-1])
		if early < 2*late || meanF(snap.Returns.Y[n-50:]) < meanF(snap.Returns.Y[:20]) {
			t.Errorf("%s: lengths %.1f → %.1f", method, early, late)
		}
	}
}

func meanF(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func TestVFAControl(t *testing.T) {
	if envs := VFAControlEnvs(); !slices.Equal(envs, []string{"cartpole-discrete", "mountaincar-discrete", "acrobot"}) {
		t.Errorf("VFAControlEnvs = %v", envs)
	}
	c, err := NewVFAControl("mountaincar-discrete", vfa.NStepSarsaTiles, 1)
	if err != nil {
		t.Fatal(err)
	}
	c.HeatmapEvery = 1000
	for i := 0; i < 5000; i++ {
		c.Step()
	}
	var snap VFAControlSnapshot
	c.Snapshot(&snap)
	if snap.Features != 8*81 || len(snap.TileX) != 8 || len(snap.TileX[0]) != 9 || len(snap.TileX[1]) != 10 ||
		snap.TileX[0][0] != -1.2 || snap.TileY[3][len(snap.TileY[3])-1] != 0.07 || snap.Labels != nil || snap.Maps != nil && len(snap.Maps) > 0 {
		t.Errorf("features %d, tile edges %v / %v, labels %d", snap.Features, snap.TileX, snap.TileY, len(snap.Labels))
	}
	if snap.Plane != (control.Plane{XLabel: "position", YLabel: "velocity", XMin: -1.2, XMax: 0.6, YMin: -0.07, YMax: 0.07}) ||
		len(snap.Value) != HeatmapGrid*HeatmapGrid || snap.HeatmapStep != 5000 || snap.Actions != 3 {
		t.Errorf("plane %+v, %d values, heatmap step %d", snap.Plane, len(snap.Value), snap.HeatmapStep)
	}
	// V at grid point (i, j) is max_a φ(s)ᵀw_a of that plane point.
	f := c.Runner().Learner.Featurizer()
	w := c.Runner().Learner.Weights()
	x := f.NewVector()
	for _, k := range []int{0, 77, 500, 1023} {
		i, j := k%HeatmapGrid, k/HeatmapGrid
		pos, vel := -1.2+1.8*float64(i)/31, -0.07+0.14*float64(j)/31
		f.Sparse(&x, []float64{pos, vel})
		best, ba := math.Inf(-1), 0
		for a := 0; a < 3; a++ {
			if q := x.Dot(w[a*f.Len() : (a+1)*f.Len()]); q > best {
				best, ba = q, a
			}
		}
		if math.Abs(snap.Value[k]-best) > 1e-12 || snap.Greedy[k] != float64(ba) || best < snap.ValueMin || best > snap.ValueMax {
			t.Errorf("point %d: V %v greedy %v, want %v %d", k, snap.Value[k], snap.Greedy[k], best, ba)
		}
	}
	if snap.Episodes < 5 || len(snap.Returns.Y) != snap.Episodes || snap.Returns.Y[0] != -200 || len(snap.Trajectory) == 0 {
		t.Errorf("%d episodes, returns %v, trajectory %d points", snap.Episodes, snap.Returns.Y, len(snap.Trajectory))
	}
	if n := testing.AllocsPerRun(200, func() { c.Step(); c.Snapshot(&snap) }); n != 0 {
		t.Errorf("Step and Snapshot allocate %v times", n)
	}
	if note, err := c.Set("features", 3); err != nil || !strings.Contains(note, "restarted") { // fourier3
		t.Fatalf("features: %q %v", note, err)
	}
	c.Snapshot(&snap)
	if snap.Features != 16 || len(snap.Labels) != 16 || len(snap.Maps) != 16*HeatmapGrid*HeatmapGrid || snap.TileX != nil {
		t.Errorf("fourier3: %d features, %d labels, %d map values, tiles %v", snap.Features, len(snap.Labels), len(snap.Maps), snap.TileX)
	}
	if err := c.SetEnv("acrobot"); err != nil {
		t.Fatal(err)
	}
	c.Snapshot(&snap)
	if snap.Env != "acrobot" || snap.Features != 16*7*7*7*7 || len(snap.TileX) != 16 || len(snap.TileY) != 16 || len(snap.State) != 4 || len(snap.Obs) != 6 {
		t.Errorf("acrobot: features %d, %d tilings, state %v", snap.Features, len(snap.TileX), snap.State)
	}
	if err := c.SetEnv("pendulum"); err == nil || !strings.Contains(err.Error(), "continuous actions") || c.Env() != "acrobot" {
		t.Errorf("pendulum: %v, env %s", err, c.Env())
	}
	if err := c.SetFeatures(`{"crossed": ["th1", "dth1"], "tilings": 4, "tiles": [6, 5]}`); err != nil {
		t.Fatal(err)
	}
	c.Snapshot(&snap)
	if snap.Features != 4*7*6 || len(snap.TileX[0]) != 7 || len(snap.TileY[0]) != 6 {
		t.Errorf("custom tiles: %d features, edges %v %v", snap.Features, snap.TileX[0], snap.TileY[0])
	}
	if _, err := NewVFAControl("acrobot", vfa.TDLinear, 1); err == nil || !strings.Contains(err.Error(), "unknown method") {
		t.Errorf("td-linear on a control task: %v", err)
	}
}
