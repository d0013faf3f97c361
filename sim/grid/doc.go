// Package grid is the grid world of Zhao's Mathematical Foundations of
// Reinforcement Learning, extended with walls, cliffs and a start cell so
// that classic layouts (Sutton & Barto's cliff walking, mazes) fit.
//
// Cells are (row, col) with row 0 at the top. Actions, in this order: up,
// right, down, left, stay (a1..a5); a 4-action world has no stay.
// Rewards follow the book: r_boundary for a move that would leave the grid
// (the agent stays), r_forbidden for entering or staying in a forbidden
// cell, r_target for entering or staying in the target, r_other otherwise.
// Forbidden cells can be entered. Walls cannot (bumping one pays
// r_boundary). Entering a cliff cell pays r_cliff and sends the agent to the
// start. The target is not absorbing unless the world is terminal.
package grid
