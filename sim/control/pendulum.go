package control

import (
	"math"
	"math/rand/v2"
)

// Pendulum-v1 constants (Gymnasium's defaults).
const (
	PendulumMaxSpeed  = 8.0  // |θ̇| limit, rad/s
	PendulumMaxTorque = 2.0  // |u| limit, N·m
	PendulumDt        = 0.05 // time step, s
	PendulumSteps     = 200  // Gymnasium's time limit
)

// Pendulum is Gymnasium's Pendulum-v1: swing a pendulum up and hold it
// there with a torque u ∈ [−2, 2]. The state is (θ, θ̇) with θ = 0 upright;
// θ is not wrapped. The observation is (cos θ, sin θ, θ̇) rounded to
// float32. The reward is −(θₙ² + 0.1·θ̇² + 0.001·u²) on the state before the
// step, θₙ the angle normalised to [−π, π). It never terminates.
type Pendulum struct {
	th, thdot float64
	lastU     float64
}

// NewPendulum returns a pendulum hanging at rest (θ = π).
func NewPendulum() *Pendulum { return &Pendulum{th: math.Pi} }

// Name returns "pendulum".
func (p *Pendulum) Name() string { return "pendulum" }

// ObsDim returns 3.
func (p *Pendulum) ObsDim() int { return 3 }

// ActDim returns 1.
func (p *Pendulum) ActDim() int { return 1 }

// StateDim returns 2.
func (p *Pendulum) StateDim() int { return 2 }

// MaxEpisodeSteps returns 200.
func (p *Pendulum) MaxEpisodeSteps() int { return PendulumSteps }

// ActionBounds returns [−2], [2].
func (p *Pendulum) ActionBounds() (lo, hi []float64) {
	return []float64{-PendulumMaxTorque}, []float64{PendulumMaxTorque}
}

// Reset draws θ uniformly from [−π, π) and θ̇ from [−1, 1).
func (p *Pendulum) Reset(rng *rand.Rand, obs []float64) {
	checkObs("pendulum", obs, 3)
	p.th = uniform(rng, -math.Pi, math.Pi)
	p.thdot = uniform(rng, -1, 1)
	p.lastU = 0
	p.obs(obs)
}

// SetState sets (θ, θ̇).
func (p *Pendulum) SetState(state []float64) error {
	if err := checkState("pendulum", state, 2); err != nil {
		return err
	}
	p.th, p.thdot, p.lastU = state[0], state[1], 0
	return nil
}

// State writes (θ, θ̇) into dst.
func (p *Pendulum) State(dst []float64) []float64 {
	dst = grow(dst, 2)
	dst[0], dst[1] = p.th, p.thdot
	return dst
}

// LastTorque returns the clipped torque of the last step, for drawing.
func (p *Pendulum) LastTorque() float64 { return p.lastU }

// Step applies the torque action[0], clipped to [−2, 2].
func (p *Pendulum) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep("pendulum", action, 1, obs, 3)
	th, thdot := p.th, p.thdot
	u := clip(action[0], -PendulumMaxTorque, PendulumMaxTorque)
	p.lastU = u
	thn := angleNormalize(th)
	// Gymnasium's order of operations; the conversions forbid fused
	// multiply-adds so that every platform rounds alike.
	costs := float64(thn*thn) + float64(0.1*float64(thdot*thdot)) + float64(0.001*float64(u*u))
	// 3g/(2l) = 15 and 3/(m l²) = 3 for g = 10, m = l = 1.
	newthdot := thdot + float64(float64(float64(15*math.Sin(th))+float64(3*u))*PendulumDt)
	newthdot = clip(newthdot, -PendulumMaxSpeed, PendulumMaxSpeed)
	newth := th + float64(newthdot*PendulumDt)
	p.th, p.thdot = newth, newthdot
	p.obs(obs)
	return -costs, false
}

func (p *Pendulum) obs(obs []float64) {
	obs[0] = f32(math.Cos(p.th))
	obs[1] = f32(math.Sin(p.th))
	obs[2] = f32(p.thdot)
}

// Plane is θ ∈ [−π, π] by θ̇ ∈ [−8, 8].
func (p *Pendulum) Plane() Plane {
	return Plane{XLabel: "angle θ (rad)", YLabel: "angular velocity θ̇ (rad/s)",
		XMin: -math.Pi, XMax: math.Pi, YMin: -PendulumMaxSpeed, YMax: PendulumMaxSpeed}
}

// PlaneObs writes the observation (cos u, sin u, v) of θ = u, θ̇ = v.
func (p *Pendulum) PlaneObs(u, v float64, obs []float64) {
	checkObs("pendulum", obs, 3)
	obs[0], obs[1], obs[2] = math.Cos(u), math.Sin(u), v
}

// PlanePoint returns (θ normalised to [−π, π), θ̇).
func (p *Pendulum) PlanePoint(state []float64) (u, v float64) {
	return angleNormalize(state[0]), state[1]
}

// angleNormalize is Gymnasium's ((x + π) mod 2π) − π with NumPy's floored
// modulo, which math.Mod (truncated, exact) plus a correction reproduces.
func angleNormalize(x float64) float64 {
	const twoPi = 2 * math.Pi
	m := math.Mod(x+math.Pi, twoPi)
	if m < 0 {
		m += twoPi
	}
	return m - math.Pi
}
