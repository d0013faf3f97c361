package mdp_test

import (
	"math"
	"testing"

	"bellman/sim/mdp"
)

// A two-state chain: from state 0 action 0 goes to 1 with p 0.25 (reward 4)
// and stays with p 0.75 (reward 0); state 1 is terminal.
func chain(t *testing.T) *mdp.Model {
	m := mdp.New(2, 1, 2)
	m.SetOutcome(0, 0, 0, 1, 0.25, 4)
	m.SetOutcome(0, 0, 1, 0, 0.75, 0)
	m.SetOutcome(1, 0, 0, 1, 1, 0)
	m.Terminal[1] = true
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestExpectedReward(t *testing.T) {
	m := chain(t)
	if m.R[0] != 1 || m.R[1] != 0 {
		t.Errorf("R = %v, want [1 0]", m.R)
	}
	// q(0) = 1 + γ(0.25·v1 + 0.75·v0) with v = (2, 8), γ = 0.5.
	q := m.Q(make([]float64, 2), []float64{2, 8}, 0.5)
	if want := 1 + 0.5*(0.25*8+0.75*2); math.Abs(q[0]-want) > 1e-15 {
		t.Errorf("q(0) = %v, want %v", q[0], want)
	}
}

func TestSample(t *testing.T) {
	m := chain(t)
	for _, tc := range []struct {
		u    float64
		next int
		r    float64
	}{{0, 1, 4}, {0.2499, 1, 4}, {0.25, 0, 0}, {0.9999, 0, 0}} {
		if n, r := m.Sample(0, 0, tc.u); n != tc.next || r != tc.r {
			t.Errorf("Sample(u=%v) = %d, %v; want %d, %v", tc.u, n, r, tc.next, tc.r)
		}
	}
}

func TestFinishRejects(t *testing.T) {
	m := mdp.New(1, 1, 1)
	m.SetOutcome(0, 0, 0, 0, 0.5, 0)
	if err := m.Finish(); err == nil {
		t.Error("probabilities summing to 0.5 accepted")
	}
	m.SetOutcome(0, 0, 0, 3, 1, 0)
	if err := m.Finish(); err == nil {
		t.Error("next state out of range accepted")
	}
}
