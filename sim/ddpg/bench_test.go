package ddpg

import (
	"testing"

	"bellman/sim/control"
)

// BenchmarkUpdate times one full update (critic step, actor step, soft
// target updates) with the browser defaults on Pendulum: 64-64 networks,
// batch 64. TD3's actor and targets move every second update.
func BenchmarkUpdate(b *testing.B) {
	for _, algo := range []Algo{DDPG, TD3} {
		b.Run(algo.String(), func(b *testing.B) {
			cfg := DefaultConfig(algo)
			cfg.UpdatesPerStep = 0
			tr, err := NewTrainer(control.NewPendulum(), cfg, 1)
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
}

// BenchmarkEvaluate times the 32×32 value and policy heatmap of Pendulum.
func BenchmarkEvaluate(b *testing.B) {
	env := control.NewPendulum()
	tr, err := NewTrainer(env, DefaultConfig(DDPG), 1)
	if err != nil {
		b.Fatal(err)
	}
	const g = 32
	obs := make([]float64, g*g*3)
	for i := 0; i < g*g; i++ {
		env.PlaneObs(float64(i%g)/g, float64(i/g)/g, obs[i*3:i*3+3])
	}
	v, act := make([]float64, g*g), make([]float64, g*g)
	b.ReportAllocs()
	for b.Loop() {
		tr.Agent().Evaluate(v, act, obs, g*g)
	}
}
