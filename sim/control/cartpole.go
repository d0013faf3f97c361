package control

import (
	"math"
	"math/rand/v2"
)

// CartPole-v1 constants (Gymnasium's defaults).
const (
	CartPoleForce      = 10.0 // force magnitude, N
	CartPoleTau        = 0.02 // time step, s
	CartPoleXThreshold = 2.4  // |x| beyond which the episode terminates, m
	CartPoleSteps      = 500  // Gymnasium's time limit
)

// cpThetaThreshold is 12° in radians, computed as Gymnasium does
// (12·2·π/360 in float64 steps).
var cpThetaThreshold = func() float64 { pi := math.Pi; return 12 * 2 * pi / 360 }()

// Physical constants, computed in float64 steps as Gymnasium does.
var (
	cpGravity   = 9.8
	cpMassCart  = 1.0
	cpMassPole  = 0.1
	cpTotalMass = cpMassPole + cpMassCart
	cpLength    = 0.5 // half the pole's length
	cpPoleML    = cpMassPole * cpLength
)

// cartPole holds the dynamics shared by both action variants: Gymnasium's
// CartPole-v1 with explicit Euler integration. The state is (x, ẋ, θ, θ̇),
// the observation is the state rounded to float32, and every step pays 1,
// including the terminating one. Stepping after termination, which is the
// caller's error, goes on integrating and pays 0, as Gymnasium does.
type cartPole struct {
	name               string
	x, xdot, th, thdot float64
	terminatedBefore   bool
}

func (c *cartPole) Name() string         { return c.name }
func (c *cartPole) ObsDim() int          { return 4 }
func (c *cartPole) ActDim() int          { return 1 }
func (c *cartPole) StateDim() int        { return 4 }
func (c *cartPole) MaxEpisodeSteps() int { return CartPoleSteps }

// Reset draws each state variable uniformly from [−0.05, 0.05).
func (c *cartPole) Reset(rng *rand.Rand, obs []float64) {
	checkObs(c.name, obs, 4)
	c.x = uniform(rng, -0.05, 0.05)
	c.xdot = uniform(rng, -0.05, 0.05)
	c.th = uniform(rng, -0.05, 0.05)
	c.thdot = uniform(rng, -0.05, 0.05)
	c.terminatedBefore = false
	c.obs(obs)
}

// SetState sets (x, ẋ, θ, θ̇).
func (c *cartPole) SetState(state []float64) error {
	if err := checkState(c.name, state, 4); err != nil {
		return err
	}
	c.x, c.xdot, c.th, c.thdot = state[0], state[1], state[2], state[3]
	c.terminatedBefore = false
	return nil
}

// State writes (x, ẋ, θ, θ̇) into dst.
func (c *cartPole) State(dst []float64) []float64 {
	dst = grow(dst, 4)
	dst[0], dst[1], dst[2], dst[3] = c.x, c.xdot, c.th, c.thdot
	return dst
}

// step applies a force in newtons.
func (c *cartPole) step(force float64, obs []float64) (reward float64, terminated bool) {
	cos, sin := math.Cos(c.th), math.Sin(c.th)
	temp := (force + float64(float64(cpPoleML*float64(c.thdot*c.thdot))*sin)) / cpTotalMass
	thacc := (float64(cpGravity*sin) - float64(cos*temp)) /
		float64(cpLength*(4.0/3.0-float64(float64(cpMassPole*float64(cos*cos))/cpTotalMass)))
	xacc := temp - float64(float64(float64(cpPoleML*thacc)*cos)/cpTotalMass)
	c.x += float64(CartPoleTau * c.xdot)
	c.xdot += float64(CartPoleTau * xacc)
	c.th += float64(CartPoleTau * c.thdot)
	c.thdot += float64(CartPoleTau * thacc)
	terminated = c.x < -CartPoleXThreshold || c.x > CartPoleXThreshold ||
		c.th < -cpThetaThreshold || c.th > cpThetaThreshold
	reward = 1
	if terminated {
		if c.terminatedBefore {
			reward = 0
		}
		c.terminatedBefore = true
	}
	c.obs(obs)
	return reward, terminated
}

func (c *cartPole) obs(obs []float64) {
	obs[0], obs[1], obs[2], obs[3] = f32(c.x), f32(c.xdot), f32(c.th), f32(c.thdot)
}

// Plane is θ ∈ [−12°, 12°] by θ̇ ∈ [−2, 2], with x = ẋ = 0.
func (c *cartPole) Plane() Plane {
	return Plane{XLabel: "pole angle θ (rad)", YLabel: "pole angular velocity θ̇ (rad/s)",
		XMin: -cpThetaThreshold, XMax: cpThetaThreshold, YMin: -2, YMax: 2}
}

// PlaneObs writes the observation (0, 0, u, v).
func (c *cartPole) PlaneObs(u, v float64, obs []float64) {
	checkObs(c.name, obs, 4)
	obs[0], obs[1], obs[2], obs[3] = 0, 0, u, v
}

// PlanePoint returns (θ, θ̇).
func (c *cartPole) PlanePoint(state []float64) (u, v float64) { return state[2], state[3] }

// CartPole is CartPole-v1 with a continuous action: the force a·10 N with
// a = action[0] clipped to [−1, 1].
type CartPole struct{ cartPole }

// NewCartPole returns a continuous cart-pole at rest, upright.
func NewCartPole() *CartPole { return &CartPole{cartPole{name: "cartpole"}} }

// ActionBounds returns [−1], [1].
func (c *CartPole) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }

// Step pushes the cart with a·10 N.
func (c *CartPole) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep(c.name, action, 1, obs, 4)
	return c.step(clip(action[0], -1, 1)*CartPoleForce, obs)
}

// CartPoleDiscrete is Gymnasium's CartPole-v1: action 0 pushes the cart
// left with 10 N, action 1 right. action[0] ≥ 0.5 counts as 1.
type CartPoleDiscrete struct{ cartPole }

// NewCartPoleDiscrete returns a discrete cart-pole at rest, upright.
func NewCartPoleDiscrete() *CartPoleDiscrete {
	return &CartPoleDiscrete{cartPole{name: "cartpole-discrete"}}
}

// NumActions returns 2.
func (c *CartPoleDiscrete) NumActions() int { return 2 }

// ActionBounds returns [0], [1].
func (c *CartPoleDiscrete) ActionBounds() (lo, hi []float64) { return []float64{0}, []float64{1} }

// Step pushes the cart left (action 0) or right (action 1).
func (c *CartPoleDiscrete) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep(c.name, action, 1, obs, 4)
	force := -CartPoleForce
	if action[0] >= 0.5 {
		force = CartPoleForce
	}
	return c.step(force, obs)
}
