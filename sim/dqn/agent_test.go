package dqn

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/nn"
)

// linearAgent returns an agent whose Q-network has no hidden layer, so
// that its values can be set and worked out by hand.
func linearAgent(t *testing.T, cfg Config, obsDim, nA int) *Agent {
	t.Helper()
	cfg.Net.Sizes = []int{1, 1}
	a, err := New(cfg, obsDim, nA, rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The TD targets of a 2-transition batch, by hand. One observation, two
// actions, linear networks: online Q(s) = (s, −s + 0.5), target
// Q′(s) = (2s, s + 1.5), γ = 0.9.
//
// Transition 1: s′ = 1, r = 1, not terminated. Q′(1) = (2, 2.5) and the
// online Q(1) = (1, −0.5). DQN takes max Q′ = 2.5: y = 1 + 0.9·2.5 = 3.25.
// Double DQN takes the online argmax, action 0, valued by Q′: y = 1 +
// 0.9·2 = 2.8.
// Transition 2: s′ = −1, r = 0.5, terminated: y = 0.5 for both.
func TestTargetsByHand(t *testing.T) {
	for _, tc := range []struct {
		double bool
		want   [2]float64
	}{
		{false, [2]float64{3.25, 0.5}},
		{true, [2]float64{2.8, 0.5}},
	} {
		cfg := DefaultConfig(DQN)
		cfg.Gamma, cfg.Double = 0.9, tc.double
		a := linearAgent(t, cfg, 1, 2)
		copy(a.Online().Params(), []float64{1, -1, 0, 0.5}) // W (2×1), b
		copy(a.Target().Params(), []float64{2, 1, 0, 1.5})
		y := make([]float64, 2)
		a.Targets(y, []float64{1, -1}, []float64{1, 0.5}, []float64{0, 1}, 2)
		for i := range y {
			if math.Abs(y[i]-tc.want[i]) > 1e-12 {
				t.Errorf("double=%v: y = %v, want %v", tc.double, y, tc.want)
				break
			}
		}
	}
}

// The loss of a batch by hand: with online Q(s) = (s, −s + 0.5), the
// transitions (s = 1, a = 1) and (s = 2, a = 0) with targets 0.5 and 1
// have Q(s, a) = −0.5 and 2, TD errors 1 and −1: MSE 1, Huber (δ = 1)
// 0.5, and a mean |TD error| of 1.
func TestLossByHand(t *testing.T) {
	for _, tc := range []struct {
		loss Loss
		want float64
	}{{MSE, 1}, {Huber, 0.5}} {
		cfg := DefaultConfig(DQN)
		cfg.Loss = tc.loss
		a := linearAgent(t, cfg, 1, 2)
		copy(a.Online().Params(), []float64{1, -1, 0, 0.5})
		loss, meanQ, tdErr := a.fit([]float64{1, 2}, []float64{1, 0}, []float64{0.5, 1}, 2)
		if math.Abs(loss-tc.want) > 1e-12 || math.Abs(meanQ-0.75) > 1e-12 || math.Abs(tdErr-1) > 1e-12 {
			t.Errorf("%v: loss %v, mean Q %v, TD error %v; want %v, 0.75, 1", tc.loss, loss, meanQ, tdErr, tc.want)
		}
	}
}

// Dueling aggregation: V = 1 and A = (2, 4, 6) make Q = V + A − mean A =
// (−1, 1, 3); V = 0 and A = (−3, 0, 3) make (−3, 0, 3).
func TestDuelingAggregation(t *testing.T) {
	out := []float64{1, 2, 4, 6, 0, -3, 0, 3}
	q := make([]float64, 6)
	aggregate(q, out, 2, 3)
	want := []float64{-1, 1, 3, -3, 0, 3}
	for i := range want {
		if math.Abs(q[i]-want[i]) > 1e-15 {
			t.Fatalf("aggregate = %v, want %v", q, want)
		}
	}
	// The same through an agent: a linear dueling network whose weights
	// are zero gives the biases' aggregation for every observation.
	cfg := DefaultConfig(DQN)
	cfg.Dueling = true
	a := linearAgent(t, cfg, 2, 3)
	if a.Online().Outputs() != 4 {
		t.Fatalf("dueling network has %d outputs, want 1 + 3", a.Online().Outputs())
	}
	p := a.Online().Params()
	clear(p)
	copy(p[len(p)-4:], []float64{1, 2, 4, 6})
	got := make([]float64, 3)
	a.QValues(got, []float64{0.3, -7})
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("QValues = %v, want %v", got, want[:3])
		}
	}
	if g := a.Greedy([]float64{5, 5}); g != 2 {
		t.Errorf("Greedy = %d, want 2", g)
	}
}

// The gradient of the loss with respect to every parameter, through the
// dueling aggregation, against central finite differences of the loss.
func TestLossGradientFiniteDifference(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dueling bool
		loss    Loss
	}{
		{"dueling mse", true, MSE},
		{"dueling huber", true, Huber},
		{"plain mse", false, MSE},
	} {
		cfg := DefaultConfig(DQN)
		cfg.Net = nn.Config{Sizes: []int{1, 6, 5, 1}, Hidden: nn.Tanh}
		cfg.Dueling, cfg.Loss, cfg.HuberDelta = tc.dueling, tc.loss, 0.3
		a, err := New(cfg, 3, 4, rand.New(rand.NewPCG(4, 4)), rand.New(rand.NewPCG(5, 5)))
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(6, 6))
		const n = 5
		obs := make([]float64, n*3)
		act, y := make([]float64, n), make([]float64, n)
		for i := range obs {
			obs[i] = rng.NormFloat64()
		}
		for r := range act {
			act[r] = float64(rng.IntN(4))
			y[r] = rng.NormFloat64()
		}
		a.fit(obs, act, y, n)
		grad := append([]float64(nil), a.Online().Grads()...)
		p := a.Online().Params()
		const h = 1e-6
		for i := range p {
			orig := p[i]
			p[i] = orig + h
			lp, _, _ := a.fit(obs, act, y, n)
			p[i] = orig - h
			lm, _, _ := a.fit(obs, act, y, n)
			p[i] = orig
			fd := (lp - lm) / (2 * h)
			if math.Abs(fd-grad[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s: ∂loss/∂θ[%d] = %v, finite difference %v", tc.name, i, grad[i], fd)
			}
		}
	}
}

// filledAgent returns an agent whose buffer holds 100 random transitions.
func filledAgent(t testing.TB, cfg Config) *Agent {
	a, err := New(cfg, 3, 2, rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(8, 8)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	s, s2 := make([]float64, 3), make([]float64, 3)
	for range 100 {
		for i := range s {
			s[i], s2[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		a.Replay().Add(s, []float64{float64(rng.IntN(2))}, rng.NormFloat64(), s2, rng.IntN(5) == 0)
	}
	return a
}

// A hard target update copies the online network every C updates and
// leaves the target alone in between; a soft one moves it by τ.
func TestTargetUpdates(t *testing.T) {
	cfg := DefaultConfig(DQN)
	cfg.Batch, cfg.TargetEvery, cfg.Tau = 16, 3, 1
	a := filledAgent(t, cfg)
	start := append([]float64(nil), a.Target().Params()...)
	for u := 1; u <= 3; u++ {
		a.Update()
		want := start
		if u == 3 {
			want = a.Online().Params()
		}
		for i, p := range a.Target().Params() {
			if p != want[i] {
				t.Fatalf("after update %d: target param %d = %v, want %v", u, i, p, want[i])
			}
		}
	}
	if eq(a.Target().Params(), start) {
		t.Fatal("the online network did not move in three updates")
	}

	cfg.TargetEvery, cfg.Tau = 1, 0.25
	a = filledAgent(t, cfg)
	before := append([]float64(nil), a.Target().Params()...)
	a.Update()
	online := a.Online().Params()
	for i, p := range a.Target().Params() {
		want := 0.25*online[i] + 0.75*before[i]
		if math.Abs(p-want) > 1e-15*math.Max(1, math.Abs(want)) {
			t.Fatalf("soft update: target param %d = %v, want 0.25·%v + 0.75·%v", i, p, online[i], before[i])
		}
	}
}

func eq(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An update allocates nothing, whatever the options.
func TestUpdateAllocatesNothing(t *testing.T) {
	for _, tc := range []struct {
		name            string
		double, dueling bool
		loss            Loss
	}{{"dqn", false, false, MSE}, {"double", true, false, Huber}, {"dueling double", true, true, MSE}} {
		cfg := DefaultConfig(DQN)
		cfg.Double, cfg.Dueling, cfg.Loss = tc.double, tc.dueling, tc.loss
		cfg.TargetEvery, cfg.Optim.MaxGradNorm = 2, 1
		a := filledAgent(t, cfg)
		a.Update()
		obs := make([]float64, 32*3)
		q, v, g := make([]float64, 32*2), make([]float64, 32), make([]int, 32)
		a.Evaluate(q, v, g, obs, 32)
		if n := testing.AllocsPerRun(50, func() { a.Update() }); n != 0 {
			t.Errorf("%s: Update allocates %v times", tc.name, n)
		}
		if n := testing.AllocsPerRun(50, func() { a.Evaluate(q, v, g, obs, 32) }); n != 0 {
			t.Errorf("%s: Evaluate allocates %v times", tc.name, n)
		}
	}
}
