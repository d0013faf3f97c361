package ddpg

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/nn"
)

// Algo selects the algorithm.
type Algo int

const (
	DDPG Algo = iota // one critic, actor and targets updated every step
	TD3              // twin critics, target smoothing, delayed actor
	numAlgos
)

var algoNames = [numAlgos]string{"ddpg", "td3"}

// AlgoNames returns the names ParseAlgo accepts, indexed by Algo.
func AlgoNames() []string { return append([]string(nil), algoNames[:]...) }

// String returns "ddpg" or "td3".
func (a Algo) String() string {
	if a < 0 || a >= numAlgos {
		return fmt.Sprintf("Algo(%d)", int(a))
	}
	return algoNames[a]
}

// ParseAlgo returns the algorithm with the given name.
func ParseAlgo(name string) (Algo, error) {
	for i, n := range algoNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return Algo(i), nil
		}
	}
	return 0, fmt.Errorf("ddpg: unknown agent %q (valid: %s)", name, strings.Join(algoNames[:], ", "))
}

// NoiseKind selects the exploration noise.
type NoiseKind int

const (
	Gaussian      NoiseKind = iota // independent N(0, σ²) per step and action
	OrnsteinUhlen                  // x ← x + θ(μ−x)dt + σ√dt·N(0, 1), μ = 0, reset each episode
	NoNoise                        // the greedy μ(s)
	numNoiseKinds
)

var noiseNames = [numNoiseKinds]string{"gaussian", "ou", "none"}

// NoiseNames returns the names of the noise kinds, indexed by NoiseKind.
func NoiseNames() []string { return append([]string(nil), noiseNames[:]...) }

// String returns "gaussian", "ou" or "none".
func (k NoiseKind) String() string {
	if k < 0 || k >= numNoiseKinds {
		return fmt.Sprintf("NoiseKind(%d)", int(k))
	}
	return noiseNames[k]
}

// Config holds an agent's hyperparameters. Action-valued quantities (the
// noise σ, TD3's target noise and clip) are in normalised units, where each
// action ranges over [−1, 1].
type Config struct {
	Algo Algo

	// Actor and Critic describe the networks. New replaces the first and
	// last entries of Sizes with the input and output sizes, the actor's
	// output activation with Tanh and the critic's with Identity.
	Actor, Critic nn.Config
	// ActorOptim and CriticOptim are the optimizers (TD3: one per critic,
	// both with CriticOptim).
	ActorOptim, CriticOptim nn.OptimConfig

	Gamma          float64 // discount γ ∈ [0, 1]
	Tau            float64 // soft target update rate τ ∈ (0, 1]
	Batch          int     // transitions per update
	BufferSize     int     // replay capacity, ≥ Batch
	LearningStarts int     // environment steps with random actions before the first update
	UpdatesPerStep int     // updates per environment step once learning has started

	Noise      NoiseKind
	Sigma      float64 // exploration noise σ at the start
	SigmaEnd   float64 // σ after DecaySteps environment steps
	DecaySteps int     // steps of linear decay from Sigma to SigmaEnd; 0 keeps Sigma
	OUTheta    float64 // Ornstein–Uhlenbeck mean reversion θ
	OUDt       float64 // Ornstein–Uhlenbeck time step dt

	PolicyDelay int     // TD3: critic updates per actor and target update
	TargetNoise float64 // TD3: σ of the target policy smoothing noise
	TargetClip  float64 // TD3: the smoothing noise is clipped to ±TargetClip
}

// DefaultConfig returns the browser defaults for algo, which learn
// Pendulum in about 10,000 steps: 64-64 ReLU networks with PyTorch's
// initialisation, Adam with learning rate 1e-3 for both, γ 0.99, τ 0.005,
// batch 64, a replay buffer of 100,000, 1,000 random steps before learning,
// one update per step, Gaussian noise σ 0.1 without decay (σ 0.02 at the
// end of a decay, if one is set; OU: θ 0.15, dt 0.01); TD3:
// policy delay 2, target noise 0.2 clipped to ±0.5 (the paper's values).
// ConfigFromValues(Schema(algo).Defaults()) returns the same.
func DefaultConfig(algo Algo) Config {
	actor := nn.DefaultConfig(1, 1)
	actor.Output = nn.Tanh
	critic := nn.DefaultConfig(1, 1)
	c := Config{
		Algo:  algo,
		Actor: actor, Critic: critic,
		ActorOptim: nn.DefaultOptimConfig(), CriticOptim: nn.DefaultOptimConfig(),
		Gamma: 0.99, Tau: 0.005,
		Batch: 64, BufferSize: 100_000, LearningStarts: 1000, UpdatesPerStep: 1,
		Noise: Gaussian, Sigma: 0.1, SigmaEnd: 0.02, OUTheta: 0.15, OUDt: 0.01,
		PolicyDelay: 1,
	}
	if algo == TD3 {
		c.PolicyDelay, c.TargetNoise, c.TargetClip = 2, 0.2, 0.5
	}
	return c
}

// DefaultConfigFor returns the browser defaults for algo on the
// environment env (a name of control.Names): DefaultConfig(algo), tuned
// for Pendulum, with these changes, each needed for every one of seeds
// 1–3 to learn within a few minutes in the browser (BENCHMARKS.md gives
// the runs):
//
//   - mountaincar: Ornstein–Uhlenbeck noise with σ 0.5 and dt 0.1 (θ 0.15,
//     so that a push lasts about 1/(θ·dt) ≈ 67 steps). The car needs long
//     pushes to rock up the hill; Gaussian σ 0.1 never reaches the goal
//     and the agent settles for doing nothing.
//   - cartpole: γ 0.995 and τ 0.02 (TD3 0.04, as its targets move only
//     on every second update). With Pendulum's γ 0.99 and τ 0.005 the
//     agent learns to balance the pole but lets the cart drift off the
//     track: the cost of drifting, a few hundred steps away, reaches the
//     centre too weakly and too slowly through the target networks.
//   - pointmass: TD3 τ 0.01. DDPG learns with Pendulum's settings.
//
// Other names, pendulum included, get DefaultConfig(algo).
func DefaultConfigFor(algo Algo, env string) Config {
	c := DefaultConfig(algo)
	switch strings.ToLower(strings.TrimSpace(env)) {
	case "mountaincar":
		c.Noise, c.Sigma, c.OUDt = OrnsteinUhlen, 0.5, 0.1
	case "cartpole":
		c.Gamma, c.Tau = 0.995, 0.02
		if algo == TD3 {
			c.Tau = 0.04
		}
	case "pointmass":
		if algo == TD3 {
			c.Tau = 0.01
		}
	}
	return c
}

// Limits checked by Validate.
const (
	MaxBatch      = 4096
	MaxBufferSize = 10_000_000
	MaxUpdates    = 64 // per environment step
)

// Validate reports the first bad value in one line.
func (c Config) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case c.Algo < 0 || c.Algo >= numAlgos:
		return fmt.Errorf("ddpg: invalid algorithm %d", int(c.Algo))
	case bad(c.Gamma) || c.Gamma < 0 || c.Gamma > 1:
		return fmt.Errorf("ddpg: discount γ = %v is not in [0, 1]", c.Gamma)
	case bad(c.Tau) || !(c.Tau > 0 && c.Tau <= 1):
		return fmt.Errorf("ddpg: τ = %v is not in (0, 1]", c.Tau)
	case c.Batch < 1 || c.Batch > MaxBatch:
		return fmt.Errorf("ddpg: batch %d is not in [1, %d]", c.Batch, MaxBatch)
	case c.BufferSize < c.Batch || c.BufferSize > MaxBufferSize:
		return fmt.Errorf("ddpg: replay buffer size %d is not in [batch %d, %d]", c.BufferSize, c.Batch, MaxBufferSize)
	case c.LearningStarts < 0:
		return fmt.Errorf("ddpg: learning starts %d is negative", c.LearningStarts)
	case c.UpdatesPerStep < 0 || c.UpdatesPerStep > MaxUpdates:
		return fmt.Errorf("ddpg: updates per step %d is not in [0, %d]", c.UpdatesPerStep, MaxUpdates)
	case c.Noise < 0 || c.Noise >= numNoiseKinds:
		return fmt.Errorf("ddpg: invalid noise kind %d", int(c.Noise))
	case bad(c.Sigma) || c.Sigma < 0 || bad(c.SigmaEnd) || c.SigmaEnd < 0:
		return fmt.Errorf("ddpg: noise σ %v → %v must be finite and ≥ 0", c.Sigma, c.SigmaEnd)
	case c.DecaySteps < 0:
		return fmt.Errorf("ddpg: noise decay steps %d is negative", c.DecaySteps)
	case bad(c.OUTheta) || c.OUTheta < 0 || bad(c.OUDt) || !(c.OUDt > 0):
		return fmt.Errorf("ddpg: OU θ = %v must be ≥ 0 and dt = %v > 0", c.OUTheta, c.OUDt)
	case c.PolicyDelay < 1:
		return fmt.Errorf("ddpg: policy delay %d is not ≥ 1", c.PolicyDelay)
	case bad(c.TargetNoise) || c.TargetNoise < 0 || bad(c.TargetClip) || c.TargetClip < 0:
		return fmt.Errorf("ddpg: target noise %v and clip %v must be finite and ≥ 0", c.TargetNoise, c.TargetClip)
	}
	if err := c.Actor.Validate(); err != nil {
		return fmt.Errorf("ddpg: actor: %v", err)
	}
	if err := c.Critic.Validate(); err != nil {
		return fmt.Errorf("ddpg: critic: %v", err)
	}
	if err := c.ActorOptim.Validate(); err != nil {
		return fmt.Errorf("ddpg: actor: %v", err)
	}
	if err := c.CriticOptim.Validate(); err != nil {
		return fmt.Errorf("ddpg: critic: %v", err)
	}
	return nil
}

// sigmaAt returns the exploration σ after steps environment steps.
func (c *Config) sigmaAt(steps int) float64 {
	if c.DecaySteps <= 0 {
		return c.Sigma
	}
	if steps >= c.DecaySteps {
		return c.SigmaEnd
	}
	f := float64(steps) / float64(c.DecaySteps)
	return c.Sigma + f*(c.SigmaEnd-c.Sigma)
}
