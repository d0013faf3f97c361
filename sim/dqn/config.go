package dqn

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/nn"
)

// Method selects the variant, which sets the defaults of Double and
// Dueling; both can be changed afterwards like any other parameter.
type Method int

const (
	DQN        Method = iota // Mnih et al.'s target max Q′(s′, ·)
	DoubleDQN                // Double DQN's target Q′(s′, argmax Q(s′, ·))
	DuelingDQN               // Double DQN with dueling heads
	numMethods
)

var methodNames = [numMethods]string{"dqn", "double-dqn", "dueling-dqn"}

// MethodNames returns the names ParseMethod accepts, indexed by Method.
func MethodNames() []string { return append([]string(nil), methodNames[:]...) }

// String returns "dqn", "double-dqn" or "dueling-dqn".
func (m Method) String() string {
	if m < 0 || m >= numMethods {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return methodNames[m]
}

// ParseMethod returns the method with the given name.
func ParseMethod(name string) (Method, error) {
	for i, n := range methodNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("dqn: unknown agent %q (valid: %s)", name, strings.Join(methodNames[:], ", "))
}

// Loss selects the regression loss of Q(s, a) on its TD target.
type Loss int

const (
	MSE   Loss = iota // mean squared error (torch's F.mse_loss), as CleanRL's dqn.py
	Huber             // Huber loss with threshold HuberDelta (torch's F.smooth_l1_loss for δ = 1), as Mnih et al.'s error clipping
	numLosses
)

var lossNames = [numLosses]string{"mse", "huber"}

// LossNames returns the names of the losses, indexed by Loss.
func LossNames() []string { return append([]string(nil), lossNames[:]...) }

// String returns "mse" or "huber".
func (l Loss) String() string {
	if l < 0 || l >= numLosses {
		return fmt.Sprintf("Loss(%d)", int(l))
	}
	return lossNames[l]
}

// Config holds a DQN agent's hyperparameters. A step count t in the
// schedule below is the number of environment steps taken before the step.
type Config struct {
	// Net describes the Q-network. New replaces the first entry of Sizes
	// with the observation size and the last with the number of actions
	// (Dueling: one more, the value stream), and sets the output
	// activation to Identity.
	Net nn.Config
	// Optim is the optimizer; its MaxGradNorm clips the gradient by its
	// global norm before each step.
	Optim nn.OptimConfig

	Gamma      float64 // discount γ ∈ [0, 1]
	Loss       Loss
	HuberDelta float64 // Huber's threshold δ > 0

	Batch      int // transitions per update
	BufferSize int // replay capacity, ≥ Batch

	// LearningStarts is the number of environment steps before the first
	// update. After that, every TrainFrequency-th step is followed by
	// GradientSteps updates (CleanRL's train_frequency; SB3's
	// gradient_steps).
	LearningStarts int
	TrainFrequency int
	GradientSteps  int

	// Every TargetEvery updates, the target network moves towards the
	// online one: θ′ ← τθ + (1 − τ)θ′. Tau = 1 copies it (Mnih et al.'s
	// C-step hard update); TargetEvery = 1 with a small τ is a soft,
	// Polyak update.
	TargetEvery int
	Tau         float64

	// Double uses Double DQN's target (van Hasselt et al., 2016): the
	// online network picks argmax_a Q(s′, a), the target network values it.
	Double bool
	// Dueling splits the network's last layer into a value V(s) and
	// advantages A(s, a) with Q = V + A − mean_a A (Wang et al., 2016).
	Dueling bool

	// ε-greedy exploration falls linearly from EpsStart to EpsEnd over the
	// first ExplorationFraction·TotalSteps steps, then stays at EpsEnd:
	// CleanRL's linear_schedule. EpsStart = EpsEnd = 1 is a uniform
	// behaviour policy (Zhao's off-policy DQN).
	EpsStart, EpsEnd    float64
	ExplorationFraction float64
	// TotalSteps is the length of the run the schedule refers to
	// (CleanRL's total_timesteps); it does not stop a run.
	TotalSteps int
}

// Limits checked by Validate.
const (
	MaxBatch         = 4096
	MaxBufferSize    = 10_000_000
	MaxGradientSteps = 1000
	MaxTotalSteps    = 100_000_000
)

// Environment names of DefaultConfigFor besides control.Names.
const GridEnv = "grid" // a grid world: Zhao's setting

// DefaultConfig returns the browser defaults of method m, tuned on
// CartPole-v1 (cartpole-discrete) so that seeds 1–3 reach a 10-episode
// mean return of 475 within 50,000 steps (BENCHMARKS.md): a 64-64 ReLU
// network with PyTorch's initialisation, Adam with learning rate 1e-3 and
// gradients clipped to norm 10, γ 0.99, MSE loss (Huber δ 1 if chosen),
// batch 64, a replay buffer of 50,000, 1,000 steps before learning, one
// update per step, a hard target copy every 100 updates, ε from 1 to 0.01
// over the first 10% of 50,000 steps; Double DQN for DoubleDQN and
// DuelingDQN, dueling heads for DuelingDQN.
// ConfigFromValues(m, Schema(m).Defaults()) returns the same.
func DefaultConfig(m Method) Config {
	optim := nn.DefaultOptimConfig()
	optim.MaxGradNorm = 10
	return Config{
		Net: nn.DefaultConfig(1, 1), Optim: optim,
		Gamma: 0.99, Loss: MSE, HuberDelta: 1,
		Batch: 64, BufferSize: 50_000,
		LearningStarts: 1000, TrainFrequency: 1, GradientSteps: 1,
		TargetEvery: 100, Tau: 1,
		Double: m == DoubleDQN || m == DuelingDQN, Dueling: m == DuelingDQN,
		EpsStart: 1, EpsEnd: 0.01, ExplorationFraction: 0.1, TotalSteps: 50_000,
	}
}

// DefaultConfigFor returns the defaults of method m for the environment
// env (a name of control.Names, or GridEnv): DefaultConfig(m), with these
// changes:
//
//   - grid: Zhao's off-policy deep Q-learning (Section 8.4.2) — one hidden
//     layer of 100 units, γ 0.9, a uniform behaviour policy (ε = 1
//     throughout), a buffer of the last 1,000 transitions, batch 100,
//     learning after 1,000 steps. The book fits its network 1,000 times
//     on those 1,000 transitions; here the episode goes on, and four
//     updates follow each step, with learning rate 3e-3 and a target copy
//     every 100 updates, which makes the greedy policy optimal on zhao-5x5
//     within 4,000 steps for seeds 1–3 (BENCHMARKS.md).
//   - mountaincar-discrete: RL Baselines3 Zoo's DQN settings for
//     MountainCar-v0 on a 64-64 network (theirs is 256-256): γ 0.98,
//     learning rate 4e-3, batch 128, a buffer of 10,000, 8 updates every
//     16 steps, a target copy every 300 updates (their 600 steps), ε down
//     to 0.07 over the first 20% of a 100,000-step run. The reward is −1
//     a step until the car reaches the flag, so exploration has to find
//     the goal by chance: a long ε decay and many updates per sample.
//
// Other names get DefaultConfig(m).
func DefaultConfigFor(m Method, env string) Config {
	c := DefaultConfig(m)
	switch strings.ToLower(strings.TrimSpace(env)) {
	case GridEnv:
		c.Net.Sizes = []int{1, 100, 1}
		c.Optim.LR = 3e-3
		c.Gamma = 0.9
		c.Batch, c.BufferSize = 100, 1000
		c.LearningStarts, c.GradientSteps = 1000, 4
		c.TargetEvery = 100
		c.EpsStart, c.EpsEnd = 1, 1
		c.TotalSteps = 5000
	case "mountaincar-discrete":
		c.Gamma = 0.98
		c.Optim.LR = 4e-3
		c.Batch, c.BufferSize = 128, 10_000
		c.TrainFrequency, c.GradientSteps = 16, 8
		c.TargetEvery = 300
		c.EpsEnd, c.ExplorationFraction, c.TotalSteps = 0.07, 0.2, 100_000
	}
	return c
}

// Validate reports the first bad value in one line.
func (c Config) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case bad(c.Gamma) || c.Gamma < 0 || c.Gamma > 1:
		return fmt.Errorf("dqn: discount γ = %v is not in [0, 1]", c.Gamma)
	case c.Loss < 0 || c.Loss >= numLosses:
		return fmt.Errorf("dqn: invalid loss %d", int(c.Loss))
	case bad(c.HuberDelta) || !(c.HuberDelta > 0):
		return fmt.Errorf("dqn: Huber δ = %v must be finite and > 0", c.HuberDelta)
	case c.Batch < 1 || c.Batch > MaxBatch:
		return fmt.Errorf("dqn: batch %d is not in [1, %d]", c.Batch, MaxBatch)
	case c.BufferSize < c.Batch || c.BufferSize > MaxBufferSize:
		return fmt.Errorf("dqn: replay buffer size %d is not in [batch %d, %d]", c.BufferSize, c.Batch, MaxBufferSize)
	case c.LearningStarts < 0:
		return fmt.Errorf("dqn: learning starts %d is negative", c.LearningStarts)
	case c.TrainFrequency < 1:
		return fmt.Errorf("dqn: train frequency %d is not ≥ 1", c.TrainFrequency)
	case c.GradientSteps < 0 || c.GradientSteps > MaxGradientSteps:
		return fmt.Errorf("dqn: gradient steps %d is not in [0, %d]", c.GradientSteps, MaxGradientSteps)
	case c.TargetEvery < 1:
		return fmt.Errorf("dqn: target update period %d is not ≥ 1", c.TargetEvery)
	case bad(c.Tau) || !(c.Tau > 0 && c.Tau <= 1):
		return fmt.Errorf("dqn: τ = %v is not in (0, 1]", c.Tau)
	case bad(c.EpsStart) || c.EpsStart < 0 || c.EpsStart > 1 || bad(c.EpsEnd) || c.EpsEnd < 0 || c.EpsEnd > 1:
		return fmt.Errorf("dqn: ε %v → %v must be in [0, 1]", c.EpsStart, c.EpsEnd)
	case bad(c.ExplorationFraction) || c.ExplorationFraction < 0 || c.ExplorationFraction > 1:
		return fmt.Errorf("dqn: exploration fraction %v is not in [0, 1]", c.ExplorationFraction)
	case c.TotalSteps < 1 || c.TotalSteps > MaxTotalSteps:
		return fmt.Errorf("dqn: total steps %d is not in [1, %d]", c.TotalSteps, MaxTotalSteps)
	}
	if err := c.Net.Validate(); err != nil {
		return fmt.Errorf("dqn: Q-network: %v", err)
	}
	if err := c.Optim.Validate(); err != nil {
		return fmt.Errorf("dqn: Q-network: %v", err)
	}
	return nil
}

// Epsilon returns the exploration rate after t environment steps: CleanRL's
// linear_schedule(EpsStart, EpsEnd, ExplorationFraction·TotalSteps, t),
// that is EpsStart + (EpsEnd − EpsStart)·t/duration until t reaches the
// duration, and EpsEnd from then on (at once for a zero duration).
func (c *Config) Epsilon(t int) float64 {
	d := c.ExplorationFraction * float64(c.TotalSteps)
	if !(float64(t) < d) {
		return c.EpsEnd
	}
	return c.EpsStart + (c.EpsEnd-c.EpsStart)*float64(t)/d
}
