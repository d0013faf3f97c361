package ddpg

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/control"
)

// recorder remembers the observation of the last step of the environment
// it wraps.
type recorder struct {
	control.Env
	last []float64
}

func (r *recorder) Step(action, obs []float64) (float64, bool) {
	rew, term := r.Env.Step(action, obs)
	r.last = append(r.last[:0], obs...)
	return rew, term
}

// smallConfig is the default with 16-16 networks, for fast tests.
func smallConfig(algo Algo) Config {
	c := DefaultConfig(algo)
	c.Actor.Sizes = []int{1, 16, 16, 1}
	c.Critic.Sizes = []int{1, 16, 16, 1}
	c.Batch, c.BufferSize, c.LearningStarts = 16, 1000, 50
	return c
}

// qTarget returns Q′(s′, μ′(s′)) from single-row passes of the target
// networks.
func qTarget(a *Agent, next []float64) float64 {
	mu := a.ActorTarget().Forward(next, 1)
	sa := append(append([]float64(nil), next...), mu...)
	return a.CriticTarget(0).Forward(sa, 1)[0]
}

// A step cut by the time limit is stored as not terminated, with the
// observation where it was cut (not the next episode's first), and its
// target bootstraps: y = r + γQ′(s′, μ′(s′)).
func TestTruncationBootstraps(t *testing.T) {
	rec := &recorder{Env: control.NewPendulum()}
	tr, err := NewTrainer(control.NewTimeLimit(rec, 3), smallConfig(DDPG), 1)
	if err != nil {
		t.Fatal(err)
	}
	var res StepResult
	for i := 0; i < 3; i++ {
		res = tr.Step()
	}
	if !res.Truncated || res.Terminated || !res.EpisodeDone || tr.Episodes() != 1 || tr.Last().Length != 3 {
		t.Fatalf("third step: %+v, episodes %d, last %+v; want a truncated end of a 3-step episode", res, tr.Episodes(), tr.Last())
	}
	a := tr.Agent()
	obs, act, next := make([]float64, 3), make([]float64, 1), make([]float64, 3)
	r, term := a.Replay().At(2, obs, act, next)
	if term || r != res.Reward {
		t.Errorf("stored terminated %v reward %v, want false %v", term, r, res.Reward)
	}
	for i := range next {
		if next[i] != rec.last[i] {
			t.Fatalf("stored next obs %v, want the cut episode's last %v", next, rec.last)
		}
	}
	if tr.Obs()[2] != next[2] {
		t.Errorf("before the next step Obs is %v, want the final %v", tr.Obs(), next)
	}
	if !tr.BeginEpisode() || next[2] == tr.Obs()[2] || tr.BeginEpisode() {
		t.Errorf("BeginEpisode did not reset once: obs %v", tr.Obs())
	}
	y := make([]float64, 1)
	a.targets(y, next, []float64{r}, []float64{0}, 1)
	q := qTarget(a, next)
	if want := r + 0.99*q; q == 0 || !near(y[0], want, 1e-9) {
		t.Errorf("target %v, want r + γQ′ = %v + 0.99·%v", y[0], r, q)
	}
}

// A terminating step is stored as terminated and its target is r alone.
func TestTerminationStopsBootstrap(t *testing.T) {
	pm := control.DefaultPointMass()
	pm.Target, pm.Terminal, pm.RandomStart = control.Rect(0, 0, 1, 1), true, false
	env, err := control.NewPointMass(pm)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(env, smallConfig(DDPG), 1)
	if err != nil {
		t.Fatal(err)
	}
	res := tr.Step()
	if !res.Terminated || !res.EpisodeDone {
		t.Fatalf("step in the target: %+v, want terminated", res)
	}
	a := tr.Agent()
	obs, act, next := make([]float64, 4), make([]float64, 2), make([]float64, 4)
	r, term := a.Replay().At(0, obs, act, next)
	if !term {
		t.Fatal("stored as not terminated")
	}
	y := make([]float64, 1)
	a.targets(y, next, []float64{r}, []float64{1}, 1)
	if y[0] != r || qTarget(a, next) == 0 {
		t.Errorf("target %v, want the reward %v alone", y[0], r)
	}
}

// The same seed gives the same run bit for bit, TD3's noise included; a
// different seed does not.
func TestSameSeedSameRun(t *testing.T) {
	for _, algo := range []Algo{DDPG, TD3} {
		run := func(seed uint64) ([]StepResult, []float64) {
			tr, err := NewTrainer(control.NewPendulum(), smallConfig(algo), seed)
			if err != nil {
				t.Fatal(err)
			}
			var rs []StepResult
			for i := 0; i < 600; i++ {
				rs = append(rs, tr.Step())
			}
			return rs, append([]float64(nil), tr.Agent().Actor().Params()...)
		}
		r1, p1 := run(9)
		r2, p2 := run(9)
		r3, _ := run(10)
		for i := range r1 {
			if r1[i] != r2[i] {
				t.Fatalf("%v: step %d differs: %+v vs %+v", algo, i, r1[i], r2[i])
			}
		}
		for i := range p1 {
			if p1[i] != p2[i] {
				t.Fatalf("%v: actor parameter %d differs", algo, i)
			}
		}
		if r1[599] == r3[599] {
			t.Errorf("%v: seeds 9 and 10 gave the same last step", algo)
		}
		if r1[599].Updates != 1 {
			t.Errorf("%v: step 600 did %d updates, want 1", algo, r1[599].Updates)
		}
	}
}

// A step, with its updates and episode resets, allocates nothing; so do
// the random warm-up steps and OU noise.
func TestNoAllocations(t *testing.T) {
	for _, algo := range []Algo{DDPG, TD3} {
		cfg := DefaultConfig(algo)
		cfg.Noise = OrnsteinUhlen
		cfg.LearningStarts = 300
		tr, err := NewTrainer(control.NewPendulum(), cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(250, func() { tr.Step() }); n != 0 {
			t.Errorf("%v: warm-up step allocates %v times", algo, n)
		}
		tr.Step()
		if n := testing.AllocsPerRun(250, func() { tr.Step() }); n != 0 {
			t.Errorf("%v: learning step allocates %v times", algo, n)
		}
		if n := testing.AllocsPerRun(50, func() { tr.Agent().Update() }); n != 0 {
			t.Errorf("%v: Update allocates %v times", algo, n)
		}
	}
}

func TestDiscreteRejected(t *testing.T) {
	env, _ := control.New("cartpole-discrete")
	_, err := NewTrainer(env, DefaultConfig(DDPG), 1)
	if err == nil || !strings.Contains(err.Error(), "discrete") {
		t.Errorf("cartpole-discrete: error %v, want one about discrete actions", err)
	}
	if _, err := NewTrainer(nil, DefaultConfig(DDPG), 1); err == nil {
		t.Error("nil env: no error")
	}
}

// The learning check: DDPG with the browser defaults on Pendulum, 5,000
// steps (1,000 random, then 4,000 updates). The first 5 episodes act
// uniformly at random, which scores about −1250 per episode; the last 5
// must average above −500 and beat the random ones by 500.
func TestLearnsPendulum(t *testing.T) {
	if testing.Short() {
		t.Skip("learning check (about 5 s natively)")
	}
	tr, err := NewTrainer(control.NewPendulum(), DefaultConfig(DDPG), 1)
	if err != nil {
		t.Fatal(err)
	}
	first, last := firstLast5(t, tr, 5000)
	if !(last > -500 && last > first+500) || math.IsNaN(last) {
		t.Errorf("last 5 episodes average %.0f, first (random) 5 %.0f: want > −500 and 500 better", last, first)
	}
}

// The learning check on CartPole (continuous force): DDPG with the
// cartpole defaults, 5,000 steps (1,000 random, then 4,000 updates).
// Uniform random forces keep the pole up for about 20 steps, and the
// first 5 episodes are random; the last 5 must average above 100 steps
// and 4 times the random ones. (Balancing all 500 steps takes 25,000 to
// 40,000 steps.)
func TestLearnsCartPole(t *testing.T) {
	if testing.Short() {
		t.Skip("learning check (about 5 s natively)")
	}
	tr, err := NewTrainer(control.NewCartPole(), DefaultConfigFor(DDPG, "cartpole"), 1)
	if err != nil {
		t.Fatal(err)
	}
	first, last := firstLast5(t, tr, 5000)
	if !(last > 100 && last > 4*first) {
		t.Errorf("last 5 episodes average %.0f, first (random) 5 %.0f: want > 100 and 4 times as many", last, first)
	}
}

// firstLast5 trains for steps and returns the mean return of the first 5
// and of the last 5 episodes.
func firstLast5(t *testing.T, tr *Trainer, steps int) (first, last float64) {
	t.Helper()
	var returns []float64
	for tr.Steps() < steps {
		if tr.Step().EpisodeDone {
			returns = append(returns, tr.Last().Return)
		}
	}
	if len(returns) < 10 {
		t.Fatalf("%d episodes in %d steps", len(returns), steps)
	}
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	first, last = mean(returns[:5]), mean(returns[len(returns)-5:])
	t.Logf("%d episodes: random first 5 average %.0f, last 5 %.0f", len(returns), first, last)
	return first, last
}
