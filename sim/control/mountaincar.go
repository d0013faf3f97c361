package control

import (
	"math"
	"math/rand/v2"
)

// MountainCarContinuous-v0 constants (Gymnasium's defaults).
const (
	MountainCarMinPosition = -1.2
	MountainCarMaxPosition = 0.6
	MountainCarMaxSpeed    = 0.07
	MountainCarGoal        = 0.45   // position that ends the episode
	MountainCarPower       = 0.0015 // velocity change per unit of force
	MountainCarSteps       = 999    // Gymnasium's time limit
)

// MountainCar is Gymnasium's MountainCarContinuous-v0: drive an
// underpowered car up the right hill with a force a ∈ [−1, 1]. The state
// and observation are (position, velocity). Each step pays −0.1·a² on the
// unclipped action, plus 100 on reaching position ≥ 0.45 with velocity ≥ 0,
// which terminates the episode.
//
// Like Gymnasium, the state is stored as float32 after every step; right
// after Reset or SetState it is float64. Where NumPy 2 computes in float32
// (3·position on a float32 state, and the velocity and position updates
// when the action or the velocity is clipped, which turns an operand into a
// Python float), Step does too, so its numbers are Gymnasium's with NumPy 2
// for float64 actions.
type MountainCar struct {
	pos, vel float64
	stored32 bool // the state holds NumPy float32 scalars
}

// NewMountainCar returns a car at rest at position −0.5.
func NewMountainCar() *MountainCar { return &MountainCar{pos: -0.5} }

// Name returns "mountaincar".
func (m *MountainCar) Name() string { return "mountaincar" }

// ObsDim returns 2.
func (m *MountainCar) ObsDim() int { return 2 }

// ActDim returns 1.
func (m *MountainCar) ActDim() int { return 1 }

// StateDim returns 2.
func (m *MountainCar) StateDim() int { return 2 }

// MaxEpisodeSteps returns 999.
func (m *MountainCar) MaxEpisodeSteps() int { return MountainCarSteps }

// ActionBounds returns [−1], [1].
func (m *MountainCar) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }

// Reset draws the position uniformly from [−0.6, −0.4) at velocity 0.
func (m *MountainCar) Reset(rng *rand.Rand, obs []float64) {
	checkObs("mountaincar", obs, 2)
	m.pos, m.vel, m.stored32 = uniform(rng, -0.6, -0.4), 0, false
	m.obs(obs)
}

// SetState sets (position, velocity), kept as float64 until the next
// step, as Gymnasium keeps the state drawn by reset.
func (m *MountainCar) SetState(state []float64) error {
	if err := checkState("mountaincar", state, 2); err != nil {
		return err
	}
	m.pos, m.vel, m.stored32 = state[0], state[1], false
	return nil
}

// State writes (position, velocity) into dst.
func (m *MountainCar) State(dst []float64) []float64 {
	dst = grow(dst, 2)
	dst[0], dst[1] = m.pos, m.vel
	return dst
}

// kind is the NumPy type of a scalar under NumPy 2's promotion rules: a
// float32 combined with a Python float stays float32, with float64 it
// becomes float64.
type kind uint8

const (
	kind64 kind = iota // numpy.float64
	kind32             // numpy.float32
	kindPy             // Python float (converted to float32 next to a float32)
)

// as returns x as NumPy sees it when it computes in precision k.
func as(x float64, k kind) float64 {
	if k == kind32 {
		return f32(x)
	}
	return x
}

// Step applies the force action[0], clipped to [−1, 1].
func (m *MountainCar) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep("mountaincar", action, 1, obs, 2)
	a := action[0]
	pk := kind64 // the position's NumPy type
	if m.stored32 {
		pk = kind32
	}
	// force = min(max(a, −1.0), 1.0): a float64 if in range, else a Python
	// float.
	force, fk := a, kind64
	if force < -1 {
		force, fk = -1, kindPy
	}
	if force > 1 {
		force, fk = 1, kindPy
	}
	// velocity += force·power − 0.0025·cos(3·position)
	c := math.Cos(as(3*m.pos, pk))
	inc := float64(force*MountainCarPower) - float64(0.0025*c)
	vel, vk := m.vel+inc, kind64
	if pk == kind32 && fk == kindPy {
		vel, vk = f32(m.vel+f32(inc)), kind32
	}
	if vel > as(MountainCarMaxSpeed, vk) {
		vel, vk = MountainCarMaxSpeed, kindPy
	}
	if vel < as(-MountainCarMaxSpeed, vk) {
		vel, vk = -MountainCarMaxSpeed, kindPy
	}
	// position += velocity
	pos := m.pos
	switch {
	case pk == kind64 || vk == kind64:
		pos, pk = pos+vel, kind64
	default:
		pos = f32(pos + f32(vel))
	}
	if pos > as(MountainCarMaxPosition, pk) {
		pos, pk = MountainCarMaxPosition, kindPy
	}
	if pos < as(MountainCarMinPosition, pk) {
		pos, pk = MountainCarMinPosition, kindPy
	}
	if pos == as(MountainCarMinPosition, pk) && vel < 0 {
		vel = 0
	}
	terminated = pos >= as(MountainCarGoal, pk) && vel >= 0
	if terminated {
		reward = 100
	}
	reward -= float64(float64(a*a) * 0.1)
	m.pos, m.vel, m.stored32 = f32(pos), f32(vel), true
	m.obs(obs)
	return reward, terminated
}

func (m *MountainCar) obs(obs []float64) {
	obs[0], obs[1] = f32(m.pos), f32(m.vel)
}

// Plane is position ∈ [−1.2, 0.6] by velocity ∈ [−0.07, 0.07].
func (m *MountainCar) Plane() Plane {
	return Plane{XLabel: "position", YLabel: "velocity",
		XMin: MountainCarMinPosition, XMax: MountainCarMaxPosition,
		YMin: -MountainCarMaxSpeed, YMax: MountainCarMaxSpeed}
}

// PlaneObs writes the observation (u, v).
func (m *MountainCar) PlaneObs(u, v float64, obs []float64) {
	checkObs("mountaincar", obs, 2)
	obs[0], obs[1] = u, v
}

// PlanePoint returns (position, velocity).
func (m *MountainCar) PlanePoint(state []float64) (u, v float64) { return state[0], state[1] }
