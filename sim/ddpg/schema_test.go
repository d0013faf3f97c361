package ddpg

import (
	"reflect"
	"testing"

	"bellman/sim/control"
	"bellman/sim/param"
)

// The schema's defaults build DefaultConfig, and SchemaFor's build
// DefaultConfigFor; keys are unique and each default lies in its range.
func TestSchemaDefaults(t *testing.T) {
	for _, algo := range []Algo{DDPG, TD3} {
		for _, env := range append(control.Names(), "") {
			sc, d := SchemaFor(algo, env), DefaultConfigFor(algo, env)
			if env == "" {
				sc, d = Schema(algo), DefaultConfig(algo)
			}
			seen := map[string]bool{}
			for _, s := range sc {
				if seen[s.Key] {
					t.Errorf("%v %s: duplicate key %q", algo, env, s.Key)
				}
				seen[s.Key] = true
				if s.Clamp(s.Default) != s.Default {
					t.Errorf("%v %s: %s default %v is out of its range", algo, env, s.Key, s.Default)
				}
			}
			c, err := ConfigFromValuesFor(algo, env, sc.Defaults())
			if env == "" {
				c, err = ConfigFromValues(algo, sc.Defaults())
			}
			if err != nil {
				t.Fatalf("%v %s: %v", algo, env, err)
			}
			if !reflect.DeepEqual(c, d) {
				t.Errorf("%v %s: defaults give\n%+v\nthe default config is\n%+v", algo, env, c, d)
			}
			if err := d.Validate(); err != nil {
				t.Errorf("%v %s: %v", algo, env, err)
			}
			_, hasDelay := sc.Find("policy_delay")
			if hasDelay != (algo == TD3) {
				t.Errorf("%v %s: policy_delay declared = %v", algo, env, hasDelay)
			}
		}
	}
}

// Each environment's defaults differ from Pendulum's exactly as
// DefaultConfigFor's table says; missing keys of ConfigFromValuesFor take
// the environment's defaults.
func TestDefaultsPerEnv(t *testing.T) {
	ou := float64(OrnsteinUhlen)
	for _, c := range []struct {
		env  string
		algo Algo
		want param.Values // the keys whose defaults differ from Schema(algo)'s
	}{
		{"pendulum", DDPG, param.Values{}},
		{"pendulum", TD3, param.Values{}},
		{"mountaincar", DDPG, param.Values{"noise": ou, "noise_sigma": 0.5, "ou_dt": 0.1}},
		{"mountaincar", TD3, param.Values{"noise": ou, "noise_sigma": 0.5, "ou_dt": 0.1}},
		{"cartpole", DDPG, param.Values{"gamma": 0.995, "tau": 0.02}},
		{"cartpole", TD3, param.Values{"gamma": 0.995, "tau": 0.04}},
		{" CartPole ", TD3, param.Values{"gamma": 0.995, "tau": 0.04}},
		{"pointmass", DDPG, param.Values{}},
		{"pointmass", TD3, param.Values{"tau": 0.01}},
		{"cartpole-discrete", DDPG, param.Values{}},
		{"moon", TD3, param.Values{}},
	} {
		base := Schema(c.algo).Defaults()
		got := SchemaFor(c.algo, c.env).Defaults()
		for k, v := range got {
			want, tuned := c.want[k]
			if !tuned {
				want = base[k]
			}
			if v != want {
				t.Errorf("%s %v: %s default %v, want %v", c.env, c.algo, k, v, want)
			}
		}
		if len(got) != len(base) {
			t.Errorf("%s %v: %d keys, Schema has %d", c.env, c.algo, len(got), len(base))
		}
		cfg, err := ConfigFromValuesFor(c.algo, c.env, param.Values{"gamma": 0.9})
		if err != nil || cfg.Gamma != 0.9 {
			t.Fatalf("%s %v: γ 0.9 gives %v, %v", c.env, c.algo, cfg.Gamma, err)
		}
		d := DefaultConfigFor(c.algo, c.env)
		if cfg.Gamma = d.Gamma; !reflect.DeepEqual(cfg, d) {
			t.Errorf("%s %v: one key given, the others are\n%+v\nnot the defaults\n%+v", c.env, c.algo, cfg, d)
		}
	}
}

// Values are applied to the right fields; unknown keys and values out of
// range are errors.
func TestConfigFromValues(t *testing.T) {
	c, err := ConfigFromValues(TD3, param.Values{"gamma": 0.95, "batch": 128, "critic.hidden": 32,
		"critic.layers": 3, "actor.lr": 3e-4, "noise": 1, "policy_delay": 3, "target_clip": 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if c.Gamma != 0.95 || c.Batch != 128 || !reflect.DeepEqual(c.Critic.Sizes, []int{1, 32, 32, 32, 1}) ||
		c.ActorOptim.LR != 3e-4 || c.CriticOptim.LR != 1e-3 || c.Noise != OrnsteinUhlen || c.PolicyDelay != 3 || c.TargetClip != 0.25 {
		t.Errorf("got %+v", c)
	}
	for _, v := range []param.Values{{"gamma": 2}, {"batch": 0}, {"nope": 1}, {"policy_delay": 2}, {"actor.hidden": 0}} {
		algo := DDPG
		if _, err := ConfigFromValues(algo, v); err == nil {
			t.Errorf("%v: no error", v)
		}
	}
}
