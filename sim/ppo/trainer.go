package ppo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/control"
)

// Streams of the random number generators that NewTrainer draws from one
// seed: rand.New(rand.NewPCG(seed, Stream...)); environment i resets from
// stream StreamEnv + i.
const (
	StreamInit    uint64 = 0x696e6974 // network initialisation ("init")
	StreamAct     uint64 = 0x61637420 // action sampling ("act ")
	StreamShuffle uint64 = 0x73687566 // minibatch shuffling ("shuf")
	StreamEnv     uint64 = 0x656e7600 // environment resets ("env" and the index)
)

// Episode summarises a finished episode.
type Episode struct {
	Index  int     // 1 for the first episode of the run
	Env    int     // the environment it ran in
	Steps  int     // environment steps taken by the trainer when it ended
	Return float64 // undiscounted sum of the environment's rewards
	Length int     // steps in the episode
}

// StepResult reports one Trainer step.
type StepResult struct {
	// Finished is the number of episodes that ended in this step;
	// Trainer.Finished lists them.
	Finished int
	// Updated reports that the step completed a rollout and the agent
	// learnt from it; Stats are the update's diagnostics.
	Updated bool
	Stats   Stats
}

// Trainer runs an agent on NumEnvs copies of an environment stepped in
// lockstep, as Gymnasium's SyncVectorEnv with CleanRL's wrappers: each
// copy has a time limit, its own random stream for resets and, if
// configured, its own observation and reward normalisers; an episode that
// ends is reset within the same step (the next observation is the new
// episode's), as Gymnasium 0.29 does. Every NumSteps steps the rollout is
// complete and the agent updates. It is not safe for concurrent use.
type Trainer struct {
	envs    []*control.TimeLimit
	envRNG  []*rand.Rand
	actRNG  *rand.Rand
	shufRNG *rand.Rand
	obsNorm []*obsNormalizer // nil without NormObs
	rewNorm []*rewardNormalizer

	agent    *Agent
	roll     *Rollout
	discrete bool
	lo, hi   []float64

	t        int       // steps into the current rollout
	obs      []float64 // N×O, what the policy sees (normalised)
	raw      []float64 // N×O, the environments' own observations
	act      []float64 // N×ActDim of the last step
	envAct   []float64 // one environment's action, clipped to its bounds
	logp, v  []float64 // N
	final    []float64 // normalised last observations of truncated episodes
	finalIdx []int     // their rows in the rollout
	epRet    []float64
	epLen    []int
	finished []Episode

	steps, episodes int
	last            Episode
	stats           Stats
	diverged        string

	// The sources of the action, shuffling and environment streams, kept
	// to save their state (save.go).
	actSrc, shufSrc *rand.PCG
	envSrc          []*rand.PCG
}

// NewTrainer returns a trainer of a new agent on cfg.NumEnvs environments
// made by newEnv (each wrapped in control.NewTimeLimit(env, 0) unless it
// is a *control.TimeLimit), all reset to their first episode. Discrete
// environments (control.Discrete) get a categorical policy, the others a
// Gaussian one.
func NewTrainer(newEnv func() (control.Env, error), cfg Config, seed uint64) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if newEnv == nil {
		return nil, errors.New("ppo: no environment")
	}
	N := cfg.NumEnvs
	t := &Trainer{actSrc: rand.NewPCG(seed, StreamAct), shufSrc: rand.NewPCG(seed, StreamShuffle)}
	t.actRNG, t.shufRNG = rand.New(t.actSrc), rand.New(t.shufSrc)
	for i := 0; i < N; i++ {
		e, err := newEnv()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return nil, errors.New("ppo: no environment")
		}
		tl, ok := e.(*control.TimeLimit)
		if !ok {
			tl = control.NewTimeLimit(e, 0)
		}
		if i > 0 && (tl.ObsDim() != t.envs[0].ObsDim() || tl.ActDim() != t.envs[0].ActDim() ||
			control.NumActions(tl) != control.NumActions(t.envs[0])) {
			return nil, fmt.Errorf("ppo: environment %d differs in shape from the first", i)
		}
		t.envs = append(t.envs, tl)
		t.envSrc = append(t.envSrc, rand.NewPCG(seed, StreamEnv+uint64(i)))
		t.envRNG = append(t.envRNG, rand.New(t.envSrc[i]))
		if cfg.NormObs {
			t.obsNorm = append(t.obsNorm, &obsNormalizer{NewRunningMeanStd(tl.ObsDim())})
		}
		if cfg.NormReward {
			t.rewNorm = append(t.rewNorm, newRewardNormalizer())
		}
	}
	e0 := t.envs[0]
	O := e0.ObsDim()
	nAct := control.NumActions(e0)
	t.discrete = nAct > 0
	if !t.discrete {
		nAct = e0.ActDim()
		t.lo, t.hi = e0.ActionBounds()
	}
	var err error
	if t.agent, err = New(cfg, O, nAct, t.discrete, rand.New(rand.NewPCG(seed, StreamInit))); err != nil {
		return nil, err
	}
	D := t.agent.ActDim()
	t.roll = NewRollout(cfg.NumSteps, N, O, D)
	t.obs = make([]float64, N*O)
	t.raw = make([]float64, N*O)
	t.act = make([]float64, N*D)
	t.envAct = make([]float64, e0.ActDim())
	t.logp = make([]float64, N)
	t.v = make([]float64, N)
	t.final = make([]float64, N*O)
	t.finalIdx = make([]int, 0, N)
	t.epRet = make([]float64, N)
	t.epLen = make([]int, N)
	t.finished = make([]Episode, 0, N)
	for i := range t.envs {
		t.reset(i)
	}
	return t, nil
}

// reset starts a new episode in environment i and normalises its first
// observation.
func (t *Trainer) reset(i int) {
	O := t.roll.ObsDim
	raw := t.raw[i*O : i*O+O]
	t.envs[i].Reset(t.envRNG[i], raw)
	t.observe(i, t.obs[i*O:i*O+O])
}

// observe writes environment i's observation as the policy sees it into
// dst, updating its normaliser.
func (t *Trainer) observe(i int, dst []float64) {
	O := t.roll.ObsDim
	raw := t.raw[i*O : i*O+O]
	if t.obsNorm == nil {
		copy(dst, raw)
		return
	}
	t.obsNorm[i].normalize(dst, raw, t.agent.cfg.ObsClip, true)
}

// Agent returns the agent.
func (t *Trainer) Agent() *Agent { return t.agent }

// Config returns the current configuration.
func (t *Trainer) Config() Config { return t.agent.cfg }

// Rollout returns the rollout buffer (not a copy): after a step that
// updated, the rollout the agent learnt from.
func (t *Trainer) Rollout() *Rollout { return t.roll }

// Env returns environment i (for drawing its state).
func (t *Trainer) Env(i int) *control.TimeLimit { return t.envs[i] }

// NumEnvs returns the number of environments.
func (t *Trainer) NumEnvs() int { return len(t.envs) }

// Discrete reports whether the actions are discrete.
func (t *Trainer) Discrete() bool { return t.discrete }

// Obs returns environment i's current observation as the environment gave
// it, before normalisation (not a copy).
func (t *Trainer) Obs(i int) []float64 {
	O := t.roll.ObsDim
	return t.raw[i*O : i*O+O]
}

// Action returns the action environment i took in the last step: a
// discrete action's index, or the sampled action before it was clipped
// to the bounds (not a copy; zero before the first step).
func (t *Trainer) Action(i int) []float64 {
	D := t.agent.actDim
	return t.act[i*D : i*D+D]
}

// Steps returns the number of environment steps taken: NumEnvs per Step.
func (t *Trainer) Steps() int { return t.steps }

// RolloutStep returns how many steps of the current rollout are taken
// (0 to NumSteps−1).
func (t *Trainer) RolloutStep() int { return t.t }

// Episodes returns the number of finished episodes.
func (t *Trainer) Episodes() int { return t.episodes }

// Last returns the last finished episode (zero before the first).
func (t *Trainer) Last() Episode { return t.last }

// Finished returns the episodes that ended in the last step (not a copy).
func (t *Trainer) Finished() []Episode { return t.finished }

// Current returns the return and length of environment i's episode in
// progress.
func (t *Trainer) Current(i int) (ret float64, length int) { return t.epRet[i], t.epLen[i] }

// Stats returns the diagnostics of the last update (zero before it).
func (t *Trainer) Stats() Stats { return t.stats }

// Diverged names the first quantity that became NaN or infinite (empty if
// none has): a reward, a log-probability or value while acting, or a loss.
func (t *Trainer) Diverged() string { return t.diverged }

// Retune changes the hyperparameters that can change during training (see
// Agent.Retune).
func (t *Trainer) Retune(cfg Config) error { return t.agent.Retune(cfg) }

// ObsStats returns views of environment i's running mean and variance of
// observations (nil without NormObs).
func (t *Trainer) ObsStats(i int) (mean, variance []float64) {
	if t.obsNorm == nil {
		return nil, nil
	}
	return t.obsNorm[i].rms.Mean, t.obsNorm[i].rms.Var
}

// Evaluate is Agent.Evaluate on observations as the environments give
// them: they are normalised with environment 0's statistics (not updated)
// first, as the policy would see them.
func (t *Trainer) Evaluate(v, out, obs []float64, n int) {
	a := t.agent
	if t.obsNorm != nil {
		if cap(a.evalObs) < len(obs) {
			a.evalObs = make([]float64, len(obs))
		}
		x := a.evalObs[:len(obs)]
		O := a.obsDim
		for r := 0; r < n; r++ {
			t.obsNorm[0].normalize(x[r*O:r*O+O], obs[r*O:r*O+O], a.cfg.ObsClip, false)
		}
		obs = x
	}
	a.Evaluate(v, out, obs, n)
}

// Step steps every environment once with an action sampled from the
// policy, records the transitions and, when the rollout is complete,
// computes GAE and updates the agent. A truncated step (that did not also
// terminate) bootstraps from V of the state it stopped in if
// BootstrapTruncated is set. It allocates nothing.
func (t *Trainer) Step() StepResult {
	a := t.agent
	c := &a.cfg
	r := t.roll
	N, O, D := r.N, r.ObsDim, r.ActDim
	base := t.t * N
	copy(r.Obs[base*O:(base+N)*O], t.obs)
	a.Act(t.act, t.logp, t.v, t.obs, N, t.actRNG)
	copy(r.Act[base*D:(base+N)*D], t.act)
	copy(r.LogProb[base:base+N], t.logp)
	copy(r.Value[base:base+N], t.v)
	t.check("log-probability of an action", t.logp)
	t.check("value", t.v)
	t.finished = t.finished[:0]
	t.finalIdx = t.finalIdx[:0]
	for i, env := range t.envs {
		k := base + i
		act := t.act[i*D : i*D+D]
		if t.discrete {
			t.envAct[0] = act[0]
		} else {
			for j, x := range act {
				t.envAct[j] = math.Max(t.lo[j], math.Min(t.hi[j], x)) // ClipAction
			}
		}
		reward, term, trunc := env.StepTrunc(t.envAct, t.raw[i*O:i*O+O])
		if t.diverged == "" && (math.IsNaN(reward) || math.IsInf(reward, 0)) {
			t.diverged = "reward is " + fmt.Sprint(reward)
		}
		t.epRet[i] += reward
		t.epLen[i]++
		if t.rewNorm != nil {
			reward = t.rewNorm[i].normalize(reward, term, c.Gamma, c.RewardClip)
		}
		r.Reward[k] = reward
		r.End[k], r.EndValue[k] = 0, 0
		if !term && !trunc {
			t.observe(i, t.obs[i*O:i*O+O])
			continue
		}
		r.End[k] = 1
		if trunc && !term && c.BootstrapTruncated {
			j := len(t.finalIdx)
			t.observe(i, t.final[j*O:j*O+O])
			t.finalIdx = append(t.finalIdx, k)
		} else if t.obsNorm != nil {
			t.obsNorm[i].rms.Update(t.raw[i*O : i*O+O]) // the wrapper saw it
		}
		t.episodes++
		t.last = Episode{Index: t.episodes, Env: i, Steps: t.steps + N, Return: t.epRet[i], Length: t.epLen[i]}
		t.finished = append(t.finished, t.last)
		t.epRet[i], t.epLen[i] = 0, 0
		t.reset(i)
	}
	if m := len(t.finalIdx); m > 0 {
		a.Values(t.v, t.final[:m*O], m)
		for j, k := range t.finalIdx {
			r.EndValue[k] = t.v[j]
		}
		t.check("value", t.v[:m])
	}
	t.t++
	t.steps += N
	res := StepResult{Finished: len(t.finished)}
	if t.t < r.T {
		return res
	}
	t.t = 0
	a.Values(r.LastValue, t.obs, N)
	r.GAE(c.Gamma, c.Lambda)
	t.stats = a.Update(r, t.shufRNG)
	for _, x := range [...]struct {
		name string
		v    float64
	}{{"policy loss", t.stats.PolicyLoss}, {"value loss", t.stats.ValueLoss}, {"entropy", t.stats.Entropy},
		{"approximate KL", t.stats.ApproxKL}, {"gradient norm", t.stats.GradNorm}} {
		if t.diverged == "" && (math.IsNaN(x.v) || math.IsInf(x.v, 0)) {
			t.diverged = x.name + " is " + fmt.Sprint(x.v)
		}
	}
	res.Updated, res.Stats = true, t.stats
	return res
}

// check records the first non-finite value of xs as the divergence.
func (t *Trainer) check(name string, xs []float64) {
	if t.diverged != "" {
		return
	}
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.diverged = name + " is " + fmt.Sprint(x)
			return
		}
	}
}
