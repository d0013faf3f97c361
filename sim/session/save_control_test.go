package session

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/nn"
	"bellman/sim/save"
)

func controlBytes(t testing.TB, c *Control) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := c.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A DDPG or TD3 run saved with its replay buffer after N steps (mid-episode,
// with updates under way) and loaded continues bit for bit: after M more
// steps both runs save the same bytes and show the same snapshot. The
// point mass's layout and the mountain car's float32 state are covered.
func TestControlSaveContinuesExactly(t *testing.T) {
	for _, c := range []struct{ env, agent string }{
		{"pendulum", "ddpg"}, {"pendulum", "td3"}, {"mountaincar", "td3"}, {"pointmass", "ddpg"}, {"cartpole", "td3"},
	} {
		t.Run(c.env+"/"+c.agent, func(t *testing.T) {
			const N, M = 233, 122 // updates from step 100 on
			straight := newControl(t, c.env, c.agent, 6)
			small(t, straight)
			straight.HeatmapEvery, straight.SaveReplay = 50, true
			stepControl(straight, N/2)
			if _, err := straight.Set("gamma", 0.95); err != nil {
				t.Fatal(err)
			}
			stepControl(straight, N-N/2)
			file := controlBytes(t, straight)
			stepControl(straight, M)

			resumed, err := OpenControl(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			if resumed.Steps() != N {
				t.Fatalf("loaded run has %d steps, want %d", resumed.Steps(), N)
			}
			stepControl(resumed, M)
			if d := firstDiff(controlBytes(t, straight), controlBytes(t, resumed)); d != "" {
				t.Errorf("save files differ after %d more steps: %s", M, d)
			}
			var sa, sb ControlSnapshot
			straight.Snapshot(&sa)
			resumed.Snapshot(&sb)
			sb.Version = sa.Version
			if math.IsNaN(sa.MeanLast10) && math.IsNaN(sb.MeanLast10) { // no episode finished yet
				sa.MeanLast10, sb.MeanLast10 = 0, 0
			}
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("snapshots differ after %d more steps", M)
			}
		})
	}
}

// Without the replay buffer the file is smaller by about the buffer's
// size, and the loaded run starts from an empty buffer with the same
// networks and optimizer moments.
func TestControlSaveWithoutReplay(t *testing.T) {
	c := newControl(t, "pendulum", "ddpg", 2)
	small(t, c)
	stepControl(c, 300)
	small := controlBytes(t, c)
	c.SaveReplay = true
	full := controlBytes(t, c)
	est := c.SavedReplayBytes()
	if d := len(full) - len(small); d < est/2 || d > 2*est {
		t.Errorf("the replay adds %d bytes, estimated %d", d, est)
	}
	l, err := OpenControl(bytes.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.tr.Agent(), l.tr.Agent()
	if b.Replay().Len() != 0 || a.Replay().Len() != 300 {
		t.Errorf("replay %d after loading, %d before", b.Replay().Len(), a.Replay().Len())
	}
	if !reflect.DeepEqual(a.Actor().Params(), b.Actor().Params()) || !reflect.DeepEqual(a.Critic(0).Params(), b.Critic(0).Params()) {
		t.Error("networks differ after loading")
	}
	sa, _ := c.tr.SaveState(false)
	sb, _ := l.tr.SaveState(false)
	oa, ob := sa.CriticOptims[0], sb.CriticOptims[0]
	if !reflect.DeepEqual(oa, ob) || oa.Steps != a.Updates() || oa.Steps == 0 {
		t.Errorf("critic optimizer at step %d after loading, %d before (%d updates)", ob.Steps, oa.Steps, a.Updates())
	}
}

// The saved optimizer state is Adam's: its step count is the number of
// updates, and m is the bias-uncorrected running mean of the gradients,
// which is not zero once the critic has learned.
func TestControlSaveHoldsAdam(t *testing.T) {
	c := newControl(t, "pendulum", "ddpg", 3)
	small(t, c)
	stepControl(c, 150)
	var f struct {
		State struct {
			Trainer struct {
				Updates      int             `json:"updates"`
				CriticOptims []nn.OptimState `json:"critic_optims"`
				Critics      []nn.NetState   `json:"critics"`
			} `json:"trainer"`
		} `json:"state"`
	}
	if err := json.Unmarshal(controlBytes(t, c), &f); err != nil {
		t.Fatal(err)
	}
	tr := f.State.Trainer
	if tr.Updates != 51 || len(tr.CriticOptims) != 1 || tr.CriticOptims[0].Steps != 51 || tr.CriticOptims[0].Kind != nn.KindAdam {
		t.Fatalf("updates %d, critic optimizers %+v", tr.Updates, len(tr.CriticOptims))
	}
	if want := []int{4, 16, 16, 1}; !reflect.DeepEqual(tr.Critics[0].Sizes, want) {
		t.Errorf("critic sizes %v, want %v", tr.Critics[0].Sizes, want)
	}
	nonzero := 0
	for _, m := range tr.CriticOptims[0].M {
		if m != 0 {
			nonzero++
		}
	}
	if nonzero == 0 || len(tr.CriticOptims[0].M) != len(tr.Critics[0].Params) {
		t.Errorf("%d of %d first moments are non-zero", nonzero, len(tr.CriticOptims[0].M))
	}
}

// Load refuses a file for another task or of another shape, naming it,
// and leaves the session as it was.
func TestControlLoadRefuses(t *testing.T) {
	src := newControl(t, "pendulum", "ddpg", 1)
	small(t, src)
	stepControl(src, 120)
	good := string(controlBytes(t, src))
	// A critic of other sizes: the file's 16-16 critic against a setup of 32.
	wide := strings.Replace(good, `"critic.hidden":16`, `"critic.hidden":32`, 1)
	cases := []struct{ name, file, into, want string }{
		{"another task", good, "mountaincar", "save file: it is for pendulum, this session runs mountaincar"},
		{"shape", wide, "pendulum", "critic 1 has layer sizes [4 16 16 1], the setup builds [4 32 32 1]"},
		{"kind", strings.Replace(good, `"kind":"control"`, `"kind":"learn"`, 1), "pendulum", "holds a learn run, not a control run"},
		{"unknown field", strings.Replace(good, `"trainer":{`, `"trainer":{"colour":1,`, 1), "pendulum", `unknown field "colour"`},
		{"algorithm", strings.Replace(good, `"method":"ddpg"`, `"method":"sac"`, 1), "pendulum", "save file:"},
		{"optimizer", strings.Replace(good, `"kind":"adam"`, `"kind":"sgd"`, 1), "pendulum", "actor optimizer is sgd, the setup builds adam"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newControl(t, c.into, "ddpg", 4)
			stepControl(s, 10)
			before := controlBytes(t, s)
			err := s.Load(strings.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, c.want)
			}
			if !bytes.Equal(controlBytes(t, s), before) {
				t.Error("a refused load changed the session")
			}
		})
	}
}

// Whatever bytes it is given, OpenControl returns an error or a session
// that steps.
func FuzzOpenControl(f *testing.F) {
	for _, algo := range []string{"ddpg", "td3"} {
		c, err := NewControl("pendulum", algo, 1)
		if err != nil {
			f.Fatal(err)
		}
		for k, v := range map[string]float64{"actor.hidden": 4, "critic.hidden": 4, "learning_starts": 20, "batch": 8, "buffer": 1000} {
			if _, err := c.Set(k, v); err != nil {
				f.Fatal(err)
			}
		}
		c.SaveReplay = true
		stepControl(c, 30)
		f.Add(controlBytes(f, c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Valid but large networks, batches and buffers only take time.
		if sf, err := save.Parse(data); err == nil {
			p := sf.Setup.Params
			if p["actor.hidden"] > 8 || p["critic.hidden"] > 8 || p["actor.layers"] > 2 || p["critic.layers"] > 2 ||
				p["batch"] > 16 || p["buffer"] > 1000 || p["updates_per_step"] > 2 {
				return
			}
		}
		c, err := OpenControl(bytes.NewReader(data))
		if err != nil {
			return
		}
		stepControl(c, 30)
		var s ControlSnapshot
		c.Snapshot(&s)
	})
}

func stepControl(c *Control, n int) {
	for range n {
		c.Step()
	}
}
