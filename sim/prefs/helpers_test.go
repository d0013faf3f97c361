package prefs_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/grid"
	"bellman/sim/mdp"
	"bellman/sim/prefs"
)

// The built-in worlds the tests use, copied from assets/worlds so that the
// package's tests stand alone; slippery is zhao-5x5 with slip 0.2 and
// cliff Sutton & Barto's episodic cliff walk.
const (
	zhao5x5   = `{"name": "zhao-5x5", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`
	slippery  = `{"name": "slippery", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "slip": 0.2}`
	cliff4x12 = `{"name": "cliff-4x12", "layout": ["............", "............", "............", "SCCCCCCCCCCT"],
		"rewards": {"boundary": -1, "forbidden": -1, "target": -1, "other": -1, "cliff": -100},
		"actions": 4, "terminal": true}`
)

func build(t testing.TB, src string) *grid.Model {
	t.Helper()
	w, err := grid.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// generate draws n pairs of length T from π_ref on g, labelled by judge,
// with γ 0.9 and same starts, from seed.
func generate(t testing.TB, g *grid.Model, ref []float64, judge prefs.Judge, n, T int, seed uint64) *prefs.Labels {
	t.Helper()
	if ref == nil {
		ref = prefs.Uniform(g.S, g.A)
	}
	pairs, ju := prefs.Streams(seed)
	s, err := prefs.NewSampler(g.Model, ref, -1, T, true, pairs)
	if err != nil {
		t.Fatal(err)
	}
	l := prefs.NewLabels(g, 0.9, judge, nil)
	if !isUniform(ref, g.A) {
		l.Reference = ref
	}
	if err := l.Generate(s, ju, n); err != nil {
		t.Fatal(err)
	}
	return l
}

func isUniform(p []float64, A int) bool {
	for _, x := range p {
		if x != 1/float64(A) {
			return false
		}
	}
	return true
}

// randomData returns n pairs of random trajectories of length T on S
// states and A actions (any transitions: the losses do not look at the
// dynamics) with labels in [0, 1], half of them hard.
func randomData(S, A, n, T int, gamma float64, seed uint64) *prefs.Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := prefs.NewData(S, A, gamma)
	traj := func() prefs.Trajectory {
		t := prefs.Trajectory{States: make([]int, T+1), Actions: make([]int, T)}
		for k := range t.States {
			t.States[k] = rng.IntN(S)
		}
		for k := range t.Actions {
			t.Actions[k] = rng.IntN(A)
		}
		return t
	}
	for i := 0; i < n; i++ {
		p := rng.Float64()
		if i%2 == 0 {
			p = math.Round(p)
		}
		d.Add(prefs.Pair{A: traj(), B: traj(), P: p})
	}
	return d
}

// chain is a 2-state, 2-action deterministic model: action a leads to
// state a from either state, rewards r(s,a) = R[s*2+a].
func chain(t testing.TB, R [4]float64) *mdp.Model {
	t.Helper()
	m := mdp.New(2, 2, 1)
	for s := 0; s < 2; s++ {
		for a := 0; a < 2; a++ {
			m.SetOutcome(s, a, 0, a, 1, R[s*2+a])
		}
	}
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	return m
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }
