package prefs

import (
	"errors"
	"fmt"
	"math"

	"bellman/sim/features"
	"bellman/sim/grid"
)

// MaxRewardParams bounds a reward model's weights F·A: Newton's method
// factorises a matrix of that side (1280: the tabular model of a world of
// pg.MaxExactStates states and 5 actions).
const MaxRewardParams = 1280

// RewardModel is a Bradley–Terry reward model linear in state features,
// one weight vector per action (as q̂ is in linear value-function
// approximation): r̂(s,a) = φ(s)ᵀ w_a. One-hot features of the cell make
// it tabular. It models a judge's preferences as
//
//	Pr(A ≻ B) = σ(R̂(A) − R̂(B)),   R̂(τ) = Σ_t γ^t r̂(s_t, a_t) = Σ_{s,a} c_τ(s,a) r̂(s,a),
//
// and is fitted by maximum likelihood with an L2 penalty: it minimises
//
//	L(w) = (1/N) Σ_i ℓ(P_i, x_iᵀ r̂) + (λ/2) ‖w‖²,   ℓ(p, z) = −p log σ(z) − (1 − p) log σ(−z),
//
// with x_i pair i's count difference (Data). L is convex (logistic
// regression on the features Ψᵀx_i), so Newton's method with a
// backtracking line search converges to its unique minimiser, in a dozen
// iterations here; λ > 0 is what makes it unique, as the likelihood alone
// is flat along shaping and constant offsets (see the package
// documentation), and keeps r̂ finite when the labels are noiseless and a
// reward separates them perfectly. r̂ is in the judge's units: it
// estimates β_j·r, up to shaping.
//
// NewtonStep allocates nothing.
type RewardModel struct {
	S, A, F int
	// Phi holds φ(s) at Phi[s*F : (s+1)*F] (shared, read-only).
	Phi []float64
	// W holds w_a at W[a*F : (a+1)*F].
	W []float64
	// Lambda is the L2 coefficient λ > 0.
	Lambda float64

	r     []float64 // r̂, len S*A
	gsa   []float64 // (1/N) Σ (σ(z_i) − P_i) x_i, len S*A
	hsa   []float64 // (1/N) Σ σ(1−σ) x_i x_iᵀ, S*A × S*A
	t     []float64 // hsa·Ψ, S*A × P
	hess  []float64 // P × P, then its Cholesky factor
	grad  []float64 // P
	dir   []float64 // P
	w0    []float64 // P, the weights before the line search
	rTry  []float64 // S*A
	iters int
}

// NewRewardModel returns a model with weights 0 (r̂ = 0) for features phi
// (S×F, row-major) of S states and A actions, and L2 coefficient λ > 0.
func NewRewardModel(phi []float64, S, A, F int, lambda float64) (*RewardModel, error) {
	if S < 1 || A < 1 || F < 1 || len(phi) != S*F {
		return nil, fmt.Errorf("prefs: %d features for %d states × %d columns", len(phi), S, F)
	}
	P := F * A
	if P > MaxRewardParams {
		return nil, fmt.Errorf("the reward model has %d weights (%d features × %d actions), more than %d", P, F, A, MaxRewardParams)
	}
	if err := checkLambda(lambda); err != nil {
		return nil, err
	}
	for i, x := range phi {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("feature %d of state %d is %v", i%F, i/F, x)
		}
	}
	n := S * A
	return &RewardModel{S: S, A: A, F: F, Phi: phi, W: make([]float64, P), Lambda: lambda,
		r: make([]float64, n), gsa: make([]float64, n), hsa: make([]float64, n*n), t: make([]float64, n*P),
		hess: make([]float64, P*P), grad: make([]float64, P), dir: make([]float64, P), w0: make([]float64, P),
		rTry: make([]float64, n)}, nil
}

// MaxLambda bounds the L2 coefficient.
const MaxLambda = 10

func checkLambda(l float64) error {
	if !(l > 0 && l <= MaxLambda) {
		return fmt.Errorf("l2 coefficient %v is outside (0, %g]", l, float64(MaxLambda))
	}
	return nil
}

// SetLambda changes λ for the next step.
func (m *RewardModel) SetLambda(l float64) error {
	if err := checkLambda(l); err != nil {
		return err
	}
	m.Lambda = l
	return nil
}

// Reset sets the weights to 0.
func (m *RewardModel) Reset() { clear(m.W); m.iters = 0 }

// Iterations returns the Newton steps taken since the last Reset.
func (m *RewardModel) Iterations() int { return m.iters }

// rewards writes r̂ of weights w into dst (len S*A).
func (m *RewardModel) rewards(dst, w []float64) []float64 {
	S, A, F := m.S, m.A, m.F
	for s := 0; s < S; s++ {
		phi := m.Phi[s*F : (s+1)*F]
		for a := 0; a < A; a++ {
			wa := w[a*F : (a+1)*F]
			acc := 0.0
			for f, x := range phi {
				if x != 0 {
					acc += x * wa[f]
				}
			}
			dst[s*A+a] = acc
		}
	}
	return dst
}

// Rewards writes r̂(s,a) into dst (len S*A) and returns it.
func (m *RewardModel) Rewards(dst []float64) []float64 { return m.rewards(dst[:m.S*m.A], m.W) }

// loss returns L at rewards r and weights w.
func (m *RewardModel) loss(d *Data, r, w []float64) float64 {
	n := d.Len()
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += bceLogits(d.P[i], dot(d, i, r))
	}
	l := 0.0
	if n > 0 {
		l = sum / float64(n)
	}
	return l + 0.5*m.Lambda*sqNorm(w)
}

// dot returns x_iᵀ v.
func dot(d *Data, i int, v []float64) float64 {
	idx, val := d.X(i)
	z := 0.0
	for k, j := range idx {
		z += val[k] * v[j]
	}
	return z
}

func sqNorm(w []float64) float64 {
	s := 0.0
	for _, x := range w {
		s += x * x
	}
	return s
}

// Loss returns L(w) on d.
func (m *RewardModel) Loss(d *Data) float64 {
	m.Rewards(m.r)
	return m.loss(d, m.r, m.W)
}

// Gradient writes ∇L(w) into dst (len F·A) and returns L. With
// g = (1/N) Σ_i (σ(x_iᵀ r̂) − P_i) x_i over the pairs,
// ∂L/∂w_a[f] = Σ_s φ_f(s) g(s,a) + λ w_a[f].
func (m *RewardModel) Gradient(dst []float64, d *Data) float64 {
	m.Rewards(m.r)
	L := m.accumulate(d, false)
	m.project(dst[:len(m.W)])
	return L
}

// accumulate fills gsa (and hsa when hess is set) at the current r and
// returns L.
func (m *RewardModel) accumulate(d *Data, hess bool) float64 {
	n := d.Len()
	clear(m.gsa)
	if hess {
		clear(m.hsa)
	}
	nsa := m.S * m.A
	sum := 0.0
	inv := 0.0
	if n > 0 {
		inv = 1 / float64(n)
	}
	for i := 0; i < n; i++ {
		idx, val := d.X(i)
		z := 0.0
		for k, j := range idx {
			z += val[k] * m.r[j]
		}
		sum += bceLogits(d.P[i], z)
		sg := sigmoid(z)
		c := (sg - d.P[i]) * inv
		for k, j := range idx {
			m.gsa[j] += c * val[k]
		}
		if !hess {
			continue
		}
		h := sg * (1 - sg) * inv
		if h == 0 {
			continue
		}
		for k, j := range idx {
			hv := h * val[k]
			row := m.hsa[int(j)*nsa : (int(j)+1)*nsa]
			for k2, j2 := range idx {
				row[j2] += hv * val[k2]
			}
		}
	}
	return sum*inv + 0.5*m.Lambda*sqNorm(m.W)
}

// project writes Ψᵀ gsa + λw into dst.
func (m *RewardModel) project(dst []float64) {
	S, A, F := m.S, m.A, m.F
	for a := 0; a < A; a++ {
		ga := dst[a*F : (a+1)*F]
		for f := range ga {
			ga[f] = m.Lambda * m.W[a*F+f]
		}
		for s := 0; s < S; s++ {
			g := m.gsa[s*A+a]
			if g == 0 {
				continue
			}
			for f, x := range m.Phi[s*F : (s+1)*F] {
				if x != 0 {
					ga[f] += x * g
				}
			}
		}
	}
}

// hessian fills hess with Ψᵀ hsa Ψ + λI, Ψ[(s,a),(b,f)] = 1[a = b] φ_f(s).
func (m *RewardModel) hessian() {
	S, A, F := m.S, m.A, m.F
	P, nsa := F*A, S*A
	// t = hsa Ψ: t[(s,a),(b,f)] = Σ_s' hsa[(s,a),(s',b)] φ_f(s').
	clear(m.t)
	for i := 0; i < nsa; i++ {
		row := m.hsa[i*nsa : (i+1)*nsa]
		ti := m.t[i*P : (i+1)*P]
		for s2 := 0; s2 < S; s2++ {
			phi := m.Phi[s2*F : (s2+1)*F]
			for b := 0; b < A; b++ {
				h := row[s2*A+b]
				if h == 0 {
					continue
				}
				tb := ti[b*F : (b+1)*F]
				for f, x := range phi {
					if x != 0 {
						tb[f] += h * x
					}
				}
			}
		}
	}
	// hess[(a,f),:] = Σ_s φ_f(s) t[(s,a),:].
	clear(m.hess)
	for s := 0; s < S; s++ {
		phi := m.Phi[s*F : (s+1)*F]
		for a := 0; a < A; a++ {
			ti := m.t[(s*A+a)*P : (s*A+a+1)*P]
			for f, x := range phi {
				if x == 0 {
					continue
				}
				hr := m.hess[(a*F+f)*P : (a*F+f+1)*P]
				for j, y := range ti {
					if y != 0 {
						hr[j] += x * y
					}
				}
			}
		}
	}
	for i := 0; i < P; i++ {
		m.hess[i*P+i] += m.Lambda
	}
}

// NewtonStep takes one step of Newton's method with a backtracking line
// search (Armijo's condition, halving from the full step) on d and
// returns the loss after it and the decrement ½ gᵀH⁻¹g before it, an
// estimate of how far the loss is above its minimum; below 1e-14 the fit
// has converged. It fails only on a loss that is not finite.
func (m *RewardModel) NewtonStep(d *Data) (loss, decrement float64, err error) {
	m.Rewards(m.r)
	L := m.accumulate(d, true)
	if math.IsNaN(L) || math.IsInf(L, 0) {
		return L, 0, fmt.Errorf("reward model: the loss is %v", L)
	}
	m.project(m.grad)
	m.hessian()
	if j, ok := cholesky(m.hess, len(m.W)); !ok {
		return L, 0, fmt.Errorf("reward model: the Hessian is not positive definite (pivot %d)", j)
	}
	for i, g := range m.grad {
		m.dir[i] = -g
	}
	cholSolve(m.hess, m.dir)
	slope := 0.0 // gᵀd = −gᵀH⁻¹g < 0
	for i, g := range m.grad {
		slope += g * m.dir[i]
	}
	decrement = -slope / 2
	if !(slope < 0) {
		return L, math.Max(decrement, 0), nil // at the minimum to rounding
	}
	copy(m.w0, m.W)
	step := 1.0
	for k := 0; k < 40; k++ {
		for i, w := range m.w0 {
			m.W[i] = w + step*m.dir[i]
		}
		Lt := m.loss(d, m.rewards(m.rTry, m.W), m.W)
		if Lt <= L+1e-4*step*slope {
			m.iters++
			return Lt, decrement, nil
		}
		step /= 2
	}
	copy(m.W, m.w0) // no decrease found: at the minimum to rounding
	return L, decrement, nil
}

// Converged is the Newton decrement below which a fit has converged: the
// loss is within about that of its minimum.
const Converged = 1e-14

// Fit takes Newton steps until the decrement is below Converged or
// maxIter steps have run, and returns the final loss and whether it
// converged.
func (m *RewardModel) Fit(d *Data, maxIter int) (loss float64, converged bool, err error) {
	if d.Len() == 0 {
		return 0, false, errors.New("no labelled pairs to fit")
	}
	for k := 0; k < maxIter; k++ {
		l, dec, err := m.NewtonStep(d)
		if err != nil {
			return l, false, err
		}
		loss = l
		if dec < Converged {
			return m.Loss(d), true, nil
		}
	}
	return loss, false, nil
}

// cholesky replaces the upper-left n×n of a (symmetric positive definite,
// row-major) by its Cholesky factor L in the lower triangle, a = LLᵀ. It
// reports false, and the pivot, if a is not positive definite.
func cholesky(a []float64, n int) (pivot int, ok bool) {
	for j := 0; j < n; j++ {
		rj := a[j*n : j*n+j]
		d := a[j*n+j]
		for _, x := range rj {
			d -= x * x
		}
		if !(d > 0) {
			return j, false
		}
		d = math.Sqrt(d)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			ri := a[i*n : i*n+j]
			s := a[i*n+j]
			for k, x := range ri {
				s -= x * rj[k]
			}
			a[i*n+j] = s / d
		}
	}
	return n, true
}

// cholSolve overwrites b with the solution of LLᵀx = b.
func cholSolve(l, b []float64) {
	n := len(b)
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*n+k] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
}

// GridFeatures returns φ(s) of every state of a grid world's model for a
// feature spec over the grid's columns (features.Grid), S×F row-major, and
// F. One-hot of "cell" makes a reward model tabular.
func GridFeatures(g *grid.Model, spec features.Spec) ([]float64, int, error) {
	w := &g.World
	f, err := features.New(spec, features.Grid(w.Rows, w.Cols))
	if err != nil {
		return nil, 0, err
	}
	F := f.Len()
	phi := make([]float64, g.S*F)
	raw := make([]float64, 5)
	for s, cell := range g.Cell {
		features.GridRaw(raw, cell/w.Cols, cell%w.Cols, w.Rows, w.Cols)
		f.Dense(phi[s*F:(s+1)*F], raw)
	}
	return phi, F, nil
}
