package ppo

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// BenchmarkUpdate times one whole update (all epochs and minibatches) on a
// collected rollout with the defaults of each task; updates/s is gradient
// steps per second.
func BenchmarkUpdate(b *testing.B) {
	for _, env := range []string{"cartpole-discrete", "pendulum"} {
		b.Run(env, func(b *testing.B) {
			c, _ := DefaultConfigFor(PPO, env)
			tr, err := NewTrainer(func() (control.Env, error) { return control.New(env) }, c, 1)
			if err != nil {
				b.Fatal(err)
			}
			for !tr.Step().Updated {
			}
			a, r := tr.Agent(), tr.Rollout()
			rng := rand.New(rand.NewPCG(1, 2))
			u0 := a.Updates()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				a.Update(r, rng)
			}
			b.ReportMetric(float64(a.Updates()-u0)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkStep times one trainer step of all environments with the
// defaults (acting in one batch, stepping, and the update at each
// rollout's end, amortised); steps/s counts environment steps.
func BenchmarkStep(b *testing.B) {
	for _, env := range []string{"cartpole-discrete", "pendulum"} {
		b.Run(env, func(b *testing.B) {
			c, _ := DefaultConfigFor(PPO, env)
			tr, err := NewTrainer(func() (control.Env, error) { return control.New(env) }, c, 1)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			s0 := tr.Steps()
			for range b.N {
				tr.Step()
			}
			b.ReportMetric(float64(tr.Steps()-s0)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
