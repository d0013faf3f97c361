package session

import "bellman/sim/agent"

// LastTransition returns what the last Step did (zero before the first):
// the state, action, reward and next state, for recording trajectories.
func (l *Learn) LastTransition() agent.Transition { return l.lastTr }

// BeginEpisode starts the next episode if the last step ended one, as Step
// does first, and reports whether it did: call it before Step to read the
// start state of an episode (for recording trajectories).
func (c *Control) BeginEpisode() bool {
	if !c.tr.BeginEpisode() {
		return false
	}
	c.traj, c.prevTraj = c.prevTraj[:0], c.traj
	c.addPoint()
	return true
}
