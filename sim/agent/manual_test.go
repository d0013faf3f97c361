package agent_test

import (
	"math"
	"testing"

	"bellman/sim/agent"
)

// A person's move teaches a Q-learning agent as its own would: from the
// start (0,0) of a 1×3 corridor S.T, "right" earns r_other 0 and the update
// is q(S,right) ← q + α(0 + γ max q(., ·) − q), from q₀ everywhere.
func TestStepAsTeaches(t *testing.T) {
	m := build(t, `{"layout": ["S.T"], "actions": 4, "terminal": true}`)
	c := config(t, "qlearning", "alpha=0.5", "gamma=0.9", "q0=2", "epsilon=0")
	r := runner(t, m, "qlearning", c, m.Start, 100, 1)
	tr := r.StepAs(1) // right
	if tr.S != m.Start || tr.A != 1 || tr.Reward != 0 || tr.Next == tr.S {
		t.Fatalf("the move: %+v", tr)
	}
	q := r.Agent.Table()[tr.S*m.A+1]
	want := 2 + 0.5*(0+0.9*2-2) // 1.9
	if math.Abs(q-want) > 1e-12 {
		t.Fatalf("q(S, right) = %v after the move, want %v", q, want)
	}
	// Every other pair keeps q₀.
	for sa, x := range r.Agent.Table() {
		if sa != tr.S*m.A+1 && x != 2 {
			t.Fatalf("q[%d] = %v, want q₀ 2", sa, x)
		}
	}
}

// MC Basic cannot learn from a person's move: it learns nothing, and a
// new episode begins (where MC Basic's sweep over the pairs puts it).
func TestStepAsRefused(t *testing.T) {
	m := build(t, zhao5x5)
	c := config(t, "mc-basic")
	r := runner(t, m, "mc-basic", c, -1, 15, 2)
	before := append([]float64(nil), r.Agent.Table()...)
	tr := r.StepAs(2)
	for i, x := range r.Agent.Table() {
		if x != before[i] {
			t.Fatalf("MC Basic learnt q[%d] from a person's move", i)
		}
	}
	if next := r.Step(); !next.Began || tr.Began == next.Began && r.Episode != 2 {
		t.Fatalf("after the move: began %v, episode %d; want a new episode", next.Began, r.Episode)
	}
	var _ agent.Steerable = nil
}
