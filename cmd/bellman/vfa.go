package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"bellman/sim/param"
	"bellman/sim/session"
	"bellman/sim/strictjson"
	"bellman/sim/vfa"
)

// isVFAAgent reports whether args name a linear method with --agent.
func isVFAAgent(args []string) bool {
	name := flagValue(args, "agent")
	for _, m := range vfa.Methods {
		if m.Key == name {
			return true
		}
	}
	return false
}

// flagValue returns the value of flag name in args ("" if absent), as
// --name value or --name=value.
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == "--" {
			return ""
		}
		t := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if t == a {
			continue
		}
		if v, ok := strings.CutPrefix(t, name+"="); ok {
			return v
		}
		if t == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// readSpec reads --features: a JSON spec given inline (starting with
// "{") or the name of a file holding one.
func readSpec(text string) (string, error) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") {
		return t, nil
	}
	data, err := os.ReadFile(t)
	if err != nil {
		return "", fmt.Errorf("--features: %s is neither a JSON spec nor a readable file", strictjson.Short(text))
	}
	return string(data), nil
}

// vfaSettable is a session whose parameters --set assigns.
type vfaSettable interface {
	Schema() param.Schema
	Set(key string, v float64) (string, error)
	SetFeatures(spec string) error
}

// applyVFASets parses --set assignments through the session's schema and
// applies them in schema order, then --features.
func applyVFASets(s vfaSettable, sets []string, spec string) error {
	sc := s.Schema()
	vals := param.Values{}
	for _, a := range sets {
		if err := sc.Set(vals, a); err != nil {
			return fmt.Errorf("--set %v", err)
		}
	}
	for _, sp := range sc {
		if v, ok := vals[sp.Key]; ok {
			if _, err := s.Set(sp.Key, v); err != nil {
				return fmt.Errorf("--set %s: %v", sp.Key, err)
			}
		}
	}
	if spec != "" {
		text, err := readSpec(spec)
		if err != nil {
			return err
		}
		if err := s.SetFeatures(text); err != nil {
			return fmt.Errorf("--features: %v", err)
		}
	}
	return nil
}

// runTrainVFA is "bellman train --world W --agent td-linear|linear-sarsa|
// linear-qlearning ..." and, with --env, "bellman train --env E --agent
// nstep-sarsa-tiles|linear-qlearning ...".
func runTrainVFA(args []string, stdout io.Writer) error {
	fs := newFlags("train")
	world := fs.String("world", "", "built-in world name or world file (td-linear, linear-sarsa, linear-qlearning)")
	env := fs.String("env", "", "control task with discrete actions: "+strings.Join(session.VFAControlEnvs(), ", ")+" (nstep-sarsa-tiles, linear-qlearning)")
	agentName := fs.String("agent", "", "method: "+strings.Join(vfa.MethodNames(true), ", ")+" on a world; "+strings.Join(vfa.MethodNames(false), ", ")+" on an env")
	steps := fs.Int("steps", 0, "environment steps to take; an episode still running at the end is not written")
	seed := fs.Uint64("seed", 1, "seed of the random streams (same seed, same output, natively and under WebAssembly)")
	asJSON := fs.Bool("json", false, "write JSON instead of CSV")
	spec := fs.String("features", "", "feature spec: JSON (starting with {) or a file holding it; overrides --set features=PRESET")
	var sets setFlags
	fs.Var(&sets, "set", "key=value: a parameter of the method, the episodes or the world (repeatable; keys as on the page; features=PRESET)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d: give the number of steps to take (≥ 1)", *steps)
	}
	if (*world == "") == (*env == "") {
		return fmt.Errorf("give --world (for %s) or --env (for %s)", strings.Join(vfa.MethodNames(true), ", "), strings.Join(vfa.MethodNames(false), ", "))
	}
	if *seed > session.MaxSeed {
		return fmt.Errorf("--seed %d is above %d", *seed, uint64(session.MaxSeed))
	}
	out := bufio.NewWriter(stdout)
	var err error
	if *env != "" {
		err = trainVFAEnv(out, *env, *agentName, *seed, *steps, sets, *spec, *asJSON)
	} else {
		err = trainVFAWorld(out, *world, *agentName, *seed, *steps, sets, *spec, *asJSON)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

func trainVFAWorld(out *bufio.Writer, worldName, method string, seed uint64, steps int, sets []string, spec string, asJSON bool) error {
	w, err := loadWorld(worldName)
	if err != nil {
		return err
	}
	s, err := session.NewVFA(w, method, seed)
	if err != nil {
		return err
	}
	if err := applyVFASets(s, sets, spec); err != nil {
		return err
	}
	control := method != vfa.TDLinear
	var snap session.VFASnapshot
	s.Snapshot(&snap)
	head := struct {
		World    string       `json:"world"`
		Agent    string       `json:"agent"`
		Seed     uint64       `json:"seed"`
		Steps    int          `json:"steps"`
		Settings param.Values `json:"settings"`
		Features string       `json:"features"`
		RMSE0    float64      `json:"rmse0"` // before the first step
	}{w.Name, method, seed, steps, s.Values(), snap.Spec, snap.RMSE}
	// rmse of v̂ to v_π (td-linear) or v*, over the states; optimal the
	// share of states whose greedy action is optimal (not td-linear); ε
	// in JSON and for control.
	columns := []column{{"episode", true}, {"steps", true}, {"return", false}, {"length", true}, {"rmse", false}}
	switch {
	case control:
		columns = append(columns, column{"optimal", false}, column{"epsilon", false})
	case asJSON:
		columns = append(columns, column{"epsilon", false})
	}
	rw, err := newRows(out, asJSON, "episodes", columns, head)
	if err != nil {
		return err
	}
	for s.Steps() < steps {
		if !s.Step() {
			continue
		}
		r := s.Runner()
		s.Snapshot(&snap)
		if snap.Diverged != "" {
			return rw.Fail(errors.New(snap.Diverged))
		}
		row := []float64{float64(r.Episode), float64(r.Steps), snap.Returns.Y[len(snap.Returns.Y)-1], snap.Lengths.Y[len(snap.Lengths.Y)-1], snap.RMSE}
		switch {
		case control:
			row = append(row, snap.Optimal.Y[len(snap.Optimal.Y)-1], snap.Epsilon)
		case asJSON:
			row = append(row, snap.Epsilon)
		}
		if err := rw.Write(row...); err != nil {
			return rw.Fail(rowDivergence(err, r.Steps, r.Episode))
		}
	}
	return rw.Close(struct {
		Steps    int     `json:"steps"`
		Episodes int     `json:"episodes"` // finished
		RMSE     float64 `json:"rmse"`
	}{s.Steps(), rw.Rows(), s.RMSE()})
}

func trainVFAEnv(out *bufio.Writer, env, method string, seed uint64, steps int, sets []string, spec string, asJSON bool) error {
	if method == "" {
		return fmt.Errorf("--agent is required (%s)", strings.Join(vfa.MethodNames(false), ", "))
	}
	c, err := session.NewVFAControl(env, method, seed)
	if err != nil {
		return err
	}
	if err := applyVFASets(c, sets, spec); err != nil {
		return err
	}
	var snap session.VFAControlSnapshot
	c.Snapshot(&snap)
	head := struct {
		Env      string       `json:"env"`
		Agent    string       `json:"agent"`
		Seed     uint64       `json:"seed"`
		Steps    int          `json:"steps"`
		Settings param.Values `json:"settings"`
		Features string       `json:"features"`
	}{c.Env(), method, seed, steps, c.Values(), snap.Spec}
	rw, err := newRows(out, asJSON, "episodes", controlColumns, head)
	if err != nil {
		return err
	}
	r := c.Runner()
	var recent recentReturns
	for r.Steps < steps {
		c.Step()
		if r.Diverged != "" {
			return rw.Fail(errors.New(r.Diverged))
		}
		if !r.Ended() {
			continue
		}
		if err := rw.Write(float64(r.Episode), float64(r.Steps), r.Return, float64(r.T)); err != nil {
			return rw.Fail(rowDivergence(err, r.Steps, r.Episode))
		}
		recent.add(r.Return)
	}
	return rw.Close(struct {
		Steps    int      `json:"steps"`
		Episodes int      `json:"episodes"`
		Last10   *float64 `json:"mean_last10,omitempty"`
	}{r.Steps, rw.Rows(), recent.mean10()})
}
