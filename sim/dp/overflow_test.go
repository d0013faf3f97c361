package dp

import (
	"math"
	"testing"

	"bellman/sim/mdp"
)

// Values that overflow never pass for convergence. One state, one action
// paying 1e308, γ 0.9: v₁ = 1e308, v₂ = 1e308 + 0.9·1e308 = +Inf, and
// sweep 3 computes |Inf − Inf| = NaN, which a max that skips NaN turned
// into max |Δv| = 0, "converged" (issue 11: the page then showed no
// divergence).
func TestOverflowIsNotConvergence(t *testing.T) {
	m := mdp.New(1, 1, 1)
	m.SetOutcome(0, 0, 0, 0, 1, 1e308)
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	for _, method := range []Method{ValueIteration, Evaluate, PolicyIteration} {
		var pol []float64
		if method == Evaluate {
			pol = []float64{1}
		}
		s, err := New(m, Config{Method: method, Gamma: 0.9, Tol: 1e-10, J: 1}, pol)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			s.Step()
		}
		if s.Done || !math.IsNaN(s.Delta) || !math.IsInf(s.V[0], 1) {
			t.Errorf("%s after 3 sweeps: done %v, max |Δv| %v, v %v; want not done, NaN, +Inf", method, s.Done, s.Delta, s.V[0])
		}
	}
}
