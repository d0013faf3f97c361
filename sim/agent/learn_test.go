package agent_test

import (
	"fmt"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/grid"
)

// On the book's 5x5 world with γ 0.9 (a continuing world: episodes are cut
// at the episode length and start in a uniformly random state), the greedy
// policy of each agent is optimal in every one of the 25 states, by the
// value-iteration solution with ties within 1e-6 counted as optimal, after
// the stated number of steps, for each of the seeds 1 to 5.
//
// Settings: α 0.1 constant, episodes of 10 steps and optimistic initial
// values q₀ = 10 = max v* (Sutton & Barto 2.6), which make every pair worth
// trying once. Without them an ε-greedy agent spends most steps staying in
// the target and the pairs on the far side of the forbidden cells are
// rarely tried. Q-learning is also run off-policy from the uniformly random
// behaviour policy, as in Zhao's section 7.4, from q₀ = 0 with episodes of
// 100 steps.
func TestOptimalOnZhao5x5(t *testing.T) {
	m := build(t, zhao5x5)
	opt, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		agent  string
		length int
		budget int
		sets   []string
	}{
		{"qlearning", 10, 50_000, []string{"epsilon=0.1", "q0=10"}},
		{"qlearning", 100, 60_000, []string{"behaviour=uniform", "q0=0"}},
		// Sarsa learns the values of its ε-greedy policy; ε decays from
		// 0.1 by 0.9995 per episode to 0.01 (about 46,000 steps).
		{"sarsa", 10, 50_000, []string{"epsilon=0.1", "epsilon-decay=0.9995", "epsilon-min=0.01", "q0=10"}},
		{"dyna-q", 10, 5_000, []string{"epsilon=0.1", "planning=10", "q0=10"}},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			sets := append([]string{"gamma=0.9", "alpha=0.1"}, tc.sets...)
			r := runner(t, m, tc.agent, config(t, tc.agent, sets...), -1, tc.length, seed)
			for r.Steps < tc.budget {
				r.Step()
			}
			g := r.Agent.Greedy(make([]int, m.S))
			// Every action the agent could take greedily is optimal: ties
			// count only if all tied actions are.
			if share := opt.ShareQ(r.Agent.ActionValues(make([]float64, m.S*m.A))); share != 1 {
				t.Errorf("%s %v seed %d: optimal in %.0f%% of states after %d steps (gap %.3g)",
					tc.agent, tc.sets, seed, 100*share, tc.budget, opt.Gap(g))
			}
		}
	}
}

// MC Basic with one episode per state-action pair (the world is
// deterministic) reproduces Zhao's Figure 5.4, with the chapter's rewards
// (r_forbidden −10) and with the standard ones, γ 0.9.
//
// With episodes of length 1 a return is the immediate reward alone, so
// q(s,a) = r(s,a): v(s) = max_a q(s,a) is 1 in the target and the four cells
// that step into it, and 0 everywhere else (staying on a free cell, or
// leaving a forbidden one, pays 0). Only those five states get their
// optimal action; elsewhere every estimate is the same 0 and the greedy
// policy is not optimal everywhere.
//
// With episodes of 15 steps or more, after 12 iterations, the greedy
// policy is optimal in every state (by value iteration, as bellman solve).
func TestMCBasicFigure5_4(t *testing.T) {
	for _, src := range []string{zhao5x5f10, zhao5x5} {
		m := build(t, src)
		opt, err := agent.NewOptimum(m.Model, 0.9)
		if err != nil {
			t.Fatal(err)
		}
		tr, tc := 3, 2 // the target cell
		useful := map[int]bool{}
		for _, d := range [][2]int{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			useful[m.StateAt(tr+d[0], tc+d[1])] = true
		}
		c := config(t, "mc-basic", "gamma=0.9", "episodes=1")
		r := runner(t, m, "mc-basic", c, -1, 1, 1)
		for i := 0; i < m.S*m.A; i++ { // one iteration
			r.Step()
		}
		v := r.Agent.StateValues(make([]float64, m.S))
		g := r.Agent.Greedy(make([]int, m.S))
		for s := 0; s < m.S; s++ {
			row, col := m.RowCol(s)
			want := 0.0
			if useful[s] {
				want = 1
				if !opt.Optimal(s, g[s]) {
					t.Errorf("length 1: (%d,%d) next to the target takes %s, not optimal", row, col, grid.ActionNames[g[s]])
				}
			}
			if v[s] != want {
				t.Errorf("length 1: v(%d,%d) = %v, want %v", row, col, v[s], want)
			}
		}
		if share := opt.Share(g); share == 1 {
			t.Error("length 1: the greedy policy is optimal everywhere")
		}

		for _, length := range []int{15, 30, 100} {
			r := runner(t, m, "mc-basic", c, -1, length, 1)
			for i := 0; i < 12*m.S*m.A*length; i++ {
				r.Step()
			}
			g := r.Agent.Greedy(make([]int, m.S))
			if share := opt.Share(g); share != 1 {
				t.Errorf("length %d: greedy policy optimal in %.0f%% of states", length, 100*share)
			}
			// So is the policy π_12 that MC Basic evaluates next.
			pi := r.Agent.ActionProbs(make([]float64, m.S*m.A))
			for s := 0; s < m.S; s++ {
				for a := 0; a < m.A; a++ {
					if pi[s*m.A+a] == 1 && !opt.Optimal(s, a) {
						t.Errorf("length %d: π_12 takes %s in state %d, not optimal", length, grid.ActionNames[a], s)
					}
				}
			}
		}
	}
}

// greedyPath follows the greedy policy from the start and returns the cells
// visited, at most limit of them.
func greedyPath(m *grid.Model, g []int, limit int) [][2]int {
	var path [][2]int
	s := m.Start
	for len(path) < limit {
		r, c := m.RowCol(s)
		path = append(path, [2]int{r, c})
		if m.Terminal[s] {
			break
		}
		s, _ = m.Sample(s, g[s], 0)
	}
	return path
}

// Cliff walking (Sutton & Barto, Example 6.6) with ε 0.1 held fixed, α 0.5,
// γ 0.9 and q₀ 0 as in the book, 500 episodes from the start cell: Q-learning's greedy path is the
// optimal one along the edge — up, eleven steps right in row 2, down —
// while Sarsa, which learns the values of the ε-greedy policy it follows,
// takes a safe path that keeps off row 2 (next to the cliff) except in the
// first and the last column.
func TestCliffPaths(t *testing.T) {
	m := build(t, cliff4x12)
	edge := [][2]int{{3, 0}, {2, 0}}
	for c := 1; c <= 11; c++ {
		edge = append(edge, [2]int{2, c})
	}
	edge = append(edge, [2]int{3, 11})
	for seed := uint64(1); seed <= 5; seed++ {
		for _, name := range []string{"qlearning", "sarsa"} {
			r := runner(t, m, name, config(t, name, "epsilon=0.1", "epsilon-decay=1", "alpha=0.5", "gamma=0.9", "q0=0"), m.Start, 1000, seed)
			for r.Episode < 500 || !r.Ended() {
				r.Step()
			}
			path := greedyPath(m, r.Agent.Greedy(make([]int, m.S)), 100)
			last := path[len(path)-1]
			if last != [2]int{3, 11} {
				t.Errorf("%s seed %d: the greedy path does not reach the target: %v", name, seed, path)
				continue
			}
			if name == "qlearning" {
				if fmt.Sprint(path) != fmt.Sprint(edge) {
					t.Errorf("Q-learning seed %d: greedy path %v, want the edge %v", seed, path, edge)
				}
				continue
			}
			for _, cell := range path {
				if cell[0] == 2 && cell[1] != 0 && cell[1] != 11 {
					t.Errorf("Sarsa seed %d: the greedy path walks along the cliff at %v: %v", seed, cell, path)
					break
				}
			}
		}
	}
}
