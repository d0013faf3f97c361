package grid

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"bellman/sim/strictjson"
)

// MaxPolicyFileBytes bounds a policy file: π(a|s) of a 200x200 world with
// five probabilities a cell at full precision, indented, takes about 9 MB.
const MaxPolicyFileBytes = 16 << 20

// ParsePolicy reads a policy file for the model's world, one entry per cell
// by row and column, in either form:
//
//	{"policy": [["right", "stay", ...], ...]}            one action name per cell
//	{"probabilities": [[[0.5, 0.5, 0, 0, 0], ...], ...]} π(a|s) per cell, actions in order
//
// Walls and cliff cells may hold anything (null is usual). A file over
// MaxPolicyFileBytes, unknown fields, a key given twice and data after the
// object are errors. It returns π(a|s) as len S*A.
func ParsePolicy(data []byte, m *Model) ([]float64, error) {
	var f struct {
		Policy        [][]*string         `json:"policy"`
		Probabilities [][]json.RawMessage `json:"probabilities"`
	}
	if err := strictjson.Decode(data, &f, MaxPolicyFileBytes); err != nil {
		return nil, fmt.Errorf("policy file: %v", err)
	}
	w := &m.World
	pol := make([]float64, m.S*m.A)
	rows := f.Policy
	if f.Probabilities != nil {
		if f.Policy != nil {
			return nil, errors.New("policy file: give either \"policy\" or \"probabilities\", not both")
		}
		if err := checkShape(len(f.Probabilities), func(r int) int { return len(f.Probabilities[r]) }, w); err != nil {
			return nil, err
		}
		for r, row := range f.Probabilities {
			for c, raw := range row {
				s := m.StateAt(r, c)
				if s < 0 {
					continue
				}
				var probs []float64
				if err := json.Unmarshal(raw, &probs); err != nil || len(probs) != m.A {
					return nil, fmt.Errorf("policy file: cell (%d,%d) needs %d probabilities, one per action", r, c, m.A)
				}
				sum := 0.0
				for a, p := range probs {
					if !(p >= 0 && p <= 1) {
						return nil, fmt.Errorf("policy file: cell (%d,%d) has probability %v outside [0, 1]", r, c, p)
					}
					pol[s*m.A+a] = p
					sum += p
				}
				if math.Abs(sum-1) > 1e-6 {
					return nil, fmt.Errorf("policy file: probabilities of cell (%d,%d) sum to %v, not 1", r, c, sum)
				}
			}
		}
		return pol, nil
	}
	if rows == nil {
		return nil, errors.New("policy file: no \"policy\" or \"probabilities\" field")
	}
	if err := checkShape(len(rows), func(r int) int { return len(rows[r]) }, w); err != nil {
		return nil, err
	}
	for r, row := range rows {
		for c, name := range row {
			s := m.StateAt(r, c)
			if s < 0 {
				continue
			}
			if name == nil {
				return nil, fmt.Errorf("policy file: cell (%d,%d) has no action", r, c)
			}
			a, ok := ActionIndex(*name)
			if !ok || a >= m.A {
				return nil, fmt.Errorf("policy file: cell (%d,%d): unknown action %s (valid: %s)", r, c, strictjson.Short(*name), validActions(m.A))
			}
			pol[s*m.A+a] = 1
		}
	}
	return pol, nil
}

func checkShape(rows int, cols func(int) int, w *World) error {
	if rows != w.Rows {
		return fmt.Errorf("policy file: %d rows, the world has %d", rows, w.Rows)
	}
	for r := 0; r < rows; r++ {
		if cols(r) != w.Cols {
			return fmt.Errorf("policy file: row %d has %d cells, the world has %d columns", r, cols(r), w.Cols)
		}
	}
	return nil
}

func validActions(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ", "
		}
		s += ActionNames[i]
	}
	return s
}
