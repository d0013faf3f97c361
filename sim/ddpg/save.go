package ddpg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"bellman/sim/control"
	"bellman/sim/nn"
)

// State is what a Trainer has learned and where it is, for a save file:
// the networks with their optimizers' moments, the update count, the
// episode in progress (the environment's state, the observation, the
// noise process), the counters and the states of the random streams. The
// replay buffer is optional: with it a trainer built from the same
// configuration and loaded continues bit for bit; without it the loaded
// trainer starts from an empty buffer and updates again once it holds a
// batch.
type State struct {
	Actor         nn.NetState     `json:"actor"`
	ActorTarget   nn.NetState     `json:"actor_target"`
	Critics       []nn.NetState   `json:"critics"`
	CriticTargets []nn.NetState   `json:"critic_targets"`
	ActorOptim    nn.OptimState   `json:"actor_optim"`
	CriticOptims  []nn.OptimState `json:"critic_optims"`
	Updates       int             `json:"updates"`
	Replay        *ReplayState    `json:"replay,omitempty"`

	Env           control.EnvState `json:"env"`
	Obs           []float64        `json:"obs"`
	Action        []float64        `json:"action"`
	Noise         []float64        `json:"noise"` // the OU process
	ReplayRNG     []byte           `json:"replay_rng"`
	ExploreRNG    []byte           `json:"explore_rng"`
	EnvRNG        []byte           `json:"env_rng"`
	Steps         int              `json:"steps"`
	Episodes      int              `json:"episodes"`
	EpisodeReturn float64          `json:"episode_return"`
	EpisodeLength int              `json:"episode_length"`
	Last          Episode          `json:"last"`
	Ended         bool             `json:"ended"`
}

// ReplayState is a replay buffer's transitions, slot by slot (slot Next is
// the next Add's; the buffer is a ring once Size reaches its capacity),
// with normalised actions.
type ReplayState struct {
	Next    int       `json:"next"`
	Size    int       `json:"size"`
	Obs     []float64 `json:"obs"`
	Act     []float64 `json:"act"`
	Reward  []float64 `json:"reward"`
	Term    []float64 `json:"term"`
	NextObs []float64 `json:"next_obs"`
}

// ReplayNumbers returns how many numbers a saved replay buffer of n
// transitions holds: n·(2·obs + act + 2). JSON takes about 20 bytes each.
func (a *Agent) ReplayNumbers(n int) int { return n * (2*a.obsDim + a.actDim + 2) }

// SaveState returns a copy of the trainer's state, with the replay buffer
// if replay is set. A network or buffer holding NaN or infinite values is
// an error.
func (t *Trainer) SaveState(replay bool) (State, error) {
	a := t.agent
	s := State{Actor: a.actor.State(), ActorTarget: a.actorTarget.State(), Updates: a.updates,
		Env: control.SaveEnv(t.env), Obs: slices.Clone(t.obs), Action: slices.Clone(t.action), Noise: slices.Clone(t.noise.x),
		ReplayRNG: rng(t.srcReplay), ExploreRNG: rng(t.srcExplore), EnvRNG: rng(t.srcEnv),
		Steps: t.steps, Episodes: t.episodes, EpisodeReturn: t.epReturn, EpisodeLength: t.epLen, Last: t.last, Ended: t.ended}
	var err error
	if s.ActorOptim, err = nn.OptimizerState(a.actorOpt); err != nil {
		return State{}, err
	}
	for i := range a.critics {
		s.Critics = append(s.Critics, a.critics[i].State())
		s.CriticTargets = append(s.CriticTargets, a.criticTargets[i].State())
		o, err := nn.OptimizerState(a.criticOpts[i])
		if err != nil {
			return State{}, err
		}
		s.CriticOptims = append(s.CriticOptims, o)
	}
	if replay {
		s.Replay = a.replay.State()
	}
	if err := s.finite(); err != nil {
		return State{}, err
	}
	return s, nil
}

// finite reports the first NaN or infinite number of s.
func (s *State) finite() error {
	check := func(what string, xs []float64) error {
		for i, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s[%d] is %v: the run diverged", what, i, x)
			}
		}
		return nil
	}
	lists := []struct {
		what string
		xs   []float64
	}{{"actor", s.Actor.Params}, {"actor target", s.ActorTarget.Params}, {"actor optimizer m", s.ActorOptim.M},
		{"actor optimizer v", s.ActorOptim.V}, {"observation", s.Obs}, {"action", s.Action}, {"noise", s.Noise},
		{"environment state", s.Env.State}, {"returns", []float64{s.EpisodeReturn, s.Last.Return}}}
	for i := range s.Critics {
		lists = append(lists, struct {
			what string
			xs   []float64
		}{fmt.Sprintf("critic %d", i+1), s.Critics[i].Params}, struct {
			what string
			xs   []float64
		}{fmt.Sprintf("critic target %d", i+1), s.CriticTargets[i].Params})
	}
	if r := s.Replay; r != nil {
		for _, l := range []struct {
			what string
			xs   []float64
		}{{"replay obs", r.Obs}, {"replay act", r.Act}, {"replay reward", r.Reward}, {"replay next_obs", r.NextObs}} {
			lists = append(lists, l)
		}
	}
	for _, l := range lists {
		if err := check(l.what, l.xs); err != nil {
			return err
		}
	}
	return nil
}

// LoadState replaces the trainer's state by s, which must come from a
// trainer of the same configuration and environment: every network's
// sizes, every buffer's length and every index are checked, and on error
// the trainer is unchanged.
func (t *Trainer) LoadState(s State) error {
	a := t.agent
	n := len(a.critics)
	if len(s.Critics) != n || len(s.CriticTargets) != n || len(s.CriticOptims) != n {
		return fmt.Errorf("the state has %d critics, %d targets and %d optimizers; %s has %d", len(s.Critics), len(s.CriticTargets), len(s.CriticOptims), a.cfg.Algo, n)
	}
	O, A := a.obsDim, a.actDim
	switch {
	case s.Updates < 0 || s.Steps < 0 || s.Episodes < 0 || s.EpisodeLength < 0:
		return fmt.Errorf("negative counts: %d updates, %d steps, %d episodes, episode length %d", s.Updates, s.Steps, s.Episodes, s.EpisodeLength)
	case len(s.Obs) != O:
		return fmt.Errorf("obs has %d values, the environment has %d", len(s.Obs), O)
	case len(s.Action) != A || len(s.Noise) != A:
		return fmt.Errorf("action and noise have %d and %d values, the environment has %d", len(s.Action), len(s.Noise), A)
	}
	if err := s.finite(); err != nil {
		return err
	}
	if s.Replay != nil {
		if err := a.replay.Check(s.Replay); err != nil {
			return err
		}
	}
	// Networks and optimizers into copies first, so that an error leaves
	// the trainer as it was.
	actor, actorTarget := a.actor.Clone(), a.actorTarget.Clone()
	if err := actor.SetState("actor", s.Actor); err != nil {
		return err
	}
	if err := actorTarget.SetState("actor target", s.ActorTarget); err != nil {
		return err
	}
	critics, targets := make([]*nn.MLP, n), make([]*nn.MLP, n)
	for i := range n {
		critics[i], targets[i] = a.critics[i].Clone(), a.criticTargets[i].Clone()
		if err := critics[i].SetState(fmt.Sprintf("critic %d", i+1), s.Critics[i]); err != nil {
			return err
		}
		if err := targets[i].SetState(fmt.Sprintf("critic target %d", i+1), s.CriticTargets[i]); err != nil {
			return err
		}
	}
	probe := func(o nn.Optimizer, size int, what string, st nn.OptimState) error {
		p, err := nn.NewOptimizer(o.Config(), size)
		if err != nil {
			return err
		}
		return nn.SetOptimizerState(p, what, st)
	}
	if err := probe(a.actorOpt, len(a.actor.Params()), "actor optimizer", s.ActorOptim); err != nil {
		return err
	}
	for i, o := range a.criticOpts {
		if err := probe(o, len(a.critics[i].Params()), fmt.Sprintf("critic optimizer %d", i+1), s.CriticOptims[i]); err != nil {
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
	if err := control.RestoreEnv(t.env, s.Env); err != nil { // the last check: it changes the environment only if it passes
		return err
	}
	// Nothing below fails.
	t.srcReplay.UnmarshalBinary(s.ReplayRNG)
	t.srcExplore.UnmarshalBinary(s.ExploreRNG)
	t.srcEnv.UnmarshalBinary(s.EnvRNG)
	copy(a.actor.Params(), actor.Params())
	copy(a.actorTarget.Params(), actorTarget.Params())
	for i := range n {
		copy(a.critics[i].Params(), critics[i].Params())
		copy(a.criticTargets[i].Params(), targets[i].Params())
	}
	nn.SetOptimizerState(a.actorOpt, "", s.ActorOptim)
	for i, o := range a.criticOpts {
		nn.SetOptimizerState(o, "", s.CriticOptims[i])
	}
	a.updates = s.Updates
	if s.Replay != nil {
		a.replay.load(s.Replay)
	} else {
		a.replay.Clear()
	}
	copy(t.obs, s.Obs)
	copy(t.action, s.Action)
	copy(t.noise.x, s.Noise)
	t.steps, t.episodes, t.epReturn, t.epLen, t.last, t.ended = s.Steps, s.Episodes, s.EpisodeReturn, s.EpisodeLength, s.Last, s.Ended
	return nil
}

func rng(p *rand.PCG) []byte {
	b, _ := p.MarshalBinary() // cannot fail
	return b
}

// State returns a copy of the buffer's transitions.
func (b *Replay) State() *ReplayState {
	n, o, a := b.size, b.obsDim, b.actDim
	return &ReplayState{Next: b.next, Size: n,
		Obs: slices.Clone(b.obs[:n*o]), Act: slices.Clone(b.act[:n*a]), Reward: slices.Clone(b.rew[:n]),
		Term: slices.Clone(b.term[:n]), NextObs: slices.Clone(b.nextObs[:n*o])}
}

// Check reports a saved buffer that does not fit b.
func (b *Replay) Check(s *ReplayState) error {
	n, o, a := s.Size, b.obsDim, b.actDim
	switch {
	case n < 0 || n > b.capacity:
		return fmt.Errorf("the replay holds %d transitions, its capacity is %d", n, b.capacity)
	case s.Next < 0 || s.Next >= b.capacity || (n < b.capacity && s.Next != n):
		return fmt.Errorf("the replay's next slot %d does not fit %d transitions in %d", s.Next, n, b.capacity)
	case len(s.Obs) != n*o || len(s.NextObs) != n*o || len(s.Act) != n*a || len(s.Reward) != n || len(s.Term) != n:
		return fmt.Errorf("the replay's arrays do not hold %d transitions of %d observations and %d actions", n, o, a)
	}
	for i, x := range s.Term {
		if x != 0 && x != 1 {
			return fmt.Errorf("replay term[%d] = %v, want 0 or 1", i, x)
		}
	}
	return nil
}

// SetState replaces the buffer's transitions by s; on error (see Check)
// the buffer is unchanged.
func (b *Replay) SetState(s *ReplayState) error {
	if err := b.Check(s); err != nil {
		return err
	}
	b.load(s)
	return nil
}

func (b *Replay) load(s *ReplayState) {
	b.next, b.size = s.Next, s.Size
	copy(b.obs, s.Obs)
	copy(b.act, s.Act)
	copy(b.rew, s.Reward)
	copy(b.term, s.Term)
	copy(b.nextObs, s.NextObs)
}

// LastStep returns what the last Step returned (zero before the first),
// for recording trajectories.
func (t *Trainer) LastStep() StepResult { return t.lastStep }
