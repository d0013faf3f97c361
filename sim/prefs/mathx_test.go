package prefs

import (
	"math"
	"testing"
)

// The portable functions agree with package math to a few ulp, and the
// cross-entropy with its definition.
func TestMathx(t *testing.T) {
	for _, x := range []float64{-745, -700, -30, -1, -1e-9, 0, 1e-12, 0.5, 1, 2.5, 30, 700} {
		if e, want := exp(x), math.Exp(x); math.Abs(e-want) > 4e-16*want {
			t.Errorf("exp(%v) = %v, math.Exp %v", x, e, want)
		}
		if x > 0 {
			if l, want := log(x), math.Log(x); math.Abs(l-want) > 4e-16*math.Max(1, math.Abs(want)) {
				t.Errorf("log(%v) = %v, math.Log %v", x, l, want)
			}
		}
		for _, p := range []float64{0, 0.25, 1} {
			want := -p*math.Log(1/(1+math.Exp(-x))) - (1-p)*math.Log(1/(1+math.Exp(x)))
			l, d := bce(p, x)
			if math.Abs(x) < 30 && math.Abs(l-want) > 1e-14*math.Max(1, want) {
				t.Errorf("bce(%v, %v) = %v, want %v", p, x, l, want)
			}
			if l2 := bceLogits(p, x); math.Abs(l2-l) > 1e-15*math.Max(1, l) {
				t.Errorf("bceLogits(%v, %v) = %v, bce %v", p, x, l2, l)
			}
			if wd := 1/(1+math.Exp(-x)) - p; math.Abs(d-wd) > 1e-15 {
				t.Errorf("bce'(%v, %v) = %v, want %v", p, x, d, wd)
			}
		}
	}
	if l, _ := bce(1, 800); l != 0 {
		t.Errorf("bce(1, 800) = %v, want 0", l)
	}
	if l, _ := bce(0, 800); l != 800 {
		t.Errorf("bce(0, 800) = %v, want 800", l)
	}
}
