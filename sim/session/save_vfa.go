package session

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"bellman/sim/features"
	"bellman/sim/grid"
	"bellman/sim/save"
	"bellman/sim/vfa"
)

// Kinds of the linear-method sessions' save files.
const (
	KindVFA        = "vfa"
	KindVFAControl = "vfa-control"
)

// vfaState is a grid VFA session's part of a save file.
type vfaState struct {
	Runner   vfa.State    `json:"runner"`
	EnvRNG   []byte       `json:"env_rng"`
	AgentRNG []byte       `json:"agent_rng"`
	Trail    []int        `json:"trail"`
	Curves   []curveState `json:"curves"` // returns, lengths, RMSE, optimal share
}

func (s *VFA) curves() []*curve { return []*curve{&s.returns, &s.lengths, &s.rmses, &s.optimal} }

// customSpec returns a custom feature spec as JSON, or nil for none.
func customSpec(sp features.Spec) json.RawMessage {
	if len(sp.Columns) == 0 {
		return nil
	}
	return json.RawMessage(sp.String())
}

// parseCustom reads a setup's custom feature spec.
func parseCustom(raw json.RawMessage) (features.Spec, error) {
	if len(raw) == 0 {
		return features.Spec{}, nil
	}
	sp, err := features.Parse(raw)
	if err != nil {
		return features.Spec{}, fmt.Errorf("save file: features: %v", err)
	}
	return sp, nil
}

// Save writes the run to w as a save file: the world file, the method, every
// parameter and the seed (and a custom feature spec), the weights, the
// episode in progress, the random streams and the curves. Loading it
// continues the run exactly; a diverged run is an error.
func (s *VFA) Save(w io.Writer) error {
	world, err := json.Marshal(s.base)
	if err != nil {
		return err
	}
	r, err := s.runner.SaveState()
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := vfaState{Runner: r, EnvRNG: save.RNG(s.envSrc), AgentRNG: save.RNG(s.agSrc), Trail: slices.Clone(s.trail), Curves: saveCurves(s.curves())}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindVFA, State: state, Setup: save.Setup{World: world, Method: s.method,
		Params: s.vals.Clone(), Seed: uint64(s.vals[KeySeed]), Features: customSpec(s.custom)}})
}

// OpenVFA reads a grid VFA session's save file and returns the session it
// holds.
func OpenVFA(r io.Reader) (*VFA, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openVFA(f)
}

// Load replaces the run by the one in a save file for the same world (see
// Learn.Load); on error the session is unchanged.
func (s *VFA) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	n, err := openVFA(f)
	if err != nil {
		return err
	}
	if err := sameWorld(n.base, s.base); err != nil {
		return err
	}
	n.version = s.version + 1
	*s = *n
	return nil
}

func openVFA(f save.File) (*VFA, error) {
	if err := f.Check(KindVFA); err != nil {
		return nil, err
	}
	if len(f.Setup.World) == 0 {
		return nil, fmt.Errorf("save file: the setup has no world")
	}
	world, err := grid.Parse(f.Setup.World)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	custom, err := parseCustom(f.Setup.Features)
	if err != nil {
		return nil, err
	}
	var st vfaState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	s := &VFA{}
	if err := s.load(world, f.Setup.Method, f.Setup.Params, custom); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if _, err := setupValues(s.schema, f.Setup.Params, s.method); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := seedMatches(s.vals, f); err != nil {
		return nil, err
	}
	if err := s.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return s, nil
}

func (s *VFA) restore(st vfaState) error {
	cells := s.world.Rows * s.world.Cols
	if len(st.Trail) > maxTrail {
		return fmt.Errorf("the trail has %d cells, at most %d are kept", len(st.Trail), maxTrail)
	}
	if err := save.Indices("trail", st.Trail, cells); err != nil {
		return err
	}
	if err := loadCurves(s.curves(), st.Curves); err != nil {
		return err
	}
	if err := checkRNGs(st.EnvRNG, st.AgentRNG); err != nil {
		return err
	}
	if err := s.runner.LoadState(st.Runner); err != nil {
		return err
	}
	save.SetRNG(s.envSrc, st.EnvRNG, "env_rng")
	save.SetRNG(s.agSrc, st.AgentRNG, "agent_rng")
	s.trail = append(s.trail[:0], st.Trail...)
	return nil
}

// checkRNGs reports a saved random stream that is not a PCG state.
func checkRNGs(env, ag []byte) error {
	var p, q rngProbe
	if err := save.SetRNG(&p.PCG, env, "env_rng"); err != nil {
		return err
	}
	return save.SetRNG(&q.PCG, ag, "agent_rng")
}

// vfaControlState is a control-task VFA session's part of a save file.
type vfaControlState struct {
	Runner       vfa.State    `json:"runner"`
	EnvRNG       []byte       `json:"env_rng"`
	AgentRNG     []byte       `json:"agent_rng"`
	Trajectory   []Point      `json:"trajectory"`
	Previous     []Point      `json:"previous_trajectory"`
	Curves       []curveState `json:"curves"` // returns, lengths
	Last         float64      `json:"last_return"`
	Episodes     int          `json:"episodes"`
	HeatmapEvery int          `json:"heatmap_every"`
	Value        []float64    `json:"value"`
	Greedy       []float64    `json:"greedy"`
	Maps         []float64    `json:"maps,omitempty"`
	ValueMin     float64      `json:"value_min"`
	ValueMax     float64      `json:"value_max"`
	HeatmapStep  int          `json:"heatmap_step"`
}

func (c *VFAControl) curves() []*curve { return []*curve{&c.returns, &c.lengths} }

// Save writes the run to w as a save file (see VFA.Save), the heatmaps
// included.
func (c *VFAControl) Save(w io.Writer) error {
	r, err := c.runner.SaveState()
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := vfaControlState{Runner: r, EnvRNG: save.RNG(c.envSrc), AgentRNG: save.RNG(c.agSrc),
		Trajectory: slices.Clone(c.traj), Previous: slices.Clone(c.prevTraj), Curves: saveCurves(c.curves()),
		Last: c.last, Episodes: c.episodes, HeatmapEvery: c.HeatmapEvery, Value: slices.Clone(c.value), Greedy: slices.Clone(c.greedy),
		Maps: slices.Clone(c.maps), ValueMin: c.vmin, ValueMax: c.vmax, HeatmapStep: c.heatAt}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindVFAControl, State: state, Setup: save.Setup{Env: c.env, Method: c.method,
		Params: c.vals.Clone(), Seed: uint64(c.vals[KeySeed]), Features: customSpec(c.custom)}})
}

// OpenVFAControl reads a control-task VFA session's save file and returns
// the session it holds.
func OpenVFAControl(r io.Reader) (*VFAControl, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openVFAControl(f)
}

// Load replaces the run by the one in a save file for the same task (see
// Control.Load); on error the session is unchanged.
func (c *VFAControl) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	if f.Kind == KindVFAControl && f.Setup.Env != c.env {
		return fmt.Errorf("save file: it is for %s, this session runs %s", f.Setup.Env, c.env)
	}
	n, err := openVFAControl(f)
	if err != nil {
		return err
	}
	n.version = c.version + 1
	n.HeatmapEvery = c.HeatmapEvery
	*c = *n
	return nil
}

func openVFAControl(f save.File) (*VFAControl, error) {
	if err := f.Check(KindVFAControl); err != nil {
		return nil, err
	}
	if !slices.Contains(VFAControlEnvs(), f.Setup.Env) {
		return nil, fmt.Errorf("save file: unknown task %q (valid: %v)", f.Setup.Env, VFAControlEnvs())
	}
	custom, err := parseCustom(f.Setup.Features)
	if err != nil {
		return nil, err
	}
	var st vfaControlState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	c := &VFAControl{}
	if err := c.load(f.Setup.Env, f.Setup.Method, f.Setup.Params, custom); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if _, err := setupValues(c.schema, f.Setup.Params, c.method); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := seedMatches(c.vals, f); err != nil {
		return nil, err
	}
	if err := c.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return c, nil
}

func (c *VFAControl) restore(st vfaControlState) error {
	switch {
	case len(st.Trajectory) > cap(c.traj) || len(st.Previous) > cap(c.prevTraj):
		return fmt.Errorf("trajectories of %d and %d points, an episode has at most %d", len(st.Trajectory), len(st.Previous), cap(c.traj))
	case len(st.Value) != len(c.value) || len(st.Greedy) != len(c.greedy) || len(st.Maps) != len(c.maps):
		return fmt.Errorf("heatmaps of other sizes than the task's")
	case st.HeatmapEvery < 0 || st.HeatmapStep < 0 || st.Episodes < 0:
		return fmt.Errorf("heatmap_every %d, heatmap_step %d and episodes %d must not be negative", st.HeatmapEvery, st.HeatmapStep, st.Episodes)
	}
	heat := append(append(append([]float64{st.Last}, st.Value...), st.Greedy...), st.Maps...)
	if err := save.Finite("heatmaps", heat); err != nil {
		return err
	}
	if err := checkPoints(append(slices.Clone(st.Trajectory), st.Previous...)); err != nil {
		return err
	}
	if err := loadCurves(c.curves(), st.Curves); err != nil {
		return err
	}
	if err := checkRNGs(st.EnvRNG, st.AgentRNG); err != nil {
		return err
	}
	if err := c.runner.LoadState(st.Runner); err != nil {
		return err
	}
	save.SetRNG(c.envSrc, st.EnvRNG, "env_rng")
	save.SetRNG(c.agSrc, st.AgentRNG, "agent_rng")
	c.state = c.task.Env.State(c.state)
	c.traj = append(c.traj[:0], st.Trajectory...)
	c.prevTraj = append(c.prevTraj[:0], st.Previous...)
	c.last, c.episodes, c.HeatmapEvery = st.Last, st.Episodes, st.HeatmapEvery
	copy(c.value, st.Value)
	copy(c.greedy, st.Greedy)
	copy(c.maps, st.Maps)
	c.vmin, c.vmax, c.heatAt = st.ValueMin, st.ValueMax, st.HeatmapStep
	return nil
}

// rngProbe is a PCG to check a saved state on.
type rngProbe struct{ PCG rand.PCG }
