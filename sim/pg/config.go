package pg

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/param"
)

// Method is a policy-gradient method.
type Method int

// The methods, in menu order.
const (
	Reinforce         Method = iota // REINFORCE (Zhao 9.4), no baseline
	ReinforceBaseline               // REINFORCE with a baseline: a learned v̂(s) or the running mean return
	QAC                             // the simplest actor-critic, with a Sarsa critic q̂(s,a) (Zhao 10.1)
	A2C                             // advantage actor-critic, the TD error as the advantage (Zhao 10.2)
	OffPolicyAC                     // off-policy actor-critic with importance sampling (Zhao 10.3)
)

// Info describes one method for menus and help.
type Info struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Help  string `json:"help"`
}

// Methods lists the methods in menu order; Methods[m].Key is m's name.
var Methods = []Info{
	{"reinforce", "REINFORCE", "after each episode, h += α Σ_t γᵗ G_t ∇log π(a_t|s_t): the Monte Carlo policy gradient"},
	{"reinforce-baseline", "REINFORCE with baseline", "as REINFORCE with G_t − b(s_t): b a learned v̂(s) or the running mean return; same mean, less variance"},
	{"qac", "QAC", "actor h += α q̂(s,a) ∇log π(a|s) every step; critic q̂ learned by Sarsa on π's own actions"},
	{"a2c", "A2C", "actor h += α δ ∇log π(a|s) with the TD error δ = r + γ v̂(s') − v̂(s) as the advantage; critic v̂ by TD(0)"},
	{"offpolicy-ac", "off-policy actor-critic", "acts by a behaviour policy β; actor and critic updates of A2C weighted by the importance ratio π(a|s)/β(a|s)"},
}

// Names returns the methods' keys in menu order.
func Names() []string {
	n := make([]string, len(Methods))
	for i, m := range Methods {
		n[i] = m.Key
	}
	return n
}

// ParseMethod reads a method's key.
func ParseMethod(name string) (Method, error) {
	for i, m := range Methods {
		if m.Key == name {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown policy-gradient method %q (valid: %s)", name, strings.Join(Names(), ", "))
}

// String returns the method's key.
func (m Method) String() string {
	if m < 0 || int(m) >= len(Methods) {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return Methods[m].Key
}

// Baseline is what REINFORCE with a baseline subtracts from the return.
type Baseline int

const (
	Learned Baseline = iota // a tabular v̂(s), moved toward each return G_t by α_w
	Mean                    // the running mean of every return G_t seen so far, one number
)

// Config holds a method's settings. Start from Default.
type Config struct {
	Method Method
	// Gamma is the discount γ in [0, 1).
	Gamma float64
	// Alpha is the actor's step size α_θ in [0, 10]; 0 freezes the policy,
	// so that its gradient estimates can be watched and averaged.
	Alpha float64
	// AlphaW is the critic's step size α_w in (0, 1]: v̂ of A2C, off-policy
	// actor-critic and the learned baseline, q̂ of QAC.
	AlphaW float64
	// Baseline is REINFORCE with a baseline's choice of b(s).
	Baseline Baseline
	// GammaT weights the update of step t of an episode by γ^t, which
	// makes REINFORCE's estimate unbiased for ∇J (the policy gradient
	// theorem samples states from d^γ). Zhao's algorithms leave it out.
	GammaT bool
	// Mix sets off-policy actor-critic's behaviour policy
	// β(a|s) = (1 − Mix) π(a|s) + Mix/A, in (0, 1]: 1 is uniformly random.
	Mix float64
	// Entropy is the coefficient β_H of an entropy bonus: each update
	// also moves h(s,·) by α β_H ∇H(π(·|s)), which keeps π from
	// committing early. 0 (the default) is the plain method.
	Entropy float64
}

// Default returns method m's defaults: γ 0.9, α_θ 0.1,
// α_w 0.1, a learned baseline, γᵗ weighting on for REINFORCE and off for
// the actor-critics (as in Zhao), and a uniform behaviour policy.
func Default(m Method) Config {
	c := Config{Method: m, Gamma: 0.9, Alpha: 0.1, AlphaW: 0.1, Baseline: Learned, GammaT: false, Mix: 1}
	if m == Reinforce || m == ReinforceBaseline {
		c.GammaT = true
	}
	return c
}

// Validate checks every setting, whether the method uses it or not.
func (c Config) Validate() error {
	switch {
	case c.Method < Reinforce || c.Method > OffPolicyAC:
		return fmt.Errorf("unknown policy-gradient method %d", int(c.Method))
	case !(c.Gamma >= 0 && c.Gamma < 1):
		return fmt.Errorf("gamma %v is outside [0, 1)", c.Gamma)
	case !(c.Alpha >= 0 && c.Alpha <= 10):
		return fmt.Errorf("alpha %v is outside [0, 10]", c.Alpha)
	case !(c.AlphaW > 0 && c.AlphaW <= 1):
		return fmt.Errorf("alpha-w %v is outside (0, 1]", c.AlphaW)
	case c.Baseline != Learned && c.Baseline != Mean:
		return fmt.Errorf("unknown baseline %d", int(c.Baseline))
	case !(c.Mix > 0 && c.Mix <= 1):
		return fmt.Errorf("behaviour-mix %v is outside (0, 1]", c.Mix)
	case !(c.Entropy >= 0 && c.Entropy <= 10):
		return fmt.Errorf("entropy %v is outside [0, 10]", c.Entropy)
	}
	return nil
}

// Parameter keys of the methods' schemas.
const (
	KeyGamma    = "gamma"
	KeyAlpha    = "alpha"
	KeyAlphaW   = "alpha-w"
	KeyBaseline = "baseline"
	KeyGammaT   = "gamma-t"
	KeyMix      = "behaviour-mix"
	KeyEntropy  = "entropy"
)

// Schema declares method m's parameters, γ first, with its defaults. None
// needs a reset: each applies from the next update.
func Schema(m Method) param.Schema {
	d := Default(m)
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	sc := param.Schema{
		{Key: KeyGamma, Label: "discount γ", Min: 0, Max: 0.99, Step: 0.01, Default: d.Gamma,
			Help: "how much future rewards count; J = Σ d₀(s) v_π(s) is measured with the same γ"},
		{Key: KeyAlpha, Label: "actor step α_θ", Min: 0, Max: 2, Step: 0.001, Default: d.Alpha,
			Help: "how far one update moves the preferences h(s,a); 0 freezes π to watch the estimates scatter"},
	}
	if m != Reinforce {
		sc = append(sc, param.Spec{Key: KeyAlphaW, Label: "critic step α_w", Min: 0.001, Max: 1, Step: 0.001, Log: true, Default: d.AlphaW,
			Help: "step size of the critic: v̂(s) (A2C, off-policy, learned baseline) or q̂(s,a) (QAC)"})
	}
	if m == ReinforceBaseline {
		sc = append(sc, param.Spec{Key: KeyBaseline, Label: "baseline b", Kind: param.Choice, Choices: []string{"learned", "mean"},
			Default: float64(d.Baseline), Help: "a learned v̂(s), or the running mean of all returns (one number)"})
	}
	sc = append(sc, param.Spec{Key: KeyGammaT, Label: "γᵗ weighting", Kind: param.Bool, Default: b2f(d.GammaT),
		Help: "weight step t's update by γᵗ, as the policy gradient theorem does (the book's algorithms leave it out)"})
	sc = append(sc, param.Spec{Key: KeyEntropy, Label: "entropy bonus β_H", Min: 0, Max: 1, Step: 0.001, Default: d.Entropy,
		Help: "each update also climbs the entropy of π(·|s) by β_H: π stays stochastic longer and commits less early"})
	if m == OffPolicyAC {
		sc = append(sc, param.Spec{Key: KeyMix, Label: "behaviour mix", Min: 0.01, Max: 1, Step: 0.01, Default: d.Mix,
			Help: "behaviour β = (1 − mix)·π + mix·uniform: 1 acts at random, small values stay close to π"})
	}
	return sc
}

// ConfigFromValues returns method m's defaults with the values of v
// applied (other keys are ignored), validated.
func ConfigFromValues(m Method, v param.Values) (Config, error) {
	c := Default(m)
	c.Gamma = v.Get(KeyGamma, c.Gamma)
	c.Alpha = v.Get(KeyAlpha, c.Alpha)
	c.AlphaW = v.Get(KeyAlphaW, c.AlphaW)
	c.Baseline = Baseline(v.Get(KeyBaseline, float64(c.Baseline)))
	if g := v.Get(KeyGammaT, math.NaN()); g == g {
		c.GammaT = g != 0
	}
	c.Mix = v.Get(KeyMix, c.Mix)
	c.Entropy = v.Get(KeyEntropy, c.Entropy)
	return c, c.Validate()
}
