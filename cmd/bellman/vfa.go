package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"bellman/sim/param"
	"bellman/sim/session"
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
		return "", fmt.Errorf("--features: %q is neither a JSON spec nor a readable file", text)
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

// vfaRow is one episode of train with a linear method on a grid world.
type vfaRow struct {
	Episode int      `json:"episode"`
	Steps   int      `json:"steps"`
	Return  float64  `json:"return"`
	Length  int      `json:"length"`
	RMSE    float64  `json:"rmse"`              // of v̂ to v_π (td-linear) or v*, over the states
	Optimal *float64 `json:"optimal,omitempty"` // share of states whose greedy action is optimal (not td-linear)
	Epsilon float64  `json:"epsilon"`
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
	if asJSON {
		head, _ := json.Marshal(struct {
			World    string       `json:"world"`
			Agent    string       `json:"agent"`
			Seed     uint64       `json:"seed"`
			Steps    int          `json:"steps"`
			Settings param.Values `json:"settings"`
			Features string       `json:"features"`
			RMSE0    float64      `json:"rmse0"` // before the first step
		}{w.Name, method, seed, steps, s.Values(), snap.Spec, snap.RMSE})
		fmt.Fprintf(out, "%s,\"episodes\":[", head[:len(head)-1])
	} else if control {
		fmt.Fprintln(out, "episode,steps,return,length,rmse,optimal,epsilon")
	} else {
		fmt.Fprintln(out, "episode,steps,return,length,rmse")
	}
	n := 0
	f := param.Format
	var diverged string
	for s.Steps() < steps {
		if !s.Step() {
			continue
		}
		r := s.Runner()
		s.Snapshot(&snap)
		if snap.Diverged != "" {
			diverged = snap.Diverged
			break
		}
		row := vfaRow{Episode: r.Episode, Steps: r.Steps, Return: snap.Returns.Y[len(snap.Returns.Y)-1], Length: int(snap.Lengths.Y[len(snap.Lengths.Y)-1]),
			RMSE: snap.RMSE, Epsilon: snap.Epsilon}
		if control {
			o := snap.Optimal.Y[len(snap.Optimal.Y)-1]
			row.Optimal = &o
		}
		switch {
		case asJSON:
			b, _ := json.Marshal(row)
			if n > 0 {
				out.WriteByte(',')
			}
			out.Write(b)
		case control:
			fmt.Fprintf(out, "%d,%d,%s,%d,%s,%s,%s\n", row.Episode, row.Steps, f(row.Return), row.Length, f(row.RMSE), f(*row.Optimal), f(row.Epsilon))
		default:
			fmt.Fprintf(out, "%d,%d,%s,%d,%s\n", row.Episode, row.Steps, f(row.Return), row.Length, f(row.RMSE))
		}
		n++
	}
	if asJSON {
		final := struct {
			Steps    int      `json:"steps"`
			Episodes int      `json:"episodes"`       // finished
			RMSE     *float64 `json:"rmse,omitempty"` // absent when it is not a number (diverged)
			Diverged string   `json:"diverged,omitempty"`
		}{s.Steps(), n, nil, diverged}
		if diverged == "" {
			e := s.RMSE()
			final.RMSE = &e
		}
		b, _ := json.Marshal(final)
		fmt.Fprintf(out, "],\"final\":%s}\n", b)
	}
	if diverged != "" {
		return fmt.Errorf("%s", diverged)
	}
	return nil
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
	if asJSON {
		head, _ := json.Marshal(struct {
			Env      string       `json:"env"`
			Agent    string       `json:"agent"`
			Seed     uint64       `json:"seed"`
			Steps    int          `json:"steps"`
			Settings param.Values `json:"settings"`
			Features string       `json:"features"`
		}{c.Env(), method, seed, steps, c.Values(), snap.Spec})
		fmt.Fprintf(out, "%s,\"episodes\":[", head[:len(head)-1])
	} else {
		fmt.Fprintln(out, "episode,steps,return,length")
	}
	r := c.Runner()
	var returns []float64
	var diverged string
	for r.Steps < steps {
		c.Step()
		if r.Diverged != "" {
			diverged = r.Diverged
			break
		}
		if !r.Ended() {
			continue
		}
		row := controlEpisode{r.Episode, r.Steps, r.Return, r.T}
		if asJSON {
			b, _ := json.Marshal(row)
			if len(returns) > 0 {
				out.WriteByte(',')
			}
			out.Write(b)
		} else {
			fmt.Fprintf(out, "%d,%d,%s,%d\n", row.Episode, row.Steps, param.Format(row.Return), row.Length)
		}
		returns = append(returns, r.Return)
	}
	if asJSON {
		final := struct {
			Steps    int      `json:"steps"`
			Episodes int      `json:"episodes"`
			Last10   *float64 `json:"mean_last10,omitempty"`
			Diverged string   `json:"diverged,omitempty"`
		}{r.Steps, len(returns), nil, diverged}
		if n := len(returns); n >= 10 {
			m := 0.0
			for _, x := range returns[n-10:] {
				m += x
			}
			m /= 10
			final.Last10 = &m
		}
		b, _ := json.Marshal(final)
		fmt.Fprintf(out, "],\"final\":%s}\n", b)
	}
	if diverged != "" {
		return fmt.Errorf("%s", diverged)
	}
	return nil
}
