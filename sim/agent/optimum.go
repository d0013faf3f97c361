package agent

import (
	"fmt"

	"bellman/sim/dp"
	"bellman/sim/mdp"
)

// OptimalTolerance is how close to max_a q*(s,a) an action's q* must be to
// count as optimal, so that ties are fair.
const OptimalTolerance = 1e-6

// evalTol is the max |Δv| at which the evaluation of a greedy policy stops.
const evalTol = 1e-10

// Optimum holds the solution of a model by value iteration and measures
// how far an agent's greedy policy is from it. Share and Gap allocate
// nothing.
type Optimum struct {
	M     *mdp.Model
	Gamma float64
	V     []float64 // v*
	Q     []float64 // q*
	ok    []bool    // q*(s,a) within OptimalTolerance of the best
	vpi   []float64 // v_π of the last policy evaluated, the next one's start
	count int       // non-terminal states
}

// NewOptimum solves m by value iteration to max |Δv| < 1e-12.
func NewOptimum(m *mdp.Model, gamma float64) (*Optimum, error) {
	c := dp.Default()
	c.Gamma, c.Tol = gamma, 1e-12
	s, err := dp.New(m, c, nil)
	if err != nil {
		return nil, err
	}
	if !s.Run(1_000_000) {
		return nil, fmt.Errorf("value iteration did not converge (max |Δv| %g)", s.Delta)
	}
	o := &Optimum{M: m, Gamma: gamma, V: s.V, Q: m.Q(make([]float64, m.S*m.A), s.V, gamma),
		ok: make([]bool, m.S*m.A), vpi: append([]float64(nil), s.V...)}
	for st := 0; st < m.S; st++ {
		if !m.Terminal[st] {
			o.count++
		}
		row := o.Q[st*m.A : (st+1)*m.A]
		best := row[0]
		for _, q := range row {
			if q > best {
				best = q
			}
		}
		for a, q := range row {
			o.ok[st*m.A+a] = q >= best-OptimalTolerance
		}
	}
	return o, nil
}

// Optimal reports whether action a is optimal in state s.
func (o *Optimum) Optimal(s, a int) bool { return o.ok[s*o.M.A+a] }

// Share returns the fraction of non-terminal states whose action in
// greedy (one per state) is optimal.
func (o *Optimum) Share(greedy []int) float64 {
	if o.count == 0 {
		return 1
	}
	n := 0
	for s, a := range greedy {
		if !o.M.Terminal[s] && o.ok[s*o.M.A+a] {
			n++
		}
	}
	return float64(n) / float64(o.count)
}

// TieTolerance is how close two of an agent's action values must be to
// count as tied.
const TieTolerance = 1e-9

// OptimalQ reports whether an agent whose action values in state s are
// row (len A) acts optimally there: every action tied for its best must be
// optimal, since the agent may pick any of them.
func (o *Optimum) OptimalQ(s int, row []float64) bool {
	best := row[0]
	for _, q := range row[1:] {
		if q > best {
			best = q
		}
	}
	for a, q := range row {
		if q >= best-TieTolerance && !o.ok[s*o.M.A+a] {
			return false
		}
	}
	return true
}

// ShareQ returns the fraction of non-terminal states in which an agent with
// action values q (len S*A) acts optimally, as OptimalQ decides. Unlike
// Share of a tie-broken greedy policy, a state whose values are all still
// equal counts only if every action there is optimal.
func (o *Optimum) ShareQ(q []float64) float64 {
	if o.count == 0 {
		return 1
	}
	A, n := o.M.A, 0
	for s := 0; s < o.M.S; s++ {
		if !o.M.Terminal[s] && o.OptimalQ(s, q[s*A:(s+1)*A]) {
			n++
		}
	}
	return float64(n) / float64(o.count)
}

// Gap returns max_s |v_π(s) − v*(s)| of the deterministic policy greedy.
// v_π is found by in-place iterative evaluation to max |Δv| < 1e-10,
// started from the last policy's values, so a policy that changed little
// costs few sweeps.
func (o *Optimum) Gap(greedy []int) float64 {
	m, v := o.M, o.vpi
	A, K, g := m.A, m.K, o.Gamma
	for sweep := 0; sweep < 1_000_000; sweep++ {
		delta := 0.0
		for s := range v {
			sa := s*A + greedy[s]
			base := sa * K
			acc := 0.0
			for k := 0; k < K; k++ {
				acc += float64(m.Prob[base+k] * v[m.Next[base+k]])
			}
			x := m.R[sa] + float64(g*acc)
			d := x - v[s]
			if d < 0 {
				d = -d
			}
			if d > delta {
				delta = d
			}
			v[s] = x
		}
		if delta < evalTol {
			break
		}
	}
	gap := 0.0
	for s, x := range v {
		d := x - o.V[s]
		if d < 0 {
			d = -d
		}
		if d > gap {
			gap = d
		}
	}
	return gap
}

// PolicyValues returns v_π of the policy last passed to Gap (read-only).
func (o *Optimum) PolicyValues() []float64 { return o.vpi }
