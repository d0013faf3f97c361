package salab

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/param"
)

func lab(t *testing.T, mod func(*Config)) *Lab {
	t.Helper()
	c := DefaultConfig()
	if mod != nil {
		mod(&c)
	}
	l, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// With α_k = 1/k the incremental estimate w_{k+1} is the plain mean of the
// first k samples (Zhao, section 6.1): compare with sums computed here.
func TestIncrementalMean(t *testing.T) {
	l := lab(t, func(c *Config) { c.Iterations, c.Samples = 300, 300 })
	sum := 0.0
	for k := 1; k <= 300; k++ {
		sum += l.Samples1D[k-1]
		if w := l.Mean.W[k]; math.Abs(w-sum/float64(k)) > 1e-12 {
			t.Fatalf("w_%d = %v, mean of %d samples %v", k+1, w, k, sum/float64(k))
		}
	}
	if e := l.Mean.Err[300]; e != math.Abs(l.Mean.W[300]-TrueMean) {
		t.Errorf("error %v", e)
	}
	// The samples have mean 5 and standard deviation σ = 1: the mean of 300
	// is within 5σ/√300 ≈ 0.29 of 5.
	if e := l.Mean.Err[300]; e > 0.29 {
		t.Errorf("mean of 300 samples is %v away from 5", e)
	}
}

// Uniform noise of standard deviation σ: the sample variance of 1000 draws
// is within 10% of σ² (its relative standard error is √(0.8/1000) ≈ 2.8%).
func TestNoiseVariance(t *testing.T) {
	l := lab(t, func(c *Config) { c.Samples, c.Noise = 1000, 2 })
	ss := 0.0
	for _, x := range l.Samples1D {
		ss += (x - TrueMean) * (x - TrueMean)
	}
	if v := ss / 1000; math.Abs(v-4) > 0.4 {
		t.Errorf("variance %v, want 4", v)
	}
}

// Robbins–Monro without noise and with α_k = 1/k follows
// w_{k+1} = w_k − tanh(w_k − 1)/k from w_1 = 3, computed here with math.Tanh.
func TestRobbinsMonroNoiseFree(t *testing.T) {
	l := lab(t, func(c *Config) { c.Noise, c.Iterations = 0, 1000 })
	w := 3.0
	for k := 1; k <= 1000; k++ {
		if math.Abs(l.RM.W[k-1]-w) > 1e-12 {
			t.Fatalf("w_%d = %v, want %v", k, l.RM.W[k-1], w)
		}
		w -= math.Tanh(w-1) / float64(k)
	}
	if l.RM.Err[1000] > 0.01 {
		t.Errorf("after 1000 steps |w − 1| = %v", l.RM.Err[1000])
	}
}

// The step-size conditions. With α_k = 1/k² the steps sum to π²/6 and
// |tanh| ≤ 1, so without noise w never gets below 3 − π²/6 ≈ 1.355: it stops
// short of the root 1. With 1/k it gets there despite noise σ 1 (within 0.1
// after 5000 steps, for this seed).
func TestRobbinsMonroConditions(t *testing.T) {
	l := lab(t, func(c *Config) { c.Noise, c.Iterations, c.Schedule = 0, 5000, OneOverK2 })
	for k, w := range l.RM.W {
		if w < 3-math.Pi*math.Pi/6 {
			t.Fatalf("1/k²: w_%d = %v below the bound", k+1, w)
		}
	}
	l = lab(t, func(c *Config) { c.Noise, c.Iterations = 1, 5000 })
	if e := l.RM.Err[5000]; e > 0.1 {
		t.Errorf("1/k with noise: |w − 1| = %v after 5000 steps", e)
	}
}

// Batch gradient descent with α_1 = 1 jumps to the minimiser x̄ in one step
// (w − 1·(w − x̄) = x̄) and stays there.
func TestBatchGDOneStep(t *testing.T) {
	l := lab(t, nil)
	for k := 1; k <= l.Iterations; k++ {
		if l.GD.Err[k] > 1e-12 {
			t.Fatalf("BGD error %v at iterate %d", l.GD.Err[k], k+1)
		}
	}
	if l.GD.Err[0] == 0 {
		t.Error("the start is the minimiser")
	}
}

// With a single point x every method is w_{k+1} − x = (1 − α)(w_k − x), so
// with constant α 0.3 the error is (0.7)^k times the first.
func TestConstantStepOnePoint(t *testing.T) {
	l := lab(t, func(c *Config) { c.Samples, c.Batch, c.Schedule, c.Alpha, c.Iterations = 1, 1, Constant, 0.3, 50 })
	for _, p := range []Path{l.SGD, l.MBGD, l.GD} {
		for k := 0; k <= 50; k++ {
			want := math.Pow(0.7, float64(k)) * p.Err[0]
			if math.Abs(p.Err[k]-want) > 1e-9*p.Err[0] {
				t.Fatalf("error %v at iterate %d, want %v", p.Err[k], k+1, want)
			}
		}
	}
}

// SGD with α_k = 1/k makes w_{K+1} the mean of the K points drawn (each
// uniformly from n), so E‖w_{K+1} − x̄‖² = (sample variance per axis)·2/K;
// mini-batches of m divide it by m. Points uniform in [−10, 10]² have
// variance 100/3 per axis: for K = 1000 the rms error is 0.26 (SGD) and
// 0.082 (m 10); each must be within 4 times that.
func TestSGDAndMiniBatchErrors(t *testing.T) {
	l := lab(t, func(c *Config) { c.Iterations, c.Batch = 1000, 10 })
	// Use the points' own variance.
	v := 0.0
	for i := 0; i < l.Config.Samples; i++ {
		dx, dy := l.Points[2*i]-l.Centre[0], l.Points[2*i+1]-l.Centre[1]
		v += dx*dx + dy*dy
	}
	v /= float64(l.Config.Samples)
	for _, tc := range []struct {
		name string
		p    Path
		m    float64
	}{{"SGD", l.SGD, 1}, {"MBGD", l.MBGD, 10}} {
		rms := math.Sqrt(v / (1000 * tc.m))
		if e := tc.p.Err[1000]; e > 4*rms {
			t.Errorf("%s: error %v after 1000 steps, rms %v", tc.name, e, rms)
		}
	}
}

// Changing the batch size changes MBGD only; the same config gives the same
// numbers.
func TestStreams(t *testing.T) {
	a := lab(t, nil)
	b := lab(t, func(c *Config) { c.Batch = 7 })
	same := func(x, y []float64) bool {
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return len(x) == len(y)
	}
	if !same(a.SGD.W, b.SGD.W) || !same(a.RM.W, b.RM.W) || !same(a.Mean.W, b.Mean.W) || !same(a.Points, b.Points) {
		t.Error("the batch size changed another experiment")
	}
	if same(a.MBGD.W, b.MBGD.W) {
		t.Error("the batch size did not change MBGD")
	}
	c := lab(t, nil)
	if !same(a.MBGD.W, c.MBGD.W) || !same(a.SGD.Err, c.SGD.Err) {
		t.Error("two labs with one config differ")
	}
	if n := testing.AllocsPerRun(10, a.Run); n != 0 {
		t.Errorf("Run allocates %v times", n)
	}
}

func TestSchema(t *testing.T) {
	sc := Schema()
	c, err := ConfigFromValues(sc.Defaults())
	if err != nil || c != DefaultConfig() {
		t.Errorf("defaults %+v, %v", c, err)
	}
	v := param.Values{}
	for _, s := range []string{"schedule=1/k^2", "samples=3", "batch=50"} {
		if err := sc.Set(v, s); err != nil {
			t.Fatal(err)
		}
	}
	c, err = ConfigFromValues(v)
	if err != nil || c.Schedule != OneOverK2 || c.Batch != 3 {
		t.Errorf("config %+v, %v", c, err)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.Alpha = 0 },
		func(c *Config) { c.Batch = 101 },
		func(c *Config) { c.Samples = 0 },
		func(c *Config) { c.Iterations = MaxIterations + 1 },
		func(c *Config) { c.Noise = math.NaN() },
		func(c *Config) { c.Spread = 0 },
	} {
		c := DefaultConfig()
		bad(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// Tanh agrees with math.Tanh.
func TestTanh(t *testing.T) {
	for _, x := range []float64{-30, -5, -1, -0.3, -1e-9, 0, 1e-9, 0.2, 0.7, 2, 19.9, 25} {
		if d := math.Abs(Tanh(x) - math.Tanh(x)); d > 1e-15 {
			t.Errorf("Tanh(%v) = %v, math.Tanh %v", x, Tanh(x), math.Tanh(x))
		}
	}
}

func TestSetParam(t *testing.T) {
	l := lab(t, nil)
	if note, err := l.SetParam("alpha", 5); err != nil || !strings.Contains(note, "clamped to 2") || l.Alpha != 2 {
		t.Errorf("alpha 5: %q %v α %v", note, err, l.Alpha)
	}
	if note, err := l.SetParam("samples", 3); err != nil || !strings.Contains(note, "cut to the 3 samples") || l.Batch != 3 {
		t.Errorf("samples 3: %q %v batch %d", note, err, l.Batch)
	}
	if len(l.Points) != 6 || len(l.Samples1D) != 3 {
		t.Error("not recomputed")
	}
	if _, err := l.SetParam("gamma", 1); err == nil || !strings.Contains(err.Error(), "valid:") {
		t.Errorf("unknown key: %v", err)
	}
	if v := l.Config.Values(); v["samples"] != 3 || v["alpha"] != 2 {
		t.Errorf("values %v", v)
	}
}
