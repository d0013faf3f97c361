package agent_test

import (
	"fmt"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/grid"
)

// A learning-quality case: the greedy policy of agent, run with settings
// sets (γ 0.9 added) in episodes of length steps from uniformly random
// starts, must be optimal in every state of the 5x5 world after budget
// steps, for seeds 1 to seeds. Each case was chosen on seeds 1 to 20, all
// of which reached the optimum within the budget and stayed there.
type quality struct {
	agent  string
	length int
	budget int
	seeds  uint64
	sets   []string
}

// checkOptimal runs each case and reports any seed whose agent does not act
// optimally everywhere: every action tied for its best (within
// agent.TieTolerance) must be optimal by value iteration (within
// agent.OptimalTolerance), as ShareQ decides.
func checkOptimal(t *testing.T, m *grid.Model, opt *agent.Optimum, cases []quality) {
	t.Helper()
	q := make([]float64, m.S*m.A)
	for _, tc := range cases {
		c := config(t, tc.agent, append([]string{"gamma=0.9"}, tc.sets...)...)
		for seed := uint64(1); seed <= tc.seeds; seed++ {
			r := runner(t, m, tc.agent, c, -1, tc.length, seed)
			for r.Steps < tc.budget {
				r.Step()
			}
			if share := opt.ShareQ(r.Agent.ActionValues(q)); share != 1 {
				var wrong []string
				for s := 0; s < m.S; s++ {
					if !opt.OptimalQ(s, q[s*m.A:(s+1)*m.A]) {
						row, col := m.RowCol(s)
						wrong = append(wrong, fmt.Sprintf("(%d,%d)", row, col))
					}
				}
				t.Errorf("%s %v seed %d: not optimal in %v after %d steps (gap %.3g)",
					tc.agent, tc.sets, seed, wrong, tc.budget, opt.Gap(r.Agent.Greedy(make([]int, m.S))))
			}
		}
	}
}

// egreedyOptimalQ returns the action values of the best ε-greedy policy of
// m (Zhao 5.4; Sutton & Barto 5.4, "ε-soft" policies), the fixed point of
//
//	q(s,a) = r(s,a) + γ Σ_s' p(s'|s,a) [(1−ε) max_a' q(s',a') + ε/|A| Σ_a' q(s',a')]
//
// found by iterating to max |Δq| < 1e-12. Expected Sarsa with a fixed ε
// converges to it.
func egreedyOptimalQ(m *grid.Model, eps, gamma float64) []float64 {
	q := make([]float64, m.S*m.A)
	v := make([]float64, m.S)
	for it := 0; it < 100_000; it++ {
		for s := 0; s < m.S; s++ {
			row := q[s*m.A : (s+1)*m.A]
			best, sum := row[0], 0.0
			for _, x := range row {
				sum += x
				if x > best {
					best = x
				}
			}
			v[s] = (1-eps)*best + eps*sum/float64(m.A)
		}
		delta := 0.0
		for sa := range q {
			x := m.R[sa]
			for k := 0; k < m.K; k++ {
				o := sa*m.K + k
				x += gamma * m.Prob[o] * v[m.Next[o]]
			}
			if d := x - q[sa]; d > delta {
				delta = d
			} else if -d > delta {
				delta = -d
			}
			q[sa] = x
		}
		if delta < 1e-12 {
			break
		}
	}
	return q
}

// The agents that TestOptimalOnZhao5x5 leaves out, on the same world (the
// book's 5x5, γ 0.9, continuing: episodes are cut at the stated length and
// start in a uniformly random state), seeds 1 to 5.
//
// The world is hard for an on-policy learner that samples its targets: the
// optimal action beats the next best by only 0.1 at (0,1) and (4,0) (a
// path one step longer against one through a forbidden cell), and under the
// ε-greedy policy with ε 0.1 by 0.08. A constant α large enough to learn in
// 10⁵ steps leaves the noise of sampled targets larger than that; decaying
// ε leaves the actions it stops trying at the values they had under the
// more exploratory policy, up to 1.4 below q*, while the greedy actions
// keep being updated. Measured on seeds 1 to 10 with q₀ 10: with α 0.1 and
// ε decaying from 0.1 by 0.9995 per episode to 0.01, n-step Sarsa reached
// the optimum within 300,000 steps for 1 seed and Sarsa(λ) for none; with ε
// 0.1 fixed and α 0.02, for 7 and 8. So n-step Sarsa and Sarsa(λ) act
// greedily (ε 0), which makes their returns exact in this deterministic
// world, and explore through optimistic initial values q₀ = 10 = max v*
// (Sutton & Barto 2.6): a pair is worth trying until tried often enough.
func TestTDOptimalOnZhao5x5(t *testing.T) {
	m := build(t, zhao5x5)
	opt, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	// Expected Sarsa learns the action values of the best ε-greedy policy;
	// with ε 0.1 its greedy policy is optimal in this world (it is not
	// with ε 0.2, at (0,2) above the forbidden cells).
	if share := opt.ShareQ(egreedyOptimalQ(m, 0.1, 0.9)); share != 1 {
		t.Fatalf("the best ε-greedy policy for ε 0.1 is greedy-optimal in only %.0f%% of states", 100*share)
	}
	if share := opt.ShareQ(egreedyOptimalQ(m, 0.2, 0.9)); share == 1 {
		t.Error("the best ε-greedy policy for ε 0.2 is greedy-optimal everywhere")
	}
	checkOptimal(t, m, opt, []quality{
		{"expected-sarsa", 10, 120_000, 5, []string{"alpha=0.1", "epsilon=0.1", "epsilon-decay=1", "q0=10"}},
		// Its update has no sampling noise in a deterministic world, so α 1
		// is safe (Sutton & Barto 6.6) and fastest.
		{"expected-sarsa", 10, 20_000, 5, []string{"alpha=1", "epsilon=0.1", "epsilon-decay=1", "q0=10"}},
		{"nstep-sarsa", 10, 60_000, 5, []string{"n=3", "alpha=0.05", "epsilon=0", "q0=10"}},
		{"sarsa-lambda", 10, 100_000, 5, []string{"lambda=0.8", "trace=accumulating", "alpha=0.03", "epsilon=0", "q0=10"}},
		{"sarsa-lambda", 10, 100_000, 5, []string{"lambda=0.8", "trace=replacing", "alpha=0.03", "epsilon=0", "q0=10"}},
		// Watkins's Q(λ) bootstraps from max q and cuts its traces after an
		// exploratory action, so it learns q* while acting ε-greedily.
		{"q-lambda", 10, 40_000, 5, []string{"lambda=0.8", "trace=accumulating", "alpha=0.1", "epsilon=0.1", "q0=10"}},
		{"q-lambda", 10, 40_000, 5, []string{"lambda=0.8", "trace=replacing", "alpha=0.1", "epsilon=0.1", "q0=10"}},
	})
}

// Expected Sarsa with ε 0.1 fixed and α 1 on the same world is
// asynchronous value iteration for the best ε-greedy policy: each update
// sets q(s,a) to its target, which has no sampling noise in a
// deterministic world. After 30,000 steps from q₀ 10 (episodes of 10
// steps), v(s) = max_a q(s,a) is within 0.01 of the value of egreedyOptimalQ
// in every state, for each of the seeds 1 to 5 (measured: within 0.002).
func TestExpectedSarsaValuesOnZhao5x5(t *testing.T) {
	m := build(t, zhao5x5)
	soft := egreedyOptimalQ(m, 0.1, 0.9)
	c := config(t, "expected-sarsa", "gamma=0.9", "alpha=1", "epsilon=0.1", "epsilon-decay=1", "q0=10")
	v := make([]float64, m.S)
	for seed := uint64(1); seed <= 5; seed++ {
		r := runner(t, m, "expected-sarsa", c, -1, 10, seed)
		for r.Steps < 30_000 {
			r.Step()
		}
		r.Agent.StateValues(v)
		for s := range v {
			want := soft[s*m.A]
			for _, x := range soft[s*m.A : (s+1)*m.A] {
				if x > want {
					want = x
				}
			}
			if !near(v[s], want, 0.01) {
				row, col := m.RowCol(s)
				t.Errorf("seed %d: v(%d,%d) = %.4f, want %.4f", seed, row, col, v[s], want)
			}
		}
	}
}

// Monte Carlo control on the same world, seeds 1 to 5 (3 for ε-greedy).
// Returns are cut at the episode length and never bootstrap, so a pair
// visited k steps before the end misses about γ^k·10 of its value, which
// matters against gaps of 0.1; and sample means (α 1/k) keep the returns of
// early, poor policies for a long time (measured: MC with exploring starts
// and 1/k reaches the optimum on 1 seed of 10 in 300,000 steps, with
// episodes of 30 or of 100). So these use a constant α.
//
// Exploring starts, then greedy: a deterministic policy in a deterministic
// world has no sampling noise in its returns, so α 0.5 is safe; episodes of
// 30 steps (20 is too short: 17 seeds of 20).
//
// ε-greedy (Zhao, Algorithm 5.3): the greedy policy of the best ε-greedy
// policy is optimal here for ε ≤ 0.1 (TestTDOptimalOnZhao5x5), but returns
// sampled with ε that large are too noisy to resolve its gaps of 0.08
// (measured: ε 0.1 fixed, none of 10 seeds in 10⁶ steps). So ε decays from
// 0.1 by 0.998 per episode to 0.001 (reached after about 14,000 steps), and
// the agent explores through q₀ = 10 with a small α 0.003: a pair stays
// valued above the others until tried many times. The test relies on that
// optimism and on short episodes, 6 steps, in which most visits come early:
// MC then values the actions explored late in an episode (near the target,
// after arriving) with returns cut short and keeps the greedy ones
// (measured, seeds 1 to 10: every-visit 8, 2 and 3 with episodes of 9, 12
// and 20 steps; first-visit 9, 7 and 7).
func TestMCOptimalOnZhao5x5(t *testing.T) {
	m := build(t, zhao5x5)
	opt, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	egreedy := []string{"alpha-schedule=constant", "alpha=0.003", "epsilon=0.1", "epsilon-decay=0.998", "epsilon-min=0.001", "q0=10"}
	checkOptimal(t, m, opt, []quality{
		{"mc-es", 30, 100_000, 5, []string{"visit=first-visit", "alpha-schedule=constant", "alpha=0.5"}},
		{"mc-es", 30, 100_000, 5, []string{"visit=every-visit", "alpha-schedule=constant", "alpha=0.5"}},
		{"mc-egreedy", 6, 1_000_000, 3, append([]string{"visit=first-visit"}, egreedy...)},
		{"mc-egreedy", 6, 1_000_000, 3, append([]string{"visit=every-visit"}, egreedy...)},
	})
}

// Prioritized sweeping plans from the pairs it has seen; the world is
// deterministic, so its model is exact. With q₀ 10 and α 0.1, as Dyna-Q in
// TestOptimalOnZhao5x5, it is optimal within 1,000 steps on every seed
// tried. With q₀ 0 it must find the pairs by ε-exploration, and α 1 makes
// each planning update a full backup of the model: with α < 1 a popped pair
// keeps (1−α) of its error until its next real visit or an update of its
// successor queues it again, as in Sutton & Barto's box (measured: α 0.1
// and q₀ 0 reach the optimum within 50,000 steps on 3 seeds of 10). Seeds
// 1 to 5.
func TestPrioritizedSweepingOptimalOnZhao5x5(t *testing.T) {
	m := build(t, zhao5x5)
	opt, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	checkOptimal(t, m, opt, []quality{
		{"prioritized-sweeping", 10, 5_000, 5, []string{"alpha=0.1", "epsilon=0.1", "planning=10", "q0=10"}},
		{"prioritized-sweeping", 10, 60_000, 5, []string{"alpha=1", "epsilon=0.1", "planning=10", "q0=0"}},
	})
}

// Cliff walking (Sutton & Barto, Example 6.6 and Figure 6.3) with ε 0.1
// held fixed and γ 0.9. Section 6.6: Expected Sarsa keeps Sarsa's advantage
// over Q-learning here, and as the transitions are deterministic it can
// take α = 1 without losing asymptotic performance. Its values converge to
// those of the best ε-greedy policy, whose greedy path, from
// egreedyOptimalQ, keeps off row 2 (next to the cliff) except in the first
// and the last column, as TestCliffPaths asks of Sarsa. After 200 episodes
// with α 1 from the start, the agent's greedy path is that path, for each
// of the seeds 1 to 5.
func TestExpectedSarsaCliff(t *testing.T) {
	m := build(t, cliff4x12)
	soft := egreedyOptimalQ(m, 0.1, 0.9)
	best := make([]int, m.S)
	for s := range best {
		row := soft[s*m.A : (s+1)*m.A]
		for a := range row {
			if row[a] > row[best[s]] {
				best[s] = a
			}
		}
	}
	want := greedyPath(m, best, 100)
	if want[len(want)-1] != [2]int{3, 11} {
		t.Fatalf("the best ε-greedy policy does not reach the target: %v", want)
	}
	for _, cell := range want {
		if cell[0] == 2 && cell[1] != 0 && cell[1] != 11 {
			t.Fatalf("the best ε-greedy policy walks along the cliff at %v: %v", cell, want)
		}
	}
	for seed := uint64(1); seed <= 5; seed++ {
		r := runner(t, m, "expected-sarsa", config(t, "expected-sarsa", "epsilon=0.1", "epsilon-decay=1", "alpha=1", "gamma=0.9", "q0=0"), m.Start, 1000, seed)
		for r.Episode < 200 || !r.Ended() {
			r.Step()
		}
		path := greedyPath(m, r.Agent.Greedy(make([]int, m.S)), 100)
		if fmt.Sprint(path) != fmt.Sprint(want) {
			t.Errorf("seed %d: greedy path %v, want %v", seed, path, want)
		}
	}
}

// maxVStar returns max_s v*(s) of m for γ.
func maxVStar(t *testing.T, m *grid.Model, gamma float64) float64 {
	t.Helper()
	opt, err := agent.NewOptimum(m.Model, gamma)
	if err != nil {
		t.Fatal(err)
	}
	best := opt.V[0]
	for _, v := range opt.V {
		best = max(best, v)
	}
	return best
}

// Every agent's defaults (DefaultConfig, episodes of EpisodeLength steps
// from random starts) make its greedy policy optimal in every state of the
// book's 5x5 world, γ 0.9, within the stated steps and for as many steps
// again (checked at every episode's end, as bellman train does;
// BENCHMARKS.md's runs go on to 200,000), for seeds 1 to 5 and the issue's
// 11, 51 and 52. The budgets are the slowest seed's steps from
// BENCHMARKS.md, rounded up; the optimistic q₀ is max v* = 1/(1 − 0.9).
//
// Monte Carlo ε-greedy is the exception BENCHMARKS.md explains (returns cut
// at the episode length, and noisy where the margins are 0.1): with its
// defaults it is optimal in at least 88% of the states at 200,000 steps on
// each of these seeds, and in all of them on some.
func TestDefaultsReachOptimum(t *testing.T) {
	m := build(t, zhao5x5)
	opt, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if q0, v := agent.DefaultConfig("qlearning").Q0, maxVStar(t, m, 0.9); !near(q0, v, 1e-9) {
		t.Errorf("default q₀ %v, max v* %v", q0, v)
	}
	budget := map[string]int{
		"mc-basic": 20_000, "mc-es": 50_000, "sarsa": 40_000, "expected-sarsa": 40_000,
		"nstep-sarsa": 75_000, "qlearning": 30_000, "sarsa-lambda": 55_000, "q-lambda": 25_000,
		"dyna-q": 1_500, "prioritized-sweeping": 1_000,
	}
	q := make([]float64, m.S*m.A)
	for _, name := range agent.Names() {
		full, steps := 0, 2*budget[name]
		if name == "mc-egreedy" {
			steps = 200_000
		}
		for _, seed := range []uint64{1, 2, 3, 4, 5, 11, 51, 52} {
			r := runner(t, m, name, agent.DefaultConfig(name), -1, agent.EpisodeLength(name), seed)
			lastWrong, share := 0, 0.0
			for r.Steps < steps {
				if !r.Step().Ended() {
					continue
				}
				if share = opt.ShareQ(r.Agent.ActionValues(q)); share < 1 {
					lastWrong = r.Steps
				}
			}
			if name == "mc-egreedy" {
				if share < 0.88 {
					t.Errorf("%s seed %d: optimal in %.0f%% of states after %d steps", name, seed, 100*share, steps)
				}
				if share == 1 {
					full++
				}
				continue
			}
			if lastWrong > budget[name] {
				t.Errorf("%s seed %d: not optimal everywhere at the end of an episode at step %d (budget %d), %.0f%% at the end",
					name, seed, lastWrong, budget[name], 100*share)
			}
		}
		if name == "mc-egreedy" && full == 0 {
			t.Errorf("%s: optimal everywhere on none of the seeds", name)
		}
	}
}
