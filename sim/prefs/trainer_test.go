package prefs_test

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/prefs"
)

func TestMethodsAndConfig(t *testing.T) {
	for i, m := range prefs.Methods {
		got, err := prefs.ParseMethod(m.Key)
		if err != nil || int(got) != i || got.String() != m.Key {
			t.Errorf("%s: parsed %v, %v", m.Key, got, err)
		}
	}
	if _, err := prefs.ParseMethod("ppo"); err == nil || !strings.Contains(err.Error(), "reward-model") {
		t.Errorf("unknown method: %v", err)
	}
	if err := prefs.DefaultConfig().Validate(); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		edit func(*prefs.Config)
		want string
	}{
		{func(c *prefs.Config) { c.Beta = 0 }, "beta 0"},
		{func(c *prefs.Config) { c.Lambda = 0 }, "l2 coefficient 0"},
		{func(c *prefs.Config) { c.LR = 2 }, "learning rate 2"},
		{func(c *prefs.Config) { c.Features = " " }, "no features"},
	} {
		cfg := prefs.DefaultConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.want, err)
		}
	}
}

// A person's labels have no known scale: no target, NaN objectives, but
// both routes still fit them. A β change replans RLHF at once.
func TestTrainerPersonAndBeta(t *testing.T) {
	g := build(t, zhao5x5)
	sim := generate(t, g, nil, prefs.Judge{Kind: prefs.Noiseless}, 100, 10, 4)
	l := prefs.NewLabels(g, 0.9, prefs.Judge{Kind: prefs.Person}, nil)
	for _, p := range sim.Pairs {
		if p.P != 0.5 {
			l.Add(p, true)
		}
	}
	tr, err := prefs.NewTrainer(g, l, -1, prefs.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if tr.HasTarget || !math.IsNaN(tr.Target.J) || tr.TargetAdvantage(make([]float64, g.S*g.A)) != nil {
		t.Errorf("a person's labels have a target: %v", tr.Target)
	}
	if ok, err := tr.FitReward(50); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := tr.FitDPO(100); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if !math.IsNaN(tr.RLHF.Objective) || !(tr.RLHF.J > tr.RefScore.J+3) || !(tr.DPOScore.J > tr.RefScore.J+3) {
		t.Errorf("RLHF %v, DPO %v, π_ref %v", tr.RLHF, tr.DPOScore, tr.RefScore)
	}
	before := tr.RLHF.KL
	if err := tr.SetBeta(100); err != nil {
		t.Fatal(err)
	}
	if !(tr.RLHF.KL < before/100) {
		t.Errorf("β 100: KL %v, at β 1 %v", tr.RLHF.KL, before)
	}
	if err := tr.SetBeta(-1); err == nil {
		t.Error("β −1 accepted")
	}
}

// A linear reward model on Zhao's polynomial features and a partly
// trained (non-uniform) reference; errors for what cannot be fitted.
func TestTrainerFeaturesReferenceAndErrors(t *testing.T) {
	g := build(t, zhao5x5)
	ref := make([]float64, g.S*g.A)
	for s := 0; s < g.S; s++ {
		copy(ref[s*g.A:], []float64{0.1, 0.3, 0.3, 0.1, 0.2})
	}
	l := generate(t, g, ref, prefs.Judge{Kind: prefs.Expected, Beta: 1}, 300, 30, 5)
	cfg := prefs.DefaultConfig()
	cfg.Features = "poly2"
	tr, err := prefs.NewTrainer(g, l, -1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := tr.FitReward(50); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if len(tr.Reward.W) != 6*g.A {
		t.Errorf("%d weights, want 6 per action", len(tr.Reward.W))
	}
	// Six features per action cannot express zhao-5x5's reward: the
	// policy improves on π_ref but stays short of the tabular model's.
	tab, _ := prefs.NewTrainer(g, l, -1, prefs.DefaultConfig())
	tab.FitReward(50)
	if !(tr.RLHF.J > tr.RefScore.J && tr.RLHF.J < tab.RLHF.J) {
		t.Errorf("poly2 J %v, π_ref %v, tabular %v", tr.RLHF.J, tr.RefScore.J, tab.RLHF.J)
	}
	if math.Abs(tab.RLHF.J-tab.Target.J) > 0.05 {
		t.Errorf("tabular J %v, target %v", tab.RLHF.J, tab.Target.J)
	}

	empty := prefs.NewLabels(g, 0.9, prefs.Judge{Kind: prefs.Person}, nil)
	et, err := prefs.NewTrainer(g, empty, -1, prefs.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := et.FitReward(5); err == nil {
		t.Error("fitted no labels")
	}
	if et.StepReward() != nil || et.StepDPO() != nil || et.RLHF.J != et.RefScore.J {
		t.Error("a step without labels did something")
	}
	cfg = prefs.DefaultConfig()
	cfg.Features = "tiles"
	if _, err := prefs.NewTrainer(g, l, -1, cfg); err == nil || !strings.Contains(err.Error(), "not a preset") {
		t.Errorf("unknown features: %v", err)
	}
	zero := prefs.NewLabels(g, 0.9, prefs.Judge{Kind: prefs.Person}, append([]float64(nil), ref...))
	zero.Reference[0], zero.Reference[1] = 0, 0.4
	if _, err := prefs.NewTrainer(g, zero, -1, prefs.DefaultConfig()); err == nil || !strings.Contains(err.Error(), "every action possible") {
		t.Errorf("reference with a zero: %v", err)
	}
	other := build(t, cliff4x12)
	if _, err := prefs.NewTrainer(other, l, -1, prefs.DefaultConfig()); err == nil || !strings.Contains(err.Error(), "for world") {
		t.Errorf("another world: %v", err)
	}
}
