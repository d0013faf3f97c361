package dqn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"bellman/sim/control"
	"bellman/sim/grid"
)

// Env is an environment with a vector observation and a discrete action,
// as a DQN sees it. Reset and Step write the observation into obs (length
// ObsDim) and allocate nothing; all their randomness comes from rng, so
// that the trainer owns every random stream. Step reports termination (no
// bootstrapping) apart from truncation by a time limit (bootstrapping).
type Env interface {
	ObsDim() int
	NumActions() int
	Reset(rng *rand.Rand, obs []float64)
	Step(rng *rand.Rand, action int, obs []float64) (reward float64, terminated, truncated bool)
}

// Control is a discrete control task (control.Discrete) under its time
// limit, as an Env.
type Control struct {
	*control.TimeLimit
	n   int
	act []float64
}

// NewControl wraps env, which must have discrete actions, in
// control.NewTimeLimit(env, 0) unless it is a *control.TimeLimit already.
func NewControl(env control.Env) (*Control, error) {
	if env == nil {
		return nil, errors.New("dqn: no environment")
	}
	n := control.NumActions(env)
	if n < 1 {
		return nil, fmt.Errorf("dqn: %s has continuous actions; DQN needs discrete ones (try cartpole-discrete)", env.Name())
	}
	tl, ok := env.(*control.TimeLimit)
	if !ok {
		tl = control.NewTimeLimit(env, 0)
	}
	return &Control{TimeLimit: tl, n: n, act: make([]float64, 1)}, nil
}

// NumActions returns the number of actions.
func (c *Control) NumActions() int { return c.n }

// Reset implements Env.
func (c *Control) Reset(rng *rand.Rand, obs []float64) { c.TimeLimit.Reset(rng, obs) }

// Step implements Env: it takes action index a.
func (c *Control) Step(_ *rand.Rand, a int, obs []float64) (reward float64, terminated, truncated bool) {
	c.act[0] = float64(a)
	return c.TimeLimit.StepTrunc(c.act, obs)
}

// Grid is a grid world as an Env. The observation is the agent's cell as
// (row, column), each normalised to [0, 1] by the grid's last index, as
// in Zhao's deep Q-learning example (Section 8.4.2): a state is a place in
// the plane, and a network of the two coordinates can generalise across
// neighbouring cells, which a one-hot cell cannot. An episode starts in
// the start cell (or, with Start −1, a uniformly random non-terminal
// state), ends on entering a terminal state and is truncated after
// MaxSteps steps.
type Grid struct {
	Model    *grid.Model
	Start    int // start state, −1 for random
	MaxSteps int // episode length ≥ 1

	starts []int
	s, t   int
}

// NewGrid returns a grid environment on m; start is a state or −1.
func NewGrid(m *grid.Model, start, maxSteps int) (*Grid, error) {
	g := &Grid{Model: m}
	for s := 0; s < m.S; s++ {
		if !m.Terminal[s] {
			g.starts = append(g.starts, s)
		}
	}
	if len(g.starts) == 0 {
		return nil, errors.New("dqn: every state is terminal: there is nowhere to start")
	}
	if start < -1 || start >= m.S || (start >= 0 && m.Terminal[start]) {
		return nil, fmt.Errorf("dqn: start state %d is not a non-terminal state of %d", start, m.S)
	}
	if maxSteps < 1 {
		return nil, fmt.Errorf("dqn: episode length %d must be at least 1", maxSteps)
	}
	g.Start, g.MaxSteps = start, maxSteps
	return g, nil
}

// ObsDim returns 2.
func (g *Grid) ObsDim() int { return 2 }

// NumActions returns the world's number of actions.
func (g *Grid) NumActions() int { return g.Model.A }

// State returns the current state.
func (g *Grid) State() int { return g.s }

// Obs writes the observation of state s: (row, column) normalised.
func (g *Grid) Obs(s int, obs []float64) {
	w := &g.Model.World
	cell := g.Model.Cell[s]
	obs[0], obs[1] = norm(cell/w.Cols, w.Rows), norm(cell%w.Cols, w.Cols)
}

// norm maps index i of n onto [0, 1]; a single index maps to 0.
func norm(i, n int) float64 {
	if n < 2 {
		return 0
	}
	return float64(i) / float64(n-1)
}

// Reset implements Env.
func (g *Grid) Reset(rng *rand.Rand, obs []float64) {
	g.t = 0
	g.s = g.Start
	if g.s < 0 {
		g.s = g.starts[rng.IntN(len(g.starts))]
	}
	g.Obs(g.s, obs)
}

// Step implements Env; a slippery world draws its outcome from rng.
func (g *Grid) Step(rng *rand.Rand, a int, obs []float64) (reward float64, terminated, truncated bool) {
	m := g.Model
	var next int
	if m.K == 1 {
		i := g.s*m.A + a
		next, reward = int(m.Next[i]), m.Reward[i]
	} else {
		next, reward = m.Sample(g.s, a, rng.Float64())
	}
	g.s = next
	g.t++
	g.Obs(next, obs)
	return reward, m.Terminal[next], g.t >= g.MaxSteps
}
