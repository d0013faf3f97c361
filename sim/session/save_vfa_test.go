package session

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func saveBytes(t testing.TB, save func(w *bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func vfaBytes(t testing.TB, s *VFA) []byte {
	return saveBytes(t, func(b *bytes.Buffer) error { return s.Save(b) })
}

func vfaControlBytes(t testing.TB, c *VFAControl) []byte {
	return saveBytes(t, func(b *bytes.Buffer) error { return c.Save(b) })
}

// The linear methods on the grid, saved mid-episode (one with a custom
// feature spec, one with n-step Sarsa's ring, in a slippery world) and
// loaded, continue bit for bit.
func TestVFASaveContinuesExactly(t *testing.T) {
	for _, c := range []struct {
		method, spec string
		sets         map[string]float64
	}{
		{"td-linear", "", map[string]float64{"slip": 0.2}},
		{"linear-sarsa", `{"columns": [{"one_hot": "row"}, {"one_hot": "col"}]}`, map[string]float64{"n": 3}},
		{"linear-qlearning", "", nil},
	} {
		t.Run(c.method, func(t *testing.T) {
			const N, M = 777, 1234
			straight, err := NewVFA(builtin(t, "zhao-5x5"), c.method, 3)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.sets {
				if _, err := straight.Set(k, v); err != nil {
					t.Fatal(err)
				}
			}
			if c.spec != "" {
				if err := straight.SetFeatures(c.spec); err != nil {
					t.Fatal(err)
				}
			}
			for range N {
				straight.Step()
			}
			file := vfaBytes(t, straight)
			for range M {
				straight.Step()
			}
			resumed, err := OpenVFA(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			for range M {
				resumed.Step()
			}
			if d := firstDiff(vfaBytes(t, straight), vfaBytes(t, resumed)); d != "" {
				t.Errorf("save files differ after %d more steps: %s", M, d)
			}
			var sa, sb VFASnapshot
			straight.Snapshot(&sa)
			resumed.Snapshot(&sb)
			sb.Version = sa.Version
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("snapshots differ after %d more steps", M)
			}
		})
	}
}

// Tile-coded n-step Sarsa and linear Q-learning on control tasks, saved
// mid-episode and loaded, continue bit for bit.
func TestVFAControlSaveContinuesExactly(t *testing.T) {
	for _, c := range []struct{ env, method string }{
		{"mountaincar-discrete", "nstep-sarsa-tiles"}, {"acrobot", "linear-qlearning"}, {"cartpole-discrete", "nstep-sarsa-tiles"},
	} {
		t.Run(c.env+"/"+c.method, func(t *testing.T) {
			const N, M = 456, 789
			straight, err := NewVFAControl(c.env, c.method, 2)
			if err != nil {
				t.Fatal(err)
			}
			straight.HeatmapEvery = 100
			for range N {
				straight.Step()
			}
			file := vfaControlBytes(t, straight)
			for range M {
				straight.Step()
			}
			resumed, err := OpenVFAControl(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			for range M {
				resumed.Step()
			}
			if d := firstDiff(vfaControlBytes(t, straight), vfaControlBytes(t, resumed)); d != "" {
				t.Errorf("save files differ after %d more steps: %s", M, d)
			}
			var sa, sb VFAControlSnapshot
			straight.Snapshot(&sa)
			resumed.Snapshot(&sb)
			sb.Version = sa.Version
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("snapshots differ after %d more steps", M)
			}
		})
	}
}

// Load refuses another world's or task's file and leaves the session as
// it was.
func TestVFALoadRefuses(t *testing.T) {
	src, _ := NewVFA(builtin(t, "zhao-5x5"), "linear-sarsa", 1)
	for range 100 {
		src.Step()
	}
	s, _ := NewVFA(builtin(t, "cliff-4x12"), "linear-sarsa", 1)
	before := vfaBytes(t, s)
	if err := s.Load(bytes.NewReader(vfaBytes(t, src))); err == nil || !strings.Contains(err.Error(), `it is for world "zhao-5x5", not "cliff-4x12"`) {
		t.Errorf("Load into another world: %v", err)
	}
	if !bytes.Equal(vfaBytes(t, s), before) {
		t.Error("a refused load changed the session")
	}
	c, _ := NewVFAControl("acrobot", "linear-qlearning", 1)
	for range 50 {
		c.Step()
	}
	d, _ := NewVFAControl("mountaincar-discrete", "linear-qlearning", 1)
	if err := d.Load(bytes.NewReader(vfaControlBytes(t, c))); err == nil || !strings.Contains(err.Error(), "it is for acrobot, this session runs mountaincar-discrete") {
		t.Errorf("Load of another task: %v", err)
	}
}
