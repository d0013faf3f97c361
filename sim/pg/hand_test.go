package pg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Hand-computed single updates. The agent is placed in a state with a
// chosen action (what Act would have drawn), then Learn is called; every
// expected number below is worked out in the comments.

func handAgent(t *testing.T, m Method, c Config) *Agent {
	t.Helper()
	a, err := NewAgent(2, 2, c, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	a.Begin(0)
	return a
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

// A2C: π(·|0) = (½, ½), v̂ = (0, 2), γ 0.9, r = 1, action 0 to state 1.
// δ = 1 + 0.9·2 − 0 = 2.8; ∇log π(0|0) = (½, −½); with α_θ 0.1 the
// preferences move by ±0.1·2.8·½ = ±0.14; v̂(0) = 0 + 0.5·2.8 = 1.4; the
// estimate holds δ∇log π = (1.4, −1.4).
func TestA2CByHand(t *testing.T) {
	c := Default(A2C)
	c.Alpha, c.AlphaW = 0.1, 0.5
	a := handAgent(t, A2C, c)
	a.v[1] = 2
	a.a = 0
	if err := a.Learn(1, 1, false, false); math.Abs(err-2.8) > 1e-12 {
		t.Errorf("|δ| = %v, want 2.8", err)
	}
	near(t, "h(0,0)", a.pol.H[0], 0.14)
	near(t, "h(0,1)", a.pol.H[1], -0.14)
	near(t, "v̂(0)", a.v[0], 1.4)
	near(t, "ĝ(0,0)", a.est[0], 1.4)
	near(t, "ĝ(0,1)", a.est[1], -1.4)
	if a.s != 1 {
		t.Errorf("state %d after the step, want 1", a.s)
	}
	// A terminated step does not bootstrap: from state 1 (v̂ 2), r = 1,
	// δ = 1 − 2 = −1; with γᵗ off the weight stays 1.
	a.a = 1
	a.Learn(1, 0, true, false)
	near(t, "v̂(1) after termination", a.v[1], 2-0.5)
}

// Off-policy actor-critic: h(0) = (ln 3, 0), so π = (¾, ¼); behaviour mix
// 1 gives β = (½, ½). Action 1 taken: ρ = ¼ / ½ = ½. v̂ = (0.5, 1), r = 1,
// γ 0.9: δ = 1 + 0.9 − 0.5 = 1.4, ρδ = 0.7. ∇log π(1|0) = (0 − ¾, 1 − ¼) =
// (−0.75, 0.75). With α_θ 0.1, h moves by 0.1·0.7·(−0.75, 0.75) =
// (−0.0525, 0.0525); v̂(0) = 0.5 + α_w ρ δ = 0.5 + 0.5·0.7 = 0.85.
// With mix ½, β = ½π + ¼ = (0.625, 0.375): ρ = 0.75/0.625 for action 0 and
// 0.25/0.375 = ⅔ for action 1.
func TestOffPolicyByHand(t *testing.T) {
	c := Default(OffPolicyAC)
	c.Alpha, c.AlphaW = 0.1, 0.5
	a := handAgent(t, OffPolicyAC, c)
	a.pol.H[0] = math.Log(3)
	a.v[0], a.v[1] = 0.5, 1
	a.a, a.piA, a.bA = 1, 0.25, 0.5 // what Act records for action 1
	a.Learn(1, 1, false, false)
	near(t, "h(0,0)", a.pol.H[0], math.Log(3)-0.0525)
	near(t, "h(0,1)", a.pol.H[1], 0.0525)
	near(t, "v̂(0)", a.v[0], 0.85)
	near(t, "ĝ(0,1)", a.est[1], 0.7*0.75)

	// Act records π and β of the action it draws: check the ratio for
	// mix ½ on both actions.
	c.Mix = 0.5
	b := handAgent(t, OffPolicyAC, c)
	b.pol.H[0] = math.Log(3)
	seen := [2]bool{}
	for i := 0; i < 200 && !(seen[0] && seen[1]); i++ {
		b.Begin(0)
		act := b.Act()
		seen[act] = true
		want := [2]float64{0.75 / 0.625, 0.25 / 0.375}[act]
		near(t, "ρ", b.piA/b.bA, want)
	}
	beta := b.Behaviour(make([]float64, 2), 0)
	near(t, "β(0)", beta[0], 0.625)
	near(t, "β(1)", beta[1], 0.375)
}

// QAC: π(·|0) = (½, ½), q̂(0,0) = 0.5 and q̂(1,·) = 1 (so the sampled next
// action does not matter), r = 1, γ 0.9. Actor: h moves by
// α_θ q̂(0,0) ∇log π(0|0) = 0.1·0.5·(½, −½) = (0.025, −0.025). Critic:
// δ = 1 + 0.9·1 − 0.5 = 1.4, q̂(0,0) = 0.5 + 0.5·1.4 = 1.2. The next Act
// returns the action Learn drew for state 1.
func TestQACByHand(t *testing.T) {
	c := Default(QAC)
	c.Alpha, c.AlphaW = 0.1, 0.5
	a := handAgent(t, QAC, c)
	a.q[0], a.q[2], a.q[3] = 0.5, 1, 1
	a.a = 0
	if err := a.Learn(1, 1, false, false); math.Abs(err-1.4) > 1e-12 {
		t.Errorf("|δ| = %v, want 1.4", err)
	}
	near(t, "h(0,0)", a.pol.H[0], 0.025)
	near(t, "h(0,1)", a.pol.H[1], -0.025)
	near(t, "q̂(0,0)", a.q[0], 1.2)
	if next := a.next; next < 0 || a.Act() != next {
		t.Errorf("QAC did not act with the next action it bootstrapped from (%d)", next)
	}
}

// REINFORCE on a three-step episode by hand, γ = ½, two states, π uniform:
// (s, a, r) = (0, 0, 0), (1, 1, 0), (0, 0, 1). Returns G = (¼, ½, 1), γᵗ
// weights (1, ½, ¼). ∇log π(0|·) = (½, −½), ∇log π(1|·) = (−½, ½).
//
//	no baseline: ĝ(0,·) = 1·¼·(½,−½) + ¼·1·(½,−½) = (¼, −¼)
//	             ĝ(1,·) = ½·½·(−½,½) = (−⅛, ⅛)
//	learned b = v̂ = (0.2, 0.4): ĝ(0,·) = [(¼−0.2) + ¼(1−0.2)]·(½,−½) = (0.125, −0.125)
//	             ĝ(1,·) = ½(½−0.4)·(−½,½) = (−0.025, 0.025)
//	then v̂(0) ← 0.2 + ½(¼ − 0.2) = 0.225, v̂(1) ← 0.4 + ½(½ − 0.4) = 0.45,
//	     v̂(0) ← 0.225 + ½(1 − 0.225) = 0.6125 (α_w ½, in time order)
//	mean baseline: 0 during the first episode, then the mean of (¼, ½, 1) = 7/12.
//
// With α_θ 0.2 the preferences are 0.2 ĝ.
func TestReinforceByHand(t *testing.T) {
	steps := []struct {
		s, a int
		r    float64
	}{{0, 0, 0}, {1, 1, 0}, {0, 0, 1}}
	run := func(m Method, base Baseline, v0 []float64) *Agent {
		c := Default(m)
		c.Gamma, c.Alpha, c.AlphaW, c.Baseline = 0.5, 0.2, 0.5, base
		a := handAgent(t, m, c)
		if v0 != nil {
			copy(a.v, v0)
		}
		for i, st := range steps {
			a.s, a.a = st.s, st.a
			next := 0
			if i+1 < len(steps) {
				next = steps[i+1].s
			}
			a.Learn(st.r, next, false, i == len(steps)-1)
		}
		return a
	}
	a := run(Reinforce, Learned, nil)
	for i, want := range []float64{0.25, -0.25, -0.125, 0.125} {
		near(t, "REINFORCE ĝ", a.est[i], want)
		near(t, "REINFORCE h", a.pol.H[i], 0.2*want)
	}
	b := run(ReinforceBaseline, Learned, []float64{0.2, 0.4})
	for i, want := range []float64{0.125, -0.125, -0.025, 0.025} {
		near(t, "learned-baseline ĝ", b.est[i], want)
	}
	near(t, "v̂(0)", b.v[0], 0.6125)
	near(t, "v̂(1)", b.v[1], 0.45)
	c := run(ReinforceBaseline, Mean, nil)
	for i, want := range []float64{0.25, -0.25, -0.125, 0.125} {
		near(t, "mean-baseline ĝ (first episode, b = 0)", c.est[i], want)
	}
	near(t, "mean return", c.mean, 7.0/12)
}

// A NaN reward is caught and named.
func TestDivergenceNamed(t *testing.T) {
	a := handAgent(t, A2C, Default(A2C))
	a.a = 0
	a.Learn(math.NaN(), 1, false, false)
	if what, s := a.Diverged(); what == "" || s != 0 {
		t.Errorf("Diverged() = %q, %d; want a message for state 0", what, s)
	}
}

// The entropy bonus moves h(s,·) along ∇H(π(·|s)): for π = (¾, ¼),
// ∂H/∂h(b) = −π(b)(log π(b) + H) = ∓¾·(ln ¾ + 0.5623351446) = ∓0.2059897…,
// and it matches finite differences of Policy.Entropy on a random row.
func TestEntropyGradient(t *testing.T) {
	a := handAgent(t, A2C, Default(A2C))
	a.pol.H[0] = math.Log(3)
	a.entropyStep(0, 1) // h += 1·∇H
	want := -0.75 * (math.Log(0.75) + 0.5623351446188083)
	near(t, "∂H/∂h(0)", a.pol.H[0]-math.Log(3), want)
	near(t, "∂H/∂h(1)", a.pol.H[1], -want)

	p := NewPolicy(1, 5)
	copy(p.H, []float64{0.3, -1.2, 2, 0, 0.7})
	b := &Agent{pol: p, A: 5, row: make([]float64, 5)}
	before := append([]float64(nil), p.H...)
	b.entropyStep(0, 1)
	const eps = 1e-6
	for i := range before {
		q := &Policy{S: 1, A: 5, H: append([]float64(nil), before...)}
		q.H[i] += eps
		up := q.Entropy(0)
		q.H[i] -= 2 * eps
		down := q.Entropy(0)
		if fd := (up - down) / (2 * eps); math.Abs(fd-(p.H[i]-before[i])) > 1e-9 {
			t.Errorf("∂H/∂h(%d): %v, finite differences %v", i, p.H[i]-before[i], fd)
		}
	}
}
