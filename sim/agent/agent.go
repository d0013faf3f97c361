package agent

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"bellman/sim/mdp"
)

// Agent learns action values from experience, one step at a time. Call
// Begin at the start of every episode, then Act and Learn once per step.
// Act, Learn and the drawing methods allocate nothing in steady state.
//
// StateValues, ActionValues and ActionProbs implement the tabular package's
// interfaces: v(s) = max_a q(s,a), q(s,a), and the policy the agent acts by.
type Agent interface {
	// Name is the key New accepts.
	Name() string
	// Config returns the current settings.
	Config() Config
	// SetConfig changes the settings from the next update on, except N
	// and Q0, which shape and fill the tables: build a new agent for those.
	SetConfig(c Config) error

	// Begin starts an episode in state s, drawn by the environment, and
	// returns the state the episode really starts in: s, or the agent's
	// choice (exploring starts, MC Basic's sweep over the pairs).
	Begin(s int) int
	// Act returns the action to take in the current state.
	Act() int
	// Learn takes the outcome of the action Act returned: reward, next
	// state and whether the step terminated or truncated the episode. It
	// returns the sum of |error| of the updates of real experience made in
	// this step (TD errors; at the end of a Monte Carlo episode the
	// differences between returns and estimates), planning excluded.
	Learn(reward float64, next int, terminated, truncated bool) float64

	// StateValues writes v(s) = max_a q(s,a) into dst (len S) and returns it.
	StateValues(dst []float64) []float64
	// ActionValues writes q(s,a) into dst (len S*A) and returns it.
	ActionValues(dst []float64) []float64
	// ActionProbs writes π(a|s) of the policy the agent acts by into dst
	// (len S*A): ε-greedy ones split the greedy share among tied best
	// actions, as they act; MC Basic gives its current policy π_k.
	ActionProbs(dst []float64) []float64
	// Greedy writes the greedy action of every state into dst (len S),
	// ties going to the first action, and returns it.
	Greedy(dst []int) []int
	// Table returns the agent's own q(s,a) table (len S*A). It may be read
	// and written between steps, by tests and tools.
	Table() []float64
	// Epsilon returns the current exploration rate (0 for greedy agents).
	Epsilon() float64
}

// Tracer is an agent with eligibility traces.
type Tracer interface {
	// Traces writes e(s,a) into dst (len S*A) and returns it.
	Traces(dst []float64) []float64
}

// New returns the named agent for model m with configuration c, exploring
// with rng. Its q table starts at c.Q0.
func New(name string, m *mdp.Model, c Config, rng *rand.Rand) (Agent, error) {
	if !known(name) {
		return nil, unknownAgent(name)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("agent: needs a random stream")
	}
	if m.S == 0 || m.A == 0 {
		return nil, errors.New("agent: model has no states or actions")
	}
	t := newTable(name, m, c, rng)
	if len(t.starts) == 0 {
		return nil, errors.New("every state is terminal: there is nothing to learn")
	}
	switch name {
	case "mc-basic":
		return newMCBasic(t), nil
	case "mc-es":
		return newMC(t, true), nil
	case "mc-egreedy":
		return newMC(t, false), nil
	case "sarsa":
		return &td{table: t, kind: tdSarsa}, nil
	case "expected-sarsa":
		return &td{table: t, kind: tdExpected}, nil
	case "qlearning":
		return &td{table: t, kind: tdQ}, nil
	case "nstep-sarsa":
		return newNStep(t), nil
	case "sarsa-lambda":
		return newLambda(t, false), nil
	case "q-lambda":
		return newLambda(t, true), nil
	case "dyna-q":
		return newDyna(t), nil
	case "prioritized-sweeping":
		if c.Planning < 1 {
			return nil, fmt.Errorf("prioritized sweeping needs planning ≥ 1 (it learns only by planning), not %d", c.Planning)
		}
		return newSweeping(t), nil
	}
	return nil, unknownAgent(name)
}

// ChoosesStarts reports whether the named agent picks the state each
// episode starts in itself, whatever the environment draws (MC Basic sweeps
// over the pairs, exploring starts draw one): its episodes may start in any
// non-terminal state.
func ChoosesStarts(name string) bool { return name == "mc-basic" || name == "mc-es" }

// table is the state every agent shares: the q table, step-size counts,
// exploration and the current state and action.
type table struct {
	name     string
	S, A     int
	cfg      Config
	q        []float64
	k        []float64 // updates of each pair, for α = 1/k
	eps      float64   // current ε
	episodes int       // episodes begun
	rng      *rand.Rand
	m        *mdp.Model
	starts   []int32 // non-terminal states
	s, a     int     // current state and the action taken in it
}

func newTable(name string, m *mdp.Model, c Config, rng *rand.Rand) table {
	t := table{name: name, S: m.S, A: m.A, cfg: c, q: make([]float64, m.S*m.A), k: make([]float64, m.S*m.A),
		eps: c.Epsilon, rng: rng, m: m, starts: nonTerminal(m)}
	for i := range t.q {
		t.q[i] = c.Q0
	}
	return t
}

func (t *table) Name() string     { return t.name }
func (t *table) Config() Config   { return t.cfg }
func (t *table) Table() []float64 { return t.q }
func (t *table) Epsilon() float64 { return t.eps }

func (t *table) SetConfig(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Epsilon != t.cfg.Epsilon {
		t.eps = c.Epsilon
	}
	c.N, c.Q0 = t.cfg.N, t.cfg.Q0
	t.cfg = c
	return nil
}

// begin counts an episode and decays ε from the second one on.
func (t *table) begin() {
	if t.episodes > 0 && t.cfg.EpsilonDecay != 1 {
		e := t.eps * t.cfg.EpsilonDecay
		if e < t.cfg.EpsilonMin {
			e = t.cfg.EpsilonMin
		}
		if e < t.eps { // decay never raises ε, whatever the minimum
			t.eps = e
		}
	}
	t.episodes++
}

// alpha returns the step size of the next update of pair sa.
func (t *table) alpha(sa int) float64 {
	t.k[sa]++ // counted whatever the schedule, for a switch to 1/k later
	if t.cfg.Schedule == OneOverK {
		return 1 / t.k[sa]
	}
	return t.cfg.Alpha
}

// maxQ returns max_a q(s,a).
func (t *table) maxQ(s int) float64 {
	row := t.q[s*t.A : (s+1)*t.A]
	best := row[0]
	for _, v := range row[1:] {
		if v > best {
			best = v
		}
	}
	return best
}

// expectedQ returns Σ_a π(a|s) q(s,a) for the ε-greedy π: the tied best
// actions share 1−ε, so it is (1−ε) max + ε mean.
func (t *table) expectedQ(s int) float64 {
	row := t.q[s*t.A : (s+1)*t.A]
	best, sum := row[0], row[0]
	for _, v := range row[1:] {
		sum += v
		if v > best {
			best = v
		}
	}
	return float64((1-t.eps)*best) + float64(t.eps*sum)/float64(t.A)
}

// greedyFirst returns the first action with the largest q(s,a).
func (t *table) greedyFirst(s int) int {
	row := t.q[s*t.A : (s+1)*t.A]
	best, ba := row[0], 0
	for a := 1; a < len(row); a++ {
		if row[a] > best {
			best, ba = row[a], a
		}
	}
	return ba
}

// greedyRandom returns a best action, ties broken uniformly at random.
func (t *table) greedyRandom(s int) int {
	row := t.q[s*t.A : (s+1)*t.A]
	best, ba, n := row[0], 0, 1
	for a := 1; a < len(row); a++ {
		v := row[a]
		if v > best {
			best, ba, n = v, a, 1
		} else if v == best {
			n++
		}
	}
	if n == 1 {
		return ba
	}
	j := t.rng.IntN(n)
	for a, v := range row {
		if v == best {
			if j == 0 {
				return a
			}
			j--
		}
	}
	return ba
}

// egreedy draws an action of the ε-greedy policy.
func (t *table) egreedy(s int) int {
	if t.eps > 0 && t.rng.Float64() < t.eps {
		return t.rng.IntN(t.A)
	}
	return t.greedyRandom(s)
}

func (t *table) StateValues(dst []float64) []float64 {
	dst = dst[:t.S]
	for s := range dst {
		dst[s] = t.maxQ(s)
	}
	return dst
}

func (t *table) ActionValues(dst []float64) []float64 { return append(dst[:0], t.q...) }

func (t *table) Greedy(dst []int) []int {
	dst = dst[:t.S]
	for s := range dst {
		dst[s] = t.greedyFirst(s)
	}
	return dst
}

func (t *table) ActionProbs(dst []float64) []float64 { return t.egreedyProbs(dst, t.eps) }

// egreedyProbs writes the ε-greedy policy of q; tied best actions share
// the greedy mass 1−ε.
func (t *table) egreedyProbs(dst []float64, eps float64) []float64 {
	dst = dst[:t.S*t.A]
	A := t.A
	for s := 0; s < t.S; s++ {
		row := t.q[s*A : (s+1)*A]
		best, n := row[0], 1
		for _, v := range row[1:] {
			if v > best {
				best, n = v, 1
			} else if v == best {
				n++
			}
		}
		for a, v := range row {
			p := eps / float64(A)
			if v == best {
				p += (1 - eps) / float64(n)
			}
			dst[s*A+a] = p
		}
	}
	return dst
}

// update moves q(sa) toward target with the pair's step size and returns
// the TD error.
func (t *table) update(sa int, target float64) float64 {
	d := target - t.q[sa]
	t.q[sa] += float64(t.alpha(sa) * d)
	return d
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
