package nn

import (
	"fmt"
	"math"
)

// Activation is an elementwise nonlinearity with its derivative. At points
// where a function is not differentiable the derivative follows PyTorch:
// ReLU'(0) = 0, LeakyReLU'(0) = slope, ELU'(0) = 1.
type Activation int

const (
	Identity  Activation = iota // x
	ReLU                        // max(0, x)
	LeakyReLU                   // x if x > 0, else slope·x
	ELU                         // x if x > 0, else eˣ − 1 (α = 1)
	Tanh                        // tanh x
	Sigmoid                     // 1/(1 + e⁻ˣ)
	GELU                        // x·Φ(x) = x/2·(1 + erf(x/√2)), the exact form
	GELUTanh                    // x/2·(1 + tanh(√(2/π)(x + 0.044715x³))), PyTorch's approximate="tanh"
	SiLU                        // x·sigmoid(x), also called Swish
	Softplus                    // log(1 + eˣ), and x above 20 (PyTorch's β = 1, threshold = 20)
	Mish                        // x·tanh(softplus(x))
	numActivations
)

var activationNames = [numActivations]string{
	"identity", "relu", "leaky_relu", "elu", "tanh", "sigmoid",
	"gelu", "gelu_tanh", "silu", "softplus", "mish",
}

// Activations returns every activation in declaration order, so that an
// activation's value equals its index.
func Activations() []Activation {
	a := make([]Activation, numActivations)
	for i := range a {
		a[i] = Activation(i)
	}
	return a
}

// ActivationNames returns the names of Activations(), in the same order.
func ActivationNames() []string { return append([]string(nil), activationNames[:]...) }

// Valid reports whether a is one of the declared activations.
func (a Activation) Valid() bool { return a >= 0 && a < numActivations }

// String returns the activation's name, e.g. "leaky_relu".
func (a Activation) String() string {
	if !a.Valid() {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation returns the activation with the given name.
func ParseActivation(name string) (Activation, error) {
	for i, n := range activationNames {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("nn: unknown activation %q", name)
}

// MarshalText writes the activation's name.
func (a Activation) MarshalText() ([]byte, error) {
	if !a.Valid() {
		return nil, fmt.Errorf("nn: invalid activation %d", int(a))
	}
	return []byte(activationNames[a]), nil
}

// UnmarshalText reads an activation's name.
func (a *Activation) UnmarshalText(text []byte) error {
	v, err := ParseActivation(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

const (
	sqrt2OverPi = 0.7978845608028654 // √(2/π)
	geluKappa   = 0.044715
	invSqrt2    = 1 / math.Sqrt2
	invSqrt2Pi  = 0.3989422804014327 // 1/√(2π)
	softplusMax = 20                 // PyTorch's default softplus threshold
)

// Apply returns a(x); slope is LeakyReLU's negative slope and is ignored by
// the other activations.
func (a Activation) Apply(x, slope float64) float64 {
	switch a {
	case ReLU:
		if x > 0 {
			return x
		}
		return 0
	case LeakyReLU:
		if x > 0 {
			return x
		}
		return slope * x
	case ELU:
		if x > 0 {
			return x
		}
		return math.Expm1(x)
	case Tanh:
		return tanh(x)
	case Sigmoid:
		return sigmoid(x)
	case GELU:
		return 0.5 * x * (1 + erf(x*invSqrt2))
	case GELUTanh:
		return 0.5 * x * (1 + tanh(sqrt2OverPi*(x+geluKappa*x*x*x)))
	case SiLU:
		return x * sigmoid(x)
	case Softplus:
		if x > softplusMax {
			return x
		}
		return math.Log1p(exp(x))
	case Mish:
		return x * tanh(math.Log1p(exp(x)))
	}
	return x
}

// Deriv returns the derivative a′(x).
func (a Activation) Deriv(x, slope float64) float64 {
	switch a {
	case ReLU:
		if x > 0 {
			return 1
		}
		return 0
	case LeakyReLU:
		if x > 0 {
			return 1
		}
		return slope
	case ELU:
		if x > 0 {
			return 1
		}
		return exp(x)
	case Tanh:
		t := tanh(x)
		return 1 - t*t
	case Sigmoid:
		s := sigmoid(x)
		return s * (1 - s)
	case GELU:
		return geluDeriv(x)
	case GELUTanh:
		return geluTanhDeriv(x)
	case SiLU:
		s := sigmoid(x)
		return s * (1 + x*(1-s))
	case Softplus:
		if x > softplusMax {
			return 1
		}
		return sigmoid(x)
	case Mish:
		return mishDeriv(x)
	}
	return 1
}

// geluDeriv is Φ(x) + x·φ(x).
func geluDeriv(x float64) float64 {
	cdf := 0.5 * (1 + erf(x*invSqrt2))
	pdf := invSqrt2Pi * exp(-0.5*x*x)
	return cdf + x*pdf
}

// geluTanhDeriv differentiates x/2·(1 + tanh u) with u = √(2/π)(x + κx³).
func geluTanhDeriv(x float64) float64 {
	x2 := x * x
	t := tanh(sqrt2OverPi * (x + geluKappa*x2*x))
	du := sqrt2OverPi * (1 + 3*geluKappa*x2)
	return 0.5*(1+t) + 0.5*x*(1-t*t)*du
}

// mishDeriv is tanh(sp) + x·sigmoid(x)·(1 − tanh²(sp)) with sp = softplus(x).
func mishDeriv(x float64) float64 {
	t := tanh(math.Log1p(exp(x)))
	return t + x*sigmoid(x)*(1-t*t)
}

// forward sets y[i] = a(z[i]). The switch is outside the loops.
func (a Activation) forward(y, z []float64, slope float64) {
	y = y[:len(z)]
	switch a {
	case Identity:
		copy(y, z)
	case ReLU:
		for i, v := range z {
			if v > 0 {
				y[i] = v
			} else {
				y[i] = 0
			}
		}
	case LeakyReLU:
		for i, v := range z {
			if v > 0 {
				y[i] = v
			} else {
				y[i] = slope * v
			}
		}
	case Tanh:
		for i, v := range z {
			y[i] = tanh(v)
		}
	default:
		for i, v := range z {
			y[i] = a.Apply(v, slope)
		}
	}
}

// backward multiplies g[i] by a′(z[i]); y holds a(z) and is used where it
// is cheaper than recomputing, with the same result as Deriv.
func (a Activation) backward(g, z, y []float64, slope float64) {
	g = g[:len(z)]
	y = y[:len(z)]
	switch a {
	case Identity:
	case ReLU:
		for i, v := range z {
			if !(v > 0) {
				g[i] = 0
			}
		}
	case LeakyReLU:
		for i, v := range z {
			if !(v > 0) {
				g[i] *= slope
			}
		}
	case Tanh:
		for i, t := range y {
			g[i] *= 1 - t*t
		}
	case Sigmoid:
		for i, s := range y {
			g[i] *= s * (1 - s)
		}
	default:
		for i, v := range z {
			g[i] *= a.Deriv(v, slope)
		}
	}
}
