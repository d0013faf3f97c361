package prefs_test

import (
	"math"
	"testing"

	"bellman/sim/prefs"
)

// Returns are Σ γ^t r(s_t, a_t). On zhao-5x5: (0,0) —right→ (0,1) pays 0,
// —down→ the forbidden (1,1) −1, —up→ (0,1) 0, —up→ the boundary −1.
func TestReturn(t *testing.T) {
	g := build(t, zhao5x5)
	s := func(r, c int) int { return g.StateAt(r, c) }
	tr := prefs.Trajectory{States: []int{s(0, 0), s(0, 1), s(1, 1), s(0, 1), s(0, 1)}, Actions: []int{1, 2, 0, 0}}
	want := 0 + 0.9*-1 + 0.81*0 + 0.729*-1
	if got := prefs.Return(g.Model, tr, 0.9); !near(got, want, 1e-15) {
		t.Errorf("return %v, want %v", got, want)
	}
}

func TestJudge(t *testing.T) {
	for _, c := range []struct {
		j          prefs.Judge
		gA, gB, u  float64
		prob, want float64
	}{
		{prefs.Judge{Kind: prefs.BradleyTerry, Beta: 2}, 1, 0.5, 0.7, 1 / (1 + math.Exp(-1)), 1},
		{prefs.Judge{Kind: prefs.BradleyTerry, Beta: 2}, 1, 0.5, 0.75, 1 / (1 + math.Exp(-1)), 0},
		{prefs.Judge{Kind: prefs.Expected, Beta: 0.5}, -1, 1, 0.1, 1 / (1 + math.Exp(1)), 1 / (1 + math.Exp(1))},
		{prefs.Judge{Kind: prefs.Noiseless}, 3, 2.9, 0.99, 1, 1},
		{prefs.Judge{Kind: prefs.Noiseless}, 2.9, 3, 0.01, 0, 0},
		{prefs.Judge{Kind: prefs.Noiseless}, 0.1 + 0.2, 0.3, 0.5, 0.5, 0.5}, // a tie within rounding
	} {
		if p := c.j.Prob(c.gA, c.gB); !near(p, c.prob, 1e-15) {
			t.Errorf("%v %v vs %v: prob %v, want %v", c.j, c.gA, c.gB, p, c.prob)
		}
		if l := c.j.Label(c.gA, c.gB, c.u); !near(l, c.want, 1e-15) {
			t.Errorf("%v %v vs %v u %v: label %v, want %v", c.j, c.gA, c.gB, c.u, l, c.want)
		}
	}
	if err := (prefs.Judge{Kind: prefs.BradleyTerry, Beta: 0}).Validate(); err == nil {
		t.Error("β_j 0 accepted")
	}
}

// The sampler's pairs start together, follow the dynamics, run their
// length, and their actions come from π_ref: with π_ref = (0.7, 0.1, 0.1,
// 0.05, 0.05) everywhere, 70% of the actions are up (within 5 standard
// errors).
func TestSampler(t *testing.T) {
	g := build(t, zhao5x5)
	ref := make([]float64, g.S*g.A)
	for s := 0; s < g.S; s++ {
		copy(ref[s*g.A:], []float64{0.7, 0.1, 0.1, 0.05, 0.05})
	}
	l := generate(t, g, ref, prefs.Judge{Kind: prefs.Noiseless}, 400, 12, 3)
	if err := l.Validate(g); err != nil {
		t.Fatal(err)
	}
	up, n := 0, 0
	for i, p := range l.Pairs {
		if p.A.States[0] != p.B.States[0] {
			t.Fatalf("pair %d starts in %d and %d", i, p.A.States[0], p.B.States[0])
		}
		if p.A.Len() != 12 || p.B.Len() != 12 {
			t.Fatalf("pair %d has %d and %d steps", i, p.A.Len(), p.B.Len())
		}
		ga, gb := prefs.Return(g.Model, p.A, 0.9), prefs.Return(g.Model, p.B, 0.9)
		if want := (prefs.Judge{Kind: prefs.Noiseless}).Prob(ga, gb); p.P != want {
			t.Fatalf("pair %d: label %v for returns %v, %v", i, p.P, ga, gb)
		}
		for _, a := range append(p.A.Actions, p.B.Actions...) {
			if a == 0 {
				up++
			}
			n++
		}
	}
	share := float64(up) / float64(n)
	if se := math.Sqrt(0.7 * 0.3 / float64(n)); math.Abs(share-0.7) > 5*se {
		t.Errorf("share of up %v, want 0.7 ± %v", share, 5*se)
	}
}

// Episodic trajectories stop at the terminal cell; pairs drawn with
// independent starts do not all share theirs.
func TestSamplerTerminalAndIndependentStarts(t *testing.T) {
	g := build(t, cliff4x12)
	pairs, _ := prefs.Streams(1)
	s, err := prefs.NewSampler(g.Model, prefs.Uniform(g.S, g.A), -1, 200, false, pairs)
	if err != nil {
		t.Fatal(err)
	}
	apart, ended := 0, 0
	for i := 0; i < 200; i++ {
		p := s.Pair()
		if p.A.States[0] != p.B.States[0] {
			apart++
		}
		for _, tr := range []prefs.Trajectory{p.A, p.B} {
			last := tr.States[len(tr.States)-1]
			if g.Terminal[last] {
				ended++
				if tr.Len() > 200 {
					t.Fatal("went on past the terminal cell")
				}
			} else if tr.Len() != 200 {
				t.Fatalf("a trajectory of %d steps that did not end", tr.Len())
			}
		}
	}
	if apart < 150 || ended == 0 {
		t.Errorf("%d of 200 pairs start apart, %d trajectories ended", apart, ended)
	}
}

// The same seed draws the same pairs whatever the judge, and a larger β_j
// (the same uniforms) only flips labels toward the better trajectory.
func TestLabelsAreCoupledAcrossJudges(t *testing.T) {
	g := build(t, zhao5x5)
	lo := generate(t, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 0.5}, 300, 10, 9)
	hi := generate(t, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 5}, 300, 10, 9)
	flips := 0
	for i := range lo.Pairs {
		a, b := lo.Pairs[i], hi.Pairs[i]
		if !equalInts(a.A.Actions, b.A.Actions) || !equalInts(a.B.States, b.B.States) {
			t.Fatalf("pair %d differs between judges", i)
		}
		if a.P != b.P {
			flips++
			better := 0.0
			if prefs.Return(g.Model, a.A, 0.9) > prefs.Return(g.Model, a.B, 0.9) {
				better = 1
			}
			if b.P != better {
				t.Errorf("pair %d: the sharper judge flipped to the worse trajectory", i)
			}
		}
	}
	if flips == 0 {
		t.Error("no label changed between β_j 0.5 and 5")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
