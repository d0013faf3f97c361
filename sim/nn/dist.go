package nn

import (
	"math"
	"math/rand/v2"
)

// Distributions over a policy network's outputs, with the definitions of
// torch.distributions: a Categorical over logits and a Normal with
// independent components (a diagonal Gaussian) given its mean and log
// standard deviation. Each has its log-probability, entropy, their
// gradients and a sampler; none allocates. Everything is built from the
// portable functions of this package, so a seeded run samples and learns
// the same numbers natively and under WebAssembly.

// halfLog2Pi is ½·log(2π), the constant of the normal log-density.
const halfLog2Pi = 0.91893853320467274178

// Exp returns eˣ. Unlike math.Exp, which has an amd64 assembly version,
// it gives the same bits natively and under WebAssembly.
func Exp(x float64) float64 { return exp(x) }

// Log returns the natural logarithm of x (NaN below 0, −Inf at 0), from
// math.Frexp and math.Log1p, which are pure Go everywhere: math.Log has an
// amd64 assembly version whose results may differ from WebAssembly's.
func Log(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	f, e := math.Frexp(x) // x = f·2ᵉ, f ∈ [½, 1)
	if f < math.Sqrt2/2 {
		f *= 2
		e--
	}
	// f ∈ [√½, √2), so f − 1 is exact (Sterbenz) and log f = log1p(f − 1).
	k := float64(e)
	return k*ln2Hi + (math.Log1p(f-1) + k*ln2Lo)
}

// NormFloat64 returns a standard normal draw from rng by Marsaglia's polar
// method: two uniform draws in (−1, 1) per try, accepted inside the unit
// disc. It replaces rand.NormFloat64, whose rare tail draws go through
// math.Log and math.Exp and so may differ in the last bits between amd64
// and WebAssembly.
func NormFloat64(rng *rand.Rand) float64 {
	for {
		u := 2*rng.Float64() - 1
		v := 2*rng.Float64() - 1
		s := float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			return u * math.Sqrt(-2*Log(s)/s)
		}
	}
}

// logSumExp returns log Σ exp(z) and the index of the largest z, computed
// as max + log1p(Σ_{j≠max} exp(z_j − max)) so that it neither overflows
// nor needs math.Log.
func logSumExp(z []float64) (lse float64, arg int) {
	m := z[0]
	for j, v := range z {
		if v > m {
			m, arg = v, j
		}
	}
	if math.IsInf(m, 0) || m != m {
		return m, arg
	}
	s := 0.0
	for j, v := range z {
		if j != arg {
			s += exp(v - m)
		}
	}
	return m + math.Log1p(s), arg
}

// LogSoftmax writes log π(a) = z_a − log Σ_b exp z_b for the logits z into
// dst (of the same length) and returns it.
func LogSoftmax(dst, logits []float64) []float64 {
	checkDist(dst, logits)
	lse, _ := logSumExp(logits)
	dst = dst[:len(logits)]
	for j, v := range logits {
		dst[j] = v - lse
	}
	return dst
}

// Softmax writes π(a) = exp z_a / Σ_b exp z_b into dst and returns it.
func Softmax(dst, logits []float64) []float64 {
	checkDist(dst, logits)
	lse, _ := logSumExp(logits)
	dst = dst[:len(logits)]
	for j, v := range logits {
		dst[j] = exp(v - lse)
	}
	return dst
}

// CategoricalLogProb returns log π(a) of the categorical distribution
// with the given logits.
func CategoricalLogProb(logits []float64, a int) float64 {
	checkAction(logits, a)
	lse, _ := logSumExp(logits)
	return logits[a] - lse
}

// CategoricalEntropy returns H = −Σ_a π(a) log π(a); actions of
// probability 0 add nothing, as in torch.distributions.Categorical.
func CategoricalEntropy(logits []float64) float64 {
	lse, _ := logSumExp(logits)
	h := 0.0
	for _, v := range logits {
		if lp := v - lse; lp > math.Inf(-1) {
			h -= exp(lp) * lp
		}
	}
	return h
}

// CategoricalGrad returns log π(a) and the entropy H of the categorical
// distribution with the given logits z, and writes their gradients with
// respect to z: ∂log π(a)/∂z_j = [j = a] − π(j) into dLogProb and
// ∂H/∂z_j = −π(j)·(log π(j) + H) into dEntropy. Either may be nil.
func CategoricalGrad(dLogProb, dEntropy, logits []float64, a int) (logProb, entropy float64) {
	checkAction(logits, a)
	if dLogProb != nil {
		checkDist(dLogProb, logits)
	}
	if dEntropy != nil {
		checkDist(dEntropy, logits)
	}
	lse, _ := logSumExp(logits)
	for _, v := range logits {
		if lp := v - lse; lp > math.Inf(-1) {
			entropy -= exp(lp) * lp
		}
	}
	for j, v := range logits {
		lp := v - lse
		p := exp(lp)
		if dLogProb != nil {
			dLogProb[j] = -p
			if j == a {
				dLogProb[j] = 1 - p
			}
		}
		if dEntropy != nil {
			dEntropy[j] = 0
			if p > 0 {
				dEntropy[j] = -p * (lp + entropy)
			}
		}
	}
	return logits[a] - lse, entropy
}

// SampleCategorical draws an action with probability π(a) from one
// uniform draw of rng (inverse transform over the actions in order).
func SampleCategorical(logits []float64, rng *rand.Rand) int {
	lse, arg := logSumExp(logits)
	u := rng.Float64()
	c := 0.0
	for j, v := range logits {
		c += exp(v - lse)
		if u < c {
			return j
		}
	}
	return arg // u beyond the rounded total: the likeliest action
}

// Argmax returns the index of the largest logit, the first of ties: the
// most likely action.
func Argmax(logits []float64) int {
	_, arg := logSumExp(logits)
	return arg
}

// GaussianLogProb returns log p(x) = Σ_k −(x_k − μ_k)²/(2σ_k²) − log σ_k −
// ½ log 2π of the Gaussian with independent components of mean μ and
// standard deviation σ = exp(logStd), as Normal(μ, σ).log_prob(x).sum().
func GaussianLogProb(x, mean, logStd []float64) float64 {
	checkGaussian(x, mean, logStd)
	lp := 0.0
	for k, m := range mean {
		d := x[k] - m
		v := exp(2 * logStd[k]) // σ²
		lp += -float64(d*d)/(2*v) - logStd[k] - halfLog2Pi
	}
	return lp
}

// GaussianEntropy returns H = Σ_k ½ + ½ log 2π + log σ_k, which depends
// only on the log standard deviations (∂H/∂log σ_k = 1).
func GaussianEntropy(logStd []float64) float64 {
	h := 0.0
	for _, s := range logStd {
		h += 0.5 + halfLog2Pi + s
	}
	return h
}

// GaussianGrad returns log p(x) (see GaussianLogProb) and writes its
// gradients ∂/∂μ_k = (x_k − μ_k)/σ_k² into dMean and ∂/∂log σ_k =
// (x_k − μ_k)²/σ_k² − 1 into dLogStd. Either may be nil.
func GaussianGrad(dMean, dLogStd, x, mean, logStd []float64) float64 {
	checkGaussian(x, mean, logStd)
	if (dMean != nil && len(dMean) != len(mean)) || (dLogStd != nil && len(dLogStd) != len(mean)) {
		panic("nn: GaussianGrad: gradient buffers have the wrong length")
	}
	lp := 0.0
	for k, m := range mean {
		d := x[k] - m
		v := exp(2 * logStd[k])
		z2 := float64(d*d) / v
		lp += -z2/2 - logStd[k] - halfLog2Pi
		if dMean != nil {
			dMean[k] = d / v
		}
		if dLogStd != nil {
			dLogStd[k] = z2 - 1
		}
	}
	return lp
}

// SampleGaussian writes μ + σ·ε into dst, one standard normal ε
// (NormFloat64) per component in order, and returns it.
func SampleGaussian(dst, mean, logStd []float64, rng *rand.Rand) []float64 {
	checkGaussian(dst, mean, logStd)
	for k, m := range mean {
		dst[k] = m + exp(logStd[k])*NormFloat64(rng)
	}
	return dst
}

func checkDist(dst, logits []float64) {
	if len(logits) == 0 || len(dst) != len(logits) {
		panic("nn: distribution: length mismatch")
	}
}

func checkAction(logits []float64, a int) {
	if a < 0 || a >= len(logits) {
		panic("nn: categorical: action out of range")
	}
}

func checkGaussian(x, mean, logStd []float64) {
	if len(mean) == 0 || len(x) != len(mean) || len(logStd) != len(mean) {
		panic("nn: Gaussian: length mismatch")
	}
}
