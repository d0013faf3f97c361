package session

import (
	"math"
	"slices"
	"strings"
	"testing"

	"bellman/sim/control"
)

func newControl(t *testing.T, env, agent string, seed uint64) *Control {
	t.Helper()
	c, err := NewControl(env, agent, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// small makes the networks 16-16 and learning start after 100 steps, so
// that tests with updates run fast.
func small(t *testing.T, c *Control) {
	t.Helper()
	for k, v := range map[string]float64{"actor.hidden": 16, "critic.hidden": 16, "learning_starts": 100} {
		if _, err := c.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
}

// Every continuous environment starts with both agents; the snapshot has
// the environment's sizes, plane and bounds.
func TestControlEnvs(t *testing.T) {
	envs := ControlEnvs()
	if !slices.Equal(envs, []string{"pendulum", "mountaincar", "cartpole", "pointmass"}) {
		t.Errorf("ControlEnvs = %v", envs)
	}
	for _, name := range envs {
		for _, agent := range ControlAgents {
			c := newControl(t, name, agent.Key, 1)
			env, _ := control.New(name)
			var s ControlSnapshot
			c.Snapshot(&s)
			lo, hi := env.ActionBounds()
			if s.Env != name || s.Agent != agent.Key || len(s.State) != env.StateDim() || len(s.Obs) != env.ObsDim() ||
				s.ActDim != env.ActDim() || !slices.Equal(s.ActionLo, lo) || !slices.Equal(s.ActionHi, hi) ||
				s.Plane != env.Plane() || s.Grid != HeatmapGrid || len(s.Value) != HeatmapGrid*HeatmapGrid ||
				len(s.Policy) != HeatmapGrid*HeatmapGrid*env.ActDim() || len(s.Trajectory) != 1 || (s.PointMass != nil) != (name == "pointmass") {
				t.Errorf("%s/%s: snapshot %+v", name, agent.Key, s)
			}
			if s.ReplayCap != 100_000 || s.Steps != 0 || s.Seed != 1 {
				t.Errorf("%s/%s: replay cap %d, steps %d, seed %d", name, agent.Key, s.ReplayCap, s.Steps, s.Seed)
			}
		}
	}
}

func TestControlErrors(t *testing.T) {
	for _, c := range []struct{ env, agent, want string }{
		{"cartpole-discrete", "ddpg", "discrete"},
		{"moon", "ddpg", "unknown environment"},
		{"pendulum", "sac", "unknown agent"},
	} {
		if _, err := NewControl(c.env, c.agent, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s: error %v, want %q", c.env, c.agent, err, c.want)
		}
	}
	if _, err := NewControl("pendulum", "ddpg", MaxSeed+1); err == nil {
		t.Error("seed above MaxSeed: no error")
	}
}

// The value heatmap at grid point (i, j) is Q₁(s, μ(s)) and the policy
// heatmap the scaled μ(s), for s the plane point u = XMin + i(XMax−XMin)/31,
// v = YMin + j(YMax−YMin)/31 (Pendulum: obs (cos u, sin u, v)), as single
// forward passes give. Steps do not recompute them unless HeatmapEvery
// says so.
func TestHeatmaps(t *testing.T) {
	for _, agent := range []string{"ddpg", "td3"} {
		c := newControl(t, "pendulum", agent, 3)
		small(t, c)
		for i := 0; i < 150; i++ {
			c.Step()
		}
		var before ControlSnapshot
		c.Snapshot(&before)
		if before.HeatmapStep != 0 || before.Updates == 0 {
			t.Fatalf("%s: heatmap of step %d after %d updates; want step 0", agent, before.HeatmapStep, before.Updates)
		}
		c.RefreshHeatmaps()
		var s ControlSnapshot
		c.Snapshot(&s)
		if s.HeatmapStep != 150 || slices.Equal(s.Value, before.Value) {
			t.Errorf("%s: RefreshHeatmaps left step %d and the same values", agent, s.HeatmapStep)
		}
		a := c.tr.Agent()
		p := s.Plane
		const G = HeatmapGrid
		for _, ij := range [][2]int{{0, 0}, {G - 1, G - 1}, {0, G - 1}, {5, 17}, {20, 3}} {
			i, j := ij[0], ij[1]
			u := p.XMin + (p.XMax-p.XMin)*float64(i)/(G-1)
			v := p.YMin + (p.YMax-p.YMin)*float64(j)/(G-1)
			obs := []float64{math.Cos(u), math.Sin(u), v}
			mu := a.Actor().Forward(obs, 1)[0]
			q := a.Critic(0).Forward(append(obs, mu), 1)[0]
			if k := j*G + i; math.Abs(s.Value[k]-q) > 1e-9 || math.Abs(s.Policy[k]-2*mu) > 1e-12 {
				t.Errorf("%s: point (%d, %d): V %v μ %v, single passes %v %v", agent, i, j, s.Value[k], s.Policy[k], q, 2*mu)
			}
		}
		if s.ValueMin != slices.Min(s.Value) || s.ValueMax != slices.Max(s.Value) {
			t.Errorf("%s: extremes %v %v", agent, s.ValueMin, s.ValueMax)
		}
		c.HeatmapEvery = 20
		for i := 0; i < 19; i++ {
			c.Step()
		}
		c.Snapshot(&s)
		if s.HeatmapStep != 160 {
			t.Errorf("%s: HeatmapEvery 20: heatmap of step %d at step %d, want 160", agent, s.HeatmapStep, s.Steps)
		}
	}
}

// The point mass's policy heatmap holds both force components.
func TestPointMassPolicy(t *testing.T) {
	c := newControl(t, "pointmass", "ddpg", 2)
	var s ControlSnapshot
	c.Snapshot(&s)
	a := c.tr.Agent()
	const G = HeatmapGrid
	i, j := 7, 30
	mu := a.Actor().Forward([]float64{float64(i) / (G - 1), float64(j) / (G - 1), 0, 0}, 1)
	k := j*G + i
	if math.Abs(s.Policy[2*k]-mu[0]) > 1e-12 || math.Abs(s.Policy[2*k+1]-mu[1]) > 1e-12 {
		t.Errorf("policy at (%d, %d) = %v, actor %v", i, j, s.Policy[2*k:2*k+2], mu)
	}
}

// The trajectory is the episode's states in the plane, its start first;
// at the next episode it becomes the previous one.
func TestTrajectory(t *testing.T) {
	c := newControl(t, "pendulum", "ddpg", 5)
	var s ControlSnapshot
	env := control.NewPendulum()
	for i := 1; i <= 200; i++ {
		c.Step()
		c.Snapshot(&s)
		u, v := env.PlanePoint(s.State)
		if last := s.Trajectory[len(s.Trajectory)-1]; len(s.Trajectory) != i+1 || last != (Point{u, v}) || s.EpisodeLength != i%200 {
			t.Fatalf("step %d: %d points, last %v, state %v, episode length %d", i, len(s.Trajectory), last, s.State, s.EpisodeLength)
		}
	}
	if s.Episodes != 1 || s.Returns.Y[0] != s.LastReturn || s.Returns.X[0] != 200 {
		t.Errorf("after 200 steps: %d episodes, returns %v, last %v", s.Episodes, s.Returns, s.LastReturn)
	}
	last := s.Trajectory[200]
	c.Step()
	c.Snapshot(&s)
	if len(s.PrevTrajectory) != 201 || s.PrevTrajectory[200] != last || len(s.Trajectory) != 2 {
		t.Errorf("new episode: previous %d points, current %d", len(s.PrevTrajectory), len(s.Trajectory))
	}
}

// Set clamps with a note; learning rates and γ apply live, Reset keys
// restart; unknown keys are errors.
func TestControlSet(t *testing.T) {
	c := newControl(t, "pendulum", "ddpg", 1)
	for i := 0; i < 10; i++ {
		c.Step()
	}
	var s ControlSnapshot
	c.Snapshot(&s)
	version := s.Version
	note, err := c.Set("gamma", 5)
	if err != nil || !strings.Contains(note, "clamped to 0.999") || c.Values()["gamma"] != 0.999 || c.tr.Agent().Config().Gamma != 0.999 {
		t.Errorf("gamma 5: note %q, err %v, value %v", note, err, c.Values()["gamma"])
	}
	if _, err := c.Set("actor.lr", 3e-4); err != nil || c.tr.Agent().Config().ActorOptim.LR != 3e-4 {
		t.Errorf("actor.lr: %v, config %v", err, c.tr.Agent().Config().ActorOptim.LR)
	}
	if c.Snapshot(&s); s.Version != version || s.Steps != 10 {
		t.Errorf("live changes restarted: version %d→%d, steps %d", version, s.Version, s.Steps)
	}
	note, err = c.Set("batch", 32)
	if c.Snapshot(&s); err != nil || !strings.Contains(note, "restarted") || s.Version != version+1 || s.Steps != 0 || c.tr.Agent().Config().Batch != 32 {
		t.Errorf("batch: note %q, err %v, version %d, steps %d", note, err, s.Version, s.Steps)
	}
	if c.Values()["gamma"] != 0.999 {
		t.Error("a restart forgot γ")
	}
	_, err = c.Set("seed", 7)
	if c.Snapshot(&s); err != nil || s.Seed != 7 {
		t.Errorf("seed: %v, snapshot seed %d", err, s.Seed)
	}
	if _, err := c.Set("epsilon", 1); err == nil {
		t.Error("unknown key: no error")
	}
	if note, _ := c.Set("noise", math.NaN()); !strings.Contains(note, "not a number") {
		t.Errorf("NaN: note %q", note)
	}
}

// Switching agents keeps the seed and the shared parameters that were
// changed; switching environments keeps only the seed; the schema follows
// the agent and the environment; a failed switch changes nothing.
func TestControlSwitching(t *testing.T) {
	c := newControl(t, "pendulum", "ddpg", 4)
	c.Set("gamma", 0.95)
	if _, ok := c.Schema().Find("policy_delay"); ok {
		t.Error("DDPG has a policy delay")
	}
	if err := c.SetAgent("td3"); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Schema().Find("policy_delay"); !ok || c.Agent() != "td3" || c.Values()["gamma"] != 0.95 || c.tr.Agent().Critics() != 2 {
		t.Error("SetAgent td3: no policy delay, or γ or seed lost, or one critic")
	}
	if err := c.SetEnv("pointmass"); err != nil {
		t.Fatal(err)
	}
	var s ControlSnapshot
	c.Snapshot(&s)
	if _, ok := c.Schema().Find("pm_gain"); !ok || s.ActDim != 2 || s.PointMass == nil || s.Seed != 4 || c.Values()["gamma"] != 0.99 {
		t.Errorf("SetEnv pointmass: schema has pm_gain = %v, ActDim %d, seed %d, γ %v (want the default 0.99)", ok, s.ActDim, s.Seed, c.Values()["gamma"])
	}
	if _, err := c.Set("pm_gain", 4); err != nil || c.pm.Gain != 4 {
		t.Errorf("pm_gain: %v, layout gain %v", err, c.pm.Gain)
	}
	if err := c.SetEnv("cartpole-discrete"); err == nil || c.Env() != "pointmass" {
		t.Errorf("SetEnv cartpole-discrete: error %v, env now %s", err, c.Env())
	}
	if err := c.SetAgent("ppo"); err == nil || c.Agent() != "td3" {
		t.Errorf("SetAgent ppo: error %v, agent now %s", err, c.Agent())
	}
}

// The same seed gives the same run; Reset starts it again. With learning
// from step 100 on, 450 steps make 351 updates (steps 100 to 450).
func TestControlReproducible(t *testing.T) {
	run := func(c *Control) ControlSnapshot {
		for i := 0; i < 450; i++ {
			c.Step()
		}
		var s ControlSnapshot
		c.Snapshot(&s)
		return s
	}
	a, b := newControl(t, "pendulum", "td3", 8), newControl(t, "pendulum", "td3", 8)
	small(t, a)
	small(t, b)
	sa, sb := run(a), run(b)
	if !slices.Equal(sa.Returns.Y, sb.Returns.Y) || !slices.Equal(sa.CriticLoss.Y, sb.CriticLoss.Y) || len(sa.CriticLoss.Y) != 351 ||
		!slices.Equal(sa.MeanQ.Y, sb.MeanQ.Y) || !slices.Equal(sa.State, sb.State) || sa.Updates != 351 || sa.ReplayLen != 450 {
		t.Errorf("same seed, different runs: returns %v vs %v, %d loss points, %d updates", sa.Returns.Y, sb.Returns.Y, len(sa.CriticLoss.Y), sa.Updates)
	}
	a.Reset()
	if sr := run(a); !slices.Equal(sr.CriticLoss.Y, sa.CriticLoss.Y) || sr.Version != sa.Version+1 {
		t.Error("Reset did not repeat the run")
	}
}

// A step, a snapshot and a heatmap refresh allocate nothing once the
// buffers have grown, across an episode's end.
func TestControlAllocs(t *testing.T) {
	for _, env := range []string{"pendulum", "pointmass"} {
		c := newControl(t, env, "ddpg", 1)
		small(t, c)
		var s ControlSnapshot
		for i := 0; i < 120; i++ {
			c.Step()
		}
		c.Snapshot(&s)
		if n := testing.AllocsPerRun(150, func() { c.Step(); c.Snapshot(&s) }); n != 0 {
			t.Errorf("%s: Step and Snapshot allocate %v times", env, n)
		}
		if n := testing.AllocsPerRun(5, c.RefreshHeatmaps); n != 0 {
			t.Errorf("%s: RefreshHeatmaps allocates %v times", env, n)
		}
	}
}

// A full curve averages neighbouring points in pairs and then takes two
// entries per point: after 2048 entries y = 1, 2, …, 2048 it holds the
// 1024 pair means 1.5, 3.5, …; the next full pair halves it again into
// the means of four, keeping 2049 and 2050 towards the next point.
func TestCurveCompaction(t *testing.T) {
	c := newCurve()
	for i := 1; i <= 2048; i++ {
		c.add(float64(i), float64(i))
	}
	if len(c.y) != curvePoints || c.stride != 2 {
		t.Fatalf("%d points, stride %d", len(c.y), c.stride)
	}
	for k, y := range c.y {
		if want := 2*float64(k) + 1.5; y != want || c.x[k] != want {
			t.Fatalf("point %d = (%v, %v), want %v", k, c.x[k], y, want)
		}
	}
	c.add(2049, 2049)
	if len(c.y) != curvePoints || c.stride != 2 {
		t.Errorf("half a pair changed the curve: %d points, stride %d", len(c.y), c.stride)
	}
	c.add(2050, 2050) // completes a pair: the full curve halves to 4 entries per point
	if len(c.y) != curvePoints/2 || c.stride != 4 || c.y[0] != 2.5 || c.y[511] != 2046.5 || c.an != 2 {
		t.Errorf("second compaction: %d points, stride %d, first %v", len(c.y), c.stride, c.y[0])
	}
}

// A session starts with its environment's and agent's defaults
// (ddpg.DefaultConfigFor: cartpole's τ is 0.02 for DDPG, 0.04 for TD3;
// mountaincar explores with OU noise σ 0.5). Switching the environment
// brings the new one's defaults and keeps the seed; switching the agent
// keeps what was changed and gives the new agent its defaults for the rest.
func TestControlDefaultsPerEnv(t *testing.T) {
	c := newControl(t, "cartpole", "ddpg", 6)
	if v := c.Values(); v["tau"] != 0.02 || c.tr.Agent().Config().Tau != 0.02 {
		t.Errorf("cartpole DDPG: τ %v, agent's %v, want 0.02", v["tau"], c.tr.Agent().Config().Tau)
	}
	if _, err := c.Set("noise_sigma", 0.2); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAgent("td3"); err != nil {
		t.Fatal(err)
	}
	if v := c.Values(); v["tau"] != 0.04 || v["noise_sigma"] != 0.2 || v["seed"] != 6 || c.tr.Agent().Config().Tau != 0.04 {
		t.Errorf("cartpole DDPG → TD3: τ %v (want 0.04), σ %v (want 0.2, changed), seed %v", v["tau"], v["noise_sigma"], v["seed"])
	}
	if err := c.SetEnv("mountaincar"); err != nil {
		t.Fatal(err)
	}
	cfg := c.tr.Agent().Config()
	if v := c.Values(); v["tau"] != 0.005 || v["noise_sigma"] != 0.5 || v["ou_dt"] != 0.1 || v["noise"] != 1 || v["seed"] != 6 ||
		cfg.Noise.String() != "ou" || cfg.Sigma != 0.5 || cfg.OUDt != 0.1 || cfg.Tau != 0.005 {
		t.Errorf("cartpole → mountaincar: values %v, agent's config %+v", v, cfg)
	}
	for _, k := range c.Schema().Keys() {
		if s, _ := c.Schema().Find(k); k != "seed" && c.Values()[k] != s.Default {
			t.Errorf("mountaincar: %s = %v, not its default %v", k, c.Values()[k], s.Default)
		}
	}
}
