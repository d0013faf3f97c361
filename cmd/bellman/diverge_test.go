package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// divergedAt reads "diverged at step N: ..." from one line of stderr.
func divergedAt(t *testing.T, stderr string) int {
	t.Helper()
	m := regexp.MustCompile(`^bellman train: diverged at step (\d+): (.+) became ([-+]Inf|NaN)\n$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("stderr %q does not say which quantity diverged at which step", stderr)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// parseJSON decodes train's JSON output, failing the test if it is not
// one valid JSON object.
func parseJSON(t *testing.T, out string) map[string]json.RawMessage {
	t.Helper()
	var v map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&v); err != nil || dec.More() {
		t.Fatalf("output is not one JSON object (%v):\n%.2000s", err, out)
	}
	return v
}

// Issue 11, failures 1 and 2: a diverging run wrote "},,,,,]" and exited
// 0 with NaN rows and an optimal share computed from NaN. Now it stops at
// the first step whose numbers are not finite, says what and where on
// stderr, exits 1 and leaves the JSON valid, ending in "error". The step is
// the first: the same run one step shorter finishes cleanly.
func TestTrainDivergence(t *testing.T) {
	// An open 12x12 world: q is scanned every 11 steps, and the step found
	// by replaying the run.
	rows := strings.Repeat(`"............",`, 11) + `"...........T"`
	open12 := writeFile(t, "open12.json", `{"layout": [`+rows+`], "terminal": true}`)
	for _, tc := range []struct {
		name string
		args []string
		what string // the quantity named
	}{
		// Sutton & Barto's accumulating traces with α = 1, λ = 1 (the lesson).
		{"sarsa-lambda", []string{"train", "--lesson", "diverge"}, "q(s,a) of cell ("},
		{"replayed", []string{"train", "--world", open12, "--agent", "sarsa-lambda", "--set", "alpha=1", "--set", "lambda=1", "--set", "gamma=0.99", "--set", "q0=0", "--set", "epsilon-decay=1"}, "q(s,a) of cell ("},
		// TD3 with plain SGD at learning rate 1.
		{"td3", []string{"train", "--env", "pendulum", "--agent", "td3", "--set", "lr=1", "--set", "optimizer=sgd", "--set", "hidden=32,32", "--set", "learning_starts=100", "--seed", "1"}, "the critic's loss"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args, "--steps", "100000", "--json")
			stdout, stderr, code := bellman(args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
			}
			step := divergedAt(t, stderr)
			if !strings.Contains(stderr, tc.what) {
				t.Errorf("stderr %q does not name %q", stderr, tc.what)
			}
			v := parseJSON(t, stdout)
			var msg string
			if json.Unmarshal(v["error"], &msg) != nil || "bellman train: "+msg+"\n" != stderr || v["final"] != nil {
				t.Errorf("JSON error %s, final %s; stderr %q", v["error"], v["final"], stderr)
			}
			var eps []struct{ Steps int }
			if err := json.Unmarshal(v["episodes"], &eps); err != nil {
				t.Fatal(err)
			}
			for _, e := range eps {
				if e.Steps >= step {
					t.Errorf("an episode ending at step %d is written, after the divergence at %d", e.Steps, step)
				}
			}
			// The CSV stops at the same place, every row a row of numbers.
			csv, stderr2, code := bellman(append(tc.args, "--steps", "100000")...)
			if code != 1 || stderr2 != stderr || strings.Count(csv, "\n") != len(eps)+1 || strings.Contains(csv, "NaN") || strings.Contains(csv, "Inf") {
				t.Errorf("CSV: exit %d, %q, %d lines for %d episodes:\n%s", code, stderr2, strings.Count(csv, "\n"), len(eps), csv)
			}
			// One step less and the run ends with its summary.
			shorter := append(tc.args, "--steps", strconv.Itoa(step-1), "--json")
			stdout, stderr, code = bellman(shorter...)
			if code != 0 {
				t.Fatalf("%d steps: exit %d, %s", step-1, code, stderr)
			}
			if v := parseJSON(t, stdout); v["final"] == nil || v["error"] != nil {
				t.Errorf("%d steps: no final summary: %s", step-1, stdout)
			}
		})
	}
}

// The rows writer formats numbers as encoding/json does, refuses NaN and
// ±Inf without writing anything, and always closes the JSON.
func TestRows(t *testing.T) {
	cols := []column{{"n", true}, {"x", false}}
	values := []float64{0, 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 123456789, 1e20, 1e21, -1.5e-300, math.MaxFloat64, 5e-324, 1.0 / 3}
	var out bytes.Buffer
	r, err := newRows(&out, true, "episodes", cols, struct {
		A string `json:"a"`
	}{"x"})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range values {
		if err := r.Write(float64(i), x); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		var nf *nonFinite
		if err := r.Write(1, bad); !errors.As(err, &nf) || nf.Column != "x" || err.Error() != "x is "+strconv.FormatFloat(bad, 'g', -1, 64) {
			t.Errorf("Write(%v): %v", bad, err)
		}
	}
	if err := r.Close(struct{ M float64 }{2}); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	want.WriteString(`{"a":"x","episodes":[`)
	for i, x := range values {
		b, _ := json.Marshal(struct {
			N int     `json:"n"`
			X float64 `json:"x"`
		}{i, x})
		if i > 0 {
			want.WriteByte(',')
		}
		want.Write(b)
	}
	want.WriteString(`],"final":{"M":2}}` + "\n")
	if out.String() != want.String() {
		t.Errorf("JSON\n%s\nencoding/json\n%s", out.String(), want.String())
	}

	// A NaN in the final summary, or a failure: the JSON ends with "error".
	for _, end := range []func(*rows) error{
		func(r *rows) error { return r.Close(struct{ M float64 }{math.NaN()}) },
		func(r *rows) error { return r.Fail(errors.New(`stopped "here"`)) },
	} {
		out.Reset()
		r, _ := newRows(&out, true, "episodes", cols, struct{}{})
		r.Write(1, 2)
		if err := end(r); err == nil {
			t.Error("no error")
		}
		v := parseJSON(t, out.String())
		if v["error"] == nil || v["final"] != nil || string(v["episodes"]) != `[{"n":1,"x":2}]` {
			t.Errorf("output %s", out.String())
		}
	}
	// CSV: the header, then rows as strconv writes them.
	out.Reset()
	r, _ = newRows(&out, false, "episodes", cols, nil)
	r.Write(1000000, 1e-7)
	r.Write(2, 0.5)
	r.Close(nil)
	if out.String() != "n,x\n1000000,1e-07\n2,0.5\n" {
		t.Errorf("CSV %q", out.String())
	}
}

// The other trainers write through rows too: a policy-gradient run whose
// numbers overflow (r_target 1e306: its gradient's norms do) exits 1 with
// one line and leaves valid JSON ending in "error"; a reward that makes
// the values themselves overflow is refused before it starts.
func TestOtherTrainersDiverge(t *testing.T) {
	big := writeFile(t, "big.json", `{"layout": [".T"], "rewards": {"target": 1e306}}`)
	stdout, stderr, code := bellman("train", "--world", big, "--agent", "a2c", "--steps", "2000", "--json")
	v := parseJSON(t, stdout)
	if code != 1 || !strings.HasPrefix(stderr, "bellman train: diverged at step ") || strings.Count(stderr, "\n") != 1 || v["error"] == nil || v["final"] != nil {
		t.Errorf("a2c with r_target 1e306: exit %d, %q, %s", code, stderr, stdout)
	}
	bigger := writeFile(t, "bigger.json", `{"layout": [".T"], "rewards": {"target": 1e308}}`)
	stdout, stderr, code = bellman("train", "--world", bigger, "--agent", "a2c", "--steps", "2000", "--json")
	if code != 1 || !strings.Contains(stderr, "reward r_target = 1e+308 makes the learning updates overflow") || stdout != "" {
		t.Errorf("a2c with r_target 1e308: exit %d, %q, %s", code, stderr, stdout)
	}
}
