package pg_test

import (
	"math"
	"testing"

	"bellman/sim/pg"
	"bellman/sim/tabular"
)

var _ tabular.Policy = (*pg.Agent)(nil)

// A trainer's step allocates nothing once REINFORCE's buffer is reserved,
// for every method, on a deterministic and a slippery world.
func TestTrainerStepAllocs(t *testing.T) {
	for _, world := range []string{zhao5x5, slippery} {
		m := build(t, world).Model
		for _, name := range pg.Names() {
			meth, _ := pg.ParseMethod(name)
			tr, err := pg.NewTrainer(m, config(t, meth, "entropy=0.05"), -1, 100, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2000; i++ {
				tr.Step()
			}
			if n := testing.AllocsPerRun(2000, func() { tr.Step() }); n != 0 {
				t.Errorf("%s: %v allocations per step", name, n)
			}
			pi, v := make([]float64, m.S*m.A), make([]float64, m.S)
			draw := func() {
				tr.Agent.ActionProbs(pi)
				tr.Agent.Critic(v)
				tr.Agent.Policy().Entropies(v)
			}
			if n := testing.AllocsPerRun(100, draw); n != 0 {
				t.Errorf("%s: drawing allocates %v times", name, n)
			}
		}
	}
}

// The comparison a trainer records for an episode is the cosine and the
// squared distance of the two vectors it returns.
func TestTrainerEpisodeComparison(t *testing.T) {
	m := build(t, zhao5x5).Model
	tr, err := pg.NewTrainer(m, config(t, pg.A2C), -1, 50, 2)
	if err != nil {
		t.Fatal(err)
	}
	for !tr.Step() {
	}
	e := tr.Last
	g, x := tr.LastGradients()
	dot, gg, xx, d2 := 0.0, 0.0, 0.0, 0.0
	for i := range g {
		dot += g[i] * x[i]
		gg += g[i] * g[i]
		xx += x[i] * x[i]
		d2 += (g[i] - x[i]) * (g[i] - x[i])
	}
	if !e.Exact || e.Length != 50 || e.Episode != 1 || math.Abs(e.Cosine-dot/math.Sqrt(gg*xx)) > 1e-12 || math.Abs(e.SqError-d2) > 1e-12 {
		t.Errorf("episode %+v; cosine %v, squared error %v", e, dot/math.Sqrt(gg*xx), d2)
	}
	// The first episode starts from the uniform policy: J = −3.52 there
	// (see TestUniformPolicyByHand).
	if math.Abs(e.J+3.52) > 1e-12 {
		t.Errorf("J at the uniform policy %v, want −3.52", e.J)
	}
}

// Under the uniform policy on zhao-5x5 every move goes to a neighbour with
// probability 1/5 each way, so P_π is symmetric, hence doubly stochastic:
// the uniform d₀ is stationary, d^γ(s) = 1/(25(1−γ)) = 0.4 in every state,
// and J = mean r_π/(1−γ). By counting the world's moves: 20 moves leave the
// grid (−1 each), 23 moves enter a forbidden cell and 6 stay in one (−1),
// 4 enter the target and 1 stays there (+1): Σ_{s,a} r = −44, mean r_π =
// −44/125 = −0.352, J = −3.52.
func TestUniformPolicyByHand(t *testing.T) {
	m := build(t, zhao5x5).Model
	e, err := pg.NewExact(m, 0.9, uniformStart(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Softmax(pg.NewPolicy(m.S, m.A)); err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.J+3.52) > 1e-12 {
		t.Errorf("J = %v, want −3.52", e.J)
	}
	for s, d := range e.D {
		if math.Abs(d-0.4) > 1e-12 {
			t.Errorf("d^γ(%d) = %v, want 0.4", s, d)
		}
	}
}
