// Package pg holds tabular policy-gradient and actor-critic methods on the
// grid worlds (Zhao, chapters 9–10) and the exact gradient of their
// objective, computed from the model, to set beside the sampled one.
//
// # Policy and objective
//
// The policy is a tabular softmax, π(a|s) = exp h(s,a) / Σ_b exp h(s,b)
// (Policy), its parameters θ the preferences h. The objective is the
// average value from the start distribution d₀ (Zhao's v̄_π):
//
//	J(θ) = Σ_s d₀(s) v_π(s),
//
// d₀ uniform over the non-terminal states, or the start cell of a world
// that has one (StartDistribution), as agent.Env starts its episodes.
//
// # The exact gradient
//
// Write the Bellman equation v = r_π + γP_π v state by state as
// v(s) = Σ_a π(a|s) q(s,a), with q(s,a) = r(s,a) + γ Σ_s' p(s'|s,a) v(s').
// Differentiating, the rewards and transition probabilities do not depend
// on θ, so
//
//	∂v(s) = Σ_a ∂π(a|s) q(s,a) + γ Σ_a π(a|s) Σ_s' p(s'|s,a) ∂v(s')
//	∂v    = u + γP_π ∂v,   u(s) = Σ_a ∂π(a|s) q(s,a)
//	∂v    = (I − γP_π)⁻¹ u
//	∂J    = d₀ᵀ(I − γP_π)⁻¹ u = Σ_s d^γ(s) Σ_a ∂π(a|s) q(s,a),
//
// the policy gradient theorem with the discounted state distribution
// d^γ = d₀ᵀ(I − γP_π)⁻¹ = Σ_t γ^t d₀ᵀP_π^t, the expected discounted number
// of visits of each state. For the tabular softmax, ∂π(a|s)/∂h(s',b) =
// 1[s = s'] π(a|s)(1[a = b] − π(b|s)), and summing over a,
//
//	∂J/∂h(s,b) = d^γ(s) π(b|s) (q_π(s,b) − v_π(s)).
//
// Exact computes it by one LU factorisation of I − γP_π (partial pivoting;
// the matrix is strictly diagonally dominant for γ < 1): v_π by a solve,
// d^γ by a solve with the transpose. The factorisation is written here
// rather than taken from gonum (as sim/dp/exact does) so that the page,
// which draws these gradients, does not carry gonum's linear algebra. It
// costs about S³/3 multiply-adds; Trainer uses it on worlds of at most
// MaxExactStates states. The tests check it against central finite
// differences of J computed by iterative policy evaluation (package dp) to
// 1e-6, on zhao-5x5, with slip, and on the episodic cliff walk.
//
// # The sampled gradient
//
// Since Σ_t γ^t Pr(s_t = s) = d^γ(s) and E[G_t | s_t, a_t] = q_π(s_t, a_t),
// an episode started from d₀ gives the unbiased estimate
//
//	ĝ = Σ_t γ^t (G_t − b(s_t)) ∇log π(a_t|s_t),
//
// for any baseline b that does not depend on a_t (Σ_a π ∇log π = 0), as
// long as the episode runs until it terminates; cutting it at T steps
// biases it by O(γ^T). Every method here builds its own ĝ for each
// episode, Σ_t w_t A_t ∇log π(a_t|s_t) with w_t = γ^t when GammaT is set
// and 1 otherwise, and with the advantage A_t of its update; Trainer
// compares it with ∇J at the policy the episode started with: the cosine
// and ‖ĝ − ∇J‖², whose mean at a fixed policy is the estimate's variance
// tr Cov(ĝ) for the unbiased estimators (α = 0 freezes the policy).
//
// # Methods
//
//   - REINFORCE (Zhao 9.4): after the episode, G_t = Σ_k γ^k r_{t+k+1}
//     (no bootstrap: a truncated episode's returns stop at its end) and
//     h += α ĝ with A_t = G_t. With a baseline, A_t = G_t − b(s_t): a
//     tabular v̂ moved toward each G_t by α_w after the update (every
//     visit), or the running mean of all returns so far. Both are fixed
//     during an episode, so ĝ stays unbiased.
//   - QAC (Zhao 10.1): a Sarsa critic q̂. At every step, a' ~ π(s') is
//     drawn (and taken next); the actor moves h(s,·) += α w_t q̂(s,a)
//     ∇log π(a|s), the critic q̂(s,a) += α_w [r + γ q̂(s',a') − q̂(s,a)].
//   - A2C (Zhao 10.2): δ = r + γ v̂(s') − v̂(s) (no bootstrap from a
//     terminal s'); h(s,·) += α w_t δ ∇log π(a|s), v̂(s) += α_w δ.
//   - Off-policy actor-critic (Zhao 10.3): actions from the behaviour
//     policy β = (1 − m)π + m/A, ρ = π(a|s)/β(a|s); h(s,·) += α w_t ρ δ
//     ∇log π(a|s), v̂(s) += α_w ρ δ. Its states come from β's distribution,
//     not π's, so its ĝ estimates ∇J only roughly (its cosine shows how
//     well).
//   - DPG (Zhao 10.4) needs a continuous action: it is package ddpg, the
//     deterministic actor-critic of the control tasks.
//
// Each actor-critic update uses the critic and π of before the step, as
// Zhao writes them. An optional entropy bonus (Config.Entropy, off by
// default) adds α β_H ∇H(π(·|s_t)) to each update; it is not part of ĝ.
//
// # Preferences and references
//
// For learning from preferences (DPO, a Bradley–Terry reward model), a
// Policy gives a trajectory's log-likelihood Σ_t log π(a_t|s_t) and its
// gradient (LogLikelihood, AddGradLogLikelihood), and the KL divergence to
// a reference policy per state or weighted by a state distribution (KL,
// WeightedKL).
//
// # Determinism and speed
//
// Randomness comes from agent.Streams of one seed: the environment's
// stream draws starts and slips, the agent's its actions. Exponentials and
// logarithms are computed here from functions that are pure Go on every
// platform (math.Exp has amd64 assembly), and products in the updates are
// written with explicit float64 conversions, so a seed gives the same run
// natively and under WebAssembly. A Trainer step allocates nothing once
// REINFORCE's episode buffer has its length (NewTrainer reserves it).
package pg
