package session

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"bellman/sim/ddpg"
	"bellman/sim/param"
	"bellman/sim/save"
)

// KindControl is the kind of a control session's save files.
const KindControl = "control"

// controlState is a control session's part of a save file: the trainer's
// state and what the charts and heatmaps show.
type controlState struct {
	Trainer      ddpg.State `json:"trainer"`
	Trajectory   []Point    `json:"trajectory"`
	Previous     []Point    `json:"previous_trajectory"`
	Returns      curveState `json:"returns"`
	Losses       curveState `json:"critic_loss"`
	MeanQ        curveState `json:"mean_q"`
	LastLoss     float64    `json:"last_loss"`
	LastQ        float64    `json:"last_q"`
	HeatmapEvery int        `json:"heatmap_every"`
	Value        []float64  `json:"value"`
	Policy       []float64  `json:"policy"`
	ValueMin     float64    `json:"value_min"`
	ValueMax     float64    `json:"value_max"`
	HeatmapStep  int        `json:"heatmap_step"`
	Recent       []float64  `json:"recent_returns"` // the last 10 episodes' returns, a ring
	NRecent      int        `json:"recent_count"`
}

// curveState is a curve's points and its pending partial point.
type curveState struct {
	X      []float64 `json:"x"`
	Y      []float64 `json:"y"`
	Stride int       `json:"stride"`
	AX     float64   `json:"ax"`
	AY     float64   `json:"ay"`
	AN     int       `json:"an"`
}

func (c *curve) save() curveState {
	return curveState{X: slices.Clone(c.x), Y: slices.Clone(c.y), Stride: c.stride, AX: c.ax, AY: c.ay, AN: c.an}
}

func (s curveState) check(what string) error {
	switch {
	case len(s.X) != len(s.Y):
		return fmt.Errorf("curve %s has %d x and %d y values", what, len(s.X), len(s.Y))
	case len(s.X) > curvePoints:
		return fmt.Errorf("curve %s has %d points, at most %d are kept", what, len(s.X), curvePoints)
	case s.Stride < 1 || s.AN < 0 || s.AN >= s.Stride:
		return fmt.Errorf("curve %s has stride %d and %d pending points", what, s.Stride, s.AN)
	}
	return save.Finite("curve "+what, append(append([]float64{s.AX, s.AY}, s.X...), s.Y...))
}

func (c *curve) load(s curveState) {
	c.x = append(c.x[:0], s.X...)
	c.y = append(c.y[:0], s.Y...)
	c.stride, c.ax, c.ay, c.an = s.Stride, s.AX, s.AY, s.AN
}

// Save writes the run to w as a save file (package save): the task, the
// agent, every parameter and the seed, the networks with their optimizers'
// state, the episode in progress, the random streams, the curves and the
// heatmaps; the replay buffer only if SaveReplay is set. With the buffer
// a loaded run continues exactly as this one; without it, it refills the
// buffer before updating again (see ddpg.State). A run whose numbers went
// NaN or infinite is an error.
func (c *Control) Save(w io.Writer) error {
	tr, err := c.tr.SaveState(c.SaveReplay)
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := controlState{Trainer: tr, Trajectory: slices.Clone(c.traj), Previous: slices.Clone(c.prevTraj),
		Returns: c.returns.save(), Losses: c.losses.save(), MeanQ: c.meanQ.save(), LastLoss: c.lastLoss, LastQ: c.lastQ,
		HeatmapEvery: c.HeatmapEvery, Value: slices.Clone(c.value), Policy: slices.Clone(c.policy),
		ValueMin: c.vmin, ValueMax: c.vmax, HeatmapStep: c.heatAt, Recent: slices.Clone(c.recent[:]), NRecent: c.nRecent}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindControl, State: state, Setup: save.Setup{
		Env: c.env, Method: c.agent.String(), Params: c.vals.Clone(), Seed: uint64(c.vals["seed"])}})
}

// SavedReplayBytes estimates the bytes the replay buffer adds to a save
// file now (about 20 per number).
func (c *Control) SavedReplayBytes() int {
	a := c.tr.Agent()
	return 20 * a.ReplayNumbers(a.Replay().Len())
}

// OpenControl reads a control session's save file and returns the session
// it holds, ready to continue: the setup comes from the file.
func OpenControl(r io.Reader) (*Control, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openControl(f)
}

// Load replaces the run by the one in a save file written by Save for the
// same task: the agent, the parameters and the seed come from the file. A
// file for another task, of another version or kind, or whose networks or
// buffers do not fit its setup is refused, naming the mismatch; then the
// session is unchanged. The load counts as a new version of the run.
// HeatmapEvery and SaveReplay, options of the session rather than of the
// run, stay as they were.
func (c *Control) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	if f.Kind == KindControl && f.Setup.Env != c.env {
		return fmt.Errorf("save file: it is for %s, this session runs %s", f.Setup.Env, c.env)
	}
	n, err := openControl(f)
	if err != nil {
		return err
	}
	n.version = c.version + 1
	n.HeatmapEvery, n.SaveReplay = c.HeatmapEvery, c.SaveReplay
	*c = *n
	return nil
}

func openControl(f save.File) (*Control, error) {
	if err := f.Check(KindControl); err != nil {
		return nil, err
	}
	algo, err := ddpg.ParseAlgo(f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if !slices.Contains(ControlEnvs(), f.Setup.Env) {
		return nil, fmt.Errorf("save file: unknown task %q (valid: %v)", f.Setup.Env, ControlEnvs())
	}
	vals, err := setupValues(controlSchema(f.Setup.Env, algo), f.Setup.Params, algo.String())
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if uint64(vals["seed"]) != f.Setup.Seed {
		return nil, fmt.Errorf("save file: the setup's seed %d differs from its parameter seed %v", f.Setup.Seed, vals["seed"])
	}
	var st controlState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	c := &Control{}
	if err := c.load(f.Setup.Env, algo.String(), vals); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := c.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return c, nil
}

// restore puts a saved state into a session freshly built from the same
// setup; on error the caller drops the session.
func (c *Control) restore(st controlState) error {
	for _, cv := range []struct {
		name string
		s    curveState
	}{{"returns", st.Returns}, {"critic_loss", st.Losses}, {"mean_q", st.MeanQ}} {
		if err := cv.s.check(cv.name); err != nil {
			return err
		}
	}
	switch {
	case len(st.Trajectory) > cap(c.traj) || len(st.Previous) > cap(c.prevTraj):
		return fmt.Errorf("trajectories of %d and %d points, an episode has at most %d", len(st.Trajectory), len(st.Previous), cap(c.traj))
	case len(st.Value) != len(c.value) || len(st.Policy) != len(c.policy):
		return fmt.Errorf("heatmaps of %d and %d values, want %d and %d", len(st.Value), len(st.Policy), len(c.value), len(c.policy))
	case st.HeatmapEvery < 0 || st.HeatmapStep < 0:
		return fmt.Errorf("heatmap_every %d and heatmap_step %d must not be negative", st.HeatmapEvery, st.HeatmapStep)
	case len(st.Recent) != len(c.recent) || st.NRecent < 0:
		return fmt.Errorf("recent_returns has %d values and recent_count is %d, want %d values and a count ≥ 0", len(st.Recent), st.NRecent, len(c.recent))
	}
	if err := save.Finite("recent_returns", st.Recent); err != nil {
		return err
	}
	pts := make([]float64, 0, 2*(len(st.Trajectory)+len(st.Previous)))
	for _, p := range append(slices.Clone(st.Trajectory), st.Previous...) {
		pts = append(pts, p.U, p.V)
	}
	if err := save.Finite("trajectory", pts); err != nil {
		return err
	}
	if err := save.Finite("heatmaps", append(append([]float64{st.LastLoss, st.LastQ}, st.Value...), st.Policy...)); err != nil {
		return err
	}
	if err := c.tr.LoadState(st.Trainer); err != nil {
		return err
	}
	c.state = c.tr.Env().State(c.state)
	c.traj = append(c.traj[:0], st.Trajectory...)
	c.prevTraj = append(c.prevTraj[:0], st.Previous...)
	c.returns.load(st.Returns)
	c.losses.load(st.Losses)
	c.meanQ.load(st.MeanQ)
	c.lastLoss, c.lastQ, c.HeatmapEvery = st.LastLoss, st.LastQ, st.HeatmapEvery
	c.SaveReplay = st.Trainer.Replay != nil // saving again keeps what the file kept
	copy(c.value, st.Value)
	copy(c.policy, st.Policy)
	c.vmin, c.vmax, c.heatAt = st.ValueMin, st.ValueMax, st.HeatmapStep
	copy(c.recent[:], st.Recent)
	c.nRecent = st.NRecent
	return nil
}

// NewControlWith starts agent on env with the given parameter values (a
// key the schema lacks, or a value out of range, is an error; missing keys
// take their defaults), as a save file's setup would: the CLI builds the
// session it saves with it.
func NewControlWith(env, agent string, vals param.Values) (*Control, error) {
	algo, err := ddpg.ParseAlgo(agent)
	if err != nil {
		return nil, err
	}
	v, err := setupValues(controlSchema(env, algo), vals, algo.String())
	if err != nil {
		return nil, err
	}
	c := &Control{}
	if err := c.load(env, agent, v); err != nil {
		return nil, err
	}
	return c, nil
}

// Trainer returns the trainer the session steps. Stepping it directly
// bypasses the session's curves and trajectories.
func (c *Control) Trainer() *ddpg.Trainer { return c.tr }
