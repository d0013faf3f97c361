package ddpg

import (
	"reflect"
	"testing"

	"bellman/sim/param"
)

// The schema's defaults build DefaultConfig; its keys are unique and each
// default lies in its range.
func TestSchemaDefaults(t *testing.T) {
	for _, algo := range []Algo{DDPG, TD3} {
		sc := Schema(algo)
		seen := map[string]bool{}
		for _, s := range sc {
			if seen[s.Key] {
				t.Errorf("%v: duplicate key %q", algo, s.Key)
			}
			seen[s.Key] = true
			if s.Clamp(s.Default) != s.Default {
				t.Errorf("%v: %s default %v is out of its range", algo, s.Key, s.Default)
			}
		}
		c, err := ConfigFromValues(algo, sc.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		if d := DefaultConfig(algo); !reflect.DeepEqual(c, d) {
			t.Errorf("%v: defaults give\n%+v\nDefaultConfig is\n%+v", algo, c, d)
		}
		_, hasDelay := sc.Find("policy_delay")
		if hasDelay != (algo == TD3) {
			t.Errorf("%v: policy_delay declared = %v", algo, hasDelay)
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
