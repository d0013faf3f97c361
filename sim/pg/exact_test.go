package pg_test

import (
	"math"
	"testing"

	"bellman/sim/dp/exact"
	"bellman/sim/mdp"
	"bellman/sim/pg"
)

// One state, two actions that both stay: action 0 pays 1, action 1 pays 0.
// With p = π(0), by hand: v = p/(1−γ), d^γ = 1/(1−γ), q = (1 + γv, γv), and
// ∂J/∂h(0) = p(1−p)/(1−γ) = −∂J/∂h(1) (dJ/dp = 1/(1−γ) times dp/dh₀ = p(1−p)).
func TestExactByHand(t *testing.T) {
	m := mdp.New(1, 2, 1)
	m.SetOutcome(0, 0, 0, 0, 1, 1)
	m.SetOutcome(0, 1, 0, 0, 1, 0)
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	const gamma = 0.8
	e, err := pg.NewExact(m, gamma, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	p := pg.NewPolicy(1, 2)
	p.H[0] = math.Log(3) // π = (3/4, 1/4)
	if err := e.Softmax(p); err != nil {
		t.Fatal(err)
	}
	g := e.Gradient(make([]float64, 2))
	want := []struct {
		name      string
		got, want float64
	}{
		{"v", e.V[0], 0.75 / 0.2},
		{"J", e.J, 0.75 / 0.2},
		{"d", e.D[0], 1 / 0.2},
		{"q(0)", e.Q[0], 1 + 0.8*3.75},
		{"q(1)", e.Q[1], 0.8 * 3.75},
		{"∂J/∂h(0)", g[0], 0.75 * 0.25 / 0.2},
		{"∂J/∂h(1)", g[1], -0.75 * 0.25 / 0.2},
	}
	for _, w := range want {
		if math.Abs(w.got-w.want) > 1e-13 {
			t.Errorf("%s = %v, want %v", w.name, w.got, w.want)
		}
	}
}

// v_π agrees with gonum's closed-form solve (sim/dp/exact) and d^γ with the
// series Σ_t γ^t d₀ᵀP_π^t summed term by term.
func TestExactAgainstIndependentSolves(t *testing.T) {
	for _, tc := range []struct {
		name, world string
		start       bool
		gamma       float64
	}{
		{"zhao-5x5", zhao5x5, false, 0.9},
		{"slip 0.2", slippery, false, 0.95},
		{"cliff from S", cliff4x12, true, 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, tc.world)
			m := g.Model
			start := -1
			if tc.start {
				start = g.Start
			}
			d0, err := pg.StartDistribution(m, start)
			if err != nil {
				t.Fatal(err)
			}
			e, err := pg.NewExact(m, tc.gamma, d0)
			if err != nil {
				t.Fatal(err)
			}
			p := randomPolicy(m, 1.5, 11)
			if err := e.Softmax(p); err != nil {
				t.Fatal(err)
			}
			v, err := exact.Evaluate(nil, m, e.Pi, tc.gamma)
			if err != nil {
				t.Fatal(err)
			}
			for s := range v {
				if math.Abs(v[s]-e.V[s]) > 1e-11 {
					t.Errorf("v(%d) = %v, gonum %v", s, e.V[s], v[s])
				}
			}
			// d_{t+1}(s') = Σ_s d_t(s) Σ_a π(a|s) p(s'|s,a); D = Σ γ^t d_t.
			dt := append([]float64(nil), d0...)
			D := make([]float64, m.S)
			w := 1.0
			for it := 0; it < 5000; it++ {
				next := make([]float64, m.S)
				for s := range dt {
					D[s] += w * dt[s]
					for a := 0; a < m.A; a++ {
						for k := 0; k < m.K; k++ {
							i := (s*m.A+a)*m.K + k
							next[m.Next[i]] += dt[s] * e.Pi[s*m.A+a] * m.Prob[i]
						}
					}
				}
				dt, w = next, w*tc.gamma
			}
			sum := 0.0
			for s := range D {
				sum += e.D[s]
				if math.Abs(D[s]-e.D[s]) > 1e-10 {
					t.Errorf("d(%d) = %v, series %v", s, e.D[s], D[s])
				}
			}
			if !tc.start {
				if want := 1 / (1 - tc.gamma); math.Abs(sum-want) > 1e-10 {
					t.Errorf("Σ d = %v, want 1/(1−γ) = %v", sum, want)
				}
			}
		})
	}
}

// The exact gradient matches central finite differences of J, each J
// computed by iterative policy evaluation (package dp), to 1e-6 — on the
// deterministic zhao-5x5, with slip 0.2, and on the episodic cliff walk.
func TestExactGradientFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name, world string
		start       bool
		gamma       float64
	}{
		{"zhao-5x5", zhao5x5, false, 0.9},
		{"slip 0.2", slippery, false, 0.9},
		{"cliff from S", cliff4x12, true, 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, tc.world)
			m := g.Model
			start := -1
			if tc.start {
				start = g.Start
			}
			d0, err := pg.StartDistribution(m, start)
			if err != nil {
				t.Fatal(err)
			}
			e, err := pg.NewExact(m, tc.gamma, d0)
			if err != nil {
				t.Fatal(err)
			}
			p := randomPolicy(m, 1, 21)
			if err := e.Softmax(p); err != nil {
				t.Fatal(err)
			}
			grad := e.Gradient(make([]float64, m.S*m.A))
			if J := dpObjective(t, m, p, tc.gamma, d0); math.Abs(J-e.J) > 1e-10 {
				t.Errorf("J = %v, dynamic programming %v", e.J, J)
			}
			const eps = 1e-4
			worst, norm := 0.0, 0.0
			for i := range p.H {
				h := p.H[i]
				p.H[i] = h + eps
				up := dpObjective(t, m, p, tc.gamma, d0)
				p.H[i] = h - eps
				down := dpObjective(t, m, p, tc.gamma, d0)
				p.H[i] = h
				fd := (up - down) / (2 * eps)
				worst = math.Max(worst, math.Abs(fd-grad[i]))
				norm = math.Max(norm, math.Abs(grad[i]))
			}
			if worst > 1e-6 {
				t.Errorf("max |exact − finite differences| = %g (max |∂J| %g)", worst, norm)
			}
			t.Logf("max |exact − finite differences| = %.2g, max |∂J/∂h| = %.3g", worst, norm)
		})
	}
}
