package nn

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// The portable logarithm against math.Log (an independent implementation)
// over many decades and at the special values. For subnormal x the
// reference is math.Log2(x)·ln 2: math.Log's amd64 assembly returns about
// −709.09 for every subnormal (Go 1.26), where WebAssembly's pure Go gives
// the right value.
func TestPortableLog(t *testing.T) {
	worst := 0.0
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 200000; i++ {
		x := math.Ldexp(0.5+rng.Float64(), rng.IntN(2100)-1074)
		if x == 0 || math.IsInf(x, 0) {
			continue
		}
		got, want := Log(x), math.Log(x)
		if x < 0x1p-1022 {
			want = math.Log2(x) * math.Ln2
		}
		err := math.Abs(got - want)
		if want != 0 {
			err /= math.Abs(want)
		}
		if err > worst {
			worst = err
		}
		if err > 4e-16 {
			t.Fatalf("Log(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range []float64{1, 2, math.E, 0.5, 1 + 1e-12, 1 - 1e-12, math.MaxFloat64} {
		if got, want := Log(x), math.Log(x); math.Abs(got-want) > 4e-16*math.Abs(want) {
			t.Errorf("Log(%v) = %v, want %v", x, got, want)
		}
	}
	if got, want := Log(math.SmallestNonzeroFloat64), -1074*math.Ln2; math.Abs(got-want) > 4e-16*math.Abs(want) {
		t.Errorf("Log(2⁻¹⁰⁷⁴) = %v, want %v", got, want)
	}
	if Log(1) != 0 || !math.IsInf(Log(0), -1) || !math.IsInf(Log(math.Inf(1)), 1) || !math.IsNaN(Log(-1)) || !math.IsNaN(Log(math.NaN())) {
		t.Error("special values")
	}
	t.Logf("worst relative error %.3g", worst)
}

// NormFloat64 draws a standard normal: the Kolmogorov–Smirnov distance of
// 100,000 draws from Φ (math.Erf) is below 1.63/√n, the 1% critical value,
// and mean and variance are within 5 standard errors of 0 and 1.
func TestNormFloat64(t *testing.T) {
	const n = 100000
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, n)
	sum, sq := 0.0, 0.0
	for i := range x {
		x[i] = NormFloat64(rng)
		sum += x[i]
		sq += x[i] * x[i]
	}
	mean := sum / n
	variance := sq/n - mean*mean
	if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(variance-1) > 5*math.Sqrt(2.0/n) {
		t.Errorf("mean %v, variance %v", mean, variance)
	}
	sort.Float64s(x)
	d := 0.0
	for i, v := range x {
		cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
		d = math.Max(d, math.Max(math.Abs(float64(i+1)/n-cdf), math.Abs(cdf-float64(i)/n)))
	}
	if d > 1.63/math.Sqrt(n) {
		t.Errorf("KS distance %v above %v", d, 1.63/math.Sqrt(n))
	}
}

// π ∝ (1, 2, 3): logits (0, log 2, log 3), worked out by hand.
func TestCategoricalByHand(t *testing.T) {
	z := []float64{0, math.Log(2), math.Log(3)}
	p := []float64{1.0 / 6, 2.0 / 6, 3.0 / 6}
	wantH := -(p[0]*math.Log(p[0]) + p[1]*math.Log(p[1]) + p[2]*math.Log(p[2]))
	lp := LogSoftmax(make([]float64, 3), z)
	sm := Softmax(make([]float64, 3), z)
	for j := range p {
		if !close(lp[j], math.Log(p[j]), 1e-15) || !close(sm[j], p[j], 1e-15) {
			t.Errorf("action %d: log π %v, π %v, want %v", j, lp[j], sm[j], p[j])
		}
	}
	if h := CategoricalEntropy(z); !close(h, wantH, 1e-15) {
		t.Errorf("entropy %v, want %v", h, wantH)
	}
	dlp, dh := make([]float64, 3), make([]float64, 3)
	logp, h := CategoricalGrad(dlp, dh, z, 1)
	if !close(logp, math.Log(1.0/3), 1e-15) || !close(h, wantH, 1e-15) {
		t.Errorf("CategoricalGrad: log π %v, H %v", logp, h)
	}
	if got := CategoricalLogProb(z, 1); got != logp {
		t.Errorf("CategoricalLogProb %v, CategoricalGrad %v", got, logp)
	}
	// ∂log π(1)/∂z = e₁ − π; ∂H/∂z_j = −π_j(log π_j + H).
	for j := range p {
		wantLP := -p[j]
		if j == 1 {
			wantLP = 1 - p[j]
		}
		wantDH := -p[j] * (math.Log(p[j]) + wantH)
		if !close(dlp[j], wantLP, 1e-15) || !close(dh[j], wantDH, 1e-15) {
			t.Errorf("z_%d: ∂log π %v (want %v), ∂H %v (want %v)", j, dlp[j], wantLP, dh[j], wantDH)
		}
	}
	if Argmax(z) != 2 || Argmax([]float64{1, 1, 0}) != 0 {
		t.Error("Argmax")
	}
}

// Extreme logits neither overflow nor give NaN; an impossible action has
// log-probability −∞ and adds nothing to the entropy.
func TestCategoricalExtremes(t *testing.T) {
	z := []float64{1000, 0}
	if lp := CategoricalLogProb(z, 1); lp != -1000 {
		t.Errorf("log π(1) = %v, want −1000", lp)
	}
	if h := CategoricalEntropy(z); h != 0 {
		t.Errorf("entropy %v, want 0 (to double precision)", h)
	}
	z = []float64{0, math.Inf(-1)}
	d, dh := make([]float64, 2), make([]float64, 2)
	lp, h := CategoricalGrad(d, dh, z, 0)
	if lp != 0 || h != 0 || d[0] != 0 || d[1] != 0 || dh[0] != 0 || dh[1] != 0 {
		t.Errorf("log π %v, H %v, ∂ %v, ∂H %v", lp, h, d, dh)
	}
	if !math.IsInf(CategoricalLogProb(z, 1), -1) {
		t.Error("impossible action")
	}
}

// Central differences of log π(a) and H against CategoricalGrad.
func TestCategoricalGradFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 20; trial++ {
		n := 2 + trial%4
		z := randSlice(rng, n)
		a := rng.IntN(n)
		dlp, dh := make([]float64, n), make([]float64, n)
		CategoricalGrad(dlp, dh, z, a)
		const h = 1e-6
		for j := range z {
			zj := z[j]
			z[j] = zj + h
			lpP, hP := CategoricalLogProb(z, a), CategoricalEntropy(z)
			z[j] = zj - h
			lpM, hM := CategoricalLogProb(z, a), CategoricalEntropy(z)
			z[j] = zj
			if fd := (lpP - lpM) / (2 * h); math.Abs(fd-dlp[j]) > 1e-8 {
				t.Errorf("∂log π/∂z_%d = %v, differences %v", j, dlp[j], fd)
			}
			if fd := (hP - hM) / (2 * h); math.Abs(fd-dh[j]) > 1e-8 {
				t.Errorf("∂H/∂z_%d = %v, differences %v", j, dh[j], fd)
			}
		}
	}
}

// μ = (0, 1), σ = (1, 2), x = (1, 2), from torch's formulas by hand.
func TestGaussianByHand(t *testing.T) {
	c := 0.5 * math.Log(2*math.Pi)
	mean, logStd, x := []float64{0, 1}, []float64{0, math.Log(2)}, []float64{1, 2}
	want := (-0.5 - c) + (-1.0/8 - math.Log(2) - c)
	if lp := GaussianLogProb(x, mean, logStd); !close(lp, want, 1e-15) {
		t.Errorf("log p %v, want %v", lp, want)
	}
	if h, w := GaussianEntropy(logStd), 2*(0.5+c)+math.Log(2); !close(h, w, 1e-15) {
		t.Errorf("entropy %v, want %v", h, w)
	}
	dm, ds := make([]float64, 2), make([]float64, 2)
	lp := GaussianGrad(dm, ds, x, mean, logStd)
	if !close(lp, want, 1e-15) || !close(dm[0], 1, 1e-15) || !close(dm[1], 0.25, 1e-15) ||
		!close(ds[0], 0, 1e-15) || !close(ds[1], -0.75, 1e-15) {
		t.Errorf("log p %v, ∂μ %v (want [1 0.25]), ∂log σ %v (want [0 −0.75])", lp, dm, ds)
	}
}

// Central differences of log p against GaussianGrad.
func TestGaussianGradFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 20; trial++ {
		n := 1 + trial%3
		mean, logStd, x := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
		for k := range logStd {
			logStd[k] *= 0.5
		}
		dm, ds := make([]float64, n), make([]float64, n)
		GaussianGrad(dm, ds, x, mean, logStd)
		const h = 1e-6
		for _, p := range []struct {
			v    []float64
			grad []float64
			name string
		}{{mean, dm, "μ"}, {logStd, ds, "log σ"}} {
			for k := range p.v {
				vk := p.v[k]
				p.v[k] = vk + h
				plus := GaussianLogProb(x, mean, logStd)
				p.v[k] = vk - h
				minus := GaussianLogProb(x, mean, logStd)
				p.v[k] = vk
				if fd := (plus - minus) / (2 * h); math.Abs(fd-p.grad[k]) > 1e-7*math.Max(1, math.Abs(fd)) {
					t.Errorf("∂log p/∂%s_%d = %v, differences %v", p.name, k, p.grad[k], fd)
				}
			}
		}
	}
}

// The samplers draw from their distributions: action frequencies within 5
// standard errors of π, Gaussian components with their mean and σ.
func TestSamplers(t *testing.T) {
	const n = 60000
	rng := rand.New(rand.NewPCG(9, 10))
	z := []float64{0.3, -1, 1.2, 0}
	p := Softmax(make([]float64, 4), z)
	count := make([]float64, 4)
	for range n {
		count[SampleCategorical(z, rng)]++
	}
	for j := range p {
		if se := math.Sqrt(p[j] * (1 - p[j]) / n); math.Abs(count[j]/n-p[j]) > 5*se {
			t.Errorf("action %d: frequency %v, π %v", j, count[j]/n, p[j])
		}
	}
	mean, logStd := []float64{1, -2}, []float64{math.Log(0.5), math.Log(3)}
	dst := make([]float64, 2)
	var s, s2 [2]float64
	for range n {
		SampleGaussian(dst, mean, logStd, rng)
		for k, v := range dst {
			s[k] += v
			s2[k] += v * v
		}
	}
	for k := range mean {
		sigma := math.Exp(logStd[k])
		m := s[k] / n
		sd := math.Sqrt(s2[k]/n - m*m)
		if math.Abs(m-mean[k]) > 5*sigma/math.Sqrt(n) || math.Abs(sd-sigma) > 5*sigma/math.Sqrt(2*n) {
			t.Errorf("component %d: mean %v sd %v, want %v and %v", k, m, sd, mean[k], sigma)
		}
	}
}

func TestDistAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	z, d, dh := []float64{0.1, 0.2, -0.3}, make([]float64, 3), make([]float64, 3)
	m, ls, x := []float64{0, 1}, []float64{0, -1}, make([]float64, 2)
	if a := testing.AllocsPerRun(100, func() {
		CategoricalGrad(d, dh, z, 2)
		SampleCategorical(z, rng)
		SampleGaussian(x, m, ls, rng)
		GaussianGrad(d[:2], dh[:2], x, m, ls)
		LogSoftmax(d, z)
	}); a != 0 {
		t.Errorf("%v allocations", a)
	}
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// Orthogonal's matrices: orthonormal columns (tall) or rows (wide) of
// length gain, and the sign-fixed QR factor of the normal draws it made:
// Qᵀ·M is upper triangular with a positive diagonal, which defines Q
// uniquely (M the draws, transposed when wide).
func TestOrthogonal(t *testing.T) {
	for _, tc := range []struct {
		rows, cols int
		gain       float64
	}{{1, 1, 2}, {3, 3, 1}, {5, 3, math.Sqrt2}, {2, 7, 0.01}, {64, 4, 1}, {4, 64, 0.5}} {
		w := make([]float64, tc.rows*tc.cols)
		Orthogonal(w, tc.rows, tc.cols, tc.gain, rand.New(rand.NewPCG(4, 2)))
		draws := make([]float64, len(w))
		replay := rand.New(rand.NewPCG(4, 2))
		for i := range draws {
			draws[i] = NormFloat64(replay)
		}
		// q(v, i) is entry i of orthonormal vector v; m(v, i) the draws alike.
		n, k := tc.rows, tc.cols
		q := func(v, i int) float64 { return w[i*tc.cols+v] / tc.gain }
		m := func(v, i int) float64 { return draws[i*tc.cols+v] }
		if tc.rows < tc.cols {
			n, k = tc.cols, tc.rows
			q = func(v, i int) float64 { return w[v*tc.cols+i] / tc.gain }
			m = func(v, i int) float64 { return draws[v*tc.cols+i] }
		}
		for u := 0; u < k; u++ {
			for v := 0; v < k; v++ {
				dot, r := 0.0, 0.0
				for i := 0; i < n; i++ {
					dot += q(u, i) * q(v, i)
					r += q(u, i) * m(v, i) // R[u][v] = q_u · m_v
				}
				if want := b2f(u == v); math.Abs(dot-want) > 1e-12 {
					t.Errorf("%dx%d: q%d·q%d = %v, want %v", tc.rows, tc.cols, u, v, dot, want)
				}
				if u > v && math.Abs(r) > 1e-12 {
					t.Errorf("%dx%d: R[%d][%d] = %v, want 0 below the diagonal", tc.rows, tc.cols, u, v, r)
				}
				if u == v && !(r > 0) {
					t.Errorf("%dx%d: R[%d][%d] = %v, want > 0", tc.rows, tc.cols, u, v, r)
				}
			}
		}
	}
	// 1×1: the sign of the draw, times the gain.
	w := []float64{0}
	Orthogonal(w, 1, 1, 3, rand.New(rand.NewPCG(8, 8)))
	if d := NormFloat64(rand.New(rand.NewPCG(8, 8))); w[0] != 3*math.Copysign(1, d) {
		t.Errorf("1×1: %v for the draw %v", w[0], d)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// InitOrthogonal: CleanRL's gains layer by layer, zero biases.
func TestInitOrthogonal(t *testing.T) {
	cfg := Config{Sizes: []int{4, 16, 16, 2}, Hidden: Tanh, Output: Identity}
	net, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	gains := []float64{math.Sqrt2, math.Sqrt2, 0.01}
	if err := net.InitOrthogonal(gains, rand.New(rand.NewPCG(2, 2))); err != nil {
		t.Fatal(err)
	}
	for l, g := range gains {
		w, b := net.Layer(l)
		in, out := cfg.Sizes[l], cfg.Sizes[l+1]
		// The shorter side's vectors have length g: columns if out ≥ in.
		for v := 0; v < min(in, out); v++ {
			s := 0.0
			for i := 0; i < max(in, out); i++ {
				if out >= in {
					s += w[i*in+v] * w[i*in+v]
				} else {
					s += w[v*in+i] * w[v*in+i]
				}
			}
			if math.Abs(math.Sqrt(s)-g) > 1e-12 {
				t.Errorf("layer %d vector %d: length %v, want %v", l, v, math.Sqrt(s), g)
			}
		}
		for _, x := range b {
			if x != 0 {
				t.Errorf("layer %d: bias %v", l, x)
			}
		}
	}
	if err := net.InitOrthogonal(gains[:2], rand.New(rand.NewPCG(2, 2))); err == nil {
		t.Error("two gains for three layers accepted")
	}
	if err := net.InitOrthogonal([]float64{1, math.NaN(), 1}, rand.New(rand.NewPCG(2, 2))); err == nil {
		t.Error("NaN gain accepted")
	}
}
