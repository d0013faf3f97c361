package dqn

import (
	"fmt"

	"bellman/sim/nn"
	"bellman/sim/param"
)

// NetPrefix starts the keys of the Q-network's parameters (nn.Schema):
// "q.lr", "q.hidden" and so on.
const NetPrefix = "q."

// Schema declares the tunable parameters: the agent's own, then the
// Q-network's and its optimizer's (nn.Schema with NetPrefix, its defaults
// replaced by those of the configuration). Changes of
// the keys marked Reset need a new agent; the others can be applied with
// Trainer.Retune. The defaults are DefaultConfig(m)'s.
func Schema(m Method) param.Schema { return schema(DefaultConfig(m)) }

// SchemaFor is Schema with the defaults of DefaultConfigFor(m, env).
func SchemaFor(m Method, env string) param.Schema { return schema(DefaultConfigFor(m, env)) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// schema declares the parameters with d's values as defaults.
func schema(d Config) param.Schema {
	sc := param.Schema{
		{Key: "gamma", Label: "discount γ", Min: 0, Max: 0.999, Step: 0.001, Default: d.Gamma,
			Help: "how much future rewards count in the target r + γ max Q′(s′, ·)"},
		{Key: "loss", Label: "loss", Kind: param.Choice, Choices: LossNames(), Default: float64(d.Loss),
			Help: "squared TD error, or Huber's: squared when small, linear beyond δ (Mnih et al.'s error clipping)"},
		{Key: "huber_delta", Label: "Huber δ", Min: 0.01, Max: 100, Log: true, Default: d.HuberDelta,
			Help: "TD errors larger than δ count linearly in the Huber loss"},
		{Key: "batch", Label: "batch size", Kind: param.Int, Min: 1, Max: 1000, Step: 1, Default: float64(d.Batch), Reset: true,
			Help: "transitions sampled from the replay buffer for each update"},
		{Key: "buffer", Label: "replay buffer size", Kind: param.Int, Min: 100, Max: 1_000_000, Step: 100,
			Default: float64(d.BufferSize), Reset: true, Help: "transitions kept; the oldest is forgotten when it is full"},
		{Key: "learning_starts", Label: "steps before learning", Kind: param.Int, Min: 0, Max: 100_000, Step: 100,
			Default: float64(d.LearningStarts), Help: "environment steps that fill the buffer before the first update"},
		{Key: "train_frequency", Label: "train every", Kind: param.Int, Min: 1, Max: 10_000, Step: 1,
			Default: float64(d.TrainFrequency), Help: "environment steps between two rounds of updates"},
		{Key: "gradient_steps", Label: "updates per round", Kind: param.Int, Min: 0, Max: MaxGradientSteps, Step: 1,
			Default: float64(d.GradientSteps), Help: "gradient updates in each round (0 only acts)"},
		{Key: "target_every", Label: "target update every C", Kind: param.Int, Min: 1, Max: 100_000, Step: 1,
			Default: float64(d.TargetEvery), Help: "updates between two moves of the target network towards the online one"},
		{Key: "tau", Label: "target rate τ", Min: 1e-4, Max: 1, Log: true, Default: d.Tau,
			Help: "how far the target network moves each time (1 copies it: the hard update of Mnih et al.)"},
		{Key: "double", Label: "Double DQN", Kind: param.Bool, Max: 1, Default: b2f(d.Double),
			Help: "the online network picks the best next action and the target network values it, against overestimation"},
		{Key: "dueling", Label: "dueling heads", Kind: param.Bool, Max: 1, Default: b2f(d.Dueling), Reset: true,
			Help: "Q(s, a) = V(s) + A(s, a) − mean A(s, ·): a value and an advantage stream on the last hidden layer"},
		{Key: "eps_start", Label: "ε at the start", Min: 0, Max: 1, Step: 0.01, Default: d.EpsStart,
			Help: "exploration rate of the first step: the chance of a uniformly random action"},
		{Key: "eps_end", Label: "ε at the end", Min: 0, Max: 1, Step: 0.01, Default: d.EpsEnd,
			Help: "exploration rate once the decay is over"},
		{Key: "exploration_fraction", Label: "ε decay fraction", Min: 0, Max: 1, Step: 0.01, Default: d.ExplorationFraction,
			Help: "fraction of the run length over which ε falls linearly to its end value"},
		{Key: "total_steps", Label: "run length", Kind: param.Int, Min: 1, Max: 10_000_000, Step: 1000,
			Default: float64(d.TotalSteps), Help: "steps the ε schedule is laid out over (the run goes on after it)"},
	}
	net := nn.Schema(NetPrefix, "Q-network")
	set := func(key string, v float64) {
		for i := range net {
			if net[i].Key == NetPrefix+key {
				net[i].Default = v
			}
		}
	}
	hidden := d.Net.Sizes[1 : len(d.Net.Sizes)-1]
	set(nn.KeyLayers, float64(len(hidden)))
	if len(hidden) > 0 {
		set(nn.KeyHidden, float64(hidden[0]))
	}
	n, o := d.Net, d.Optim
	set(nn.KeyActivation, float64(n.Hidden))
	set(nn.KeyInit, float64(n.Init))
	set(nn.KeyFinalInit, n.FinalInit)
	set(nn.KeyLeakySlope, n.LeakySlope)
	set(nn.KeyOptimizer, float64(o.Kind))
	set(nn.KeyLR, o.LR)
	set(nn.KeyMomentum, o.Momentum)
	set(nn.KeyDampening, o.Dampening)
	set(nn.KeyNesterov, b2f(o.Nesterov))
	set(nn.KeyBeta1, o.Beta1)
	set(nn.KeyBeta2, o.Beta2)
	set(nn.KeyEps, o.Eps)
	set(nn.KeyAMSGrad, b2f(o.AMSGrad))
	set(nn.KeyWeightDecay, o.WeightDecay)
	set(nn.KeyMaxGradNorm, o.MaxGradNorm)
	return append(sc, net...)
}

// ConfigFromValues returns the configuration of method m with the values
// of v (keys of Schema(m); missing keys take their defaults). A value out
// of its spec's range is an error.
func ConfigFromValues(m Method, v param.Values) (Config, error) {
	return configFromValues(DefaultConfig(m), v)
}

// ConfigFromValuesFor is ConfigFromValues with the missing keys taking
// the defaults of SchemaFor(m, env).
func ConfigFromValuesFor(m Method, env string, v param.Values) (Config, error) {
	return configFromValues(DefaultConfigFor(m, env), v)
}

func configFromValues(d Config, v param.Values) (Config, error) {
	sc := schema(d)
	for k := range v {
		if _, ok := sc.Find(k); !ok {
			return Config{}, fmt.Errorf("dqn: unknown parameter %q", k)
		}
	}
	full := sc.Defaults()
	for _, s := range sc { // in schema order, so the first bad value is always the same
		x, ok := v[s.Key]
		if !ok {
			continue
		}
		if c := s.Clamp(x); c != x {
			return Config{}, fmt.Errorf("dqn: %s = %v is not a valid value (nearest is %v)", s.Key, x, c)
		}
		full[s.Key] = x
	}
	c := d
	var err error
	if c.Net, err = nn.ConfigFromValues(c.Net, NetPrefix, full); err != nil {
		return Config{}, err
	}
	if c.Optim, err = nn.OptimConfigFromValues(NetPrefix, full); err != nil {
		return Config{}, err
	}
	c.Gamma, c.Loss, c.HuberDelta = full["gamma"], Loss(full["loss"]), full["huber_delta"]
	c.Batch, c.BufferSize = int(full["batch"]), int(full["buffer"])
	c.LearningStarts, c.TrainFrequency, c.GradientSteps = int(full["learning_starts"]), int(full["train_frequency"]), int(full["gradient_steps"])
	c.TargetEvery, c.Tau = int(full["target_every"]), full["tau"]
	c.Double, c.Dueling = full["double"] != 0, full["dueling"] != 0
	c.EpsStart, c.EpsEnd, c.ExplorationFraction = full["eps_start"], full["eps_end"], full["exploration_fraction"]
	c.TotalSteps = int(full["total_steps"])
	return c, c.Validate()
}
