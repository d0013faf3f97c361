package session

import (
	"fmt"
	"math"
	"strings"

	"bellman/sim/control"
	"bellman/sim/nn"
	"bellman/sim/param"
	"bellman/sim/ppo"
)

// PPOAgents lists the agents of a PPO session, in menu order.
var PPOAgents = []Algorithm{
	{"ppo", "PPO", "stochastic policy improved by several epochs of minibatches on each rollout, its change held back by a clipped ratio π/π_old; advantages by GAE(λ)"},
	{"a2c", "A2C", "advantage actor-critic: one gradient step of −A·log π per rollout of n steps in several environments at once, A from n-step returns"},
}

// PPOEnvs returns the environments a PPO session accepts: all of
// control.Names, discrete (a categorical policy) and continuous (a
// Gaussian one).
func PPOEnvs() []string { return control.Names() }

// PPO is a learning session of a PPO or A2C agent (package ppo) on a
// control task, with several copies of the task stepped in lockstep; what
// it shows (the task, trajectories, the state plane) is environment 0's.
// Its parameters are the seed, the agent's schema with the environment's
// defaults (ppo.Schema) and, for the point mass, the world's (pm_ keys).
type PPO struct {
	env   string
	agent ppo.Algo

	// HeatmapEvery makes Step refresh the heatmaps every this many steps;
	// 0 (the default) leaves it to RefreshHeatmaps.
	HeatmapEvery int

	schema param.Schema
	vals   param.Values

	tr       *ppo.Trainer
	pm       *control.PointMassConfig
	plane    control.Plane
	discrete bool
	nOut     int // actions (discrete) or action components

	heatObs        []float64 // G²×ObsDim
	value          []float64 // G²
	out            []float64 // G²×nOut: probabilities or means
	std            []float64 // G²×nOut (continuous)
	greedy         []int     // G² (discrete)
	entropy        []float64 // G² (discrete)
	vmin, vmax     float64
	heatAt         int
	state          []float64
	lo, hi         []float64
	traj, prevTraj []Point

	returns, policyLoss, valueLoss, entropyC curve
	approxKL, clipFrac, explained, lr        curve

	version int
}

// NewPPO starts agent ("ppo" or "a2c") on env (one of PPOEnvs) with the
// environment's default parameters and the given seed (at most MaxSeed).
func NewPPO(env, agent string, seed uint64) (*PPO, error) {
	if seed > MaxSeed {
		return nil, fmt.Errorf("seed %d is above %d", seed, uint64(MaxSeed))
	}
	p := &PPO{}
	if err := p.load(env, agent, param.Values{"seed": float64(seed)}); err != nil {
		return nil, err
	}
	return p, nil
}

// ppoSchema is the seed, the agent's schema and, for the point mass, the
// world's parameters.
func ppoSchema(env string, algo ppo.Algo) (param.Schema, error) {
	sc := param.Schema{{Key: "seed", Label: "seed", Kind: param.Int, Min: 0, Max: MaxSeed, Step: 1, Default: 1, Reset: true,
		Help: "the random numbers of a run: the same seed and parameters give the same run"}}
	as, err := ppo.Schema(algo, env)
	if err != nil {
		return nil, err
	}
	sc = append(sc, as...)
	if env == "pointmass" {
		for _, s := range control.Schema() {
			if strings.HasPrefix(s.Key, "pm_") {
				sc = append(sc, s)
			}
		}
	}
	return sc, nil
}

// load switches to env and agent with fresh defaults, carrying over the
// values of carry whose keys the new schema has. On error the session is
// unchanged.
func (p *PPO) load(env, agent string, carry param.Values) error {
	env = strings.ToLower(strings.TrimSpace(env))
	algo, err := ppo.ParseAlgo(agent)
	if err != nil {
		return err
	}
	sc, err := ppoSchema(env, algo)
	if err != nil {
		return err
	}
	vals := sc.Defaults()
	for k, v := range carry {
		if s, ok := sc.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	next := *p
	next.env, next.agent, next.schema, next.vals = env, algo, sc, vals
	if err := next.build(); err != nil {
		return err
	}
	*p = next
	return nil
}

// agentValues returns the values of the agent's keys.
func (p *PPO) agentValues() param.Values {
	sc, _ := ppo.Schema(p.agent, p.env)
	v := param.Values{}
	for _, s := range sc {
		v[s.Key] = p.vals[s.Key]
	}
	return v
}

// build makes a new trainer from the parameters and forgets the run.
func (p *PPO) build() error {
	cfg, err := ppo.ConfigFromValues(p.agent, p.env, p.agentValues())
	if err != nil {
		return err
	}
	newEnv := func() (control.Env, error) { return control.New(p.env) }
	if p.env == "pointmass" {
		pc, err := control.PointMassFromValues(p.vals)
		if err != nil {
			return err
		}
		newEnv = func() (control.Env, error) { return control.NewPointMass(pc) }
	}
	tr, err := ppo.NewTrainer(newEnv, cfg, uint64(p.vals["seed"]))
	if err != nil {
		return err
	}
	p.tr = tr
	p.pm = nil
	if pm, ok := tr.Env(0).Unwrapped().(*control.PointMass); ok {
		layout := pm.Config()
		p.pm = &layout
	}
	te := tr.Env(0)
	a := tr.Agent()
	O, G := te.ObsDim(), HeatmapGrid
	p.discrete, p.nOut = a.Discrete(), a.Outputs()
	p.plane = te.Plane()
	p.heatObs = make([]float64, G*G*O)
	for j := 0; j < G; j++ {
		v := gridCoord(p.plane.YMin, p.plane.YMax, j)
		for i := 0; i < G; i++ {
			k := j*G + i
			te.PlaneObs(gridCoord(p.plane.XMin, p.plane.XMax, i), v, p.heatObs[k*O:k*O+O])
		}
	}
	p.value = make([]float64, G*G)
	p.out = make([]float64, G*G*p.nOut)
	p.std, p.greedy, p.entropy = nil, nil, nil
	if p.discrete {
		p.greedy = make([]int, G*G)
		p.entropy = make([]float64, G*G)
		p.lo, p.hi = []float64{0}, []float64{float64(p.nOut - 1)}
	} else {
		p.std = make([]float64, G*G*p.nOut)
		p.lo, p.hi = te.ActionBounds()
	}
	p.state = te.State(make([]float64, te.StateDim()))
	p.traj = make([]Point, 0, te.MaxEpisodeSteps()+1)
	p.prevTraj = make([]Point, 0, te.MaxEpisodeSteps()+1)
	p.addPoint()
	for _, c := range []*curve{&p.returns, &p.policyLoss, &p.valueLoss, &p.entropyC, &p.approxKL, &p.clipFrac, &p.explained, &p.lr} {
		*c = newCurve()
	}
	p.version++
	p.RefreshHeatmaps()
	return nil
}

// addPoint appends environment 0's state to the trajectory.
func (p *PPO) addPoint() {
	te := p.tr.Env(0)
	p.state = te.State(p.state)
	u, v := te.PlanePoint(p.state)
	if len(p.traj) < cap(p.traj) {
		p.traj = append(p.traj, Point{u, v})
	}
}

// Env returns the environment's name.
func (p *PPO) Env() string { return p.env }

// Agent returns the agent's name.
func (p *PPO) Agent() string { return p.agent.String() }

// Schema returns the parameters of the current environment and agent.
func (p *PPO) Schema() param.Schema { return p.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (p *PPO) Value(key string) float64 { return p.vals[key] }

// Values returns the current parameter values (a copy).
func (p *PPO) Values() param.Values { return p.vals.Clone() }

// Set changes one parameter. Values out of range are clamped; the returned
// note says so (or is empty). A parameter marked Reset restarts the run
// (the note says so); the others apply from the next step (the learning
// rate, if it anneals, from the next rollout). An unknown key is an
// error, and so is a combination that cannot be built (say, more
// minibatches than transitions), which leaves the value unchanged.
func (p *PPO) Set(key string, value float64) (note string, err error) {
	s, v, note, err := p.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old := p.vals[key]
	if old == v {
		return note, nil
	}
	p.vals[key] = v
	if s.Reset {
		next := *p
		if err := next.build(); err != nil {
			p.vals[key] = old
			return note, err
		}
		*p = next
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: restarted from the beginning", nil
	}
	cfg, err := ppo.ConfigFromValues(p.agent, p.env, p.agentValues())
	if err == nil {
		err = p.tr.Retune(cfg)
	}
	if err != nil {
		p.vals[key] = old
	}
	return note, err
}

// SetEnv switches the environment and restarts with the seed and the new
// environment's defaults (a discrete task's are not a continuous one's).
func (p *PPO) SetEnv(env string) error {
	return p.load(env, p.agent.String(), param.Values{"seed": p.vals["seed"]})
}

// SetAgent switches the agent and restarts, keeping the seed and the
// parameters both agents have that were changed from their defaults.
func (p *PPO) SetAgent(agent string) error {
	carry := param.Values{"seed": p.vals["seed"]}
	for _, s := range p.schema {
		if v := p.vals[s.Key]; v != s.Default {
			carry[s.Key] = v
		}
	}
	return p.load(p.env, agent, carry)
}

// Reset restarts the run with the current parameters.
func (p *PPO) Reset() {
	next := *p
	if next.build() == nil { // the parameters were valid when set
		*p = next
	}
}

// Step steps every environment once (NumEnvs environment steps) and, at
// the end of a rollout, updates the agent. It allocates nothing once the
// session's buffers have grown.
func (p *PPO) Step() {
	res := p.tr.Step()
	x := float64(p.tr.Steps())
	for _, e := range p.tr.Finished() {
		p.returns.add(x, e.Return)
		if e.Env == 0 {
			p.traj, p.prevTraj = p.prevTraj[:0], p.traj
		}
	}
	p.addPoint()
	if res.Updated {
		st := res.Stats
		p.policyLoss.add(x, st.PolicyLoss)
		p.valueLoss.add(x, st.ValueLoss)
		p.entropyC.add(x, st.Entropy)
		p.approxKL.add(x, st.ApproxKL)
		p.clipFrac.add(x, st.ClipFrac)
		if !math.IsNaN(st.ExplainedVariance) {
			p.explained.add(x, st.ExplainedVariance)
		}
		p.lr.add(x, st.LR)
	}
	if p.HeatmapEvery > 0 && p.tr.Steps()%p.HeatmapEvery < p.tr.NumEnvs() {
		p.RefreshHeatmaps()
	}
}

// Steps returns the number of environment steps taken (NumEnvs per Step).
func (p *PPO) Steps() int { return p.tr.Steps() }

// Updates returns the number of gradient steps so far, for a host's
// updates per second.
func (p *PPO) Updates() int { return p.tr.Agent().Updates() }

// Diverged names the first quantity that went NaN or infinite (a reward,
// a log-probability or value while acting, a loss), or returns "".
func (p *PPO) Diverged() string { return p.tr.Diverged() }

// RefreshHeatmaps recomputes the heatmaps from the current networks: one
// batch of HeatmapGrid² rows through each network. It allocates nothing
// after the first call.
func (p *PPO) RefreshHeatmaps() {
	G, A := HeatmapGrid, p.nOut
	p.tr.Evaluate(p.value, p.out, p.heatObs, G*G)
	p.vmin, p.vmax = math.Inf(1), math.Inf(-1)
	for _, v := range p.value {
		p.vmin, p.vmax = math.Min(p.vmin, v), math.Max(p.vmax, v)
	}
	if p.discrete {
		for k := 0; k < G*G; k++ {
			probs := p.out[k*A : k*A+A]
			best, h := 0, 0.0
			for a, q := range probs {
				if q > probs[best] {
					best = a
				}
				if q > 0 {
					h -= q * nn.Log(q)
				}
			}
			p.greedy[k], p.entropy[k] = best, h
		}
	} else {
		ls := p.tr.Agent().LogStd()
		for k := 0; k < G*G; k++ {
			for a, s := range ls {
				p.std[k*A+a] = nn.Exp(s)
			}
		}
	}
	p.heatAt = p.tr.Steps()
}

// PPOSnapshot is a copy of what a PPO session shows, for drawing. Slices
// are the snapshot's own, reused by the next Snapshot into it.
type PPOSnapshot struct {
	Env, Agent string
	Seed       uint64
	// Version changes whenever the run restarts.
	Version int

	// State, Obs and Action are environment 0's: its internal state (as
	// in ControlSnapshot), the observation it gave (before normalisation)
	// and the last action, a discrete action's index or the sampled
	// action before clipping to [ActionLo, ActionHi]. A discrete task's
	// bounds are 0 and NumActions − 1.
	State, Obs, Action []float64
	ActionLo, ActionHi []float64
	// Discrete says whether the policy is categorical (NumActions
	// actions) or Gaussian (ActDim components).
	Discrete           bool
	NumActions, ActDim int
	// PointMass is the point mass's layout when Env is "pointmass", else
	// nil. Shared and read-only.
	PointMass *control.PointMassConfig

	// Plane and Grid place the heatmaps as in ControlSnapshot: point
	// (i, j) at index j*Grid+i, row j = 0 at YMin.
	Plane control.Plane
	Grid  int
	// Value is V(s); ValueMin and ValueMax its extremes.
	Value              []float64
	ValueMin, ValueMax float64
	// Gaussian policies: Mean and Std of component k at point (i, j) in
	// [(j*Grid+i)*ActDim+k], in environment units (the action taken is
	// clipped to the bounds). Std is the same at every point: the log σ
	// does not depend on the state.
	Mean, Std []float64
	// Categorical policies: Probs holds π(a|s) in
	// [(j*Grid+i)*NumActions+a], Greedy the most likely action and
	// EntropyMap the policy's entropy at each point, at most EntropyMax
	// = log NumActions.
	Probs      []float64
	Greedy     []int
	EntropyMap []float64
	EntropyMax float64
	// HeatmapStep is Steps when the heatmaps were computed.
	HeatmapStep int

	// Trajectory and PrevTrajectory are environment 0's current and
	// previous episodes in the plane.
	Trajectory, PrevTrajectory []Point

	// Returns has a point per finished episode of any environment; the
	// others a point per update (at the step it happened), with CleanRL's
	// diagnostics: the last minibatch's policy loss, value loss, entropy
	// and approximate KL, the share of clipped ratios, the explained
	// variance of the rollout's values (not drawn where the returns were
	// constant) and the learning rate. See Curve.
	Returns, PolicyLoss, ValueLoss, Entropy, ApproxKL, ClipFrac, ExplainedVariance, LearningRate Curve

	// Steps counts environment steps (NumEnvs per session Step); Updates
	// gradient steps; Iterations rollouts learnt from; RolloutStep is how
	// far the current rollout of RolloutSteps steps has come. A page
	// shows updates per second from Updates over time.
	Steps, Updates, Iterations, Episodes int
	NumEnvs, RolloutStep, RolloutSteps   int
	EpisodeReturn                        float64 // environment 0's episode so far
	EpisodeLength                        int
	LastReturn                           float64 // of the last finished episode, any environment
	LR                                   float64 // learning rate of the last update
	// Diverged names what went NaN or infinite (empty if nothing has).
	Diverged string
}

// Snapshot copies the session's state into dst, reusing its buffers; it
// allocates nothing once they have grown.
func (p *PPO) Snapshot(dst *PPOSnapshot) {
	tr := p.tr
	a := tr.Agent()
	dst.Env, dst.Agent, dst.Seed, dst.Version = p.env, p.agent.String(), uint64(p.vals["seed"]), p.version
	dst.State = append(dst.State[:0], p.state...)
	dst.Obs = append(dst.Obs[:0], tr.Obs(0)...)
	dst.Action = append(dst.Action[:0], tr.Action(0)...)
	dst.ActionLo = append(dst.ActionLo[:0], p.lo...)
	dst.ActionHi = append(dst.ActionHi[:0], p.hi...)
	dst.Discrete, dst.ActDim, dst.NumActions = p.discrete, a.ActDim(), 0
	if p.discrete {
		dst.NumActions = p.nOut
	}
	dst.PointMass = p.pm
	dst.Plane, dst.Grid = p.plane, HeatmapGrid
	dst.Value = append(dst.Value[:0], p.value...)
	dst.ValueMin, dst.ValueMax = p.vmin, p.vmax
	dst.Mean, dst.Std, dst.Probs, dst.Greedy, dst.EntropyMap = dst.Mean[:0], dst.Std[:0], dst.Probs[:0], dst.Greedy[:0], dst.EntropyMap[:0]
	dst.EntropyMax = 0
	if p.discrete {
		dst.Probs = append(dst.Probs, p.out...)
		dst.Greedy = append(dst.Greedy, p.greedy...)
		dst.EntropyMap = append(dst.EntropyMap, p.entropy...)
		dst.EntropyMax = nn.Log(float64(p.nOut))
	} else {
		dst.Mean = append(dst.Mean, p.out...)
		dst.Std = append(dst.Std, p.std...)
	}
	dst.HeatmapStep = p.heatAt
	dst.Trajectory = copyPoints(dst.Trajectory, p.traj, cap(p.traj))
	dst.PrevTrajectory = copyPoints(dst.PrevTrajectory, p.prevTraj, cap(p.prevTraj))
	p.returns.copyTo(&dst.Returns)
	p.policyLoss.copyTo(&dst.PolicyLoss)
	p.valueLoss.copyTo(&dst.ValueLoss)
	p.entropyC.copyTo(&dst.Entropy)
	p.approxKL.copyTo(&dst.ApproxKL)
	p.clipFrac.copyTo(&dst.ClipFrac)
	p.explained.copyTo(&dst.ExplainedVariance)
	p.lr.copyTo(&dst.LearningRate)
	dst.Steps, dst.Updates, dst.Iterations, dst.Episodes = tr.Steps(), a.Updates(), a.Iterations(), tr.Episodes()
	cfg := tr.Config()
	dst.NumEnvs, dst.RolloutStep, dst.RolloutSteps = tr.NumEnvs(), tr.RolloutStep(), cfg.NumSteps
	dst.EpisodeReturn, dst.EpisodeLength = tr.Current(0)
	dst.LastReturn = tr.Last().Return
	dst.LR = a.LR()
	dst.Diverged = tr.Diverged()
}
