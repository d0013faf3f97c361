package control

import (
	"math"
	"math/rand/v2"
)

// MountainCar-v0 constants (Gymnasium's defaults). The position and speed
// bounds are MountainCarContinuous-v0's.
const (
	MountainCarDiscreteGoal    = 0.5    // position that ends the episode
	MountainCarDiscreteForce   = 0.001  // velocity change of a push
	MountainCarDiscreteGravity = 0.0025 // velocity change per unit of −cos(3·position)
	MountainCarDiscreteSteps   = 200    // Gymnasium's time limit
)

// MountainCarDiscrete is Gymnasium's MountainCar-v0, the task of Sutton
// and Barto's Example 10.1: drive an underpowered car up the right hill
// with action 0 (push left), 1 (no push) or 2 (push right). The state and
// observation are (position, velocity); every step pays −1 and reaching
// position ≥ 0.5 with velocity ≥ 0 terminates the episode. The left wall
// stops the car inelastically.
//
// Gymnasium keeps this state as a pair of float64 values (unlike
// MountainCarContinuous-v0, which stores float32), and the observation is
// the state rounded to float32.
type MountainCarDiscrete struct {
	pos, vel float64
}

// NewMountainCarDiscrete returns a car at rest at position −0.5.
func NewMountainCarDiscrete() *MountainCarDiscrete { return &MountainCarDiscrete{pos: -0.5} }

// Name returns "mountaincar-discrete".
func (m *MountainCarDiscrete) Name() string { return "mountaincar-discrete" }

// ObsDim returns 2.
func (m *MountainCarDiscrete) ObsDim() int { return 2 }

// ActDim returns 1.
func (m *MountainCarDiscrete) ActDim() int { return 1 }

// StateDim returns 2.
func (m *MountainCarDiscrete) StateDim() int { return 2 }

// NumActions returns 3.
func (m *MountainCarDiscrete) NumActions() int { return 3 }

// MaxEpisodeSteps returns 200.
func (m *MountainCarDiscrete) MaxEpisodeSteps() int { return MountainCarDiscreteSteps }

// ActionBounds returns [0], [2].
func (m *MountainCarDiscrete) ActionBounds() (lo, hi []float64) { return []float64{0}, []float64{2} }

// Reset draws the position uniformly from [−0.6, −0.4) at velocity 0.
func (m *MountainCarDiscrete) Reset(rng *rand.Rand, obs []float64) {
	checkObs("mountaincar-discrete", obs, 2)
	m.pos, m.vel = uniform(rng, -0.6, -0.4), 0
	m.obs(obs)
}

// SetState sets (position, velocity).
func (m *MountainCarDiscrete) SetState(state []float64) error {
	if err := checkState("mountaincar-discrete", state, 2); err != nil {
		return err
	}
	m.pos, m.vel = state[0], state[1]
	return nil
}

// State writes (position, velocity) into dst.
func (m *MountainCarDiscrete) State(dst []float64) []float64 {
	dst = grow(dst, 2)
	dst[0], dst[1] = m.pos, m.vel
	return dst
}

// Step applies action 0, 1 or 2 (the nearest index to action[0]):
// velocity += (a − 1)·0.001 − 0.0025·cos(3·position), clipped to
// ±0.07; position += velocity, clipped to [−1.2, 0.6].
func (m *MountainCarDiscrete) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep("mountaincar-discrete", action, 1, obs, 2)
	a := float64(actionIndex(action[0], 3))
	// Python evaluates the right-hand side of += first.
	inc := float64((a-1)*MountainCarDiscreteForce) + float64(math.Cos(3*m.pos)*(-MountainCarDiscreteGravity))
	vel := clip(m.vel+inc, -MountainCarMaxSpeed, MountainCarMaxSpeed)
	pos := clip(m.pos+vel, MountainCarMinPosition, MountainCarMaxPosition)
	if pos == MountainCarMinPosition && vel < 0 {
		vel = 0
	}
	m.pos, m.vel = pos, vel
	m.obs(obs)
	return -1, pos >= MountainCarDiscreteGoal && vel >= 0
}

func (m *MountainCarDiscrete) obs(obs []float64) {
	obs[0], obs[1] = f32(m.pos), f32(m.vel)
}

// Plane is position ∈ [−1.2, 0.6] by velocity ∈ [−0.07, 0.07].
func (m *MountainCarDiscrete) Plane() Plane {
	return Plane{XLabel: "position", YLabel: "velocity",
		XMin: MountainCarMinPosition, XMax: MountainCarMaxPosition,
		YMin: -MountainCarMaxSpeed, YMax: MountainCarMaxSpeed}
}

// PlaneObs writes the observation (u, v).
func (m *MountainCarDiscrete) PlaneObs(u, v float64, obs []float64) {
	checkObs("mountaincar-discrete", obs, 2)
	obs[0], obs[1] = u, v
}

// PlanePoint returns (position, velocity).
func (m *MountainCarDiscrete) PlanePoint(state []float64) (u, v float64) { return state[0], state[1] }

// actionIndex returns the index in [0, n) nearest to a (halves round up;
// NaN is 0), as Discrete environments read their action.
func actionIndex(a float64, n int) int {
	i := 0
	for i < n-1 && a >= float64(i)+0.5 {
		i++
	}
	return i
}
