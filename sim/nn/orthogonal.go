package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Orthogonal fills w, a rows×cols matrix (row-major), as
// torch.nn.init.orthogonal_(w, gain) does: a matrix of standard normal
// draws (NormFloat64, row by row), transposed if it has fewer rows than
// columns, is factored as QR with the signs chosen so that R has a
// positive diagonal; w is gain·Q (transposed back). So the columns of w
// (rows ≥ cols) or its rows (rows < cols) are orthogonal with length gain.
//
// The sign-fixed QR factorisation is unique, and it is what Gram–Schmidt
// computes: here modified Gram–Schmidt with a second pass of
// re-orthogonalisation, in plain float64 arithmetic so that a seed gives
// the same matrix on every platform.
func Orthogonal(w []float64, rows, cols int, gain float64, rng *rand.Rand) {
	if rows < 1 || cols < 1 || len(w) != rows*cols {
		panic(fmt.Sprintf("nn: Orthogonal: %d values for a %d×%d matrix", len(w), rows, cols))
	}
	for i := range w {
		w[i] = NormFloat64(rng)
	}
	// The columns to orthonormalise: those of w, or of wᵀ (w's rows).
	n, k := rows, cols // each of the k vectors has n entries
	at := func(v, i int) int { return i*cols + v }
	if rows < cols {
		n, k = cols, rows
		at = func(v, i int) int { return v*cols + i }
	}
	q := make([]float64, k*n) // q[v*n : v*n+n] is vector v
	for v := 0; v < k; v++ {
		qv := q[v*n : v*n+n]
		for i := range qv {
			qv[i] = w[at(v, i)]
		}
		for range 2 {
			for u := 0; u < v; u++ {
				qu := q[u*n : u*n+n]
				r := 0.0
				for i, x := range qu {
					r += x * qv[i]
				}
				for i, x := range qu {
					qv[i] -= r * x
				}
			}
		}
		s := 0.0
		for _, x := range qv {
			s += x * x
		}
		if norm := math.Sqrt(s); norm > 0 {
			for i := range qv {
				qv[i] /= norm
			}
		}
	}
	for v := 0; v < k; v++ {
		for i := 0; i < n; i++ {
			w[at(v, i)] = gain * q[v*n+i]
		}
	}
}

// InitOrthogonal re-initialises m as CleanRL's layer_init does for each
// of its layers: the weights of layer l orthogonal with gain gains[l]
// (Orthogonal, drawn from rng layer by layer) and the biases zero. CleanRL
// uses gain √2 for hidden layers, 0.01 for a policy's output layer and 1
// for a value's.
func (m *MLP) InitOrthogonal(gains []float64, rng *rand.Rand) error {
	if len(gains) != m.Layers() {
		return fmt.Errorf("nn: InitOrthogonal: %d gains for %d layers", len(gains), m.Layers())
	}
	for _, g := range gains {
		if !(g >= 0) || math.IsInf(g, 0) {
			return fmt.Errorf("nn: InitOrthogonal: gain %v must be finite and ≥ 0", g)
		}
	}
	for l := range m.Layers() {
		w, b := m.Layer(l)
		Orthogonal(w, m.cfg.Sizes[l+1], m.cfg.Sizes[l], gains[l], rng)
		clear(b)
	}
	return nil
}
