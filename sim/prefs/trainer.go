package prefs

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"bellman/sim/agent"
	"bellman/sim/features"
	"bellman/sim/grid"
	"bellman/sim/pg"
)

// Method is which route from labels to a policy a Trainer runs.
type Method int

// The methods, in menu order.
const (
	MethodBoth        Method = iota // both routes on the same labels, side by side
	MethodRewardModel               // RLHF: a Bradley–Terry reward model, then KL-regularised planning on it
	MethodDPO                       // DPO: the policy fitted to the labels directly
)

// MethodInfo describes a method for menus and help.
type MethodInfo struct {
	Key, Label, Help string
}

// Methods lists the methods in menu order; Methods[m].Key is m's name.
var Methods = []MethodInfo{
	{"both", "RLHF and DPO", "both routes on the same labels, side by side: their policies, true returns and KL to π_ref"},
	{"reward-model", "reward model + KL-regularised planning (RLHF)",
		"fit r̂ by maximum likelihood of the Bradley–Terry model (Newton's method), then soft value iteration on r̂: π ∝ π_ref·exp(q̂/β)"},
	{"dpo", "direct preference optimisation (DPO)",
		"fit the softmax policy to the labels directly: −log σ(β log π/π_ref(winner) − β log π/π_ref(loser)), by Adam"},
}

// String returns the method's key.
func (m Method) String() string {
	if m < 0 || int(m) >= len(Methods) {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return Methods[m].Key
}

// ParseMethod reads a method's key.
func ParseMethod(name string) (Method, error) {
	keys := make([]string, len(Methods))
	for i, m := range Methods {
		if m.Key == name {
			return Method(i), nil
		}
		keys[i] = m.Key
	}
	return 0, fmt.Errorf("unknown method %q (valid: %s)", name, strings.Join(keys, ", "))
}

// Config sets up a Trainer. Start from DefaultConfig.
type Config struct {
	// Beta is the KL coefficient β in (0, MaxBeta], in the judge's units:
	// both routes aim at the policy maximising E Σ γ^t (u − β KL), u the
	// judge's utility β_j·r. Default 1.
	Beta float64
	// Lambda is the L2 coefficient λ in (0, MaxLambda] of both fits (on
	// the reward model's weights, and on DPO's h − log π_ref). Default
	// 1e-6: small enough to leave the likelihood's optimum where the data
	// put it, large enough to keep it unique and finite.
	Lambda float64
	// Features is the reward model's feature spec over the grid's columns:
	// a preset of features.GridPresets ("onehot", tabular, the default) or
	// a spec's JSON.
	Features string
	// Adam fits DPO by Adam steps (at learning rate LR, as DPO is trained
	// in practice) instead of Newton's method (the default, which reaches
	// the loss's minimum in a dozen steps).
	Adam bool
	// LR is DPO's Adam learning rate in (0, 1]; default 0.05.
	LR float64
}

// DefaultConfig returns β 1, λ 1e-6, a tabular reward model and DPO by
// Newton's method (Adam's learning rate 0.05).
func DefaultConfig() Config { return Config{Beta: 1, Lambda: 1e-6, Features: "onehot", LR: 0.05} }

// Validate checks the configuration (the feature spec is checked when a
// Trainer compiles it).
func (c Config) Validate() error {
	if err := checkBeta(c.Beta); err != nil {
		return err
	}
	if err := checkLambda(c.Lambda); err != nil {
		return err
	}
	if !(c.LR > 0 && c.LR <= 1) {
		return fmt.Errorf("learning rate %v is outside (0, 1]", c.LR)
	}
	if strings.TrimSpace(c.Features) == "" {
		return errors.New("no features for the reward model")
	}
	return nil
}

// Score is what a policy achieves on the true model.
type Score struct {
	J  float64 // true return Σ_s d₀(s) v_π(s)
	KL float64 // Σ_s d^γ_π(s) KL(π(·|s) ‖ π_ref(·|s)), see Evaluator
	// Objective is the KL-regularised objective in the true reward's
	// units, J − (β/β_j) KL (J for a noiseless judge; NaN for a person's
	// labels, whose scale is unknown).
	Objective float64
}

// Planning tolerances: soft value iteration stops when max |Δv| of a sweep
// is below PlanTol, or after PlanSweeps sweeps.
const (
	PlanTol    = 1e-10
	PlanSweeps = 100_000
)

// Trainer runs both routes from one set of labels to a policy and scores
// them on the true model against the optimum of the KL-regularised
// objective (the target):
//
//   - RLHF: Newton steps fit the reward model r̂ (StepReward); after each,
//     soft value iteration on r̂ with coefficient β gives the RLHF policy
//     (Plan), and value iteration on r̂ (β = 0) its induced optimal policy
//     (Induced), the part of r̂ that shaping and scale cannot change.
//   - DPO: Adam steps on the DPO loss (StepDPO).
//   - The target is soft value iteration on the true reward r with
//     coefficient β/β_j (the judge's utility β_j·r with β), β_j the
//     labels' judge's: the hard optimum for a noiseless judge, none for a
//     person's labels.
//
// Steps allocate nothing once the labels are compiled.
type Trainer struct {
	G      *grid.Model
	Labels *Labels // read-only while the Trainer holds it; call Recompile after changing it
	Data   *Data
	Ref    []float64 // π_ref
	Config Config

	Reward  *RewardModel
	Plan    *Planner // soft value iteration on r̂ with β: the RLHF policy
	Induced *Planner // value iteration on r̂: r̂'s optimal policy
	DPO     *DPO
	Eval    *Evaluator
	Opt     *agent.Optimum // the unregularised optimum of the true reward
	target  *Planner

	// RHat is r̂ of the last reward step (len S*A).
	RHat []float64
	// The scores of the last steps: RLHF's and DPO's policies, the target,
	// r̂'s induced optimal policy and π_ref itself.
	RLHF, DPOScore, Target, InducedScore, RefScore Score
	// HasTarget says whether the labels' judge has a known scale (not a
	// person), so that Target means something.
	HasTarget bool
	// InducedShare is the share of non-terminal states where r̂'s optimal
	// action is optimal for the true reward.
	InducedShare float64

	RMLoss, RMDecrement float64 // after the last Newton step, and its decrement before
	RMConverged         bool
	// DPOLoss is the loss after the last Newton step (before the last Adam
	// step); DPODecrement the Newton decrement before it, and DPOGradMax
	// the largest |∂L/∂u| before an Adam step (NaN for the other method).
	DPOLoss, DPODecrement, DPOGradMax float64
	DPOConverged                      bool

	pi     []float64
	greedy []int
	err    string
}

// NewTrainer returns a trainer of cfg on labels for world g; start is
// the start state of the returns J (−1: uniform over the non-terminal
// states, as the pairs' starts were drawn).
func NewTrainer(g *grid.Model, labels *Labels, start int, cfg Config) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if g.S > pg.MaxExactStates {
		return nil, fmt.Errorf("the world has %d states; learning from preferences is exact on at most %d", g.S, pg.MaxExactStates)
	}
	if err := labels.Validate(g); err != nil {
		return nil, err
	}
	spec, err := features.Resolve(cfg.Features, features.GridPresets)
	if err != nil {
		return nil, err
	}
	phi, F, err := GridFeatures(g, spec)
	if err != nil {
		return nil, err
	}
	m := g.Model
	ref := labels.RefFor(g)
	t := &Trainer{G: g, Labels: labels, Ref: ref, Config: cfg, RHat: make([]float64, m.S*m.A),
		pi: make([]float64, m.S*m.A), greedy: make([]int, m.S)}
	if t.Reward, err = NewRewardModel(phi, m.S, m.A, F, cfg.Lambda); err != nil {
		return nil, err
	}
	gamma := labels.Gamma
	if t.Plan, err = NewPlanner(m, gamma, ref); err != nil {
		return nil, err
	}
	if t.Induced, err = NewPlanner(m, gamma, ref); err != nil {
		return nil, err
	}
	if t.target, err = NewPlanner(m, gamma, ref); err != nil {
		return nil, err
	}
	opt := DefaultOptim()
	opt.LR = cfg.LR
	if t.DPO, err = NewDPO(ref, m.S, m.A, cfg.Beta, cfg.Lambda, opt); err != nil {
		return nil, err
	}
	d0, err := pg.StartDistribution(m, start)
	if err != nil {
		return nil, err
	}
	if t.Eval, err = NewEvaluator(m, gamma, d0, ref); err != nil {
		return nil, err
	}
	if t.Opt, err = agent.NewOptimum(m, gamma); err != nil {
		return nil, err
	}
	t.Recompile()
	t.Reset()
	return t, nil
}

// Recompile rebuilds Data from Labels (after pairs were added or
// relabelled); the fits go on from where they are.
func (t *Trainer) Recompile() {
	t.Data = t.Labels.Compile(t.G)
	t.RMConverged, t.DPOConverged = false, false
}

// Reset starts both fits again: r̂ = 0, π_θ = π_ref.
func (t *Trainer) Reset() {
	t.Reward.Reset()
	t.DPO.Reset()
	t.Plan.Reset()
	t.Induced.Reset()
	clear(t.RHat)
	t.RMLoss, t.RMDecrement, t.RMConverged = math.NaN(), math.NaN(), false
	t.DPOLoss, t.DPODecrement, t.DPOGradMax, t.DPOConverged = math.NaN(), math.NaN(), math.NaN(), false
	t.err = ""
	t.RefScore = t.score(t.Ref)
	t.retarget()
	t.replan()
	t.DPOScore = t.score(t.DPO.ActionProbs(t.pi))
}

// scale returns the labels' judge's β_j.
func (t *Trainer) scale() float64 { return t.Labels.Judge.Scale() }

// score evaluates pi (it may be t.pi).
func (t *Trainer) score(pi []float64) Score {
	J, KL, err := t.Eval.Evaluate(pi)
	if err != nil {
		return Score{J: math.NaN(), KL: math.NaN(), Objective: math.NaN()}
	}
	return Score{J: J, KL: KL, Objective: J - t.Config.Beta/t.scale()*KL}
}

// retarget solves the target for the current β.
func (t *Trainer) retarget() {
	sc := t.scale()
	t.HasTarget = !math.IsNaN(sc)
	if !t.HasTarget {
		t.Target = Score{J: math.NaN(), KL: math.NaN(), Objective: math.NaN()}
		return
	}
	t.target.Solve(t.G.R, t.Config.Beta/sc, PlanTol, PlanSweeps)
	t.Target = t.score(t.target.Pi)
}

// replan plans on r̂ with β and without, and scores both policies.
func (t *Trainer) replan() {
	t.Plan.Solve(t.RHat, t.Config.Beta, PlanTol, PlanSweeps)
	t.RLHF = t.score(t.Plan.Pi)
	t.Induced.Solve(t.RHat, 0, PlanTol, PlanSweeps)
	t.InducedScore = t.score(t.Induced.Pi)
	A := t.G.A
	for s := range t.greedy {
		t.greedy[s] = 0
		for a := 0; a < A; a++ {
			if t.Induced.Pi[s*A+a] == 1 {
				t.greedy[s] = a
			}
		}
	}
	t.InducedShare = t.Opt.Share(t.greedy)
}

// StepReward takes one Newton step of the reward model (none once it has
// converged or without labels), then plans on r̂ again. It fails on a
// loss that is not finite.
func (t *Trainer) StepReward() error {
	if t.RMConverged || t.Data.Len() == 0 || t.err != "" {
		return nil
	}
	loss, dec, err := t.Reward.NewtonStep(t.Data)
	if err != nil {
		t.err = err.Error()
		return err
	}
	t.RMLoss, t.RMDecrement = loss, dec
	t.RMConverged = dec < Converged
	t.Reward.Rewards(t.RHat)
	t.replan()
	return nil
}

// StepDPO takes one Newton step of DPO (none once it has converged), or
// one Adam step, and scores its policy; none without labels. It fails
// when π_θ's logits stop being finite.
func (t *Trainer) StepDPO() error {
	if t.Data.Len() == 0 || t.err != "" || (t.DPOConverged && !t.Config.Adam) {
		return nil
	}
	if t.Config.Adam {
		t.DPOLoss, t.DPOGradMax = t.DPO.Step(t.Data)
		t.DPODecrement = math.NaN()
	} else {
		loss, dec, err := t.DPO.NewtonStep(t.Data)
		if err != nil {
			t.err = err.Error()
			return err
		}
		t.DPOLoss, t.DPODecrement, t.DPOGradMax = loss, dec, math.NaN()
		t.DPOConverged = dec < Converged
	}
	for i, u := range t.DPO.U {
		if math.IsNaN(u) || math.IsInf(u, 0) {
			r, c := t.G.RowCol(i / t.G.A)
			t.err = fmt.Sprintf("DPO's logit u for %s in cell (%d,%d) is %v", grid.ActionNames[i%t.G.A], r, c, u)
			return errors.New(t.err)
		}
	}
	t.DPOScore = t.score(t.DPO.ActionProbs(t.pi))
	return nil
}

// Diverged names what went NaN or infinite ("" if nothing); the steps
// then do nothing until Reset.
func (t *Trainer) Diverged() string { return t.err }

// FitReward takes Newton steps until the reward model converges or
// maxIter steps have run, and reports whether it converged.
func (t *Trainer) FitReward(maxIter int) (bool, error) {
	if t.Data.Len() == 0 {
		return false, errors.New("no labelled pairs to fit")
	}
	for k := 0; k < maxIter && !t.RMConverged; k++ {
		if err := t.StepReward(); err != nil {
			return false, err
		}
	}
	return t.RMConverged, nil
}

// DPOTol is the largest |∂L/∂u| at which FitDPO stops Adam.
const DPOTol = 1e-9

// FitDPO takes steps until DPO has converged (Newton's decrement below
// Converged; with Adam, the gradient's largest entry below DPOTol) or
// maxSteps steps have run, and reports whether it converged.
func (t *Trainer) FitDPO(maxSteps int) (bool, error) {
	if t.Data.Len() == 0 {
		return false, errors.New("no labelled pairs to fit")
	}
	for k := 0; k < maxSteps; k++ {
		if err := t.StepDPO(); err != nil {
			return false, err
		}
		if t.DPOConverged || (t.Config.Adam && t.DPOGradMax < DPOTol) {
			return true, nil
		}
	}
	return false, nil
}

// SetBeta changes β: the RLHF policy and the target are planned again at
// once; DPO goes on from its current policy with the new loss.
func (t *Trainer) SetBeta(b float64) error {
	if err := t.DPO.SetBeta(b); err != nil {
		return err
	}
	t.Config.Beta = b
	t.DPOConverged = false
	t.retarget()
	t.replan()
	t.DPOScore = t.score(t.DPO.ActionProbs(t.pi))
	return nil
}

// SetLambda changes λ of both fits from their next steps.
func (t *Trainer) SetLambda(l float64) error {
	if err := t.Reward.SetLambda(l); err != nil {
		return err
	}
	if err := t.DPO.SetLambda(l); err != nil {
		return err
	}
	t.Config.Lambda = l
	t.RMConverged, t.DPOConverged = false, false
	return nil
}

// SetLR changes DPO's learning rate.
func (t *Trainer) SetLR(lr float64) error {
	if !(lr > 0 && lr <= 1) {
		return fmt.Errorf("learning rate %v is outside (0, 1]", lr)
	}
	t.DPO.SetLR(lr)
	t.Config.LR = lr
	return nil
}

// TargetPolicy returns the target's policy (read-only; meaningless
// without HasTarget).
func (t *Trainer) TargetPolicy() []float64 { return t.target.Pi }

// TargetAdvantage writes the target's soft advantage in the judge's units,
// β log π*(a|s)/π_ref(a|s), into dst (len S*A) and returns it: what both
// implicit rewards aim at. It returns nil for a noiseless judge (the
// target is deterministic, the advantage of its other actions −∞) and for
// a person's labels.
func (t *Trainer) TargetAdvantage(dst []float64) []float64 {
	sc := t.scale()
	if math.IsNaN(sc) || math.IsInf(sc, 0) {
		return nil
	}
	dst = t.target.Advantage(dst, t.Config.Beta/sc)
	for i := range dst {
		dst[i] *= sc
	}
	return dst
}

// RLHFAdvantage writes the RLHF policy's soft advantage
// β log π(a|s)/π_ref(a|s) = q̂(s,a) − v̂(s) (the planner's, on r̂) into dst
// and returns it: the reward model's counterpart of DPO's implicit reward.
func (t *Trainer) RLHFAdvantage(dst []float64) []float64 {
	return t.Plan.Advantage(dst, t.Config.Beta)
}
