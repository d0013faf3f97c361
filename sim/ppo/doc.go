// Package ppo trains stochastic policies on control tasks with proximal
// policy optimisation (PPO, Schulman et al. 2017) and synchronous
// advantage actor-critic (A2C), as CleanRL's ppo.py (discrete actions) and
// ppo_continuous_action.py (continuous ones) define them; DefaultConfig
// holds their defaults.
//
// # Policies
//
// The policy and the value function are separate MLPs (package nn), both
// initialised as CleanRL's layer_init (orthogonal weights, gain √2 in the
// hidden layers, 0.01 at the policy's output, 1 at the value's; zero
// biases). On a discrete task (control.Discrete: CartPole-v1, Acrobot-v1,
// MountainCar-v0) the policy's outputs are the logits of a categorical
// distribution; on a continuous one they are the mean of a Gaussian with
// independent components and a learned log standard deviation that does
// not depend on the state. Sampled actions are clipped to the action
// bounds before the environment sees them (Gymnasium's ClipAction); the
// rollout keeps the unclipped sample, whose log-probability the loss
// uses. Log-probabilities, entropies and their gradients are nn's
// (nn.CategoricalGrad, nn.GaussianGrad).
//
// # One iteration
//
// A Trainer steps NumEnvs copies of the environment in lockstep for
// NumSteps steps. Each copy has Gymnasium's time limit, its own random
// stream for resets and, with NormObs and NormReward, its own
// NormalizeObservation and NormalizeReward wrappers (Gymnasium 0.29, the
// version CleanRL pins) followed by CleanRL's clips to ±10. An episode
// that ends is reset within the same step, as Gymnasium 0.29's vector
// environments do. Then:
//
//   - the advantages are GAE(λ) (GAE), the returns advantage + value;
//   - the learning rate is annealed linearly over AnnealSteps (CleanRL's
//     total_timesteps), once per iteration;
//   - PPO takes Epochs passes over the rollout, each shuffled into
//     Minibatches minibatches; per minibatch the advantages are
//     normalised (NormAdv), the loss is ClippedSurrogate − EntCoef·entropy
//     plus VFCoef·ValueLoss (the value clipped too with ClipVLoss), the
//     gradient of all parameters is clipped to MaxGradNorm as one vector,
//     and Adam (ε 1e-5) takes a step; with TargetKL the epochs stop once
//     the approximate KL exceeds it;
//   - A2C takes one such step on the whole rollout with the loss
//     PolicyGradientLoss − EntCoef·entropy plus VFCoef·ValueLoss; with λ = 1
//     its advantages are n-step returns minus values.
//
// The diagnostics (Stats) are CleanRL's: the last minibatch's losses,
// entropy and approximate KL, the share of clipped ratios, the explained
// variance.
//
// # Where this differs from CleanRL
//
// CleanRL ends an episode's GAE at a time limit as at a termination: the
// value after a truncated step counts as 0. Here a truncated step that
// did not terminate bootstraps from V of the state it stopped in, as
// Gymnasium's truncated flag means (BootstrapTruncated, on by default;
// off is CleanRL's behaviour). The observation normaliser sees that state
// either way, as the wrapper does. Other differences do not change the
// algorithm: float64 instead of float32; Bellman's random streams instead
// of torch's and NumPy's; one Adam per parameter group (policy, value, log
// σ), which with the same step count is the same elementwise update as
// one Adam over all of them; the orthogonal matrices by Gram–Schmidt,
// which gives the same factor Q as torch's sign-corrected QR.
//
// # Determinism and speed
//
// Randomness comes from streams drawn from one seed (StreamInit,
// StreamAct, StreamShuffle, StreamEnv + i), and every function on the
// way (sampling, logarithms, exponentials) is portable, so a seed gives
// the same run natively and under WebAssembly. Once its buffers have
// grown, a Trainer step, the update at a rollout's end included,
// allocates nothing.
package ppo
