package agent_test

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/param"
)

// Every agent has a schema whose defaults build a valid configuration equal
// to DefaultConfig, and whose keys are the ones the issue names.
func TestSchemas(t *testing.T) {
	want := map[string]string{
		"mc-basic":             "episodes gamma",
		"mc-es":                "alpha alpha-schedule gamma q0 visit",
		"mc-egreedy":           "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma q0 visit",
		"sarsa":                "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma q0",
		"expected-sarsa":       "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma q0",
		"nstep-sarsa":          "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma n q0",
		"qlearning":            "alpha alpha-schedule behaviour epsilon epsilon-decay epsilon-min gamma q0",
		"sarsa-lambda":         "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma lambda q0 trace",
		"q-lambda":             "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma lambda q0 trace",
		"dyna-q":               "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma planning q0",
		"prioritized-sweeping": "alpha alpha-schedule epsilon epsilon-decay epsilon-min gamma planning q0 theta",
	}
	if len(agent.Names()) != len(want) {
		t.Errorf("agents %v", agent.Names())
	}
	for _, name := range agent.Names() {
		sc, err := agent.Schema(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(sc.Keys(), " "); got != want[name] {
			t.Errorf("%s: keys %q, want %q", name, got, want[name])
		}
		if sc[0].Key != "gamma" {
			t.Errorf("%s: first key %q", name, sc[0].Key)
		}
		c, err := agent.ConfigFromValues(name, sc.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		if c != agent.DefaultConfig(name) {
			t.Errorf("%s: schema defaults %+v, DefaultConfig %+v", name, c, agent.DefaultConfig(name))
		}
		for _, s := range sc {
			if s.Label == "" || s.Help == "" || !(s.Min <= s.Default && s.Default <= s.Max || s.Kind == param.Choice) {
				t.Errorf("%s: spec %+v", name, s)
			}
		}
	}
	if c := agent.DefaultConfig("mc-basic"); c.Schedule != agent.OneOverK {
		t.Error("MC Basic does not default to sample means")
	}
}

func TestSchemaSet(t *testing.T) {
	sc, _ := agent.Schema("sarsa-lambda")
	v := param.Values{}
	for _, s := range []string{"trace=replacing", "alpha-schedule=1/k", "lambda=0.5"} {
		if err := sc.Set(v, s); err != nil {
			t.Fatal(err)
		}
	}
	c, err := agent.ConfigFromValues("sarsa-lambda", v)
	if err != nil {
		t.Fatal(err)
	}
	if c.Trace != agent.Replacing || c.Schedule != agent.OneOverK || c.Lambda != 0.5 {
		t.Errorf("config %+v", c)
	}
	if err := sc.Set(v, "planning=3"); err == nil || !strings.Contains(err.Error(), "valid: alpha, alpha-schedule") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestBadConfigs(t *testing.T) {
	m := build(t, zhao5x5)
	for _, tc := range []struct {
		mod  func(*agent.Config)
		want string
	}{
		{func(c *agent.Config) { c.Gamma = 1 }, "gamma 1"},
		{func(c *agent.Config) { c.Alpha = 0 }, "alpha 0"},
		{func(c *agent.Config) { c.Epsilon = math.NaN() }, "epsilon NaN"},
		{func(c *agent.Config) { c.N = 0 }, "n 0"},
		{func(c *agent.Config) { c.Lambda = 2 }, "lambda 2"},
		{func(c *agent.Config) { c.Planning = -1 }, "planning -1"},
		{func(c *agent.Config) { c.Theta = math.Inf(1) }, "theta"},
		{func(c *agent.Config) { c.EpsilonDecay = 0 }, "epsilon decay"},
		{func(c *agent.Config) { c.Trace = 7 }, "trace kind"},
	} {
		c := agent.DefaultConfig("sarsa")
		tc.mod(&c)
		if _, err := agent.New("sarsa", m.Model, c, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", c, err, tc.want)
		}
	}
	if _, err := agent.New("td-gammon", m.Model, agent.DefaultConfig(""), nil); err == nil || !strings.Contains(err.Error(), "valid: mc-basic") {
		t.Errorf("unknown agent: %v", err)
	}
	c := agent.DefaultConfig("prioritized-sweeping")
	c.Planning = 0
	_, ag := agent.Streams(1)
	if _, err := agent.New("prioritized-sweeping", m.Model, c, ag); err == nil {
		t.Error("prioritized sweeping without planning accepted")
	}
}

// ε decays per episode to its floor; SetConfig restarts it.
func TestEpsilonDecay(t *testing.T) {
	m := build(t, zhao5x5)
	c := config(t, "sarsa", "epsilon=0.5", "epsilon-decay=0.9", "epsilon-min=0.3")
	r := runner(t, m, "sarsa", c, -1, 1, 1)
	want := []float64{0.5, 0.45, 0.405, 0.3645, 0.32805, 0.3, 0.3}
	for i, w := range want {
		r.Step()
		if e := r.Agent.Epsilon(); !near(e, w, 1e-12) {
			t.Errorf("episode %d: ε %v, want %v", i+1, e, w)
		}
	}
	c.Epsilon = 0.2
	if err := r.Agent.SetConfig(c); err != nil {
		t.Fatal(err)
	}
	if e := r.Agent.Epsilon(); e != 0.2 {
		t.Errorf("after SetConfig ε %v", e)
	}
	// A minimum above ε does not raise it.
	r.Step()
	if e := r.Agent.Epsilon(); e != 0.2 {
		t.Errorf("ε %v after an episode with minimum 0.3, want it kept at 0.2", e)
	}
}

// Switching a λ-agent to α = 1/k in the middle of an episode keeps every
// value finite: the visits were counted all along.
func TestScheduleSwitchMidEpisode(t *testing.T) {
	m := build(t, zhao5x5)
	for _, name := range []string{"sarsa-lambda", "q-lambda", "sarsa", "dyna-q"} {
		var sets []string
		if strings.HasSuffix(name, "lambda") {
			sets = []string{"lambda=0.9"}
		}
		c := config(t, name, sets...)
		r := runner(t, m, name, c, -1, 100, 2)
		for i := 0; i < 50; i++ {
			r.Step()
		}
		c.Schedule = agent.OneOverK
		if err := r.Agent.SetConfig(c); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			r.Step()
		}
		for i, q := range r.Agent.ActionValues(make([]float64, m.S*m.A)) {
			if math.IsNaN(q) || math.IsInf(q, 0) {
				t.Fatalf("%s: q[%d] = %v after switching to 1/k", name, i, q)
			}
		}
	}
}
