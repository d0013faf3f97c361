package ppo

import (
	"fmt"

	"bellman/sim/control"
	"bellman/sim/nn"
	"bellman/sim/param"
)

// Parameter keys, CleanRL's argument names where it has one.
const (
	KeyLR          = "lr"
	KeyAdamEps     = "adam_eps"
	KeyAnnealLR    = "anneal_lr"
	KeyAnnealSteps = "anneal_steps"
	KeyNumEnvs     = "num_envs"
	KeyNumSteps    = "num_steps"
	KeyGamma       = "gamma"
	KeyLambda      = "gae_lambda"
	KeyMinibatches = "num_minibatches"
	KeyEpochs      = "update_epochs"
	KeyNormAdv     = "norm_adv"
	KeyClipCoef    = "clip_coef"
	KeyClipVLoss   = "clip_vloss"
	KeyEntCoef     = "ent_coef"
	KeyVFCoef      = "vf_coef"
	KeyMaxGradNorm = "max_grad_norm"
	KeyTargetKL    = "target_kl"
	KeyNormObs     = "norm_obs"
	KeyNormReward  = "norm_reward"
	KeyObsClip     = "obs_clip"
	KeyRewardClip  = "reward_clip"
	KeyBootstrap   = "bootstrap_truncated"
	KeyHidden      = "hidden"
	KeyLayers      = "layers"
	KeyActivation  = "activation"
	KeyInit        = "init"
	KeyLogStdInit  = "log_std_init"
)

// InitNames are the choices of the "init" key: CleanRL's orthogonal
// layer_init, then nn's schemes.
func InitNames() []string { return append([]string{"orthogonal"}, nn.InitNames()...) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// initValue is the "init" choice of c.
func initValue(c Config) float64 {
	if c.Orthogonal {
		return 0
	}
	return float64(c.Init) + 1
}

// Schema declares the tunable parameters of algo on env with the defaults
// of DefaultConfigFor(algo, env). A2C has no epochs, minibatches, clipping
// or target KL; discrete environments have no log σ. Keys marked Reset
// need a new run; the others apply from the next step (the learning rate
// from the next rollout when it anneals). It is an error if env is
// unknown.
func Schema(algo Algo, env string) (param.Schema, error) {
	d, err := DefaultConfigFor(algo, env)
	if err != nil {
		return nil, err
	}
	e, _ := control.New(env)
	return schema(d, control.NumActions(e) > 0), nil
}

func schema(d Config, discrete bool) param.Schema {
	ppo := d.Algo == PPO
	sc := param.Schema{
		{Key: KeyLR, Label: "learning rate", Min: 1e-6, Max: 1e-1, Log: true, Default: d.LR,
			Help: "Adam's step size for the policy and the value network (the start of the annealing)"},
		{Key: KeyAnnealLR, Label: "anneal learning rate", Kind: param.Bool, Max: 1, Default: b2f(d.AnnealLR),
			Help: "lower the rate linearly towards 0 over the annealing steps, once per rollout"},
		{Key: KeyAnnealSteps, Label: "annealing steps", Kind: param.Int, Min: 1000, Max: 10_000_000, Step: 1000,
			Default: float64(d.AnnealSteps), Help: "environment steps over which the rate falls to 0 (CleanRL's total_timesteps)"},
		{Key: KeyNumEnvs, Label: "environments", Kind: param.Int, Min: 1, Max: 32, Step: 1, Default: float64(d.NumEnvs), Reset: true,
			Help: "copies of the task stepped side by side, each with its own random start states"},
		{Key: KeyNumSteps, Label: "rollout steps", Kind: param.Int, Min: 1, Max: 4096, Step: 1, Default: float64(d.NumSteps), Reset: true,
			Help: "steps each environment takes before the agent learns from them (A2C: the n of n-step returns)"},
		{Key: KeyGamma, Label: "discount γ", Min: 0, Max: 0.999, Step: 0.001, Default: d.Gamma,
			Help: "how much future rewards count in the returns and advantages"},
		{Key: KeyLambda, Label: "GAE λ", Min: 0, Max: 1, Step: 0.01, Default: d.Lambda,
			Help: "advantages blend n-step estimates with weights λⁿ: 0 is the one-step TD error, 1 the return to the rollout's end"},
	}
	if ppo {
		sc = append(sc,
			param.Spec{Key: KeyMinibatches, Label: "minibatches", Kind: param.Int, Min: 1, Max: 128, Step: 1, Default: float64(d.Minibatches),
				Help: "each epoch splits the rollout, shuffled, into this many gradient steps"},
			param.Spec{Key: KeyEpochs, Label: "epochs", Kind: param.Int, Min: 1, Max: 32, Step: 1, Default: float64(d.Epochs),
				Help: "passes over each rollout"})
	}
	sc = append(sc, param.Spec{Key: KeyNormAdv, Label: "normalise advantages", Kind: param.Bool, Max: 1, Default: b2f(d.NormAdv),
		Help: "scale each minibatch's advantages to mean 0 and standard deviation 1"})
	if ppo {
		sc = append(sc,
			param.Spec{Key: KeyClipCoef, Label: "clip ε", Min: 0, Max: 1, Step: 0.01, Default: d.ClipCoef,
				Help: "the ratio π/π_old is clipped to [1 − ε, 1 + ε] in the objective, so one rollout cannot move the policy far"},
			param.Spec{Key: KeyClipVLoss, Label: "clip value loss", Kind: param.Bool, Max: 1, Default: b2f(d.ClipVLoss),
				Help: "also keep the value's change within ±ε of its rollout value (the larger of both losses counts)"})
	}
	sc = append(sc,
		param.Spec{Key: KeyEntCoef, Label: "entropy coefficient", Min: 0, Max: 0.1, Step: 0.001, Default: d.EntCoef,
			Help: "reward for keeping the policy random, which keeps it exploring"},
		param.Spec{Key: KeyVFCoef, Label: "value coefficient", Min: 0, Max: 2, Step: 0.01, Default: d.VFCoef,
			Help: "weight of the value loss against the policy loss"},
		param.Spec{Key: KeyMaxGradNorm, Label: "max gradient norm", Min: 0, Max: 10, Step: 0.01, Default: d.MaxGradNorm,
			Help: "clip the gradient of all parameters together to this length (0 = off)"})
	if ppo {
		sc = append(sc, param.Spec{Key: KeyTargetKL, Label: "target KL", Min: 0, Max: 0.5, Step: 0.001, Default: d.TargetKL,
			Help: "stop a rollout's epochs once the approximate KL from the rollout's policy exceeds this (0 = never)"})
	}
	sc = append(sc,
		param.Spec{Key: KeyNormObs, Label: "normalise observations", Kind: param.Bool, Max: 1, Default: b2f(d.NormObs), Reset: true,
			Help: "scale each observation by the running mean and standard deviation of those seen (Gymnasium's NormalizeObservation)"},
		param.Spec{Key: KeyNormReward, Label: "normalise rewards", Kind: param.Bool, Max: 1, Default: b2f(d.NormReward), Reset: true,
			Help: "divide rewards by the running standard deviation of the discounted return (Gymnasium's NormalizeReward)"},
		param.Spec{Key: KeyObsClip, Label: "observation clip", Min: 0.1, Max: 100, Step: 0.1, Default: d.ObsClip,
			Help: "normalised observations are clipped to ± this"},
		param.Spec{Key: KeyRewardClip, Label: "reward clip", Min: 0.1, Max: 100, Step: 0.1, Default: d.RewardClip,
			Help: "normalised rewards are clipped to ± this"},
		param.Spec{Key: KeyBootstrap, Label: "bootstrap at time limits", Kind: param.Bool, Max: 1, Default: b2f(d.BootstrapTruncated),
			Help: "a step cut by the time limit adds γ·V(s) of the state it stopped in (CleanRL treats it as an end and adds nothing)"},
		param.Spec{Key: KeyHidden, Label: "hidden width", Kind: param.Int, Min: 1, Max: 512, Step: 1, Default: float64(d.Hidden), Reset: true,
			Help: "units in each hidden layer of the policy and the value network"},
		param.Spec{Key: KeyLayers, Label: "hidden layers", Kind: param.Int, Min: 0, Max: MaxLayers, Step: 1, Default: float64(d.Layers), Reset: true,
			Help: "number of hidden layers (0 makes linear models)"},
		param.Spec{Key: KeyActivation, Label: "activation", Kind: param.Choice, Choices: nn.ActivationNames(), Default: float64(d.Activation), Reset: true,
			Help: "nonlinearity after each hidden layer"},
		param.Spec{Key: KeyInit, Label: "weight init", Kind: param.Choice, Choices: InitNames(), Default: initValue(d), Reset: true,
			Help: "orthogonal weights as CleanRL (gain √2, policy output 0.01, value output 1), or PyTorch's default, Xavier or He"},
		param.Spec{Key: KeyAdamEps, Label: "Adam ε", Min: 1e-10, Max: 1e-2, Log: true, Default: d.AdamEps, Reset: true,
			Help: "added to Adam's denominator (CleanRL uses 1e-5)"})
	if !discrete {
		sc = append(sc, param.Spec{Key: KeyLogStdInit, Label: "initial log σ", Min: -5, Max: 2, Step: 0.01, Default: d.LogStdInit, Reset: true,
			Help: "the Gaussian policy's starting log standard deviation, which it then learns"})
	}
	return sc
}

// ConfigFromValues returns the configuration of algo on env with the
// values of v (keys of Schema(algo, env); missing keys take their
// defaults). An unknown key or a value out of its spec's range is an
// error.
func ConfigFromValues(algo Algo, env string, v param.Values) (Config, error) {
	d, err := DefaultConfigFor(algo, env)
	if err != nil {
		return Config{}, err
	}
	e, _ := control.New(env)
	sc := schema(d, control.NumActions(e) > 0)
	full := sc.Defaults()
	for k := range v {
		if _, ok := sc.Find(k); !ok {
			return Config{}, fmt.Errorf("ppo: unknown parameter %q for %s", k, algo)
		}
	}
	for _, s := range sc { // schema order, so the first bad value is always the same
		x, ok := v[s.Key]
		if !ok {
			continue
		}
		if c := s.Clamp(x); c != x {
			return Config{}, fmt.Errorf("ppo: %s = %v is not a valid value (nearest is %v)", s.Key, x, c)
		}
		full[s.Key] = x
	}
	c := d
	c.LR, c.AnnealLR, c.AnnealSteps = full[KeyLR], full[KeyAnnealLR] != 0, int(full[KeyAnnealSteps])
	c.NumEnvs, c.NumSteps = int(full[KeyNumEnvs]), int(full[KeyNumSteps])
	c.Gamma, c.Lambda = full[KeyGamma], full[KeyLambda]
	c.NormAdv = full[KeyNormAdv] != 0
	c.EntCoef, c.VFCoef, c.MaxGradNorm = full[KeyEntCoef], full[KeyVFCoef], full[KeyMaxGradNorm]
	c.NormObs, c.NormReward = full[KeyNormObs] != 0, full[KeyNormReward] != 0
	c.ObsClip, c.RewardClip = full[KeyObsClip], full[KeyRewardClip]
	c.BootstrapTruncated = full[KeyBootstrap] != 0
	c.Hidden, c.Layers = int(full[KeyHidden]), int(full[KeyLayers])
	c.Activation = nn.Activation(full[KeyActivation])
	c.Orthogonal = full[KeyInit] == 0
	if !c.Orthogonal {
		c.Init = nn.Init(full[KeyInit] - 1)
	}
	c.AdamEps = full[KeyAdamEps]
	if c.Algo == PPO {
		c.Minibatches, c.Epochs = int(full[KeyMinibatches]), int(full[KeyEpochs])
		c.ClipCoef, c.ClipVLoss, c.TargetKL = full[KeyClipCoef], full[KeyClipVLoss] != 0, full[KeyTargetKL]
	}
	if x, ok := full[KeyLogStdInit]; ok {
		c.LogStdInit = x
	}
	return c, c.Validate()
}
