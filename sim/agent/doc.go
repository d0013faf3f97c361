// Package agent holds tabular agents that learn a grid world's action values
// from sampled experience only (Zhao, chapters 5 and 7; Sutton & Barto,
// chapters 5–8): Monte Carlo (MC Basic, exploring starts, ε-greedy), the TD
// family (Sarsa, Expected Sarsa, n-step Sarsa, Q-learning, Sarsa(λ), Watkins
// Q(λ)) and planning from a learned model (Dyna-Q, prioritized sweeping).
//
// # Interaction
//
// An Env samples transitions of an exact model (mdp.Model) with its own
// random stream; an Agent acts and learns with another. A Runner couples the
// two and advances one environment step at a time, the learning and the
// planning of that step included:
//
//	s := env.Reset()      // the environment draws a start state
//	s = agent.Begin(s)    // the agent may choose another (exploring starts)
//	a := agent.Act()
//	next, r, term, trunc := env.Step(a)
//	agent.Learn(r, next, term, trunc)
//
// Agents read the model's shape (S, A), its terminal flags (to draw exploring
// starts among non-terminal states) and, for prioritized sweeping, which next
// states are possible at all (to size predecessor lists). They never read its
// probabilities or rewards.
//
// # Episodes
//
// A terminated step (entering a terminal state) does not bootstrap: its target
// is the reward alone. A truncated step (the episode-length limit) does, from
// the value of the state reached. Monte Carlo returns never bootstrap: a
// truncated episode's return is the discounted sum of the rewards seen, which
// is why MC Basic with short episodes leaves far states wrong.
//
// # Determinism and speed
//
// Randomness comes only from the *rand.Rand streams passed in; Streams
// derives the environment's and the agent's from one seed. Updates are
// written with explicit float64 conversions so that no platform fuses a
// multiply-add, and the same seed gives the same run natively and under
// WebAssembly. Act, Learn and Env.Step allocate nothing once an episode
// buffer has reached the episode length (Monte Carlo) — Dyna-Q's model and
// prioritized sweeping's heap and predecessor lists are preallocated.
package agent
