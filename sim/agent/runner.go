package agent

// Transition is what one step of a Runner did.
type Transition struct {
	Began      bool // this step started an episode (in state S)
	S, A, Next int
	Reward     float64
	Terminated bool
	Truncated  bool
	Error      float64 // the agent's Learn result: Σ |error| of this step's real updates
}

// Ended reports whether the step ended its episode.
func (t Transition) Ended() bool { return t.Terminated || t.Truncated }

// Runner steps an agent in an environment, one step at a time.
type Runner struct {
	Env   *Env
	Agent Agent

	Episode int     // episodes begun
	Steps   int     // steps taken in all
	T       int     // steps taken in the current episode
	Return  float64 // sum of the rewards of the current episode (undiscounted)
	Start   int     // start state of the current episode
	State   int     // current state
	ended   bool
	resume  bool // the next episode begins where the last step left it (StepAs)
}

// NewRunner couples env and agent; the first Step starts an episode.
func NewRunner(env *Env, agent Agent) *Runner {
	return &Runner{Env: env, Agent: agent, ended: true, Start: -1, State: -1}
}

// Step takes one step, starting an episode first if the last one ended.
func (r *Runner) Step() Transition {
	var tr Transition
	if r.ended { // tested here too: begin is not inlined, and a call costs under WebAssembly
		r.begin(&tr)
	}
	tr.S = r.State
	tr.A = r.Agent.Act()
	tr.Next, tr.Reward, tr.Terminated, tr.Truncated = r.Env.Step(tr.A)
	tr.Error = r.Agent.Learn(tr.Reward, tr.Next, tr.Terminated, tr.Truncated)
	r.Steps++
	r.T++
	r.Return += tr.Reward
	r.State = tr.Next
	r.ended = tr.Terminated || tr.Truncated
	return tr
}

// Ended reports whether the last step ended its episode (or no step was
// taken yet): the next Step starts a new one.
func (r *Runner) Ended() bool { return r.ended }
