// Package exact solves the Bellman equation of a policy in closed form with
// gonum: v = (I − γ P_π)⁻¹ r_π. It is kept apart from package dp so that the
// browser app, which sweeps, does not carry gonum's linear algebra.
package exact

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"bellman/sim/mdp"
)

// Evaluate solves the Bellman equation of a policy exactly:
// v = (I − γ P_π)⁻¹ r_π, by LU factorisation. It writes v into dst (len S)
// and returns it. Its cost grows as S³: fine up to a few thousand states.
func Evaluate(dst []float64, m *mdp.Model, policy []float64, gamma float64) ([]float64, error) {
	if !(gamma >= 0 && gamma < 1) {
		return nil, fmt.Errorf("gamma %v is outside [0, 1)", gamma)
	}
	if err := m.Validate(policy); err != nil {
		return nil, err
	}
	S, A, K := m.S, m.A, m.K
	lhs := mat.NewDense(S, S, nil)
	rhs := mat.NewVecDense(S, nil)
	for s := 0; s < S; s++ {
		lhs.Set(s, s, 1)
		r := 0.0
		for a := 0; a < A; a++ {
			sa := s*A + a
			p := policy[sa]
			if p == 0 {
				continue
			}
			r += p * m.R[sa]
			for k := 0; k < K; k++ {
				i := sa*K + k
				n := int(m.Next[i])
				lhs.Set(s, n, lhs.At(s, n)-gamma*p*m.Prob[i])
			}
		}
		rhs.SetVec(s, r)
	}
	var v mat.VecDense
	if err := v.SolveVec(lhs, rhs); err != nil {
		return nil, fmt.Errorf("closed-form evaluation: %v", err)
	}
	if dst == nil {
		dst = make([]float64, S)
	}
	for s := range dst {
		dst[s] = v.AtVec(s)
	}
	return dst, nil
}
