package dqn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"bellman/sim/control"
	"bellman/sim/ddpg"
	"bellman/sim/nn"
)

// State is what a Trainer has learned and where it is, for a save file:
// the online and target networks, the optimizer's moments, the update
// count, the environment's state, the observation, the counters and the
// states of the random streams, and optionally the replay buffer (without
// it a loaded trainer starts from an empty buffer and updates again once
// it holds a batch; with it, it continues bit for bit).
type State struct {
	Online        nn.NetState       `json:"online"`
	Target        nn.NetState       `json:"target"`
	Optim         nn.OptimState     `json:"optim"`
	Updates       int               `json:"updates"`
	Replay        *ddpg.ReplayState `json:"replay,omitempty"`
	Env           EnvState          `json:"env"`
	Obs           []float64         `json:"obs"`
	Action        int               `json:"action"`
	ReplayRNG     []byte            `json:"replay_rng"`
	ExploreRNG    []byte            `json:"explore_rng"`
	EnvRNG        []byte            `json:"env_rng"`
	Steps         int               `json:"steps"`
	Episodes      int               `json:"episodes"`
	EpisodeReturn float64           `json:"episode_return"`
	EpisodeLength int               `json:"episode_length"`
	Last          Episode           `json:"last"`
	Ended         bool              `json:"ended"`
}

// EnvState is a DQN environment's state: a control task's, or a grid
// world's state and steps in the episode.
type EnvState struct {
	Control     *control.EnvState `json:"control,omitempty"`
	GridState   int               `json:"grid_state,omitempty"`
	GridElapsed int               `json:"grid_elapsed,omitempty"`
}

func pcg(p *rand.PCG) []byte {
	b, _ := p.MarshalBinary() // cannot fail
	return b
}

// SaveState returns a copy of the trainer's state, with the replay buffer
// if replay is set; NaN or infinite numbers are an error.
func (t *Trainer) SaveState(replay bool) (State, error) {
	a := t.agent
	o, err := nn.OptimizerState(a.opt)
	if err != nil {
		return State{}, err
	}
	s := State{Online: a.online.State(), Target: a.target.State(), Optim: o, Updates: a.updates,
		Obs: slices.Clone(t.obs), Action: t.action,
		ReplayRNG: pcg(t.srcReplay), ExploreRNG: pcg(t.srcExplore), EnvRNG: pcg(t.srcEnv),
		Steps: t.steps, Episodes: t.episodes, EpisodeReturn: t.epReturn, EpisodeLength: t.epLen, Last: t.last, Ended: t.ended}
	switch e := t.env.(type) {
	case *Control:
		cs := control.SaveEnv(e.TimeLimit)
		s.Env.Control = &cs
	case *Grid:
		s.Env.GridState, s.Env.GridElapsed = e.s, e.t
	default:
		return State{}, fmt.Errorf("dqn: cannot save a %T environment", t.env)
	}
	if replay {
		s.Replay = a.replay.State()
	}
	if err := s.finite(); err != nil {
		return State{}, err
	}
	return s, nil
}

func (s *State) finite() error {
	lists := [][]float64{s.Online.Params, s.Target.Params, s.Optim.M, s.Optim.V, s.Optim.Max, s.Optim.Buf, s.Obs,
		{s.EpisodeReturn, s.Last.Return}}
	names := []string{"online network", "target network", "optimizer m", "optimizer v", "optimizer max_v", "optimizer momentum",
		"observation", "returns"}
	if s.Env.Control != nil {
		lists, names = append(lists, s.Env.Control.State), append(names, "environment state")
	}
	if r := s.Replay; r != nil {
		lists = append(lists, r.Obs, r.Act, r.Reward, r.NextObs)
		names = append(names, "replay obs", "replay act", "replay reward", "replay next_obs")
	}
	for k, xs := range lists {
		for i, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s[%d] is %v: the run diverged", names[k], i, x)
			}
		}
	}
	return nil
}

// LoadState replaces the trainer's state by s, which must come from a
// trainer of the same configuration and environment; every size and index
// is checked, and on error the trainer is unchanged.
func (t *Trainer) LoadState(s State) error {
	a := t.agent
	switch {
	case s.Updates < 0 || s.Steps < 0 || s.Episodes < 0 || s.EpisodeLength < 0:
		return fmt.Errorf("negative counts: %d updates, %d steps, %d episodes, episode length %d", s.Updates, s.Steps, s.Episodes, s.EpisodeLength)
	case len(s.Obs) != a.obsDim:
		return fmt.Errorf("obs has %d values, the environment has %d", len(s.Obs), a.obsDim)
	case s.Action < 0 || s.Action >= a.nA:
		return fmt.Errorf("action %d is outside [0, %d)", s.Action, a.nA)
	}
	if err := s.finite(); err != nil {
		return err
	}
	online, target := a.online.Clone(), a.target.Clone()
	if err := online.SetState("online network", s.Online); err != nil {
		return err
	}
	if err := target.SetState("target network", s.Target); err != nil {
		return err
	}
	probe, err := nn.NewOptimizer(a.opt.Config(), len(a.online.Params()))
	if err != nil {
		return err
	}
	if err := nn.SetOptimizerState(probe, "optimizer", s.Optim); err != nil {
		return err
	}
	if s.Replay != nil {
		if err := a.replay.Check(s.Replay); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		state []byte
		which string
	}{{s.ReplayRNG, "replay_rng"}, {s.ExploreRNG, "explore_rng"}, {s.EnvRNG, "env_rng"}} {
		var p rand.PCG
		if err := p.UnmarshalBinary(r.state); err != nil {
			return fmt.Errorf("random stream %s: not a PCG state", r.which)
		}
	}
	switch e := t.env.(type) { // the last check: it changes the environment only if it passes
	case *Control:
		if s.Env.Control == nil {
			return fmt.Errorf("the state has no control task's state")
		}
		if err := control.RestoreEnv(e.TimeLimit, *s.Env.Control); err != nil {
			return err
		}
	case *Grid:
		if s.Env.Control != nil || s.Env.GridState < 0 || s.Env.GridState >= e.Model.S || s.Env.GridElapsed < 0 {
			return fmt.Errorf("grid state %d (elapsed %d) is not one of the world's %d", s.Env.GridState, s.Env.GridElapsed, e.Model.S)
		}
		e.s, e.t = s.Env.GridState, s.Env.GridElapsed
	default:
		return fmt.Errorf("dqn: cannot load into a %T environment", t.env)
	}
	t.srcReplay.UnmarshalBinary(s.ReplayRNG)
	t.srcExplore.UnmarshalBinary(s.ExploreRNG)
	t.srcEnv.UnmarshalBinary(s.EnvRNG)
	copy(a.online.Params(), online.Params())
	copy(a.target.Params(), target.Params())
	nn.SetOptimizerState(a.opt, "", s.Optim)
	a.updates = s.Updates
	if s.Replay != nil {
		a.replay.SetState(s.Replay)
	} else {
		a.replay.Clear()
	}
	copy(t.obs, s.Obs)
	t.action = s.Action
	t.steps, t.episodes, t.epReturn, t.epLen, t.last, t.ended = s.Steps, s.Episodes, s.EpisodeReturn, s.EpisodeLength, s.Last, s.Ended
	return nil
}
