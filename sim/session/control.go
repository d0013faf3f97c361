package session

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/control"
	"bellman/sim/ddpg"
	"bellman/sim/param"
)

// ControlAgents lists the agents of a control session, in menu order.
var ControlAgents = []Algorithm{
	{"ddpg", "DDPG", "deterministic actor μ(s) trained along ∂Q/∂a of a critic Q(s, a), with target networks and replay"},
	{"td3", "TD3", "DDPG with twin critics (the smaller target), target action noise and delayed actor updates"},
}

// ControlEnvs returns the environments a control session accepts: those
// of control.Names with continuous actions.
func ControlEnvs() []string {
	var names []string
	for _, n := range control.Names() {
		if env, err := control.New(n); err == nil && control.NumActions(env) == 0 {
			names = append(names, n)
		}
	}
	return names
}

// HeatmapGrid is the number of points per side of the heatmaps.
const HeatmapGrid = 32

// MaxSeed is the largest seed of a control session.
const MaxSeed = 1<<32 - 1

// curvePoints bounds the points of each learning curve.
const curvePoints = 1024

// Control is a learning session of a DDPG or TD3 agent on a
// continuous-control environment. Its parameters are the seed, the
// agent's schema with the environment's defaults (ddpg.SchemaFor) and, for
// the point mass, the world's (control.Schema's pm_ keys).
type Control struct {
	env   string
	agent ddpg.Algo

	// HeatmapEvery makes Step refresh the heatmaps every this many
	// environment steps; 0 (the default) leaves it to RefreshHeatmaps.
	HeatmapEvery int
	// SaveReplay makes Save include the replay buffer (save_control.go).
	SaveReplay bool

	schema param.Schema
	vals   param.Values

	tr      *ddpg.Trainer
	pm      *control.PointMassConfig
	plane   control.Plane
	heatObs []float64 // observations of the grid points, G²×ObsDim
	value   []float64 // G²
	policy  []float64 // G²×ActDim
	vmin    float64
	vmax    float64
	heatAt  int // steps at the last refresh
	state   []float64
	lo, hi  []float64

	traj, prevTraj []Point
	returns        curve
	losses, meanQ  curve
	recent         [10]float64 // returns of the last 10 episodes, a ring
	nRecent        int         // episodes put into recent
	lastLoss       float64     // of the last step with updates
	lastQ          float64

	version int
}

// Point is a point of the state plane (control.Plane).
type Point struct{ U, V float64 }

// Curve is a learning curve: Y[i] at environment step X[i]. When a curve
// is full, neighbouring points are averaged in pairs, so that it always
// spans the whole run at a bounded number of points.
type Curve struct{ X, Y []float64 }

// curve accumulates a Curve of at most curvePoints points, each the mean
// of stride raw entries.
type curve struct {
	x, y   []float64
	stride int
	ax, ay float64
	an     int
}

func newCurve() curve {
	return curve{x: make([]float64, 0, curvePoints), y: make([]float64, 0, curvePoints), stride: 1}
}

func (c *curve) add(x, y float64) {
	c.ax += x
	c.ay += y
	c.an++
	if c.an < c.stride {
		return
	}
	if len(c.x) == curvePoints {
		n := curvePoints / 2
		for i := 0; i < n; i++ {
			c.x[i] = (c.x[2*i] + c.x[2*i+1]) / 2
			c.y[i] = (c.y[2*i] + c.y[2*i+1]) / 2
		}
		c.x, c.y = c.x[:n], c.y[:n]
		c.stride *= 2
		return // go on accumulating up to the new stride
	}
	n := float64(c.an)
	c.x = append(c.x, c.ax/n)
	c.y = append(c.y, c.ay/n)
	c.ax, c.ay, c.an = 0, 0, 0
}

// copyTo copies the curve into dst, growing dst once to the largest size.
func (c *curve) copyTo(dst *Curve) {
	if cap(dst.X) < curvePoints {
		dst.X = make([]float64, 0, curvePoints)
	}
	if cap(dst.Y) < curvePoints {
		dst.Y = make([]float64, 0, curvePoints)
	}
	dst.X = append(dst.X[:0], c.x...)
	dst.Y = append(dst.Y[:0], c.y...)
}

// copyPoints copies src into dst, giving dst at least capacity n.
func copyPoints(dst, src []Point, n int) []Point {
	if cap(dst) < n {
		dst = make([]Point, 0, n)
	}
	return append(dst[:0], src...)
}

// NewControl starts agent ("ddpg" or "td3") on env (one of ControlEnvs)
// with the environment's default parameters and the given seed (at most
// MaxSeed).
func NewControl(env, agent string, seed uint64) (*Control, error) {
	if seed > MaxSeed {
		return nil, fmt.Errorf("seed %d is above %d", seed, uint64(MaxSeed))
	}
	c := &Control{}
	if err := c.load(env, agent, param.Values{"seed": float64(seed)}); err != nil {
		return nil, err
	}
	return c, nil
}

// load switches to env and agent with fresh defaults, carrying over the
// values of carry whose keys the new schema has. On error the session is
// unchanged.
func (c *Control) load(env, agent string, carry param.Values) error {
	env = strings.ToLower(strings.TrimSpace(env))
	algo, err := ddpg.ParseAlgo(agent)
	if err != nil {
		return err
	}
	e, err := control.New(env)
	if err != nil {
		return err
	}
	if control.NumActions(e) > 0 {
		return fmt.Errorf("%s has discrete actions, which %s cannot take (valid: %s)", env, algo, strings.Join(ControlEnvs(), ", "))
	}
	schema := controlSchema(env, algo)
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	next := *c
	next.env, next.agent, next.schema, next.vals = env, algo, schema, vals
	if err := next.build(); err != nil {
		return err
	}
	*c = next
	return nil
}

// controlSchema is the seed, the agent's schema with the environment's
// defaults and, for the point mass, the world's parameters.
func controlSchema(env string, algo ddpg.Algo) param.Schema {
	sc := param.Schema{{Key: "seed", Label: "seed", Kind: param.Int, Min: 0, Max: MaxSeed, Step: 1, Default: 1, Reset: true,
		Help: "the random numbers of a run: the same seed and parameters give the same run"}}
	sc = append(sc, ddpg.SchemaFor(algo, env)...)
	if env == "pointmass" {
		for _, s := range control.Schema() {
			if strings.HasPrefix(s.Key, "pm_") {
				sc = append(sc, s)
			}
		}
	}
	return sc
}

// agentValues returns the values of the agent's keys.
func (c *Control) agentValues() param.Values {
	v := param.Values{}
	for _, s := range ddpg.Schema(c.agent) {
		v[s.Key] = c.vals[s.Key]
	}
	return v
}

// rebuild makes a new trainer from the parameters and forgets the run; on
// error the session is unchanged.
func (c *Control) rebuild() error {
	next := *c
	if err := next.build(); err != nil {
		return err
	}
	*c = next
	return nil
}

// build makes a new trainer from the parameters and forgets the run.
func (c *Control) build() error {
	cfg, err := ddpg.ConfigFromValuesFor(c.agent, c.env, c.agentValues())
	if err != nil {
		return err
	}
	var env control.Env
	c.pm = nil
	if c.env == "pointmass" {
		pc, err := control.PointMassFromValues(c.vals)
		if err != nil {
			return err
		}
		pm, err := control.NewPointMass(pc)
		if err != nil {
			return err
		}
		layout := pm.Config()
		env, c.pm = pm, &layout
	} else if env, err = control.New(c.env); err != nil {
		return err
	}
	tr, err := ddpg.NewTrainer(env, cfg, uint64(c.vals["seed"]))
	if err != nil {
		return err
	}
	c.tr = tr
	te := tr.Env()
	O, A, G := te.ObsDim(), te.ActDim(), HeatmapGrid
	c.plane = te.Plane()
	c.heatObs = make([]float64, G*G*O)
	for j := 0; j < G; j++ {
		v := gridCoord(c.plane.YMin, c.plane.YMax, j)
		for i := 0; i < G; i++ {
			k := j*G + i
			te.PlaneObs(gridCoord(c.plane.XMin, c.plane.XMax, i), v, c.heatObs[k*O:k*O+O])
		}
	}
	c.value = make([]float64, G*G)
	c.policy = make([]float64, G*G*A)
	c.lo, c.hi = te.ActionBounds()
	c.state = te.State(make([]float64, te.StateDim()))
	c.traj = make([]Point, 0, te.MaxEpisodeSteps()+1)
	c.prevTraj = make([]Point, 0, te.MaxEpisodeSteps()+1)
	c.addPoint()
	c.returns, c.losses, c.meanQ = newCurve(), newCurve(), newCurve()
	c.lastLoss, c.lastQ = 0, 0
	c.nRecent = 0
	c.version++
	c.RefreshHeatmaps()
	return nil
}

// gridCoord returns the i-th of HeatmapGrid evenly spaced points from lo
// to hi, both included.
func gridCoord(lo, hi float64, i int) float64 {
	return lo + (hi-lo)*float64(i)/float64(HeatmapGrid-1)
}

// addPoint appends the environment's state to the trajectory.
func (c *Control) addPoint() {
	te := c.tr.Env()
	c.state = te.State(c.state)
	u, v := te.PlanePoint(c.state)
	if len(c.traj) < cap(c.traj) {
		c.traj = append(c.traj, Point{u, v})
	}
}

// Env returns the environment's name.
func (c *Control) Env() string { return c.env }

// Agent returns the agent's name.
func (c *Control) Agent() string { return c.agent.String() }

// Schema returns the parameters of the current environment and agent.
func (c *Control) Schema() param.Schema { return c.schema }

// Values returns the current parameter values (a copy).
func (c *Control) Values() param.Values { return c.vals.Clone() }

// Set changes one parameter. Values out of range are clamped; the returned
// note says so (or is empty). A parameter marked Reset restarts the run
// (the note says so); the others apply from the next step. An unknown key
// is an error, and so is a combination that cannot be built, which leaves
// the value unchanged.
func (c *Control) Set(key string, value float64) (note string, err error) {
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
		if err := c.rebuild(); err != nil {
			c.vals[key] = old
			return note, err
		}
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	cfg, err := ddpg.ConfigFromValuesFor(c.agent, c.env, c.agentValues())
	if err == nil {
		err = c.tr.Retune(cfg)
	}
	if err != nil {
		c.vals[key] = old
	}
	return note, err
}

// SetEnv switches the environment and restarts with the seed and the new
// environment's defaults: the others are tuned for each environment
// (ddpg.DefaultConfigFor), and a value chosen for one, such as the
// pendulum's noise, would replace another's tuned one.
func (c *Control) SetEnv(env string) error {
	return c.load(env, c.agent.String(), param.Values{"seed": c.vals["seed"]})
}

// SetAgent switches the agent and restarts, keeping the seed and the
// parameters both agents have that were changed from their defaults; the
// others take the new agent's defaults for the environment (TD3's τ on
// cartpole is not DDPG's, say).
func (c *Control) SetAgent(agent string) error {
	carry := param.Values{"seed": c.vals["seed"]}
	for _, s := range c.schema {
		if v := c.vals[s.Key]; v != s.Default {
			carry[s.Key] = v
		}
	}
	return c.load(c.env, agent, carry)
}

// Reset restarts the run with the current parameters: new networks, an
// empty replay buffer, the first episode of the seed.
func (c *Control) Reset() {
	c.rebuild() // the parameters were valid when set, so this cannot fail
}

// Step takes one environment step with the updates that follow it. It
// allocates nothing once the session's buffers have grown.
func (c *Control) Step() {
	if c.tr.BeginEpisode() {
		c.traj, c.prevTraj = c.prevTraj[:0], c.traj
		c.addPoint()
	}
	res := c.tr.Step()
	c.addPoint()
	x := float64(c.tr.Steps())
	if res.Updates > 0 {
		c.losses.add(x, res.CriticLoss)
		c.meanQ.add(x, res.MeanQ)
		c.lastLoss, c.lastQ = res.CriticLoss, res.MeanQ
	}
	if res.EpisodeDone {
		c.returns.add(x, c.tr.Last().Return)
		c.recent[c.nRecent%len(c.recent)] = c.tr.Last().Return
		c.nRecent++
	}
	if c.HeatmapEvery > 0 && c.tr.Steps()%c.HeatmapEvery == 0 {
		c.RefreshHeatmaps()
	}
}

// Steps returns the number of environment steps taken.
func (c *Control) Steps() int { return c.tr.Steps() }

// Updates returns the number of network updates so far.
func (c *Control) Updates() int { return c.tr.Agent().Updates() }

// Diverged names what went NaN or infinite in the last step's updates (the
// critic's loss or its mean Q) or in the state, or returns "".
func (c *Control) Diverged() string {
	switch {
	case math.IsNaN(c.lastLoss) || math.IsInf(c.lastLoss, 0):
		return fmt.Sprintf("the critic's loss became %v", c.lastLoss)
	case math.IsNaN(c.lastQ) || math.IsInf(c.lastQ, 0):
		return fmt.Sprintf("the critic's mean Q became %v", c.lastQ)
	}
	for i, x := range c.state {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprintf("state variable %d of %s became %v", i, c.env, x)
		}
	}
	return ""
}

// RefreshHeatmaps recomputes the value and policy heatmaps from the
// current networks: one batch of HeatmapGrid² rows through the actor and
// one through the first critic. It allocates nothing after the first call.
func (c *Control) RefreshHeatmaps() {
	G := HeatmapGrid
	c.tr.Agent().Evaluate(c.value, c.policy, c.heatObs, G*G)
	c.vmin, c.vmax = math.Inf(1), math.Inf(-1)
	for _, v := range c.value {
		if v < c.vmin {
			c.vmin = v
		}
		if v > c.vmax {
			c.vmax = v
		}
	}
	c.heatAt = c.tr.Steps()
}

// ControlSnapshot is a copy of what a control session shows, for drawing.
// Slices are the snapshot's own, reused by the next Snapshot into it.
type ControlSnapshot struct {
	Env, Agent string
	Seed       uint64
	// Version changes whenever the run restarts (a new environment,
	// agent, seed or a parameter marked Reset).
	Version int

	// State is the environment's internal state: pendulum (θ, θ̇), θ = 0
	// upright and not wrapped; mountaincar (position, velocity); cartpole
	// (x, ẋ, θ, θ̇); pointmass (x, y, vx, vy).
	State []float64
	// Obs is the agent's current observation.
	Obs []float64
	// Action is the last action given to the environment, within
	// [ActionLo, ActionHi] (zero before the first step): the pendulum's
	// torque, the car's or cart's force (the cart's in units of 10 N), the
	// point mass's force (fx, fy).
	Action             []float64
	ActionLo, ActionHi []float64
	// PointMass is the point mass's layout (regions, rewards) when Env is
	// "pointmass", else nil. Shared and read-only.
	PointMass *control.PointMassConfig

	// Plane is the slice of the state space of the heatmaps and the
	// trajectories.
	Plane control.Plane
	// Grid is the number of heatmap points per side (HeatmapGrid). Point
	// (i, j) is at u = XMin + i·(XMax−XMin)/(Grid−1), v = YMin +
	// j·(YMax−YMin)/(Grid−1): corners included, row j = 0 at YMin.
	Grid int
	// Value holds V(s) = Q₁(s, μ(s)) at point (i, j) in Value[j*Grid+i];
	// ValueMin and ValueMax are its extremes.
	Value              []float64
	ValueMin, ValueMax float64
	// ActDim is the number of action components.
	ActDim int
	// Policy holds μ(s) in environment units, component k of point (i, j)
	// in Policy[(j*Grid+i)*ActDim+k].
	Policy []float64
	// HeatmapStep is Steps when the heatmaps were computed.
	HeatmapStep int

	// Trajectory is the current episode's states in the plane, its start
	// first; PrevTrajectory the previous episode's. The pendulum's angle
	// wraps at ±π: do not join points that jump across.
	Trajectory, PrevTrajectory []Point

	// Returns has a point per episode (its return at the step it ended);
	// CriticLoss and MeanQ a point per step with updates (the mean critic
	// loss and mean Q₁(s, a) of the step's updates). See Curve.
	Returns, CriticLoss, MeanQ Curve

	Steps, Updates, Episodes int
	EpisodeReturn            float64 // return of the episode so far
	EpisodeLength            int     // steps of the episode so far
	LastReturn               float64 // return of the last finished episode
	// MeanLast10 is the mean return of the last 10 finished episodes (of
	// as many as there are, NaN before the first): Gymnasium's measure of
	// a solved task.
	MeanLast10           float64
	ReplayLen, ReplayCap int
	Sigma                float64 // exploration noise σ of the next step
	Learning             bool    // random warm-up over: acting by μ(s) + noise
}

// Snapshot copies the session's state into dst, reusing its buffers; it
// allocates nothing once they have grown.
func (c *Control) Snapshot(dst *ControlSnapshot) {
	tr := c.tr
	a := tr.Agent()
	dst.Env, dst.Agent, dst.Seed, dst.Version = c.env, c.agent.String(), uint64(c.vals["seed"]), c.version
	dst.State = append(dst.State[:0], c.state...)
	dst.Obs = append(dst.Obs[:0], tr.Obs()...)
	dst.Action = append(dst.Action[:0], tr.Action()...)
	dst.ActionLo = append(dst.ActionLo[:0], c.lo...)
	dst.ActionHi = append(dst.ActionHi[:0], c.hi...)
	dst.PointMass = c.pm
	dst.Plane, dst.Grid = c.plane, HeatmapGrid
	dst.Value = append(dst.Value[:0], c.value...)
	dst.ValueMin, dst.ValueMax = c.vmin, c.vmax
	dst.ActDim = a.ActDim()
	dst.Policy = append(dst.Policy[:0], c.policy...)
	dst.HeatmapStep = c.heatAt
	dst.Trajectory = copyPoints(dst.Trajectory, c.traj, cap(c.traj))
	dst.PrevTrajectory = copyPoints(dst.PrevTrajectory, c.prevTraj, cap(c.prevTraj))
	c.returns.copyTo(&dst.Returns)
	c.losses.copyTo(&dst.CriticLoss)
	c.meanQ.copyTo(&dst.MeanQ)
	dst.Steps, dst.Updates, dst.Episodes = tr.Steps(), a.Updates(), tr.Episodes()
	dst.EpisodeReturn, dst.EpisodeLength = tr.Current()
	dst.LastReturn = tr.Last().Return
	dst.MeanLast10 = math.NaN()
	if n := min(c.nRecent, len(c.recent)); n > 0 {
		sum := 0.0
		for _, r := range c.recent[:n] {
			sum += r
		}
		dst.MeanLast10 = sum / float64(n)
	}
	dst.ReplayLen, dst.ReplayCap = a.Replay().Len(), a.Replay().Cap()
	dst.Sigma = tr.Sigma()
	dst.Learning = tr.Steps() >= a.Config().LearningStarts
}
