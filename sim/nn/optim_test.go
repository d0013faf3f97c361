package nn

import (
	"math"
	"strings"
	"testing"
)

// newOpt builds an optimizer or fails the test.
func newOpt(t *testing.T, cfg OptimConfig, n int) Optimizer {
	t.Helper()
	o, err := NewOptimizer(cfg, n)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Two steps on f(θ) = θ² (gradient 2θ), worked out by hand from the update
// rules in PyTorch's documentation.
func TestSGDByHand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    OptimConfig
		θ1, θ2 float64
	}{
		// θ1 = 1 − 0.1·2 = 0.8; θ2 = 0.8 − 0.1·1.6.
		{"plain", OptimConfig{Kind: KindSGD, LR: 0.1}, 0.8, 0.64},
		// g1 = 2.01, b1 = g1, θ1 = 1 − 0.201 = 0.799;
		// g2 = 2.01·0.799 = 1.60599, b2 = 0.9·2.01 + 0.9·1.60599 = 3.254391, θ2 = 0.799 − 0.3254391.
		{"momentum, dampening, weight decay",
			OptimConfig{Kind: KindSGD, LR: 0.1, Momentum: 0.9, Dampening: 0.1, WeightDecay: 0.01}, 0.799, 0.4735609},
		// g1 = 2.01, b1 = 2.01, step 2.01 + 0.9·2.01 = 3.819, θ1 = 0.6181;
		// g2 = 2.01·0.6181 = 1.242381, b2 = 1.809 + 1.242381 = 3.051381,
		// step 1.242381 + 0.9·3.051381 = 3.9886239, θ2 = 0.6181 − 0.39886239.
		{"nesterov, weight decay",
			OptimConfig{Kind: KindSGD, LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01}, 0.6181, 0.21923761},
	} {
		o := newOpt(t, tc.cfg, 1)
		θ := []float64{1}
		g := []float64{0}
		for i, want := range []float64{tc.θ1, tc.θ2} {
			g[0] = 2 * θ[0]
			o.Step(θ, g)
			if math.Abs(θ[0]-want) > 1e-15 {
				t.Errorf("%s: step %d gives %v, want %v", tc.name, i+1, θ[0], want)
			}
		}
	}
}

// Adam's first step is γ·g/(|g| + ε) after bias correction; AMSGrad keeps
// the maximum of the raw second moment and then bias-corrects it (PyTorch's
// code), which differs from taking the maximum of bias-corrected moments.
func TestAdamByHand(t *testing.T) {
	const lr, eps = 0.1, 1e-8
	bc2 := 1 - 0.999*0.999 // 0.001999
	for _, tc := range []struct {
		ams    bool
		θ1, θ2 float64
	}{
		// g1 = 1: m = 0.1, v = 0.001, m̂ = 1, v̂ = 1.
		// g2 = 0.01: m = 0.091, m̂ = 0.091/0.19, v = 0.0009991.
		{false, -lr / (1 + eps), -lr/(1+eps) - lr*(0.091/0.19)/(math.Sqrt(0.0009991/bc2)+eps)},
		// AMSGrad: max(0.001, 0.0009991) = 0.001 is bias-corrected.
		{true, -lr / (1 + eps), -lr/(1+eps) - lr*(0.091/0.19)/(math.Sqrt(0.001/bc2)+eps)},
	} {
		cfg := DefaultOptimConfig()
		cfg.LR = lr
		cfg.AMSGrad = tc.ams
		for _, kind := range []OptimKind{KindAdam, KindAdamW} {
			cfg.Kind = kind
			o := newOpt(t, cfg, 1)
			θ := []float64{0}
			for i, step := range []struct{ g, want float64 }{{1, tc.θ1}, {0.01, tc.θ2}} {
				o.Step(θ, []float64{step.g})
				if math.Abs(θ[0]-step.want) > 1e-15 {
					t.Errorf("%v amsgrad=%v: step %d gives %.17g, want %.17g", kind, tc.ams, i+1, θ[0], step.want)
				}
			}
		}
	}
	// Taking the max of the bias-corrected moments instead (max(1, 0.4998)
	// = 1) would give a different θ2; check the two rules are told apart.
	alt := -lr/(1+eps) - lr*(0.091/0.19)/(1+eps)
	if math.Abs(alt-(-lr/(1+eps)-lr*(0.091/0.19)/(math.Sqrt(0.001/bc2)+eps))) < 1e-3 {
		t.Fatal("the AMSGrad variants are not distinguished by this test")
	}
}

// AdamW decays the weights by (1 − γλ) outside the adaptive step; Adam adds
// λθ to the gradient, where the step normalises it. With a zero gradient
// AdamW only shrinks θ, while Adam-L2 moves it by about γ.
func TestAdamWVersusAdamL2(t *testing.T) {
	const lr, wd, eps = 0.01, 0.1, 1e-8
	for _, tc := range []struct {
		name      string
		g, θ0     float64
		adam, adw float64 // θ1 for Adam with L2 and for AdamW
	}{
		// Adam: g' = λθ0 = 0.2, θ1 = θ0 − γ·g'/(|g'|+ε). AdamW: θ1 = θ0(1 − γλ).
		{"zero gradient", 0, 2, 2 - lr*0.2/(0.2+eps), 2 * (1 - lr*wd)},
		// Adam: g' = 0.5 − 0.3 = 0.2 (θ0 = −3). AdamW: θ0(1−γλ) − γ·0.5/(0.5+ε).
		{"gradient", 0.5, -3, -3 - lr*0.2/(0.2+eps), -3*(1-lr*wd) - lr*0.5/(0.5+eps)},
	} {
		for _, kind := range []OptimKind{KindAdam, KindAdamW} {
			cfg := DefaultOptimConfig()
			cfg.Kind, cfg.LR, cfg.WeightDecay = kind, lr, wd
			o := newOpt(t, cfg, 1)
			θ := []float64{tc.θ0}
			o.Step(θ, []float64{tc.g})
			want := tc.adam
			if kind == KindAdamW {
				want = tc.adw
			}
			if math.Abs(θ[0]-want) > 1e-15 {
				t.Errorf("%s, %v: θ1 = %.17g, want %.17g", tc.name, kind, θ[0], want)
			}
		}
	}
}

// quadGrad is the gradient of f(θ) = Σ aᵢ(θᵢ − cᵢ)²/2.
func quadGrad(g, θ []float64) {
	a := []float64{2, 0.5, 3}
	c := []float64{0.3, -1, 2}
	for i := range θ {
		g[i] = a[i] * (θ[i] - c[i])
	}
}

// docSGD and docAdam follow the pseudocode of torch.optim.SGD, Adam and
// AdamW written out per element (AMSGrad as PyTorch's code does it).
func docSGD(c OptimConfig, θ []float64, steps int) {
	g := make([]float64, len(θ))
	b := make([]float64, len(θ))
	for t := 1; t <= steps; t++ {
		quadGrad(g, θ)
		for i := range θ {
			gi := g[i]
			if c.WeightDecay != 0 {
				gi = gi + c.WeightDecay*θ[i]
			}
			if c.Momentum != 0 {
				if t > 1 {
					b[i] = c.Momentum*b[i] + (1-c.Dampening)*gi
				} else {
					b[i] = gi
				}
				if c.Nesterov {
					gi = gi + c.Momentum*b[i]
				} else {
					gi = b[i]
				}
			}
			θ[i] = θ[i] - c.LR*gi
		}
	}
}

func docAdam(c OptimConfig, θ []float64, steps int) {
	n := len(θ)
	g, m, v, vmax := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for t := 1; t <= steps; t++ {
		quadGrad(g, θ)
		for i := range θ {
			gi := g[i]
			if c.Kind == KindAdamW {
				θ[i] = θ[i] - c.LR*c.WeightDecay*θ[i]
			} else if c.WeightDecay != 0 {
				gi = gi + c.WeightDecay*θ[i]
			}
			m[i] = c.Beta1*m[i] + (1-c.Beta1)*gi
			v[i] = c.Beta2*v[i] + (1-c.Beta2)*gi*gi
			mhat := m[i] / (1 - math.Pow(c.Beta1, float64(t)))
			vt := v[i]
			if c.AMSGrad {
				vmax[i] = math.Max(vmax[i], v[i])
				vt = vmax[i]
			}
			vhat := vt / (1 - math.Pow(c.Beta2, float64(t)))
			θ[i] = θ[i] - c.LR*mhat/(math.Sqrt(vhat)+c.Eps)
		}
	}
}

// Several steps of every variant on a quadratic against the documented
// rules, to 1e-12.
func TestOptimizersMatchDocumentedRules(t *testing.T) {
	adam := func(kind OptimKind, lr, b1, b2, eps, wd float64, ams bool) OptimConfig {
		return OptimConfig{Kind: kind, LR: lr, Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: wd, AMSGrad: ams}
	}
	for _, c := range []OptimConfig{
		{Kind: KindSGD, LR: 0.05},
		{Kind: KindSGD, LR: 0.05, WeightDecay: 0.1},
		{Kind: KindSGD, LR: 0.05, Momentum: 0.9},
		{Kind: KindSGD, LR: 0.05, Momentum: 0.8, Dampening: 0.3, WeightDecay: 0.02},
		{Kind: KindSGD, LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 0.02},
		adam(KindAdam, 0.05, 0.9, 0.999, 1e-8, 0, false),
		adam(KindAdam, 0.05, 0.9, 0.999, 1e-8, 0.1, false),
		adam(KindAdam, 0.05, 0.8, 0.99, 1e-3, 0.1, true),
		adam(KindAdam, 0.05, 0.3, 0.9, 1e-6, 0, false), // β₁ < 0.5: torch's lerp takes its other branch
		adam(KindAdamW, 0.05, 0.9, 0.999, 1e-8, 0.01, false),
		adam(KindAdamW, 0.05, 0.9, 0.999, 1e-8, 0.3, true),
		adam(KindAdamW, 0.05, 0.5, 0.95, 1e-8, 0, false),
	} {
		θ0 := []float64{1, -0.5, 0.25}
		want := append([]float64(nil), θ0...)
		if c.Kind == KindSGD {
			docSGD(c, want, 6)
		} else {
			docAdam(c, want, 6)
		}
		o := newOpt(t, c, 3)
		θ := append([]float64(nil), θ0...)
		g := make([]float64, 3)
		for range 6 {
			quadGrad(g, θ)
			o.Step(θ, g)
		}
		for i := range θ {
			if math.Abs(θ[i]-want[i]) > 1e-12 {
				t.Errorf("%+v: θ = %v, documented rule gives %v", c, θ, want)
				break
			}
		}
		// Reset makes it behave as a new optimizer.
		o.Reset()
		copy(θ, θ0)
		for range 6 {
			quadGrad(g, θ)
			o.Step(θ, g)
		}
		for i := range θ {
			if math.Abs(θ[i]-want[i]) > 1e-12 {
				t.Errorf("%+v after Reset: θ = %v, want %v", c, θ, want)
				break
			}
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	for _, tc := range []struct {
		max  float64
		want []float64
	}{
		{10, []float64{3, 4}},                          // norm 5: factor 10/(5+1e-6) ≥ 1, unchanged
		{1, []float64{3 / (5 + 1e-6), 4 / (5 + 1e-6)}}, // factor 1/(5+1e-6)
		{5, []float64{3 * 5 / (5 + 1e-6), 4 * 5 / (5 + 1e-6)}},
	} {
		g := []float64{3, 4}
		if total := ClipGradNorm(g, tc.max); total != 5 {
			t.Errorf("max %v: returned norm %v, want 5", tc.max, total)
		}
		for i := range g {
			if math.Abs(g[i]-tc.want[i]) > 1e-15 {
				t.Errorf("max %v: clipped to %v, want %v", tc.max, g, tc.want)
			}
		}
	}
	// MaxGradNorm clips before the step: SGD with lr 1 moves by the clipped gradient.
	o := newOpt(t, OptimConfig{Kind: KindSGD, LR: 1, MaxGradNorm: 1}, 2)
	θ := []float64{0, 0}
	o.Step(θ, []float64{3, 4})
	if math.Abs(θ[0]+3/(5+1e-6)) > 1e-15 || math.Abs(θ[1]+4/(5+1e-6)) > 1e-15 {
		t.Errorf("SGD with MaxGradNorm 1 moved to %v", θ)
	}
}

func TestSoftUpdate(t *testing.T) {
	dst := []float64{1, 2}
	SoftUpdate(dst, []float64{3, -1}, 0.25)
	if dst[0] != 1.5 || dst[1] != 1.25 { // 0.25·3 + 0.75·1, 0.25·(−1) + 0.75·2
		t.Errorf("SoftUpdate = %v, want [1.5 1.25]", dst)
	}
	CopyParams(dst, []float64{7, 8})
	if dst[0] != 7 || dst[1] != 8 {
		t.Errorf("CopyParams = %v", dst)
	}
}

func TestSetLR(t *testing.T) {
	for _, kind := range []OptimKind{KindSGD, KindAdam, KindAdamW} {
		c := DefaultOptimConfig()
		c.Kind = kind
		o := newOpt(t, c, 1)
		o.SetLR(0.5)
		if got := o.Config().LR; got != 0.5 {
			t.Errorf("%v: LR after SetLR = %v", kind, got)
		}
		θ := []float64{0}
		o.Step(θ, []float64{2})
		want := -0.5 * 2 // SGD: γg
		if kind != KindSGD {
			want = -0.5 * 2 / (2 + 1e-8) // Adam(W): γ·g/(|g|+ε)
		}
		if math.Abs(θ[0]-want) > 1e-15 {
			t.Errorf("%v: step with lr 0.5 gave %v, want %v", kind, θ[0], want)
		}
	}
}

func TestOptimConfigValidate(t *testing.T) {
	if err := DefaultOptimConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		change func(*OptimConfig)
		want   string
	}{
		{func(c *OptimConfig) { c.Kind = 9 }, "kind"},
		{func(c *OptimConfig) { c.LR = -1 }, "learning rate"},
		{func(c *OptimConfig) { c.LR = math.NaN() }, "LR"},
		{func(c *OptimConfig) { c.WeightDecay = -0.1 }, "weight decay"},
		{func(c *OptimConfig) { c.Beta1 = 1 }, "Beta1"},
		{func(c *OptimConfig) { c.Beta2 = -0.1 }, "Beta2"},
		{func(c *OptimConfig) { c.Eps = -1 }, "Eps"},
		{func(c *OptimConfig) { c.MaxGradNorm = -1 }, "MaxGradNorm"},
		{func(c *OptimConfig) { c.Kind, c.Momentum = KindSGD, -0.5 }, "momentum"},
		{func(c *OptimConfig) { c.Kind, c.Nesterov = KindSGD, true }, "Nesterov"},
		{func(c *OptimConfig) { c.Kind, c.Nesterov, c.Momentum, c.Dampening = KindSGD, true, 0.9, 0.1 }, "Nesterov"},
	} {
		c := DefaultOptimConfig()
		tc.change(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: Validate() = %v, want an error about %q", c, err, tc.want)
		}
		if _, err := NewOptimizer(c, 3); err == nil {
			t.Errorf("%+v: NewOptimizer accepted it", c)
		}
	}
}
