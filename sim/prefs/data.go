package prefs

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"bellman/sim/mdp"
)

// Trajectory is a path of T ≥ 1 steps through a model's states: States
// holds s_0 … s_T (T + 1 entries) and Actions a_0 … a_{T−1}. A trajectory
// that enters a terminal state ends there.
type Trajectory struct {
	States  []int
	Actions []int
}

// Len returns the number of steps T.
func (t Trajectory) Len() int { return len(t.Actions) }

// Return returns the trajectory's discounted return Σ_t γ^t r(s_t, a_t),
// with r the model's expected reward of each pair (the reward of a
// deterministic world's step; with slip, the mean over where it goes).
func Return(m *mdp.Model, t Trajectory, gamma float64) float64 {
	g, w := 0.0, 1.0
	for k, a := range t.Actions {
		g += w * m.R[t.States[k]*m.A+a]
		w *= gamma
	}
	return g
}

// Pair is two trajectories and its label P, the probability that A is
// preferred to B: 1 for A, 0 for B, ½ for a tie, and in between for an
// expected label (Expected).
type Pair struct {
	A, B Trajectory
	P    float64
}

// JudgeKind is where labels come from.
type JudgeKind int

// Judges.
const (
	// BradleyTerry labels A with probability σ(β_j (G_A − G_B)): a judge of
	// rationality β_j, whose labels are noisy where the returns are close.
	BradleyTerry JudgeKind = iota
	// Noiseless is β_j = ∞: the higher return wins, a tie (returns within
	// 1e-9 of each other) is labelled ½.
	Noiseless
	// Expected labels each pair with the probability σ(β_j (G_A − G_B))
	// itself: the mean of infinitely many Bradley–Terry labels of the pair.
	Expected
	// Person labels come from a person's clicks (1 or 0).
	Person
)

var judgeNames = [...]string{"bradley-terry", "noiseless", "expected", "person"}

// JudgeNames returns the judges' names, indexed by JudgeKind.
func JudgeNames() []string { return append([]string(nil), judgeNames[:]...) }

// String returns the judge's name.
func (k JudgeKind) String() string {
	if k < 0 || int(k) >= len(judgeNames) {
		return fmt.Sprintf("JudgeKind(%d)", int(k))
	}
	return judgeNames[k]
}

// ParseJudge reads a judge's name.
func ParseJudge(name string) (JudgeKind, error) {
	for i, n := range judgeNames {
		if n == name {
			return JudgeKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown judge %q (valid: %s)", name, strings.Join(judgeNames[:], ", "))
}

// MaxJudgeBeta bounds a judge's rationality; Noiseless is the limit.
const MaxJudgeBeta = 1e6

// Judge labels pairs from their true returns.
type Judge struct {
	Kind JudgeKind
	// Beta is the rationality β_j of BradleyTerry and Expected, in
	// (0, MaxJudgeBeta]; the others ignore it.
	Beta float64
}

// Validate checks the judge.
func (j Judge) Validate() error {
	switch j.Kind {
	case BradleyTerry, Expected:
		if !(j.Beta > 0 && j.Beta <= MaxJudgeBeta) {
			return fmt.Errorf("judge beta %v is outside (0, %g]", j.Beta, MaxJudgeBeta)
		}
	case Noiseless, Person:
	default:
		return fmt.Errorf("unknown judge %d", int(j.Kind))
	}
	return nil
}

// Scale returns the judge's β_j: the factor that turns true returns into
// the log-odds of its preferences, and so the scale at which a
// Bradley–Terry fit learns the reward. It is +Inf for Noiseless and NaN
// for Person (unknown).
func (j Judge) Scale() float64 {
	switch j.Kind {
	case BradleyTerry, Expected:
		return j.Beta
	case Noiseless:
		return math.Inf(1)
	}
	return math.NaN()
}

// tieTolerance is how close two returns must be for the noiseless judge
// to call a tie, relative to 1 + |G|.
const tieTolerance = 1e-9

// Prob returns the probability that the judge prefers a trajectory of
// return gA to one of return gB: σ(β_j (gA − gB)), or for Noiseless 1, 0
// or ½. Person has none (NaN).
func (j Judge) Prob(gA, gB float64) float64 {
	d := gA - gB
	switch j.Kind {
	case BradleyTerry, Expected:
		return sigmoid(j.Beta * d)
	case Noiseless:
		tol := tieTolerance * (1 + math.Max(math.Abs(gA), math.Abs(gB)))
		switch {
		case d > tol:
			return 1
		case d < -tol:
			return 0
		}
		return 0.5
	}
	return math.NaN()
}

// Label returns the judge's label of a pair with returns gA and gB, given
// u uniform in [0, 1): BradleyTerry 1 if u < Prob and 0 otherwise (the
// same u at a larger β_j flips labels only toward the better trajectory);
// the others Prob itself.
func (j Judge) Label(gA, gB, u float64) float64 {
	p := j.Prob(gA, gB)
	if j.Kind == BradleyTerry {
		if u < p {
			return 1
		}
		return 0
	}
	return p
}

// Sampler draws pairs of trajectories from a reference policy π_ref.
// Both trajectories of a pair start in the same state when SameStart is
// set (as the two answers DPO compares share their prompt), otherwise in
// independent ones; starts are the start state, or uniform over the
// non-terminal states. Each trajectory runs Length steps, or until it
// enters a terminal state.
type Sampler struct {
	M         *mdp.Model
	Ref       []float64 // π_ref(a|s), len S*A (shared, read-only)
	Start     int       // start state, −1 for uniformly random non-terminal starts
	Length    int       // steps T ≥ 1 of a trajectory
	SameStart bool

	rng    *rand.Rand
	starts []int
}

// MaxLength bounds a trajectory's steps.
const MaxLength = 1000

// NewSampler returns a sampler on m drawing from rng. ref is π_ref (len
// S*A, a distribution per state).
func NewSampler(m *mdp.Model, ref []float64, start, length int, sameStart bool, rng *rand.Rand) (*Sampler, error) {
	if rng == nil {
		return nil, errors.New("prefs: a sampler needs a random stream")
	}
	if err := m.Validate(ref); err != nil {
		return nil, fmt.Errorf("reference policy: %w", err)
	}
	if length < 1 || length > MaxLength {
		return nil, fmt.Errorf("trajectory length %d is outside [1, %d]", length, MaxLength)
	}
	s := &Sampler{M: m, Ref: ref, Start: start, Length: length, SameStart: sameStart, rng: rng}
	if start >= 0 {
		if start >= m.S || m.Terminal[start] {
			return nil, fmt.Errorf("start state %d is not a non-terminal state of %d", start, m.S)
		}
		s.starts = []int{start}
	} else {
		for st := 0; st < m.S; st++ {
			if !m.Terminal[st] {
				s.starts = append(s.starts, st)
			}
		}
		if len(s.starts) == 0 {
			return nil, errors.New("every state is terminal: there is nowhere to start")
		}
	}
	return s, nil
}

// draw returns a start state.
func (s *Sampler) draw() int {
	if len(s.starts) == 1 {
		return s.starts[0]
	}
	return s.starts[s.rng.IntN(len(s.starts))]
}

// Trajectory draws one trajectory from s0: each step an action from
// π_ref(·|s) and an outcome from the model, one uniform each.
func (s *Sampler) Trajectory(s0 int) Trajectory {
	m, A := s.M, s.M.A
	t := Trajectory{States: make([]int, 1, s.Length+1), Actions: make([]int, 0, s.Length)}
	t.States[0] = s0
	st := s0
	for k := 0; k < s.Length && !m.Terminal[st]; k++ {
		a := sample(s.Ref[st*A:(st+1)*A], s.rng.Float64())
		next, _ := m.Sample(st, a, s.rng.Float64())
		t.Actions = append(t.Actions, a)
		t.States = append(t.States, next)
		st = next
	}
	return t
}

// Pair draws an unlabelled pair (P is 0): A's start, A, B's start if not
// SameStart, then B.
func (s *Sampler) Pair() Pair {
	s0 := s.draw()
	a := s.Trajectory(s0)
	if !s.SameStart {
		s0 = s.draw()
	}
	return Pair{A: a, B: s.Trajectory(s0)}
}

// sample draws an action from probabilities row (summing to 1) given u
// uniform in [0, 1); rounding that leaves u above the total picks the last
// action with nonzero probability.
func sample(row []float64, u float64) int {
	last := 0
	for a, q := range row {
		if q == 0 {
			continue
		}
		last = a
		if u < q {
			return a
		}
		u -= q
	}
	return last
}

// Uniform returns the uniform policy over A actions in S states (len S*A).
func Uniform(S, A int) []float64 {
	p := make([]float64, S*A)
	for i := range p {
		p[i] = 1 / float64(A)
	}
	return p
}

// Data is a compiled set of labelled pairs, what the losses read. Every
// loss here depends on a pair only through the difference of its
// trajectories' discounted visit counts,
//
//	x(s,a) = c_A(s,a) − c_B(s,a),   c(s,a) = Σ_t γ^t 1[s_t = s, a_t = a],
//
// since a linear return is R̂(A) − R̂(B) = Σ x r̂ and DPO's log-ratio
// difference is Σ x (log π_θ − log π_ref). x is stored sparse, entries
// that cancel dropped. Adding a pair allocates; reading none does.
type Data struct {
	S, A  int
	Gamma float64
	// P holds the labels, one per pair.
	P []float64

	off []int // pair i's entries are idx[off[i]:off[i+1]]
	idx []int32
	val []float64

	acc     []float64 // scratch of len S*A for Add
	touched []int32
}

// NewData returns an empty set for S states, A actions and discount γ.
func NewData(S, A int, gamma float64) *Data {
	return &Data{S: S, A: A, Gamma: gamma, off: []int{0}, acc: make([]float64, S*A)}
}

// Len returns the number of pairs.
func (d *Data) Len() int { return len(d.P) }

// Add appends a labelled pair; its states and actions must lie in the
// model (Labels.Validate checks a file's).
func (d *Data) Add(p Pair) {
	d.count(p.A, 1)
	d.count(p.B, -1)
	for _, k := range d.touched {
		if v := d.acc[k]; v != 0 {
			d.idx = append(d.idx, k)
			d.val = append(d.val, v)
		}
		d.acc[k] = 0
	}
	d.touched = d.touched[:0]
	d.off = append(d.off, len(d.idx))
	d.P = append(d.P, p.P)
}

func (d *Data) count(t Trajectory, sign float64) {
	w := sign
	for k, a := range t.Actions {
		i := int32(t.States[k]*d.A + a)
		if d.acc[i] == 0 {
			d.touched = append(d.touched, i)
		}
		d.acc[i] += w // an entry that cancels stays in touched; Add skips zeros
		w *= d.Gamma
	}
}

// X returns pair i's nonzero entries of x: pair indices s*A + a and
// values (read-only).
func (d *Data) X(i int) (idx []int32, val []float64) {
	lo, hi := d.off[i], d.off[i+1]
	return d.idx[lo:hi], d.val[lo:hi]
}

// Reset empties the set, keeping its memory.
func (d *Data) Reset() {
	d.P = d.P[:0]
	d.off = d.off[:1]
	d.idx, d.val = d.idx[:0], d.val[:0]
}

// Stream constants of the two random streams drawn from one seed.
const (
	StreamPairs = 0x7061697273 // "pairs": starts, actions and slips of the trajectories
	StreamJudge = 0x6a75646765 // "judge": the uniforms of the Bradley–Terry judge's labels
)

// Streams returns the pairs' and the judge's random streams for a seed.
// Keeping them apart means that the same seed draws the same pairs
// whatever the judge, and that a judge of larger β_j, drawing the same
// uniforms, flips labels only toward the better trajectory.
func Streams(seed uint64) (pairs, judge *rand.Rand) {
	return rand.New(rand.NewPCG(seed, StreamPairs)), rand.New(rand.NewPCG(seed, StreamJudge))
}

// Generate appends n pairs drawn by s to l, labelled by l's judge from
// their true returns on s's model with l's γ; judge draws one uniform per
// pair whatever the judge. A person's set cannot be generated.
func (l *Labels) Generate(s *Sampler, judge *rand.Rand, n int) error {
	if l.Judge.Kind == Person {
		return errors.New("a person's labels come from clicks, not from a simulated judge")
	}
	if err := l.Judge.Validate(); err != nil {
		return err
	}
	if len(l.Pairs)+n > MaxPairs {
		return fmt.Errorf("%d pairs, more than %d", len(l.Pairs)+n, MaxPairs)
	}
	for i := 0; i < n; i++ {
		p := s.Pair()
		u := judge.Float64()
		p.P = l.Judge.Label(Return(s.M, p.A, l.Gamma), Return(s.M, p.B, l.Gamma), u)
		l.Add(p, false)
	}
	return nil
}
