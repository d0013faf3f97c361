package control

import (
	"fmt"

	"bellman/sim/param"
)

// Schema declares the environment choice ("env") and the point-mass
// world's tunable values. The point mass's regions are its layout, not
// parameters.
func Schema() param.Schema {
	d := DefaultPointMass()
	return param.Schema{
		{Key: "env", Label: "environment", Kind: param.Choice, Choices: Names(), Default: 0, Reset: true,
			Help: "the task: pendulum swing-up, mountain car, cart-pole (continuous or left/right), point mass, mountain car with three pushes, acrobot"},
		{Key: "pm_dt", Label: "time step Δt", Min: 0.01, Max: 0.2, Step: 0.01, Default: d.Dt, Reset: true,
			Help: "seconds of motion per step of the point mass"},
		{Key: "pm_gain", Label: "force gain", Min: 0.5, Max: 10, Step: 0.1, Default: d.Gain, Reset: true,
			Help: "acceleration of the point mass per unit of force"},
		{Key: "pm_damping", Label: "damping", Min: 0, Max: 4, Step: 0.1, Default: d.Damping, Reset: true,
			Help: "how fast the point mass slows down without force (per second)"},
		{Key: "pm_r_boundary", Label: "r_boundary", Min: -10, Max: 0, Step: 0.1, Default: d.RewardBoundary, Reset: true,
			Help: "reward for a step that bumps into a wall"},
		{Key: "pm_r_forbidden", Label: "r_forbidden", Min: -20, Max: 0, Step: 0.1, Default: d.RewardForbidden, Reset: true,
			Help: "reward for each step that ends in a forbidden region"},
		{Key: "pm_r_target", Label: "r_target", Min: 0, Max: 20, Step: 0.1, Default: d.RewardTarget, Reset: true,
			Help: "reward for each step that ends in the target"},
		{Key: "pm_r_other", Label: "r_other", Min: -1, Max: 1, Step: 0.01, Default: d.RewardOther, Reset: true,
			Help: "reward paid on every step"},
		{Key: "pm_control_cost", Label: "control cost", Min: 0, Max: 1, Step: 0.001, Default: d.ControlCost, Reset: true,
			Help: "cost per step of the squared force: pushing hard is paid for"},
		{Key: "pm_terminal", Label: "target ends episode", Kind: param.Bool, Max: 1, Default: b2f(d.Terminal), Reset: true,
			Help: "whether reaching the target ends the episode (the book's world goes on)"},
		{Key: "pm_random_start", Label: "random start", Kind: param.Bool, Max: 1, Default: b2f(d.RandomStart), Reset: true,
			Help: "start anywhere free instead of the top-left cell"},
		{Key: "pm_max_steps", Label: "episode length", Kind: param.Int, Min: 10, Max: 2000, Step: 10, Default: float64(d.MaxSteps), Reset: true,
			Help: "steps before the episode is cut off"},
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// PointMassFromValues returns the default point-mass configuration with
// the values of v applied (missing keys keep their defaults), validated.
func PointMassFromValues(v param.Values) (PointMassConfig, error) {
	c := DefaultPointMass()
	c.Dt = v.Get("pm_dt", c.Dt)
	c.Gain = v.Get("pm_gain", c.Gain)
	c.Damping = v.Get("pm_damping", c.Damping)
	c.RewardBoundary = v.Get("pm_r_boundary", c.RewardBoundary)
	c.RewardForbidden = v.Get("pm_r_forbidden", c.RewardForbidden)
	c.RewardTarget = v.Get("pm_r_target", c.RewardTarget)
	c.RewardOther = v.Get("pm_r_other", c.RewardOther)
	c.ControlCost = v.Get("pm_control_cost", c.ControlCost)
	c.Terminal = v.Get("pm_terminal", b2f(c.Terminal)) != 0
	c.RandomStart = v.Get("pm_random_start", b2f(c.RandomStart)) != 0
	c.MaxSteps = int(v.Get("pm_max_steps", float64(c.MaxSteps)))
	return c, c.Validate()
}

// FromValues builds the environment chosen by "env" (default pendulum),
// the point mass configured by the pm_ values.
func FromValues(v param.Values) (Env, error) {
	i := int(v.Get("env", 0))
	if i < 0 || i >= len(names) || float64(i) != v.Get("env", 0) {
		return nil, fmt.Errorf("control: env %v is not an index of %v", v.Get("env", 0), names)
	}
	if names[i] == "pointmass" {
		c, err := PointMassFromValues(v)
		if err != nil {
			return nil, err
		}
		return NewPointMass(c)
	}
	return New(names[i])
}
