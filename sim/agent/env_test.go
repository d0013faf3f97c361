package agent_test

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/agent"
)

// The episode length truncates; entering a terminal state terminates.
func TestEnvEpisodeEnds(t *testing.T) {
	m := build(t, `{"layout": ["S.T"], "actions": 4, "terminal": true}`)
	env, err := agent.NewEnv(m.Model, m.Start, 3, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// Actions: up 0, right 1, down 2, left 3.
	for i, tc := range []struct {
		a           int
		next        int
		r           float64
		term, trunc bool
	}{{0, 0, -1, false, false}, {1, 1, 0, false, false}, {3, 0, 0, false, true}} {
		next, r, term, trunc := env.Step(tc.a)
		if next != tc.next || r != tc.r || term != tc.term || trunc != tc.trunc {
			t.Errorf("step %d: got %d %v %v %v, want %+v", i, next, r, term, trunc, tc)
		}
	}
	env.Reset()
	env.Step(1)
	if next, r, term, trunc := env.Step(1); next != 2 || r != 1 || !term || trunc {
		t.Errorf("into the target: %d %v term %v trunc %v", next, r, term, trunc)
	}
	if _, err := agent.NewEnv(m.Model, 2, 3, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("a terminal start state was accepted")
	}
	if _, err := agent.NewEnv(m.Model, 0, 0, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("episode length 0 was accepted")
	}
}

// Random starts are uniform over the non-terminal states: of 25,000 draws
// among the 5x5 world's 25 states, each count is within 5 standard
// deviations (√(1000·0.96) ≈ 31) of 1000.
func TestEnvRandomStarts(t *testing.T) {
	m := build(t, zhao5x5)
	env, _ := agent.NewEnv(m.Model, -1, 10, rand.New(rand.NewPCG(3, 4)))
	count := make([]int, m.S)
	for i := 0; i < 25_000; i++ {
		count[env.Reset()]++
	}
	for s, n := range count {
		if n < 1000-155 || n > 1000+155 {
			t.Errorf("state %d started %d times of 25000", s, n)
		}
	}
}

// Slips follow the model's probabilities: with slip 0.2 a move goes
// sideways 10% of the time to each side.
func TestEnvSlip(t *testing.T) {
	m := build(t, `{"layout": ["...", "...", "..T"], "slip": 0.2}`)
	env, _ := agent.NewEnv(m.Model, -1, 1, rand.New(rand.NewPCG(5, 6)))
	count := map[int]int{}
	const n = 40_000
	for i := 0; i < n; i++ {
		env.Place(m.StateAt(1, 1))
		next, _, _, _ := env.Step(0) // up
		count[next]++
	}
	for _, tc := range []struct {
		r, c int
		p    float64
	}{{0, 1, 0.8}, {1, 2, 0.1}, {1, 0, 0.1}} {
		got := float64(count[m.StateAt(tc.r, tc.c)]) / n
		if !near(got, tc.p, 0.01) { // 5σ of 0.8·0.2/40000 is 0.01
			t.Errorf("(%d,%d): frequency %v, want %v", tc.r, tc.c, got, tc.p)
		}
	}
}

// The environment's and the agent's streams are independent: changing ε
// changes the actions but not the start states drawn by the environment.
func TestStreamsSeparate(t *testing.T) {
	m := build(t, zhao5x5)
	starts := func(eps string) []int {
		r := runner(t, m, "qlearning", config(t, "qlearning", "epsilon="+eps), -1, 5, 9)
		var s []int
		for i := 0; i < 100; i++ {
			if tr := r.Step(); tr.Began {
				s = append(s, tr.S)
			}
		}
		return s
	}
	a, b := starts("0.1"), starts("0.9")
	if len(a) != 20 || len(b) != 20 {
		t.Fatalf("episodes %d %d, want 20", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("start %d differs: %d vs %d", i, a[i], b[i])
		}
	}
}

// Runs are reproducible: same seed, same trajectory; another seed differs.
func TestRunnerDeterministic(t *testing.T) {
	m := build(t, `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "slip": 0.1}`)
	for _, name := range agent.Names() {
		trace := func(seed uint64) []agent.Transition {
			r := runner(t, m, name, config(t, name), -1, 30, seed)
			out := make([]agent.Transition, 2000)
			for i := range out {
				out[i] = r.Step()
			}
			return out
		}
		a, b, c := trace(1), trace(1), trace(2)
		same := func(x, y []agent.Transition) bool {
			for i := range x {
				if x[i] != y[i] {
					return false
				}
			}
			return true
		}
		if !same(a, b) {
			t.Errorf("%s: two runs with seed 1 differ", name)
		}
		if same(a, c) {
			t.Errorf("%s: seeds 1 and 2 give the same run", name)
		}
	}
}
