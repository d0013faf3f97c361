package vfa

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/features"
	"bellman/sim/param"
)

// Method keys.
const (
	TDLinear        = "td-linear"         // policy evaluation of v̂ = φᵀw (grid worlds)
	LinearSarsa     = "linear-sarsa"      // n-step Sarsa, q̂ = φᵀw_a (grid worlds)
	LinearQLearning = "linear-qlearning"  // Q-learning, q̂ = φᵀw_a (grid worlds and control tasks)
	NStepSarsaTiles = "nstep-sarsa-tiles" // semi-gradient n-step Sarsa with tile coding (control tasks)
)

// Info describes a method for menus.
type Info struct {
	Key, Label, Help string
	Grid, Control    bool // the tasks it runs on
}

// Methods lists the methods in menu order.
var Methods = []Info{
	{TDLinear, "TD-linear", "evaluates a fixed policy: w += α[r + γ φ(s')ᵀw − φ(s)ᵀw] φ(s) (Zhao 8.2)", true, false},
	{LinearSarsa, "Sarsa, linear", "q̂(s,a) = φ(s)ᵀw_a; n-step Sarsa's target, ε-greedy in q̂ (Zhao 8.3.1)", true, false},
	{LinearQLearning, "Q-learning, linear", "q̂(s,a) = φ(s)ᵀw_a; target r + γ max_a q̂(s',a), ε-greedy (Zhao 8.3.2)", true, true},
	{NStepSarsaTiles, "n-step Sarsa, tile coding", "semi-gradient n-step Sarsa with tile coding (Sutton & Barto 10.1–10.2)", false, true},
}

// MethodNames returns the keys of the methods that run on grid worlds
// (grid true) or on control tasks.
func MethodNames(grid bool) []string {
	var n []string
	for _, m := range Methods {
		if (grid && m.Grid) || (!grid && m.Control) {
			n = append(n, m.Key)
		}
	}
	return n
}

func findMethod(key string, grid bool) (Info, error) {
	for _, m := range Methods {
		if m.Key == key && ((grid && m.Grid) || (!grid && m.Control)) {
			return m, nil
		}
	}
	where := "control tasks"
	if grid {
		where = "grid worlds"
	}
	return Info{}, fmt.Errorf("unknown method %q for %s (valid: %s)", key, where, strings.Join(MethodNames(grid), ", "))
}

// Config holds a method's settings.
type Config struct {
	Gamma   float64 // discount γ in [0, 1]
	Alpha   float64 // step size α > 0 of the weight update
	Epsilon float64 // exploration of the ε-greedy policy in q̂, in [0, 1] (not TD-linear)
	N       int     // steps of n-step Sarsa, ≥ 1 (1 for the others)
	InitStd float64 // initial weights drawn from N(0, InitStd²); 0 starts them at 0
	Spec    features.Spec
}

// Default returns the method's defaults on a grid world (grid true) or a
// control task, with the features of preset key (the first preset for ""):
//
//   - td-linear: Zhao's Figure 8.7, γ 0.9, α 0.0005, w₀ ~ N(0, 1);
//   - linear-sarsa, linear-qlearning on a grid: Zhao's Figures 8.9–8.10,
//     γ 0.9, ε 0.1, w₀ = 0, n 1, but α 0.02 rather than his 0.001: with
//     one weight vector per action (his φ(s, a) is not given), 0.001
//     learns far more slowly than his figures show (BENCHMARKS.md);
//   - nstep-sarsa-tiles, linear-qlearning on a control task: Sutton &
//     Barto's MountainCar (Figures 10.1–10.2), γ 1, α 0.1/8 for 8
//     tilings, ε 0 (the zero initial values are optimistic when every
//     step pays −1), w₀ = 0, n 8 (Figure 10.2's better n).
func Default(method string, grid bool, spec features.Spec) (Config, error) {
	if _, err := findMethod(method, grid); err != nil {
		return Config{}, err
	}
	c := Config{Gamma: 0.9, Alpha: 0.02, Epsilon: 0.1, N: 1, Spec: spec}
	switch {
	case method == TDLinear:
		c.Alpha, c.Epsilon, c.InitStd = 0.0005, 0, 1
	case !grid:
		c.Gamma, c.Alpha, c.Epsilon = 1, 0.1/8, 0
		if method == NStepSarsaTiles {
			c.N = 8
		}
	}
	return c, nil
}

// Validate checks the settings.
func (c Config) Validate() error {
	switch {
	case !(c.Gamma >= 0 && c.Gamma <= 1):
		return fmt.Errorf("gamma %v is outside [0, 1]", c.Gamma)
	case !(c.Alpha > 0 && c.Alpha <= 10):
		return fmt.Errorf("alpha %v is outside (0, 10]", c.Alpha)
	case !(c.Epsilon >= 0 && c.Epsilon <= 1):
		return fmt.Errorf("epsilon %v is outside [0, 1]", c.Epsilon)
	case c.N < 1 || c.N > MaxN:
		return fmt.Errorf("n %d is outside [1, %d]", c.N, MaxN)
	case !(c.InitStd >= 0 && c.InitStd <= 100):
		return fmt.Errorf("initial weight spread %v is outside [0, 100]", c.InitStd)
	case len(c.Spec.Columns) == 0:
		return fmt.Errorf("no features")
	}
	return nil
}

// DefaultGridPreset returns the key of the feature preset (of
// features.GridPresets) a method starts with on a grid world: Zhao's
// poly3 for TD-linear (his Figure 8.7(c)), fourier5 for the others (his
// Figures 8.9–8.10).
func DefaultGridPreset(method string) string {
	if method == TDLinear {
		return "poly3"
	}
	return "fourier5"
}

// DefaultPreset returns the key of the feature preset a control task
// starts with (features.StatePresets): tile coding with 8 tilings of 8×8
// for MountainCar (Sutton & Barto §10.1), 16 tilings of 6⁴ for the
// acrobot's four state variables, 8 tilings of 6 per variable otherwise.
func DefaultPreset(env string) string {
	switch env {
	case "mountaincar", "mountaincar-discrete":
		return "tiles8x8"
	case "acrobot":
		return "tiles16x6"
	}
	return "tiles8x6"
}

// MaxN bounds n of n-step Sarsa.
const MaxN = 64

// Parameter keys of the methods' schemas.
const (
	KeyGamma    = "gamma"
	KeyAlpha    = "alpha"
	KeyEpsilon  = "epsilon"
	KeyN        = "n"
	KeyInitStd  = "w0-std"
	KeyFeatures = "features"
)

// Schema declares the method's parameters with its defaults; presets are
// the choices of "features", the first the default unless def names
// another. Only n, the initial weights and the features need a reset.
func Schema(method string, grid bool, presets []features.Preset, def string) (param.Schema, error) {
	spec, idx, err := presetSpec(presets, def)
	if err != nil {
		return nil, err
	}
	d, err := Default(method, grid, spec)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(presets))
	for i, p := range presets {
		keys[i] = p.Key
	}
	gmax := 0.99
	if !grid {
		gmax = 1
	}
	sc := param.Schema{
		{Key: KeyGamma, Label: "discount γ", Min: 0, Max: gmax, Step: 0.01, Default: d.Gamma,
			Help: "how much future rewards count"},
		{Key: KeyAlpha, Label: "step size α", Min: 1e-5, Max: 1, Default: d.Alpha, Log: true,
			Help: "how far one update moves w along φ(s) times the TD error (tile coding: Sutton & Barto's 0.1/8 for 8 tilings)"},
	}
	if method != TDLinear {
		sc = append(sc, param.Spec{Key: KeyEpsilon, Label: "exploration ε", Min: 0, Max: 1, Step: 0.01, Default: d.Epsilon,
			Help: "chance of a uniformly random action instead of the greedy one in q̂"})
	}
	if method == LinearSarsa || method == NStepSarsaTiles {
		sc = append(sc, param.Spec{Key: KeyN, Label: "steps n", Kind: param.Int, Min: 1, Max: MaxN, Step: 1, Default: float64(d.N), Reset: true,
			Help: "rewards summed before bootstrapping from q̂(s_{t+n}, a_{t+n}); 1 is one-step Sarsa"})
	}
	sc = append(sc,
		param.Spec{Key: KeyInitStd, Label: "initial w spread", Min: 0, Max: 10, Step: 0.1, Default: d.InitStd, Reset: true,
			Help: "initial weights drawn from N(0, σ²) (Zhao: 1); 0 starts every weight at 0"},
		param.Spec{Key: KeyFeatures, Label: "features φ(s)", Kind: param.Choice, Choices: keys, Default: float64(idx), Reset: true,
			Help: "the feature vector: one-hot (tabular), polynomials, Fourier basis or tile coding"})
	return sc, nil
}

// presetSpec returns the spec and index of preset key ("" for the first).
func presetSpec(presets []features.Preset, key string) (features.Spec, int, error) {
	if len(presets) == 0 {
		return features.Spec{}, 0, fmt.Errorf("no feature presets")
	}
	i := 0
	if key != "" {
		i = -1
		for j, p := range presets {
			if p.Key == key {
				i = j
			}
		}
		if i < 0 {
			return features.Spec{}, 0, fmt.Errorf("no feature preset %q", key)
		}
	}
	s, err := features.Parse([]byte(presets[i].Spec))
	return s, i, err
}

// ConfigFromValues returns the method's defaults with v applied; the
// features are preset v["features"] unless spec is given (len(spec.Columns)
// > 0), as a JSON spec is.
func ConfigFromValues(method string, grid bool, presets []features.Preset, v param.Values, spec features.Spec) (Config, error) {
	if len(spec.Columns) == 0 {
		i := v.Get(KeyFeatures, 0)
		if i < 0 || int(i) >= len(presets) || i != math.Trunc(i) {
			return Config{}, fmt.Errorf("features %v is not a preset index", i)
		}
		var err error
		if spec, _, err = presetSpec(presets, presets[int(i)].Key); err != nil {
			return Config{}, err
		}
	}
	c, err := Default(method, grid, spec)
	if err != nil {
		return Config{}, err
	}
	c.Gamma = v.Get(KeyGamma, c.Gamma)
	c.Alpha = v.Get(KeyAlpha, c.Alpha)
	c.Epsilon = v.Get(KeyEpsilon, c.Epsilon)
	c.N = int(v.Get(KeyN, float64(c.N)))
	c.InitStd = v.Get(KeyInitStd, c.InitStd)
	return c, c.Validate()
}
