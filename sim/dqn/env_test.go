package dqn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"bellman/sim/control"
	"bellman/sim/grid"
)

func zhao5x5(t testing.TB) *grid.Model {
	// The book's 5×5 world (assets/worlds/zhao-5x5.json), written out so
	// that the hand-worked steps below do not depend on the asset.
	w, err := grid.Parse([]byte(`{"name": "zhao-5x5",
		"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."],
		"rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}, "actions": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Observations are (row, column) / 4 on the 5×5 grid; the moves and
// rewards are the world's, by hand.
func TestGridEnv(t *testing.T) {
	m := zhao5x5(t)
	g, err := NewGrid(m, 0, 3) // start top left, 3 steps an episode
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	obs := make([]float64, 2)
	g.Reset(rng, obs)
	if obs[0] != 0 || obs[1] != 0 {
		t.Fatalf("start obs %v, want (0, 0)", obs)
	}
	for i, tc := range []struct {
		action          int
		row, col        float64
		reward          float64
		terminated, cut bool
	}{
		{grid.Up, 0, 0, -1, false, false},         // into the boundary: stays, r_boundary
		{grid.Down, 0.25, 0, 0, false, false},     // (1, 0) is free
		{grid.Right, 0.25, 0.25, -1, false, true}, // (1, 1) is forbidden; the third step truncates
	} {
		r, term, trunc := g.Step(rng, tc.action, obs)
		if obs[0] != tc.row || obs[1] != tc.col || r != tc.reward || term != tc.terminated || trunc != tc.cut {
			t.Errorf("step %d: obs %v, r %v, terminated %v, truncated %v; want (%v, %v), %v, %v, %v",
				i, obs, r, term, trunc, tc.row, tc.col, tc.reward, tc.terminated, tc.cut)
		}
	}
	if g.NumActions() != 5 || g.ObsDim() != 2 {
		t.Errorf("NumActions %d, ObsDim %d", g.NumActions(), g.ObsDim())
	}
	if _, err := NewGrid(m, 99, 10); err == nil {
		t.Error("a start state outside the world was accepted")
	}
	if _, err := NewGrid(m, -1, 0); err == nil {
		t.Error("episode length 0 was accepted")
	}
}

func TestControlEnv(t *testing.T) {
	if _, err := NewControl(control.NewPendulum()); err == nil || !strings.Contains(err.Error(), "continuous") {
		t.Errorf("pendulum: %v, want an error about continuous actions", err)
	}
	c, err := NewControl(control.NewCartPoleDiscrete())
	if err != nil {
		t.Fatal(err)
	}
	if c.NumActions() != 2 || c.ObsDim() != 4 || c.MaxEpisodeSteps() != 500 {
		t.Errorf("actions %d, obs %d, limit %d; want 2, 4, 500", c.NumActions(), c.ObsDim(), c.MaxEpisodeSteps())
	}
	// Action 1 pushes right with F = 10 N. From rest at θ = 0, Gymnasium's
	// equations give temp = F/M (M = 1.1 kg), θ̈ = −temp/(l(4/3 − m/M))
	// (l = 0.5 m, m = 0.1 kg), ẍ = temp − m·l·θ̈/M, and the Euler step
	// ẋ = 0.02·ẍ.
	if err := c.SetState([]float64{0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, 4)
	r, term, trunc := c.Step(nil, 1, obs)
	temp := 10 / 1.1
	thacc := -temp / (0.5 * (4.0/3 - 0.1/1.1))
	xacc := temp - 0.1*0.5*thacc/1.1
	if want := float64(float32(0.02 * xacc)); math.Abs(obs[1]-want) > 1e-7 || r != 1 || term || trunc {
		t.Errorf("push right: obs %v, r %v, %v, %v; want ẋ = %v", obs, r, term, trunc, want)
	}
}
