// Package ddpg trains deterministic actor-critic agents on continuous
// control: DDPG (Lillicrap et al., 2016) and TD3 (Fujimoto et al., 2018).
//
// The actor μ(s) is an MLP with a tanh output, so its action lies in
// [−1, 1]ᴬ; Agent.Scale maps it affinely onto the environment's action
// bounds. The critic Q(s, a) is an MLP whose input is the observation
// followed by that normalised action. Exploration noise, the replay buffer
// and TD3's target smoothing all work in normalised units, so σ = 0.1 is a
// tenth of the half-range of every action.
//
// One Update samples a batch from the replay buffer and
//
//   - regresses the critic on y = r + γ·(1 − terminated)·Q′(s′, μ′(s′))
//     (TD3: the smaller of the twin target critics, at a smoothed target
//     action) with the mean squared error;
//   - steps the actor along ∂Q(s, μ(s))/∂a, maximising the mean Q of the
//     batch (TD3: every PolicyDelay-th update, with Q the first critic);
//   - moves the target networks towards the online ones: θ′ ← τθ + (1−τ)θ′
//     (TD3: on the actor's updates only).
//
// Only termination stops bootstrapping: a transition cut by a time limit
// (truncated) stores terminated = false, and its target uses Q′ of the
// state where it was cut.
//
// A Trainer runs an Agent on an environment: uniform random actions for
// the first LearningStarts steps, then μ(s) plus Gaussian or
// Ornstein–Uhlenbeck noise, UpdatesPerStep updates per environment step.
// Its randomness comes from four streams drawn from one seed, so that,
// say, a different network initialisation does not change the start
// states: rand.New(rand.NewPCG(seed, Stream...)) for initialisation,
// exploration, replay sampling (with TD3's target noise) and the
// environment. Once its buffers have grown, a Trainer step and an Update
// allocate nothing.
//
// Discrete environments (cartpole-discrete) are rejected: a deterministic
// policy over a continuous action does not apply to them.
package ddpg
