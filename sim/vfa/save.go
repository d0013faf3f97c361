package vfa

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"bellman/sim/control"
	"bellman/sim/features"
)

// State is what a Runner, its linear learner and its task hold, for a save
// file: the weights and ε, the feature vectors of the current state (and
// n-step Sarsa's ring of the last n+1 steps), the episode in progress and
// the environment's state. The random streams belong to whoever made them
// and are saved by it. With it a runner built from the same task and
// configuration continues exactly.
type State struct {
	Weights []float64         `json:"weights"`
	Epsilon float64           `json:"epsilon"`
	X       *features.Vector  `json:"x,omitempty"` // TD-linear: φ of the current state
	TDState int               `json:"td_state,omitempty"`
	Ring    []features.Vector `json:"ring,omitempty"` // linear Sarsa and Q-learning: φ(S_t) at t mod (n+1)
	Actions []int             `json:"ring_actions,omitempty"`
	Rewards []float64         `json:"ring_rewards,omitempty"`
	Time    int               `json:"time,omitempty"`
	Action  int               `json:"action,omitempty"`

	Episode int       `json:"episode"`
	Steps   int       `json:"steps"`
	T       int       `json:"t"`
	Return  float64   `json:"return"`
	State   int       `json:"state"`
	Raw     []float64 `json:"raw"`
	Next    int       `json:"next_action"`
	Ended   bool      `json:"ended"`

	GridState   int               `json:"grid_state,omitempty"`
	GridElapsed int               `json:"grid_elapsed,omitempty"`
	Env         *control.EnvState `json:"env,omitempty"`
	Obs         []float64         `json:"obs,omitempty"`
	LastAction  []float64         `json:"last_action,omitempty"`
}

func cloneVector(v features.Vector) features.Vector {
	return features.Vector{Idx: slices.Clone(v.Idx), Val: slices.Clone(v.Val)}
}

// SaveState returns a copy of the runner's state; diverged weights are an
// error.
func (r *Runner) SaveState() (State, error) {
	if r.Diverged != "" {
		return State{}, fmt.Errorf("%s", r.Diverged)
	}
	s := State{Episode: r.Episode, Steps: r.Steps, T: r.T, Return: r.Return, State: r.State, Raw: slices.Clone(r.raw), Next: r.a, Ended: r.ended}
	var lin *linear
	switch l := r.Learner.(type) {
	case *TD:
		lin = &l.linear
		x := cloneVector(l.x)
		s.X, s.TDState = &x, l.s
	case *Control:
		lin = &l.linear
		for _, v := range l.xs {
			s.Ring = append(s.Ring, cloneVector(v))
		}
		s.Actions, s.Rewards, s.Time, s.Action = slices.Clone(l.ac), slices.Clone(l.rw), l.t, l.a
	default:
		return State{}, fmt.Errorf("vfa: cannot save a %T", r.Learner)
	}
	s.Weights, s.Epsilon = slices.Clone(lin.w), lin.eps
	switch t := r.Task.(type) {
	case *GridTask:
		s.GridState, s.GridElapsed = t.Env.Position()
	case *ControlTask:
		e := control.SaveEnv(t.Env)
		s.Env, s.Obs, s.LastAction = &e, slices.Clone(t.obs), slices.Clone(t.act)
	default:
		return State{}, fmt.Errorf("vfa: cannot save a %T task", r.Task)
	}
	if err := s.finite(); err != nil {
		return State{}, err
	}
	return s, nil
}

func (s *State) finite() error {
	lists := map[string][]float64{"weights": s.Weights, "raw": s.Raw, "ring_rewards": s.Rewards, "obs": s.Obs,
		"last_action": s.LastAction, "numbers": {s.Epsilon, s.Return}}
	if s.X != nil {
		lists["x"] = s.X.Val
	}
	for i, v := range s.Ring {
		lists[fmt.Sprintf("ring %d", i)] = v.Val
	}
	for _, name := range slices.Sorted(maps.Keys(lists)) {
		for i, x := range lists[name] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s[%d] is %v: the run diverged", name, i, x)
			}
		}
	}
	return nil
}

// checkVector reports a vector that is not one of f's.
func checkVector(what string, v features.Vector, f *features.Featurizer) error {
	if len(v.Idx) != len(v.Val) {
		return fmt.Errorf("%s has %d indices and %d values", what, len(v.Idx), len(v.Val))
	}
	for _, i := range v.Idx {
		if i < 0 || int(i) >= f.Len() {
			return fmt.Errorf("%s has component %d, the features have %d", what, i, f.Len())
		}
	}
	return nil
}

// LoadState replaces the runner's state by s, which must come from a
// runner of the same task, method and features; every size and index is
// checked, and on error the runner is unchanged.
func (r *Runner) LoadState(s State) error {
	if err := s.finite(); err != nil {
		return err
	}
	var lin *linear
	switch l := r.Learner.(type) {
	case *TD:
		lin = &l.linear
		if s.X == nil || s.Ring != nil {
			return fmt.Errorf("the state is not TD-linear's")
		}
		if err := checkVector("x", *s.X, l.f); err != nil {
			return err
		}
	case *Control:
		lin = &l.linear
		L := l.steps + 1
		if len(s.Ring) != L || len(s.Actions) != L || len(s.Rewards) != L {
			return fmt.Errorf("the ring holds %d vectors, %d actions and %d rewards, n-step Sarsa with n = %d needs %d", len(s.Ring), len(s.Actions), len(s.Rewards), l.steps, L)
		}
		for i, v := range s.Ring {
			if err := checkVector(fmt.Sprintf("ring %d", i), v, l.f); err != nil {
				return err
			}
		}
		for i, a := range append(slices.Clone(s.Actions), s.Action, s.Next) {
			if a < 0 || a >= l.A {
				return fmt.Errorf("action %d (entry %d) is outside [0, %d)", a, i, l.A)
			}
		}
		if s.Time < 0 {
			return fmt.Errorf("time %d is negative", s.Time)
		}
	default:
		return fmt.Errorf("vfa: cannot load into a %T", r.Learner)
	}
	switch {
	case len(s.Weights) != len(lin.w):
		return fmt.Errorf("weights has %d values, the features and actions need %d", len(s.Weights), len(lin.w))
	case !(s.Epsilon >= 0 && s.Epsilon <= 1):
		return fmt.Errorf("epsilon %v is outside [0, 1]", s.Epsilon)
	case len(s.Raw) != len(r.raw):
		return fmt.Errorf("raw has %d values, the task has %d columns", len(s.Raw), len(r.raw))
	case s.Episode < 0 || s.Steps < 0 || s.T < 0 || s.T > s.Steps:
		return fmt.Errorf("counts of %d episodes, %d steps and %d in the episode do not fit", s.Episode, s.Steps, s.T)
	}
	switch t := r.Task.(type) {
	case *GridTask:
		S := t.Model.S
		if s.Env != nil || s.State < -1 || s.State >= S || s.GridState < 0 || s.GridState >= S || s.GridElapsed < 0 {
			return fmt.Errorf("grid states %d and %d (elapsed %d) are not the world's %d", s.State, s.GridState, s.GridElapsed, S)
		}
		if _, ok := r.Learner.(*TD); ok && (s.TDState < 0 || s.TDState >= S) {
			return fmt.Errorf("td_state %d is outside [0, %d)", s.TDState, S)
		}
		if !s.Ended && s.State != s.GridState {
			return fmt.Errorf("mid-episode the runner is in state %d, the environment in %d", s.State, s.GridState)
		}
		t.Env.SetPosition(s.GridState, s.GridElapsed)
	case *ControlTask:
		if s.Env == nil || len(s.Obs) != len(t.obs) || len(s.LastAction) != len(t.act) {
			return fmt.Errorf("the state has no control task's state, or one of other sizes")
		}
		if err := control.RestoreEnv(t.Env, *s.Env); err != nil { // the last check
			return err
		}
		copy(t.obs, s.Obs)
		copy(t.act, s.LastAction)
	default:
		return fmt.Errorf("vfa: cannot load into a %T task", r.Task)
	}
	copy(lin.w, s.Weights)
	lin.eps = s.Epsilon
	switch l := r.Learner.(type) {
	case *TD:
		l.x.CopyFrom(s.X)
		l.s = s.TDState
	case *Control:
		for i := range l.xs {
			l.xs[i].CopyFrom(&s.Ring[i])
		}
		copy(l.ac, s.Actions)
		copy(l.rw, s.Rewards)
		l.t, l.a = s.Time, s.Action
	}
	r.Episode, r.Steps, r.T, r.Return, r.State, r.a, r.ended = s.Episode, s.Steps, s.T, s.Return, s.State, s.Next, s.Ended
	copy(r.raw, s.Raw)
	return nil
}
