package control

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// Every environment restored from its saved state, time limit included,
// takes the same next steps as the original: MountainCar's float32
// storage after a step and the drawn torque or force come along.
func TestSaveEnv(t *testing.T) {
	for _, name := range Names() {
		e, _ := New(name)
		a := NewTimeLimit(e, 0)
		rng := rand.New(rand.NewPCG(1, 2))
		obs := make([]float64, a.ObsDim())
		a.Reset(rng, obs)
		act := make([]float64, a.ActDim())
		lo, hi := a.ActionBounds()
		for range 7 {
			for i := range act {
				act[i] = lo[i] + (hi[i]-lo[i])*rng.Float64()
			}
			a.Step(act, obs)
		}
		s := SaveEnv(a)
		f, _ := New(name)
		b := NewTimeLimit(f, 0)
		if err := RestoreEnv(b, s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(SaveEnv(b), s) || b.Elapsed() != 7 {
			t.Errorf("%s: restored %+v, saved %+v", name, SaveEnv(b), s)
		}
		ob := make([]float64, b.ObsDim())
		for range 5 {
			ra, ta, ua := a.StepTrunc(act, obs)
			rb, tb, ub := b.StepTrunc(act, ob)
			if ra != rb || ta != tb || ua != ub || !reflect.DeepEqual(obs, ob) {
				t.Fatalf("%s: steps differ after restoring", name)
			}
		}
		if name == "mountaincar" && s.Extra[0] != 1 {
			t.Errorf("mountaincar after steps: stored32 %v, want 1", s.Extra[0])
		}
	}
}

func TestRestoreEnvRefuses(t *testing.T) {
	p := NewTimeLimit(NewPendulum(), 0)
	s := SaveEnv(p)
	for _, c := range []struct {
		edit func(*EnvState)
		want string
	}{
		{func(s *EnvState) { s.Name = "cartpole" }, `the environment state is of "cartpole", not "pendulum"`},
		{func(s *EnvState) { s.State = []float64{1} }, "state has 1 values, want 2"},
		{func(s *EnvState) { s.Extra = nil }, "the pendulum state has 0 extra values, want 1"},
		{func(s *EnvState) { s.Elapsed = 201 }, "environment elapsed 201 is outside [0, 200]"},
	} {
		bad := s
		bad.State = append([]float64(nil), s.State...)
		c.edit(&bad)
		if err := RestoreEnv(p, bad); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
}
