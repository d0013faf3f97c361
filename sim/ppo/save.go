package ppo

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"bellman/sim/control"
	"bellman/sim/nn"
)

// State is what a Trainer has learned and where it is, for a save file:
// the policy and value networks, the log standard deviations, the
// optimizers' moments and learning rate, the update counts, the rollout
// collected so far, every environment's state with its episode, the
// normalisers' running statistics, the last update's statistics and the
// states of the random streams. With it a trainer built from the same
// configuration continues bit for bit.
type State struct {
	Actor      nn.NetState     `json:"actor"`
	Critic     nn.NetState     `json:"critic"`
	LogStd     []float64       `json:"log_std,omitempty"`
	Optims     []nn.OptimState `json:"optims"`
	LR         float64         `json:"lr"`
	Updates    int             `json:"updates"`
	Iterations int             `json:"iterations"`

	Envs       []control.EnvState `json:"envs"`
	EnvRNG     [][]byte           `json:"env_rngs"`
	ActRNG     []byte             `json:"act_rng"`
	ShuffleRNG []byte             `json:"shuffle_rng"`
	ObsNorm    []RunningMeanStd   `json:"obs_norm,omitempty"`
	RewNorm    []RewardNormState  `json:"reward_norm,omitempty"`

	Rollout  RolloutState `json:"rollout"`
	T        int          `json:"t"`
	Obs      []float64    `json:"obs"`
	Raw      []float64    `json:"raw"`
	Act      []float64    `json:"act"`
	EpRet    []float64    `json:"episode_returns"`
	EpLen    []int        `json:"episode_lengths"`
	Finished []Episode    `json:"finished"`
	Steps    int          `json:"steps"`
	Episodes int          `json:"episodes"`
	Last     Episode      `json:"last"`
	Stats    StatsState   `json:"stats"`
}

// RewardNormState is a reward normaliser's running statistics of the
// discounted return and the return itself.
type RewardNormState struct {
	RMS    RunningMeanStd `json:"rms"`
	Return float64        `json:"return"`
}

// RolloutState is the part of a rollout that collecting fills in (the
// advantages and returns are computed at its end).
type RolloutState struct {
	Obs, Act, LogProb, Reward, Value, End, EndValue []float64
}

// StatsState is an update's Stats; the explained variance is NaN when the
// returns do not vary, which JSON writes as null.
type StatsState struct {
	Stats
}

// MarshalJSON writes the statistics, a NaN explained variance as null.
func (s StatsState) MarshalJSON() ([]byte, error) {
	type plain Stats
	var ev *float64
	if !math.IsNaN(s.ExplainedVariance) {
		ev = &s.ExplainedVariance
	}
	return json.Marshal(struct {
		plain
		ExplainedVariance *float64
	}{plain(s.Stats), ev})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (s *StatsState) UnmarshalJSON(b []byte) error {
	type plain Stats
	var v struct {
		plain
		ExplainedVariance *float64
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	s.Stats = Stats(v.plain)
	s.ExplainedVariance = math.NaN()
	if v.ExplainedVariance != nil {
		s.ExplainedVariance = *v.ExplainedVariance
	}
	return nil
}

func pcg(p *rand.PCG) []byte {
	b, _ := p.MarshalBinary() // cannot fail
	return b
}

// SaveState returns a copy of the trainer's state; a diverged run (NaN or
// infinite numbers) is an error.
func (t *Trainer) SaveState() (State, error) {
	if t.diverged != "" {
		return State{}, fmt.Errorf("the run diverged (%s)", t.diverged)
	}
	a, r := t.agent, t.roll
	s := State{Actor: a.actor.State(), Critic: a.critic.State(), LogStd: slices.Clone(a.logStd), LR: a.lr,
		Updates: a.updates, Iterations: a.iterations, ActRNG: pcg(t.actSrc), ShuffleRNG: pcg(t.shufSrc),
		Rollout: RolloutState{Obs: slices.Clone(r.Obs), Act: slices.Clone(r.Act), LogProb: slices.Clone(r.LogProb),
			Reward: slices.Clone(r.Reward), Value: slices.Clone(r.Value), End: slices.Clone(r.End), EndValue: slices.Clone(r.EndValue)},
		T: t.t, Obs: slices.Clone(t.obs), Raw: slices.Clone(t.raw), Act: slices.Clone(t.act), EpRet: slices.Clone(t.epRet),
		EpLen: slices.Clone(t.epLen), Finished: slices.Clone(t.finished), Steps: t.steps, Episodes: t.episodes, Last: t.last,
		Stats: StatsState{t.stats}}
	for _, o := range a.opts {
		st, err := nn.OptimizerState(o)
		if err != nil {
			return State{}, err
		}
		s.Optims = append(s.Optims, st)
	}
	for i, e := range t.envs {
		s.Envs = append(s.Envs, control.SaveEnv(e))
		s.EnvRNG = append(s.EnvRNG, pcg(t.envSrc[i]))
	}
	for _, n := range t.obsNorm {
		s.ObsNorm = append(s.ObsNorm, cloneRMS(n.rms))
	}
	for _, n := range t.rewNorm {
		s.RewNorm = append(s.RewNorm, RewardNormState{RMS: cloneRMS(n.rms), Return: n.ret[0]})
	}
	if err := s.finite(); err != nil {
		return State{}, err
	}
	return s, nil
}

func cloneRMS(r *RunningMeanStd) RunningMeanStd {
	return RunningMeanStd{Mean: slices.Clone(r.Mean), Var: slices.Clone(r.Var), Count: r.Count}
}

func (s *State) finite() error {
	lists := map[string][]float64{"actor": s.Actor.Params, "critic": s.Critic.Params, "log_std": s.LogStd,
		"obs": s.Obs, "raw": s.Raw, "act": s.Act, "episode_returns": s.EpRet,
		"rollout obs": s.Rollout.Obs, "rollout act": s.Rollout.Act, "rollout log-probabilities": s.Rollout.LogProb,
		"rollout rewards": s.Rollout.Reward, "rollout values": s.Rollout.Value, "rollout end values": s.Rollout.EndValue,
		"numbers": {s.LR, s.Last.Return}}
	for i, o := range s.Optims {
		lists[fmt.Sprintf("optimizer %d m", i)], lists[fmt.Sprintf("optimizer %d v", i)] = o.M, o.V
	}
	for i, n := range s.ObsNorm {
		lists[fmt.Sprintf("obs_norm %d", i)] = append(append([]float64{n.Count}, n.Mean...), n.Var...)
	}
	for i, n := range s.RewNorm {
		lists[fmt.Sprintf("reward_norm %d", i)] = append(append([]float64{n.RMS.Count, n.Return}, n.RMS.Mean...), n.RMS.Var...)
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

// LoadState replaces the trainer's state by s, which must come from a
// trainer of the same configuration and task; every size and index is
// checked, and on error the trainer is unchanged.
func (t *Trainer) LoadState(s State) error {
	a, r := t.agent, t.roll
	N, O, D := r.N, r.ObsDim, r.ActDim
	B := r.T * N
	lens := []struct {
		what      string
		got, want int
	}{{"log_std", len(s.LogStd), len(a.logStd)}, {"optims", len(s.Optims), len(a.opts)}, {"envs", len(s.Envs), N},
		{"env_rngs", len(s.EnvRNG), N}, {"obs_norm", len(s.ObsNorm), len(t.obsNorm)}, {"reward_norm", len(s.RewNorm), len(t.rewNorm)},
		{"rollout obs", len(s.Rollout.Obs), B * O}, {"rollout act", len(s.Rollout.Act), B * D},
		{"rollout log-probabilities", len(s.Rollout.LogProb), B}, {"rollout rewards", len(s.Rollout.Reward), B},
		{"rollout values", len(s.Rollout.Value), B}, {"rollout ends", len(s.Rollout.End), B}, {"rollout end values", len(s.Rollout.EndValue), B},
		{"obs", len(s.Obs), N * O}, {"raw", len(s.Raw), N * O}, {"act", len(s.Act), N * D},
		{"episode_returns", len(s.EpRet), N}, {"episode_lengths", len(s.EpLen), N}}
	for _, l := range lens {
		if l.got != l.want {
			return fmt.Errorf("%s has %d values, the setup needs %d", l.what, l.got, l.want)
		}
	}
	for i, n := range s.ObsNorm {
		if len(n.Mean) != O || len(n.Var) != O {
			return fmt.Errorf("obs_norm %d has %d means and %d variances, want %d", i, len(n.Mean), len(n.Var), O)
		}
	}
	for i, n := range s.RewNorm {
		if len(n.RMS.Mean) != 1 || len(n.RMS.Var) != 1 {
			return fmt.Errorf("reward_norm %d has %d means and %d variances, want 1", i, len(n.RMS.Mean), len(n.RMS.Var))
		}
	}
	switch {
	case s.T < 0 || s.T >= r.T:
		return fmt.Errorf("rollout step %d is outside [0, %d)", s.T, r.T)
	case s.Steps < 0 || s.Episodes < 0 || s.Updates < 0 || s.Iterations < 0 || !(s.LR >= 0):
		return fmt.Errorf("negative counts or learning rate: %d steps, %d episodes, %d updates, %d iterations, lr %v", s.Steps, s.Episodes, s.Updates, s.Iterations, s.LR)
	case len(s.Finished) > N:
		return fmt.Errorf("%d episodes finished in the last step, of %d environments", len(s.Finished), N)
	}
	for i, l := range s.EpLen {
		if l < 0 {
			return fmt.Errorf("episode_lengths[%d] = %d is negative", i, l)
		}
	}
	if err := s.finite(); err != nil {
		return err
	}
	if t.discrete {
		for i, x := range append(slices.Clone(s.Act), s.Rollout.Act...) {
			if x != math.Trunc(x) || x < 0 || int(x) >= a.nOut {
				return fmt.Errorf("discrete action %v (entry %d) is not an index below %d", x, i, a.nOut)
			}
		}
	}
	actor, critic := a.actor.Clone(), a.critic.Clone()
	if err := actor.SetState("actor", s.Actor); err != nil {
		return err
	}
	if err := critic.SetState("critic", s.Critic); err != nil {
		return err
	}
	sizes := []int{len(a.actor.Params()), len(a.critic.Params()), len(a.logStd)}
	for i, o := range a.opts {
		p, err := nn.NewOptimizer(o.Config(), sizes[i])
		if err != nil {
			return err
		}
		if err := nn.SetOptimizerState(p, fmt.Sprintf("optimizer %d", i), s.Optims[i]); err != nil {
			return err
		}
	}
	for i, b := range append(append([][]byte{}, s.EnvRNG...), s.ActRNG, s.ShuffleRNG) {
		var p rand.PCG
		if err := p.UnmarshalBinary(b); err != nil {
			return fmt.Errorf("random stream %d: not a PCG state", i)
		}
	}
	before := make([]control.EnvState, N)
	for i, e := range t.envs {
		before[i] = control.SaveEnv(e)
	}
	for i, e := range t.envs { // the last check: on error the environments go back
		if err := control.RestoreEnv(e, s.Envs[i]); err != nil {
			for j := 0; j < i; j++ {
				control.RestoreEnv(t.envs[j], before[j])
			}
			return fmt.Errorf("environment %d: %v", i, err)
		}
	}
	copy(a.actor.Params(), actor.Params())
	copy(a.critic.Params(), critic.Params())
	copy(a.logStd, s.LogStd)
	for i, o := range a.opts {
		nn.SetOptimizerState(o, "", s.Optims[i])
	}
	a.setLR(s.LR)
	a.updates, a.iterations = s.Updates, s.Iterations
	for i := range t.envs {
		t.envSrc[i].UnmarshalBinary(s.EnvRNG[i])
	}
	t.actSrc.UnmarshalBinary(s.ActRNG)
	t.shufSrc.UnmarshalBinary(s.ShuffleRNG)
	for i, n := range t.obsNorm {
		copy(n.rms.Mean, s.ObsNorm[i].Mean)
		copy(n.rms.Var, s.ObsNorm[i].Var)
		n.rms.Count = s.ObsNorm[i].Count
	}
	for i, n := range t.rewNorm {
		copy(n.rms.Mean, s.RewNorm[i].RMS.Mean)
		copy(n.rms.Var, s.RewNorm[i].RMS.Var)
		n.rms.Count, n.ret[0] = s.RewNorm[i].RMS.Count, s.RewNorm[i].Return
	}
	copy(r.Obs, s.Rollout.Obs)
	copy(r.Act, s.Rollout.Act)
	copy(r.LogProb, s.Rollout.LogProb)
	copy(r.Reward, s.Rollout.Reward)
	copy(r.Value, s.Rollout.Value)
	copy(r.End, s.Rollout.End)
	copy(r.EndValue, s.Rollout.EndValue)
	t.t = s.T
	copy(t.obs, s.Obs)
	copy(t.raw, s.Raw)
	copy(t.act, s.Act)
	copy(t.epRet, s.EpRet)
	copy(t.epLen, s.EpLen)
	t.finished = append(t.finished[:0], s.Finished...)
	t.steps, t.episodes, t.last, t.stats = s.Steps, s.Episodes, s.Last, s.Stats.Stats
	return nil
}
