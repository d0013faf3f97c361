package pg_test

import (
	"math"
	"testing"

	"bellman/sim/pg"
	"bellman/sim/tabular"
)

var _ tabular.Policy = (*pg.Policy)(nil)

// Hand-computed softmax: h = (ln 3, 0) gives π = (3/4, 1/4); its entropy is
// −(¾ ln ¾ + ¼ ln ¼) = 0.5623351446; ∇log π(0|s) = (1 − ¾, −¼).
func TestSoftmaxByHand(t *testing.T) {
	p := pg.NewPolicy(2, 2)
	p.H[0] = math.Log(3)
	row := p.Row(make([]float64, 2), 0)
	if math.Abs(row[0]-0.75) > 1e-15 || math.Abs(row[1]-0.25) > 1e-15 {
		t.Errorf("π(·|0) = %v, want [0.75 0.25]", row)
	}
	if e := p.Entropy(0); math.Abs(e-0.5623351446188083) > 1e-15 {
		t.Errorf("entropy %v, want 0.5623351446188083", e)
	}
	if e := p.Entropy(1); math.Abs(e-math.Ln2) > 1e-15 {
		t.Errorf("entropy of the uniform state %v, want ln 2", e)
	}
	g := p.GradLogProb(make([]float64, 2), 0, 0)
	if math.Abs(g[0]-0.25) > 1e-15 || math.Abs(g[1]+0.25) > 1e-15 {
		t.Errorf("∇log π(0|0) = %v, want [0.25 -0.25]", g)
	}
	if lp := p.LogProb(0, 1); math.Abs(lp-math.Log(0.25)) > 1e-15 {
		t.Errorf("log π(1|0) = %v, want ln ¼", lp)
	}
	// KL((¾,¼) ‖ (½,½)) = ¾ ln(3/2) + ¼ ln(1/2) = 0.1308120...
	kl := p.KL(make([]float64, 2), []float64{0.5, 0.5, 0.5, 0.5})
	if want := 0.75*math.Log(1.5) + 0.25*math.Log(0.5); math.Abs(kl[0]-want) > 1e-15 || kl[1] != 0 {
		t.Errorf("KL = %v, want [%v 0]", kl, want)
	}
	if kl := p.KL(make([]float64, 2), []float64{1, 0, 0.5, 0.5}); !math.IsInf(kl[0], 1) {
		t.Errorf("KL to a reference without π's support = %v, want +Inf", kl[0])
	}
	greedy := p.Greedy(make([]int, 2))
	if greedy[0] != 0 || greedy[1] != 0 {
		t.Errorf("greedy %v, want [0 0] (ties to the first)", greedy)
	}
}

// Huge preferences neither overflow nor lose the small probabilities'
// logarithms.
func TestSoftmaxExtremes(t *testing.T) {
	p := pg.NewPolicy(1, 3)
	copy(p.H, []float64{1000, 0, -1000})
	row := p.Row(make([]float64, 3), 0)
	if row[0] != 1 || row[1] != 0 || row[2] != 0 {
		t.Errorf("π = %v, want [1 0 0]", row)
	}
	if lp := p.LogProb(0, 2); lp != -2000 {
		t.Errorf("log π(2) = %v, want -2000", lp)
	}
	if e := p.Entropy(0); e != 0 {
		t.Errorf("entropy %v, want 0", e)
	}
}

// ∇log π and the gradient of a trajectory's log-likelihood match central
// finite differences.
func TestGradLogLikelihoodFiniteDifferences(t *testing.T) {
	m := build(t, zhao5x5).Model
	p := randomPolicy(m, 1, 3)
	states := []int{0, 7, 7, 12, 0, 24}
	actions := []int{1, 4, 0, 2, 1, 3}
	g := p.AddGradLogLikelihood(make([]float64, m.S*m.A), make([]float64, m.A), states, actions, 0.7)
	const eps = 1e-6
	for i := range p.H {
		h := p.H[i]
		p.H[i] = h + eps
		up := p.LogLikelihood(states, actions)
		p.H[i] = h - eps
		down := p.LogLikelihood(states, actions)
		p.H[i] = h
		if fd := 0.7 * (up - down) / (2 * eps); math.Abs(fd-g[i]) > 1e-8 {
			t.Errorf("∂/∂h[%d]: analytic %v, finite differences %v", i, g[i], fd)
		}
	}
	// And one ∇log π by itself, against the log of the probabilities.
	row := p.GradLogProb(make([]float64, m.A), 7, 4)
	for b := 0; b < m.A; b++ {
		i := 7*m.A + b
		h := p.H[i]
		p.H[i] = h + eps
		up := math.Log(p.Row(make([]float64, m.A), 7)[4])
		p.H[i] = h - eps
		down := math.Log(p.Row(make([]float64, m.A), 7)[4])
		p.H[i] = h
		if fd := (up - down) / (2 * eps); math.Abs(fd-row[b]) > 1e-8 {
			t.Errorf("∂log π(4|7)/∂h(7,%d): analytic %v, finite differences %v", b, row[b], fd)
		}
	}
}

// Entropy and KL against their definitions evaluated with the math
// package on the probabilities.
func TestEntropyKLDefinitions(t *testing.T) {
	m := build(t, zhao5x5).Model
	p, ref := randomPolicy(m, 2, 5), randomPolicy(m, 1, 6)
	pi, rp := p.ActionProbs(make([]float64, m.S*m.A)), ref.ActionProbs(make([]float64, m.S*m.A))
	kl := p.KL(make([]float64, m.S), rp)
	ent := p.Entropies(make([]float64, m.S))
	for s := 0; s < m.S; s++ {
		e, k := 0.0, 0.0
		for a := 0; a < m.A; a++ {
			x := pi[s*m.A+a]
			e -= x * math.Log(x)
			k += x * math.Log(x/rp[s*m.A+a])
		}
		if math.Abs(e-ent[s]) > 1e-13 || math.Abs(k-kl[s]) > 1e-13 {
			t.Errorf("state %d: entropy %v (want %v), KL %v (want %v)", s, ent[s], e, kl[s], k)
		}
	}
	if w := p.WeightedKL(make([]float64, m.S), pi, uniformStart(t, m)); math.Abs(w) > 1e-15 {
		t.Errorf("KL(π‖π) = %v, want 0", w)
	}
}
