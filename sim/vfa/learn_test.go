package vfa_test

import (
	"testing"

	"bellman/sim/agent"
	"bellman/sim/control"
	"bellman/sim/features"
	"bellman/sim/vfa"
)

// controlRun runs the method's defaults on env for the given episodes and
// returns the episode lengths.
func controlRun(t *testing.T, env, method string, seed uint64, episodes int) []int {
	t.Helper()
	e, err := control.New(env)
	if err != nil {
		t.Fatal(err)
	}
	envRng, agRng := agent.Streams(seed)
	task, err := vfa.NewControlTask(e, envRng)
	if err != nil {
		t.Fatal(err)
	}
	spec := preset(t, vfa.DefaultPreset(env), features.StatePresets(task.StateColumns()))
	cfg, err := vfa.Default(method, false, spec)
	if err != nil {
		t.Fatal(err)
	}
	l, err := vfa.NewControl(cfg, task.Columns(), task.NumActions(), method == vfa.LinearQLearning, agRng)
	if err != nil {
		t.Fatal(err)
	}
	r := vfa.NewRunner(task, l)
	var lens []int
	for len(lens) < episodes {
		if r.Step().Ended() {
			lens = append(lens, r.T)
		}
	}
	if r.Diverged != "" {
		t.Fatal(r.Diverged)
	}
	return lens
}

func mean(xs []int) float64 {
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}

// Sutton & Barto's semi-gradient n-step Sarsa with 8 tilings of 8×8 on
// MountainCar-v0 (α 0.1/8, ε 0, q₀ 0, n 8): the car reaches the goal in
// fewer than 200 steps within 60 episodes, and episodes 80–100 average
// below 160 steps. (BENCHMARKS.md has the longer runs.)
func TestMountainCarTiles(t *testing.T) {
	lens := controlRun(t, "mountaincar-discrete", vfa.NStepSarsaTiles, 1, 100)
	first := -1
	for i, n := range lens {
		if n < 200 {
			first = i + 1
			break
		}
	}
	t.Logf("first under 200: episode %d; episodes 81–100: %.1f steps", first, mean(lens[80:]))
	if m := mean(lens[80:]); first < 0 || first > 60 || m > 160 {
		t.Errorf("first episode under 200 steps: %d; mean length of episodes 81–100: %.1f", first, m)
	}
}

// With 16 tilings of 6⁴ over (θ₁, θ₂, θ̇₁, θ̇₂), n-step Sarsa swings the
// acrobot up in fewer than 130 steps on average over episodes 150–200,
// from 500-step (truncated) episodes at first.
func TestAcrobotTiles(t *testing.T) {
	lens := controlRun(t, "acrobot", vfa.NStepSarsaTiles, 1, 200)
	t.Logf("first episode %d steps; episodes 151–200: %.1f", lens[0], mean(lens[150:]))
	if m := mean(lens[150:]); m > 130 || lens[0] < 200 {
		t.Errorf("first episode %d steps, mean of episodes 151–200: %.1f", lens[0], m)
	}
}
