package session

import (
	"math"

	"bellman/sim/agent"
	"bellman/sim/dqn"
	"bellman/sim/grid"
	"bellman/sim/nn"
	"bellman/sim/param"
)

// DQNGridEvalEvery is how many steps pass between two measurements of a
// DQN grid session's estimates against the optimum.
const DQNGridEvalEvery = 100

// DQNGrid is a session in which a DQN agent learns a grid world, as in
// Zhao's Section 8.4.2: by default a uniform behaviour policy and one long
// episode, the network fed the normalised (row, column) of the cell
// (dqn.Grid). The world's model is known to the session, never to the
// agent: every DQNGridEvalEvery steps it measures q̂ against the optimum
// of the same γ — the share of states whose greedy action is optimal, the
// RMSE of v̂(s) = max_a q̂(s, a) against v*, and the gap
// max_s |v_π(s) − v*(s)| of the greedy policy π.
type DQNGrid struct {
	base   grid.World // as loaded
	World  grid.World // with the current rewards and slip
	Model  *grid.Model
	method dqn.Method
	// SaveReplay makes Save include the replay buffer (save_dqn.go).
	SaveReplay bool

	schema param.Schema
	vals   param.Values

	tr  *dqn.Trainer
	env *dqn.Grid
	opt *agent.Optimum

	obs    []float64 // observation of every state, S×2
	q      []float64 // S×A
	v      []float64 // S
	greedy []int     // S
	trail  []int     // cells of the current episode
	visits []int

	losses, meanQ, tdErrors, returns curve
	rmses, shares, gaps              curve
	share, rmse, gap                 float64
	evalAt                           int
	diverged                         string
	last                             dqn.StepResult

	Version, Run int
}

// NewDQNGrid starts method ("dqn", "double-dqn" or "dueling-dqn") on world
// with the default parameters (dqn.SchemaFor(method, dqn.GridEnv)) and
// the given seed.
func NewDQNGrid(world grid.World, method string, seed uint64) (*DQNGrid, error) {
	g := &DQNGrid{}
	if err := g.load(world, method, param.Values{KeySeed: float64(seed)}); err != nil {
		return nil, err
	}
	return g, nil
}

// dqnGridSchema is the agent's schema, the episode length (one long
// episode by default), the start, the seed and the world's rewards and
// slip with the world file's values as defaults.
func dqnGridSchema(w grid.World, m dqn.Method) param.Schema {
	sc := dqn.SchemaFor(m, dqn.GridEnv)
	sc = append(sc, param.Spec{Key: KeyEpisodeLength, Label: "episode length", Kind: param.Int, Min: 1, Max: 10_000_000, Step: 1,
		Default: 1_000_000, Help: "steps after which an episode is cut off (the book's deep Q-learning uses one long episode)"})
	if _, _, ok := w.StartCell(); ok {
		sc = append(sc, param.Spec{Key: KeyStart, Label: "episodes start", Kind: param.Choice, Choices: []string{"start-cell", "random"},
			Reset: true, Help: "from the start cell S, or from a uniformly random non-terminal cell"})
	}
	sc = append(sc, seedSpec())
	rw := w.Rewards
	reward := func(key, label string, def float64, help string) param.Spec {
		return param.Spec{Key: key, Label: label, Min: math.Min(-10, def), Max: math.Max(10, def), Step: 0.1, Default: def,
			Reset: true, Help: help}
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
	return append(sc, param.Spec{Key: "slip", Label: "slip p", Min: 0, Max: math.Max(0.5, w.Slip), Step: 0.01, Default: w.Slip,
		Reset: true, Help: "chance that a move goes sideways instead (half to each side)"})
}

// load sets world and method; carry holds values kept from before.
func (g *DQNGrid) load(world grid.World, method string, carry param.Values) error {
	if err := world.Validate(); err != nil {
		return err
	}
	m, err := dqn.ParseMethod(method)
	if err != nil {
		return err
	}
	schema := dqnGridSchema(world, m)
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	next := *g
	next.base, next.method, next.schema, next.vals = world, m, schema, vals
	if err := next.build(); err != nil {
		return err
	}
	*g = next
	g.Version++
	return nil
}

// agentValues returns the values of the agent's keys.
func (g *DQNGrid) agentValues() param.Values {
	v := param.Values{}
	for _, s := range dqn.Schema(g.method) {
		v[s.Key] = g.vals[s.Key]
	}
	return v
}

// build makes the world, the trainer and the optimum afresh from the
// parameters and forgets the run.
func (g *DQNGrid) build() error {
	w, v := g.base, g.vals
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
	cfg, err := dqn.ConfigFromValuesFor(g.method, dqn.GridEnv, g.agentValues())
	if err != nil {
		return err
	}
	start := -1
	if m.Start >= 0 && v.Get(KeyStart, 1) == 0 {
		start = m.Start
	}
	env, err := dqn.NewGrid(m, start, int(v[KeyEpisodeLength]))
	if err != nil {
		return err
	}
	tr, err := dqn.NewTrainer(env, cfg, uint64(v[KeySeed]))
	if err != nil {
		return err
	}
	opt, err := agent.NewOptimum(m.Model, cfg.Gamma)
	if err != nil {
		return err
	}
	g.World, g.Model, g.tr, g.env, g.opt = w, m, tr, env, opt
	g.obs = make([]float64, m.S*2)
	for s := 0; s < m.S; s++ {
		env.Obs(s, g.obs[2*s:2*s+2])
	}
	g.q = make([]float64, m.S*m.A)
	g.v = make([]float64, m.S)
	g.greedy = make([]int, m.S)
	g.visits = make([]int, m.S)
	g.trail = append(g.trail[:0], m.Cell[env.State()])
	g.visits[env.State()]++
	g.losses, g.meanQ, g.tdErrors, g.returns = newCurve(), newCurve(), newCurve(), newCurve()
	g.rmses, g.shares, g.gaps = newCurve(), newCurve(), newCurve()
	g.diverged, g.last = "", dqn.StepResult{}
	g.Run++
	g.Evaluate()
	return nil
}

// Schema returns the parameters.
func (g *DQNGrid) Schema() param.Schema { return g.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (g *DQNGrid) Value(key string) float64 { return g.vals[key] }

// Values returns the current parameter values (a copy).
func (g *DQNGrid) Values() param.Values { return g.vals.Clone() }

// Agent returns the method's name.
func (g *DQNGrid) Agent() string { return g.method.String() }

// Trainer returns the trainer the session steps (for tools and tests).
func (g *DQNGrid) Trainer() *dqn.Trainer { return g.tr }

// Optimum returns the solution the agent is measured against.
func (g *DQNGrid) Optimum() *agent.Optimum { return g.opt }

// Set changes one parameter, as DQNControl.Set does. The world's rewards
// and slip restart the run: the replay buffer holds the old rewards.
func (g *DQNGrid) Set(key string, value float64) (note string, err error) {
	s, v, note, err := g.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old := g.vals[key]
	if old == v {
		return note, nil
	}
	g.vals[key] = v
	if s.Reset {
		next := *g
		if err := next.build(); err != nil {
			g.vals[key] = old
			return note, err
		}
		*g = next
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	if key == KeyEpisodeLength {
		g.env.MaxSteps = int(v)
		return note, nil
	}
	cfg, err := dqn.ConfigFromValuesFor(g.method, dqn.GridEnv, g.agentValues())
	if err == nil && key == "gamma" {
		var opt *agent.Optimum
		if opt, err = agent.NewOptimum(g.Model.Model, cfg.Gamma); err == nil {
			g.opt = opt
		}
	}
	if err == nil {
		err = g.tr.Retune(cfg)
	}
	if err != nil {
		g.vals[key] = old
		return note, err
	}
	g.Evaluate()
	return note, nil
}

// SetWorld switches to another world with its own rewards and slip,
// keeping the agent's parameters and the seed, and restarts.
func (g *DQNGrid) SetWorld(w grid.World) error {
	carry := param.Values{KeySeed: g.vals[KeySeed], KeyEpisodeLength: g.vals[KeyEpisodeLength]}
	for _, s := range dqn.Schema(g.method) {
		carry[s.Key] = g.vals[s.Key]
	}
	return g.load(w, g.method.String(), carry)
}

// SetAgent switches the method and restarts, keeping the seed and the
// parameters changed from their defaults but "double" and "dueling".
func (g *DQNGrid) SetAgent(method string) error {
	carry := param.Values{KeySeed: g.vals[KeySeed]}
	for _, s := range g.schema {
		if v := g.vals[s.Key]; v != s.Default && s.Key != "double" && s.Key != "dueling" {
			carry[s.Key] = v
		}
	}
	return g.load(g.base, method, carry)
}

// Reset restarts the run with the current parameters.
func (g *DQNGrid) Reset() {
	next := *g
	if next.build() == nil {
		*g = next
	}
}

// Step takes one environment step with its updates and reports whether
// it ended an episode; it does nothing once a value has diverged, until
// Reset. It allocates nothing once the session's buffers have grown.
func (g *DQNGrid) Step() (ended bool) {
	if g.diverged != "" {
		return false
	}
	if g.tr.BeginEpisode() {
		g.trail = g.trail[:0]
		g.addTrail(g.Model.Cell[g.env.State()])
		g.visits[g.env.State()]++
	}
	res := g.tr.Step()
	g.last = res
	s := g.env.State()
	g.addTrail(g.Model.Cell[s])
	g.visits[s]++
	x := float64(g.tr.Steps())
	if res.Updates > 0 {
		if d := res.Diverged(); d != "" {
			g.diverged = divergedAt(d, g.tr.Steps())
			return false
		}
		g.losses.add(x, res.Loss)
		g.meanQ.add(x, res.MeanQ)
		g.tdErrors.add(x, res.TDError)
	}
	if res.EpisodeDone {
		g.returns.add(x, g.tr.Last().Return)
	}
	if g.tr.Steps()-g.evalAt >= DQNGridEvalEvery {
		g.Evaluate()
	}
	return res.EpisodeDone
}

func (g *DQNGrid) addTrail(cell int) {
	if len(g.trail) == maxTrail {
		g.trail = g.trail[:copy(g.trail, g.trail[maxTrail/2:])]
	}
	g.trail = append(g.trail, cell)
}

// Steps returns the steps taken since the last restart.
func (g *DQNGrid) Steps() int { return g.tr.Steps() }

// Last returns what the last step did (zero before the first).
func (g *DQNGrid) Last() dqn.StepResult { return g.last }

// Diverged names the value that went NaN or infinite, or is "".
func (g *DQNGrid) Diverged() string { return g.diverged }

// Evaluate computes q̂(s, ·) of every state from the current network and
// measures it against the optimum: the share of non-terminal states where
// the agent acts optimally (agent.Optimum.ShareQ), the RMSE of
// v̂ = max_a q̂ against v* over all states, and the gap of the greedy
// policy. They are recorded in the curves. It allocates nothing.
func (g *DQNGrid) Evaluate() (share, rmse, gap float64) {
	S := g.Model.S
	g.tr.Agent().Evaluate(g.q, g.v, g.greedy, g.obs, S)
	sum := 0.0
	for s, x := range g.v {
		d := x - g.opt.V[s]
		sum += d * d
	}
	g.share, g.rmse = g.opt.ShareQ(g.q), math.Sqrt(sum/float64(S))
	g.gap = g.opt.Gap(g.greedy)
	g.evalAt = g.tr.Steps()
	x := float64(g.evalAt)
	g.rmses.add(x, g.rmse)
	g.shares.add(x, g.share)
	g.gaps.add(x, g.gap)
	return g.share, g.rmse, g.gap
}

// DQNGridSnapshot is a copy of what a DQN grid session shows, for drawing.
type DQNGridSnapshot struct {
	World grid.World // the world's cells and rewards (Cells shared, read-only)
	State []int      // state of each cell, −1 for none (shared, read-only)
	S, A  int

	// Q holds q̂(s, a) in Q[s*A+a], V v̂(s) = max_a q̂(s, a), Greedy the
	// greedy action (ties to the first), all from the last evaluation;
	// GreedyOptimal says whether every action tied for the best is optimal.
	Q             []float64
	V             []float64
	Greedy        []int
	GreedyOptimal []bool
	VStar, QStar  []float64 // v* and q* of the same γ (shared, read-only)
	EvalStep      int       // Steps at the last evaluation

	Agent                        string
	Cell                         int   // the agent's cell (row-major)
	Trail                        []int // cells of the current episode (the last 4096 at most)
	Visits                       []int // visits of each state
	Steps                        int
	Updates                      int
	Episodes                     int
	Epsilon                      float64
	Gamma                        float64
	ReplayLen                    int
	ReplayCap                    int
	Learning                     bool
	Diverged                     string
	OptimalShare, ValueRMSE, Gap float64

	// Loss, MeanQ and TDError have a point per step with updates; Returns a
	// point per finished episode; ValueRMSE, Optimal and Gaps a point per
	// evaluation (Zhao's Figure 8.11 plots the loss and the value error).
	Loss, MeanQ, TDError, Returns Curve
	ValueError, Optimal, Gaps     Curve

	// Net is a copy of the online network for a network view, as in
	// DQNControlSnapshot; NetObs holds the observation of every state
	// (S×2), so Net.UnitActivations(buf, NetObs, S) gives each unit's value
	// per state, to be drawn in the state's cell.
	Net    *nn.MLP
	NetObs []float64

	Version, Run int
}

// Snapshot copies the session's state into dst, reusing its buffers; it
// allocates nothing once they have grown.
func (g *DQNGrid) Snapshot(dst *DQNGridSnapshot) {
	m, tr := g.Model, g.tr
	a := tr.Agent()
	dst.World, dst.State, dst.S, dst.A = g.World, m.State, m.S, m.A
	dst.Q = append(dst.Q[:0], g.q...)
	dst.V = append(dst.V[:0], g.v...)
	dst.Greedy = append(dst.Greedy[:0], g.greedy...)
	if cap(dst.GreedyOptimal) < m.S {
		dst.GreedyOptimal = make([]bool, m.S)
	}
	dst.GreedyOptimal = dst.GreedyOptimal[:m.S]
	for s := range dst.GreedyOptimal {
		dst.GreedyOptimal[s] = m.Terminal[s] || g.opt.OptimalQ(s, g.q[s*m.A:(s+1)*m.A])
	}
	dst.VStar, dst.QStar = g.opt.V, g.opt.Q
	dst.EvalStep = g.evalAt
	dst.Agent = g.method.String()
	dst.Cell = m.Cell[g.env.State()]
	dst.Trail = append(dst.Trail[:0], g.trail...)
	dst.Visits = append(dst.Visits[:0], g.visits...)
	dst.Steps, dst.Updates, dst.Episodes = tr.Steps(), a.Updates(), tr.Episodes()
	dst.Epsilon, dst.Gamma = tr.Epsilon(), a.Config().Gamma
	dst.ReplayLen, dst.ReplayCap = a.Replay().Len(), a.Replay().Cap()
	dst.Learning = tr.Learning()
	dst.Diverged = g.diverged
	dst.OptimalShare, dst.ValueRMSE, dst.Gap = g.share, g.rmse, g.gap
	g.losses.copyTo(&dst.Loss)
	g.meanQ.copyTo(&dst.MeanQ)
	g.tdErrors.copyTo(&dst.TDError)
	g.returns.copyTo(&dst.Returns)
	g.rmses.copyTo(&dst.ValueError)
	g.shares.copyTo(&dst.Optimal)
	g.gaps.copyTo(&dst.Gaps)
	dst.Net = a.Online().CopyInto(dst.Net)
	dst.NetObs = g.obs
	dst.Version, dst.Run = g.Version, g.Run
}
