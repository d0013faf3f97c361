package session

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

func ppoBytes(t testing.TB, p *PPO) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PPO and A2C, saved mid-rollout (with observation and reward
// normalisation on pendulum, several environments, an annealed learning
// rate) and loaded, continue bit for bit.
func TestPPOSaveContinuesExactly(t *testing.T) {
	for _, c := range []struct {
		env, agent string
		sets       map[string]float64
	}{
		{"cartpole-discrete", "ppo", map[string]float64{"num_envs": 2}},
		{"pendulum", "ppo", map[string]float64{"norm_obs": 1, "norm_reward": 1, "anneal_lr": 1}},
		{"acrobot", "a2c", nil},
		{"pointmass", "a2c", map[string]float64{"num_envs": 3}},
	} {
		t.Run(c.env+"/"+c.agent, func(t *testing.T) {
			const N, M = 205, 301 // updates every 32 steps of each environment: N is mid-rollout
			straight := newPPO(t, c.env, c.agent, 5)
			shortRollouts(t, straight)
			if _, err := straight.Set("hidden", 16); err != nil { // small networks: a fast test
				t.Fatal(err)
			}
			for k, v := range c.sets {
				if _, err := straight.Set(k, v); err != nil {
					t.Fatal(err)
				}
			}
			straight.HeatmapEvery = 64
			for range N {
				straight.Step()
			}
			file := ppoBytes(t, straight)
			for range M {
				straight.Step()
			}
			resumed, err := OpenPPO(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			for range M {
				resumed.Step()
			}
			if d := firstDiff(ppoBytes(t, straight), ppoBytes(t, resumed)); d != "" {
				t.Errorf("save files differ after %d more steps: %s", M, d)
			}
			var sa, sb PPOSnapshot
			straight.Snapshot(&sa)
			resumed.Snapshot(&sb)
			sb.Version = sa.Version
			normalizeNaN(&sa, &sb)
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("snapshots differ after %d more steps", M)
			}
		})
	}
}

// normalizeNaN zeroes the float fields that are NaN in both snapshots
// (DeepEqual finds NaN unequal to itself).
func normalizeNaN(a, b *PPOSnapshot) {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := 0; i < va.NumField(); i++ {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Kind() == reflect.Float64 && math.IsNaN(fa.Float()) && math.IsNaN(fb.Float()) {
			fa.SetFloat(0)
			fb.SetFloat(0)
		}
	}
}

// Load refuses another task's file and one of another network size,
// leaving the session as it was.
func TestPPOLoadRefuses(t *testing.T) {
	src := newPPO(t, "pendulum", "ppo", 1)
	shortRollouts(t, src)
	for range 40 {
		src.Step()
	}
	good := string(ppoBytes(t, src))
	for _, c := range []struct{ name, file, env, want string }{
		{"another task", good, "cartpole", "save file: it is for pendulum, this session runs cartpole"},
		{"shape", strings.Replace(good, `"hidden":64`, `"hidden":32`, 1), "pendulum", "actor has layer sizes [3 64 64 1], the setup builds [3 32 32 1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPPO(t, c.env, "ppo", 2)
			before := ppoBytes(t, p)
			if err := p.Load(strings.NewReader(c.file)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want %q", err, c.want)
			}
			if !bytes.Equal(ppoBytes(t, p), before) {
				t.Error("a refused load changed the session")
			}
		})
	}
}
