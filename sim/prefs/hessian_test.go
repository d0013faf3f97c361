package prefs

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/nn"
)

// randomPairs returns n random pairs of length T over S states and A
// actions with labels in [0, 1].
func randomPairs(S, A, n, T int, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := NewData(S, A, 0.8)
	traj := func() Trajectory {
		t := Trajectory{States: make([]int, T+1), Actions: make([]int, T)}
		for k := range t.States {
			t.States[k] = rng.IntN(S)
		}
		for k := range t.Actions {
			t.Actions[k] = rng.IntN(A)
		}
		return t
	}
	for i := 0; i < n; i++ {
		d.Add(Pair{A: traj(), B: traj(), P: rng.Float64()})
	}
	return d
}

// Newton's Hessians match central differences of the gradients: the
// reward model's (Ψᵀ H Ψ + λI) and DPO's (Gauss–Newton part, the
// log-softmax's curvature and λI), both to 1e-6.
func TestHessians(t *testing.T) {
	const S, A = 4, 3
	d := randomPairs(S, A, 25, 5, 2)
	rng := rand.New(rand.NewPCG(4, 4))

	F := 2 // two features per state
	phi := make([]float64, S*F)
	for i := range phi {
		phi[i] = rng.NormFloat64()
	}
	m, err := NewRewardModel(phi, S, A, F, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.W {
		m.W[i] = rng.NormFloat64()
	}
	m.Rewards(m.r)
	m.accumulate(d, true)
	m.hessian()
	grad := func(dst []float64) { m.Gradient(dst, d) }
	checkHessian(t, "reward model", m.W, m.hess, grad)

	ref := []float64{0.2, 0.3, 0.5, 0.6, 0.2, 0.2, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.1, 0.1, 0.8}
	p, err := NewDPO(ref, S, A, 0.7, 0.02, nn.DefaultOptimConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.U {
		p.U[i] = rng.NormFloat64()
	}
	u0 := append([]float64(nil), p.U...)
	if _, _, err := p.NewtonStep(d); err != nil {
		t.Fatal(err)
	}
	copy(p.U, u0)
	checkHessian(t, "DPO", p.U, p.hsa, func(dst []float64) { p.Gradient(dst, d) })
}

func checkHessian(t *testing.T, name string, x, hess []float64, grad func([]float64)) {
	t.Helper()
	n := len(x)
	up, down := make([]float64, n), make([]float64, n)
	const h = 1e-5
	for j := 0; j < n; j++ {
		x0 := x[j]
		x[j] = x0 + h
		grad(up)
		x[j] = x0 - h
		grad(down)
		x[j] = x0
		for i := 0; i < n; i++ {
			fd := (up[i] - down[i]) / (2 * h)
			if math.Abs(fd-hess[i*n+j]) > 1e-6 {
				t.Errorf("%s: H[%d][%d] = %.10g, finite difference %.10g", name, i, j, hess[i*n+j], fd)
			}
		}
	}
}
