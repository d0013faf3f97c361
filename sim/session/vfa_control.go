package session

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"bellman/sim/agent"
	"bellman/sim/control"
	"bellman/sim/features"
	"bellman/sim/param"
	"bellman/sim/vfa"
)

// VFAControlEnvs returns the environments a control VFA session accepts:
// those of control.Names with discrete actions.
func VFAControlEnvs() []string {
	var names []string
	for _, n := range control.Names() {
		if env, err := control.New(n); err == nil && control.NumActions(env) > 0 {
			names = append(names, n)
		}
	}
	return names
}

// planeColumns names the raw columns along the axes of each environment's
// plane (control.Plane), for tile edges.
var planeColumns = map[string][2]string{
	"pendulum":             {"th", "dth"},
	"mountaincar":          {"position", "velocity"},
	"mountaincar-discrete": {"position", "velocity"},
	"cartpole":             {"th", "dth"},
	"cartpole-discrete":    {"th", "dth"},
	"acrobot":              {"th1", "dth1"},
	"pointmass":            {"x", "y"},
}

// VFAControl is a session of linear Sarsa or Q-learning on a control task
// with discrete actions (MountainCar-v0, Acrobot-v1, CartPole-v1): the
// features are tile coding over the state by default (Sutton & Barto
// §10.1). It shows V(s) = max_a q̂(s, a) and the greedy action over the
// environment's plane.
type VFAControl struct {
	env     string
	method  string
	schema  param.Schema
	vals    param.Values
	presets []features.Preset
	custom  features.Spec
	version int

	// HeatmapEvery makes Step refresh the heatmaps every this many steps;
	// 0 (the default) leaves it to RefreshHeatmaps.
	HeatmapEvery int

	task   *vfa.ControlTask
	runner *vfa.Runner
	ctl    *vfa.Control

	plane          control.Plane
	heatRaw        []float64 // raw columns of the grid points, G² × columns
	value, greedy  []float64
	maps           []float64 // feature maps over the plane, F × G², if F ≤ MaxFeatureMaps
	vmin, vmax     float64
	heatAt         int
	x              features.Vector
	qs             []float64
	state          []float64
	traj, prevTraj []Point
	returns        curve
	lengths        curve
	last           float64 // return of the last finished episode
	episodes       int     // finished

	// The sources of the environment's and the learner's random streams,
	// kept to save their state (save_vfa.go).
	envSrc, agSrc *rand.PCG
}

// NewVFAControl starts method (a key of VFAControlAgents) on env (one of
// VFAControlEnvs) with its defaults and the given seed.
func NewVFAControl(env, method string, seed uint64) (*VFAControl, error) {
	if seed > MaxSeed {
		return nil, fmt.Errorf("seed %d is above %d", seed, uint64(MaxSeed))
	}
	c := &VFAControl{}
	if err := c.load(env, method, param.Values{KeySeed: float64(seed)}, features.Spec{}); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *VFAControl) load(env, method string, carry param.Values, custom features.Spec) error {
	env = strings.ToLower(strings.TrimSpace(env))
	e, err := control.New(env)
	if err != nil {
		return err
	}
	if control.NumActions(e) == 0 {
		return fmt.Errorf("%s has continuous actions, which %s cannot take (valid: %s)", env, method, strings.Join(VFAControlEnvs(), ", "))
	}
	_, state := control.Columns(e)
	presets := features.StatePresets(state)
	sc, err := vfa.Schema(method, false, presets, vfa.DefaultPreset(env))
	if err != nil {
		return err
	}
	sc = append(param.Schema{{Key: KeySeed, Label: "seed", Kind: param.Int, Min: 0, Max: MaxSeed, Step: 1, Default: 1, Reset: true,
		Help: "the random numbers of a run: the same seed and parameters give the same run"}}, sc...)
	vals := sc.Defaults()
	for k, v := range carry {
		if sp, ok := sc.Find(k); ok {
			vals[k] = sp.Clamp(v)
		}
	}
	next := *c
	next.env, next.method, next.schema, next.vals, next.presets, next.custom = env, method, sc, vals, presets, custom
	if err := next.build(); err != nil {
		return err
	}
	*c = next
	return nil
}

func (c *VFAControl) build() error {
	cfg, err := vfa.ConfigFromValues(c.method, false, c.presets, c.vals, c.custom)
	if err != nil {
		return err
	}
	e, err := control.New(c.env)
	if err != nil {
		return err
	}
	envSrc, agSrc := agent.Sources(uint64(c.vals[KeySeed]))
	envRng, agRng := rand.New(envSrc), rand.New(agSrc)
	c.envSrc, c.agSrc = envSrc, agSrc
	task, err := vfa.NewControlTask(e, envRng)
	if err != nil {
		return err
	}
	ctl, err := vfa.NewControl(cfg, task.Columns(), task.NumActions(), c.method == vfa.LinearQLearning, agRng)
	if err != nil {
		return err
	}
	c.task, c.ctl, c.runner = task, ctl, vfa.NewRunner(task, ctl)
	te := task.Env
	G, nc := HeatmapGrid, len(task.Columns())
	c.plane = te.Plane()
	c.heatRaw = make([]float64, G*G*nc)
	obs := make([]float64, te.ObsDim())
	for j := 0; j < G; j++ {
		v := gridCoord(c.plane.YMin, c.plane.YMax, j)
		for i := 0; i < G; i++ {
			k := j*G + i
			te.PlaneObs(gridCoord(c.plane.XMin, c.plane.XMax, i), v, obs)
			control.RawColumns(te, obs, c.heatRaw[k*nc:(k+1)*nc])
		}
	}
	f := ctl.Featurizer()
	c.value, c.greedy = make([]float64, G*G), make([]float64, G*G)
	c.maps = nil
	if f.Len() <= MaxFeatureMaps {
		c.maps = make([]float64, f.Len()*G*G)
	}
	c.x, c.qs = f.NewVector(), make([]float64, task.NumActions())
	c.state = te.State(make([]float64, te.StateDim()))
	c.traj = make([]Point, 0, te.MaxEpisodeSteps()+1)
	c.prevTraj = make([]Point, 0, te.MaxEpisodeSteps()+1)
	c.returns, c.lengths = newCurve(), newCurve()
	c.last, c.episodes = 0, 0
	c.version++
	c.RefreshHeatmaps()
	return nil
}

// Env returns the environment's name; Method the method's key.
func (c *VFAControl) Env() string { return c.env }

// Method returns the method's key.
func (c *VFAControl) Method() string { return c.method }

// Schema returns the parameters of the environment and method.
func (c *VFAControl) Schema() param.Schema { return c.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (c *VFAControl) Value(key string) float64 { return c.vals[key] }

// Values returns the current parameter values (a copy).
func (c *VFAControl) Values() param.Values { return c.vals.Clone() }

// Set changes one parameter: clamped values and restarts are said in the
// note; γ, α and ε apply from the next step. An unknown key is an error.
func (c *VFAControl) Set(key string, value float64) (note string, err error) {
	sp, v, note, err := c.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old := c.vals[key]
	if old == v {
		return note, nil
	}
	c.vals[key] = v
	if sp.Reset {
		next := *c
		if key == vfa.KeyFeatures {
			next.custom = features.Spec{}
		}
		if err := next.build(); err != nil {
			c.vals[key] = old
			return note, err
		}
		*c = next
		if note != "" {
			note += "; "
		}
		return note + sp.Label + " changed: restarted from the beginning", nil
	}
	cfg, err := vfa.ConfigFromValues(c.method, false, c.presets, c.vals, c.custom)
	if err == nil {
		err = c.ctl.SetConfig(cfg)
	}
	if err != nil {
		c.vals[key] = old
	}
	return note, err
}

// SetFeatures replaces the features by a JSON spec over the
// environment's columns (control.Columns) and restarts; on error nothing
// changes.
func (c *VFAControl) SetFeatures(spec string) error {
	sp, err := features.Parse([]byte(spec))
	if err != nil {
		return err
	}
	next := *c
	next.custom = sp
	if err := next.build(); err != nil {
		return err
	}
	*c = next
	return nil
}

// SetEnv switches the environment and restarts with its defaults and the
// seed.
func (c *VFAControl) SetEnv(env string) error {
	return c.load(env, c.method, param.Values{KeySeed: c.vals[KeySeed]}, features.Spec{})
}

// SetMethod switches the method and restarts, keeping the seed and the
// features.
func (c *VFAControl) SetMethod(method string) error {
	return c.load(c.env, method, param.Values{KeySeed: c.vals[KeySeed], vfa.KeyFeatures: c.vals[vfa.KeyFeatures]}, c.custom)
}

// Reset restarts the run with the current parameters.
func (c *VFAControl) Reset() {
	if err := c.build(); err != nil {
		panic("session: VFA parameters that were valid no longer build: " + err.Error())
	}
}

// Step takes one environment step with its update; it allocates nothing.
func (c *VFAControl) Step() {
	r := c.runner
	if r.Ended() {
		c.traj, c.prevTraj = c.prevTraj[:0], c.traj
	}
	tr := r.Step()
	if tr.Began {
		// The start state is gone by now; the trajectory starts at the
		// first step's end.
		c.traj = c.traj[:0]
	}
	c.addPoint()
	if tr.Ended() {
		c.last, c.episodes = r.Return, c.episodes+1
		x := float64(r.Steps)
		c.returns.add(x, r.Return)
		c.lengths.add(x, float64(r.T))
	}
	if c.HeatmapEvery > 0 && r.Steps%c.HeatmapEvery == 0 {
		c.RefreshHeatmaps()
	}
}

func (c *VFAControl) addPoint() {
	te := c.task.Env
	c.state = te.State(c.state)
	u, v := te.PlanePoint(c.state)
	if len(c.traj) < cap(c.traj) {
		c.traj = append(c.traj, Point{u, v})
	}
}

// Steps returns the steps taken since the last restart.
func (c *VFAControl) Steps() int { return c.runner.Steps }

// Runner returns the task and learner the session steps.
func (c *VFAControl) Runner() *vfa.Runner { return c.runner }

// RefreshHeatmaps recomputes V(s) = max_a q̂(s, a), the greedy action and
// the feature maps over the plane; it allocates nothing.
func (c *VFAControl) RefreshHeatmaps() {
	G, nc := HeatmapGrid, len(c.task.Columns())
	f := c.ctl.Featurizer()
	c.vmin, c.vmax = math.Inf(1), math.Inf(-1)
	if c.maps != nil {
		clear(c.maps)
	}
	for k := 0; k < G*G; k++ {
		f.Sparse(&c.x, c.heatRaw[k*nc:(k+1)*nc])
		q := c.ctl.Q(c.qs, &c.x)
		best := 0
		for a := range q {
			if q[a] > q[best] {
				best = a
			}
		}
		c.value[k], c.greedy[k] = q[best], float64(best)
		c.vmin, c.vmax = math.Min(c.vmin, q[best]), math.Max(c.vmax, q[best])
		if c.maps != nil {
			for j, i := range c.x.Idx {
				c.maps[int(i)*G*G+k] = c.x.Val[j]
			}
		}
	}
	c.heatAt = c.runner.Steps
}

// VFAControlSnapshot is a copy of what a control VFA session shows.
// Slices are the snapshot's own, reused by the next Snapshot into it.
type VFAControlSnapshot struct {
	Env, Method string
	Seed        uint64
	Version     int // changes when the run restarts

	State   []float64 // the environment's internal state (see control.Env)
	Obs     []float64
	Action  int // the last action taken (0 before the first step)
	Actions int // number of actions

	// Plane, Grid: as ControlSnapshot's. Value holds V(s) = max_a q̂(s, a)
	// at point (i, j) in Value[j·Grid+i]; Greedy the greedy action's index
	// (ties to the first) as a number.
	Plane              control.Plane
	Grid               int
	Value, Greedy      []float64
	ValueMin, ValueMax float64
	HeatmapStep        int

	// Features: Labels[i] names φ_i (nil beyond MaxFeatureMaps features,
	// as are Maps and Weights); Maps holds φ_i at point k of the plane in
	// Maps[i·Grid² + k]. TileX and TileY hold, for each tiling of the
	// first crossed block, the tile edges along the plane's axes if the
	// block tiles that axis (else nil).
	Features     int
	Labels       []string
	Maps         []float64
	Weights      []float64
	TileX, TileY [][]float64
	Spec         string

	Trajectory, PrevTrajectory []Point
	Returns, Lengths           Curve // a point per finished episode

	Steps, Episodes int // steps; finished episodes
	EpisodeReturn   float64
	EpisodeLength   int
	LastReturn      float64
	Epsilon         float64
	Diverged        string
}

// Snapshot copies the session's state into dst, reusing its buffers; it
// allocates nothing once they have grown (labels and tile edges are made
// again only when the run restarts).
func (c *VFAControl) Snapshot(dst *VFAControlSnapshot) {
	r := c.runner
	f := c.ctl.Featurizer()
	restarted := dst.Version != c.version || dst.Spec == ""
	dst.Env, dst.Method, dst.Seed, dst.Version = c.env, c.method, uint64(c.vals[KeySeed]), c.version
	dst.State = append(dst.State[:0], c.state...)
	dst.Obs = append(dst.Obs[:0], c.task.Obs()...)
	dst.Action = c.task.LastAction()
	dst.Actions = c.task.NumActions()
	dst.Plane, dst.Grid = c.plane, HeatmapGrid
	dst.Value = append(dst.Value[:0], c.value...)
	dst.Greedy = append(dst.Greedy[:0], c.greedy...)
	dst.ValueMin, dst.ValueMax, dst.HeatmapStep = c.vmin, c.vmax, c.heatAt
	dst.Features = f.Len()
	if restarted {
		dst.Spec = f.Spec().String()
		dst.Labels = nil
		if f.Len() <= MaxFeatureMaps {
			dst.Labels = make([]string, f.Len())
			for i := range dst.Labels {
				dst.Labels[i] = f.Label(i)
			}
		}
		dst.TileX, dst.TileY = nil, nil
		axes := planeColumns[c.env]
		for bi, b := range f.Blocks() {
			if b.Kind != features.Crossed {
				continue
			}
			for t := 0; t < b.Tilings; t++ {
				var ex, ey []float64
				for d, name := range b.Columns {
					if name == axes[0] {
						ex = f.TileEdges(nil, bi, t, d)
					}
					if name == axes[1] {
						ey = f.TileEdges(nil, bi, t, d)
					}
				}
				dst.TileX, dst.TileY = append(dst.TileX, ex), append(dst.TileY, ey)
			}
			break
		}
	}
	if c.maps != nil {
		dst.Maps = append(dst.Maps[:0], c.maps...)
		dst.Weights = append(dst.Weights[:0], c.ctl.Weights()...)
	} else {
		dst.Maps, dst.Weights = dst.Maps[:0], dst.Weights[:0]
	}
	dst.Trajectory = copyPoints(dst.Trajectory, c.traj, cap(c.traj))
	dst.PrevTrajectory = copyPoints(dst.PrevTrajectory, c.prevTraj, cap(c.prevTraj))
	c.returns.copyTo(&dst.Returns)
	c.lengths.copyTo(&dst.Lengths)
	dst.Steps, dst.Episodes = r.Steps, c.episodes
	dst.EpisodeReturn, dst.EpisodeLength = r.Return, r.T
	if r.Ended() {
		dst.EpisodeReturn, dst.EpisodeLength = 0, 0
	}
	dst.LastReturn, dst.Epsilon = c.last, c.ctl.Epsilon()
	dst.Diverged = r.Diverged
	if dst.Diverged == "" && (math.IsNaN(c.vmax) || math.IsInf(c.vmax, 0) || math.IsNaN(c.vmin) || math.IsInf(c.vmin, 0)) {
		dst.Diverged = fmt.Sprintf("V(s) is %v over the plane: the weights diverged (try a smaller α)", c.vmax)
	}
}
