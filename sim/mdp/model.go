package mdp

import (
	"fmt"
	"math"
)

// Model is a finite MDP stored in flat arrays for fast sweeps. Every
// state-action pair has exactly K outcomes (unused ones have probability 0).
// Outcome k of pair (s, a) is at index (s*A+a)*K + k.
//
// A terminal state is absorbing: each of its actions leads back to it with
// reward 0, so its value is 0 under any policy.
type Model struct {
	S, A, K  int
	Next     []int32   // next state of each outcome
	Prob     []float64 // probability of each outcome
	Reward   []float64 // reward of each outcome
	R        []float64 // expected reward of each pair, len S*A
	Terminal []bool    // len S
}

// New returns a model of S states and A actions with K outcomes per pair,
// every outcome zeroed.
func New(S, A, K int) *Model {
	n := S * A * K
	return &Model{
		S: S, A: A, K: K,
		Next:     make([]int32, n),
		Prob:     make([]float64, n),
		Reward:   make([]float64, n),
		R:        make([]float64, S*A),
		Terminal: make([]bool, S),
	}
}

// SetOutcome sets outcome k of pair (s, a).
func (m *Model) SetOutcome(s, a, k, next int, p, r float64) {
	i := (s*m.A+a)*m.K + k
	m.Next[i], m.Prob[i], m.Reward[i] = int32(next), p, r
}

// Finish computes the expected rewards R and checks that the probabilities
// of every pair sum to 1 and every next state exists.
func (m *Model) Finish() error {
	for sa := 0; sa < m.S*m.A; sa++ {
		sum, r := 0.0, 0.0
		for k := 0; k < m.K; k++ {
			i := sa*m.K + k
			p := m.Prob[i]
			if p < 0 || math.IsNaN(p) {
				return fmt.Errorf("mdp: state %d action %d: probability %v", sa/m.A, sa%m.A, p)
			}
			if n := m.Next[i]; n < 0 || int(n) >= m.S {
				return fmt.Errorf("mdp: state %d action %d: next state %d out of range", sa/m.A, sa%m.A, n)
			}
			sum += p
			r += p * m.Reward[i]
		}
		if math.Abs(sum-1) > 1e-9 {
			return fmt.Errorf("mdp: state %d action %d: probabilities sum to %v", sa/m.A, sa%m.A, sum)
		}
		m.R[sa] = r
	}
	return nil
}

// Sample draws the outcome of taking a in s, given u uniform in [0, 1).
func (m *Model) Sample(s, a int, u float64) (next int, reward float64) {
	base := (s*m.A + a) * m.K
	last := base
	for k := 0; k < m.K; k++ {
		i := base + k
		p := m.Prob[i]
		if p == 0 {
			continue
		}
		last = i
		if u < p {
			return int(m.Next[i]), m.Reward[i]
		}
		u -= p
	}
	return int(m.Next[last]), m.Reward[last]
}

// Q writes q(s, a) = R(s,a) + γ Σ p(s'|s,a) v(s') for every pair into dst
// (len S*A) and returns it.
func (m *Model) Q(dst, v []float64, gamma float64) []float64 {
	K := m.K
	for sa := 0; sa < m.S*m.A; sa++ {
		acc := 0.0
		base := sa * K
		for k := 0; k < K; k++ {
			acc += m.Prob[base+k] * v[m.Next[base+k]]
		}
		dst[sa] = m.R[sa] + gamma*acc
	}
	return dst
}

// Validate checks that a stochastic policy (len S*A, one distribution per
// state) is well formed.
func (m *Model) Validate(policy []float64) error {
	if len(policy) != m.S*m.A {
		return fmt.Errorf("policy has %d entries, want %d states × %d actions", len(policy), m.S, m.A)
	}
	for s := 0; s < m.S; s++ {
		sum := 0.0
		for a := 0; a < m.A; a++ {
			p := policy[s*m.A+a]
			if p < 0 || math.IsNaN(p) {
				return fmt.Errorf("policy: state %d action %d has probability %v", s, a, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-6 {
			return fmt.Errorf("policy: probabilities of state %d sum to %v, not 1", s, sum)
		}
	}
	return nil
}
