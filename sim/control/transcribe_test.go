package control_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
)

// This file transcribes Gymnasium's step functions line by line, as test
// helpers that share no code with the package, and compares long random
// rollouts with the package's environments.

// gymPendulum is Pendulum-v1's step on the state (th, thdot), float64
// throughout as in Gymnasium with a float64 action.
func gymPendulum(th, thdot, u float64) (newth, newthdot, reward float64) {
	g, m, l, dt := 10.0, 1.0, 1.0, 0.05
	u = math.Max(-2.0, math.Min(u, 2.0))
	// angle_normalize: ((x + π) % (2π)) − π with Python's floored modulo.
	an := math.Mod(th+math.Pi, 2*math.Pi)
	if an != 0 && (an < 0) != (2*math.Pi < 0) {
		an += 2 * math.Pi
	}
	an -= math.Pi
	costs := float64(an*an) + float64(0.1*float64(thdot*thdot)) + float64(0.001*float64(u*u))
	newthdot = thdot + float64(float64(float64(3*g/(2*l)*math.Sin(th))+float64(3.0/(m*l*l)*u))*dt)
	newthdot = math.Max(-8, math.Min(newthdot, 8))
	newth = th + float64(newthdot*dt)
	return newth, newthdot, -costs
}

// gymCartPole is CartPole-v1's step with the given force.
func gymCartPole(s [4]float64, force float64) [4]float64 {
	gravity, masscart, masspole := 9.8, 1.0, 0.1
	totalMass := masspole + masscart
	length := 0.5
	polemassLength := masspole * length
	tau := 0.02
	x, xDot, theta, thetaDot := s[0], s[1], s[2], s[3]
	costheta, sintheta := math.Cos(theta), math.Sin(theta)
	temp := (force + float64(float64(polemassLength*float64(thetaDot*thetaDot))*sintheta)) / totalMass
	thetaacc := (float64(gravity*sintheta) - float64(costheta*temp)) /
		float64(length*(4.0/3.0-float64(float64(masspole*float64(costheta*costheta))/totalMass)))
	xacc := temp - float64(float64(float64(polemassLength*thetaacc)*costheta)/totalMass)
	x = x + float64(tau*xDot)
	xDot = xDot + float64(tau*xacc)
	theta = theta + float64(tau*thetaDot)
	thetaDot = thetaDot + float64(tau*thetaacc)
	return [4]float64{x, xDot, theta, thetaDot}
}

// np is a scalar as NumPy 2 types it: a Python float (weak), a float32 or a
// float64. An operation computes in the promoted type: float64 if either
// side is one, else float32 if either side is one, else Python float.
type np struct {
	v float64
	t byte // 'p', '4' (float32) or '8' (float64)
}

func py(v float64) np  { return np{v, 'p'} }
func f64(v float64) np { return np{v, '8'} }
func f32(v float64) np { return np{float64(float32(v)), '4'} }

func promote(a, b np) (x, y float64, t byte) {
	switch {
	case a.t == '8' || b.t == '8':
		t = '8'
	case a.t == '4' || b.t == '4':
		t = '4'
	default:
		t = 'p'
	}
	x, y = a.v, b.v
	if t == '4' {
		x, y = float64(float32(x)), float64(float32(y))
	}
	return x, y, t
}

func result(v float64, t byte) np {
	if t == '4' {
		v = float64(float32(v))
	}
	return np{v, t}
}

func add(a, b np) np { x, y, t := promote(a, b); return result(x+y, t) }
func sub(a, b np) np { x, y, t := promote(a, b); return result(x-y, t) }
func mul(a, b np) np { x, y, t := promote(a, b); return result(x*y, t) }
func gt(a, b np) bool {
	x, y, _ := promote(a, b)
	return x > y
}
func lt(a, b np) bool { return gt(b, a) }
func ge(a, b np) bool {
	x, y, _ := promote(a, b)
	return x >= y
}
func eq(a, b np) bool {
	x, y, _ := promote(a, b)
	return x == y
}

// pyMax and pyMin are Python's max(a, b) and min(a, b): they return one of
// the objects, keeping its type.
func pyMax(a, b np) np {
	if gt(b, a) {
		return b
	}
	return a
}

func pyMin(a, b np) np {
	if lt(b, a) {
		return b
	}
	return a
}

// gymMountainCar is MountainCarContinuous-v0's step with a float64 action,
// on a state of two typed NumPy scalars.
func gymMountainCar(state [2]np, action float64) (next [2]np, reward float64, terminated bool) {
	position, velocity := state[0], state[1]
	a := f64(action)
	force := pyMin(pyMax(a, py(-1.0)), py(1.0))
	velocity = add(velocity, sub(mul(force, py(0.0015)), mul(py(0.0025), py(math.Cos(mul(py(3), position).v)))))
	if gt(velocity, py(0.07)) {
		velocity = py(0.07)
	}
	if lt(velocity, py(-0.07)) {
		velocity = py(-0.07)
	}
	position = add(position, velocity)
	if gt(position, py(0.6)) {
		position = py(0.6)
	}
	if lt(position, py(-1.2)) {
		position = py(-1.2)
	}
	if eq(position, py(-1.2)) && lt(velocity, py(0)) {
		velocity = py(0)
	}
	terminated = ge(position, py(0.45)) && ge(velocity, py(0))
	if terminated {
		reward = 100.0
	}
	reward -= math.Pow(a.v, 2) * 0.1
	return [2]np{f32(position.v), f32(velocity.v)}, reward, terminated
}

// obs32 returns xs rounded to float32, as Gymnasium's observations are.
func obs32(xs ...float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(float32(x))
	}
	return out
}

func near(a, b []float64, tol float64) bool {
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol) {
			return false
		}
	}
	return true
}

const transcriptionTol = 1e-12

func TestPendulumTranscription(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	env := control.NewPendulum()
	obs := make([]float64, 3)
	for ep := 0; ep < 5; ep++ {
		env.Reset(rng, obs)
		s := env.State(nil)
		th, thdot := s[0], s[1]
		if !near(obs, obs32(math.Cos(th), math.Sin(th), thdot), 0) {
			t.Fatalf("reset obs %v for state %v", obs, s)
		}
		for i := 0; i < 200; i++ {
			u := 6*rng.Float64() - 3
			var want float64
			th, thdot, want = gymPendulum(th, thdot, u)
			r, term := env.Step([]float64{u}, obs)
			s = env.State(s)
			if term || math.Abs(r-want) > transcriptionTol || !near(s, []float64{th, thdot}, transcriptionTol) ||
				!near(obs, obs32(math.Cos(th), math.Sin(th), thdot), transcriptionTol) {
				t.Fatalf("episode %d step %d: state %v obs %v reward %v, want %v %v reward %v", ep, i, s, obs, r, th, thdot, want)
			}
		}
	}
}

func TestCartPoleTranscription(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, discrete := range []bool{false, true} {
		var env control.Env = control.NewCartPole()
		if discrete {
			env = control.NewCartPoleDiscrete()
		}
		obs := make([]float64, 4)
		for ep := 0; ep < 20; ep++ {
			env.Reset(rng, obs)
			var s [4]float64
			copy(s[:], env.State(nil))
			for i := 0; i < 100; i++ {
				a := 3*rng.Float64() - 1.5
				force := math.Max(-1, math.Min(a, 1)) * 10
				if discrete {
					a = float64(rng.IntN(2))
					force = -10.0
					if a == 1 {
						force = 10.0
					}
				}
				s = gymCartPole(s, force)
				term := s[0] < -2.4 || s[0] > 2.4 || s[2] < -12*2*math.Pi/360 || s[2] > 12*2*math.Pi/360
				r, gotTerm := env.Step([]float64{a}, obs)
				got := env.State(nil)
				if r != 1 || gotTerm != term || !near(got, s[:], transcriptionTol) ||
					!near(obs, obs32(s[0], s[1], s[2], s[3]), transcriptionTol) {
					t.Fatalf("%s episode %d step %d: state %v reward %v terminated %v, want %v 1 %v",
						env.Name(), ep, i, got, r, gotTerm, s, term)
				}
				if term {
					break
				}
			}
		}
	}
}

func TestMountainCarTranscription(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	env := control.NewMountainCar()
	obs := make([]float64, 2)
	goals := 0
	for ep := 0; ep < 6; ep++ {
		env.Reset(rng, obs)
		s0 := env.State(nil)
		st := [2]np{f64(s0[0]), f64(s0[1])} // reset leaves a float64 array
		if !near(obs, obs32(s0[0], s0[1]), 0) {
			t.Fatalf("reset obs %v for state %v", obs, s0)
		}
		for i := 0; i < 999; i++ {
			// Half the episodes pump energy with ±gain by the sign of the
			// velocity (gain > 1 is clipped), half act at random.
			var a float64
			if ep%2 == 0 {
				a = []float64{1, -1}[rng.IntN(2)] * (0.6 + rng.Float64())
				if st[1].v < 0 {
					a = -math.Abs(a)
				} else {
					a = math.Abs(a)
				}
			} else {
				a = 3*rng.Float64() - 1.5
			}
			var want float64
			var term bool
			st, want, term = gymMountainCar(st, a)
			r, gotTerm := env.Step([]float64{a}, obs)
			got := env.State(nil)
			if gotTerm != term || math.Abs(r-want) > transcriptionTol || !near(got, []float64{st[0].v, st[1].v}, 0) ||
				!near(obs, got, 0) {
				t.Fatalf("episode %d step %d (action %v): state %v reward %v terminated %v, want %v %v %v",
					ep, i, a, got, r, gotTerm, st, want, term)
			}
			if term {
				goals++
				break
			}
		}
	}
	if goals < 3 {
		t.Errorf("the pumping episodes reached the goal %d times, want 3", goals)
	}
}
