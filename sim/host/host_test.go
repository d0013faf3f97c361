package host

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// Zhao's 5x5 grid world (Figure 3.4) and a 2x2 one, as world files: sim/
// may not import the assets the binaries use.
var testWorlds = map[string]string{
	"zhao-5x5": `{"name": "zhao-5x5", "layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."],
		"rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}, "actions": 5}`,
	"zhao-2x2": `{"name": "zhao-2x2", "layout": [".F", ".T"],
		"rewards": {"boundary": -1, "forbidden": -1, "target": 1, "other": 0}, "actions": 5}`,
	"cliff": `{"name": "cliff", "layout": ["....", "SCCT"], "rewards": {"other": -1, "cliff": -100, "target": -1},
		"actions": 4, "terminal": true}`,
}

func testLibrary() Library {
	return Library{
		World: func(name string) (grid.World, error) {
			f, ok := testWorlds[name]
			if !ok {
				return grid.World{}, fmt.Errorf("no built-in world %q", name)
			}
			return grid.Parse([]byte(f))
		},
		WorldNames: []string{"zhao-5x5", "zhao-2x2", "cliff"},
		Lessons: []proto.Lesson{{Key: "cliff-q", Title: "cliff", World: "cliff", Algorithm: "qlearning",
			Params: map[string]float64{"alpha": 0.2, "epsilon": 0.05}, Layers: map[string]bool{"q": true}, Speed: 5},
			{Key: "ramp", Title: "ramp", World: "zhao-5x5", Algorithm: "sarsa", Speed: 400, Ramp: 4}},
	}
}

// clock is a fake time for a host; each reading moves it on 100 µs, as a
// real clock moves while steps run.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { c.t = c.t.Add(100 * time.Microsecond); return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newTestHost(t testing.TB) (*Host, *clock) {
	t.Helper()
	h, err := New(testLibrary())
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Unix(1000, 0)}
	h.now = c.now
	return h, c
}

func snapshot(t testing.TB, h *Host) *proto.Snapshot {
	t.Helper()
	var s proto.Snapshot
	if err := proto.DecodeSnapshot(h.AppendSnapshot(nil), &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// notices returns the notices of the next snapshot.
func notices(t testing.TB, h *Host) []string {
	var out []string
	for _, n := range snapshot(t, h).Notices {
		out = append(out, n.Text)
	}
	return out
}

func cmd(op proto.Op, key string, v float64) proto.Command {
	return proto.Command{Op: op, Key: key, Value: v}
}

// At "max" planning stops at convergence: value iteration on zhao-5x5
// takes exactly the sweeps the session takes alone, and so does policy
// iteration (its few iterations are a lesson's point).
func TestPlanningStopsAtConvergence(t *testing.T) {
	for _, algo := range []string{"vi", "pi", "tpi"} {
		t.Run(algo, func(t *testing.T) {
			w, _ := testLibrary().World("zhao-5x5")
			alone, err := session.NewGrid(w, algo)
			if err != nil {
				t.Fatal(err)
			}
			for !alone.Converged() {
				alone.Step()
			}
			h, c := newTestHost(t)
			h.Apply(cmd(proto.OpAlgorithm, algo, 0))
			h.Apply(cmd(proto.OpSpeed, "", 0))
			h.Apply(cmd(proto.OpPlay, "", 0))
			for i := 0; i < 100 && h.run.busy(); i++ {
				c.add(10 * time.Millisecond)
				h.Work(time.Hour)
			}
			s := snapshot(t, h)
			if !s.Progress.Converged || s.Progress.Sweeps != alone.Sweeps() || s.Progress.Iterations != alone.Iterations() {
				t.Fatalf("host: %d sweeps, %d iterations, converged %v; alone: %d sweeps, %d iterations",
					s.Progress.Sweeps, s.Progress.Iterations, s.Progress.Converged, alone.Sweeps(), alone.Iterations())
			}
			if n := len(s.Charts[0].Series[0].Y); n != alone.Sweeps() {
				t.Fatalf("the chart has %d sweeps, want %d", n, alone.Sweeps())
			}
			if !strings.HasSuffix(s.Counter, "✓") {
				t.Fatalf("counter %q does not say converged", s.Counter)
			}
		})
	}
}

// The speed is steps a second on the host's clock; "max" is as many as the
// budget allows; a huge speed followed by a small one does not keep
// stepping at the old rate (an overflowing accumulator once did).
func TestSpeed(t *testing.T) {
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	h.Apply(cmd(proto.OpSpeed, "", 4))
	h.Apply(cmd(proto.OpPlay, "", 0))
	h.Work(workSlice)
	for i := 0; i < 20; i++ {
		c.add(100 * time.Millisecond)
		h.Work(workSlice)
	}
	if got := h.run.steps(); got != 8 {
		t.Fatalf("4 steps a second for 2 s took %d steps, want 8", got)
	}
	h.Apply(cmd(proto.OpSpeed, "", 1e308))
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], "as fast as possible") {
		t.Fatalf("a huge speed: notices %q", n)
	}
	c.add(10 * time.Millisecond)
	h.Work(time.Millisecond)
	h.Apply(cmd(proto.OpSpeed, "", 1))
	before := h.run.steps()
	for i := 0; i < 30; i++ {
		c.add(100 * time.Millisecond)
		h.Work(workSlice)
	}
	if got := h.run.steps() - before; got != 3 {
		t.Fatalf("1 step a second for 3 s after a huge speed took %d steps, want 3", got)
	}
	h.Apply(cmd(proto.OpSpeed, "", math.NaN()))
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], "not a number") {
		t.Fatalf("a NaN speed: notices %q", n)
	}
	// Paused, a host waits for messages; at a slow speed, for the next step.
	if wait := h.Work(workSlice); wait <= 0 || wait > time.Second {
		t.Fatalf("at 1 step a second the host waits %v", wait)
	}
	h.Apply(cmd(proto.OpPause, "", 0))
	if wait := h.Work(workSlice); wait >= 0 {
		t.Fatalf("paused, the host waits %v, want until a message", wait)
	}
}

// The in-process host speaks the browser's protocol: a Q-learning run set
// up through messages and stopped at a step count holds exactly the
// numbers of the same session stepped directly with the same seed.
func TestLocalMatchesDirectStepping(t *testing.T) {
	const steps = 3000
	w, _ := testLibrary().World("zhao-5x5")
	alone, err := session.NewLearn(w, "qlearning", 7)
	if err != nil {
		t.Fatal(err)
	}
	alone.Set("alpha", 0.3)
	for i := 0; i < steps; i++ {
		alone.Step()
	}
	var want session.LearnSnapshot
	alone.Snapshot(&want)

	h, err := New(testLibrary())
	if err != nil {
		t.Fatal(err)
	}
	l := NewLocal(h)
	defer l.Close()
	if cat, err := proto.DecodeCatalog(<-l.Messages()); err != nil || len(cat.Worlds) == 0 {
		t.Fatalf("first message: %v, %v", cat, err)
	}
	setup := proto.Setup{World: "zhao-5x5", Algorithm: "qlearning", Values: map[string]float64{"seed": 7, "alpha": 0.3},
		Playing: true, StopAt: steps}
	l.Post(proto.AppendCommands(nil, []proto.Command{{Op: proto.OpSetup, Text: setup.Text()}, {Op: proto.OpSpeed}}))
	var s proto.Snapshot
	deadline := time.Now().Add(20 * time.Second)
	for s.Progress.Steps < steps || s.Playing {
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s the run is at step %d, playing %v", s.Progress.Steps, s.Playing)
		}
		l.Post(proto.AppendCommands(nil, []proto.Command{{Op: proto.OpWant}}))
		select {
		case msg := <-l.Messages():
			if err := proto.DecodeSnapshot(msg, &s); err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Second):
		}
	}
	if s.Progress.Steps != steps || s.Progress.Episode != want.Episode {
		t.Fatalf("host at step %d, episode %d; alone at episode %d", s.Progress.Steps, s.Progress.Episode, want.Episode)
	}
	if !reflect.DeepEqual(s.Grid.Q, want.Q) || !reflect.DeepEqual(s.Charts[0].Series[0].Y, want.Returns) {
		t.Fatal("the host's q-values or returns differ from the session's stepped alone")
	}
}

// panicRun is a run whose steps panic, as a bug in a method would.
type panicRun struct{ *labRun }

func (panicRun) step() { var m map[string]int; m["x"]++ }

// A panic inside a run stops that run and is reported; the host goes on,
// refuses to play the broken run and starts a fresh one on reset.
func TestPanicIsReported(t *testing.T) {
	h, c := newTestHost(t)
	lab, _ := newLabRun()
	h.use(panicRun{lab}, 0)
	h.Apply(cmd(proto.OpPlay, "", 0))
	c.add(time.Millisecond)
	h.Work(workSlice)
	s := snapshot(t, h)
	if s.Crashed == "" || s.Playing || len(s.Notices) == 0 || !s.Notices[0].Error {
		t.Fatalf("after a panic: crashed %q, playing %v, notices %v", s.Crashed, s.Playing, s.Notices)
	}
	if !strings.Contains(s.Crashed, "nil map") {
		t.Fatalf("the crash message %q does not say what failed", s.Crashed)
	}
	h.Apply(cmd(proto.OpPlay, "", 0))
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], "reset it") {
		t.Fatalf("playing a crashed run: notices %q", n)
	}
	h.Apply(cmd(proto.OpReset, "", 0))
	s = snapshot(t, h)
	if s.Crashed != "" || s.Scene != proto.SceneLab {
		t.Fatalf("after reset: crashed %q, scene %q", s.Crashed, s.Scene)
	}
}

// Every problem of a batch of commands is reported, not only the last.
func TestEveryProblemReported(t *testing.T) {
	h, _ := newTestHost(t)
	msg := proto.AppendCommands(nil, []proto.Command{
		cmd(proto.OpSet, "gamma", -1e308), cmd(proto.OpSet, "slip", 2), cmd(proto.OpSet, "tol", 0),
		cmd(proto.OpSet, "seed", 1e300), cmd(proto.OpSet, "r-target", 1e308)})
	h.Handle(append(msg, 0xff)) // and a malformed tail
	n := notices(t, h)
	want := []string{"discount γ: -1e+308 is out of range", "slip p: 2 is out of range", "tolerance: 0 is out of range",
		`unknown parameter "seed"`, "r_target: 1e+308 is out of range", "malformed message"}
	if len(n) != len(want) {
		t.Fatalf("notices %q, want %d", n, len(want))
	}
	for i, w := range want {
		if !strings.Contains(n[i], w) {
			t.Errorf("notice %d is %q, want it to contain %q", i, n[i], w)
		}
	}
	// Past maxNotices they are counted.
	for i := 0; i < maxNotices+5; i++ {
		h.Apply(cmd(proto.OpSet, "nope", 1))
	}
	if n := notices(t, h); len(n) != maxNotices+1 || n[maxNotices] != "and 5 more" {
		t.Fatalf("%d notices, last %q", len(n), n[len(n)-1])
	}
}

// A lesson starts its world, method, parameters, layers and speed; a
// setup with the lesson and a changed value restores the same run.
func TestLessonAndSetup(t *testing.T) {
	h, _ := newTestHost(t)
	h.Apply(cmd(proto.OpLesson, "cliff-q", 0))
	s := snapshot(t, h)
	if s.World != "cliff" || s.Algorithm != "qlearning" || s.Lesson != "cliff-q" || s.Speed != 5 || !s.Playing {
		t.Fatalf("lesson: world %q, algorithm %q, lesson %q, speed %v, playing %v", s.World, s.Algorithm, s.Lesson, s.Speed, s.Playing)
	}
	value := func(s *proto.Snapshot, key string) float64 {
		for _, p := range s.Params {
			if p.Key == key {
				return p.Value
			}
		}
		return math.NaN()
	}
	layer := func(s *proto.Snapshot, key string) bool {
		for _, l := range s.Grid.Layers {
			if l.Key == key {
				return l.On
			}
		}
		return false
	}
	if value(s, "alpha") != 0.2 || value(s, "epsilon") != 0.05 || !layer(s, "q") {
		t.Fatalf("lesson parameters: α %v, ε %v, q layer %v", value(s, "alpha"), value(s, "epsilon"), layer(s, "q"))
	}
	h.Apply(cmd(proto.OpWorld, "zhao-2x2", 0))
	if s := snapshot(t, h); s.Lesson != "" {
		t.Fatalf("a new world keeps lesson %q", s.Lesson)
	}
	setup := proto.Setup{Lesson: "cliff-q", Values: map[string]float64{"epsilon": 0.2}, Speed: 3}
	h.Apply(proto.Command{Op: proto.OpSetup, Text: setup.Text()})
	s = snapshot(t, h)
	if s.Lesson != "cliff-q" || value(s, "epsilon") != 0.2 || value(s, "alpha") != 0.2 || s.Speed != 3 || s.Playing {
		t.Fatalf("setup: lesson %q, ε %v, α %v, speed %v, playing %v", s.Lesson, value(s, "epsilon"), value(s, "alpha"), s.Speed, s.Playing)
	}
	for _, bad := range []string{`{"world": "nowhere"}`, `{"world": "zhao-2x2", "values": {"nope": 1}}`, `{`} {
		h.Apply(proto.Command{Op: proto.OpSetup, Text: bad})
		if n := notices(t, h); len(n) != 1 || !strings.HasPrefix(n[0], "error:") {
			t.Errorf("setup %s: notices %q", bad, n)
		}
		if s := snapshot(t, h); s.World != "cliff" {
			t.Errorf("a failed setup %s changed the world to %q", bad, s.World)
		}
	}
}

// Switching worlds keeps the person's choice for the numbers layer; a
// large world hides numbers unless asked for.
func TestNumbersLayerKept(t *testing.T) {
	h, _ := newTestHost(t)
	h.Apply(cmd(proto.OpLayer, "numbers", 0))
	h.Apply(cmd(proto.OpWorld, "zhao-2x2", 0))
	h.Apply(cmd(proto.OpAlgorithm, "sarsa", 0))
	for _, l := range snapshot(t, h).Grid.Layers {
		if l.Key == "numbers" && l.On {
			t.Fatal("switching world and method turned the numbers back on")
		}
	}
	big := `{"layout": ["` + strings.Repeat(".", 20) + `", "` + strings.Repeat(".", 19) + `T"]}`
	h2, _ := newTestHost(t)
	h2.Apply(proto.Command{Op: proto.OpLoad, Text: big})
	for _, l := range snapshot(t, h2).Grid.Layers {
		if l.Key == "numbers" && l.On {
			t.Fatal("a 2×20 world shows numbers by default")
		}
	}
}

// A divergence pauses the run and says what went non-finite, once.
func TestDivergencePauses(t *testing.T) {
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	h.Apply(cmd(proto.OpSet, "r-target", 10))
	h.Apply(cmd(proto.OpSpeed, "", 0))
	snapshot(t, h)
	// An overflowing q-value, as a huge step size with a huge reward makes.
	q := h.run.(*learnRun).sess.Runner().Agent.(interface{ Table() []float64 }).Table()
	q[3] = math.Inf(1)
	h.Apply(cmd(proto.OpPlay, "", 0))
	c.add(time.Millisecond)
	h.Work(workSlice)
	s := snapshot(t, h)
	if s.Playing || len(s.Notices) != 1 || !strings.Contains(s.Notices[0].Text, "diverged: an action value q(s,a) became") {
		t.Fatalf("playing %v, notices %v", s.Playing, s.Notices)
	}
}

// A slow client gets one snapshot per request, and only when something
// changed.
func TestSnapshotsOnRequest(t *testing.T) {
	h, _ := newTestHost(t)
	if h.Wants() {
		t.Fatal("a snapshot is due before any request")
	}
	h.Apply(proto.Command{Op: proto.OpWant})
	if !h.Wants() {
		t.Fatal("no snapshot due after a request")
	}
	h.AppendSnapshot(nil)
	h.Apply(proto.Command{Op: proto.OpWant})
	if h.Wants() {
		t.Fatal("a snapshot is due although nothing changed")
	}
	h.Apply(cmd(proto.OpSet, "gamma", 0.5))
	if !h.Wants() {
		t.Fatal("no snapshot due after a change")
	}
}

// Selecting a cell outside the grid clears the selection and says so.
func TestSelect(t *testing.T) {
	h, _ := newTestHost(t)
	h.Apply(proto.Command{Op: proto.OpSelect, Row: 3, Col: 2})
	s := snapshot(t, h)
	in := s.Grid.Inspect
	if !s.Grid.Selected || in.Kind != "target" || len(in.Actions) != 5 || len(in.Actions[0].Outcomes) != 1 {
		t.Fatalf("selected %v, kind %q, %d actions", s.Grid.Selected, in.Kind, len(in.Actions))
	}
	// Up from the target leads to the forbidden cell above it: reward −1.
	if o := in.Actions[0].Outcomes[0]; o.Row != 2 || o.Col != 2 || o.Reward != -1 || o.Prob != 1 {
		t.Fatalf("up from the target: %+v", o)
	}
	h.Apply(proto.Command{Op: proto.OpSelect, Row: -1, Col: -1})
	if s := snapshot(t, h); s.Grid.Selected || len(s.Notices) != 0 {
		t.Fatalf("clearing: selected %v, notices %v", s.Grid.Selected, s.Notices)
	}
	h.Apply(proto.Command{Op: proto.OpSelect, Row: 9, Col: 0})
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], "outside the 5×5 grid") {
		t.Fatalf("notices %q", n)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		x      float64
		digits int
		want   string
	}{
		{-0.001, 2, "0"}, {-0.0, 2, "0"}, {5.8309, 2, "5.83"}, {10, 2, "10"}, {0.5, 3, "0.5"}, {-1.25, 1, "-1.2"},
		{0.00015, 3, "1.5e-4"}, {123456, 1, "1.23e5"}, {math.NaN(), 2, "NaN"}, {math.Inf(-1), 1, "−∞"},
	} {
		if got := format(tc.x, tc.digits); got != tc.want {
			t.Errorf("format(%v, %d) = %q, want %q", tc.x, tc.digits, got, tc.want)
		}
	}
}

// Before its first sweep a planner has no change to report: that is not a
// divergence; a reward that overflows the values is.
func TestPlanningDivergence(t *testing.T) {
	h, c := newTestHost(t)
	if d := h.run.diverged(); d != "" {
		t.Fatalf("before the first sweep: diverged %q", d)
	}
	h.Apply(cmd(proto.OpSet, "r-target", 10))
	h.Apply(cmd(proto.OpSpeed, "", 0))
	c.add(time.Millisecond)
	h.Work(workSlice)
	if n := notices(t, h); len(n) != 0 {
		t.Fatalf("value iteration with finite rewards: notices %q", n)
	}
}

// A lesson with a ramp opens at its ramp's speed and reaches its own
// within proto.RampSeconds; a speed set by hand ends the ramp.
func TestLessonRamp(t *testing.T) {
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpLesson, "ramp", 0))
	if s := snapshot(t, h); s.Speed != 4 {
		t.Fatalf("the lesson opens at %v steps a second, want 4", s.Speed)
	}
	c.add(5 * time.Second)
	h.Work(workSlice)
	if got := snapshot(t, h).Speed; math.Abs(got-40) > 0.5 { // 4·100^(5/10)
		t.Fatalf("after 5 s: %v steps a second, want 40", got)
	}
	c.add(6 * time.Second)
	h.Work(workSlice)
	if got := snapshot(t, h).Speed; got != 400 {
		t.Fatalf("after 11 s: %v steps a second, want 400", got)
	}
	h.Apply(cmd(proto.OpLesson, "ramp", 0))
	h.Apply(cmd(proto.OpSpeed, "", 2))
	c.add(5 * time.Second)
	h.Work(workSlice)
	if got := snapshot(t, h).Speed; got != 2 {
		t.Fatalf("a speed set by hand: %v, want 2", got)
	}
}

// Each family of methods runs on its kind of world: policy gradient and
// linear approximation on grid worlds (with their own layers), linear
// features on the discrete control tasks; a method of another kind is
// refused and names the valid ones.
func TestFamilies(t *testing.T) {
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpAlgorithm, "reinforce-baseline", 0))
	s := snapshot(t, h)
	keys := map[string]bool{}
	for _, f := range s.Grid.Fields {
		keys[f.Key] = true
	}
	if s.Algorithm != "reinforce-baseline" || !s.HasGrid || !keys["entropy"] || !keys["grad"] || len(s.Notices) != 0 {
		t.Fatalf("policy gradient: %q, fields %v, notices %v", s.Algorithm, keys, s.Notices)
	}
	h.Apply(cmd(proto.OpAlgorithm, "reinforce", 0)) // same family: same run kind
	h.Apply(cmd(proto.OpAlgorithm, "td-linear", 0))
	s = snapshot(t, h)
	if s.Algorithm != "td-linear" || len(s.Grid.Fields) != 2 || len(s.Notices) != 0 {
		t.Fatalf("TD-linear: %q, %d fields, notices %v", s.Algorithm, len(s.Grid.Fields), s.Notices)
	}
	h.Apply(cmd(proto.OpAlgorithm, "ddpg", 0))
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], `no method "ddpg"`) || !strings.Contains(n[0], "value iteration") && !strings.Contains(n[0], "vi") {
		t.Fatalf("DDPG on a grid world: %q", n)
	}
	h.Apply(cmd(proto.OpWorld, "mountaincar-discrete", 0))
	h.Apply(cmd(proto.OpSpeed, "", 0))
	h.Apply(cmd(proto.OpPlay, "", 0))
	c.add(time.Millisecond)
	h.Work(time.Millisecond)
	s = snapshot(t, h)
	if !s.HasCtl || s.Control.Actions != 3 || len(s.Control.Heatmaps) != 2 || s.Control.Heatmaps[1].Classes != 3 || s.Progress.Steps == 0 {
		t.Fatalf("MountainCar: control %v, %d actions, steps %d, notices %v", s.HasCtl, s.Control.Actions, s.Progress.Steps, s.Notices)
	}
	h.Apply(cmd(proto.OpWorld, "pendulum", 0))
	if s := snapshot(t, h); s.Algorithm != "ddpg" || s.Control.Actions != 0 {
		t.Fatalf("pendulum after MountainCar: %q, %d actions", s.Algorithm, s.Control.Actions)
	}
	// A method of another family keeps the task, even with no snapshot
	// taken between the two commands.
	h.Apply(cmd(proto.OpWorld, "acrobot", 0))
	h.Apply(cmd(proto.OpAlgorithm, "a2c", 0))
	if s := snapshot(t, h); s.World != "acrobot" || s.Algorithm != "a2c" || len(s.Control.Heatmaps) != 3 || len(s.Notices) != 0 {
		t.Fatalf("A2C on Acrobot: %q on %q, %d heatmaps, notices %v", s.Algorithm, s.World, len(s.Control.Heatmaps), s.Notices)
	}
	h.Apply(cmd(proto.OpWorld, "zhao-2x2", 0))
	if s := snapshot(t, h); s.Algorithm != "vi" || s.World != "zhao-2x2" {
		t.Fatalf("a grid world after a control task: %q on %q", s.Algorithm, s.World)
	}
}

// A person's move steps the agent, pauses the run, says what it taught
// the agent and puts the inspector on the cell it reached; methods without
// moves refuse.
func TestManualMove(t *testing.T) {
	h, _ := newTestHost(t)
	h.Apply(cmd(proto.OpAct, "", 1))
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], "cannot be moved by hand") {
		t.Fatalf("moving value iteration: %q", n)
	}
	h.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	h.Apply(cmd(proto.OpAct, "", 1)) // the first move begins an episode
	h.Apply(cmd(proto.OpAct, "", 2))
	s := snapshot(t, h)
	if s.Playing || s.Progress.Steps != 2 || !s.Grid.Selected || len(s.Notices) != 2 {
		t.Fatalf("after two moves: playing %v, steps %d, selected %v, notices %v", s.Playing, s.Progress.Steps, s.Grid.Selected, s.Notices)
	}
	if !strings.Contains(s.Notices[1].Text, "you moved down") || !strings.Contains(s.Notices[1].Text, "q(s,down)") {
		t.Fatalf("the second move's notice: %q", s.Notices[1].Text)
	}
}

// The timeline keeps moments of a run and shows one while the run goes
// on; live returns; a reset starts a new timeline.
func TestTimeline(t *testing.T) {
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	h.Apply(cmd(proto.OpSpeed, "", 100))
	h.Apply(cmd(proto.OpPlay, "", 0))
	for i := 0; i < 50; i++ {
		c.add(100 * time.Millisecond)
		h.Work(workSlice)
	}
	s := snapshot(t, h)
	if n := len(s.TimelineSteps); n < 4 || s.TimelineAt != -1 {
		t.Fatalf("after 5 s: %d moments kept, at %d", n, s.TimelineAt)
	}
	early := s.TimelineSteps[1]
	h.Apply(cmd(proto.OpTimeline, "", 1))
	for i := 0; i < 5; i++ {
		c.add(100 * time.Millisecond)
		h.Work(workSlice)
	}
	s = snapshot(t, h)
	if s.TimelineAt != 1 || float64(s.Progress.Steps) != early || s.LiveSteps <= s.Progress.Steps || !s.Playing {
		t.Fatalf("moment 1: at %d, step %d (kept at %v), live step %d, playing %v", s.TimelineAt, s.Progress.Steps, early, s.LiveSteps, s.Playing)
	}
	h.Apply(cmd(proto.OpTimeline, "", -1))
	if s = snapshot(t, h); s.TimelineAt != -1 || s.Progress.Steps <= int64(early) {
		t.Fatalf("live again: at %d, step %d", s.TimelineAt, s.Progress.Steps)
	}
	h.Apply(cmd(proto.OpTimeline, "", 999))
	if n := notices(t, h); len(n) != 1 || !strings.Contains(n[0], "is not one") {
		t.Fatalf("a moment not kept: %q", n)
	}
	h.Apply(cmd(proto.OpReset, "", 0))
	if s = snapshot(t, h); len(s.TimelineSteps) != 0 {
		t.Fatalf("after a reset %d moments kept", len(s.TimelineSteps))
	}
	h.Apply(proto.Command{Op: proto.OpExport, Key: "report"})
	files := h.Files()
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, "-report.json") || !json.Valid(files[0].Data) {
		t.Fatalf("report: %d files", len(files))
	}
}

// A full timeline thins: it keeps the first and the newest moments and
// every other one between, and then keeps one half as often.
func TestTimelineThins(t *testing.T) {
	defer func(n int) { timelineMost = n }(timelineMost)
	timelineMost = 8
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	h.Apply(cmd(proto.OpSpeed, "", 100))
	h.Apply(cmd(proto.OpPlay, "", 0))
	for i := 0; i < 400; i++ {
		c.add(100 * time.Millisecond)
		h.Work(workSlice)
	}
	steps := snapshot(t, h).TimelineSteps
	if len(steps) > 8 || len(steps) < 4 || steps[0] > 150 || h.tl.every < 4*time.Second {
		t.Fatalf("after 40 s: %d moments %v, interval %v", len(steps), steps, h.tl.every)
	}
	for i := 1; i < len(steps); i++ {
		if steps[i] <= steps[i-1] {
			t.Fatalf("moments out of order: %v", steps)
		}
	}
}

// A saved agent loads back into a new host and goes on exactly as the run
// that was not interrupted: Q-learning, 2,000 steps, saved, loaded, 1,000
// more, against 3,000 straight.
func TestSaveLoadAgent(t *testing.T) {
	run := func(h *Host, c *clock, until int64) {
		h.Apply(cmd(proto.OpSpeed, "", 0))
		h.Apply(cmd(proto.OpStopAt, "", float64(until)))
		h.Apply(cmd(proto.OpPlay, "", 0))
		for i := 0; i < 10000 && h.run.steps() < until; i++ {
			c.add(time.Millisecond)
			h.Work(time.Millisecond)
		}
	}
	h, c := newTestHost(t)
	h.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	run(h, c, 2000)
	h.Apply(proto.Command{Op: proto.OpExport, Key: "agent"})
	files := h.Files()
	if len(files) != 1 {
		t.Fatalf("%d files, notices %q", len(files), notices(t, h))
	}
	h2, c2 := newTestHost(t)
	h2.Apply(proto.Command{Op: proto.OpImport, Key: "agent", Text: string(files[0].Data)})
	if s := snapshot(t, h2); s.Algorithm != "qlearning" || s.Progress.Steps != 2000 || len(s.Notices) != 1 || s.Notices[0].Error {
		t.Fatalf("loaded: %q at step %d, notices %v", s.Algorithm, s.Progress.Steps, s.Notices)
	}
	run(h2, c2, 3000)
	h3, c3 := newTestHost(t)
	h3.Apply(cmd(proto.OpAlgorithm, "qlearning", 0))
	run(h3, c3, 3000)
	a, b := snapshot(t, h2), snapshot(t, h3)
	if !reflect.DeepEqual(a.Grid.Q, b.Grid.Q) || a.Progress.Episode != b.Progress.Episode ||
		!reflect.DeepEqual(a.Charts[0].Series[0].Y, b.Charts[0].Series[0].Y) {
		t.Fatal("the loaded run went on differently from the one never interrupted")
	}
	h2.Apply(proto.Command{Op: proto.OpImport, Key: "agent", Text: `{"format": "something else"}`})
	if n := notices(t, h2); len(n) != 1 || !strings.HasPrefix(n[0], "error:") {
		t.Fatalf("a bad save file: %q", n)
	}
}
