package pg_test

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/dp"
	"bellman/sim/grid"
	"bellman/sim/mdp"
	"bellman/sim/param"
	"bellman/sim/pg"
)

// The built-in worlds the tests use, copied from assets/worlds so that the
// package's tests stand alone; slippery is zhao-5x5 with slip 0.2 and
// cliff Sutton & Barto's episodic cliff walk.
const (
	zhao5x5   = `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`
	slippery  = `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "slip": 0.2}`
	cliff4x12 = `{"layout": ["............", "............", "............", "SCCCCCCCCCCT"],
		"rewards": {"boundary": -1, "forbidden": -1, "target": -1, "other": -1, "cliff": -100},
		"actions": 4, "terminal": true}`
)

func build(t testing.TB, src string) *grid.Model {
	t.Helper()
	w, err := grid.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// config returns method m's configuration with "key=value" settings
// applied through its schema.
func config(t testing.TB, m pg.Method, sets ...string) pg.Config {
	t.Helper()
	sc := pg.Schema(m)
	v := param.Values{}
	for _, s := range sets {
		if err := sc.Set(v, s); err != nil {
			t.Fatal(err)
		}
	}
	c, err := pg.ConfigFromValues(m, v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// randomPolicy returns a softmax policy with preferences drawn from
// N(0, scale²).
func randomPolicy(m *mdp.Model, scale float64, seed uint64) *pg.Policy {
	p := pg.NewPolicy(m.S, m.A)
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := range p.H {
		p.H[i] = scale * rng.NormFloat64()
	}
	return p
}

// dpObjective returns J = Σ_s d₀(s) v_π(s) with v_π from iterative policy
// evaluation (package dp), independent of Exact's LU solve.
func dpObjective(t testing.TB, m *mdp.Model, p *pg.Policy, gamma float64, d0 []float64) float64 {
	t.Helper()
	c := dp.Default()
	c.Method, c.Gamma, c.Tol = dp.Evaluate, gamma, 1e-15
	s, err := dp.New(m, c, p.ActionProbs(make([]float64, m.S*m.A)))
	if err != nil {
		t.Fatal(err)
	}
	s.Run(100_000) // Δ stops falling at rounding level; the sweep cap ends it
	J := 0.0
	for st, w := range d0 {
		J += w * s.V[st]
	}
	return J
}

func uniformStart(t testing.TB, m *mdp.Model) []float64 {
	t.Helper()
	d0, err := pg.StartDistribution(m, -1)
	if err != nil {
		t.Fatal(err)
	}
	return d0
}
