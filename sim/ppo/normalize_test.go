package ppo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// prior is the count RunningMeanStd starts with.
const prior = 1e-4

// closedForm returns the mean and variance RunningMeanStd must hold after
// the values xs: the prior group (count 1e-4, mean 0, variance 1) pooled
// with the data (Chan et al.'s formula for combining two groups):
// mean = Σx/(n+ε), var = (ε + Σ(x−x̄)² + x̄²·ε·n/(n+ε))/(n+ε).
func closedForm(xs []float64) (mean, variance float64) {
	n := float64(len(xs))
	xbar := 0.0
	for _, x := range xs {
		xbar += x
	}
	xbar /= n
	m2 := 0.0
	for _, x := range xs {
		m2 += (x - xbar) * (x - xbar)
	}
	tot := n + prior
	return n * xbar / tot, (prior + m2 + xbar*xbar*prior*n/tot) / tot
}

func TestRunningMeanStd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	r := NewRunningMeanStd(2)
	var a, b []float64
	for i := 0; i < 500; i++ {
		x := []float64{3 + 2*rng.NormFloat64(), -1 + 0.1*rng.NormFloat64()}
		a, b = append(a, x[0]), append(b, x[1])
		r.Update(x)
		for k, xs := range [][]float64{a, b} {
			m, v := closedForm(xs)
			if !near(r.Mean[k], m, 1e-12) || !near(r.Var[k], v, 1e-10) {
				t.Fatalf("after %d values, component %d: mean %v var %v, want %v and %v", i+1, k, r.Mean[k], r.Var[k], m, v)
			}
		}
	}
	if !near(r.Count, 500+prior, 1e-15) {
		t.Errorf("count %v", r.Count)
	}
	r.Reset()
	if r.Mean[0] != 0 || r.Var[1] != 1 || r.Count != prior {
		t.Errorf("after Reset: %+v", r)
	}
}

// NormalizeReward by hand with γ = 0.5: rewards 1, 1, 2 (terminated), 1 give
// discounted returns G = 1, 1.5, 2 (the termination zeroes the past
// return before its reward is added), then 2·0.5 + 1 = 2; each reward is
// divided by √(Var(G so far) + 1e-8) and clipped to ±c.
func TestRewardNormalizer(t *testing.T) {
	n := newRewardNormalizer()
	rewards, term := []float64{1, 1, 2, 1}, []bool{false, false, true, false}
	gs := []float64{1, 1.5, 2, 2}
	for i, r := range rewards {
		_, v := closedForm(gs[:i+1])
		want := r / math.Sqrt(v+1e-8)
		got := n.normalize(r, term[i], 0.5, 1000)
		if !near(got, want, 1e-12) {
			t.Errorf("step %d: %v, want %v", i+1, got, want)
		}
	}
	// The first reward over a prior of variance 1: 5/√(var) is about 500, clipped.
	if got := newRewardNormalizer().normalize(5, false, 0.99, 10); got != 10 {
		t.Errorf("clipped reward %v, want 10", got)
	}
}

// NormalizeObservation: (x − mean)/√(var + 1e-8) after adding x, clipped;
// without update the statistics stay.
func TestObsNormalizer(t *testing.T) {
	o := &obsNormalizer{NewRunningMeanStd(2)}
	dst := make([]float64, 2)
	xs := [][]float64{{1, 10}, {3, -10}, {2, 100}}
	var a, b []float64
	for _, x := range xs {
		a, b = append(a, x[0]), append(b, x[1])
		o.normalize(dst, x, 1.5, true)
		for k, col := range [][]float64{a, b} {
			m, v := closedForm(col)
			want := math.Max(-1.5, math.Min(1.5, (x[k]-m)/math.Sqrt(v+1e-8)))
			if !near(dst[k], want, 1e-12) {
				t.Errorf("x %v component %d: %v, want %v", x, k, dst[k], want)
			}
		}
	}
	before := o.rms.Count
	o.normalize(dst, []float64{0, 0}, 1.5, false)
	if o.rms.Count != before {
		t.Error("normalize without update changed the statistics")
	}
}
