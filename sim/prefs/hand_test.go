package prefs_test

import (
	"math"
	"testing"

	"bellman/sim/mdp"
	"bellman/sim/nn"
	"bellman/sim/prefs"
)

// The two trajectories of the hand-computed examples, on the chain model
// (action a leads to state a), γ = ½:
//
//	A: s=0 —1→ s=1 —0→ s=0      c_A(0,1) = 1, c_A(1,0) = ½
//	B: s=0 —0→ s=0 —1→ s=1      c_B(0,0) = 1, c_B(0,1) = ½
//
// so x = c_A − c_B has x(0,0) = −1, x(0,1) = ½, x(1,0) = ½, x(1,1) = 0.
var (
	handA = prefs.Trajectory{States: []int{0, 1, 0}, Actions: []int{1, 0}}
	handB = prefs.Trajectory{States: []int{0, 0, 1}, Actions: []int{0, 1}}
)

func handData(p float64) *prefs.Data {
	d := prefs.NewData(2, 2, 0.5)
	d.Add(prefs.Pair{A: handA, B: handB, P: p})
	return d
}

func TestHandCounts(t *testing.T) {
	idx, val := handData(1).X(0)
	got := make([]float64, 4)
	for k, j := range idx {
		got[j] = val[k]
	}
	want := []float64{-1, 0.5, 0.5, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("x = %v, want %v", got, want)
		}
	}
	if len(idx) != 3 {
		t.Errorf("%d stored entries, want 3 (the zero dropped)", len(idx))
	}
}

// DPO by hand. π_ref(·|0) = (½, ½), π_ref(·|1) = (¼, ¾); h(0,·) = (0, ln 2)
// so π_θ(·|0) = (⅓, ⅔), h(1,·) = (0, 0) so π_θ(·|1) = (½, ½); β = 2.
//
//	log-ratio sum of A = log(⅔/½) + ½ log(½/¼)  = log(4/3) + ½ log 2
//	log-ratio sum of B = log(⅓/½) + ½ log(⅔/½)  = log(2/3) + ½ log(4/3)
//	z = β (A − B) = log(4/3) + log 2 − 2 log(2/3) = log 6
//
// With A preferred the loss is −log σ(log 6) = log(7/6) and dℓ/dz =
// σ(z) − 1 = −1/7; with B preferred −log σ(−log 6) = log 7, dℓ/dz = 6/7.
// ∂z/∂h(s,b) = β (x(s,b) − π_θ(b|s) Σ_a x(s,a)): state 0 (Σx = −½) gives
// 2(−1 + ⅙) = −5/3 and 2(½ + ⅓) = 5/3, state 1 (Σx = ½) 2(½ − ¼) = ½ and
// 2(0 − ¼) = −½. DPO's parameters are u = β(h − log π_ref), so its
// gradient is (1/β) ∂L/∂h.
func TestHandDPO(t *testing.T) {
	ref := []float64{0.5, 0.5, 0.25, 0.75}
	dz := []float64{-5.0 / 3, 5.0 / 3, 0.5, -0.5}
	for _, c := range []struct {
		name       string
		p          float64
		loss, dldz float64
	}{
		{"A preferred", 1, math.Log(7.0 / 6), -1.0 / 7},
		{"B preferred", 0, math.Log(7), 6.0 / 7},
		{"half", 0.5, 0.5*math.Log(7.0/6) + 0.5*math.Log(7), 0.5*(-1.0/7) + 0.5*(6.0/7)},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := prefs.NewDPO(ref, 2, 2, 2, 0, nn.DefaultOptimConfig())
			if err != nil {
				t.Fatal(err)
			}
			d.SetPolicy([]float64{0, math.Ln2, 0, 0})
			data := handData(c.p)
			if l := d.Loss(data); !near(l, c.loss, 1e-14) {
				t.Errorf("loss %.17g, want %.17g", l, c.loss)
			}
			g := make([]float64, 4)
			if l := d.Gradient(g, data); !near(l, c.loss, 1e-14) {
				t.Errorf("Gradient's loss %.17g, want %.17g", l, c.loss)
			}
			for i := range g { // ∂L/∂u = (1/β) ∂L/∂h, h = log π_ref + u/β
				if want := c.dldz * dz[i] / 2; !near(g[i], want, 1e-14) {
					t.Errorf("∂L/∂u[%d] = %.17g, want %.17g", i, g[i], want)
				}
			}
			// The implicit reward is β log π_θ/π_ref: 2 log(2/3), 2 log(4/3), 2 log 2, 2 log(2/3).
			ir := d.ImplicitReward(make([]float64, 4))
			for i, want := range []float64{2 * math.Log(2.0/3), 2 * math.Log(4.0/3), 2 * math.Log(2), 2 * math.Log(2.0/3)} {
				if !near(ir[i], want, 1e-14) {
					t.Errorf("implicit reward[%d] = %v, want %v", i, ir[i], want)
				}
			}
		})
	}
}

// The reward model by hand, tabular: r̂ = (1, 0, 2, −1) gives R̂(A) =
// r̂(0,1) + ½ r̂(1,0) = 1 and R̂(B) = r̂(0,0) + ½ r̂(0,1) = 1, so z = 0, the
// loss log 2 + λ/2 ‖w‖² and ∇ = (σ(0) − 1) x + λ w = −½ x + λ w.
func TestHandRewardModel(t *testing.T) {
	phi := []float64{1, 0, 0, 1} // one-hot of the two states
	const lambda = 0.1
	m, err := prefs.NewRewardModel(phi, 2, 2, 2, lambda)
	if err != nil {
		t.Fatal(err)
	}
	// W holds w_a per action: w_0 = (r̂(0,0), r̂(1,0)), w_1 = (r̂(0,1), r̂(1,1)).
	copy(m.W, []float64{1, 2, 0, -1})
	r := m.Rewards(make([]float64, 4))
	for i, want := range []float64{1, 0, 2, -1} {
		if r[i] != want {
			t.Fatalf("r̂ = %v, want (1, 0, 2, −1)", r)
		}
	}
	data := handData(1)
	wantLoss := math.Ln2 + lambda/2*(1+4+0+1)
	if l := m.Loss(data); !near(l, wantLoss, 1e-15) {
		t.Errorf("loss %v, want %v", l, wantLoss)
	}
	g := make([]float64, 4)
	m.Gradient(g, data)
	// In W's order: x(0,0), x(1,0), x(0,1), x(1,1) = −1, ½, ½, 0.
	for i, want := range []float64{0.5 + lambda*1, -0.25 + lambda*2, -0.25 + lambda*0, 0 + lambda*(-1)} {
		if !near(g[i], want, 1e-15) {
			t.Errorf("∂L/∂w[%d] = %v, want %v", i, g[i], want)
		}
	}
}

// Soft value iteration on one state whose actions all stay there: q(a) =
// r(a) + γv, so v = γv + β log Σ_a π_ref(a) e^{r(a)/β}, v = β log Z/(1−γ)
// with Z = Σ_a π_ref(a) e^{r(a)/β}, and π(a) = π_ref(a) e^{r(a)/β}/Z (the
// Gibbs policy of the bandit).
func TestSoftValueIterationBandit(t *testing.T) {
	one := mdp.New(1, 2, 1)
	one.SetOutcome(0, 0, 0, 0, 1, 1)
	one.SetOutcome(0, 1, 0, 0, 1, -0.5)
	if err := one.Finish(); err != nil {
		t.Fatal(err)
	}
	ref := []float64{0.3, 0.7}
	for _, beta := range []float64{0.1, 1, 7} {
		p, err := prefs.NewPlanner(one, 0.8, ref)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Solve(one.R, beta, 1e-13, 10000) {
			t.Fatalf("β %v: did not converge", beta)
		}
		Z := 0.3*math.Exp(1/beta) + 0.7*math.Exp(-0.5/beta)
		if v := beta * math.Log(Z) / 0.2; !near(p.V[0], v, 1e-11) {
			t.Errorf("β %v: v = %.15g, want %.15g", beta, p.V[0], v)
		}
		if pi := 0.3 * math.Exp(1/beta) / Z; !near(p.Pi[0], pi, 1e-12) {
			t.Errorf("β %v: π(a₀) = %.15g, want %.15g", beta, p.Pi[0], pi)
		}
	}
}
