package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Rows every 500 steps on the grid: no update before learning starts at
// step 1,000 (loss 0), updates after; ε stays 1 (the uniform behaviour
// policy); the JSON has the final values and greedy policy by cell.
func TestTrainDQNGrid(t *testing.T) {
	out, stderr, code := bellman("train", "--world", "zhao-5x5", "--agent", "dqn", "--steps", "1500", "--every", "500")
	if code != 0 {
		t.Fatal(stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "steps,loss,td_error,mean_q,value_rmse,optimal,gap,epsilon" || len(lines) != 4 {
		t.Fatalf("output:\n%s", out)
	}
	first, second := strings.Split(lines[1], ","), strings.Split(lines[2], ",")
	if first[0] != "500" || first[1] != "0" || first[7] != "1" || second[0] != "1000" || second[1] == "0" {
		t.Errorf("rows %q and %q: want no loss at 500 and some at 1000, ε 1", lines[1], lines[2])
	}
	out, stderr, code = bellman("train", "--world", "zhao-5x5", "--agent", "double-dqn", "--steps", "1200", "--json",
		"--set", "hidden=32,32", "--set", "lr=0.01")
	if code != 0 {
		t.Fatal(stderr)
	}
	var res struct {
		Settings map[string]float64 `json:"settings"`
		Rows     []dqnGridRow       `json:"rows"`
		Final    struct {
			Steps, Updates int
			Values         [][]*float64
			Policy         [][]*string
		} `json:"final"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	s := res.Settings
	if s["q.hidden"] != 32 || s["q.layers"] != 2 || s["q.lr"] != 0.01 || s["double"] != 1 || s["total_steps"] != 1200 {
		t.Errorf("settings %v", s)
	}
	if res.Final.Steps != 1200 || res.Final.Updates != 4*201 || len(res.Final.Policy) != 5 || res.Final.Policy[2][2] == nil {
		t.Errorf("final: steps %d, updates %d, policy %v", res.Final.Steps, res.Final.Updates, res.Final.Policy)
	}
}

func TestTrainDQNControl(t *testing.T) {
	out, stderr, code := bellman("train", "--env", "cartpole-discrete", "--agent", "dueling-dqn", "--steps", "400",
		"--set", "learning_starts=100", "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var res struct {
		Env      string           `json:"env"`
		Episodes []controlEpisode `json:"episodes"`
		Final    struct {
			Steps, Episodes, Updates int
		} `json:"final"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	total := 0
	for _, e := range res.Episodes {
		total += e.Length
		if e.Return != float64(e.Length) { // CartPole pays 1 a step
			t.Errorf("episode %d: return %v over %d steps", e.Episode, e.Return, e.Length)
		}
	}
	if res.Env != "cartpole-discrete" || res.Final.Steps != 400 || res.Final.Updates != 301 || total > 400 || len(res.Episodes) == 0 {
		t.Errorf("env %s, final %+v, %d steps in episodes", res.Env, res.Final, total)
	}
}

func TestTrainDQNErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "cartpole-discrete", "--world", "zhao-5x5"}, "not both"},
		{[]string{}, "--env"},
		{[]string{"--env", "pendulum"}, "continuous actions"},
		{[]string{"--env", "cartpole-discrete", "--set", "gama=0.9"}, `unknown parameter "gama"`},
		{[]string{"--env", "cartpole-discrete", "--set", "batch=0"}, "batch"},
		{[]string{"--env", "cartpole-discrete", "--set", "hidden=64,32"}, "one width"},
		{[]string{"--world", "nowhere", "--set", "gamma=0.5"}, "nowhere"},
		{[]string{"--world", "zhao-5x5", "--every", "0"}, "--every"},
		{[]string{"--env", "cartpole-discrete", "--seed", "99999999999"}, "seed"},
	} {
		args := append([]string{"train", "--agent", "dqn", "--steps", "10"}, tc.args...)
		_, stderr, code := bellman(args...)
		if code == 0 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line about %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, stderr, code := bellman("train", "--env", "cartpole-discrete", "--agent", "dqn", "--steps", "0"); code == 0 || !strings.Contains(stderr, "--steps") {
		t.Errorf("--steps 0: %d %q", code, stderr)
	}
}

func TestBenchDQN(t *testing.T) {
	out, stderr, code := bellman("bench", "dqn", "--updates", "50", "--fill", "500", "--agent", "double-dqn")
	if code != 0 {
		t.Fatal(stderr)
	}
	var res dqnBench
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if res.Bench != "dqn" || res.Updates != 50 || res.Replay != 500 || res.Allocs != 0 || res.Batch != 64 ||
		len(res.Hidden) != 2 || res.Settings["double"] != 1 {
		t.Errorf("bench dqn: %+v", res)
	}
	if _, stderr, code := bellman("bench", "dqn", "--fill", "10"); code == 0 || !strings.Contains(stderr, "batch") {
		t.Errorf("--fill 10: %d %q", code, stderr)
	}
}
