package control_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"bellman/sim/control"
	"bellman/sim/features"
)

// Every environment names its observation's columns; the state columns
// are among them; the raw values follow the observation, with the
// pendulum's and acrobot's angles recovered from their cosines and sines,
// and the bounded ones stay within their ranges.
func TestColumns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, name := range control.Names() {
		env := control.NewTimeLimit(newEnv(t, name), 0)
		cols, state := control.Columns(env)
		if len(cols) < env.ObsDim() || len(state) < 2 {
			t.Fatalf("%s: %d columns for %d observations, state %v", name, len(cols), env.ObsDim(), state)
		}
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		for _, s := range state {
			if !slices.Contains(names, s) {
				t.Errorf("%s: state column %q is not a column (%v)", name, s, names)
			}
		}
		// The tile coding of the state compiles.
		spec, _ := features.Resolve("tiles8x8", features.StatePresets(state))
		if _, err := features.New(spec, cols); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		obs := make([]float64, env.ObsDim())
		act := make([]float64, env.ActDim())
		var raw []float64
		env.Reset(rng, obs)
		for i := 0; i < 300; i++ {
			lo, hi := env.ActionBounds()
			for j := range act {
				act[j] = lo[j] + (hi[j]-lo[j])*rng.Float64()
			}
			_, term, trunc := env.StepTrunc(act, obs)
			raw = control.RawColumns(env, obs, raw)
			if len(raw) != len(cols) {
				t.Fatalf("%s: %d raw values for %d columns", name, len(raw), len(cols))
			}
			for j := range obs {
				if raw[j] != obs[j] {
					t.Fatalf("%s: raw %v does not start with obs %v", name, raw, obs)
				}
			}
			s := env.State(nil)
			switch name {
			case "acrobot":
				if math.Abs(raw[6]-s[0]) > 1e-6 || math.Abs(raw[7]-s[1]) > 1e-6 {
					t.Fatalf("acrobot: angles %v, state %v", raw[6:], s)
				}
			case "pendulum":
				if d := math.Abs(math.Remainder(raw[3]-s[0], 2*math.Pi)); d > 1e-6 {
					t.Fatalf("pendulum: angle %v, state %v", raw[3], s)
				}
			}
			if name != "cartpole" && name != "cartpole-discrete" {
				for j, c := range cols {
					if raw[j] < c.Min-1e-6 || raw[j] > c.Max+1e-6 {
						t.Fatalf("%s: %s = %v outside [%v, %v]", name, c.Name, raw[j], c.Min, c.Max)
					}
				}
			}
			if term || trunc {
				env.Reset(rng, obs)
			}
		}
		if n := testing.AllocsPerRun(100, func() { raw = control.RawColumns(env, obs, raw) }); n != 0 {
			t.Errorf("%s: RawColumns allocates %v times", name, n)
		}
	}
}
