package main

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// parseCSV reads train's CSV into rows of numbers, checking the header.
func parseCSV(t *testing.T, out string) [][]float64 {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "episode,steps,return,length,optimal,gap,error,epsilon" {
		t.Fatalf("header %q", lines[0])
	}
	var rows [][]float64
	for _, line := range lines[1:] {
		var row []float64
		for _, f := range strings.Split(line, ",") {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("row %q: %v", line, err)
			}
			row = append(row, x)
		}
		rows = append(rows, row)
	}
	return rows
}

// The world "TS" (start S at (0,1), terminal target T to its left) with MC
// Basic and episodes of one step, γ 0.9: the four pairs of the start state
// are tried in the order up, right, down, left. Up, right and down bump into
// the boundary (return −1), left enters the target (+1). The greedy action
// is the first best of q: after episode 1 q = (−1, 0, 0, 0), right, not
// optimal; after 2 down, not optimal; after 3 and 4 left, optimal. A policy
// that bumps forever is worth −1/(1−0.9) = −10 against v*(S) = 1: gap 11.
// Each |G − q| is 1; ε is 0 (MC Basic evaluates deterministic policies).
func TestTrainHandChecked(t *testing.T) {
	world := writeFile(t, "ts.json", `{"layout": ["TS"], "actions": 4, "terminal": true}`)
	stdout, stderr, code := bellman("train", "--world", world, "--agent", "mc-basic", "--steps", "4", "--set", "episode-length=1")
	if code != 0 {
		t.Fatal(stderr)
	}
	want := [][]float64{
		// episode, steps, return, length, optimal, gap, error, epsilon
		{1, 1, -1, 1, 0, 11, 1, 0},
		{2, 2, -1, 1, 0, 11, 1, 0},
		{3, 3, -1, 1, 1, 0, 1, 0},
		{4, 4, 1, 1, 1, 0, 1, 0},
	}
	rows := parseCSV(t, stdout)
	if len(rows) != len(want) {
		t.Fatalf("%d rows:\n%s", len(rows), stdout)
	}
	for i := range want {
		for j := range want[i] {
			if math.Abs(rows[i][j]-want[i][j]) > 1e-9 {
				t.Errorf("row %d column %d = %v, want %v", i+1, j, rows[i][j], want[i][j])
			}
		}
	}
}

// The same seed gives the same output (this test also runs under node as
// WebAssembly, which must print what the native build prints); another seed
// gives another.
func TestTrainDeterministic(t *testing.T) {
	for _, tc := range [][]string{
		{"--world", "zhao-5x5", "--agent", "qlearning", "--set", "slip=0.1", "--set", "episode-length=30"},
		{"--world", "maze-10x10", "--agent", "prioritized-sweeping", "--set", "planning=5", "--set", "start=random"},
		{"--world", "cliff-4x12", "--agent", "sarsa-lambda", "--set", "trace=replacing", "--set", "alpha-schedule=1/k"},
		{"--world", "zhao-5x5-f10", "--agent", "mc-es", "--set", "episode-length=20", "--json"},
		{"--world", "zhao-5x5", "--agent", "nstep-sarsa", "--set", "n=4", "--set", "epsilon-decay=0.99"},
	} {
		args := append([]string{"train", "--steps", "3000"}, tc...)
		a, stderr, code := bellman(append(args, "--seed", "5")...)
		if code != 0 {
			t.Fatalf("%v: %s", tc, stderr)
		}
		b, _, _ := bellman(append(args, "--seed", "5")...)
		c, _, _ := bellman(append(args, "--seed", "6")...)
		if a != b {
			t.Errorf("%v: two runs with seed 5 differ", tc)
		}
		if a == c {
			t.Errorf("%v: seeds 5 and 6 give the same output", tc)
		}
		if strings.Count(a, "\n") < 2 && !strings.Contains(a, `"episode":2,`) {
			t.Errorf("%v: no episode finished:\n%s", tc, a)
		}
	}
}

// The JSON output carries the settings, the same rows as the CSV, and the
// state at the end.
func TestTrainJSON(t *testing.T) {
	args := []string{"train", "--world", "cliff-4x12", "--agent", "qlearning", "--steps", "2000", "--seed", "2", "--set", "alpha=0.5"}
	csv, _, code := bellman(args...)
	js, stderr, code2 := bellman(append(args, "--json")...)
	if code != 0 || code2 != 0 {
		t.Fatal(stderr)
	}
	var out struct {
		World    string             `json:"world"`
		Agent    string             `json:"agent"`
		Seed     int                `json:"seed"`
		Steps    int                `json:"steps"`
		Settings map[string]float64 `json:"settings"`
		Episodes []struct {
			Episode, Steps, Length               int
			Return, Optimal, Gap, Error, Epsilon float64
		} `json:"episodes"`
		Final struct {
			Steps    int     `json:"steps"`
			Episodes int     `json:"episodes"`
			Optimal  float64 `json:"optimal"`
		} `json:"final"`
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	if out.World != "cliff-4x12" || out.Agent != "qlearning" || out.Seed != 2 || out.Steps != 2000 ||
		out.Settings["alpha"] != 0.5 || out.Settings["r-cliff"] != -100 || out.Final.Steps != 2000 {
		t.Errorf("header %+v", out)
	}
	rows := parseCSV(t, csv)
	if len(rows) != len(out.Episodes) || out.Final.Episodes != len(rows) {
		t.Fatalf("%d CSV rows, %d JSON episodes", len(rows), len(out.Episodes))
	}
	for i, e := range out.Episodes {
		if got := []float64{float64(e.Episode), float64(e.Steps), e.Return, float64(e.Length), e.Optimal, e.Gap, e.Error, e.Epsilon}; fmtRow(got) != fmtRow(rows[i]) {
			t.Errorf("episode %d: JSON %v, CSV %v", i+1, got, rows[i])
		}
		if i > 0 && e.Steps != out.Episodes[i-1].Steps+e.Length {
			t.Errorf("episode %d: steps %d after %d and length %d", i+1, e.Steps, out.Episodes[i-1].Steps, e.Length)
		}
	}
}

func fmtRow(r []float64) string {
	s := make([]string, len(r))
	for i, x := range r {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestTrainBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--world", "zhao-5x5", "--steps", "10"}, "--agent is required (mc-basic, mc-es"},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "sarsa"}, "--steps 0"},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "td0", "--steps", "10"}, `unknown agent "td0" (valid: mc-basic`},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "sarsa", "--steps", "10", "--set", "lambda=0.5"}, `unknown parameter "lambda" (valid: alpha, alpha-schedule`},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "sarsa", "--steps", "10", "--set", "alpha=2"}, "alpha: 2 is outside [0.001, 1]"},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "sarsa", "--steps", "10", "--set", "alpha"}, "is not key=value"},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "sarsa-lambda", "--steps", "10", "--set", "trace=dutch"}, `"dutch" is not one of accumulating, replacing`},
		{[]string{"train", "--world", "nowhere", "--agent", "sarsa", "--steps", "10"}, "no built-in world or readable file"},
		{[]string{"train", "--agent", "sarsa", "--steps", "10"}, "--world is required"},
		{[]string{"bench"}, "bench td"},
		{[]string{"bench", "mc"}, `unknown benchmark "mc"`},
		{[]string{"bench", "dp", "--world", "zhao-5x5", "--method", "tpi"}, `--method "tpi": vi or pi`},
		{[]string{"bench", "dp", "--world", "zhao-5x5", "--sweeps", "0"}, "--sweeps 0"},
		{[]string{"bench", "dp", "--world", "zhao-5x5", "--gamma", "1"}, "gamma 1"},
		{[]string{"bench", "td", "--world", "zhao-5x5", "--agent", "sarsa", "--steps", "-1"}, "--steps -1"},
		{[]string{"bench", "td", "--world", "zhao-5x5", "--agent", "sarsa", "--set", "x=1"}, `unknown parameter "x"`},
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
