package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// A 2-2-1 network with hand-set weights: every unit's value for two input
// rows, worked out by hand, in the documented column/unit/row layout.
func TestUnitActivationsByHand(t *testing.T) {
	cfg := Config{Sizes: []int{2, 2, 1}, Hidden: ReLU, Output: Identity}
	net, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	copy(net.Params(), []float64{
		1, -1, // W0 row 0
		2, 1, // W0 row 1
		0.5, -0.5, // b0
		1, 3, // W1
		-1, // b1
	})
	x := []float64{
		1, 2, // row 0
		-1, 0.5, // row 1
	}
	// Row 0: z = (1−2+0.5, 2+2−0.5) = (−0.5, 3.5), h = (0, 3.5), out = 0 + 10.5 − 1 = 9.5.
	// Row 1: z = (−1−0.5+0.5, −2+0.5−0.5) = (−1, −2), h = (0, 0), out = −1.
	want := []float64{
		1, -1, // input 0 over the rows
		2, 0.5, // input 1
		0, 0, // hidden 0
		3.5, 0, // hidden 1
		9.5, -1, // output
	}
	if net.Units() != 5 || net.Columns() != 3 || net.Width(1) != 2 {
		t.Fatalf("Units %d, Columns %d, Width(1) %d; want 5, 3, 2", net.Units(), net.Columns(), net.Width(1))
	}
	got := net.UnitActivations(make([]float64, 2*net.Units()), x, 2)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("UnitActivations = %v, want %v", got, want)
		}
	}
}

// The last column of UnitActivations is Forward's output, transposed.
func TestUnitActivationsMatchForward(t *testing.T) {
	cfg := Config{Sizes: []int{3, 5, 4, 2}, Hidden: Tanh, Output: Sigmoid}
	net, err := New(cfg, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	const n = 7
	x := randSlice(rand.New(rand.NewPCG(5, 6)), n*3)
	out := append([]float64(nil), net.Forward(x, n)...)
	act := net.UnitActivations(make([]float64, n*net.Units()), x, n)
	off := n * (3 + 5 + 4)
	for r := 0; r < n; r++ {
		for u := 0; u < 2; u++ {
			if got := act[off+u*n+r]; got != out[r*2+u] {
				t.Fatalf("row %d output %d: %v, Forward gives %v", r, u, got, out[r*2+u])
			}
		}
	}
}

// CopyInto reuses a copy of the same shape without allocating, and
// makes a new one for another shape.
func TestCopyInto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, _ := New(Config{Sizes: []int{2, 3, 1}, Hidden: ReLU}, rng)
	b, _ := New(Config{Sizes: []int{2, 3, 1}, Hidden: ReLU}, rng)
	if got := a.CopyInto(b); got != b {
		t.Fatal("CopyInto did not reuse a network of the same shape")
	}
	for i, p := range a.Params() {
		if b.Params()[i] != p {
			t.Fatalf("param %d: %v, want %v", i, b.Params()[i], p)
		}
	}
	c, _ := New(Config{Sizes: []int{2, 4, 1}, Hidden: ReLU}, rng)
	if got := a.CopyInto(c); got == c || len(got.Params()) != len(a.Params()) {
		t.Fatal("CopyInto reused a network of another shape")
	}
	if allocs := testing.AllocsPerRun(10, func() { a.CopyInto(b) }); allocs != 0 {
		t.Errorf("CopyInto allocates %v times", allocs)
	}
	x := make([]float64, 16*2)
	dst := make([]float64, 16*b.Units())
	b.UnitActivations(dst, x, 16)
	if allocs := testing.AllocsPerRun(10, func() { b.UnitActivations(dst, x, 16) }); allocs != 0 {
		t.Errorf("UnitActivations allocates %v times", allocs)
	}
}

// A network view's numbers: each unit's value at three points.
func ExampleMLP_UnitActivations() {
	net, _ := New(Config{Sizes: []int{1, 2, 1}, Hidden: ReLU}, rand.New(rand.NewPCG(1, 1)))
	copy(net.Params(), []float64{1, -1, 0, 0, 1, 1, 0}) // h = (relu(x), relu(−x)), out = h₀ + h₁ = |x|
	x := []float64{-2, 0.5, 3}
	act := net.UnitActivations(make([]float64, 3*net.Units()), x, 3)
	for c, off := 0, 0; c < net.Columns(); c++ {
		for u := 0; u < net.Width(c); u++ {
			fmt.Printf("column %d unit %d: %v\n", c, u, act[3*off:3*off+3])
			off++
		}
	}
	// Output:
	// column 0 unit 0: [-2 0.5 3]
	// column 1 unit 0: [0 0.5 3]
	// column 1 unit 1: [2 0 0]
	// column 2 unit 0: [2 0.5 3]
}
