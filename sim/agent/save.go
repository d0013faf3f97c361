package agent

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Sources returns the sources of the environment's and the agent's random
// streams for a seed, the ones Streams wraps: rand.New of each gives
// Streams(seed). A session that saves its run keeps them to save their
// state.
func Sources(seed uint64) (env, agent *rand.PCG) {
	return rand.NewPCG(seed, StreamEnv), rand.NewPCG(seed, StreamAgent)
}

// State is what a tabular agent has learned and where it is, for a save
// file: with it an agent built from the same model and configuration
// continues exactly (its random stream is saved by whoever owns it). Fields
// a kind of agent does not have are empty.
type State struct {
	Agent    string    `json:"agent"`
	S        int       `json:"states"`
	A        int       `json:"actions"`
	Q        []float64 `json:"q"`
	K        []float64 `json:"k"` // updates of each pair
	Epsilon  float64   `json:"epsilon"`
	Episodes int       `json:"episodes"` // begun
	State    int       `json:"state"`    // current state
	Action   int       `json:"action"`   // action taken in it
	Next     int       `json:"next"`     // Sarsa, Sarsa(λ), Q(λ): the action chosen for the next state

	// n-step Sarsa: time, then the ring buffers; Monte Carlo: the episode.
	Time    int       `json:"time,omitempty"`
	States  []int32   `json:"episode_states,omitempty"`
	Actions []int32   `json:"episode_actions,omitempty"`
	Rewards []float64 `json:"episode_rewards,omitempty"`
	First   []int32   `json:"first,omitempty"` // Monte Carlo: time of each pair's first visit
	Stamp   []int32   `json:"stamp,omitempty"` // Monte Carlo: episode of First

	// Eligibility traces and the traced pairs, in their order.
	Traces []float64 `json:"traces,omitempty"`
	Active []int32   `json:"active,omitempty"`

	// MC Basic.
	Policy    []int   `json:"policy,omitempty"`
	Pair      int     `json:"pair,omitempty"`
	Done      int     `json:"done,omitempty"`
	Sum       float64 `json:"sum,omitempty"`
	Return    float64 `json:"return,omitempty"`
	Discount  float64 `json:"discount,omitempty"`
	Iteration int     `json:"iteration,omitempty"`

	// Dyna-Q and prioritized sweeping: the learned model.
	Model *ModelState `json:"model,omitempty"`
	// Prioritized sweeping: the queue in heap order with its priorities,
	// the predecessor lists' lengths and entries, and the outcomes seen.
	Queue      []int32   `json:"queue,omitempty"`
	Priorities []float64 `json:"priorities,omitempty"`
	NPred      []int32   `json:"npred,omitempty"`
	Pred       []int32   `json:"pred,omitempty"`
	Hit        []bool    `json:"hit,omitempty"`
}

// ModelState is a learned tabular model: per pair the last next state,
// reward and whether it terminated, and the pairs seen in order of first
// sight.
type ModelState struct {
	Next   []int32   `json:"next"`
	Reward []float64 `json:"reward"`
	Term   []bool    `json:"term"`
	Seen   []int32   `json:"seen"`
}

// SaveState returns a copy of the agent's state. An agent whose values are
// NaN or infinite (it diverged) is an error.
func SaveState(a Agent) (State, error) {
	var st State
	t := base(a)
	if t == nil {
		return st, fmt.Errorf("agent: cannot save a %T", a)
	}
	if err := finite("q", t.q); err != nil {
		return st, err
	}
	st = State{Agent: t.name, S: t.S, A: t.A, Q: clone(t.q), K: clone(t.k), Epsilon: t.eps,
		Episodes: t.episodes, State: t.s, Action: t.a}
	switch x := a.(type) {
	case *td:
		st.Next = x.next
	case *nstep:
		st.Time, st.States, st.Actions, st.Rewards = x.t, clone(x.st), clone(x.ac), clone(x.rw)
	case *lambda:
		st.Next, st.Traces, st.Active = x.next, clone(x.e), clone(x.active)
		if err := finite("traces", x.e); err != nil {
			return State{}, err
		}
	case *mcBasic:
		st.Policy, st.Pair, st.Done, st.Sum, st.Return, st.Discount, st.Time, st.Iteration =
			clone(x.pol), x.idx, x.done, x.sum, x.g, x.disc, x.t, x.iter
	case *mc:
		st.States, st.Actions, st.Rewards, st.First, st.Stamp = clone(x.st), clone(x.ac), clone(x.rw), clone(x.first), clone(x.stamp)
	case *dyna:
		st.Model = x.model.save()
	case *sweeping:
		st.Model = x.model.save()
		st.Queue = clone(x.pq.heap)
		st.Priorities = append(make([]float64, 0, len(x.pq.key)), x.pq.key...) // in heap order, as the queue keeps them
		st.NPred, st.Pred, st.Hit = clone(x.npred), clone(x.pred), clone(x.hit)
	}
	for _, xs := range [][]float64{st.Rewards, st.Priorities, st.K, {st.Sum, st.Return, st.Discount, st.Epsilon}} {
		if err := finite("state", xs); err != nil {
			return State{}, err
		}
	}
	if st.Model != nil {
		if err := finite("model reward", st.Model.Reward); err != nil {
			return State{}, err
		}
	}
	return st, nil
}

// LoadState replaces the agent's state by st, which must come from an agent
// of the same name on a model of the same shape (checked, as is every
// index, so that a hand-edited file is an error, not a crash later). On
// error the agent is unchanged.
func LoadState(a Agent, st State) error {
	t := base(a)
	if t == nil {
		return fmt.Errorf("agent: cannot load into a %T", a)
	}
	if st.Agent != t.name {
		return fmt.Errorf("the state is of agent %q, not %q", st.Agent, t.name)
	}
	if st.S != t.S || st.A != t.A {
		return fmt.Errorf("the state is for %d states and %d actions, the world has %d and %d", st.S, st.A, t.S, t.A)
	}
	n := t.S * t.A
	if err := check(
		lenIs("q", len(st.Q), n), lenIs("k", len(st.K), n), finite("q", st.Q), finite("k", st.K),
		nonNegative("k", st.K),
		inUnit("epsilon", st.Epsilon), atLeast("episodes", st.Episodes, 0),
		between("state", st.State, 0, t.S), between("action", st.Action, 0, t.A),
	); err != nil {
		return err
	}
	var apply func()
	switch x := a.(type) {
	case *td:
		if err := between("next", st.Next, -1, t.A); err != nil {
			return err
		}
		apply = func() { x.next = st.Next }
	case *nstep:
		L := x.n + 1
		if err := check(atLeast("time", st.Time, 0), lenIs("episode_states", len(st.States), L),
			lenIs("episode_actions", len(st.Actions), L), lenIs("episode_rewards", len(st.Rewards), L),
			indices("episode_states", st.States, t.S), indices("episode_actions", st.Actions, t.A),
			finite("episode_rewards", st.Rewards)); err != nil {
			return err
		}
		apply = func() { x.t = st.Time; copy(x.st, st.States); copy(x.ac, st.Actions); copy(x.rw, st.Rewards) }
	case *lambda:
		if err := check(between("next", st.Next, 0, t.A), lenIs("traces", len(st.Traces), n),
			finite("traces", st.Traces), indices("active", st.Active, n), unique("active", st.Active, n)); err != nil {
			return err
		}
		for _, p := range st.Active {
			if !(st.Traces[p] > 0) {
				return fmt.Errorf("active pair %d has trace %v, want > 0", p, st.Traces[p])
			}
		}
		apply = func() {
			x.next = st.Next
			copy(x.e, st.Traces)
			x.active = append(x.active[:0], st.Active...)
			clear(x.in)
			for _, p := range st.Active {
				x.in[p] = true
			}
		}
	case *mcBasic:
		if err := check(lenIs("policy", len(st.Policy), t.S), indices("policy", st.Policy, t.A),
			between("pair", st.Pair, 0, len(x.pairs)), atLeast("done", st.Done, 0),
			atLeast("time", st.Time, 0), atLeast("iteration", st.Iteration, 0),
			finite("sums", []float64{st.Sum, st.Return, st.Discount})); err != nil {
			return err
		}
		apply = func() {
			copy(x.pol, st.Policy)
			x.idx, x.done, x.sum, x.g, x.disc, x.t, x.iter = st.Pair, st.Done, st.Sum, st.Return, st.Discount, st.Time, st.Iteration
		}
	case *mc:
		if err := check(lenIs("episode_actions", len(st.Actions), len(st.States)), lenIs("episode_rewards", len(st.Rewards), len(st.States)),
			indices("episode_states", st.States, t.S), indices("episode_actions", st.Actions, t.A), finite("episode_rewards", st.Rewards),
			lenIs("first", len(st.First), n), lenIs("stamp", len(st.Stamp), n)); err != nil {
			return err
		}
		for i, f := range st.First {
			if st.Stamp[i] == int32(st.Episodes) && (f < 0 || int(f) >= len(st.States)) {
				return fmt.Errorf("first[%d] = %d is outside the episode's %d steps", i, f, len(st.States))
			}
		}
		apply = func() {
			x.st = append(x.st[:0], st.States...)
			x.ac = append(x.ac[:0], st.Actions...)
			x.rw = append(x.rw[:0], st.Rewards...)
			copy(x.first, st.First)
			copy(x.stamp, st.Stamp)
		}
	case *dyna:
		if err := x.model.check(st.Model, t.S); err != nil {
			return err
		}
		apply = func() { x.model.load(st.Model) }
	case *sweeping:
		if err := x.model.check(st.Model, t.S); err != nil {
			return err
		}
		if err := x.checkQueue(st); err != nil {
			return err
		}
		apply = func() {
			x.model.load(st.Model)
			x.pq.Clear()
			x.pq.heap = append(x.pq.heap[:0], st.Queue...)
			x.pq.key = append(x.pq.key[:0], st.Priorities...)
			for i, it := range st.Queue {
				x.pq.pos[it] = int32(i)
			}
			copy(x.npred, st.NPred)
			copy(x.pred, st.Pred)
			copy(x.hit, st.Hit)
		}
	default:
		return fmt.Errorf("agent: cannot load into a %T", a)
	}
	copy(t.q, st.Q)
	copy(t.k, st.K)
	t.eps, t.episodes, t.s, t.a = st.Epsilon, st.Episodes, st.State, st.Action
	apply()
	return nil
}

// base returns the table every agent embeds.
func base(a Agent) *table {
	switch x := a.(type) {
	case *td:
		return &x.table
	case *nstep:
		return &x.table
	case *lambda:
		return &x.table
	case *mcBasic:
		return &x.table
	case *mc:
		return &x.table
	case *dyna:
		return &x.table
	case *sweeping:
		return &x.table
	}
	return nil
}

func (m *model) save() *ModelState {
	return &ModelState{Next: clone(m.next), Reward: clone(m.reward), Term: clone(m.term), Seen: clone(m.seen)}
}

// check reports a model state that does not fit this model's shape.
func (m *model) check(st *ModelState, S int) error {
	if st == nil {
		return fmt.Errorf("the state has no model")
	}
	n := len(m.next)
	return check(lenIs("model next", len(st.Next), n), lenIs("model reward", len(st.Reward), n),
		lenIs("model term", len(st.Term), n), indices("model next", st.Next, S), finite("model reward", st.Reward),
		indices("model seen", st.Seen, n), unique("model seen", st.Seen, n))
}

func (m *model) load(st *ModelState) {
	copy(m.next, st.Next)
	copy(m.reward, st.Reward)
	copy(m.term, st.Term)
	m.seen = append(m.seen[:0], st.Seen...)
	clear(m.known)
	for _, p := range st.Seen {
		m.known[p] = true
	}
}

// checkQueue reports a queue or predecessor lists that do not fit.
func (w *sweeping) checkQueue(st State) error {
	n := w.S * w.A
	if err := check(indices("queue", st.Queue, n), unique("queue", st.Queue, n),
		lenIs("priorities", len(st.Priorities), len(st.Queue)), finite("priorities", st.Priorities),
		lenIs("npred", len(st.NPred), w.S), lenIs("pred", len(st.Pred), len(w.pred)),
		indices("pred", st.Pred, n), lenIs("hit", len(st.Hit), len(w.hit))); err != nil {
		return err
	}
	for s, k := range st.NPred {
		if k < 0 || k > w.off[s+1]-w.off[s] {
			return fmt.Errorf("npred[%d] = %d is outside [0, %d]", s, k, w.off[s+1]-w.off[s])
		}
	}
	// The queue must be a max-heap, or pops come out in another order.
	for i := 1; i < len(st.Priorities); i++ {
		if st.Priorities[(i-1)/2] < st.Priorities[i] {
			return fmt.Errorf("queue is not in heap order at %d", i)
		}
	}
	return nil
}

// RunnerState is where a Runner and its environment are: the counters, the
// episode in progress and the environment's state and elapsed steps.
type RunnerState struct {
	Episode  int     `json:"episode"`
	Steps    int     `json:"steps"`
	T        int     `json:"t"`
	Return   float64 `json:"return"`
	Start    int     `json:"start"`
	State    int     `json:"state"`
	Ended    bool    `json:"ended"`
	EnvState int     `json:"env_state"`
	EnvTime  int     `json:"env_time"`
}

// SaveState returns the runner's counters and its environment's position
// (not the agent's state: see SaveState, nor the random streams).
func (r *Runner) SaveState() RunnerState {
	return RunnerState{Episode: r.Episode, Steps: r.Steps, T: r.T, Return: r.Return, Start: r.Start, State: r.State,
		Ended: r.ended, EnvState: r.Env.s, EnvTime: r.Env.t}
}

// LoadState restores what SaveState returned, checking it against the
// environment's model. On error the runner is unchanged.
func (r *Runner) LoadState(st RunnerState) error {
	S := r.Env.M.S
	if err := check(atLeast("episode", st.Episode, 0), atLeast("steps", st.Steps, 0), between("t", st.T, 0, st.Steps+1),
		between("start", st.Start, -1, S), between("runner state", st.State, -1, S), between("environment state", st.EnvState, 0, S),
		atLeast("environment time", st.EnvTime, 0), finite("return", []float64{st.Return})); err != nil {
		return err
	}
	if !st.Ended && (st.State < 0 || st.State != st.EnvState) {
		return fmt.Errorf("runner state %d and environment state %d differ mid-episode", st.State, st.EnvState)
	}
	r.Episode, r.Steps, r.T, r.Return, r.Start, r.State, r.ended = st.Episode, st.Steps, st.T, st.Return, st.Start, st.State, st.Ended
	r.Env.s, r.Env.t = st.EnvState, st.EnvTime
	return nil
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// check returns the first non-nil error.
func check(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func lenIs(what string, got, want int) error {
	if got != want {
		return fmt.Errorf("%s has %d values, the world and agent need %d", what, got, want)
	}
	return nil
}

func finite(what string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] is %v: the run diverged", what, i, x)
		}
	}
	return nil
}

func nonNegative(what string, xs []float64) error {
	for i, x := range xs {
		if x < 0 {
			return fmt.Errorf("%s[%d] = %v is negative", what, i, x)
		}
	}
	return nil
}

func inUnit(what string, x float64) error {
	if !(x >= 0 && x <= 1) {
		return fmt.Errorf("%s %v is outside [0, 1]", what, x)
	}
	return nil
}

func atLeast(what string, x, lo int) error {
	if x < lo {
		return fmt.Errorf("%s %d is below %d", what, x, lo)
	}
	return nil
}

// between reports x outside [lo, hi).
func between(what string, x, lo, hi int) error {
	if x < lo || x >= hi {
		return fmt.Errorf("%s %d is outside [%d, %d)", what, x, lo, hi)
	}
	return nil
}

func indices[T ~int | ~int32](what string, xs []T, n int) error {
	for i, x := range xs {
		if x < 0 || int(x) >= n {
			return fmt.Errorf("%s[%d] = %d is outside [0, %d)", what, i, x, n)
		}
	}
	return nil
}

// unique reports an entry of xs (each in [0, n)) given twice.
func unique(what string, xs []int32, n int) error {
	if indices(what, xs, n) != nil {
		return nil // reported by indices
	}
	seen := make([]bool, n)
	for _, x := range xs {
		if seen[x] {
			return fmt.Errorf("%s lists %d twice", what, x)
		}
		seen[x] = true
	}
	return nil
}

// SetPolicyValues restores what PolicyValues returned: v_π of the last
// policy Gap evaluated, from which the next evaluation starts (it changes
// the next gap in its last digits), so a saved run keeps it.
func (o *Optimum) SetPolicyValues(v []float64) error {
	if err := check(lenIs("policy values", len(v), len(o.vpi)), finite("policy values", v)); err != nil {
		return err
	}
	copy(o.vpi, v)
	return nil
}

// Position returns the environment's current state and the steps taken in
// its episode, for a save file.
func (e *Env) Position() (state, elapsed int) { return e.s, e.t }

// SetPosition restores what Position returned.
func (e *Env) SetPosition(state, elapsed int) error {
	if err := check(between("environment state", state, 0, e.M.S), atLeast("environment time", elapsed, 0)); err != nil {
		return err
	}
	e.s, e.t = state, elapsed
	return nil
}
