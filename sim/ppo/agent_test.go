package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	"bellman/sim/nn"
)

// smallConfig is algo with 6-6 tanh networks on a rollout of 4 steps of 2
// environments in 2 minibatches.
func smallConfig(algo Algo, discrete bool) Config {
	c := DefaultConfig(algo, discrete)
	c.Hidden, c.NumEnvs, c.NumSteps = 6, 2, 4
	if algo == PPO {
		c.Minibatches, c.Epochs = 2, 2
	}
	return c
}

// randomRollout fills r with random observations and actions, log-probs
// and values offset from the agent's own by the given amounts (so that
// the ratio and value clips act on some transitions), and GAE's results.
func randomRollout(t *testing.T, a *Agent, rng *rand.Rand, logOffsets, valueOffsets []float64) *Rollout {
	t.Helper()
	c := a.Config()
	r := NewRollout(c.NumSteps, c.NumEnvs, a.ObsDim(), a.ActDim())
	for i := range r.Obs {
		r.Obs[i] = rng.NormFloat64()
	}
	B := r.Len()
	out := a.actor.Forward(r.Obs, B)
	v := a.critic.Forward(r.Obs, B)
	A := a.Outputs()
	for k := 0; k < B; k++ {
		row := out[k*A : k*A+A]
		var lp float64
		if a.Discrete() {
			act := rng.IntN(A)
			r.Act[k] = float64(act)
			lp = nn.CategoricalLogProb(row, act)
		} else {
			x := r.Act[k*A : k*A+A]
			for j := range x {
				x[j] = row[j] + rng.NormFloat64()
			}
			lp = nn.GaussianLogProb(x, row, a.LogStd())
		}
		r.LogProb[k] = lp - logOffsets[k%len(logOffsets)]
		r.Value[k] = v[k] - valueOffsets[k%len(valueOffsets)]
		r.Reward[k] = rng.NormFloat64()
		if rng.Float64() < 0.2 {
			r.End[k] = 1
		}
	}
	for i := range r.LastValue {
		r.LastValue[i] = rng.NormFloat64()
	}
	r.GAE(c.Gamma, c.Lambda)
	return r
}

// The gradient of a minibatch's whole loss, policy − c₁·entropy +
// c₂·value, with respect to every parameter of both networks and the log
// σ, against central differences of the loss: PPO with both clips acting
// on some transitions and A2C, discrete and Gaussian policies, with and
// without advantage normalisation.
func TestLossGradientFiniteDifference(t *testing.T) {
	for _, tc := range []struct {
		name     string
		algo     Algo
		discrete bool
		normAdv  bool
	}{
		{"ppo categorical", PPO, true, true},
		{"ppo gaussian", PPO, false, true},
		{"ppo gaussian raw advantages", PPO, false, false},
		{"a2c categorical", A2C, true, false},
		{"a2c gaussian normalised", A2C, false, true},
	} {
		c := smallConfig(tc.algo, tc.discrete)
		c.NormAdv = tc.normAdv
		c.EntCoef = 0.05 // so the entropy's gradient counts
		c.LogStdInit = -0.3
		nAct := 2
		if tc.discrete {
			nAct = 3
		}
		a, err := New(c, 3, nAct, tc.discrete, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		// Perturb the zero biases and tiny output weights of the
		// orthogonal initialisation so that every term has a gradient.
		rng := rand.New(rand.NewPCG(2, 2))
		for _, p := range [][]float64{a.actor.Params(), a.critic.Params()} {
			for i := range p {
				p[i] += 0.3 * rng.NormFloat64()
			}
		}
		// log-ratios ±0.05 (inside the clip) and ±0.5 (outside); value
		// changes of ±0.05 and ±0.6 against ε = 0.2.
		r := randomRollout(t, a, rng, []float64{0.05, -0.5, 0.5, -0.05}, []float64{0.6, 0.05, -0.6, -0.05})
		idx := []int{0, 5, 2, 7, 3}
		if tc.algo == A2C {
			idx = []int{0, 1, 2, 3, 4, 5, 6, 7}
		}
		p := a.lossGrad(r, idx)
		if tc.algo == PPO && (p.clipFrac == 0 || p.clipFrac == 1) {
			t.Fatalf("%s: clip fraction %v, want some ratios clipped and some not", tc.name, p.clipFrac)
		}
		groups := []struct {
			name         string
			params, grad []float64
		}{
			{"policy", a.actor.Params(), append([]float64(nil), a.actor.Grads()...)},
			{"value", a.critic.Params(), append([]float64(nil), a.critic.Grads()...)},
		}
		if !tc.discrete {
			groups = append(groups, struct {
				name         string
				params, grad []float64
			}{"log σ", a.logStd, append([]float64(nil), a.gLogStd...)})
		}
		const h = 1e-6
		worst := 0.0
		for _, g := range groups {
			for i := range g.params {
				x := g.params[i]
				g.params[i] = x + h
				plus := a.total(a.lossGrad(r, idx))
				g.params[i] = x - h
				minus := a.total(a.lossGrad(r, idx))
				g.params[i] = x
				fd := (plus - minus) / (2 * h)
				err := math.Abs(fd - g.grad[i])
				worst = math.Max(worst, err)
				if err > 1e-7*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s: ∂L/∂%s[%d] = %v, differences %v", tc.name, g.name, i, g.grad[i], fd)
				}
			}
		}
		t.Logf("%s: worst difference %.2g", tc.name, worst)
	}
}

// A single global norm clips the policy's, the value's and log σ's
// gradients together, as clip_grad_norm_(agent.parameters()) does.
func TestGlobalGradientClip(t *testing.T) {
	c := smallConfig(PPO, false)
	c.MaxGradNorm = 0.5
	c.LR = 0 // Adam steps by 0: only the clipping shows
	a, err := New(c, 3, 2, false, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	groups := [][]float64{a.actor.Grads(), a.critic.Grads(), a.gLogStd}
	s := 0.0
	for _, g := range groups {
		for i := range g {
			g[i] = rng.NormFloat64()
			s += g[i] * g[i]
		}
	}
	before := [][]float64{append([]float64(nil), groups[0]...), append([]float64(nil), groups[1]...), append([]float64(nil), groups[2]...)}
	norm := a.step()
	if !near(norm, math.Sqrt(s), 1e-14) {
		t.Fatalf("norm %v, want %v", norm, math.Sqrt(s))
	}
	coef := 0.5 / (norm + 1e-6)
	after := 0.0
	for gi, g := range groups {
		for i, x := range g {
			after += x * x
			if !near(x, before[gi][i]*coef, 1e-15) {
				t.Fatalf("group %d gradient %d: %v, want %v", gi, i, x, before[gi][i]*coef)
			}
		}
	}
	if !near(math.Sqrt(after), 0.5, 1e-6) {
		t.Errorf("clipped norm %v, want 0.5", math.Sqrt(after))
	}
}

// The learning rate falls as CleanRL anneals it: LR·(1 − (i−1)/K) in
// iteration i of K = AnnealSteps/Batch, then stays at its last value.
func TestAnnealing(t *testing.T) {
	c := DefaultConfig(PPO, true) // 2.5e-4, batch 512
	c.AnnealSteps = 4 * 512
	for i, want := range []float64{2.5e-4, 2.5e-4 * 0.75, 2.5e-4 * 0.5, 2.5e-4 * 0.25, 2.5e-4 * 0.25} {
		if got := c.lrAt(i + 1); !near(got, want, 1e-15) {
			t.Errorf("iteration %d: %v, want %v", i+1, got, want)
		}
	}
	c.AnnealLR = false
	if c.lrAt(3) != 2.5e-4 {
		t.Error("no annealing changed the rate")
	}
}

// Update runs Epochs × Minibatches gradient steps (CleanRL's loop, the
// last minibatch taking the rest) and Evaluate gives probabilities that
// sum to 1; A2C takes one step per rollout.
func TestUpdateSteps(t *testing.T) {
	for _, tc := range []struct {
		algo               Algo
		envs, steps, mb, e int
		want               int
	}{
		{PPO, 2, 4, 2, 3, 6}, // 8 in 2 of 4, 3 epochs
		{PPO, 3, 3, 2, 2, 6}, // 9 in minibatches of 4: 4, 4, 1 → 3 per epoch
		{A2C, 3, 5, 0, 0, 1},
	} {
		c := smallConfig(tc.algo, true)
		c.NumEnvs, c.NumSteps, c.NormAdv = tc.envs, tc.steps, false
		if tc.algo == PPO {
			c.Minibatches, c.Epochs = tc.mb, tc.e
		}
		a, err := New(c, 3, 2, true, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, 3))
		r := randomRollout(t, a, rng, []float64{0}, []float64{0})
		st := a.Update(r, rng)
		if st.Minibatches != tc.want || a.Updates() != tc.want || a.Iterations() != 1 {
			t.Errorf("%v %d×%d: %d gradient steps, want %d", tc.algo, tc.envs, tc.steps, st.Minibatches, tc.want)
		}
	}
	a, _ := New(smallConfig(PPO, true), 3, 4, true, rand.New(rand.NewPCG(1, 1)))
	obs := []float64{0.1, 0.2, 0.3, -1, 0, 1}
	v, p := make([]float64, 2), make([]float64, 8)
	a.Evaluate(v, p, obs, 2)
	for r := 0; r < 2; r++ {
		s := p[4*r] + p[4*r+1] + p[4*r+2] + p[4*r+3]
		if !near(s, 1, 1e-15) {
			t.Errorf("probabilities of row %d sum to %v", r, s)
		}
	}
}

// A target KL of almost 0 stops after the first epoch; the first
// minibatch's ratios are exactly 1 (the policy has not moved yet).
func TestTargetKL(t *testing.T) {
	c := smallConfig(PPO, true)
	c.Epochs, c.TargetKL = 5, 1e-12
	a, _ := New(c, 3, 2, true, rand.New(rand.NewPCG(1, 1)))
	rng := rand.New(rand.NewPCG(5, 5))
	r := randomRollout(t, a, rng, []float64{0}, []float64{0})
	idx := []int{0, 1, 2, 3}
	if p := a.lossGrad(r, idx); p.approxKL != 0 || p.clipFrac != 0 {
		t.Errorf("fresh policy: approximate KL %v, clip fraction %v, want 0", p.approxKL, p.clipFrac)
	}
	if st := a.Update(r, rng); st.Epochs != 1 || st.Minibatches != 2 {
		t.Errorf("ran %d epochs, %d steps; want 1 and 2", st.Epochs, st.Minibatches)
	}
}

// Orthogonal initialisation: CleanRL's gains, and a policy whose first
// logits are nearly uniform (output gain 0.01).
func TestInitialisation(t *testing.T) {
	c := DefaultConfig(PPO, true)
	a, err := New(c, 4, 2, true, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	w, b := a.actor.Layer(2)
	s := 0.0
	for _, x := range w[:64] {
		s += x * x
	}
	if !near(math.Sqrt(s), 0.01, 1e-12) || b[0] != 0 {
		t.Errorf("policy output row norm %v, bias %v", math.Sqrt(s), b[0])
	}
	w, _ = a.critic.Layer(0) // 64×4: orthonormal columns times √2
	s = 0
	for i := 0; i < 64; i++ {
		s += w[i*4] * w[i*4]
	}
	if !near(s, 2, 1e-12) {
		t.Errorf("value first layer column norm² %v, want 2", s)
	}
}
