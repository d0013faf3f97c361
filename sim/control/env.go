package control

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Env is a continuous-state environment. Reset and Step write the
// observation into obs (length ObsDim) and allocate nothing. Buffers of the
// wrong length are programmer errors and panic.
type Env interface {
	// Name is the name New accepts, e.g. "pendulum".
	Name() string
	// ObsDim is the length of an observation.
	ObsDim() int
	// ActDim is the length of an action.
	ActDim() int
	// ActionBounds returns new slices with the smallest and largest value
	// of each action component; Step clips actions to them.
	ActionBounds() (lo, hi []float64)
	// StateDim is the length of the internal state.
	StateDim() int
	// MaxEpisodeSteps is the environment's time limit (Gymnasium's for
	// its environments), used by NewTimeLimit.
	MaxEpisodeSteps() int

	// Reset draws a start state from the environment's start distribution
	// (Gymnasium's for its environments) using rng only, and writes its
	// observation.
	Reset(rng *rand.Rand, obs []float64)
	// SetState sets the internal state (length StateDim), as a fresh
	// episode. Wrong lengths and non-finite values are errors.
	SetState(state []float64) error
	// State writes the internal state into dst, reallocated if it is too
	// short, and returns it.
	State(dst []float64) []float64
	// Step applies action (length ActDim), writes the next observation and
	// returns the reward and whether the episode terminated.
	Step(action, obs []float64) (reward float64, terminated bool)

	// Plane is the 2D slice of the state space drawn as a heatmap.
	Plane() Plane
	// PlaneObs writes the observation of the state at (u, v) in the plane.
	PlaneObs(u, v float64, obs []float64)
	// PlanePoint returns the coordinates of an internal state in the plane.
	PlanePoint(state []float64) (u, v float64)
}

// Discrete is an environment whose action is one of NumActions choices.
// The action has length 1 and holds the choice's index as a number; Step
// takes the nearest index in [0, NumActions), so 0.4 means 0 and 0.6 or 7
// mean 1 for two choices.
type Discrete interface {
	Env
	NumActions() int
}

// Plane is a rectangle in a 2D slice of the state space: X and Y label
// the two state variables shown, and the other variables are fixed (see
// each environment's PlaneObs).
type Plane struct {
	XLabel, YLabel string
	XMin, XMax     float64
	YMin, YMax     float64
}

// names lists the environments in the order of Names.
var names = []string{"pendulum", "mountaincar", "cartpole", "cartpole-discrete", "pointmass",
	"mountaincar-discrete", "acrobot"}

// Names returns the names New accepts.
func Names() []string { return append([]string(nil), names...) }

// New returns a fresh environment by name, the point mass with its
// default layout. Call Reset or SetState before Step; wrap it with
// NewTimeLimit(env, 0) for Gymnasium's episode lengths.
func New(name string) (Env, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "pendulum":
		return NewPendulum(), nil
	case "mountaincar":
		return NewMountainCar(), nil
	case "cartpole":
		return NewCartPole(), nil
	case "cartpole-discrete":
		return NewCartPoleDiscrete(), nil
	case "pointmass":
		return NewPointMass(DefaultPointMass())
	case "mountaincar-discrete":
		return NewMountainCarDiscrete(), nil
	case "acrobot":
		return NewAcrobot(), nil
	}
	return nil, fmt.Errorf("control: unknown environment %q (valid: %s)", name, strings.Join(names, ", "))
}

// checkStep panics when the buffers passed to Step have the wrong length.
func checkStep(name string, action []float64, actDim int, obs []float64, obsDim int) {
	if len(action) != actDim {
		panic(fmt.Sprintf("control: %s: action has length %d, want %d", name, len(action), actDim))
	}
	checkObs(name, obs, obsDim)
}

// checkObs panics when an observation buffer has the wrong length.
func checkObs(name string, obs []float64, obsDim int) {
	if len(obs) != obsDim {
		panic(fmt.Sprintf("control: %s: obs has length %d, want %d", name, len(obs), obsDim))
	}
}

// checkState reports a state of the wrong length or with non-finite values.
func checkState(name string, state []float64, dim int) error {
	if len(state) != dim {
		return fmt.Errorf("control: %s: state has %d values, want %d", name, len(state), dim)
	}
	for i, v := range state {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("control: %s: state value %d is %v", name, i, v)
		}
	}
	return nil
}

// grow returns dst resized to n, reusing its storage when it is big enough.
func grow(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}

// f32 rounds x to float32, as NumPy does when it stores into a float32 array.
func f32(x float64) float64 { return float64(float32(x)) }

// uniform draws from [lo, hi) the way NumPy's Generator.uniform does.
func uniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo + float64((hi-lo)*rng.Float64())
}

// clip limits x to [lo, hi]; NaN stays NaN, as with np.clip.
func clip(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// NumActions returns the number of discrete actions of env, looking
// through a TimeLimit, or 0 if its actions are continuous.
func NumActions(env Env) int {
	if t, ok := env.(*TimeLimit); ok {
		env = t.Env
	}
	if d, ok := env.(Discrete); ok {
		return d.NumActions()
	}
	return 0
}
