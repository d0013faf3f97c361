package ppo

// Rollout holds NumSteps steps of NumEnvs environments, step t of
// environment i in row t·N + i of every buffer: the observation the policy
// saw, the action it took (a discrete action as its index), log π of that
// action and V of the observation at the time, and the (normalised)
// reward. End is 1 where the step ended an episode (terminated or
// truncated) and EndValue the value to bootstrap from there: 0 after a
// termination, V of the state a truncation stopped in (or 0 if truncation
// does not bootstrap). LastValue is V of each environment's observation
// after the last step. Advantages and Returns are GAE's results.
type Rollout struct {
	T, N, ObsDim, ActDim int

	Obs, Act               []float64
	LogProb, Reward, Value []float64
	End, EndValue          []float64
	LastValue              []float64
	Advantages, Returns    []float64
}

// NewRollout returns an empty rollout of t steps of n environments.
func NewRollout(t, n, obsDim, actDim int) *Rollout {
	b := t * n
	return &Rollout{T: t, N: n, ObsDim: obsDim, ActDim: actDim,
		Obs: make([]float64, b*obsDim), Act: make([]float64, b*actDim),
		LogProb: make([]float64, b), Reward: make([]float64, b), Value: make([]float64, b),
		End: make([]float64, b), EndValue: make([]float64, b), LastValue: make([]float64, n),
		Advantages: make([]float64, b), Returns: make([]float64, b)}
}

// Len returns the number of transitions, T·N.
func (r *Rollout) Len() int { return r.T * r.N }

// GAE computes the advantages and returns of r with discount gamma and
// GAE parameter lambda (see GAE).
func (r *Rollout) GAE(gamma, lambda float64) {
	GAE(r.Advantages, r.Returns, r.Reward, r.Value, r.End, r.EndValue, r.LastValue, r.N, gamma, lambda)
}

// GAE writes generalised advantage estimates (Schulman et al. 2016) of a
// rollout of n environments (rows t·n + i, as in Rollout) into adv and
// the returns adv + value into ret, backwards from the last step as
// CleanRL does:
//
//	δ_t = r_t + γ·V_next − V(s_t),   A_t = δ_t + γλ·(1 − end_t)·A_{t+1},
//
// where V_next is endValue_t if step t ended an episode, else V(s_{t+1})
// (lastValue after the last step), and A after the last step is 0. With
// endValue 0 at every end this is CleanRL's computation exactly; λ = 1
// gives n-step returns bootstrapped at the rollout's end (A2C), λ = 0
// one-step TD errors.
func GAE(adv, ret, reward, value, end, endValue, lastValue []float64, n int, gamma, lambda float64) {
	b := len(reward)
	if n < 1 || b%n != 0 || len(lastValue) != n || len(adv) != b || len(ret) != b ||
		len(value) != b || len(end) != b || len(endValue) != b {
		panic("ppo: GAE: buffer lengths do not match")
	}
	T := b / n
	gl := gamma * lambda
	for i := 0; i < n; i++ {
		last := 0.0
		for t := T - 1; t >= 0; t-- {
			k := t*n + i
			next, keep := 0.0, 1.0
			switch {
			case end[k] != 0:
				next, keep = endValue[k], 0
			case t == T-1:
				next = lastValue[i]
			default:
				next = value[k+n]
			}
			delta := reward[k] + float64(gamma*next) - value[k]
			last = delta + float64(gl*keep)*last
			adv[k] = last
			ret[k] = last + value[k]
		}
	}
}
