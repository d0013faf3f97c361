package nn

import "math"

// CopyParams copies src into dst, e.g. the parameters of a network into
// its target network. It panics if the lengths differ.
func CopyParams(dst, src []float64) {
	if len(dst) != len(src) {
		panic("nn: CopyParams: length mismatch")
	}
	copy(dst, src)
}

// SoftUpdate moves dst towards src: dst ← τ·src + (1−τ)·dst, the target
// network update of DDPG. It panics if the lengths differ.
func SoftUpdate(dst, src []float64, tau float64) {
	if len(dst) != len(src) {
		panic("nn: SoftUpdate: length mismatch")
	}
	src = src[:len(dst)]
	keep := 1 - tau
	for i, d := range dst {
		dst[i] = tau*src[i] + keep*d
	}
}

// ClipGradNorm scales grads in place so that their global Euclidean norm is
// at most maxNorm, as torch.nn.utils.clip_grad_norm_ does: with total the
// norm before clipping, grads are multiplied by maxNorm/(total+1e-6) when
// that factor is below 1. It returns total.
func ClipGradNorm(grads []float64, maxNorm float64) float64 {
	s := 0.0
	for _, g := range grads {
		s += g * g
	}
	total := math.Sqrt(s)
	coef := maxNorm / (total + 1e-6)
	if coef < 1 {
		for i := range grads {
			grads[i] *= coef
		}
	}
	return total
}
