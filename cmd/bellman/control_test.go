package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"bellman/sim/ddpg"
	"bellman/sim/param"
	"bellman/sim/session"
)

// small16 makes train --env and bench ddpg fast: 16-16 networks, learning
// from step 100.
var small16 = []string{"--set", "hidden=16,16", "--set", "learning_starts=100"}

func trainEnv(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := runTrainEnv(args, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// train --env writes a header and one row per finished Pendulum episode of
// 200 steps; the same seed writes the same bytes, another seed others.
func TestTrainEnvCSV(t *testing.T) {
	args := append([]string{"--env", "pendulum", "--agent", "td3", "--steps", "450", "--seed", "3"}, small16...)
	out := trainEnv(t, args...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || lines[0] != "episode,steps,return,length" {
		t.Fatalf("output:\n%s", out)
	}
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		ret, err := strconv.ParseFloat(f[2], 64)
		// Pendulum costs at most π² + 0.1·8² + 0.001·2² ≈ 16.27 per step.
		if len(f) != 4 || f[0] != strconv.Itoa(i+1) || f[1] != strconv.Itoa(200*(i+1)) || f[3] != "200" ||
			err != nil || !(ret < 0 && ret > -200*16.28) {
			t.Errorf("row %d: %q", i+1, line)
		}
	}
	if again := trainEnv(t, args...); again != out {
		t.Error("same seed, different output")
	}
	args[7] = "4"
	if other := trainEnv(t, args...); other == out {
		t.Error("seeds 3 and 4 gave the same output")
	}
}

// --json holds the same episodes, the settings and a summary.
func TestTrainEnvJSON(t *testing.T) {
	args := append([]string{"--env", "pendulum", "--steps", "450", "--seed", "3"}, small16...)
	csv := strings.Split(strings.TrimSpace(trainEnv(t, args...)), "\n")
	var r struct {
		Env, Agent string
		Seed       uint64
		Steps      int
		Settings   param.Values
		Episodes   []controlEpisode
		Final      struct{ Steps, Episodes, Updates int }
	}
	out := trainEnv(t, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Env != "pendulum" || r.Agent != "ddpg" || r.Seed != 3 || r.Steps != 450 || len(r.Episodes) != 2 ||
		r.Final.Steps != 450 || r.Final.Episodes != 2 || r.Final.Updates != 351 {
		t.Errorf("got %+v", r)
	}
	for i, e := range r.Episodes {
		if row := strconv.Itoa(e.Episode) + "," + strconv.Itoa(e.Steps) + "," + param.Format(e.Return) + "," + strconv.Itoa(e.Length); row != csv[i+1] {
			t.Errorf("episode %d: JSON %s, CSV %s", i+1, row, csv[i+1])
		}
	}
	for k, want := range map[string]float64{"actor.hidden": 16, "actor.layers": 2, "critic.hidden": 16, "critic.layers": 2, "learning_starts": 100, "gamma": 0.99} {
		if r.Settings[k] != want {
			t.Errorf("settings[%s] = %v, want %v", k, r.Settings[k], want)
		}
	}
}

// --set takes the schema's keys, a network key for both networks and
// hidden=W,W,...; anything else is an error.
func TestApplySet(t *testing.T) {
	sc := controlSchema("pointmass", ddpg.TD3)
	vals := sc.Defaults()
	for _, s := range []string{"lr=3e-4", "hidden=32,32,32", "actor.lr=1e-4", "pm_gain=3", "policy_delay=3"} {
		if err := applySet(sc, vals, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for k, want := range map[string]float64{"actor.lr": 1e-4, "critic.lr": 3e-4, "actor.hidden": 32, "critic.layers": 3, "pm_gain": 3, "policy_delay": 3} {
		if vals[k] != want {
			t.Errorf("%s = %v, want %v", k, vals[k], want)
		}
	}
	for _, s := range []string{"hidden=64,32", "hidden=0", "gamma=2", "nope=1", "gamma", "activation=swish"} {
		if err := applySet(sc, vals, s); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}

func TestTrainEnvErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "cartpole-discrete"}, "discrete"},
		{[]string{"--env", "moon"}, "unknown environment"},
		{[]string{"--agent", "sac"}, "unknown agent"},
		{[]string{"--steps", "0"}, "--steps 0"},
		{[]string{"--set", "batch=0"}, "batch"},
		{[]string{"--set", "hidden=64,32"}, "one width"},
	} {
		err := runTrainEnv(c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line with %q", c.args, err, c.want)
		}
	}
	if err := runBenchDDPG([]string{"--updates", "0"}, &bytes.Buffer{}); err == nil {
		t.Error("bench --updates 0: no error")
	}
}

// bench ddpg fills the buffer, times the updates and reports its
// settings in one JSON line.
func TestBenchDDPG(t *testing.T) {
	var out bytes.Buffer
	err := runBenchDDPG([]string{"--env", "pendulum", "--agent", "td3", "--updates", "30", "--seed", "2",
		"--set", "hidden=16,16", "--set", "batch=16", "--set", "buffer=2000", "--fill", "500"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Errorf("not one line: %q", out.String())
	}
	var r ddpgBench
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Bench != "ddpg" || r.Agent != "td3" || r.Env != "pendulum" || r.Updates != 30 || r.Batch != 16 || r.Replay != 500 ||
		len(r.Hidden) != 2 || r.Hidden[0] != 16 || !(r.PerSec > 0) || !(r.PerCPUSec > 0) || r.Settings["buffer"] != 2000 || r.Seed != 2 {
		t.Errorf("got %+v", r)
	}
}

// train --env and bench ddpg start from the page's defaults for the
// environment and agent (the control session's values, but for its
// seed), and --set still overrides them.
func TestControlDefaultsMatchPage(t *testing.T) {
	for _, env := range session.ControlEnvs() {
		for _, agent := range ddpg.AlgoNames() {
			run, err := newControlRun(env, agent, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			page, err := session.NewControl(env, agent, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := page.Values()
			delete(want, "seed")
			if !maps.Equal(run.values, want) {
				t.Errorf("%s %s: CLI defaults\n%v\npage's\n%v", env, agent, run.values, want)
			}
			if d := ddpg.DefaultConfigFor(run.algo, env); !reflect.DeepEqual(run.cfg, d) {
				t.Errorf("%s %s: CLI config\n%+v\nnot DefaultConfigFor's\n%+v", env, agent, run.cfg, d)
			}
		}
	}
	run, err := newControlRun("cartpole", "td3", 1, []string{"tau=0.01"})
	if err != nil || run.cfg.Tau != 0.01 || run.values["tau"] != 0.01 {
		t.Errorf("cartpole td3 --set tau=0.01: τ %v, %v", run.cfg.Tau, err)
	}
	var out bytes.Buffer
	if err := runBenchDDPG([]string{"--env", "mountaincar", "--updates", "2", "--fill", "100", "--set", "hidden=8,8", "--set", "buffer=1000"}, &out); err != nil {
		t.Fatal(err)
	}
	var r ddpgBench
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if s := r.Settings; s["noise"] != 1 || s["noise_sigma"] != 0.5 || s["ou_dt"] != 0.1 || s["tau"] != 0.005 {
		t.Errorf("bench ddpg on mountaincar: settings %v, want OU noise σ 0.5, dt 0.1", s)
	}
}
