package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/grid"
)

// learnRun builds a learning session on a built-in world with some
// parameters changed mid-run (ones that need no restart), so that the
// saved values are not all defaults.
func learnRun(t testing.TB, world, agentName string, seed uint64, sets map[string]float64) *Learn {
	t.Helper()
	l, err := NewLearn(builtin(t, world), agentName, seed)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sets {
		if _, err := l.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// saveWorlds are built-in worlds, as in assets/worlds (which imports this
// package).
var saveWorlds = map[string]string{
	"zhao-5x5":   `{"name": "zhao-5x5", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`,
	"zhao-2x2":   `{"name": "zhao-2x2", "layout": [".F", ".T"]}`,
	"cliff-4x12": `{"name": "cliff-4x12", "layout": ["............", "............", "............", "SCCCCCCCCCCT"], "rewards": {"target": -1, "other": -1}, "actions": 4, "terminal": true}`,
}

func builtin(t testing.TB, name string) grid.World {
	t.Helper()
	w, err := grid.Parse([]byte(saveWorlds[name]))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func learnBytes(t testing.TB, l *Learn) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := l.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A run saved after N steps and loaded continues as the run that was not
// interrupted: after M more steps both save the same bytes and show the
// same snapshot, for every agent, mid-episode, in a slippery world (the
// environment's stream is used) and after parameters changed mid-run.
func TestLearnSaveContinuesExactly(t *testing.T) {
	cases := []struct {
		world string
		sets  map[string]float64
	}{
		{"zhao-5x5", map[string]float64{"slip": 0.2}},
		{"cliff-4x12", nil},
	}
	for _, c := range cases {
		for _, name := range agent.Names() {
			t.Run(c.world+"/"+name, func(t *testing.T) {
				const N, M = 1237, 2411 // N ends mid-episode: episodes are 10 or 30 steps long
				straight := learnRun(t, c.world, name, 5, c.sets)
				straight.StepN(N / 2)
				if _, err := straight.Set(agent.KeyGamma, 0.8); err != nil {
					t.Fatal(err)
				}
				if _, err := straight.Set("r-other", -0.05); err != nil {
					t.Fatal(err)
				}
				straight.StepN(N - N/2)
				file := learnBytes(t, straight)
				straight.StepN(M)

				resumed, err := OpenLearn(bytes.NewReader(file))
				if err != nil {
					t.Fatal(err)
				}
				if got := resumed.Steps(); got != N {
					t.Fatalf("loaded run has %d steps, want %d", got, N)
				}
				resumed.StepN(M)
				a, b := learnBytes(t, straight), learnBytes(t, resumed)
				if d := firstDiff(a, b); d != "" {
					t.Errorf("save files differ after %d more steps: %s", M, d)
				}
				var sa, sb LearnSnapshot
				straight.Snapshot(&sa)
				resumed.Snapshot(&sb)
				sb.Version, sb.Run = sa.Version, sa.Run
				if !reflect.DeepEqual(sa, sb) {
					t.Errorf("snapshots differ after %d more steps", M)
				}
			})
		}
	}
}

// The file holds the agent's q table exactly, read back without this
// package's decoder, and the setup's every parameter.
func TestLearnSaveHoldsTheTable(t *testing.T) {
	l := learnRun(t, "zhao-5x5", "qlearning", 3, map[string]float64{agent.KeyEpsilon: 0.3})
	l.StepN(777)
	var f struct {
		Setup struct {
			World  map[string]any     `json:"world"`
			Method string             `json:"method"`
			Params map[string]float64 `json:"params"`
			Seed   uint64             `json:"seed"`
		} `json:"setup"`
		State struct {
			Agent struct {
				Q []float64 `json:"q"`
			} `json:"agent"`
		} `json:"state"`
	}
	if err := json.Unmarshal(learnBytes(t, l), &f); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.State.Agent.Q, l.Runner().Agent.Table()) {
		t.Errorf("saved q differs from the agent's table")
	}
	if f.Setup.World["name"] != "zhao-5x5" || f.Setup.Method != "qlearning" || f.Setup.Seed != 3 {
		t.Errorf("setup = %v %q %d", f.Setup.World["name"], f.Setup.Method, f.Setup.Seed)
	}
	if !reflect.DeepEqual(f.Setup.Params, map[string]float64(l.Values())) || f.Setup.Params[agent.KeyEpsilon] != 0.3 {
		t.Errorf("params = %v, want %v", f.Setup.Params, l.Values())
	}
}

// Load refuses a file for another world, version or shape with one line
// naming the mismatch, and leaves the session as it was.
func TestLearnLoadRefuses(t *testing.T) {
	src := learnRun(t, "zhao-5x5", "sarsa", 1, nil)
	src.StepN(100)
	good := string(learnBytes(t, src))
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("file has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	// A q table one value short: drop the first value.
	i := strings.Index(good, `"q":[`) + len(`"q":[`)
	j := strings.IndexByte(good[i:], ',')
	short := good[:i] + good[i+j+1:]
	cases := []struct {
		name, file string
		into       string // world of the session loaded into
		want       string
	}{
		{"another world", good, "cliff-4x12", `it is for world "zhao-5x5", not "cliff-4x12"`},
		{"version", edit(`"version":1`, `"version":2`), "zhao-5x5", "version 2, but this Bellman reads version 1"},
		{"format", edit(`"format":"bellman-agent"`, `"format":"other"`), "zhao-5x5", "not a Bellman save file"},
		{"kind", edit(`"kind":"learn"`, `"kind":"control"`), "zhao-5x5", "holds a control run, not a learn run"},
		{"unknown field", edit(`"state":{`, `"state":{"extra":1,`), "zhao-5x5", `unknown field "extra"`},
		{"shape", short, "zhao-5x5", "q has 124 values, the world and agent need 125"},
		{"parameter", edit(`"params":{`, `"params":{"lambda":0.5,`), "zhao-5x5", `parameter "lambda" is not one of sarsa's`},
		{"range", edit(`"alpha":0.1`, `"alpha":7`), "zhao-5x5", "alpha = 7 is outside its range"},
		{"agent", edit(`"method":"sarsa"`, `"method":"nope"`), "zhao-5x5", `unknown agent "nope"`},
		{"rng", edit(`"env_rng":"`, `"env_rng":"AAAA`), "zhao-5x5", "env_rng: not a PCG state"},
		{"truncated", good[:len(good)/2], "zhao-5x5", "save file:"},
		{"empty", "", "zhao-5x5", "save file:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := learnRun(t, c.into, "qlearning", 9, nil)
			l.StepN(50)
			before := learnBytes(t, l)
			err := l.Load(strings.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has several lines: %q", err)
			}
			if !bytes.Equal(learnBytes(t, l), before) {
				t.Errorf("a refused load changed the session")
			}
		})
	}
}

// A loaded file of the same world replaces the agent and parameters by the
// file's and counts as a change of version and a restart.
func TestLearnLoadSameWorld(t *testing.T) {
	src := learnRun(t, "zhao-5x5", "dyna-q", 2, nil)
	src.StepN(300)
	file := learnBytes(t, src)
	l := learnRun(t, "zhao-5x5", "sarsa", 9, nil)
	v, r := l.Version, l.Run
	if err := l.Load(bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	if l.Agent != "dyna-q" || l.Steps() != 300 || l.Version != v+1 || l.Run != r+1 {
		t.Errorf("loaded %s at %d steps, version %d run %d", l.Agent, l.Steps(), l.Version, l.Run)
	}
	if !bytes.Equal(learnBytes(t, l), file) {
		t.Errorf("saving the loaded run gives another file")
	}
}

// A diverged table cannot be saved (JSON has no NaN); the error says so.
func TestLearnSaveDiverged(t *testing.T) {
	l := learnRun(t, "zhao-5x5", "qlearning", 1, nil)
	l.Runner().Agent.Table()[3] = math.Inf(1)
	var b bytes.Buffer
	err := l.Save(&b)
	if err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("Save: %v, want an error saying the run diverged", err)
	}
}

// Whatever bytes it is given, OpenLearn returns an error or a session that
// steps: it never panics.
func FuzzOpenLearn(f *testing.F) {
	for _, name := range []string{"sarsa", "nstep-sarsa", "sarsa-lambda", "mc-egreedy", "mc-basic", "dyna-q", "prioritized-sweeping"} {
		l := learnRun(f, "zhao-2x2", name, 1, nil)
		l.StepN(37)
		f.Add(learnBytes(f, l))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := OpenLearn(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has several lines: %q", err)
			}
			return
		}
		l.StepN(100)
		var s LearnSnapshot
		l.Snapshot(&s)
	})
}

// firstDiff shows where two byte strings first differ, or returns "".
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) && i == len(b) {
		return ""
	}
	from := max(0, i-120)
	return fmt.Sprintf("at byte %d:\n%s\n%s", i, a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}

// Options of the session that loads, not of the run, stay: GapEvery for a
// learning session, HeatmapEvery and SaveReplay for a control session.
func TestLoadKeepsOptions(t *testing.T) {
	src := learnRun(t, "zhao-5x5", "qlearning", 1, nil)
	src.StepN(30)
	l := learnRun(t, "zhao-5x5", "qlearning", 2, nil)
	l.GapEvery = 7
	if err := l.Load(bytes.NewReader(learnBytes(t, src))); err != nil || l.GapEvery != 7 {
		t.Errorf("Load: %v, GapEvery %d, want 7", err, l.GapEvery)
	}
	c := newControl(t, "pendulum", "ddpg", 1)
	c.SaveReplay = true
	stepControl(c, 20)
	file := controlBytes(t, c)
	d := newControl(t, "pendulum", "ddpg", 3)
	d.HeatmapEvery = 9
	if err := d.Load(bytes.NewReader(file)); err != nil || d.HeatmapEvery != 9 || d.SaveReplay {
		t.Errorf("Load: %v, HeatmapEvery %d SaveReplay %v, want 9 and false", err, d.HeatmapEvery, d.SaveReplay)
	}
	if o, err := OpenControl(bytes.NewReader(file)); err != nil || !o.SaveReplay {
		t.Errorf("OpenControl of a file with its replay: %v, SaveReplay %v", err, o != nil && o.SaveReplay)
	}
}
