package pg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Agent learns a tabular softmax policy from sampled experience with one of
// the Methods. Call Begin at the start of every episode, then Act and
// Learn once per step, as with package agent's agents:
//
//	s = a.Begin(env.Reset())
//	act := a.Act()
//	next, r, term, trunc := env.Step(act)
//	a.Learn(r, next, term, trunc)
//
// Besides learning, the agent sums its episode's sampled gradient estimate
// ĝ = Σ_t w_t A_t ∇log π(a_t|s_t) (see the package documentation), which
// Estimate returns. Act and Learn allocate nothing once REINFORCE's episode
// buffer has grown to the episode length (Trainer reserves it).
type Agent struct {
	cfg  Config
	S, A int
	pol  *Policy
	v    []float64 // critic v̂(s): A2C, off-policy AC, learned baseline
	q    []float64 // critic q̂(s,a): QAC
	mean float64   // running mean return (Mean baseline)
	nRet float64   // returns averaged into mean
	rng  *rand.Rand

	s, a    int
	t       int       // steps taken in the episode
	w       float64   // weight of step t: γ^t or 1
	next    int       // QAC's action for the next step, −1 if none
	piA, bA float64   // π(a|s) and β(a|s) of the action taken (off-policy)
	row     []float64 // scratch
	pi      []float64 // π(·|piState), computed for the current state's action
	piState int       // state pi belongs to, −1 if none
	beta    []float64

	// REINFORCE's episode: states, actions, rewards (then returns) and
	// the rows π(·|s_t) the actions were drawn from (h does not change
	// during an episode).
	es, ea []int
	er     []float64
	ep     []float64

	est      []float64 // this episode's gradient estimate
	diverged string
	divState int
}

// NewAgent returns an agent of S states and A actions with the uniform
// policy (every h(s,a) = 0) and critics at 0, drawing its actions with rng.
func NewAgent(S, A int, c Config, rng *rand.Rand) (*Agent, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("pg: the agent needs a random stream")
	}
	if S < 1 || A < 1 {
		return nil, fmt.Errorf("pg: %d states and %d actions: nothing to learn", S, A)
	}
	a := &Agent{cfg: c, S: S, A: A, pol: NewPolicy(S, A), rng: rng, next: -1,
		row: make([]float64, A), pi: make([]float64, A), piState: -1, beta: make([]float64, A), est: make([]float64, S*A), divState: -1}
	switch c.Method {
	case QAC:
		a.q = make([]float64, S*A)
	case A2C, OffPolicyAC, ReinforceBaseline:
		a.v = make([]float64, S)
	}
	return a, nil
}

// reserve grows REINFORCE's episode buffer to n steps, so that episodes of
// up to n steps allocate nothing.
func (a *Agent) reserve(n int) {
	if a.cfg.Method != Reinforce && a.cfg.Method != ReinforceBaseline {
		return
	}
	n = min(n, 1<<16)
	if cap(a.es) < n {
		a.es, a.ea, a.er = make([]int, 0, n), make([]int, 0, n), make([]float64, 0, n)
		a.ep = make([]float64, 0, n*a.A)
	}
}

// Config returns the current settings.
func (a *Agent) Config() Config { return a.cfg }

// SetConfig changes the settings from the next update on; the method
// cannot change (make a new agent).
func (a *Agent) SetConfig(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Method != a.cfg.Method {
		return fmt.Errorf("pg: cannot change a %s agent into %s", a.cfg.Method, c.Method)
	}
	a.cfg = c
	return nil
}

// Policy returns the agent's policy; its preferences may be read and
// written between steps.
func (a *Agent) Policy() *Policy { return a.pol }

// Begin starts an episode in state s and returns s.
func (a *Agent) Begin(s int) int {
	a.s, a.t, a.w, a.next = s, 0, 1, -1
	a.es, a.ea, a.er, a.ep = a.es[:0], a.ea[:0], a.er[:0], a.ep[:0]
	clear(a.est)
	return s
}

// Act returns the action to take in the current state: drawn from π, or
// for off-policy actor-critic from the behaviour policy β.
func (a *Agent) Act() int {
	if a.next >= 0 {
		a.a, a.next = a.next, -1
		return a.a
	}
	pi := a.pol.Row(a.pi, a.s)
	a.piState = a.s
	u := a.rng.Float64()
	if a.cfg.Method != OffPolicyAC {
		a.a = sample(pi, u)
		return a.a
	}
	m := a.cfg.Mix
	for b, p := range pi {
		a.beta[b] = float64((1-m)*p) + m/float64(a.A)
	}
	a.a = sample(a.beta, u)
	a.piA, a.bA = pi[a.a], a.beta[a.a]
	return a.a
}

// Behaviour writes β(·|s) of off-policy actor-critic into dst (len A) and
// returns it; for the other methods β = π.
func (a *Agent) Behaviour(dst []float64, s int) []float64 {
	dst = a.pol.Row(dst, s)
	if a.cfg.Method == OffPolicyAC {
		m := a.cfg.Mix
		for b, p := range dst {
			dst[b] = float64((1-m)*p) + m/float64(a.A)
		}
	}
	return dst
}

// Learn takes the outcome of the action Act returned and updates. It
// returns the absolute error of this step's critic update (|δ|; for
// REINFORCE with a learned baseline at the episode's end, Σ_t |G_t − v̂(s_t)|),
// 0 if there is none.
func (a *Agent) Learn(reward float64, next int, terminated, truncated bool) float64 {
	c := &a.cfg
	g := c.Gamma
	var err float64
	switch c.Method {
	case Reinforce, ReinforceBaseline:
		a.es, a.ea, a.er = append(a.es, a.s), append(a.ea, a.a), append(a.er, reward)
		a.ep = append(a.ep, a.policyRow(a.s)...)
		if terminated || truncated {
			err = a.endReinforce()
		}
	case QAC:
		A := a.A
		sa := a.s*A + a.a
		boot := 0.0
		if !terminated {
			a.next = sample(a.pol.Row(a.pi, next), a.rng.Float64())
			a.piState = next
			boot = a.q[next*A+a.next]
		}
		qsa := a.q[sa]
		delta := reward + float64(g*boot) - qsa
		a.actor(a.s, a.a, qsa)
		a.q[sa] += float64(c.AlphaW * delta)
		a.check(a.q[sa], "critic q̂(s,a)", a.s)
		err = math.Abs(delta)
	case A2C, OffPolicyAC:
		boot := 0.0
		if !terminated {
			boot = a.v[next]
		}
		delta := reward + float64(g*boot) - a.v[a.s]
		rho := 1.0
		if c.Method == OffPolicyAC {
			rho = a.piA / a.bA
		}
		a.actor(a.s, a.a, float64(rho*delta))
		a.v[a.s] += float64(float64(c.AlphaW*rho) * delta)
		a.check(a.v[a.s], "critic v̂(s)", a.s)
		err = math.Abs(delta)
	}
	a.s = next
	a.t++
	if c.GammaT {
		a.w *= g
	}
	if terminated || truncated {
		a.next = -1
	}
	return err
}

// actor adds w·adv·∇log π(act|s) to the episode's estimate and steps the
// preferences of s by α times it.
func (a *Agent) actor(s, act int, adv float64) {
	A := a.A
	grad := a.gradLogProb(s, act)
	scale := float64(a.w * adv)
	h, est := a.pol.H[s*A:(s+1)*A], a.est[s*A:(s+1)*A]
	alpha := a.cfg.Alpha
	for b, x := range grad {
		d := float64(scale * x)
		est[b] += d
		h[b] += float64(alpha * d)
	}
	if a.cfg.Entropy > 0 {
		a.entropyStep(s, float64(a.w*float64(alpha*a.cfg.Entropy)))
	}
	if a.piState == s {
		a.piState = -1 // h(s,·) moved
	}
	for _, x := range h {
		a.check(x, "preference h(s,a)", s)
	}
}

// policyRow returns π(·|s), from the row Act drew from when it is s's.
func (a *Agent) policyRow(s int) []float64 {
	if a.piState == s {
		return a.pi
	}
	return a.pol.Row(a.row, s)
}

// gradLogProb writes ∇log π(act|s) = e_act − π(·|s) into the scratch row.
func (a *Agent) gradLogProb(s, act int) []float64 {
	pi := a.policyRow(s)
	g := a.row
	for b, p := range pi {
		g[b] = -p
	}
	g[act]++
	return g
}

// entropyStep moves h(s,·) by scale·∇H(π(·|s)): ∂H/∂h(s,b) =
// −π(b|s)(log π(b|s) + H(π(·|s))).
func (a *Agent) entropyStep(s int, scale float64) {
	A := a.A
	lse := a.pol.logSumExp(s)
	h := a.pol.H[s*A : (s+1)*A]
	ent := 0.0
	for b, x := range h {
		lp := x - lse
		a.row[b] = lp
		ent -= exp(lp) * lp
	}
	for b, lp := range a.row {
		h[b] -= float64(scale * float64(exp(lp)*(lp+ent)))
	}
}

// endReinforce computes the returns of the finished episode, its gradient
// estimate Σ_t w_t (G_t − b(s_t)) ∇log π(a_t|s_t) (π and b as they were
// during the episode), steps the preferences by α times it and then
// updates the baseline.
func (a *Agent) endReinforce() float64 {
	c := &a.cfg
	g := c.Gamma
	G := 0.0
	for t := len(a.er) - 1; t >= 0; t-- {
		G = a.er[t] + float64(g*G)
		a.er[t] = G
	}
	A := a.A
	w := 1.0
	for t, s := range a.es {
		b := 0.0
		if c.Method == ReinforceBaseline {
			if c.Baseline == Learned {
				b = a.v[s]
			} else {
				b = a.mean
			}
		}
		grad := a.row
		for k, p := range a.ep[t*A : (t+1)*A] {
			grad[k] = -p
		}
		grad[a.ea[t]]++
		scale := float64(w * (a.er[t] - b))
		est := a.est[s*A : (s+1)*A]
		for k, x := range grad {
			est[k] += float64(scale * x)
		}
		if c.GammaT {
			w *= g
		}
	}
	for i, d := range a.est {
		if d != 0 {
			a.pol.H[i] += float64(c.Alpha * d)
		}
	}
	if c.Entropy > 0 { // the bonus at every step's state, as the estimate weighted them
		w = 1
		for _, s := range a.es {
			a.entropyStep(s, float64(w*float64(c.Alpha*c.Entropy)))
			if c.GammaT {
				w *= g
			}
		}
	}
	a.piState = -1
	for i, x := range a.pol.H {
		a.check(x, "preference h(s,a)", i/A)
	}
	if c.Method != ReinforceBaseline {
		return 0
	}
	err := 0.0
	for t, s := range a.es {
		G := a.er[t]
		if c.Baseline == Learned {
			d := G - a.v[s]
			err += math.Abs(d)
			a.v[s] += float64(c.AlphaW * d)
			a.check(a.v[s], "baseline v̂(s)", s)
		} else {
			a.nRet++
			a.mean += (G - a.mean) / a.nRet
			a.check(a.mean, "mean-return baseline", s)
		}
	}
	return err
}

// check records the first value that is not finite.
func (a *Agent) check(x float64, what string, s int) {
	if x-x != 0 && a.diverged == "" {
		a.diverged, a.divState = fmt.Sprintf("%s became %v", what, x), s
	}
}

// Diverged returns what went NaN or infinite first and in which state
// ("" and −1 if nothing did).
func (a *Agent) Diverged() (what string, state int) { return a.diverged, a.divState }

// Estimate returns the current episode's gradient estimate so far (len
// S*A, read-only; cleared by Begin). At an episode's end it holds the
// whole episode's ĝ.
func (a *Agent) Estimate() []float64 { return a.est }

// Steps returns the steps taken in the current episode.
func (a *Agent) Steps() int { return a.t }

// ActionProbs writes π(a|s) into dst (len S*A) and returns it.
func (a *Agent) ActionProbs(dst []float64) []float64 { return a.pol.ActionProbs(dst) }

// Preferences writes h(s,a) into dst (len S*A) and returns it.
func (a *Agent) Preferences(dst []float64) []float64 { return append(dst[:0], a.pol.H...) }

// Greedy writes argmax_a h(s,a) into dst (len S), ties to the first action.
func (a *Agent) Greedy(dst []int) []int { return a.pol.Greedy(dst) }

// Critic writes the critic's state values into dst (len S) and returns it:
// v̂(s) for A2C, off-policy actor-critic and the learned baseline,
// Σ_a π(a|s) q̂(s,a) for QAC, the running mean return in every state for
// the mean baseline. It returns nil for REINFORCE, which has none.
func (a *Agent) Critic(dst []float64) []float64 {
	switch {
	case a.q != nil:
		dst = dst[:a.S]
		for s := range dst {
			pi := a.pol.Row(a.row, s)
			v := 0.0
			for b, p := range pi {
				v += p * a.q[s*a.A+b]
			}
			dst[s] = v
		}
		return dst
	case a.cfg.Method == ReinforceBaseline && a.cfg.Baseline == Mean:
		dst = dst[:a.S]
		for s := range dst {
			dst[s] = a.mean
		}
		return dst
	case a.v != nil:
		return append(dst[:0], a.v...)
	}
	return nil
}

// CriticQ writes QAC's q̂(s,a) into dst (len S*A) and returns it; nil for
// the other methods.
func (a *Agent) CriticQ(dst []float64) []float64 {
	if a.q == nil {
		return nil
	}
	return append(dst[:0], a.q...)
}

// Values returns the agent's own critic tables, v̂ (len S) and q̂ (len
// S*A), nil where the method has none. Tests and tools may read and write
// them between steps.
func (a *Agent) Values() (v, q []float64) { return a.v, a.q }
