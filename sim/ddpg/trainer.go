package ddpg

import (
	"fmt"
	"math/rand/v2"

	"bellman/sim/control"
)

// Streams of the random number generators that NewTrainer draws from one
// seed: rand.New(rand.NewPCG(seed, Stream...)).
const (
	StreamInit    uint64 = 0x696e6974 // network initialisation ("init")
	StreamExplore uint64 = 0x6578706c // random warm-up actions and exploration noise ("expl")
	StreamReplay  uint64 = 0x7265706c // replay sampling and TD3's target noise ("repl")
	StreamEnv     uint64 = 0x656e7620 // environment resets ("env ")
)

// Episode summarises a finished episode.
type Episode struct {
	Index  int     // 1 for the first episode
	Steps  int     // environment steps taken by the trainer when it ended
	Return float64 // undiscounted sum of rewards
	Length int     // steps in the episode
}

// StepResult reports one environment step of a Trainer.
type StepResult struct {
	Reward                float64
	Terminated, Truncated bool
	// Updates is the number of updates done after the step; CriticLoss
	// and MeanQ are the means of their results (0 without updates).
	Updates           int
	CriticLoss, MeanQ float64
	// EpisodeDone reports that the step ended an episode (Trainer.Last
	// describes it); the environment keeps its final state until the next
	// Step resets it.
	EpisodeDone bool
}

// Trainer runs an Agent on an environment with a time limit. It is not
// safe for concurrent use.
type Trainer struct {
	env      *control.TimeLimit
	agent    *Agent
	noise    *Noise
	explore  *rand.Rand
	envRNG   *rand.Rand
	obs, nxt []float64
	norm     []float64 // normalised action of the last step
	action   []float64 // environment action of the last step
	eps      []float64

	steps, episodes int
	epReturn        float64
	epLen           int
	last            Episode
	ended           bool // the last step ended an episode

	// The sources of the replay, exploration and environment streams,
	// kept to save their state (save.go).
	srcReplay, srcExplore, srcEnv *rand.PCG
	lastStep                      StepResult // what the last Step returned (save.go: LastStep)
}

// NewTrainer returns a trainer of a new agent on env, reset to its first
// episode. env is wrapped in control.NewTimeLimit(env, 0) unless it is a
// *control.TimeLimit already. Discrete environments are an error.
func NewTrainer(env control.Env, cfg Config, seed uint64) (*Trainer, error) {
	if env == nil {
		return nil, fmt.Errorf("ddpg: no environment")
	}
	if control.NumActions(env) > 0 {
		return nil, fmt.Errorf("ddpg: %s has discrete actions; %s needs continuous ones (try cartpole)", env.Name(), cfg.Algo)
	}
	tl, ok := env.(*control.TimeLimit)
	if !ok {
		tl = control.NewTimeLimit(env, 0)
	}
	lo, hi := tl.ActionBounds()
	srcReplay, srcExplore, srcEnv := rand.NewPCG(seed, StreamReplay), rand.NewPCG(seed, StreamExplore), rand.NewPCG(seed, StreamEnv)
	a, err := New(cfg, tl.ObsDim(), lo, hi, rand.New(rand.NewPCG(seed, StreamInit)), rand.New(srcReplay))
	if err != nil {
		return nil, err
	}
	A := tl.ActDim()
	t := &Trainer{
		env: tl, agent: a,
		noise:   NewNoise(cfg.Noise, A, cfg.OUTheta, cfg.OUDt),
		explore: rand.New(srcExplore),
		envRNG:  rand.New(srcEnv),
		obs:     make([]float64, tl.ObsDim()),
		nxt:     make([]float64, tl.ObsDim()),
		norm:    make([]float64, A),
		action:  make([]float64, A),
		eps:     make([]float64, A),
	}
	t.srcReplay, t.srcExplore, t.srcEnv = srcReplay, srcExplore, srcEnv
	t.env.Reset(t.envRNG, t.obs)
	return t, nil
}

// Env returns the time-limited environment (for drawing its state).
func (t *Trainer) Env() *control.TimeLimit { return t.env }

// Agent returns the agent.
func (t *Trainer) Agent() *Agent { return t.agent }

// Obs returns the current observation (not a copy): after a step that
// ended an episode, its last observation.
func (t *Trainer) Obs() []float64 { return t.obs }

// Action returns the environment action of the last step, before the
// environment clips it (not a copy).
func (t *Trainer) Action() []float64 { return t.action }

// Steps returns the number of environment steps taken.
func (t *Trainer) Steps() int { return t.steps }

// Episodes returns the number of finished episodes.
func (t *Trainer) Episodes() int { return t.episodes }

// Last returns the last finished episode (zero before the first).
func (t *Trainer) Last() Episode { return t.last }

// Current returns the return and length of the episode in progress.
func (t *Trainer) Current() (ret float64, length int) { return t.epReturn, t.epLen }

// Sigma returns the exploration σ of the next step.
func (t *Trainer) Sigma() float64 { return t.agent.cfg.sigmaAt(t.steps) }

// Retune changes the hyperparameters that can change during training (see
// Agent.Retune), the noise kind included.
func (t *Trainer) Retune(cfg Config) error {
	if err := t.agent.Retune(cfg); err != nil {
		return err
	}
	if t.noise.Kind != cfg.Noise {
		t.noise.Reset()
	}
	t.noise.Kind, t.noise.Theta, t.noise.Dt = cfg.Noise, cfg.OUTheta, cfg.OUDt
	return nil
}

// BeginEpisode resets the environment (and the OU noise) if the last step
// ended an episode, and reports whether it did. Step calls it first; call
// it to see the next episode's start state before stepping.
func (t *Trainer) BeginEpisode() bool {
	if !t.ended {
		return false
	}
	t.ended = false
	t.env.Reset(t.envRNG, t.obs)
	t.noise.Reset()
	return true
}

// Step takes one environment step and then the updates due: a uniform
// random action for the first LearningStarts steps, μ(s) plus noise
// (clipped to the bounds) after; the transition goes into the replay
// buffer with terminated only (a truncated step bootstraps); once
// LearningStarts steps are taken and the buffer holds a batch,
// UpdatesPerStep updates follow.
func (t *Trainer) Step() StepResult {
	t.BeginEpisode()
	a := t.agent
	c := &a.cfg
	if t.steps < c.LearningStarts {
		for i := range t.norm {
			t.norm[i] = 2*t.explore.Float64() - 1
		}
	} else {
		a.Policy(t.norm, t.obs)
		t.noise.Sample(t.explore, c.sigmaAt(t.steps), t.eps)
		for i, x := range t.norm {
			x += t.eps[i]
			if x < -1 {
				x = -1
			} else if x > 1 {
				x = 1
			}
			t.norm[i] = x
		}
	}
	a.Scale(t.action, t.norm)
	var res StepResult
	res.Reward, res.Terminated, res.Truncated = t.env.StepTrunc(t.action, t.nxt)
	a.replay.Add(t.obs, t.norm, res.Reward, t.nxt, res.Terminated)
	t.steps++
	t.epReturn += res.Reward
	t.epLen++
	if t.steps >= c.LearningStarts && a.replay.Len() >= c.Batch {
		for k := 0; k < c.UpdatesPerStep; k++ {
			l, q := a.Update()
			res.CriticLoss += l
			res.MeanQ += q
			res.Updates++
		}
		if res.Updates > 0 {
			res.CriticLoss /= float64(res.Updates)
			res.MeanQ /= float64(res.Updates)
		}
	}
	t.obs, t.nxt = t.nxt, t.obs
	if res.Terminated || res.Truncated {
		t.episodes++
		t.last = Episode{Index: t.episodes, Steps: t.steps, Return: t.epReturn, Length: t.epLen}
		t.epReturn, t.epLen = 0, 0
		t.ended = true
		res.EpisodeDone = true
	}
	t.lastStep = res
	return res
}
