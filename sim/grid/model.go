package grid

import "bellman/sim/mdp"

// Model is the exact model of a world. States are the cells an agent can
// stand in (every cell but walls and cliffs), numbered row by row.
type Model struct {
	*mdp.Model
	World World
	State []int // state of each cell (row-major), -1 for walls and cliffs
	Cell  []int // cell of each state
	Start int   // state of the start cell, -1 if the world has none
}

// Build returns the model of w.
func (w World) Build() (*Model, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	g := &Model{World: w, State: make([]int, len(w.Cells)), Start: -1}
	for i, k := range w.Cells {
		g.State[i] = -1
		if k != Wall && k != Cliff {
			g.State[i] = len(g.Cell)
			g.Cell = append(g.Cell, i)
			if k == Start {
				g.Start = g.State[i]
			}
		}
	}
	K := 1
	if w.Slip > 0 {
		K = 3
	}
	m := mdp.New(len(g.Cell), w.Actions, K)
	for s, cell := range g.Cell {
		r, c := cell/w.Cols, cell%w.Cols
		if w.Terminal && w.Cells[cell] == Target {
			m.Terminal[s] = true
			for a := 0; a < w.Actions; a++ {
				m.SetOutcome(s, a, 0, s, 1, 0)
			}
			continue
		}
		for a := 0; a < w.Actions; a++ {
			if a == Stay || K == 1 {
				next, rew := g.move(r, c, a)
				m.SetOutcome(s, a, 0, next, 1, rew)
				continue
			}
			side1, side2 := (a+1)%4, (a+3)%4 // perpendicular moves
			for k, b := range [3]int{a, side1, side2} {
				p := 1 - w.Slip
				if k > 0 {
					p = w.Slip / 2
				}
				next, rew := g.move(r, c, b)
				m.SetOutcome(s, a, k, next, p, rew)
			}
		}
	}
	if err := m.Finish(); err != nil {
		return nil, err
	}
	g.Model = m
	return g, nil
}

// move returns the next state and reward of a deterministic move b from
// cell (r, c).
func (g *Model) move(r, c, b int) (next int, reward float64) {
	w := &g.World
	here := g.State[r*w.Cols+c]
	if b == Stay {
		switch w.Kind(r, c) {
		case Target:
			return here, w.Rewards.Target
		case Forbidden:
			return here, w.Rewards.Forbidden
		}
		return here, w.Rewards.Other
	}
	nr, nc := r+dRow[b], c+dCol[b]
	if nr < 0 || nr >= w.Rows || nc < 0 || nc >= w.Cols || w.Kind(nr, nc) == Wall {
		return here, w.Rewards.Boundary
	}
	there := g.State[nr*w.Cols+nc]
	switch w.Kind(nr, nc) {
	case Target:
		return there, w.Rewards.Target
	case Forbidden:
		return there, w.Rewards.Forbidden
	case Cliff:
		return g.Start, w.Rewards.Cliff
	}
	return there, w.Rewards.Other
}

// StateAt returns the state of cell (r, c), or -1.
func (g *Model) StateAt(r, c int) int { return g.State[r*g.World.Cols+c] }

// RowCol returns the cell of state s.
func (g *Model) RowCol(s int) (r, c int) {
	cell := g.Cell[s]
	return cell / g.World.Cols, cell % g.World.Cols
}
