package ddpg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The OU process follows x ← x + θ(μ − x)dt + σ√dt·N(0, 1) with μ = 0,
// applied by hand to the same normal draws, and Reset returns it to 0.
func TestOUFormula(t *testing.T) {
	const theta, dt, sigma = 0.15, 0.01, 0.3
	n := NewNoise(OrnsteinUhlen, 2, theta, dt)
	rng := rand.New(rand.NewPCG(3, 4))
	ref := rand.New(rand.NewPCG(3, 4))
	var x [2]float64
	dst := make([]float64, 2)
	for step := 0; step < 500; step++ {
		n.Sample(rng, sigma, dst)
		for i := range x {
			x[i] = x[i] + theta*(0-x[i])*dt + sigma*math.Sqrt(dt)*ref.NormFloat64()
			if math.Abs(dst[i]-x[i]) > 1e-12 {
				t.Fatalf("step %d component %d: %v, formula %v", step, i, dst[i], x[i])
			}
		}
	}
	if x[0] == 0 && x[1] == 0 {
		t.Fatal("the process did not move")
	}
	n.Reset()
	n.Sample(rng, sigma, dst)
	if want := sigma * math.Sqrt(dt) * ref.NormFloat64(); math.Abs(dst[0]-want) > 1e-15 {
		t.Errorf("after Reset: %v, want σ√dt·N = %v", dst[0], want)
	}
}

// Gaussian noise is σ·N(0, 1), fresh each step; NoNoise is zero.
func TestGaussianNoise(t *testing.T) {
	n := NewNoise(Gaussian, 3, 0, 1)
	rng := rand.New(rand.NewPCG(5, 6))
	ref := rand.New(rand.NewPCG(5, 6))
	dst := make([]float64, 3)
	for step := 0; step < 10; step++ {
		n.Sample(rng, 0.2, dst)
		for i, v := range dst {
			if want := 0.2 * ref.NormFloat64(); v != want {
				t.Fatalf("step %d component %d: %v, want %v", step, i, v, want)
			}
		}
	}
	n.Kind = NoNoise
	n.Sample(rng, 0.2, dst)
	if dst[0] != 0 || dst[1] != 0 || dst[2] != 0 {
		t.Errorf("NoNoise gave %v", dst)
	}
}

// σ falls linearly from Sigma to SigmaEnd over DecaySteps and stays there.
func TestSigmaDecay(t *testing.T) {
	c := Config{Sigma: 0.5, SigmaEnd: 0.1, DecaySteps: 1000}
	for _, tc := range []struct {
		steps int
		want  float64
	}{{0, 0.5}, {250, 0.4}, {500, 0.3}, {1000, 0.1}, {5000, 0.1}} {
		if got := c.sigmaAt(tc.steps); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("σ after %d steps = %v, want %v", tc.steps, got, tc.want)
		}
	}
	c.DecaySteps = 0
	if got := c.sigmaAt(5000); got != 0.5 {
		t.Errorf("without decay σ = %v, want 0.5", got)
	}
}
