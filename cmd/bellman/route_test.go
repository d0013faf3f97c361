package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// train and bench reach the continuous-control commands: --env selects
// DDPG/TD3 training, "bench ddpg" times deep updates.
func TestRouting(t *testing.T) {
	stdout, stderr, code := bellman("train", "--env", "pendulum", "--agent", "ddpg", "--steps", "400", "--seed", "3")
	if code != 0 {
		t.Fatalf("train --env: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	// Pendulum episodes are 200 steps: two finished in 400.
	if lines[0] != "episode,steps,return,length" || len(lines) != 3 || !strings.HasPrefix(lines[2], "2,400,") {
		t.Errorf("train --env output:\n%s", stdout)
	}
	stdout, stderr, code = bellman("bench", "ddpg", "--env", "pendulum", "--updates", "3", "--fill", "200")
	if code != 0 {
		t.Fatalf("bench ddpg: exit %d: %s", code, stderr)
	}
	var out struct {
		Updates int     `json:"updates"`
		PerSec  float64 `json:"updates_per_sec"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Updates != 3 || !(out.PerSec > 0) {
		t.Errorf("bench ddpg output %q: %v", stdout, err)
	}
	// A flag's value that reads "env" is not the --env flag.
	dir := t.TempDir()
	env := dir + "/env"
	writeWorld := func() error {
		return os.WriteFile(env, []byte(`{"layout": ["S.T"], "actions": 4, "terminal": true}`), 0o644)
	}
	if err := writeWorld(); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := bellman("train", "--world", env, "--agent", "qlearning", "--steps", "50"); code != 0 || !strings.HasPrefix(out, "episode,steps,return,length,optimal") {
		t.Errorf("train --world .../env: exit %d, %q, %s", code, out, stderr)
	}
	for _, args := range [][]string{
		{"train", "--env=pendulum", "--agent", "qlearning", "--steps", "10"},
		{"bench", "ddpg", "--env", "pendulum", "--updates", "0"},
	} {
		if _, stderr, code := bellman(args...); code == 0 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
