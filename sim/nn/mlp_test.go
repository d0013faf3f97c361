package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// gemmNT against the plain triple loop, for every shape up to 9×9×9 so that
// all edge cases of the 2×4 blocking run; the summation order is the same,
// so the results are identical.
func TestGemmNT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for m := 1; m <= 9; m++ {
		for n := 1; n <= 9; n++ {
			for k := 1; k <= 9; k++ {
				a := randSlice(rng, m*k)
				b := randSlice(rng, n*k)
				c := randSlice(rng, m*n)
				want := append([]float64(nil), c...)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						s := want[i*n+j]
						for p := 0; p < k; p++ {
							s += a[i*k+p] * b[j*k+p]
						}
						want[i*n+j] = s
					}
				}
				gemmNT(c, a, b, m, n, k)
				for i := range c {
					if c[i] != want[i] {
						t.Fatalf("m=%d n=%d k=%d: c[%d] = %v, want %v", m, n, k, i, c[i], want[i])
					}
				}
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

// A 2-2-1 ReLU network with parameters set by hand, computed by hand.
func TestForwardByHand(t *testing.T) {
	cfg := DefaultConfig(2, 1)
	cfg.Sizes = []int{2, 2, 1}
	net, err := New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	copy(net.Params(), []float64{
		1, 2, 3, -4, // W0, rows are units
		0.5, -1, // b0
		2, -1, // W1
		0.25, // b1
	})
	// x = (1, 1): z0 = (1+2+0.5, 3−4−1) = (3.5, −2), relu → (3.5, 0), out = 7 + 0.25.
	// x = (−1, 0.5): z0 = (−1+1+0.5, −3−2−1) = (0.5, −6) → (0.5, 0), out = 1 + 0.25.
	out := net.Forward([]float64{1, 1, -1, 0.5}, 2)
	if len(out) != 2 || out[0] != 7.25 || out[1] != 1.25 {
		t.Fatalf("Forward = %v, want [7.25 1.25]", out)
	}
	// d(out0+out1)/dW1 = (3.5+0.5, 0); /db1 = 2; through unit 0 only:
	// dW0 row 0 = 2·(1,1) + 2·(−1,0.5) = (0, 3), db0 = (4, 0); dx = 2·W0 row 0 per sample.
	net.ZeroGrad()
	dx := net.Backward([]float64{1, 1})
	wantG := []float64{0, 3, 0, 0, 4, 0, 4, 0, 2}
	for i, g := range net.Grads() {
		if g != wantG[i] {
			t.Fatalf("Grads = %v, want %v", net.Grads(), wantG)
		}
	}
	wantDx := []float64{2, 4, 2, 4}
	for i := range dx {
		if dx[i] != wantDx[i] {
			t.Fatalf("input gradient = %v, want %v", dx, wantDx)
		}
	}
}

// central4 is the fourth-order central difference, error O(h⁴).
var central4 = fd.Formula{
	Stencil: []fd.Point{
		{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12},
		{Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12},
	},
	Derivative: 1,
	Step:       1e-3,
}

type lossCase struct {
	name string
	f    func(dst, pred, target []float64) float64
}

var fdLosses = []lossCase{
	{"mse", MSE},
	{"huber", func(dst, pred, target []float64) float64 { return Huber(dst, pred, target, 0.3) }},
	{"linear", func(dst, pred, target []float64) float64 {
		// Σ target·pred: its gradient target is fed in directly, as for DDPG's actor.
		s := 0.0
		for i := range pred {
			s += target[i] * pred[i]
			if dst != nil {
				dst[i] = target[i]
			}
		}
		return s
	}},
}

// The full backward pass (parameter and input gradients) against gonum's
// finite differences, for several depths, every activation (hidden, and
// shifted by one as output) and every loss.
func TestBackwardFiniteDifference(t *testing.T) {
	archs := [][]int{{3, 2}, {3, 5, 2}, {2, 6, 4, 3}, {4, 5, 4, 3, 2}}
	const batch = 3
	acts := Activations()
	worst := 0.0
	seed := uint64(0)
	for _, sizes := range archs {
		for ai, hidden := range acts {
			for _, loss := range fdLosses {
				seed++
				rng := rand.New(rand.NewPCG(seed, 7))
				cfg := Config{Sizes: sizes, Hidden: hidden, Output: acts[(ai+1)%len(acts)], LeakySlope: 0.1}
				net, err := New(cfg, rng)
				if err != nil {
					t.Fatal(err)
				}
				x := randSlice(rng, batch*sizes[0])
				target := randSlice(rng, batch*sizes[len(sizes)-1])
				p0 := append([]float64(nil), net.Params()...)

				dOut := make([]float64, len(target))
				loss.f(dOut, net.Forward(x, batch), target)
				net.ZeroGrad()
				dx := append([]float64(nil), net.Backward(dOut)...)
				grad := append([]float64(nil), net.Grads()...)

				lossAt := func(p, xx []float64) float64 {
					copy(net.Params(), p)
					return loss.f(nil, net.Forward(xx, batch), target)
				}
				settings := &fd.Settings{Formula: central4, Step: 1e-4}
				numP := fd.Gradient(nil, func(p []float64) float64 { return lossAt(p, x) }, p0, settings)
				numX := fd.Gradient(nil, func(xx []float64) float64 { return lossAt(p0, xx) }, x, settings)

				name := cfg.Hidden.String() + "/" + cfg.Output.String() + "/" + loss.name
				for _, c := range []struct {
					what      string
					got, want []float64
				}{{"params", grad, numP}, {"input", dx, numX}} {
					for i := range c.got {
						err := math.Abs(c.got[i]-c.want[i]) / math.Max(1, math.Abs(c.want[i]))
						worst = math.Max(worst, err)
						if err > 1e-8 {
							t.Errorf("%v %s: %s gradient[%d] = %v, finite difference %v", sizes, name, c.what, i, c.got[i], c.want[i])
						}
					}
				}
			}
		}
	}
	t.Logf("worst relative error %.3g", worst)
}

// BackwardInput returns the same input gradient as Backward and leaves
// Grads alone.
func TestBackwardInput(t *testing.T) {
	cfg := DefaultConfig(5, 2)
	cfg.Hidden = Tanh
	net, _ := New(cfg, rand.New(rand.NewPCG(3, 3)))
	rng := rand.New(rand.NewPCG(4, 4))
	x := randSlice(rng, 7*5)
	dOut := randSlice(rng, 7*2)
	net.Forward(x, 7)
	net.ZeroGrad()
	want := append([]float64(nil), net.Backward(dOut)...)
	grads := append([]float64(nil), net.Grads()...)
	got := net.BackwardInput(dOut)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("BackwardInput[%d] = %v, Backward gave %v", i, got[i], want[i])
		}
	}
	for i, g := range net.Grads() {
		if g != grads[i] {
			t.Fatal("BackwardInput changed Grads")
		}
	}
}

// Gradients accumulate across Backward calls until ZeroGrad, as in PyTorch
// (up to rounding: the sums are accumulated in a different order).
func TestGradAccumulates(t *testing.T) {
	net, _ := New(DefaultConfig(3, 2), rand.New(rand.NewPCG(5, 5)))
	rng := rand.New(rand.NewPCG(6, 6))
	x := randSlice(rng, 4*3)
	dOut := randSlice(rng, 4*2)
	net.Forward(x, 4)
	net.ZeroGrad()
	net.Backward(dOut)
	once := append([]float64(nil), net.Grads()...)
	net.Backward(dOut)
	for i, g := range net.Grads() {
		if math.Abs(g-2*once[i]) > 1e-15 {
			t.Fatalf("after two Backward calls Grads[%d] = %v, want 2×%v", i, g, once[i])
		}
	}
	net.ZeroGrad()
	for _, g := range net.Grads() {
		if g != 0 {
			t.Fatal("ZeroGrad left a non-zero gradient")
		}
	}
}

// A larger batch grows the buffers; smaller batches reuse them and give the
// same rows as computing each row alone.
func TestBatchRowsIndependent(t *testing.T) {
	net, _ := New(DefaultConfig(3, 2), rand.New(rand.NewPCG(8, 8)))
	x := randSlice(rand.New(rand.NewPCG(9, 9)), 5*3)
	all := append([]float64(nil), net.Forward(x, 5)...)
	for r := 0; r < 5; r++ {
		one := net.Forward(x[r*3:r*3+3], 1)
		if one[0] != all[r*2] || one[1] != all[r*2+1] {
			t.Fatalf("row %d alone = %v, in the batch = %v", r, one, all[r*2:r*2+2])
		}
	}
}

// The initial parameters, drawn again from an identically seeded generator
// in the documented order and bounds.
func TestInit(t *testing.T) {
	sizes := []int{3, 4, 2}
	for _, tc := range []struct {
		init   Init
		final  float64
		wb, bb [2]float64 // weight and bias bounds per layer
	}{
		{InitDefault, 0, [2]float64{1 / math.Sqrt(3), 1 / math.Sqrt(4)}, [2]float64{1 / math.Sqrt(3), 1 / math.Sqrt(4)}},
		{InitXavier, 0, [2]float64{math.Sqrt(6.0 / 7), math.Sqrt(6.0 / 6)}, [2]float64{0, 0}},
		{InitHe, 0, [2]float64{math.Sqrt(6.0 / 3), math.Sqrt(6.0 / 4)}, [2]float64{0, 0}},
		{InitDefault, 3e-3, [2]float64{1 / math.Sqrt(3), 3e-3}, [2]float64{1 / math.Sqrt(3), 3e-3}},
		{InitHe, 3e-3, [2]float64{math.Sqrt(6.0 / 3), 3e-3}, [2]float64{0, 3e-3}},
	} {
		cfg := Config{Sizes: sizes, Init: tc.init, FinalInit: tc.final}
		net, err := New(cfg, rand.New(rand.NewPCG(42, 1)))
		if err != nil {
			t.Fatal(err)
		}
		ref := rand.New(rand.NewPCG(42, 1))
		var want []float64
		draw := func(n int, bound float64) {
			for i := 0; i < n; i++ {
				if bound == 0 {
					want = append(want, 0)
				} else {
					want = append(want, bound*(2*ref.Float64()-1))
				}
			}
		}
		draw(12, tc.wb[0])
		draw(4, tc.bb[0])
		draw(8, tc.wb[1])
		draw(2, tc.bb[1])
		got := net.Params()
		if len(got) != len(want) {
			t.Fatalf("%v: %d params, want %d", tc.init, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%v final %v: param %d = %v, want %v", tc.init, tc.final, i, got[i], want[i])
			}
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good := DefaultConfig(4, 1)
	if err := good.Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"one size", func(c *Config) { c.Sizes = []int{4} }, "at least"},
		{"zero width", func(c *Config) { c.Sizes = []int{4, 0, 1} }, "Sizes[1]"},
		{"too wide", func(c *Config) { c.Sizes = []int{4, MaxWidth + 1, 1} }, "Sizes[1]"},
		{"too many params", func(c *Config) { c.Sizes = []int{MaxWidth, MaxWidth, MaxWidth} }, "parameters"},
		{"hidden", func(c *Config) { c.Hidden = 99 }, "hidden activation"},
		{"output", func(c *Config) { c.Output = -1 }, "output activation"},
		{"init", func(c *Config) { c.Init = 7 }, "init"},
		{"final init", func(c *Config) { c.FinalInit = -1 }, "FinalInit"},
		{"final init NaN", func(c *Config) { c.FinalInit = math.NaN() }, "FinalInit"},
		{"slope", func(c *Config) { c.LeakySlope = math.Inf(1) }, "LeakySlope"},
	} {
		c := DefaultConfig(4, 1)
		tc.change(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error about %q", tc.name, err, tc.want)
		}
		if _, err := New(c, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("%s: New accepted the config", tc.name)
		}
	}
	if _, err := New(good, nil); err == nil {
		t.Error("New accepted a nil rng")
	}
}

func TestShapePanics(t *testing.T) {
	net, _ := New(DefaultConfig(3, 2), rand.New(rand.NewPCG(1, 1)))
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"backward before forward", func() { net.Backward([]float64{1, 2}) }},
		{"forward length", func() { net.Forward(make([]float64, 5), 2) }},
		{"forward batch", func() { net.Forward(nil, 0) }},
		{"backward length", func() { net.Forward(make([]float64, 6), 2); net.Backward(make([]float64, 3)) }},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "nn: ") {
					t.Errorf("%s: recovered %v, want an \"nn: \" panic", tc.name, r)
				}
			}()
			tc.f()
		}()
	}
}

func TestCloneIndependent(t *testing.T) {
	net, _ := New(DefaultConfig(3, 2), rand.New(rand.NewPCG(1, 1)))
	c := net.Clone()
	x := []float64{0.1, -0.2, 0.3}
	a := append([]float64(nil), net.Forward(x, 1)...)
	b := c.Forward(x, 1)
	if a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("clone computes %v, original %v", b, a)
	}
	c.Params()[0] += 1
	if net.Params()[0] == c.Params()[0] {
		t.Fatal("clone shares parameters with the original")
	}
}
