package prefs_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/features"
	"bellman/sim/nn"
	"bellman/sim/prefs"
)

// central returns the central difference (f(x+h) − f(x−h))/2h of f at
// coordinate i of x.
func central(x []float64, i int, h float64, f func() float64) float64 {
	x0 := x[i]
	x[i] = x0 + h
	up := f()
	x[i] = x0 - h
	down := f()
	x[i] = x0
	return (up - down) / (2 * h)
}

// The Bradley–Terry loss's gradient matches central finite differences to
// 1e-6, for tabular and polynomial features, hard and soft labels, with
// and without much L2.
func TestRewardModelGradient(t *testing.T) {
	g := build(t, zhao5x5)
	for _, c := range []struct {
		name, spec string
		lambda     float64
	}{
		{"tabular", `{"one_hot": "cell"}`, 1e-6},
		{"poly2", `{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 2}`, 0.3},
		{"tiles", `{"crossed": ["x", "y"], "tilings": 2, "tiles": 3}`, 1e-3},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec, err := features.Parse([]byte(c.spec))
			if err != nil {
				t.Fatal(err)
			}
			phi, F, err := prefs.GridFeatures(g, spec)
			if err != nil {
				t.Fatal(err)
			}
			m, err := prefs.NewRewardModel(phi, g.S, g.A, F, c.lambda)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			for i := range m.W {
				m.W[i] = rng.NormFloat64()
			}
			d := randomData(g.S, g.A, 40, 6, 0.9, 5)
			grad := make([]float64, len(m.W))
			m.Gradient(grad, d)
			for i := range m.W {
				fd := central(m.W, i, 1e-5, func() float64 { return m.Loss(d) })
				if math.Abs(fd-grad[i]) > 1e-6 {
					t.Errorf("∂L/∂w[%d] = %.10g, finite difference %.10g", i, grad[i], fd)
				}
			}
		})
	}
}

// DPO's gradient matches central finite differences to 1e-6, from a
// random policy and a non-uniform reference, for several β and λ.
func TestDPOGradient(t *testing.T) {
	const S, A = 7, 5
	rng := rand.New(rand.NewPCG(8, 9))
	ref := make([]float64, S*A)
	for s := 0; s < S; s++ {
		sum := 0.0
		for a := 0; a < A; a++ {
			ref[s*A+a] = 0.1 + rng.Float64()
			sum += ref[s*A+a]
		}
		for a := 0; a < A; a++ {
			ref[s*A+a] /= sum
		}
	}
	d := randomData(S, A, 30, 8, 0.8, 11)
	for _, c := range []struct{ beta, lambda float64 }{{0.1, 0}, {1, 1e-3}, {5, 0.5}} {
		p, err := prefs.NewDPO(ref, S, A, c.beta, c.lambda, nn.DefaultOptimConfig())
		if err != nil {
			t.Fatal(err)
		}
		h := make([]float64, S*A)
		for i := range h {
			h[i] = 2 * rng.NormFloat64()
		}
		p.SetPolicy(h)
		grad := make([]float64, S*A)
		p.Gradient(grad, d)
		for i := range p.U {
			fd := central(p.U, i, 1e-5*c.beta, func() float64 { return p.Loss(d) })
			if math.Abs(fd-grad[i]) > 1e-6 {
				t.Errorf("β %v λ %v: ∂L/∂u[%d] = %.10g, finite difference %.10g", c.beta, c.lambda, i, grad[i], fd)
			}
		}
	}
}

// Newton's method finds the minimiser: within 15 steps (a wrong Hessian
// would converge slowly if at all) the gradient is zero to 1e-9, and the
// loss is no higher than at random nearby weights (the loss is convex).
func TestNewtonFindsTheMinimum(t *testing.T) {
	g := build(t, zhao5x5)
	l := generate(t, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 2}, 300, 8, 1)
	d := l.Compile(g)
	spec, _ := features.Parse([]byte(`{"one_hot": "cell"}`))
	phi, F, err := prefs.GridFeatures(g, spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := prefs.NewRewardModel(phi, g.S, g.A, F, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	loss, ok, err := m.Fit(d, 50)
	if err != nil || !ok {
		t.Fatalf("fit: converged %v, %v", ok, err)
	}
	if m.Iterations() > 15 {
		t.Errorf("%d Newton steps, want at most 15", m.Iterations())
	}
	grad := make([]float64, len(m.W))
	m.Gradient(grad, d)
	for i, x := range grad {
		if math.Abs(x) > 1e-9 {
			t.Errorf("∂L/∂w[%d] = %g at the end of the fit", i, x)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	w := append([]float64(nil), m.W...)
	for k := 0; k < 20; k++ {
		for i := range m.W {
			m.W[i] = w[i] + 0.01*rng.NormFloat64()
		}
		if l2 := m.Loss(d); l2 < loss {
			t.Errorf("loss %v at a nearby point, below the minimum %v", l2, loss)
		}
	}
	copy(m.W, w)
}
