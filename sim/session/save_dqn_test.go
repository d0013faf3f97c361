package session

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// small DQN settings: 16 hidden units, learning after 100 steps.
var smallDQN = map[string]float64{"q.hidden": 16, "learning_starts": 100, "batch": 32}

func dqnControlBytes(t testing.TB, c *DQNControl) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := c.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func dqnGridBytes(t testing.TB, g *DQNGrid) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := g.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// DQN, Double DQN and dueling DQN on a control task, saved with the replay
// buffer mid-episode and loaded, continue bit for bit.
func TestDQNControlSaveContinuesExactly(t *testing.T) {
	for _, c := range []struct{ env, method string }{
		{"cartpole-discrete", "dqn"}, {"acrobot", "double-dqn"}, {"mountaincar-discrete", "dueling-dqn"},
	} {
		t.Run(c.env+"/"+c.method, func(t *testing.T) {
			const N, M = 345, 234
			straight, err := NewDQNControl(c.env, c.method, 3)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range smallDQN {
				if _, err := straight.Set(k, v); err != nil {
					t.Fatal(err)
				}
			}
			straight.HeatmapEvery, straight.SaveReplay = 40, true
			for range N {
				straight.Step()
			}
			file := dqnControlBytes(t, straight)
			for range M {
				straight.Step()
			}
			resumed, err := OpenDQNControl(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			for range M {
				resumed.Step()
			}
			if d := firstDiff(dqnControlBytes(t, straight), dqnControlBytes(t, resumed)); d != "" {
				t.Errorf("save files differ after %d more steps: %s", M, d)
			}
			var sa, sb DQNControlSnapshot
			straight.Snapshot(&sa)
			resumed.Snapshot(&sb)
			sb.Version = sa.Version
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("snapshots differ after %d more steps", M)
			}
		})
	}
}

// DQN on Zhao's grid, saved with its replay buffer in a slippery world and
// loaded, continues bit for bit, its evaluations against the optimum too.
func TestDQNGridSaveContinuesExactly(t *testing.T) {
	const N, M = 1111, 1500
	straight, err := NewDQNGrid(builtin(t, "zhao-5x5"), "double-dqn", 2)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]float64{"q.hidden": 16, "learning_starts": 100, "batch": 32, "slip": 0.1, "episode-length": 300} {
		if _, err := straight.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	straight.SaveReplay = true
	for range N {
		straight.Step()
	}
	file := dqnGridBytes(t, straight)
	for range M {
		straight.Step()
	}
	resumed, err := OpenDQNGrid(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	for range M {
		resumed.Step()
	}
	if d := firstDiff(dqnGridBytes(t, straight), dqnGridBytes(t, resumed)); d != "" {
		t.Errorf("save files differ after %d more steps: %s", M, d)
	}
	var sa, sb DQNGridSnapshot
	straight.Snapshot(&sa)
	resumed.Snapshot(&sb)
	sb.Version, sb.Run = sa.Version, sa.Run
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("snapshots differ after %d more steps", M)
	}
	// Another world or task is refused; the session stays as it was.
	other, _ := NewDQNGrid(builtin(t, "cliff-4x12"), "dqn", 1)
	before := dqnGridBytes(t, other)
	if err := other.Load(bytes.NewReader(file)); err == nil || !strings.Contains(err.Error(), `it is for world "zhao-5x5", not "cliff-4x12"`) {
		t.Errorf("Load into another world: %v", err)
	}
	if !bytes.Equal(dqnGridBytes(t, other), before) {
		t.Error("a refused load changed the session")
	}
	ctl, _ := NewDQNControl("acrobot", "dqn", 1)
	if err := ctl.Load(bytes.NewReader(file)); err == nil || !strings.Contains(err.Error(), "holds a dqn-grid run, not a dqn-control run") {
		t.Errorf("Load of a grid file into a control session: %v", err)
	}
}
