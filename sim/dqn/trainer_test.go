package dqn

import (
	"testing"

	"bellman/sim/control"
)

func cartPoleTrainer(t testing.TB, cfg Config, seed uint64) *Trainer {
	t.Helper()
	env, err := NewControl(control.NewCartPoleDiscrete())
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(env, cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// A trainer step with its update allocates nothing, on CartPole and on a
// grid world.
func TestStepAllocatesNothing(t *testing.T) {
	cfg := DefaultConfig(DuelingDQN)
	cfg.LearningStarts, cfg.TargetEvery = 100, 7
	tr := cartPoleTrainer(t, cfg, 1)
	for range 300 {
		tr.Step()
	}
	if n := testing.AllocsPerRun(200, func() { tr.Step() }); n != 0 {
		t.Errorf("cartpole: Step allocates %v times", n)
	}
	g, err := NewGrid(zhao5x5(t), -1, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	gc := DefaultConfigFor(DQN, GridEnv)
	gc.LearningStarts = 200
	gt, err := NewTrainer(g, gc, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 300 {
		gt.Step()
	}
	if n := testing.AllocsPerRun(100, func() { gt.Step() }); n != 0 {
		t.Errorf("grid: Step allocates %v times", n)
	}
}

// The schedule as the trainer runs it: no update before LearningStarts
// steps, then GradientSteps updates after every TrainFrequency-th step;
// actions uniform while ε = 1, greedy at ε = 0.
func TestTrainerSchedule(t *testing.T) {
	cfg := DefaultConfig(DQN)
	cfg.LearningStarts, cfg.TrainFrequency, cfg.GradientSteps = 100, 4, 3
	cfg.EpsStart, cfg.EpsEnd, cfg.ExplorationFraction, cfg.TotalSteps = 1, 0, 0.5, 400
	tr := cartPoleTrainer(t, cfg, 2)
	explored := 0
	for step := 1; step <= 400; step++ {
		eps := tr.Epsilon()
		if want := cfg.Epsilon(step - 1); eps != want {
			t.Fatalf("step %d: ε %v, want %v", step, eps, want)
		}
		tr.BeginEpisode()
		obs := append([]float64(nil), tr.Obs()...)
		greedy := tr.Agent().Greedy(obs)
		res := tr.Step()
		want := 0
		if step >= 100 && step%4 == 0 {
			want = 3
		}
		if res.Updates != want {
			t.Fatalf("step %d: %d updates, want %d", step, res.Updates, want)
		}
		if res.Explored {
			explored++
		}
		if step > 200 && res.Explored {
			t.Fatalf("step %d explored at ε = 0", step)
		}
		if step > 200 && res.Action != greedy {
			t.Fatalf("step %d: action %d is not the greedy one", step, res.Action)
		}
	}
	// Over the first 200 steps ε falls from 1 to 0: about 100 explore.
	if explored < 70 || explored > 130 {
		t.Errorf("%d of the first 200 steps explored, want about 100", explored)
	}
	if got := tr.Agent().Updates(); got != 3*(400/4-24) {
		t.Errorf("%d updates, want %d", got, 3*(400/4-24))
	}
}

// The same seed gives the same run; another seed another.
func TestTrainerDeterministic(t *testing.T) {
	run := func(seed uint64) (float64, []float64) {
		cfg := DefaultConfig(DoubleDQN)
		cfg.LearningStarts = 200
		tr := cartPoleTrainer(t, cfg, seed)
		sum := 0.0
		for range 600 {
			r := tr.Step()
			sum += r.Loss + float64(r.Action)
		}
		return sum, append([]float64(nil), tr.Agent().Online().Params()...)
	}
	a, pa := run(3)
	b, pb := run(3)
	c, _ := run(4)
	if a != b || !eq(pa, pb) {
		t.Error("the same seed gave different runs")
	}
	if a == c {
		t.Error("seeds 3 and 4 gave the same run")
	}
}

// DQN learns to balance the pole: a short version of the benchmark in
// BENCHMARKS.md. With the defaults, seed 1, the mean return of the last
// 10 episodes after 6,000 steps (about 190) is far above a random
// policy's (about 22 on CartPole-v1).
func TestLearnsCartPole(t *testing.T) {
	if testing.Short() {
		t.Skip("a learning run")
	}
	tr := cartPoleTrainer(t, DefaultConfig(DQN), 1)
	var last []float64
	for tr.Steps() < 6000 {
		if tr.Step().EpisodeDone {
			last = append(last, tr.Last().Return)
		}
	}
	mean := 0.0
	for _, r := range last[len(last)-10:] {
		mean += r
	}
	mean /= 10
	if !(mean > 100) {
		t.Errorf("mean return of the last 10 episodes after 6,000 steps = %v, want > 100", mean)
	}
}
