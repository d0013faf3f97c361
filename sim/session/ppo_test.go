package session

import (
	"math"
	"slices"
	"strings"
	"testing"

	"bellman/sim/control"
	"bellman/sim/nn"
)

func newPPO(t *testing.T, env, agent string, seed uint64) *PPO {
	t.Helper()
	p, err := NewPPO(env, agent, seed)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// shortRollouts makes updates come every 32 steps of each environment, in
// 4 minibatches (PPO), so that tests with updates run fast.
func shortRollouts(t *testing.T, p *PPO) {
	t.Helper()
	if _, ok := p.Schema().Find("num_minibatches"); ok {
		if _, err := p.Set("num_minibatches", 4); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Set("num_steps", 32); err != nil {
		t.Fatal(err)
	}
}

// Every environment starts with both agents: a categorical policy on the
// discrete task, a Gaussian one elsewhere, with the environment's sizes,
// plane and bounds in the snapshot.
func TestPPOEnvs(t *testing.T) {
	for _, name := range PPOEnvs() {
		for _, agent := range PPOAgents {
			p := newPPO(t, name, agent.Key, 1)
			env, _ := control.New(name)
			var s PPOSnapshot
			p.Snapshot(&s)
			n := control.NumActions(env)
			G2 := HeatmapGrid * HeatmapGrid
			ok := s.Env == name && s.Agent == agent.Key && len(s.State) == env.StateDim() && len(s.Obs) == env.ObsDim() &&
				s.Plane == env.Plane() && s.Grid == HeatmapGrid && len(s.Value) == G2 && len(s.Trajectory) == 1 &&
				(s.PointMass != nil) == (name == "pointmass") && s.Discrete == (n > 0) && s.Steps == 0 && s.Seed == 1
			if n > 0 {
				ok = ok && s.NumActions == n && len(s.Probs) == G2*n && len(s.Greedy) == G2 && len(s.EntropyMap) == G2 &&
					len(s.Mean) == 0 && s.ActionLo[0] == 0 && s.ActionHi[0] == float64(n-1) && len(s.Action) == 1
			} else {
				lo, hi := env.ActionBounds()
				ok = ok && s.ActDim == env.ActDim() && len(s.Mean) == G2*env.ActDim() && len(s.Std) == G2*env.ActDim() &&
					len(s.Probs) == 0 && slices.Equal(s.ActionLo, lo) && slices.Equal(s.ActionHi, hi)
			}
			if !ok {
				t.Errorf("%s/%s: snapshot %+v", name, agent.Key, s)
			}
		}
	}
}

func TestPPOErrors(t *testing.T) {
	for _, c := range []struct{ env, agent, want string }{
		{"moon", "ppo", "unknown environment"},
		{"pendulum", "trpo", "unknown agent"},
	} {
		if _, err := NewPPO(c.env, c.agent, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s: error %v, want %q", c.env, c.agent, err, c.want)
		}
	}
	if _, err := NewPPO("pendulum", "ppo", MaxSeed+1); err == nil {
		t.Error("seed above MaxSeed: no error")
	}
	p := newPPO(t, "cartpole-discrete", "ppo", 1)
	for k, v := range map[string]float64{"num_envs": 4, "num_steps": 128} {
		if _, err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Set("num_minibatches", 128); err != nil { // 4 × 128 transitions in minibatches of 4
		t.Fatal(err)
	}
	if _, err := p.Set("num_steps", 16); err == nil || p.Value("num_steps") != 128 || p.tr.Config().NumSteps != 128 {
		t.Errorf("128 minibatches of 64 transitions: err %v, num_steps %v", err, p.Value("num_steps"))
	}
	if _, err := p.Set("num_minibatches", 32); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Set("num_steps", 9); err == nil || p.Value("num_steps") != 128 {
		t.Errorf("36 transitions in minibatches of 1 with normalised advantages: err %v", err)
	}
}

// The heatmaps are single forward passes at the plane's points: V(s) of
// the value network, and for the categorical policy the softmax of the
// logits, its most likely action and entropy; for the Gaussian policy the
// mean of the normalised observation (the pendulum normalises) and
// exp(log σ) everywhere.
func TestPPOHeatmaps(t *testing.T) {
	const G = HeatmapGrid
	for _, env := range []string{"cartpole-discrete", "pendulum"} {
		p := newPPO(t, env, "ppo", 3)
		shortRollouts(t, p)
		for i := 0; i < 70; i++ {
			p.Step()
		}
		var before PPOSnapshot
		p.Snapshot(&before)
		if before.HeatmapStep != 0 || before.Iterations == 0 {
			t.Fatalf("%s: heatmap of step %d after %d updates", env, before.HeatmapStep, before.Iterations)
		}
		p.RefreshHeatmaps()
		var s PPOSnapshot
		p.Snapshot(&s)
		if s.HeatmapStep != s.Steps || slices.Equal(s.Value, before.Value) {
			t.Errorf("%s: RefreshHeatmaps left step %d and the same values", env, s.HeatmapStep)
		}
		a := p.tr.Agent()
		te := p.tr.Env(0)
		for _, ij := range [][2]int{{0, 0}, {G - 1, G - 1}, {4, 27}} {
			i, j := ij[0], ij[1]
			k := j*G + i
			obs := make([]float64, te.ObsDim())
			te.PlaneObs(gridCoord(s.Plane.XMin, s.Plane.XMax, i), gridCoord(s.Plane.YMin, s.Plane.YMax, j), obs)
			if env == "pendulum" { // normalised by environment 0's statistics, as the policy sees it
				obs = normalised(p, obs)
			}
			v := a.Critic().Forward(obs, 1)[0]
			out := a.Actor().Forward(obs, 1)
			if math.Abs(s.Value[k]-v) > 1e-12 {
				t.Errorf("%s (%d, %d): V %v, single pass %v", env, i, j, s.Value[k], v)
			}
			if s.Discrete {
				probs := nn.Softmax(make([]float64, 2), out)
				h := -probs[0]*math.Log(probs[0]) - probs[1]*math.Log(probs[1])
				best := 0
				if probs[1] > probs[0] {
					best = 1
				}
				if math.Abs(s.Probs[2*k]-probs[0]) > 1e-15 || s.Greedy[k] != best || math.Abs(s.EntropyMap[k]-h) > 1e-14 {
					t.Errorf("%s (%d, %d): π %v, greedy %d, H %v; want %v, %d, %v", env, i, j, s.Probs[2*k:2*k+2], s.Greedy[k], s.EntropyMap[k], probs, best, h)
				}
				if s.EntropyMap[k] > s.EntropyMax || s.EntropyMax != math.Log(2) {
					t.Errorf("entropy %v above its maximum %v", s.EntropyMap[k], s.EntropyMax)
				}
			} else if math.Abs(s.Mean[k]-out[0]) > 1e-12 || s.Std[k] != math.Exp(a.LogStd()[0]) {
				t.Errorf("%s (%d, %d): mean %v std %v, want %v and %v", env, i, j, s.Mean[k], s.Std[k], out[0], math.Exp(a.LogStd()[0]))
			}
		}
		if s.ValueMin != slices.Min(s.Value) || s.ValueMax != slices.Max(s.Value) {
			t.Errorf("%s: extremes %v %v", env, s.ValueMin, s.ValueMax)
		}
	}
}

// normalised is obs normalised by Gymnasium's formula, clip((x −
// mean)/√(var + 1e-8), ±10), with environment 0's running statistics.
func normalised(p *PPO, obs []float64) []float64 {
	out := make([]float64, len(obs))
	mean, variance := p.tr.ObsStats(0)
	for i, x := range obs {
		out[i] = math.Max(-10, math.Min(10, (x-mean[i])/math.Sqrt(variance[i]+1e-8)))
	}
	return out
}

// Curves get a point per update and one per finished episode; Set keeps
// live changes and restarts on Reset keys; unknown keys are errors.
func TestPPOCurvesAndSet(t *testing.T) {
	p := newPPO(t, "cartpole-discrete", "ppo", 2)
	shortRollouts(t, p)
	for i := 0; i < 32*3; i++ {
		p.Step()
	}
	var s PPOSnapshot
	p.Snapshot(&s)
	c := p.tr.Config()
	if s.Iterations != 3 || s.Updates != 3*c.Epochs*c.Minibatches || p.Updates() != s.Updates || p.Diverged() != "" || s.Steps != c.NumEnvs*32*3 || len(s.PolicyLoss.Y) != 3 ||
		len(s.ApproxKL.Y) != 3 || len(s.ClipFrac.Y) != 3 || len(s.Entropy.Y) != 3 || len(s.ValueLoss.Y) != 3 ||
		len(s.LearningRate.Y) != 3 || len(s.Returns.Y) != s.Episodes || s.Episodes == 0 {
		t.Errorf("after 3 rollouts: %d iterations, %d updates, %d steps, curves %d %d, %d returns of %d episodes",
			s.Iterations, s.Updates, s.Steps, len(s.PolicyLoss.Y), len(s.LearningRate.Y), len(s.Returns.Y), s.Episodes)
	}
	for i, y := range s.Entropy.Y {
		if !(y > 0 && y <= math.Log(2)) {
			t.Errorf("entropy %d = %v, not in (0, log 2]", i, y)
		}
	}
	if lr := s.LearningRate.Y; !(lr[0] == c.LR && lr[1] < lr[0] && lr[2] < lr[1]) {
		t.Errorf("annealed learning rates %v from %v", lr, c.LR)
	}
	version := s.Version
	note, err := p.Set("ent_coef", 5)
	if err != nil || !strings.Contains(note, "clamped to 0.1") || p.tr.Config().EntCoef != 0.1 {
		t.Errorf("ent_coef 5: note %q, err %v, config %v", note, err, p.tr.Config().EntCoef)
	}
	if _, err := p.Set("clip_coef", 0.1); err != nil || p.tr.Config().ClipCoef != 0.1 {
		t.Errorf("clip_coef: %v", err)
	}
	if p.Snapshot(&s); s.Version != version || s.Steps != c.NumEnvs*32*3 {
		t.Errorf("live changes restarted: version %d→%d, steps %d", version, s.Version, s.Steps)
	}
	note, err = p.Set("num_envs", 2)
	if p.Snapshot(&s); err != nil || !strings.Contains(note, "restarted") || s.Version != version+1 || s.Steps != 0 || s.NumEnvs != 2 {
		t.Errorf("num_envs: note %q, err %v, version %d, steps %d", note, err, s.Version, s.Steps)
	}
	if p.Value("clip_coef") != 0.1 {
		t.Error("a restart forgot the clip")
	}
	if _, err := p.Set("tau", 1); err == nil {
		t.Error("unknown key: no error")
	}
}

// Switching agents keeps the changed values both have; switching the
// environment brings its defaults and keeps the seed; the schema follows.
func TestPPOSwitching(t *testing.T) {
	p := newPPO(t, "cartpole-discrete", "ppo", 4)
	p.Set("gamma", 0.95)
	if err := p.SetAgent("a2c"); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Schema().Find("clip_coef"); ok || p.Agent() != "a2c" || p.Value("gamma") != 0.95 || p.Value("seed") != 4 {
		t.Error("SetAgent a2c: a clip, or γ or the seed lost")
	}
	if err := p.SetEnv("pointmass"); err != nil {
		t.Fatal(err)
	}
	var s PPOSnapshot
	p.Snapshot(&s)
	if _, ok := p.Schema().Find("pm_gain"); !ok || s.ActDim != 2 || s.PointMass == nil || s.Seed != 4 || p.Value("gamma") != 0.99 || s.Discrete {
		t.Errorf("SetEnv pointmass: pm_gain %v, ActDim %d, seed %d, γ %v", ok, s.ActDim, s.Seed, p.Value("gamma"))
	}
	if _, ok := p.Schema().Find("log_std_init"); !ok {
		t.Error("a Gaussian policy without its initial log σ")
	}
	if _, err := p.Set("pm_gain", 4); err != nil || p.pm.Gain != 4 {
		t.Errorf("pm_gain: %v", err)
	}
	if err := p.SetEnv("moon"); err == nil || p.Env() != "pointmass" {
		t.Errorf("SetEnv moon: %v, env now %s", err, p.Env())
	}
}

// The same seed gives the same run; Reset repeats it.
func TestPPOReproducible(t *testing.T) {
	run := func(p *PPO) PPOSnapshot {
		for i := 0; i < 200; i++ {
			p.Step()
		}
		var s PPOSnapshot
		p.Snapshot(&s)
		return s
	}
	a, b := newPPO(t, "pendulum", "ppo", 8), newPPO(t, "pendulum", "ppo", 8)
	shortRollouts(t, a)
	shortRollouts(t, b)
	sa, sb := run(a), run(b)
	if !slices.Equal(sa.PolicyLoss.Y, sb.PolicyLoss.Y) || len(sa.PolicyLoss.Y) != 6 || !slices.Equal(sa.State, sb.State) {
		t.Errorf("same seed, different runs: %v vs %v", sa.PolicyLoss.Y, sb.PolicyLoss.Y)
	}
	a.Reset()
	if sr := run(a); !slices.Equal(sr.PolicyLoss.Y, sa.PolicyLoss.Y) || sr.Version != sa.Version+1 {
		t.Error("Reset did not repeat the run")
	}
}

// Environment 0's trajectory grows by a point a step and becomes the
// previous one when its episode ends.
func TestPPOTrajectory(t *testing.T) {
	p := newPPO(t, "pendulum", "ppo", 5)
	var s PPOSnapshot
	for i := 1; i <= 200; i++ {
		p.Step()
		p.Snapshot(&s)
		if len(s.Trajectory) != (i%200)+1 || s.EpisodeLength != i%200 {
			t.Fatalf("step %d: %d points, episode length %d", i, len(s.Trajectory), s.EpisodeLength)
		}
	}
	if len(s.PrevTrajectory) != 200 || s.Episodes != 1 || s.Returns.Y[0] != s.LastReturn || s.Returns.X[0] != 200 {
		t.Errorf("after an episode: previous %d points, %d episodes", len(s.PrevTrajectory), s.Episodes)
	}
}

// Steps, snapshots and heatmap refreshes allocate nothing once grown,
// across updates and episode ends.
func TestPPOAllocs(t *testing.T) {
	for _, env := range []string{"cartpole-discrete", "pendulum", "pointmass"} {
		p := newPPO(t, env, "ppo", 1)
		shortRollouts(t, p)
		var s PPOSnapshot
		for i := 0; i < 100; i++ {
			p.Step()
		}
		p.Snapshot(&s)
		if n := testing.AllocsPerRun(100, func() { p.Step(); p.Snapshot(&s) }); n != 0 {
			t.Errorf("%s: Step and Snapshot allocate %v times", env, n)
		}
		if n := testing.AllocsPerRun(5, p.RefreshHeatmaps); n != 0 {
			t.Errorf("%s: RefreshHeatmaps allocates %v times", env, n)
		}
	}
}
