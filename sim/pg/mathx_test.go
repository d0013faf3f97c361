package pg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// exp and log agree with the math package to 2 ulp over their ranges.
func TestExpLog(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ulps := func(a, b float64) float64 {
		return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
	}
	for i := 0; i < 100_000; i++ {
		x := (rng.Float64()*2 - 1) * 700
		if d := ulps(exp(x), math.Exp(x)); d > 2 {
			t.Fatalf("exp(%v) = %v, math.Exp %v: %v ulp", x, exp(x), math.Exp(x), d)
		}
		y := math.Exp((rng.Float64()*2 - 1) * 700)
		if d := ulps(log(y), math.Log(y)); d > 2 {
			t.Fatalf("log(%v) = %v, math.Log %v: %v ulp", y, log(y), math.Log(y), d)
		}
	}
	for _, tc := range []struct{ x, exp, log float64 }{
		{0, 1, math.Inf(-1)}, {1, math.E, 0}, {math.Inf(1), math.Inf(1), math.Inf(1)},
		{-1000, 0, math.NaN()}, {1000, math.Inf(1), math.Log(1000)},
	} {
		if got := exp(tc.x); got != tc.exp && ulps(got, tc.exp) > 2 {
			t.Errorf("exp(%v) = %v, want %v", tc.x, got, tc.exp)
		}
		if got := log(tc.x); got != tc.log && !(math.IsNaN(got) && math.IsNaN(tc.log)) && ulps(got, tc.log) > 1 {
			t.Errorf("log(%v) = %v, want %v", tc.x, got, tc.log)
		}
	}
}
