package session

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/control"
	"bellman/sim/dqn"
	"bellman/sim/nn"
	"bellman/sim/param"
)

// DQNAgents lists the methods of a DQN session (control or grid), in menu
// order. Each sets the defaults of the "double" and "dueling" parameters.
var DQNAgents = []Algorithm{
	{"dqn", "DQN", "Q-learning with a network: replay buffer, target network, ε-greedy exploration (Mnih et al., 2015)"},
	{"double-dqn", "Double DQN", "DQN whose target values the online network's best next action with the target network, against overestimation"},
	{"dueling-dqn", "Dueling DQN", "Double DQN whose network ends in a value V(s) and advantages A(s, a): Q = V + A − mean A"},
}

// DQNEnvs returns the environments a DQN control session accepts: those
// of control.Names with discrete actions.
func DQNEnvs() []string {
	var names []string
	for _, n := range control.Names() {
		if env, err := control.New(n); err == nil && control.NumActions(env) > 0 {
			names = append(names, n)
		}
	}
	return names
}

// NetGrid is the number of points per side of the network view's
// per-unit heatmaps.
const NetGrid = 16

// DQNControl is a learning session of a DQN agent on a control task with
// discrete actions. Its parameters are the seed and the agent's schema
// with the method's and environment's defaults (dqn.SchemaFor).
type DQNControl struct {
	env    string
	method dqn.Method

	// HeatmapEvery makes Step refresh the heatmaps every this many
	// environment steps; 0 (the default) leaves it to RefreshHeatmaps.
	HeatmapEvery int
	// SaveReplay makes Save include the replay buffer (save_dqn.go).
	SaveReplay bool

	schema param.Schema
	vals   param.Values

	tr      *dqn.Trainer
	ce      *dqn.Control
	plane   control.Plane
	heatObs []float64 // observations of the heatmap points, G²×ObsDim
	netObs  []float64 // observations of the network view's points, NetGrid²×ObsDim
	q       []float64 // G²×A
	value   []float64 // G²
	greedy  []int     // G²
	vmin    float64
	vmax    float64
	heatAt  int
	state   []float64

	last                     dqn.StepResult
	traj, prevTraj           []Point
	returns, losses, meanQ   curve
	tdErrors, epsilons, fill curve
	diverged                 string

	version int
}

// NewDQNControl starts method ("dqn", "double-dqn" or "dueling-dqn") on
// env (one of DQNEnvs) with the default parameters and the given seed (at
// most MaxSeed).
func NewDQNControl(env, method string, seed uint64) (*DQNControl, error) {
	if seed > MaxSeed {
		return nil, fmt.Errorf("seed %d is above %d", seed, uint64(MaxSeed))
	}
	c := &DQNControl{}
	if err := c.load(env, method, param.Values{KeySeed: float64(seed)}); err != nil {
		return nil, err
	}
	return c, nil
}

// seedSpec is the seed parameter of the DQN sessions.
func seedSpec() param.Spec {
	return param.Spec{Key: KeySeed, Label: "seed", Kind: param.Int, Min: 0, Max: MaxSeed, Step: 1, Default: 1, Reset: true,
		Help: "the random numbers of a run: the same seed and parameters give the same run"}
}

// load switches to env and method with fresh defaults, carrying over the
// values of carry whose keys the new schema has. On error the session is
// unchanged.
func (c *DQNControl) load(env, method string, carry param.Values) error {
	env = strings.ToLower(strings.TrimSpace(env))
	m, err := dqn.ParseMethod(method)
	if err != nil {
		return err
	}
	e, err := control.New(env)
	if err != nil {
		return err
	}
	if control.NumActions(e) == 0 {
		return fmt.Errorf("%s has continuous actions, which DQN cannot take (valid: %s)", env, strings.Join(DQNEnvs(), ", "))
	}
	schema := append(param.Schema{seedSpec()}, dqn.SchemaFor(m, env)...)
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	next := *c
	next.env, next.method, next.schema, next.vals = env, m, schema, vals
	if err := next.build(); err != nil {
		return err
	}
	*c = next
	return nil
}

// agentValues returns the values of the agent's keys.
func (c *DQNControl) agentValues() param.Values {
	v := param.Values{}
	for _, s := range c.schema[1:] {
		v[s.Key] = c.vals[s.Key]
	}
	return v
}

// build makes a new trainer from the parameters and forgets the run.
func (c *DQNControl) build() error {
	cfg, err := dqn.ConfigFromValuesFor(c.method, c.env, c.agentValues())
	if err != nil {
		return err
	}
	e, err := control.New(c.env)
	if err != nil {
		return err
	}
	ce, err := dqn.NewControl(e)
	if err != nil {
		return err
	}
	tr, err := dqn.NewTrainer(ce, cfg, uint64(c.vals[KeySeed]))
	if err != nil {
		return err
	}
	c.tr, c.ce = tr, ce
	A, G := ce.NumActions(), HeatmapGrid
	c.plane = ce.Plane()
	c.heatObs = planeObs(ce.TimeLimit, c.plane, G)
	c.netObs = planeObs(ce.TimeLimit, c.plane, NetGrid)
	c.q = make([]float64, G*G*A)
	c.value = make([]float64, G*G)
	c.greedy = make([]int, G*G)
	c.state = ce.State(make([]float64, ce.StateDim()))
	c.traj = make([]Point, 0, ce.MaxEpisodeSteps()+1)
	c.prevTraj = make([]Point, 0, ce.MaxEpisodeSteps()+1)
	c.addPoint()
	c.returns, c.losses, c.meanQ = newCurve(), newCurve(), newCurve()
	c.tdErrors, c.epsilons, c.fill = newCurve(), newCurve(), newCurve()
	c.diverged, c.last = "", dqn.StepResult{}
	c.version++
	c.RefreshHeatmaps()
	return nil
}

// planeObs returns the observations of the g×g points of plane, row j = 0
// at YMin, as ControlSnapshot lays out its heatmaps.
func planeObs(env control.Env, p control.Plane, g int) []float64 {
	O := env.ObsDim()
	obs := make([]float64, g*g*O)
	for j := 0; j < g; j++ {
		v := p.YMin + (p.YMax-p.YMin)*float64(j)/float64(g-1)
		for i := 0; i < g; i++ {
			k := j*g + i
			env.PlaneObs(p.XMin+(p.XMax-p.XMin)*float64(i)/float64(g-1), v, obs[k*O:k*O+O])
		}
	}
	return obs
}

func (c *DQNControl) addPoint() {
	c.state = c.ce.State(c.state)
	u, v := c.ce.PlanePoint(c.state)
	if len(c.traj) < cap(c.traj) {
		c.traj = append(c.traj, Point{u, v})
	}
}

// Env returns the environment's name.
func (c *DQNControl) Env() string { return c.env }

// Agent returns the method's name.
func (c *DQNControl) Agent() string { return c.method.String() }

// Trainer returns the trainer the session steps (for tools and tests).
func (c *DQNControl) Trainer() *dqn.Trainer { return c.tr }

// Schema returns the parameters.
func (c *DQNControl) Schema() param.Schema { return c.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (c *DQNControl) Value(key string) float64 { return c.vals[key] }

// Values returns the current parameter values (a copy).
func (c *DQNControl) Values() param.Values { return c.vals.Clone() }

// Set changes one parameter. Values out of range are clamped; the returned
// note says so (or is empty). A parameter marked Reset restarts the run
// (the note says so); the others apply from the next step. An unknown key
// is an error, and so is a combination that cannot be built, which leaves
// the value unchanged.
func (c *DQNControl) Set(key string, value float64) (note string, err error) {
	s, v, note, err := c.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old := c.vals[key]
	if old == v {
		return note, nil
	}
	c.vals[key] = v
	if s.Reset {
		next := *c
		if err := next.build(); err != nil {
			c.vals[key] = old
			return note, err
		}
		*c = next
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	cfg, err := dqn.ConfigFromValuesFor(c.method, c.env, c.agentValues())
	if err == nil {
		err = c.tr.Retune(cfg)
	}
	if err != nil {
		c.vals[key] = old
	}
	return note, err
}

// SetEnv switches the environment and restarts with the seed and the new
// environment's defaults.
func (c *DQNControl) SetEnv(env string) error {
	return c.load(env, c.method.String(), param.Values{KeySeed: c.vals[KeySeed]})
}

// SetAgent switches the method and restarts, keeping the seed and the
// parameters changed from their defaults, but for "double" and "dueling",
// which the method sets.
func (c *DQNControl) SetAgent(method string) error {
	carry := param.Values{KeySeed: c.vals[KeySeed]}
	for _, s := range c.schema {
		if v := c.vals[s.Key]; v != s.Default && s.Key != "double" && s.Key != "dueling" {
			carry[s.Key] = v
		}
	}
	return c.load(c.env, method, carry)
}

// Reset restarts the run with the current parameters.
func (c *DQNControl) Reset() {
	next := *c
	if next.build() == nil { // the parameters were valid when set
		*c = next
	}
}

// Step takes one environment step with the updates that follow it; it does
// nothing once a value has diverged (Diverged says which), until Reset. It
// allocates nothing once the session's buffers have grown.
func (c *DQNControl) Step() {
	if c.diverged != "" {
		return
	}
	if c.tr.BeginEpisode() {
		c.traj, c.prevTraj = c.prevTraj[:0], c.traj
		c.addPoint()
	}
	eps := c.tr.Epsilon()
	res := c.tr.Step()
	c.last = res
	c.addPoint()
	x := float64(c.tr.Steps())
	if res.Updates > 0 {
		if d := res.Diverged(); d != "" {
			c.diverged = divergedAt(d, c.tr.Steps())
			return
		}
		c.losses.add(x, res.Loss)
		c.meanQ.add(x, res.MeanQ)
		c.tdErrors.add(x, res.TDError)
	}
	c.epsilons.add(x, eps)
	c.fill.add(x, float64(c.tr.Agent().Replay().Len()))
	if res.EpisodeDone {
		c.returns.add(x, c.tr.Last().Return)
	}
	if c.HeatmapEvery > 0 && c.tr.Steps()%c.HeatmapEvery == 0 {
		c.RefreshHeatmaps()
	}
}

// divergedAt says what diverged at which step.
func divergedAt(what string, step int) string {
	return fmt.Sprintf("%s at step %d: the network diverged (try a smaller learning rate)", what, step)
}

// Steps returns the number of environment steps taken.
func (c *DQNControl) Steps() int { return c.tr.Steps() }

// Last returns what the last step did (zero before the first).
func (c *DQNControl) Last() dqn.StepResult { return c.last }

// Diverged names the value that went NaN or infinite, or is "".
func (c *DQNControl) Diverged() string { return c.diverged }

// RefreshHeatmaps recomputes Q(s, ·), V(s) = max_a Q(s, a) and the greedy
// action over the plane from the current network in one batch. It
// allocates nothing after the first call.
func (c *DQNControl) RefreshHeatmaps() {
	G := HeatmapGrid
	c.tr.Agent().Evaluate(c.q, c.value, c.greedy, c.heatObs, G*G)
	c.vmin, c.vmax = math.Inf(1), math.Inf(-1)
	for _, v := range c.value {
		c.vmin = math.Min(c.vmin, v)
		c.vmax = math.Max(c.vmax, v)
	}
	c.heatAt = c.tr.Steps()
}

// DQNControlSnapshot is a copy of what a DQN control session shows, for
// drawing. Slices are the snapshot's own, reused by the next Snapshot.
type DQNControlSnapshot struct {
	Env, Agent string
	Seed       uint64
	// Version changes whenever the run restarts.
	Version int

	// State is the environment's internal state (cartpole x, ẋ, θ, θ̇);
	// Obs the agent's observation.
	State, Obs []float64
	// Action is the index of the last action (0 before the first step);
	// NumActions the number of actions.
	Action, NumActions int

	// Plane and Grid are as in ControlSnapshot: point (i, j) of a heatmap
	// is at u = XMin + i·(XMax−XMin)/(Grid−1), v = YMin + j·(YMax−YMin)/(Grid−1).
	Plane control.Plane
	Grid  int
	// Q holds Q(s, a) at point (i, j) in Q[(j*Grid+i)*NumActions+a].
	Q []float64
	// Value holds V(s) = max_a Q(s, a) in Value[j*Grid+i]; ValueMin and
	// ValueMax are its extremes. Greedy holds the greedy action.
	Value              []float64
	ValueMin, ValueMax float64
	Greedy             []int
	// HeatmapStep is Steps when the heatmaps were computed.
	HeatmapStep int

	// Trajectory is the current episode's states in the plane, its start
	// first; PrevTrajectory the previous episode's.
	Trajectory, PrevTrajectory []Point

	// Returns has a point per episode; Loss, MeanQ and TDError a point per
	// step with updates (the means over its updates of the loss, of
	// Q(s, a) over the batch and of |TD error|); Epsilon and ReplayFill a
	// point per step (ε it acted with, transitions in the buffer).
	Returns, Loss, MeanQ, TDError, Epsilon, ReplayFill Curve

	Steps, Updates, Episodes int
	EpisodeReturn            float64
	EpisodeLength            int
	LastReturn               float64
	ReplayLen, ReplayCap     int
	Eps                      float64 // ε of the next step
	Learning                 bool    // updates have begun
	// Diverged names the value that went NaN or infinite ("" if none); the
	// session stops stepping until it is reset.
	Diverged string

	// Net is a copy of the online network, for a network view: call
	// Net.UnitActivations(buf, NetObs, NetGrid*NetGrid) for every unit's
	// value over the plane (unit-major, each a NetGrid×NetGrid heatmap laid
	// out like Value) and Net.Layer(l) for the weights. With dueling heads
	// its outputs are V(s), then A(s, ·). Shared by later snapshots into
	// the same dst: the renderer owns it between two snapshots.
	Net     *nn.MLP
	NetObs  []float64 // NetGrid² observations of the plane (shared, read-only)
	NetGrid int
}

// Snapshot copies the session's state into dst, reusing its buffers; it
// allocates nothing once they have grown.
func (c *DQNControl) Snapshot(dst *DQNControlSnapshot) {
	tr := c.tr
	a := tr.Agent()
	dst.Env, dst.Agent, dst.Seed, dst.Version = c.env, c.method.String(), uint64(c.vals[KeySeed]), c.version
	dst.State = append(dst.State[:0], c.state...)
	dst.Obs = append(dst.Obs[:0], tr.Obs()...)
	dst.Action, dst.NumActions = tr.Action(), a.NumActions()
	dst.Plane, dst.Grid = c.plane, HeatmapGrid
	dst.Q = append(dst.Q[:0], c.q...)
	dst.Value = append(dst.Value[:0], c.value...)
	dst.ValueMin, dst.ValueMax = c.vmin, c.vmax
	dst.Greedy = append(dst.Greedy[:0], c.greedy...)
	dst.HeatmapStep = c.heatAt
	dst.Trajectory = copyPoints(dst.Trajectory, c.traj, cap(c.traj))
	dst.PrevTrajectory = copyPoints(dst.PrevTrajectory, c.prevTraj, cap(c.prevTraj))
	c.returns.copyTo(&dst.Returns)
	c.losses.copyTo(&dst.Loss)
	c.meanQ.copyTo(&dst.MeanQ)
	c.tdErrors.copyTo(&dst.TDError)
	c.epsilons.copyTo(&dst.Epsilon)
	c.fill.copyTo(&dst.ReplayFill)
	dst.Steps, dst.Updates, dst.Episodes = tr.Steps(), a.Updates(), tr.Episodes()
	dst.EpisodeReturn, dst.EpisodeLength = tr.Current()
	dst.LastReturn = tr.Last().Return
	dst.ReplayLen, dst.ReplayCap = a.Replay().Len(), a.Replay().Cap()
	dst.Eps = tr.Epsilon()
	dst.Learning = tr.Learning()
	dst.Diverged = c.diverged
	dst.Net = a.Online().CopyInto(dst.Net)
	dst.NetObs, dst.NetGrid = c.netObs, NetGrid
}
