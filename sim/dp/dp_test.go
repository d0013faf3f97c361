package dp_test

import (
	"math"
	"testing"

	"bellman/sim/dp"
	"bellman/sim/dp/exact"
	"bellman/sim/grid"
)

// zhao5x5 is the book's standard 5x5 world (Zhao, Figure 3.4).
const zhao5x5 = `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`

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

func solve(t testing.TB, m *grid.Model, c dp.Config) *dp.Solver {
	t.Helper()
	s, err := dp.New(m.Model, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Run(100000) {
		t.Fatalf("%v did not converge in %d sweeps (Δ %g)", c.Method, s.Sweeps, s.Delta)
	}
	return s
}

// Figure 3.4(a) of the book, values printed to one decimal.
func TestZhaoFigure3_4(t *testing.T) {
	want := [5][5]float64{
		{5.8, 5.6, 6.2, 6.5, 5.8},
		{6.5, 7.2, 8.0, 7.2, 6.5},
		{7.2, 8.0, 10.0, 8.0, 7.2},
		{8.0, 10.0, 10.0, 10.0, 8.0},
		{7.2, 9.0, 10.0, 9.0, 8.1},
	}
	// The optimal policy drawn in Figure 3.4(a): its first row, and "stay"
	// at the target.
	wantFirstRow := "down right down down down"
	m := build(t, zhao5x5)
	s := solve(t, m, dp.Default())
	greedy := s.Greedy(make([]int, m.S))
	for r := 0; r < 5; r++ {
		row := ""
		for c := 0; c < 5; c++ {
			st := m.StateAt(r, c)
			v := s.V[st]
			// The book prints one decimal; 8.1 at (4,4) is 8.0999... rounded.
			if math.Abs(v-want[r][c]) > 0.05+1e-9 {
				t.Errorf("v*(%d,%d) = %.4f, book %.1f", r, c, v, want[r][c])
			}
			if c > 0 {
				row += " "
			}
			row += grid.ActionNames[greedy[st]]
		}
		if r == 0 && row != wantFirstRow {
			t.Errorf("policy row 0 = %q, book %q", row, wantFirstRow)
		}
	}
	if a := greedy[m.StateAt(3, 2)]; a != grid.Stay {
		t.Errorf("policy at the target = %s, book stay", grid.ActionNames[a])
	}
}

// The four methods and the closed-form solve agree on the optimum.
func TestMethodsAgree(t *testing.T) {
	for _, src := range []string{
		zhao5x5,
		`{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "rewards": {"forbidden": -10}}`,
		`{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."], "slip": 0.2}`,
		`{"layout": ["....", "S##.", "...T"], "actions": 4, "terminal": true}`,
	} {
		m := build(t, src)
		vi := solve(t, m, dp.Default())
		for _, method := range []dp.Method{dp.PolicyIteration, dp.TruncatedPolicyIteration} {
			c := dp.Default()
			c.Method = method
			s := solve(t, m, c)
			for st := range s.V {
				if math.Abs(s.V[st]-vi.V[st]) > 1e-6 {
					t.Errorf("%s: %v v(%d) = %v, vi %v", src, method, st, s.V[st], vi.V[st])
				}
			}
		}
		closed, err := exact.Evaluate(nil, m.Model, vi.Policy, 0.9)
		if err != nil {
			t.Fatal(err)
		}
		for st := range closed {
			if math.Abs(closed[st]-vi.V[st]) > 1e-6 {
				t.Errorf("%s: closed v(%d) = %v, vi %v", src, st, closed[st], vi.V[st])
			}
		}
	}
}

// The book's 2x2 example (Zhao, chapter 2): s1 s2 on top, s3 s4 below,
// s2 forbidden, s4 the target.
func TestZhao2x2(t *testing.T) {
	m := build(t, `{"layout": [".F", ".T"]}`)
	policy := func(actions ...int) []float64 {
		p := make([]float64, m.S*m.A)
		for s, a := range actions {
			p[s*m.A+a] = 1
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		policy []float64
		want   []float64
	}{
		{"s1 down", policy(grid.Down, grid.Down, grid.Right, grid.Stay), []float64{9, 10, 10, 10}},
		{"s1 right", policy(grid.Right, grid.Down, grid.Right, grid.Stay), []float64{8, 10, 10, 10}},
		// s1 goes right or down with probability 1/2: v(s1) = 0.5·8 + 0.5·9.
		{"s1 half", func() []float64 {
			p := policy(grid.Right, grid.Down, grid.Right, grid.Stay)
			p[grid.Right], p[grid.Down] = 0.5, 0.5
			return p
		}(), []float64{8.5, 10, 10, 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			closed, err := exact.Evaluate(nil, m.Model, tc.policy, 0.9)
			if err != nil {
				t.Fatal(err)
			}
			c := dp.Default()
			c.Method = dp.Evaluate
			s, err := dp.New(m.Model, c, tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Run(10000) {
				t.Fatal("evaluation did not converge")
			}
			for st, w := range tc.want {
				if math.Abs(closed[st]-w) > 1e-9 {
					t.Errorf("closed v(s%d) = %v, want %v", st+1, closed[st], w)
				}
				if math.Abs(s.V[st]-w) > 1e-8 {
					t.Errorf("iterative v(s%d) = %v, want %v", st+1, s.V[st], w)
				}
			}
		})
	}
}

// One value-iteration sweep from v0 = 0 gives v1(s) = max_a r(s,a), and
// the sweep counters move one at a time.
func TestSingleSweep(t *testing.T) {
	m := build(t, zhao5x5)
	s, err := dp.New(m.Model, dp.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Step()
	if s.Sweeps != 1 || s.Done {
		t.Fatalf("after one sweep: sweeps %d done %v", s.Sweeps, s.Done)
	}
	// Next to the target, moving into it pays 1; elsewhere the best is 0
	// (stay on a free cell); the target itself pays 1 for staying.
	want := map[[2]int]float64{{0, 0}: 0, {2, 2}: 1, {3, 2}: 1, {4, 2}: 1, {3, 1}: 1, {1, 1}: 0}
	for rc, w := range want {
		if v := s.V[m.StateAt(rc[0], rc[1])]; v != w {
			t.Errorf("v1%v = %v, want %v", rc, v, w)
		}
	}
	if s.Delta != 1 {
		t.Errorf("Δ after the first sweep = %v, want 1", s.Delta)
	}
}

// Truncated policy iteration with a large j is policy iteration; with j = 1
// it makes as many sweeps as value iteration needs, give or take.
func TestTruncatedCounts(t *testing.T) {
	m := build(t, zhao5x5)
	c := dp.Default()
	c.Method = dp.PolicyIteration
	pi := solve(t, m, c)
	if pi.Iters < 2 || pi.Iters > 10 {
		t.Errorf("policy iteration took %d improvements, want a handful", pi.Iters)
	}
	vi := solve(t, m, dp.Default())
	if pi.Sweeps < vi.Sweeps/2 {
		t.Errorf("policy iteration made %d sweeps, fewer than half of value iteration's %d", pi.Sweeps, vi.Sweeps)
	}
}

// γ = 0 makes every value the best immediate reward.
func TestGammaZero(t *testing.T) {
	m := build(t, zhao5x5)
	c := dp.Default()
	c.Gamma = 0
	s := solve(t, m, c)
	for st := 0; st < m.S; st++ {
		best := math.Inf(-1)
		for a := 0; a < m.A; a++ {
			best = math.Max(best, m.R[st*m.A+a])
		}
		if s.V[st] != best {
			t.Errorf("v(%d) = %v, want %v", st, s.V[st], best)
		}
	}
}

func TestBadConfig(t *testing.T) {
	m := build(t, zhao5x5)
	for _, c := range []dp.Config{
		{Gamma: 1, Tol: 1e-6},
		{Gamma: -0.1, Tol: 1e-6},
		{Gamma: math.NaN(), Tol: 1e-6},
		{Gamma: 0.9, Tol: 0},
		{Method: dp.TruncatedPolicyIteration, Gamma: 0.9, Tol: 1e-6, J: 0},
	} {
		if _, err := dp.New(m.Model, c, nil); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if _, err := dp.New(m.Model, dp.Default(), make([]float64, m.S*m.A)); err == nil {
		t.Error("all-zero policy: no error")
	}
	if _, err := exact.Evaluate(nil, m.Model, make([]float64, 3), 0.9); err == nil {
		t.Error("short policy: no error")
	}
}
