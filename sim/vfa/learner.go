package vfa

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/features"
)

// Learner acts and learns from experience one step at a time. s is the
// state's index on a grid world (−1 on a control task) and raw its raw
// feature columns. Begin starts an episode and returns the first action;
// Learn takes the outcome of the last action and returns the next one
// (meaningless after a step that ended the episode) and the summed |TD
// error| of the updates it made.
type Learner interface {
	Begin(s int, raw []float64) int
	Learn(reward float64, s int, raw []float64, terminated, truncated bool) (next int, absErr float64)
	// Weights returns the learner's own weights: action a's w_a at
	// [a·Features, (a+1)·Features). They may be read between steps.
	Weights() []float64
	// Actions is the number of weight vectors: 1 for state values.
	Actions() int
	// Featurizer computes φ.
	Featurizer() *features.Featurizer
	// Config returns the settings.
	Config() Config
	// SetConfig changes γ, α and ε from the next update on; N, InitStd
	// and the features need a new learner.
	SetConfig(c Config) error
	// Epsilon is the exploration rate acted with (0 for TD-linear).
	Epsilon() float64
}

// Policy chooses TD-linear's actions.
type Policy interface {
	// Action draws the action of state s (its index on a grid world).
	Action(s int, rng *rand.Rand) int
}

// Uniform picks each of A actions with probability 1/A.
type Uniform struct{ A int }

// Action draws a uniform action.
func (u Uniform) Action(_ int, rng *rand.Rand) int { return rng.IntN(u.A) }

// Table is a stochastic policy π(a|s) of S states and A actions, row s
// at [s·A, (s+1)·A).
type Table struct {
	A  int
	Pi []float64
}

// Action draws from row s.
func (t Table) Action(s int, rng *rand.Rand) int {
	u := rng.Float64()
	row := t.Pi[s*t.A : (s+1)*t.A]
	last := 0
	for a, p := range row {
		if p == 0 {
			continue
		}
		last = a
		if u < p {
			return a
		}
		u -= p
	}
	return last
}

// linear holds the weights of φᵀw_a and their initialisation.
type linear struct {
	cfg   Config
	f     *features.Featurizer
	n, A  int
	w     []float64
	rng   *rand.Rand
	x, xn features.Vector // φ of the current and next state
	eps   float64
}

func newLinear(c Config, cols []features.Column, actions int, rng *rand.Rand) (linear, error) {
	if err := c.Validate(); err != nil {
		return linear{}, err
	}
	if rng == nil {
		return linear{}, fmt.Errorf("vfa: needs a random stream")
	}
	f, err := features.New(c.Spec, cols)
	if err != nil {
		return linear{}, err
	}
	if f.Len()*actions > MaxWeights {
		return linear{}, fmt.Errorf("features: %d features × %d actions is more than %d weights", f.Len(), actions, MaxWeights)
	}
	l := linear{cfg: c, f: f, n: f.Len(), A: actions, w: make([]float64, f.Len()*actions), rng: rng,
		x: f.NewVector(), xn: f.NewVector(), eps: c.Epsilon}
	if c.InitStd > 0 {
		for i := range l.w {
			l.w[i] = float64(c.InitStd * rng.NormFloat64())
		}
	}
	return l, nil
}

// MaxWeights bounds the weights of a learner.
const MaxWeights = 1 << 22

func (l *linear) Weights() []float64               { return l.w }
func (l *linear) Actions() int                     { return l.A }
func (l *linear) Featurizer() *features.Featurizer { return l.f }
func (l *linear) Config() Config                   { return l.cfg }
func (l *linear) Epsilon() float64                 { return l.eps }

func (l *linear) SetConfig(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.N, c.InitStd, c.Spec = l.cfg.N, l.cfg.InitStd, l.cfg.Spec
	l.cfg, l.eps = c, c.Epsilon
	return nil
}

// q returns φᵀw_a for the vector x.
func (l *linear) q(x *features.Vector, a int) float64 { return x.Dot(l.w[a*l.n : (a+1)*l.n]) }

// TD is TD-linear: policy evaluation of v̂(s) = φ(s)ᵀw under a fixed
// policy (Zhao's Algorithm 8.1 with linear v̂).
type TD struct {
	linear
	pi Policy
	s  int
}

// NewTD returns TD-linear for the raw columns cols, acting by pi.
func NewTD(c Config, cols []features.Column, pi Policy, rng *rand.Rand) (*TD, error) {
	if pi == nil {
		return nil, fmt.Errorf("vfa: TD-linear needs a policy")
	}
	l, err := newLinear(c, cols, 1, rng)
	if err != nil {
		return nil, err
	}
	l.eps = 0
	return &TD{linear: l, pi: pi}, nil
}

// Epsilon returns 0: TD-linear does not explore, it follows its policy.
func (t *TD) Epsilon() float64 { return 0 }

// SetPolicy changes the policy followed from the next action on.
func (t *TD) SetPolicy(pi Policy) { t.pi = pi }

// Begin computes φ(s) and draws the first action.
func (t *TD) Begin(s int, raw []float64) int {
	t.f.Sparse(&t.x, raw)
	t.s = s
	return t.pi.Action(s, t.rng)
}

// Learn makes the update w += α[r + γφ(s')ᵀw − φ(s)ᵀw]φ(s), with
// φ(s')ᵀw taken as 0 if the step terminated, and draws the next action.
func (t *TD) Learn(r float64, s int, raw []float64, terminated, truncated bool) (int, float64) {
	t.f.Sparse(&t.xn, raw)
	target := r
	if !terminated {
		target += float64(t.cfg.Gamma * t.xn.Dot(t.w))
	}
	d := target - t.x.Dot(t.w)
	t.x.AddTo(t.w, float64(t.cfg.Alpha*d))
	t.x, t.xn = t.xn, t.x
	t.s = s
	return t.pi.Action(s, t.rng), math.Abs(d)
}

// Value returns v̂ of a state with raw columns raw, using x for φ.
func (t *TD) Value(x *features.Vector, raw []float64) float64 {
	t.f.Sparse(x, raw)
	return x.Dot(t.w)
}

// Control is Sarsa (n-step, Sutton & Barto's semi-gradient n-step Sarsa,
// Zhao's Algorithm 8.2 for n = 1) or Q-learning (Zhao's Algorithm 8.3)
// with q̂(s, a) = φ(s)ᵀw_a, acting ε-greedily in q̂ with ties broken at
// random.
type Control struct {
	linear
	qlearn bool
	steps  int               // n of n-step Sarsa
	xs     []features.Vector // φ(S_t) at t mod (n+1)
	ac     []int             // A_t
	rw     []float64         // R_t
	t      int               // time of the current state
	a      int               // current action
	qs     []float64         // q̂ of each action, scratch
}

// NewControl returns linear Sarsa (qlearning false) or Q-learning for
// the raw columns cols and actions actions.
func NewControl(c Config, cols []features.Column, actions int, qlearning bool, rng *rand.Rand) (*Control, error) {
	if actions < 1 {
		return nil, fmt.Errorf("vfa: %d actions", actions)
	}
	if qlearning {
		c.N = 1
	}
	l, err := newLinear(c, cols, actions, rng)
	if err != nil {
		return nil, err
	}
	n := c.N
	ctl := &Control{linear: l, qlearn: qlearning, steps: n, xs: make([]features.Vector, n+1), ac: make([]int, n+1),
		rw: make([]float64, n+1), qs: make([]float64, actions)}
	for i := range ctl.xs {
		ctl.xs[i] = l.f.NewVector()
	}
	return ctl, nil
}

// Q writes q̂(s, ·) of the vector x into dst (length Actions) and returns it.
func (c *Control) Q(dst []float64, x *features.Vector) []float64 {
	for a := range dst[:c.A] {
		dst[a] = c.q(x, a)
	}
	return dst[:c.A]
}

// greedy returns a best action of x, ties at random, and the best value.
func (c *Control) greedy(x *features.Vector) (int, float64) {
	best, ba, n := math.Inf(-1), 0, 0
	for a := 0; a < c.A; a++ {
		v := c.q(x, a)
		c.qs[a] = v
		switch {
		case v > best:
			best, ba, n = v, a, 1
		case v == best:
			n++
		}
	}
	if n > 1 {
		j := c.rng.IntN(n)
		for a := 0; a < c.A; a++ {
			if c.qs[a] == best {
				if j == 0 {
					return a, best
				}
				j--
			}
		}
	}
	if n == 0 { // every value NaN
		return 0, best
	}
	return ba, best
}

// maxQ returns max_a q̂(x, a).
func (c *Control) maxQ(x *features.Vector) float64 {
	best := c.q(x, 0)
	for a := 1; a < c.A; a++ {
		if v := c.q(x, a); v > best {
			best = v
		}
	}
	return best
}

// egreedy draws an ε-greedy action of x.
func (c *Control) egreedy(x *features.Vector) int {
	if c.eps > 0 && c.rng.Float64() < c.eps {
		return c.rng.IntN(c.A)
	}
	a, _ := c.greedy(x)
	return a
}

// Begin computes φ(S_0) and chooses A_0.
func (c *Control) Begin(_ int, raw []float64) int {
	c.t = 0
	x := &c.xs[0]
	c.f.Sparse(x, raw)
	c.a = c.egreedy(x)
	c.ac[0] = c.a
	return c.a
}

// Learn stores R_{t+1} and S_{t+1}, chooses A_{t+1}, and updates the pair
// of time τ = t+1−n and, when the episode ends, the pairs after it.
// Q-learning updates (S_t, A_t) toward r + γ max_a q̂(S_{t+1}, a).
func (c *Control) Learn(r float64, _ int, raw []float64, terminated, truncated bool) (int, float64) {
	L := c.steps + 1
	c.t++
	i := c.t % L
	x := &c.xs[i]
	c.f.Sparse(x, raw)
	c.rw[i] = r
	if c.qlearn {
		prev := &c.xs[(c.t-1)%L]
		target := r
		if !terminated {
			target += float64(c.cfg.Gamma * c.maxQ(x))
		}
		d := target - c.q(prev, c.ac[(c.t-1)%L])
		prev.AddTo(c.w[c.ac[(c.t-1)%L]*c.n:], float64(c.cfg.Alpha*d))
		if !terminated && !truncated { // the episode goes on
			c.a = c.egreedy(x)
			c.ac[i] = c.a
		}
		return c.a, math.Abs(d)
	}
	if !terminated {
		c.a = c.egreedy(x)
		c.ac[i] = c.a
	}
	err := 0.0
	tau := c.t - c.steps
	if tau >= 0 {
		err += math.Abs(c.updateAt(tau, terminated))
	}
	if terminated || truncated {
		if tau < 0 {
			tau = -1
		}
		for tau++; tau < c.t; tau++ {
			err += math.Abs(c.updateAt(tau, terminated))
		}
	}
	return c.a, err
}

// updateAt updates the pair of time tau from the rewards up to now and,
// unless the episode terminated within n steps, q̂(S_{τ+n}, A_{τ+n}).
func (c *Control) updateAt(tau int, terminated bool) float64 {
	L := c.steps + 1
	end := tau + c.steps
	if end > c.t {
		end = c.t
	}
	g, disc := 0.0, 1.0
	for k := tau + 1; k <= end; k++ {
		g += float64(disc * c.rw[k%L])
		disc *= c.cfg.Gamma
	}
	if !(terminated && end == c.t) {
		j := end % L
		g += float64(disc * c.q(&c.xs[j], c.ac[j]))
	}
	j := tau % L
	a := c.ac[j]
	d := g - c.q(&c.xs[j], a)
	c.xs[j].AddTo(c.w[a*c.n:], float64(c.cfg.Alpha*d))
	return d
}
