package session

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/features"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/pg"
	"bellman/sim/prefs"
)

// PrefsMethods lists the methods of a preferences session, in menu order:
// both routes side by side, the reward model with KL-regularised planning
// (RLHF), and DPO.
var PrefsMethods = func() []Algorithm {
	a := make([]Algorithm, len(prefs.Methods))
	for i, m := range prefs.Methods {
		a[i] = Algorithm{Key: m.Key, Label: m.Label, Help: m.Help}
	}
	return a
}()

// Keys of a preferences session's parameters (besides KeyStart and
// KeySeed).
const (
	KeyPrefsMethod  = "method"
	KeyPrefsBeta    = "beta"
	KeyJudge        = "judge"
	KeyJudgeBeta    = "judge-beta"
	KeyLabels       = "labels"
	KeyLength       = "length"
	KeySameStart    = "same-start"
	KeyPrefsGamma   = "gamma"
	KeyL2           = "l2"
	KeyFeatures     = "features"
	KeyOptimizer    = "optimizer"
	KeyLR           = "lr"
	KeyReferenceRun = "reference-steps"
)

// MaxPrefsLabels bounds the number of generated labels of a session.
const MaxPrefsLabels = 20_000

// Prefs is a session of learning from preferences on a grid world
// (package prefs): labelled pairs of trajectories from a reference policy
// π_ref, and the two routes from them to a policy, side by side on the
// same labels — RLHF (a Bradley–Terry reward model r̂, then soft value
// iteration on r̂ with the KL coefficient β) and DPO — each scored on the
// true model (its return J and KL to π_ref) against the optimum of the
// KL-regularised objective.
//
// Labels come from a simulated judge (the first "labels" pairs of the
// seed's streams) or from a person: NextPair draws two trajectories for
// the page to show side by side, Label records which one the person
// prefers (or overrides the judge's label of an existing pair), and
// SaveLabels/LoadLabels keep the set as a labels file. Each Step is one
// iteration of each route the method runs: a Newton step of the reward
// model followed by planning on r̂, and a Newton (or Adam) step of DPO.
type Prefs struct {
	base  grid.World
	World grid.World // as loaded (the session does not change its rewards)
	Model *grid.Model
	// Method is the route(s) Step advances.
	Method prefs.Method
	// Version counts changes that alter the schema or the grid's shape;
	// Run counts restarts (the curves start again).
	Version, Run int

	schema param.Schema
	vals   param.Values

	labels    *prefs.Labels
	sampler   *prefs.Sampler
	judgeRng  *rand.Rand
	tr        *prefs.Trainer
	loadedRef []float64 // π_ref of loaded labels, until the reference key changes

	shown   int         // index of the pair shown
	pending *prefs.Pair // the pair NextPair drew, not yet labelled (index len(Pairs))
	steps   int

	rmLoss, dpoLoss, rlhfJ, dpoJ, rlhfKL, dpoKL curve

	adv, kl []float64 // scratch for Snapshot
}

// NewPrefs starts method (a key of PrefsMethods) on world with default
// parameters and the given seed.
func NewPrefs(world grid.World, method string, seed uint64) (*Prefs, error) {
	if seed > MaxSeed {
		return nil, fmt.Errorf("seed %d is above %d", seed, uint64(MaxSeed))
	}
	m, err := prefs.ParseMethod(method)
	if err != nil {
		return nil, err
	}
	p := &Prefs{}
	if err := p.load(world, param.Values{KeySeed: float64(seed), KeyPrefsMethod: float64(m)}); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Prefs) load(world grid.World, carry param.Values) error {
	if err := world.Validate(); err != nil {
		return err
	}
	schema := prefsSchema(world)
	vals := schema.Defaults()
	for k, v := range carry {
		if s, ok := schema.Find(k); ok {
			vals[k] = s.Clamp(v)
		}
	}
	m, err := world.Build()
	if err != nil {
		return err
	}
	if m.S > pg.MaxExactStates {
		return fmt.Errorf("the world has %d states; learning from preferences is exact on at most %d", m.S, pg.MaxExactStates)
	}
	prev := *p
	p.base, p.World, p.Model, p.schema, p.vals = world, world, m, schema, vals
	p.Method = prefs.Method(vals[KeyPrefsMethod])
	p.labels, p.loadedRef = nil, nil
	if err := p.reset(true); err != nil {
		*p = prev
		return err
	}
	p.Version++
	return nil
}

// prefsSchema declares a preferences session's parameters.
func prefsSchema(w grid.World) param.Schema {
	methods := make([]string, len(prefs.Methods))
	for i, m := range prefs.Methods {
		methods[i] = m.Key
	}
	presets := make([]string, len(features.GridPresets))
	for i, f := range features.GridPresets {
		presets[i] = f.Key
	}
	d := prefs.DefaultConfig()
	sc := param.Schema{
		{Key: KeyPrefsMethod, Label: "method", Kind: param.Choice, Choices: methods,
			Help: "which route Step runs: both on the same labels, the reward model with KL-regularised planning (RLHF), or DPO"},
		{Key: KeyPrefsBeta, Label: "KL coefficient β", Min: 0.01, Max: 100, Step: 0.01, Log: true, Default: d.Beta,
			Help: "how much both routes are held to π_ref: they maximise E Σ γᵗ (judge's utility − β KL); large β keeps π ≈ π_ref"},
		{Key: KeyJudge, Label: "judge", Kind: param.Choice, Choices: prefs.JudgeNames(), Reset: true,
			Help: "bradley-terry: A preferred with probability σ(β_j (G_A − G_B)); noiseless: the higher return wins; expected: the probability itself as the label; person: your clicks (or a loaded file)"},
		{Key: KeyJudgeBeta, Label: "judge's rationality β_j", Min: 0.05, Max: 100, Step: 0.01, Log: true, Default: 1, Reset: true,
			Help: "how sharply the simulated judge tells returns apart; the learned reward comes out as β_j × the true one"},
		{Key: KeyLabels, Label: "labels", Kind: param.Int, Min: 1, Max: MaxPrefsLabels, Step: 1, Default: 1000, Reset: true,
			Help: "number of labelled pairs the simulated judge gives (the first of the seed's pairs)"},
		{Key: KeyLength, Label: "trajectory length T", Kind: param.Int, Min: 1, Max: 200, Step: 1, Default: 30, Reset: true,
			Help: "steps of each trajectory; 1 compares single steps. DPO's stationary policy misses the last γᵀ of the returns"},
		{Key: KeySameStart, Label: "pairs share a start", Kind: param.Bool, Default: 1, Reset: true,
			Help: "both trajectories of a pair start in one cell, as DPO's two answers share a prompt"},
		{Key: KeyPrefsGamma, Label: "discount γ", Min: 0, Max: 0.99, Step: 0.01, Default: 0.9, Reset: true,
			Help: "discount of the returns the judge compares, of the models' sums and of the objective"},
		{Key: KeyL2, Label: "L2 λ", Min: 1e-8, Max: 1, Step: 1e-8, Log: true, Default: d.Lambda,
			Help: "penalty on the reward model's weights and DPO's logits: keeps them finite when a reward separates the labels perfectly"},
		{Key: KeyFeatures, Label: "reward features", Kind: param.Choice, Choices: presets, Reset: true,
			Help: "the reward model r̂(s,a) = φ(s)ᵀw_a: one-hot is tabular; the others are Zhao's chapter-8 features"},
		{Key: KeyOptimizer, Label: "DPO optimiser", Kind: param.Choice, Choices: []string{"newton", "adam"}, Reset: true,
			Help: "Newton's method reaches DPO's minimum in a dozen steps; Adam steps as DPO is trained in practice"},
		{Key: KeyLR, Label: "Adam learning rate", Min: 1e-4, Max: 1, Step: 1e-4, Log: true, Default: d.LR,
			Help: "DPO's Adam step size, in the logits' (the judge's) units"},
		{Key: KeyReferenceRun, Label: "π_ref training steps", Kind: param.Int, Min: 0, Max: 200_000, Step: 1000, Reset: true,
			Help: "0: π_ref is uniform; else the softmax policy A2C (sim/pg) reaches in this many steps from the seed"},
	}
	if _, _, ok := w.StartCell(); ok {
		sc = append(sc, param.Spec{Key: KeyStart, Label: "pairs start", Kind: param.Choice, Choices: []string{"random", "start-cell"}, Reset: true,
			Help: "from a uniformly random non-terminal cell, or from the start cell S (and J from there)"})
	}
	return append(sc, param.Spec{Key: KeySeed, Label: "seed", Kind: param.Int, Min: 0, Max: MaxSeed, Step: 1, Reset: true,
		Help: "seed of the pairs' and the judge's random streams: same seed, same labels"})
}

// startState returns the pairs' (and J's) start state, or −1 for random.
func (p *Prefs) startState() int {
	if p.Model.Start >= 0 && p.vals.Get(KeyStart, 0) == 1 {
		return p.Model.Start
	}
	return -1
}

func (p *Prefs) judge() prefs.Judge {
	return prefs.Judge{Kind: prefs.JudgeKind(p.vals[KeyJudge]), Beta: p.vals[KeyJudgeBeta]}
}

// reference returns π_ref: loaded with labels, else uniform or trained by
// A2C for reference-steps steps.
func (p *Prefs) reference() ([]float64, error) {
	m := p.Model
	if p.loadedRef != nil {
		return p.loadedRef, nil
	}
	n := int(p.vals[KeyReferenceRun])
	if n == 0 {
		return prefs.Uniform(m.S, m.A), nil
	}
	cfg := pg.Default(pg.A2C)
	cfg.Gamma = p.vals[KeyPrefsGamma]
	tr, err := pg.NewTrainer(m.Model, cfg, p.startState(), 100, uint64(p.vals[KeySeed]))
	if err != nil {
		return nil, err
	}
	for tr.Steps < n {
		tr.Step()
	}
	if what, _ := tr.Diverged(); what != "" {
		return nil, fmt.Errorf("training π_ref: %s", what)
	}
	return tr.Agent.ActionProbs(make([]float64, m.S*m.A)), nil
}

// config returns the fits' configuration from the values.
func (p *Prefs) config() prefs.Config {
	c := prefs.DefaultConfig()
	c.Beta, c.Lambda, c.LR = p.vals[KeyPrefsBeta], p.vals[KeyL2], p.vals[KeyLR]
	c.Features = features.GridPresets[int(p.vals[KeyFeatures])].Key
	c.Adam = p.vals[KeyOptimizer] == 1
	return c
}

// reset rebuilds the sampler and the trainer and clears the curves; with
// regenerate, a simulated judge's labels are drawn again (a person's are
// kept, with the new γ).
func (p *Prefs) reset(regenerate bool) error {
	m := p.Model
	ref, err := p.reference()
	if err != nil {
		return err
	}
	ps, js := prefs.Streams(uint64(p.vals[KeySeed]))
	s, err := prefs.NewSampler(m.Model, ref, p.startState(), int(p.vals[KeyLength]), p.vals[KeySameStart] == 1, ps)
	if err != nil {
		return err
	}
	var embed []float64
	if !isUniformPolicy(ref, m.A) {
		embed = ref
	}
	labels := p.labels
	judge := p.judge()
	switch {
	case judge.Kind == prefs.Person && labels != nil:
		labels.Gamma, labels.Reference = p.vals[KeyPrefsGamma], embed
	case judge.Kind == prefs.Person:
		labels = prefs.NewLabels(m, p.vals[KeyPrefsGamma], judge, embed)
	case regenerate || labels == nil:
		labels = prefs.NewLabels(m, p.vals[KeyPrefsGamma], judge, embed)
		if err := labels.Generate(s, js, int(p.vals[KeyLabels])); err != nil {
			return err
		}
	}
	tr, err := prefs.NewTrainer(m, labels, p.startState(), p.config())
	if err != nil {
		return err
	}
	p.labels, p.sampler, p.judgeRng, p.tr = labels, s, js, tr
	p.pending, p.shown, p.steps = nil, 0, 0
	if judge.Kind == prefs.Person && len(labels.Pairs) > 0 {
		p.shown = len(labels.Pairs) - 1
	}
	for _, c := range []*curve{&p.rmLoss, &p.dpoLoss, &p.rlhfJ, &p.dpoJ, &p.rlhfKL, &p.dpoKL} {
		*c = newCurve()
	}
	n := m.S * m.A
	p.adv, p.kl = make([]float64, n), make([]float64, m.S)
	p.Run++
	return nil
}

func isUniformPolicy(pi []float64, A int) bool {
	for _, x := range pi {
		if x != 1/float64(A) {
			return false
		}
	}
	return true
}

// Schema returns the session's parameters.
func (p *Prefs) Schema() param.Schema { return p.schema }

// Value returns the current value of a parameter (0 for an unknown key).
func (p *Prefs) Value(key string) float64 { return p.vals[key] }

// Values returns the current parameter values (a copy).
func (p *Prefs) Values() param.Values { return p.vals.Clone() }

// Set changes one parameter. Values out of range are clamped and the note
// says so. The judge, its β_j, the number of labels, the trajectories'
// length, start and γ, the features, the optimiser, π_ref and the seed
// restart the run with labels drawn again (a person's labels are kept,
// except when the judge itself changes: to "person", the labels start
// empty);
// the method, β, λ and the learning rate apply from the next step, the
// fits going on from where they are. An unknown key is an error.
func (p *Prefs) Set(key string, value float64) (note string, err error) {
	s, v, note, err := p.schema.Clamp(key, value)
	if err != nil {
		return "", err
	}
	old, had := p.vals[key]
	if had && old == v {
		return note, nil
	}
	p.vals[key] = v
	if s.Reset {
		prevLabels, prevRef := p.labels, p.loadedRef
		if key == KeyReferenceRun {
			p.loadedRef = nil
		}
		if key == KeyJudge { // a person starts from no labels; a simulated judge draws its own
			p.labels, p.loadedRef = nil, nil
		}
		if err := p.reset(true); err != nil {
			p.vals[key], p.labels, p.loadedRef = old, prevLabels, prevRef
			return note, err
		}
		if note != "" {
			note += "; "
		}
		return note + s.Label + " changed: labels drawn again and the fits restarted", nil
	}
	if err := p.apply(key); err != nil {
		p.vals[key] = old
		return note, err
	}
	return note, nil
}

func (p *Prefs) apply(key string) error {
	v := p.vals[key]
	switch key {
	case KeyPrefsMethod:
		p.Method = prefs.Method(v)
		return nil
	case KeyPrefsBeta:
		return p.tr.SetBeta(v)
	case KeyL2:
		return p.tr.SetLambda(v)
	case KeyLR:
		return p.tr.SetLR(v)
	}
	return fmt.Errorf("prefs session: no way to apply %q", key)
}

// SetWorld switches to another world, keeping the parameters it shares
// and the seed, and restarts with labels drawn again.
func (p *Prefs) SetWorld(w grid.World) error { return p.load(w, p.vals.Clone()) }

// SetAgent switches the method (a key of PrefsMethods) without restarting.
func (p *Prefs) SetAgent(method string) error {
	m, err := prefs.ParseMethod(method)
	if err != nil {
		return err
	}
	_, err = p.Set(KeyPrefsMethod, float64(m))
	return err
}

// Reset restarts both fits on the current labels (a person's labels and
// overrides are kept).
func (p *Prefs) Reset() {
	p.reset(false) // the parameters were valid when set, so this cannot fail
}

// Step takes one iteration of each route the method runs and records the
// curves. After a divergence it does nothing (Snapshot's Diverged names
// it).
func (p *Prefs) Step() {
	tr := p.tr
	if tr.Diverged() != "" {
		return
	}
	if p.Method != prefs.MethodDPO {
		tr.StepReward()
	}
	if p.Method != prefs.MethodRewardModel {
		tr.StepDPO()
	}
	p.steps++
	x := float64(p.steps)
	if p.Method != prefs.MethodDPO && !math.IsNaN(tr.RMLoss) {
		p.rmLoss.add(x, tr.RMLoss)
		p.rlhfJ.add(x, tr.RLHF.J)
		p.rlhfKL.add(x, tr.RLHF.KL)
	}
	if p.Method != prefs.MethodRewardModel && !math.IsNaN(tr.DPOLoss) {
		p.dpoLoss.add(x, tr.DPOLoss)
		p.dpoJ.add(x, tr.DPOScore.J)
		p.dpoKL.add(x, tr.DPOScore.KL)
	}
}

// StepN takes n steps.
func (p *Prefs) StepN(n int) {
	for i := 0; i < n; i++ {
		p.Step()
	}
}

// Steps returns the steps taken since the last restart.
func (p *Prefs) Steps() int { return p.steps }

// Done reports whether every route the method runs has converged (Newton)
// or there is nothing to fit: further steps change nothing.
func (p *Prefs) Done() bool {
	tr := p.tr
	if len(p.labels.Pairs) == 0 || tr.Diverged() != "" {
		return true
	}
	rm := p.Method == prefs.MethodDPO || tr.RMConverged
	dpo := p.Method == prefs.MethodRewardModel || (tr.DPOConverged && !tr.Config.Adam)
	return rm && dpo
}

// Trainer returns the trainer the session steps (read-only; stepping it
// directly bypasses the curves).
func (p *Prefs) Trainer() *prefs.Trainer { return p.tr }

// Labels returns the session's labels (read-only: change them through
// NextPair and Label).
func (p *Prefs) Labels() *prefs.Labels { return p.labels }

// NextPair draws two trajectories from π_ref (the next of the seed's
// pairs) for a person to compare, shows them, and returns the index the
// pair will have once Label labels it. A pair drawn before and not yet
// labelled is dropped.
func (p *Prefs) NextPair() int {
	pair := p.sampler.Pair()
	p.pending = &pair
	p.shown = len(p.labels.Pairs)
	return p.shown
}

// Label records a person's label of pair i: preferA says the first
// trajectory is the better. The pair NextPair drew joins the labels; an
// existing pair's label (the judge's, or an earlier click) is replaced.
// The fits go on from where they are with the new labels.
func (p *Prefs) Label(pairIndex int, preferA bool) error {
	n := len(p.labels.Pairs)
	label := 0.0
	if preferA {
		label = 1
	}
	switch {
	case pairIndex == n && p.pending != nil:
		pair := *p.pending
		pair.P = label
		p.labels.Add(pair, true)
		p.pending = nil
		p.tr.Recompile()
	case pairIndex >= 0 && pairIndex < n:
		p.labels.Pairs[pairIndex].P = label
		if p.labels.Person == nil {
			p.labels.Person = make([]bool, n)
		}
		p.labels.Person[pairIndex] = true
		p.tr.Data.P[pairIndex] = label // x does not depend on the label
		p.tr.RMConverged, p.tr.DPOConverged = false, false
	default:
		return fmt.Errorf("pair %d does not exist (%d labelled; NextPair draws pair %d)", pairIndex, n, n)
	}
	p.shown = pairIndex
	return nil
}

// ShowPair shows labelled pair i in the snapshot.
func (p *Prefs) ShowPair(i int) error {
	if i < 0 || i >= len(p.labels.Pairs) {
		return fmt.Errorf("pair %d does not exist (%d labelled)", i, len(p.labels.Pairs))
	}
	p.shown = i
	return nil
}

// SaveLabels returns the labels as a labels file (prefs.Labels.Encode).
func (p *Prefs) SaveLabels() ([]byte, error) {
	var buf bytes.Buffer
	if err := p.labels.Encode(&buf, p.Model); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LoadLabels replaces the labels by a labels file's for this world: the
// judge becomes "person" (labels no longer drawn; NextPair and Label add
// to them), γ and π_ref become the file's, and the fits restart. A bad
// file is an error that changes nothing.
func (p *Prefs) LoadLabels(data []byte) error {
	l, err := prefs.ParseLabels(data, p.Model)
	if err != nil {
		return err
	}
	gs, _ := p.schema.Find(KeyPrefsGamma)
	if l.Gamma > gs.Max {
		return fmt.Errorf("labels file: gamma %v is above the session's %v", l.Gamma, gs.Max)
	}
	prev := *p
	prevVals := p.vals.Clone()
	p.labels = l
	p.loadedRef = l.Reference
	p.vals[KeyJudge] = float64(prefs.Person)
	p.vals[KeyPrefsGamma] = l.Gamma
	if err := p.reset(false); err != nil {
		*p = prev
		p.vals = prevVals
		return err
	}
	return nil
}

// PrefsPair is a pair of trajectories as the page shows it.
type PrefsPair struct {
	Index int // its index in the labels (the labels' count for a pair not yet labelled)
	// CellsA and CellsB are the trajectories' cells (row-major, s_0 … s_T)
	// and ActionsA, ActionsB their actions (grid.ActionNames' order).
	CellsA, CellsB     []int
	ActionsA, ActionsB []int
	// ReturnA and ReturnB are their true discounted returns.
	ReturnA, ReturnB float64
	// P is the label, the probability that A is preferred (1: A won, 0: B
	// won, ½: a tie), NaN for a pair not yet labelled.
	P       float64
	Person  bool // labelled by a person
	Pending bool // drawn by NextPair, waiting for a label
}

// PrefsSnapshot is a copy of what a preferences session shows, for
// drawing. Slices are the snapshot's own, reused by the next Snapshot into
// it. Per-pair arrays are len S*A, row s holding the actions in order.
// Rewards and implicit rewards are in the judge's units (β_j × the true
// reward's); Reward is the world's own.
type PrefsSnapshot struct {
	World grid.World // the world's cells and rewards (Cells shared, read-only)
	State []int      // state of each cell, -1 for none (shared, read-only)
	S, A  int
	// Method is the route(s) being fitted.
	Method string

	// Reward is the true r(s,a); RewardHat the reward model's r̂(s,a).
	Reward, RewardHat []float64
	// JudgeScale is the labels' judge's β_j: r̂ estimates JudgeScale·r up
	// to shaping and a constant (+Inf for a noiseless judge, NaN for a
	// person's labels).
	JudgeScale float64
	// The soft advantages β log π/π_ref, the part of a reward that shaping
	// cannot change: of the RLHF policy (planned on r̂), DPO's implicit
	// reward, and the target's (nil when the target is deterministic or
	// unknown).
	RLHFAdvantage, DPOReward, TargetAdvantage []float64

	// Policies: π_ref, RLHF's, DPO's, the target's, and r̂'s induced optimal
	// policy (one-hot, by value iteration on r̂).
	PiRef, PiRLHF, PiDPO, PiTarget, PiInduced []float64
	// KLRLHF and KLDPO are KL(π(·|s) ‖ π_ref(·|s)) per state.
	KLRLHF, KLDPO []float64

	// Scores on the true model: J, KL and J − (β/β_j) KL.
	RLHF, DPO, Target, Induced, Reference prefs.Score
	HasTarget                             bool    // the judge's scale is known
	JStar                                 float64 // the unregularised optimum's J
	InducedShare                          float64 // share of states where r̂'s optimal action is optimal
	Beta, Gamma                           float64

	// The fits: Newton steps taken (DPO: or Adam's), whether converged,
	// and the current losses.
	RewardSteps, DPOSteps         int
	RewardConverged, DPOConverged bool
	RewardLoss, DPOLossNow        float64

	// Labels: their number, how many a person gave, the judge, and the
	// pair shown.
	Pairs, PersonLabels int
	Judge               string
	Pair                PrefsPair

	// Curves, one point per step: the two losses, and the true J and KL of
	// the two policies.
	RewardLossCurve, DPOLossCurve, RLHFJ, DPOJ, RLHFKL, DPOKL Curve

	Steps int
	Done  bool
	// Diverged names what went NaN or infinite ("" if nothing).
	Diverged     string
	Version, Run int
}

// Snapshot copies the session's state into dst, reusing its buffers: once
// they have grown, it allocates nothing.
func (p *Prefs) Snapshot(dst *PrefsSnapshot) {
	m, tr := p.Model, p.tr
	S, A := m.S, m.A
	n := S * A
	dst.World, dst.State, dst.S, dst.A, dst.Method = p.World, m.State, S, A, p.Method.String()
	dst.Reward = append(resizeF(dst.Reward, 0), m.R...)
	dst.RewardHat = append(resizeF(dst.RewardHat, 0), tr.RHat...)
	dst.JudgeScale = p.labels.Judge.Scale()
	dst.RLHFAdvantage = tr.RLHFAdvantage(resizeF(dst.RLHFAdvantage, n))
	dst.DPOReward = tr.DPO.ImplicitReward(resizeF(dst.DPOReward, n))
	dst.TargetAdvantage = resizeF(dst.TargetAdvantage, n)
	if tr.TargetAdvantage(dst.TargetAdvantage) == nil {
		dst.TargetAdvantage = dst.TargetAdvantage[:0]
	}
	dst.PiRef = append(resizeF(dst.PiRef, 0), tr.Ref...)
	dst.PiRLHF = append(resizeF(dst.PiRLHF, 0), tr.Plan.Pi...)
	dst.PiDPO = tr.DPO.ActionProbs(resizeF(dst.PiDPO, n))
	dst.PiTarget = append(resizeF(dst.PiTarget, 0), tr.TargetPolicy()...)
	dst.PiInduced = append(resizeF(dst.PiInduced, 0), tr.Induced.Pi...)
	dst.KLRLHF = prefs.KLs(resizeF(dst.KLRLHF, S), dst.PiRLHF, dst.PiRef, A)
	dst.KLDPO = prefs.KLs(resizeF(dst.KLDPO, S), dst.PiDPO, dst.PiRef, A)
	for s := 0; s < S; s++ {
		if m.Terminal[s] {
			dst.KLRLHF[s], dst.KLDPO[s] = 0, 0
		}
	}
	dst.RLHF, dst.DPO, dst.Target, dst.Induced, dst.Reference = tr.RLHF, tr.DPOScore, tr.Target, tr.InducedScore, tr.RefScore
	dst.HasTarget, dst.InducedShare = tr.HasTarget, tr.InducedShare
	dst.JStar = 0
	for s, d := range tr.Eval.Exact.D0 {
		dst.JStar += d * tr.Opt.V[s]
	}
	dst.Beta, dst.Gamma = tr.Config.Beta, p.labels.Gamma
	dst.RewardSteps, dst.DPOSteps = tr.Reward.Iterations(), tr.DPO.Steps()
	dst.RewardConverged, dst.DPOConverged = tr.RMConverged, tr.DPOConverged
	dst.RewardLoss, dst.DPOLossNow = tr.RMLoss, tr.DPOLoss

	dst.Pairs, dst.Judge = len(p.labels.Pairs), p.labels.Judge.Kind.String()
	dst.PersonLabels = 0
	for i := range p.labels.Pairs {
		if p.labels.ByPerson(i) {
			dst.PersonLabels++
		}
	}
	p.snapshotPair(&dst.Pair)

	p.rmLoss.copyTo(&dst.RewardLossCurve)
	p.dpoLoss.copyTo(&dst.DPOLossCurve)
	p.rlhfJ.copyTo(&dst.RLHFJ)
	p.dpoJ.copyTo(&dst.DPOJ)
	p.rlhfKL.copyTo(&dst.RLHFKL)
	p.dpoKL.copyTo(&dst.DPOKL)
	dst.Steps, dst.Done, dst.Diverged = p.steps, p.Done(), tr.Diverged()
	dst.Version, dst.Run = p.Version, p.Run
}

// snapshotPair copies the pair shown into dst (empty if there is none).
func (p *Prefs) snapshotPair(dst *PrefsPair) {
	var pair *prefs.Pair
	dst.Pending, dst.Person, dst.P = false, false, math.NaN()
	switch {
	case p.pending != nil && p.shown == len(p.labels.Pairs):
		pair, dst.Pending = p.pending, true
	case p.shown < len(p.labels.Pairs):
		pair = &p.labels.Pairs[p.shown]
		dst.P, dst.Person = pair.P, p.labels.ByPerson(p.shown)
	}
	dst.Index = p.shown
	dst.CellsA, dst.CellsB = resizeI(dst.CellsA, 0), resizeI(dst.CellsB, 0)
	dst.ActionsA, dst.ActionsB = resizeI(dst.ActionsA, 0), resizeI(dst.ActionsB, 0)
	dst.ReturnA, dst.ReturnB = 0, 0
	if pair == nil {
		return
	}
	m := p.Model
	for _, s := range pair.A.States {
		dst.CellsA = append(dst.CellsA, m.Cell[s])
	}
	for _, s := range pair.B.States {
		dst.CellsB = append(dst.CellsB, m.Cell[s])
	}
	dst.ActionsA = append(dst.ActionsA, pair.A.Actions...)
	dst.ActionsB = append(dst.ActionsB, pair.B.Actions...)
	dst.ReturnA = prefs.Return(m.Model, pair.A, p.labels.Gamma)
	dst.ReturnB = prefs.Return(m.Model, pair.B, p.labels.Gamma)
}
