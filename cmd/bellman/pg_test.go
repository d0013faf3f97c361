package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// train with a policy-gradient method writes one row per episode; the
// first episode starts from the uniform policy, whose J on zhao-5x5 is
// −3.52 (TestUniformPolicyByHand in sim/pg counts it out).
func TestTrainPGCSV(t *testing.T) {
	stdout, stderr, code := bellman("train", "--world", "zhao-5x5", "--agent", "a2c", "--steps", "100", "--set", "episode-length=25")
	if code != 0 {
		t.Fatal(stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if lines[0] != "episode,steps,return,length,optimal,gap,error,J,cosine,sq_error,entropy" || len(lines) != 5 {
		t.Fatalf("output:\n%s", stdout)
	}
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		num := func(j int) float64 {
			x, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				t.Fatalf("row %q: %v", line, err)
			}
			return x
		}
		if num(0) != float64(i+1) || num(1) != float64(25*(i+1)) || num(3) != 25 {
			t.Errorf("row %d: %s", i+1, line)
		}
		if c := num(8); !(c >= -1 && c <= 1) {
			t.Errorf("row %d: cosine %v", i+1, c)
		}
		if e := num(10); !(e > 0 && e <= math.Log(5)) {
			t.Errorf("row %d: mean entropy %v outside (0, ln 5]", i+1, e)
		}
	}
	if J := strings.Split(lines[1], ",")[7]; J != "-3.5200000000000067" && !strings.HasPrefix(J, "-3.5199999") && !strings.HasPrefix(J, "-3.52") {
		t.Errorf("J at the uniform policy %s, want −3.52", J)
	}
}

// --json ends with a summary; --save writes the final policy, which solve
// --method gradient reads back: its J is the summary's.
func TestTrainPGJSONAndSave(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "policy.json")
	stdout, stderr, code := bellman("train", "--world", "zhao-5x5", "--agent", "reinforce-baseline", "--steps", "3000",
		"--seed", "4", "--json", "--save", saved)
	if code != 0 {
		t.Fatal(stderr)
	}
	var out struct {
		Agent    string             `json:"agent"`
		Settings map[string]float64 `json:"settings"`
		Episodes []map[string]float64
		Final    struct {
			Steps       int     `json:"steps"`
			Episodes    int     `json:"episodes"`
			J           float64 `json:"J"`
			JStar       float64 `json:"J_star"`
			OptimalFrom int     `json:"optimal_from"`
			Variance    float64 `json:"variance"`
		} `json:"final"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%.300s", err, stdout)
	}
	f := out.Final
	if out.Agent != "reinforce-baseline" || f.Steps != 3000 || f.Episodes != 30 || len(out.Episodes) != 30 || out.Settings["alpha-w"] != 0.1 {
		t.Errorf("summary %+v, %d episodes, settings %v", f, len(out.Episodes), out.Settings)
	}
	// J* is the mean of v* over the 25 cells: Zhao's Figure 3.4 sums to
	// 195.0 at one decimal, 7.80 a cell.
	if math.Abs(f.JStar-7.8) > 0.01 || !(f.J > -3.52 && f.J < f.JStar) || !(f.Variance > 0) {
		t.Errorf("J %v, J* %v, variance %v", f.J, f.JStar, f.Variance)
	}
	g := gradient(t, "--world", "zhao-5x5", "--policy", saved)
	if math.Abs(g.J-f.J) > 1e-9 {
		t.Errorf("solve --method gradient of the saved policy: J %v, train's final J %v", g.J, f.J)
	}
}

type gradientOut struct {
	J             float64       `json:"J"`
	JStar         float64       `json:"J_star"`
	Start         string        `json:"start"`
	Discounted    [][]*float64  `json:"discounted"`
	Probabilities [][][]float64 `json:"probabilities"`
	Gradient      [][][]float64 `json:"gradient"`
}

func gradient(t *testing.T, args ...string) gradientOut {
	t.Helper()
	stdout, stderr, code := bellman(append([]string{"solve", "--method", "gradient"}, args...)...)
	if code != 0 {
		t.Fatal(stderr)
	}
	var g gradientOut
	if err := json.Unmarshal([]byte(stdout), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// solve --method gradient at the uniform policy: J = −3.52 and d^γ = 0.4
// everywhere (TestUniformPolicyByHand in sim/pg); each cell's gradient sums
// to 0 over the actions (Σ_a π(q − v) = 0); and one component matches a
// central difference of J between two policy files, each read and
// evaluated by the command.
func TestSolveGradient(t *testing.T) {
	g := gradient(t, "--world", "zhao-5x5")
	if math.Abs(g.J+3.52) > 1e-12 || g.Start != "uniform" || math.Abs(g.JStar-7.8) > 0.01 {
		t.Errorf("J %v, J* %v, start %s", g.J, g.JStar, g.Start)
	}
	for r, row := range g.Gradient {
		for c, cell := range row {
			if d := *g.Discounted[r][c]; math.Abs(d-0.4) > 1e-12 {
				t.Errorf("d(%d,%d) = %v, want 0.4", r, c, d)
			}
			sum := 0.0
			for _, x := range cell {
				sum += x
			}
			if math.Abs(sum) > 1e-12 {
				t.Errorf("gradient of cell (%d,%d) sums to %v", r, c, sum)
			}
		}
	}
	// Raise h of "down" in cell (0,2) by ±ε from the uniform h = 0.
	const eps = 1e-5
	J := func(e float64) float64 {
		rows := make([][][]float64, 5)
		for r := range rows {
			rows[r] = make([][]float64, 5)
			for c := range rows[r] {
				rows[r][c] = []float64{0.2, 0.2, 0.2, 0.2, 0.2}
			}
		}
		z := 4 + math.Exp(e)
		rows[0][2] = []float64{1 / z, 1 / z, math.Exp(e) / z, 1 / z, 1 / z}
		data, _ := json.Marshal(map[string]any{"probabilities": rows})
		return gradient(t, "--world", "zhao-5x5", "--policy", writeFile(t, "p.json", string(data))).J
	}
	fd := (J(eps) - J(-eps)) / (2 * eps)
	if want := g.Gradient[0][2][2]; math.Abs(fd-want) > 1e-7 {
		t.Errorf("∂J/∂h((0,2), down) = %v, finite differences through policy files %v", want, fd)
	}
	// The cliff walk has a start cell: J is measured from it by default.
	if c := gradient(t, "--world", "cliff-4x12"); c.Start != "start-cell" {
		t.Errorf("cliff-4x12: start %s", c.Start)
	}
}

func TestPGBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--world", "zhao-5x5", "--agent", "a2c", "--steps", "10", "--set", "epsilon=0.1"}, `unknown parameter "epsilon" (valid: alpha, alpha-w`},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "reinforce-baseline", "--steps", "10", "--set", "baseline=median"}, `"median" is not one of learned, mean`},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "qac", "--steps", "10", "--set", "alpha=5"}, "alpha: 5 is outside [0, 2]"},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "qac"}, "--steps 0"},
		{[]string{"train", "--world", "nowhere", "--agent", "qac", "--steps", "10"}, "no built-in world or readable file"},
		{[]string{"train", "--world", "zhao-5x5", "--agent", "a2c", "--steps", "10", "--save", "/nonexistent/dir/p.json"}, "cannot write /nonexistent/dir/p.json"},
		{[]string{"solve", "--method", "gradient", "--world", "zhao-5x5", "--gamma", "1"}, "gamma 1 is outside [0, 1)"},
		{[]string{"solve", "--method", "gradient", "--world", "zhao-5x5", "--start", "start-cell"}, "zhao-5x5 has no start cell"},
		{[]string{"solve", "--method", "gradient", "--world", "zhao-5x5", "--start", "middle"}, `--start "middle": give start-cell or uniform`},
		{[]string{"solve", "--method", "gradient", "--world", "zhao-5x5", "--policy", "/nonexistent.json"}, "cannot read policy file"},
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
		if tc.args[0] == "solve" && stdout != "" {
			t.Errorf("%v: printed to stdout: %q", tc.args, stdout)
		}
	}
}

// bench pg times a trainer and counts its updates: every step for an
// actor-critic, every finished episode for REINFORCE. (That a step
// allocates nothing is TestTrainerStepAllocs in sim/pg; the process-wide
// count here also sees the runtime's own.)
func TestBenchPG(t *testing.T) {
	for _, tc := range []struct {
		agent   string
		updates int
	}{{"a2c", 500}, {"reinforce", 5}} {
		stdout, stderr, code := bellman("bench", "pg", "--world", "zhao-5x5", "--agent", tc.agent, "--steps", "500")
		if code != 0 {
			t.Fatal(stderr)
		}
		var out struct {
			Steps   int      `json:"steps"`
			Updates int      `json:"updates"`
			PerCPU  *float64 `json:"updates_per_cpu_sec"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err)
		}
		if out.Steps != 500 || out.Updates != tc.updates || out.PerCPU == nil {
			t.Errorf("%s: %s", tc.agent, stdout)
		}
	}
}
