package ppo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/nn"
)

// Agent is a policy network, a value network and their optimizer. For
// discrete actions the policy's outputs are the logits of a categorical
// distribution; for continuous ones they are the mean of a Gaussian with
// independent components whose log standard deviations are parameters of
// their own, independent of the state (CleanRL's actor_logstd). It is not
// safe for concurrent use.
type Agent struct {
	cfg      Config
	obsDim   int
	nOut     int // policy outputs: actions (discrete) or action components
	actDim   int // length of a stored action: 1 (its index) or nOut
	discrete bool

	actor, critic   *nn.MLP
	logStd, gLogStd []float64 // nil for discrete actions
	opts            []nn.Optimizer
	lr              float64

	// Minibatch buffers, sized for the whole batch.
	mbObs, mbAct            []float64
	oldLogp, adv, ret, oldV []float64
	logp, ent, gLogp, dV    []float64
	dOut, dLP, dH           []float64 // rows × nOut
	perm                    []int
	evalObs                 []float64 // Evaluate's normalised copy, grown on demand

	updates, iterations int
}

// New returns an agent for observations of obsDim values and, if discrete,
// nActions actions, else actions of nActions components. Its networks are
// initialised from rng as cfg says.
func New(cfg Config, obsDim, nActions int, discrete bool, rng *rand.Rand) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("ppo: New needs a *rand.Rand")
	}
	if obsDim < 1 || nActions < 1 || (discrete && nActions < 2) {
		return nil, fmt.Errorf("ppo: need ≥ 1 observation and ≥ 1 action component (≥ 2 discrete actions), got %d and %d", obsDim, nActions)
	}
	a := &Agent{cfg: cfg, obsDim: obsDim, nOut: nActions, actDim: nActions, discrete: discrete, lr: cfg.LR}
	if discrete {
		a.actDim = 1
	}
	sizes := func(out int) []int {
		s := []int{obsDim}
		for range cfg.Layers {
			s = append(s, cfg.Hidden)
		}
		return append(s, out)
	}
	gains := func(last float64) []float64 {
		g := make([]float64, cfg.Layers+1)
		for i := range g {
			g[i] = math.Sqrt2
		}
		g[cfg.Layers] = last
		return g
	}
	var err error
	net := func(out int, last float64) (*nn.MLP, error) {
		m, err := nn.New(nn.Config{Sizes: sizes(out), Hidden: cfg.Activation, Output: nn.Identity, Init: cfg.Init, LeakySlope: 0.01}, rng)
		if err != nil {
			return nil, err
		}
		if cfg.Orthogonal {
			if err := m.InitOrthogonal(gains(last), rng); err != nil {
				return nil, err
			}
		}
		return m, nil
	}
	if a.critic, err = net(1, 1); err != nil {
		return nil, fmt.Errorf("ppo: value network: %v", err)
	}
	if a.actor, err = net(nActions, 0.01); err != nil {
		return nil, fmt.Errorf("ppo: policy network: %v", err)
	}
	oc := nn.OptimConfig{Kind: nn.KindAdam, LR: cfg.LR, Beta1: 0.9, Beta2: 0.999, Eps: cfg.AdamEps}
	for _, p := range [][]float64{a.actor.Params(), a.critic.Params()} {
		o, err := nn.NewOptimizer(oc, len(p))
		if err != nil {
			return nil, err
		}
		a.opts = append(a.opts, o)
	}
	if !discrete {
		a.logStd = make([]float64, nActions)
		a.gLogStd = make([]float64, nActions)
		for i := range a.logStd {
			a.logStd[i] = cfg.LogStdInit
		}
		o, err := nn.NewOptimizer(oc, nActions)
		if err != nil {
			return nil, err
		}
		a.opts = append(a.opts, o)
	}
	B := cfg.Batch()
	a.mbObs = make([]float64, B*obsDim)
	a.mbAct = make([]float64, B*a.actDim)
	for _, p := range []*[]float64{&a.oldLogp, &a.adv, &a.ret, &a.oldV, &a.logp, &a.ent, &a.gLogp, &a.dV} {
		*p = make([]float64, B)
	}
	a.dOut = make([]float64, B*nActions)
	a.dLP = make([]float64, B*nActions)
	a.dH = make([]float64, B*nActions)
	a.perm = make([]int, B)
	// Grow the networks' buffers now, so that acting and updating
	// allocate nothing.
	a.actor.Forward(a.mbObs, B)
	a.critic.Forward(a.mbObs, B)
	return a, nil
}

// Config returns the agent's configuration.
func (a *Agent) Config() Config { return a.cfg }

// Discrete reports whether actions are discrete.
func (a *Agent) Discrete() bool { return a.discrete }

// ObsDim returns the observation size.
func (a *Agent) ObsDim() int { return a.obsDim }

// Outputs returns the number of actions (discrete) or action components.
func (a *Agent) Outputs() int { return a.nOut }

// ActDim returns the length of a stored action: 1 for a discrete action
// (its index), else the number of components.
func (a *Agent) ActDim() int { return a.actDim }

// Actor returns the policy network (not a copy).
func (a *Agent) Actor() *nn.MLP { return a.actor }

// Critic returns the value network (not a copy).
func (a *Agent) Critic() *nn.MLP { return a.critic }

// LogStd returns the Gaussian policy's log standard deviations (not a
// copy), nil for discrete actions.
func (a *Agent) LogStd() []float64 { return a.logStd }

// LR returns the learning rate of the last update (or the first).
func (a *Agent) LR() float64 { return a.lr }

// Updates returns the number of gradient steps taken.
func (a *Agent) Updates() int { return a.updates }

// Iterations returns the number of rollouts learnt from.
func (a *Agent) Iterations() int { return a.iterations }

// Retune changes the hyperparameters that can change during training:
// those of Schema without Reset. The others of cfg are ignored.
func (a *Agent) Retune(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	c := &a.cfg
	c.LR, c.AnnealLR, c.AnnealSteps = cfg.LR, cfg.AnnealLR, cfg.AnnealSteps
	c.Gamma, c.Lambda = cfg.Gamma, cfg.Lambda
	c.Minibatches, c.Epochs, c.NormAdv = cfg.Minibatches, cfg.Epochs, cfg.NormAdv
	c.ClipCoef, c.ClipVLoss, c.TargetKL = cfg.ClipCoef, cfg.ClipVLoss, cfg.TargetKL
	c.EntCoef, c.VFCoef, c.MaxGradNorm = cfg.EntCoef, cfg.VFCoef, cfg.MaxGradNorm
	c.ObsClip, c.RewardClip, c.BootstrapTruncated = cfg.ObsClip, cfg.RewardClip, cfg.BootstrapTruncated
	if !c.AnnealLR {
		a.setLR(c.LR)
	}
	return nil
}

func (a *Agent) setLR(lr float64) {
	a.lr = lr
	for _, o := range a.opts {
		o.SetLR(lr)
	}
}

// Act samples an action for each of the n observations in obs (n×ObsDim)
// into act (n×ActDim), with its log-probability into logp and the value
// of the observation into v, in one batch through each network. Draws
// come from rng: one uniform per discrete action, one normal per action
// component.
func (a *Agent) Act(act, logp, v, obs []float64, n int, rng *rand.Rand) {
	A, D := a.nOut, a.actDim
	if len(act) < n*D || len(logp) < n || len(v) < n {
		panic("ppo: Act: buffer sizes do not match n")
	}
	out := a.actor.Forward(obs, n)
	for r := 0; r < n; r++ {
		row := out[r*A : r*A+A]
		if a.discrete {
			k := nn.SampleCategorical(row, rng)
			act[r] = float64(k)
			logp[r] = nn.CategoricalLogProb(row, k)
			continue
		}
		x := act[r*D : r*D+D]
		nn.SampleGaussian(x, row, a.logStd, rng)
		logp[r] = nn.GaussianLogProb(x, row, a.logStd)
	}
	copy(v[:n], a.critic.Forward(obs, n))
}

// Values writes V(s) of the n observations in obs into v.
func (a *Agent) Values(v, obs []float64, n int) {
	copy(v[:n], a.critic.Forward(obs, n))
}

// Evaluate writes, for the n observations in obs (n×ObsDim), V(s) into v
// and, if out is not nil, the policy's distribution into out (n×Outputs):
// the action probabilities (discrete) or the Gaussian's mean (continuous).
// It allocates only when n exceeds every earlier n.
func (a *Agent) Evaluate(v, out, obs []float64, n int) {
	if n == 0 {
		return
	}
	if len(obs) != n*a.obsDim || len(v) < n || (out != nil && len(out) < n*a.nOut) {
		panic("ppo: Evaluate: buffer sizes do not match n")
	}
	copy(v[:n], a.critic.Forward(obs, n))
	if out == nil {
		return
	}
	A := a.nOut
	y := a.actor.Forward(obs, n)
	for r := 0; r < n; r++ {
		if a.discrete {
			nn.Softmax(out[r*A:r*A+A], y[r*A:r*A+A])
		} else {
			copy(out[r*A:r*A+A], y[r*A:r*A+A])
		}
	}
}

// Stats are the diagnostics of one update, as CleanRL logs them: the
// losses, entropy and KL estimates of the last minibatch, the share of
// clipped ratios over all minibatches and the explained variance of the
// rollout's values (NaN if the returns do not vary).
type Stats struct {
	PolicyLoss, ValueLoss, Entropy float64
	ApproxKL, OldApproxKL          float64
	ClipFrac                       float64
	ExplainedVariance              float64
	LR                             float64 // learning rate of the update
	GradNorm                       float64 // global gradient norm of the last minibatch, before clipping
	Epochs, Minibatches            int     // epochs run (a target KL may stop early), gradient steps
}

// parts are the terms of one minibatch's loss.
type parts struct {
	policy, value, entropy    float64
	clipFrac, approxKL, oldKL float64
}

// total is the loss whose gradient lossGrad computes:
// policy − EntCoef·entropy + VFCoef·value.
func (a *Agent) total(p parts) float64 {
	return p.policy - a.cfg.EntCoef*p.entropy + a.cfg.VFCoef*p.value
}

// lossGrad computes the loss of the minibatch of r's transitions idx and
// leaves its gradient in the networks' Grads (and gLogStd).
func (a *Agent) lossGrad(r *Rollout, idx []int) parts {
	M, O, A, D := len(idx), a.obsDim, a.nOut, a.actDim
	c := &a.cfg
	obs, act := a.mbObs[:M*O], a.mbAct[:M*D]
	oldLogp, adv, ret, oldV := a.oldLogp[:M], a.adv[:M], a.ret[:M], a.oldV[:M]
	for j, k := range idx {
		copy(obs[j*O:j*O+O], r.Obs[k*O:k*O+O])
		copy(act[j*D:j*D+D], r.Act[k*D:k*D+D])
		oldLogp[j], adv[j], ret[j], oldV[j] = r.LogProb[k], r.Advantages[k], r.Returns[k], r.Value[k]
	}
	if c.NormAdv {
		NormalizeAdvantages(adv, adv)
	}
	out := a.actor.Forward(obs, M)
	logp, ent := a.logp[:M], a.ent[:M]
	dLP, dH := a.dLP[:M*A], a.dH[:M*A]
	for j := 0; j < M; j++ {
		row := out[j*A : j*A+A]
		if a.discrete {
			logp[j], ent[j] = nn.CategoricalGrad(dLP[j*A:j*A+A], dH[j*A:j*A+A], row, int(act[j]))
		} else {
			// dH holds ∂log p/∂log σ per row here; ∂H/∂log σ is 1.
			logp[j] = nn.GaussianGrad(dLP[j*A:j*A+A], dH[j*A:j*A+A], act[j*D:j*D+D], row, a.logStd)
			ent[j] = nn.GaussianEntropy(a.logStd)
		}
	}
	var p parts
	gLogp := a.gLogp[:M]
	if c.Algo == PPO {
		p.policy, p.clipFrac, p.approxKL, p.oldKL = ClippedSurrogate(gLogp, logp, oldLogp, adv, c.ClipCoef)
	} else {
		p.policy = PolicyGradientLoss(gLogp, logp, adv)
	}
	for _, h := range ent {
		p.entropy += h
	}
	p.entropy /= float64(M)
	// ∂(−EntCoef·mean H)/∂z and the policy term, row by row.
	dOut := a.dOut[:M*A]
	ec := c.EntCoef / float64(M)
	if a.discrete {
		for j := 0; j < M; j++ {
			g := gLogp[j]
			for k := j * A; k < j*A+A; k++ {
				dOut[k] = g*dLP[k] - ec*dH[k]
			}
		}
	} else {
		for k := range a.gLogStd {
			a.gLogStd[k] = -c.EntCoef
		}
		for j := 0; j < M; j++ {
			g := gLogp[j]
			for k := 0; k < A; k++ {
				dOut[j*A+k] = g * dLP[j*A+k]
				a.gLogStd[k] += g * dH[j*A+k]
			}
		}
	}
	a.actor.ZeroGrad()
	a.actor.Backward(dOut)
	v := a.critic.Forward(obs, M)
	dV := a.dV[:M]
	p.value = ValueLoss(dV, v, oldV, ret, c.ClipCoef, c.Algo == PPO && c.ClipVLoss)
	for j := range dV {
		dV[j] *= c.VFCoef
	}
	a.critic.ZeroGrad()
	a.critic.Backward(dV)
	return p
}

// step clips the gradients of all parameters together to MaxGradNorm, as
// torch.nn.utils.clip_grad_norm_ over agent.parameters(), and takes one
// Adam step; it returns the norm before clipping.
func (a *Agent) step() float64 {
	groups := [3][]float64{a.actor.Grads(), a.critic.Grads(), a.gLogStd}
	s := 0.0
	for _, g := range groups {
		for _, x := range g {
			s += x * x
		}
	}
	norm := math.Sqrt(s)
	if mg := a.cfg.MaxGradNorm; mg > 0 {
		if coef := mg / (norm + 1e-6); coef < 1 {
			for _, g := range groups {
				for i := range g {
					g[i] *= coef
				}
			}
		}
	}
	a.opts[0].Step(a.actor.Params(), groups[0])
	a.opts[1].Step(a.critic.Params(), groups[1])
	if !a.discrete {
		a.opts[2].Step(a.logStd, a.gLogStd)
	}
	a.updates++
	return norm
}

// Update learns from the rollout r, whose advantages and returns are
// computed, and returns its diagnostics. PPO: Epochs passes over r, each
// in shuffled minibatches (Fisher–Yates with rng, the permutation carried
// from one epoch to the next as np.random.shuffle does), stopping after
// an epoch whose last approximate KL exceeds TargetKL, if set. A2C: one
// gradient step on the whole rollout. The learning rate is annealed
// first, by the number of rollouts learnt from. It allocates nothing.
func (a *Agent) Update(r *Rollout, rng *rand.Rand) Stats {
	c := &a.cfg
	B := r.Len()
	if B != c.Batch() || r.ObsDim != a.obsDim || r.ActDim != a.actDim {
		panic("ppo: Update: the rollout's shape is not the agent's")
	}
	a.iterations++
	if c.AnnealLR {
		a.setLR(c.lrAt(a.iterations))
	}
	perm := a.perm[:B]
	for i := range perm {
		perm[i] = i
	}
	mb, epochs := c.MinibatchSize(), c.Epochs
	if c.Algo == A2C {
		mb, epochs = B, 1
	}
	st := Stats{LR: a.lr}
	var p parts
	for e := 0; e < epochs; e++ {
		if c.Algo == PPO {
			for i := B - 1; i > 0; i-- {
				j := rng.IntN(i + 1)
				perm[i], perm[j] = perm[j], perm[i]
			}
		}
		for start := 0; start < B; start += mb {
			p = a.lossGrad(r, perm[start:min(start+mb, B)])
			st.GradNorm = a.step()
			st.ClipFrac += p.clipFrac
			st.Minibatches++
		}
		st.Epochs++
		if c.Algo == PPO && c.TargetKL > 0 && p.approxKL > c.TargetKL {
			break
		}
	}
	st.ClipFrac /= float64(st.Minibatches)
	st.PolicyLoss, st.ValueLoss, st.Entropy = p.policy, p.value, p.entropy
	st.ApproxKL, st.OldApproxKL = p.approxKL, p.oldKL
	st.ExplainedVariance = ExplainedVariance(r.Value, r.Returns)
	return st
}
