package control

import "math/rand/v2"

// TimeLimit ends episodes after a number of steps, as Gymnasium's wrapper
// of the same name: the step that reaches the limit is truncated, which is
// kept apart from terminated (both can hold on the same step). An agent
// bootstraps from the next state's value unless the step terminated.
//
// TimeLimit is itself an Env whose Step reports termination only; use
// StepTrunc or Truncated for truncation.
type TimeLimit struct {
	Env
	max       int
	elapsed   int
	truncated bool
}

// NewTimeLimit wraps env with a limit of maxSteps steps per episode, or
// env.MaxEpisodeSteps() if maxSteps ≤ 0.
func NewTimeLimit(env Env, maxSteps int) *TimeLimit {
	if maxSteps <= 0 {
		maxSteps = env.MaxEpisodeSteps()
	}
	return &TimeLimit{Env: env, max: maxSteps}
}

// MaxEpisodeSteps returns the wrapper's limit.
func (t *TimeLimit) MaxEpisodeSteps() int { return t.max }

// Reset starts a new episode and its step count.
func (t *TimeLimit) Reset(rng *rand.Rand, obs []float64) {
	t.elapsed, t.truncated = 0, false
	t.Env.Reset(rng, obs)
}

// SetState sets the state of the wrapped environment and starts a new
// step count.
func (t *TimeLimit) SetState(state []float64) error {
	if err := t.Env.SetState(state); err != nil {
		return err
	}
	t.elapsed, t.truncated = 0, false
	return nil
}

// Step steps the wrapped environment and counts the step; Truncated then
// tells whether the limit was reached.
func (t *TimeLimit) Step(action, obs []float64) (reward float64, terminated bool) {
	reward, terminated = t.Env.Step(action, obs)
	t.elapsed++
	t.truncated = t.elapsed >= t.max
	return reward, terminated
}

// StepTrunc steps and returns the reward, whether the episode terminated
// and whether it was truncated by the limit.
func (t *TimeLimit) StepTrunc(action, obs []float64) (reward float64, terminated, truncated bool) {
	reward, terminated = t.Step(action, obs)
	return reward, terminated, t.truncated
}

// Truncated reports whether the last step reached the limit.
func (t *TimeLimit) Truncated() bool { return t.truncated }

// Elapsed returns the number of steps since Reset or SetState.
func (t *TimeLimit) Elapsed() int { return t.elapsed }

// Unwrapped returns the wrapped environment.
func (t *TimeLimit) Unwrapped() Env { return t.Env }
