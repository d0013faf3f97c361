package control_test

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// Step, Reset, State and PlaneObs allocate nothing, bare or time-limited.
func TestNoAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, name := range control.Names() {
		for _, limited := range []bool{false, true} {
			env := newEnv(t, name)
			if limited {
				env = control.NewTimeLimit(env, 0)
			}
			obs := make([]float64, env.ObsDim())
			action := make([]float64, env.ActDim())
			state := make([]float64, env.StateDim())
			env.Reset(rng, obs)
			for what, f := range map[string]func(){
				"Step":     func() { action[0] = rng.Float64()*2 - 1; env.Step(action, obs) },
				"Reset":    func() { env.Reset(rng, obs) },
				"State":    func() { state = env.State(state) },
				"PlaneObs": func() { env.PlaneObs(0.1, 0.2, obs) },
			} {
				if n := testing.AllocsPerRun(200, f); n != 0 {
					t.Errorf("%s (time limit %v): %s allocates %v times", name, limited, what, n)
				}
			}
			if tl, ok := env.(*control.TimeLimit); ok {
				if n := testing.AllocsPerRun(200, func() { tl.StepTrunc(action, obs) }); n != 0 {
					t.Errorf("%s: StepTrunc allocates %v times", name, n)
				}
			}
		}
	}
}
