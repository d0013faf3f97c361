//go:build !wasm

package nn

// gemmNT adds a·bᵀ to c, where a is m×k, b is n×k and c is m×n.
// Each element is accumulated in order p = 0, 1, …, k−1, starting from its
// value in c.
func gemmNT(c, a, b []float64, m, n, k int) {
	if len(a) < m*k || len(b) < n*k || len(c) < m*n {
		panic("nn: gemm shape mismatch")
	}
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*k : i*k+k]
		a1 := a[i*k+k : i*k+2*k]
		c0 := c[i*n : i*n+n]
		c1 := c[i*n+n : i*n+2*n]
		j := 0
		for ; j+4 <= n; j += 4 {
			dot2x4(c0[j:j+4], c1[j:j+4], a0, a1, b[j*k:j*k+4*k])
		}
		for ; j < n; j++ {
			b0 := b[j*k : j*k+k]
			s0, s1 := c0[j], c1[j]
			a1 := a1[:len(a0)]
			b0 = b0[:len(a0)]
			for p, x0 := range a0 {
				w := b0[p]
				s0 += x0 * w
				s1 += a1[p] * w
			}
			c0[j], c1[j] = s0, s1
		}
	}
	if i < m {
		a0 := a[i*k : i*k+k]
		c0 := c[i*n : i*n+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			dot1x4(c0[j:j+4], a0, b[j*k:j*k+4*k])
		}
		for ; j < n; j++ {
			b0 := b[j*k : j*k+k]
			s := c0[j]
			b0 = b0[:len(a0)]
			for p, x := range a0 {
				s += x * b0[p]
			}
			c0[j] = s
		}
	}
}

// dot2x4 adds to the 2×4 block c0, c1 the products of rows a0, a1 with the
// four consecutive rows of b (each len(a0) long).
func dot2x4(c0, c1, a0, a1, b []float64) {
	k := len(a0)
	a1 = a1[:k]
	b0 := b[:k]
	b1 := b[k : 2*k][:k]
	b2 := b[2*k : 3*k][:k]
	b3 := b[3*k : 4*k][:k]
	c0 = c0[:4]
	c1 = c1[:4]
	s00, s01, s02, s03 := c0[0], c0[1], c0[2], c0[3]
	s10, s11, s12, s13 := c1[0], c1[1], c1[2], c1[3]
	for p, x0 := range a0 {
		x1 := a1[p]
		w0, w1, w2, w3 := b0[p], b1[p], b2[p], b3[p]
		s00 += x0 * w0
		s01 += x0 * w1
		s02 += x0 * w2
		s03 += x0 * w3
		s10 += x1 * w0
		s11 += x1 * w1
		s12 += x1 * w2
		s13 += x1 * w3
	}
	c0[0], c0[1], c0[2], c0[3] = s00, s01, s02, s03
	c1[0], c1[1], c1[2], c1[3] = s10, s11, s12, s13
}
