package nn

import (
	"fmt"
	"math"
)

// OptimKind names an optimization algorithm.
type OptimKind int

const (
	KindSGD   OptimKind = iota // torch.optim.SGD
	KindAdam                   // torch.optim.Adam
	KindAdamW                  // torch.optim.AdamW
	numOptimKinds
)

var optimNames = [numOptimKinds]string{"sgd", "adam", "adamw"}

// OptimNames returns the names of the algorithms, indexed by OptimKind.
func OptimNames() []string { return append([]string(nil), optimNames[:]...) }

// Valid reports whether k is one of the declared algorithms.
func (k OptimKind) Valid() bool { return k >= 0 && k < numOptimKinds }

// String returns the algorithm's name, e.g. "adamw".
func (k OptimKind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("OptimKind(%d)", int(k))
	}
	return optimNames[k]
}

// OptimConfig holds the hyperparameters of every optimizer; each uses the
// fields its PyTorch counterpart has.
type OptimConfig struct {
	Kind OptimKind
	LR   float64 // learning rate γ

	Momentum  float64 // SGD: momentum μ
	Dampening float64 // SGD: dampening τ
	Nesterov  bool    // SGD: Nesterov momentum

	Beta1, Beta2 float64 // Adam, AdamW: decay rates of the moment estimates
	Eps          float64 // Adam, AdamW: added to the denominator after the square root
	AMSGrad      bool    // Adam, AdamW: use the maximum of the second moments

	// WeightDecay λ is an L2 penalty added to the gradient (g ← g + λθ) for
	// SGD and Adam, and decoupled (θ ← θ − γλθ) for AdamW.
	WeightDecay float64

	// MaxGradNorm, when positive, clips the gradient by its global norm
	// (ClipGradNorm) at the start of each Step.
	MaxGradNorm float64
}

// DefaultOptimConfig returns Adam with PyTorch's defaults: learning rate
// 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, no clipping; for SGD
// no momentum. (PyTorch's AdamW defaults to weight decay 1e-2; set it.)
func DefaultOptimConfig() OptimConfig {
	return OptimConfig{Kind: KindAdam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Validate reports the first problem with c, with PyTorch's rules.
func (c OptimConfig) Validate() error {
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("nn: optimizer %s = %v must be finite", name, v)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"LR", c.LR}, {"Momentum", c.Momentum}, {"Dampening", c.Dampening}, {"Beta1", c.Beta1},
		{"Beta2", c.Beta2}, {"Eps", c.Eps}, {"WeightDecay", c.WeightDecay}, {"MaxGradNorm", c.MaxGradNorm}} {
		if err := finite(f.name, f.v); err != nil {
			return err
		}
	}
	switch {
	case !c.Kind.Valid():
		return fmt.Errorf("nn: invalid optimizer kind %d", int(c.Kind))
	case c.LR < 0:
		return fmt.Errorf("nn: learning rate %v must be ≥ 0", c.LR)
	case c.WeightDecay < 0:
		return fmt.Errorf("nn: weight decay %v must be ≥ 0", c.WeightDecay)
	case c.MaxGradNorm < 0:
		return fmt.Errorf("nn: MaxGradNorm %v must be ≥ 0 (0 turns clipping off)", c.MaxGradNorm)
	}
	if c.Kind == KindSGD {
		switch {
		case c.Momentum < 0:
			return fmt.Errorf("nn: momentum %v must be ≥ 0", c.Momentum)
		case c.Nesterov && (c.Momentum <= 0 || c.Dampening != 0):
			return fmt.Errorf("nn: Nesterov momentum needs momentum > 0 and zero dampening")
		}
		return nil
	}
	switch {
	case c.Beta1 < 0 || c.Beta1 >= 1:
		return fmt.Errorf("nn: Beta1 %v must be in [0, 1)", c.Beta1)
	case c.Beta2 < 0 || c.Beta2 >= 1:
		return fmt.Errorf("nn: Beta2 %v must be in [0, 1)", c.Beta2)
	case c.Eps < 0:
		return fmt.Errorf("nn: Eps %v must be ≥ 0", c.Eps)
	}
	return nil
}

// Optimizer updates a flat parameter slice from its gradient.
type Optimizer interface {
	// Step updates params in place from grads (both of the length given
	// to NewOptimizer); with MaxGradNorm set it first clips grads in place.
	Step(params, grads []float64)
	// Reset forgets the state (step count, moments), as a new optimizer.
	Reset()
	// SetLR changes the learning rate from the next step on.
	SetLR(lr float64)
	// Config returns the current hyperparameters.
	Config() OptimConfig
}

// NewOptimizer returns the optimizer cfg.Kind for n parameters: *SGD,
// *Adam or *AdamW.
func NewOptimizer(cfg OptimConfig, n int) (Optimizer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("nn: optimizer size %d must be ≥ 0", n)
	}
	switch cfg.Kind {
	case KindSGD:
		o := &SGD{cfg: cfg, size: n}
		if cfg.Momentum != 0 {
			o.buf = make([]float64, n)
		}
		return o, nil
	case KindAdamW:
		return &AdamW{newAdamState(cfg, n)}, nil
	}
	return &Adam{newAdamState(cfg, n)}, nil
}

// checkStep panics unless params and grads both have length n.
func checkStep(params, grads []float64, n int) {
	if len(params) != n || len(grads) != n {
		panic(fmt.Sprintf("nn: Step: %d params and %d grads, want %d", len(params), len(grads), n))
	}
}

// SGD is stochastic gradient descent as torch.optim.SGD: with
// g ← g + λθ, then with momentum b ← g on the first step and
// b ← μb + (1−τ)g after, g ← g + μb (Nesterov) or g ← b; θ ← θ − γg.
type SGD struct {
	cfg  OptimConfig
	buf  []float64 // momentum buffer b, nil without momentum
	t    int       // steps taken
	size int       // number of parameters
}

// Step implements Optimizer.
func (o *SGD) Step(params, grads []float64) {
	checkStep(params, grads, o.size)
	if o.cfg.MaxGradNorm > 0 {
		ClipGradNorm(grads, o.cfg.MaxGradNorm)
	}
	o.t++
	lr, wd, mu := o.cfg.LR, o.cfg.WeightDecay, o.cfg.Momentum
	damp := 1 - o.cfg.Dampening
	first, nesterov := o.t == 1, o.cfg.Nesterov
	grads = grads[:len(params)]
	buf := o.buf
	for i, p := range params {
		g := grads[i]
		if wd != 0 {
			g += wd * p
		}
		if buf != nil {
			b := g
			if !first {
				b = mu*buf[i] + damp*g
			}
			buf[i] = b
			if nesterov {
				g += mu * b
			} else {
				g = b
			}
		}
		params[i] = p - lr*g
	}
}

// Reset implements Optimizer.
func (o *SGD) Reset() { o.t = 0; clear(o.buf) }

// SetLR implements Optimizer.
func (o *SGD) SetLR(lr float64) { o.cfg.LR = lr }

// Config implements Optimizer.
func (o *SGD) Config() OptimConfig { return o.cfg }

// adamState is shared by Adam and AdamW.
type adamState struct {
	cfg     OptimConfig
	m, v, u []float64 // first and second moments, max of v (AMSGrad)
	t       int       // steps taken
}

func newAdamState(cfg OptimConfig, n int) adamState {
	s := adamState{cfg: cfg, m: make([]float64, n), v: make([]float64, n)}
	if cfg.AMSGrad {
		s.u = make([]float64, n)
	}
	return s
}

// step is torch's single-tensor Adam update; decoupled selects AdamW's
// weight decay.
func (s *adamState) step(params, grads []float64, decoupled bool) {
	checkStep(params, grads, len(s.m))
	if s.cfg.MaxGradNorm > 0 {
		ClipGradNorm(grads, s.cfg.MaxGradNorm)
	}
	s.t++
	c := &s.cfg
	lr, b1, b2, eps, wd := c.LR, c.Beta1, c.Beta2, c.Eps, c.WeightDecay
	bc1 := 1 - math.Pow(b1, float64(s.t))
	bc2 := 1 - math.Pow(b2, float64(s.t))
	stepSize := lr / bc1
	bc2Sqrt := math.Sqrt(bc2)
	decay := 1 - lr*wd // AdamW's factor
	l2 := wd
	if decoupled {
		l2 = 0
	}
	w1 := 1 - b1  // torch: exp_avg.lerp_(grad, 1-beta1), which computes
	w1c := 1 - w1 // m + w1(g−m) for w1 < 0.5 and g − (g−m)(1−w1) otherwise
	lerpLow := w1 < 0.5
	w2 := 1 - b2
	grads = grads[:len(params)]
	m, v := s.m[:len(params)], s.v[:len(params)]
	u := s.u
	if u != nil {
		u = u[:len(params)]
	}
	for i, p := range params {
		g := grads[i]
		if decoupled && wd != 0 {
			p *= decay
		}
		if l2 != 0 {
			g += l2 * p
		}
		var mi float64
		if lerpLow {
			mi = m[i] + w1*(g-m[i])
		} else {
			mi = g - (g-m[i])*w1c
		}
		vi := v[i]*b2 + w2*g*g
		m[i], v[i] = mi, vi
		if u != nil {
			if vi > u[i] {
				u[i] = vi
			}
			vi = u[i]
		}
		denom := math.Sqrt(vi)/bc2Sqrt + eps
		params[i] = p - stepSize*(mi/denom)
	}
}

func (s *adamState) reset() {
	s.t = 0
	clear(s.m)
	clear(s.v)
	clear(s.u)
}

// Adam is torch.optim.Adam: with g ← g + λθ (L2),
// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², and with AMSGrad
// v̂ ← max(v̂, v) kept before bias correction as PyTorch's code does;
// θ ← θ − γ/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
type Adam struct{ adamState }

// Step implements Optimizer.
func (o *Adam) Step(params, grads []float64) { o.step(params, grads, false) }

// Reset implements Optimizer.
func (o *Adam) Reset() { o.reset() }

// SetLR implements Optimizer.
func (o *Adam) SetLR(lr float64) { o.cfg.LR = lr }

// Config implements Optimizer.
func (o *Adam) Config() OptimConfig { return o.cfg }

// AdamW is torch.optim.AdamW: Adam whose weight decay is decoupled from the
// gradient, θ ← θ − γλθ before the Adam step on the raw gradient.
type AdamW struct{ adamState }

// Step implements Optimizer.
func (o *AdamW) Step(params, grads []float64) { o.step(params, grads, true) }

// Reset implements Optimizer.
func (o *AdamW) Reset() { o.reset() }

// SetLR implements Optimizer.
func (o *AdamW) SetLR(lr float64) { o.cfg.LR = lr }

// Config implements Optimizer.
func (o *AdamW) Config() OptimConfig { return o.cfg }
