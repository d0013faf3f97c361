package ddpg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/nn"
)

// Agent is a DDPG or TD3 agent: actor, critic(s), their target networks,
// optimizers and replay buffer. It is not safe for concurrent use.
type Agent struct {
	cfg            Config
	obsDim, actDim int
	mid, half      []float64 // action bounds as centre and half-width

	actor, actorTarget     *nn.MLP
	critics, criticTargets []*nn.MLP // one each for DDPG, two for TD3
	actorOpt               nn.Optimizer
	criticOpts             []nn.Optimizer
	replay                 *Replay
	rng                    *rand.Rand // replay sampling and target noise

	// Batch buffers.
	obs, act, rew, next, term []float64
	sa                        []float64 // rows [s, a], Batch×(obsDim+actDim)
	y, dq, dOut, dA           []float64
	heat                      []float64 // rows [s, μ(s)] for Evaluate, grown on demand

	updates int
}

// New returns an agent for observations of obsDim values and actions
// bounded by lo and hi (each of the action's length, lo < hi, finite).
// Networks are initialised from initRNG; replay sampling and TD3's target
// noise draw from replayRNG, which the agent keeps.
func New(cfg Config, obsDim int, lo, hi []float64, initRNG, replayRNG *rand.Rand) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if initRNG == nil || replayRNG == nil {
		return nil, errors.New("ddpg: New needs two *rand.Rand")
	}
	if obsDim < 1 || len(lo) < 1 || len(lo) != len(hi) {
		return nil, fmt.Errorf("ddpg: need ≥ 1 observation and matching action bounds, got %d, %d and %d values", obsDim, len(lo), len(hi))
	}
	actDim := len(lo)
	a := &Agent{cfg: cfg, obsDim: obsDim, actDim: actDim, rng: replayRNG,
		mid: make([]float64, actDim), half: make([]float64, actDim)}
	for i := range lo {
		if math.IsNaN(lo[i]) || math.IsInf(lo[i], 0) || math.IsInf(hi[i], 0) || !(lo[i] < hi[i]) {
			return nil, fmt.Errorf("ddpg: action %d has bounds [%v, %v], need finite lo < hi", i, lo[i], hi[i])
		}
		a.mid[i], a.half[i] = (lo[i]+hi[i])/2, (hi[i]-lo[i])/2
	}
	ac := cfg.Actor
	ac.Sizes = sized(ac.Sizes, obsDim, actDim)
	ac.Output = nn.Tanh
	cc := cfg.Critic
	cc.Sizes = sized(cc.Sizes, obsDim+actDim, 1)
	cc.Output = nn.Identity
	var err error
	if a.actor, err = nn.New(ac, initRNG); err != nil {
		return nil, fmt.Errorf("ddpg: actor: %v", err)
	}
	if a.actorOpt, err = nn.NewOptimizer(cfg.ActorOptim, len(a.actor.Params())); err != nil {
		return nil, fmt.Errorf("ddpg: actor: %v", err)
	}
	a.actorTarget = a.actor.Clone()
	n := 1
	if cfg.Algo == TD3 {
		n = 2
	}
	for range n {
		c, err := nn.New(cc, initRNG)
		if err != nil {
			return nil, fmt.Errorf("ddpg: critic: %v", err)
		}
		o, err := nn.NewOptimizer(cfg.CriticOptim, len(c.Params()))
		if err != nil {
			return nil, fmt.Errorf("ddpg: critic: %v", err)
		}
		a.critics = append(a.critics, c)
		a.criticTargets = append(a.criticTargets, c.Clone())
		a.criticOpts = append(a.criticOpts, o)
	}
	if a.replay, err = NewReplay(cfg.BufferSize, obsDim, actDim); err != nil {
		return nil, err
	}
	B := cfg.Batch
	a.obs = make([]float64, B*obsDim)
	a.next = make([]float64, B*obsDim)
	a.act = make([]float64, B*actDim)
	a.rew = make([]float64, B)
	a.term = make([]float64, B)
	a.sa = make([]float64, B*(obsDim+actDim))
	a.y = make([]float64, B)
	a.dq = make([]float64, B)
	a.dOut = make([]float64, B)
	a.dA = make([]float64, B*actDim)
	// Grow the networks' buffers now, so that acting and updating
	// allocate nothing.
	a.actor.Forward(a.obs, B)
	a.actorTarget.Forward(a.obs, B)
	for i := range a.critics {
		a.critics[i].Forward(a.sa, B)
		a.criticTargets[i].Forward(a.sa, B)
	}
	return a, nil
}

// sized returns the layer sizes with the given input and output sizes and
// the hidden widths of s (s without its first and last entries).
func sized(s []int, in, out int) []int {
	hidden := []int(nil)
	if len(s) > 2 {
		hidden = s[1 : len(s)-1]
	}
	r := make([]int, 0, len(hidden)+2)
	r = append(r, in)
	r = append(r, hidden...)
	return append(r, out)
}

// Config returns the agent's configuration.
func (a *Agent) Config() Config { return a.cfg }

// ObsDim returns the observation size.
func (a *Agent) ObsDim() int { return a.obsDim }

// ActDim returns the action size.
func (a *Agent) ActDim() int { return a.actDim }

// Actor returns the actor network (not a copy).
func (a *Agent) Actor() *nn.MLP { return a.actor }

// ActorTarget returns the actor's target network (not a copy).
func (a *Agent) ActorTarget() *nn.MLP { return a.actorTarget }

// Critics returns the number of critics: 1 for DDPG, 2 for TD3.
func (a *Agent) Critics() int { return len(a.critics) }

// Critic returns critic i (not a copy).
func (a *Agent) Critic(i int) *nn.MLP { return a.critics[i] }

// CriticTarget returns the target network of critic i (not a copy).
func (a *Agent) CriticTarget(i int) *nn.MLP { return a.criticTargets[i] }

// Replay returns the replay buffer; it stores normalised actions.
func (a *Agent) Replay() *Replay { return a.replay }

// Updates returns the number of updates done.
func (a *Agent) Updates() int { return a.updates }

// Retune changes the hyperparameters that can change during training:
// γ, τ, the learning rates, LearningStarts, UpdatesPerStep, the noise
// settings and TD3's PolicyDelay, TargetNoise and TargetClip. Other fields
// of cfg (the algorithm, networks, optimizers but for their learning rate,
// batch and buffer size) are ignored: they need a new agent.
func (a *Agent) Retune(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	c := &a.cfg
	c.Gamma, c.Tau = cfg.Gamma, cfg.Tau
	c.LearningStarts, c.UpdatesPerStep = cfg.LearningStarts, cfg.UpdatesPerStep
	c.Noise, c.Sigma, c.SigmaEnd, c.DecaySteps = cfg.Noise, cfg.Sigma, cfg.SigmaEnd, cfg.DecaySteps
	c.OUTheta, c.OUDt = cfg.OUTheta, cfg.OUDt
	c.PolicyDelay, c.TargetNoise, c.TargetClip = cfg.PolicyDelay, cfg.TargetNoise, cfg.TargetClip
	c.ActorOptim.LR, c.CriticOptim.LR = cfg.ActorOptim.LR, cfg.CriticOptim.LR
	a.actorOpt.SetLR(c.ActorOptim.LR)
	for _, o := range a.criticOpts {
		o.SetLR(c.CriticOptim.LR)
	}
	return nil
}

// Policy writes μ(obs), the normalised action in [−1, 1]ᴬ, into dst.
func (a *Agent) Policy(dst, obs []float64) {
	if len(dst) != a.actDim {
		panic("ddpg: Policy: dst has the wrong length")
	}
	copy(dst, a.actor.Forward(obs, 1))
}

// Scale writes the environment's action for the normalised action norm:
// the centre of the bounds plus norm times their half-width.
func (a *Agent) Scale(dst, norm []float64) {
	dst = dst[:a.actDim]
	norm = norm[:a.actDim]
	for i, x := range norm {
		dst[i] = a.mid[i] + a.half[i]*x
	}
}

// Evaluate computes, for the n observations in obs (n×ObsDim), the value
// v[r] = Q₁(s, μ(s)) under the first critic and, if act is not nil, the
// action μ(s) in environment units into act (n×ActDim), in one batch per
// network. It allocates only when n exceeds every earlier n.
func (a *Agent) Evaluate(v, act, obs []float64, n int) {
	if n == 0 {
		return
	}
	O, A := a.obsDim, a.actDim
	if len(obs) != n*O || len(v) < n || (act != nil && len(act) < n*A) {
		panic("ddpg: Evaluate: buffer sizes do not match n")
	}
	if cap(a.heat) < n*(O+A) {
		a.heat = make([]float64, n*(O+A))
	}
	sa := a.heat[:n*(O+A)]
	mu := a.actor.Forward(obs, n)
	join(sa, obs, mu, n, O, A)
	copy(v[:n], a.critics[0].Forward(sa, n))
	if act != nil {
		for r := 0; r < n; r++ {
			a.Scale(act[r*A:r*A+A], mu[r*A:r*A+A])
		}
	}
}

// join writes the rows [s, a] of n observations (n×O) and actions (n×A)
// into dst.
func join(dst, s, a []float64, n, O, A int) {
	w := O + A
	for r := 0; r < n; r++ {
		copy(dst[r*w:r*w+O], s[r*O:r*O+O])
		copy(dst[r*w+O:r*w+w], a[r*A:r*A+A])
	}
}

// Update does one training step on a batch sampled from the replay buffer
// (which must not be empty) and returns the critic loss before the step
// (TD3: the mean of both critics' losses) and the mean of Q₁(s, a) over the
// batch.
func (a *Agent) Update() (criticLoss, meanQ float64) {
	B := a.cfg.Batch
	a.replay.Sample(a.rng, B, a.obs, a.act, a.rew, a.next, a.term)
	a.targets(a.y, a.next, a.rew, a.term, B)
	join(a.sa, a.obs, a.act, B, a.obsDim, a.actDim)
	for i, c := range a.critics {
		q := c.Forward(a.sa, B)
		criticLoss += nn.MSE(a.dq, q, a.y)
		if i == 0 {
			for _, x := range q {
				meanQ += x
			}
			meanQ /= float64(B)
		}
		c.ZeroGrad()
		c.Backward(a.dq)
		a.criticOpts[i].Step(c.Params(), c.Grads())
	}
	criticLoss /= float64(len(a.critics))
	a.updates++
	if a.updates%a.cfg.PolicyDelay == 0 {
		a.actorStep(B)
		tau := a.cfg.Tau
		nn.SoftUpdate(a.actorTarget.Params(), a.actor.Params(), tau)
		for i, c := range a.critics {
			nn.SoftUpdate(a.criticTargets[i].Params(), c.Params(), tau)
		}
	}
	return criticLoss, meanQ
}

// targets writes y = r + γ(1 − term)·Q′(s′, ã) for the n rows of next,
// rew and term, with ã = μ′(s′) (TD3: plus noise N(0, TargetNoise²)
// clipped to ±TargetClip, the sum clipped to [−1, 1]) and Q′ the target
// critic (TD3: the smaller of the two). It uses the batch buffer sa.
func (a *Agent) targets(y, next, rew, term []float64, n int) {
	O, A := a.obsDim, a.actDim
	sa := a.sa[:n*(O+A)]
	join(sa, next, a.actorTarget.Forward(next, n), n, O, A)
	if a.cfg.Algo == TD3 {
		sigma, c := a.cfg.TargetNoise, a.cfg.TargetClip
		for r := 0; r < n; r++ {
			row := sa[r*(O+A)+O : (r+1)*(O+A)]
			for j, x := range row {
				e := sigma * a.rng.NormFloat64()
				if e < -c {
					e = -c
				} else if e > c {
					e = c
				}
				x += e
				if x < -1 {
					x = -1
				} else if x > 1 {
					x = 1
				}
				row[j] = x
			}
		}
	}
	y = y[:n]
	copy(y, a.criticTargets[0].Forward(sa, n))
	for i := 1; i < len(a.criticTargets); i++ {
		q := a.criticTargets[i].Forward(sa, n)
		q = q[:len(y)]
		for r, x := range q {
			if x < y[r] {
				y[r] = x
			}
		}
	}
	g := a.cfg.Gamma
	rew, term = rew[:len(y)], term[:len(y)]
	for r, q := range y {
		y[r] = rew[r] + g*(1-term[r])*q
	}
}

// actorStep moves the actor up the gradient of the mean of Q₁(s, μ(s))
// over the batch in a.obs.
func (a *Agent) actorStep(B int) {
	O, A := a.obsDim, a.actDim
	join(a.sa, a.obs, a.actor.Forward(a.obs, B), B, O, A)
	a.critics[0].Forward(a.sa, B)
	g := -1 / float64(B) // ∂(−mean Q)/∂Q
	for i := range a.dOut {
		a.dOut[i] = g
	}
	dsa := a.critics[0].BackwardInput(a.dOut)
	for r := 0; r < B; r++ {
		copy(a.dA[r*A:r*A+A], dsa[r*(O+A)+O:(r+1)*(O+A)])
	}
	a.actor.ZeroGrad()
	a.actor.Backward(a.dA)
	a.actorOpt.Step(a.actor.Params(), a.actor.Grads())
}
