package pg_test

import (
	"strings"
	"testing"

	"bellman/sim/param"
	"bellman/sim/pg"
)

// Each schema's defaults are its method's Default, and its keys are the
// ones the method reads.
func TestSchemaDefaults(t *testing.T) {
	for i, name := range pg.Names() {
		m, err := pg.ParseMethod(name)
		if err != nil || int(m) != i || m.String() != name {
			t.Fatalf("ParseMethod(%q) = %v, %v", name, m, err)
		}
		sc := pg.Schema(m)
		c, err := pg.ConfigFromValues(m, sc.Defaults())
		if err != nil || c != pg.Default(m) {
			t.Errorf("%s: schema defaults give %+v (%v), Default %+v", name, c, err, pg.Default(m))
		}
		keys := " " + strings.Join(sc.Keys(), " ") + " "
		has := func(k string) bool { return strings.Contains(keys, " "+k+" ") }
		if has(pg.KeyAlphaW) != (m != pg.Reinforce) || has(pg.KeyBaseline) != (m == pg.ReinforceBaseline) ||
			has(pg.KeyMix) != (m == pg.OffPolicyAC) || !has(pg.KeyGamma) || !has(pg.KeyAlpha) || !has(pg.KeyGammaT) || !has(pg.KeyEntropy) {
			t.Errorf("%s: keys%s", name, keys)
		}
		for _, s := range sc {
			inRange := s.Default >= s.Min && s.Default <= s.Max
			if s.Kind == param.Bool || s.Kind == param.Choice {
				inRange = s.Clamp(s.Default) == s.Default
			}
			if s.Help == "" || s.Label == "" || !inRange {
				t.Errorf("%s: spec %+v", name, s)
			}
		}
	}
	if _, err := pg.ParseMethod("ppo"); err == nil || !strings.Contains(err.Error(), "valid: reinforce, reinforce-baseline, qac, a2c, offpolicy-ac") {
		t.Errorf("unknown method: %v", err)
	}
	// γᵗ weighting is on for REINFORCE (the unbiased estimate) and off for
	// the actor-critics (as Zhao writes them).
	if !pg.Default(pg.Reinforce).GammaT || !pg.Default(pg.ReinforceBaseline).GammaT || pg.Default(pg.A2C).GammaT {
		t.Error("γᵗ defaults")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		change func(*pg.Config)
		want   string
	}{
		{func(c *pg.Config) { c.Gamma = 1 }, "gamma 1 is outside [0, 1)"},
		{func(c *pg.Config) { c.Alpha = -0.1 }, "alpha -0.1"},
		{func(c *pg.Config) { c.AlphaW = 0 }, "alpha-w 0"},
		{func(c *pg.Config) { c.Baseline = 7 }, "unknown baseline"},
		{func(c *pg.Config) { c.Mix = 0 }, "behaviour-mix 0"},
		{func(c *pg.Config) { c.Entropy = -1 }, "entropy -1"},
		{func(c *pg.Config) { c.Method = 9 }, "unknown policy-gradient method"},
	} {
		c := pg.Default(pg.A2C)
		tc.change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want %q", err, tc.want)
		}
	}
	if err := pg.Default(pg.A2C).Validate(); err != nil {
		t.Error(err)
	}
	c := pg.Default(pg.Reinforce)
	c.Alpha = 0 // frozen: allowed
	if err := c.Validate(); err != nil {
		t.Errorf("α = 0 rejected: %v", err)
	}
	if _, err := pg.NewAgent(3, 2, c, nil); err == nil {
		t.Error("an agent without a random stream")
	}
}

// A new γ reaches the optimum and the exact evaluation; the method cannot
// change.
func TestTrainerSetConfig(t *testing.T) {
	m := build(t, zhao5x5).Model
	tr, err := pg.NewTrainer(m, pg.Default(pg.A2C), -1, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := pg.Default(pg.A2C)
	c.Gamma = 0.5
	if err := tr.SetConfig(c); err != nil || tr.Opt.Gamma != 0.5 || tr.Exact.Gamma != 0.5 || tr.Agent.Config().Gamma != 0.5 {
		t.Errorf("SetConfig(γ 0.5): %v; optimum γ %v, exact γ %v", err, tr.Opt.Gamma, tr.Exact.Gamma)
	}
	if err := tr.SetConfig(pg.Default(pg.QAC)); err == nil {
		t.Error("an A2C trainer became QAC")
	}
	c.Gamma = 1
	if err := tr.SetConfig(c); err == nil || tr.Agent.Config().Gamma != 0.5 {
		t.Errorf("γ 1 accepted: %v", err)
	}
}
