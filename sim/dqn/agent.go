package dqn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"bellman/sim/ddpg"
	"bellman/sim/nn"
)

// Agent is a DQN agent: the online Q-network, its target network, the
// optimizer and the replay buffer. It is not safe for concurrent use.
type Agent struct {
	cfg            Config
	obsDim, nA     int
	nOut           int // network outputs: nA, or 1 + nA with dueling heads
	online, target *nn.MLP
	opt            nn.Optimizer
	replay         *ddpg.Replay // actions stored as their index
	rng            *rand.Rand   // replay sampling

	// Batch buffers.
	obs, act, rew, next, term []float64
	y, qa, dqa                []float64 // TD targets, Q(s, a), ∂loss/∂Q(s, a)
	qNext, qTarget, q         []float64 // Batch×nA action values
	dOut                      []float64 // Batch×nOut
	aNext                     []int     // Double DQN's argmax of the online network
	one                       []float64 // a single observation's Q values

	updates int
}

// New returns an agent for observations of obsDim values and nActions
// actions. The network is initialised from initRNG and copied into the
// target; replay sampling draws from replayRNG, which the agent keeps.
func New(cfg Config, obsDim, nActions int, initRNG, replayRNG *rand.Rand) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if initRNG == nil || replayRNG == nil {
		return nil, errors.New("dqn: New needs two *rand.Rand")
	}
	if obsDim < 1 || nActions < 1 {
		return nil, fmt.Errorf("dqn: need ≥ 1 observation and ≥ 1 action, got %d and %d", obsDim, nActions)
	}
	a := &Agent{cfg: cfg, obsDim: obsDim, nA: nActions, nOut: nActions, rng: replayRNG}
	if cfg.Dueling {
		a.nOut = 1 + nActions
	}
	nc := cfg.Net
	nc.Sizes = append([]int(nil), nc.Sizes...)
	nc.Sizes[0], nc.Sizes[len(nc.Sizes)-1] = obsDim, a.nOut
	nc.Output = nn.Identity
	a.cfg.Net = nc
	var err error
	if a.online, err = nn.New(nc, initRNG); err != nil {
		return nil, fmt.Errorf("dqn: Q-network: %v", err)
	}
	if a.opt, err = nn.NewOptimizer(cfg.Optim, len(a.online.Params())); err != nil {
		return nil, fmt.Errorf("dqn: Q-network: %v", err)
	}
	a.target = a.online.Clone()
	if a.replay, err = ddpg.NewReplay(cfg.BufferSize, obsDim, 1); err != nil {
		return nil, err
	}
	B := cfg.Batch
	a.obs, a.next = make([]float64, B*obsDim), make([]float64, B*obsDim)
	a.act, a.rew, a.term = make([]float64, B), make([]float64, B), make([]float64, B)
	a.y, a.qa, a.dqa = make([]float64, B), make([]float64, B), make([]float64, B)
	a.qNext, a.qTarget, a.q = make([]float64, B*nActions), make([]float64, B*nActions), make([]float64, B*nActions)
	a.dOut = make([]float64, B*a.nOut)
	a.aNext = make([]int, B)
	a.one = make([]float64, nActions)
	// Grow the networks' buffers now, so that acting and updating
	// allocate nothing.
	a.online.Forward(a.obs, B)
	a.target.Forward(a.obs, B)
	return a, nil
}

// Config returns the agent's configuration, with the network's sizes as
// built.
func (a *Agent) Config() Config { return a.cfg }

// ObsDim returns the observation size.
func (a *Agent) ObsDim() int { return a.obsDim }

// NumActions returns the number of actions.
func (a *Agent) NumActions() int { return a.nA }

// Online returns the online Q-network (not a copy). With dueling heads its
// outputs are V(s) followed by the advantages A(s, ·); Evaluate aggregates
// them.
func (a *Agent) Online() *nn.MLP { return a.online }

// Target returns the target network (not a copy).
func (a *Agent) Target() *nn.MLP { return a.target }

// Replay returns the replay buffer; an action is stored as its index.
func (a *Agent) Replay() *ddpg.Replay { return a.replay }

// Updates returns the number of updates done.
func (a *Agent) Updates() int { return a.updates }

// Retune changes the hyperparameters that can change during training: γ,
// the loss and Huber δ, the learning rate, LearningStarts,
// TrainFrequency, GradientSteps, TargetEvery, τ, Double and the ε
// schedule. The other fields of cfg (network, dueling, optimizer but for
// its learning rate, batch and buffer size) need a new agent and are
// ignored.
func (a *Agent) Retune(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	c := &a.cfg
	c.Gamma, c.Loss, c.HuberDelta = cfg.Gamma, cfg.Loss, cfg.HuberDelta
	c.LearningStarts, c.TrainFrequency, c.GradientSteps = cfg.LearningStarts, cfg.TrainFrequency, cfg.GradientSteps
	c.TargetEvery, c.Tau, c.Double = cfg.TargetEvery, cfg.Tau, cfg.Double
	c.EpsStart, c.EpsEnd, c.ExplorationFraction, c.TotalSteps = cfg.EpsStart, cfg.EpsEnd, cfg.ExplorationFraction, cfg.TotalSteps
	c.Optim.LR = cfg.Optim.LR
	a.opt.SetLR(c.Optim.LR)
	return nil
}

// values runs net on the n rows of x and writes Q(s, ·) (n×NumActions)
// into dst, aggregating dueling heads: Q = V + A − mean A.
func (a *Agent) values(dst []float64, net *nn.MLP, x []float64, n int) []float64 {
	out := net.Forward(x, n)
	if !a.cfg.Dueling {
		return dst[:copy(dst[:n*a.nA], out)]
	}
	aggregate(dst[:n*a.nA], out, n, a.nA)
	return dst[:n*a.nA]
}

// aggregate writes Q(s, a) = V(s) + A(s, a) − mean_b A(s, b) for n rows of
// dueling outputs (V, A_0, …, A_{nA−1}) into dst (n×nA).
func aggregate(dst, out []float64, n, nA int) {
	w := nA + 1
	for r := 0; r < n; r++ {
		row := out[r*w : r*w+w]
		adv := row[1:]
		mean := 0.0
		for _, x := range adv {
			mean += x
		}
		mean /= float64(nA)
		q := dst[r*nA : r*nA+nA]
		for i, x := range adv {
			q[i] = row[0] + x - mean
		}
	}
}

// QValues writes Q(obs, ·) of the online network into dst (NumActions).
func (a *Agent) QValues(dst, obs []float64) {
	if len(dst) != a.nA {
		panic("dqn: QValues: dst has the wrong length")
	}
	copy(dst, a.values(a.one, a.online, obs, 1))
}

// Greedy returns argmax_a Q(obs, a), ties going to the first action.
func (a *Agent) Greedy(obs []float64) int {
	return argmax(a.values(a.one, a.online, obs, 1))
}

func argmax(q []float64) int {
	best := 0
	for i, x := range q {
		if x > q[best] {
			best = i
		}
	}
	return best
}

// Evaluate writes Q(s, ·) of the online network for the n observations in
// obs (n×ObsDim) into q (n×NumActions) in one batch and, if v and greedy
// are not nil, V(s) = max_a Q(s, a) into v (n) and the greedy action into
// greedy (n). It allocates only when n exceeds every earlier n.
func (a *Agent) Evaluate(q, v []float64, greedy []int, obs []float64, n int) {
	if n == 0 {
		return
	}
	A := a.nA
	if len(obs) != n*a.obsDim || len(q) < n*A || (v != nil && len(v) < n) || (greedy != nil && len(greedy) < n) {
		panic("dqn: Evaluate: buffer sizes do not match n")
	}
	a.values(q, a.online, obs, n)
	for r := 0; r < n; r++ {
		row := q[r*A : r*A+A]
		g := argmax(row)
		if v != nil {
			v[r] = row[g]
		}
		if greedy != nil {
			greedy[r] = g
		}
	}
}

// Targets writes the TD targets y = r + γ(1 − term)·Q′(s′, a′) of the n
// transitions with next observations next (n×ObsDim), rewards rew and
// terminated flags term (1 or 0) into y: a′ = argmax_a Q′(s′, a) with Q′
// the target network (DQN), or a′ = argmax_a Q(s′, a) of the online
// network (Double DQN). n is at most Batch.
func (a *Agent) Targets(y, next, rew, term []float64, n int) {
	A := a.nA
	if a.cfg.Double {
		qn := a.values(a.qNext, a.online, next, n)
		for r := 0; r < n; r++ {
			a.aNext[r] = argmax(qn[r*A : r*A+A])
		}
	}
	qt := a.values(a.qTarget, a.target, next, n)
	g := a.cfg.Gamma
	for r := 0; r < n; r++ {
		row := qt[r*A : r*A+A]
		var best float64
		if a.cfg.Double {
			best = row[a.aNext[r]]
		} else {
			best = row[argmax(row)]
		}
		y[r] = rew[r] + g*(1-term[r])*best
	}
}

// fit computes, for n transitions (obs, actions as indices, targets y),
// the loss of Q(s, a) against y and adds its gradient to the online
// network's Grads (which it zeroes first). It returns the loss, the mean
// of Q(s, a) and the mean |y − Q(s, a)|.
func (a *Agent) fit(obs, act, y []float64, n int) (loss, meanQ, tdErr float64) {
	A, W := a.nA, a.nOut
	q := a.values(a.q, a.online, obs, n)
	qa, dqa := a.qa[:n], a.dqa[:n]
	for r := range qa {
		qa[r] = q[r*A+int(act[r])]
		meanQ += qa[r]
		d := y[r] - qa[r]
		if d < 0 {
			d = -d
		}
		tdErr += d
	}
	if a.cfg.Loss == Huber {
		loss = nn.Huber(dqa, qa, y[:n], a.cfg.HuberDelta)
	} else {
		loss = nn.MSE(dqa, qa, y[:n])
	}
	// ∂loss/∂Q is dqa at the taken action and 0 elsewhere; through the
	// dueling aggregation that is ∂/∂V = dqa and ∂/∂A_b = [b = a]dqa − dqa/nA.
	dOut := a.dOut[:n*W]
	clear(dOut)
	for r, g := range dqa {
		row := dOut[r*W : r*W+W]
		k := int(act[r])
		if !a.cfg.Dueling {
			row[k] = g
			continue
		}
		row[0] = g
		share := g / float64(A)
		for b := 1; b < W; b++ {
			row[b] = -share
		}
		row[1+k] += g
	}
	a.online.ZeroGrad()
	a.online.Backward(dOut)
	fn := float64(n)
	return loss, meanQ / fn, tdErr / fn
}

// Update does one training step on a batch sampled from the replay buffer
// (which must not be empty): the TD targets, the loss of Q(s, a) against
// them, one optimizer step (with the gradient clipped to the optimizer's
// MaxGradNorm), and every TargetEvery updates the target network's move.
// It returns the loss before the step, the mean of Q(s, a) over the batch
// and the mean |TD error|.
func (a *Agent) Update() (loss, meanQ, tdErr float64) {
	B := a.cfg.Batch
	a.replay.Sample(a.rng, B, a.obs, a.act, a.rew, a.next, a.term)
	a.Targets(a.y, a.next, a.rew, a.term, B)
	loss, meanQ, tdErr = a.fit(a.obs, a.act, a.y, B)
	a.opt.Step(a.online.Params(), a.online.Grads())
	a.updates++
	if a.updates%a.cfg.TargetEvery == 0 {
		a.SyncTarget()
	}
	return loss, meanQ, tdErr
}

// SyncTarget moves the target network towards the online one:
// θ′ ← τθ + (1 − τ)θ′, an exact copy for τ = 1.
func (a *Agent) SyncTarget() {
	if a.cfg.Tau == 1 {
		nn.CopyParams(a.target.Params(), a.online.Params())
		return
	}
	nn.SoftUpdate(a.target.Params(), a.online.Params(), a.cfg.Tau)
}
