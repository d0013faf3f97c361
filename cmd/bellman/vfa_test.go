package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func csvRows(t *testing.T, out, header string) [][]float64 {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != header {
		t.Fatalf("header %q, want %q", lines[0], header)
	}
	var rows [][]float64
	for _, l := range lines[1:] {
		var row []float64
		for _, f := range strings.Split(l, ",") {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("row %q: %v", l, err)
			}
			row = append(row, x)
		}
		rows = append(rows, row)
	}
	return rows
}

// td-linear on zhao-5x5 writes one row per 500-step episode, the RMSE to
// v_π falling from the random start; the JSON holds the same rows.
func TestTrainTDLinear(t *testing.T) {
	args := []string{"train", "--world", "zhao-5x5", "--agent", "td-linear", "--steps", "20000", "--seed", "2", "--set", "features=poly2"}
	out, stderr, code := bellman(args...)
	if code != 0 {
		t.Fatal(stderr)
	}
	rows := csvRows(t, out, "episode,steps,return,length,rmse")
	if len(rows) != 40 || rows[39][1] != 20000 || rows[0][3] != 500 {
		t.Fatalf("%d rows, last %v", len(rows), rows[len(rows)-1])
	}
	js, stderr, code := bellman(append(args, "--json")...)
	if code != 0 {
		t.Fatal(stderr)
	}
	var r struct {
		World, Agent, Features string
		RMSE0                  float64 `json:"rmse0"`
		Settings               map[string]float64
		Episodes               []vfaRow
		Final                  struct {
			Steps, Episodes int
			RMSE            float64
		}
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if r.World != "zhao-5x5" || r.Agent != "td-linear" || !strings.Contains(r.Features, `"order":2`) || len(r.Episodes) != 40 ||
		r.Final.Steps != 20000 || r.Final.RMSE != rows[39][4] || r.Settings["features"] != 2 {
		t.Errorf("JSON %+v", r)
	}
	for i, e := range r.Episodes {
		if float64(e.Steps) != rows[i][1] || e.RMSE != rows[i][4] || e.Optimal != nil {
			t.Errorf("episode %d: JSON %+v, CSV %v", i+1, e, rows[i])
		}
	}
	if !(rows[39][4] < r.RMSE0/2) {
		t.Errorf("RMSE %v → %v", r.RMSE0, rows[39][4])
	}
}

// On control tasks every step pays −1, the acrobot's terminating step 0:
// MountainCar's return is −length, the acrobot's −(length − 1) when it
// swung up in fewer than 500 steps; the time limits are 200 and 500.
func TestTrainVFAEnv(t *testing.T) {
	for _, c := range []struct {
		env, steps string
		limit      float64
	}{{"mountaincar-discrete", "16000", 200}, {"acrobot", "8000", 500}} {
		out, stderr, code := bellman("train", "--env", c.env, "--agent", "nstep-sarsa-tiles", "--steps", c.steps)
		if code != 0 {
			t.Fatal(stderr)
		}
		rows := csvRows(t, out, "episode,steps,return,length")
		short := 0
		for _, r := range rows {
			want := -r[3]
			if c.env == "acrobot" && r[3] < c.limit {
				want = -(r[3] - 1)
			}
			if r[2] != want || r[3] > c.limit {
				t.Errorf("%s: episode %v", c.env, r)
			}
			if r[3] < c.limit {
				short++
			}
		}
		if len(rows) < 10 || short < len(rows)/4 {
			t.Errorf("%s: %d episodes, %d short of the limit", c.env, len(rows), short)
		}
	}
	out, stderr, code := bellman("train", "--env", "mountaincar-discrete", "--agent", "linear-qlearning", "--steps", "1000", "--json",
		"--features", `{"columns": [{"bucketized": "position", "buckets": 10}, {"bucketized": "velocity", "buckets": 10}]}`)
	var r struct {
		Env, Features string
		Episodes      []controlEpisode
		Final         struct{ Steps, Episodes int }
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Env != "mountaincar-discrete" || r.Final.Steps != 1000 ||
		!strings.Contains(r.Features, `"buckets":10`) || len(r.Episodes) != 5 {
		t.Errorf("Q-learning with buckets: %s %s", out, stderr)
	}
}

func TestTrainVFAErrors(t *testing.T) {
	spec := writeFile(t, "spec.json", `{"crossed": ["position", "speed"]}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--agent", "td-linear", "--steps", "10"}, "give --world"},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5", "--env", "acrobot", "--steps", "10"}, "give --world"},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5"}, "--steps 0"},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5", "--steps", "10", "--features", `{"numeric": "z"}`}, `--features: numeric: no column "z"`},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5", "--steps", "10", "--features", `{"numeric": "x", "bins": 3}`}, "--features: bins: unknown field"},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5", "--steps", "10", "--features", "/no/such.json"}, "neither a JSON spec nor a readable file"},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5", "--steps", "10", "--set", "features=poly9"}, `"poly9" is not one of onehot, poly1`},
		{[]string{"--agent", "td-linear", "--world", "zhao-5x5", "--steps", "10", "--set", "epsilon=0.1"}, `unknown parameter "epsilon"`},
		{[]string{"--agent", "linear-sarsa", "--world", "zhao-5x5", "--steps", "10", "--set", "gamma=1.5"}, "outside [0, 0.99]"},
		{[]string{"--agent", "td-linear", "--env", "acrobot", "--steps", "10"}, `unknown method "td-linear" for control tasks`},
		{[]string{"--agent", "nstep-sarsa-tiles", "--env", "pendulum", "--steps", "10"}, "continuous actions"},
		{[]string{"--agent", "nstep-sarsa-tiles", "--env", "mountaincar-discrete", "--steps", "10", "--features", spec}, `no column "speed" (valid: position, velocity)`},
		{[]string{"--agent", "nstep-sarsa-tiles", "--world", "zhao-5x5", "--steps", "10"}, `unknown method "nstep-sarsa-tiles" for grid worlds`},
		{[]string{"--agent", "nstep-sarsa-tiles", "--env", "acrobot", "--steps", "10", "--seed", "99999999999"}, "--seed 99999999999 is above"},
	} {
		_, stderr, code := bellman(append([]string{"train"}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", c.args, code, stderr, c.want)
		}
	}
	// A step size that makes the weights blow up is reported, and the
	// JSON stays valid, ending with the error instead of a summary.
	out, stderr, code := bellman("train", "--world", "zhao-5x5", "--agent", "td-linear", "--steps", "30000", "--set", "alpha=1", "--json")
	var r struct {
		Final map[string]any
		Error string
	}
	if code != 1 || !strings.Contains(stderr, "diverged") || json.Unmarshal([]byte(out), &r) != nil || r.Final != nil || "bellman train: "+r.Error+"\n" != stderr {
		t.Errorf("divergence: exit %d, %q, final %v, error %q", code, stderr, r.Final, r.Error)
	}
}

// The linear methods print the same bytes natively and as WebAssembly
// under node: the features' cosines and the acrobot's dynamics use only
// portable arithmetic.
func TestVFASameOutputUnderWasm(t *testing.T) {
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
		{"train", "--world", "zhao-5x5", "--agent", "td-linear", "--steps", "3000", "--seed", "4", "--set", "features=fourier3"},
		{"train", "--world", "zhao-5x5-f10", "--agent", "linear-qlearning", "--steps", "3000", "--seed", "5"},
		{"train", "--env", "acrobot", "--agent", "nstep-sarsa-tiles", "--steps", "3000", "--seed", "6"},
		{"train", "--env", "mountaincar-discrete", "--agent", "nstep-sarsa-tiles", "--steps", "3000", "--seed", "7", "--json"},
	} {
		native, stderr, code := bellman(args...)
		if code != 0 {
			t.Fatalf("%v natively: %s", args, stderr)
		}
		out, err := exec.Command(node, append([]string{bin}, args...)...).Output()
		if err != nil {
			t.Fatalf("%v under node: %v", args, err)
		}
		if string(out) != native {
			t.Errorf("%v: WebAssembly output differs from native\nnative: %.300s\nwasm:   %.300s", args, native, out)
		}
	}
}
