// Package scene draws the snapshots of package proto: a grid world (Grid),
// a control task with its heatmaps (Control) and the stochastic-
// approximation lab (Lab). Renderers read only the snapshot they are given
// and keep their drawing buffers from frame to frame; they never reach
// into a session.
package scene
