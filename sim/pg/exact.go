package pg

import (
	"errors"
	"fmt"
	"math"

	"bellman/sim/mdp"
)

// MaxExactStates bounds the worlds on which a Trainer computes the exact
// gradient at every episode's end: a solve costs about S³/3 multiply-adds
// (25 states: 5·10³; 256 states: 6·10⁶). Exact itself takes any size.
const MaxExactStates = 256

// Exact holds what the model says about a policy: v_π, q_π, the discounted
// state distribution d^γ, the objective J and, for the tabular softmax, the
// exact gradient ∇J. See the package documentation for the derivation.
//
// Evaluate solves (I − γP_π) once by LU factorisation with partial
// pivoting, in buffers allocated by NewExact: it allocates nothing. The
// results are overwritten by the next Evaluate.
type Exact struct {
	M     *mdp.Model
	Gamma float64
	D0    []float64 // start distribution d₀ (len S), summing to 1

	Pi []float64 // π(a|s) of the last evaluation (len S*A)
	V  []float64 // v_π (len S)
	Q  []float64 // q_π(s,a) = r(s,a) + γ Σ p(s'|s,a) v_π(s') (len S*A)
	// D is the discounted state distribution d^γ = d₀ᵀ(I − γP_π)⁻¹: the
	// expected discounted number of visits Σ_t γ^t Pr(s_t = s). It sums to
	// 1/(1−γ) (less where episodes terminate).
	D []float64
	J float64 // J = Σ_s d₀(s) v_π(s)

	lu   []float64 // S×S, row-major: L below the diagonal (unit), U on and above
	perm []int     // row perm[i] of I − γP_π is row i of LU
	tmp  []float64
}

// StartDistribution returns d₀ of agent.Env: one-hot on start if start ≥ 0,
// else uniform over the non-terminal states.
func StartDistribution(m *mdp.Model, start int) ([]float64, error) {
	d := make([]float64, m.S)
	if start >= 0 {
		if start >= m.S || m.Terminal[start] {
			return nil, fmt.Errorf("start state %d is not a non-terminal state of %d", start, m.S)
		}
		d[start] = 1
		return d, nil
	}
	n := 0
	for s := 0; s < m.S; s++ {
		if !m.Terminal[s] {
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("every state is terminal: there is nowhere to start")
	}
	for s := 0; s < m.S; s++ {
		if !m.Terminal[s] {
			d[s] = 1 / float64(n)
		}
	}
	return d, nil
}

// NewExact returns a workspace for model m, discount γ in [0, 1) and start
// distribution d0 (len S, copied).
func NewExact(m *mdp.Model, gamma float64, d0 []float64) (*Exact, error) {
	if !(gamma >= 0 && gamma < 1) {
		return nil, fmt.Errorf("gamma %v is outside [0, 1)", gamma)
	}
	if len(d0) != m.S {
		return nil, fmt.Errorf("start distribution has %d entries, want %d states", len(d0), m.S)
	}
	sum := 0.0
	for s, p := range d0 {
		if !(p >= 0) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("start distribution: state %d has probability %v", s, p)
		}
		sum += p
	}
	if math.Abs(sum-1) > 1e-9 {
		return nil, fmt.Errorf("start distribution sums to %v, not 1", sum)
	}
	S, A := m.S, m.A
	return &Exact{
		M: m, Gamma: gamma, D0: append([]float64(nil), d0...),
		Pi: make([]float64, S*A), V: make([]float64, S), Q: make([]float64, S*A), D: make([]float64, S),
		lu: make([]float64, S*S), perm: make([]int, S), tmp: make([]float64, S),
	}, nil
}

// SetGamma changes γ for the next evaluation.
func (e *Exact) SetGamma(gamma float64) error {
	if !(gamma >= 0 && gamma < 1) {
		return fmt.Errorf("gamma %v is outside [0, 1)", gamma)
	}
	e.Gamma = gamma
	return nil
}

// SetModel replaces the model by one of the same shape (new rewards).
func (e *Exact) SetModel(m *mdp.Model) {
	if m.S != e.M.S || m.A != e.M.A {
		panic("pg: Exact.SetModel with a model of another shape")
	}
	e.M = m
}

// Softmax evaluates the softmax policy p.
func (e *Exact) Softmax(p *Policy) error {
	return e.Evaluate(p.ActionProbs(e.Pi))
}

// Evaluate solves v_π = (I − γP_π)⁻¹ r_π and d^γ = (I − γP_π)⁻ᵀ d₀ for the
// stochastic policy pi (len S*A; it may be e.Pi itself) and fills Pi, V, Q,
// D and J. It fails only on a policy that is not finite.
func (e *Exact) Evaluate(pi []float64) error {
	m := e.M
	S, A, K := m.S, m.A, m.K
	if len(pi) != S*A {
		return fmt.Errorf("policy has %d entries, want %d", len(pi), S*A)
	}
	copy(e.Pi, pi)
	lu, g := e.lu, e.Gamma
	clear(lu)
	for s := 0; s < S; s++ {
		row := lu[s*S : (s+1)*S]
		row[s] = 1
		r := 0.0
		for a := 0; a < A; a++ {
			sa := s*A + a
			p := pi[sa]
			if p == 0 {
				continue
			}
			if math.IsNaN(p) || math.IsInf(p, 0) {
				return fmt.Errorf("policy: state %d action %d has probability %v", s, a, p)
			}
			r += float64(p * m.R[sa])
			gp := float64(g * p)
			for k := 0; k < K; k++ {
				i := sa*K + k
				if q := m.Prob[i]; q != 0 {
					row[m.Next[i]] -= float64(gp * q)
				}
			}
		}
		e.V[s] = r // right-hand side r_π, solved in place below
	}
	e.factor()
	e.solve(e.V)
	copy(e.D, e.D0)
	e.solveT(e.D)
	m.Q(e.Q, e.V, g)
	J := 0.0
	for s, p := range e.D0 {
		J += float64(p * e.V[s])
	}
	e.J = J
	return nil
}

// Gradient writes the exact gradient of J for the tabular softmax policy of
// the last evaluation into dst (len S*A) and returns it:
//
//	∂J/∂h(s,a) = d^γ(s) · π(a|s) · (q_π(s,a) − v_π(s)).
func (e *Exact) Gradient(dst []float64) []float64 {
	A := e.M.A
	dst = dst[:len(e.Pi)]
	for s, d := range e.D {
		v := e.V[s]
		for a := 0; a < A; a++ {
			sa := s*A + a
			dst[sa] = float64(d*e.Pi[sa]) * (e.Q[sa] - v)
		}
	}
	return dst
}

// factor replaces lu by its LU factorisation with partial pivoting. The
// matrix I − γP_π is strictly diagonally dominant by rows for γ < 1, hence
// never singular.
func (e *Exact) factor() {
	n, a, perm := e.M.S, e.lu, e.perm
	for i := range perm {
		perm[i] = i
	}
	for k := 0; k < n; k++ {
		p, best := k, math.Abs(a[k*n+k])
		for i := k + 1; i < n; i++ {
			if x := math.Abs(a[i*n+k]); x > best {
				p, best = i, x
			}
		}
		if p != k {
			rk, rp := a[k*n:(k+1)*n], a[p*n:(p+1)*n]
			for j := range rk {
				rk[j], rp[j] = rp[j], rk[j]
			}
			perm[k], perm[p] = perm[p], perm[k]
		}
		piv := a[k*n+k]
		rk := a[k*n+k+1 : (k+1)*n]
		for i := k + 1; i < n; i++ {
			l := a[i*n+k]
			if l == 0 {
				continue
			}
			l /= piv
			a[i*n+k] = l
			ri := a[i*n+k+1 : (i+1)*n]
			for j, u := range rk {
				ri[j] -= float64(l * u)
			}
		}
	}
}

// solve overwrites b with x solving (I − γP_π) x = b.
func (e *Exact) solve(b []float64) {
	n, a, y := e.M.S, e.lu, e.tmp
	for i := range y {
		y[i] = b[e.perm[i]]
	}
	for i := 1; i < n; i++ { // L y = P b
		acc := y[i]
		for j, l := range a[i*n : i*n+i] {
			acc -= float64(l * y[j])
		}
		y[i] = acc
	}
	for i := n - 1; i >= 0; i-- { // U x = y
		acc := y[i]
		for j := i + 1; j < n; j++ {
			acc -= float64(a[i*n+j] * y[j])
		}
		y[i] = acc / a[i*n+i]
	}
	copy(b, y)
}

// solveT overwrites b with x solving (I − γP_π)ᵀ x = b: with
// P(I − γP_π) = LU, (I − γP_π)ᵀ = Uᵀ Lᵀ P.
func (e *Exact) solveT(b []float64) {
	n, a, z := e.M.S, e.lu, e.tmp
	for i := 0; i < n; i++ { // Uᵀ z = b
		acc := b[i]
		for j := 0; j < i; j++ {
			acc -= float64(a[j*n+i] * z[j])
		}
		z[i] = acc / a[i*n+i]
	}
	for i := n - 1; i >= 0; i-- { // Lᵀ w = z, in place
		acc := z[i]
		for j := i + 1; j < n; j++ {
			acc -= float64(a[j*n+i] * z[j])
		}
		z[i] = acc
	}
	for i, p := range e.perm { // P x = w
		b[p] = z[i]
	}
}
