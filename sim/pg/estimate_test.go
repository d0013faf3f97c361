package pg_test

import (
	"math"
	"testing"

	"bellman/sim/pg"
)

// estimates runs n episodes of a frozen policy (α = 0) and returns the
// per-component mean and standard error of the episodes' gradient
// estimates, the exact gradient, and the mean of ‖ĝ − ∇J‖².
func estimates(t *testing.T, c pg.Config, h []float64, length, n int, seed uint64) (mean, se, exact []float64, sq float64) {
	t.Helper()
	m := build(t, zhao5x5).Model
	tr, err := pg.NewTrainer(m, c, -1, length, seed)
	if err != nil {
		t.Fatal(err)
	}
	copy(tr.Agent.Policy().H, h)
	N := m.S * m.A
	sum, sum2 := make([]float64, N), make([]float64, N)
	for ep := 0; ep < n; {
		if !tr.Step() {
			continue
		}
		ep++
		g, _ := tr.LastGradients()
		for i, x := range g {
			sum[i] += x
			sum2[i] += x * x
		}
		sq += tr.Last.SqError
	}
	_, exactGrad := tr.LastGradients()
	mean, se = make([]float64, N), make([]float64, N)
	for i := range sum {
		mean[i] = sum[i] / float64(n)
		variance := (sum2[i] - float64(n)*mean[i]*mean[i]) / float64(n-1)
		se[i] = math.Sqrt(variance / float64(n))
	}
	return mean, se, append([]float64(nil), exactGrad...), sq / float64(n)
}

// The mean of many REINFORCE estimates converges to the exact gradient, with
// and without a baseline. The tolerance of each component is derived from
// the estimates themselves: 5 standard errors s_i/√n (for 125 components, a
// false alarm has probability below 10⁻⁴ under the normal approximation of
// the mean), plus a bound on the bias of cutting episodes at T steps:
// rewards are at most 1 in size and each component of ∇log π at most 1, so
// the returns lost after T and the terms after T change each component by
// at most γ^T (T + 1/(1−γ)) / (1−γ) (2.2·10⁻⁴ for T = 150, γ = 0.9).
//
// The same test rejects the book's form without γᵗ, whose mean is a
// different vector: the test can fail.
func TestReinforceMeanConvergesToExactGradient(t *testing.T) {
	m := build(t, zhao5x5).Model
	h := randomPolicy(m, 1, 8).H
	const T, n, gamma = 150, 3000, 0.9
	bias := math.Pow(gamma, T) * (T + 1/(1-gamma)) / (1 - gamma)
	check := func(name string, c pg.Config) (worst float64) {
		mean, se, exact, _ := estimates(t, c, h, T, n, 5)
		for i := range mean {
			z := (math.Abs(mean[i]-exact[i]) - bias) / se[i]
			worst = math.Max(worst, z)
		}
		return worst
	}
	for _, tc := range []struct {
		name string
		c    pg.Config
	}{
		{"no baseline", config(t, pg.Reinforce, "alpha=0")},
		{"learned baseline", config(t, pg.ReinforceBaseline, "alpha=0", "baseline=learned")},
		{"mean baseline", config(t, pg.ReinforceBaseline, "alpha=0", "baseline=mean")},
	} {
		if z := check(tc.name, tc.c); z > 5 {
			t.Errorf("%s: a component of the mean estimate is %.1f standard errors from the exact gradient", tc.name, z)
		} else {
			t.Logf("%s: worst component %.2f standard errors away", tc.name, z)
		}
	}
	if z := check("without γᵗ", config(t, pg.Reinforce, "alpha=0", "gamma-t=false")); z < 5 {
		t.Errorf("without γᵗ the mean estimate is within %.1f standard errors of ∇J: the test cannot tell", z)
	} else {
		t.Logf("without γᵗ: worst component %.1f standard errors away (rejected, as it should be)", z)
	}
}

// A baseline lowers the estimate's variance. With α = 0 and the same seed
// the policies are the same, so both estimators see the very same
// episodes; the mean of ‖ĝ − ∇J‖² over them estimates tr Cov(ĝ) (the
// estimators are unbiased). The uniform policy of a fresh run is measured.
func TestBaselineLowersVariance(t *testing.T) {
	m := build(t, zhao5x5).Model
	h := make([]float64, m.S*m.A)
	const T, n = 100, 3000
	_, _, _, none := estimates(t, config(t, pg.Reinforce, "alpha=0"), h, T, n, 3)
	_, _, _, learned := estimates(t, config(t, pg.ReinforceBaseline, "alpha=0", "baseline=learned"), h, T, n, 3)
	_, _, _, mean := estimates(t, config(t, pg.ReinforceBaseline, "alpha=0", "baseline=mean"), h, T, n, 3)
	t.Logf("tr Cov(ĝ) at the uniform policy: none %.4g, learned v̂ %.4g (ratio %.3g), mean return %.4g (ratio %.3g)",
		none, learned, learned/none, mean, mean/none)
	if !(learned < 0.5*none) {
		t.Errorf("learned baseline: variance %v, not below half of %v without", learned, none)
	}
	if !(mean < none) {
		t.Errorf("mean baseline: variance %v, not below %v without", mean, none)
	}
}
