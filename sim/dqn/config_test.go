package dqn

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/param"
)

// CleanRL's linear_schedule(start_e=1, end_e=0.05, duration=0.5·10,000, t)
// = max(slope·t + 1, 0.05) with slope = (0.05 − 1)/5,000, by hand.
func TestEpsilonSchedule(t *testing.T) {
	c := DefaultConfig(DQN)
	c.EpsStart, c.EpsEnd, c.ExplorationFraction, c.TotalSteps = 1, 0.05, 0.5, 10_000
	for _, tc := range []struct {
		t    int
		want float64
	}{{0, 1}, {1000, 0.81}, {2500, 0.525}, {4999, 0.05019}, {5000, 0.05}, {7000, 0.05}} {
		if got := c.Epsilon(tc.t); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ε(%d) = %v, want %v", tc.t, got, tc.want)
		}
	}
	c.ExplorationFraction = 0 // no decay: the end value at once
	if got := c.Epsilon(0); got != 0.05 {
		t.Errorf("ε(0) without decay = %v, want 0.05", got)
	}
	g := DefaultConfigFor(DQN, GridEnv) // the book's uniform behaviour policy
	for _, s := range []int{0, 100, 1_000_000} {
		if got := g.Epsilon(s); got != 1 {
			t.Errorf("grid ε(%d) = %v, want 1", s, got)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"gamma", func(c *Config) { c.Gamma = 1.5 }, "discount"},
		{"nan gamma", func(c *Config) { c.Gamma = math.NaN() }, "discount"},
		{"loss", func(c *Config) { c.Loss = 7 }, "loss"},
		{"huber", func(c *Config) { c.HuberDelta = 0 }, "Huber"},
		{"batch", func(c *Config) { c.Batch = 0 }, "batch"},
		{"buffer", func(c *Config) { c.BufferSize = 10 }, "buffer"},
		{"starts", func(c *Config) { c.LearningStarts = -1 }, "learning starts"},
		{"frequency", func(c *Config) { c.TrainFrequency = 0 }, "train frequency"},
		{"gradient steps", func(c *Config) { c.GradientSteps = MaxGradientSteps + 1 }, "gradient steps"},
		{"target", func(c *Config) { c.TargetEvery = 0 }, "target"},
		{"tau", func(c *Config) { c.Tau = 0 }, "τ"},
		{"eps", func(c *Config) { c.EpsEnd = 1.1 }, "ε"},
		{"fraction", func(c *Config) { c.ExplorationFraction = -0.1 }, "fraction"},
		{"total", func(c *Config) { c.TotalSteps = 0 }, "total steps"},
		{"net", func(c *Config) { c.Net.Sizes = []int{1, 0, 1} }, "Q-network"},
		{"optim", func(c *Config) { c.Optim.LR = -1 }, "Q-network"},
	} {
		c := DefaultConfig(DQN)
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: Validate() = %v, want one line about %q", tc.name, err, tc.want)
		}
	}
	for _, env := range []string{"cartpole-discrete", GridEnv, "acrobot"} {
		if err := DefaultConfigFor(DQN, env).Validate(); err != nil {
			t.Errorf("%s defaults: %v", env, err)
		}
	}
}

// The schema's defaults are the configuration's, for every environment,
// and every key changes the field it names.
func TestSchemaRoundTrip(t *testing.T) {
	for m := range numMethods {
		for _, env := range []string{"cartpole-discrete", GridEnv, "mountaincar-discrete"} {
			got, err := ConfigFromValuesFor(m, env, SchemaFor(m, env).Defaults())
			if err != nil {
				t.Fatal(err)
			}
			if want := DefaultConfigFor(m, env); !reflect.DeepEqual(got, want) {
				t.Errorf("%v on %s: ConfigFromValuesFor(defaults) = %+v, want %+v", m, env, got, want)
			}
			if got.Double != (m != DQN) || got.Dueling != (m == DuelingDQN) {
				t.Errorf("%v: Double %v, Dueling %v", m, got.Double, got.Dueling)
			}
		}
		if p, err := ParseMethod(" " + strings.ToUpper(m.String())); err != nil || p != m {
			t.Errorf("ParseMethod(%v) = %v, %v", m, p, err)
		}
	}
	if _, err := ParseMethod("dq"); err == nil || !strings.Contains(err.Error(), "double-dqn") {
		t.Errorf("ParseMethod(dq): %v, want the valid names", err)
	}
	c, err := ConfigFromValues(DQN, param.Values{"gamma": 0.5, "loss": 1, "double": 0, "dueling": 1, "target_every": 7,
		"tau": 0.1, "eps_end": 0.2, "total_steps": 1234, "gradient_steps": 3, "train_frequency": 4,
		"q.hidden": 32, "q.layers": 3, "q.lr": 0.01, "q.max_grad_norm": 0.5, "learning_starts": 10})
	if err != nil {
		t.Fatal(err)
	}
	if c.Gamma != 0.5 || c.Loss != Huber || c.Double || !c.Dueling || c.TargetEvery != 7 || c.Tau != 0.1 ||
		c.EpsEnd != 0.2 || c.TotalSteps != 1234 || c.GradientSteps != 3 || c.TrainFrequency != 4 ||
		!reflect.DeepEqual(c.Net.Sizes, []int{1, 32, 32, 32, 1}) || c.Optim.LR != 0.01 || c.Optim.MaxGradNorm != 0.5 ||
		c.LearningStarts != 10 {
		t.Errorf("ConfigFromValues = %+v", c)
	}
	if _, err := ConfigFromValues(DQN, param.Values{"gama": 0.5}); err == nil || !strings.Contains(err.Error(), "gama") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := ConfigFromValues(DQN, param.Values{"batch": 0}); err == nil || !strings.Contains(err.Error(), "batch") {
		t.Errorf("out of range: %v", err)
	}
	if s, _ := SchemaFor(DQN, GridEnv).Find("q.hidden"); s.Default != 100 {
		t.Errorf("grid schema q.hidden default %v, want 100", s.Default)
	}
}

// Every spec is well formed: its default within its range, a label and
// help text, a positive minimum on a log scale, no key twice.
func TestSchemaSpecs(t *testing.T) {
	for m := range numMethods {
		for _, env := range []string{"cartpole-discrete", GridEnv} {
			seen := map[string]bool{}
			for _, s := range SchemaFor(m, env) {
				if seen[s.Key] {
					t.Errorf("%s: key twice", s.Key)
				}
				seen[s.Key] = true
				if s.Clamp(s.Default) != s.Default || s.Label == "" || s.Help == "" || (s.Log && !(s.Min > 0)) {
					t.Errorf("%v %s: spec %+v", m, env, s)
				}
			}
		}
	}
}
