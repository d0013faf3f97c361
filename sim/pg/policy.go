package pg

import (
	"fmt"
	"math"
)

// Policy is a tabular softmax policy over S states and A actions:
// π(a|s) = exp h(s,a) / Σ_b exp h(s,b), with one preference h(s,a) per
// pair. Its parameters θ are the preferences themselves, so the gradient
// of log π(a|s) has A nonzero entries, all in row s:
//
//	∂ log π(a|s) / ∂h(s,b) = 1[a = b] − π(b|s).
//
// No method allocates; probabilities are computed from H on every call
// (A exponentials), with the row's maximum subtracted first so that large
// preferences do not overflow.
type Policy struct {
	S, A int
	// H holds h(s,a) at H[s*A+a]. It may be read and written between calls.
	H []float64
}

// NewPolicy returns the uniform policy: every preference 0.
func NewPolicy(S, A int) *Policy {
	return &Policy{S: S, A: A, H: make([]float64, S*A)}
}

// Clone returns an independent copy of p.
func (p *Policy) Clone() *Policy {
	return &Policy{S: p.S, A: p.A, H: append([]float64(nil), p.H...)}
}

// Row writes π(·|s) into dst (len A) and returns it.
func (p *Policy) Row(dst []float64, s int) []float64 {
	h := p.H[s*p.A : (s+1)*p.A]
	dst = dst[:p.A]
	mx := h[0]
	for _, x := range h[1:] {
		if x > mx {
			mx = x
		}
	}
	sum := 0.0
	for a, x := range h {
		e := exp(x - mx)
		dst[a] = e
		sum += e
	}
	for a := range dst {
		dst[a] /= sum
	}
	return dst
}

// ActionProbs writes π(a|s) for every pair into dst (len S*A) and returns
// it (the tabular package's Policy).
func (p *Policy) ActionProbs(dst []float64) []float64 {
	dst = dst[:p.S*p.A]
	for s := 0; s < p.S; s++ {
		p.Row(dst[s*p.A:(s+1)*p.A], s)
	}
	return dst
}

// logSumExp returns log Σ_b exp h(s,b).
func (p *Policy) logSumExp(s int) float64 {
	h := p.H[s*p.A : (s+1)*p.A]
	mx := h[0]
	for _, x := range h[1:] {
		if x > mx {
			mx = x
		}
	}
	sum := 0.0
	for _, x := range h {
		sum += exp(x - mx)
	}
	// sum is in [1, A]: log1p of sum−1 is accurate there.
	return mx + math.Log1p(sum-1)
}

// LogProb returns log π(a|s) = h(s,a) − log Σ_b exp h(s,b), accurate even
// where π(a|s) underflows.
func (p *Policy) LogProb(s, a int) float64 {
	return p.H[s*p.A+a] - p.logSumExp(s)
}

// GradLogProb writes ∂ log π(a|s)/∂h(s,·) = e_a − π(·|s) into dst (len A)
// and returns it; the other rows of the gradient are zero.
func (p *Policy) GradLogProb(dst []float64, s, a int) []float64 {
	dst = p.Row(dst, s)
	for b := range dst {
		dst[b] = -dst[b]
	}
	dst[a]++
	return dst
}

// Entropy returns H(π(·|s)) = −Σ_a π(a|s) log π(a|s) in nats: log A for
// the uniform policy, 0 for a deterministic one.
func (p *Policy) Entropy(s int) float64 {
	lse := p.logSumExp(s)
	h := p.H[s*p.A : (s+1)*p.A]
	e := 0.0
	for _, x := range h {
		lp := x - lse
		e -= exp(lp) * lp
	}
	return e
}

// Entropies writes the entropy of every state into dst (len S) and
// returns it.
func (p *Policy) Entropies(dst []float64) []float64 {
	dst = dst[:p.S]
	for s := range dst {
		dst[s] = p.Entropy(s)
	}
	return dst
}

// Greedy writes argmax_a h(s,a) of every state into dst (len S), ties
// going to the first action, and returns it.
func (p *Policy) Greedy(dst []int) []int {
	dst = dst[:p.S]
	for s := range dst {
		h := p.H[s*p.A : (s+1)*p.A]
		best, ba := h[0], 0
		for a := 1; a < len(h); a++ {
			if h[a] > best {
				best, ba = h[a], a
			}
		}
		dst[s] = ba
	}
	return dst
}

// sample draws an action from probabilities row (summing to 1) given u
// uniform in [0, 1); rounding that leaves u above the total picks the last
// action with nonzero probability.
func sample(row []float64, u float64) int {
	last := 0
	for a, q := range row {
		if q == 0 {
			continue
		}
		last = a
		if u < q {
			return a
		}
		u -= q
	}
	return last
}

// LogLikelihood returns Σ_t log π(actions[t] | states[t]), the
// log-likelihood of a trajectory's actions (the dynamics' factors do not
// depend on π and cancel in every ratio of two policies).
func (p *Policy) LogLikelihood(states, actions []int) float64 {
	if len(states) != len(actions) {
		panic("pg: LogLikelihood with states and actions of different lengths")
	}
	ll := 0.0
	for t, s := range states {
		ll += p.LogProb(s, actions[t])
	}
	return ll
}

// AddGradLogLikelihood adds scale · ∇_h Σ_t log π(actions[t] | states[t])
// into dst (len S*A) and returns it. row is scratch of len A.
func (p *Policy) AddGradLogLikelihood(dst, row []float64, states, actions []int, scale float64) []float64 {
	if len(states) != len(actions) {
		panic("pg: AddGradLogLikelihood with states and actions of different lengths")
	}
	A := p.A
	for t, s := range states {
		g := p.GradLogProb(row, s, actions[t])
		d := dst[s*A : (s+1)*A]
		for b, x := range g {
			d[b] += float64(scale * x)
		}
	}
	return dst
}

// KL writes KL(π(·|s) ‖ ref(·|s)) = Σ_a π(a|s) log(π(a|s)/ref(a|s)) of
// every state into dst (len S) and returns it; ref holds the reference
// policy's probabilities (len S*A, say another Policy's ActionProbs). A
// state where ref gives 0 to an action π takes has +Inf.
func (p *Policy) KL(dst, ref []float64) []float64 {
	if len(ref) != p.S*p.A {
		panic(fmt.Sprintf("pg: KL with a reference of %d entries, want %d", len(ref), p.S*p.A))
	}
	dst = dst[:p.S]
	A := p.A
	for s := range dst {
		lse := p.logSumExp(s)
		kl := 0.0
		for a := 0; a < A; a++ {
			lp := p.H[s*A+a] - lse
			pa := exp(lp)
			if pa == 0 {
				continue
			}
			r := ref[s*A+a]
			if r <= 0 {
				kl = math.Inf(1)
				break
			}
			kl += pa * (lp - log(r))
		}
		dst[s] = kl
	}
	return dst
}

// WeightedKL returns Σ_s w(s) KL(π(·|s) ‖ ref(·|s)), e.g. with w the
// discounted state distribution of π (Exact.D) or the start distribution.
// kl is scratch of len S.
func (p *Policy) WeightedKL(kl, ref, w []float64) float64 {
	kl = p.KL(kl, ref)
	sum := 0.0
	for s, x := range kl {
		if w[s] != 0 {
			sum += w[s] * x
		}
	}
	return sum
}
