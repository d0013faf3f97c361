package features_test

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/features"
)

// BenchmarkValue computes φ(s) and φ(s)ᵀw for Sutton & Barto's MountainCar
// coding (8 tilings of 8×8, 648 components, 8 active), for Zhao's poly3
// and for one-hot on a 5×5 grid, with the sparse form (indices of the
// active components) against the dense one (every component).
func BenchmarkValue(b *testing.B) {
	mc := []features.Column{{Name: "position", Min: -1.2, Max: 0.6}, {Name: "velocity", Min: -0.07, Max: 0.07}}
	grid := features.Grid(5, 5)
	for _, c := range []struct {
		name string
		spec string
		cols []features.Column
		raw  func(rng *rand.Rand, raw []float64)
	}{
		{"tiles8x8", `{"crossed": ["position", "velocity"], "tilings": 8, "tiles": 8}`, mc,
			func(rng *rand.Rand, raw []float64) { raw[0], raw[1] = -1.2+1.8*rng.Float64(), -0.07+0.14*rng.Float64() }},
		{"poly3", features.GridPresets[3].Spec, grid,
			func(rng *rand.Rand, raw []float64) { features.GridRaw(raw, rng.IntN(5), rng.IntN(5), 5, 5) }},
		{"onehot", features.GridPresets[0].Spec, grid,
			func(rng *rand.Rand, raw []float64) { features.GridRaw(raw, rng.IntN(5), rng.IntN(5), 5, 5) }},
	} {
		f := compile(b, c.spec, c.cols)
		rng := rand.New(rand.NewPCG(1, 2))
		raws := make([][]float64, 256)
		for i := range raws {
			raws[i] = make([]float64, len(c.cols))
			c.raw(rng, raws[i])
		}
		w := make([]float64, f.Len())
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		b.Run(c.name+"/sparse", func(b *testing.B) {
			v := f.NewVector()
			s := 0.0
			for i := 0; b.Loop(); i++ {
				f.Sparse(&v, raws[i&255])
				s += v.Dot(w)
			}
			_ = s
		})
		b.Run(c.name+"/dense", func(b *testing.B) {
			d := make([]float64, f.Len())
			s := 0.0
			for i := 0; b.Loop(); i++ {
				f.Dense(d, raws[i&255])
				for k, x := range d {
					s += x * w[k]
				}
			}
			_ = s
		})
	}
}
