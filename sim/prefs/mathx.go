package prefs

import "math"

// Portable elementary functions. math.Exp and math.Log have amd64 assembly
// whose results differ in the last bit from the pure Go versions that
// WebAssembly runs, so a seeded fit would drift apart between the two.
// These are built from math.Expm1, math.Log1p, math.Frexp and math.Ldexp,
// which are pure Go on both (the construction of sim/nn's and sim/pg's
// unexported exp and log).

const (
	ln2Hi = 6.93147180369123816490e-01 // high bits of ln 2; k*ln2Hi is exact for |k| < 2^20
	ln2Lo = 1.90821492927058770002e-10 // ln 2 - ln2Hi
)

// exp returns e**x within about 1.5 ulp: x = k·ln2 + r with |r| ≤ ln2/2,
// e**x = 2**k · (expm1(r) + 1).
func exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.782712893384:
		return math.Inf(1)
	case x < -745.1332191019412:
		return 0
	}
	k := math.Round(x * math.Log2E)
	r := (x - k*ln2Hi) - k*ln2Lo
	return math.Ldexp(math.Expm1(r)+1, int(k))
}

// log returns the natural logarithm of x: x = m·2^e with m in
// [√½, √2), log x = e·ln2 + log1p(m − 1), the subtraction exact.
func log(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	k := float64(e)
	return k*ln2Hi + (math.Log1p(m-1) + k*ln2Lo)
}

// sigmoid returns σ(x) = 1/(1 + e^−x) without overflow on either side.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + exp(-x))
	}
	e := exp(x)
	return e / (1 + e)
}

// softplus returns log(1 + e^x) = max(x, 0) + log1p(e^−|x|), accurate for
// large |x| of either sign: −log σ(x) = softplus(−x).
func softplus(x float64) float64 {
	if x != x {
		return x
	}
	if x > 0 {
		return x + math.Log1p(exp(-x))
	}
	return math.Log1p(exp(x))
}

// bce returns the cross-entropy bceLogits(p, z) and its derivative
// σ(z) − p from one exponential and one logarithm.
func bce(p, z float64) (loss, dz float64) {
	e := exp(-math.Abs(z)) // in (0, 1]
	l1p := math.Log1p(e)
	var sp, sn, sig float64 // softplus(z), softplus(−z), σ(z)
	if z >= 0 {
		sp, sn, sig = z+l1p, l1p, 1/(1+e)
	} else {
		sp, sn, sig = l1p, -z+l1p, e/(1+e)
	}
	if p != 0 {
		loss += p * sn
	}
	if p != 1 {
		loss += (1 - p) * sp
	}
	return loss, sig - p
}

// bceLogits returns the cross-entropy −p log σ(z) − (1 − p) log σ(−z) =
// p·softplus(−z) + (1 − p)·softplus(z) of a label p ∈ [0, 1] and a logit z
// (a hard label skips the other term); its derivative in z is σ(z) − p.
func bceLogits(p, z float64) float64 {
	l := 0.0
	if p != 0 {
		l += p * softplus(-z)
	}
	if p != 1 {
		l += (1 - p) * softplus(z)
	}
	return l
}
