package session

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/agent"
	"bellman/sim/grid"
	"bellman/sim/param"
)

// LearnAgents lists the agents of a learning session, in menu order.
var LearnAgents = func() []Algorithm {
	a := make([]Algorithm, len(agent.Agents))
	for i, x := range agent.Agents {
		a[i] = Algorithm{Key: x.Key, Label: x.Label, Help: x.Help}
	}
	return a
}()

// Keys of a learning session's own parameters; the agent's keys are in
// package agent, the world's are those of a grid session.
const (
	KeyEpisodeLength = "episode-length"
	KeyStart         = "start"
	KeySeed          = "seed"
)

// DefaultGapEvery is how many steps pass between two automatic evaluations
// of the greedy policy against the optimum.
const DefaultGapEvery = 500

// maxTrail bounds the trail of an episode kept for drawing (when full, its
// older half is dropped), and maxLearnHistory the points of the
// per-episode and per-evaluation histories (when full, neighbouring points
// are averaged in pairs: the charts always show the whole run).
const (
	maxTrail        = 4096
	maxLearnHistory = 4096
)

// EpisodeStats sums up one finished episode.
type EpisodeStats struct {
	Episode int     // its number, from 1
	Steps   int     // steps of the session when it ended
	Return  float64 // sum of its rewards (undiscounted)
	Length  int     // its steps
	Error   float64 // mean |error| of the agent's real updates per step (TD error; MC: |G − q|)
	Optimal float64 // share of reachable non-terminal states whose greedy action is optimal, at its end
	Epsilon float64 // ε the agent explored with
}

// Learn is a session in which an agent learns a grid world from sampled
// experience. Each Step is one environment step with that step's learning
// and planning. The world's model is known to the session (never to the
// agent), so it measures the agent's greedy policy against the optimum of
// the same γ: the share of states where the greedy action is optimal (an
// action is optimal if its q* is within 1e-6 of the best), at every
// episode's end, and the gap max_s |v_π(s) − v*(s)| of the greedy policy π,
// every GapEvery steps (and on Evaluate). Both count only the non-terminal
// states an episode can reach (agent.Reachable): from the start cell, or
// from any state for random starts and for agents that choose their own
// starts; the cells of a maze behind its target do not count.
type Learn struct {
	base  grid.World // as loaded, before parameter overrides
	World grid.World // with the current parameters
	Model *grid.Model
	Agent string
	// Version counts changes that alter the schema or the grid's shape;
	// Run counts restarts (the histories start again).
	Version, Run int
	// GapEvery is the number of steps between automatic evaluations of the
	// gap; 0 turns them off (call Evaluate).
	GapEvery int

	schema param.Schema
	vals   param.Values
	runner *agent.Runner
	opt    *agent.Optimum
	// The sources of the environment's and the agent's random streams,
	// kept to save their state (save_learn.go).
	envSrc, agSrc *rand.PCG

	greedy []int
	pairs  []float64 // traces per pair, for summing per state
	q      []float64 // the agent's action values, for scoring
	trail  []int     // cells of the current episode
	visits []int     // per state
	epErr  float64   // Σ |error| of the current episode

	episodes   history // per finished episode: x episode; return, length, error, optimal share
	gaps       history // per evaluation: x session step; gap
	share, gap float64
	gapStep    int // steps at the last evaluation
	last       EpisodeStats
	lastTr     agent.Transition // of the last Step (save_export.go)
}

// NewLearn starts the named agent on world with default parameters and the
// given seed.
func NewLearn(world grid.World, agentName string, seed uint64) (*Learn, error) {
	l := &Learn{GapEvery: DefaultGapEvery, episodes: newHistory(4, maxLearnHistory), gaps: newHistory(1, maxLearnHistory)}
	if err := l.load(world, agentName, param.Values{KeySeed: float64(seed)}); err != nil {
		return nil, err
	}
	return l, nil
}

// load sets world and agent; carry holds values kept from before for the
// keys the new schema shares.
func (l *Learn) load(world grid.World, agentName string, carry param.Values) error {
	if err := world.Validate(); err != nil {
		return err
	}
	schema, err := learnSchema(world, agentName)
	if err != nil {
		return err
	}
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	prev := *l
	l.base, l.Agent, l.schema, l.vals = world, agentName, schema, vals
	if err := l.reset(); err != nil {
		*l = prev
		return err
	}
	l.Version++
	return nil
}

// learnSchema declares an agent's parameters, then the session's (episode
// length, start, seed), then the world's rewards and slip with the world
// file's values as defaults.
func learnSchema(w grid.World, agentName string) (param.Schema, error) {
	sc, err := agent.Schema(agentName)
	if err != nil {
		return nil, err
	}
	return append(sc, sessionSchema(w, agent.EpisodeLength(agentName))...), nil
}

// sessionSchema declares a grid learning session's own parameters (episode
// length, start, seed) and the world's rewards and slip, with the world
// file's values as defaults. A continuing world's episodes end only when
// cut off, after length steps by default; an episodic world's end at the
// target, within 1000.
func sessionSchema(w grid.World, length int) param.Schema {
	if w.Terminal {
		length = 1000
	}
	sc := param.Schema{{Key: KeyEpisodeLength, Label: "episode length", Kind: param.Int, Min: 1, Max: 100_000, Step: 1,
		Default: float64(length), Help: "steps after which an episode is cut off (a truncation: TD methods still bootstrap)"}}
	if _, _, ok := w.StartCell(); ok {
		sc = append(sc, param.Spec{Key: KeyStart, Label: "episodes start", Kind: param.Choice, Choices: []string{"start-cell", "random"},
			Help: "from the start cell S, or from a uniformly random non-terminal cell"})
	}
	sc = append(sc, param.Spec{Key: KeySeed, Label: "seed", Kind: param.Int, Min: 0, Max: 1e9, Step: 1, Reset: true,
		Help: "seed of the random streams (the world's and the agent's): same seed, same run"})
	rw := w.Rewards
	reward := func(key, label string, def float64, help string) param.Spec {
		return param.Spec{Key: key, Label: label, Min: math.Min(-10, def), Max: math.Max(10, def), Step: 0.1, Default: def, Help: help}
	}
	sc = append(sc,
		reward("r-boundary", "r_boundary", rw.Boundary, "reward for trying to leave the grid or walk into a wall"),
		reward("r-forbidden", "r_forbidden", rw.Forbidden, "reward for entering or staying in a forbidden cell"),
		reward("r-target", "r_target", rw.Target, "reward for entering or staying in the target"),
		reward("r-other", "r_other", rw.Other, "reward for any other step"))
	for _, k := range w.Cells {
		if k == grid.Cliff {
			s := reward("r-cliff", "r_cliff", rw.Cliff, "reward for stepping onto the cliff (back to the start)")
			s.Min = math.Min(-200, rw.Cliff)
			sc = append(sc, s)
			break
		}
	}
	sc = append(sc, param.Spec{Key: "slip", Label: "slip p", Min: 0, Max: math.Max(0.5, w.Slip), Step: 0.01, Default: w.Slip, Reset: true,
		Help: "chance that a move goes sideways instead (half to each side)"})
	return sc
}

// world returns the base world with the current rewards and slip.
func (l *Learn) world() grid.World {
	w, v := l.base, l.vals
	w.Rewards.Boundary = v.Get("r-boundary", w.Rewards.Boundary)
	w.Rewards.Forbidden = v.Get("r-forbidden", w.Rewards.Forbidden)
	w.Rewards.Target = v.Get("r-target", w.Rewards.Target)
	w.Rewards.Other = v.Get("r-other", w.Rewards.Other)
	w.Rewards.Cliff = v.Get("r-cliff", w.Rewards.Cliff)
	w.Slip = v.Get("slip", w.Slip)
	return w
}

// startState returns the environment's start state: the start cell if the
// world has one and "start" says so, else −1 (random).
func (l *Learn) startState(m *grid.Model) int {
	if m.Start >= 0 && l.vals.Get(KeyStart, 1) == 0 {
		return m.Start
	}
	return -1
}

// reset builds the world, the agent and the environment afresh from the
// parameters and clears every count and history.
func (l *Learn) reset() error {
	w := l.world()
	m, err := w.Build()
	if err != nil {
		return err
	}
	cfg, err := agent.ConfigFromValues(l.Agent, l.vals)
	if err != nil {
		return err
	}
	envSrc, agSrc := agent.Sources(uint64(l.vals[KeySeed]))
	envRng, agRng := rand.New(envSrc), rand.New(agSrc)
	ag, err := agent.New(l.Agent, m.Model, cfg, agRng)
	if err != nil {
		return err
	}
	env, err := agent.NewEnv(m.Model, l.startState(m), int(l.vals[KeyEpisodeLength]), envRng)
	if err != nil {
		return err
	}
	opt, err := l.optimum(m, cfg.Gamma, env.Start)
	if err != nil {
		return err
	}
	l.World, l.Model, l.opt, l.runner = w, m, opt, agent.NewRunner(env, ag)
	l.envSrc, l.agSrc = envSrc, agSrc
	l.greedy = make([]int, m.S)
	l.pairs = make([]float64, m.S*m.A)
	l.q = make([]float64, m.S*m.A)
	l.visits = make([]int, m.S)
	l.trail = l.trail[:0]
	l.episodes.reset()
	l.gaps.reset()
	l.epErr, l.last = 0, EpisodeStats{}
	l.Run++
	l.Evaluate()
	return nil
}

// optimum solves m for γ and counts the states reachable from the start
// distribution of the episodes (see countStart) when the environment
// starts them in envStart.
func (l *Learn) optimum(m *grid.Model, gamma float64, envStart int) (*agent.Optimum, error) {
	opt, err := agent.NewOptimum(m.Model, gamma)
	if err != nil {
		return nil, err
	}
	return opt, opt.SetStart(l.countStart(envStart))
}

// countStart returns the start the optimum counts reachable states from:
// the environment's start state envStart, or every non-terminal state (-1)
// for random starts and for agents that choose their own.
func (l *Learn) countStart(envStart int) int {
	if agent.ChoosesStarts(l.Agent) {
		return -1
	}
	return envStart
}

// Schema returns the parameters of the current world and agent.
func (l *Learn) Schema() param.Schema { return l.schema }

// Values returns the current parameter values (a copy).
func (l *Learn) Values() param.Values { return l.vals.Clone() }

// Set changes one parameter. Values out of range are clamped, and the
// returned note says so (or is empty). A parameter declared with Reset
// restarts the run, and the note says that too. The others apply from the
// next step: the agent keeps what it learned (new rewards are learned
// anew; a new γ also moves the optimum it is measured against).
func (l *Learn) Set(key string, value float64) (note string, err error) {
	s, v, note, err := l.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old, had := l.vals[key]
	if had && old == v {
		return note, nil
	}
	l.vals[key] = v
	if s.Reset {
		if err := l.reset(); err != nil {
			l.vals[key] = old
			return note, err
		}
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	if err := l.apply(key); err != nil {
		l.vals[key] = old
		return note, err
	}
	return note, nil
}

// apply makes a parameter change that needs no reset take effect.
func (l *Learn) apply(key string) error {
	env := l.runner.Env
	switch key {
	case KeyEpisodeLength:
		return env.SetMaxSteps(int(l.vals[key]))
	case KeyStart:
		if err := env.SetStart(l.startState(l.Model)); err != nil {
			return err
		}
		if err := l.opt.SetStart(l.countStart(env.Start)); err != nil {
			return err
		}
	case "r-boundary", "r-forbidden", "r-target", "r-other", "r-cliff":
		w := l.world()
		m, err := w.Build()
		if err != nil {
			return err
		}
		opt, err := l.optimum(m, l.vals[agent.KeyGamma], env.Start)
		if err != nil {
			return err
		}
		env.SetModel(m.Model)
		l.World, l.Model, l.opt = w, m, opt
	default: // the agent's
		cfg, err := agent.ConfigFromValues(l.Agent, l.vals)
		if err != nil {
			return err
		}
		if key == agent.KeyGamma {
			opt, err := l.optimum(l.Model, cfg.Gamma, env.Start)
			if err != nil {
				return err
			}
			l.opt = opt
		}
		if err := l.runner.Agent.SetConfig(cfg); err != nil {
			return err
		}
	}
	l.Evaluate()
	return nil
}

// SetWorld switches to another world with its own rewards, slip and
// episode length, keeping the agent and its parameters and the seed, and
// restarts.
func (l *Learn) SetWorld(w grid.World) error {
	carry := param.Values{}
	if sc, err := agent.Schema(l.Agent); err == nil {
		for _, s := range sc {
			carry[s.Key] = l.vals[s.Key]
		}
	}
	carry[KeySeed] = l.vals[KeySeed]
	return l.load(w, l.Agent, carry)
}

// SetAgent switches to another agent, keeping the parameters the two
// share that were changed from their defaults (γ, α, ε, the world's, ...)
// and the seed, and restarts. The rest take the new agent's defaults: Monte
// Carlo's sample-mean step sizes do not follow into Sarsa, say.
func (l *Learn) SetAgent(name string) error {
	carry := param.Values{KeySeed: l.vals[KeySeed]}
	for _, s := range l.schema {
		if v := l.vals[s.Key]; v != s.Default {
			carry[s.Key] = v
		}
	}
	return l.load(l.base, name, carry)
}

// Reset restarts the run from scratch with the same parameters: the same
// seed gives the same run again.
func (l *Learn) Reset() {
	l.reset() // the parameters were valid when set, so this cannot fail
}

// Step takes one environment step, with the agent's learning and planning
// for it, and reports whether it ended an episode.
func (l *Learn) Step() (ended bool) { return l.took(l.runner.Step()) }

// Move takes one step with action a, a person's move: the agent learns
// from it if it can (agent.Steerable; MC Basic cannot), as from its own.
// It returns the step and the agent's q(s,a) before and after it.
func (l *Learn) Move(a int) (tr agent.Transition, before, after float64, err error) {
	if a < 0 || a >= l.Model.A {
		return tr, 0, 0, fmt.Errorf("no action %d in a world of %d actions", a, l.Model.A)
	}
	r := l.runner
	s := r.State
	if r.Ended() {
		s = -1 // a new episode starts first; read its state below
	}
	q := r.Agent.Table()
	if s >= 0 {
		before = q[s*l.Model.A+a]
	}
	tr = r.StepAs(a)
	if s < 0 {
		before = math.NaN()
	}
	after = q[tr.S*l.Model.A+a]
	l.took(tr)
	return tr, before, after, nil
}

// took does a session's part of a step: the trail, the counts, the
// histories at an episode's end and the evaluations.
func (l *Learn) took(tr agent.Transition) (ended bool) {
	r := l.runner
	l.lastTr = tr
	if tr.Began {
		l.trail = l.trail[:0]
		l.addTrail(l.Model.Cell[tr.S])
		l.visits[tr.S]++
		l.epErr = 0
	}
	l.addTrail(l.Model.Cell[tr.Next])
	l.visits[tr.Next]++
	l.epErr += tr.Error
	if ended = tr.Ended(); ended {
		share := l.opt.ShareQ(r.Agent.ActionValues(l.q))
		l.last = EpisodeStats{Episode: r.Episode, Steps: r.Steps, Return: r.Return, Length: r.T,
			Error: l.epErr / float64(r.T), Optimal: share, Epsilon: r.Agent.Epsilon()}
		l.episodes.add(float64(l.last.Episode), l.last.Return, float64(l.last.Length), l.last.Error, share)
		l.share = share
	}
	if l.GapEvery > 0 && r.Steps-l.gapStep >= l.GapEvery {
		l.Evaluate()
	}
	return ended
}

// StepN takes n steps.
func (l *Learn) StepN(n int) {
	for i := 0; i < n; i++ {
		l.Step()
	}
}

func (l *Learn) addTrail(cell int) {
	if len(l.trail) == maxTrail {
		l.trail = l.trail[:copy(l.trail, l.trail[maxTrail/2:])]
	}
	l.trail = append(l.trail, cell)
}

// Evaluate measures the agent's greedy policy against the optimum now and
// returns the share of reachable non-terminal states where it is optimal
// and the gap max_s |v_π(s) − v*(s)| over the reachable states. The gap is
// also recorded in the gap history.
func (l *Learn) Evaluate() (share, gap float64) {
	g := l.runner.Agent.Greedy(l.greedy)
	l.share, l.gap, l.gapStep = l.opt.ShareQ(l.runner.Agent.ActionValues(l.q)), l.opt.Gap(g), l.runner.Steps
	l.gaps.add(float64(l.gapStep), l.gap)
	return l.share, l.gap
}

// Steps returns the steps taken since the last restart.
func (l *Learn) Steps() int { return l.runner.Steps }

// Episode returns the number of episodes begun since the last restart.
func (l *Learn) Episode() int { return l.runner.Episode }

// LastEpisode sums up the last finished episode (zero before the first).
func (l *Learn) LastEpisode() EpisodeStats { return l.last }

// Runner returns the environment and agent the session steps. Stepping it
// directly (benchmarks) bypasses the session's counts and histories.
func (l *Learn) Runner() *agent.Runner { return l.runner }

// Optimum returns the solution the agent is measured against.
func (l *Learn) Optimum() *agent.Optimum { return l.opt }

// LearnSnapshot is a copy of what a learning session shows, for drawing.
// Histories run oldest first.
type LearnSnapshot struct {
	World grid.World // the world's cells and rewards (Cells shared, read-only)
	State []int      // state of each cell, -1 for none (shared, read-only)
	S, A  int

	V      []float64 // v(s) = max_a q(s,a) of the agent
	Q      []float64 // q(s,a) of the agent
	Pi     []float64 // π(a|s) the agent acts by (ε-greedy; MC Basic: its π_k)
	Greedy []int     // greedy action of each state, ties to the first
	// GreedyOptimal says for each state whether the agent acts optimally
	// there: every action tied for its best is optimal (always true for
	// terminal states and for states out of reach).
	GreedyOptimal []bool
	// Reachable says for each state whether an episode can reach it from
	// the start distribution (agent.Reachable); only the reachable
	// non-terminal states count in OptimalShare, Optimal and the gaps.
	Reachable []bool
	VStar     []float64 // v* of the same γ
	Traces    []float64 // Σ_a e(s,a) per state; nil if the agent has no traces
	Visits    []int     // times each state was visited (starts included)

	Agent       string
	Cell        int   // the agent's cell (row-major), -1 before the first step
	Trail       []int // cells of the current episode, its start first (the last 4096 at most)
	Episode     int   // episodes begun
	EpisodeStep int   // steps of the current episode
	Return      float64
	Steps       int
	EpisodeDone bool // the last step ended the episode; the next one starts another
	Epsilon     float64
	Gamma       float64

	// Per finished episode, thinned: point i is the mean of HistoryStride
	// consecutive episodes (1, 2, 4, … as the run grows, so that the whole
	// run is kept in at most 4096 points), centred on episode EpisodeX[i]
	// (the mean of their numbers). A moving average over w episodes spans
	// SmoothPoints(w) points.
	Returns, Lengths, Errors, Optimal []float64
	EpisodeX                          []float64
	HistoryStride                     int
	// HistoryBase is 0: histories are thinned, never cut at the front.
	//
	// Deprecated: use EpisodeX.
	HistoryBase int
	// Per evaluation of the greedy policy, thinned in the same way: Gaps[i]
	// is the mean gap of GapStride consecutive evaluations, centred on
	// session step GapSteps[i].
	Gaps      []float64
	GapSteps  []float64
	GapStride int
	// GapBase is 0: the gap history is thinned, never cut at the front.
	//
	// Deprecated: use GapSteps.
	GapBase int

	OptimalShare float64 // at the last episode end or evaluation
	Gap          float64 // at the last evaluation, session step GapStep
	GapStep      int

	Version, Run int
}

// Snapshot copies the session's state into dst, reusing its buffers: once
// they have grown, it allocates nothing.
func (l *Learn) Snapshot(dst *LearnSnapshot) {
	m, r := l.Model, l.runner
	ag := r.Agent
	n := m.S * m.A
	dst.World, dst.State, dst.S, dst.A = l.World, m.State, m.S, m.A
	dst.V = ag.StateValues(resizeF(dst.V, m.S))
	dst.Q = ag.ActionValues(resizeF(dst.Q, n))
	dst.Pi = ag.ActionProbs(resizeF(dst.Pi, n))
	dst.Greedy = ag.Greedy(resizeI(dst.Greedy, m.S))
	if cap(dst.GreedyOptimal) < m.S {
		dst.GreedyOptimal = make([]bool, m.S)
	}
	dst.GreedyOptimal = dst.GreedyOptimal[:m.S]
	if cap(dst.Reachable) < m.S {
		dst.Reachable = make([]bool, m.S)
	}
	dst.Reachable = dst.Reachable[:m.S]
	for s := range dst.Greedy {
		dst.Reachable[s] = l.opt.Reachable(s)
		dst.GreedyOptimal[s] = m.Terminal[s] || !dst.Reachable[s] || l.opt.OptimalQ(s, dst.Q[s*m.A:(s+1)*m.A])
	}
	dst.VStar = append(resizeF(dst.VStar, 0), l.opt.V...)
	if tr, ok := ag.(agent.Tracer); ok {
		e := tr.Traces(l.pairs)
		dst.Traces = resizeF(dst.Traces, m.S)
		for s := range dst.Traces {
			sum := 0.0
			for _, x := range e[s*m.A : (s+1)*m.A] {
				sum += x
			}
			dst.Traces[s] = sum
		}
	} else {
		dst.Traces = nil
	}
	dst.Visits = append(resizeI(dst.Visits, 0), l.visits...)

	dst.Agent = l.Agent
	dst.Cell = -1
	if r.State >= 0 {
		dst.Cell = m.Cell[r.State]
	}
	dst.Trail = append(resizeI(dst.Trail, 0), l.trail...)
	dst.Episode, dst.EpisodeStep, dst.Return, dst.Steps = r.Episode, r.T, r.Return, r.Steps
	dst.EpisodeDone = r.Ended() && r.Steps > 0
	dst.Epsilon, dst.Gamma = ag.Epsilon(), l.vals[agent.KeyGamma]
	h := &l.episodes
	dst.EpisodeX = copyHistory(dst.EpisodeX, h.x)
	dst.Returns = copyHistory(dst.Returns, h.y[0])
	dst.Lengths = copyHistory(dst.Lengths, h.y[1])
	dst.Errors = copyHistory(dst.Errors, h.y[2])
	dst.Optimal = copyHistory(dst.Optimal, h.y[3])
	dst.HistoryStride, dst.HistoryBase = h.stride, 0
	dst.GapSteps = copyHistory(dst.GapSteps, l.gaps.x)
	dst.Gaps = copyHistory(dst.Gaps, l.gaps.y[0])
	dst.GapStride, dst.GapBase = l.gaps.stride, 0
	dst.OptimalShare, dst.Gap, dst.GapStep = l.share, l.gap, l.gapStep
	dst.Version, dst.Run = l.Version, l.Run
}

// SmoothPoints returns the number of points of the per-episode histories
// a moving average over the given number of episodes spans: episodes /
// HistoryStride, rounded, at least 1 (each point already averages
// HistoryStride episodes).
func (s *LearnSnapshot) SmoothPoints(episodes int) int {
	stride := max(s.HistoryStride, 1)
	return max(1, (episodes+stride/2)/stride)
}

// copyHistory copies a history column into dst, growing dst once to the
// history's largest size.
func copyHistory(dst, src []float64) []float64 {
	if cap(dst) < maxLearnHistory {
		dst = make([]float64, 0, maxLearnHistory)
	}
	return append(dst[:0], src...)
}

// MovingAverage writes into dst (len(src)) the mean of the last window
// values of src up to each index (fewer at the start) and returns it. For
// a thinned history, whose points each average stride raw values, a
// window of w raw values is one of max(1, w/stride) points.
func MovingAverage(dst, src []float64, window int) []float64 {
	dst = resizeF(dst, len(src))
	if window < 1 {
		window = 1
	}
	sum := 0.0
	for i, x := range src {
		sum += x
		k := i + 1
		if k > window {
			sum -= src[i-window]
			k = window
		}
		dst[i] = sum / float64(k)
	}
	return dst
}

func resizeF(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n, n+n/2)
	}
	return b[:n]
}

func resizeI(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n, n+n/2)
	}
	return b[:n]
}
