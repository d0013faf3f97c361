package vfa

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/agent"
	"bellman/sim/control"
	"bellman/sim/features"
	"bellman/sim/grid"
)

// Task is an episodic environment seen through raw feature columns.
// Reset and Step write the raw columns of the state reached into raw
// (length len(Columns())) and return its index on a grid world, −1 on a
// control task.
type Task interface {
	Columns() []features.Column
	NumActions() int
	Reset(raw []float64) (s int)
	Step(a int, raw []float64) (s int, reward float64, terminated, truncated bool)
}

// GridTask samples a grid world's model (agent.Env); its columns are
// features.Grid's.
type GridTask struct {
	Env   *agent.Env
	Model *grid.Model
	cols  []features.Column
}

// NewGridTask samples m with episodes from start (−1: a uniformly random
// non-terminal state) of at most maxSteps steps, drawing with rng.
func NewGridTask(m *grid.Model, start, maxSteps int, rng *rand.Rand) (*GridTask, error) {
	env, err := agent.NewEnv(m.Model, start, maxSteps, rng)
	if err != nil {
		return nil, err
	}
	return &GridTask{Env: env, Model: m, cols: features.Grid(m.World.Rows, m.World.Cols)}, nil
}

// Columns returns features.Grid's columns for the world.
func (g *GridTask) Columns() []features.Column { return g.cols }

// NumActions returns the world's actions.
func (g *GridTask) NumActions() int { return g.Model.A }

// Raw writes the raw columns of state s into dst.
func (g *GridTask) Raw(dst []float64, s int) {
	r, c := g.Model.RowCol(s)
	features.GridRaw(dst, r, c, g.Model.World.Rows, g.Model.World.Cols)
}

// Reset starts an episode.
func (g *GridTask) Reset(raw []float64) int {
	s := g.Env.Reset()
	g.Raw(raw, s)
	return s
}

// Step takes action a.
func (g *GridTask) Step(a int, raw []float64) (int, float64, bool, bool) {
	s, r, term, trunc := g.Env.Step(a)
	g.Raw(raw, s)
	return s, r, term, trunc
}

// ControlTask is a control environment with discrete actions under its
// time limit; its columns are control.Columns'.
type ControlTask struct {
	Env      *control.TimeLimit
	rng      *rand.Rand
	obs, act []float64
	cols     []features.Column
	state    []string
	actions  int
}

// NewControlTask wraps env (discrete actions) in Gymnasium's time limit;
// its start states are drawn with rng.
func NewControlTask(env control.Env, rng *rand.Rand) (*ControlTask, error) {
	if rng == nil {
		return nil, fmt.Errorf("vfa: the task needs a random stream")
	}
	n := control.NumActions(env)
	if n == 0 {
		return nil, fmt.Errorf("%s has continuous actions; linear Sarsa and Q-learning need discrete ones (mountaincar-discrete, cartpole-discrete, acrobot)", env.Name())
	}
	tl, ok := env.(*control.TimeLimit)
	if !ok {
		tl = control.NewTimeLimit(env, 0)
	}
	cols, state := control.Columns(tl)
	return &ControlTask{Env: tl, rng: rng, obs: make([]float64, env.ObsDim()), act: make([]float64, env.ActDim()),
		cols: cols, state: state, actions: n}, nil
}

// Columns returns the environment's raw columns.
func (c *ControlTask) Columns() []features.Column { return c.cols }

// StateColumns names the columns of the environment's state.
func (c *ControlTask) StateColumns() []string { return c.state }

// NumActions returns the number of discrete actions.
func (c *ControlTask) NumActions() int { return c.actions }

// LastAction returns the last action taken (0 before the first).
func (c *ControlTask) LastAction() int { return int(c.act[0]) }

// Obs returns the current observation (the task's own buffer).
func (c *ControlTask) Obs() []float64 { return c.obs }

// Reset starts an episode from the environment's start distribution.
func (c *ControlTask) Reset(raw []float64) int {
	c.Env.Reset(c.rng, c.obs)
	control.RawColumns(c.Env, c.obs, raw)
	return -1
}

// Step takes action a.
func (c *ControlTask) Step(a int, raw []float64) (int, float64, bool, bool) {
	c.act[0] = float64(a)
	r, term, trunc := c.Env.StepTrunc(c.act, c.obs)
	control.RawColumns(c.Env, c.obs, raw)
	return -1, r, term, trunc
}

// Transition is what one Runner step did.
type Transition struct {
	Began      bool // the step started an episode in S
	S, A, Next int  // state indexes (grid worlds; −1 on control tasks) and the action
	Reward     float64
	Terminated bool
	Truncated  bool
	Error      float64 // the learner's summed |TD error| of the step
}

// Ended reports whether the step ended its episode.
func (t Transition) Ended() bool { return t.Terminated || t.Truncated }

// Runner steps a learner in a task.
type Runner struct {
	Task    Task
	Learner Learner

	Episode int     // episodes begun
	Steps   int     // steps in all
	T       int     // steps of the current episode
	Return  float64 // undiscounted return of the current episode
	State   int     // current state index (−1 on control tasks)
	// Diverged names the first non-finite TD error, or is empty.
	Diverged string

	raw   []float64
	a     int
	ended bool
}

// NewRunner couples task and learner; the first Step starts an episode.
func NewRunner(task Task, l Learner) *Runner {
	return &Runner{Task: task, Learner: l, raw: make([]float64, len(task.Columns())), ended: true, State: -1}
}

// Raw returns the raw columns of the current state (the runner's buffer).
func (r *Runner) Raw() []float64 { return r.raw }

// Step takes one step, starting an episode first if the last one ended.
func (r *Runner) Step() Transition {
	var tr Transition
	if r.ended {
		s := r.Task.Reset(r.raw)
		r.a = r.Learner.Begin(s, r.raw)
		r.Episode++
		r.T, r.Return, r.State, r.ended = 0, 0, s, false
		tr.Began = true
	}
	tr.S, tr.A = r.State, r.a
	tr.Next, tr.Reward, tr.Terminated, tr.Truncated = r.Task.Step(r.a, r.raw)
	r.a, tr.Error = r.Learner.Learn(tr.Reward, tr.Next, r.raw, tr.Terminated, tr.Truncated)
	r.Steps++
	r.T++
	r.Return += tr.Reward
	r.State = tr.Next
	r.ended = tr.Ended()
	if r.Diverged == "" && (math.IsNaN(tr.Error) || math.IsInf(tr.Error, 0)) {
		r.Diverged = fmt.Sprintf("the TD error became %v at step %d: the weights diverged (try a smaller α)", tr.Error, r.Steps)
	}
	return tr
}

// Ended reports whether the last step ended its episode (or none was
// taken yet).
func (r *Runner) Ended() bool { return r.ended }
