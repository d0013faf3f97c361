package session

import (
	"fmt"

	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/pg"
)

// PGAgents lists the policy-gradient methods of a PG session, in menu
// order. DPG (Zhao 10.4) is the deterministic actor-critic of the control
// sessions: ControlAgents' "ddpg".
var PGAgents = func() []Algorithm {
	a := make([]Algorithm, len(pg.Methods))
	for i, x := range pg.Methods {
		a[i] = Algorithm{Key: x.Key, Label: x.Label, Help: x.Help}
	}
	return a
}()

// VarianceWindow is the number of recent episodes whose ‖ĝ − ∇J‖² a PG
// snapshot averages into Variance.
const VarianceWindow = 100

// PG is a session in which a tabular softmax policy learns a grid world by
// a policy-gradient or actor-critic method (package pg). Each Step is one
// environment step with its updates. At the end of every episode the
// session compares the episode's sampled gradient estimate ĝ with the exact
// gradient ∇J at the policy the episode started with (worlds of at most
// pg.MaxExactStates states) and scores the greedy policy argmax_a h(s,a)
// against the optimum of the same γ.
//
// Its parameters are the method's (pg.Schema), then those of a learning
// session: episode length, start, seed, the rewards and slip.
type PG struct {
	base  grid.World
	World grid.World // with the current parameters
	Model *grid.Model
	// Method is the policy-gradient method.
	Method pg.Method
	// Version counts changes that alter the schema or the grid's shape;
	// Run counts restarts (the curves start again).
	Version, Run int

	schema param.Schema
	vals   param.Values
	tr     *pg.Trainer

	trail  []int
	visits []int
	greedy []int
	share  float64
	gap    float64
	jStar  float64

	returns, objective, cosine, sqErr, entropy, optimal curve
	recent                                              [VarianceWindow]float64
	nRecent                                             int
	last                                                pg.Episode
	diverged                                            string
}

// NewPG starts the named method on world with default parameters and the
// given seed.
func NewPG(world grid.World, method string, seed uint64) (*PG, error) {
	p := &PG{}
	if err := p.load(world, method, param.Values{KeySeed: float64(seed)}); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *PG) load(world grid.World, method string, carry param.Values) error {
	if err := world.Validate(); err != nil {
		return err
	}
	m, err := pg.ParseMethod(method)
	if err != nil {
		return err
	}
	schema, err := pgSchema(world, m)
	if err != nil {
		return err
	}
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	prev := *p
	p.base, p.Method, p.schema, p.vals = world, m, schema, vals
	if err := p.reset(); err != nil {
		*p = prev
		return err
	}
	p.Version++
	return nil
}

// pgSchema is the method's schema followed by a learning session's own and
// world keys (sessionSchema), with episodes of 100 steps in continuing
// worlds.
func pgSchema(w grid.World, m pg.Method) (param.Schema, error) {
	return append(pg.Schema(m), sessionSchema(w, 100)...), nil
}

// world returns the base world with the current rewards and slip.
func (p *PG) world() grid.World {
	w, v := p.base, p.vals
	w.Rewards.Boundary = v.Get("r-boundary", w.Rewards.Boundary)
	w.Rewards.Forbidden = v.Get("r-forbidden", w.Rewards.Forbidden)
	w.Rewards.Target = v.Get("r-target", w.Rewards.Target)
	w.Rewards.Other = v.Get("r-other", w.Rewards.Other)
	w.Rewards.Cliff = v.Get("r-cliff", w.Rewards.Cliff)
	w.Slip = v.Get("slip", w.Slip)
	return w
}

func (p *PG) startState(m *grid.Model) int {
	if m.Start >= 0 && p.vals.Get(KeyStart, 1) == 0 {
		return m.Start
	}
	return -1
}

// reset builds the world and the trainer afresh and clears the curves.
func (p *PG) reset() error {
	w := p.world()
	m, err := w.Build()
	if err != nil {
		return err
	}
	cfg, err := pg.ConfigFromValues(p.Method, p.vals)
	if err != nil {
		return err
	}
	tr, err := pg.NewTrainer(m.Model, cfg, p.startState(m), int(p.vals[KeyEpisodeLength]), uint64(p.vals[KeySeed]))
	if err != nil {
		return err
	}
	p.World, p.Model, p.tr = w, m, tr
	p.greedy = make([]int, m.S)
	p.visits = make([]int, m.S)
	p.trail = p.trail[:0]
	for _, c := range []*curve{&p.returns, &p.objective, &p.cosine, &p.sqErr, &p.entropy, &p.optimal} {
		*c = newCurve()
	}
	p.nRecent, p.last, p.diverged = 0, pg.Episode{}, ""
	p.scoreGreedy()
	p.Run++
	return nil
}

// scoreGreedy measures the greedy policy against the optimum and
// recomputes J* = Σ d₀ v*.
func (p *PG) scoreGreedy() {
	p.share, p.gap = p.tr.Optimal()
	p.jStar = 0
	if ex := p.tr.Exact; ex != nil {
		for s, d := range ex.D0 {
			p.jStar += d * p.tr.Opt.V[s]
		}
	}
}

// Schema returns the parameters of the current world and method.
func (p *PG) Schema() param.Schema { return p.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (p *PG) Value(key string) float64 { return p.vals[key] }

// Values returns the current parameter values (a copy).
func (p *PG) Values() param.Values { return p.vals.Clone() }

// Set changes one parameter. Values out of range are clamped and the note
// says so; seed and slip restart the run (the note says that too); the
// others apply from the next step, the policy and critics kept. An unknown
// key is an error.
func (p *PG) Set(key string, value float64) (note string, err error) {
	s, v, note, err := p.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old, had := p.vals[key]
	if had && old == v {
		return note, nil
	}
	p.vals[key] = v
	if s.Reset {
		if err := p.reset(); err != nil {
			p.vals[key] = old
			return note, err
		}
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	if err := p.apply(key); err != nil {
		p.vals[key] = old
		return note, err
	}
	return note, nil
}

func (p *PG) apply(key string) error {
	switch key {
	case KeyEpisodeLength:
		return p.tr.SetLength(int(p.vals[key]))
	case KeyStart:
		if err := p.tr.SetStart(p.startState(p.Model)); err != nil {
			return err
		}
	case "r-boundary", "r-forbidden", "r-target", "r-other", "r-cliff":
		w := p.world()
		m, err := w.Build()
		if err != nil {
			return err
		}
		if err := p.tr.SetModel(m.Model); err != nil {
			return err
		}
		p.World, p.Model = w, m
	default: // the method's
		cfg, err := pg.ConfigFromValues(p.Method, p.vals)
		if err != nil {
			return err
		}
		if err := p.tr.SetConfig(cfg); err != nil {
			return err
		}
	}
	p.scoreGreedy()
	return nil
}

// SetWorld switches to another world, keeping the method's parameters and
// the seed, and restarts.
func (p *PG) SetWorld(w grid.World) error {
	carry := param.Values{KeySeed: p.vals[KeySeed]}
	for _, s := range pg.Schema(p.Method) {
		carry[s.Key] = p.vals[s.Key]
	}
	return p.load(w, p.Method.String(), carry)
}

// SetAgent switches to another method, keeping the parameters both have
// that were changed from their defaults and the seed, and restarts.
func (p *PG) SetAgent(method string) error {
	carry := param.Values{KeySeed: p.vals[KeySeed]}
	for _, s := range p.schema {
		if v := p.vals[s.Key]; v != s.Default {
			carry[s.Key] = v
		}
	}
	return p.load(p.base, method, carry)
}

// Reset restarts the run with the same parameters: the same seed gives the
// same run.
func (p *PG) Reset() {
	p.reset() // the parameters were valid when set, so this cannot fail
}

// Step takes one environment step with its updates and reports whether it
// ended an episode. After a divergence it does nothing (Snapshot's
// Diverged says what happened).
func (p *PG) Step() (ended bool) {
	if p.diverged != "" {
		return false
	}
	tr := p.tr
	began := tr.Ended()
	ended = tr.Step()
	if what, s := tr.Diverged(); what != "" {
		r, c := p.Model.RowCol(s)
		p.diverged = fmt.Sprintf("%s in cell (%d,%d) at step %d", what, r, c, tr.Steps)
		return false
	}
	if began {
		p.trail = p.trail[:0]
		p.addTrail(p.Model.Cell[tr.Start])
		p.visits[tr.Start]++
	}
	p.addTrail(p.Model.Cell[tr.State])
	p.visits[tr.State]++
	if !ended {
		return false
	}
	e := tr.Last
	p.last = e
	x := float64(e.Steps)
	p.returns.add(x, e.Return)
	if e.Exact {
		p.objective.add(x, e.J)
		p.cosine.add(x, e.Cosine)
		p.sqErr.add(x, e.SqError)
		p.recent[p.nRecent%VarianceWindow] = e.SqError
		p.nRecent++
	}
	p.share, p.gap = tr.Optimal()
	p.optimal.add(x, p.share)
	p.entropy.add(x, p.meanEntropy())
	return true
}

// meanEntropy returns the mean entropy of π over the non-terminal states.
func (p *PG) meanEntropy() float64 {
	pol, m := p.tr.Agent.Policy(), p.Model.Model
	sum, n := 0.0, 0
	for s := 0; s < m.S; s++ {
		if !m.Terminal[s] {
			sum += pol.Entropy(s)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func (p *PG) addTrail(cell int) {
	if len(p.trail) == maxTrail {
		p.trail = p.trail[:copy(p.trail, p.trail[maxTrail/2:])]
	}
	p.trail = append(p.trail, cell)
}

// StepN takes n steps.
func (p *PG) StepN(n int) {
	for i := 0; i < n; i++ {
		p.Step()
	}
}

// Steps returns the steps taken since the last restart.
func (p *PG) Steps() int { return p.tr.Steps }

// Episode returns the number of episodes begun since the last restart.
func (p *PG) Episode() int { return p.tr.Episodes }

// Updates returns the policy updates since the last restart: one a step for
// the actor-critics, one a finished episode for REINFORCE.
func (p *PG) Updates() int {
	if p.Method != pg.Reinforce && p.Method != pg.ReinforceBaseline {
		return p.tr.Steps
	}
	if p.tr.Ended() {
		return p.tr.Episodes
	}
	return p.tr.Episodes - 1
}

// LastEpisode returns the last finished episode (zero before the first).
func (p *PG) LastEpisode() pg.Episode { return p.last }

// Optimal returns the share of non-terminal states whose greedy action is
// optimal and the gap max_s |v_π(s) − v*(s)| of the greedy policy, as of
// the last episode's end (or parameter change).
func (p *PG) Optimal() (share, gap float64) { return p.share, p.gap }

// Trainer returns the trainer the session steps. Stepping it directly
// (benchmarks) bypasses the session's curves.
func (p *PG) Trainer() *pg.Trainer { return p.tr }

// Diverged names what went NaN or infinite, where and when ("" if nothing).
func (p *PG) Diverged() string { return p.diverged }

// PGSnapshot is a copy of what a PG session shows, for drawing. Slices are
// the snapshot's own, reused by the next Snapshot into it. Per-pair arrays
// are len S*A with row s holding the actions in order (grid.ActionNames).
type PGSnapshot struct {
	World grid.World // the world's cells and rewards (Cells shared, read-only)
	State []int      // state of each cell, -1 for none (shared, read-only)
	S, A  int
	Agent string // the method's key

	Pi      []float64 // π(a|s): arrows of length ∝ π
	H       []float64 // the preferences h(s,a), drawn as q-triangles are
	Entropy []float64 // H(π(·|s)) in nats per state (log A uniform, 0 deterministic)
	Greedy  []int     // argmax_a h(s,a), ties to the first
	// GreedyOptimal says for each state whether its greedy action is
	// optimal (true for terminal states).
	GreedyOptimal []bool
	// Critic is the critic's v̂(s) (QAC: Σ_a π q̂; mean baseline: the mean
	// return everywhere); nil for REINFORCE. CriticQ is QAC's q̂(s,a), nil
	// for the others.
	Critic, CriticQ []float64
	VStar           []float64 // v* of the same γ

	// Exact says whether the world is small enough for the exact
	// quantities below (pg.MaxExactStates); they are zero otherwise.
	Exact bool
	// Grad is the exact ∇J and Sample the sampled estimate ĝ of the last
	// finished episode, both at the policy that episode started with.
	Grad, Sample []float64
	// V is v_π and D the discounted state distribution d^γ of that same
	// policy; J = Σ d₀ v_π and JStar = Σ d₀ v*.
	V, D     []float64
	J, JStar float64
	Last     pg.Episode // the last finished episode: its cosine, ‖ĝ − ∇J‖², …
	// Variance is the mean of ‖ĝ − ∇J‖² over the last VarianceWindow
	// episodes (fewer at first): the estimate's variance for the unbiased
	// estimators, its mean squared error for the others.
	Variance float64

	Cell        int   // the agent's cell (row-major), -1 before the first step
	Trail       []int // cells of the current episode, its start first
	Visits      []int // per state
	Episode     int
	EpisodeStep int
	Return      float64
	Steps       int
	EpisodeDone bool
	Gamma       float64

	OptimalShare, Gap float64 // of the greedy policy, at the last episode's end

	// Curves, one point per finished episode at the step it ended: its
	// return, J at its start, cos(ĝ, ∇J), ‖ĝ − ∇J‖², the mean entropy of π
	// over the non-terminal states and the share of optimal greedy actions.
	Returns, Objective, Cosine, SqError, MeanEntropy, Optimal Curve

	// Diverged names what went NaN or infinite ("" if nothing); the
	// session then stops stepping.
	Diverged string

	Version, Run int
}

// Snapshot copies the session's state into dst, reusing its buffers: once
// they have grown, it allocates nothing.
func (p *PG) Snapshot(dst *PGSnapshot) {
	m, tr := p.Model, p.tr
	ag := tr.Agent
	S, A := m.S, m.A
	n := S * A
	dst.World, dst.State, dst.S, dst.A, dst.Agent = p.World, m.State, S, A, p.Method.String()
	dst.Pi = ag.ActionProbs(resizeF(dst.Pi, n))
	dst.H = ag.Preferences(resizeF(dst.H, n))
	dst.Entropy = ag.Policy().Entropies(resizeF(dst.Entropy, S))
	dst.Greedy = ag.Greedy(resizeI(dst.Greedy, S))
	if cap(dst.GreedyOptimal) < S {
		dst.GreedyOptimal = make([]bool, S)
	}
	dst.GreedyOptimal = dst.GreedyOptimal[:S]
	for s, a := range dst.Greedy {
		dst.GreedyOptimal[s] = m.Terminal[s] || tr.Opt.Optimal(s, a)
	}
	dst.Critic, dst.CriticQ = resizeF(dst.Critic, S), resizeF(dst.CriticQ, n)
	if ag.Critic(dst.Critic) == nil {
		dst.Critic = dst.Critic[:0]
	}
	if ag.CriticQ(dst.CriticQ) == nil {
		dst.CriticQ = dst.CriticQ[:0]
	}
	dst.VStar = append(resizeF(dst.VStar, 0), tr.Opt.V...)

	sample, grad := tr.LastGradients()
	dst.Sample = append(resizeF(dst.Sample, 0), sample...)
	dst.Grad = append(resizeF(dst.Grad, 0), grad...)
	dst.Exact = tr.Exact != nil
	dst.V, dst.D = resizeF(dst.V, S), resizeF(dst.D, S)
	if dst.Exact && p.last.Exact {
		copy(dst.V, tr.Exact.V)
		copy(dst.D, tr.Exact.D)
	} else {
		clear(dst.V)
		clear(dst.D)
	}
	dst.J, dst.JStar, dst.Last = p.last.J, p.jStar, p.last
	dst.Variance = 0
	if k := min(p.nRecent, VarianceWindow); k > 0 {
		sum := 0.0
		for _, x := range p.recent[:k] {
			sum += x
		}
		dst.Variance = sum / float64(k)
	}

	dst.Cell = -1
	if tr.State >= 0 {
		dst.Cell = m.Cell[tr.State]
	}
	dst.Trail = append(resizeI(dst.Trail, 0), p.trail...)
	dst.Visits = append(resizeI(dst.Visits, 0), p.visits...)
	dst.Episode, dst.EpisodeStep, dst.Return, dst.Steps = tr.Episodes, tr.T, tr.Return, tr.Steps
	dst.EpisodeDone = tr.Ended() && tr.Steps > 0
	dst.Gamma = p.vals[pg.KeyGamma]
	dst.OptimalShare, dst.Gap = p.share, p.gap
	p.returns.copyTo(&dst.Returns)
	p.objective.copyTo(&dst.Objective)
	p.cosine.copyTo(&dst.Cosine)
	p.sqErr.copyTo(&dst.SqError)
	p.entropy.copyTo(&dst.MeanEntropy)
	p.optimal.copyTo(&dst.Optimal)
	dst.Diverged = p.diverged
	dst.Version, dst.Run = p.Version, p.Run
}
