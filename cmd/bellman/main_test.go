package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bellman runs one command line in-process and returns stdout, stderr and
// the exit code.
func bellman(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func decodeSolution(t *testing.T, stdout string) solution {
	t.Helper()
	var s solution
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	return s
}

func TestSolveZhao5x5(t *testing.T) {
	// Zhao, Figure 3.4(a), to the one decimal printed.
	book := [5][5]float64{
		{5.8, 5.6, 6.2, 6.5, 5.8},
		{6.5, 7.2, 8.0, 7.2, 6.5},
		{7.2, 8.0, 10.0, 8.0, 7.2},
		{8.0, 10.0, 10.0, 10.0, 8.0},
		{7.2, 9.0, 10.0, 9.0, 8.1},
	}
	for _, method := range []string{"vi", "pi", "tpi"} {
		stdout, stderr, code := bellman("solve", "--world", "zhao-5x5", "--method", method, "--gamma", "0.9")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", method, code, stderr)
		}
		s := decodeSolution(t, stdout)
		for r := range book {
			for c := range book[r] {
				if v := *s.Values[r][c]; math.Abs(v-book[r][c]) > 0.05+1e-9 {
					t.Errorf("%s: v(%d,%d) = %v, book %v", method, r, c, v, book[r][c])
				}
			}
		}
		if got := strings.Join(deref(s.Policy[0]), " "); got != "down right down down down" {
			t.Errorf("%s: first policy row %q", method, got)
		}
		if *s.Policy[3][2] != "stay" {
			t.Errorf("%s: target action %q, want stay", method, *s.Policy[3][2])
		}
		if s.Iterations < 1 {
			t.Errorf("%s: iterations %d", method, s.Iterations)
		}
	}
}

func deref(row []*string) []string {
	out := make([]string, len(row))
	for i, p := range row {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// The book's 2x2 world evaluated from policy files of both forms.
func TestSolvePolicyFiles(t *testing.T) {
	world := writeFile(t, "w.json", `{"layout": [".F", ".T"]}`)
	det := writeFile(t, "det.json", `{"policy": [["right", "down"], ["right", "stay"]]}`)
	prob := writeFile(t, "prob.json", `{"probabilities": [[[0,0,1,0,0], [0,0,1,0,0]], [[0,1,0,0,0], [0,0,0,0,1]]]}`)
	for _, tc := range []struct {
		method, policy string
		want           [2][2]float64
	}{
		{"closed", det, [2][2]float64{{8, 10}, {10, 10}}},
		{"eval", det, [2][2]float64{{8, 10}, {10, 10}}},
		{"closed", prob, [2][2]float64{{9, 10}, {10, 10}}},
		{"eval", prob, [2][2]float64{{9, 10}, {10, 10}}},
	} {
		stdout, stderr, code := bellman("solve", "--world", world, "--method", tc.method, "--policy", tc.policy)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.method, code, stderr)
		}
		s := decodeSolution(t, stdout)
		for r := 0; r < 2; r++ {
			for c := 0; c < 2; c++ {
				if v := *s.Values[r][c]; math.Abs(v-tc.want[r][c]) > 1e-8 {
					t.Errorf("%s %s: v(%d,%d) = %v, want %v", tc.method, filepath.Base(tc.policy), r, c, v, tc.want[r][c])
				}
			}
		}
	}
}

func TestWallsAreNull(t *testing.T) {
	stdout, stderr, code := bellman("solve", "--world", "cliff-4x12")
	if code != 0 {
		t.Fatal(stderr)
	}
	s := decodeSolution(t, stdout)
	if s.Values[3][1] != nil || s.Policy[3][1] != nil {
		t.Error("a cliff cell has a value or action")
	}
	// Sutton & Barto's cliff walking: from the start the optimal path goes
	// up, along the edge and down: 13 steps of −1 (γ discounts them here).
	if p := *s.Policy[3][0]; p != "up" {
		t.Errorf("start action %q, want up", p)
	}
	want := 0.0
	for k := 0; k < 13; k++ {
		want -= math.Pow(0.9, float64(k))
	}
	if v := *s.Values[3][0]; math.Abs(v-want) > 1e-8 {
		t.Errorf("v(start) = %v, want %v", v, want)
	}
}

func TestWorlds(t *testing.T) {
	stdout, _, code := bellman("worlds")
	for _, name := range []string{"zhao-5x5", "zhao-5x5-f10", "cliff-4x12", "maze-10x10"} {
		if !strings.Contains(stdout, name) {
			t.Errorf("worlds lacks %s", name)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

// Every bad input is one line on stderr and a non-zero exit.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := func(name, content string) string {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o644)
		return path
	}
	world := bad("ok.json", `{"layout": [".F", ".T"]}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"solve", "--world", bad("char.json", `{"layout": [".x", ".T"]}`)}, "unknown cell 'x'"},
		{[]string{"solve", "--world", bad("ragged.json", `{"layout": [".", ".T"]}`)}, "row 1 has 2 cells"},
		{[]string{"solve", "--world", bad("notarget.json", `{"layout": [".."]}`)}, "no target"},
		{[]string{"solve", "--world", bad("json.json", `{"layout": [`)}, "world file"},
		{[]string{"solve", "--world", filepath.Join(dir, "missing.json")}, "no built-in world or readable file"},
		{[]string{"solve", "--world", "zhao-5x5", "--gamma", "1"}, "gamma 1 is outside [0, 1)"},
		{[]string{"solve", "--world", "zhao-5x5", "--gamma", "-0.5"}, "outside [0, 1)"},
		{[]string{"solve", "--world", "zhao-5x5", "--gamma", "abc"}, "invalid value"},
		{[]string{"solve", "--world", "zhao-5x5", "--frobnicate"}, "flag provided but not defined: -frobnicate"},
		{[]string{"solve", "--world", "zhao-5x5", "--method", "magic"}, `unknown method "magic"`},
		{[]string{"solve", "--world", "zhao-5x5", "--method", "tpi", "--j", "0"}, "j 0"},
		{[]string{"solve", "--world", "zhao-5x5", "--tol", "0"}, "tolerance"},
		{[]string{"solve", "--world", world, "--method", "eval"}, "add --policy FILE"},
		{[]string{"solve", "--world", world, "--method", "closed", "--policy", filepath.Join(dir, "none.json")}, "cannot read policy file"},
		{[]string{"solve", "--world", world, "--method", "eval", "--policy", bad("p1.json", `{"policy": [["up"]]}`)}, "1 rows, the world has 2"},
		{[]string{"solve", "--world", world, "--method", "eval", "--policy", bad("p2.json", `{"policy": [["up", "up"], ["jump", "up"]]}`)}, `unknown action "jump"`},
		{[]string{"solve", "--world", world, "--method", "eval", "--policy", bad("p3.json", `{"probabilities": [[[1,0,0,0,0], [1,0,0,0,0]], [[0.5,0,0,0,0], [1,0,0,0,0]]]}`)}, "sum to 0.5"},
		{[]string{"solve", "--world", world, "--method", "eval", "--policy", bad("p4.json", `{"probabilities": [[[1,0,0,0], [1,0,0,0,0]], [[1,0,0,0,0], [1,0,0,0,0]]]}`)}, "needs 5 probabilities"},
		{[]string{"solve", "--world", world, "--method", "eval", "--policy", bad("p5.json", `{"plicy": []}`)}, `unknown field "plicy"`},
		{[]string{"solve", "--world", "zhao-5x5", "extra"}, `unexpected argument "extra"`},
		{[]string{"fly"}, `unknown command "fly"`},
	} {
		stdout, stderr, code := bellman(tc.args...)
		if code == 0 {
			t.Errorf("%v: exit 0", tc.args)
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: stderr %q does not say %q", tc.args, stderr, tc.want)
		}
		if strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: stderr is not one line: %q", tc.args, stderr)
		}
		if stdout != "" {
			t.Errorf("%v: printed to stdout: %q", tc.args, stdout)
		}
	}
}

// A long solve reports its progress on stderr, with the number of sweeps
// still needed. On the one-cell world "T" (stay pays 1, the moves −1),
// value iteration from 0 has v_k = (1 − γ^k)/(1 − γ), so max |Δv| of sweep
// k is γ^(k−1): below 1e-10 from k = 2293 at γ 0.99, and each estimate,
// made at sweep k, is 2293 − k.
func TestSolveProgress(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0 // a line after every sweep
	world := writeFile(t, "t.json", `{"layout": ["T"]}`)
	stdout, stderr, code := bellman("solve", "--world", world, "--gamma", "0.99")
	if code != 0 {
		t.Fatal(stderr)
	}
	if s := decodeSolution(t, stdout); s.Sweeps != 2293 {
		t.Fatalf("%d sweeps, want 2293", s.Sweeps)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 2293 {
		t.Fatalf("%d progress lines, want one per sweep", len(lines))
	}
	re := regexp.MustCompile(`^solve: vi sweep (\d+) of at most 1000000, max \|Δv\| \S+ after 0 s(; falling ×0\.9[89]\d* a sweep, about (\d+) more to reach 1e-10)?$`)
	for i, line := range lines {
		m := re.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d: %q", i+1, line)
		}
		k, _ := strconv.Atoi(m[1])
		more, _ := strconv.Atoi(m[3])
		// Rounding in Δv (about 1e-14 of v = 100) moves the rate in its 8th
		// digit, and the estimate by 1 at most.
		if k != i+1 || i > 0 && i < 2290 && (k+more < 2292 || k+more > 2294) {
			t.Errorf("line %d: %q: sweep %d, %d more, want %d in all", i+1, line, k, more, 2293)
		}
	}
}
