package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// rollout runs "bellman rollout" with the actions on stdin.
func rollout(t *testing.T, actions string, args ...string) (rolloutResult, string, int) {
	t.Helper()
	rolloutStdin = strings.NewReader(actions)
	defer func() { rolloutStdin = nil }()
	stdout, stderr, code := bellman(append([]string{"rollout", "--actions", "-"}, args...)...)
	var r rolloutResult
	if code == 0 {
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, stdout)
		}
	}
	return r, stderr, code
}

// Pendulum-v1's step applied by hand (Gymnasium's pendulum.py): the cost
// θₙ² + 0.1θ̇² + 0.001u² of the state before the step with u clipped to
// ±2, θ̇ ← clip(θ̇ + (3g/(2l)·sin θ + 3u/(ml²))·dt, ±8), θ ← θ + θ̇·dt, and
// the observation (cos θ, sin θ, θ̇) in float32.
func TestRolloutPendulumByHand(t *testing.T) {
	r, stderr, code := rollout(t, "[1.5, -3, [0.25]]", "--env", "pendulum", "--state", "4,-7.9")
	if code != 0 {
		t.Fatal(stderr)
	}
	th, thdot := 4.0, -7.9
	for i, u := range []float64{1.5, -2, 0.25} {
		thn := math.Mod(th+math.Pi, 2*math.Pi) - math.Pi
		cost := thn*thn + 0.1*thdot*thdot + 0.001*u*u
		thdot = math.Max(-8, math.Min(8, thdot+(15*math.Sin(th)+3*u)*0.05))
		th += thdot * 0.05
		if math.Abs(r.Rewards[i]+cost) > 1e-12 || math.Abs(r.States[i][0]-th) > 1e-12 || math.Abs(r.States[i][1]-thdot) > 1e-12 {
			t.Errorf("step %d: reward %v state %v, by hand %v (%v, %v)", i+1, r.Rewards[i], r.States[i], -cost, th, thdot)
		}
		obs := []float64{float64(float32(math.Cos(th))), float64(float32(math.Sin(th))), float64(float32(thdot))}
		for k := range obs {
			if math.Abs(r.Obs[i][k]-obs[k]) > 1e-7 {
				t.Errorf("step %d: obs %v, by hand %v", i+1, r.Obs[i], obs)
			}
		}
		if r.Terminated[i] || r.Truncated[i] {
			t.Errorf("step %d: terminated %v truncated %v", i+1, r.Terminated[i], r.Truncated[i])
		}
		if i == 0 && thdot != -8 {
			t.Fatalf("test case: the first step should hit the speed limit, θ̇ = %v", thdot)
		}
	}
}

// MountainCarContinuous ends on reaching 0.45 with v ≥ 0, paying
// 100 − 0.1a²; the rollout stops after that step.
func TestRolloutStopsAtTermination(t *testing.T) {
	r, stderr, code := rollout(t, "[1, 1, 1]", "--env", "mountaincar", "--state", "0.449,0.06")
	if code != 0 {
		t.Fatal(stderr)
	}
	v := 0.06 + 0.0015 - 0.0025*math.Cos(3*0.449)
	x := 0.449 + v
	if len(r.Rewards) != 1 || !r.Terminated[0] || math.Abs(r.Rewards[0]-99.9) > 1e-12 ||
		math.Abs(r.States[0][0]-x) > 1e-7 || math.Abs(r.States[0][1]-v) > 1e-8 {
		t.Errorf("got %+v, want one terminated step to (%v, %v) paying 99.9", r, x, v)
	}
}

// Gymnasium's TimeLimit truncates Pendulum at step 200: the rollout stops
// there, as at termination (issue 11: it stepped on, truncated at every
// step); the actions after it are checked but not applied.
func TestRolloutTruncation(t *testing.T) {
	actions := "[" + strings.Repeat("0,", 249) + "0]"
	r, stderr, code := rollout(t, actions, "--env", "pendulum", "--state", "0,0")
	if code != 0 {
		t.Fatal(stderr)
	}
	if len(r.Truncated) != 200 || r.Truncated[198] || !r.Truncated[199] || r.Terminated[199] {
		t.Errorf("%d steps, want 200, the last truncated", len(r.Truncated))
	}
	// Upright at rest with no torque stays there and costs nothing.
	if r.States[199][0] != 0 || r.Rewards[0] != 0 {
		t.Errorf("upright pendulum moved: %v, reward %v", r.States[199], r.Rewards[0])
	}
	_, stderr, code = rollout(t, "["+strings.Repeat("0,", 250)+`"a"]`, "--env", "pendulum", "--state", "0,0")
	if code != 1 || !strings.Contains(stderr, `action 251 is "a"`) {
		t.Errorf("a bad action after the end: exit %d, %q", code, stderr)
	}
}

// Issue 11, failure 6: a state too large to step said "json: unsupported
// value: +Inf". Now the error names the state value and what overflowed.
func TestRolloutOverflow(t *testing.T) {
	for _, c := range []struct{ env, state, want string }{
		// Pendulum's cost 0.1·θ̇² overflows: the reward is −Inf.
		{"pendulum", "0,1e308", "pendulum state θ̇ = 1e+308 overflows: the reward became -Inf at step 1"},
		// x + τ·ẋ = 2e306 is finite, but not as the float32 observation.
		{"cartpole", "0,1e308,0,0", "cartpole state ẋ = 1e+308 overflows: observation 0 became +Inf at step 1"},
		{"cartpole", "1e39,0,0,0", "cartpole state x = 1e+39 overflows the observation, which is float32"},
	} {
		_, stderr, code := rollout(t, "[0]", "--env", c.env, "--state", c.state)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s %s: exit %d, %q, want %q", c.env, c.state, code, stderr, c.want)
		}
	}
}

// Issue 11, failure 4: 5 M actions took 3 GB. Actions are read one at a
// time, at most 1,000,000 of them and 64 MiB (1 KiB here, to be quick).
func TestRolloutInputLimits(t *testing.T) {
	_, stderr, code := rollout(t, "["+strings.Repeat("0,", maxRolloutActions)+"0]", "--env", "pendulum", "--state", "0,0")
	if code != 1 || !strings.Contains(stderr, "more than 1000000 actions") {
		t.Errorf("1,000,001 actions: exit %d, %q", code, stderr)
	}
	defer func(n int) { maxRolloutInput = n }(maxRolloutInput)
	maxRolloutInput = 1 << 10
	for _, over := range []string{`["` + strings.Repeat("a", 1<<10), "[" + strings.Repeat(" ", 1<<10), "[1]" + strings.Repeat(" ", 1<<10-2)} {
		_, stderr, code = rollout(t, over, "--env", "pendulum", "--state", "0,0")
		if code != 1 || !strings.Contains(stderr, "more than the limit of 1 KiB (1024 bytes)") {
			t.Errorf("%.10s… of %d bytes: exit %d, %q", over, len(over), code, stderr)
		}
	}
	// Exactly at the limit is fine.
	r, stderr, code := rollout(t, "[1]"+strings.Repeat(" ", 1<<10-3), "--env", "pendulum", "--state", "0,0")
	if code != 0 || len(r.Rewards) != 1 {
		t.Errorf("1 KiB exactly: exit %d, %q", code, stderr)
	}
}

// Each environment takes its state and actions: the discrete cart-pole
// 0 or 1, the point mass pairs.
func TestRolloutEnvs(t *testing.T) {
	for _, c := range []struct {
		env, state, actions string
		steps               int
	}{
		{"cartpole", "0,0,0.1,0", "[1, -0.5]", 2},
		{"cartpole-discrete", "0,0,0,0", "[0, 1, 1]", 3},
		{"pointmass", "0.5,0.5,0,0", "[[1, 0.5], [-1, 0]]", 2},
		{"pendulum", "0,0", "[]", 0},
	} {
		r, stderr, code := rollout(t, c.actions, "--env", c.env, "--state", c.state)
		if code != 0 || len(r.States) != c.steps || len(r.Obs) != c.steps || len(r.Rewards) != c.steps {
			t.Errorf("%s: exit %d %s, %d steps, want %d", c.env, code, stderr, len(r.States), c.steps)
		}
	}
	// The discrete cart-pole pushes with −10 N for 0: ẋ after one step is
	// τ·xacc with xacc = temp − ml·θacc·cosθ/M at θ = 0, θ̇ = 0:
	// temp = −10/1.1, θacc = −temp/(0.5·(4/3 − 0.1/1.1)).
	r, _, _ := rollout(t, "[0]", "--env", "cartpole-discrete", "--state", "0,0,0,0")
	temp := -10 / 1.1
	thacc := -temp / (0.5 * (4.0/3 - 0.1/1.1))
	if xdot := 0.02 * (temp - 0.05*thacc/1.1); math.Abs(r.States[0][1]-xdot) > 1e-12 {
		t.Errorf("cart velocity %v, by hand %v", r.States[0][1], xdot)
	}
}

// Bad input is a one-line error naming the problem.
func TestRolloutErrors(t *testing.T) {
	for _, c := range []struct {
		actions string
		args    []string
		want    string
	}{
		{"[0]", []string{"--state", "0,0"}, "--env is required"},
		{"[0]", []string{"--env", "moon", "--state", "0,0"}, "unknown environment"},
		{"[0]", []string{"--env", "pendulum"}, "--state is required"},
		{"[0]", []string{"--env", "pendulum", "--state", "1"}, "takes 2 values"},
		{"[0]", []string{"--env", "pendulum", "--state", "1,x"}, "not a finite number"},
		{"[0]", []string{"--env", "pendulum", "--state", "1,NaN"}, "not a finite number"},
		{"[[0, 0]]", []string{"--env", "pointmass", "--state", "2,0,0,0"}, "outside the unit square"},
		{"{}", []string{"--env", "pendulum", "--state", "0,0"}, "JSON array"},
		{"[1,", []string{"--env", "pendulum", "--state", "0,0"}, "JSON array"},
		{"null", []string{"--env", "pendulum", "--state", "0,0"}, "JSON array"},
		{`["a"]`, []string{"--env", "pendulum", "--state", "0,0"}, "action 1 is \"a\""},
		{"[null]", []string{"--env", "pendulum", "--state", "0,0"}, "action 1 is null"},
		{"[[1, 2]]", []string{"--env", "pendulum", "--state", "0,0"}, "action 1 has 2 values"},
		{"[1]", []string{"--env", "pointmass", "--state", "0.5,0.5,0,0"}, "action 1 has 1 values"},
		{"[0, 2]", []string{"--env", "cartpole-discrete", "--state", "0,0,0,0"}, "action 2 is 2"},
		{"[0.5]", []string{"--env", "cartpole-discrete", "--state", "0,0,0,0"}, "index from 0 to 1"},
		{"[[1, null]]", []string{"--env", "pointmass", "--state", "0.5,0.5,0,0"}, "action 1 holds null"},
		{"[{}]", []string{"--env", "pendulum", "--state", "0,0"}, "action 1 is an object"},
		{"[1] [2]", []string{"--env", "pendulum", "--state", "0,0"}, "data after the array"},
		{"[1 2]", []string{"--env", "pendulum", "--state", "0,0"}, "bad JSON at byte 3"},
	} {
		_, stderr, code := rollout(t, c.actions, c.args...)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v with %s: exit %d, stderr %q, want one line with %q", c.args, c.actions, code, stderr, c.want)
		}
	}
	_, stderr, code := bellman("rollout", "--env", "pendulum", "--state", "0,0")
	if code != 1 || !strings.Contains(stderr, "--actions is required") {
		t.Errorf("no --actions: exit %d %q", code, stderr)
	}
	_, stderr, code = bellman("rollout", "--env", "pendulum", "--state", "0,0", "--actions", "/no/such/file.json")
	if code != 1 || !strings.Contains(stderr, "cannot read actions file") {
		t.Errorf("missing file: exit %d %q", code, stderr)
	}
}

// --actions reads a file as well as stdin.
func TestRolloutFile(t *testing.T) {
	path := writeFile(t, "actions.json", "[2, 2]")
	stdout, stderr, code := bellman("rollout", "--env", "pendulum", "--state", "3,0", "--actions", path)
	var r rolloutResult
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || len(r.Rewards) != 2 {
		t.Errorf("exit %d %s: %s", code, stderr, stdout)
	}
}

// MountainCar-v0 and Acrobot-v1 take the indexes 0, 1, 2 and report
// Gymnasium's rewards: −1 a step, and for the acrobot 0 on the terminating
// step.
func TestRolloutDiscreteEnvs(t *testing.T) {
	// v' = 0.02 + (a−1)·0.001 − 0.0025·cos(3p), p' = p + v'.
	r, stderr, code := rollout(t, "[0, 2]", "--env", "mountaincar-discrete", "--state", "0.2,0.02")
	if code != 0 {
		t.Fatal(stderr)
	}
	p, v := 0.2, 0.02
	for i, a := range []float64{0, 2} {
		v += (a-1)*0.001 - 0.0025*math.Cos(3*p)
		p += v
		if math.Abs(r.States[i][0]-p) > 1e-15 || math.Abs(r.States[i][1]-v) > 1e-15 || r.Rewards[i] != -1 || r.Terminated[i] {
			t.Errorf("mountaincar-discrete step %d: state %v reward %v, by hand (%v, %v) −1", i+1, r.States[i], r.Rewards[i], p, v)
		}
	}
	// The acrobot upright (θ₁ = π) is above the line: terminated, reward 0.
	r, stderr, code = rollout(t, "[1, 1]", "--env", "acrobot", "--state", "3.141592653589793,0,0,0")
	if code != 0 || len(r.Rewards) != 1 || r.Rewards[0] != 0 || !r.Terminated[0] || len(r.Obs[0]) != 6 {
		t.Errorf("acrobot upright: exit %d %s, %+v", code, stderr, r)
	}
	r, _, code = rollout(t, "[0, 1, 2]", "--env", "acrobot", "--state", "0,0,0,0")
	if code != 0 || len(r.Rewards) != 3 || r.Rewards[2] != -1 || r.Terminated[2] || len(r.States[2]) != 4 {
		t.Errorf("acrobot hanging: exit %d, %+v", code, r)
	}
	for _, c := range []struct{ env, state, actions, want string }{
		{"acrobot", "0,0,0,0", "[3]", "index from 0 to 2"},
		{"acrobot", "0,0,0", "[1]", "θ₁,θ₂,θ̇₁,θ̇₂"},
		{"mountaincar-discrete", "0,0", "[1.5]", "index from 0 to 2"},
	} {
		_, stderr, code := rollout(t, c.actions, "--env", c.env, "--state", c.state)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s %s %s: exit %d %q, want %q", c.env, c.state, c.actions, code, stderr, c.want)
		}
	}
}
