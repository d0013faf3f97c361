package main

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/control"
	"bellman/sim/ddpg"
	"bellman/sim/param"
	"bellman/sim/session"
)

// oneLine fails t unless err is a single short line.
func oneLine(t *testing.T, what string, err error) {
	t.Helper()
	if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 2000 {
		t.Fatalf("%s: error is not one short line: %.300q", what, msg)
	}
}

// --set on a learning session (train, bench td): whatever the schema
// accepts, the session takes as given, and it then steps.
func FuzzLearnSet(f *testing.F) {
	for _, s := range []string{"alpha=0.5", "n=4", "trace=replacing", "episode-length=1", "planning=50", "start=random",
		"r-target=-10", "slip=0.5", "seed=1000000000", "q0=10", "alpha-schedule=1/k", "episodes=1", "lambda=1", "gamma=0"} {
		f.Add(uint8(0), s)
	}
	names := agent.Names()
	f.Fuzz(func(t *testing.T, i uint8, assignment string) {
		name := names[int(i)%len(names)]
		l, err := newLearn("cliff-4x12", name, 1, []string{assignment})
		if err != nil {
			oneLine(t, assignment, err)
			return
		}
		key, _, _ := strings.Cut(assignment, "=")
		vals := param.Values{}
		l.Schema().Set(vals, assignment)
		key = strings.TrimSpace(key)
		if got := l.Values()[key]; got != vals[key] {
			t.Fatalf("%s %s: the session holds %v, the schema parsed %v", name, assignment, got, vals[key])
		}
		for range 200 {
			l.Step()
		}
	})
}

// train --env's --set: network keys for both networks and hidden=W,W,...
// Whatever applySet accepts leaves every value within its spec, and the
// configuration builds.
func FuzzApplySet(f *testing.F) {
	for _, s := range []string{"lr=3e-4", "hidden=32,32,32", "hidden=64", "actor.lr=1e-4", "pm_gain=3", "policy_delay=3",
		"hidden=64,32", "hidden=", "hidden=,", "activation=tanh", "noise=ou", "critic.layers=3", "gamma=2", "=", "batch=1e2"} {
		f.Add(uint8(0), s)
	}
	envs := session.ControlEnvs()
	f.Fuzz(func(t *testing.T, i uint8, assignment string) {
		env, algo := envs[int(i)%len(envs)], ddpg.Algo(int(i/16)%2)
		sc := controlSchema(env, algo)
		vals := sc.Defaults()
		if err := applySet(sc, vals, assignment); err != nil {
			oneLine(t, assignment, err)
			return
		}
		for k, v := range vals {
			s, ok := sc.Find(k)
			if !ok || s.Clamp(v) != v {
				t.Fatalf("%s: %s = %v is not a value of its spec", assignment, k, v)
			}
		}
		agentVals := param.Values{}
		for _, s := range ddpg.Schema(algo) {
			agentVals[s.Key] = vals[s.Key]
		}
		if _, err := ddpg.ConfigFromValuesFor(algo, env, agentVals); err != nil {
			oneLine(t, assignment, err)
		}
	})
}

// --state: comma-separated finite numbers; what parses is finite and
// prints back to the same numbers.
func FuzzParseNumbers(f *testing.F) {
	for _, s := range []string{"3.14,0", " 1 , -2 ", "0x1p3,1e-3", "1e308,1", "NaN,1", "Inf", "", ",", "1,,2", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		v, err := parseNumbers(text)
		if err != nil {
			oneLine(t, text, err)
			return
		}
		if len(v) != strings.Count(text, ",")+1 {
			t.Fatalf("%q: %d values", text, len(v))
		}
		parts := make([]string, len(v))
		for i, x := range v {
			if !finite(x) {
				t.Fatalf("%q: value %d is %v", text, i, x)
			}
			parts[i] = param.Format(x)
		}
		if back, err := parseNumbers(strings.Join(parts, ",")); err != nil || !slices.Equal(back, v) {
			t.Fatalf("%q → %v → %v, %v", text, v, back, err)
		}
	})
}

// refActions parses an actions file with encoding/json as a reference:
// a JSON array whose entries are numbers or arrays of n numbers.
func refActions(data []byte, n, discrete int) ([][]float64, bool) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return nil, false
	}
	var out [][]float64
	for _, m := range raw {
		var v any
		if json.Unmarshal(m, &v) != nil {
			return nil, false
		}
		var a []float64
		switch x := v.(type) {
		case float64:
			a = []float64{x}
		case []any:
			for _, e := range x {
				f, ok := e.(float64)
				if !ok {
					return nil, false
				}
				a = append(a, f)
			}
		default:
			return nil, false
		}
		if len(a) != n || discrete > 0 && (a[0] != math.Trunc(a[0]) || a[0] < 0 || int(a[0]) >= discrete) {
			return nil, false
		}
		out = append(out, a)
	}
	return out, len(out) <= maxRolloutActions
}

// Rollout's actions, read one token at a time, are what encoding/json
// reads from the whole array: the same actions, accepted and refused alike.
func FuzzReadActions(f *testing.F) {
	for _, s := range []string{"[1.5, -3, [0.25]]", "[[1, 0.5], [-1, 0]]", "[0, 1, 1]", "[]", "{}", "[1,", "null", `["a"]`, "[null]",
		"[[1, 2]]", "[1] [2]", "[1 2]", "[[1, null]]", "[1e400]", " [ 0 ] ", "[[]]", "[0.5]"} {
		f.Add(uint8(0), []byte(s))
	}
	names := control.Names()
	f.Fuzz(func(t *testing.T, i uint8, data []byte) {
		env, err := control.New(names[int(i)%len(names)])
		if err != nil {
			t.Fatal(err)
		}
		rolloutStdin = bytes.NewReader(data)
		defer func() { rolloutStdin = nil }()
		var got [][]float64
		err = readActions("-", env, func(_ int, a []float64) error {
			got = append(got, append([]float64(nil), a...))
			return nil
		})
		want, ok := refActions(data, env.ActDim(), control.NumActions(env))
		if (err == nil) != ok {
			t.Fatalf("%s on %s: readActions %v, encoding/json accepts: %v", env.Name(), data, err, ok)
		}
		if err != nil {
			oneLine(t, string(data), err)
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d actions, encoding/json %d", data, len(got), len(want))
		}
		for k := range got {
			if !slices.Equal(got[k], want[k]) {
				t.Fatalf("%s: action %d is %v, encoding/json %v", data, k+1, got[k], want[k])
			}
		}
	})
}

// --lesson expansion: whatever it accepts names the lesson's world and
// agent once, then every other argument as given.
func FuzzExpandLesson(f *testing.F) {
	for _, s := range []string{"--lesson cliff-sarsa --steps 10", "--lesson=mc-basic-1 --set a=1", "--lesson", "--lesson=", "-lesson diverge -json",
		"--lesson pendulum-ddpg --seed 2", "--steps 5 --lesson fig-3-4", "--lesson sa-lab", "--world x --lesson cliff-sarsa", "-- --lesson cliff-sarsa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		out, err := expandLesson(args)
		if err != nil {
			oneLine(t, line, err)
			return
		}
		isLesson := func(a string) bool { // --lesson or --lesson=KEY, not --lessons or -lesson0
			name := strings.TrimLeft(a, "-")
			return strings.HasPrefix(a, "-") && (name == "lesson" || strings.HasPrefix(name, "lesson="))
		}
		if !slices.ContainsFunc(args, isLesson) {
			if !slices.Equal(out, args) {
				t.Fatalf("%q without --lesson became %q", args, out)
			}
			return
		}
		if len(out) < 4 || (out[0] != "--world" && out[0] != "--env") || out[2] != "--agent" {
			t.Fatalf("%q became %q", args, out)
		}
	})
}

// small reports whether a command line is cheap to run: every number in it
// (as the flag package and strconv read them) is within ±64, no path
// leaves the built-in worlds (reading a file the fuzzer names is not the
// point), and no number is so small that a tolerance would never be met.
func small(args []string) bool {
	for _, a := range args {
		if strings.Contains(a, "/") {
			return false
		}
		for _, tok := range strings.FieldsFunc(a, func(r rune) bool { return r == '=' || r == ',' }) {
			tok = strings.TrimLeft(tok, "-")
			x, err := strconv.ParseFloat(tok, 64)
			if err != nil {
				n, err2 := strconv.ParseInt(tok, 0, 64)
				if err2 != nil {
					continue
				}
				x = float64(n)
			}
			if len(tok) > 5 || math.IsNaN(x) || math.Abs(x) > 64 || x != 0 && math.Abs(x) < 1e-3 {
				return false
			}
		}
	}
	return true
}

// The command line as a whole: whatever it is, run returns an exit code
// without panicking, an error is one line on stderr, and JSON output is
// valid JSON, even when the run failed part way.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"solve --world zhao-5x5 --method vi --gamma 0.9",
		"solve --world maze-10x10 --method tpi --j 3",
		"train --world cliff-4x12 --agent sarsa --steps 50 --set alpha=0.5 --json",
		"train --lesson diverge --steps 60 --json",
		"train --env pendulum --agent td3 --steps 30 --set learning_starts=10 --json",
		"bench td --world zhao-5x5 --agent qlearning --steps 50",
		"bench dp --world zhao-5x5 --method pi --sweeps 5",
		"bench ddpg --env mountaincar --updates 3 --fill 20",
		"rollout --env pendulum --state 3.14,0 --actions -",
		"lessons --json", "worlds", "-h", "train -h", "help", "fly", "train --steps", "solve --world",
		"train --world zhao-5x5 --agent qlearning --steps 9 --seed 18446744073709551615",
		"prefs generate --world zhao-5x5 --pairs 5 --seed 3", "train --world zhao-5x5 --agent dqn --steps 30 --every 10",
		"train --world zhao-5x5 --agent a2c --steps 50 --json", "train --world zhao-5x5 --agent td-linear --steps 50 --json",
		"train --env cartpole-discrete --agent ppo --steps 40 --set num_steps=8", "solve --world zhao-5x5 --method gradient",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, " ")
		if !small(args) {
			return
		}
		if len(args) > 0 && args[0] == "prefs" && slices.ContainsFunc(args, func(a string) bool { return a == "-" || strings.HasSuffix(a, "=-") }) {
			return // --labels - reads the real stdin
		}
		for _, f := range []string{"save", "tfrecord", "report", "curves"} {
			if hasFlag(args, f) {
				return // writes a file
			}
		}
		if len(args) > 0 && (args[0] == "train" || args[0] == "bench") {
			// Deep networks are slow to update: keep them tiny.
			if expanded, err := expandLesson(args[1:]); err == nil && (hasFlag(expanded, "env") || len(args) > 1 && args[1] == "ddpg") {
				args = append(args, "--set", "hidden=4", "--set", "batch=4", "--set", "buffer=1000")
			}
		}
		rolloutStdin = strings.NewReader("[0, 1, [1, 0]]")
		defer func() { rolloutStdin = nil }()
		stdout, stderr, code := bellman(args...)
		if code != 0 && stderr != "" && (strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n")) {
			t.Fatalf("%q: exit %d, stderr not one line: %q", args, code, stderr)
		}
		isJSON := slices.Contains(args, "--json") || slices.Contains(args, "-json") ||
			len(args) > 0 && slices.Contains([]string{"solve", "rollout", "bench"}, args[0]) && code == 0 && !slices.Contains(args, "-h")
		if isJSON && strings.HasPrefix(stdout, "{") {
			dec := json.NewDecoder(strings.NewReader(stdout))
			var v any
			for dec.More() {
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("%q: exit %d, invalid JSON: %v\n%.500s", args, code, err, stdout)
				}
			}
		}
	})
}
