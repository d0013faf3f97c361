package ppo

import (
	"math"

	"bellman/sim/nn"
)

// The losses of one minibatch of M transitions, as CleanRL writes them.
// Each returns the loss and writes its gradient with respect to the
// per-transition quantity it depends on into a dst slice, so that the
// agent can pass it back through the networks. Where torch.max of two
// equal terms is differentiated, PyTorch splits the gradient evenly
// between them; the rules below follow.

// Ratios writes the importance ratios r_i = π(a_i|s_i)/π_old(a_i|s_i) =
// exp(logp_i − oldLogp_i) into dst and returns it.
func Ratios(dst, logp, oldLogp []float64) []float64 {
	dst = dst[:len(logp)]
	oldLogp = oldLogp[:len(logp)]
	for i, lp := range logp {
		dst[i] = nn.Exp(lp - oldLogp[i])
	}
	return dst
}

// ClippedSurrogate returns PPO's policy loss
//
//	L = mean_i max(−A_i·r_i, −A_i·clip(r_i, 1 − ε, 1 + ε)),
//
// r_i = exp(logp_i − oldLogp_i), and writes ∂L/∂logp_i into dLogp: −A_i·r_i/M
// where the unclipped term is the larger (or both are equal), 0 where the
// clip holds the ratio. It also returns CleanRL's diagnostics: the share
// of ratios with |r − 1| > ε, the approximate KL mean((r − 1) − log r)
// and the older estimate mean(−log r).
func ClippedSurrogate(dLogp, logp, oldLogp, adv []float64, eps float64) (loss, clipFrac, approxKL, oldApproxKL float64) {
	m := len(logp)
	checkLen(m, dLogp, oldLogp, adv)
	inv := 1 / float64(m)
	for i, lp := range logp {
		lr := lp - oldLogp[i]
		r := nn.Exp(lr)
		a := adv[i]
		c := r
		if c < 1-eps {
			c = 1 - eps
		} else if c > 1+eps {
			c = 1 + eps
		}
		l1, l2 := -a*r, -a*c
		if l1 >= l2 {
			loss += l1
			dLogp[i] = -a * r * inv
		} else {
			loss += l2
			dLogp[i] = 0
		}
		if math.Abs(r-1) > eps {
			clipFrac++
		}
		approxKL += (r - 1) - lr
		oldApproxKL -= lr
	}
	return loss * inv, clipFrac * inv, approxKL * inv, oldApproxKL * inv
}

// PolicyGradientLoss returns A2C's policy loss L = −mean_i A_i·logp_i and
// writes ∂L/∂logp_i = −A_i/M into dLogp.
func PolicyGradientLoss(dLogp, logp, adv []float64) float64 {
	m := len(logp)
	checkLen(m, dLogp, adv)
	inv := 1 / float64(m)
	loss := 0.0
	for i, lp := range logp {
		loss -= adv[i] * lp
		dLogp[i] = -adv[i] * inv
	}
	return loss * inv
}

// ValueLoss returns ½·mean_i (v_i − R_i)² or, when clipped, CleanRL's
// clipped value loss
//
//	½·mean_i max((v_i − R_i)², (v_old,i + clip(v_i − v_old,i, −ε, ε) − R_i)²),
//
// and writes ∂/∂v_i into dV: (v_i − R_i)/M from the unclipped term, the
// clipped term's (v_c − R_i)/M where |v_i − v_old,i| ≤ ε (else 0), half of
// each where both terms are equal.
func ValueLoss(dV, v, oldV, ret []float64, eps float64, clipped bool) float64 {
	m := len(v)
	checkLen(m, dV, oldV, ret)
	inv := 1 / float64(m)
	loss := 0.0
	for i, x := range v {
		du := x - ret[i]
		lu := du * du
		if !clipped {
			loss += lu
			dV[i] = du * inv
			continue
		}
		d := x - oldV[i]
		pass := 1.0 // clamp's derivative
		if d < -eps {
			d, pass = -eps, 0
		} else if d > eps {
			d, pass = eps, 0
		}
		dc := oldV[i] + d - ret[i]
		lc := dc * dc
		switch {
		case lu > lc:
			loss += lu
			dV[i] = du * inv
		case lu < lc:
			loss += lc
			dV[i] = dc * pass * inv
		default:
			loss += lu
			dV[i] = 0.5 * (du + dc*pass) * inv
		}
	}
	return 0.5 * loss * inv
}

// NormalizeAdvantages writes (A − mean A)/(std A + 1e-8) into dst, std the
// sample standard deviation (divided by M − 1, as torch.std), and returns
// it. It needs at least two values.
func NormalizeAdvantages(dst, adv []float64) []float64 {
	m := len(adv)
	if m < 2 || len(dst) != m {
		panic("ppo: NormalizeAdvantages needs two or more values and a dst of their length")
	}
	mean := 0.0
	for _, a := range adv {
		mean += a
	}
	mean /= float64(m)
	ss := 0.0
	for _, a := range adv {
		d := a - mean
		ss += d * d
	}
	std := math.Sqrt(ss / float64(m-1))
	for i, a := range adv {
		dst[i] = (a - mean) / (std + 1e-8)
	}
	return dst
}

// ExplainedVariance returns 1 − Var(R − V)/Var(R) over a batch of values
// and returns (population variances, as np.var), or NaN if Var(R) is 0.
func ExplainedVariance(value, ret []float64) float64 {
	n := float64(len(ret))
	var mr, md float64
	for i, r := range ret {
		mr += r
		md += r - value[i]
	}
	mr /= n
	md /= n
	var vr, vd float64
	for i, r := range ret {
		a, b := r-mr, r-value[i]-md
		vr += a * a
		vd += b * b
	}
	if vr == 0 {
		return math.NaN()
	}
	return 1 - vd/vr
}

func checkLen(m int, s ...[]float64) {
	if m == 0 {
		panic("ppo: loss of an empty minibatch")
	}
	for _, x := range s {
		if len(x) != m {
			panic("ppo: loss: length mismatch")
		}
	}
}
