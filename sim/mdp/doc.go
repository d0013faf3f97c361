// Package mdp holds the exact model of a finite Markov decision process:
// for every state and action, the possible next states with their
// probabilities and rewards. Dynamic programming plans on it; sampling
// agents draw transitions from it.
package mdp
