package assets

import (
	"bellman/sim/grid"
	"strings"
	"testing"
)

// Every built-in world parses, builds, and every state can reach a target.
func TestWorlds(t *testing.T) {
	names := WorldNames()
	for _, want := range []string{"zhao-5x5", "zhao-5x5-f10", "cliff-4x12", "maze-10x10"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("no built-in world %s", want)
		}
	}
	for _, name := range names {
		w, err := World(name)
		if err != nil {
			t.Fatal(err)
		}
		if w.Name != name {
			t.Errorf("%s: file names itself %q", name, w.Name)
		}
		m, err := w.Build()
		if err != nil {
			t.Fatal(err)
		}
		// Backward search from the targets over the model's transitions.
		reach := make([]bool, m.S)
		var queue []int
		for s := 0; s < m.S; s++ {
			if r, c := m.RowCol(s); w.Kind(r, c) == grid.Target {
				reach[s] = true
				queue = append(queue, s)
			}
		}
		for len(queue) > 0 {
			t0 := queue[0]
			queue = queue[1:]
			for s := 0; s < m.S; s++ {
				for i := s * m.A * m.K; i < (s+1)*m.A*m.K; i++ {
					if !reach[s] && int(m.Next[i]) == t0 && m.Prob[i] > 0 {
						reach[s] = true
						queue = append(queue, s)
					}
				}
			}
		}
		for s, ok := range reach {
			if !ok {
				r, c := m.RowCol(s)
				t.Errorf("%s: cell (%d,%d) cannot reach a target", name, r, c)
			}
		}
	}
	if w, _ := World("maze-10x10"); w.Rows < 10 || w.Cols < 10 || !strings.Contains(string(mustFile(t, "maze-10x10")), "#") {
		t.Error("maze-10x10 is not a 10x10 maze with walls")
	}
	if w, _ := World("zhao-5x5-f10"); w.Rewards.Forbidden != -10 {
		t.Errorf("zhao-5x5-f10 forbidden reward %v", w.Rewards.Forbidden)
	}
}

func mustFile(t *testing.T, name string) []byte {
	data, err := WorldFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestUnknownWorld(t *testing.T) {
	for _, name := range []string{"nope", "../go.mod", "worlds/zhao-5x5"} {
		if _, err := World(name); err == nil || !strings.Contains(err.Error(), "built-in: ") {
			t.Errorf("World(%q) = %v", name, err)
		}
	}
}
