package agent

// Steerable is an agent that can learn from an action it did not choose,
// as when a person moves it by hand: Steer replaces the action Act just
// returned and reports whether the agent can learn from it.
type Steerable interface {
	Steer(a int) bool
}

// Steer replaces the action the agent chose: the TD, Dyna, prioritized
// sweeping, λ and Monte Carlo agents all learn about the pair of their
// current state and this action.
func (t *table) Steer(a int) bool {
	t.a = a
	return true
}

// Steer replaces the action n-step Sarsa took, in its buffer too.
func (t *nstep) Steer(a int) bool {
	t.a = a
	t.ac[t.t%(t.n+1)] = int32(a)
	return true
}

// Steer refuses: MC Basic's episodes each evaluate one pair of its sweep,
// which a person's move would spoil.
func (b *mcBasic) Steer(int) bool { return false }

// StepAs takes one step with action a instead of the agent's own, starting
// an episode first if the last one ended. A Steerable agent learns from
// it as from its own move; another learns nothing from it and begins a
// new episode where the move left it.
func (r *Runner) StepAs(a int) Transition {
	var tr Transition
	r.begin(&tr)
	tr.S = r.State
	r.Agent.Act() // the agent's own choice, which keeps its state in step
	learn := false
	if st, ok := r.Agent.(Steerable); ok {
		learn = st.Steer(a)
	}
	tr.A = a
	tr.Next, tr.Reward, tr.Terminated, tr.Truncated = r.Env.Step(a)
	if learn {
		tr.Error = r.Agent.Learn(tr.Reward, tr.Next, tr.Terminated, tr.Truncated)
	} else {
		r.resume = !(tr.Terminated || tr.Truncated)
	}
	r.Steps++
	r.T++
	r.Return += tr.Reward
	r.State = tr.Next
	r.ended = tr.Terminated || tr.Truncated || r.resume
	return tr
}

// begin starts an episode if the last one ended: from the environment's
// start, or, after a move the agent could not learn from, where it is.
func (r *Runner) begin(tr *Transition) {
	if !r.ended {
		return
	}
	from := r.State
	var s int
	if r.resume {
		s = r.Agent.Begin(from)
	} else {
		s = r.Agent.Begin(r.Env.Reset())
	}
	r.Env.Place(s)
	r.resume = false
	r.Episode++
	r.T, r.Return, r.Start, r.State, r.ended = 0, 0, s, s, false
	tr.Began = true
}
