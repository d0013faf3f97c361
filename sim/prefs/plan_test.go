package prefs_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/pg"
	"bellman/sim/prefs"
)

// β = 0 is value iteration: v = v* of package dp, and the policy is
// optimal.
func TestPlannerBetaZeroIsValueIteration(t *testing.T) {
	for _, src := range []string{zhao5x5, slippery, cliff4x12} {
		g := build(t, src)
		opt, err := agent.NewOptimum(g.Model, 0.9)
		if err != nil {
			t.Fatal(err)
		}
		p, err := prefs.NewPlanner(g.Model, 0.9, prefs.Uniform(g.S, g.A))
		if err != nil {
			t.Fatal(err)
		}
		if !p.Solve(g.R, 0, 1e-12, 100000) {
			t.Fatalf("%s: did not converge", g.World.Name)
		}
		for s, v := range p.V {
			if !near(v, opt.V[s], 1e-9) {
				t.Errorf("%s: v(%d) = %v, v* = %v", g.World.Name, s, v, opt.V[s])
			}
			for a := 0; a < g.A; a++ {
				if p.Pi[s*g.A+a] == 1 && !opt.Optimal(s, a) {
					t.Errorf("%s: state %d takes action %d, which is not optimal", g.World.Name, s, a)
				}
			}
		}
	}
}

// The soft value is the regularised value of its own policy: Σ d₀ v_soft =
// J(π) − β Σ d^γ KL, J and d^γ solved exactly by pg.Exact (a linear solve,
// not an iteration). And no policy nearby does better on J − β KL.
func TestPlannerMaximisesTheRegularisedObjective(t *testing.T) {
	for _, src := range []string{zhao5x5, slippery, cliff4x12} {
		g := build(t, src)
		rng := rand.New(rand.NewPCG(5, 6))
		ref := make([]float64, g.S*g.A) // a random positive reference
		for s := 0; s < g.S; s++ {
			sum := 0.0
			for a := 0; a < g.A; a++ {
				ref[s*g.A+a] = 0.05 + rng.Float64()
				sum += ref[s*g.A+a]
			}
			for a := 0; a < g.A; a++ {
				ref[s*g.A+a] /= sum
			}
		}
		d0, _ := pg.StartDistribution(g.Model, -1)
		ev, err := prefs.NewEvaluator(g.Model, 0.9, d0, ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, beta := range []float64{0.05, 0.5, 3} {
			p, _ := prefs.NewPlanner(g.Model, 0.9, ref)
			p.Solve(g.R, beta, 1e-12, 100000)
			soft := 0.0
			for s, d := range d0 {
				soft += d * p.V[s]
			}
			J, KL, err := ev.Evaluate(p.Pi)
			if err != nil {
				t.Fatal(err)
			}
			best := J - beta*KL
			if !near(best, soft, 1e-9) {
				t.Errorf("%s β %v: J − βKL = %.12g, Σ d₀ v_soft = %.12g", g.World.Name, beta, best, soft)
			}
			pert := make([]float64, len(p.Pi))
			for k := 0; k < 30; k++ {
				for s := 0; s < g.S; s++ {
					sum := 0.0
					for a := 0; a < g.A; a++ {
						x := p.Pi[s*g.A+a] * math.Exp(0.3*rng.NormFloat64())
						pert[s*g.A+a] = x
						sum += x
					}
					for a := 0; a < g.A; a++ {
						pert[s*g.A+a] /= sum
					}
				}
				J2, KL2, _ := ev.Evaluate(pert)
				if v := J2 - beta*KL2; v > best+1e-9 {
					t.Errorf("%s β %v: a perturbed policy scores %v, above the planner's %v", g.World.Name, beta, v, best)
				}
			}
		}
	}
}

// A large β keeps the policy at π_ref: KL falls like 1/β² and v_soft
// tends to v_{π_ref}.
func TestPlannerLargeBetaStaysAtReference(t *testing.T) {
	g := build(t, zhao5x5)
	ref := prefs.Uniform(g.S, g.A)
	d0, _ := pg.StartDistribution(g.Model, -1)
	ev, _ := prefs.NewEvaluator(g.Model, 0.9, d0, ref)
	Jref, _, _ := ev.Evaluate(ref)
	prev := math.Inf(1)
	for _, beta := range []float64{10, 100, 1000} {
		p, _ := prefs.NewPlanner(g.Model, 0.9, ref)
		p.Solve(g.R, beta, 1e-12, 100000)
		J, KL, _ := ev.Evaluate(p.Pi)
		if KL > prev/50 {
			t.Errorf("β %v: KL %v, not ≈ 1/100 of %v at a tenth of β", beta, KL, prev)
		}
		prev = KL
		if math.Abs(J-Jref) > 300/beta {
			t.Errorf("β %v: J %v, J(π_ref) %v", beta, J, Jref)
		}
	}
	if prev > 1e-4 {
		t.Errorf("β 1000: KL %v", prev)
	}
}

// Shaping the reward with a potential, r'(s,a) = r(s,a) + γ E Φ(s') −
// Φ(s), leaves the soft-optimal policy and its soft advantage unchanged
// (v' = v − Φ, q' = q − Φ(s)); scaling r by c is the same as dividing β
// by c.
func TestPlannerShapingAndScale(t *testing.T) {
	g := build(t, slippery)
	ref := prefs.Uniform(g.S, g.A)
	rng := rand.New(rand.NewPCG(1, 1))
	phi := make([]float64, g.S)
	for i := range phi {
		phi[i] = 5 * rng.NormFloat64()
	}
	shaped := make([]float64, g.S*g.A)
	for s := 0; s < g.S; s++ {
		for a := 0; a < g.A; a++ {
			sa := s*g.A + a
			e := 0.0
			for k := 0; k < g.K; k++ {
				e += g.Prob[sa*g.K+k] * phi[g.Next[sa*g.K+k]]
			}
			shaped[sa] = g.R[sa] + 0.9*e - phi[s]
		}
	}
	const beta = 0.7
	p1, _ := prefs.NewPlanner(g.Model, 0.9, ref)
	p1.Solve(g.R, beta, 1e-12, 100000)
	p2, _ := prefs.NewPlanner(g.Model, 0.9, ref)
	p2.Solve(shaped, beta, 1e-12, 100000)
	a1 := p1.Advantage(make([]float64, g.S*g.A), beta)
	a2 := p2.Advantage(make([]float64, g.S*g.A), beta)
	for i := range p1.Pi {
		if math.Abs(p1.Pi[i]-p2.Pi[i]) > 1e-9 || math.Abs(a1[i]-a2[i]) > 1e-8 {
			t.Fatalf("pair %d: π %v vs %v, advantage %v vs %v after shaping", i, p1.Pi[i], p2.Pi[i], a1[i], a2[i])
		}
		if want := beta * math.Log(p1.Pi[i]/ref[i]); math.Abs(a1[i]-want) > 1e-9 {
			t.Errorf("pair %d: advantage %v, β log π/π_ref %v", i, a1[i], want)
		}
	}
	scaled := make([]float64, len(g.R))
	for i, r := range g.R {
		scaled[i] = 3 * r
	}
	p3, _ := prefs.NewPlanner(g.Model, 0.9, ref)
	p3.Solve(scaled, 3*beta, 1e-12, 100000)
	for i := range p1.Pi {
		if math.Abs(p1.Pi[i]-p3.Pi[i]) > 1e-9 {
			t.Fatalf("pair %d: π %v with r and β, %v with 3r and 3β", i, p1.Pi[i], p3.Pi[i])
		}
	}
}
