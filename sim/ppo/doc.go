// Package ppo trains stochastic policies on control tasks with proximal
// policy optimisation (PPO, Schulman et al. 2017) and synchronous
// advantage actor-critic (A2C), as CleanRL's ppo.py (discrete actions) and
// ppo_continuous_action.py (continuous ones) define them.
package ppo
