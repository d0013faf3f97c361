package control_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"bellman/sim/control"
)

// refCase is one trajectory of testdata/reference.json, written by
// testdata/reference.py: a transcription of Gymnasium's step functions run
// with NumPy under NumPy 2's promotion rules.
type refCase struct {
	Name    string
	Env     string
	State   []float64
	Actions []float64
	Steps   []struct {
		State      []float64
		Obs        []float64
		Reward     float64
		Terminated bool
	}
}

func loadReference(t *testing.T) []refCase {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []refCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("reference.json has %d cases", len(cases))
	}
	return cases
}

// Gymnasium's numbers to 1e-9 for the same start state and actions.
func TestGymnasiumReference(t *testing.T) {
	const tol = 1e-9
	for _, c := range loadReference(t) {
		env, err := control.New(c.Env)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.SetState(c.State); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		obs := make([]float64, env.ObsDim())
		var state []float64
		for i, want := range c.Steps {
			r, term := env.Step([]float64{c.Actions[i]}, obs)
			state = env.State(state)
			bad := term != want.Terminated || math.Abs(r-want.Reward) > tol
			for j := range state {
				bad = bad || math.Abs(state[j]-want.State[j]) > tol
			}
			for j := range obs {
				bad = bad || math.Abs(obs[j]-want.Obs[j]) > tol
			}
			if bad {
				t.Fatalf("%s step %d (action %v): state %v obs %v reward %v terminated %v\nwant state %v obs %v reward %v terminated %v",
					c.Name, i, c.Actions[i], state, obs, r, term, want.State, want.Obs, want.Reward, want.Terminated)
			}
		}
	}
}
