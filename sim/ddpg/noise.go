package ddpg

import (
	"math"
	"math/rand/v2"
)

// Noise draws exploration noise for each component of an action.
//
// Gaussian noise is σ·N(0, 1), independent across steps. The
// Ornstein–Uhlenbeck process is the Euler–Maruyama step of
// dx = θ(μ − x)dt + σ dW with μ = 0,
//
//	x ← x + θ(μ − x)·dt + σ·√dt·N(0, 1),
//
// as in the DDPG paper and Stable-Baselines3; it starts at x = 0 and
// Reset (at each episode start) returns it there.
type Noise struct {
	Kind  NoiseKind
	Theta float64 // OU mean reversion θ
	Dt    float64 // OU time step dt
	x     []float64
}

// NewNoise returns noise of the given kind for actDim action components.
func NewNoise(kind NoiseKind, actDim int, theta, dt float64) *Noise {
	return &Noise{Kind: kind, Theta: theta, Dt: dt, x: make([]float64, actDim)}
}

// Reset returns the OU process to its mean.
func (n *Noise) Reset() { clear(n.x) }

// Sample writes one draw with standard deviation scale sigma into dst
// (length actDim) using rng; zeros for NoNoise.
func (n *Noise) Sample(rng *rand.Rand, sigma float64, dst []float64) {
	dst = dst[:len(n.x)]
	switch n.Kind {
	case Gaussian:
		for i := range dst {
			dst[i] = sigma * rng.NormFloat64()
		}
	case OrnsteinUhlen:
		th, dt, sd := n.Theta, n.Dt, sigma*math.Sqrt(n.Dt)
		for i, x := range n.x {
			x += th*(0-x)*dt + sd*rng.NormFloat64()
			n.x[i] = x
			dst[i] = x
		}
	default:
		clear(dst)
	}
}
