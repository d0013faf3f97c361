package ppo

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/control"
	"bellman/sim/nn"
)

// Algo selects the algorithm.
type Algo int

const (
	PPO Algo = iota // clipped surrogate, GAE(λ), epochs of minibatches
	A2C             // one gradient step per rollout on −A·log π, n-step returns
	numAlgos
)

var algoNames = [numAlgos]string{"ppo", "a2c"}

// AlgoNames returns the names ParseAlgo accepts, indexed by Algo.
func AlgoNames() []string { return append([]string(nil), algoNames[:]...) }

// String returns "ppo" or "a2c".
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
	return 0, fmt.Errorf("ppo: unknown agent %q (valid: %s)", name, strings.Join(algoNames[:], ", "))
}

// Config holds the hyperparameters of a run. The field comments give
// CleanRL's argument names where they exist.
type Config struct {
	Algo Algo

	// Hidden and Layers shape both networks: Layers hidden layers of
	// Hidden units each, with Activation after each.
	Hidden, Layers int
	Activation     nn.Activation
	// Orthogonal initialises the networks as CleanRL's layer_init:
	// orthogonal weights with gain √2 in the hidden layers, 0.01 in the
	// policy's output layer and 1 in the value's, zero biases. Otherwise
	// Init is used.
	Orthogonal bool
	Init       nn.Init
	// LogStdInit is the Gaussian policy's initial log σ (CleanRL: 0).
	LogStdInit float64

	LR          float64 // learning_rate of Adam, shared by all parameters
	AdamEps     float64 // Adam's ε (CleanRL: 1e-5)
	AnnealLR    bool    // anneal_lr: decay the rate linearly over AnnealSteps
	AnnealSteps int     // total_timesteps: environment steps over which the rate anneals

	NumEnvs  int     // num_envs, stepped in lockstep
	NumSteps int     // num_steps per environment per rollout
	Gamma    float64 // gamma
	Lambda   float64 // gae_lambda (A2C: 1 gives n-step returns)

	Minibatches int     // num_minibatches per epoch (PPO)
	Epochs      int     // update_epochs (PPO)
	NormAdv     bool    // norm_adv: normalise advantages per minibatch
	ClipCoef    float64 // clip_coef ε of the ratio and of the value (PPO)
	ClipVLoss   bool    // clip_vloss (PPO)
	EntCoef     float64 // ent_coef
	VFCoef      float64 // vf_coef
	MaxGradNorm float64 // max_grad_norm of the global gradient norm; 0 = no clipping
	TargetKL    float64 // target_kl: stop the epochs once approx-KL exceeds it; 0 = none (PPO)

	// NormObs and NormReward are Gymnasium's NormalizeObservation and
	// NormalizeReward wrappers, per environment, as CleanRL's continuous
	// PPO uses them; observations are then clipped to ±ObsClip and
	// rewards to ±RewardClip.
	NormObs, NormReward bool
	ObsClip, RewardClip float64

	// BootstrapTruncated makes a step cut by the time limit bootstrap from
	// the value of the state it was cut in, as Gymnasium's truncated
	// says. CleanRL treats truncation as termination (false).
	BootstrapTruncated bool
}

// DefaultConfig returns CleanRL's defaults for algo, those of ppo.py for
// discrete actions and of ppo_continuous_action.py for continuous ones,
// except that truncated steps bootstrap (BootstrapTruncated).
//
// PPO, discrete (ppo.py): 64-64 tanh networks with orthogonal
// initialisation, Adam (ε 1e-5) at 2.5e-4 annealed over 500,000 steps, 4
// environments × 128 steps, γ 0.99, λ 0.95, 4 epochs of 4 minibatches,
// normalised advantages, clip 0.2 with the value clipped too, entropy 0.01,
// value 0.5, gradient norm 0.5, no target KL, no normalisation wrappers.
//
// PPO, continuous (ppo_continuous_action.py): the same but for rate 3e-4
// annealed over 1,000,000 steps, 1 environment × 2048 steps, 10 epochs of
// 32 minibatches, entropy 0, and observations and rewards normalised and
// clipped to ±10; log σ starts at 0.
//
// A2C (Stable-Baselines3's A2C defaults, with Adam for RMSprop): 8
// environments × 5 steps, rate 7e-4 without annealing, λ 1 (n-step
// returns), one gradient step per rollout, no advantage normalisation,
// entropy 0, value 0.5, gradient norm 0.5; continuous: the same
// normalisation wrappers as PPO.
func DefaultConfig(algo Algo, discrete bool) Config {
	c := Config{
		Algo:   algo,
		Hidden: 64, Layers: 2, Activation: nn.Tanh, Orthogonal: true, Init: nn.InitDefault,
		LR: 2.5e-4, AdamEps: 1e-5, AnnealLR: true, AnnealSteps: 500_000,
		NumEnvs: 4, NumSteps: 128, Gamma: 0.99, Lambda: 0.95,
		Minibatches: 4, Epochs: 4, NormAdv: true, ClipCoef: 0.2, ClipVLoss: true,
		EntCoef: 0.01, VFCoef: 0.5, MaxGradNorm: 0.5,
		ObsClip: 10, RewardClip: 10,
		BootstrapTruncated: true,
	}
	if !discrete {
		c.LR, c.AnnealSteps = 3e-4, 1_000_000
		c.NumEnvs, c.NumSteps = 1, 2048
		c.Minibatches, c.Epochs = 32, 10
		c.EntCoef = 0
		c.NormObs, c.NormReward = true, true
	}
	if algo == A2C {
		c.LR, c.AnnealLR = 7e-4, false
		c.NumEnvs, c.NumSteps = 8, 5
		c.Lambda = 1
		c.Minibatches, c.Epochs = 1, 1
		c.NormAdv, c.ClipVLoss = false, false
		c.EntCoef = 0
	}
	return c
}

// DefaultConfigFor returns the defaults of algo on the environment env (a
// name of control.Names): DefaultConfig for its kind of action, but for
// PPO on cartpole-discrete, where rl-baselines3-zoo's tuned CartPole-v1
// settings replace CleanRL's (8 environments × 32 steps, γ 0.98, λ 0.8,
// rate 1e-3 annealed over 100,000 steps, 10 epochs of 4 minibatches, no
// entropy bonus, no value clipping): they reach a 10-episode mean of 475
// 3.6 to 6.5 times sooner on seeds 1–3 (BENCHMARKS.md). It is an error if
// env is unknown.
func DefaultConfigFor(algo Algo, env string) (Config, error) {
	e, err := control.New(env)
	if err != nil {
		return Config{}, err
	}
	c := DefaultConfig(algo, control.NumActions(e) > 0)
	tuneFor(&c, e.Name())
	return c, nil
}

// Limits checked by Validate.
const (
	MaxEnvs   = 64
	MaxSteps  = 8192    // per environment per rollout
	MaxBatch  = 32768   // NumEnvs·NumSteps
	MaxEpochs = 100     // update epochs
	MaxWidth  = 1024    // hidden units
	MaxLayers = 6       // hidden layers
	MaxAnneal = 1 << 40 // annealing horizon
)

// Batch returns the number of transitions of a rollout, NumEnvs·NumSteps.
func (c Config) Batch() int { return c.NumEnvs * c.NumSteps }

// MinibatchSize returns Batch()/Minibatches (rounded down), as CleanRL's
// minibatch_size; a last, smaller minibatch takes the rest. A2C uses one
// minibatch of the whole batch.
func (c Config) MinibatchSize() int {
	if c.Algo == A2C {
		return c.Batch()
	}
	return c.Batch() / c.Minibatches
}

// Validate reports the first bad value in one line.
func (c Config) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case c.Algo < 0 || c.Algo >= numAlgos:
		return fmt.Errorf("ppo: invalid algorithm %d", int(c.Algo))
	case c.Hidden < 1 || c.Hidden > MaxWidth:
		return fmt.Errorf("ppo: hidden width %d is not in [1, %d]", c.Hidden, MaxWidth)
	case c.Layers < 0 || c.Layers > MaxLayers:
		return fmt.Errorf("ppo: hidden layers %d is not in [0, %d]", c.Layers, MaxLayers)
	case !c.Activation.Valid():
		return fmt.Errorf("ppo: invalid activation %d", int(c.Activation))
	case !c.Init.Valid():
		return fmt.Errorf("ppo: invalid init %d", int(c.Init))
	case bad(c.LogStdInit) || c.LogStdInit < -20 || c.LogStdInit > 5:
		return fmt.Errorf("ppo: initial log σ %v is not in [−20, 5]", c.LogStdInit)
	case bad(c.LR) || c.LR < 0:
		return fmt.Errorf("ppo: learning rate %v must be finite and ≥ 0", c.LR)
	case bad(c.AdamEps) || c.AdamEps < 0:
		return fmt.Errorf("ppo: Adam ε %v must be finite and ≥ 0", c.AdamEps)
	case c.AnnealSteps < 0 || c.AnnealSteps > MaxAnneal:
		return fmt.Errorf("ppo: annealing steps %d is not in [0, %d]", c.AnnealSteps, MaxAnneal)
	case c.NumEnvs < 1 || c.NumEnvs > MaxEnvs:
		return fmt.Errorf("ppo: number of environments %d is not in [1, %d]", c.NumEnvs, MaxEnvs)
	case c.NumSteps < 1 || c.NumSteps > MaxSteps:
		return fmt.Errorf("ppo: rollout steps %d is not in [1, %d]", c.NumSteps, MaxSteps)
	case c.Batch() > MaxBatch:
		return fmt.Errorf("ppo: a rollout of %d environments × %d steps exceeds %d transitions", c.NumEnvs, c.NumSteps, MaxBatch)
	case bad(c.Gamma) || c.Gamma < 0 || c.Gamma > 1:
		return fmt.Errorf("ppo: discount γ = %v is not in [0, 1]", c.Gamma)
	case bad(c.Lambda) || c.Lambda < 0 || c.Lambda > 1:
		return fmt.Errorf("ppo: GAE λ = %v is not in [0, 1]", c.Lambda)
	case c.Algo == PPO && (c.Minibatches < 1 || c.Minibatches > c.Batch()):
		return fmt.Errorf("ppo: %d minibatches for a batch of %d transitions (need 1 to %d)", c.Minibatches, c.Batch(), c.Batch())
	case c.Algo == PPO && (c.Epochs < 1 || c.Epochs > MaxEpochs):
		return fmt.Errorf("ppo: update epochs %d is not in [1, %d]", c.Epochs, MaxEpochs)
	case c.NormAdv && (c.MinibatchSize() < 2 || c.Batch()%c.MinibatchSize() == 1):
		return fmt.Errorf("ppo: normalising advantages needs minibatches of at least 2 transitions (batch %d in minibatches of %d)", c.Batch(), c.MinibatchSize())
	case bad(c.ClipCoef) || c.ClipCoef < 0:
		return fmt.Errorf("ppo: clip coefficient %v must be finite and ≥ 0", c.ClipCoef)
	case bad(c.EntCoef) || bad(c.VFCoef) || c.VFCoef < 0:
		return fmt.Errorf("ppo: entropy coefficient %v and value coefficient %v must be finite, the value's ≥ 0", c.EntCoef, c.VFCoef)
	case bad(c.MaxGradNorm) || c.MaxGradNorm < 0:
		return fmt.Errorf("ppo: max gradient norm %v must be finite and ≥ 0 (0 turns clipping off)", c.MaxGradNorm)
	case bad(c.TargetKL) || c.TargetKL < 0:
		return fmt.Errorf("ppo: target KL %v must be finite and ≥ 0 (0 turns it off)", c.TargetKL)
	case bad(c.ObsClip) || !(c.ObsClip > 0) || bad(c.RewardClip) || !(c.RewardClip > 0):
		return fmt.Errorf("ppo: observation clip %v and reward clip %v must be finite and > 0", c.ObsClip, c.RewardClip)
	}
	return nil
}

// lrAt returns the learning rate of iteration it (1 for the first): with
// annealing, CleanRL's LR·(1 − (it−1)/K) for K = AnnealSteps/Batch()
// iterations, holding the last value after K.
func (c *Config) lrAt(it int) float64 {
	if !c.AnnealLR {
		return c.LR
	}
	k := c.AnnealSteps / c.Batch()
	if k < 1 {
		k = 1
	}
	if it > k {
		it = k
	}
	return (1 - float64(it-1)/float64(k)) * c.LR
}
