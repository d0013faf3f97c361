package control

import (
	"math"
	"math/rand/v2"
)

// Acrobot-v1 constants (Gymnasium's defaults).
const (
	AcrobotDt    = 0.2 // seconds per step, one RK4 step
	AcrobotSteps = 500 // Gymnasium's time limit
)

// Acrobot-v1's physical constants and bounds, computed in float64 steps
// as Gymnasium does (9·π is not the float64 nearest to 9π).
var (
	acM1, acM2   = 1.0, 1.0 // link masses, kg
	acL1         = 1.0      // length of link 1, m
	acLC1, acLC2 = 0.5, 0.5 // positions of the centres of mass, m
	acI1, acI2   = 1.0, 1.0 // moments of inertia
	acG          = 9.8
	acPi         = math.Pi
	acMaxVel1    = 4 * acPi
	acMaxVel2    = 9 * acPi
	acTorques    = [3]float64{-1, 0, 1}
)

// AcrobotMaxVel1 and AcrobotMaxVel2 bound the joints' angular velocities
// (4π and 9π rad/s as float64 products).
var (
	AcrobotMaxVel1 = acMaxVel1
	AcrobotMaxVel2 = acMaxVel2
)

// Acrobot is Gymnasium's Acrobot-v1 (Sutton and Barto's acrobot, with the
// book's dynamics, not the NIPS paper's): two links hang from a fixed
// joint and the joint between them is driven with torque −1, 0 or +1
// (actions 0, 1, 2). The state is (θ₁, θ₂, θ̇₁, θ̇₂), θ₁ = 0 hanging down
// and θ₂ relative to the first link; the observation is (cos θ₁, sin θ₁,
// cos θ₂, sin θ₂, θ̇₁, θ̇₂) rounded to float32. A step integrates the
// dynamics with one Runge–Kutta step of 0.2 s, wraps the angles to [−π, π]
// and clips the velocities to ±4π and ±9π. Each step pays −1 until the tip
// rises above one link's length over the fixed joint,
// −cos θ₁ − cos(θ₂ + θ₁) > 1, which terminates with reward 0.
//
// Reset draws each state variable from U(−0.1, 0.1) rounded to float32, as
// Gymnasium does; SetState keeps the values given, and steps compute in
// float64 as Gymnasium does once its state is augmented with the torque.
type Acrobot struct {
	s [4]float64
}

// NewAcrobot returns an acrobot hanging at rest.
func NewAcrobot() *Acrobot { return &Acrobot{} }

// Name returns "acrobot".
func (a *Acrobot) Name() string { return "acrobot" }

// ObsDim returns 6.
func (a *Acrobot) ObsDim() int { return 6 }

// ActDim returns 1.
func (a *Acrobot) ActDim() int { return 1 }

// StateDim returns 4.
func (a *Acrobot) StateDim() int { return 4 }

// NumActions returns 3.
func (a *Acrobot) NumActions() int { return 3 }

// MaxEpisodeSteps returns 500.
func (a *Acrobot) MaxEpisodeSteps() int { return AcrobotSteps }

// ActionBounds returns [0], [2].
func (a *Acrobot) ActionBounds() (lo, hi []float64) { return []float64{0}, []float64{2} }

// Reset draws θ₁, θ₂, θ̇₁, θ̇₂ from U(−0.1, 0.1), each rounded to float32.
func (a *Acrobot) Reset(rng *rand.Rand, obs []float64) {
	checkObs("acrobot", obs, 6)
	for i := range a.s {
		a.s[i] = uniform(rng, -0.1, 0.1)
	}
	for i := range a.s { // NumPy draws the whole array, then casts it
		a.s[i] = f32(a.s[i])
	}
	a.obs(obs)
}

// SetState sets (θ₁, θ₂, θ̇₁, θ̇₂) as given.
func (a *Acrobot) SetState(state []float64) error {
	if err := checkState("acrobot", state, 4); err != nil {
		return err
	}
	copy(a.s[:], state)
	return nil
}

// State writes (θ₁, θ₂, θ̇₁, θ̇₂) into dst.
func (a *Acrobot) State(dst []float64) []float64 {
	dst = grow(dst, 4)
	copy(dst, a.s[:])
	return dst
}

// Step applies torque −1, 0 or +1 for action 0, 1 or 2 (the nearest index
// to action[0]).
func (a *Acrobot) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep("acrobot", action, 1, obs, 6)
	torque := acTorques[actionIndex(action[0], 3)]
	ns := rk4(a.s, torque, AcrobotDt)
	ns[0] = wrapAngle(ns[0], -acPi, acPi)
	ns[1] = wrapAngle(ns[1], -acPi, acPi)
	ns[2] = math.Min(math.Max(ns[2], -acMaxVel1), acMaxVel1)
	ns[3] = math.Min(math.Max(ns[3], -acMaxVel2), acMaxVel2)
	a.s = ns
	a.obs(obs)
	if acrobotTerminal(ns) {
		return 0, true
	}
	return -1, false
}

// acrobotTerminal is the tip's height test −cos θ₁ − cos(θ₂ + θ₁) > 1.
func acrobotTerminal(s [4]float64) bool {
	return -math.Cos(s[0])-math.Cos(s[1]+s[0]) > 1.0
}

func (a *Acrobot) obs(obs []float64) {
	obs[0], obs[1] = f32(math.Cos(a.s[0])), f32(math.Sin(a.s[0]))
	obs[2], obs[3] = f32(math.Cos(a.s[1])), f32(math.Sin(a.s[1]))
	obs[4], obs[5] = f32(a.s[2]), f32(a.s[3])
}

// rk4 is Gymnasium's rk4 for one step of length dt: the torque rides along
// as a fifth state variable whose derivative is 0, so it stays constant.
func rk4(y0 [4]float64, torque, dt float64) [4]float64 {
	dt2 := dt / 2.0
	var y [4]float64
	k1 := acrobotDsdt(y0, torque)
	for i := range y {
		y[i] = y0[i] + float64(dt2*k1[i])
	}
	k2 := acrobotDsdt(y, torque)
	for i := range y {
		y[i] = y0[i] + float64(dt2*k2[i])
	}
	k3 := acrobotDsdt(y, torque)
	for i := range y {
		y[i] = y0[i] + float64(dt*k3[i])
	}
	k4 := acrobotDsdt(y, torque)
	h := dt / 6.0
	var out [4]float64
	for i := range out {
		sum := float64(float64(k1[i]+float64(2*k2[i]))+float64(2*k3[i])) + k4[i]
		out[i] = y0[i] + float64(h*sum)
	}
	return out
}

// acrobotDsdt is Gymnasium's _dsdt with the book's dynamics, operation by
// operation in Python's order of evaluation: it returns (θ̇₁, θ̇₂, θ̈₁, θ̈₂).
func acrobotDsdt(s [4]float64, a float64) [4]float64 {
	m1, m2, l1, lc1, lc2, I1, I2, g := acM1, acM2, acL1, acLC1, acLC2, acI1, acI2, acG
	theta1, theta2, dtheta1, dtheta2 := s[0], s[1], s[2], s[3]
	cos2, sin2 := math.Cos(theta2), math.Sin(theta2)
	// d1 = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cos θ₂) + I1 + I2
	d1 := float64(float64(float64(m1*float64(lc1*lc1))+
		float64(m2*float64(float64(l1*l1)+float64(lc2*lc2)+float64(float64(float64(2*l1)*lc2)*cos2))))+I1) + I2
	// d2 = m2·(lc2² + l1·lc2·cos θ₂) + I2
	d2 := float64(m2*float64(float64(lc2*lc2)+float64(float64(l1*lc2)*cos2))) + I2
	// φ₂ = m2·lc2·g·cos(θ₁ + θ₂ − π/2)
	phi2 := float64(float64(float64(m2*lc2)*g) * math.Cos(float64(theta1+theta2)-acPi/2.0))
	// φ₁ = −m2·l1·lc2·θ̇₂²·sin θ₂ − 2·m2·l1·lc2·θ̇₂·θ̇₁·sin θ₂
	//      + (m1·lc1 + m2·l1)·g·cos(θ₁ − π/2) + φ₂
	t1 := float64(float64(float64(float64(-m2*l1)*lc2)*float64(dtheta2*dtheta2)) * sin2)
	t2 := float64(float64(float64(float64(float64(float64(float64(2*m2)*l1)*lc2)*dtheta2)*dtheta1)) * sin2)
	t3 := float64(float64(float64(float64(m1*lc1)+float64(m2*l1))*g) * math.Cos(theta1-acPi/2))
	phi1 := float64(float64(t1-t2)+t3) + phi2
	// θ̈₂ = (a + d2/d1·φ₁ − m2·l1·lc2·θ̇₁²·sin θ₂ − φ₂) / (m2·lc2² + I2 − d2²/d1)
	num := float64(float64(a+float64(float64(d2/d1)*phi1))-
		float64(float64(float64(float64(m2*l1)*lc2)*float64(dtheta1*dtheta1))*sin2)) - phi2
	den := float64(float64(m2*float64(lc2*lc2))+I2) - float64(float64(d2*d2)/d1)
	ddtheta2 := num / den
	// θ̈₁ = −(d2·θ̈₂ + φ₁) / d1
	ddtheta1 := -float64(float64(d2*ddtheta2)+phi1) / d1
	return [4]float64{dtheta1, dtheta2, ddtheta1, ddtheta2}
}

// wrapAngle is Gymnasium's wrap: it adds or subtracts M − m until x is in
// [m, M]. Beyond 1e6, where that loop would take too long (or never end),
// it reduces x with a floored modulo instead; infinities become NaN.
func wrapAngle(x, m, M float64) float64 {
	diff := M - m
	if math.Abs(x) > 1e6 || math.IsInf(x, 0) {
		x = m + math.Mod(x-m, diff)
		if x < m {
			x += diff
		}
		return x
	}
	for x > M {
		x -= diff
	}
	for x < m {
		x += diff
	}
	return x
}

// Plane is θ₁ ∈ [−π, π] by θ̇₁ ∈ [−4π, 4π], with θ₂ = θ̇₂ = 0: the first
// link's phase plane.
func (a *Acrobot) Plane() Plane {
	return Plane{XLabel: "first joint angle θ₁ (rad)", YLabel: "first joint velocity θ̇₁ (rad/s)",
		XMin: -acPi, XMax: acPi, YMin: -acMaxVel1, YMax: acMaxVel1}
}

// PlaneObs writes the observation (cos u, sin u, 1, 0, v, 0) of θ₁ = u,
// θ̇₁ = v, θ₂ = θ̇₂ = 0.
func (a *Acrobot) PlaneObs(u, v float64, obs []float64) {
	checkObs("acrobot", obs, 6)
	obs[0], obs[1], obs[2], obs[3], obs[4], obs[5] = math.Cos(u), math.Sin(u), 1, 0, v, 0
}

// PlanePoint returns (θ₁ wrapped to [−π, π], θ̇₁).
func (a *Acrobot) PlanePoint(state []float64) (u, v float64) {
	return wrapAngle(state[0], -acPi, acPi), state[2]
}
