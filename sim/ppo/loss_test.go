package ppo

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// The importance ratio is exp(log π − log π_old).
func TestRatios(t *testing.T) {
	got := Ratios(make([]float64, 3), []float64{-1, -0.5, -2}, []float64{-1.5, -0.5, -1})
	for i, want := range []float64{math.Exp(0.5), 1, math.Exp(-1)} {
		if !near(got[i], want, 1e-15) {
			t.Errorf("ratio %d = %v, want %v", i, got[i], want)
		}
	}
}

// The clip in both directions, worked out by hand with ε = 0.2:
//
//	r = e^0.3 > 1.2, A = 2:   max(−2r, −2·1.2) = −2.4, clipped: no gradient;
//	r = e^−0.4 < 0.8, A = −1: max(r, 0.8) = 0.8, clipped: no gradient;
//	r = e^0.3, A = −1:        max(r, 1.2) = r, unclipped: ∂/∂log π = r/4;
//	r = e^0.1, A = 0.5:       inside the clip, both terms −0.5r: −0.5r/4.
func TestClippedSurrogateByHand(t *testing.T) {
	old := []float64{-1, -1, -1, -1}
	logp := []float64{-0.7, -1.4, -0.7, -0.9}
	adv := []float64{2, -1, -1, 0.5}
	r := []float64{math.Exp(0.3), math.Exp(-0.4), math.Exp(0.3), math.Exp(0.1)}
	d := make([]float64, 4)
	loss, frac, kl, oldKL := ClippedSurrogate(d, logp, old, adv, 0.2)
	wantLoss := (-2.4 + 0.8 + r[2] - 0.5*r[3]) / 4
	wantD := []float64{0, 0, r[2] / 4, -0.5 * r[3] / 4}
	wantKL := ((r[0] - 1 - 0.3) + (r[1] - 1 + 0.4) + (r[2] - 1 - 0.3) + (r[3] - 1 - 0.1)) / 4
	wantOld := -(0.3 - 0.4 + 0.3 + 0.1) / 4
	if !near(loss, wantLoss, 1e-14) || frac != 0.75 || !near(kl, wantKL, 1e-14) || !near(oldKL, wantOld, 1e-14) {
		t.Errorf("loss %v (want %v), clip fraction %v (want 0.75), KL %v (want %v), old KL %v (want %v)",
			loss, wantLoss, frac, kl, wantKL, oldKL, wantOld)
	}
	for i := range d {
		if !near(d[i], wantD[i], 1e-14) {
			t.Errorf("∂L/∂log π_%d = %v, want %v", i, d[i], wantD[i])
		}
	}
}

// A2C's −mean(A·log π) and its gradient −A/M.
func TestPolicyGradientLossByHand(t *testing.T) {
	d := make([]float64, 2)
	loss := PolicyGradientLoss(d, []float64{-0.5, -2}, []float64{3, -1})
	if loss != -(3*-0.5+-1*-2)/2 || d[0] != -1.5 || d[1] != 0.5 {
		t.Errorf("loss %v, gradient %v", loss, d)
	}
}

// The value loss by hand with ε = 0.2, old value 1 for the first three:
//
//	v 1.5, R 2: (1.5−2)² = 0.25 < (1.2−2)² = 0.64, the clipped term, held by the clip: 0;
//	v 1.5, R 0: 2.25 > 1.44, unclipped: (1.5 − 0)/4;
//	v 1.1, R 3: inside the clip both terms are (1.1−3)²: (1.1 − 3)/4;
//	v 0.5 (old 1), R 0.9: 0.16 > (0.8−0.9)², unclipped: (0.5 − 0.9)/4.
func TestValueLossByHand(t *testing.T) {
	v := []float64{1.5, 1.5, 1.1, 0.5}
	old := []float64{1, 1, 1, 1}
	ret := []float64{2, 0, 3, 0.9}
	d := make([]float64, 4)
	loss := ValueLoss(d, v, old, ret, 0.2, true)
	vc0 := 1 + 0.2
	want := 0.5 * ((vc0-2)*(vc0-2) + 2.25 + 1.9*1.9 + 0.4*0.4) / 4
	wantD := []float64{0, 1.5 / 4, (1.1 - 3) / 4, -0.4 / 4}
	if !near(loss, want, 1e-14) {
		t.Errorf("clipped loss %v, want %v", loss, want)
	}
	for i := range d {
		if !near(d[i], wantD[i], 1e-14) {
			t.Errorf("clipped ∂/∂v_%d = %v, want %v", i, d[i], wantD[i])
		}
	}
	loss = ValueLoss(d, v, old, ret, 0.2, false)
	if want := 0.5 * (0.25 + 2.25 + 1.9*1.9 + 0.16) / 4; !near(loss, want, 1e-14) {
		t.Errorf("unclipped loss %v, want %v", loss, want)
	}
	for i := range d {
		if want := (v[i] - ret[i]) / 4; !near(d[i], want, 1e-14) {
			t.Errorf("unclipped ∂/∂v_%d = %v, want %v", i, d[i], want)
		}
	}
}

// (1, 2, 3, 4): mean 2.5, sample standard deviation √(5/3).
func TestNormalizeAdvantagesByHand(t *testing.T) {
	got := NormalizeAdvantages(make([]float64, 4), []float64{1, 2, 3, 4})
	s := math.Sqrt(5.0/3) + 1e-8
	for i, want := range []float64{-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s} {
		if !near(got[i], want, 1e-15) {
			t.Errorf("%d: %v, want %v", i, got[i], want)
		}
	}
}

// R = (1, 2, 3), V = (1, 2, 2): 1 − Var(0, 0, 1)/Var(R) = 1 − (2/9)/(2/3) = 2/3.
func TestExplainedVarianceByHand(t *testing.T) {
	if ev := ExplainedVariance([]float64{1, 2, 2}, []float64{1, 2, 3}); !near(ev, 2.0/3, 1e-15) {
		t.Errorf("explained variance %v, want 2/3", ev)
	}
	if ev := ExplainedVariance([]float64{1, 2}, []float64{5, 5}); !math.IsNaN(ev) {
		t.Errorf("constant returns: %v, want NaN", ev)
	}
}

// Central differences of each loss against its gradient, away from the
// clip's kinks.
func TestLossesFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const M, h, eps = 16, 1e-6, 0.2
	for trial := 0; trial < 10; trial++ {
		logp, old, adv := make([]float64, M), make([]float64, M), make([]float64, M)
		v, oldV, ret := make([]float64, M), make([]float64, M), make([]float64, M)
		for i := 0; i < M; i++ {
			old[i] = -1 - rng.Float64()
			for {
				logp[i] = old[i] + 0.8*(2*rng.Float64()-1)
				if r := math.Exp(logp[i] - old[i]); math.Abs(r-1-eps) > 1e-3 && math.Abs(r-1+eps) > 1e-3 {
					break
				}
			}
			adv[i] = 2*rng.Float64() - 1
			oldV[i], ret[i] = rng.NormFloat64(), rng.NormFloat64()
			for {
				v[i] = oldV[i] + 0.6*(2*rng.Float64()-1)
				d := v[i] - oldV[i]
				lu, lc := (v[i]-ret[i])*(v[i]-ret[i]), 0.0
				dc := oldV[i] + math.Max(-eps, math.Min(eps, d)) - ret[i]
				lc = dc * dc
				if math.Abs(math.Abs(d)-eps) > 1e-3 && math.Abs(lu-lc) > 1e-3 {
					break
				}
			}
		}
		check := func(name string, f func() float64, x, grad []float64) {
			for i := range x {
				xi := x[i]
				x[i] = xi + h
				plus := f()
				x[i] = xi - h
				minus := f()
				x[i] = xi
				if fd := (plus - minus) / (2 * h); math.Abs(fd-grad[i]) > 1e-8 {
					t.Errorf("%s: ∂/∂x_%d = %v, differences %v", name, i, grad[i], fd)
				}
			}
		}
		d, scratch := make([]float64, M), make([]float64, M)
		ClippedSurrogate(d, logp, old, adv, eps)
		check("clipped surrogate", func() float64 { l, _, _, _ := ClippedSurrogate(scratch, logp, old, adv, eps); return l }, logp, d)
		PolicyGradientLoss(d, logp, adv)
		check("policy gradient", func() float64 { return PolicyGradientLoss(scratch, logp, adv) }, logp, d)
		for _, clipped := range []bool{false, true} {
			ValueLoss(d, v, oldV, ret, eps, clipped)
			check("value loss", func() float64 { return ValueLoss(scratch, v, oldV, ret, eps, clipped) }, v, d)
		}
	}
}

// A 3-step rollout of one environment, γ = 0.9, λ = 0.8, rewards (1, 2, 3),
// values (0.5, 1, 1.5), V = 2 after the last step, worked out by hand:
//
//	no end:          δ = (1.4, 2.35, 3.3), A₂ = 3.3, A₁ = 2.35 + 0.72·3.3, A₀ = 1.4 + 0.72·A₁;
//	step 1 ends (terminated): δ₁ = 2 − 1 = 1 and the chain is cut: A₁ = 1, A₀ = 1.4 + 0.72;
//	step 1 truncated in a state of value 4: δ₁ = 2 + 0.9·4 − 1 = 4.6, A₀ = 1.4 + 0.72·4.6;
//	the last step terminates: δ₂ = 3 − 1.5, V after it unused.
func TestGAEByHand(t *testing.T) {
	rew, val, last := []float64{1, 2, 3}, []float64{0.5, 1, 1.5}, []float64{2}
	a1 := 2.35 + 0.72*3.3
	for _, tc := range []struct {
		name          string
		end, endValue []float64
		want          []float64
	}{
		{"no end", []float64{0, 0, 0}, []float64{0, 0, 0}, []float64{1.4 + 0.72*a1, a1, 3.3}},
		{"terminated", []float64{0, 1, 0}, []float64{0, 0, 0}, []float64{1.4 + 0.72, 1, 3.3}},
		{"truncated", []float64{0, 1, 0}, []float64{0, 4, 0}, []float64{1.4 + 0.72*4.6, 4.6, 3.3}},
		{"last terminated", []float64{0, 0, 1}, []float64{0, 0, 0},
			[]float64{1.4 + 0.72*(2.35+0.72*1.5), 2.35 + 0.72*1.5, 1.5}},
	} {
		adv, ret := make([]float64, 3), make([]float64, 3)
		GAE(adv, ret, rew, val, tc.end, tc.endValue, last, 1, 0.9, 0.8)
		for i := range adv {
			if !near(adv[i], tc.want[i], 1e-14) || !near(ret[i], tc.want[i]+val[i], 1e-14) {
				t.Errorf("%s: A_%d = %v, R_%d = %v; want %v and %v", tc.name, i, adv[i], i, ret[i], tc.want[i], tc.want[i]+val[i])
			}
		}
	}
}

// With no bootstrapping at ends, GAE is CleanRL's loop line for line (its
// dones[t] is the end flag of step t−1, next_done that of the last step),
// on random rollouts of several environments.
func TestGAEIsCleanRL(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const T, N, gamma, lambda = 7, 3, 0.99, 0.95
	rew, val, end, zero := make([]float64, T*N), make([]float64, T*N), make([]float64, T*N), make([]float64, T*N)
	last := make([]float64, N)
	for k := range rew {
		rew[k], val[k] = rng.NormFloat64(), rng.NormFloat64()
		if rng.Float64() < 0.3 {
			end[k] = 1
		}
	}
	for i := range last {
		last[i] = rng.NormFloat64()
	}
	adv, ret := make([]float64, T*N), make([]float64, T*N)
	GAE(adv, ret, rew, val, end, zero, last, N, gamma, lambda)
	for i := 0; i < N; i++ {
		lastgaelam := 0.0
		for t2 := T - 1; t2 >= 0; t2-- {
			var nextnonterminal, nextvalues float64
			if t2 == T-1 {
				nextnonterminal = 1 - end[(T-1)*N+i] // next_done
				nextvalues = last[i]
			} else {
				nextnonterminal = 1 - end[t2*N+i] // dones[t+1]: set by step t
				nextvalues = val[(t2+1)*N+i]
			}
			k := t2*N + i
			delta := rew[k] + gamma*nextvalues*nextnonterminal - val[k]
			lastgaelam = delta + gamma*lambda*nextnonterminal*lastgaelam
			if !near(adv[k], lastgaelam, 1e-13) || !near(ret[k], lastgaelam+val[k], 1e-13) {
				t.Fatalf("env %d step %d: A %v, CleanRL %v", i, t2, adv[k], lastgaelam)
			}
		}
	}
}
