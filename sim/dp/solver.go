package dp

import (
	"fmt"
	"math"

	"bellman/sim/mdp"
)

// Method is a dynamic-programming algorithm.
type Method int

// Methods. Evaluate runs iterative policy evaluation of a fixed policy.
const (
	ValueIteration Method = iota
	PolicyIteration
	TruncatedPolicyIteration
	Evaluate
)

var methodNames = [...]string{"vi", "pi", "tpi", "eval"}

// String returns the method's short name: vi, pi, tpi or eval.
func (m Method) String() string {
	if m < 0 || int(m) >= len(methodNames) {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return methodNames[m]
}

// ParseMethod reads a short name.
func ParseMethod(name string) (Method, error) {
	for i, n := range methodNames {
		if n == name {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q (valid: vi, pi, tpi, eval)", name)
}

// TieTolerance is how close two action values must be to count as a tie;
// ties go to the first action in order.
const TieTolerance = 1e-9

// Config sets up a solver. The zero value is not valid; start from Default.
type Config struct {
	Method Method
	Gamma  float64 // discount γ in [0, 1)
	Tol    float64 // converged when max |Δv| of a sweep is below Tol; default 1e-10
	J      int     // evaluation sweeps per iteration of truncated policy iteration; default 3
}

// Default returns value iteration with γ 0.9, tolerance 1e-10 and j 3.
func Default() Config { return Config{Method: ValueIteration, Gamma: 0.9, Tol: 1e-10, J: 3} }

// Validate checks the configuration.
func (c Config) Validate() error {
	if !(c.Gamma >= 0 && c.Gamma < 1) {
		return fmt.Errorf("gamma %v is outside [0, 1)", c.Gamma)
	}
	if !(c.Tol > 0) || math.IsInf(c.Tol, 0) {
		return fmt.Errorf("tolerance %v must be a positive number", c.Tol)
	}
	if c.Method == TruncatedPolicyIteration && c.J < 1 {
		return fmt.Errorf("j %d must be at least 1", c.J)
	}
	if c.Method < ValueIteration || c.Method > Evaluate {
		return fmt.Errorf("unknown method %d", int(c.Method))
	}
	return nil
}

// Solver runs one method on one model. Its exported fields are read-only
// snapshots of the progress; change them only through its methods.
type Solver struct {
	Config
	M *mdp.Model

	V      []float64 // state values v_k, len S
	Policy []float64 // π(a|s), len S*A; greedy for vi/pi/tpi, fixed for eval
	Sweeps int       // sweeps done
	Iters  int       // policy-improvement steps (vi: = Sweeps; eval: 0)
	Delta  float64   // max |Δv| of the last sweep (+Inf before the first)
	Done   bool      // converged

	next    []float64
	act     []int32 // the action Policy gives each state, when greedy (vi, pi, tpi)
	evalRun int     // evaluation sweeps in the current iteration
	stable  bool    // the last improvement changed nothing
}

// New returns a solver starting from v_0 = 0. For Evaluate, or to start
// policy iteration from a given policy, pass policy (len S*A); nil starts
// from the deterministic policy "first action everywhere".
func New(m *mdp.Model, c Config, policy []float64) (*Solver, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	s := &Solver{
		Config: c, M: m,
		V:      make([]float64, m.S),
		next:   make([]float64, m.S),
		act:    make([]int32, m.S),
		Policy: make([]float64, m.S*m.A),
	}
	if policy != nil {
		if err := m.Validate(policy); err != nil {
			return nil, err
		}
		copy(s.Policy, policy)
	} else {
		for st := 0; st < m.S; st++ {
			s.Policy[st*m.A] = 1
		}
	}
	s.Reset()
	return s, nil
}

// Reset starts again from v_0 = 0 with the current configuration. Value
// iteration shows the greedy policy of v_0; the other methods keep their
// policy (for eval, the policy being evaluated).
func (s *Solver) Reset() {
	clear(s.V)
	s.Sweeps, s.Iters, s.evalRun = 0, 0, 0
	s.Delta, s.Done, s.stable = math.Inf(1), false, false
	if s.Method == ValueIteration {
		s.improve()
	}
}

// SetValues continues from the values v (len S) instead of the current
// ones, so a parameter change goes on from what is shown. Value iteration's
// policy becomes greedy in v, as after a sweep.
func (s *Solver) SetValues(v []float64) {
	copy(s.V, v)
	if s.Method == ValueIteration {
		s.improve()
	}
}

// Step runs one sweep. For policy iteration and truncated policy iteration,
// the sweep that ends an evaluation also improves the policy.
func (s *Solver) Step() {
	if s.Method == ValueIteration {
		s.Delta = s.optimalitySweep()
		s.Sweeps++
		s.Iters++
		s.Done = s.Delta < s.Tol
		return
	}
	s.Delta = s.evaluationSweep()
	s.Sweeps++
	s.evalRun++
	if s.Method == Evaluate {
		s.Done = s.Delta < s.Tol
		return
	}
	if s.Delta < s.Tol || (s.Method == TruncatedPolicyIteration && s.evalRun >= s.J) {
		changed := s.improve()
		s.Iters++
		s.evalRun = 0
		s.Done = !changed && s.Delta < s.Tol
	}
}

// Run sweeps until converged or maxSweeps sweeps in all have run, and
// reports whether it converged.
func (s *Solver) Run(maxSweeps int) bool {
	for !s.Done && s.Sweeps < maxSweeps {
		s.Step()
	}
	return s.Done
}

// optimalitySweep sets v ← max_a q(s,a) and returns max |Δv|. The greedy
// action of every state in the values before the sweep (ties within
// TieTolerance going to the first) is kept in act, and a row of Policy is
// written only when its state's greedy action changes. The loops are
// shaped for Go's WebAssembly backend, where every taken branch and every
// call costs a dispatch: deterministic worlds of 4 or 5 actions (every grid
// world) have a loop per state with the actions written out, and a state's
// greedy action is tracked with one comparison when q does not improve.
func (s *Solver) optimalitySweep() float64 {
	m := s.M
	if m.K == 1 {
		switch m.A {
		case 4:
			return s.sweepDet4()
		case 5:
			return s.sweepDet5()
		}
	}
	S, A, K, gamma := m.S, m.A, m.K, s.Gamma
	v, next, act := s.V[:S], s.next[:S], s.act[:S]
	R, P, N := m.R[:S*A], m.Prob[:S*A*K], m.Next[:S*A*K]
	delta := 0.0
	for st := range next {
		best, bestA := math.Inf(-1), int32(0)
		for a := 0; a < A; a++ {
			sa := st*A + a
			base := sa * K
			acc := 0.0
			for k, p := range P[base : base+K] {
				acc += float64(p * v[N[base+k]])
			}
			q := R[sa] + float64(gamma*acc)
			if q > best {
				if q > best+TieTolerance {
					bestA = int32(a)
				}
				best = q // a tie within tolerance keeps the first action
			}
		}
		next[st] = best
		if a := act[st]; a != bestA {
			s.Policy[st*A+int(a)] = 0
			s.Policy[st*A+int(bestA)] = 1
			act[st] = bestA
		}
		if d := math.Abs(best - v[st]); d > delta || d != d { // a NaN (Inf − Inf) stays: it must not pass for convergence
			delta = d
		}
	}
	copy(v, next)
	return delta
}

// sweepDet4 is optimalitySweep for one outcome per pair and 4 actions.
func (s *Solver) sweepDet4() float64 {
	m := s.M
	S, gamma, tie := m.S, s.Gamma, TieTolerance
	v, next, act := s.V[:S], s.next[:S], s.act[:S]
	R, N := m.R[:4*S], m.Next[:4*S]
	delta := 0.0
	for st := range next {
		i := 4 * st
		r, n := R[i:i+4:i+4], N[i:i+4:i+4]
		best, bestA := math.Inf(-1), int32(0)
		if q := r[0] + float64(gamma*v[n[0]]); q > best {
			best = q // > −∞ + tolerance: a strict improvement
		}
		if q := r[1] + float64(gamma*v[n[1]]); q > best {
			if q > best+tie {
				bestA = 1
			}
			best = q
		}
		if q := r[2] + float64(gamma*v[n[2]]); q > best {
			if q > best+tie {
				bestA = 2
			}
			best = q
		}
		if q := r[3] + float64(gamma*v[n[3]]); q > best {
			if q > best+tie {
				bestA = 3
			}
			best = q
		}
		next[st] = best
		if a := act[st]; a != bestA {
			s.setGreedy(st, a, bestA)
		}
		if d := math.Abs(best - v[st]); d > delta || d != d {
			delta = d
		}
	}
	copy(v, next)
	return delta
}

// sweepDet5 is optimalitySweep for one outcome per pair and 5 actions.
func (s *Solver) sweepDet5() float64 {
	m := s.M
	S, gamma, tie := m.S, s.Gamma, TieTolerance
	v, next, act := s.V[:S], s.next[:S], s.act[:S]
	R, N := m.R[:5*S], m.Next[:5*S]
	delta := 0.0
	for st := range next {
		i := 5 * st
		r, n := R[i:i+5:i+5], N[i:i+5:i+5]
		best, bestA := math.Inf(-1), int32(0)
		if q := r[0] + float64(gamma*v[n[0]]); q > best {
			best = q
		}
		if q := r[1] + float64(gamma*v[n[1]]); q > best {
			if q > best+tie {
				bestA = 1
			}
			best = q
		}
		if q := r[2] + float64(gamma*v[n[2]]); q > best {
			if q > best+tie {
				bestA = 2
			}
			best = q
		}
		if q := r[3] + float64(gamma*v[n[3]]); q > best {
			if q > best+tie {
				bestA = 3
			}
			best = q
		}
		if q := r[4] + float64(gamma*v[n[4]]); q > best {
			if q > best+tie {
				bestA = 4
			}
			best = q
		}
		next[st] = best
		if a := act[st]; a != bestA {
			s.setGreedy(st, a, bestA)
		}
		if d := math.Abs(best - v[st]); d > delta || d != d {
			delta = d
		}
	}
	copy(v, next)
	return delta
}

// setGreedy moves state st's greedy action from a to b in act and Policy.
func (s *Solver) setGreedy(st int, a, b int32) {
	A := s.M.A
	s.Policy[st*A+int(a)] = 0
	s.Policy[st*A+int(b)] = 1
	s.act[st] = b
}

// evaluationSweep sets v ← r_π + γ P_π v.
func (s *Solver) evaluationSweep() float64 {
	m, v, next, pol := s.M, s.V, s.next, s.Policy
	A, K, gamma := m.A, m.K, s.Gamma
	delta := 0.0
	for st := 0; st < m.S; st++ {
		val := 0.0
		for a := 0; a < A; a++ {
			sa := st*A + a
			p := pol[sa]
			if p == 0 {
				continue
			}
			base := sa * K
			acc := 0.0
			for k := 0; k < K; k++ {
				acc += m.Prob[base+k] * v[m.Next[base+k]]
			}
			val += p * (m.R[sa] + gamma*acc)
		}
		next[st] = val
		d := val - v[st]
		if d < 0 {
			d = -d
		}
		if d > delta || d != d { // a NaN stays, as in optimalitySweep
			delta = d
		}
	}
	copy(v, next)
	return delta
}

// improve makes the policy greedy in v and reports whether it changed.
func (s *Solver) improve() bool {
	m := s.M
	changed := false
	for st := 0; st < m.S; st++ {
		a := s.greedy(st)
		row := s.Policy[st*m.A : (st+1)*m.A]
		if row[a] != 1 {
			changed = true
		}
		for b := range row {
			row[b] = 0
		}
		row[a] = 1
		s.act[st] = int32(a)
	}
	return changed
}

// greedy returns the greedy action of state st in the current v.
func (s *Solver) greedy(st int) int { return greedyAction(s.M, s.V, s.Gamma, st) }

// greedyAction returns the first action whose value is within TieTolerance
// of the best.
func greedyAction(m *mdp.Model, v []float64, gamma float64, st int) int {
	best, bestA := math.Inf(-1), 0
	for a := 0; a < m.A; a++ {
		sa := st*m.A + a
		base := sa * m.K
		acc := 0.0
		for k := 0; k < m.K; k++ {
			acc += m.Prob[base+k] * v[m.Next[base+k]]
		}
		q := m.R[sa] + gamma*acc
		if q > best+TieTolerance {
			best, bestA = q, a
		} else if q > best {
			best = q
		}
	}
	return bestA
}

// Greedy writes into dst (len S) the greedy deterministic policy of values
// v, ties going to the first action, and returns it.
func Greedy(dst []int, m *mdp.Model, v []float64, gamma float64) []int {
	for st := range dst {
		dst[st] = greedyAction(m, v, gamma, st)
	}
	return dst
}

// QValue returns q(s,a) = r(s,a) + γ Σ p(s'|s,a) v(s') for the current v.
func (s *Solver) QValue(st, a int) float64 {
	m := s.M
	sa := st*m.A + a
	base := sa * m.K
	acc := 0.0
	for k := 0; k < m.K; k++ {
		acc += m.Prob[base+k] * s.V[m.Next[base+k]]
	}
	return m.R[sa] + s.Gamma*acc
}

// Q writes q(s,a) for every pair into dst (len S*A) and returns it.
func (s *Solver) Q(dst []float64) []float64 { return s.M.Q(dst, s.V, s.Gamma) }

// Greedy writes the greedy deterministic policy of the current v into dst
// (one action per state) and returns it.
func (s *Solver) Greedy(dst []int) []int { return Greedy(dst, s.M, s.V, s.Gamma) }

// SetGamma changes γ and keeps the current values as the start of further
// sweeps (so a slider change continues from what is shown).
func (s *Solver) SetGamma(gamma float64) error {
	c := s.Config
	c.Gamma = gamma
	if err := c.Validate(); err != nil {
		return err
	}
	s.Config = c
	s.Done, s.Delta = false, math.Inf(1)
	return nil
}

// StateValues writes v(s) into dst (len S) and returns it.
func (s *Solver) StateValues(dst []float64) []float64 { return append(dst[:0], s.V...) }

// ActionValues writes q(s,a) into dst (len S*A) and returns it.
func (s *Solver) ActionValues(dst []float64) []float64 { return s.Q(dst[:s.M.S*s.M.A]) }

// ActionProbs writes π(a|s) into dst (len S*A) and returns it.
func (s *Solver) ActionProbs(dst []float64) []float64 { return append(dst[:0], s.Policy...) }
