package control

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Shape is the shape of a Region.
type Shape uint8

// Region shapes.
const (
	RectShape   Shape = iota // the closed box [X0, X1] × [Y0, Y1]
	CircleShape              // the closed disc of radius R around (CX, CY)
)

// Region is a rectangle or a disc in the point mass's unit square.
type Region struct {
	Shape          Shape
	X0, Y0, X1, Y1 float64 // RectShape
	CX, CY, R      float64 // CircleShape
}

// Rect returns the box [x0, x1] × [y0, y1].
func Rect(x0, y0, x1, y1 float64) Region {
	return Region{Shape: RectShape, X0: x0, Y0: y0, X1: x1, Y1: y1}
}

// Circle returns the disc of radius r around (cx, cy).
func Circle(cx, cy, r float64) Region { return Region{Shape: CircleShape, CX: cx, CY: cy, R: r} }

// Contains reports whether (x, y) lies in the region, its edge included.
func (g Region) Contains(x, y float64) bool {
	if g.Shape == CircleShape {
		dx, dy := x-g.CX, y-g.CY
		return float64(dx*dx)+float64(dy*dy) <= float64(g.R*g.R)
	}
	return x >= g.X0 && x <= g.X1 && y >= g.Y0 && y <= g.Y1
}

func (g Region) validate() error {
	in := func(v float64) bool { return v >= 0 && v <= 1 }
	switch g.Shape {
	case RectShape:
		if !in(g.X0) || !in(g.X1) || !in(g.Y0) || !in(g.Y1) {
			return fmt.Errorf("rectangle [%g, %g]×[%g, %g] leaves the unit square", g.X0, g.X1, g.Y0, g.Y1)
		}
		if !(g.X0 < g.X1 && g.Y0 < g.Y1) {
			return fmt.Errorf("rectangle [%g, %g]×[%g, %g] is empty", g.X0, g.X1, g.Y0, g.Y1)
		}
	case CircleShape:
		if !in(g.CX) || !in(g.CY) {
			return fmt.Errorf("circle centre (%g, %g) is outside the unit square", g.CX, g.CY)
		}
		if !(g.R > 0 && g.R <= 1) {
			return fmt.Errorf("circle radius %g is not in (0, 1]", g.R)
		}
	default:
		return fmt.Errorf("unknown shape %d", g.Shape)
	}
	return nil
}

// BookCell returns the cell (row, col) of the book's 5x5 grid world as a
// rectangle of the unit square: row 0 at the top (y near 1), col 0 on the
// left, each cell 0.2 wide.
func BookCell(row, col int) Region {
	return Rect(float64(col)/5, float64(4-row)/5, float64(col+1)/5, float64(5-row)/5)
}

// MaxRegions bounds the number of forbidden regions.
const MaxRegions = 64

// PointMassConfig is the layout and physics of the point-mass world.
type PointMassConfig struct {
	Dt      float64 // time step, s
	Gain    float64 // acceleration per unit of force, 1/s²
	Damping float64 // velocity damping rate, 1/s; Damping·Dt < 1

	Forbidden []Region // stepping inside any of them pays RewardForbidden
	Target    Region   // stepping inside pays RewardTarget
	Terminal  bool     // reaching the target ends the episode

	RewardBoundary  float64 // for a step that bumps into a wall
	RewardForbidden float64 // for a step that ends in a forbidden region
	RewardTarget    float64 // for a step that ends in the target
	RewardOther     float64 // for every step
	ControlCost     float64 // c in the cost c·|F|² per step

	RandomStart bool       // start uniformly in the free space, else at Start
	Start       [2]float64 // start position when !RandomStart
	MaxSteps    int        // episode length for NewTimeLimit
}

// DefaultPointMass returns the book's 5x5 world (Zhao, Figure 3.4) made
// continuous: forbidden cells (1,1), (1,2), (2,2), (3,1), (3,3), (4,1) and
// the target cell (3,2) as rectangles; rewards −1 for a wall, −1 in a
// forbidden cell, +1 in the target, 0 otherwise, the target not terminal;
// Dt 0.1 s, gain 2, damping 2 (top speed 1 per second, half a cell a step);
// control cost 0.01·|F|²; random starts; 200 steps per episode.
func DefaultPointMass() PointMassConfig {
	return PointMassConfig{
		Dt: 0.1, Gain: 2, Damping: 2,
		Forbidden: []Region{BookCell(1, 1), BookCell(1, 2), BookCell(2, 2),
			BookCell(3, 1), BookCell(3, 3), BookCell(4, 1)},
		Target:         BookCell(3, 2),
		RewardBoundary: -1, RewardForbidden: -1, RewardTarget: 1, RewardOther: 0,
		ControlCost: 0.01,
		RandomStart: true,
		Start:       [2]float64{0.1, 0.9},
		MaxSteps:    200,
	}
}

// Validate reports the first bad value in one line.
func (c PointMassConfig) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !(c.Dt > 0 && c.Dt <= 1):
		return fmt.Errorf("pointmass: time step %g is not in (0, 1]", c.Dt)
	case !(c.Gain > 0 && finite(c.Gain)):
		return fmt.Errorf("pointmass: gain %g is not positive", c.Gain)
	case !(c.Damping >= 0 && c.Damping*c.Dt < 1):
		return fmt.Errorf("pointmass: damping %g must be ≥ 0 with damping·dt < 1", c.Damping)
	case len(c.Forbidden) > MaxRegions:
		return fmt.Errorf("pointmass: %d forbidden regions, at most %d", len(c.Forbidden), MaxRegions)
	case !(c.ControlCost >= 0 && finite(c.ControlCost)):
		return fmt.Errorf("pointmass: control cost %g is not ≥ 0", c.ControlCost)
	case !(c.Start[0] >= 0 && c.Start[0] <= 1 && c.Start[1] >= 0 && c.Start[1] <= 1):
		return fmt.Errorf("pointmass: start (%g, %g) is outside the unit square", c.Start[0], c.Start[1])
	case c.MaxSteps < 1:
		return fmt.Errorf("pointmass: episode length %d is not ≥ 1", c.MaxSteps)
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"boundary", c.RewardBoundary}, {"forbidden", c.RewardForbidden},
		{"target", c.RewardTarget}, {"other", c.RewardOther}} {
		if !finite(r.v) {
			return fmt.Errorf("pointmass: reward %s is %g", r.name, r.v)
		}
	}
	for i, g := range c.Forbidden {
		if err := g.validate(); err != nil {
			return fmt.Errorf("pointmass: forbidden region %d: %v", i, err)
		}
	}
	if err := c.Target.validate(); err != nil {
		return fmt.Errorf("pointmass: target: %v", err)
	}
	return nil
}

// PointMass is a point with velocity in the unit square [0, 1]², pushed by
// a force F ∈ [−1, 1]² (action, clipped). The state and observation are
// (x, y, vx, vy). A step integrates with semi-implicit Euler and damping,
//
//	v ← v + Dt·(Gain·F − Damping·v),  p ← p + Dt·v,
//
// then clamps p to the square, zeroing the velocity along an axis whose wall
// it bumped. The reward is RewardOther − ControlCost·|F|², plus
// RewardBoundary if it bumped a wall, RewardForbidden if p is in a forbidden
// region and RewardTarget if p is in the target. Like the book's grid world
// the task goes on after the target unless Terminal is set.
type PointMass struct {
	cfg            PointMassConfig
	x, y, vx, vy   float64
	lastFx, lastFy float64
	bumped         bool
}

// NewPointMass returns a point mass at cfg.Start, or an error if cfg is
// not valid. It keeps its own copy of the regions.
func NewPointMass(cfg PointMassConfig) (*PointMass, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Forbidden = append([]Region(nil), cfg.Forbidden...)
	return &PointMass{cfg: cfg, x: cfg.Start[0], y: cfg.Start[1]}, nil
}

// Config returns the world's configuration (a copy of its regions).
func (p *PointMass) Config() PointMassConfig {
	c := p.cfg
	c.Forbidden = append([]Region(nil), c.Forbidden...)
	return c
}

// Name returns "pointmass".
func (p *PointMass) Name() string { return "pointmass" }

// ObsDim returns 4.
func (p *PointMass) ObsDim() int { return 4 }

// ActDim returns 2.
func (p *PointMass) ActDim() int { return 2 }

// StateDim returns 4.
func (p *PointMass) StateDim() int { return 4 }

// MaxEpisodeSteps returns the configured episode length.
func (p *PointMass) MaxEpisodeSteps() int { return p.cfg.MaxSteps }

// ActionBounds returns [−1, −1], [1, 1].
func (p *PointMass) ActionBounds() (lo, hi []float64) {
	return []float64{-1, -1}, []float64{1, 1}
}

// resetTries bounds the rejection sampling of a random start.
const resetTries = 1000

// Reset starts at rest: with RandomStart, at a uniform point of the square
// outside the forbidden regions and the target (after 1000 rejected draws,
// at Start); otherwise at Start.
func (p *PointMass) Reset(rng *rand.Rand, obs []float64) {
	checkObs("pointmass", obs, 4)
	p.x, p.y = p.cfg.Start[0], p.cfg.Start[1]
	if p.cfg.RandomStart {
		for i := 0; i < resetTries; i++ {
			x, y := rng.Float64(), rng.Float64()
			if !p.inForbidden(x, y) && !p.cfg.Target.Contains(x, y) {
				p.x, p.y = x, y
				break
			}
		}
	}
	p.vx, p.vy = 0, 0
	p.lastFx, p.lastFy, p.bumped = 0, 0, false
	p.obs(obs)
}

// SetState sets (x, y, vx, vy); the position must lie in the unit square.
func (p *PointMass) SetState(state []float64) error {
	if err := checkState("pointmass", state, 4); err != nil {
		return err
	}
	if state[0] < 0 || state[0] > 1 || state[1] < 0 || state[1] > 1 {
		return fmt.Errorf("control: pointmass: position (%g, %g) is outside the unit square", state[0], state[1])
	}
	p.x, p.y, p.vx, p.vy = state[0], state[1], state[2], state[3]
	p.lastFx, p.lastFy, p.bumped = 0, 0, false
	return nil
}

// State writes (x, y, vx, vy) into dst.
func (p *PointMass) State(dst []float64) []float64 {
	dst = grow(dst, 4)
	dst[0], dst[1], dst[2], dst[3] = p.x, p.y, p.vx, p.vy
	return dst
}

// LastForce returns the clipped force of the last step, for drawing.
func (p *PointMass) LastForce() (fx, fy float64) { return p.lastFx, p.lastFy }

// Bumped reports whether the last step hit a wall.
func (p *PointMass) Bumped() bool { return p.bumped }

func (p *PointMass) inForbidden(x, y float64) bool {
	for i := range p.cfg.Forbidden {
		if p.cfg.Forbidden[i].Contains(x, y) {
			return true
		}
	}
	return false
}

// wall clamps a coordinate to [0, 1], zeroing its velocity on a bump.
func wall(pos, vel float64) (float64, float64, bool) {
	if pos < 0 {
		return 0, 0, true
	}
	if pos > 1 {
		return 1, 0, true
	}
	return pos, vel, false
}

// Step pushes the point with the force (action[0], action[1]).
func (p *PointMass) Step(action, obs []float64) (reward float64, terminated bool) {
	checkStep("pointmass", action, 2, obs, 4)
	c := &p.cfg
	fx, fy := clip(action[0], -1, 1), clip(action[1], -1, 1)
	p.lastFx, p.lastFy = fx, fy
	// The conversions forbid fused multiply-adds, so that every platform
	// computes the same trajectory.
	p.vx += float64(c.Dt * (float64(c.Gain*fx) - float64(c.Damping*p.vx)))
	p.vy += float64(c.Dt * (float64(c.Gain*fy) - float64(c.Damping*p.vy)))
	var bx, by bool
	p.x, p.vx, bx = wall(p.x+float64(c.Dt*p.vx), p.vx)
	p.y, p.vy, by = wall(p.y+float64(c.Dt*p.vy), p.vy)
	p.bumped = bx || by
	reward = c.RewardOther - float64(c.ControlCost*(float64(fx*fx)+float64(fy*fy)))
	if p.bumped {
		reward += c.RewardBoundary
	}
	if p.inForbidden(p.x, p.y) {
		reward += c.RewardForbidden
	}
	if c.Target.Contains(p.x, p.y) {
		reward += c.RewardTarget
		terminated = c.Terminal
	}
	p.obs(obs)
	return reward, terminated
}

func (p *PointMass) obs(obs []float64) {
	obs[0], obs[1], obs[2], obs[3] = p.x, p.y, p.vx, p.vy
}

// Plane is x ∈ [0, 1] by y ∈ [0, 1] at zero velocity.
func (p *PointMass) Plane() Plane {
	return Plane{XLabel: "x", YLabel: "y", XMin: 0, XMax: 1, YMin: 0, YMax: 1}
}

// PlaneObs writes the observation (u, v, 0, 0).
func (p *PointMass) PlaneObs(u, v float64, obs []float64) {
	checkObs("pointmass", obs, 4)
	obs[0], obs[1], obs[2], obs[3] = u, v, 0, 0
}

// PlanePoint returns (x, y).
func (p *PointMass) PlanePoint(state []float64) (u, v float64) { return state[0], state[1] }
