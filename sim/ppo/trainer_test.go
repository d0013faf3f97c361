package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// counter is a test environment whose observation is the number of steps
// taken in the episode; every step pays 1 and the step that makes the
// count termAt (if > 0) terminates. Its time limit is limit.
type counter struct {
	n, termAt, limit int
}

func (c *counter) Name() string                     { return "counter" }
func (c *counter) ObsDim() int                      { return 1 }
func (c *counter) ActDim() int                      { return 1 }
func (c *counter) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }
func (c *counter) StateDim() int                    { return 1 }
func (c *counter) MaxEpisodeSteps() int             { return c.limit }
func (c *counter) Reset(rng *rand.Rand, obs []float64) {
	c.n = 0
	obs[0] = 0
}
func (c *counter) SetState(s []float64) error    { c.n = int(s[0]); return nil }
func (c *counter) State(dst []float64) []float64 { return append(dst[:0], float64(c.n)) }
func (c *counter) Step(action, obs []float64) (float64, bool) {
	c.n++
	obs[0] = float64(c.n)
	return 1, c.termAt > 0 && c.n == c.termAt
}
func (c *counter) Plane() control.Plane                  { return control.Plane{XMax: 1, YMax: 1} }
func (c *counter) PlaneObs(u, v float64, obs []float64)  { obs[0] = u }
func (c *counter) PlanePoint(s []float64) (u, v float64) { return s[0], 0 }

func counterTrainer(t *testing.T, termAt int, bootstrap bool) *Trainer {
	t.Helper()
	c := DefaultConfig(PPO, false)
	c.NumEnvs, c.NumSteps, c.Minibatches, c.Hidden = 1, 4, 2, 8
	c.NormObs, c.NormReward = false, false
	c.BootstrapTruncated = bootstrap
	tr, err := NewTrainer(func() (control.Env, error) { return &counter{termAt: termAt, limit: 3}, nil }, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// A step cut by the time limit bootstraps from V of the state it stopped
// in (the critic before the update); a terminating step from 0; CleanRL's
// setting treats truncation as termination. The rollout keeps the
// observations the policy saw: 0, 1, 2, then the new episode's 0.
func TestTruncationBootstraps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		termAt    int
		bootstrap bool
		end       []float64
		final     float64 // the observation whose value step 3 bootstraps from, or −1 for none
	}{
		{"truncated", 0, true, []float64{0, 0, 1, 0}, 3},
		{"truncated, CleanRL", 0, false, []float64{0, 0, 1, 0}, -1},
		{"terminated", 3, true, []float64{0, 0, 1, 0}, -1},
		{"terminated early", 2, true, []float64{0, 1, 0, 1}, -1},
	} {
		tr := counterTrainer(t, tc.termAt, tc.bootstrap)
		for range 3 {
			tr.Step()
		}
		r := tr.Rollout()
		want := 0.0
		if tc.final >= 0 {
			v := []float64{0}
			tr.Agent().Values(v, []float64{tc.final}, 1)
			want = v[0]
			if want == 0 {
				t.Fatalf("%s: V(%v) = 0 cannot tell bootstrapping apart", tc.name, tc.final)
			}
		}
		if r.End[2] != tc.end[2] || r.EndValue[2] != want {
			t.Errorf("%s: step 3 end %v, bootstraps from %v; want %v and %v", tc.name, r.End[2], r.EndValue[2], tc.end[2], want)
		}
		if tr.Episodes() != 1 || tr.Last().Length != 3 && tc.termAt != 2 {
			t.Errorf("%s: %d episodes, last %+v", tc.name, tr.Episodes(), tr.Last())
		}
		res := tr.Step()
		if !res.Updated {
			t.Fatalf("%s: the fourth step did not complete the rollout", tc.name)
		}
		for k, e := range tc.end {
			if r.End[k] != e {
				t.Errorf("%s: ends %v, want %v", tc.name, r.End, tc.end)
				break
			}
		}
		wantObs := []float64{0, 1, 2, 0}
		if tc.termAt == 2 {
			wantObs = []float64{0, 1, 0, 1}
		}
		for k, o := range wantObs {
			if r.Obs[k] != o {
				t.Errorf("%s: observations %v, want %v", tc.name, r.Obs, wantObs)
				break
			}
		}
	}
}

// The same seed gives the same run; another seed another.
func TestSameSeedSameRun(t *testing.T) {
	run := func(env string, seed uint64) []float64 {
		c, err := DefaultConfigFor(PPO, env)
		if err != nil {
			t.Fatal(err)
		}
		c.NumSteps, c.Minibatches = 64, 4
		tr, err := NewTrainer(func() (control.Env, error) { return control.New(env) }, c, seed)
		if err != nil {
			t.Fatal(err)
		}
		for tr.Steps() < 300 {
			tr.Step()
		}
		p := append([]float64(nil), tr.Agent().Actor().Params()...)
		return append(p, tr.Agent().LogStd()...)
	}
	for _, env := range []string{"cartpole-discrete", "pendulum"} {
		a, b, c := run(env, 3), run(env, 3), run(env, 4)
		same, other := true, true
		for i := range a {
			same = same && a[i] == b[i]
			other = other && a[i] == c[i]
		}
		if !same || other {
			t.Errorf("%s: same seed same parameters %v, seeds 3 and 4 the same %v", env, same, other)
		}
	}
}

// Once grown, steps allocate nothing, rollout ends with their GAE and
// update included, for both kinds of policy with and without
// normalisation, PPO and A2C.
func TestNoAllocations(t *testing.T) {
	for _, tc := range []struct {
		env  string
		algo Algo
	}{{"cartpole-discrete", PPO}, {"pendulum", PPO}, {"pointmass", A2C}, {"cartpole-discrete", A2C}} {
		c, _ := DefaultConfigFor(tc.algo, tc.env)
		c.NumSteps = 16
		if tc.algo == PPO {
			c.Minibatches = 2
		}
		tr, err := NewTrainer(func() (control.Env, error) { return control.New(tc.env) }, c, 1)
		if err != nil {
			t.Fatal(err)
		}
		for range 40 {
			tr.Step()
		}
		if a := testing.AllocsPerRun(64, func() { tr.Step() }); a != 0 {
			t.Errorf("%s %v: %v allocations per step", tc.env, tc.algo, a)
		}
		if tr.Agent().Iterations() < 5 {
			t.Errorf("%s %v: only %d updates", tc.env, tc.algo, tr.Agent().Iterations())
		}
	}
}

// Environments that differ in shape are refused; a nil maker too.
func TestTrainerErrors(t *testing.T) {
	c := DefaultConfig(PPO, false)
	c.NumEnvs = 2
	n := 0
	mixed := func() (control.Env, error) {
		n++
		if n == 1 {
			return control.New("pendulum")
		}
		return control.New("pointmass")
	}
	if _, err := NewTrainer(mixed, c, 1); err == nil {
		t.Error("pendulum and point mass in one vector accepted")
	}
	if _, err := NewTrainer(nil, c, 1); err == nil {
		t.Error("no maker accepted")
	}
	c.NumEnvs = 0
	if _, err := NewTrainer(mixed, c, 1); err == nil {
		t.Error("zero environments accepted")
	}
}

// A NaN reward is reported as divergence, naming it.
func TestDivergence(t *testing.T) {
	c := DefaultConfig(PPO, false)
	c.NumEnvs, c.NumSteps, c.Minibatches, c.Hidden = 1, 4, 2, 8
	c.NormReward = false
	tr, err := NewTrainer(func() (control.Env, error) { return &nanEnv{counter{limit: 10}}, nil }, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 8 {
		tr.Step()
	}
	if d := tr.Diverged(); d != "reward is NaN" {
		t.Errorf("Diverged() = %q, want the reward named", d)
	}
}

type nanEnv struct{ counter }

func (e *nanEnv) Step(action, obs []float64) (float64, bool) {
	e.counter.Step(action, obs)
	return math.NaN(), false
}

// PPO with the CartPole defaults learns CartPole-v1: after 10,000 steps
// the last 10 episodes last over 100 steps on average, against about 22
// for random actions (BENCHMARKS.md has the full runs).
func TestLearnsCartPole(t *testing.T) {
	if testing.Short() {
		t.Skip("learning run")
	}
	c, _ := DefaultConfigFor(PPO, "cartpole-discrete")
	tr, err := NewTrainer(func() (control.Env, error) { return control.New("cartpole-discrete") }, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	var rets []float64
	for tr.Steps() < 10_000 {
		tr.Step()
		for _, e := range tr.Finished() {
			rets = append(rets, e.Return)
		}
	}
	m := 0.0
	for _, r := range rets[len(rets)-10:] {
		m += r
	}
	if m /= 10; m < 100 {
		t.Errorf("mean of the last 10 episodes %v, want ≥ 100", m)
	}
}
