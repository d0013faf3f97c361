package prefs

import (
	"errors"
	"fmt"
	"math"

	"bellman/sim/nn"
	"bellman/sim/pg"
)

// DPO trains a tabular softmax policy directly on labelled pairs (Rafailov
// et al. 2023), minimising
//
//	L = (1/N) Σ_i ℓ(P_i, z_i) + (λ/2) ‖u‖²,
//	z_i = β Σ_{s,a} x_i(s,a) (log π_θ(a|s) − log π_ref(a|s)),
//
// ℓ(p, z) = −p log σ(z) − (1 − p) log σ(−z): with a hard label, DPO's
// −log σ(β log π_θ(y_w)/π_ref(y_w) − β log π_θ(y_l)/π_ref(y_l)) over the
// trajectories' log-likelihoods, weighted by γ^t (x_i is the pair's count
// difference, Data).
//
// The policy's preferences are h = log π_ref + u/β, so that
// π_θ ∝ π_ref · exp(u/β), the form the optimum of the KL-regularised
// objective takes (u = q, the soft action values); the parameters the
// optimiser moves are the logits u, in the judge's units. It is the same
// softmax family as any h and the same loss; only the coordinates differ,
// chosen so that a learning rate means the same at every β (in h, the
// loss's curvature grows like β²). u starts at 0 (π_θ = π_ref) and moves
// by full-batch Adam steps (sim/nn). With ∂ log π_θ(a|s)/∂h(s,b) =
// 1[a = b] − π_θ(b|s) and ∂h/∂u = 1/β,
//
//	∂L/∂u(s,b) = g(s,b) − π_θ(b|s) Σ_a g(s,a) + λ u(s,b),   g = (1/N) Σ_i (σ(z_i) − P_i) x_i.
//
// The penalty, on the logits as the reward model's is on its weights,
// keeps u finite on noiseless labels, where the likelihood alone grows
// without bound. Step allocates nothing.
type DPO struct {
	S, A int
	// Policy is π_θ; its H follows U (read-only: change it by SetPolicy).
	Policy *pg.Policy
	// U holds the logits u (len S*A), h = log π_ref + u/β (read-only).
	U []float64
	// Beta is the KL coefficient β > 0 and Lambda the L2 coefficient λ ≥ 0.
	Beta, Lambda float64

	logRef []float64
	opt    nn.Optimizer
	logPi  []float64 // log π_θ, len S*A
	pi     []float64
	g      []float64
	grad   []float64
	steps  int

	// Newton's method: the Hessian in the pairs' space, then in u's.
	hsa, hess, dir, u0 []float64
	damping            float64
}

// MaxBeta bounds the KL coefficient β.
const MaxBeta = 1e6

// NewDPO returns DPO from π_θ = π_ref (ref, len S*A, every probability
// positive: π_θ is a softmax and cannot be 0) with coefficients β and λ,
// stepped by opt (sim/nn's optimizers; DefaultOptim is Adam with learning
// rate 0.05 and AMSGrad).
func NewDPO(ref []float64, S, A int, beta, lambda float64, opt nn.OptimConfig) (*DPO, error) {
	if len(ref) != S*A {
		return nil, fmt.Errorf("reference policy has %d entries, want %d", len(ref), S*A)
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	if !(lambda >= 0 && lambda <= MaxLambda) {
		return nil, fmt.Errorf("l2 coefficient %v is outside [0, %g]", lambda, float64(MaxLambda))
	}
	o, err := nn.NewOptimizer(opt, S*A)
	if err != nil {
		return nil, err
	}
	d := &DPO{S: S, A: A, Policy: pg.NewPolicy(S, A), U: make([]float64, S*A), Beta: beta, Lambda: lambda,
		logRef: make([]float64, S*A), opt: o,
		logPi: make([]float64, S*A), pi: make([]float64, S*A), g: make([]float64, S*A), grad: make([]float64, S*A)}
	n := S * A
	d.hsa, d.hess, d.dir, d.u0 = make([]float64, n*n), make([]float64, n*n), make([]float64, n), make([]float64, n)
	for i, p := range ref {
		if !(p > 0 && p <= 1) {
			return nil, fmt.Errorf("reference policy: state %d action %d has probability %v; DPO's softmax needs every action possible (mix the reference with the uniform policy)", i/A, i%A, p)
		}
		d.logRef[i] = log(p)
	}
	d.Reset()
	return d, nil
}

// DefaultOptim returns Adam with learning rate 0.05 and AMSGrad, PyTorch's
// other defaults. With AMSGrad the steps shrink with the gradient near the
// optimum (plain Adam's m/√v stays near ±1 there, and the loss jumps).
func DefaultOptim() nn.OptimConfig {
	c := nn.DefaultOptimConfig()
	c.LR = 0.05
	c.AMSGrad = true
	return c
}

func checkBeta(b float64) error {
	if !(b > 0 && b <= MaxBeta) {
		return fmt.Errorf("beta %v is outside (0, %g]", b, float64(MaxBeta))
	}
	return nil
}

// sync sets h = log π_ref + u/β and the tables of π_θ.
func (d *DPO) sync() {
	for i, u := range d.U {
		d.Policy.H[i] = d.logRef[i] + u/d.Beta
	}
	d.tables()
}

// SetBeta changes β for the next step: π_θ stays (u is rescaled), the
// optimiser's moments start again.
func (d *DPO) SetBeta(b float64) error {
	if err := checkBeta(b); err != nil {
		return err
	}
	for i := range d.U {
		d.U[i] *= b / d.Beta
	}
	d.Beta = b
	d.opt.Reset()
	d.sync()
	return nil
}

// SetPolicy sets π_θ by its preferences h (len S*A): u = β(h − log π_ref).
func (d *DPO) SetPolicy(h []float64) {
	for i, x := range h[:len(d.U)] {
		d.U[i] = d.Beta * (x - d.logRef[i])
	}
	d.sync()
}

// SetLambda changes λ ≥ 0 for the next step.
func (d *DPO) SetLambda(l float64) error {
	if !(l >= 0 && l <= MaxLambda) {
		return fmt.Errorf("l2 coefficient %v is outside [0, %g]", l, float64(MaxLambda))
	}
	d.Lambda = l
	return nil
}

// SetLR changes the optimizer's learning rate.
func (d *DPO) SetLR(lr float64) { d.opt.SetLR(lr) }

// Reset returns π_θ to π_ref (u = 0) and clears the optimizer's state.
func (d *DPO) Reset() {
	clear(d.U)
	d.opt.Reset()
	d.steps, d.damping = 0, 0
	d.sync()
}

// Steps returns the optimizer steps taken since the last Reset.
func (d *DPO) Steps() int { return d.steps }

// tables fills logPi and pi from h.
func (d *DPO) tables() {
	A := d.A
	h := d.Policy.H
	for s := 0; s < d.S; s++ {
		row := h[s*A : (s+1)*A]
		mx := row[0]
		for _, x := range row[1:] {
			if x > mx {
				mx = x
			}
		}
		sum := 0.0
		for a, x := range row {
			e := exp(x - mx)
			d.pi[s*A+a] = e
			sum += e
		}
		lse := mx + math.Log1p(sum-1) // sum is in [1, A]
		for a, x := range row {
			d.logPi[s*A+a] = x - lse
			d.pi[s*A+a] /= sum
		}
	}
}

// margin returns z_i at the current tables.
func (d *DPO) margin(data *Data, i int) float64 {
	idx, val := data.X(i)
	z := 0.0
	for k, j := range idx {
		z += val[k] * (d.logPi[j] - d.logRef[j])
	}
	return d.Beta * z
}

// Loss returns L on data at the current U.
func (d *DPO) Loss(data *Data) float64 {
	d.sync()
	n := data.Len()
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += bceLogits(data.P[i], d.margin(data, i))
	}
	L := 0.5 * d.Lambda * sqNorm(d.U)
	if n > 0 {
		L += sum / float64(n)
	}
	return L
}

// Gradient writes ∇_u L at the current U into dst (len S*A) and returns
// L.
func (d *DPO) Gradient(dst []float64, data *Data) float64 {
	d.sync()
	n := data.Len()
	clear(d.g)
	sum := 0.0
	inv := 0.0
	if n > 0 {
		inv = 1 / float64(n)
	}
	for i := 0; i < n; i++ {
		l, dz := bce(data.P[i], d.margin(data, i))
		sum += l
		c := dz * inv
		idx, val := data.X(i)
		for k, j := range idx {
			d.g[j] += c * val[k]
		}
	}
	A := d.A
	dst = dst[:d.S*A]
	for s := 0; s < d.S; s++ {
		g := d.g[s*A : (s+1)*A]
		tot := 0.0
		for _, x := range g {
			tot += x
		}
		for b, x := range g {
			i := s*A + b
			dst[i] = x - d.pi[i]*tot + d.Lambda*d.U[i]
		}
	}
	return sum*inv + 0.5*d.Lambda*sqNorm(d.U)
}

// Step takes one optimizer step on data and returns the loss and the
// gradient's largest entry |∂L/∂u| before it.
func (d *DPO) Step(data *Data) (loss, gradMax float64) {
	loss = d.Gradient(d.grad, data)
	for _, x := range d.grad {
		if a := math.Abs(x); a > gradMax || a != a {
			gradMax = a
		}
	}
	d.opt.Step(d.U, d.grad)
	d.steps++
	d.sync()
	return loss, gradMax
}

// ImplicitReward writes DPO's implicit reward β log π_θ(a|s)/π_ref(a|s)
// into dst (len S*A) and returns it. At the optimum of the KL-regularised
// problem it is the soft advantage q(s,a) − v(s) (the package
// documentation).
func (d *DPO) ImplicitReward(dst []float64) []float64 {
	dst = dst[:d.S*d.A]
	for i, lp := range d.logPi {
		dst[i] = d.Beta * (lp - d.logRef[i])
	}
	return dst
}

// ActionProbs writes π_θ(a|s) into dst (len S*A) and returns it.
func (d *DPO) ActionProbs(dst []float64) []float64 {
	return append(dst[:0], d.pi...)
}

// NewtonStep takes one step of Newton's method on data and returns the
// loss after it and the decrement ½ gᵀH⁻¹g before it (below Converged the
// fit has converged). The Hessian is
//
//	∇²L = (1/N) Σ_i σ_i(1 − σ_i) ∇z_i ∇z_iᵀ − Σ_s (c_s/β) (diag π_s − π_s π_sᵀ) + λI,
//
// ∇z_i = J x_i with (J x)(s,b) = x(s,b) − π(b|s) Σ_a x(s,a), and
// c_s = Σ_a g(s,a): the curvature of the log-softmax, block-diagonal by
// state. The loss is not convex in u (z_i mixes the concave log π of one
// trajectory with the negated one of the other), so where the Hessian is
// not positive definite a multiple of I is added (Levenberg–Marquardt,
// the multiple doubling from 1e-8 until it is, and shrinking again after a
// step that needed none); a backtracking line search keeps the loss
// falling. Near the minimum it converges quadratically, where Adam's
// steps crawl along the directions the labels barely determine.
func (d *DPO) NewtonStep(data *Data) (loss, decrement float64, err error) {
	L := d.Gradient(d.grad, data) // also fills π and g at the current u
	if math.IsNaN(L) || math.IsInf(L, 0) {
		return L, 0, fmt.Errorf("DPO: the loss is %v", L)
	}
	S, A := d.S, d.A
	n := S * A
	// hsa = (1/N) Σ w_i x_i x_iᵀ, w_i = σ_i(1 − σ_i).
	clear(d.hsa)
	N := data.Len()
	for i := 0; i < N; i++ {
		z := d.margin(data, i)
		sg := sigmoid(z)
		w := sg * (1 - sg) / float64(N)
		if w == 0 {
			continue
		}
		idx, val := data.X(i)
		for k, j := range idx {
			wv := w * val[k]
			row := d.hsa[int(j)*n : (int(j)+1)*n]
			for k2, j2 := range idx {
				row[j2] += wv * val[k2]
			}
		}
	}
	// hess = J hsa Jᵀ, J block-diagonal with blocks I − π_s 1ᵀ: first the
	// columns (hsa Jᵀ: column (s',c) minus π(c|s') times the sum of its
	// state's columns), in hess, then the rows the same way back into hsa.
	d.applyJ(d.hsa, d.hess, false)
	d.applyJ(d.hess, d.hsa, true)
	// The log-softmax's curvature and the penalty.
	for s := 0; s < S; s++ {
		cs := 0.0
		for a := 0; a < A; a++ {
			cs += d.g[s*A+a]
		}
		cs /= d.Beta
		for b := 0; b < A; b++ {
			pb := d.pi[s*A+b]
			for c := 0; c < A; c++ {
				v := -pb * d.pi[s*A+c]
				if b == c {
					v += pb
				}
				d.hsa[(s*A+b)*n+s*A+c] -= cs * v
			}
		}
	}
	for i := 0; i < n; i++ {
		d.hsa[i*n+i] += d.Lambda
	}
	// Factor, adding μI until positive definite.
	mu := d.damping
	for {
		copy(d.hess, d.hsa)
		for i := 0; i < n; i++ {
			d.hess[i*n+i] += mu
		}
		if _, ok := cholesky(d.hess, n); ok {
			break
		}
		if mu == 0 {
			mu = 1e-8
		} else {
			mu *= 2
		}
		if mu > 1e12 {
			return L, 0, errors.New("DPO: no positive definite damping of the Hessian")
		}
	}
	if mu == d.damping {
		d.damping /= 4
		if d.damping < 1e-8 {
			d.damping = 0
		}
	} else {
		d.damping = mu
	}
	for i, g := range d.grad {
		d.dir[i] = -g
	}
	cholSolve(d.hess, d.dir)
	slope := 0.0
	for i, g := range d.grad {
		slope += g * d.dir[i]
	}
	decrement = -slope / 2
	if !(slope < 0) {
		return L, math.Max(decrement, 0), nil
	}
	copy(d.u0, d.U)
	step := 1.0
	for k := 0; k < 40; k++ {
		for i, u := range d.u0 {
			d.U[i] = u + step*d.dir[i]
		}
		if Lt := d.Loss(data); Lt <= L+1e-4*step*slope {
			d.steps++
			return Lt, decrement, nil
		}
		step /= 2
	}
	copy(d.U, d.u0)
	d.sync()
	return L, decrement, nil
}

// applyJ writes src·Jᵀ (byRows false: each column (s,c) less π(c|s) times
// the sum of its state's columns) or J·src (byRows true: the same on rows)
// into dst, n×n, J = blockdiag(I − π_s 1ᵀ).
func (d *DPO) applyJ(src, dst []float64, byRows bool) {
	S, A := d.S, d.A
	n := S * A
	for i := 0; i < n; i++ {
		for s2 := 0; s2 < S; s2++ {
			tot := 0.0
			for a := 0; a < A; a++ {
				if byRows {
					tot += src[(s2*A+a)*n+i]
				} else {
					tot += src[i*n+s2*A+a]
				}
			}
			for c := 0; c < A; c++ {
				j := s2*A + c
				if byRows {
					dst[j*n+i] = src[j*n+i] - d.pi[j]*tot
				} else {
					dst[i*n+j] = src[i*n+j] - d.pi[j]*tot
				}
			}
		}
	}
}
