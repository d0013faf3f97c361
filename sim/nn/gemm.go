package nn

// The one matrix kernel: c += a·bᵀ over row-major matrices, with a 2×4
// block of c held in local variables. Every access in the inner loops is to
// consecutive elements, so the same code is fast natively and under
// WebAssembly (where gonum has no assembly). gemmNT has one form natively
// (gemm_other.go) and one under WebAssembly (gemm_wasm.go); both accumulate
// each element in the same order, so their results are identical.

// dot1x4 is dot2x4 for a single row.
func dot1x4(c0, a0, b []float64) {
	k := len(a0)
	b0 := b[:k]
	b1 := b[k : 2*k][:k]
	b2 := b[2*k : 3*k][:k]
	b3 := b[3*k : 4*k][:k]
	c0 = c0[:4]
	s0, s1, s2, s3 := c0[0], c0[1], c0[2], c0[3]
	for p, x := range a0 {
		s0 += x * b0[p]
		s1 += x * b1[p]
		s2 += x * b2[p]
		s3 += x * b3[p]
	}
	c0[0], c0[1], c0[2], c0[3] = s0, s1, s2, s3
}

// transpose writes the r×c matrix src into dst as c×r.
func transpose(dst, src []float64, r, c int) {
	if len(src) < r*c || len(dst) < r*c {
		panic("nn: transpose shape mismatch")
	}
	for i := 0; i < r; i++ {
		row := src[i*c : i*c+c]
		for j, v := range row {
			dst[j*r+i] = v
		}
	}
}
