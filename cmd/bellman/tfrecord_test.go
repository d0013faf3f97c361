package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"bellman/record/tfrecord"
)

func readSteps(t *testing.T, path string) []tfrecord.Step {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []tfrecord.Step
	err = tfrecord.Read(f, func(data []byte) error {
		s, err := tfrecord.ParseStep(data)
		steps = append(steps, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

func f32(x float64) float64 { return float64(float32(x)) }

// rollout --tfrecord writes one record per step: the state and observation
// before it (the pendulum's observation (cos θ, sin θ, θ̇), Gymnasium's),
// the action, the reward −(θ² + 0.1 θ̇² + 0.001 u²) of the first step and
// the state after, matching the JSON rollout prints.
func TestRolloutTFRecord(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.tfrecord")
	acts := writeFile(t, "a.json", "[1.5, -2, 0.3]")
	out := mustRun(t, "rollout", "--env", "pendulum", "--state", "3,0.1", "--actions", acts, "--tfrecord", path)
	var res rolloutResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	steps := readSteps(t, path)
	if len(steps) != 3 {
		t.Fatalf("%d records, want 3", len(steps))
	}
	first := steps[0]
	wantObs := []float64{f32(math.Cos(3)), f32(math.Sin(3)), f32(0.1)}
	if !equal(first.Observation.Floats, wantObs) || !equal(first.State.Floats, []float64{3, f32(0.1)}) {
		t.Errorf("first step: state %v observation %v, want (3, 0.1) and %v", first.State.Floats, first.Observation.Floats, wantObs)
	}
	if want := f32(-(9 + 0.1*0.01 + 0.001*1.5*1.5)); first.Reward != want {
		t.Errorf("first reward %v, want %v", first.Reward, want)
	}
	for i, s := range steps {
		if s.Episode != 1 || s.Index != int64(i) || s.Terminated || s.Truncated {
			t.Errorf("step %d: episode %d index %d terminated %v truncated %v", i, s.Episode, s.Index, s.Terminated, s.Truncated)
		}
		if s.Reward != f32(res.Rewards[i]) || !equal(s.NextState.Floats, rounded32(res.States[i])) {
			t.Errorf("step %d: reward %v next state %v; rollout printed %v %v", i, s.Reward, s.NextState.Floats, res.Rewards[i], res.States[i])
		}
		if i > 0 && (!equal(s.State.Floats, steps[i-1].NextState.Floats) || !equal(s.Observation.Floats, rounded32(res.Obs[i-1]))) {
			t.Errorf("step %d does not start where step %d ended", i, i-1)
		}
	}
	if want := []float64{1.5, -2, f32(0.3)}; steps[0].Action.Floats[0] != want[0] || steps[1].Action.Floats[0] != want[1] || steps[2].Action.Floats[0] != want[2] {
		t.Errorf("actions %v %v %v, want %v", steps[0].Action, steps[1].Action, steps[2].Action, want)
	}
	// A discrete task's actions are integers.
	mustRun(t, "rollout", "--env", "acrobot", "--state", "0,0,0,0", "--actions", writeFile(t, "d.json", "[0, 2, 1]"), "--tfrecord", path)
	if s := readSteps(t, path); len(s) != 3 || s[1].Action.Ints == nil || s[1].Action.Ints[0] != 2 {
		t.Errorf("acrobot actions: %+v", s)
	}
}

func rounded32(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f32(x)
	}
	return out
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// train --tfrecord writes a record per step, the rows unchanged: each
// episode's rewards sum to the return its row reports, its steps are
// numbered from 0, and each step starts where the one before ended.
func TestTrainTFRecord(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		tol  float64
	}{
		{"grid", []string{"--world", "zhao-5x5", "--agent", "sarsa", "--steps", "700", "--seed", "2", "--set", "slip=0.1"}, 1e-9},
		{"control", []string{"--env", "pendulum", "--agent", "ddpg", "--steps", "450", "--set", "learning_starts=100", "--set", "hidden=8"}, 1e-3},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".tfrecord")
			plain := mustRun(t, append([]string{"train"}, c.args...)...)
			out := mustRun(t, append([]string{"train", "--tfrecord", path}, c.args...)...)
			if out != plain {
				t.Fatal("--tfrecord changed the rows")
			}
			steps := readSteps(t, path)
			if n, _ := strconv.Atoi(c.args[5]); len(steps) != n {
				t.Fatalf("%d records for %d steps", len(steps), n)
			}
			returns := map[int64]float64{}
			for i, s := range steps {
				returns[s.Episode] += s.Reward
				if i == 0 || steps[i-1].Episode != s.Episode {
					if s.Index != 0 {
						t.Fatalf("record %d starts episode %d at step %d", i, s.Episode, s.Index)
					}
					continue
				}
				p := steps[i-1]
				if s.Index != p.Index+1 || !sameValue(s.State, p.NextState) || p.Terminated || p.Truncated {
					t.Fatalf("record %d (episode %d step %d) does not follow record %d", i, s.Episode, s.Index, i-1)
				}
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
			for _, line := range lines {
				f := strings.Split(line, ",")
				ep, _ := strconv.ParseInt(f[0], 10, 64)
				ret, _ := strconv.ParseFloat(f[2], 64)
				if math.Abs(returns[ep]-ret) > c.tol*math.Max(1, math.Abs(ret)) {
					t.Errorf("episode %d: rewards sum to %v, its row says %v", ep, returns[ep], ret)
				}
			}
			if len(lines) < 2 {
				t.Errorf("only %d episodes", len(lines))
			}
		})
	}
}

func sameValue(a, b tfrecord.Value) bool {
	if a.Ints != nil || b.Ints != nil {
		if len(a.Ints) != len(b.Ints) {
			return false
		}
		for i := range a.Ints {
			if a.Ints[i] != b.Ints[i] {
				return false
			}
		}
		return true
	}
	return equal(a.Floats, b.Floats)
}
