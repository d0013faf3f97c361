package control_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"bellman/sim/control"
)

func newEnv(t testing.TB, name string) control.Env {
	t.Helper()
	env, err := control.New(name)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestNew(t *testing.T) {
	want := []string{"pendulum", "mountaincar", "cartpole", "cartpole-discrete", "pointmass",
		"mountaincar-discrete", "acrobot"}
	if got := control.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	control.Names()[0] = "changed"
	if control.Names()[0] != "pendulum" {
		t.Error("Names returns the package's own slice")
	}
	dims := map[string][4]int{ // obs, act, state, max steps
		"pendulum":             {3, 1, 2, 200},
		"mountaincar":          {2, 1, 2, 999},
		"cartpole":             {4, 1, 4, 500},
		"cartpole-discrete":    {4, 1, 4, 500},
		"pointmass":            {4, 2, 4, 200},
		"mountaincar-discrete": {2, 1, 2, 200},
		"acrobot":              {6, 1, 4, 500},
	}
	bounds := map[string][2][]float64{
		"pendulum":             {{-2}, {2}},
		"mountaincar":          {{-1}, {1}},
		"cartpole":             {{-1}, {1}},
		"cartpole-discrete":    {{0}, {1}},
		"pointmass":            {{-1, -1}, {1, 1}},
		"mountaincar-discrete": {{0}, {2}},
		"acrobot":              {{0}, {2}},
	}
	for _, name := range want {
		env := newEnv(t, name)
		if env.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, env.Name())
		}
		d := dims[name]
		if got := [4]int{env.ObsDim(), env.ActDim(), env.StateDim(), env.MaxEpisodeSteps()}; got != d {
			t.Errorf("%s: obs, act, state dims and steps = %v, want %v", name, got, d)
		}
		lo, hi := env.ActionBounds()
		if !slices.Equal(lo, bounds[name][0]) || !slices.Equal(hi, bounds[name][1]) {
			t.Errorf("%s: action bounds %v %v, want %v", name, lo, hi, bounds[name])
		}
		wantN := map[string]int{"cartpole-discrete": 2, "mountaincar-discrete": 3, "acrobot": 3}[name]
		if n := control.NumActions(env); n != wantN {
			t.Errorf("%s: NumActions = %d, want %d", name, n, wantN)
		}
		if n := control.NumActions(control.NewTimeLimit(env, 0)); n != wantN {
			t.Errorf("%s in a TimeLimit: NumActions = %d, want %d", name, n, wantN)
		}
	}
	if env, err := control.New(" CartPole-Discrete "); err != nil || env.Name() != "cartpole-discrete" {
		t.Errorf("New ignores case and spaces: %v, %v", env, err)
	}
	_, err := control.New("acrobot-v1")
	if err == nil || !strings.Contains(err.Error(), `"acrobot-v1"`) ||
		!strings.Contains(err.Error(), strings.Join(want, ", ")) {
		t.Errorf("unknown name: error %v, want the name and the valid names", err)
	}
}

func TestSetStateErrors(t *testing.T) {
	for _, name := range control.Names() {
		env := newEnv(t, name)
		n := env.StateDim()
		if err := env.SetState(make([]float64, n+1)); err == nil {
			t.Errorf("%s: no error for a state of length %d", name, n+1)
		}
		bad := make([]float64, n)
		bad[n-1] = math.NaN()
		if err := env.SetState(bad); err == nil || !strings.Contains(err.Error(), "NaN") {
			t.Errorf("%s: error %v for a NaN state", name, err)
		}
		bad[n-1] = math.Inf(1)
		if err := env.SetState(bad); err == nil {
			t.Errorf("%s: no error for an infinite state", name)
		}
		good := make([]float64, n)
		good[0] = 0.25
		if err := env.SetState(good); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if got := env.State(make([]float64, 0, 1)); !slices.Equal(got, good) {
			t.Errorf("%s: State() = %v after SetState(%v)", name, got, good)
		}
	}
	if err := newEnv(t, "pointmass").SetState([]float64{1.5, 0.5, 0, 0}); err == nil {
		t.Error("pointmass: no error for a position outside the square")
	}
}

func TestWrongLengthsPanic(t *testing.T) {
	for _, name := range control.Names() {
		env := newEnv(t, name)
		for _, c := range []struct {
			what        string
			action, obs []float64
		}{
			{"action", make([]float64, env.ActDim()+1), make([]float64, env.ObsDim())},
			{"obs", make([]float64, env.ActDim()), make([]float64, env.ObsDim()-1)},
		} {
			func() {
				defer func() {
					r := recover()
					if s, ok := r.(string); !ok || !strings.HasPrefix(s, "control: "+name+": "+c.what) {
						t.Errorf("%s: wrong %s length: panic %v", name, c.what, r)
					}
				}()
				env.Step(c.action, c.obs)
			}()
		}
	}
}

// Reset draws from Gymnasium's start distributions: uniform on the
// documented ranges, deterministic for a seed.
func TestResetDistributions(t *testing.T) {
	const n = 2000
	ranges := map[string][][2]float64{ // per state variable
		"pendulum":             {{-math.Pi, math.Pi}, {-1, 1}},
		"mountaincar":          {{-0.6, -0.4}, {0, 0}},
		"cartpole":             {{-0.05, 0.05}, {-0.05, 0.05}, {-0.05, 0.05}, {-0.05, 0.05}},
		"cartpole-discrete":    {{-0.05, 0.05}, {-0.05, 0.05}, {-0.05, 0.05}, {-0.05, 0.05}},
		"pointmass":            {{0, 1}, {0, 1}, {0, 0}, {0, 0}},
		"mountaincar-discrete": {{-0.6, -0.4}, {0, 0}},
		"acrobot":              {{-0.1, 0.1}, {-0.1, 0.1}, {-0.1, 0.1}, {-0.1, 0.1}},
	}
	for _, name := range control.Names() {
		env := newEnv(t, name)
		rng := rand.New(rand.NewPCG(11, 12))
		obs := make([]float64, env.ObsDim())
		r := ranges[name]
		sum := make([]float64, len(r))
		lo := make([]float64, len(r))
		hi := make([]float64, len(r))
		for i := range lo {
			lo[i], hi[i] = math.Inf(1), math.Inf(-1)
		}
		var first []float64
		for k := 0; k < n; k++ {
			env.Reset(rng, obs)
			s := env.State(nil)
			if k == 0 {
				first = s
			}
			for i, x := range s {
				if x < r[i][0] || x > r[i][1] || (r[i][0] != r[i][1] && x == r[i][1]) {
					t.Fatalf("%s: reset state %v outside %v", name, s, r)
				}
				sum[i] += x
				lo[i], hi[i] = math.Min(lo[i], x), math.Max(hi[i], x)
			}
		}
		for i := range r {
			width := r[i][1] - r[i][0]
			if width == 0 {
				continue
			}
			// Uniform on the range: the sample spans it, and its mean is the
			// midpoint within 5 standard errors (σ = width/√12).
			if lo[i] > r[i][0]+0.01*width || hi[i] < r[i][1]-0.01*width {
				t.Errorf("%s: variable %d spans [%g, %g], want about %v", name, i, lo[i], hi[i], r[i])
			}
			if name == "pointmass" {
				continue // rejection sampling outside the regions shifts the mean
			}
			mean, mid := sum[i]/n, (r[i][0]+r[i][1])/2
			if math.Abs(mean-mid) > 5*width/math.Sqrt(12*n) {
				t.Errorf("%s: variable %d has mean %g, want %g", name, i, mean, mid)
			}
		}
		// The same seed gives the same start; another seed another one.
		again := newEnv(t, name)
		again.Reset(rand.New(rand.NewPCG(11, 12)), obs)
		if s := again.State(nil); !slices.Equal(s, first) {
			t.Errorf("%s: seed 11 starts at %v and then at %v", name, first, s)
		}
		again.Reset(rand.New(rand.NewPCG(13, 12)), obs)
		if s := again.State(nil); slices.Equal(s, first) {
			t.Errorf("%s: seeds 11 and 13 start at the same %v", name, s)
		}
	}
}

// The observation after Reset is the state's, rounded to float32 for the
// Gymnasium environments.
func TestResetObservation(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, name := range control.Names() {
		env := newEnv(t, name)
		obs := make([]float64, env.ObsDim())
		env.Reset(rng, obs)
		s := env.State(nil)
		var want []float64
		switch name {
		case "pendulum":
			want = obs32(math.Cos(s[0]), math.Sin(s[0]), s[1])
		case "pointmass":
			want = s
		case "acrobot":
			// Gymnasium rounds the drawn state itself to float32.
			for _, x := range s {
				if x != float64(float32(x)) {
					t.Errorf("acrobot: reset state %v is not float32", s)
				}
			}
			want = obs32(math.Cos(s[0]), math.Sin(s[0]), math.Cos(s[1]), math.Sin(s[1]), s[2], s[3])
		default:
			want = obs32(s...)
		}
		checkVec(t, name+" reset obs", obs, want, 0)
	}
}

func TestPlanes(t *testing.T) {
	for _, c := range []struct {
		name       string
		plane      [4]float64
		u, v       float64
		obs, state []float64
	}{
		{"pendulum", [4]float64{-math.Pi, math.Pi, -8, 8}, 0.5, -2,
			[]float64{math.Cos(0.5), math.Sin(0.5), -2}, []float64{0.5 + 4*math.Pi, -2}},
		{"mountaincar", [4]float64{-1.2, 0.6, -0.07, 0.07}, -0.3, 0.01,
			[]float64{-0.3, 0.01}, []float64{-0.3, 0.01}},
		{"cartpole", [4]float64{-0.20943951023931953, 0.20943951023931953, -2, 2}, 0.1, -0.5,
			[]float64{0, 0, 0.1, -0.5}, []float64{1, 2, 0.1, -0.5}},
		{"cartpole-discrete", [4]float64{-0.20943951023931953, 0.20943951023931953, -2, 2}, 0.1, -0.5,
			[]float64{0, 0, 0.1, -0.5}, []float64{1, 2, 0.1, -0.5}},
		{"pointmass", [4]float64{0, 1, 0, 1}, 0.3, 0.7,
			[]float64{0.3, 0.7, 0, 0}, []float64{0.3, 0.7, 0.5, -0.5}},
		{"mountaincar-discrete", [4]float64{-1.2, 0.6, -0.07, 0.07}, -0.3, 0.01,
			[]float64{-0.3, 0.01}, []float64{-0.3, 0.01}},
		{"acrobot", [4]float64{-math.Pi, math.Pi, -4 * math.Pi, 4 * math.Pi}, 0.5, -2,
			[]float64{math.Cos(0.5), math.Sin(0.5), 1, 0, -2, 0}, []float64{0.5 - 2*math.Pi, 1, -2, 3}},
	} {
		env := newEnv(t, c.name)
		p := env.Plane()
		if got := [4]float64{p.XMin, p.XMax, p.YMin, p.YMax}; got != c.plane || p.XLabel == "" || p.YLabel == "" {
			t.Errorf("%s: plane %+v, want ranges %v", c.name, p, c.plane)
		}
		obs := make([]float64, env.ObsDim())
		env.PlaneObs(c.u, c.v, obs)
		checkVec(t, c.name+" PlaneObs", obs, c.obs, 1e-15)
		u, v := env.PlanePoint(c.state)
		checkVec(t, c.name+" PlanePoint", []float64{u, v}, []float64{c.u, c.v}, 1e-12)
	}
}
