package control

import (
	"math"

	"bellman/sim/features"
)

// Columns returns the raw feature columns of env's observations (see
// package features), looking through a TimeLimit, and the names of those
// that make up its state, over which tile coding is natural. Each
// observation component is a column; the angles of the pendulum and the
// acrobot are added as columns of their own, recovered from their cosine
// and sine. Ranges are the observation bounds, or for unbounded
// velocities a range that covers what balancing reaches.
func Columns(env Env) (cols []features.Column, state []string) {
	if t, ok := env.(*TimeLimit); ok {
		env = t.Env
	}
	c := func(name string, lo, hi float64, help string) features.Column {
		return features.Column{Name: name, Min: lo, Max: hi, Help: help}
	}
	pi := math.Pi
	switch e := env.(type) {
	case *Pendulum:
		return []features.Column{
			c("cos_th", -1, 1, "cos θ"), c("sin_th", -1, 1, "sin θ"),
			c("dth", -PendulumMaxSpeed, PendulumMaxSpeed, "angular velocity θ̇ (rad/s)"),
			c("th", -pi, pi, "angle θ from upright (rad)"),
		}, []string{"th", "dth"}
	case *MountainCar, *MountainCarDiscrete:
		return []features.Column{
			c("position", MountainCarMinPosition, MountainCarMaxPosition, "position of the car"),
			c("velocity", -MountainCarMaxSpeed, MountainCarMaxSpeed, "velocity of the car"),
		}, []string{"position", "velocity"}
	case *CartPole, *CartPoleDiscrete:
		return []features.Column{
			c("x", -CartPoleXThreshold, CartPoleXThreshold, "cart position (m)"),
			c("dx", -3, 3, "cart velocity (m/s)"),
			c("th", -cpThetaThreshold, cpThetaThreshold, "pole angle (rad)"),
			c("dth", -3.5, 3.5, "pole angular velocity (rad/s)"),
		}, []string{"x", "dx", "th", "dth"}
	case *Acrobot:
		return []features.Column{
			c("cos_th1", -1, 1, "cos θ₁"), c("sin_th1", -1, 1, "sin θ₁"),
			c("cos_th2", -1, 1, "cos θ₂"), c("sin_th2", -1, 1, "sin θ₂"),
			c("dth1", -acMaxVel1, acMaxVel1, "first joint's velocity θ̇₁ (rad/s)"),
			c("dth2", -acMaxVel2, acMaxVel2, "second joint's velocity θ̇₂ (rad/s)"),
			c("th1", -pi, pi, "first joint's angle θ₁, 0 hanging down (rad)"),
			c("th2", -pi, pi, "second joint's angle θ₂, relative to the first link (rad)"),
		}, []string{"th1", "th2", "dth1", "dth2"}
	case *PointMass:
		v := e.cfg.Gain / math.Max(e.cfg.Damping, 0.1) // terminal speed
		return []features.Column{
			c("x", 0, 1, "position x"), c("y", 0, 1, "position y"),
			c("vx", -v, v, "velocity x"), c("vy", -v, v, "velocity y"),
		}, []string{"x", "y", "vx", "vy"}
	}
	return nil, nil
}

// RawColumns writes the raw columns of an observation of env into dst (in
// the order of Columns) and returns it, reallocated if it is too short.
func RawColumns(env Env, obs, dst []float64) []float64 {
	if t, ok := env.(*TimeLimit); ok {
		env = t.Env
	}
	switch env.(type) {
	case *Pendulum:
		dst = grow(dst, 4)
		copy(dst, obs[:3])
		dst[3] = math.Atan2(obs[1], obs[0])
	case *Acrobot:
		dst = grow(dst, 8)
		copy(dst, obs[:6])
		dst[6] = math.Atan2(obs[1], obs[0])
		dst[7] = math.Atan2(obs[3], obs[2])
	default:
		dst = grow(dst, len(obs))
		copy(dst, obs)
	}
	return dst
}
