package pg

import "math"

// Portable exp and log. math.Exp and math.Log have amd64 assembly whose
// results differ in the last bit from the pure Go versions WebAssembly
// runs, so a seeded run would drift apart between the two. These are built
// from math.Expm1, math.Log1p, math.Frexp and math.Ldexp, which are pure Go
// on both (the same construction as sim/nn's exp, which is unexported).

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
