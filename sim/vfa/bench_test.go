package vfa_test

import (
	"testing"

	"bellman/sim/agent"
	"bellman/sim/control"
	"bellman/sim/features"
	"bellman/sim/vfa"
)

// BenchmarkStep times Runner.Step: one environment step with its update,
// for TD-linear with Zhao's poly3 on the 5×5 grid and for tile-coded
// n-step Sarsa on MountainCar-v0 and Acrobot-v1 with their defaults.
func BenchmarkStep(b *testing.B) {
	b.Run("td-linear/poly3/zhao-5x5", func(b *testing.B) {
		m := model(b, zhao5x5)
		envRng, agRng := agent.Streams(1)
		task, _ := vfa.NewGridTask(m, -1, 500, envRng)
		cfg, _ := vfa.Default(vfa.TDLinear, true, preset(b, "poly3", features.GridPresets))
		td, _ := vfa.NewTD(cfg, task.Columns(), vfa.Uniform{A: m.A}, agRng)
		r := vfa.NewRunner(task, td)
		b.ReportAllocs()
		for b.Loop() {
			r.Step()
		}
	})
	for _, env := range []string{"mountaincar-discrete", "acrobot"} {
		b.Run("nstep-sarsa-tiles/"+env, func(b *testing.B) {
			e, _ := control.New(env)
			envRng, agRng := agent.Streams(1)
			task, _ := vfa.NewControlTask(e, envRng)
			spec := preset(b, vfa.DefaultPreset(env), features.StatePresets(task.StateColumns()))
			cfg, _ := vfa.Default(vfa.NStepSarsaTiles, false, spec)
			l, _ := vfa.NewControl(cfg, task.Columns(), task.NumActions(), false, agRng)
			r := vfa.NewRunner(task, l)
			b.ReportAllocs()
			for b.Loop() {
				r.Step()
			}
		})
	}
}
