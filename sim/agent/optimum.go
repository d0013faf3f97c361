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
// how far an agent's greedy policy is from it, over the states that count:
// the non-terminal states reachable from the start distribution (see
// Reachable and SetStart; all non-terminal states unless SetStart says
// otherwise). A state no episode can visit has no bearing on how well an
// agent acts, and an agent cannot learn it. Share, ShareQ and Gap allocate
// nothing.
type Optimum struct {
	M     *mdp.Model
	Gamma float64
	V     []float64 // v*
	Q     []float64 // q*
	ok    []bool    // q*(s,a) within OptimalTolerance of the best
	vpi   []float64 // v_π of the last policy evaluated, the next one's start
	reach []bool    // reachable from the start distribution
	start int       // start state, -1 for every non-terminal state
	count int       // reachable non-terminal states
}

// NewOptimum solves m by value iteration to max |Δv| < 1e-12. Every
// non-terminal state counts until SetStart names a start state.
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
		ok: make([]bool, m.S*m.A), vpi: append([]float64(nil), s.V...), reach: make([]bool, m.S)}
	if err := o.SetStart(-1); err != nil {
		return nil, err
	}
	for st := 0; st < m.S; st++ {
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

// Reachable writes into dst (len m.S) whether each state can be reached
// from the start distribution under some policy, and returns it: start is
// the start state, or -1 for a start drawn among all non-terminal states
// (random starts, exploring starts). A state is reachable if it is a start
// or the outcome, with nonzero probability, of some action in a reachable
// non-terminal state: an episode ends in a terminal state, so nothing is
// reached through one (in a maze, the cells behind the target).
func Reachable(dst []bool, m *mdp.Model, start int) []bool {
	dst = dst[:m.S]
	clear(dst)
	var stack []int32
	push := func(s int32) {
		if !dst[s] {
			dst[s] = true
			stack = append(stack, s)
		}
	}
	if start >= 0 {
		push(int32(start))
	} else {
		for s := 0; s < m.S; s++ {
			if !m.Terminal[s] {
				push(int32(s))
			}
		}
	}
	for len(stack) > 0 {
		s := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		if m.Terminal[s] {
			continue
		}
		for i := s * m.A * m.K; i < (s+1)*m.A*m.K; i++ {
			if m.Prob[i] > 0 {
				push(m.Next[i])
			}
		}
	}
	return dst
}

// SetStart sets the start distribution the measures count states from:
// a start state, or -1 for every non-terminal state (see Reachable).
func (o *Optimum) SetStart(start int) error {
	m := o.M
	if start < -1 || start >= m.S || (start >= 0 && m.Terminal[start]) {
		return fmt.Errorf("start state %d is not a non-terminal state of %d", start, m.S)
	}
	o.start = start
	Reachable(o.reach, m, start)
	o.count = 0
	for s, r := range o.reach {
		if r && !m.Terminal[s] {
			o.count++
		}
	}
	return nil
}

// Start returns the start state the measures count from, -1 for every
// non-terminal state.
func (o *Optimum) Start() int { return o.start }

// Reachable reports whether state s is reachable from the start
// distribution (see the function Reachable).
func (o *Optimum) Reachable(s int) bool { return o.reach[s] }

// Counted returns the number of states the measures count: the reachable
// non-terminal ones.
func (o *Optimum) Counted() int { return o.count }

// counts reports whether state s counts in Share, ShareQ and Gap.
func (o *Optimum) counts(s int) bool { return o.reach[s] && !o.M.Terminal[s] }

// Optimal reports whether action a is optimal in state s.
func (o *Optimum) Optimal(s, a int) bool { return o.ok[s*o.M.A+a] }

// Share returns the fraction of reachable non-terminal states whose action
// in greedy (one per state) is optimal.
func (o *Optimum) Share(greedy []int) float64 {
	if o.count == 0 {
		return 1
	}
	n := 0
	for s, a := range greedy {
		if o.counts(s) && o.ok[s*o.M.A+a] {
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

// ShareQ returns the fraction of reachable non-terminal states in which an
// agent with action values q (len S*A) acts optimally, as OptimalQ decides.
// Unlike
// Share of a tie-broken greedy policy, a state whose values are all still
// equal counts only if every action there is optimal.
func (o *Optimum) ShareQ(q []float64) float64 {
	if o.count == 0 {
		return 1
	}
	A, n := o.M.A, 0
	for s := 0; s < o.M.S; s++ {
		if o.counts(s) && o.OptimalQ(s, q[s*A:(s+1)*A]) {
			n++
		}
	}
	return float64(n) / float64(o.count)
}

// Gap returns max_s |v_π(s) − v*(s)| of the deterministic policy greedy
// over the reachable states (terminal ones are 0 under any policy; the
// actions of unreachable states cannot change the values of reachable
// ones, which only lead to reachable states). v_π is found by in-place
// iterative evaluation to max |Δv| < 1e-10, started from the last policy's
// values, so a policy that changed little costs few sweeps.
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
		if !o.reach[s] {
			continue
		}
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
