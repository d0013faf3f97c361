package nn

import "unsafe"

// gemmNT adds a·bᵀ to c, where a is m×k, b is n×k and c is m×n.
// Each element is accumulated in order p = 0, 1, …, k−1, starting from its
// value in c: the sequence of gemm_other.go, whose results it matches bit
// for bit.
//
// Under WebAssembly Go keeps every bounds check and jumps through a
// dispatch table at every branch, so the 2×4 blocks read through pointers,
// the shapes checked once on entry, with the block's loop inside the
// function: the product of two 64×64 matrices takes about two thirds of the
// time of the slice form. (Natively the slice form is the faster.)
func gemmNT(c, a, b []float64, m, n, k int) {
	if m < 0 || n < 0 || k < 0 || len(a) < m*k || len(b) < n*k || len(c) < m*n {
		panic("nn: gemm shape mismatch")
	}
	if m == 0 || n == 0 || k == 0 {
		return
	}
	const f = 8 // bytes of a float64
	// In bounds by the checks above: rows i, i+1 < m of a and c, rows
	// j…j+3 < n of b, columns p < k.
	pa, pb, pc := unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0])
	kb, nb := uintptr(k)*f, uintptr(n)*f
	n4 := n &^ 3
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := unsafe.Add(pa, uintptr(i)*kb)
		c0 := unsafe.Add(pc, uintptr(i)*nb)
		for j := 0; j < n4; j += 4 {
			b0 := unsafe.Add(pb, uintptr(j)*kb)
			r0 := (*[4]float64)(unsafe.Add(c0, uintptr(j)*f))
			r1 := (*[4]float64)(unsafe.Add(c0, nb+uintptr(j)*f))
			s00, s01, s02, s03 := r0[0], r0[1], r0[2], r0[3]
			s10, s11, s12, s13 := r1[0], r1[1], r1[2], r1[3]
			for p := uintptr(0); p < kb; p += f {
				x0 := *(*float64)(unsafe.Add(a0, p))
				x1 := *(*float64)(unsafe.Add(a0, kb+p))
				w := *(*float64)(unsafe.Add(b0, p))
				s00 += x0 * w
				s10 += x1 * w
				w = *(*float64)(unsafe.Add(b0, kb+p))
				s01 += x0 * w
				s11 += x1 * w
				w = *(*float64)(unsafe.Add(b0, 2*kb+p))
				s02 += x0 * w
				s12 += x1 * w
				w = *(*float64)(unsafe.Add(b0, 3*kb+p))
				s03 += x0 * w
				s13 += x1 * w
			}
			r0[0], r0[1], r0[2], r0[3] = s00, s01, s02, s03
			r1[0], r1[1], r1[2], r1[3] = s10, s11, s12, s13
		}
		// The last n mod 4 columns.
		a0s := a[i*k : i*k+k]
		a1s := a[i*k+k : i*k+2*k][:len(a0s)]
		c0s := c[i*n : i*n+n]
		c1s := c[i*n+n : i*n+2*n]
		for j := n4; j < n; j++ {
			b0 := b[j*k : j*k+k][:len(a0s)]
			s0, s1 := c0s[j], c1s[j]
			for p, x0 := range a0s {
				w := b0[p]
				s0 += x0 * w
				s1 += a1s[p] * w
			}
			c0s[j], c1s[j] = s0, s1
		}
	}
	if i < m { // the last row of an odd m
		a0 := a[i*k : i*k+k]
		c0 := c[i*n : i*n+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			dot1x4(c0[j:j+4], a0, b[j*k:j*k+4*k])
		}
		for ; j < n; j++ {
			b0 := b[j*k : j*k+k][:len(a0)]
			s := c0[j]
			for p, x := range a0 {
				s += x * b0[p]
			}
			c0[j] = s
		}
	}
}
