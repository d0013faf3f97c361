// Package vfa holds linear value-function approximation (Zhao, chapter
// 8; Sutton & Barto, chapters 9–10): values are φ(s)ᵀw for a feature
// vector φ from package features, learned by semi-gradient TD updates.
//
//   - TD-linear (Zhao 8.2, Algorithm 8.1) evaluates a fixed policy:
//     w += α[r + γφ(s')ᵀw − φ(s)ᵀw]φ(s). With one-hot features it is tabular
//     TD(0), update for update.
//   - Sarsa with linear features (Zhao 8.3.1, Algorithm 8.2), here n-step
//     (Sutton & Barto 10.2): q̂(s, a) = φ(s)ᵀw_a, one weight vector per
//     action, the target n rewards then γⁿq̂(s_{t+n}, a_{t+n}); with tile
//     coding it is Sutton & Barto's semi-gradient n-step Sarsa on
//     MountainCar.
//   - Q-learning with linear features (Zhao 8.3.2, Algorithm 8.3): the
//     target r + γ max_a q̂(s', a).
//
// A Task is the experience: a grid world sampled from its model (GridTask)
// or a control environment (ControlTask), seen through raw feature
// columns. A Learner acts and learns one step at a time, and a Runner
// couples the two. Terminated steps do not bootstrap; truncated ones (time
// limits) do.
//
// Randomness comes only from the streams passed in (agent.Streams splits
// one seed into the environment's and the learner's). Updates are written
// with explicit float64 conversions, so that no platform fuses a
// multiply-add and a seed gives the same numbers natively and under
// WebAssembly. Runner.Step allocates nothing.
package vfa
