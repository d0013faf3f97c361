package ddpg

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/control"
	"bellman/sim/nn"
)

// linearAgent returns an agent for one observation and one action in
// [−2, 2] whose actor and critic have no hidden layer (μ(s) = tanh(w·s + b),
// Q(s, a) = c₁s + c₂a + c₀), trained with plain SGD, so that every step can
// be computed by hand.
func linearAgent(t *testing.T, algo Algo, batch int) *Agent {
	t.Helper()
	cfg := DefaultConfig(algo)
	cfg.Actor.Sizes = []int{1, 1}
	cfg.Critic.Sizes = []int{2, 1}
	cfg.ActorOptim = nn.OptimConfig{Kind: nn.KindSGD, LR: 0.02}
	cfg.CriticOptim = nn.OptimConfig{Kind: nn.KindSGD, LR: 0.05}
	cfg.Batch, cfg.BufferSize = batch, batch
	cfg.Gamma, cfg.Tau = 0.9, 0.1
	a, err := New(cfg, 1, []float64{-2}, []float64{2}, rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// setLinear sets the weights and bias of a network without hidden layers.
func setLinear(net *nn.MLP, b float64, w ...float64) {
	W, B := net.Layer(0)
	copy(W, w)
	B[0] = b
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// One DDPG update on a buffer holding a single transition, by hand: the
// target y = r + γ(1 − terminated)·Q′(s′, μ′(s′)), an SGD step of the critic
// on (Q(s, a) − y)², an SGD step of the actor on −Q(s, μ(s)) through the
// updated critic, and the soft updates θ′ ← τθ + (1 − τ)θ′.
func TestUpdateByHand(t *testing.T) {
	const (
		s, act, r, s2 = 0.5, 0.3, -1.0, 0.7
		gamma, tau    = 0.9, 0.1
		lrA, lrC      = 0.02, 0.05
		tol           = 1e-12
	)
	for _, terminated := range []bool{false, true} {
		a := linearAgent(t, DDPG, 4)
		setLinear(a.Actor(), 0.1, 0.8)
		setLinear(a.ActorTarget(), -0.2, 0.5)
		setLinear(a.Critic(0), 0.3, 1.5, -0.7)
		setLinear(a.CriticTarget(0), -0.1, 1.2, 0.4)
		a.Replay().Add([]float64{s}, []float64{act}, r, []float64{s2}, terminated)

		loss, meanQ := a.Update()

		y := r
		if !terminated {
			y += gamma * (1.2*s2 + 0.4*math.Tanh(0.5*s2-0.2) - 0.1)
		}
		q := 1.5*s - 0.7*act + 0.3
		d := 2 * (q - y) // mean over identical rows of ∂(q−y)²/∂q
		c1, c2, c0 := 1.5-lrC*d*s, -0.7-lrC*d*act, 0.3-lrC*d
		mu := math.Tanh(0.8*s + 0.1)
		g := -c2 * (1 - mu*mu) // ∂(−Q(s, μ))/∂(w·s + b)
		w, b := 0.8-lrA*g*s, 0.1-lrA*g
		want := map[string][]float64{
			"critic":        {c1, c2, c0},
			"actor":         {w, b},
			"critic target": {tau*c1 + (1-tau)*1.2, tau*c2 + (1-tau)*0.4, tau*c0 + (1-tau)*-0.1},
			"actor target":  {tau*w + (1-tau)*0.5, tau*b + (1-tau)*-0.2},
		}
		got := map[string][]float64{
			"critic": a.Critic(0).Params(), "actor": a.Actor().Params(),
			"critic target": a.CriticTarget(0).Params(), "actor target": a.ActorTarget().Params(),
		}
		for k, wv := range want {
			for i := range wv {
				if !near(got[k][i], wv[i], tol) {
					t.Errorf("terminated %v: %s param %d = %.15g, by hand %.15g", terminated, k, i, got[k][i], wv[i])
				}
			}
		}
		if !near(loss, (q-y)*(q-y), tol) || !near(meanQ, q, tol) {
			t.Errorf("terminated %v: loss %v meanQ %v, by hand %v %v", terminated, loss, meanQ, (q-y)*(q-y), q)
		}
	}
}

// TD3's target takes the smaller of the twin target critics, row by row,
// and does not bootstrap from a terminated transition.
func TestTD3MinOfTwins(t *testing.T) {
	a := linearAgent(t, TD3, 3)
	a.cfg.TargetNoise = 0
	setLinear(a.ActorTarget(), 0, 1)         // μ′(s′) = tanh(s′)
	setLinear(a.CriticTarget(0), 0, 1, 1)    // Q₁′ = s′ + a′
	setLinear(a.CriticTarget(1), 0.5, -1, 2) // Q₂′ = −s′ + 2a′ + 0.5
	next := []float64{0.4, 2, 2}             // Q₁′ smaller, Q₂′ smaller, terminated
	rew, term := []float64{1, -1, 3}, []float64{0, 0, 1}
	y := make([]float64, 3)
	a.targets(y, next, rew, term, 3)
	for i, s := range next {
		ap := math.Tanh(s)
		q := math.Min(s+ap, -s+2*ap+0.5)
		want := rew[i] + 0.9*(1-term[i])*q
		if !near(y[i], want, 1e-12) {
			t.Errorf("row %d: y = %v, by hand %v", i, y[i], want)
		}
	}
	if q1, q2 := 0.4+math.Tanh(0.4), -0.4+2*math.Tanh(0.4)+0.5; !(q1 < q2) {
		t.Fatalf("test case: row 0 should have Q₁′ < Q₂′ (%v, %v)", q1, q2)
	}
	if q1, q2 := 2+math.Tanh(2), -2+2*math.Tanh(2)+0.5; !(q2 < q1) {
		t.Fatalf("test case: row 1 should have Q₂′ < Q₁′ (%v, %v)", q1, q2)
	}
}

// Target policy smoothing: with Q′(s′, a) = a, γ = 1 and r = 0 the target
// is the smoothed action ã = clip(μ′(s′) + clip(ε, −c, c), −1, 1). With
// μ′ = 0.9, σ = 10 and c = 0.3 it lies in [0.6, 1] and mostly at its ends;
// with μ′ = 0, σ = 0.05 and c = 0.5 it is N(0, 0.05²) (sample mean and
// standard deviation of 4096 draws within 4.5 standard errors).
func TestTD3TargetSmoothing(t *testing.T) {
	const n = 4096
	a := linearAgent(t, TD3, n)
	a.cfg.Gamma = 1
	for i := 0; i < 2; i++ {
		setLinear(a.CriticTarget(i), 0, 0, 1)
	}
	next, rew, term, y := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)

	a.cfg.TargetNoise, a.cfg.TargetClip = 10, 0.3
	setLinear(a.ActorTarget(), math.Atanh(0.9), 0)
	a.targets(y, next, rew, term, n)
	lo, hi := 0, 0
	for _, v := range y {
		if v < 0.6-1e-12 || v > 1 {
			t.Fatalf("smoothed action %v outside [0.6, 1]", v)
		}
		if near(v, 0.6, 1e-12) {
			lo++
		}
		if v == 1 {
			hi++
		}
	}
	// P(|10·N| < 0.3) ≈ 2.4%, so about 97.6% sit at the ends, half each.
	if lo < n*4/10 || hi < n*4/10 {
		t.Errorf("%d at 0.6 and %d at 1 out of %d, want about 48.8%% each", lo, hi, n)
	}

	a.cfg.TargetNoise, a.cfg.TargetClip = 0.05, 0.5
	setLinear(a.ActorTarget(), 0, 0)
	a.targets(y, next, rew, term, n)
	m, s2 := 0.0, 0.0
	for _, v := range y {
		m += v
	}
	m /= n
	for _, v := range y {
		s2 += (v - m) * (v - m)
	}
	sd := math.Sqrt(s2 / (n - 1))
	if math.Abs(m) > 4.5*0.05/64 || math.Abs(sd-0.05) > 4.5*0.05/math.Sqrt(2*n) {
		t.Errorf("smoothing noise has mean %v and sd %v, want 0 and 0.05", m, sd)
	}
}

// TD3 with policy delay 3 changes the actor and the targets only on every
// third update, and the critics on every update.
func TestDelayedActorUpdates(t *testing.T) {
	cfg := DefaultConfig(TD3)
	cfg.PolicyDelay = 3
	cfg.Actor.Sizes = []int{1, 8, 1}
	cfg.Critic.Sizes = []int{1, 8, 1}
	cfg.Batch, cfg.BufferSize = 8, 100
	a, err := New(cfg, 3, []float64{-1}, []float64{1}, rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 50; i++ {
		s := []float64{rng.Float64(), rng.Float64(), rng.Float64()}
		a.Replay().Add(s, []float64{2*rng.Float64() - 1}, -rng.Float64(), s, false)
	}
	nets := map[string]*nn.MLP{"actor": a.Actor(), "actor target": a.ActorTarget(),
		"critic 1": a.Critic(0), "critic 2": a.Critic(1), "critic 1 target": a.CriticTarget(0), "critic 2 target": a.CriticTarget(1)}
	for u := 1; u <= 6; u++ {
		before := map[string][]float64{}
		for k, n := range nets {
			before[k] = append([]float64(nil), n.Params()...)
		}
		a.Update()
		for k, n := range nets {
			changed := false
			for i, p := range n.Params() {
				if p != before[k][i] {
					changed = true
				}
			}
			want := u%3 == 0 || k == "critic 1" || k == "critic 2"
			if changed != want {
				t.Errorf("update %d: %s changed = %v, want %v", u, k, changed, want)
			}
		}
	}
}

// Scale maps [−1, 1] affinely onto the bounds.
func TestScale(t *testing.T) {
	cfg := DefaultConfig(DDPG)
	cfg.Batch, cfg.BufferSize = 1, 1
	a, err := New(cfg, 1, []float64{-2, 0}, []float64{2, 10}, rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float64, 2)
	for _, c := range [][4]float64{{-1, -1, -2, 0}, {1, 1, 2, 10}, {0, 0, 0, 5}, {0.5, -0.5, 1, 2.5}} {
		a.Scale(dst, c[:2])
		if dst[0] != c[2] || dst[1] != c[3] {
			t.Errorf("Scale(%v) = %v, want %v", c[:2], dst, c[2:])
		}
	}
}

// Evaluate gives Q₁(s, μ(s)) and the scaled μ(s) of each row, as single-row
// forward passes do.
func TestEvaluate(t *testing.T) {
	env := control.NewPendulum()
	tr, err := NewTrainer(env, DefaultConfig(TD3), 4)
	if err != nil {
		t.Fatal(err)
	}
	a := tr.Agent()
	const n = 5
	obs := make([]float64, n*3)
	for r := 0; r < n; r++ {
		env.PlaneObs(float64(r)-2, float64(r), obs[r*3:r*3+3])
	}
	v, act := make([]float64, n), make([]float64, n)
	a.Evaluate(v, act, obs, n)
	for r := 0; r < n; r++ {
		mu := a.Actor().Forward(obs[r*3:r*3+3], 1)[0]
		q := a.Critic(0).Forward([]float64{obs[r*3], obs[r*3+1], obs[r*3+2], mu}, 1)[0]
		if !near(v[r], q, 1e-12) || !near(act[r], 2*mu, 1e-12) {
			t.Errorf("row %d: V %v μ %v, single rows %v %v", r, v[r], act[r], q, 2*mu)
		}
	}
	if allocs := testing.AllocsPerRun(20, func() { a.Evaluate(v, act, obs, n) }); allocs != 0 {
		t.Errorf("Evaluate allocates %v times", allocs)
	}
}

func TestNewErrors(t *testing.T) {
	r := func() *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }
	good := DefaultConfig(DDPG)
	bad := good
	bad.Tau = 0
	for name, f := range map[string]func() error{
		"bad config":   func() error { _, err := New(bad, 3, []float64{-1}, []float64{1}, r(), r()); return err },
		"empty bounds": func() error { _, err := New(good, 3, nil, nil, r(), r()); return err },
		"lo ≥ hi":      func() error { _, err := New(good, 3, []float64{1}, []float64{1}, r(), r()); return err },
		"nil rng":      func() error { _, err := New(good, 3, []float64{-1}, []float64{1}, nil, r()); return err },
		"no obs":       func() error { _, err := New(good, 0, []float64{-1}, []float64{1}, r(), r()); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
