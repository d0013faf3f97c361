package prefs

import (
	"fmt"
	"math"

	"bellman/sim/mdp"
	"bellman/sim/pg"
)

// Evaluator measures a policy on the true model: its return J = Σ_s d₀(s)
// v_π(s) and its KL divergence to π_ref along its own trajectories,
//
//	KL = Σ_s d^γ_π(s) KL(π(·|s) ‖ π_ref(·|s)) = E_π Σ_t γ^t KL(π(·|s_t) ‖ π_ref(·|s_t)),
//
// the discounted sum of per-step divergences (for deterministic dynamics
// and γ = 1 it would be the divergence of the trajectory distributions),
// so that the KL-regularised objective is J − β KL. d^γ = d₀ᵀ(I − γP_π)⁻¹
// is solved exactly (pg.Exact). Terminal states do not count: no action
// is taken there. Evaluate allocates nothing.
type Evaluator struct {
	Exact *pg.Exact
	Ref   []float64 // π_ref (copied)
	// KLs holds KL(π(·|s) ‖ π_ref(·|s)) per state of the last evaluation.
	KLs []float64
}

// NewEvaluator returns an evaluator on model m (its true rewards) with
// discount γ, start distribution d0 and reference ref.
func NewEvaluator(m *mdp.Model, gamma float64, d0, ref []float64) (*Evaluator, error) {
	if err := m.Validate(ref); err != nil {
		return nil, fmt.Errorf("reference policy: %w", err)
	}
	ex, err := pg.NewExact(m, gamma, d0)
	if err != nil {
		return nil, err
	}
	return &Evaluator{Exact: ex, Ref: append([]float64(nil), ref...), KLs: make([]float64, m.S)}, nil
}

// Evaluate returns J and KL of policy pi (len S*A, a distribution per
// state); v_π and d^γ stay in Exact. KL is +Inf where pi takes an action
// π_ref never does.
func (e *Evaluator) Evaluate(pi []float64) (J, KL float64, err error) {
	if err := e.Exact.Evaluate(pi); err != nil {
		return 0, 0, err
	}
	m := e.Exact.M
	KLs(e.KLs, pi, e.Ref, m.A)
	for s, d := range e.Exact.D {
		if m.Terminal[s] {
			e.KLs[s] = 0
			continue
		}
		if d != 0 {
			KL += d * e.KLs[s]
		}
	}
	return e.Exact.J, KL, nil
}

// KLs writes KL(pi(·|s) ‖ ref(·|s)) = Σ_a pi log(pi/ref) of every state
// into dst (len S) and returns it; A is the number of actions.
func KLs(dst, pi, ref []float64, A int) []float64 {
	dst = dst[:len(pi)/A]
	for s := range dst {
		kl := 0.0
		for a := 0; a < A; a++ {
			p := pi[s*A+a]
			if p == 0 {
				continue
			}
			r := ref[s*A+a]
			if r <= 0 {
				kl = math.Inf(1)
				break
			}
			kl += p * (log(p) - log(r))
		}
		dst[s] = math.Max(kl, 0) // rounding can leave −1e-17
	}
	return dst
}
