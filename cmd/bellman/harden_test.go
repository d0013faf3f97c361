package main

import (
	"math"
	"os"
	"strings"
	"testing"
)

// Issue 11, failure 3: "solve --world /dev/zero" grew past 1.5 GB, and a
// 50 MB name was accepted. Files are read up to their cap, and the error
// names the limit.
func TestFileLimits(t *testing.T) {
	zero := "/dev/zero"
	if f, err := os.Open(zero); err != nil {
		t.Skip("no /dev/zero here")
	} else {
		f.Close()
	}
	world := writeFile(t, "w.json", `{"layout": [".T"]}`)
	name := writeFile(t, "name.json", `{"name": "`+strings.Repeat("x", 2<<20)+`", "layout": ["T"]}`)
	name2 := writeFile(t, "name2.json", `{"name": "`+strings.Repeat("x", 201)+`", "layout": ["T"]}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"solve", "--world", zero}, "world file /dev/zero: more than the limit of 1 MiB (1048576 bytes)"},
		{[]string{"train", "--world", zero, "--agent", "sarsa", "--steps", "10"}, "world file /dev/zero: more than the limit of 1 MiB"},
		{[]string{"solve", "--world", world, "--method", "eval", "--policy", zero}, "policy file /dev/zero: more than the limit of 16 MiB (16777216 bytes)"},
		{[]string{"solve", "--world", name}, "more than the limit of 1 MiB"},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--pairs", "5", "--reference", zero}, "--reference /dev/zero: more than the limit of 16 MiB"},
		{[]string{"solve", "--world", name2}, "name is 201 bytes long, more than the limit of 200"},
	} {
		stdout, stderr, code := bellman(tc.args...)
		if code != 1 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 || stdout != "" {
			t.Errorf("%v: exit %d, %q, want one line with %q", tc.args, code, stderr, tc.want)
		}
	}
}

// Issue 11, failure 5: seeds were clamped at 1e9 without a word, so 1e9,
// 1e9+1 and 5e9 gave the same run. A learning session's seed is refused
// above its cap; up to it, each seed is its own run and the header says it.
func TestSeedRange(t *testing.T) {
	args := []string{"train", "--world", "zhao-5x5", "--agent", "qlearning", "--steps", "300", "--json", "--seed"}
	for _, seed := range []string{"1000000001", "5000000000", "18446744073709551615"} {
		_, stderr, code := bellman(append(args, seed)...)
		if code != 1 || !strings.Contains(stderr, "--seed "+seed+" is above 1000000000, the largest seed of a learning session") {
			t.Errorf("--seed %s: exit %d, %q", seed, code, stderr)
		}
	}
	a, _, codeA := bellman(append(args, "1000000000")...)
	b, _, codeB := bellman(append(args, "999999999")...)
	if codeA != 0 || codeB != 0 || !strings.Contains(a, `"seed":1000000000,`) || !strings.Contains(b, `"seed":999999999,`) || a[strings.Index(a, `"episodes"`):] == b[strings.Index(b, `"episodes"`):] {
		t.Errorf("seeds 1e9 and 1e9−1: exits %d %d, same episodes or wrong header:\n%.200s\n%.200s", codeA, codeB, a, b)
	}
	// DDPG/TD3 take any 64-bit seed, written back exactly.
	out, stderr, code := bellman("train", "--env", "pendulum", "--steps", "1", "--json", "--seed", "18446744073709551615", "--set", "hidden=8,8")
	if code != 0 || !strings.Contains(out, `"seed":18446744073709551615,`) {
		t.Errorf("train --env with seed 2^64−1: exit %d %s: %.200s", code, stderr, out)
	}
}

// Issue 11, failure 6: huge rewards said "json: unsupported value: +Inf".
// Now the error names the reward and why: |v| reaches |r|/(1−γ).
func TestOverflowNamed(t *testing.T) {
	big := writeFile(t, "big.json", `{"layout": [".T"], "rewards": {"target": 1e308}}`)
	pol := writeFile(t, "p.json", `{"policy": [["right", "stay"]]}`)
	big307 := writeFile(t, "big307.json", `{"layout": [".T"], "rewards": {"target": 1e307}}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"solve", "--world", big}, "reward r_target = 1e+308 makes v(s) overflow at γ 0.9"},
		{[]string{"solve", "--world", big, "--method", "closed", "--policy", pol}, "reward r_target = 1e+308 makes v(s) overflow"},
		{[]string{"solve", "--world", big, "--method", "pi"}, "reward r_target = 1e+308 makes v(s) overflow"},
		{[]string{"train", "--world", big, "--agent", "qlearning", "--steps", "100"}, "reward r_target = 1e+308 makes the learning updates overflow"},
		// 1e307/(1 − 0.9) = 1e308 is a value; twice that is not.
		{[]string{"train", "--world", big307, "--agent", "qlearning", "--steps", "100"}, "reward r_target = 1e+307 makes the learning updates overflow"},
		{[]string{"solve", "--world", big, "--gamma", "1"}, "gamma 1 is outside [0, 1)"},
	} {
		stdout, stderr, code := bellman(tc.args...)
		if code != 1 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 || stdout != "" {
			t.Errorf("%v: exit %d, %q, want one line with %q", tc.args, code, stderr, tc.want)
		}
	}
	// At γ 0.5 (a --set) the same reward leaves room: 2·1e307/(1 − 0.5) =
	// 4e307. (The run may still overflow elsewhere, and say so.)
	if _, stderr, _ := bellman("train", "--world", big307, "--agent", "qlearning", "--steps", "100", "--set", "gamma=0.5"); strings.Contains(stderr, "overflow") {
		t.Errorf("train with r_target 1e307 at γ 0.5: %s", stderr)
	}
	out, stderr, code := bellman("solve", "--world", big307)
	if code != 0 {
		t.Fatal(stderr)
	}
	if v := *decodeSolution(t, out).Values[0][1]; math.Abs(v-1e308) > 1e-12*1e308 {
		t.Errorf("solve with r_target 1e307: v(T) = %v, want 1e308", v)
	}
}
