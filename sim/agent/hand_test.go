package agent_test

import (
	"testing"

	"bellman/sim/agent"
)

// Hand-computed updates. The tests feed transitions to an agent directly
// (Begin, Act, Learn) and compare q with numbers worked out by hand from the
// update rules of Sutton & Barto (2nd ed.) and Zhao, written out in the
// comments. One action per state makes every choice forced.

const handTol = 1e-12

func checkQ(t *testing.T, what string, q []float64, want ...float64) {
	t.Helper()
	for i, w := range want {
		if !near(q[i], w, handTol) {
			t.Errorf("%s: q[%d] = %.15g, want %.15g", what, i, q[i], w)
		}
	}
}

// step feeds one transition from the current state.
func step(a agent.Agent, r float64, next int, term, trunc bool) float64 {
	a.Act()
	return a.Learn(r, next, term, trunc)
}

// Sarsa(λ) on a loop 0 → 1 → 0 → 2 (terminal) with rewards 1, 0, 2;
// α 0.5, γ 0.9, λ 0.8 (γλ = 0.72), q₀ 0.
//
//	step 1: δ = 1 + 0.9·q(1) − q(0) = 1;        e(0) = 1
//	        q(0) = 0.5·1·1 = 0.5;               then e(0) = 0.72
//	step 2: δ = 0 + 0.9·0.5 − q(1) = 0.45;      e(1) = 1
//	        q(0) = 0.5 + 0.5·0.45·0.72 = 0.662; q(1) = 0.5·0.45·1 = 0.225
//	        then e(0) = 0.5184, e(1) = 0.72
//	step 3: δ = 2 − q(0) = 1.338 (terminal: no bootstrap)
//	  accumulating: e(0) = 0.5184 + 1 = 1.5184
//	        q(0) = 0.662 + 0.5·1.338·1.5184 = 1.6778096
//	  replacing:    e(0) = 1
//	        q(0) = 0.662 + 0.5·1.338·1 = 1.331
//	  both: q(1) = 0.225 + 0.5·1.338·0.72 = 0.70668
//
// A single δ moves both pairs. Moving each traced pair toward its own
// target instead (the known bug) would give q(1) = 0.225 + 0.5·0.72·(0 +
// 0.9·q(0) − q(1)), a different number.
func TestSarsaLambdaByHand(t *testing.T) {
	m := chain(t, 1, []int{1, 0, 2}, 2)
	for _, tc := range []struct {
		trace agent.Trace
		q0    float64
	}{{agent.Accumulating, 1.6778096}, {agent.Replacing, 1.331}} {
		c := agent.DefaultConfig("sarsa-lambda")
		c.Alpha, c.Gamma, c.Lambda, c.Trace, c.Q0 = 0.5, 0.9, 0.8, tc.trace, 0
		a := newAgent(t, "sarsa-lambda", m, c, 1)
		a.Begin(0)
		if d := step(a, 1, 1, false, false); !near(d, 1, handTol) {
			t.Errorf("δ1 = %v, want 1", d)
		}
		checkQ(t, "after step 1", a.Table(), 0.5, 0)
		tr := a.(agent.Tracer).Traces(nil)
		checkQ(t, "traces after step 1", tr, 0.72, 0)
		if d := step(a, 0, 0, false, false); !near(d, 0.45, handTol) {
			t.Errorf("δ2 = %v, want 0.45", d)
		}
		checkQ(t, "after step 2", a.Table(), 0.662, 0.225)
		if d := step(a, 2, 2, true, false); !near(d, 1.338, handTol) {
			t.Errorf("δ3 = %v, want 1.338", d)
		}
		checkQ(t, "after step 3", a.Table(), tc.q0, 0.70668)
		tr = a.(agent.Tracer).Traces(tr)
		checkQ(t, "traces after the episode", tr, 0, 0, 0)
	}
}

// Watkins's Q(λ) with two actions, α 0.5, γ 0.9, λ 0.8, ε 1 (every action
// drawn uniformly, so a' is sometimes exploratory). q(0,·) = (1, 0),
// q(1,·) = (2, 0); state 2 is terminal. Episode: 0 → 1 (r 0) → 2 (r 1).
//
//	step 1 (action a in state 0): δ1 = 0 + 0.9·max q(1,·) − q(0,a) = 1.8 − q(0,a)
//	        q(0,a) += 0.5·δ1; e(0,a) = 1, then 0.72 if a' = 0 (greedy in state 1), else 0
//	step 2 (action a' in state 1): δ2 = 1 − q(1,a'); q(1,a') += 0.5·δ2;
//	        q(0,a) += 0.5·δ2·e(0,a)
func TestWatkinsQLambdaByHand(t *testing.T) {
	m := chain(t, 2, []int{1, 2, 2}, 2)
	c := agent.DefaultConfig("q-lambda")
	c.Alpha, c.Gamma, c.Lambda, c.Epsilon, c.Q0 = 0.5, 0.9, 0.8, 1, 0
	seen := map[bool]bool{}
	for seed := uint64(1); seed <= 16; seed++ {
		a := newAgent(t, "q-lambda", m, c, seed)
		q := a.Table()
		copy(q, []float64{1, 0, 2, 0})
		a.Begin(0)
		act := a.Act()
		a.Learn(0, 1, false, false)
		next := a.Act()
		a.Learn(1, 2, true, false)

		want := []float64{1, 0, 2, 0}
		d1 := 1.8 - want[act]
		want[act] += 0.5 * d1
		e := 0.0
		if next == 0 {
			e = 0.72
		}
		d2 := 1 - want[2+next]
		want[2+next] += 0.5 * d2
		want[act] += 0.5 * d2 * e
		checkQ(t, "Q(λ)", q, want...)
		seen[next == 0] = true
	}
	if !seen[true] || !seen[false] {
		t.Errorf("the seeds did not exercise both a greedy and an exploratory a' (%v)", seen)
	}
}

// n-step Sarsa, n = 2, α 0.5, γ 0.9, one action, states 0..3 (3 terminal).
//
// Episode 1: 0 → 1 → 2 → 3 with rewards 1, 2, 3 (terminates at T = 3).
//
//	after step 2 (τ = 0): G = 1 + 0.9·2 + 0.81·q(2) = 2.8;  q(0) = 0.5·2.8 = 1.4
//	at the end  (τ = 1): G = 2 + 0.9·3 = 4.7 (no bootstrap); q(1) = 2.35
//	            (τ = 2): G = 3;                             q(2) = 1.5
//
// Episode 2: 0 → 1 → 2 with rewards 0, 0, truncated at T = 2: the tail
// bootstraps from q(2) = 1.5.
//
//	(τ = 0): G = 0 + 0 + 0.81·1.5 = 1.215; q(0) = 1.4 + 0.5·(1.215 − 1.4) = 1.3075
//	(τ = 1): G = 0 + 0.9·1.5 = 1.35;       q(1) = 2.35 + 0.5·(1.35 − 2.35) = 1.85
func TestNStepSarsaByHand(t *testing.T) {
	m := chain(t, 1, []int{1, 2, 3, 3}, 3)
	c := agent.DefaultConfig("nstep-sarsa")
	c.Alpha, c.Gamma, c.N, c.Q0 = 0.5, 0.9, 2, 0
	a := newAgent(t, "nstep-sarsa", m, c, 1)
	a.Table()[3] = 100 // a terminal state's value must never be used
	a.Begin(0)
	if d := step(a, 1, 1, false, false); d != 0 {
		t.Errorf("step 1 updated something (|δ| %v)", d)
	}
	checkQ(t, "after step 1", a.Table(), 0, 0, 0)
	step(a, 2, 2, false, false)
	checkQ(t, "after step 2", a.Table(), 1.4, 0, 0)
	step(a, 3, 3, true, false)
	checkQ(t, "after episode 1", a.Table(), 1.4, 2.35, 1.5)

	a.Begin(0)
	step(a, 0, 1, false, false)
	checkQ(t, "after step 1 of episode 2", a.Table(), 1.4, 2.35, 1.5)
	step(a, 0, 2, false, true)
	checkQ(t, "after episode 2", a.Table(), 1.3075, 1.85, 1.5)
}

// One-step methods on a step 0 → 1 with reward 1, q(1) = 2, α 0.5, γ 0.9:
// a truncated step bootstraps, q(0) = 0.5·(1 + 0.9·2) = 1.4; a terminated
// one does not, q(0) = 0.5·1 = 0.5.
func TestTerminalVersusTruncated(t *testing.T) {
	m := chain(t, 1, []int{1, 1})
	for _, name := range []string{"sarsa", "expected-sarsa", "qlearning", "sarsa-lambda", "q-lambda", "dyna-q", "nstep-sarsa"} {
		for _, term := range []bool{false, true} {
			c := agent.DefaultConfig(name)
			c.Alpha, c.Gamma, c.N, c.Planning, c.Q0 = 0.5, 0.9, 1, 0, 0
			a := newAgent(t, name, m, c, 1)
			a.Table()[1] = 2
			a.Begin(0)
			step(a, 1, 1, term, !term)
			want := 1.4
			if term {
				want = 0.5
			}
			checkQ(t, name, a.Table(), want)
		}
	}
}

// Expected Sarsa with two actions, ε 0.2, α 0.5, γ 0.9 and q(1,·) = (4, 2):
// Σ π(a'|1) q(1,a') = (0.8 + 0.1)·4 + 0.1·2 = 3.8, so from q(0,a) = 0 a
// step 0 → 1 with reward 1 gives q(0,a) = 0.5·(1 + 0.9·3.8) = 2.21.
func TestExpectedSarsaByHand(t *testing.T) {
	m := chain(t, 2, []int{1, 1})
	c := agent.DefaultConfig("expected-sarsa")
	c.Alpha, c.Gamma, c.Epsilon, c.EpsilonDecay, c.Q0 = 0.5, 0.9, 0.2, 1, 0
	a := newAgent(t, "expected-sarsa", m, c, 1)
	copy(a.Table(), []float64{0, 0, 4, 2})
	a.Begin(0)
	act := a.Act()
	a.Learn(1, 1, false, false)
	if q := a.Table()[act]; !near(q, 2.21, handTol) {
		t.Errorf("q(0,%d) = %v, want 2.21", act, q)
	}
	pi := a.ActionProbs(make([]float64, 4))
	checkQ(t, "π(·|1)", pi[2:], 0.9, 0.1)
}

// Monte Carlo on the loop 0 → 1 → 0 → 2 (terminal) with rewards 1, 0, 2,
// γ 0.9, α = 1/k (sample means). Returns, backwards: G2 = 2 (state 0),
// G1 = 0 + 0.9·2 = 1.8 (state 1), G0 = 1 + 0.9·1.8 = 2.62 (state 0).
// First-visit: q(0) = 2.62, q(1) = 1.8. Every-visit: q(0) = (2.62 + 2)/2 = 2.31.
// A second, identical episode leaves the means unchanged.
func TestMonteCarloByHand(t *testing.T) {
	m := chain(t, 1, []int{1, 0, 2}, 2)
	for _, tc := range []struct {
		visit agent.Visit
		q0    float64
	}{{agent.FirstVisit, 2.62}, {agent.EveryVisit, 2.31}} {
		c := agent.DefaultConfig("mc-egreedy")
		c.Gamma, c.Visit, c.Schedule, c.Q0 = 0.9, tc.visit, agent.OneOverK, 0
		a := newAgent(t, "mc-egreedy", m, c, 1)
		for ep := 0; ep < 2; ep++ {
			a.Begin(0)
			if d := step(a, 1, 1, false, false); d != 0 {
				t.Errorf("an update before the episode ended (%v)", d)
			}
			step(a, 0, 0, false, false)
			step(a, 2, 2, true, false)
			checkQ(t, "MC", a.Table(), tc.q0, 1.8)
		}
	}
}

// MC Basic on a model with one state and actions (bad, good): the
// episodes of an iteration start at (0, bad) then (0, good). With episode
// length 2 and γ 0.5, a return is r1 + 0.5·r2 where the second step
// follows π_0 (action 0, bad: reward −1 every step).
//
//	(0, bad):  −1 + 0.5·(−1) = −1.5
//	(0, good):  1 + 0.5·(−1) =  0.5     → π_1(0) = good
//	iteration 2: (0, bad) = −1 + 0.5·1 = −0.5; (0, good) = 1 + 0.5 = 1.5
func TestMCBasicByHand(t *testing.T) {
	m := chain(t, 2, []int{0})
	c := agent.DefaultConfig("mc-basic")
	c.Gamma = 0.5
	a := newAgent(t, "mc-basic", m, c, 1)
	reward := []float64{-1, 1}
	for ep, want := range [][]float64{{-1.5, 0}, {-1.5, 0.5}, {-0.5, 0.5}, {-0.5, 1.5}} {
		if s := a.Begin(0); s != 0 {
			t.Fatalf("start state %d", s)
		}
		first := a.Act()
		if first != ep%2 {
			t.Errorf("episode %d starts with action %d, want %d", ep, first, ep%2)
		}
		a.Learn(reward[first], 0, false, false)
		a.Learn(reward[a.Act()], 0, false, true)
		checkQ(t, "MC Basic", a.Table(), want...)
	}
	pi := a.ActionProbs(make([]float64, 2))
	checkQ(t, "π_2", pi, 0, 1)
}

// Dyna-Q after a single step 0 → 1 (terminal) with reward 1, α 0.5 and 3
// planning updates, all of the only pair seen: q = 1 − 0.5⁴ = 0.9375
// (each update halves the distance to 1).
func TestDynaQByHand(t *testing.T) {
	m := chain(t, 1, []int{1, 1}, 1)
	c := agent.DefaultConfig("dyna-q")
	c.Alpha, c.Planning, c.Q0 = 0.5, 3, 0
	a := newAgent(t, "dyna-q", m, c, 1)
	a.Begin(0)
	if d := step(a, 1, 1, true, false); d != 1 {
		t.Errorf("|δ| of the real step = %v, want 1", d)
	}
	checkQ(t, "Dyna-Q", a.Table(), 0.9375)
}

// Prioritized sweeping on the chain 0 → 1 → 2 → 3 (terminal), reward 1 on
// the last step, α 0.5, γ 0.9, θ 1e-9. The first two steps have TD error 0
// and queue nothing. The last queues (2) with priority 1; planning then
// sweeps backwards through the predecessors:
//
//	pop 2: q(2) = 0.5·1 = 0.5;        queue 1 with |0 + 0.9·0.5 − 0| = 0.45
//	pop 1: q(1) = 0.5·0.45 = 0.225;   queue 0 with 0.9·0.225 = 0.2025
//	pop 0: q(0) = 0.5·0.2025 = 0.10125; state 0 has no predecessors
//
// With 2 planning updates per step the sweep stops before state 0, which
// stays queued.
func TestPrioritizedSweepingByHand(t *testing.T) {
	m := chain(t, 1, []int{1, 2, 3, 3}, 3)
	for _, tc := range []struct {
		planning int
		want     []float64
		queued   int
	}{{10, []float64{0.10125, 0.225, 0.5}, 0}, {2, []float64{0, 0.225, 0.5}, 1}} {
		c := agent.DefaultConfig("prioritized-sweeping")
		c.Alpha, c.Gamma, c.Theta, c.Planning, c.Q0 = 0.5, 0.9, 1e-9, tc.planning, 0
		a := newAgent(t, "prioritized-sweeping", m, c, 1)
		a.Begin(0)
		step(a, 0, 1, false, false)
		step(a, 0, 2, false, false)
		checkQ(t, "before the reward", a.Table(), 0, 0, 0)
		if p := step(a, 1, 3, true, false); p != 1 {
			t.Errorf("priority of the last step %v, want 1", p)
		}
		checkQ(t, "prioritized sweeping", a.Table(), tc.want...)
		if n := a.(interface{ Queued() int }).Queued(); n != tc.queued {
			t.Errorf("planning %d: %d pairs queued, want %d", tc.planning, n, tc.queued)
		}
	}
}
