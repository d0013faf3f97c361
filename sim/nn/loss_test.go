package nn

import (
	"math"
	"testing"
)

// Losses against values worked out by hand from PyTorch's definitions.
func TestLossesByHand(t *testing.T) {
	pred := []float64{1, 2, -1, 0.5}
	target := []float64{0.5, 2, 1, 0.2}
	// d = pred − target = (0.5, 0, −2, 0.3), n = 4.
	for _, tc := range []struct {
		name string
		f    func(dst []float64) float64
		loss float64
		grad []float64
	}{
		// (0.25 + 0 + 4 + 0.09)/4; gradient 2d/4.
		{"mse", func(dst []float64) float64 { return MSE(dst, pred, target) },
			1.085, []float64{0.25, 0, -1, 0.15}},
		// δ = 1: (0.125 + 0 + 1·(2 − 0.5) + 0.045)/4; gradient d/4 clipped to ±1/4.
		{"huber 1", func(dst []float64) float64 { return Huber(dst, pred, target, 1) },
			0.4175, []float64{0.125, 0, -0.25, 0.075}},
		// δ = 0.4: (0.4·(0.5−0.2) + 0 + 0.4·(2−0.2) + 0.045)/4; gradient clipped to ±0.1.
		{"huber 0.4", func(dst []float64) float64 { return Huber(dst, pred, target, 0.4) },
			0.22125, []float64{0.1, 0, -0.1, 0.075}},
		// δ = 0.5 = |d₀| exactly: both branches give 0.125 and gradient 0.5/4.
		{"huber at delta", func(dst []float64) float64 { return Huber(dst, pred, target, 0.5) },
			(0.125 + 0 + 0.5*(2-0.25) + 0.045) / 4, []float64{0.125, 0, -0.125, 0.075}},
	} {
		dst := make([]float64, 4)
		if got := tc.f(dst); math.Abs(got-tc.loss) > 1e-15 {
			t.Errorf("%s: loss %v, want %v", tc.name, got, tc.loss)
		}
		for i := range dst {
			if math.Abs(dst[i]-tc.grad[i]) > 1e-15 {
				t.Errorf("%s: gradient %v, want %v", tc.name, dst, tc.grad)
				break
			}
		}
		if got, want := tc.f(nil), tc.f(dst); got != want {
			t.Errorf("%s: loss without gradient %v, with %v", tc.name, got, want)
		}
	}
}

// Huber with a large δ is MSE/2; with a tiny δ it is δ·mean(|d| − δ/2)
// over the elements with |d| ≥ δ.
func TestHuberLimits(t *testing.T) {
	pred := []float64{1, 2, -1, 0.5}
	target := []float64{0.5, 2, 1, 0.2}
	if h, m := Huber(nil, pred, target, 100), MSE(nil, pred, target); math.Abs(h-m/2) > 1e-15 {
		t.Errorf("Huber(δ=100) = %v, want MSE/2 = %v", h, m/2)
	}
	const d = 1e-9
	if h, want := Huber(nil, pred, target, d), d*((0.5-d/2)+(2-d/2)+(0.3-d/2))/4; math.Abs(h-want) > 1e-15*want {
		t.Errorf("Huber(δ=1e-9) = %v, want %v", h, want)
	}
}
