package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"bellman/sim/control"
	"bellman/sim/param"
	"bellman/sim/strictjson"
)

// rolloutStdin is where "--actions -" reads from (tests replace it).
var rolloutStdin io.Reader = os.Stdin

// Limits of rollout's input. The actions are read one at a time, so memory
// does not grow with the input; the steps taken stop at the episode's end
// (at most the time limit, 999 steps), so neither does the output.
const maxRolloutActions = 1_000_000 // actions in the array

// maxRolloutInput bounds the bytes of the actions (a variable so that a
// test can check the cap on a small input).
var maxRolloutInput = 64 << 20

// rolloutResult is the JSON rollout prints: entry i of each list is the
// outcome of action i.
type rolloutResult struct {
	States     [][]float64 `json:"states"` // internal state after the step
	Obs        [][]float64 `json:"obs"`    // observation after the step
	Rewards    []float64   `json:"rewards"`
	Terminated []bool      `json:"terminated"`
	Truncated  []bool      `json:"truncated"` // the time limit was reached (Gymnasium's TimeLimit)
}

// stateNames names the internal state of each environment, value by value.
var stateNames = map[string][]string{
	"pendulum":          {"θ", "θ̇"},
	"mountaincar":       {"position", "velocity"},
	"cartpole":          {"x", "ẋ", "θ", "θ̇"},
	"cartpole-discrete": {"x", "ẋ", "θ", "θ̇"},
	"pointmass":         {"x", "y", "vx", "vy"},
	// The discrete tasks.
	"mountaincar-discrete": {"position", "velocity"},
	"acrobot":              {"θ₁", "θ₂", "θ̇₁", "θ̇₂"},
}

// stateHelp describes the internal state of each environment.
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
	tl := control.NewTimeLimit(env, 0)
	if err := tl.SetState(state); err != nil {
		return fmt.Errorf("--state: %v", err)
	}
	res := rolloutResult{States: [][]float64{}, Obs: [][]float64{}, Rewards: []float64{}, Terminated: []bool{}, Truncated: []bool{}}
	done := false
	var applied [][]float64 // at most the time limit's steps, for --tfrecord
	err = readActions(*actionsFile, env, func(i int, a []float64) error {
		if done {
			return nil // past the episode's end: checked, not applied
		}
		applied = append(applied, append([]float64(nil), a...))
		obs := make([]float64, env.ObsDim())
		r, term, trunc := tl.StepTrunc(a, obs)
		st := tl.State(nil)
		if err := checkRolloutStep(name, state, i+1, r, st, obs); err != nil {
			return err
		}
		res.States = append(res.States, st)
		res.Obs = append(res.Obs, obs)
		res.Rewards = append(res.Rewards, r)
		res.Terminated = append(res.Terminated, term)
		res.Truncated = append(res.Truncated, trunc)
		done = term || trunc
		return nil
	})
	if err != nil {
		return err
	}
	if err := writeRollout(*tfFile, name, state, applied, res); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// checkRolloutStep reports a reward, state or observation of step that is
// not finite. When the start state holds a value whose square overflows
// (the dynamics and costs square the state), the error names it: "pendulum
// state θ̇ = 1e+308 overflows: ...".
func checkRolloutStep(env string, start []float64, step int, reward float64, state, obs []float64) error {
	names := stateNames[env]
	what, v := "", 0.0
	switch {
	case !finite(reward):
		what, v = "the reward", reward
	default:
		for i, x := range state {
			if !finite(x) {
				what, v = "the state's "+names[i], x
				break
			}
		}
		for i, x := range obs {
			if what == "" && !finite(x) {
				what, v = fmt.Sprintf("observation %d", i), x
			}
		}
	}
	if what == "" {
		return nil
	}
	happened := fmt.Sprintf("%s became %s at step %d", what, param.Format(v), step)
	for i, x := range start {
		if math.Abs(x) > math.Sqrt(math.MaxFloat64) {
			return fmt.Errorf("%s state %s = %s overflows: %s", env, names[i], param.Format(x), happened)
		}
	}
	for i, x := range start {
		if strings.HasPrefix(what, "observation") && math.Abs(x) > math.MaxFloat32 {
			return fmt.Errorf("%s state %s = %s overflows the observation, which is float32 as in Gymnasium: %s", env, names[i], param.Format(x), happened)
		}
	}
	return fmt.Errorf("%s: the start state and actions drove the simulation out of range", happened)
}

// parseNumbers reads comma-separated finite numbers.
func parseNumbers(text string) ([]float64, error) {
	parts := strings.Split(text, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %d, %s, is not a finite number", i+1, strictjson.Short(strings.TrimSpace(p)))
		}
		out[i] = v
	}
	return out, nil
}

// readActions reads a JSON array of actions for env from a file or, for
// "-", from stdin, one action at a time, and calls apply with each in
// order (i from 0). An action is a number or an array of ActDim numbers; a
// discrete environment's action is an index from 0 to NumActions − 1. The
// input is at most maxRolloutInput bytes and maxRolloutActions actions.
func readActions(file string, env control.Env, apply func(i int, a []float64) error) error {
	var r io.Reader = rolloutStdin
	src := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("cannot read actions file %s", strictjson.Short(file))
		}
		defer f.Close()
		r, src = f, file
	}
	errCap := fmt.Errorf("%w of %s", errInputCap, strictjson.Bytes(maxRolloutInput))
	dec := json.NewDecoder(&cappedReader{r: r, left: maxRolloutInput, cap: errCap})
	started := false // the array began: an end of input now is early
	bad := func(err error) error {
		if errors.Is(err, errInputCap) {
			return fmt.Errorf("actions from %s: %v", src, err)
		}
		if started && errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("actions from %s: want a JSON array of actions: %s", src, strictjson.Message(err))
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = fmt.Errorf("it begins with %v", tokenText(tok))
		}
		return bad(err)
	}
	started = true
	n := env.ActDim()
	discrete := control.NumActions(env)
	want := "a number"
	if n > 1 {
		want = fmt.Sprintf("an array of %d numbers", n)
	}
	a := make([]float64, 0, n)
	for i := 0; dec.More(); i++ {
		if i == maxRolloutActions {
			return fmt.Errorf("actions from %s: more than %d actions", src, maxRolloutActions)
		}
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		a = a[:0]
		values := 0 // of an array action: more than n are counted, not kept
		switch t := tok.(type) {
		case float64:
			a, values = append(a, t), 1
		case json.Delim:
			if t != '[' {
				return fmt.Errorf("action %d is an object, want %s", i+1, want)
			}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return bad(err)
				}
				x, ok := tok.(float64)
				if !ok {
					return fmt.Errorf("action %d holds %s, want %s", i+1, tokenText(tok), want)
				}
				if values++; values <= n {
					a = append(a, x)
				}
			}
			if _, err := dec.Token(); err != nil { // the action's ]
				return bad(err)
			}
		default:
			return fmt.Errorf("action %d is %s, want %s", i+1, tokenText(tok), want)
		}
		if values != n {
			return fmt.Errorf("action %d has %d values, %s takes %s", i+1, values, env.Name(), want)
		}
		if discrete > 0 && (a[0] != math.Trunc(a[0]) || a[0] < 0 || int(a[0]) >= discrete) {
			return fmt.Errorf("action %d is %v: %s takes an index from 0 to %d", i+1, a[0], env.Name(), discrete-1)
		}
		if err := apply(i, a); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if !errors.Is(err, errInputCap) {
			err = errors.New("data after the array")
		}
		return bad(err)
	}
	return nil
}

// errInputCap is a cappedReader's error past its limit.
var errInputCap = errors.New("more than the limit")

// cappedReader reads r until left bytes are read, then fails with
// errInputCap, from then on, if r has more.
type cappedReader struct {
	r    io.Reader
	left int
	cap  error // the error past the limit, wrapping errInputCap
	err  error // cap or io.EOF once known
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.left <= 0 {
		var one [1]byte
		c.err = io.EOF
		if n, _ := io.ReadFull(c.r, one[:]); n > 0 {
			c.err = c.cap
		}
		return 0, c.err
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= n
	return n, err
}

// tokenText writes a JSON token for a message.
func tokenText(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case string:
		return strictjson.Short(t)
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		if t == '{' {
			return "an object"
		}
		return string(t)
	}
	return fmt.Sprint(tok)
}
