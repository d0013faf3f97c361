package agent

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/param"
)

// Info describes one agent for menus and help.
type Info struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Help  string `json:"help"`
}

// Agents lists the agents in menu order; Key is the name New accepts.
var Agents = []Info{
	{"mc-basic", "MC Basic", "policy iteration with q(s,a) the mean return of episodes started from each pair in turn (Zhao 5.2)"},
	{"mc-es", "MC exploring starts", "each episode starts at a random state-action pair, then follows the greedy policy; q averages the returns"},
	{"mc-egreedy", "MC ε-greedy", "episodes follow the ε-greedy policy of q; q averages the returns, first-visit or every-visit"},
	{"sarsa", "Sarsa", "q(s,a) += α[r + γ q(s',a') − q(s,a)], a' the ε-greedy action actually taken next"},
	{"expected-sarsa", "Expected Sarsa", "q(s,a) += α[r + γ Σ π(a'|s') q(s',a') − q(s,a)] under the ε-greedy π"},
	{"nstep-sarsa", "n-step Sarsa", "target: n rewards, then γⁿ q(s_{t+n}, a_{t+n}); n = 1 is Sarsa, n = ∞ Monte Carlo"},
	{"qlearning", "Q-learning", "q(s,a) += α[r + γ max q(s',·) − q(s,a)]; acts ε-greedily, or uniformly at random (off-policy)"},
	{"sarsa-lambda", "Sarsa(λ)", "one TD error δ moves every pair in proportion to its eligibility trace, which decays by γλ"},
	{"q-lambda", "Watkins Q(λ)", "Q-learning's δ on every traced pair; the traces are cut after an exploratory action"},
	{"dyna-q", "Dyna-Q", "Q-learning plus n planning updates per step from a learned model, pairs drawn uniformly among those seen"},
	{"prioritized-sweeping", "prioritized sweeping", "planning updates from a queue ordered by |TD error| > θ; predecessors of an updated state are queued in turn"},
}

// Names returns the agents' keys in menu order.
func Names() []string {
	n := make([]string, len(Agents))
	for i, a := range Agents {
		n[i] = a.Key
	}
	return n
}

func known(name string) bool {
	for _, a := range Agents {
		if a.Key == name {
			return true
		}
	}
	return false
}

func unknownAgent(name string) error {
	return fmt.Errorf("unknown agent %q (valid: %s)", name, strings.Join(Names(), ", "))
}

// Schedule is how the step size α evolves.
type Schedule int

const (
	Constant Schedule = iota // α fixed
	OneOverK                 // α_k = 1/k, k counting the updates of the pair (Robbins–Monro; sample means)
)

// Trace is the kind of eligibility trace.
type Trace int

const (
	Accumulating Trace = iota // e(s,a) += 1 on a visit
	Replacing                 // e(s,a) = 1 on a visit
)

// Visit says which visits of a pair in an episode a Monte Carlo update uses.
type Visit int

const (
	FirstVisit Visit = iota
	EveryVisit
)

// Behaviour is the policy Q-learning acts by.
type Behaviour int

const (
	EpsilonGreedy Behaviour = iota // ε-greedy in q
	Uniform                        // uniformly random: off-policy learning
)

// Config holds every agent's settings; each agent reads the ones its
// schema lists.
type Config struct {
	Gamma        float64   // discount γ in [0, 1)
	Alpha        float64   // constant step size, in (0, 1]
	Schedule     Schedule  // Constant or OneOverK
	Epsilon      float64   // exploration rate of ε-greedy policies, in [0, 1]
	EpsilonDecay float64   // ε is multiplied by this at the start of every episode but the first, in (0, 1]
	EpsilonMin   float64   // ε does not decay below this
	N            int       // steps of n-step Sarsa, ≥ 1
	Lambda       float64   // trace decay λ in [0, 1]
	Trace        Trace     // Accumulating or Replacing
	Planning     int       // planning updates per real step (Dyna-Q, prioritized sweeping)
	Theta        float64   // priority threshold θ of prioritized sweeping, ≥ 0
	Visit        Visit     // FirstVisit or EveryVisit (Monte Carlo)
	Behaviour    Behaviour // EpsilonGreedy or Uniform (Q-learning)
	Episodes     int       // episodes per state-action pair and iteration (MC Basic), ≥ 1
	Q0           float64   // initial action value
}

// DefaultConfig returns the defaults of the named agent (its schema's
// defaults). They were chosen so that, on the book's 5x5 world with γ 0.9
// and episodes of EpisodeLength steps from random starts, the greedy
// policy becomes optimal in every state within 200,000 steps (BENCHMARKS.md
// lists the steps each needs, and the one that does not):
//
//   - all: γ 0.9, α 0.1 constant, n 3, λ 0.8 with accumulating traces, 10
//     planning updates, θ 1e-4, first-visit, one episode per pair, and
//     optimistic initial values q₀ = 10 = max v* (Sutton & Barto 2.6): a
//     pair is worth trying until it has been tried. With q₀ 0 and ε 0.1 the
//     moves into forbidden cells, tried once early for −1, are hardly ever
//     tried again, and the greedy policy stays wrong where they are best.
//   - off-policy (Q-learning, Q(λ), Dyna-Q, prioritized sweeping): ε 0.1
//     held fixed; they learn q* whatever they explore with.
//   - on-policy TD (Sarsa, Expected Sarsa, n-step Sarsa, Sarsa(λ)): ε 0.1
//     decaying by 0.995 an episode towards 0 (greedy in the limit), since
//     the best ε-greedy policy's margins (0.08 at ε 0.1) drown in the
//     noise of sampled targets; n-step Sarsa and Sarsa(λ), whose updates
//     carry n rewards or a whole trace, take α 0.05.
//   - Monte Carlo: constant step sizes, which forget the returns of earlier,
//     poorer policies (sample means, α = 1/k, keep them): exploring starts
//     α 0.5 and q₀ 0 (every pair gets tried anyway; a greedy episode's
//     return is exact in a deterministic world); ε-greedy α 0.03 with ε 0.1
//     fixed and q₀ 10. MC Basic averages its episodes per pair.
func DefaultConfig(name string) Config {
	c := Config{
		Gamma: 0.9, Alpha: 0.1, Schedule: Constant, Epsilon: 0.1, EpsilonDecay: 1, EpsilonMin: 0,
		N: 3, Lambda: 0.8, Trace: Accumulating, Planning: 10, Theta: 1e-4,
		Visit: FirstVisit, Behaviour: EpsilonGreedy, Episodes: 1, Q0: 10,
	}
	switch name {
	case "mc-basic":
		c.Schedule, c.Q0 = OneOverK, 0
	case "mc-es":
		c.Alpha, c.Q0 = 0.5, 0
	case "mc-egreedy":
		c.Alpha = 0.03
	case "sarsa", "expected-sarsa":
		c.EpsilonDecay = 0.995
	case "nstep-sarsa", "sarsa-lambda":
		c.Alpha, c.EpsilonDecay = 0.05, 0.995
	}
	return c
}

// EpisodeLength returns the episode length the named agent's defaults were
// chosen with on a continuing world (one without terminal states, where an
// episode ends only when cut off): 30 steps for Monte Carlo, whose returns
// are cut there (missing at most γ³⁰·max v ≈ 0.04·max v at an episode's
// first step), and 10 for the others, which bootstrap: shorter episodes
// start more often in a random state, instead of staying in the target.
func EpisodeLength(name string) int {
	if strings.HasPrefix(name, "mc-") {
		return 30
	}
	return 10
}

// Validate checks every setting, whether the agent uses it or not.
func (c Config) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case !(c.Gamma >= 0 && c.Gamma < 1):
		return fmt.Errorf("gamma %v is outside [0, 1)", c.Gamma)
	case !(c.Alpha > 0 && c.Alpha <= 1):
		return fmt.Errorf("alpha %v is outside (0, 1]", c.Alpha)
	case c.Schedule != Constant && c.Schedule != OneOverK:
		return fmt.Errorf("unknown step-size schedule %d", int(c.Schedule))
	case !(c.Epsilon >= 0 && c.Epsilon <= 1):
		return fmt.Errorf("epsilon %v is outside [0, 1]", c.Epsilon)
	case !(c.EpsilonDecay > 0 && c.EpsilonDecay <= 1):
		return fmt.Errorf("epsilon decay %v is outside (0, 1]", c.EpsilonDecay)
	case !(c.EpsilonMin >= 0 && c.EpsilonMin <= 1):
		return fmt.Errorf("epsilon minimum %v is outside [0, 1]", c.EpsilonMin)
	case c.N < 1:
		return fmt.Errorf("n %d must be at least 1", c.N)
	case !(c.Lambda >= 0 && c.Lambda <= 1):
		return fmt.Errorf("lambda %v is outside [0, 1]", c.Lambda)
	case c.Trace != Accumulating && c.Trace != Replacing:
		return fmt.Errorf("unknown trace kind %d", int(c.Trace))
	case c.Planning < 0:
		return fmt.Errorf("planning %d must not be negative", c.Planning)
	case !(c.Theta >= 0) || bad(c.Theta):
		return fmt.Errorf("theta %v must be a number ≥ 0", c.Theta)
	case c.Visit != FirstVisit && c.Visit != EveryVisit:
		return fmt.Errorf("unknown visit rule %d", int(c.Visit))
	case c.Behaviour != EpsilonGreedy && c.Behaviour != Uniform:
		return fmt.Errorf("unknown behaviour policy %d", int(c.Behaviour))
	case c.Episodes < 1:
		return fmt.Errorf("episodes %d must be at least 1", c.Episodes)
	case bad(c.Q0):
		return fmt.Errorf("initial value %v is not a finite number", c.Q0)
	}
	return nil
}

// Parameter keys of the agents' schemas.
const (
	KeyGamma        = "gamma"
	KeyAlpha        = "alpha"
	KeySchedule     = "alpha-schedule"
	KeyEpsilon      = "epsilon"
	KeyEpsilonDecay = "epsilon-decay"
	KeyEpsilonMin   = "epsilon-min"
	KeyN            = "n"
	KeyLambda       = "lambda"
	KeyTrace        = "trace"
	KeyPlanning     = "planning"
	KeyTheta        = "theta"
	KeyVisit        = "visit"
	KeyBehaviour    = "behaviour"
	KeyEpisodes     = "episodes"
	KeyQ0           = "q0"
)

// Schema declares the named agent's parameters, γ first, with the agent's
// defaults. Only n and q₀ need a reset; the others apply from the next
// update (ε restarts its decay from the new value).
func Schema(name string) (param.Schema, error) {
	if !known(name) {
		return nil, unknownAgent(name)
	}
	d := DefaultConfig(name)
	gamma := param.Spec{Key: KeyGamma, Label: "discount γ", Min: 0, Max: 0.99, Step: 0.01, Default: d.Gamma,
		Help: "how much future rewards count: 0 looks one step ahead, near 1 far ahead"}
	alpha := []param.Spec{
		{Key: KeySchedule, Label: "step-size schedule", Kind: param.Choice, Choices: []string{"constant", "1/k"},
			Default: float64(d.Schedule), Help: "constant α, or α = 1/k for the k-th update of a pair (Robbins–Monro; 1/k averages)"},
		{Key: KeyAlpha, Label: "step size α", Min: 0.001, Max: 1, Step: 0.001, Default: d.Alpha, Log: true,
			Help: "how far one update moves q(s,a) toward its target, when the schedule is constant"},
	}
	eps := []param.Spec{
		{Key: KeyEpsilon, Label: "exploration ε", Min: 0, Max: 1, Step: 0.01, Default: d.Epsilon,
			Help: "chance of a uniformly random action instead of the greedy one"},
		{Key: KeyEpsilonDecay, Label: "ε decay per episode", Min: 0.9, Max: 1, Step: 0.001, Default: d.EpsilonDecay,
			Help: "ε is multiplied by this at the start of each episode; 1 keeps it constant"},
		{Key: KeyEpsilonMin, Label: "ε minimum", Min: 0, Max: 1, Step: 0.01, Default: d.EpsilonMin,
			Help: "ε decays no lower than this"},
	}
	q0 := param.Spec{Key: KeyQ0, Label: "initial q₀", Min: -10, Max: 10, Step: 0.1, Default: d.Q0, Reset: true,
		Help: "value every q(s,a) starts from; optimistic values make the agent explore"}
	visit := param.Spec{Key: KeyVisit, Label: "visits", Kind: param.Choice, Choices: []string{"first-visit", "every-visit"},
		Default: float64(d.Visit), Help: "update a pair from its first visit in an episode only, or from every visit"}
	lambda := []param.Spec{
		{Key: KeyLambda, Label: "trace decay λ", Min: 0, Max: 1, Step: 0.01, Default: d.Lambda,
			Help: "traces decay by γλ per step: 0 is one-step TD, 1 reaches back like Monte Carlo"},
		{Key: KeyTrace, Label: "trace kind", Kind: param.Choice, Choices: []string{"accumulating", "replacing"},
			Default: float64(d.Trace), Help: "a visit adds 1 to the pair's trace (accumulating: with large α and λ it can overshoot and diverge) or sets it to 1 (replacing)"},
	}
	planning := param.Spec{Key: KeyPlanning, Label: "planning updates n", Kind: param.Int, Min: 0, Max: 200, Step: 1,
		Default: float64(d.Planning), Help: "updates from the learned model after each real step"}

	sc := param.Schema{gamma}
	switch name {
	case "mc-basic":
		sc = append(sc, param.Spec{Key: KeyEpisodes, Label: "episodes per pair", Kind: param.Int, Min: 1, Max: 100, Step: 1,
			Default: float64(d.Episodes), Help: "episodes averaged for each q(s,a) per iteration (one suffices in a deterministic world)"})
		return sc, nil
	case "mc-es":
		sc = append(sc, visit)
		sc = append(sc, alpha...)
		return append(sc, q0), nil
	case "mc-egreedy":
		sc = append(sc, visit)
		sc = append(sc, alpha...)
		sc = append(sc, eps...)
		return append(sc, q0), nil
	}
	sc = append(sc, alpha...)
	sc = append(sc, eps...)
	switch name {
	case "nstep-sarsa":
		sc = append(sc, param.Spec{Key: KeyN, Label: "steps n", Kind: param.Int, Min: 1, Max: 64, Step: 1, Default: float64(d.N), Reset: true,
			Help: "rewards summed before bootstrapping from q(s_{t+n}, a_{t+n})"})
	case "qlearning":
		sc = append(sc, param.Spec{Key: KeyBehaviour, Label: "behaviour policy", Kind: param.Choice,
			Choices: []string{"epsilon-greedy", "uniform"}, Default: float64(d.Behaviour),
			Help: "act ε-greedily in q, or uniformly at random (off-policy: the greedy policy is still learned)"})
	case "sarsa-lambda", "q-lambda":
		sc = append(sc, lambda...)
	case "dyna-q":
		sc = append(sc, planning)
	case "prioritized-sweeping":
		planning.Min = 1
		sc = append(sc, planning, param.Spec{Key: KeyTheta, Label: "priority threshold θ", Min: 1e-8, Max: 1, Default: d.Theta, Log: true,
			Help: "a pair is queued only if its |TD error| exceeds θ"})
	}
	return append(sc, q0), nil
}

// ConfigFromValues returns the named agent's defaults with the values of v
// applied (keys of other agents are ignored), validated.
func ConfigFromValues(name string, v param.Values) (Config, error) {
	if !known(name) {
		return Config{}, unknownAgent(name)
	}
	c := DefaultConfig(name)
	c.Gamma = v.Get(KeyGamma, c.Gamma)
	c.Alpha = v.Get(KeyAlpha, c.Alpha)
	c.Schedule = Schedule(v.Get(KeySchedule, float64(c.Schedule)))
	c.Epsilon = v.Get(KeyEpsilon, c.Epsilon)
	c.EpsilonDecay = v.Get(KeyEpsilonDecay, c.EpsilonDecay)
	c.EpsilonMin = v.Get(KeyEpsilonMin, c.EpsilonMin)
	c.N = int(v.Get(KeyN, float64(c.N)))
	c.Lambda = v.Get(KeyLambda, c.Lambda)
	c.Trace = Trace(v.Get(KeyTrace, float64(c.Trace)))
	c.Planning = int(v.Get(KeyPlanning, float64(c.Planning)))
	c.Theta = v.Get(KeyTheta, c.Theta)
	c.Visit = Visit(v.Get(KeyVisit, float64(c.Visit)))
	c.Behaviour = Behaviour(v.Get(KeyBehaviour, float64(c.Behaviour)))
	c.Episodes = int(v.Get(KeyEpisodes, float64(c.Episodes)))
	c.Q0 = v.Get(KeyQ0, c.Q0)
	return c, c.Validate()
}
