package dp_test

import (
	"math"
	"testing"

	"bellman/sim/dp"
	"bellman/sim/mdp"
)

// refSweep is one sweep of value iteration written as its definition (Zhao,
// Section 4.1): q(s,a) = r(s,a) + γ Σ p(s'|s,a) v(s'), v'(s) = max_a q(s,a),
// the greedy action the first within dp.TieTolerance of the best. It
// returns v', the greedy actions and max |v' − v|.
func refSweep(m *mdp.Model, v []float64, gamma float64) (next []float64, greedy []int, delta float64) {
	next, greedy = make([]float64, m.S), make([]int, m.S)
	for s := 0; s < m.S; s++ {
		best, bestA := math.Inf(-1), 0
		for a := 0; a < m.A; a++ {
			acc := 0.0
			for k := 0; k < m.K; k++ {
				i := (s*m.A+a)*m.K + k
				acc += m.Prob[i] * v[m.Next[i]]
			}
			q := m.R[s*m.A+a] + gamma*acc
			if q > best+dp.TieTolerance {
				best, bestA = q, a
			} else if q > best {
				best = q
			}
		}
		next[s], greedy[s] = best, bestA
		delta = math.Max(delta, math.Abs(best-v[s]))
	}
	return next, greedy, delta
}

// Every sweep of value iteration gives exactly (bit for bit) the values, the
// greedy policy and the Δ of the definition, in deterministic and slippery
// worlds of 4 and 5 actions, also after the values are set from outside.
func TestSweepMatchesDefinition(t *testing.T) {
	for _, src := range []string{
		zhao5x5,
		`{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "slip": 0.2}`,
		`{"layout": ["S...#.....", ".##.#.###.", "....#...#.", ".#....#.T."], "actions": 4, "terminal": true}`,
		`{"layout": ["S...#.....", ".##.#.###.", "....#...#.", ".#....#.T."], "actions": 4, "slip": 0.1}`,
		`{"layout": ["..", ".T"], "rewards": {"other": 0, "boundary": 0, "target": 0}}`, // every action ties
	} {
		m := build(t, src).Model
		for _, gamma := range []float64{0.9, 0.5} {
			c := dp.Default()
			c.Gamma = gamma
			s, err := dp.New(m, c, nil)
			if err != nil {
				t.Fatal(err)
			}
			v := make([]float64, m.S)
			for k := 0; k < 300; k++ {
				if k == 150 { // a parameter change carries values over
					for i := range v {
						v[i] = float64(i%7) - 3
					}
					s.SetValues(v)
				}
				next, greedy, delta := refSweep(m, v, gamma)
				s.Step()
				if s.Delta != delta {
					t.Fatalf("%s γ %v sweep %d: Δ %v, definition %v", src, gamma, k+1, s.Delta, delta)
				}
				for st := range next {
					if s.V[st] != next[st] {
						t.Fatalf("%s γ %v sweep %d: v(%d) = %v, definition %v", src, gamma, k+1, st, s.V[st], next[st])
					}
					for a := 0; a < m.A; a++ {
						want := 0.0
						if a == greedy[st] {
							want = 1
						}
						if p := s.Policy[st*m.A+a]; p != want {
							t.Fatalf("%s γ %v sweep %d: π(%d|%d) = %v, greedy action %d", src, gamma, k+1, a, st, p, greedy[st])
						}
					}
				}
				v = next
			}
		}
	}
}
