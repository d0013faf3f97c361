package control_test

import (
	"math"
	"testing"

	"bellman/sim/control"
)

// Single steps worked out by hand from Gymnasium's formulas.

func step1(t *testing.T, env control.Env, state []float64, action ...float64) (next, obs []float64, r float64, term bool) {
	t.Helper()
	if err := env.SetState(state); err != nil {
		t.Fatal(err)
	}
	obs = make([]float64, env.ObsDim())
	r, term = env.Step(action, obs)
	return env.State(nil), obs, r, term
}

func checkVec(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) || !near(got, want, tol) {
		t.Errorf("%s = %v, want %v (tol %g)", what, got, want, tol)
	}
}

func checkNum(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.17g, want %.17g (tol %g)", what, got, want, tol)
	}
}

func TestPendulumByHand(t *testing.T) {
	for _, c := range []struct {
		name              string
		th, thdot, u      float64
		wantTh, wantThdot float64
		wantReward        float64
	}{
		// θ̇' = θ̇ + (15 sin θ + 3u)·0.05, θ' = θ + 0.05 θ̇'.
		{"rest, u=1", 0, 0, 1, 0.0075, 0.15, -0.001},
		// u = 5 is clipped to 2 in the dynamics and in the cost.
		{"torque clip", 0, 0, 5, 0.015, 0.3, -0.004},
		{"torque clip low", 0, 0, -7, -0.015, -0.3, -0.004},
		// 7.9 + (15 + 6)·0.05 = 8.95 is clipped to 8.
		{"speed clip", math.Pi / 2, 7.9, 2, math.Pi/2 + 0.4, 8,
			-(math.Pi*math.Pi/4 + 0.1*7.9*7.9 + 0.004)},
		{"speed clip low", -math.Pi / 2, -7.9, -2, -math.Pi/2 - 0.4, -8,
			-(math.Pi*math.Pi/4 + 0.1*7.9*7.9 + 0.004)},
		// θ = π normalises to −π: the cost is π² all the same.
		{"down", math.Pi, 0, 0, math.Pi, 0, -math.Pi * math.Pi},
		// θ = 2π + 0.5 normalises to 0.5; θ = −(2π + 0.5) to −0.5.
		{"wrapped", 2*math.Pi + 0.5, 0, 0, 2*math.Pi + 0.5 + 0.0025*15*math.Sin(0.5),
			0.05 * 15 * math.Sin(0.5), -0.25},
		{"wrapped negative", -2*math.Pi - 0.5, 0, 0, -2*math.Pi - 0.5 - 0.0025*15*math.Sin(0.5),
			-0.05 * 15 * math.Sin(0.5), -0.25},
		// θ = 4 normalises to 4 − 2π.
		{"angle 4", 4, 1, 0, 4 + 0.05*(1+0.75*math.Sin(4)), 1 + 0.75*math.Sin(4),
			-((4-2*math.Pi)*(4-2*math.Pi) + 0.1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := control.NewPendulum()
			s, obs, r, term := step1(t, env, []float64{c.th, c.thdot}, c.u)
			if want := math.Max(-2, math.Min(c.u, 2)); env.LastTorque() != want {
				t.Errorf("LastTorque() = %v, want %v", env.LastTorque(), want)
			}
			if term {
				t.Error("pendulum terminated")
			}
			checkVec(t, "state", s, []float64{c.wantTh, c.wantThdot}, 1e-9)
			checkNum(t, "reward", r, c.wantReward, 1e-9)
			// The observation is float32.
			checkVec(t, "obs", obs, []float64{float64(float32(math.Cos(c.wantTh))),
				float64(float32(math.Sin(c.wantTh))), float64(float32(c.wantThdot))}, 1e-9)
			for _, o := range obs {
				if o != float64(float32(o)) {
					t.Errorf("obs %v is not a float32 value", o)
				}
			}
		})
	}
}

func TestMountainCarByHand(t *testing.T) {
	// Left wall: −1.19 − 0.05 − 0.0015 − 0.0025 cos(−3.57) < −1.2, so the
	// position is clipped to −1.2 and the negative velocity becomes 0. The
	// state is stored as float32: float32(−1.2) = −1.2000000476837158.
	s, obs, r, term := step1(t, control.NewMountainCar(), []float64{-1.19, -0.05}, -1)
	checkVec(t, "left wall state", s, []float64{-1.2000000476837158, 0}, 0)
	checkVec(t, "left wall obs", obs, s, 0)
	checkNum(t, "left wall reward", r, -0.1, 1e-15)
	if term {
		t.Error("left wall terminated")
	}

	// Goal: v = 0.06 + 0.5·0.0015 − 0.0025 cos(1.32) ≈ 0.0603, position
	// ≈ 0.5003 ≥ 0.45 with v ≥ 0: terminated, 100 − 0.1·0.5².
	v := 0.06 + 0.00075 - 0.0025*math.Cos(1.32)
	s, _, r, term = step1(t, control.NewMountainCar(), []float64{0.44, 0.06}, 0.5)
	checkVec(t, "goal state", s, []float64{float64(float32(0.44 + v)), float64(float32(v))}, 0)
	checkNum(t, "goal reward", r, 99.975, 1e-12)
	if !term {
		t.Error("goal not terminated")
	}

	// Just short of the goal, moving towards it: not terminated.
	s, _, r, term = step1(t, control.NewMountainCar(), []float64{0.40, 0.01}, 0)
	if term || s[0] >= 0.45 {
		t.Errorf("short of the goal: state %v terminated %v", s, term)
	}
	checkNum(t, "reward of a = 0", r, 0, 0)

	// At the goal but moving back: not terminated.
	_, _, _, term = step1(t, control.NewMountainCar(), []float64{0.5, -0.01}, 0)
	if term {
		t.Error("terminated with negative velocity")
	}

	// The reward uses the unclipped action: a = 3 pays 0.9 but pushes as 1.
	s, _, r, _ = step1(t, control.NewMountainCar(), []float64{-0.5, 0}, 3)
	checkNum(t, "reward of a = 3", r, -0.9, 1e-15)
	v = 0.0015 - 0.0025*math.Cos(-1.5)
	checkVec(t, "state after a = 3", s, []float64{float64(float32(-0.5 + v)), float64(float32(v))}, 0)

	// Right edge: the position is clipped to 0.6 (the velocity is kept).
	s, _, _, term = step1(t, control.NewMountainCar(), []float64{0.59, 0.065}, 1)
	if s[0] != float64(float32(0.6)) || s[1] <= 0 || !term {
		t.Errorf("right edge: state %v terminated %v", s, term)
	}
}

func TestMountainCarStoresFloat32(t *testing.T) {
	env := control.NewMountainCar()
	if err := env.SetState([]float64{-0.5123456789, 0.0012345678}); err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, 2)
	for i := 0; i < 50; i++ {
		env.Step([]float64{0.37}, obs)
		s := env.State(nil)
		for _, x := range s {
			if x != float64(float32(x)) {
				t.Fatalf("step %d: state %v is not float32", i, s)
			}
		}
	}
}

func TestCartPoleByHand(t *testing.T) {
	// From rest with F = +10 N: temp = F/1.1 = 100/11, the denominator is
	// 0.5·(4/3 − 0.1/1.1) = 41/66, so θ̈ = −600/41 and ẍ = 400/41. Euler
	// moves only the velocities: ẋ = 0.02·400/41 = 8/41, θ̇ = −12/41.
	right := []float64{0, 8.0 / 41, 0, -12.0 / 41}
	half := []float64{0, 4.0 / 41, 0, -6.0 / 41}
	for _, c := range []struct {
		env    control.Env
		action float64
		want   []float64
	}{
		{control.NewCartPoleDiscrete(), 1, right},
		{control.NewCartPoleDiscrete(), 0, []float64{0, -8.0 / 41, 0, 12.0 / 41}},
		{control.NewCartPoleDiscrete(), 0.6, right}, // nearest index 1
		{control.NewCartPoleDiscrete(), 7, right},
		{control.NewCartPoleDiscrete(), 0.4, []float64{0, -8.0 / 41, 0, 12.0 / 41}},
		{control.NewCartPoleDiscrete(), -3, []float64{0, -8.0 / 41, 0, 12.0 / 41}},
		{control.NewCartPole(), 1, right},
		{control.NewCartPole(), 3, right}, // clipped to 1
		{control.NewCartPole(), 0.5, half},
		{control.NewCartPole(), -0.5, []float64{0, -4.0 / 41, 0, 6.0 / 41}},
	} {
		s, obs, r, term := step1(t, c.env, []float64{0, 0, 0, 0}, c.action)
		checkVec(t, c.env.Name()+" state", s, c.want, 1e-15)
		checkVec(t, c.env.Name()+" obs", obs, obs32(c.want...), 0)
		if r != 1 || term {
			t.Errorf("%s: reward %v terminated %v, want 1 false", c.env.Name(), r, term)
		}
	}

	// Termination at 12° = 0.20943951023931953 rad and 2.4 m, with reward
	// 1 on the terminating step and 0 on steps after it. Euler moves x and
	// θ with the old velocities, so the action does not matter for the
	// first step.
	limit := 12 * 2 * math.Pi / 360
	for _, c := range []struct {
		name  string
		state []float64
		term  bool
		a     float64 // an action that keeps the state beyond the limit
	}{
		{"θ below", []float64{0, 0, limit - 0.003, 0.1}, false, 0}, // θ' = limit − 0.001
		{"θ above", []float64{0, 0, limit - 0.001, 0.1}, true, 0},  // θ' = limit + 0.001
		{"−θ above", []float64{0, 0, -limit + 0.001, -0.1}, true, 1},
		{"x below", []float64{2.39, 0.4, 0, 0}, false, 1}, // x' = 2.398
		{"x above", []float64{2.39, 0.6, 0, 0}, true, 1},  // x' = 2.402
		{"−x above", []float64{-2.39, -0.6, 0, 0}, true, 0},
	} {
		env := control.NewCartPoleDiscrete()
		_, _, r, term := step1(t, env, c.state, c.a)
		if term != c.term || r != 1 {
			t.Errorf("%s: reward %v terminated %v, want 1 %v", c.name, r, term, c.term)
		}
		if term {
			obs := make([]float64, 4)
			for i := 0; i < 3; i++ {
				r, term = env.Step([]float64{c.a}, obs)
				if r != 0 || !term {
					t.Errorf("%s: step %d after termination: reward %v terminated %v, want 0 true", c.name, i+1, r, term)
				}
			}
			// A new episode pays again.
			if err := env.SetState(c.state); err != nil {
				t.Fatal(err)
			}
			if r, _ = env.Step([]float64{c.a}, obs); r != 1 {
				t.Errorf("%s: reward %v after SetState, want 1", c.name, r)
			}
		}
	}
}
