package prefs

import (
	"fmt"
	"math"

	"bellman/sim/mdp"
)

// Planner solves the KL-regularised problem of a reward r on a model's
// dynamics by soft value iteration (see the package documentation):
//
//	q(s,a) = r(s,a) + γ Σ_s' p(s'|s,a) v(s'),
//	v(s)   = β log Σ_a π_ref(a|s) exp(q(s,a)/β),
//	π(a|s) = π_ref(a|s) exp((q(s,a) − v(s))/β).
//
// β = 0 is ordinary value iteration restricted to the actions π_ref can
// take (v = max_a q; π the first best of them, within TieTolerance). A
// solve starts from the values of the last one, so a small change of r or
// β converges in a few sweeps. Nothing allocates after NewPlanner.
type Planner struct {
	M     *mdp.Model
	Gamma float64
	Ref   []float64 // π_ref (len S*A, copied)

	V      []float64 // v of the last solve (len S)
	Q      []float64 // q from V (len S*A)
	Pi     []float64 // the policy of Q and V (len S*A)
	Sweeps int       // sweeps of the last solve
	Delta  float64   // max |Δv| of its last sweep

	next []float64
}

// TieTolerance is how close two action values must be for β = 0 planning
// to call them a tie; ties go to the first action.
const TieTolerance = 1e-9

// NewPlanner returns a planner for model m's dynamics, discount γ ∈ [0, 1)
// and reference policy ref (a distribution per state).
func NewPlanner(m *mdp.Model, gamma float64, ref []float64) (*Planner, error) {
	if !(gamma >= 0 && gamma < 1) {
		return nil, fmt.Errorf("gamma %v is outside [0, 1)", gamma)
	}
	if err := m.Validate(ref); err != nil {
		return nil, fmt.Errorf("reference policy: %w", err)
	}
	S, A := m.S, m.A
	p := &Planner{M: m, Gamma: gamma, Ref: append([]float64(nil), ref...),
		V: make([]float64, S), Q: make([]float64, S*A), Pi: make([]float64, S*A),
		next: make([]float64, S), Delta: math.Inf(1)}
	return p, nil
}

// Solve runs soft value iteration for reward r (len S*A, in place of the
// model's) and coefficient β ≥ 0 until max |Δv| of a sweep is below tol or
// maxSweeps sweeps have run, then fills Q and Pi; it reports whether it
// converged. A sweep contracts the error by γ, so from v = 0 it takes
// about log(tol/‖v‖)/log γ sweeps.
func (p *Planner) Solve(r []float64, beta, tol float64, maxSweeps int) bool {
	m := p.M
	if len(r) != m.S*m.A {
		panic(fmt.Sprintf("prefs: Solve with %d rewards, want %d", len(r), m.S*m.A))
	}
	if !(beta >= 0) || math.IsInf(beta, 0) {
		panic(fmt.Sprintf("prefs: Solve with beta %v", beta))
	}
	p.Sweeps, p.Delta = 0, math.Inf(1)
	for p.Sweeps < maxSweeps && !(p.Delta < tol) {
		p.backup(r, beta, p.next)
		d := 0.0
		for s, v := range p.next {
			if x := math.Abs(v - p.V[s]); x > d || x != x {
				d = x
			}
		}
		copy(p.V, p.next)
		p.Delta = d
		p.Sweeps++
	}
	p.policy(r, beta)
	return p.Delta < tol
}

// qRow writes q(s,·) for reward r and the current V into p.Q's row s.
func (p *Planner) qRow(r []float64, s int) []float64 {
	m := p.M
	A, K := m.A, m.K
	row := p.Q[s*A : (s+1)*A]
	for a := range row {
		sa := s*A + a
		base := sa * K
		acc := 0.0
		for k := 0; k < K; k++ {
			if q := m.Prob[base+k]; q != 0 {
				acc += q * p.V[m.Next[base+k]]
			}
		}
		row[a] = r[sa] + p.Gamma*acc
	}
	return row
}

// softMax returns β log Σ_a π_ref(a|s) exp(q(a)/β), and max_a q over
// π_ref's support for β = 0, with the largest q subtracted first.
func (p *Planner) softMax(q []float64, s int, beta float64) float64 {
	ref := p.Ref[s*len(q) : (s+1)*len(q)]
	mx := math.Inf(-1)
	for a, x := range q {
		if ref[a] > 0 && x > mx {
			mx = x
		}
	}
	if beta == 0 {
		return mx
	}
	sum := 0.0
	for a, x := range q {
		if ref[a] > 0 {
			sum += ref[a] * exp((x-mx)/beta)
		}
	}
	return mx + beta*log(sum)
}

// backup writes one sweep's values into dst.
func (p *Planner) backup(r []float64, beta float64, dst []float64) {
	for s := range dst {
		dst[s] = p.softMax(p.qRow(r, s), s, beta)
	}
}

// policy fills Q from V and Pi from Q.
func (p *Planner) policy(r []float64, beta float64) {
	A := p.M.A
	for s := 0; s < p.M.S; s++ {
		q := p.qRow(r, s)
		pi := p.Pi[s*A : (s+1)*A]
		ref := p.Ref[s*A : (s+1)*A]
		if beta == 0 {
			best, ba := math.Inf(-1), 0
			for a, x := range q {
				if ref[a] > 0 && x > best+TieTolerance {
					best, ba = x, a
				} else if ref[a] > 0 && x > best {
					best = x
				}
			}
			clear(pi)
			pi[ba] = 1
			continue
		}
		v := p.softMax(q, s, beta)
		sum := 0.0
		for a, x := range q {
			pi[a] = 0
			if ref[a] > 0 {
				pi[a] = ref[a] * exp((x-v)/beta)
				sum += pi[a]
			}
		}
		for a := range pi {
			pi[a] /= sum
		}
	}
}

// Advantage writes β log π(a|s)/π_ref(a|s) = q(s,a) − v_soft(s) of the
// last solve into dst (len S*A) and returns it: the soft advantage, which
// shaping the reward does not change (see the package documentation). It
// is −Inf where π_ref is 0; with β = 0, q(s,a) − max_b q(s,b).
func (p *Planner) Advantage(dst []float64, beta float64) []float64 {
	A := p.M.A
	dst = dst[:len(p.Q)]
	for s := 0; s < p.M.S; s++ {
		q := p.Q[s*A : (s+1)*A]
		v := p.softMax(q, s, beta)
		for a, x := range q {
			dst[s*A+a] = x - v
			if p.Ref[s*A+a] == 0 {
				dst[s*A+a] = math.Inf(-1)
			}
		}
	}
	return dst
}

// Reset sets V to 0, so the next solve starts afresh.
func (p *Planner) Reset() { clear(p.V) }
