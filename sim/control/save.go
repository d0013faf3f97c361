package control

import (
	"fmt"
	"slices"
)

// EnvState is everything an environment holds, for a save file: its
// internal state (State), the flags Step reads besides it (MountainCar's
// float32 storage, CartPole's step after termination) and what it keeps
// for drawing (the last torque or force), and the time limit's count.
type EnvState struct {
	Name      string    `json:"name"`
	State     []float64 `json:"state"`
	Extra     []float64 `json:"extra,omitempty"`
	Elapsed   int       `json:"elapsed"`
	Truncated bool      `json:"truncated"`
}

// SaveEnv returns the full state of env (a TimeLimit's count included).
func SaveEnv(env Env) EnvState {
	var s EnvState
	if t, ok := env.(*TimeLimit); ok {
		s.Elapsed, s.Truncated = t.elapsed, t.truncated
		env = t.Env
	}
	s.Name, s.State = env.Name(), env.State(nil)
	switch e := env.(type) {
	case *Pendulum:
		s.Extra = []float64{e.lastU}
	case *MountainCar:
		s.Extra = []float64{b2f(e.stored32)}
	case *CartPole:
		s.Extra = []float64{b2f(e.terminatedBefore)}
	case *CartPoleDiscrete:
		s.Extra = []float64{b2f(e.terminatedBefore)}
	case *PointMass:
		s.Extra = []float64{e.lastFx, e.lastFy, b2f(e.bumped)}
	}
	return s
}

// RestoreEnv puts env (of the same name) in the state SaveEnv returned.
// On error env is unchanged.
func RestoreEnv(env Env, s EnvState) error {
	t, _ := env.(*TimeLimit)
	if t != nil {
		env = t.Env
		if s.Elapsed < 0 || s.Elapsed > t.max {
			return fmt.Errorf("environment elapsed %d is outside [0, %d]", s.Elapsed, t.max)
		}
	}
	if s.Name != env.Name() {
		return fmt.Errorf("the environment state is of %q, not %q", s.Name, env.Name())
	}
	var want int
	switch env.(type) {
	case *Pendulum, *MountainCar, *CartPole, *CartPoleDiscrete:
		want = 1
	case *PointMass:
		want = 3
	}
	if len(s.Extra) != want {
		return fmt.Errorf("the %s state has %d extra values, want %d", s.Name, len(s.Extra), want)
	}
	if err := checkState(s.Name, s.State, env.StateDim()); err != nil {
		return err
	}
	if err := checkState(s.Name+" extra", s.Extra, want); err != nil {
		return err
	}
	old := env.State(nil)
	if err := env.SetState(s.State); err != nil {
		return err
	}
	if !slices.Equal(env.State(nil), s.State) {
		env.SetState(old)
		return fmt.Errorf("%s does not take its state exactly", s.Name)
	}
	switch e := env.(type) {
	case *Pendulum:
		e.lastU = s.Extra[0]
	case *MountainCar:
		e.stored32 = s.Extra[0] != 0
	case *CartPole:
		e.terminatedBefore = s.Extra[0] != 0
	case *CartPoleDiscrete:
		e.terminatedBefore = s.Extra[0] != 0
	case *PointMass:
		e.lastFx, e.lastFy, e.bumped = s.Extra[0], s.Extra[1], s.Extra[2] != 0
	}
	if t != nil {
		t.elapsed, t.truncated = s.Elapsed, s.Truncated
	}
	return nil
}

// Observe writes the observation of env's current state into obs (length
// ObsDim), as Reset and Step would: the observation of a state set with
// SetState, before any step.
func Observe(env Env, obs []float64) {
	if t, ok := env.(*TimeLimit); ok {
		env = t.Env
	}
	checkObs(env.Name(), obs, env.ObsDim())
	o, ok := env.(interface{ obs([]float64) })
	if !ok {
		panic("control: Observe: " + env.Name() + " has no observation function")
	}
	o.obs(obs)
}
