package client

import (
	"bellman/record/tfrecord"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"bellman/assets"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// poll polls c until cond holds, asking for snapshots as a drawing game
// would.
func poll(t *testing.T, c *Client, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		c.Poll()
		c.Drawn()
		time.Sleep(2 * time.Millisecond)
	}
}

func newClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Open)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Terminate)
	poll(t, c, "the first snapshot", func() bool { _, ok := c.Selected(); return ok && c.Catalog() != nil })
	return c
}

func TestFirstSnapshot(t *testing.T) {
	c := newClient(t)
	r, _ := c.Selected()
	if r.Snap.World != assets.DefaultWorld || r.Snap.Algorithm != "vi" || !r.Snap.HasGrid {
		t.Fatalf("first run: %s, %s, grid %v", r.Snap.World, r.Snap.Algorithm, r.Snap.HasGrid)
	}
	var st map[string]any
	if err := json.Unmarshal(c.Status(&Frame{}), &st); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ready", "params", "charts", "layout", "values", "line", "counter", "address", "runs"} {
		if _, ok := st[k]; !ok {
			t.Errorf("status lacks %q", k)
		}
	}
}

// The runs of a comparison are the same runs a single one would be: seed
// 2's returns in a comparison of seeds 1–2 are those of seed 2 alone, and
// the mean the charts show is the runs' mean.
func TestCompareSeeds(t *testing.T) {
	const stop = 3000
	c := newClient(t)
	c.Send(proto.Command{Op: proto.OpAlgorithm, Key: "qlearning"}, proto.Command{Op: proto.OpSpeed, Value: 0})
	poll(t, c, "Q-learning", func() bool { r, _ := c.Selected(); return r.Synced() && r.Snap.Algorithm == "qlearning" })
	cmp, err := ParseCompare("seeds=1-2&stop=3000")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.StartCompare(cmp); err != nil {
		t.Fatal(err)
	}
	done := func() bool {
		for _, r := range c.Runs() {
			if !r.Have || r.Snap.Progress.Steps != stop || r.Snap.Playing {
				return false
			}
		}
		return true
	}
	poll(t, c, "both runs to stop at step 3000", done)
	w, _ := assets.World(assets.DefaultWorld)
	alone, err := session.NewLearn(w, "qlearning", 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < stop; i++ {
		alone.Step()
	}
	var want session.LearnSnapshot
	alone.Snapshot(&want)
	runs := c.Runs()
	if len(runs) != 2 || runs[1].Seed != 2 {
		t.Fatalf("%d runs", len(runs))
	}
	if got := runs[1].Snap.Charts[0].Series[0].Y; !reflect.DeepEqual(got, want.Returns) {
		t.Fatalf("seed 2 in a comparison: %d returns, alone %d (or they differ)", len(got), len(want.Returns))
	}
	agg := c.aggregate(0)
	if agg == nil || len(agg.Means) != 1 || len(agg.Runs) != 2 {
		t.Fatalf("aggregate: %+v", agg)
	}
	m := agg.Means[0]
	for k := range m.X {
		a, b := agg.Runs[0].Y[k], agg.Runs[1].Y[k]
		if math.Abs(m.Y[k]-(a+b)/2) > 1e-12 || m.Lo[k] != math.Min(a, b) || m.Hi[k] != math.Max(a, b) {
			t.Fatalf("x %v: mean %v, band [%v, %v] of %v and %v", m.X[k], m.Y[k], m.Lo[k], m.Hi[k], a, b)
		}
	}
	// A change of setup ends the comparison and keeps the run on screen.
	c.Send(proto.Command{Op: proto.OpSet, Key: "alpha", Value: 0.2})
	if c.Comparing() != nil || len(c.Runs()) != 1 {
		t.Fatalf("after a change: comparing %v, %d runs", c.Comparing(), len(c.Runs()))
	}
	// Planning has no seed: it compares setups only.
	c.Send(proto.Command{Op: proto.OpAlgorithm, Key: "vi"})
	poll(t, c, "value iteration", func() bool { r, _ := c.Selected(); return r.Synced() && r.Snap.Algorithm == "vi" })
	if err := c.StartCompare(Compare{Seeds: []uint64{1, 2}}); err == nil || !strings.Contains(err.Error(), "no seed") {
		t.Fatalf("comparing seeds of value iteration: %v", err)
	}
	if err := c.StartCompare(Compare{Seeds: []uint64{1}, B: map[string]float64{"warp": 1}}); err == nil {
		t.Fatal("a setup B with an unknown key started")
	}
	if err := c.StartCompare(Compare{Seeds: []uint64{1, 2}, B: map[string]float64{"gamma": 0.5}}); err != nil {
		t.Fatal(err)
	}
	if n := len(c.Runs()); n != 2 {
		t.Fatalf("A/B of value iteration: %d runs, want 2 (one each)", n)
	}
}

// fakePort is a host that never answers; its messages are counted.
type fakePort struct{ posted, closed int }

func (p *fakePort) Post([]byte) { p.posted++ }
func (p *fakePort) Close()      { p.closed++ }

// A host that fails is reported and can be restarted; one that stops
// answering while playing is reported after Silence.
func TestFailuresReported(t *testing.T) {
	var deliver func([]byte, error)
	var ports []*fakePort
	open := func(d func([]byte, error)) (Port, error) {
		deliver = d
		p := &fakePort{}
		ports = append(ports, p)
		return p, nil
	}
	c, err := New(open)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(100, 0)
	c.now = func() time.Time { return now }
	deliver(nil, errors.New("the simulation stopped"))
	c.Poll()
	r := c.Runs()[0]
	if r.Failed != "the simulation stopped" || !strings.Contains(c.notices[len(c.notices)-1].Text, "restart it") {
		t.Fatalf("failed %q, notices %v", r.Failed, c.notices)
	}
	if err := c.Restart(r.ID); err != nil || len(ports) != 2 || ports[0].closed != 1 {
		t.Fatalf("restart: %v, %d ports", err, len(ports))
	}
	// The new host plays and then falls silent.
	h, err := hostSnapshot(true)
	if err != nil {
		t.Fatal(err)
	}
	deliver(h, nil)
	c.Poll()
	c.Drawn() // asks for the next snapshot
	now = now.Add(Silence + time.Second)
	c.Poll()
	if r := c.Runs()[0]; !strings.Contains(r.Failed, "stopped answering") {
		t.Fatalf("a silent playing host: failed %q", r.Failed)
	}
	// A malformed snapshot is reported and the last good one stays.
	c2, _ := New(open)
	deliver(h, nil)
	c2.Poll()
	deliver([]byte{'S', 1, 2}, nil)
	c2.Poll()
	if r, ok := c2.Selected(); !ok || !r.Snap.HasGrid || !strings.Contains(c2.notices[len(c2.notices)-1].Text, "bad snapshot") {
		t.Fatalf("after a bad snapshot: have %v, notices %v", ok, c2.notices)
	}
}

// hostSnapshot returns a real host's first snapshot message.
func hostSnapshot(playing bool) ([]byte, error) {
	var s proto.Snapshot
	s.Scene, s.HasGrid, s.Playing, s.Busy, s.Grid.Agent = proto.SceneGrid, true, playing, true, -1
	return proto.AppendSnapshot(nil, &s), nil
}

func TestAddress(t *testing.T) {
	a, problems := ParseAddress("#world=cliff-4x12&algorithm=sarsa&alpha=0.3&epsilon=x&alpha=0.4&cmp.seeds=1-3&cmp.b.alpha=0.5&cmp.stop=100&&=1")
	if a.World != "cliff-4x12" || a.Algorithm != "sarsa" || len(a.Values) != 1 || a.Values[0] != (Value{"alpha", 0.4}) {
		t.Fatalf("address: %+v", a)
	}
	if a.Compare == nil || !reflect.DeepEqual(a.Compare.Seeds, []uint64{1, 2, 3}) || a.Compare.B["alpha"] != 0.5 || a.Compare.StopAt != 100 {
		t.Fatalf("comparison: %+v", a.Compare)
	}
	want := []string{`epsilon: "x" is not a number`, "alpha is given twice", "not a parameter name"}
	if len(problems) != len(want) {
		t.Fatalf("problems %q", problems)
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %q, want %q", problems[i], w)
		}
	}
	cmds := a.Commands()
	if cmds[0].Op != proto.OpWorld || cmds[1].Op != proto.OpAlgorithm || cmds[2].Op != proto.OpSet || cmds[2].Value != 0.4 {
		t.Fatalf("commands %+v", cmds)
	}
	if _, p := ParseAddress("#" + strings.Repeat("a=1&", MaxAddress)); len(p) != 1 || !strings.Contains(p[0], "more than") {
		t.Fatalf("a huge address: %q", p)
	}
	// What AddressOf writes, ParseAddress reads back.
	s := &proto.Snapshot{World: "zhao-5x5", Algorithm: "qlearning", Params: []proto.Param{
		{Value: 0.5}, {Value: 0.1}}}
	s.Params[0].Key, s.Params[0].Default = "alpha", 0.1
	s.Params[1].Key, s.Params[1].Default = "epsilon", 0.1
	lesson := &proto.Lesson{Key: "l", Params: map[string]float64{"epsilon": 0.3}}
	text := AddressOf(s, lesson, true, &Compare{Seeds: []uint64{4, 5}, B: map[string]float64{"gamma": 0.5}}, []string{"charts"}, []string{"param:alpha", "world"})
	back, problems := ParseAddress(text)
	if len(problems) > 0 || back.World != "zhao-5x5" || back.Lesson != "l" || len(back.Values) != 2 ||
		back.Compare == nil || back.Compare.B["gamma"] != 0.5 || !reflect.DeepEqual(back.Compare.Seeds, []uint64{4, 5}) {
		t.Fatalf("%q read back as %+v, problems %q", text, back, problems)
	}
}

func TestParseCompare(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"seeds=1-9", "more than 8"},
		{"seeds=3-1", "range"},
		{"seeds=a", "not a seed"},
		{"stop=-4", "step count"},
		{"b.alpha=NaN", "not a number"},
		{"warp=1", "unknown key"},
		{"%zz", "invalid"},
	} {
		if _, err := ParseCompare(tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseCompare(%q): %v, want %q", tc.text, err, tc.want)
		}
	}
	c, err := ParseCompare("seeds=1,1,2")
	if err != nil || !reflect.DeepEqual(c.Seeds, []uint64{1, 2}) {
		t.Fatalf("seeds=1,1,2: %v %v", c.Seeds, err)
	}
}

func TestResample(t *testing.T) {
	cv := curve{x: []float64{0, 10, 20}, y: []float64{0, 1, 3}}
	got := resample(cv, []float64{0, 5, 10, 15, 20})
	if !reflect.DeepEqual(got, []float64{0, 0.5, 1, 2, 3}) {
		t.Fatalf("resample: %v", got)
	}
	if got := smooth([]float64{1, 3, 5, 7}, 2); !reflect.DeepEqual(got, []float64{1, 2, 4, 6}) {
		t.Fatalf("smooth: %v", got)
	}
}

func FuzzParseAddress(f *testing.F) {
	f.Add("#world=zhao-5x5&algorithm=vi&gamma=0.5")
	f.Add("#gamma=-1e308&slip=2&tol=0&seed=1e300&r-target=1e308")
	f.Add("lesson=cliff-sarsa&cmp.seeds=1-4&cmp.b.alpha=0.5&cmp.stop=20000")
	f.Fuzz(func(t *testing.T, hash string) {
		a, _ := ParseAddress(hash)
		for _, c := range a.Commands() {
			if c.Op == proto.OpSet && (math.IsNaN(c.Value) || math.IsInf(c.Value, 0)) {
				t.Fatalf("a non-finite value %v for %q", c.Value, c.Key)
			}
		}
		if a.Compare != nil && (len(a.Compare.Seeds) == 0 || len(a.Compare.Seeds) > MaxSeeds) {
			t.Fatalf("%d seeds", len(a.Compare.Seeds))
		}
	})
}

// A teacher's link locks controls: the locked parts of any later command
// are refused with a notice, other parts go through, and a later address
// cannot lift a lock.
func TestTeacherLocks(t *testing.T) {
	a, problems := ParseAddress("#gamma=0.5&hide=charts,param:slip&lock=param:gamma,world,nope")
	if !reflect.DeepEqual(a.Hide, []string{"charts", "param:slip"}) || !reflect.DeepEqual(a.Lock, []string{"param:gamma", "world"}) {
		t.Fatalf("hide %q, lock %q", a.Hide, a.Lock)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], `"nope" is not a control`) {
		t.Fatalf("problems %q", problems)
	}
	c := newClient(t)
	c.Send(a.Commands()...)
	c.Teach(a.Hide, a.Lock)
	c.Send(proto.Command{Op: proto.OpSet, Key: "gamma", Value: 0.8}, proto.Command{Op: proto.OpSet, Key: "r-target", Value: 2},
		proto.Command{Op: proto.OpWorld, Key: "zhao-2x2"})
	poll(t, c, "the changes", func() bool { r, _ := c.Selected(); return r.Synced() })
	r, _ := c.Selected()
	values := map[string]float64{}
	for _, p := range r.Snap.Params {
		values[p.Key] = p.Value
	}
	if values["gamma"] != 0.5 || values["r-target"] != 2 || r.Snap.World != "zhao-5x5" {
		t.Fatalf("γ %v (locked at 0.5), r_target %v (free), world %s (locked)", values["gamma"], values["r-target"], r.Snap.World)
	}
	var refused []string
	for _, n := range c.notices {
		if strings.Contains(n.Text, "locked by the teacher's link") {
			refused = append(refused, n.Text)
		}
	}
	if len(refused) != 2 {
		t.Fatalf("refusals %q", refused)
	}
	c.Teach(nil, nil) // a later address without locks
	c.Send(proto.Command{Op: proto.OpSet, Key: "gamma", Value: 0.7})
	if n := c.notices[len(c.notices)-1].Text; !strings.Contains(n, "gamma is locked") {
		t.Fatalf("after a later address: %q", n)
	}
	c.Teach(nil, []string{"compare"})
	if err := c.StartCompare(Compare{Seeds: []uint64{1, 2}, B: map[string]float64{"slip": 0.1}}); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("a locked comparison started: %v", err)
	}
	var st map[string]any
	json.Unmarshal(c.Status(&Frame{}), &st)
	if addr, _ := st["address"].(string); !strings.Contains(addr, "lock=param%3Agamma%2Cworld%2Ccompare") || !strings.Contains(addr, "hide=charts%2Cparam%3Aslip") {
		t.Fatalf("the address %q does not carry the link's lists", addr)
	}
}

// Painting cells gathers a frame's strokes into one new world: the values
// re-solve on it; a stroke that spoils the world (no target left) is
// refused and the world stays.
func TestPaint(t *testing.T) {
	c := newClient(t)
	c.Send(proto.Command{Op: proto.OpSpeed, Value: 0})
	poll(t, c, "converged", func() bool { r, _ := c.Selected(); return r.Synced() && r.Snap.Progress.Converged })
	c.Paint(0, 0, 'F')
	c.Paint(0, 1, '#')
	c.Paint(9, 9, 'F') // off the grid: ignored
	c.Reshape("add-col")
	c.FlushPaint()
	poll(t, c, "the painted world", func() bool {
		r, _ := c.Selected()
		return r.Synced() && r.Snap.Grid.Cols == 6 && r.Snap.Progress.Converged
	})
	r, _ := c.Selected()
	g := &r.Snap.Grid
	if string(g.Kinds[:6]) != "F#...." || g.State[1] != -1 {
		t.Fatalf("first row %q, state of the wall %d", g.Kinds[:6], g.State[1])
	}
	c.Paint(3, 2, '.') // the only target
	c.FlushPaint()
	poll(t, c, "the refusal", func() bool { r, _ := c.Selected(); return r.Synced() })
	if r, _ := c.Selected(); r.Snap.Grid.Kinds[3*6+2] != 'T' || !strings.Contains(c.notices[len(c.notices)-1].Text, "target") {
		t.Fatalf("after removing the target: cell %q, notice %q", r.Snap.Grid.Kinds[3*6+2], c.notices[len(c.notices)-1].Text)
	}
}

// The trajectories a learning run records download as TFRecord: every
// record parses, and each step's observation is its state's cell.
func TestTrajectoriesExport(t *testing.T) {
	c := newClient(t)
	c.Send(proto.Command{Op: proto.OpAlgorithm, Key: "qlearning"}, proto.Command{Op: proto.OpSpeed, Value: 0},
		proto.Command{Op: proto.OpStopAt, Value: 500}, proto.Command{Op: proto.OpPlay})
	poll(t, c, "500 steps", func() bool { r, _ := c.Selected(); return r.Synced() && r.Snap.Progress.Steps == 500 })
	c.Send(proto.Command{Op: proto.OpExport, Key: "trajectories"})
	poll(t, c, "the file", func() bool { return c.file != nil })
	f, _ := c.TakeFile()
	n := 0
	err := tfrecord.Read(bytes.NewReader(f.Data), func(data []byte) error {
		s, err := tfrecord.ParseStep(data)
		if err != nil {
			return err
		}
		st := int(s.State.Ints[0])
		row, col := int(s.Observation.Ints[0]), int(s.Observation.Ints[1])
		if st < 0 || row < 0 || row >= 5 || col < 0 || col >= 5 || s.Episode < 1 {
			t.Fatalf("step %d: state %d at (%d, %d), episode %d", n, st, row, col, s.Episode)
		}
		n++
		return nil
	})
	if err != nil || n != 500 || !strings.HasSuffix(f.Name, ".tfrecord") {
		t.Fatalf("%s: %d records, %v", f.Name, n, err)
	}
}

// A run that ends (value iteration converging at its own pace) sends the
// snapshot that says so, before its host waits for the next message: the
// page once waited for it in vain and reported the host as silent.
func TestConvergenceIsSent(t *testing.T) {
	c := newClient(t)
	c.Send(proto.Command{Op: proto.OpSet, Key: "gamma", Value: 0.5}, proto.Command{Op: proto.OpSpeed, Value: 40})
	poll(t, c, "convergence", func() bool { r, _ := c.Selected(); return r.Snap.Progress.Converged })
	if r, _ := c.Selected(); r.Failed != "" || r.Snap.Busy {
		t.Fatalf("converged: failed %q, busy %v", r.Failed, r.Snap.Busy)
	}
}
