package nn

import (
	"math"
	"testing"
)

// The portable functions against the standard library (an independent
// implementation) on a dense grid.
func TestPortableMath(t *testing.T) {
	for _, tc := range []struct {
		name     string
		f, want  func(float64) float64
		lo, hi   float64
		rel, abs float64
	}{
		{"exp", exp, math.Exp, -708, 709, 4e-16, 0},
		{"exp small", exp, math.Exp, -3, 3, 4e-16, 0},
		{"tanh", tanh, math.Tanh, -25, 25, 6e-16, 0},
		{"tanh small", tanh, math.Tanh, -1e-3, 1e-3, 6e-16, 0},
		{"erf", erf, math.Erf, -7, 7, 0, 1e-15},
		{"sigmoid", sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -700, 700, 1e-15, 0},
	} {
		const n = 200001
		worst := 0.0
		for i := 0; i < n; i++ {
			x := tc.lo + (tc.hi-tc.lo)*float64(i)/(n-1)
			got, want := tc.f(x), tc.want(x)
			err := math.Abs(got - want)
			if tc.rel > 0 && want != 0 {
				err /= math.Abs(want)
			}
			if err > worst {
				worst = err
			}
			if !(err <= tc.rel+tc.abs) {
				t.Fatalf("%s(%v) = %v, want %v", tc.name, x, got, want)
			}
		}
		t.Logf("%s: worst error %.3g", tc.name, worst)
	}
}

func TestPortableMathSpecial(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"exp(0)", exp(0), 1},
		{"exp(+Inf)", exp(inf), inf},
		{"exp(-Inf)", exp(-inf), 0},
		{"exp(710)", exp(710), inf},
		{"exp(-746)", exp(-746), 0},
		{"tanh(+Inf)", tanh(inf), 1},
		{"tanh(-Inf)", tanh(-inf), -1},
		{"tanh(0)", tanh(0), 0},
		{"erf(+Inf)", erf(inf), 1},
		{"erf(-Inf)", erf(-inf), -1},
		{"erf(0)", erf(0), 0},
		{"sigmoid(+Inf)", sigmoid(inf), 1},
		{"sigmoid(-Inf)", sigmoid(-inf), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	for name, v := range map[string]float64{"exp": exp(nan), "tanh": tanh(nan), "erf": erf(nan)} {
		if !math.IsNaN(v) {
			t.Errorf("%s(NaN) = %v, want NaN", name, v)
		}
	}
}
