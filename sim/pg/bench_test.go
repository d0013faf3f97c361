package pg_test

import (
	"testing"

	"bellman/sim/pg"
)

const maze10x10 = `{"layout": ["S...#.....", ".##.#.###.", ".#..#...#.", ".#.###.#..", ".#.....#.#",
	".####.##..", "......#..#", "##.##.#.#.", "...#....#.", ".#...##..T"],
	"rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}, "actions": 4, "terminal": true}`

// One trainer step on zhao-5x5 (episodes of 100 steps, uniform starts):
// act, environment, the method's update, and at every episode's end the
// exact gradient (one LU solve of 25 states) and the comparison. For the
// actor-critics a step is one update; REINFORCE updates once an episode.
func BenchmarkStep(b *testing.B) {
	m := build(b, zhao5x5).Model
	for _, name := range pg.Names() {
		b.Run(name, func(b *testing.B) {
			meth, _ := pg.ParseMethod(name)
			tr, err := pg.NewTrainer(m, config(b, meth), -1, 100, 1)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 10_000; i++ {
				tr.Step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tr.Step()
			}
		})
	}
}

// The exact evaluation and gradient of a softmax policy: zhao-5x5 (25
// states) and the 10x10 maze (63 states).
func BenchmarkExact(b *testing.B) {
	for _, w := range []struct{ name, src string }{{"zhao-5x5", zhao5x5}, {"maze-10x10", maze10x10}} {
		b.Run(w.name, func(b *testing.B) {
			g := build(b, w.src)
			d0, _ := pg.StartDistribution(g.Model, -1)
			e, err := pg.NewExact(g.Model, 0.9, d0)
			if err != nil {
				b.Fatal(err)
			}
			p := randomPolicy(g.Model, 1, 1)
			grad := make([]float64, g.S*g.A)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				e.Softmax(p)
				e.Gradient(grad)
			}
		})
	}
}
