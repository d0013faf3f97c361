package control_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// gymMountainCarDiscrete is MountainCar-v0's step, float64 throughout as
// Gymnasium's tuple state is.
func gymMountainCarDiscrete(pos, vel float64, action int) (newPos, newVel float64, terminated bool) {
	vel += float64(float64(action-1)*0.001) + float64(math.Cos(3*pos)*(-0.0025))
	vel = math.Max(-0.07, math.Min(vel, 0.07))
	pos += vel
	pos = math.Max(-1.2, math.Min(pos, 0.6))
	if pos == -1.2 && vel < 0 {
		vel = 0
	}
	return pos, vel, pos >= 0.5 && vel >= 0
}

func TestMountainCarDiscreteByHand(t *testing.T) {
	for _, c := range []struct {
		name       string
		state      []float64
		action     float64
		want       []float64
		terminated bool
	}{
		// v' = v + (a − 1)·0.001 − 0.0025·cos(3p), p' = p + v'.
		{"push right", []float64{-0.5, 0}, 2,
			[]float64{-0.5 + 0.001 - 0.0025*math.Cos(-1.5), 0.001 - 0.0025*math.Cos(-1.5)}, false},
		{"no push", []float64{-0.5, 0}, 1,
			[]float64{-0.5 - 0.0025*math.Cos(-1.5), -0.0025 * math.Cos(-1.5)}, false},
		{"push left", []float64{-0.5, 0}, 0,
			[]float64{-0.5 - 0.001 - 0.0025*math.Cos(-1.5), -0.001 - 0.0025*math.Cos(-1.5)}, false},
		// The nearest index: 0.4 → 0, 1.6 and 7 → 2, −3 and NaN → 0.
		{"0.4 is push left", []float64{-0.5, 0}, 0.4,
			[]float64{-0.5 - 0.001 - 0.0025*math.Cos(-1.5), -0.001 - 0.0025*math.Cos(-1.5)}, false},
		{"1.6 is push right", []float64{-0.5, 0}, 1.6,
			[]float64{-0.5 + 0.001 - 0.0025*math.Cos(-1.5), 0.001 - 0.0025*math.Cos(-1.5)}, false},
		{"7 is push right", []float64{-0.5, 0}, 7,
			[]float64{-0.5 + 0.001 - 0.0025*math.Cos(-1.5), 0.001 - 0.0025*math.Cos(-1.5)}, false},
		{"-3 is push left", []float64{-0.5, 0}, -3,
			[]float64{-0.5 - 0.001 - 0.0025*math.Cos(-1.5), -0.001 - 0.0025*math.Cos(-1.5)}, false},
		{"NaN is push left", []float64{-0.5, 0}, math.NaN(),
			[]float64{-0.5 - 0.001 - 0.0025*math.Cos(-1.5), -0.001 - 0.0025*math.Cos(-1.5)}, false},
		// −1.19 − 0.051 − 0.0025·cos(−3.57) < −1.2: the wall stops the car,
		// in float64 (this state is not stored as float32).
		{"left wall", []float64{-1.19, -0.05}, 0, []float64{-1.2, 0}, false},
		// 0.0695 + 0.001 − 0.0025·cos(−1.5) > 0.07: clipped.
		{"speed clip", []float64{-0.5, 0.0695}, 2, []float64{-0.43, 0.07}, false},
		{"negative speed clip", []float64{-0.3, -0.0695}, 0, []float64{-0.37, -0.07}, false},
		// 0.49 + 0.02 − 0.0025·cos(1.47) ≥ 0.5 with v ≥ 0: the goal, still −1.
		{"goal", []float64{0.49, 0.02}, 1,
			[]float64{0.49 + 0.02 - 0.0025*math.Cos(1.47), 0.02 - 0.0025*math.Cos(1.47)}, true},
		// Past the goal but rolling back: not terminated.
		{"rolling back", []float64{0.55, -0.01}, 1,
			[]float64{0.55 - 0.01 - 0.0025*math.Cos(1.65), -0.01 - 0.0025*math.Cos(1.65)}, false},
		// The right edge clips the position; velocity stays.
		{"right edge", []float64{0.59, 0.065}, 2,
			[]float64{0.6, 0.065 + 0.001 - 0.0025*math.Cos(1.77)}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, obs, r, term := step1(t, control.NewMountainCarDiscrete(), c.state, c.action)
			checkVec(t, "state", s, c.want, 1e-15)
			checkVec(t, "obs", obs, obs32(s...), 0)
			if r != -1 || term != c.terminated {
				t.Errorf("reward %v terminated %v, want -1 %v", r, term, c.terminated)
			}
		})
	}
}

// Long random rollouts and velocity pumping follow the transcription
// exactly; pumping (push along the velocity) reaches the goal well within
// the 200-step limit, as Sutton and Barto's Figure 10.1 shows for a
// learned policy.
func TestMountainCarDiscreteTranscription(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	env := control.NewTimeLimit(control.NewMountainCarDiscrete(), 0)
	obs := make([]float64, 2)
	for ep := 0; ep < 8; ep++ {
		env.Reset(rng, obs)
		s := env.State(nil)
		pos, vel := s[0], s[1]
		pump := ep%2 == 0
		for i := 0; ; i++ {
			a := rng.IntN(3)
			if pump {
				a = 0
				if vel >= 0 {
					a = 2
				}
			}
			var term bool
			pos, vel, term = gymMountainCarDiscrete(pos, vel, a)
			r, gotTerm, trunc := env.StepTrunc([]float64{float64(a)}, obs)
			got := env.State(nil)
			if r != -1 || gotTerm != term || got[0] != pos || got[1] != vel || !near(obs, obs32(pos, vel), 0) {
				t.Fatalf("episode %d step %d (action %d): state %v reward %v terminated %v, want %v %v %v",
					ep, i, a, got, r, gotTerm, pos, vel, term)
			}
			if trunc != (i+1 == 200) {
				t.Fatalf("episode %d step %d: truncated %v", ep, i, trunc)
			}
			if term || trunc {
				if pump && (!term || i+1 > 160) {
					t.Errorf("episode %d: pumping ended after %d steps, terminated %v", ep, i+1, term)
				}
				break
			}
		}
	}
}
