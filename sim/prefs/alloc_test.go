package prefs_test

import (
	"testing"

	"bellman/sim/prefs"
)

// The inner loops allocate nothing: a Newton step of either fit, an Adam
// step, a soft value iteration, an exact evaluation, and the Trainer's
// steps with their planning and scoring.
func TestInnerLoopsDoNotAllocate(t *testing.T) {
	g := build(t, zhao5x5)
	l := generate(t, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 1}, 200, 20, 1)
	tr, err := prefs.NewTrainer(g, l, -1, prefs.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	adamCfg := prefs.DefaultConfig()
	adamCfg.Adam = true
	adam, err := prefs.NewTrainer(g, l, -1, adamCfg)
	if err != nil {
		t.Fatal(err)
	}
	pi := make([]float64, g.S*g.A)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"reward Newton step", func() { tr.Reward.NewtonStep(tr.Data) }},
		{"DPO Newton step", func() { tr.DPO.NewtonStep(tr.Data) }},
		{"DPO Adam step", func() { tr.DPO.Step(tr.Data) }},
		{"soft value iteration", func() { tr.Plan.Reset(); tr.Plan.Solve(g.R, 0.5, 1e-10, 10000) }},
		{"evaluation", func() { tr.Eval.Evaluate(tr.DPO.ActionProbs(pi)) }},
		{"Trainer.StepReward", func() { tr.RMConverged = false; tr.StepReward() }},
		{"Trainer.StepDPO", func() { tr.DPOConverged = false; tr.StepDPO() }},
		{"Trainer.StepDPO (Adam)", func() { adam.StepDPO() }},
		{"Trainer.SetBeta", func() { tr.SetBeta(0.7) }},
	} {
		if n := testing.AllocsPerRun(5, c.f); n != 0 {
			t.Errorf("%s: %v allocations", c.name, n)
		}
	}
}
