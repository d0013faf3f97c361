package control_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// The acrobot as a two-link manipulator in the textbook form
// M(q)q̈ + C(q, q̇)q̇ + G(q) = (0, τ), q = (θ₁, θ₂) measured from hanging
// down (Tedrake, Underactuated Robotics, §3.2, with I₁, I₂ about the
// centres of mass, so the link inertias about the joints are Iᵢ + mᵢlcᵢ²).
// It is derived independently of Sutton and Barto's d₁, d₂, φ₁, φ₂ form
// that Gymnasium (and the package) use, and is solved by Cramer's rule.
func manipulatorAccel(q1, q2, dq1, dq2, tau float64) (ddq1, ddq2 float64) {
	m1, m2, l1, lc1, lc2, i1, i2, g := 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 9.8
	j1, j2 := i1+m1*lc1*lc1, i2+m2*lc2*lc2 // inertias about the joints
	c2, s2 := math.Cos(q2), math.Sin(q2)
	m11 := j1 + j2 + m2*l1*l1 + 2*m2*l1*lc2*c2
	m12 := j2 + m2*l1*lc2*c2
	m22 := j2
	h := m2 * l1 * lc2 * s2
	cq1 := -2*h*dq1*dq2 - h*dq2*dq2
	cq2 := h * dq1 * dq1
	g1 := (m1*lc1+m2*l1)*g*math.Sin(q1) + m2*lc2*g*math.Sin(q1+q2)
	g2 := m2 * lc2 * g * math.Sin(q1+q2)
	b1, b2 := -cq1-g1, tau-cq2-g2
	det := m11*m22 - m12*m12
	return (b1*m22 - m12*b2) / det, (m11*b2 - m12*b1) / det
}

// manipulatorStep is one classical Runge–Kutta step of 0.2 s of that
// system, then the angles wrapped into [−π, π] and the velocities clipped
// to ±4π, ±9π, as Gymnasium's step does.
func manipulatorStep(s [4]float64, tau float64) [4]float64 {
	f := func(y [4]float64) [4]float64 {
		a1, a2 := manipulatorAccel(y[0], y[1], y[2], y[3], tau)
		return [4]float64{y[2], y[3], a1, a2}
	}
	axpy := func(y [4]float64, h float64, k [4]float64) (out [4]float64) {
		for i := range y {
			out[i] = y[i] + h*k[i]
		}
		return out
	}
	const dt = 0.2
	k1 := f(s)
	k2 := f(axpy(s, dt/2, k1))
	k3 := f(axpy(s, dt/2, k2))
	k4 := f(axpy(s, dt, k3))
	var n [4]float64
	for i := range s {
		n[i] = s[i] + dt/6*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
	}
	for i := 0; i < 2; i++ {
		for n[i] > math.Pi {
			n[i] -= 2 * math.Pi
		}
		for n[i] < -math.Pi {
			n[i] += 2 * math.Pi
		}
	}
	n[2] = math.Max(-4*math.Pi, math.Min(n[2], 4*math.Pi))
	n[3] = math.Max(-9*math.Pi, math.Min(n[3], 9*math.Pi))
	return n
}

// Each step is the manipulator equations' RK4 step from the same state,
// to rounding error, over random rollouts that swing the links through all
// angles and into the velocity limits; the reward and termination follow
// the tip's height; the observation is (cos θ₁, sin θ₁, cos θ₂, sin θ₂,
// θ̇₁, θ̇₂) in float32.
func TestAcrobotManipulatorEquations(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	env := control.NewTimeLimit(control.NewAcrobot(), 0)
	obs := make([]float64, 6)
	var s [4]float64
	clipped, terminated := 0, 0
	for ep := 0; ep < 30; ep++ {
		env.Reset(rng, obs)
		if ep%3 == 0 { // some episodes start anywhere, fast
			start := []float64{(2*rng.Float64() - 1) * math.Pi, (2*rng.Float64() - 1) * math.Pi,
				(2*rng.Float64() - 1) * 12, (2*rng.Float64() - 1) * 28}
			if err := env.SetState(start); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 500; i++ {
			copy(s[:], env.State(nil))
			a := rng.IntN(3)
			if ep%3 == 1 { // pump energy along the second joint's velocity
				a = 0
				if s[3] >= 0 {
					a = 2
				}
			}
			want := manipulatorStep(s, float64(a-1))
			r, term, trunc := env.StepTrunc([]float64{float64(a)}, obs)
			got := env.State(nil)
			if !near(got, want[:], 1e-10) {
				t.Fatalf("episode %d step %d from %v, torque %d: state %v, want %v", ep, i, s, a-1, got, want)
			}
			if math.Abs(got[2]) == 4*math.Pi || math.Abs(got[3]) == control.AcrobotMaxVel2 {
				clipped++
			}
			height := -math.Cos(got[0]) - math.Cos(got[1]+got[0])
			wantR := -1.0
			if height > 1 {
				wantR = 0
			}
			if term != (height > 1) || r != wantR {
				t.Fatalf("episode %d step %d: tip height %v: reward %v terminated %v", ep, i, height, r, term)
			}
			checkVec(t, "obs", obs, obs32(math.Cos(got[0]), math.Sin(got[0]), math.Cos(got[1]), math.Sin(got[1]), got[2], got[3]), 0)
			if got[0] < -math.Pi || got[0] > math.Pi || got[1] < -math.Pi || got[1] > math.Pi {
				t.Fatalf("episode %d step %d: angles %v outside [−π, π]", ep, i, got)
			}
			if trunc != (i+1 == 500) {
				t.Fatalf("episode %d step %d: truncated %v", ep, i, trunc)
			}
			if term {
				terminated++
				break
			}
		}
	}
	if clipped == 0 || terminated < 10 {
		t.Errorf("the rollouts clipped a velocity %d times and terminated %d times: they test too little", clipped, terminated)
	}
}

func TestAcrobotByHand(t *testing.T) {
	// Hanging at rest is an equilibrium: cos(θ₁ − π/2) is 6e-17 rather
	// than 0 in float64, so it moves by less than 1e-15.
	s, obs, r, term := step1(t, control.NewAcrobot(), []float64{0, 0, 0, 0}, 1)
	checkVec(t, "rest state", s, []float64{0, 0, 0, 0}, 1e-15)
	checkVec(t, "rest obs", obs, []float64{1, 0, 1, 0, 0, 0}, 1e-15)
	if r != -1 || term {
		t.Errorf("rest: reward %v terminated %v, want -1 false", r, term)
	}

	// Upright (θ₁ = π) is the goal: reward 0 and terminated. The tiny push
	// of the rounded π/2 carries θ₁ past π, where it wraps to about −π.
	s, _, r, term = step1(t, control.NewAcrobot(), []float64{math.Pi, 0, 0, 0}, 1)
	if r != 0 || !term || math.Abs(math.Abs(s[0])-math.Pi) > 1e-12 || math.Abs(s[1]) > 1e-12 {
		t.Errorf("upright: state %v reward %v terminated %v, want ±π, 0, reward 0, terminated", s, r, term)
	}

	// From rest, torque +1 on the second joint: at the first instant
	// d₁ = 4.5, d₂ = 1.75, θ̈₂ = 1/(1.25 − 1.75²/4.5) = 72/41 and
	// θ̈₁ = −1.75·θ̈₂/4.5 = −28/41. After 0.2 s gravity has barely acted,
	// so θ̇ ≈ 0.2·θ̈ (within 10%) and θ ≈ 0.02·θ̈ (within 15%).
	s, _, _, _ = step1(t, control.NewAcrobot(), []float64{0, 0, 0, 0}, 2)
	for i, want := range []float64{0.02 * -28 / 41, 0.02 * 72 / 41, 0.2 * -28 / 41, 0.2 * 72 / 41} {
		tol := 0.1
		if i < 2 {
			tol = 0.15
		}
		if math.Abs(s[i]-want) > tol*math.Abs(want) {
			t.Errorf("torque +1 from rest: state %v, variable %d want about %.4f", s, i, want)
		}
	}

	// The dynamics are odd: the mirrored state with the mirrored torque
	// moves to the mirrored state.
	start := []float64{0.7, -1.1, 2.5, -4}
	mirror := []float64{-0.7, 1.1, -2.5, 4}
	a, b := control.NewAcrobot(), control.NewAcrobot()
	if err := a.SetState(start); err != nil {
		t.Fatal(err)
	}
	if err := b.SetState(mirror); err != nil {
		t.Fatal(err)
	}
	o := make([]float64, 6)
	for i := 0; i < 10; i++ {
		act := float64(i % 3)
		a.Step([]float64{act}, o)
		b.Step([]float64{2 - act}, o)
		sa, sb := a.State(nil), b.State(nil)
		for j := range sa {
			if math.Abs(sa[j]+sb[j]) > 1e-12 {
				t.Fatalf("step %d: %v and %v are not mirror images", i, sa, sb)
			}
		}
	}

	// Fast spin: the first joint's velocity is clipped to −4π and the
	// second's to +9π (as float64 products, as in Gymnasium).
	s, _, _, _ = step1(t, control.NewAcrobot(), []float64{0.5, 1.0, 12.5, 28.0}, 2)
	if s[2] != -4*math.Pi || s[3] != control.AcrobotMaxVel2 || control.AcrobotMaxVel2 != float64(9)*math.Pi {
		t.Errorf("fast spin: velocities %v, want −4π and 9π", s[2:])
	}

	// Angles far outside [−π, π] are wrapped by whole turns.
	s, _, _, _ = step1(t, control.NewAcrobot(), []float64{7.0, -9.5, 0, 0}, 1)
	w, _, _, _ := step1(t, control.NewAcrobot(), []float64{7.0 - 2*math.Pi, -9.5 + 4*math.Pi, 0, 0}, 1)
	checkVec(t, "wrapped", s, w, 1e-12)
}

// A state as large as 1e300 steps to NaN or a wrapped angle, without
// hanging in the wrap loop.
func TestAcrobotHugeState(t *testing.T) {
	env := control.NewAcrobot()
	obs := make([]float64, 6)
	for _, st := range [][]float64{{1e300, 0, 0, 0}, {0, -1e300, 0, 0}, {0, 0, 1e300, 1e300}, {1e7, 0, 0, 0}} {
		if err := env.SetState(st); err != nil {
			t.Fatal(err)
		}
		env.Step([]float64{1}, obs)
		s := env.State(nil)
		for i := 0; i < 2; i++ {
			if !math.IsNaN(s[i]) && (s[i] < -math.Pi || s[i] > math.Pi) {
				t.Errorf("from %v: angle %v outside [−π, π]", st, s[i])
			}
		}
	}
}
