package nn

import (
	"fmt"

	"bellman/sim/param"
)

// Parameter keys, each prefixed by the prefix given to NetSchema and
// OptimSchema (e.g. "actor." gives "actor.lr").
const (
	KeyHidden     = "hidden"      // width of each hidden layer
	KeyLayers     = "layers"      // number of hidden layers
	KeyActivation = "activation"  // hidden activation
	KeyInit       = "init"        // initialisation scheme
	KeyFinalInit  = "final_init"  // Config.FinalInit
	KeyLeakySlope = "leaky_slope" // Config.LeakySlope

	KeyOptimizer   = "optimizer"
	KeyLR          = "lr"
	KeyMomentum    = "momentum"
	KeyDampening   = "dampening"
	KeyNesterov    = "nesterov"
	KeyBeta1       = "beta1"
	KeyBeta2       = "beta2"
	KeyEps         = "eps"
	KeyAMSGrad     = "amsgrad"
	KeyWeightDecay = "weight_decay"
	KeyMaxGradNorm = "max_grad_norm"
)

// Defaults of the hidden layers in NetSchema; DefaultConfig agrees.
const (
	defaultHidden = 64
	defaultLayers = 2
)

func label(name, text string) string {
	if name == "" {
		return text
	}
	return name + " " + text
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// NetSchema declares a network's tunable parameters: hidden width and
// depth, hidden activation, initialisation, final-layer init bound and
// LeakyReLU slope. Keys start with prefix; labels start with name (e.g.
// "critic"), if not empty. The input and output sizes and the output
// activation belong to the problem and are not tunable. All need a reset.
func NetSchema(prefix, name string) param.Schema {
	d := DefaultConfig(1, 1)
	return param.Schema{
		{Key: prefix + KeyHidden, Label: label(name, "hidden width"), Kind: param.Int, Min: 1, Max: 512, Step: 1,
			Default: defaultHidden, Reset: true, Help: "units in each hidden layer"},
		{Key: prefix + KeyLayers, Label: label(name, "hidden layers"), Kind: param.Int, Min: 0, Max: 6, Step: 1,
			Default: defaultLayers, Reset: true, Help: "number of hidden layers (0 makes a linear model)"},
		{Key: prefix + KeyActivation, Label: label(name, "activation"), Kind: param.Choice, Choices: ActivationNames(),
			Default: float64(d.Hidden), Reset: true, Help: "nonlinearity after each hidden layer"},
		{Key: prefix + KeyInit, Label: label(name, "weight init"), Kind: param.Choice, Choices: InitNames(),
			Default: float64(d.Init), Reset: true, Help: "how the initial weights are drawn: PyTorch's default, Xavier or He"},
		{Key: prefix + KeyFinalInit, Label: label(name, "final-layer init ±"), Min: 0, Max: 0.1, Step: 1e-4,
			Default: d.FinalInit, Reset: true, Help: "if above 0, the last layer starts uniform in ± this (DDPG uses 0.003)"},
		{Key: prefix + KeyLeakySlope, Label: label(name, "leaky ReLU slope"), Min: 0, Max: 0.5, Step: 1e-3,
			Default: d.LeakySlope, Reset: true, Help: "slope of leaky ReLU for negative inputs"},
	}
}

// OptimSchema declares an optimizer's tunable parameters. Keys start with
// prefix, labels with name (if not empty). Only the learning rate can
// change without a reset (Optimizer.SetLR).
func OptimSchema(prefix, name string) param.Schema {
	d := DefaultOptimConfig()
	return param.Schema{
		{Key: prefix + KeyOptimizer, Label: label(name, "optimizer"), Kind: param.Choice, Choices: OptimNames(),
			Default: float64(d.Kind), Reset: true, Help: "SGD, Adam, or AdamW (Adam with decoupled weight decay)"},
		{Key: prefix + KeyLR, Label: label(name, "learning rate γ"), Min: 1e-6, Max: 1, Log: true,
			Default: d.LR, Help: "size of each optimizer step"},
		{Key: prefix + KeyMomentum, Label: label(name, "momentum μ"), Min: 0, Max: 0.999, Step: 1e-3,
			Default: d.Momentum, Reset: true, Help: "SGD: fraction of the previous step kept in the next"},
		{Key: prefix + KeyDampening, Label: label(name, "dampening τ"), Min: 0, Max: 1, Step: 1e-3,
			Default: d.Dampening, Reset: true, Help: "SGD: momentum takes only (1 − τ) of each new gradient"},
		{Key: prefix + KeyNesterov, Label: label(name, "Nesterov"), Kind: param.Bool, Max: 1,
			Default: boolValue(d.Nesterov), Reset: true, Help: "SGD: look ahead along the momentum (needs momentum, no dampening)"},
		{Key: prefix + KeyBeta1, Label: label(name, "β₁"), Min: 0, Max: 0.999, Step: 1e-3,
			Default: d.Beta1, Reset: true, Help: "Adam: decay of the running mean of gradients"},
		// β₂ below 0.9 lets one zero gradient (a dead ReLU) divide by ε and
		// blow the weights up, as in PyTorch; the slider stays where Adam works.
		{Key: prefix + KeyBeta2, Label: label(name, "β₂"), Min: 0.9, Max: 0.9999, Step: 1e-4,
			Default: d.Beta2, Reset: true, Help: "Adam: decay of the running mean of squared gradients"},
		{Key: prefix + KeyEps, Label: label(name, "ε"), Min: 1e-12, Max: 1e-2, Log: true,
			Default: d.Eps, Reset: true, Help: "Adam: added to the step's denominator for stability"},
		{Key: prefix + KeyAMSGrad, Label: label(name, "AMSGrad"), Kind: param.Bool, Max: 1,
			Default: boolValue(d.AMSGrad), Reset: true, Help: "Adam: divide by the largest second moment seen so far"},
		{Key: prefix + KeyWeightDecay, Label: label(name, "weight decay λ"), Min: 0, Max: 0.1, Step: 1e-5,
			Default: d.WeightDecay, Reset: true, Help: "pulls weights towards 0: L2 penalty for SGD and Adam, decoupled for AdamW"},
		{Key: prefix + KeyMaxGradNorm, Label: label(name, "max gradient norm"), Min: 0, Max: 100, Step: 0.1,
			Default: d.MaxGradNorm, Reset: true, Help: "clip the gradient to this length before each step (0 = off)"},
	}
}

// Schema is NetSchema followed by OptimSchema.
func Schema(prefix, name string) param.Schema {
	return append(NetSchema(prefix, name), OptimSchema(prefix, name)...)
}

// get returns the value of a spec of sc (by key without prefix), or its
// default, checked against the spec's range.
func get(sc param.Schema, prefix string, v param.Values, key string) (float64, error) {
	s, ok := sc.Find(prefix + key)
	if !ok {
		panic("nn: schema has no key " + key)
	}
	x := v.Get(s.Key, s.Default)
	if c := s.Clamp(x); c != x {
		return 0, fmt.Errorf("nn: %s = %v is not a valid value (nearest is %v)", s.Key, x, c)
	}
	return x, nil
}

// ConfigFromValues returns base with the hidden layers, hidden activation,
// initialisation, final-layer bound and LeakyReLU slope taken from v (keys
// of NetSchema(prefix, ...); missing keys take their defaults). The input
// and output sizes and the output activation stay those of base.
func ConfigFromValues(base Config, prefix string, v param.Values) (Config, error) {
	if len(base.Sizes) < 2 {
		return Config{}, fmt.Errorf("nn: base config needs input and output sizes")
	}
	sc := NetSchema(prefix, "")
	var x [6]float64
	for i, key := range []string{KeyHidden, KeyLayers, KeyActivation, KeyInit, KeyFinalInit, KeyLeakySlope} {
		var err error
		if x[i], err = get(sc, prefix, v, key); err != nil {
			return Config{}, err
		}
	}
	width, layers := int(x[0]), int(x[1])
	c := base
	c.Sizes = make([]int, 0, layers+2)
	c.Sizes = append(c.Sizes, base.Sizes[0])
	for range layers {
		c.Sizes = append(c.Sizes, width)
	}
	c.Sizes = append(c.Sizes, base.Sizes[len(base.Sizes)-1])
	c.Hidden = Activation(x[2])
	c.Init = Init(x[3])
	c.FinalInit = x[4]
	c.LeakySlope = x[5]
	return c, c.Validate()
}

// OptimConfigFromValues returns the optimizer configuration from v (keys of
// OptimSchema(prefix, ...); missing keys take their defaults).
func OptimConfigFromValues(prefix string, v param.Values) (OptimConfig, error) {
	sc := OptimSchema(prefix, "")
	keys := []string{KeyOptimizer, KeyLR, KeyMomentum, KeyDampening, KeyNesterov, KeyBeta1,
		KeyBeta2, KeyEps, KeyAMSGrad, KeyWeightDecay, KeyMaxGradNorm}
	x := make([]float64, len(keys))
	for i, key := range keys {
		var err error
		if x[i], err = get(sc, prefix, v, key); err != nil {
			return OptimConfig{}, err
		}
	}
	c := OptimConfig{
		Kind: OptimKind(x[0]), LR: x[1], Momentum: x[2], Dampening: x[3], Nesterov: x[4] != 0,
		Beta1: x[5], Beta2: x[6], Eps: x[7], AMSGrad: x[8] != 0, WeightDecay: x[9], MaxGradNorm: x[10],
	}
	return c, c.Validate()
}
