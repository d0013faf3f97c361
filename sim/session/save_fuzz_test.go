package session

import (
	"bytes"
	"strings"
	"testing"
)

// Whatever bytes they are given, the openers of the session kinds without
// a fuzz test of their own return an error or a session that steps; their
// errors are one line.
func FuzzOpenOthers(f *testing.F) {
	p, _ := NewPPO("cartpole-discrete", "a2c", 1)
	p.Set("num_steps", 8)
	p.Set("hidden", 4)
	for range 12 {
		p.Step()
	}
	f.Add(ppoBytes(f, p))
	d, _ := NewDQNGrid(builtin(f, "zhao-2x2"), "dqn", 1)
	for k, v := range map[string]float64{"q.hidden": 4, "learning_starts": 10, "batch": 4, "buffer": 100} {
		d.Set(k, v)
	}
	d.SaveReplay = true
	for range 20 {
		d.Step()
	}
	f.Add(dqnGridBytes(f, d))
	v, _ := NewVFA(builtin(f, "zhao-2x2"), "linear-sarsa", 1)
	for range 20 {
		v.Step()
	}
	f.Add(vfaBytes(f, v))
	c, _ := NewVFAControl("cartpole-discrete", "linear-qlearning", 1)
	for range 20 {
		c.Step()
	}
	f.Add(vfaControlBytes(f, c))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte(`"hidden":`)) && !bytes.Contains(data, []byte(`"hidden":4`)) {
			return // valid but larger networks only take time
		}
		check := func(err error) bool {
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error of several lines: %q", err)
			}
			return err == nil
		}
		if s, err := OpenPPO(bytes.NewReader(data)); check(err) {
			for range 20 {
				s.Step()
			}
		}
		if s, err := OpenDQNGrid(bytes.NewReader(data)); check(err) {
			for range 20 {
				s.Step()
			}
		}
		if s, err := OpenVFA(bytes.NewReader(data)); check(err) {
			for range 20 {
				s.Step()
			}
		}
		if s, err := OpenVFAControl(bytes.NewReader(data)); check(err) {
			for range 20 {
				s.Step()
			}
		}
		if s, err := OpenDQNControl(bytes.NewReader(data)); check(err) {
			for range 20 {
				s.Step()
			}
		}
	})
}
