package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// BenchmarkUpdate times one training update of a 4-h-h-1 ReLU network on a
// batch of 64: forward, MSE, zero grad, backward, Adam step.
func BenchmarkUpdate(b *testing.B) {
	for _, h := range []int{64, 256} {
		b.Run(fmt.Sprintf("%d-%d", h, h), func(b *testing.B) {
			const batch = 64
			cfg := DefaultConfig(4, 1)
			cfg.Sizes = []int{4, h, h, 1}
			net, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				b.Fatal(err)
			}
			opt, err := NewOptimizer(DefaultOptimConfig(), len(net.Params()))
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(2, 2))
			x := randSlice(rng, batch*4)
			y := randSlice(rng, batch)
			d := make([]float64, batch)
			net.Forward(x, batch) // grow the buffers before timing
			b.ReportAllocs()
			for b.Loop() {
				MSE(d, net.Forward(x, batch), y)
				net.ZeroGrad()
				net.Backward(d)
				opt.Step(net.Params(), net.Grads())
			}
		})
	}
}

// BenchmarkKernel compares this package's c += a·bᵀ with gonum's Gemm for
// the 64×64×64 product of a hidden layer, to back the choice of one code
// path (gonum has assembly natively but not under WebAssembly).
func BenchmarkKernel(b *testing.B) {
	const n = 64
	rng := rand.New(rand.NewPCG(3, 3))
	a, w, c := randSlice(rng, n*n), randSlice(rng, n*n), make([]float64, n*n)
	b.Run("gemmNT", func(b *testing.B) {
		for b.Loop() {
			gemmNT(c, a, w, n, n, n)
		}
	})
	b.Run("gonum", func(b *testing.B) {
		A := blas64.General{Rows: n, Cols: n, Stride: n, Data: a}
		W := blas64.General{Rows: n, Cols: n, Stride: n, Data: w}
		C := blas64.General{Rows: n, Cols: n, Stride: n, Data: c}
		for b.Loop() {
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, A, W, 1, C)
		}
	})
}
