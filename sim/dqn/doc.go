// Package dqn trains deep Q-networks on environments with discrete
// actions: DQN (Mnih et al., 2015; Zhao, Section 8.4) with the Double DQN
// target (van Hasselt et al., 2016) and dueling heads (Wang et al., 2016)
// as options, over the MLPs of sim/nn.
//
// The Q-network maps an observation to one value per action. One Update
// samples a batch of transitions (s, a, r, s′, terminated) uniformly from
// the replay buffer and
//
//   - computes the targets y = r + γ·(1 − terminated)·Q′(s′, a′), with Q′
//     the target network and a′ = argmax Q′(s′, ·) (DQN) or argmax Q(s′, ·)
//     of the online network (Double DQN);
//   - regresses Q(s, a) on y with the mean squared error or the Huber loss
//     and takes one optimizer step, the gradient clipped by its global norm
//     if the optimizer says so;
//   - every TargetEvery updates moves the target network towards the online
//     one by τ (τ = 1 copies it).
//
// With dueling heads the last layer has 1 + A outputs, V(s) and the
// advantages A(s, ·), and Q(s, a) = V(s) + A(s, a) − mean_b A(s, b): the
// two streams share the hidden layers and are both linear in the last
// hidden layer's units.
//
// Only termination stops bootstrapping: a transition cut by a time limit
// stores terminated = false.
//
// A Trainer runs an Agent on an Env (a discrete control task through
// Control, a grid world through Grid) the way CleanRL's dqn.py does: an
// ε-greedy action with ε falling linearly from EpsStart to EpsEnd over a
// fraction of the run, every transition into the buffer, and from
// LearningStarts steps on GradientSteps updates after every
// TrainFrequency-th step. Its randomness comes from four streams drawn
// from one seed (StreamInit, StreamExplore, StreamReplay, StreamEnv), and
// once its buffers have grown a step and an update allocate nothing.
//
// The replay buffer is sim/ddpg's, with the action index stored as a
// one-component action.
package dqn
