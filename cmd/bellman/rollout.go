package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"bellman/sim/control"
)

// rolloutStdin is where "--actions -" reads from (tests replace it).
var rolloutStdin io.Reader = os.Stdin

// maxRolloutInput bounds the size of an actions file.
const maxRolloutInput = 64 << 20

// rolloutResult is the JSON rollout prints: entry i of each list is the
// outcome of action i.
type rolloutResult struct {
	States     [][]float64 `json:"states"` // internal state after the step
	Obs        [][]float64 `json:"obs"`    // observation after the step
	Rewards    []float64   `json:"rewards"`
	Terminated []bool      `json:"terminated"`
	Truncated  []bool      `json:"truncated"` // the time limit was reached (Gymnasium's TimeLimit)
}

// stateHelp names the internal state of each environment.
var stateHelp = map[string]string{
	"pendulum":             "θ,θ̇ (θ = 0 upright)",
	"mountaincar":          "position,velocity",
	"cartpole":             "x,ẋ,θ,θ̇",
	"cartpole-discrete":    "x,ẋ,θ,θ̇",
	"pointmass":            "x,y,vx,vy (x, y in [0, 1])",
	"mountaincar-discrete": "position,velocity",
	"acrobot":              "θ₁,θ₂,θ̇₁,θ̇₂ (θ₁ = 0 hanging down, θ₂ relative to the first link)",
}

func runRollout(args []string, stdout io.Writer) error {
	fs := newFlags("rollout")
	envName := fs.String("env", "", "environment: "+strings.Join(control.Names(), ", "))
	stateText := fs.String("state", "", "start state, comma-separated: pendulum θ,θ̇; mountaincar and mountaincar-discrete position,velocity; cartpole x,ẋ,θ,θ̇; pointmass x,y,vx,vy; acrobot θ₁,θ₂,θ̇₁,θ̇₂")
	actionsFile := fs.String("actions", "", "JSON array of actions (numbers, or arrays for several components; cartpole-discrete 0 or 1; mountaincar-discrete and acrobot 0, 1 or 2) in a file, or - for stdin")
	tfFile := addTFRecordFlag(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *envName == "" {
		return fmt.Errorf("--env is required (%s)", strings.Join(control.Names(), ", "))
	}
	env, err := control.New(*envName)
	if err != nil {
		return err
	}
	name := env.Name()
	if *stateText == "" {
		return fmt.Errorf("--state is required: %s for %s", stateHelp[name], name)
	}
	state, err := parseNumbers(*stateText)
	if err != nil {
		return fmt.Errorf("--state: %v", err)
	}
	if len(state) != env.StateDim() {
		return fmt.Errorf("--state: %s takes %d values (%s), got %d", name, env.StateDim(), stateHelp[name], len(state))
	}
	if *actionsFile == "" {
		return errors.New("--actions is required: a JSON file of actions, or - for stdin")
	}
	actions, err := readActions(*actionsFile, env)
	if err != nil {
		return err
	}
	tl := control.NewTimeLimit(env, 0)
	if err := tl.SetState(state); err != nil {
		return fmt.Errorf("--state: %v", err)
	}
	res := rolloutResult{States: [][]float64{}, Obs: [][]float64{}, Rewards: []float64{}, Terminated: []bool{}, Truncated: []bool{}}
	for _, a := range actions {
		obs := make([]float64, env.ObsDim())
		r, term, trunc := tl.StepTrunc(a, obs)
		res.States = append(res.States, tl.State(nil))
		res.Obs = append(res.Obs, obs)
		res.Rewards = append(res.Rewards, r)
		res.Terminated = append(res.Terminated, term)
		res.Truncated = append(res.Truncated, trunc)
		if term {
			break
		}
	}
	for i, s := range res.States {
		for _, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("the state became %v at step %d: the actions drove the simulation out of range", v, i+1)
			}
		}
	}
	if err := writeRollout(*tfFile, name, state, actions, res); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// parseNumbers reads comma-separated finite numbers.
func parseNumbers(text string) ([]float64, error) {
	parts := strings.Split(text, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %d, %q, is not a finite number", i+1, strings.TrimSpace(p))
		}
		out[i] = v
	}
	return out, nil
}

// readActions reads a JSON array of actions for env from a file or, for
// "-", from stdin. An action is a number or an array of ActDim numbers; a
// discrete environment's action is an index from 0 to NumActions − 1.
func readActions(file string, env control.Env) ([][]float64, error) {
	var r io.Reader = rolloutStdin
	src := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("cannot read actions file %q", file)
		}
		defer f.Close()
		r, src = f, file
	}
	data, err := io.ReadAll(io.LimitReader(r, maxRolloutInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading actions from %s: %v", src, err)
	}
	if len(data) > maxRolloutInput {
		return nil, fmt.Errorf("actions from %s: more than %d bytes", src, maxRolloutInput)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		if err == nil {
			err = errors.New("null")
		}
		return nil, fmt.Errorf("actions from %s: want a JSON array of actions: %v", src, err)
	}
	n := env.ActDim()
	discrete := control.NumActions(env)
	want := "a number"
	if n > 1 {
		want = fmt.Sprintf("an array of %d numbers", n)
	}
	actions := make([][]float64, len(raw))
	for i, m := range raw {
		m = bytes.TrimSpace(m)
		var a []float64
		var x float64
		if err := json.Unmarshal(m, &x); err == nil && len(m) > 0 && m[0] != 'n' {
			a = []float64{x}
		} else if err := json.Unmarshal(m, &a); err != nil || a == nil {
			return nil, fmt.Errorf("action %d is %s, want %s", i+1, short(m), want)
		}
		if len(a) != n {
			return nil, fmt.Errorf("action %d has %d values, %s takes %s", i+1, len(a), env.Name(), want)
		}
		if discrete > 0 && (a[0] != math.Trunc(a[0]) || a[0] < 0 || int(a[0]) >= discrete) {
			return nil, fmt.Errorf("action %d is %v: %s takes an index from 0 to %d", i+1, a[0], env.Name(), discrete-1)
		}
		actions[i] = a
	}
	return actions, nil
}

// short returns a JSON value for an error message, cut to 40 bytes.
func short(m []byte) string {
	s := string(m)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
