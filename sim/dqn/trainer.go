package dqn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Streams of the random number generators that NewTrainer draws from one
// seed: rand.New(rand.NewPCG(seed, Stream...)). They are sim/ddpg's, so a
// seed means the same start states there and here.
const (
	StreamInit    uint64 = 0x696e6974 // network initialisation ("init")
	StreamExplore uint64 = 0x6578706c // ε-greedy draws ("expl")
	StreamReplay  uint64 = 0x7265706c // replay sampling ("repl")
	StreamEnv     uint64 = 0x656e7620 // environment resets and slips ("env ")
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
	Action                int
	Explored              bool // the action was drawn uniformly (probability ε)
	Reward                float64
	Terminated, Truncated bool
	// Updates is the number of updates done after the step; Loss, MeanQ
	// and TDError are the means of their results (0 without updates).
	Updates              int
	Loss, MeanQ, TDError float64
	// EpisodeDone reports that the step ended an episode (Trainer.Last
	// describes it); the environment keeps its final state until the next
	// Step resets it.
	EpisodeDone bool
}

// Trainer runs an Agent on an Env: ε-greedy actions with ε from the
// schedule, every transition into the replay buffer (terminated only: a
// truncated step bootstraps), and from LearningStarts steps on, after
// every TrainFrequency-th step, GradientSteps updates. It is not safe for
// concurrent use.
type Trainer struct {
	env      Env
	agent    *Agent
	explore  *rand.Rand
	envRNG   *rand.Rand
	obs, nxt []float64
	act      []float64

	steps, episodes int
	epReturn        float64
	epLen           int
	last            Episode
	ended           bool
	action          int

	// The sources of the replay, exploration and environment streams,
	// kept to save their state (save.go).
	srcReplay, srcExplore, srcEnv *rand.PCG
}

// NewTrainer returns a trainer of a new agent on env, reset to its first
// episode, with every random stream drawn from seed.
func NewTrainer(env Env, cfg Config, seed uint64) (*Trainer, error) {
	if env == nil {
		return nil, fmt.Errorf("dqn: no environment")
	}
	srcReplay, srcExplore, srcEnv := rand.NewPCG(seed, StreamReplay), rand.NewPCG(seed, StreamExplore), rand.NewPCG(seed, StreamEnv)
	a, err := New(cfg, env.ObsDim(), env.NumActions(), rand.New(rand.NewPCG(seed, StreamInit)), rand.New(srcReplay))
	if err != nil {
		return nil, err
	}
	t := &Trainer{
		env: env, agent: a,
		explore: rand.New(srcExplore),
		envRNG:  rand.New(srcEnv),
		obs:     make([]float64, env.ObsDim()),
		nxt:     make([]float64, env.ObsDim()),
		act:     make([]float64, 1),
	}
	t.srcReplay, t.srcExplore, t.srcEnv = srcReplay, srcExplore, srcEnv
	t.env.Reset(t.envRNG, t.obs)
	return t, nil
}

// Env returns the environment.
func (t *Trainer) Env() Env { return t.env }

// Agent returns the agent.
func (t *Trainer) Agent() *Agent { return t.agent }

// Obs returns the current observation (not a copy): after a step that
// ended an episode, its last observation.
func (t *Trainer) Obs() []float64 { return t.obs }

// Action returns the action of the last step (0 before the first).
func (t *Trainer) Action() int { return t.action }

// Steps returns the number of environment steps taken.
func (t *Trainer) Steps() int { return t.steps }

// Episodes returns the number of finished episodes.
func (t *Trainer) Episodes() int { return t.episodes }

// Last returns the last finished episode (zero before the first).
func (t *Trainer) Last() Episode { return t.last }

// Current returns the return and length of the episode in progress.
func (t *Trainer) Current() (ret float64, length int) { return t.epReturn, t.epLen }

// Epsilon returns the exploration rate of the next step.
func (t *Trainer) Epsilon() float64 { return t.agent.cfg.Epsilon(t.steps) }

// Learning reports whether updates have begun to be due: LearningStarts
// steps are taken and the buffer holds a batch.
func (t *Trainer) Learning() bool {
	c := &t.agent.cfg
	return t.steps >= c.LearningStarts && t.agent.replay.Len() >= c.Batch
}

// Retune changes the hyperparameters that can change during training (see
// Agent.Retune).
func (t *Trainer) Retune(cfg Config) error { return t.agent.Retune(cfg) }

// BeginEpisode resets the environment if the last step ended an episode,
// and reports whether it did. Step calls it first; call it to see the
// next episode's start state before stepping.
func (t *Trainer) BeginEpisode() bool {
	if !t.ended {
		return false
	}
	t.ended = false
	t.env.Reset(t.envRNG, t.obs)
	return true
}

// Step takes one environment step and the updates due after it. With
// probability ε the action is uniform over all actions (the greedy one
// included), as CleanRL draws it; otherwise it is argmax_a Q(s, a).
func (t *Trainer) Step() StepResult {
	t.BeginEpisode()
	a := t.agent
	c := &a.cfg
	var res StepResult
	if eps := c.Epsilon(t.steps); eps > 0 && t.explore.Float64() < eps {
		res.Action, res.Explored = t.explore.IntN(a.nA), true
	} else {
		res.Action = a.Greedy(t.obs)
	}
	t.action = res.Action
	res.Reward, res.Terminated, res.Truncated = t.env.Step(t.envRNG, res.Action, t.nxt)
	t.act[0] = float64(res.Action)
	a.replay.Add(t.obs, t.act, res.Reward, t.nxt, res.Terminated)
	t.steps++
	t.epReturn += res.Reward
	t.epLen++
	if t.Learning() && t.steps%c.TrainFrequency == 0 {
		for k := 0; k < c.GradientSteps; k++ {
			l, q, e := a.Update()
			res.Loss += l
			res.MeanQ += q
			res.TDError += e
			res.Updates++
		}
		if n := float64(res.Updates); n > 0 {
			res.Loss /= n
			res.MeanQ /= n
			res.TDError /= n
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
	return res
}

// Diverged returns a one-line description of the first non-finite number
// among a step's results, or "" if all are finite.
func (r StepResult) Diverged() string {
	for _, f := range []struct {
		name string
		v    float64
	}{{"loss", r.Loss}, {"mean Q", r.MeanQ}, {"TD error", r.TDError}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Sprintf("%s is %v", f.name, f.v)
		}
	}
	return ""
}
