package agent_test

import (
	"testing"

	"bellman/sim/dp"
)

// benchStep times one environment step with its learning and planning on
// the 10x10 maze (walls, start cell, terminal target), α 0.1, ε 0.2, γ 0.9,
// episodes cut at 1000 steps. It reports steps per second; allocations
// must be 0.
func benchStep(b *testing.B, name string, sets ...string) {
	m := build(b, maze10x10)
	sets = append([]string{"alpha=0.1", "epsilon=0.2", "gamma=0.9"}, sets...)
	r := runner(b, m, name, config(b, name, sets...), m.Start, 1000, 1)
	for i := 0; i < 10_000; i++ { // past the first, longest episodes
		r.Step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// benchLearning is benchStep from a fresh agent every 20,000 steps, so that
// it times learning rather than a converged agent (prioritized sweeping's
// queue empties once the values have converged).
func benchLearning(b *testing.B, name string, sets ...string) {
	m := build(b, maze10x10)
	sets = append([]string{"alpha=0.1", "epsilon=0.2", "gamma=0.9"}, sets...)
	c := config(b, name, sets...)
	r := runner(b, m, name, c, m.Start, 1000, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i++; i%20_000 == 0 {
			b.StopTimer()
			r = runner(b, m, name, c, m.Start, 1000, uint64(i))
			b.StartTimer()
		}
		r.Step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkQLearningMazeLearning(b *testing.B) { benchLearning(b, "qlearning") }
func BenchmarkDynaQ50MazeLearning(b *testing.B)   { benchLearning(b, "dyna-q", "planning=50") }
func BenchmarkSweeping50MazeLearning(b *testing.B) {
	benchLearning(b, "prioritized-sweeping", "planning=50", "theta=1e-5")
}

func BenchmarkQLearningMaze(b *testing.B) { benchStep(b, "qlearning") }
func BenchmarkDynaQ50Maze(b *testing.B)   { benchStep(b, "dyna-q", "planning=50") }
func BenchmarkSweeping50Maze(b *testing.B) {
	benchStep(b, "prioritized-sweeping", "planning=50", "theta=1e-5")
}
func BenchmarkSarsaMaze(b *testing.B)           { benchStep(b, "sarsa") }
func BenchmarkExpectedSarsaMaze(b *testing.B)   { benchStep(b, "expected-sarsa") }
func BenchmarkNStepSarsaMaze(b *testing.B)      { benchStep(b, "nstep-sarsa") }
func BenchmarkSarsaLambdaMaze(b *testing.B)     { benchStep(b, "sarsa-lambda") }
func BenchmarkQLambdaMaze(b *testing.B)         { benchStep(b, "q-lambda") }
func BenchmarkMCEpsilonGreedyMaze(b *testing.B) { benchStep(b, "mc-egreedy") }

// BenchmarkVIMaze times one value-iteration sweep of the same maze.
func BenchmarkVIMaze(b *testing.B) {
	m := build(b, maze10x10)
	s, err := dp.New(m.Model, dp.Default(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Step()
		if s.Done {
			s.Reset()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sweeps/s")
}
