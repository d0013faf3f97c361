package agent_test

import (
	"testing"

	"bellman/sim/agent"
	"bellman/sim/tabular"
)

// The agents draw with the tabular package's interfaces.
var (
	_ tabular.StateValuer  = agent.Agent(nil)
	_ tabular.ActionValuer = agent.Agent(nil)
	_ tabular.Policy       = agent.Agent(nil)
)

// A step of every agent — acting, learning and planning, episode starts
// included — allocates nothing once warmed up (Monte Carlo's episode buffer
// grows to the episode length during the first episodes; everything else
// is preallocated). The drawing methods allocate nothing either.
func TestStepAllocs(t *testing.T) {
	for _, world := range []string{zhao5x5, maze10x10} {
		m := build(t, world)
		for _, name := range agent.Names() {
			c := config(t, name)
			if name == "prioritized-sweeping" || name == "dyna-q" {
				c = config(t, name, "planning=50")
			}
			r := runner(t, m, name, c, -1, 200, 1)
			for i := 0; i < 20_000; i++ {
				r.Step()
			}
			if n := testing.AllocsPerRun(2000, func() { r.Step() }); n != 0 {
				t.Errorf("%s: %v allocations per step", name, n)
			}
			v, q, pi, g := make([]float64, m.S), make([]float64, m.S*m.A), make([]float64, m.S*m.A), make([]int, m.S)
			e := make([]float64, m.S*m.A)
			draw := func() {
				r.Agent.StateValues(v)
				r.Agent.ActionValues(q)
				r.Agent.ActionProbs(pi)
				r.Agent.Greedy(g)
				if tr, ok := r.Agent.(agent.Tracer); ok {
					tr.Traces(e)
				}
			}
			if n := testing.AllocsPerRun(100, draw); n != 0 {
				t.Errorf("%s: drawing allocates %v times", name, n)
			}
		}
	}
}

// ActionProbs is a distribution in every state, and the drawn values are
// consistent with the table.
func TestDrawingConsistent(t *testing.T) {
	m := build(t, zhao5x5)
	for _, name := range agent.Names() {
		r := runner(t, m, name, config(t, name), -1, 20, 3)
		for i := 0; i < 3000; i++ {
			r.Step()
		}
		pi := r.Agent.ActionProbs(make([]float64, m.S*m.A))
		if err := m.Validate(pi); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		q := r.Agent.ActionValues(nil)
		v := r.Agent.StateValues(make([]float64, m.S))
		g := r.Agent.Greedy(make([]int, m.S))
		for s := 0; s < m.S; s++ {
			for a := 0; a < m.A; a++ {
				if q[s*m.A+a] > v[s] {
					t.Fatalf("%s: q(%d,%d) = %v above v = %v", name, s, a, q[s*m.A+a], v[s])
				}
			}
			if q[s*m.A+g[s]] != v[s] {
				t.Fatalf("%s: greedy action of %d is not a best one", name, s)
			}
		}
	}
}
