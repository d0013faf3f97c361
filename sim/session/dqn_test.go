package session

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/control"
	"bellman/sim/grid"
)

func TestDQNControlRejects(t *testing.T) {
	for _, tc := range []struct{ env, method, want string }{
		{"pendulum", "dqn", "continuous"},
		{"cartpole-discrete", "ddpg", "unknown agent"},
		{"nowhere", "dqn", "unknown environment"},
	} {
		if _, err := NewDQNControl(tc.env, tc.method, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s/%s: %v, want an error about %q", tc.env, tc.method, err, tc.want)
		}
	}
	if envs := DQNEnvs(); len(envs) == 0 || envs[0] != "cartpole-discrete" {
		t.Errorf("DQNEnvs() = %v, want cartpole-discrete first", envs)
	}
}

func TestDQNControlSet(t *testing.T) {
	c, err := NewDQNControl("cartpole-discrete", "double-dqn", 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Value("double") != 1 || c.Value("dueling") != 0 {
		t.Errorf("double-dqn: double %v, dueling %v", c.Value("double"), c.Value("dueling"))
	}
	for range 50 {
		c.Step()
	}
	v := c.version
	note, err := c.Set("gamma", 2) // clamped, applied without a restart
	if err != nil || !strings.Contains(note, "0.999") || c.Value("gamma") != 0.999 || c.version != v || c.Steps() != 50 {
		t.Errorf("Set(gamma, 2): note %q, err %v, gamma %v, restarted %v", note, err, c.Value("gamma"), c.version != v)
	}
	if c.Trainer().Agent().Config().Gamma != 0.999 {
		t.Errorf("the agent's γ is %v after Set", c.Trainer().Agent().Config().Gamma)
	}
	note, err = c.Set("q.hidden", 32) // a reset key restarts
	if err != nil || !strings.Contains(note, "restarted") || c.Steps() != 0 || c.version == v {
		t.Errorf("Set(q.hidden, 32): note %q, err %v, steps %d", note, err, c.Steps())
	}
	if c.Trainer().Agent().Online().Width(1) != 32 {
		t.Errorf("hidden width %d after Set, want 32", c.Trainer().Agent().Online().Width(1))
	}
	if _, err := c.Set("alpha", 0.1); err == nil {
		t.Error("an unknown key was accepted")
	}
	if err := c.SetAgent("dueling-dqn"); err != nil || c.Value("dueling") != 1 || c.Value("q.hidden") != 32 || c.Value("gamma") != 0.999 {
		t.Errorf("SetAgent: %v, dueling %v, hidden %v, gamma %v", err, c.Value("dueling"), c.Value("q.hidden"), c.Value("gamma"))
	}
}

// The heatmaps agree with the network: Value is max_a Q, Greedy its
// argmax, and Q at a plane point is the agent's Q of that point's
// observation. The network view's copy gives the same Q in its last
// column.
func TestDQNControlSnapshot(t *testing.T) {
	c, err := NewDQNControl("cartpole-discrete", "dqn", 2)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("learning_starts", 100)
	for range 400 {
		c.Step()
	}
	c.RefreshHeatmaps()
	var s DQNControlSnapshot
	c.Snapshot(&s)
	A, G := s.NumActions, s.Grid
	if A != 2 || G != HeatmapGrid || len(s.Q) != G*G*A || s.Steps != 400 || s.Updates != 301 || s.ReplayLen != 400 {
		t.Fatalf("snapshot: actions %d, grid %d, %d Q values, steps %d, updates %d, replay %d", A, G, len(s.Q), s.Steps, s.Updates, s.ReplayLen)
	}
	env := control.NewCartPoleDiscrete()
	obs := make([]float64, 4)
	q := make([]float64, 2)
	for _, k := range []int{0, 37, G*G - 1} {
		i, j := k%G, k/G
		env.PlaneObs(s.Plane.XMin+(s.Plane.XMax-s.Plane.XMin)*float64(i)/float64(G-1),
			s.Plane.YMin+(s.Plane.YMax-s.Plane.YMin)*float64(j)/float64(G-1), obs)
		c.Trainer().Agent().QValues(q, obs)
		best := math.Max(q[0], q[1])
		if q[0] != s.Q[2*k] || q[1] != s.Q[2*k+1] || s.Value[k] != best || q[s.Greedy[k]] != best {
			t.Errorf("point %d: Q %v, V %v, greedy %d; the agent gives %v", k, s.Q[2*k:2*k+2], s.Value[k], s.Greedy[k], q)
		}
	}
	n := s.NetGrid * s.NetGrid
	units := s.Net.UnitActivations(make([]float64, n*s.Net.Units()), s.NetObs, n)
	out := units[n*(s.Net.Units()-2):]
	for r := 0; r < n; r += 51 {
		c.Trainer().Agent().QValues(q, s.NetObs[4*r:4*r+4])
		if out[r] != q[0] || out[n+r] != q[1] {
			t.Fatalf("network view point %d: outputs (%v, %v), Q %v", r, out[r], out[n+r], q)
		}
	}
	if len(s.Epsilon.X) == 0 || s.Epsilon.Y[0] != 1 || len(s.Loss.X) == 0 || len(s.ReplayFill.X) == 0 {
		t.Errorf("curves: ε %d points (first %v), loss %d, fill %d", len(s.Epsilon.X), s.Epsilon.Y, len(s.Loss.X), len(s.ReplayFill.X))
	}
}

func TestDQNControlAllocations(t *testing.T) {
	c, err := NewDQNControl("cartpole-discrete", "dueling-dqn", 1)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("learning_starts", 100)
	c.HeatmapEvery = 50
	var s DQNControlSnapshot
	for range 1100 { // past an episode's end and the curve's first thinning
		c.Step()
	}
	c.Snapshot(&s)
	if n := testing.AllocsPerRun(100, func() { c.Step() }); n != 0 {
		t.Errorf("Step allocates %v times", n)
	}
	if n := testing.AllocsPerRun(20, func() { c.Snapshot(&s) }); n != 0 {
		t.Errorf("Snapshot allocates %v times", n)
	}
}

// A network gone NaN is reported, and the run stops until reset.
func TestDQNControlDiverged(t *testing.T) {
	c, err := NewDQNControl("cartpole-discrete", "dqn", 1)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("learning_starts", 100)
	for range 150 {
		c.Step()
	}
	p := c.Trainer().Agent().Online().Params()
	p[len(p)-1] = math.NaN() // an output bias: Q(s, 1) is NaN everywhere
	c.Step()
	if d := c.Diverged(); !strings.Contains(d, "NaN") || !strings.Contains(d, "step 151") {
		t.Fatalf("Diverged() = %q, want NaN at step 151", d)
	}
	c.Step()
	var s DQNControlSnapshot
	c.Snapshot(&s)
	if s.Steps != 151 || s.Diverged == "" {
		t.Errorf("after divergence: %d steps, Diverged %q", s.Steps, s.Diverged)
	}
	c.Reset()
	if c.Diverged() != "" || c.Steps() != 0 {
		t.Errorf("after Reset: Diverged %q, steps %d", c.Diverged(), c.Steps())
	}
}

// Zhao's deep Q-learning on the 5×5 grid: from a uniform behaviour
// policy's single episode, the greedy policy of q̂ becomes the optimal one
// of dynamic programming in every state (a short version of the
// benchmark in BENCHMARKS.md, seed 1).
func TestDQNGridLearnsOptimalPolicy(t *testing.T) {
	// The book's 5×5 world (assets/worlds/zhao-5x5.json, which this package
	// cannot import).
	w, err := grid.Parse([]byte(`{"name": "zhao-5x5",
		"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."],
		"rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}, "actions": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewDQNGrid(w, "dqn", 1)
	if err != nil {
		t.Fatal(err)
	}
	for g.Steps() < 4000 {
		g.Step()
	}
	share, rmse, gap := g.Evaluate()
	if share != 1 || gap > 1e-6 || rmse > 0.5 {
		t.Errorf("after 4,000 steps: optimal share %v, value RMSE %v, gap %v; want 1, < 0.5, 0", share, rmse, gap)
	}
	var s DQNGridSnapshot
	g.Snapshot(&s)
	if s.Episodes != 0 || s.Epsilon != 1 || s.ReplayLen != 1000 || s.Updates != 4*3001 {
		t.Errorf("snapshot: %d episodes, ε %v, replay %d, updates %d; want one long episode, ε 1, 1000, %d",
			s.Episodes, s.Epsilon, s.ReplayLen, s.Updates, 4*3001)
	}
	for st, ok := range s.GreedyOptimal {
		if !ok {
			t.Errorf("state %d: greedy action %d is not optimal (q̂ %v, q* %v)", st, s.Greedy[st], s.Q[st*5:st*5+5], s.QStar[st*5:st*5+5])
		}
	}
	if n := testing.AllocsPerRun(50, func() { g.Step() }); n != 0 {
		t.Errorf("Step allocates %v times", n)
	}
	if n := testing.AllocsPerRun(20, func() { g.Snapshot(&s) }); n != 0 {
		t.Errorf("Snapshot allocates %v times", n)
	}
	if note, err := g.Set("r-forbidden", -10); err != nil || !strings.Contains(note, "restarted") || g.Steps() != 0 {
		t.Errorf("Set(r-forbidden): %q, %v, steps %d", note, err, g.Steps())
	}
}
