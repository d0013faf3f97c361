package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The same command line prints the same bytes natively and as WebAssembly
// under node: dynamic programming, a tabular agent, and DDPG with network
// updates (which exercises the networks' portable exp and tanh), PPO and
// A2C with their samplers and normalisation wrappers, and DQN on CartPole
// and on a grid world.
func TestSameOutputUnderWasm(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("compares a native run with a js/wasm one; runs natively")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip("no go command")
	}
	node := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "go_js_wasm_exec")
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node")
	}
	bin := filepath.Join(t.TempDir(), "bellman.wasm")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building for js/wasm: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"solve", "--world", "maze-10x10", "--method", "pi", "--gamma", "0.95"},
		{"solve", "--world", "zhao-5x5", "--method", "vi", "--gamma", "0.9"},
		{"train", "--world", "maze-10x10", "--agent", "prioritized-sweeping", "--steps", "3000", "--seed", "2", "--set", "planning=20", "--set", "theta=1e-4"},
		{"train", "--world", "zhao-5x5", "--agent", "qlearning", "--steps", "3000", "--seed", "7"},
		{"train", "--world", "cliff-4x12", "--agent", "sarsa-lambda", "--steps", "2000", "--seed", "3", "--set", "trace=replacing"},
		{"train", "--lesson", "dyna-maze", "--steps", "3000"}, // optimistic q₀, planning, reachable states only
		{"train", "--env", "pendulum", "--agent", "td3", "--steps", "600", "--seed", "2", "--set", "learning_starts=200"},
		{"train", "--env", "cartpole-discrete", "--agent", "dueling-dqn", "--steps", "800", "--seed", "2", "--set", "learning_starts=200"},
		{"train", "--world", "zhao-5x5", "--agent", "double-dqn", "--steps", "1300", "--every", "100", "--seed", "3"},
		{"train", "--world", "zhao-5x5", "--agent", "offpolicy-ac", "--steps", "3000", "--seed", "4", "--set", "slip=0.1", "--set", "entropy=0.05"},
		{"train", "--env", "cartpole-discrete", "--agent", "ppo", "--steps", "1500", "--seed", "5", "--set", "num_steps=64"},
		{"train", "--env", "pendulum", "--agent", "ppo", "--steps", "1200", "--seed", "2", "--set", "num_steps=256", "--set", "num_minibatches=8", "--json"},
		{"train", "--env", "pointmass", "--agent", "a2c", "--steps", "2000", "--seed", "1", "--json"},
		{"prefs", "generate", "--world", "zhao-5x5", "--pairs", "50", "--seed", "3", "--judge-beta", "2", "--length", "8"},
		// Divergence is found at the same step (exit 1), by a replay here.
		{"train", "--world", "maze-10x10", "--agent", "sarsa-lambda", "--set", "alpha=1", "--set", "lambda=1", "--set", "gamma=0.99", "--steps", "50000", "--json"},
	} {
		native, stderr, code := bellman(args...)
		if code != 0 && !strings.Contains(stderr, "diverged at step") {
			t.Fatalf("%v natively: %s", args, stderr)
		}
		cmd := exec.Command(node, append([]string{bin}, args...)...)
		var wasmErr strings.Builder
		cmd.Stderr = &wasmErr
		out, err := cmd.Output()
		if exit, ok := err.(*exec.ExitError); err != nil && !(ok && exit.ExitCode() == code) {
			t.Fatalf("%v under node: %v, want exit %d", args, err, code)
		}
		if string(out) != native || wasmErr.String() != stderr {
			t.Errorf("%v: WebAssembly output differs from native\nnative: %.300s %s\nwasm:   %.300s %s", args, native, stderr, out, wasmErr.String())
		}
	}
}
