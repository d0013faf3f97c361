package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"

	"bellman/sim/param"
	"bellman/sim/ppo"
	"bellman/sim/session"
)

func trainPPO(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := runTrainPPO(args, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// shortPPO makes rollouts of 4 environments × 64 steps, 4 epochs of 4
// minibatches.
var shortPPO = []string{"--set", "num_envs=4", "--set", "num_steps=64", "--set", "update_epochs=4", "--set", "num_minibatches=4"}

// train --env E --agent ppo writes a header and one row per finished
// CartPole episode, whose return is its length (1 a step); the steps
// column grows; the same seed writes the same bytes, another seed others.
func TestTrainPPOCSV(t *testing.T) {
	args := append([]string{"--env", "cartpole-discrete", "--agent", "ppo", "--steps", "1500", "--seed", "3"}, shortPPO...)
	out := trainPPO(t, args...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 20 || lines[0] != "episode,steps,return,length" {
		t.Fatalf("output:\n%s", out)
	}
	prev := 0
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		steps, _ := strconv.Atoi(f[1])
		if len(f) != 4 || f[0] != strconv.Itoa(i+1) || f[2] != f[3] || steps < prev || steps > 1500 {
			t.Errorf("row %d: %q", i+1, line)
		}
		prev = steps
	}
	if again := trainPPO(t, args...); again != out {
		t.Error("same seed, different output")
	}
	args[7] = "4"
	if other := trainPPO(t, args...); other == out {
		t.Error("seeds 3 and 4 gave the same output")
	}
}

// --json holds the same episodes, the settings, one entry per update with
// CleanRL's diagnostics, and a summary.
func TestTrainPPOJSON(t *testing.T) {
	args := append([]string{"--env", "cartpole-discrete", "--steps", "1024", "--seed", "2", "--agent", "ppo"}, shortPPO...)
	csv := strings.Split(strings.TrimSpace(trainPPO(t, args...)), "\n")
	var r struct {
		Env, Agent string
		Seed       uint64
		Steps      int
		Settings   param.Values
		Episodes   []controlEpisode
		Updates    []ppoUpdate
		Final      struct {
			Steps, Episodes, Updates, Iterations int
			Diverged                             string
		}
	}
	out := trainPPO(t, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// 1024 steps of 4 environments = 4 rollouts of 64 steps, 4 epochs × 4 minibatches each.
	if r.Env != "cartpole-discrete" || r.Agent != "ppo" || r.Seed != 2 || r.Final.Steps != 1024 || len(r.Episodes) != len(csv)-1 ||
		r.Final.Episodes != len(r.Episodes) || r.Final.Iterations != 4 || r.Final.Updates != 64 || len(r.Updates) != 4 ||
		r.Settings["num_steps"] != 64 || r.Settings["num_envs"] != 4 || r.Final.Diverged != "" {
		t.Errorf("got %+v", r)
	}
	for i, e := range r.Episodes {
		if row := strconv.Itoa(e.Episode) + "," + strconv.Itoa(e.Steps) + "," + param.Format(e.Return) + "," + strconv.Itoa(e.Length); row != csv[i+1] {
			t.Errorf("episode %d: JSON %s, CSV %s", i+1, row, csv[i+1])
		}
	}
	for i, u := range r.Updates {
		if u.Steps != 256*(i+1) || !(u.Entropy > 0) || u.LR > 1e-3 || u.ClipFrac < 0 || u.ClipFrac > 1 {
			t.Errorf("update %d: %+v", i+1, u)
		}
	}
}

func TestTrainPPOErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "moon"}, "unknown environment"},
		{[]string{"--agent", "trpo"}, "unknown agent"},
		{[]string{"--steps", "0"}, "--steps 0"},
		{[]string{"--set", "tau=0.1"}, "unknown parameter"},
		{[]string{"--set", "hidden=64,32"}, "one width"},
		{[]string{"--set", "num_minibatches=128", "--set", "num_steps=16"}, "minibatches"},
		{[]string{"--agent", "a2c", "--set", "clip_coef=0.1"}, "unknown parameter"},
		{[]string{"--env", "cartpole-discrete", "--set", "log_std_init=0"}, "unknown parameter"},
	} {
		err := runTrainPPO(c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line with %q", c.args, err, c.want)
		}
	}
	if err := runBenchPPO([]string{"--iterations", "0"}, &bytes.Buffer{}); err == nil {
		t.Error("bench --iterations 0: no error")
	}
	// train dispatches on the agent: DDPG's flags and errors are not PPO's.
	if _, stderr, code := bellman("train", "--env", "cartpole-discrete", "--agent", "ddpg", "--steps", "10"); code == 0 || !strings.Contains(stderr, "discrete") {
		t.Errorf("ddpg on cartpole-discrete: exit %d, %q", code, stderr)
	}
	if stdout, stderr, code := bellman("train", "--env", "pendulum", "--agent=a2c", "--steps", "40"); code != 0 || !strings.HasPrefix(stdout, "episode,") {
		t.Errorf("train --agent=a2c: exit %d, %q %q", code, stdout, stderr)
	}
}

func TestIsPPOAgent(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"--env", "pendulum", "--agent", "ppo"}, true},
		{[]string{"--agent=A2C", "--env", "pendulum"}, true},
		{[]string{"-agent", "ddpg"}, false},
		{[]string{"--env", "agent"}, false},
		{[]string{"--", "--agent", "ppo"}, false},
		{[]string{"--env", "pendulum"}, false},
	} {
		if got := isPPOAgent(c.args); got != c.want {
			t.Errorf("%v: %v", c.args, got)
		}
	}
}

// The CLI starts from the page's defaults for every environment and
// agent (the session's values but its seed); --set overrides them, and
// hidden=32,32,32 sets width and depth.
func TestPPODefaultsMatchPage(t *testing.T) {
	for _, env := range session.PPOEnvs() {
		for _, agent := range ppo.AlgoNames() {
			run, err := newPPORun(env, agent, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			page, err := session.NewPPO(env, agent, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := page.Values()
			delete(want, "seed")
			if !maps.Equal(run.values, want) {
				t.Errorf("%s %s: CLI defaults\n%v\npage's\n%v", env, agent, run.values, want)
			}
			if d, _ := ppo.DefaultConfigFor(run.algo, env); run.cfg != d {
				t.Errorf("%s %s: CLI config\n%+v\nnot DefaultConfigFor's\n%+v", env, agent, run.cfg, d)
			}
		}
	}
	run, err := newPPORun("pointmass", "ppo", 1, []string{"hidden=32,32,32", "pm_gain=3", "gamma=0.9"})
	if err != nil || run.cfg.Hidden != 32 || run.cfg.Layers != 3 || run.values["pm_gain"] != 3 || run.cfg.Gamma != 0.9 {
		t.Errorf("--set: %+v, %v", run.cfg, err)
	}
}

// bench ppo times whole updates and a training loop, in one JSON line.
func TestBenchPPO(t *testing.T) {
	var out bytes.Buffer
	err := runBenchPPO([]string{"--env", "pendulum", "--iterations", "2", "--seed", "2",
		"--set", "hidden=16,16", "--set", "num_steps=128", "--set", "num_minibatches=4"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Errorf("not one line: %q", out.String())
	}
	var r ppoBench
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	// 2 updates of 10 epochs × 4 minibatches; 2 rollouts of 128 steps.
	if r.Bench != "ppo" || r.Agent != "ppo" || r.Env != "pendulum" || r.Iterations != 2 || r.Updates != 80 || r.Batch != 128 ||
		r.Minibatch != 32 || len(r.Hidden) != 2 || r.Hidden[0] != 16 || r.Steps != 256 || !(r.PerSec > 0) || r.Seed != 2 ||
		r.Settings["num_steps"] != 128 {
		t.Errorf("got %+v", r)
	}
}
