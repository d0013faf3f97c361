package pg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/agent"
	"bellman/sim/mdp"
)

// Episode sums up one finished episode and compares its sampled gradient
// estimate ĝ with the exact gradient ∇J at the policy the episode started
// with.
type Episode struct {
	Episode int     // its number, from 1
	Steps   int     // steps of the run when it ended
	Length  int     // its steps
	Return  float64 // sum of its rewards (undiscounted)
	Error   float64 // mean |critic error| per step (see Agent.Learn)

	// Exact says whether the comparison below was made (the world has at
	// most MaxExactStates states); the fields are 0 otherwise.
	Exact bool
	J     float64 // J(θ) = Σ_s d₀(s) v_π(s) at the episode's start
	// Cosine is ĝ·∇J / (‖ĝ‖ ‖∇J‖), 0 if either is zero.
	Cosine float64
	// SqError is ‖ĝ − ∇J‖². For an unbiased estimator (REINFORCE with
	// γᵗ weighting, with or without a baseline) its mean over episodes
	// at a fixed policy is the estimate's total variance tr Cov(ĝ).
	SqError  float64
	GradNorm float64 // ‖∇J‖
	EstNorm  float64 // ‖ĝ‖
}

// Trainer runs an Agent on a model's episodes (agent.Env) and measures
// every finished episode's gradient estimate against the exact gradient.
// The environment's and the agent's random streams come from one seed
// (agent.Streams). Step allocates nothing.
type Trainer struct {
	Env   *agent.Env
	Agent *Agent
	// Exact evaluates the policy on the model; nil on worlds of more than
	// MaxExactStates states.
	Exact *Exact
	Opt   *agent.Optimum // the optimum of the same γ, for Optimal

	Episodes int     // episodes begun
	Steps    int     // steps taken in all
	T        int     // steps of the current episode
	Return   float64 // undiscounted return of the current episode
	State    int     // current state, −1 before the first step
	Start    int     // start state of the current episode, −1 before the first
	Last     Episode // the last finished episode
	ended    bool
	epErr    float64

	h0     []float64 // preferences at the current episode's start
	pol0   Policy    // a view of h0
	grad   []float64 // ∇J at the last finished episode's start
	sample []float64 // the last finished episode's ĝ
	greedy []int

	// The sources of the environment's and the agent's random streams,
	// kept to save their state (save.go).
	envSrc, agSrc *rand.PCG
}

// NewTrainer returns a trainer of method c.Method on model m: episodes
// start in start (−1: uniformly among the non-terminal states) and are
// cut after length steps.
func NewTrainer(m *mdp.Model, c Config, start, length int, seed uint64) (*Trainer, error) {
	envSrc, agSrc := agent.Sources(seed)
	envRng, agRng := rand.New(envSrc), rand.New(agSrc)
	ag, err := NewAgent(m.S, m.A, c, agRng)
	if err != nil {
		return nil, err
	}
	env, err := agent.NewEnv(m, start, length, envRng)
	if err != nil {
		return nil, err
	}
	opt, err := agent.NewOptimum(m, c.Gamma)
	if err != nil {
		return nil, err
	}
	t := &Trainer{Env: env, Agent: ag, Opt: opt, State: -1, Start: -1, ended: true,
		h0: make([]float64, m.S*m.A), grad: make([]float64, m.S*m.A), sample: make([]float64, m.S*m.A),
		greedy: make([]int, m.S)}
	t.pol0 = Policy{S: m.S, A: m.A, H: t.h0}
	t.envSrc, t.agSrc = envSrc, agSrc
	if m.S <= MaxExactStates {
		d0, err := StartDistribution(m, start)
		if err != nil {
			return nil, err
		}
		if t.Exact, err = NewExact(m, c.Gamma, d0); err != nil {
			return nil, err
		}
	}
	ag.reserve(length)
	return t, nil
}

// Step takes one environment step with the agent's learning and reports
// whether it ended an episode (then Last holds it). After a divergence
// (Diverged) it does nothing and returns false.
func (t *Trainer) Step() (ended bool) {
	if what, _ := t.Agent.Diverged(); what != "" {
		return false
	}
	if t.ended {
		s := t.Agent.Begin(t.Env.Reset())
		t.Env.Place(s)
		copy(t.h0, t.Agent.pol.H)
		t.Episodes++
		t.T, t.Return, t.State, t.Start, t.epErr, t.ended = 0, 0, s, s, 0, false
	}
	a := t.Agent.Act()
	next, r, term, trunc := t.Env.Step(a)
	t.epErr += t.Agent.Learn(r, next, term, trunc)
	t.Steps++
	t.T++
	t.Return += r
	t.State = next
	if t.ended = term || trunc; t.ended {
		t.finish()
	}
	return t.ended
}

// finish sums up the episode that just ended.
func (t *Trainer) finish() {
	e := Episode{Episode: t.Episodes, Steps: t.Steps, Length: t.T, Return: t.Return, Error: t.epErr / float64(t.T)}
	copy(t.sample, t.Agent.est)
	if t.Exact != nil && t.Exact.Softmax(&t.pol0) == nil {
		g := t.Exact.Gradient(t.grad)
		dot, gg, ee, d2 := 0.0, 0.0, 0.0, 0.0
		for i, x := range t.sample {
			y := g[i]
			dot += x * y
			gg += y * y
			ee += x * x
			d := x - y
			d2 += d * d
		}
		e.Exact, e.J, e.SqError = true, t.Exact.J, d2
		e.GradNorm, e.EstNorm = math.Sqrt(gg), math.Sqrt(ee)
		if gg > 0 && ee > 0 {
			e.Cosine = dot / (e.GradNorm * e.EstNorm)
		}
	}
	t.Last = e
}

// Ended reports whether the last step ended an episode (or none was
// taken): the next Step begins another.
func (t *Trainer) Ended() bool { return t.ended }

// Diverged names what went NaN or infinite and in which state ("", −1 if
// nothing did).
func (t *Trainer) Diverged() (what string, state int) { return t.Agent.Diverged() }

// LastGradients returns the last finished episode's estimate ĝ and the
// exact ∇J at that episode's start (len S*A each, read-only; zero before
// the first episode ends, and ∇J stays zero without Exact).
func (t *Trainer) LastGradients() (sample, exact []float64) { return t.sample, t.grad }

// Optimal returns the share of non-terminal states whose greedy action
// argmax_a h(s,a) is optimal and the gap max_s |v_π(s) − v*(s)| of that
// greedy (deterministic) policy, against the optimum of the same γ.
func (t *Trainer) Optimal() (share, gap float64) {
	g := t.Agent.pol.Greedy(t.greedy)
	return t.Opt.Share(g), t.Opt.Gap(g)
}

// Objective evaluates the agent's current policy exactly and returns J;
// the Exact workspace then holds its v_π, q_π and d^γ. It fails without
// Exact.
func (t *Trainer) Objective() (float64, error) {
	if t.Exact == nil {
		return 0, fmt.Errorf("the world has more than %d states: no exact evaluation", MaxExactStates)
	}
	if err := t.Exact.Softmax(t.Agent.pol); err != nil {
		return 0, err
	}
	return t.Exact.J, nil
}

// SetConfig changes the agent's settings from the next update; a new γ
// also moves the optimum and the exact evaluation to it.
func (t *Trainer) SetConfig(c Config) error {
	if err := t.Agent.SetConfig(c); err != nil {
		return err
	}
	if c.Gamma != t.Opt.Gamma {
		opt, err := agent.NewOptimum(t.Env.M, c.Gamma)
		if err != nil {
			return err
		}
		t.Opt = opt
		if t.Exact != nil {
			t.Exact.SetGamma(c.Gamma)
		}
	}
	return nil
}

// SetModel replaces the model by one of the same shape (new rewards): the
// episode goes on, the optimum and the exact evaluation follow.
func (t *Trainer) SetModel(m *mdp.Model) error {
	if m.S != t.Env.M.S || m.A != t.Env.M.A {
		return errors.New("pg: SetModel with a model of another shape")
	}
	opt, err := agent.NewOptimum(m, t.Opt.Gamma)
	if err != nil {
		return err
	}
	t.Env.SetModel(m)
	t.Opt = opt
	if t.Exact != nil {
		t.Exact.SetModel(m)
	}
	return nil
}

// SetLength changes the episode length; the current episode ends when it
// reaches it.
func (t *Trainer) SetLength(n int) error {
	if err := t.Env.SetMaxSteps(n); err != nil {
		return err
	}
	t.Agent.reserve(n)
	return nil
}

// SetStart changes where episodes start (−1: uniformly random), and the
// start distribution of J with it.
func (t *Trainer) SetStart(start int) error {
	if err := t.Env.SetStart(start); err != nil {
		return err
	}
	if t.Exact != nil {
		d0, err := StartDistribution(t.Env.M, start)
		if err != nil {
			return err
		}
		copy(t.Exact.D0, d0)
	}
	return nil
}
