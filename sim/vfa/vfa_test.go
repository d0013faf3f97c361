package vfa_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"bellman/sim/agent"
	"bellman/sim/dp/exact"
	"bellman/sim/features"
	"bellman/sim/grid"
	"bellman/sim/vfa"
)

const zhao5x5 = `{"name": "zhao-5x5", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."],
 "rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}}`

func model(t testing.TB, world string) *grid.Model {
	t.Helper()
	w, err := grid.Parse([]byte(world))
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func preset(t testing.TB, key string, presets []features.Preset) features.Spec {
	t.Helper()
	s, err := features.Resolve(key, presets)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func uniformPolicy(m *grid.Model) []float64 {
	pi := make([]float64, m.S*m.A)
	for i := range pi {
		pi[i] = 1 / float64(m.A)
	}
	return pi
}

// The true values of the uniform policy on Zhao's 5×5 world with γ 0.9
// are those of his Figure 8.6(b), to the table's one decimal.
func TestZhaoTrueValues(t *testing.T) {
	m := model(t, zhao5x5)
	v, err := exact.Evaluate(nil, m.Model, uniformPolicy(m), 0.9)
	if err != nil {
		t.Fatal(err)
	}
	book := [][]float64{
		{-3.8, -3.8, -3.6, -3.1, -3.2},
		{-3.8, -3.8, -3.8, -3.1, -2.9},
		{-3.6, -3.9, -3.4, -3.2, -2.9},
		{-3.9, -3.6, -3.4, -2.9, -3.2},
		{-4.5, -4.2, -3.4, -3.4, -3.5},
	}
	for r, row := range book {
		for c, want := range row {
			if got := v[m.StateAt(r, c)]; math.Abs(got-want) > 0.05+1e-9 {
				t.Errorf("v_π(%d, %d) = %.3f, the book has %.1f", r, c, got, want)
			}
		}
	}
}

// TD-linear with one-hot features is tabular TD(0): on the same samples
// w(cell(s)) is the table's v(s) after every step, here on a world with
// walls (so that cells and states are numbered differently) and slips.
func TestOneHotIsTabularTD(t *testing.T) {
	m := model(t, `{"layout": ["..#..", ".F#T.", "....."], "slip": 0.2}`)
	envRng, agRng := agent.Streams(3)
	task, err := vfa.NewGridTask(m, -1, 40, envRng)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := vfa.Default(vfa.TDLinear, true, preset(t, "onehot", features.GridPresets))
	cfg.InitStd, cfg.Alpha = 0, 0.1
	td, err := vfa.NewTD(cfg, task.Columns(), vfa.Uniform{A: m.A}, agRng)
	if err != nil {
		t.Fatal(err)
	}
	r := vfa.NewRunner(task, td)
	v := make([]float64, m.S) // tabular TD(0), the same samples
	for i := 0; i < 20000; i++ {
		tr := r.Step()
		target := tr.Reward
		if !tr.Terminated {
			target += 0.9 * v[tr.Next]
		}
		v[tr.S] += 0.1 * (target - v[tr.S])
		w := td.Weights()
		for s := 0; s < m.S; s++ {
			if math.Abs(w[m.Cell[s]]-v[s]) > 1e-12 {
				t.Fatalf("step %d: w(cell %d) = %v, tabular v(%d) = %v", i, m.Cell[s], w[m.Cell[s]], s, v[s])
			}
		}
	}
}

// With one-hot features linear n-step Sarsa and Q-learning are the
// tabular agents of package agent, draw for draw: the same q after every
// step.
func TestOneHotIsTabularControl(t *testing.T) {
	m := model(t, `{"layout": ["S...", ".F#.", "...T"], "terminal": true, "slip": 0.1}`)
	for _, c := range []struct {
		tabular string
		qlearn  bool
		n       int
	}{{"nstep-sarsa", false, 1}, {"nstep-sarsa", false, 3}, {"qlearning", true, 1}} {
		acfg := agent.DefaultConfig(c.tabular)
		// The linear learner starts from w = 0: so must the table (the
		// tabular defaults are optimistic, q₀ 10), and ε stays fixed.
		acfg.Alpha, acfg.Epsilon, acfg.N, acfg.Gamma, acfg.Q0 = 0.2, 0.3, c.n, 0.95, 0
		acfg.EpsilonDecay, acfg.EpsilonMin = 1, 0
		envA, agA := agent.Streams(5)
		tab, err := agent.New(c.tabular, m.Model, acfg, agA)
		if err != nil {
			t.Fatal(err)
		}
		envT, err := agent.NewEnv(m.Model, -1, 30, envA)
		if err != nil {
			t.Fatal(err)
		}
		tr := agent.NewRunner(envT, tab)

		envL, agL := agent.Streams(5)
		task, _ := vfa.NewGridTask(m, -1, 30, envL)
		cfg := vfa.Config{Gamma: 0.95, Alpha: 0.2, Epsilon: 0.3, N: c.n, Spec: preset(t, "onehot", features.GridPresets)}
		lin, err := vfa.NewControl(cfg, task.Columns(), m.A, c.qlearn, agL)
		if err != nil {
			t.Fatal(err)
		}
		lr := vfa.NewRunner(task, lin)
		n := lin.Featurizer().Len()
		for i := 0; i < 5000; i++ {
			a, b := tr.Step(), lr.Step()
			if a.S != b.S || a.A != b.A || a.Next != b.Next {
				t.Fatalf("%s n=%d step %d: tabular (%d, %d, %d), linear (%d, %d, %d)", c.tabular, c.n, i, a.S, a.A, a.Next, b.S, b.A, b.Next)
			}
			q, w := tab.Table(), lin.Weights()
			for s := 0; s < m.S; s++ {
				for act := 0; act < m.A; act++ {
					if math.Abs(q[s*m.A+act]-w[act*n+m.Cell[s]]) > 1e-12 {
						t.Fatalf("%s n=%d step %d: q(%d, %d) = %v, linear %v", c.tabular, c.n, i, s, act, q[s*m.A+act], w[act*n+m.Cell[s]])
					}
				}
			}
		}
	}
}

// tdFixedPoint returns TD-linear's expected fixed point, the w solving
// Φᵀ D (Φ − γ P_π Φ) w = Φᵀ D r_π (Zhao 8.2.5), for D the mean state
// distribution of the sampling: episodes of length L from a uniformly
// random state under π.
func tdFixedPoint(m *grid.Model, f *features.Featurizer, pi []float64, gamma float64, L int) []float64 {
	S, A, n := m.S, m.A, f.Len()
	P := mat.NewDense(S, S, nil)
	rpi := make([]float64, S)
	for s := 0; s < S; s++ {
		for a := 0; a < A; a++ {
			p := pi[s*A+a]
			rpi[s] += p * m.R[s*A+a]
			for k := 0; k < m.K; k++ {
				i := (s*A+a)*m.K + k
				P.Set(s, int(m.Next[i]), P.At(s, int(m.Next[i]))+p*m.Prob[i])
			}
		}
	}
	d := make([]float64, S)
	dt := make([]float64, S)
	for s := range dt {
		dt[s] = 1 / float64(S)
	}
	for t := 0; t < L; t++ {
		next := make([]float64, S)
		for s := 0; s < S; s++ {
			d[s] += dt[s] / float64(L)
			for s2 := 0; s2 < S; s2++ {
				next[s2] += dt[s] * P.At(s, s2)
			}
		}
		dt = next
	}
	Phi := mat.NewDense(S, n, nil)
	raw := make([]float64, 5)
	row := make([]float64, n)
	for s := 0; s < S; s++ {
		r, c := m.RowCol(s)
		features.GridRaw(raw, r, c, m.World.Rows, m.World.Cols)
		f.Dense(row, raw)
		Phi.SetRow(s, row)
	}
	var PPhi, lhs, DPhi mat.Dense
	PPhi.Mul(P, Phi)
	PPhi.Scale(-gamma, &PPhi)
	PPhi.Add(Phi, &PPhi)
	DPhi.Apply(func(i, _ int, v float64) float64 { return d[i] * v }, Phi)
	lhs.Mul(DPhi.T(), &PPhi)
	var rhs mat.VecDense
	rhs.MulVec(DPhi.T(), mat.NewVecDense(S, rpi))
	var w mat.VecDense
	if err := w.SolveVec(&lhs, &rhs); err != nil {
		panic(err)
	}
	return w.RawVector().Data
}

func rmse(m *grid.Model, f *features.Featurizer, w, v []float64) float64 {
	raw := make([]float64, 5)
	x := f.NewVector()
	sum := 0.0
	for s := 0; s < m.S; s++ {
		r, c := m.RowCol(s)
		features.GridRaw(raw, r, c, m.World.Rows, m.World.Cols)
		f.Sparse(&x, raw)
		e := x.Dot(w) - v[s]
		sum += e * e
	}
	return math.Sqrt(sum / float64(m.S))
}

// Zhao's Figure 8.7 and 8.8 set-up: 500 episodes of 500 steps of the
// uniform policy from random starts, α = 0.0005, w₀ ~ N(0, 1), γ 0.9. The
// error of TD's fixed point falls as the polynomial order (and the
// Fourier order) rises, and so does the learned w's, which ends near it:
// its RMSE to v_π is within 0.06 of the fixed point's (higher orders
// converge more slowly), far below the ~3.5 it starts from.
func TestZhaoTDLinear(t *testing.T) {
	m := model(t, zhao5x5)
	pi := uniformPolicy(m)
	vpi, err := exact.Evaluate(nil, m.Model, pi, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	for _, family := range [][]string{{"poly1", "poly2", "poly3"}, {"fourier1", "fourier2", "fourier3"}} {
		prev, prevGot := math.Inf(1), math.Inf(1)
		for _, key := range family {
			envRng, agRng := agent.Streams(1)
			task, _ := vfa.NewGridTask(m, -1, 500, envRng)
			cfg, _ := vfa.Default(vfa.TDLinear, true, preset(t, key, features.GridPresets))
			td, err := vfa.NewTD(cfg, task.Columns(), vfa.Uniform{A: m.A}, agRng)
			if err != nil {
				t.Fatal(err)
			}
			f := td.Featurizer()
			start := rmse(m, f, td.Weights(), vpi)
			fixed := rmse(m, f, tdFixedPoint(m, f, pi, 0.9, 500), vpi)
			r := vfa.NewRunner(task, td)
			for r.Steps < 500*500 {
				r.Step()
			}
			got := rmse(m, f, td.Weights(), vpi)
			t.Logf("%s: RMSE %.3f at the start, %.3f after 500 episodes; fixed point %.3f", key, start, got, fixed)
			if !(fixed < prev) || !(got < prevGot) {
				t.Errorf("%s: RMSE %.4f (fixed point %.4f), not below the lower order's %.4f (%.4f)", key, got, fixed, prevGot, prev)
			}
			if math.Abs(got-fixed) > 0.06 || start < 1 {
				t.Errorf("%s: RMSE %.3f after 500 episodes (from %.3f), fixed point %.3f", key, got, start, fixed)
			}
			prev, prevGot = fixed, got
		}
	}
}

// Runner.Step allocates nothing, for each method and feature kind.
func TestNoAllocations(t *testing.T) {
	m := model(t, zhao5x5)
	for _, key := range []string{"onehot", "poly3", "fourier5", "tiles4x3"} {
		for _, method := range []string{vfa.TDLinear, vfa.LinearSarsa, vfa.LinearQLearning} {
			envRng, agRng := agent.Streams(2)
			task, _ := vfa.NewGridTask(m, -1, 50, envRng)
			cfg, _ := vfa.Default(method, true, preset(t, key, features.GridPresets))
			cfg.N = 3
			var l vfa.Learner
			var err error
			if method == vfa.TDLinear {
				l, err = vfa.NewTD(cfg, task.Columns(), vfa.Uniform{A: m.A}, agRng)
			} else {
				l, err = vfa.NewControl(cfg, task.Columns(), m.A, method == vfa.LinearQLearning, agRng)
			}
			if err != nil {
				t.Fatal(err)
			}
			r := vfa.NewRunner(task, l)
			if n := testing.AllocsPerRun(500, func() { r.Step() }); n != 0 {
				t.Errorf("%s with %s: Step allocates %v times", method, key, n)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	cols := features.Grid(5, 5)
	spec := preset(t, "poly1", features.GridPresets)
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		cfg  vfa.Config
		want string
	}{
		{vfa.Config{Gamma: 1.5, Alpha: 0.1, N: 1, Spec: spec}, "gamma 1.5"},
		{vfa.Config{Gamma: 0.9, Alpha: 0, N: 1, Spec: spec}, "alpha 0"},
		{vfa.Config{Gamma: 0.9, Alpha: 0.1, Epsilon: 2, N: 1, Spec: spec}, "epsilon 2"},
		{vfa.Config{Gamma: 0.9, Alpha: 0.1, N: 0, Spec: spec}, "n 0"},
		{vfa.Config{Gamma: 0.9, Alpha: 0.1, N: 1, InitStd: -1, Spec: spec}, "spread -1"},
		{vfa.Config{Gamma: 0.9, Alpha: 0.1, N: 1}, "no features"},
	} {
		if _, err := vfa.NewControl(c.cfg, cols, 5, false, rng); err == nil || !contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	cfg := vfa.Config{Gamma: 0.9, Alpha: 0.1, N: 1, Spec: preset(t, `{"numeric": "velocity"}`, nil)}
	if _, err := vfa.NewTD(cfg, cols, vfa.Uniform{A: 5}, rng); err == nil || !contains(err.Error(), `no column "velocity"`) {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := vfa.Default("dqn", true, spec); err == nil || !contains(err.Error(), "td-linear, linear-sarsa, linear-qlearning") {
		t.Errorf("unknown method: %v", err)
	}
	if _, err := vfa.Default(vfa.TDLinear, false, spec); err == nil || !contains(err.Error(), "linear-qlearning, nstep-sarsa-tiles") {
		t.Errorf("td-linear on a control task: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
