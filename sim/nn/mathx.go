package nn

import "math"

// Portable elementary functions: each is built only from functions that
// have the same pure Go implementation on amd64 and WebAssembly, so results
// are bit-identical on both (see the package documentation).

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

// tanh returns the hyperbolic tangent, tanh(x) = e/(e+2) with e = expm1(2x).
func tanh(x float64) float64 {
	a := x
	if a < 0 {
		a = -a
	}
	if a > 22 { // tanh(22) rounds to 1
		if x != x {
			return x
		}
		if x < 0 {
			return -1
		}
		return 1
	}
	e := math.Expm1(2 * a)
	t := e / (e + 2)
	if x < 0 {
		return -t
	}
	return t
}

// sigmoid returns 1/(1+e**-x), evaluated without overflow on either side.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + exp(-x))
	}
	e := exp(x)
	return e / (1 + e)
}

// erfTerms and erfFracs set the accuracy of erf: with these, |erf − math.Erf|
// stays below 1e-15 (tested).
const (
	erfSplit = 2.0 // Taylor series below, continued fraction above
	erfTerms = 32  // Taylor terms for |x| < erfSplit
	erfFracs = 48  // continued-fraction depth for erfSplit ≤ |x| < 6
)

// erfCoef[n] = 2/√π · (−1)ⁿ / (n!·(2n+1)), the Taylor coefficients of erf(x)/x in x².
var erfCoef = func() (c [erfTerms]float64) {
	f := 2 / math.SqrtPi
	for n := range c {
		if n > 0 {
			f /= -float64(n)
		}
		c[n] = f / float64(2*n+1)
	}
	return c
}()

// erf returns the error function. Below |x| = 2 it sums the Taylor series;
// above, erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))).
func erf(x float64) float64 {
	a := x
	if a < 0 {
		a = -a
	}
	if a < erfSplit {
		z := x * x
		s := 0.0
		for n := erfTerms - 1; n >= 0; n-- {
			s = s*z + erfCoef[n]
		}
		return x * s
	}
	if a >= 6 || x != x { // erfc(6) < 2.2e-17
		if x != x {
			return x
		}
		return math.Copysign(1, x)
	}
	t := a
	for n := erfFracs; n >= 1; n-- {
		t = a + 0.5*float64(n)/t
	}
	c := exp(-a*a) / (math.SqrtPi * t)
	return math.Copysign(1-c, x)
}
