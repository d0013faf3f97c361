package session

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/agent"
	"bellman/sim/dp"
	"bellman/sim/features"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/vfa"
)

// VFAAgents lists the linear methods of a grid-world VFA session, in menu
// order.
var VFAAgents = vfaAlgorithms(true)

// VFAControlAgents lists the linear methods of a control-task VFA session.
var VFAControlAgents = vfaAlgorithms(false)

func vfaAlgorithms(grid bool) []Algorithm {
	var a []Algorithm
	for _, m := range vfa.Methods {
		if (grid && m.Grid) || (!grid && m.Control) {
			a = append(a, Algorithm{Key: m.Key, Label: m.Label, Help: m.Help})
		}
	}
	return a
}

// Keys of a VFA session's own parameters (besides the method's, the
// seed and the world's rewards and slip).
const (
	KeyTargetEnds = "target-ends"
)

// MaxFeatureMaps bounds the features whose values over the states or the
// plane a snapshot carries (one map each); beyond it only tile edges are
// given.
const MaxFeatureMaps = 64

// VFA is a session of linear value-function approximation on a grid world
// (Zhao, chapter 8): TD-linear evaluating the uniform policy, or linear
// Sarsa or Q-learning learning to act. The session knows the model: it
// measures v̂ against the true v_π of the evaluated policy (TD-linear) or
// the optimal v* (the others), by the RMSE over the states at every
// episode's end.
type VFA struct {
	method  string
	base    grid.World
	world   grid.World
	model   *grid.Model
	schema  param.Schema
	vals    param.Values
	custom  features.Spec // a JSON spec from SetFeatures, else empty
	version int

	task   *vfa.GridTask
	runner *vfa.Runner
	td     *vfa.TD
	ctl    *vfa.Control
	truth  []float64 // v_π (TD-linear) or v*
	opt    *agent.Optimum

	x                       features.Vector
	raws                    []float64 // raw columns of every state, S × columns
	v, q                    []float64
	rmse                    float64
	returns, lengths, rmses curve
	optimal                 curve
	trail                   []int

	// The sources of the environment's and the learner's random streams,
	// kept to save their state (save_vfa.go).
	envSrc, agSrc *rand.PCG
}

// NewVFA starts method (a key of VFAAgents) on world with its defaults
// and the given seed.
func NewVFA(world grid.World, method string, seed uint64) (*VFA, error) {
	if seed > MaxSeed {
		return nil, fmt.Errorf("seed %d is above %d", seed, uint64(MaxSeed))
	}
	s := &VFA{}
	if err := s.load(world, method, param.Values{KeySeed: float64(seed)}, features.Spec{}); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *VFA) load(world grid.World, method string, carry param.Values, custom features.Spec) error {
	if err := world.Validate(); err != nil {
		return err
	}
	sc, err := vfa.Schema(method, true, features.GridPresets, vfa.DefaultGridPreset(method))
	if err != nil {
		return err
	}
	length := 500.0 // Zhao's episodes of Figures 8.7–8.8
	start := 0.0    // random
	ends := world.Terminal
	if method != vfa.TDLinear {
		length, start, ends = 1000, 1, true // Zhao's Figures 8.9–8.10: from the top-left to the target
	}
	sc = append(sc,
		param.Spec{Key: KeyEpisodeLength, Label: "episode length", Kind: param.Int, Min: 1, Max: 100_000, Step: 1, Default: length, Reset: true,
			Help: "steps after which an episode is cut off (a truncation: TD still bootstraps)"},
		param.Spec{Key: KeyStart, Label: "episodes start", Kind: param.Choice, Choices: []string{"random", "start-cell"}, Default: start, Reset: true,
			Help: "at a uniformly random state, or at the start cell S (the top-left cell if there is none)"},
		param.Spec{Key: KeyTargetEnds, Label: "target ends episode", Kind: param.Bool, Max: 1, Default: b2f(ends), Reset: true,
			Help: "whether reaching the target ends the episode (Zhao's Sarsa and Q-learning examples stop there)"},
		param.Spec{Key: KeySeed, Label: "seed", Kind: param.Int, Min: 0, Max: MaxSeed, Step: 1, Default: 1, Reset: true,
			Help: "seed of the random streams (the world's and the learner's): same seed, same run"})
	sc = append(sc, worldSpecs(world)...)
	vals := sc.Defaults()
	for k, v := range carry {
		if sp, ok := sc.Find(k); ok {
			vals[k] = sp.Clamp(v)
		}
	}
	next := *s
	next.method, next.base, next.schema, next.vals, next.custom = method, world, sc, vals, custom
	if err := next.build(); err != nil {
		return err
	}
	*s = next
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// worldSpecs declares a world's rewards and slip, the world file's values
// as defaults; a change takes effect at once.
func worldSpecs(w grid.World) param.Schema {
	rw := w.Rewards
	reward := func(key, label string, def float64, help string) param.Spec {
		return param.Spec{Key: key, Label: label, Min: math.Min(-10, def), Max: math.Max(10, def), Step: 0.1, Default: def, Reset: true, Help: help}
	}
	sc := param.Schema{
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
	return append(sc, param.Spec{Key: "slip", Label: "slip p", Min: 0, Max: math.Max(0.5, w.Slip), Step: 0.01, Default: w.Slip, Reset: true,
		Help: "chance that a move goes sideways instead (half to each side)"})
}

// build makes the world, task, learner and truth from the parameters and
// forgets the run.
func (s *VFA) build() error {
	w, v := s.base, s.vals
	w.Rewards.Boundary = v.Get("r-boundary", w.Rewards.Boundary)
	w.Rewards.Forbidden = v.Get("r-forbidden", w.Rewards.Forbidden)
	w.Rewards.Target = v.Get("r-target", w.Rewards.Target)
	w.Rewards.Other = v.Get("r-other", w.Rewards.Other)
	w.Rewards.Cliff = v.Get("r-cliff", w.Rewards.Cliff)
	w.Slip = v.Get("slip", w.Slip)
	w.Terminal = v[KeyTargetEnds] != 0
	m, err := w.Build()
	if err != nil {
		return err
	}
	cfg, err := vfa.ConfigFromValues(s.method, true, features.GridPresets, v, s.custom)
	if err != nil {
		return err
	}
	start := -1
	if v[KeyStart] == 1 {
		start = m.Start
		if start < 0 {
			start = 0 // the first cell that is not a wall, row by row
		}
		if m.Terminal[start] {
			return fmt.Errorf("the start cell is the target, which ends the episode at once")
		}
	}
	envSrc, agSrc := agent.Sources(uint64(v[KeySeed]))
	envRng, agRng := rand.New(envSrc), rand.New(agSrc)
	s.envSrc, s.agSrc = envSrc, agSrc
	task, err := vfa.NewGridTask(m, start, int(v[KeyEpisodeLength]), envRng)
	if err != nil {
		return err
	}
	var l vfa.Learner
	s.td, s.ctl, s.opt, s.model = nil, nil, nil, m
	if err := s.setTruth(cfg.Gamma); err != nil {
		return err
	}
	if s.method == vfa.TDLinear {
		if s.td, err = vfa.NewTD(cfg, task.Columns(), vfa.Uniform{A: m.A}, agRng); err != nil {
			return err
		}
		l = s.td
	} else {
		if s.ctl, err = vfa.NewControl(cfg, task.Columns(), m.A, s.method == vfa.LinearQLearning, agRng); err != nil {
			return err
		}
		l = s.ctl
	}
	s.world, s.model, s.task, s.runner = w, m, task, vfa.NewRunner(task, l)
	nc := len(task.Columns())
	s.raws = make([]float64, m.S*nc)
	for st := 0; st < m.S; st++ {
		task.Raw(s.raws[st*nc:(st+1)*nc], st)
	}
	s.x = l.Featurizer().NewVector()
	s.v, s.q = make([]float64, m.S), make([]float64, m.S*m.A)
	s.returns, s.lengths, s.rmses, s.optimal = newCurve(), newCurve(), newCurve(), newCurve()
	s.trail = make([]int, 0, maxTrail)
	s.version++
	s.measure()
	s.rmses.add(0, s.rmse)
	return nil
}

func uniformPolicy(m *grid.Model) []float64 {
	pi := make([]float64, m.S*m.A)
	for i := range pi {
		pi[i] = 1 / float64(m.A)
	}
	return pi
}

// evaluate returns v_π by iterative policy evaluation to max |Δv| < 1e-12.
func evaluate(m *grid.Model, pi []float64, gamma float64) ([]float64, error) {
	c := dp.Default()
	c.Method, c.Gamma, c.Tol = dp.Evaluate, gamma, 1e-12
	sol, err := dp.New(m.Model, c, pi)
	if err != nil {
		return nil, err
	}
	if !sol.Run(1_000_000) {
		return nil, fmt.Errorf("policy evaluation did not converge (max |Δv| %g)", sol.Delta)
	}
	return sol.V, nil
}

// measure computes v̂ (and q̂) of every state and the RMSE to the truth.
func (s *VFA) measure() {
	m := s.model
	nc := len(s.raws) / m.S
	f := s.runner.Learner.Featurizer()
	sum := 0.0
	for st := 0; st < m.S; st++ {
		f.Sparse(&s.x, s.raws[st*nc:(st+1)*nc])
		if s.td != nil {
			s.v[st] = s.x.Dot(s.td.Weights())
		} else {
			row := s.ctl.Q(s.q[st*m.A:(st+1)*m.A], &s.x)
			best := row[0]
			for _, x := range row[1:] {
				best = math.Max(best, x)
			}
			s.v[st] = best
		}
		e := s.v[st] - s.truth[st]
		sum += e * e
	}
	s.rmse = math.Sqrt(sum / float64(m.S))
}

// Method returns the method's key.
func (s *VFA) Method() string { return s.method }

// World returns the world with the current parameters.
func (s *VFA) World() grid.World { return s.world }

// Schema returns the parameters of the current world and method.
func (s *VFA) Schema() param.Schema { return s.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (s *VFA) Value(key string) float64 { return s.vals[key] }

// Values returns the current parameter values (a copy).
func (s *VFA) Values() param.Values { return s.vals.Clone() }

// Set changes one parameter. Values out of range are clamped (the note
// says so); a parameter marked Reset restarts the run (the note says so
// too); γ, α and ε apply from the next step. An unknown key is an error;
// so is a value that cannot be built, which is then left unchanged.
func (s *VFA) Set(key string, value float64) (note string, err error) {
	sp, v, note, err := s.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old := s.vals[key]
	if old == v {
		return note, nil
	}
	s.vals[key] = v
	if sp.Reset {
		if key == vfa.KeyFeatures {
			s.custom = features.Spec{}
		}
		next := *s
		if err := next.build(); err != nil {
			s.vals[key] = old
			return note, err
		}
		*s = next
		if note != "" {
			note += "; "
		}
		return note + sp.Label + " changed: restarted from the beginning", nil
	}
	cfg, err := vfa.ConfigFromValues(s.method, true, features.GridPresets, s.vals, s.custom)
	if err == nil && key == vfa.KeyGamma {
		err = s.setTruth(cfg.Gamma) // γ moves the values the run is measured against
	}
	if err == nil {
		err = s.runner.Learner.SetConfig(cfg)
	}
	if err != nil {
		s.vals[key] = old
	}
	return note, err
}

// setTruth computes the values v̂ is measured against for γ: v_π of the
// uniform policy (TD-linear) or v*.
func (s *VFA) setTruth(gamma float64) error {
	if gamma >= 1 {
		return fmt.Errorf("gamma %v: a grid world needs γ < 1", gamma)
	}
	if s.method == vfa.TDLinear {
		v, err := evaluate(s.model, uniformPolicy(s.model), gamma)
		if err != nil {
			return err
		}
		s.truth = v
		return nil
	}
	opt, err := agent.NewOptimum(s.model.Model, gamma)
	if err != nil {
		return err
	}
	s.opt, s.truth = opt, opt.V
	return nil
}

// SetFeatures replaces the features by a JSON spec (see package features)
// over the grid's columns and restarts; on error nothing changes.
func (s *VFA) SetFeatures(spec string) error {
	sp, err := features.Parse([]byte(spec))
	if err != nil {
		return err
	}
	next := *s
	next.custom = sp
	if err := next.build(); err != nil {
		return err
	}
	*s = next
	return nil
}

// SetWorld switches to another world with its own rewards and slip,
// keeping the method's parameters and the seed, and restarts.
func (s *VFA) SetWorld(w grid.World) error {
	carry := param.Values{}
	for _, sp := range s.schema {
		if !isWorldKey(sp.Key) {
			carry[sp.Key] = s.vals[sp.Key]
		}
	}
	return s.load(w, s.method, carry, s.custom)
}

func isWorldKey(k string) bool {
	switch k {
	case "r-boundary", "r-forbidden", "r-target", "r-other", "r-cliff", "slip", KeyTargetEnds, KeyEpisodeLength, KeyStart:
		return true
	}
	return false
}

// SetMethod switches the method and restarts, keeping the seed, the
// features and the world's parameters; the others take the new method's
// defaults.
func (s *VFA) SetMethod(method string) error {
	carry := param.Values{KeySeed: s.vals[KeySeed], vfa.KeyFeatures: s.vals[vfa.KeyFeatures]}
	for _, sp := range s.schema {
		if isWorldKey(sp.Key) && sp.Key != KeyEpisodeLength && sp.Key != KeyStart && sp.Key != KeyTargetEnds {
			carry[sp.Key] = s.vals[sp.Key]
		}
	}
	return s.load(s.base, method, carry, s.custom)
}

// Reset restarts the run with the current parameters.
func (s *VFA) Reset() {
	if err := s.build(); err != nil {
		panic("session: VFA parameters that were valid no longer build: " + err.Error())
	}
}

// Step takes one environment step with its update and reports whether it
// ended an episode. At an episode's end it measures the RMSE. It
// allocates nothing.
func (s *VFA) Step() (ended bool) {
	r := s.runner
	tr := r.Step()
	if tr.Began {
		s.trail = s.trail[:0]
		s.addTrail(s.model.Cell[tr.S])
	}
	s.addTrail(s.model.Cell[tr.Next])
	if tr.Ended() {
		x := float64(r.Steps)
		s.measure()
		s.returns.add(x, r.Return)
		s.lengths.add(x, float64(r.T))
		s.rmses.add(x, s.rmse)
		if s.opt != nil {
			s.optimal.add(x, s.opt.ShareQ(s.q))
		}
	}
	return tr.Ended()
}

func (s *VFA) addTrail(cell int) {
	if len(s.trail) == maxTrail {
		s.trail = s.trail[:copy(s.trail, s.trail[maxTrail/2:])]
	}
	s.trail = append(s.trail, cell)
}

// Steps returns the steps taken since the last restart.
func (s *VFA) Steps() int { return s.runner.Steps }

// Episodes returns the episodes begun since the last restart.
func (s *VFA) Episodes() int { return s.runner.Episode }

// Runner returns the task and learner the session steps (benchmarks).
func (s *VFA) Runner() *vfa.Runner { return s.runner }

// RMSE returns the RMSE of v̂ to the truth over the states, now.
func (s *VFA) RMSE() float64 {
	s.measure()
	return s.rmse
}

// VFASnapshot is a copy of what a grid VFA session shows. Slices are the
// snapshot's own, reused by the next Snapshot into it.
type VFASnapshot struct {
	Method string
	World  grid.World // cells and rewards (Cells shared, read-only)
	State  []int      // state of each cell, −1 for walls and cliffs (shared, read-only)
	S, A   int

	// V is v̂(s) = φ(s)ᵀw (TD-linear) or max_a q̂(s, a); Truth is v_π of
	// the uniform policy (TD-linear) or v*; Error is V − Truth.
	V, Truth, Error []float64
	// Q is q̂(s, a) at [s·A + a] (nil for TD-linear); Greedy its greedy
	// action per state, ties to the first (nil for TD-linear).
	Q      []float64
	Greedy []int
	RMSE   float64 // √(mean over states of Error²)

	// Features: Labels[i] names φ_i; Maps holds φ_i(s) at [i·S + s] when
	// there are at most MaxFeatureMaps features (else nil); Weights holds
	// w_a at [a·F, (a+1)·F), F = len(Labels), one action for TD-linear.
	Labels  []string
	Maps    []float64
	Weights []float64
	Spec    string // the features' spec as JSON

	// Curves: per finished episode, its return, length and the RMSE at its
	// end (which starts with the RMSE before any step, at x = 0); Optimal
	// the share of states whose greedy action is optimal (not TD-linear).
	Returns, Lengths, RMSEs, Optimal Curve

	Cell        int   // the agent's cell, −1 before the first step
	Trail       []int // cells of the current episode, its start first
	Steps       int
	Episodes    int
	EpisodeStep int
	Return      float64
	Epsilon     float64
	Gamma       float64
	Diverged    string // what went NaN or infinite, or ""
	Version     int    // changes when the run restarts
}

// Snapshot copies the session's state into dst, reusing its buffers; it
// allocates nothing once they have grown.
func (s *VFA) Snapshot(dst *VFASnapshot) {
	s.measure()
	m := s.model
	r := s.runner
	l := r.Learner
	f := l.Featurizer()
	dst.Method, dst.World, dst.State, dst.S, dst.A = s.method, s.world, m.State, m.S, m.A
	dst.V = append(dst.V[:0], s.v...)
	dst.Truth = append(dst.Truth[:0], s.truth...)
	dst.Error = append(dst.Error[:0], s.v...)
	for i := range dst.Error {
		dst.Error[i] -= s.truth[i]
	}
	dst.RMSE = s.rmse
	if s.ctl != nil {
		dst.Q = append(dst.Q[:0], s.q...)
		dst.Greedy = resizeI(dst.Greedy, m.S)
		for st := range dst.Greedy {
			row := s.q[st*m.A : (st+1)*m.A]
			best := 0
			for a := range row {
				if row[a] > row[best] {
					best = a
				}
			}
			dst.Greedy[st] = best
		}
	} else {
		dst.Q, dst.Greedy = dst.Q[:0], dst.Greedy[:0]
	}
	n := f.Len()
	if len(dst.Labels) != n || dst.Version != s.version {
		dst.Labels = make([]string, n)
		for i := range dst.Labels {
			dst.Labels[i] = f.Label(i)
		}
		dst.Spec = f.Spec().String()
	}
	if n <= MaxFeatureMaps {
		dst.Maps = resizeF(dst.Maps, n*m.S)
		nc := len(s.raws) / m.S
		clear(dst.Maps)
		for st := 0; st < m.S; st++ {
			f.Sparse(&s.x, s.raws[st*nc:(st+1)*nc])
			for k, i := range s.x.Idx {
				dst.Maps[int(i)*m.S+st] = s.x.Val[k]
			}
		}
	} else {
		dst.Maps = dst.Maps[:0]
	}
	dst.Weights = append(dst.Weights[:0], l.Weights()...)
	s.returns.copyTo(&dst.Returns)
	s.lengths.copyTo(&dst.Lengths)
	s.rmses.copyTo(&dst.RMSEs)
	s.optimal.copyTo(&dst.Optimal)
	dst.Cell = -1
	if r.State >= 0 {
		dst.Cell = m.Cell[r.State]
	}
	dst.Trail = append(resizeI(dst.Trail, 0), s.trail...)
	dst.Steps, dst.Episodes, dst.EpisodeStep, dst.Return = r.Steps, r.Episode, r.T, r.Return
	dst.Epsilon, dst.Gamma = l.Epsilon(), l.Config().Gamma
	dst.Diverged = r.Diverged
	if dst.Diverged == "" && (math.IsNaN(s.rmse) || math.IsInf(s.rmse, 0)) {
		dst.Diverged = fmt.Sprintf("v̂ is %v: the weights diverged (try a smaller α)", s.rmse)
	}
	dst.Version = s.version
}
