package agent

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"bellman/sim/mdp"
)

// Stream constants of the two random streams drawn from one seed.
const (
	StreamEnv   = 0x656e76 // "env": start states and slips
	StreamAgent = 0x61676e // "agn": exploration and planning draws
)

// Streams returns the environment's and the agent's random streams for a
// seed: rand.New(rand.NewPCG(seed, StreamEnv)) and the same with StreamAgent.
// Keeping them apart means that changing how an agent explores does not
// change the slips the world draws, and the other way round.
func Streams(seed uint64) (env, agent *rand.Rand) {
	return rand.New(rand.NewPCG(seed, StreamEnv)), rand.New(rand.NewPCG(seed, StreamAgent))
}

// Env samples episodes of an exact model. A step that enters a terminal
// state terminates the episode; the step that reaches MaxSteps steps
// truncates it (both can hold at once).
type Env struct {
	M        *mdp.Model
	Start    int // start state, or -1 for a state drawn uniformly among the non-terminal ones
	MaxSteps int // episode length, ≥ 1

	rng    *rand.Rand
	starts []int32
	s, t   int
}

// NewEnv returns an environment on m. start is the start state or -1 for
// uniformly random non-terminal starts; maxSteps the episode length.
func NewEnv(m *mdp.Model, start, maxSteps int, rng *rand.Rand) (*Env, error) {
	if rng == nil {
		return nil, errors.New("agent: environment needs a random stream")
	}
	e := &Env{M: m, rng: rng, starts: nonTerminal(m)}
	if len(e.starts) == 0 {
		return nil, errors.New("every state is terminal: there is nowhere to start")
	}
	if err := e.SetStart(start); err != nil {
		return nil, err
	}
	if err := e.SetMaxSteps(maxSteps); err != nil {
		return nil, err
	}
	return e, nil
}

func nonTerminal(m *mdp.Model) []int32 {
	var s []int32
	for st := 0; st < m.S; st++ {
		if !m.Terminal[st] {
			s = append(s, int32(st))
		}
	}
	return s
}

// SetStart sets the start state, -1 for random non-terminal starts.
func (e *Env) SetStart(start int) error {
	if start < -1 || start >= e.M.S || (start >= 0 && e.M.Terminal[start]) {
		return fmt.Errorf("start state %d is not a non-terminal state of %d", start, e.M.S)
	}
	e.Start = start
	return nil
}

// SetMaxSteps sets the episode length; the current episode ends when it
// reaches it.
func (e *Env) SetMaxSteps(n int) error {
	if n < 1 {
		return fmt.Errorf("episode length %d must be at least 1", n)
	}
	e.MaxSteps = n
	return nil
}

// SetModel replaces the model by one of the same shape (new rewards, say);
// the episode goes on.
func (e *Env) SetModel(m *mdp.Model) {
	if m.S != e.M.S || m.A != e.M.A {
		panic("agent: SetModel with a model of another shape")
	}
	e.M = m
}

// Reset starts an episode and returns its start state.
func (e *Env) Reset() int {
	e.t = 0
	if e.Start >= 0 {
		e.s = e.Start
	} else {
		e.s = int(e.starts[e.rng.IntN(len(e.starts))])
	}
	return e.s
}

// Place puts the agent in state s at the start of an episode (exploring
// starts choose their own).
func (e *Env) Place(s int) { e.s, e.t = s, 0 }

// State returns the current state.
func (e *Env) State() int { return e.s }

// Elapsed returns the steps taken in the current episode.
func (e *Env) Elapsed() int { return e.t }

// Step takes action a and returns the next state, the reward and whether
// the episode terminated or was truncated by the episode length.
func (e *Env) Step(a int) (next int, reward float64, terminated, truncated bool) {
	m := e.M
	if m.K == 1 {
		i := e.s*m.A + a
		next, reward = int(m.Next[i]), m.Reward[i]
	} else {
		next, reward = m.Sample(e.s, a, e.rng.Float64())
	}
	e.s = next
	e.t++
	return next, reward, m.Terminal[next], e.t >= e.MaxSteps
}
