package control_test

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// BenchmarkStep steps each environment with random actions, resetting at
// the end of an episode.
func BenchmarkStep(b *testing.B) {
	for _, name := range control.Names() {
		b.Run(name, func(b *testing.B) {
			env := control.NewTimeLimit(newEnv(b, name), 0)
			rng := rand.New(rand.NewPCG(1, 2))
			obs := make([]float64, env.ObsDim())
			lo, hi := env.ActionBounds()
			// A fixed table of actions keeps the random numbers out of the loop.
			actions := make([][]float64, 1024)
			for i := range actions {
				actions[i] = make([]float64, len(lo))
				for j := range lo {
					actions[i][j] = lo[j] + (hi[j]-lo[j])*rng.Float64()
				}
			}
			env.Reset(rng, obs)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, term, trunc := env.StepTrunc(actions[i&1023], obs); term || trunc {
					env.Reset(rng, obs)
				}
			}
		})
	}
}
