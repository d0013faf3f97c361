package agent_test

import (
	"math/rand/v2"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/grid"
	"bellman/sim/mdp"
	"bellman/sim/param"
)

// The built-in worlds the tests use, copied from assets/worlds so that the
// package's tests stand alone.
const (
	zhao5x5    = `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`
	zhao5x5f10 = `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "rewards": {"forbidden": -10}}`
	cliff4x12  = `{"layout": ["............", "............", "............", "SCCCCCCCCCCT"],
		"rewards": {"boundary": -1, "forbidden": -1, "target": -1, "other": -1, "cliff": -100},
		"actions": 4, "terminal": true}`
	maze10x10 = `{"layout": ["S...#.....", ".##.#.###.", ".#..#...#.", ".#.###.#..", ".#.....#.#",
		".####.##..", "......#..#", "##.##.#.#.", "...#....#.", ".#...##..T"],
		"rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}, "actions": 4, "terminal": true}`
)

func build(t testing.TB, src string) *grid.Model {
	t.Helper()
	w, err := grid.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// config returns the named agent's configuration with "key=value" settings
// applied through its schema.
func config(t testing.TB, name string, sets ...string) agent.Config {
	t.Helper()
	sc, err := agent.Schema(name)
	if err != nil {
		t.Fatal(err)
	}
	v := param.Values{}
	for _, s := range sets {
		if err := sc.Set(v, s); err != nil {
			t.Fatal(err)
		}
	}
	c, err := agent.ConfigFromValues(name, v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runner couples a new agent and environment on m with seed's streams.
func runner(t testing.TB, m *grid.Model, name string, c agent.Config, start, length int, seed uint64) *agent.Runner {
	t.Helper()
	envRng, agRng := agent.Streams(seed)
	a, err := agent.New(name, m.Model, c, agRng)
	if err != nil {
		t.Fatal(err)
	}
	env, err := agent.NewEnv(m.Model, start, length, envRng)
	if err != nil {
		t.Fatal(err)
	}
	return agent.NewRunner(env, a)
}

// chain returns a deterministic model of n states and A actions in which
// every action of state s leads to next[s] (the tests feed transitions by
// hand; only prioritized sweeping reads the structure). States listed in
// terminal are absorbing.
func chain(t testing.TB, A int, next []int, terminal ...int) *mdp.Model {
	t.Helper()
	m := mdp.New(len(next), A, 1)
	for s, n := range next {
		for a := 0; a < A; a++ {
			m.SetOutcome(s, a, 0, n, 1, 0)
		}
	}
	for _, s := range terminal {
		m.Terminal[s] = true
		for a := 0; a < A; a++ {
			m.SetOutcome(s, a, 0, s, 1, 0)
		}
	}
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	return m
}

func newAgent(t testing.TB, name string, m *mdp.Model, c agent.Config, seed uint64) agent.Agent {
	t.Helper()
	a, err := agent.New(name, m, c, rand.New(rand.NewPCG(seed, agent.StreamAgent)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }
