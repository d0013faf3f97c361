package nn

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// After one Adam step on gradient g the state is PyTorch's: step 1,
// exp_avg = (1−β₁)g and exp_avg_sq = (1−β₂)g²; an optimizer restored from
// it takes the same next step as the original.
func TestOptimizerState(t *testing.T) {
	for _, cfg := range []OptimConfig{
		DefaultOptimConfig(),
		{Kind: KindAdamW, LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-8, AMSGrad: true, WeightDecay: 0.01},
		{Kind: KindSGD, LR: 0.1, Momentum: 0.9},
	} {
		o, err := NewOptimizer(cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		p, g := []float64{1, -1}, []float64{0.5, -2}
		o.Step(p, append([]float64(nil), g...))
		s, err := OptimizerState(o)
		if err != nil {
			t.Fatal(err)
		}
		if s.Steps != 1 || s.Kind != cfg.Kind {
			t.Errorf("%v: state %+v", cfg.Kind, s)
		}
		if cfg.Kind != KindSGD {
			b1, b2 := cfg.Beta1, cfg.Beta2
			wantM := []float64{(1 - b1) * 0.5, (1 - b1) * -2}
			wantV := []float64{(1 - b2) * 0.25, (1 - b2) * 4}
			for i := range wantM {
				if !near(s.M[i], wantM[i], 1e-15) || !near(s.V[i], wantV[i], 1e-15) {
					t.Errorf("%v: m %v v %v, want %v %v", cfg.Kind, s.M, s.V, wantM, wantV)
				}
			}
		} else if !reflect.DeepEqual(s.Buf, g) { // torch: the first momentum buffer is the gradient
			t.Errorf("sgd: momentum %v, want %v", s.Buf, g)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back OptimState
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		r, _ := NewOptimizer(cfg, 2)
		if err := SetOptimizerState(r, "optimizer", back); err != nil {
			t.Fatal(err)
		}
		q := append([]float64(nil), p...)
		o.Step(p, []float64{0.1, 0.3})
		r.Step(q, []float64{0.1, 0.3})
		if !reflect.DeepEqual(p, q) {
			t.Errorf("%v: restored step %v, original %v", cfg.Kind, q, p)
		}
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

// A state of another kind or size is refused, naming it, and changes
// nothing.
func TestOptimizerStateRefused(t *testing.T) {
	o, _ := NewOptimizer(DefaultOptimConfig(), 3)
	o.Step([]float64{1, 2, 3}, []float64{1, 1, 1})
	before, _ := OptimizerState(o)
	for _, c := range []struct {
		s    OptimState
		want string
	}{
		{OptimState{Kind: KindSGD}, "critic is sgd, the setup builds adam"},
		{OptimState{Kind: KindAdam, M: make([]float64, 2), V: make([]float64, 3)}, "critic m has 2 values, the setup needs 3"},
		{OptimState{Kind: KindAdam, M: make([]float64, 3), V: []float64{0, -1, 0}}, "critic v[1] = -1 is negative"},
		{OptimState{Kind: KindAdam, Steps: -1}, "critic has -1 steps"},
	} {
		if err := SetOptimizerState(o, "critic", c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
	if after, _ := OptimizerState(o); !reflect.DeepEqual(before, after) {
		t.Error("a refused state changed the optimizer")
	}
	var k OptimKind
	if err := json.Unmarshal([]byte(`"rmsprop"`), &k); err == nil {
		t.Error("unknown optimizer name accepted")
	}
}

// A network's state restores its outputs exactly; other sizes are refused.
func TestNetState(t *testing.T) {
	cfg := DefaultConfig(3, 2)
	cfg.Sizes = []int{3, 8, 2}
	a, _ := New(cfg, rand.New(rand.NewPCG(1, 2)))
	b, _ := New(cfg, rand.New(rand.NewPCG(3, 4)))
	if err := b.SetState("actor", a.State()); err != nil {
		t.Fatal(err)
	}
	x := []float64{0.1, -0.2, 0.3}
	if !reflect.DeepEqual(a.Forward(x, 1), b.Forward(x, 1)) {
		t.Error("restored network computes other outputs")
	}
	cfg.Sizes = []int{3, 9, 2}
	c, _ := New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err := c.SetState("actor", a.State()); err == nil || err.Error() != "actor has layer sizes [3 8 2], the setup builds [3 9 2]" {
		t.Errorf("other sizes: %v", err)
	}
}
