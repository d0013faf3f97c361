package proto

import "math"

// RampSeconds is how long a lesson with a Ramp takes to reach its Speed.
// The speed rises geometrically (doubling at a constant rate), so that the
// first episodes can be followed at Ramp steps a second and the lesson's
// point still comes within about 20 seconds.
const RampSeconds = 10

// SpeedAt returns the lesson's speed t seconds after it opened: Speed, or
// with a Ramp, Ramp·(Speed/Ramp)^(t/RampSeconds) until RampSeconds. 0 means
// as fast as possible.
func (l Lesson) SpeedAt(t float64) float64 {
	if l.Ramp <= 0 || l.Speed <= l.Ramp || t >= RampSeconds {
		return l.Speed
	}
	return l.Ramp * math.Pow(l.Speed/l.Ramp, math.Max(t, 0)/RampSeconds)
}

// StepsWithin returns the steps (planning: sweeps) the lesson takes in its
// first t seconds at SpeedAt, +Inf for a lesson that runs as fast as it can.
func (l Lesson) StepsWithin(t float64) float64 {
	if l.Speed == 0 {
		return math.Inf(1)
	}
	if l.Ramp <= 0 || l.Speed <= l.Ramp || t <= 0 {
		return l.Speed * math.Max(t, 0)
	}
	// ∫ r·q^(u/T) du = r·T·(q^(u/T) − 1)/ln q over the ramp, then Speed.
	ramp := math.Min(t, RampSeconds)
	q := l.Speed / l.Ramp
	steps := l.Ramp * RampSeconds * (math.Pow(q, ramp/RampSeconds) - 1) / math.Log(q)
	return steps + l.Speed*(t-ramp)
}
