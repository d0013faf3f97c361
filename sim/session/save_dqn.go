package session

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"bellman/sim/dqn"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/save"
)

// Kinds of the DQN sessions' save files.
const (
	KindDQNControl = "dqn-control"
	KindDQNGrid    = "dqn-grid"
)

// dqnControlState is a DQN control session's part of a save file.
type dqnControlState struct {
	Trainer      dqn.State      `json:"trainer"`
	Last         dqn.StepResult `json:"last"`
	Trajectory   []Point        `json:"trajectory"`
	Previous     []Point        `json:"previous_trajectory"`
	Curves       []curveState   `json:"curves"` // returns, loss, mean Q, TD error, ε, replay fill
	HeatmapEvery int            `json:"heatmap_every"`
	Q            []float64      `json:"q"`
	Value        []float64      `json:"value"`
	Greedy       []int          `json:"greedy"`
	ValueMin     float64        `json:"value_min"`
	ValueMax     float64        `json:"value_max"`
	HeatmapStep  int            `json:"heatmap_step"`
}

func (c *DQNControl) curves() []*curve {
	return []*curve{&c.returns, &c.losses, &c.meanQ, &c.tdErrors, &c.epsilons, &c.fill}
}

func saveCurves(cs []*curve) []curveState {
	out := make([]curveState, len(cs))
	for i, c := range cs {
		out[i] = c.save()
	}
	return out
}

// loadCurves checks saved curves against cs and loads them.
func loadCurves(cs []*curve, s []curveState) error {
	if len(s) != len(cs) {
		return fmt.Errorf("%d curves, want %d", len(s), len(cs))
	}
	for i := range s {
		if err := s[i].check(fmt.Sprint(i)); err != nil {
			return err
		}
	}
	for i, c := range cs {
		c.load(s[i])
	}
	return nil
}

// Save writes the run to w as a save file: the task, the method, every
// parameter and the seed, the networks and the optimizer's state, the
// episode in progress, the random streams, the curves and the heatmaps;
// the replay buffer only if SaveReplay is set (see Control.Save).
func (c *DQNControl) Save(w io.Writer) error {
	tr, err := c.tr.SaveState(c.SaveReplay)
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := dqnControlState{Trainer: tr, Last: c.last, Trajectory: slices.Clone(c.traj), Previous: slices.Clone(c.prevTraj),
		Curves: saveCurves(c.curves()), HeatmapEvery: c.HeatmapEvery, Q: slices.Clone(c.q), Value: slices.Clone(c.value),
		Greedy: slices.Clone(c.greedy), ValueMin: c.vmin, ValueMax: c.vmax, HeatmapStep: c.heatAt}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindDQNControl, State: state, Setup: save.Setup{
		Env: c.env, Method: c.method.String(), Params: c.vals.Clone(), Seed: uint64(c.vals[KeySeed])}})
}

// OpenDQNControl reads a DQN control session's save file and returns the
// session it holds.
func OpenDQNControl(r io.Reader) (*DQNControl, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openDQNControl(f)
}

// Load replaces the run by the one in a save file for the same task (see
// Control.Load); on error the session is unchanged.
func (c *DQNControl) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	if f.Kind == KindDQNControl && f.Setup.Env != c.env {
		return fmt.Errorf("save file: it is for %s, this session runs %s", f.Setup.Env, c.env)
	}
	n, err := openDQNControl(f)
	if err != nil {
		return err
	}
	n.version = c.version + 1
	n.HeatmapEvery, n.SaveReplay = c.HeatmapEvery, c.SaveReplay
	*c = *n
	return nil
}

func openDQNControl(f save.File) (*DQNControl, error) {
	if err := f.Check(KindDQNControl); err != nil {
		return nil, err
	}
	if !slices.Contains(DQNEnvs(), f.Setup.Env) {
		return nil, fmt.Errorf("save file: unknown task %q (valid: %v)", f.Setup.Env, DQNEnvs())
	}
	m, err := dqn.ParseMethod(f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	vals, err := setupValues(append(param.Schema{seedSpec()}, dqn.SchemaFor(m, f.Setup.Env)...), f.Setup.Params, m.String())
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := seedMatches(vals, f); err != nil {
		return nil, err
	}
	var st dqnControlState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	c := &DQNControl{}
	if err := c.load(f.Setup.Env, m.String(), vals); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := c.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return c, nil
}

func (c *DQNControl) restore(st dqnControlState) error {
	switch {
	case len(st.Trajectory) > cap(c.traj) || len(st.Previous) > cap(c.prevTraj):
		return fmt.Errorf("trajectories of %d and %d points, an episode has at most %d", len(st.Trajectory), len(st.Previous), cap(c.traj))
	case len(st.Q) != len(c.q) || len(st.Value) != len(c.value) || len(st.Greedy) != len(c.greedy):
		return fmt.Errorf("heatmaps of %d, %d and %d values, want %d, %d and %d", len(st.Q), len(st.Value), len(st.Greedy), len(c.q), len(c.value), len(c.greedy))
	case st.HeatmapEvery < 0 || st.HeatmapStep < 0:
		return fmt.Errorf("heatmap_every %d and heatmap_step %d must not be negative", st.HeatmapEvery, st.HeatmapStep)
	}
	if err := save.Indices("greedy", st.Greedy, c.ce.NumActions()); err != nil {
		return err
	}
	if err := save.Finite("heatmaps", append(append([]float64{}, st.Q...), st.Value...)); err != nil {
		return err
	}
	if err := checkPoints(append(slices.Clone(st.Trajectory), st.Previous...)); err != nil {
		return err
	}
	if err := loadCurves(c.curves(), st.Curves); err != nil {
		return err
	}
	if err := c.tr.LoadState(st.Trainer); err != nil {
		return err
	}
	c.last = st.Last
	c.state = c.ce.State(c.state)
	c.traj = append(c.traj[:0], st.Trajectory...)
	c.prevTraj = append(c.prevTraj[:0], st.Previous...)
	c.HeatmapEvery = st.HeatmapEvery
	copy(c.q, st.Q)
	copy(c.value, st.Value)
	copy(c.greedy, st.Greedy)
	c.vmin, c.vmax, c.heatAt = st.ValueMin, st.ValueMax, st.HeatmapStep
	c.SaveReplay = st.Trainer.Replay != nil
	return nil
}

// checkPoints reports a non-finite trajectory point.
func checkPoints(pts []Point) error {
	xs := make([]float64, 0, 2*len(pts))
	for _, p := range pts {
		xs = append(xs, p.U, p.V)
	}
	return save.Finite("trajectory", xs)
}

// seedMatches reports a setup whose seed differs from its seed parameter.
func seedMatches(vals param.Values, f save.File) error {
	if uint64(vals[KeySeed]) != f.Setup.Seed {
		return fmt.Errorf("save file: the setup's seed %d differs from its parameter seed %v", f.Setup.Seed, vals[KeySeed])
	}
	return nil
}

// dqnGridState is a DQN grid session's part of a save file.
type dqnGridState struct {
	Trainer   dqn.State      `json:"trainer"`
	Last      dqn.StepResult `json:"last"`
	Trail     []int          `json:"trail"`
	Visits    []int          `json:"visits"`
	Curves    []curveState   `json:"curves"` // loss, mean Q, TD error, returns, RMSE, share, gap
	Q         []float64      `json:"q"`
	V         []float64      `json:"v"`
	Greedy    []int          `json:"greedy"`
	Share     float64        `json:"share"`
	RMSE      float64        `json:"rmse"`
	Gap       float64        `json:"gap"`
	EvalAt    int            `json:"eval_at"`
	GapValues []float64      `json:"gap_values"`
}

func (g *DQNGrid) curves() []*curve {
	return []*curve{&g.losses, &g.meanQ, &g.tdErrors, &g.returns, &g.rmses, &g.shares, &g.gaps}
}

// Save writes the run to w as a save file: the world file, the method,
// every parameter and the seed, the networks and the optimizer's state,
// the episode in progress, the random streams and the curves; the replay
// buffer only if SaveReplay is set (see Control.Save).
func (g *DQNGrid) Save(w io.Writer) error {
	world, err := json.Marshal(g.base)
	if err != nil {
		return err
	}
	tr, err := g.tr.SaveState(g.SaveReplay)
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := dqnGridState{Trainer: tr, Last: g.last, Trail: slices.Clone(g.trail), Visits: slices.Clone(g.visits),
		Curves: saveCurves(g.curves()), Q: slices.Clone(g.q), V: slices.Clone(g.v), Greedy: slices.Clone(g.greedy),
		Share: g.share, RMSE: g.rmse, Gap: g.gap, EvalAt: g.evalAt, GapValues: slices.Clone(g.opt.PolicyValues())}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindDQNGrid, State: state, Setup: save.Setup{
		World: world, Method: g.method.String(), Params: g.vals.Clone(), Seed: uint64(g.vals[KeySeed])}})
}

// OpenDQNGrid reads a DQN grid session's save file and returns the session
// it holds.
func OpenDQNGrid(r io.Reader) (*DQNGrid, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openDQNGrid(f)
}

// Load replaces the run by the one in a save file for the same world (see
// Learn.Load); on error the session is unchanged.
func (g *DQNGrid) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	n, err := openDQNGrid(f)
	if err != nil {
		return err
	}
	if err := sameWorld(n.base, g.base); err != nil {
		return err
	}
	n.Version, n.Run, n.SaveReplay = g.Version+1, g.Run+1, g.SaveReplay
	*g = *n
	return nil
}

func openDQNGrid(f save.File) (*DQNGrid, error) {
	if err := f.Check(KindDQNGrid); err != nil {
		return nil, err
	}
	if len(f.Setup.World) == 0 {
		return nil, fmt.Errorf("save file: the setup has no world")
	}
	world, err := grid.Parse(f.Setup.World)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	m, err := dqn.ParseMethod(f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	vals, err := setupValues(dqnGridSchema(world, m), f.Setup.Params, m.String())
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := seedMatches(vals, f); err != nil {
		return nil, err
	}
	var st dqnGridState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	g := &DQNGrid{}
	if err := g.load(world, m.String(), vals); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := g.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return g, nil
}

func (g *DQNGrid) restore(st dqnGridState) error {
	m := g.Model
	cells := g.World.Rows * g.World.Cols
	switch {
	case len(st.Trail) > maxTrail:
		return fmt.Errorf("the trail has %d cells, at most %d are kept", len(st.Trail), maxTrail)
	case len(st.Visits) != m.S || len(st.Q) != m.S*m.A || len(st.V) != m.S || len(st.Greedy) != m.S:
		return fmt.Errorf("visits, q, v and greedy have %d, %d, %d and %d values, the world needs %d, %d, %d and %d",
			len(st.Visits), len(st.Q), len(st.V), len(st.Greedy), m.S, m.S*m.A, m.S, m.S)
	case st.EvalAt < 0 || st.EvalAt > st.Trainer.Steps:
		return fmt.Errorf("eval_at %d is outside the run's %d steps", st.EvalAt, st.Trainer.Steps)
	}
	for _, e := range []error{save.Indices("trail", st.Trail, cells), save.Indices("greedy", st.Greedy, m.A),
		save.Finite("values", append(append([]float64{st.Share, st.RMSE, st.Gap}, st.Q...), st.V...))} {
		if e != nil {
			return e
		}
	}
	for i, v := range st.Visits {
		if v < 0 {
			return fmt.Errorf("visits[%d] = %d is negative", i, v)
		}
	}
	if err := loadCurves(g.curves(), st.Curves); err != nil {
		return err
	}
	if err := g.opt.SetPolicyValues(st.GapValues); err != nil {
		return err
	}
	if err := g.tr.LoadState(st.Trainer); err != nil {
		return err
	}
	g.last = st.Last
	g.trail = append(g.trail[:0], st.Trail...)
	copy(g.visits, st.Visits)
	copy(g.q, st.Q)
	copy(g.v, st.V)
	copy(g.greedy, st.Greedy)
	g.share, g.rmse, g.gap, g.evalAt = st.Share, st.RMSE, st.Gap, st.EvalAt
	g.SaveReplay = st.Trainer.Replay != nil
	return nil
}
