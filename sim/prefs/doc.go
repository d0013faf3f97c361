// Package prefs learns from preferences on the grid worlds, where every
// quantity is exact: the two routes by which large language models are
// aligned to human comparisons, RLHF (a Bradley–Terry reward model, then
// KL-regularised reinforcement learning on it) and DPO (Rafailov et al.
// 2023: the policy fitted to the comparisons directly), on the same
// labels, scored against the optimum of the objective both aim at.
//
// # Labels
//
// A pair is two trajectories of T steps drawn from a reference policy
// π_ref (Sampler): the uniform policy, or a given or partly trained
// softmax. Both start in the same state by default, as the two answers
// DPO compares share a prompt; T = 1 gives pairs of single (s, a) steps.
// A simulated judge labels a pair from the true discounted returns
// G = Σ_t γ^t r(s_t, a_t) (r the model's expected reward of each pair):
//
//	Pr(A ≻ B) = σ(β_j (G_A − G_B)),
//
// the Bradley–Terry model with the judge's rationality β_j (BradleyTerry:
// a label drawn from it; Expected: the probability itself, the mean of
// infinitely many labels; Noiseless: β_j = ∞, the higher return wins). A
// person's clicks are labels of 1 or 0. A label is P = Pr(A preferred);
// Labels holds a set, and its versioned JSON file (Encode, ParseLabels).
//
// The judge's log-odds define its utility u = β_j r: every quantity a
// preference model learns is in those units. Both routes below aim at the
// same policy, the maximiser of the KL-regularised objective
//
//	J_β(π) = E_π Σ_t γ^t [u(s_t, a_t) − β KL(π(·|s_t) ‖ π_ref(·|s_t))],
//
// which for the true reward is the coefficient β/β_j: the target
// (Trainer.Target). For a noiseless judge β/β_j = 0 and the target is the
// unregularised optimum, at any finite β.
//
// # RLHF, stage 2: the reward model
//
// RewardModel fits r̂(s,a) = φ(s)ᵀw_a — tabular with one-hot features,
// or linear in sim/features columns — by maximising the Bradley–Terry
// likelihood Pr(A ≻ B) = σ(R̂(A) − R̂(B)), R̂(τ) = Σ_t γ^t r̂(s_t, a_t),
// with an L2 penalty λ, by Newton's method (the loss is convex: it is
// logistic regression on the features of the pairs' visit-count
// differences, Data). r̂ estimates β_j·r, and only in part:
//
//   - Scale. The labels fix the log-odds, so r̂ comes out in the judge's
//     units, β_j r. With noiseless labels there is no scale at all: a
//     reward that orders every pair correctly can be multiplied up forever,
//     the likelihood creeping toward 1. λ is what stops it.
//   - A constant. Adding c to every r̂(s,a) adds c(1 − γ^T)/(1 − γ) to both
//     returns of a pair of full-length trajectories: the labels cannot see
//     it (nor can the optimal policy of a continuing world).
//   - Shaping. A potential Φ, r̂'(s,a) = r̂(s,a) + γΦ(s') − Φ(s), changes a
//     return by γ^T Φ(s_T) − Φ(s_0): not at all when the pair shares its
//     start, up to its last γ^T. For long trajectories, rewards are learned
//     only up to shaping — and shaping, again, changes no optimal policy.
//   - Single steps from one state (T = 1) compare r̂(s,a) with r̂(s,a'):
//     they say nothing about how one state's rewards compare with
//     another's, a per-state constant that is not a shaping and does change
//     the optimal policy.
//
// λ picks the smallest weights among the rewards the labels cannot tell
// apart. The invariant view is therefore not r̂ itself but what it
// implies: its optimal policy by value iteration (Trainer.Induced), the
// return of that policy under the true reward, and the soft advantages
// below, which shaping and constants do not change.
//
// # RLHF, stage 3: KL-regularised planning
//
// Planner maximises J_β for a reward r on the model's dynamics. Write
// q(s,a) = r(s,a) + γ Σ_s' p(s'|s,a) v(s'). In each state the policy
// chooses π(·|s) to maximise Σ_a π(a|s) q(s,a) − β KL(π(·|s) ‖ π_ref(·|s));
// with Lagrange multiplier μ for Σ_a π = 1, setting the derivative
// q(s,a) − β(log(π/π_ref) + 1) − μ to 0 gives π ∝ π_ref exp(q/β), and
// putting it back (the Gibbs variational principle),
//
//	π(a|s) = π_ref(a|s) exp((q(s,a) − v(s))/β),   v(s) = β log Σ_a π_ref(a|s) exp(q(s,a)/β).
//
// v ↦ β log Σ π_ref exp((r + γPv)/β) is a γ-contraction in the max norm
// (log-sum-exp moves by at most the largest change of its arguments), so
// soft value iteration converges to its unique fixed point, and the
// fixed point's policy maximises J_β from every state (Geist et al. 2019,
// regularised MDPs). β → 0 is value iteration over π_ref's support;
// β → ∞ leaves π = π_ref. Two invariances follow: shaping r by Φ changes
// q and v by −Φ(s) and leaves π and the soft advantage q − v alone, and
// scaling r by c is dividing β by c — which is why the judge's β_j and
// the coefficient β appear only as β/β_j. The tests check the fixed point
// against a closed-form bandit, value iteration, and the regularised value
// solved exactly (J − β KL by a linear solve, Evaluator).
//
// # DPO
//
// For the optimal π* the soft Bellman equation gives
// β log π*(a|s)/π_ref(a|s) = q*(s,a) − v*(s) with q* = u + γPv*, so along
// a trajectory (deterministic dynamics; with slip, plus a term of mean 0)
// the γ^t-weighted log-ratios telescope:
//
//	Σ_{t<T} γ^t β log π*(a_t|s_t)/π_ref(a_t|s_t) = Σ_t γ^t u(s_t, a_t) + γ^T v*(s_T) − v*(s_0).
//
// v*(s_0) cancels between the two trajectories of a pair with one start,
// so the Bradley–Terry model with the judge's utility replaced by the
// log-ratio sums holds for π* up to γ^T(v*(s_T^A) − v*(s_T^B)), and
// fitting a policy π_θ by that model's likelihood — DPO's loss,
//
//	−log σ(β Σ_t γ^t log π_θ/π_ref (winner) − β Σ_t γ^t log π_θ/π_ref (loser)),
//
// with a soft label's cross-entropy in general (DPO) — recovers π* as the
// labels grow, without a reward model or any planning. β log π_θ/π_ref is
// DPO's implicit reward: at π* it is the soft advantage q* − v*, the same
// quantity as the RLHF policy's β log π/π_ref. What DPO cannot do is
// plan: a stationary policy trained on T-step comparisons misses the last
// γ^T of the returns (at γ 0.9, 0.04 of them for T = 30), where the reward
// model, planning on r̂ to the infinite horizon, misses nothing; and pairs
// with different starts leave v*(s_0^A) − v*(s_0^B) in the model, which
// DPO's policy then has to absorb.
//
// With noiseless labels the target is the unregularised optimum at every
// β, and the likelihood has no finite maximum: how far either fit goes is
// set by λ (with Adam, also by where it stops), not by the labels, and
// only a β large next to the logits λ allows still holds a policy near
// π_ref. DPO's loss, moreover, can be driven toward 0 along many policies,
// and the one λ picks is not always the optimal policy, where the reward
// model's optimal policy nearly always is — DPO's overfitting to
// deterministic preferences (Azar et al. 2023). BENCHMARKS.md shows all of
// this.
//
// # Scores
//
// A policy is scored on the true model (Evaluator): its return
// J = Σ_s d₀(s) v_π(s) (d₀ uniform over the non-terminal states, or the
// start cell) and its divergence KL = Σ_s d^γ_π(s) KL(π(·|s) ‖ π_ref(·|s)),
// the expected discounted sum of per-step divergences along its own
// trajectories, so that J_β = β_j J − β KL. Both come from one LU solve of
// I − γP_π (pg.Exact).
//
// # Fitting, determinism and speed
//
// Both fits are full-batch: Newton's method with a backtracking line
// search (the reward model's convex loss; DPO's, which is not convex in
// its logits, with Levenberg–Marquardt damping where its Hessian is not
// positive definite) converges in a dozen steps to the minimiser, so that
// the two routes are compared at their optima and not at where an
// optimiser happened to be; DPO can instead take Adam steps (sim/nn,
// Config.Adam), as it is trained in practice. Exponentials and logarithms
// are computed from functions that are pure Go on every platform (as in
// sim/nn and sim/pg), so a seed gives the same numbers natively and under
// WebAssembly; the pairs and the judge have their own random streams
// (Streams). The steps allocate nothing.
package prefs
