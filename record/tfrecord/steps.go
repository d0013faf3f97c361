package tfrecord

import (
	"bellman/sim/agent"
	"bellman/sim/grid"
)

// GridStep returns the step of a tabular agent's transition tr in the grid
// world of m: state and next_state as the model's state indices, the
// observation as the cell's row and column, the action as its index (up,
// right, down, left, stay). episode counts from 1, index from 0.
func GridStep(m *grid.Model, tr agent.Transition, episode, index int) Step {
	cell := m.Cell[tr.S]
	cols := m.World.Cols
	return Step{
		State:       Ints(int64(tr.S)),
		Observation: Ints(int64(cell/cols), int64(cell%cols)),
		Action:      Ints(int64(tr.A)),
		NextState:   Ints(int64(tr.Next)),
		Reward:      tr.Reward, Terminated: tr.Terminated, Truncated: tr.Truncated,
		Episode: int64(episode), Index: int64(index),
	}
}

// ControlStep returns the step of a control task: its internal states
// before and after, the observation before the step and the action, as
// numbers, or the action as an index when discrete is set (copies of the
// slices are kept).
func ControlStep(state, obs, action, next []float64, discrete bool, reward float64, terminated, truncated bool, episode, index int) Step {
	a := Floats(clone(action)...)
	if discrete {
		a = Ints(make([]int64, len(action))...)
		for i, x := range action {
			a.Ints[i] = int64(x)
		}
	}
	return Step{
		State: Floats(clone(state)...), Observation: Floats(clone(obs)...), Action: a, NextState: Floats(clone(next)...),
		Reward: reward, Terminated: terminated, Truncated: truncated, Episode: int64(episode), Index: int64(index),
	}
}

func clone(x []float64) []float64 { return append([]float64{}, x...) }
