package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"bellman/sim/param"
)

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := bellman(args...)
	if code != 0 {
		t.Fatalf("%v: %s", args, stderr)
	}
	return out
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// train --save after N steps, then train --load for M more, writes the
// rows of the N+M-step run (the episode running at the save is written
// once, when it ends) and saves the same file as the straight run's --save.
func TestTrainSaveLoad(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		more []string // flags of the continuing run
	}{
		{"grid", []string{"--world", "cliff-4x12", "--agent", "sarsa-lambda", "--seed", "3", "--set", "trace=replacing"}, nil},
		{"grid slip", []string{"--world", "zhao-5x5", "--agent", "dyna-q", "--seed", "8", "--set", "slip=0.1"}, nil},
		{"control", []string{"--env", "pendulum", "--agent", "td3", "--seed", "2", "--set", "learning_starts=200", "--set", "hidden=16"}, []string{"--save-replay"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			straightFile, a, b := filepath.Join(dir, c.name+"-s.json"), filepath.Join(dir, c.name+"-a.json"), filepath.Join(dir, c.name+"-b.json")
			straight := mustRun(t, append(append([]string{"train", "--steps", "900", "--save", straightFile}, c.args...), c.more...)...)
			first := mustRun(t, append(append([]string{"train", "--steps", "401", "--save", a}, c.args...), c.more...)...)
			second := mustRun(t, append([]string{"train", "--load", a, "--steps", "499", "--save", b}, c.more...)...)
			header, rest, _ := strings.Cut(second, "\n")
			if !strings.HasPrefix(first, header+"\n") {
				t.Fatalf("headers differ: %q and %q", first[:len(header)], header)
			}
			if first+rest != straight {
				t.Errorf("rows of the two runs differ from the straight run's:\n%s\n--\n%s", first+rest, straight)
			}
			if !bytes.Equal(readBytes(t, b), readBytes(t, straightFile)) {
				t.Error("the continued run saves another file than the straight run")
			}
		})
	}
	// Without --save, train writes what it did before: the rows do not
	// depend on whether the run is saved.
	plain := mustRun(t, "train", "--env", "pendulum", "--agent", "ddpg", "--steps", "420", "--set", "learning_starts=200", "--set", "hidden=8")
	saved := mustRun(t, "train", "--env", "pendulum", "--agent", "ddpg", "--steps", "420", "--set", "learning_starts=200", "--set", "hidden=8", "--save", filepath.Join(dir, "p.json"))
	if plain != saved {
		t.Error("--save changed the rows of train --env")
	}
}

// --load takes the setup from the file: flags that would change it are
// refused, as are --set changes that restart the run; --set changes that
// need no restart apply from the first step.
func TestTrainLoadFlags(t *testing.T) {
	dir := t.TempDir()
	grid, ctl := filepath.Join(dir, "g.json"), filepath.Join(dir, "c.json")
	mustRun(t, "train", "--world", "zhao-5x5", "--agent", "qlearning", "--steps", "100", "--save", grid)
	mustRun(t, "train", "--env", "pendulum", "--agent", "ddpg", "--steps", "50", "--set", "hidden=8", "--save", ctl)
	bad := writeFile(t, "bad.json", `{"format":"bellman-agent","version":1,"kind":"learn","setup":{},"state":{},"extra":0}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--load", grid, "--world", "zhao-5x5"}, "--load takes the world from the file: leave out --world"},
		{[]string{"--load", grid, "--agent", "sarsa"}, "--load takes the agent from the file: leave out --agent"},
		{[]string{"--load", grid, "--seed", "3"}, "--load takes the seed from the file: leave out --seed"},
		{[]string{"--load", grid, "--set", "q0=1"}, "--set q0: changing it restarts the run, which would throw the loaded one away"},
		{[]string{"--load", grid, "--set", "colour=1"}, `--set unknown parameter "colour"`},
		{[]string{"--load", ctl, "--env", "cartpole"}, "--load takes the env from the file: leave out --env"},
		{[]string{"--load", ctl, "--set", "batch=32"}, "--set batch: changing it restarts the run"},
		{[]string{"--load", filepath.Join(dir, "none.json")}, "cannot read"},
		{[]string{"--load", bad}, `save file: unknown field "extra"`},
	} {
		_, stderr, code := bellman(append([]string{"train", "--steps", "10"}, c.args...)...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", c.args, code, stderr, c.want)
		}
	}
	// A change that needs no restart applies: ε 1 makes every step explore.
	out := mustRun(t, "train", "--load", grid, "--steps", "20", "--set", "epsilon=1")
	for _, row := range parseCSV(t, out) {
		if row[7] != 1 {
			t.Errorf("episode %v explored with ε %v, want 1", row[0], row[7])
		}
	}
	out = mustRun(t, "train", "--load", ctl, "--steps", "200", "--set", "noise_sigma=0.3", "--json")
	if !strings.Contains(out, `"noise_sigma":0.3`) || !strings.Contains(out, `"steps":250`) {
		t.Errorf("train --load --set noise_sigma=0.3: %.300s", out)
	}
}

// A file saved natively loads under WebAssembly and continues to the same
// file as natively, and the other way round: the same format both ways,
// the same numbers on both platforms.
func TestSaveLoadUnderWasm(t *testing.T) {
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
	dir := t.TempDir()
	bin := filepath.Join(dir, "bellman.wasm")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building for js/wasm: %v\n%s", err, out)
	}
	wasm := func(args ...string) {
		t.Helper()
		cmd := exec.Command(node, append([]string{bin}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v under node: %v\n%s", args, err, out)
		}
	}
	for _, c := range [][]string{
		{"--world", "zhao-5x5", "--agent", "prioritized-sweeping", "--seed", "4", "--set", "slip=0.2"},
		{"--env", "pendulum", "--agent", "ddpg", "--seed", "5", "--set", "learning_starts=100", "--set", "hidden=8", "--save-replay"},
	} {
		p := func(name string) string { return filepath.Join(dir, name) }
		mustRun(t, append([]string{"train", "--steps", "300", "--save", p("n1.json")}, c...)...)
		wasm(append([]string{"train", "--steps", "300", "--save", "w1.json"}, c...)...)
		if !bytes.Equal(readBytes(t, p("n1.json")), readBytes(t, p("w1.json"))) {
			t.Fatalf("%v: the file saved under WebAssembly differs from the native one", c)
		}
		more := []string{}
		if c[len(c)-1] == "--save-replay" {
			more = append(more, "--save-replay")
		}
		mustRun(t, append([]string{"train", "--load", p("w1.json"), "--steps", "200", "--save", p("n2.json")}, more...)...)
		wasm(append([]string{"train", "--load", "n1.json", "--steps", "200", "--save", "w2.json"}, more...)...)
		if !bytes.Equal(readBytes(t, p("n2.json")), readBytes(t, p("w2.json"))) {
			t.Errorf("%v: a run continued under WebAssembly saves another file than natively", c)
		}
	}
}

// train --report and --curves write the page's exports: the report's
// return curve is the returns of train's rows, and the CSV holds the same
// points.
func TestTrainReport(t *testing.T) {
	dir := t.TempDir()
	rep, csv := filepath.Join(dir, "r.json"), filepath.Join(dir, "c.csv")
	out := mustRun(t, "train", "--world", "zhao-5x5", "--agent", "sarsa", "--steps", "500", "--report", rep, "--curves", csv)
	rows := parseCSV(t, out)
	var r struct {
		Steps    int `json:"steps"`
		Episodes int `json:"episodes"`
		Curves   []struct {
			Name string    `json:"name"`
			Xs   []float64 `json:"xs"`
			Ys   []float64 `json:"ys"`
		} `json:"curves"`
	}
	if err := json.Unmarshal(readBytes(t, rep), &r); err != nil {
		t.Fatal(err)
	}
	if r.Steps != 500 || r.Episodes != len(rows) || r.Curves[0].Name != "return" || len(r.Curves[0].Ys) != len(rows) {
		t.Fatalf("report: %d steps, %d episodes, %d returns; %d rows", r.Steps, r.Episodes, len(r.Curves[0].Ys), len(rows))
	}
	lines := strings.Split(string(readBytes(t, csv)), "\n")
	for i, row := range rows {
		if r.Curves[0].Xs[i] != row[0] || r.Curves[0].Ys[i] != row[2] {
			t.Errorf("episode %v: report %v, row %v", row[0], r.Curves[0].Ys[i], row[2])
		}
		if want := "return," + param.Format(row[0]) + "," + param.Format(row[2]); lines[i+1] != want {
			t.Errorf("CSV line %q, want %q", lines[i+1], want)
		}
	}
}
