package control_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// A pendulum never terminates: its 200th step is truncated, the earlier
// ones are not, and Reset starts counting again.
func TestTimeLimitTruncatesPendulum(t *testing.T) {
	env := control.NewTimeLimit(control.NewPendulum(), 0)
	if env.MaxEpisodeSteps() != 200 {
		t.Fatalf("limit %d, want 200", env.MaxEpisodeSteps())
	}
	rng := rand.New(rand.NewPCG(1, 1))
	obs := make([]float64, 3)
	for ep := 0; ep < 2; ep++ {
		env.Reset(rng, obs)
		if env.Truncated() || env.Elapsed() != 0 {
			t.Fatal("Reset kept the step count")
		}
		for i := 1; i <= 200; i++ {
			_, term, trunc := env.StepTrunc([]float64{rng.Float64()*4 - 2}, obs)
			if term || trunc != (i == 200) || env.Truncated() != trunc || env.Elapsed() != i {
				t.Fatalf("step %d: terminated %v truncated %v elapsed %d", i, term, trunc, env.Elapsed())
			}
		}
	}
}

// A mountain car that reaches the goal terminates without truncation; one
// that idles is truncated at step 999 without termination.
func TestTimeLimitMountainCar(t *testing.T) {
	env := control.NewTimeLimit(control.NewMountainCar(), 0)
	obs := make([]float64, 2)
	if err := env.SetState([]float64{0.44, 0.06}); err != nil {
		t.Fatal(err)
	}
	if _, term, trunc := env.StepTrunc([]float64{0.5}, obs); !term || trunc {
		t.Errorf("at the goal: terminated %v truncated %v, want true false", term, trunc)
	}
	if err := env.SetState([]float64{-0.5, 0}); err != nil {
		t.Fatal(err)
	}
	if env.Elapsed() != 0 {
		t.Fatal("SetState kept the step count")
	}
	for i := 1; i <= 999; i++ {
		r, term := env.Step([]float64{0}, obs)
		if term || r != 0 || env.Truncated() != (i == 999) {
			t.Fatalf("idle step %d: reward %v terminated %v truncated %v", i, r, term, env.Truncated())
		}
	}
}

// A balancing controller keeps the continuous cart-pole up for CartPole's
// 500 steps: the last is truncated, none terminated. A step that both
// terminates and reaches the limit reports both.
func TestTimeLimitCartPole(t *testing.T) {
	env := control.NewTimeLimit(control.NewCartPole(), 0)
	if env.MaxEpisodeSteps() != 500 {
		t.Fatalf("limit %d, want 500", env.MaxEpisodeSteps())
	}
	env.Reset(rand.New(rand.NewPCG(2, 2)), make([]float64, 4))
	obs := make([]float64, 4)
	s := env.State(nil)
	copy(obs, s)
	ret := 0.0
	for i := 1; i <= 500; i++ {
		// Push towards the side the pole leans to, and back to the centre.
		a := (1.0*obs[0] + 1.5*obs[1] + 18*obs[2] + 3*obs[3]) / 10
		r, term, trunc := env.StepTrunc([]float64{a}, obs)
		ret += r
		if term || trunc != (i == 500) {
			t.Fatalf("step %d: terminated %v truncated %v, state %v", i, term, trunc, env.State(nil))
		}
	}
	if ret != 500 {
		t.Errorf("return %v, want 500", ret)
	}

	short := control.NewTimeLimit(control.NewCartPoleDiscrete(), 1)
	limit := 12 * 2 * math.Pi / 360
	if err := short.SetState([]float64{0, 0, limit, 1}); err != nil {
		t.Fatal(err)
	}
	if r, term, trunc := short.StepTrunc([]float64{0}, obs); !term || !trunc || r != 1 {
		t.Errorf("terminating last step: reward %v terminated %v truncated %v, want 1 true true", r, term, trunc)
	}
	if short.Unwrapped().Name() != "cartpole-discrete" {
		t.Error("Unwrapped is not the cart-pole")
	}
}
