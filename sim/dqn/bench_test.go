package dqn

import (
	"testing"

	"bellman/sim/control"
	"bellman/sim/ddpg"
)

// BenchmarkUpdate times one DQN update with the defaults (64-64 ReLU,
// batch 64, Adam, clipping) on CartPole, and, in the same run for a fair
// ratio, one full DDPG update with its defaults (64-64 actor and critic,
// batch 64) on the continuous CartPole, whose observation is the same:
// DDPG's update trains two networks (critic, then actor through the
// critic) and moves two targets.
func BenchmarkUpdate(b *testing.B) {
	for _, m := range []Method{DQN, DoubleDQN, DuelingDQN} {
		b.Run(m.String(), func(b *testing.B) {
			cfg := DefaultConfig(m)
			cfg.GradientSteps = 0
			tr := cartPoleTrainer(b, cfg, 1)
			for range 2000 {
				tr.Step()
			}
			a := tr.Agent()
			b.ReportAllocs()
			for b.Loop() {
				a.Update()
			}
		})
	}
	b.Run("ddpg", func(b *testing.B) {
		cfg := ddpg.DefaultConfig(ddpg.DDPG)
		cfg.UpdatesPerStep = 0
		tr, err := ddpg.NewTrainer(control.NewCartPole(), cfg, 1)
		if err != nil {
			b.Fatal(err)
		}
		for range 2000 {
			tr.Step()
		}
		a := tr.Agent()
		b.ReportAllocs()
		for b.Loop() {
			a.Update()
		}
	})
}

// BenchmarkEvaluate times the 32×32 heatmaps of Q, V and the greedy action.
func BenchmarkEvaluate(b *testing.B) {
	tr := cartPoleTrainer(b, DefaultConfig(DQN), 1)
	const g = 32
	obs := make([]float64, g*g*4)
	env := control.NewCartPoleDiscrete()
	for i := 0; i < g*g; i++ {
		env.PlaneObs(float64(i%g)/g, float64(i/g)/g, obs[i*4:i*4+4])
	}
	q, v, greedy := make([]float64, g*g*2), make([]float64, g*g), make([]int, g*g)
	b.ReportAllocs()
	for b.Loop() {
		tr.Agent().Evaluate(q, v, greedy, obs, g*g)
	}
}
