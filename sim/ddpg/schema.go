package ddpg

import (
	"fmt"

	"bellman/sim/nn"
	"bellman/sim/param"
)

// Key prefixes of the networks' parameters (nn.Schema): "actor.lr",
// "critic.hidden" and so on.
const (
	ActorPrefix  = "actor."
	CriticPrefix = "critic."
)

// Schema declares the tunable parameters of algo: the agent's own, then
// the actor's and the critic's network and optimizer (nn.Schema with
// ActorPrefix and CriticPrefix). TD3 adds policy_delay, target_noise and
// target_clip. Changes of the keys marked Reset need a new agent; the
// others can be applied with Trainer.Retune. The defaults are
// DefaultConfig(algo)'s, Pendulum's.
func Schema(algo Algo) param.Schema { return schema(DefaultConfig(algo)) }

// SchemaFor is Schema with the defaults of DefaultConfigFor(algo, env).
func SchemaFor(algo Algo, env string) param.Schema { return schema(DefaultConfigFor(algo, env)) }

// schema declares the parameters of d.Algo with d's values of the agent's
// own keys as defaults; the networks' keys have nn.Schema's defaults.
func schema(d Config) param.Schema {
	algo := d.Algo
	sc := param.Schema{
		{Key: "gamma", Label: "discount γ", Min: 0, Max: 0.999, Step: 0.001, Default: d.Gamma,
			Help: "how much future rewards count in the critic's target r + γQ′"},
		{Key: "tau", Label: "target rate τ", Min: 1e-4, Max: 1, Log: true, Default: d.Tau,
			Help: "how far the target networks move towards the learned ones after each update (1 copies them)"},
		{Key: "batch", Label: "batch size", Kind: param.Int, Min: 1, Max: 1000, Step: 1, Default: float64(d.Batch), Reset: true,
			Help: "transitions sampled from the replay buffer for each update"},
		{Key: "buffer", Label: "replay buffer size", Kind: param.Int, Min: 1000, Max: 1_000_000, Step: 1000,
			Default: float64(d.BufferSize), Reset: true, Help: "transitions kept; the oldest is forgotten when it is full"},
		{Key: "learning_starts", Label: "random steps first", Kind: param.Int, Min: 0, Max: 100_000, Step: 100,
			Default: float64(d.LearningStarts), Help: "steps of uniformly random actions that fill the buffer before learning starts"},
		{Key: "updates_per_step", Label: "updates per step", Kind: param.Int, Min: 0, Max: 16, Step: 1,
			Default: float64(d.UpdatesPerStep), Help: "gradient updates after each environment step (0 only acts)"},
		{Key: "noise", Label: "exploration noise", Kind: param.Choice, Choices: NoiseNames(), Default: float64(d.Noise),
			Help: "added to the actor's action: independent Gaussian, Ornstein–Uhlenbeck (correlated in time), or none"},
		{Key: "noise_sigma", Label: "noise σ", Min: 0, Max: 1, Step: 0.01, Default: d.Sigma,
			Help: "noise scale, as a fraction of half the action range"},
		{Key: "noise_sigma_end", Label: "noise σ at the end", Min: 0, Max: 1, Step: 0.01, Default: d.SigmaEnd,
			Help: "σ after the decay; it falls linearly from noise σ"},
		{Key: "noise_decay_steps", Label: "noise decay steps", Kind: param.Int, Min: 0, Max: 1_000_000, Step: 1000,
			Default: float64(d.DecaySteps), Help: "environment steps over which σ decays (0 keeps it constant)"},
		{Key: "ou_theta", Label: "OU θ", Min: 0, Max: 1, Step: 0.01, Default: d.OUTheta,
			Help: "Ornstein–Uhlenbeck: how fast the noise is pulled back to 0"},
		{Key: "ou_dt", Label: "OU dt", Min: 1e-3, Max: 1, Log: true, Default: d.OUDt,
			Help: "Ornstein–Uhlenbeck: time step of the noise process"},
	}
	if algo == TD3 {
		sc = append(sc,
			param.Spec{Key: "policy_delay", Label: "policy delay", Kind: param.Int, Min: 1, Max: 10, Step: 1,
				Default: float64(d.PolicyDelay), Help: "critic updates per actor update (and target update)"},
			param.Spec{Key: "target_noise", Label: "target noise σ", Min: 0, Max: 1, Step: 0.01, Default: d.TargetNoise,
				Help: "noise on the target action, so that Q′ is smoothed over nearby actions"},
			param.Spec{Key: "target_clip", Label: "target noise clip", Min: 0, Max: 1, Step: 0.01, Default: d.TargetClip,
				Help: "the target noise is clipped to ± this"})
	}
	sc = append(sc, nn.Schema(ActorPrefix, "actor")...)
	return append(sc, nn.Schema(CriticPrefix, "critic")...)
}

// ConfigFromValues returns the configuration of algo with the values of v
// (keys of Schema(algo); missing keys take their defaults). A value out of
// its spec's range is an error.
func ConfigFromValues(algo Algo, v param.Values) (Config, error) {
	return configFromValues(DefaultConfig(algo), v)
}

// ConfigFromValuesFor is ConfigFromValues with the missing keys taking the
// defaults of SchemaFor(algo, env).
func ConfigFromValuesFor(algo Algo, env string, v param.Values) (Config, error) {
	return configFromValues(DefaultConfigFor(algo, env), v)
}

// configFromValues returns d with the values of v, the keys of schema(d).
func configFromValues(d Config, v param.Values) (Config, error) {
	algo := d.Algo
	sc := schema(d)
	full := sc.Defaults()
	for k := range v {
		if _, ok := sc.Find(k); !ok {
			return Config{}, fmt.Errorf("ddpg: unknown parameter %q", k)
		}
	}
	for _, s := range sc { // in schema order, so the first bad value is always the same
		x, ok := v[s.Key]
		if !ok {
			continue
		}
		if c := s.Clamp(x); c != x {
			return Config{}, fmt.Errorf("ddpg: %s = %v is not a valid value (nearest is %v)", s.Key, x, c)
		}
		full[s.Key] = x
	}
	c := d
	var err error
	if c.Actor, err = nn.ConfigFromValues(c.Actor, ActorPrefix, full); err != nil {
		return Config{}, err
	}
	if c.Critic, err = nn.ConfigFromValues(c.Critic, CriticPrefix, full); err != nil {
		return Config{}, err
	}
	if c.ActorOptim, err = nn.OptimConfigFromValues(ActorPrefix, full); err != nil {
		return Config{}, err
	}
	if c.CriticOptim, err = nn.OptimConfigFromValues(CriticPrefix, full); err != nil {
		return Config{}, err
	}
	c.Gamma, c.Tau = full["gamma"], full["tau"]
	c.Batch, c.BufferSize = int(full["batch"]), int(full["buffer"])
	c.LearningStarts, c.UpdatesPerStep = int(full["learning_starts"]), int(full["updates_per_step"])
	c.Noise = NoiseKind(full["noise"])
	c.Sigma, c.SigmaEnd, c.DecaySteps = full["noise_sigma"], full["noise_sigma_end"], int(full["noise_decay_steps"])
	c.OUTheta, c.OUDt = full["ou_theta"], full["ou_dt"]
	if algo == TD3 {
		c.PolicyDelay, c.TargetNoise, c.TargetClip = int(full["policy_delay"]), full["target_noise"], full["target_clip"]
	}
	return c, c.Validate()
}
