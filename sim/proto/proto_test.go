package proto

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/param"
)

func sampleCommands() []Command {
	return []Command{
		{Op: OpSet, Key: "gamma", Value: 0.5},
		{Op: OpSelect, Row: -1, Col: 7},
		{Op: OpLoad, Text: `{"layout": ["T."]}`},
		{Op: OpSpeed, Value: math.Inf(1)},
		{Op: OpWant},
	}
}

func TestCommandsRoundTrip(t *testing.T) {
	in := sampleCommands()
	got, err := DecodeCommands(AppendCommands(nil, in), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("got %+v, want %+v", got, in)
	}
}

// A malformed message is an error that names the problem; the commands
// before it are kept.
func TestCommandsMalformed(t *testing.T) {
	good := AppendCommands(nil, sampleCommands()[:1])
	for _, tc := range []struct {
		name string
		msg  []byte
		want string
	}{
		{"empty", nil, "kind"},
		{"snapshot kind", []byte{kindSnapshot, 0}, "not commands"},
		{"truncated", good[:len(good)-3], "at byte"},
		{"trailing", append(append([]byte(nil), good...), 9), "after the last command"},
		{"bad op", AppendCommands(nil, []Command{{Op: opCount}}), "is not a command"},
		{"huge count", []byte{kindCommands, 0xff, 0xff, 0xff, 0x7f}, "does not fit"},
		{"long key", AppendCommands(nil, []Command{{Op: OpSet, Key: strings.Repeat("k", MaxKey+1)}}), "more than 256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCommands(tc.msg, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	cmds := append(sampleCommands()[:2:2], Command{Op: opCount})
	got, err := DecodeCommands(AppendCommands(nil, cmds), nil)
	if err == nil || len(got) != 2 {
		t.Fatalf("got %d commands and error %v; want the 2 good ones and an error", len(got), err)
	}
}

func TestOpNames(t *testing.T) {
	for o := OpPlay; o < opCount; o++ {
		got, err := ParseOp(o.String())
		if err != nil || got != o {
			t.Errorf("ParseOp(%q) = %v, %v", o.String(), got, err)
		}
	}
	if _, err := ParseOp("none"); err == nil {
		t.Error("ParseOp(none) succeeded")
	}
}

// sampleSnapshot fills every part of a snapshot consistently.
func sampleSnapshot() *Snapshot {
	s := &Snapshot{
		Seq: 42, Scene: SceneLearn, World: "zhao-2x2", Algorithm: "qlearning", Lesson: "x", Version: 3, Run: 2,
		Playing: true, Speed: 10, StepsPerSec: 9.5, Busy: true, Counter: "episode 3",
		Line:    []Mark{{"Q-learning", ""}, {"optimal", "done"}},
		Notices: []Notice{{"reset", false}, {"gamma: bad", true}},
		Params: []Param{{Spec: param.Spec{Key: "gamma", Label: "γ", Kind: param.Float, Max: 0.99, Step: 0.01, Default: 0.9, Help: "h"}, Value: 0.8},
			{Spec: param.Spec{Key: "trace", Kind: param.Choice, Choices: []string{"a", "b"}, Reset: true, Log: true}, Value: 1}},
		Progress: Progress{Steps: 1 << 40, Sweeps: 3, Episode: 4, Return: -1.5, Optimal: 0.75, Gap: math.NaN(), Updates: 7, Learning: true},
		Charts: []Chart{{Title: "Return", XLabel: "episode", X0: 1, Log: true, Line: 1e-6, LineLabel: "tol",
			Series: []Series{{Name: "G", Color: "#e06101", Smooth: 20, X: []float64{1, 3}, Y: []float64{0, math.Inf(-1)}}}}},
		StopAt:  1000,
		HasGrid: true,
		Grid: Grid{Rows: 2, Cols: 2, S: 3, A: 2, Terminal: true, Kinds: []byte(".T#."), State: []int32{0, 1, -1, 2},
			V: []float64{1, 2, 3}, Q: []float64{1, 2, 3, 4, 5, 6}, Pi: []float64{0.5, 0.5, 1, 0, 0, 1},
			Layers: []Layer{{"values", "v", true}}, Scale: 3, VStar: []float64{1, 1, 1}, Visits: []float64{4, 5, 6},
			Optimal: []bool{true, false, true}, Reachable: []bool{true, true, false}, Agent: 3, Trail: []int32{0, 1, 3},
			EpisodeDone: true, WorldFile: "{}", Selected: true,
			Fields: []Field{{Key: "entropy", Label: "H", Sequential: true, Values: []float64{0, 1, 2}},
				{Key: "grad", PerPair: true, Values: []float64{1, 2, 3, 4, 5, 6}}},
			Features: []Field{{Key: "φ0", Values: []float64{1, 0, 0}}}, Weights: []float64{0.5, -0.5},
			Inspect: Inspect{Row: 1, Col: 1, Kind: "free", State: 2, V: 3, Learn: true, Greedy: 1,
				Actions: []Action{{Name: "up", Q: 5, Pi: 0, Outcomes: []Outcome{{0, 1, 1, -1}}}, {Name: "right", Q: 6, Pi: 1}}}},
		HasCtl: true,
		Control: Control{Env: "pointmass", Agent: "ddpg", State: []float64{0.1, 0.2, 0, 0}, Action: []float64{1, -1},
			ActionLo: []float64{-1, -1}, ActionHi: []float64{1, 1}, Regions: []Region{{Circle: true, CX: 0.5, CY: 0.5, R: 0.1}, {Forbidden: true, X1: 1, Y1: 1}},
			Plane: Plane{"x", "y", 0, 1, 0, 1}, Grid: 2,
			Heatmaps: []Heatmap{{Title: "V", Values: []float64{1, 2, 3, 4}}, {Title: "μ", Range: 1, Values: []float64{1, 2, 3, 4}, Arrows: make([]float64, 8)},
				{Title: "greedy", Values: []float64{0, 1, 2, 0}, Classes: 3, Names: []string{"left", "none", "right"}, LinesX: []float64{0.5}}},
			Actions: 3,
			Traj:    []float64{0, 0, 1, 1}},
		HasNet: true,
		Net:    Net{Title: "Q", Sizes: []int32{2, 3, 1}, Weights: make([]float64, 9), Grid: 2, Maps: make([]float64, 24)},
		HasLab: true,
		Lab: Lab{K: 1, Iterations: 5, Batch: 2, Schedule: "1/k", Spread: 1, TrueMean: 5, RMRoot: 1,
			Mean: []float64{0, 1}, RM: []float64{3, 2}, Samples: []float64{4, 6}, Points: []float64{1, 1},
			Centre: [2]float64{0.5, 0.5}, SGD: []float64{3, 3, 2, 2}, MBGD: []float64{3, 3, 1, 1}, GD: []float64{3, 3, 0, 0}},
	}
	return s
}

func TestSnapshotRoundTrip(t *testing.T) {
	in := sampleSnapshot()
	msg := AppendSnapshot(nil, in)
	var got Snapshot
	if err := DecodeSnapshot(msg, &got); err != nil {
		t.Fatal(err)
	}
	// NaN never equals itself: compare its bits through the encoding again.
	if string(AppendSnapshot(nil, &got)) != string(msg) {
		t.Fatal("decoding and encoding again changed the message")
	}
	got.Progress.Gap, in.Progress.Gap = 0, 0
	if !reflect.DeepEqual(&got, in) {
		t.Fatalf("round trip changed the snapshot:\n got %+v\nwant %+v", got, *in)
	}
}

// Decoding into a used snapshot reuses its buffers: a steady stream of
// snapshots of the same shape allocates nothing but changed strings.
func TestSnapshotDecodeReuses(t *testing.T) {
	msg := AppendSnapshot(nil, sampleSnapshot())
	var s Snapshot
	if err := DecodeSnapshot(msg, &s); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := DecodeSnapshot(msg, &s); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per decode, want 0", allocs)
	}
}

// Inconsistent snapshots are refused with the field named: the renderer
// indexes by these shapes.
func TestSnapshotInconsistent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(s *Snapshot)
		want  string
	}{
		{"state out of range", func(s *Snapshot) { s.Grid.State[0] = 3 }, "state 3"},
		{"short q", func(s *Snapshot) { s.Grid.Q = s.Grid.Q[:5] }, "q-values"},
		{"kinds", func(s *Snapshot) { s.Grid.Kinds = s.Grid.Kinds[:3] }, "kinds"},
		{"trail", func(s *Snapshot) { s.Grid.Trail[1] = 4 }, "trail"},
		{"agent", func(s *Snapshot) { s.Grid.Agent = 9 }, "agent"},
		{"selection", func(s *Snapshot) { s.Grid.Inspect.Row = 2 }, "outside the grid"},
		{"visits", func(s *Snapshot) { s.Grid.Visits = s.Grid.Visits[:1] }, "visits"},
		{"heatmap", func(s *Snapshot) { s.Control.Heatmaps[0].Values = s.Control.Heatmaps[0].Values[:3] }, "heatmap"},
		{"arrows", func(s *Snapshot) { s.Control.Heatmaps[1].Arrows = s.Control.Heatmaps[1].Arrows[:3] }, "arrow"},
		{"trajectory", func(s *Snapshot) { s.Control.Traj = s.Control.Traj[:3] }, "odd"},
		{"action", func(s *Snapshot) { s.Control.Action = s.Control.Action[:1] }, "action"},
		{"lab", func(s *Snapshot) { s.Lab.SGD = s.Lab.SGD[:2] }, "iterates"},
		{"series", func(s *Snapshot) { s.Charts[0].Series[0].X = s.Charts[0].Series[0].X[:1] }, "x values"},
		{"net", func(s *Snapshot) { s.Net.Maps = s.Net.Maps[:20] }, "network"},
		{"field", func(s *Snapshot) { s.Grid.Fields[1].Values = s.Grid.Fields[1].Values[:5] }, "field"},
		{"feature", func(s *Snapshot) { s.Grid.Features[0].Values = nil }, "feature"},
		{"class names", func(s *Snapshot) { s.Control.Heatmaps[2].Names = s.Control.Heatmaps[2].Names[:1] }, "names"},
		{"too many actions", func(s *Snapshot) { s.Grid.A = 6 }, "grid.a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sampleSnapshot()
			tc.spoil(s)
			var got Snapshot
			err := DecodeSnapshot(AppendSnapshot(nil, s), &got)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Every prefix of a snapshot is an error, never a panic.
func TestSnapshotTruncated(t *testing.T) {
	msg := AppendSnapshot(nil, sampleSnapshot())
	for n := 0; n < len(msg); n++ {
		var s Snapshot
		if err := DecodeSnapshot(msg[:n], &s); err == nil {
			t.Fatalf("a snapshot cut at byte %d of %d decoded", n, len(msg))
		}
	}
}

func TestCatalogAndSetup(t *testing.T) {
	c := &Catalog{Worlds: []Group{{"Grid worlds", []Item{{Key: "zhao-5x5", Label: "zhao-5x5"}}}},
		Algorithms: map[string][]Group{SceneGrid: {{"Planning", []Item{{"vi", "value iteration", "h"}}}}},
		Lessons:    []Lesson{{Key: "fig-3-4", Params: map[string]float64{"gamma": 0.5}, Speed: 2}}}
	got, err := DecodeCatalog(AppendCatalog(nil, c))
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("catalog round trip: %+v, %v", got, err)
	}
	if _, err := DecodeCatalog([]byte("K{")); err == nil {
		t.Error("a broken catalog decoded")
	}
	s := Setup{World: "cliff-4x12", Algorithm: "sarsa", Values: map[string]float64{"alpha": 0.2, "bad": math.NaN()}, Speed: math.Inf(1), Playing: true, StopAt: 5}
	back, err := ParseSetup(s.Text())
	want := Setup{World: "cliff-4x12", Algorithm: "sarsa", Values: map[string]float64{"alpha": 0.2}, Playing: true, StopAt: 5}
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("setup round trip: %+v, %v; want %+v", back, err, want)
	}
	if _, err := ParseSetup("{"); err == nil {
		t.Error("a broken setup parsed")
	}
}

func FuzzDecodeCommands(f *testing.F) {
	f.Add(AppendCommands(nil, sampleCommands()))
	f.Add([]byte{kindCommands, 1, 6})
	f.Fuzz(func(t *testing.T, msg []byte) {
		cmds, err := DecodeCommands(msg, nil)
		if err != nil {
			return
		}
		// What decodes encodes back to the same message.
		if again := AppendCommands(nil, cmds); string(again) != string(msg) {
			t.Fatalf("re-encoding changed the message")
		}
	})
}

func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(AppendSnapshot(nil, sampleSnapshot()))
	f.Add(AppendSnapshot(nil, &Snapshot{Scene: SceneGrid}))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var s Snapshot
		if err := DecodeSnapshot(msg, &s); err != nil {
			return
		}
		// A snapshot that decodes is consistent: drawing indexes by these.
		if s.HasGrid {
			g := &s.Grid
			for _, st := range g.State {
				if int(st) >= len(g.V) || (st >= 0 && int(st+1)*g.A > len(g.Q)) {
					t.Fatalf("state %d beyond %d values", st, len(g.V))
				}
			}
		}
	})
}

func TestFileRoundTrip(t *testing.T) {
	f := File{Name: "labels.json", Type: "application/json", Data: []byte(`{"pairs": []}`)}
	got, err := DecodeFile(AppendFile(nil, &f))
	if err != nil || !reflect.DeepEqual(got, f) {
		t.Fatalf("%+v, %v", got, err)
	}
	if _, err := DecodeFile(AppendFile(nil, &f)[:5]); err == nil {
		t.Fatal("a cut file decoded")
	}
}
