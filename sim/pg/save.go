package pg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// State is what a Trainer and its Agent have learned and where they are,
// for a save file: the preferences and critics, the episode in progress
// (REINFORCE's buffers, the running estimate, the row π(·|s) the last
// action was drawn from), the counters, the environment's position, the
// last finished episode's measures and the states of the random streams.
// With it a trainer built from the same model and configuration continues
// exactly.
type State struct {
	H    []float64 `json:"h"`
	V    []float64 `json:"v,omitempty"`
	Q    []float64 `json:"q,omitempty"`
	Mean float64   `json:"mean"`
	NRet float64   `json:"mean_count"`

	AgentState int       `json:"agent_state"`
	Action     int       `json:"action"`
	Time       int       `json:"time"`
	Weight     float64   `json:"weight"`
	Next       int       `json:"next"`
	PiA        float64   `json:"pi_a"`
	BetaA      float64   `json:"beta_a"`
	Pi         []float64 `json:"pi"`
	PiState    int       `json:"pi_state"`
	EpStates   []int     `json:"episode_states"`
	EpActions  []int     `json:"episode_actions"`
	EpRewards  []float64 `json:"episode_rewards"`
	EpRows     []float64 `json:"episode_rows"`
	Estimate   []float64 `json:"estimate"`
	Episodes   int       `json:"episodes"`
	Steps      int       `json:"steps"`
	T          int       `json:"t"`
	Return     float64   `json:"return"`
	State      int       `json:"state"`
	Start      int       `json:"start"`
	Ended      bool      `json:"ended"`
	EpisodeErr float64   `json:"episode_error"`
	Last       Episode   `json:"last"`
	H0         []float64 `json:"h0"`
	Grad       []float64 `json:"grad"`
	Sample     []float64 `json:"sample"`
	EnvState   int       `json:"env_state"`
	EnvTime    int       `json:"env_time"`
	EnvRNG     []byte    `json:"env_rng"`
	AgentRNG   []byte    `json:"agent_rng"`
	GapValues  []float64 `json:"gap_values"` // the optimum's v_π warm start
}

// SaveState returns a copy of the trainer's state; one whose numbers went
// NaN or infinite is an error.
func (t *Trainer) SaveState() (State, error) {
	a := t.Agent
	es, et := t.Env.Position()
	envRNG, _ := t.envSrc.MarshalBinary()
	agRNG, _ := t.agSrc.MarshalBinary()
	s := State{H: slices.Clone(a.pol.H), V: slices.Clone(a.v), Q: slices.Clone(a.q), Mean: a.mean, NRet: a.nRet,
		AgentState: a.s, Action: a.a, Time: a.t, Weight: a.w, Next: a.next, PiA: a.piA, BetaA: a.bA,
		Pi: slices.Clone(a.pi), PiState: a.piState,
		EpStates: slices.Clone(a.es), EpActions: slices.Clone(a.ea), EpRewards: slices.Clone(a.er), EpRows: slices.Clone(a.ep),
		Estimate: slices.Clone(a.est),
		Episodes: t.Episodes, Steps: t.Steps, T: t.T, Return: t.Return, State: t.State, Start: t.Start, Ended: t.ended,
		EpisodeErr: t.epErr, Last: t.Last, H0: slices.Clone(t.h0), Grad: slices.Clone(t.grad), Sample: slices.Clone(t.sample),
		EnvState: es, EnvTime: et, EnvRNG: envRNG, AgentRNG: agRNG, GapValues: slices.Clone(t.Opt.PolicyValues())}
	if err := s.finite(); err != nil {
		return State{}, err
	}
	return s, nil
}

func (s *State) finite() error {
	for _, l := range []struct {
		what string
		xs   []float64
	}{{"h", s.H}, {"v", s.V}, {"q", s.Q}, {"pi", s.Pi}, {"episode_rewards", s.EpRewards}, {"episode_rows", s.EpRows},
		{"estimate", s.Estimate}, {"h0", s.H0}, {"grad", s.Grad}, {"sample", s.Sample}, {"gap_values", s.GapValues},
		{"numbers", []float64{s.Mean, s.NRet, s.Weight, s.PiA, s.BetaA, s.Return, s.EpisodeErr, s.Last.Return, s.Last.Error,
			s.Last.J, s.Last.Cosine, s.Last.SqError, s.Last.GradNorm, s.Last.EstNorm}}} {
		for i, x := range l.xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s[%d] is %v: the run diverged", l.what, i, x)
			}
		}
	}
	return nil
}

// LoadState replaces the trainer's state by s, which must come from a
// trainer of the same method on a model of the same shape: every length
// and index is checked, and on error the trainer is unchanged.
func (t *Trainer) LoadState(s State) error {
	a := t.Agent
	S, A := a.S, a.A
	n := S * A
	lens := []struct {
		what      string
		got, want int
	}{{"h", len(s.H), n}, {"v", len(s.V), len(a.v)}, {"q", len(s.Q), len(a.q)}, {"pi", len(s.Pi), A},
		{"estimate", len(s.Estimate), n}, {"h0", len(s.H0), n}, {"grad", len(s.Grad), n}, {"sample", len(s.Sample), n},
		{"gap_values", len(s.GapValues), S},
		{"episode_actions", len(s.EpActions), len(s.EpStates)}, {"episode_rewards", len(s.EpRewards), len(s.EpStates)},
		{"episode_rows", len(s.EpRows), len(s.EpStates) * A}}
	for _, l := range lens {
		if l.got != l.want {
			return fmt.Errorf("%s has %d values, the world and method need %d", l.what, l.got, l.want)
		}
	}
	in := func(what string, x, lo, hi int) error {
		if x < lo || x >= hi {
			return fmt.Errorf("%s %d is outside [%d, %d)", what, x, lo, hi)
		}
		return nil
	}
	for _, c := range []error{
		in("agent_state", s.AgentState, 0, S), in("action", s.Action, 0, A), in("next", s.Next, -1, A),
		in("pi_state", s.PiState, -1, S), in("state", s.State, -1, S), in("start", s.Start, -1, S),
		in("env_state", s.EnvState, 0, S), in("time", s.Time, 0, math.MaxInt), in("t", s.T, 0, s.Steps+1),
		in("episodes", s.Episodes, 0, math.MaxInt), in("env_time", s.EnvTime, 0, math.MaxInt),
	} {
		if c != nil {
			return c
		}
	}
	if len(s.EpStates) > 1<<16 {
		return fmt.Errorf("the episode buffer holds %d steps, more than %d", len(s.EpStates), 1<<16)
	}
	for i := range s.EpStates {
		if err := in("episode_states", s.EpStates[i], 0, S); err != nil {
			return err
		}
		if err := in("episode_actions", s.EpActions[i], 0, A); err != nil {
			return err
		}
	}
	if !s.Ended && (s.State < 0 || s.State != s.EnvState || s.State != s.AgentState) {
		return fmt.Errorf("mid-episode the trainer is in state %d, the environment in %d and the agent in %d", s.State, s.EnvState, s.AgentState)
	}
	if err := s.finite(); err != nil {
		return err
	}
	for _, r := range []struct {
		state []byte
		which string
	}{{s.EnvRNG, "env_rng"}, {s.AgentRNG, "agent_rng"}} {
		var p rand.PCG
		if err := p.UnmarshalBinary(r.state); err != nil {
			return fmt.Errorf("random stream %s: not a PCG state", r.which)
		}
	}
	// Nothing below fails: the lengths and indices are checked.
	t.Env.SetPosition(s.EnvState, s.EnvTime)
	t.Opt.SetPolicyValues(s.GapValues)
	t.envSrc.UnmarshalBinary(s.EnvRNG)
	t.agSrc.UnmarshalBinary(s.AgentRNG)
	copy(a.pol.H, s.H)
	copy(a.v, s.V)
	copy(a.q, s.Q)
	a.mean, a.nRet = s.Mean, s.NRet
	a.s, a.a, a.t, a.w, a.next, a.piA, a.bA = s.AgentState, s.Action, s.Time, s.Weight, s.Next, s.PiA, s.BetaA
	copy(a.pi, s.Pi)
	a.piState = s.PiState
	a.es = append(a.es[:0], s.EpStates...)
	a.ea = append(a.ea[:0], s.EpActions...)
	a.er = append(a.er[:0], s.EpRewards...)
	a.ep = append(a.ep[:0], s.EpRows...)
	copy(a.est, s.Estimate)
	t.Episodes, t.Steps, t.T, t.Return, t.State, t.Start, t.ended = s.Episodes, s.Steps, s.T, s.Return, s.State, s.Start, s.Ended
	t.epErr, t.Last = s.EpisodeErr, s.Last
	copy(t.h0, s.H0)
	copy(t.grad, s.Grad)
	copy(t.sample, s.Sample)
	return nil
}
