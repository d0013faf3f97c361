package prefs_test

import (
	"testing"

	"bellman/sim/prefs"
)

// benchTrainer is zhao-5x5 with 1,000 Bradley–Terry pairs of 30 steps.
func benchTrainer(b *testing.B, adam bool) *prefs.Trainer {
	g := build(b, zhao5x5)
	l := generate(b, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 1}, 1000, 30, 1)
	cfg := prefs.DefaultConfig()
	cfg.Adam = adam
	tr, err := prefs.NewTrainer(g, l, -1, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return tr
}

// A Newton step of the reward model from r̂ = 0, with the planning on r̂
// that follows it (soft and plain value iteration, warm-started).
func BenchmarkRewardStep(b *testing.B) {
	tr := benchTrainer(b, false)
	b.ReportAllocs()
	for b.Loop() {
		tr.Reset()
		tr.StepReward()
	}
}

// A Newton step of DPO from π_ref.
func BenchmarkDPONewtonStep(b *testing.B) {
	tr := benchTrainer(b, false)
	b.ReportAllocs()
	for b.Loop() {
		tr.DPO.Reset()
		tr.DPOConverged = false
		tr.StepDPO()
	}
}

// An Adam step of DPO, with the exact evaluation of its policy.
func BenchmarkDPOAdamStep(b *testing.B) {
	tr := benchTrainer(b, true)
	b.ReportAllocs()
	for b.Loop() {
		tr.StepDPO()
	}
}

// Soft value iteration on zhao-5x5 from v = 0 to max |Δv| < 1e-10 (about
// 210 sweeps at γ 0.9).
func BenchmarkSoftValueIteration(b *testing.B) {
	g := build(b, zhao5x5)
	p, _ := prefs.NewPlanner(g.Model, 0.9, prefs.Uniform(g.S, g.A))
	b.ReportAllocs()
	for b.Loop() {
		p.Reset()
		p.Solve(g.R, 1, 1e-10, 100000)
	}
}

// Drawing and labelling 1,000 pairs of 30 steps.
func BenchmarkGenerate(b *testing.B) {
	g := build(b, zhao5x5)
	ref := prefs.Uniform(g.S, g.A)
	for b.Loop() {
		pairs, ju := prefs.Streams(1)
		s, _ := prefs.NewSampler(g.Model, ref, -1, 30, true, pairs)
		l := prefs.NewLabels(g, 0.9, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 1}, nil)
		l.Generate(s, ju, 1000)
	}
}
