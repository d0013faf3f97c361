package session

import (
	"fmt"
	"math"

	"bellman/sim/dp"
	"bellman/sim/grid"
	"bellman/sim/param"
)

// Algorithm describes one method a grid session can run.
type Algorithm struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Help  string `json:"help"`
}

// GridAlgorithms lists the methods of a grid session, in menu order.
var GridAlgorithms = []Algorithm{
	{"vi", "value iteration", "v ← max_a [r + γ P v], one synchronous sweep at a time"},
	{"pi", "policy iteration", "evaluate the policy until max |Δv| < tolerance, then improve it greedily"},
	{"tpi", "truncated policy iteration", "j evaluation sweeps, then a greedy improvement"},
	{"eval", "policy evaluation", "v ← r_π + γ P_π v for a fixed policy: the uniform random one, or (policy: greedy) the greedy policy of the method shown before"},
}

// KeyPolicy is policy evaluation's choice of the policy it evaluates:
// PolicyUniform or PolicyGreedy.
const KeyPolicy = "policy"

// The choices of KeyPolicy.
const (
	PolicyUniform = 0 // π(a|s) = 1/|A| everywhere
	PolicyGreedy  = 1 // the policy the previous method showed when policy evaluation was chosen
)

// maxHistory bounds the points of the per-sweep history kept for charts;
// when full, neighbouring points are averaged in pairs.
const maxHistory = 4096

// Grid is a session on a grid world.
type Grid struct {
	base      grid.World // as loaded, before parameter overrides
	World     grid.World // with the current parameters
	Model     *grid.Model
	Algorithm string
	schema    param.Schema
	vals      param.Values

	solver *dp.Solver
	greedy []float64 // π of the method shown before policy evaluation, nil if none
	hist   history   // x sweep; max |Δv|
	// Deltas holds max |Δv| per sweep since the last reset, thinned to at
	// most 4096 points that span them all: point i is the mean of
	// DeltaStride consecutive sweeps (1, 2, 4, … as the run grows),
	// centred on sweep DeltaX[i]. Read-only; they change with every Step.
	Deltas      []float64
	DeltaX      []float64
	DeltaStride int
	// DeltaBase is 0: the history is thinned, never cut at the front.
	//
	// Deprecated: use DeltaX.
	DeltaBase int
	// Version counts changes that alter the schema or the grid's shape.
	Version int
}

// NewGrid starts algorithm on world with default parameters.
func NewGrid(world grid.World, algorithm string) (*Grid, error) {
	g := &Grid{hist: newHistory(1, maxHistory)}
	if err := g.load(world, algorithm, nil); err != nil {
		return nil, err
	}
	return g, nil
}

// load sets world and algorithm; vals carries over values whose keys both
// schemas share (γ when switching algorithms, say).
func (g *Grid) load(world grid.World, algorithm string, carry param.Values) error {
	if _, ok := findAlgorithm(algorithm); !ok {
		return fmt.Errorf("unknown algorithm %q (valid: %s)", algorithm, algorithmKeys())
	}
	if err := world.Validate(); err != nil {
		return err
	}
	schema := gridSchema(world, algorithm)
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	g.base, g.Algorithm, g.schema, g.vals = world, algorithm, schema, vals
	g.Version++
	return g.rebuild(true)
}

func findAlgorithm(key string) (Algorithm, bool) {
	for _, a := range GridAlgorithms {
		if a.Key == key {
			return a, true
		}
	}
	return Algorithm{}, false
}

func algorithmKeys() string {
	s := ""
	for i, a := range GridAlgorithms {
		if i > 0 {
			s += ", "
		}
		s += a.Key
	}
	return s
}

// gridSchema declares the parameters of a world and an algorithm. Reward
// defaults are the world file's.
func gridSchema(w grid.World, algorithm string) param.Schema {
	rw := w.Rewards
	reward := func(key, label string, def float64, help string) param.Spec {
		return param.Spec{Key: key, Label: label, Min: math.Min(-10, def), Max: math.Max(10, def), Step: 0.1, Default: def, Help: help}
	}
	sc := param.Schema{
		{Key: "gamma", Label: "discount γ", Min: 0, Max: 0.99, Step: 0.01, Default: 0.9,
			Help: "how much future rewards count: 0 looks one step ahead, near 1 far ahead"},
		reward("r-boundary", "r_boundary", rw.Boundary, "reward for trying to leave the grid or walk into a wall"),
		reward("r-forbidden", "r_forbidden", rw.Forbidden, "reward for entering or staying in a forbidden cell"),
		reward("r-target", "r_target", rw.Target, "reward for entering or staying in the target"),
		reward("r-other", "r_other", rw.Other, "reward for any other step"),
	}
	for _, k := range w.Cells {
		if k == grid.Cliff {
			s := reward("r-cliff", "r_cliff", rw.Cliff, "reward for stepping onto the cliff (back to the start)")
			s.Min = math.Min(-200, rw.Cliff)
			sc = append(sc, s)
			break
		}
	}
	sc = append(sc, param.Spec{Key: "slip", Label: "slip p", Min: 0, Max: math.Max(0.5, w.Slip), Step: 0.01, Default: w.Slip,
		Help: "chance that a move goes sideways instead (half to each side)"})
	if algorithm == "eval" {
		sc = append(sc, param.Spec{Key: KeyPolicy, Label: "policy evaluated", Kind: param.Choice, Choices: []string{"uniform", "greedy"},
			Default: PolicyUniform, Reset: true,
			Help: "the uniform random policy (each action 1/|A|), or the greedy policy of the method shown before you switched to policy evaluation (its arrows at that moment)"})
	}
	if algorithm == "tpi" {
		sc = append(sc, param.Spec{Key: "j", Label: "evaluation sweeps j", Kind: param.Int, Min: 1, Max: 100, Step: 1, Default: 3,
			Help: "sweeps of policy evaluation before each improvement; 1 is value iteration, ∞ policy iteration"})
	}
	sc = append(sc, param.Spec{Key: "tol", Label: "tolerance", Min: 1e-12, Max: 0.1, Default: 1e-6, Log: true,
		Help: "converged when the largest change of a sweep, max |Δv|, is below this"})
	return sc
}

// rebuild applies the parameters to the world and the solver. A fresh
// solver starts from v = 0; otherwise the values carry over, so a slider
// change continues from what is shown.
func (g *Grid) rebuild(fresh bool) error {
	w := g.base
	v := g.vals
	w.Rewards.Boundary = v.Get("r-boundary", w.Rewards.Boundary)
	w.Rewards.Forbidden = v.Get("r-forbidden", w.Rewards.Forbidden)
	w.Rewards.Target = v.Get("r-target", w.Rewards.Target)
	w.Rewards.Other = v.Get("r-other", w.Rewards.Other)
	w.Rewards.Cliff = v.Get("r-cliff", w.Rewards.Cliff)
	w.Slip = v.Get("slip", w.Slip)
	m, err := w.Build()
	if err != nil {
		return err
	}
	method, _ := dp.ParseMethod(g.Algorithm)
	cfg := dp.Config{Method: method, Gamma: v["gamma"], Tol: v["tol"], J: int(v.Get("j", 3))}
	var policy []float64
	switch {
	case g.solver != nil && !fresh:
		policy = g.solver.Policy
	case method == dp.Evaluate && v[KeyPolicy] == PolicyGreedy && len(g.greedy) == m.S*m.A:
		policy = g.greedy
	case method == dp.Evaluate:
		policy = make([]float64, m.S*m.A)
		for i := range policy {
			policy[i] = 1 / float64(m.A)
		}
	}
	s, err := dp.New(m.Model, cfg, policy)
	if err != nil {
		return err
	}
	if g.solver != nil && !fresh {
		s.SetValues(g.solver.V)
		s.Sweeps, s.Iters = g.solver.Sweeps, g.solver.Iters
	} else {
		g.clearHistory()
	}
	g.World, g.Model, g.solver = w, m, s
	return nil
}

// Schema returns the parameters of the current world and algorithm.
func (g *Grid) Schema() param.Schema { return g.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (g *Grid) Value(key string) float64 { return g.vals[key] }

// Values returns the current parameter values (a copy).
func (g *Grid) Values() param.Values { return g.vals.Clone() }

// Set changes one parameter. Values out of range are clamped; the returned
// note says so (or is empty). An unknown key is an error.
func (g *Grid) Set(key string, value float64) (note string, err error) {
	s, v, note, err := g.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	if g.vals[key] == v {
		return note, nil
	}
	if key == KeyPolicy && v == PolicyGreedy && g.greedy == nil {
		return note, fmt.Errorf("policy evaluation was not reached from another method: there is no greedy policy to evaluate (run value or policy iteration, then switch)")
	}
	g.vals[key] = v
	if s.Reset {
		if err := g.rebuild(true); err != nil {
			return note, err
		}
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	return note, g.rebuild(false)
}

// SetWorld switches to another world, keeping γ and the tolerance. The
// previous method's greedy policy belongs to the old world: policy
// evaluation then evaluates the uniform random policy.
func (g *Grid) SetWorld(w grid.World) error {
	carry := param.Values{"gamma": g.vals["gamma"], "tol": g.vals["tol"], "j": g.vals.Get("j", 3)}
	prev := g.greedy
	g.greedy = nil
	if err := g.load(w, g.Algorithm, carry); err != nil {
		g.greedy = prev
		return err
	}
	return nil
}

// SetAlgorithm switches the method, keeping the world's parameters, γ and
// the tolerance. Policy evaluation evaluates the uniform random policy
// unless KeyPolicy chooses the greedy policy the method before it showed at
// the switch, which is kept for that choice.
func (g *Grid) SetAlgorithm(algorithm string) error {
	prev := g.greedy
	if s := g.solver; s != nil && s.Method != dp.Evaluate {
		g.greedy = append(g.greedy[:0:0], s.Policy...)
	}
	if err := g.load(g.base, algorithm, g.vals); err != nil {
		g.greedy = prev
		return err
	}
	return nil
}

// Reset starts the algorithm again from v = 0. Policy evaluation keeps the
// policy it evaluates; policy iteration starts again from its first
// policy, not from the one it improved to, so its few iterations can be
// watched again.
func (g *Grid) Reset() {
	if g.Algorithm == "pi" || g.Algorithm == "tpi" {
		g.rebuild(true) // the parameters were valid when set, so this cannot fail
	} else {
		g.solver.Reset()
	}
	g.clearHistory()
}

func (g *Grid) clearHistory() {
	g.hist.reset()
	g.showHistory()
}

// showHistory points the exported history fields at the history.
func (g *Grid) showHistory() {
	g.Deltas, g.DeltaX, g.DeltaStride, g.DeltaBase = g.hist.y[0], g.hist.x, g.hist.stride, 0
}

// Step runs one sweep.
func (g *Grid) Step() {
	s := g.solver
	s.Step()
	g.hist.add(float64(s.Sweeps), s.Delta)
	g.showHistory()
}

// Sweeps, Iterations, Delta and Converged report progress.
func (g *Grid) Sweeps() int     { return g.solver.Sweeps }
func (g *Grid) Iterations() int { return g.solver.Iters }
func (g *Grid) Delta() float64  { return g.solver.Delta }
func (g *Grid) Converged() bool { return g.solver.Done }

// GridSnapshot is a copy of what a grid session shows, for drawing.
type GridSnapshot struct {
	World      grid.World // the world's cells and rewards (Cells shared, read-only)
	State      []int      // state of each cell, -1 for none (shared, read-only)
	S, A       int
	V          []float64 // v(s)
	Q          []float64 // q(s,a)
	Pi         []float64 // π(a|s)
	Algorithm  string
	Sweeps     int
	Iterations int
	Delta      float64
	Converged  bool
	Gamma      float64
	Version    int
}

// Snapshot copies the session's state into dst, reusing its buffers.
func (g *Grid) Snapshot(dst *GridSnapshot) {
	m := g.Model
	dst.World, dst.State, dst.S, dst.A = g.World, m.State, m.S, m.A
	n := m.S * m.A
	dst.V = grow(dst.V, m.S)
	dst.Q = grow(dst.Q, n)
	dst.Pi = grow(dst.Pi, n)
	g.solver.StateValues(dst.V)
	g.solver.ActionValues(dst.Q)
	g.solver.ActionProbs(dst.Pi)
	dst.Algorithm, dst.Sweeps, dst.Iterations = g.Algorithm, g.solver.Sweeps, g.solver.Iters
	dst.Delta, dst.Converged, dst.Gamma, dst.Version = g.solver.Delta, g.solver.Done, g.vals["gamma"], g.Version
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// Outcome is one possible result of taking an action.
type Outcome struct {
	Row, Col int
	Prob     float64
	Reward   float64
}

// AppendOutcomes appends to dst where action a from state s can lead (at
// most three outcomes), for the inspector.
func (g *Grid) AppendOutcomes(dst []Outcome, s, a int) []Outcome {
	m := g.Model
	out := dst
	for k := 0; k < m.K; k++ {
		i := (s*m.A+a)*m.K + k
		if m.Prob[i] == 0 {
			continue
		}
		r, c := m.RowCol(int(m.Next[i]))
		out = append(out, Outcome{r, c, m.Prob[i], m.Reward[i]})
	}
	return out
}
