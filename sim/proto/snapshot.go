package proto

import (
	"fmt"

	"bellman/sim/param"
)

// Scene names say which part of a snapshot is filled and how the page
// draws it.
const (
	SceneGrid    = "grid"    // planning on a grid world: Grid
	SceneLearn   = "learn"   // an agent learning a grid world: Grid
	SceneControl = "control" // a control task: Control
	SceneLab     = "lab"     // the stochastic-approximation lab: Lab
)

// Snapshot is what a host sends for drawing and for the page's status: a
// copy of everything on screen. Slices are the snapshot's own; decoding
// into a used snapshot reuses them.
type Snapshot struct {
	Seq       int64  // counts the snapshots of a host, from 1
	Applied   int64  // messages the host had handled when it made this one (those that Counts)
	Scene     string // one of the Scene names
	Kind      string // the kind of world, which decides the methods offered (Catalog.Algorithms)
	World     string // the world, control task or lab
	Algorithm string
	Lesson    string // the lesson the run was set up by, until the person changes world or algorithm
	Version   int    // changes whenever the schema or the grid's shape does
	Run       int    // counts restarts of the method: its curves start again
	Playing   bool
	Speed     float64 // steps a second; 0 as fast as possible
	// StepsPerSec is the steps (sweeps, environment steps) of the last
	// second; Updates the network updates of the last second, if any.
	StepsPerSec, UpdatesPerSec float64
	MemoryMB                   float64 // the host's memory from the system (Go's runtime, measured once a second)
	Busy                       bool    // stepping still changes something
	Diverged                   string  // what went NaN or infinite, if anything
	Crashed                    string  // the run stopped on an internal error (a panic): its message
	Counter                    string  // the header's counter, e.g. "sweep 133 ✓"
	Line                       []Mark  // the status line
	Notices                    []Notice
	Params                     []Param
	Progress                   Progress
	Charts                     []Chart
	StopAt                     int64 // pause at this step count (0: never)
	// TimelineAt is the kept moment this snapshot shows (−1: the run
	// live); TimelineSteps the steps of the moments kept, LiveSteps the
	// live run's step while an earlier moment is shown.
	TimelineAt    int
	TimelineSteps []float64
	LiveSteps     int64

	HasGrid bool
	Grid    Grid
	HasCtl  bool
	Control Control
	HasLab  bool
	Lab     Lab
	HasNet  bool
	Net     Net
	HasPair bool
	Pair    Pair
}

// Pair is the pair of trajectories a person is asked to compare (its
// cells are Grid.Trail for A and Grid.Trail2 for B).
type Pair struct {
	Index            int
	Pending          bool    // drawn, waiting for a label
	Person           bool    // labelled by a person
	P                float64 // the label: the probability A is preferred (NaN: none yet)
	ReturnA, ReturnB float64 // their true returns, shown once labelled
	Steps            int
}

// Net is a network view: the network's columns of units (inputs first),
// the weights between them and every unit's value over the Grid×Grid points
// of the state plane.
type Net struct {
	Title   string
	Sizes   []int32   // units of each column
	Weights []float64 // each layer's weights, out×in row-major, one after another
	Grid    int
	Maps    []float64 // unit-major: unit u of all columns counted in order at [u·Grid², (u+1)·Grid²)
}

// Mark is one part of the status line; Class is "", "done" or "error".
type Mark struct{ Text, Class string }

// Notice is a message for the person: what a command changed or why it
// failed. A snapshot carries the notices since the one before.
type Notice struct {
	Text  string
	Error bool
}

// Param is a parameter's declaration and its current value. Advanced ones
// are folded away on the page until asked for.
type Param struct {
	param.Spec
	Value    float64 `json:"value"`
	Advanced bool    `json:"advanced,omitempty"`
}

// Progress holds the counters of a run; each scene fills its own.
type Progress struct {
	Steps       int64   // sweeps (planning), environment steps, lab iterations
	Sweeps      int     // planning: sweeps since the start
	Iterations  int     // planning: policy improvements
	Delta       float64 // planning: max |Δv| of the last sweep
	Converged   bool    // planning: max |Δv| fell below the tolerance
	Episode     int     // episodes begun (control: finished)
	EpisodeStep int     // steps of the current episode
	Return      float64 // return of the current episode so far
	LastReturn  float64 // return of the last finished episode
	Mean10      float64 // mean return of the last 10 finished episodes (NaN before the first)
	Epsilon     float64 // exploration rate ε
	Optimal     float64 // share of reachable states whose greedy action is optimal
	Gap         float64 // max_s |v_π(s) − v*(s)| of the greedy policy
	GapStep     int64   // step of the last evaluation of the gap
	Updates     int64   // network updates
	ReplayLen   int
	ReplayCap   int
	Sigma       float64 // exploration noise σ
	Learning    bool    // past the random warm-up
	HeatmapStep int64   // step the heatmaps were computed at
	ValueMin    float64
	ValueMax    float64
}

// Chart is a live line chart: one or more series over a common x axis.
type Chart struct {
	Title     string
	Note      string // what is plotted
	XLabel    string // "sweep", "episode", …
	X0        int    // x of the first value of series without X
	Log       bool   // log-scale y axis
	Fixed     bool   // the y axis spans [YMin, YMax] whatever the data
	YMin      float64
	YMax      float64
	Line      float64 // a dashed reference line at y = Line, if LineLabel is set
	LineLabel string
	Series    []Series
}

// Series is one line of a chart; Smooth > 1 also draws its moving average
// over that many points.
type Series struct {
	Name   string
	Color  string
	Smooth int
	X      []float64 // x of each value; empty: X0, X0+1, …
	Y      []float64
}

// Layer is a switchable part of a grid's picture.
type Layer struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	On    bool   `json:"on"`
}

// Grid is what a grid scene draws: the world, a tabular method's values and
// policy, and a learning agent's position, trail, counts and marks.
type Grid struct {
	Rows, Cols int
	S, A       int
	Terminal   bool    // the target ends an episode
	Kinds      []byte  // layout characters, row-major (. F # T S C)
	State      []int32 // state of each cell, −1 for walls and cliffs
	V          []float64
	Q          []float64 // S×A
	Pi         []float64 // S×A: π(a|s)
	Layers     []Layer
	Scale      float64 // ±Scale is the colour range the host suggests (0: follow the data)

	// A learning agent's (empty for planning):
	VStar     []float64 // v* of the same γ
	Visits    []float64 // per state
	Traces    []float64 // Σ_a e(s,a) per state; empty without traces
	Optimal   []bool    // per state: the greedy action is optimal
	Reachable []bool    // per state: reachable from the start (empty: all are)
	Agent     int       // the agent's cell, −1 for none
	Trail     []int32   // cells of the current episode, its start first
	// Trail2 is a second path drawn beside Trail (the other trajectory of
	// a pair a person compares: Trail is A, Trail2 B).
	Trail2      []int32
	EpisodeDone bool // the last step ended an episode

	// Fields are what a method adds to the picture (a policy's entropy,
	// the exact gradient, an approximation's error, …), each drawn when the
	// layer of its key is on; Features are the basis functions φ_i(s) of a
	// linear method with their Weights (one per feature and action).
	Fields   []Field
	Features []Field
	Weights  []float64

	WorldFile string // the world as a world file, for the page's editor

	Selected bool
	Inspect  Inspect
}

// Field is a quantity over a grid's states (len S) or state-action pairs
// (len S×A, drawn as q-values are).
type Field struct {
	Key, Label string
	PerPair    bool
	// Sequential fields (counts, entropies) run from 0 to their largest
	// value on one colour; the others use the diverging value scale.
	Sequential bool
	Values     []float64
}

// Inspect holds the numbers of the selected cell.
type Inspect struct {
	Row, Col int
	Kind     string // the cell's kind: free, forbidden, …
	State    int    // −1 for a cell that is not a state
	V        float64
	Actions  []Action
	// A learning agent's:
	Learn         bool
	VStar         float64
	Visits        float64
	Trace         float64
	Greedy        int
	GreedyOptimal bool
}

// Action is one action of the selected cell.
type Action struct {
	Name     string
	Q, Pi    float64
	Outcomes []Outcome // where it leads, with the model (planning only)
}

// Outcome is one possible result of taking an action.
type Outcome struct {
	Row, Col int
	Prob     float64
	Reward   float64
}

// Plane is the rectangle of the state space the heatmaps span.
type Plane struct {
	XLabel, YLabel string
	XMin, XMax     float64
	YMin, YMax     float64
}

// Heatmap is a function over the plane at Grid×Grid points, row j = 0 at
// YMin: Values[j*Grid+i]. Range > 0 fixes the colour range at ±Range; 0
// follows the data. Arrows, if set, holds a 2D vector per point.
type Heatmap struct {
	Title  string
	Range  float64
	Values []float64
	Arrows []float64
	// Classes > 0 makes Values indices of Classes categories (a greedy
	// action), coloured apart and named by Names.
	Classes int
	Names   []string
	// LinesX and LinesY are edges to draw across the plane (tiles), in
	// the plane's units.
	LinesX, LinesY []float64
}

// Region is a point-mass region: a box or a circle.
type Region struct {
	Circle         bool
	Forbidden      bool
	X0, Y0, X1, Y1 float64
	CX, CY, R      float64
}

// Control is what a control scene draws: the task and its heatmaps.
type Control struct {
	Env, Agent         string
	Actions            int       // discrete actions (0: continuous ones)
	State              []float64 // the task's internal state
	Action             []float64 // the last action (zero before the first step)
	ActionLo, ActionHi []float64
	Regions            []Region // the point mass's target and forbidden regions
	Plane              Plane
	Grid               int
	Heatmaps           []Heatmap
	Traj, PrevTraj     []float64 // points in the plane, u and v interleaved
	Layers             []Layer   // the views that can be switched (a network view)
	Status             string    // how the agent acts now: "random warm-up", "ε-greedy, ε 0.05", …
}

// Lab is what the stochastic-approximation lab draws, up to iteration K.
type Lab struct {
	K, Iterations int
	Batch         int
	Schedule      string
	Spread        float64
	TrueMean      float64
	RMRoot        float64
	Mean, RM      []float64 // iterates w_0 … w_K
	Samples       []float64 // the 1D samples
	Points        []float64 // the 2D points, x and y interleaved
	Centre        [2]float64
	SGD, MBGD, GD []float64 // 2D iterates w_0 … w_K, interleaved
}

// maxGridCells bounds a grid's cells and maxHeatmap a heatmap's side.
const (
	maxGridCells = 1 << 20
	maxHeatmap   = 512
)

// AppendSnapshot appends a message holding s to dst.
func AppendSnapshot(dst []byte, s *Snapshot) []byte {
	w := writer{dst}
	w.u8(kindSnapshot)
	w.int(int(s.Seq))
	w.int(int(s.Applied))
	w.str(s.Scene)
	w.str(s.Kind)
	w.str(s.World)
	w.str(s.Algorithm)
	w.str(s.Lesson)
	w.int(s.Version)
	w.int(s.Run)
	w.bool(s.Playing)
	w.f64(s.Speed)
	w.f64(s.StepsPerSec)
	w.f64(s.UpdatesPerSec)
	w.f64(s.MemoryMB)
	w.bool(s.Busy)
	w.str(s.Diverged)
	w.str(s.Crashed)
	w.str(s.Counter)
	w.uint(uint64(len(s.Line)))
	for _, m := range s.Line {
		w.str(m.Text)
		w.str(m.Class)
	}
	w.uint(uint64(len(s.Notices)))
	for _, n := range s.Notices {
		w.str(n.Text)
		w.bool(n.Error)
	}
	w.uint(uint64(len(s.Params)))
	for i := range s.Params {
		writeParam(&w, &s.Params[i])
	}
	writeProgress(&w, &s.Progress)
	w.uint(uint64(len(s.Charts)))
	for i := range s.Charts {
		writeChart(&w, &s.Charts[i])
	}
	w.int(int(s.StopAt))
	w.int(s.TimelineAt)
	w.f64s(s.TimelineSteps)
	w.int(int(s.LiveSteps))
	w.bool(s.HasGrid)
	if s.HasGrid {
		writeGrid(&w, &s.Grid)
	}
	w.bool(s.HasCtl)
	if s.HasCtl {
		writeControl(&w, &s.Control)
	}
	w.bool(s.HasLab)
	if s.HasLab {
		writeLab(&w, &s.Lab)
	}
	w.bool(s.HasNet)
	if s.HasNet {
		writeNet(&w, &s.Net)
	}
	w.bool(s.HasPair)
	if s.HasPair {
		p := &s.Pair
		w.int(p.Index)
		w.bool(p.Pending)
		w.bool(p.Person)
		w.f64(p.P)
		w.f64(p.ReturnA)
		w.f64(p.ReturnB)
		w.int(p.Steps)
	}
	return w.b
}

func writeParam(w *writer, p *Param) {
	w.str(p.Key)
	w.str(p.Label)
	w.str(string(p.Kind))
	w.f64(p.Min)
	w.f64(p.Max)
	w.f64(p.Step)
	w.f64(p.Default)
	w.bool(p.Log)
	w.bool(p.Reset)
	w.str(p.Help)
	w.strs(p.Choices)
	w.f64(p.Value)
	w.bool(p.Advanced)
}

func writeProgress(w *writer, p *Progress) {
	w.int(int(p.Steps))
	w.int(p.Sweeps)
	w.int(p.Iterations)
	w.f64(p.Delta)
	w.bool(p.Converged)
	w.int(p.Episode)
	w.int(p.EpisodeStep)
	w.f64(p.Return)
	w.f64(p.LastReturn)
	w.f64(p.Mean10)
	w.f64(p.Epsilon)
	w.f64(p.Optimal)
	w.f64(p.Gap)
	w.int(int(p.GapStep))
	w.int(int(p.Updates))
	w.int(p.ReplayLen)
	w.int(p.ReplayCap)
	w.f64(p.Sigma)
	w.bool(p.Learning)
	w.int(int(p.HeatmapStep))
	w.f64(p.ValueMin)
	w.f64(p.ValueMax)
}

func writeChart(w *writer, c *Chart) {
	w.str(c.Title)
	w.str(c.Note)
	w.str(c.XLabel)
	w.int(c.X0)
	w.bool(c.Log)
	w.bool(c.Fixed)
	w.f64(c.YMin)
	w.f64(c.YMax)
	w.f64(c.Line)
	w.str(c.LineLabel)
	w.uint(uint64(len(c.Series)))
	for _, se := range c.Series {
		w.str(se.Name)
		w.str(se.Color)
		w.int(se.Smooth)
		w.f64s(se.X)
		w.f64s(se.Y)
	}
}

func writeGrid(w *writer, g *Grid) {
	w.int(g.Rows)
	w.int(g.Cols)
	w.int(g.S)
	w.int(g.A)
	w.bool(g.Terminal)
	w.bytes(g.Kinds)
	w.ints(g.State)
	w.f64s(g.V)
	w.f64s(g.Q)
	w.f64s(g.Pi)
	w.uint(uint64(len(g.Layers)))
	for _, l := range g.Layers {
		w.str(l.Key)
		w.str(l.Label)
		w.bool(l.On)
	}
	w.f64(g.Scale)
	w.f64s(g.VStar)
	w.f64s(g.Visits)
	w.f64s(g.Traces)
	w.bools(g.Optimal)
	w.bools(g.Reachable)
	w.int(g.Agent)
	w.ints(g.Trail)
	w.ints(g.Trail2)
	w.bool(g.EpisodeDone)
	writeFields(w, g.Fields)
	writeFields(w, g.Features)
	w.f64s(g.Weights)
	w.str(g.WorldFile)
	w.bool(g.Selected)
	if g.Selected {
		in := &g.Inspect
		w.int(in.Row)
		w.int(in.Col)
		w.str(in.Kind)
		w.int(in.State)
		w.f64(in.V)
		w.uint(uint64(len(in.Actions)))
		for _, a := range in.Actions {
			w.str(a.Name)
			w.f64(a.Q)
			w.f64(a.Pi)
			w.uint(uint64(len(a.Outcomes)))
			for _, o := range a.Outcomes {
				w.int(o.Row)
				w.int(o.Col)
				w.f64(o.Prob)
				w.f64(o.Reward)
			}
		}
		w.bool(in.Learn)
		w.f64(in.VStar)
		w.f64(in.Visits)
		w.f64(in.Trace)
		w.int(in.Greedy)
		w.bool(in.GreedyOptimal)
	}
}

func writeFields(w *writer, fs []Field) {
	w.uint(uint64(len(fs)))
	for _, f := range fs {
		w.str(f.Key)
		w.str(f.Label)
		w.bool(f.PerPair)
		w.bool(f.Sequential)
		w.f64s(f.Values)
	}
}

func readFields(r *reader, field string, fs []Field) []Field {
	n := r.length(field, 5)
	fs = resize(fs, n)
	for i := range fs {
		f := &fs[i]
		r.strInto("field.key", &f.Key)
		r.strInto("field.label", &f.Label)
		f.PerPair = r.bool("field.perPair")
		f.Sequential = r.bool("field.sequential")
		f.Values = r.f64s("field.values", f.Values)
	}
	return fs
}

func writeControl(w *writer, c *Control) {
	w.str(c.Env)
	w.str(c.Agent)
	w.int(c.Actions)
	w.f64s(c.State)
	w.f64s(c.Action)
	w.f64s(c.ActionLo)
	w.f64s(c.ActionHi)
	w.uint(uint64(len(c.Regions)))
	for _, r := range c.Regions {
		w.bool(r.Circle)
		w.bool(r.Forbidden)
		for _, x := range [7]float64{r.X0, r.Y0, r.X1, r.Y1, r.CX, r.CY, r.R} {
			w.f64(x)
		}
	}
	p := &c.Plane
	w.str(p.XLabel)
	w.str(p.YLabel)
	w.f64(p.XMin)
	w.f64(p.XMax)
	w.f64(p.YMin)
	w.f64(p.YMax)
	w.int(c.Grid)
	w.uint(uint64(len(c.Heatmaps)))
	for _, h := range c.Heatmaps {
		w.str(h.Title)
		w.f64(h.Range)
		w.f64s(h.Values)
		w.f64s(h.Arrows)
		w.int(h.Classes)
		w.strs(h.Names)
		w.f64s(h.LinesX)
		w.f64s(h.LinesY)
	}
	w.f64s(c.Traj)
	w.f64s(c.PrevTraj)
	writeLayers(w, c.Layers)
	w.str(c.Status)
}

func writeLayers(w *writer, ls []Layer) {
	w.uint(uint64(len(ls)))
	for _, l := range ls {
		w.str(l.Key)
		w.str(l.Label)
		w.bool(l.On)
	}
}

func readLayers(r *reader, ls []Layer) []Layer {
	n := r.length("layers", 3)
	ls = resize(ls, n)
	for i := range ls {
		r.strInto("layer.key", &ls[i].Key)
		r.strInto("layer.label", &ls[i].Label)
		ls[i].On = r.bool("layer.on")
	}
	return ls
}

func writeNet(w *writer, n *Net) {
	w.str(n.Title)
	w.ints(n.Sizes)
	w.f64s(n.Weights)
	w.int(n.Grid)
	w.f64s(n.Maps)
}

func readNet(r *reader, n *Net) {
	r.strInto("net.title", &n.Title)
	n.Sizes = r.ints("net.sizes", n.Sizes)
	n.Weights = r.f64s("net.weights", n.Weights)
	n.Grid = r.count("net.grid", maxHeatmap)
	n.Maps = r.f64s("net.maps", n.Maps)
}

func (n *Net) check() error {
	units, weights := 0, 0
	for i, s := range n.Sizes {
		if s < 1 || s > 1<<16 {
			return fmt.Errorf("a column of %d units", s)
		}
		units += int(s)
		if i > 0 {
			weights += int(s) * int(n.Sizes[i-1])
		}
	}
	if len(n.Weights) != weights || len(n.Maps) != units*n.Grid*n.Grid {
		return fmt.Errorf("%d weights and %d map values for columns %v on a %d² plane", len(n.Weights), len(n.Maps), n.Sizes, n.Grid)
	}
	return nil
}

func writeLab(w *writer, l *Lab) {
	w.int(l.K)
	w.int(l.Iterations)
	w.int(l.Batch)
	w.str(l.Schedule)
	w.f64(l.Spread)
	w.f64(l.TrueMean)
	w.f64(l.RMRoot)
	w.f64s(l.Mean)
	w.f64s(l.RM)
	w.f64s(l.Samples)
	w.f64s(l.Points)
	w.f64(l.Centre[0])
	w.f64(l.Centre[1])
	w.f64s(l.SGD)
	w.f64s(l.MBGD)
	w.f64s(l.GD)
}

// DecodeSnapshot reads a message made by AppendSnapshot into s, reusing
// its buffers, and checks that what it read is consistent (every index in
// range, every length what the shape says), so drawing it cannot fail. On
// error s holds a partial snapshot that must not be drawn.
func DecodeSnapshot(msg []byte, s *Snapshot) error {
	r := reader{b: msg}
	if k := r.u8("kind"); r.err == nil && k != kindSnapshot {
		return fmt.Errorf("snapshot: message of kind %q, not a snapshot", k)
	}
	s.Seq = r.long("seq")
	s.Applied = r.long("applied")
	r.strInto("scene", &s.Scene)
	r.strInto("kind", &s.Kind)
	r.strInto("world", &s.World)
	r.strInto("algorithm", &s.Algorithm)
	r.strInto("lesson", &s.Lesson)
	s.Version = r.int("version")
	s.Run = r.int("run")
	s.Playing = r.bool("playing")
	s.Speed = r.f64("speed")
	s.StepsPerSec = r.f64("stepsPerSec")
	s.UpdatesPerSec = r.f64("updatesPerSec")
	s.MemoryMB = r.f64("memoryMB")
	s.Busy = r.bool("busy")
	r.strInto("diverged", &s.Diverged)
	r.strInto("crashed", &s.Crashed)
	r.strInto("counter", &s.Counter)
	n := r.length("line", 2)
	s.Line = resize(s.Line, n)
	for i := range s.Line {
		r.strInto("line", &s.Line[i].Text)
		r.strInto("line", &s.Line[i].Class)
	}
	n = r.length("notices", 2)
	s.Notices = resize(s.Notices, n)
	for i := range s.Notices {
		r.strInto("notice", &s.Notices[i].Text)
		s.Notices[i].Error = r.bool("notice")
	}
	n = r.length("params", 40)
	s.Params = resize(s.Params, n)
	for i := range s.Params {
		readParam(&r, &s.Params[i])
	}
	readProgress(&r, &s.Progress)
	n = r.length("charts", 40)
	s.Charts = resize(s.Charts, n)
	for i := range s.Charts {
		readChart(&r, &s.Charts[i])
	}
	s.StopAt = r.long("stopAt")
	s.TimelineAt = r.int("timelineAt")
	s.TimelineSteps = r.f64s("timelineSteps", s.TimelineSteps)
	s.LiveSteps = r.long("liveSteps")
	if s.HasGrid = r.bool("hasGrid"); s.HasGrid {
		readGrid(&r, &s.Grid)
	}
	if s.HasCtl = r.bool("hasControl"); s.HasCtl {
		readControl(&r, &s.Control)
	}
	if s.HasLab = r.bool("hasLab"); s.HasLab {
		readLab(&r, &s.Lab)
	}
	if s.HasNet = r.bool("hasNet"); s.HasNet {
		readNet(&r, &s.Net)
	}
	if s.HasPair = r.bool("hasPair"); s.HasPair {
		p := &s.Pair
		p.Index = r.int("pair.index")
		p.Pending = r.bool("pair.pending")
		p.Person = r.bool("pair.person")
		p.P = r.f64("pair.p")
		p.ReturnA = r.f64("pair.returnA")
		p.ReturnB = r.f64("pair.returnB")
		p.Steps = r.int("pair.steps")
	}
	if r.err == nil && r.off != len(msg) {
		r.fail("end", "%d bytes after the snapshot", len(msg)-r.off)
	}
	if r.err != nil {
		return fmt.Errorf("snapshot: %v", r.err)
	}
	if err := s.check(); err != nil {
		return fmt.Errorf("snapshot: %v", err)
	}
	return nil
}

// resize returns b with length n, reusing its elements' buffers.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		nb := make([]T, n)
		copy(nb, b[:cap(b)])
		return nb
	}
	return b[:n]
}

func readParam(r *reader, p *Param) {
	r.strInto("param.key", &p.Key)
	r.strInto("param.label", &p.Label)
	kind := string(p.Kind)
	r.strInto("param.kind", &kind)
	p.Kind = param.Kind(kind)
	p.Min = r.f64("param.min")
	p.Max = r.f64("param.max")
	p.Step = r.f64("param.step")
	p.Default = r.f64("param.default")
	p.Log = r.bool("param.log")
	p.Reset = r.bool("param.reset")
	r.strInto("param.help", &p.Help)
	p.Choices = r.strs("param.choices", p.Choices)
	p.Value = r.f64("param.value")
	p.Advanced = r.bool("param.advanced")
}

func readProgress(r *reader, p *Progress) {
	p.Steps = r.long("progress.steps")
	p.Sweeps = r.int("progress.sweeps")
	p.Iterations = r.int("progress.iterations")
	p.Delta = r.f64("progress.delta")
	p.Converged = r.bool("progress.converged")
	p.Episode = r.int("progress.episode")
	p.EpisodeStep = r.int("progress.episodeStep")
	p.Return = r.f64("progress.return")
	p.LastReturn = r.f64("progress.lastReturn")
	p.Mean10 = r.f64("progress.mean10")
	p.Epsilon = r.f64("progress.epsilon")
	p.Optimal = r.f64("progress.optimal")
	p.Gap = r.f64("progress.gap")
	p.GapStep = r.long("progress.gapStep")
	p.Updates = r.long("progress.updates")
	p.ReplayLen = r.int("progress.replayLen")
	p.ReplayCap = r.int("progress.replayCap")
	p.Sigma = r.f64("progress.sigma")
	p.Learning = r.bool("progress.learning")
	p.HeatmapStep = r.long("progress.heatmapStep")
	p.ValueMin = r.f64("progress.valueMin")
	p.ValueMax = r.f64("progress.valueMax")
}

func readChart(r *reader, c *Chart) {
	r.strInto("chart.title", &c.Title)
	r.strInto("chart.note", &c.Note)
	r.strInto("chart.xlabel", &c.XLabel)
	c.X0 = r.int("chart.x0")
	c.Log = r.bool("chart.log")
	c.Fixed = r.bool("chart.fixed")
	c.YMin = r.f64("chart.ymin")
	c.YMax = r.f64("chart.ymax")
	c.Line = r.f64("chart.line")
	r.strInto("chart.lineLabel", &c.LineLabel)
	n := r.length("chart.series", 6)
	c.Series = resize(c.Series, n)
	for i := range c.Series {
		se := &c.Series[i]
		r.strInto("series.name", &se.Name)
		r.strInto("series.color", &se.Color)
		se.Smooth = r.int("series.smooth")
		se.X = r.f64s("series.x", se.X)
		se.Y = r.f64s("series.y", se.Y)
	}
}

func readGrid(r *reader, g *Grid) {
	g.Rows = r.count("grid.rows", maxGridCells)
	g.Cols = r.count("grid.cols", maxGridCells)
	g.S = r.count("grid.s", maxGridCells)
	g.A = r.count("grid.a", 5)
	g.Terminal = r.bool("grid.terminal")
	g.Kinds = r.bytes("grid.kinds", g.Kinds)
	g.State = r.ints("grid.state", g.State)
	g.V = r.f64s("grid.v", g.V)
	g.Q = r.f64s("grid.q", g.Q)
	g.Pi = r.f64s("grid.pi", g.Pi)
	n := r.length("grid.layers", 3)
	g.Layers = resize(g.Layers, n)
	for i := range g.Layers {
		r.strInto("layer.key", &g.Layers[i].Key)
		r.strInto("layer.label", &g.Layers[i].Label)
		g.Layers[i].On = r.bool("layer.on")
	}
	g.Scale = r.f64("grid.scale")
	g.VStar = r.f64s("grid.vstar", g.VStar)
	g.Visits = r.f64s("grid.visits", g.Visits)
	g.Traces = r.f64s("grid.traces", g.Traces)
	g.Optimal = r.bools("grid.optimal", g.Optimal)
	g.Reachable = r.bools("grid.reachable", g.Reachable)
	g.Agent = r.int("grid.agent")
	g.Trail = r.ints("grid.trail", g.Trail)
	g.Trail2 = r.ints("grid.trail2", g.Trail2)
	g.EpisodeDone = r.bool("grid.episodeDone")
	g.Fields = readFields(r, "grid.fields", g.Fields)
	g.Features = readFields(r, "grid.features", g.Features)
	g.Weights = r.f64s("grid.weights", g.Weights)
	r.strInto("grid.worldFile", &g.WorldFile)
	g.Selected = r.bool("grid.selected")
	if !g.Selected {
		return
	}
	in := &g.Inspect
	in.Row = r.int("inspect.row")
	in.Col = r.int("inspect.col")
	r.strInto("inspect.kind", &in.Kind)
	in.State = r.int("inspect.state")
	in.V = r.f64("inspect.v")
	n = r.length("inspect.actions", 18)
	in.Actions = resize(in.Actions, n)
	for i := range in.Actions {
		a := &in.Actions[i]
		r.strInto("action.name", &a.Name)
		a.Q = r.f64("action.q")
		a.Pi = r.f64("action.pi")
		m := r.length("action.outcomes", 18)
		a.Outcomes = resize(a.Outcomes, m)
		for j := range a.Outcomes {
			o := &a.Outcomes[j]
			o.Row = r.int("outcome.row")
			o.Col = r.int("outcome.col")
			o.Prob = r.f64("outcome.prob")
			o.Reward = r.f64("outcome.reward")
		}
	}
	in.Learn = r.bool("inspect.learn")
	in.VStar = r.f64("inspect.vstar")
	in.Visits = r.f64("inspect.visits")
	in.Trace = r.f64("inspect.trace")
	in.Greedy = r.int("inspect.greedy")
	in.GreedyOptimal = r.bool("inspect.greedyOptimal")
}

func readControl(r *reader, c *Control) {
	r.strInto("control.env", &c.Env)
	r.strInto("control.agent", &c.Agent)
	c.Actions = r.count("control.actions", 1<<16)
	c.State = r.f64s("control.state", c.State)
	c.Action = r.f64s("control.action", c.Action)
	c.ActionLo = r.f64s("control.actionLo", c.ActionLo)
	c.ActionHi = r.f64s("control.actionHi", c.ActionHi)
	n := r.length("control.regions", 58)
	c.Regions = resize(c.Regions, n)
	for i := range c.Regions {
		g := &c.Regions[i]
		g.Circle = r.bool("region.circle")
		g.Forbidden = r.bool("region.forbidden")
		for _, p := range [7]*float64{&g.X0, &g.Y0, &g.X1, &g.Y1, &g.CX, &g.CY, &g.R} {
			*p = r.f64("region")
		}
	}
	p := &c.Plane
	r.strInto("plane.xlabel", &p.XLabel)
	r.strInto("plane.ylabel", &p.YLabel)
	p.XMin = r.f64("plane.xmin")
	p.XMax = r.f64("plane.xmax")
	p.YMin = r.f64("plane.ymin")
	p.YMax = r.f64("plane.ymax")
	c.Grid = r.count("control.grid", maxHeatmap)
	n = r.length("control.heatmaps", 11)
	c.Heatmaps = resize(c.Heatmaps, n)
	for i := range c.Heatmaps {
		h := &c.Heatmaps[i]
		r.strInto("heatmap.title", &h.Title)
		h.Range = r.f64("heatmap.range")
		h.Values = r.f64s("heatmap.values", h.Values)
		h.Arrows = r.f64s("heatmap.arrows", h.Arrows)
		h.Classes = r.count("heatmap.classes", 1<<16)
		h.Names = r.strs("heatmap.names", h.Names)
		h.LinesX = r.f64s("heatmap.linesX", h.LinesX)
		h.LinesY = r.f64s("heatmap.linesY", h.LinesY)
	}
	c.Traj = r.f64s("control.traj", c.Traj)
	c.PrevTraj = r.f64s("control.prevTraj", c.PrevTraj)
	c.Layers = readLayers(r, c.Layers)
	r.strInto("control.status", &c.Status)
}

func readLab(r *reader, l *Lab) {
	l.K = r.count("lab.k", maxLen)
	l.Iterations = r.count("lab.iterations", maxLen)
	l.Batch = r.int("lab.batch")
	r.strInto("lab.schedule", &l.Schedule)
	l.Spread = r.f64("lab.spread")
	l.TrueMean = r.f64("lab.trueMean")
	l.RMRoot = r.f64("lab.rmRoot")
	l.Mean = r.f64s("lab.mean", l.Mean)
	l.RM = r.f64s("lab.rm", l.RM)
	l.Samples = r.f64s("lab.samples", l.Samples)
	l.Points = r.f64s("lab.points", l.Points)
	l.Centre[0] = r.f64("lab.centre")
	l.Centre[1] = r.f64("lab.centre")
	l.SGD = r.f64s("lab.sgd", l.SGD)
	l.MBGD = r.f64s("lab.mbgd", l.MBGD)
	l.GD = r.f64s("lab.gd", l.GD)
}

// check reports the first inconsistency of a decoded snapshot.
func (s *Snapshot) check() error {
	for i := range s.Charts {
		for _, se := range s.Charts[i].Series {
			if len(se.X) != 0 && len(se.X) != len(se.Y) {
				return fmt.Errorf("chart %q: series %q has %d x values for %d y values", s.Charts[i].Title, se.Name, len(se.X), len(se.Y))
			}
		}
	}
	if s.HasGrid {
		if err := s.Grid.check(); err != nil {
			return fmt.Errorf("grid: %v", err)
		}
	}
	if s.HasCtl {
		if err := s.Control.check(); err != nil {
			return fmt.Errorf("control: %v", err)
		}
	}
	if s.HasLab {
		if err := s.Lab.check(); err != nil {
			return fmt.Errorf("lab: %v", err)
		}
	}
	if s.HasNet {
		if err := s.Net.check(); err != nil {
			return fmt.Errorf("network: %v", err)
		}
	}
	return nil
}

func (g *Grid) check() error {
	cells := g.Rows * g.Cols
	switch {
	case g.Rows > 0 && cells/g.Rows != g.Cols, cells > maxGridCells:
		return fmt.Errorf("%d×%d cells is too many", g.Rows, g.Cols)
	case len(g.Kinds) != cells || len(g.State) != cells:
		return fmt.Errorf("%d kinds and %d states for %d cells", len(g.Kinds), len(g.State), cells)
	case len(g.V) != g.S:
		return fmt.Errorf("%d values for %d states", len(g.V), g.S)
	case len(g.Q) != g.S*g.A || len(g.Pi) != g.S*g.A:
		return fmt.Errorf("%d q-values and %d probabilities for %d×%d pairs", len(g.Q), len(g.Pi), g.S, g.A)
	}
	for _, st := range g.State {
		if st < -1 || int(st) >= g.S {
			return fmt.Errorf("state %d outside [−1, %d)", st, g.S)
		}
	}
	for i, n := range [...]int{len(g.VStar), len(g.Visits), len(g.Traces), len(g.Optimal), len(g.Reachable)} {
		if n != 0 && n != g.S {
			return fmt.Errorf("%d %s values for %d states", n, [...]string{"v*", "visits", "traces", "optimal", "reachable"}[i], g.S)
		}
	}
	for _, f := range g.Fields {
		if n := len(f.Values); (f.PerPair && n != g.S*g.A) || (!f.PerPair && n != g.S) {
			return fmt.Errorf("field %q: %d values for %d states × %d actions (per pair %v)", f.Key, n, g.S, g.A, f.PerPair)
		}
	}
	for _, f := range g.Features {
		if len(f.Values) != g.S {
			return fmt.Errorf("feature %q: %d values for %d states", f.Key, len(f.Values), g.S)
		}
	}
	if g.Agent < -1 || g.Agent >= cells {
		return fmt.Errorf("agent in cell %d of %d", g.Agent, cells)
	}
	for _, tr := range [2][]int32{g.Trail, g.Trail2} {
		for _, c := range tr {
			if c < 0 || int(c) >= cells {
				return fmt.Errorf("trail through cell %d of %d", c, cells)
			}
		}
	}
	if g.Selected {
		in := &g.Inspect
		if in.Row < 0 || in.Row >= g.Rows || in.Col < 0 || in.Col >= g.Cols {
			return fmt.Errorf("selected cell (%d, %d) outside the grid", in.Row, in.Col)
		}
		if len(in.Actions) > g.A || in.State < -1 || in.State >= g.S {
			return fmt.Errorf("inspector: %d actions, state %d", len(in.Actions), in.State)
		}
	}
	return nil
}

func (c *Control) check() error {
	pts := c.Grid * c.Grid
	for _, h := range c.Heatmaps {
		if len(h.Values) != pts || (len(h.Arrows) != 0 && len(h.Arrows) != 2*pts) {
			return fmt.Errorf("heatmap %q: %d values and %d arrow components for %d points", h.Title, len(h.Values), len(h.Arrows), pts)
		}
		if len(h.Names) != 0 && len(h.Names) != h.Classes {
			return fmt.Errorf("heatmap %q: %d names for %d classes", h.Title, len(h.Names), h.Classes)
		}
	}
	if len(c.Traj)%2 != 0 || len(c.PrevTraj)%2 != 0 {
		return fmt.Errorf("a trajectory of an odd number of coordinates")
	}
	if len(c.ActionLo) != len(c.ActionHi) || (len(c.Action) != 0 && len(c.Action) != len(c.ActionHi)) {
		return fmt.Errorf("%d action components with bounds of %d and %d", len(c.Action), len(c.ActionLo), len(c.ActionHi))
	}
	return nil
}

func (l *Lab) check() error {
	n := l.K + 1
	if l.K > l.Iterations || len(l.Mean) != n || len(l.RM) != n ||
		len(l.SGD) != 2*n || len(l.MBGD) != 2*n || len(l.GD) != 2*n || len(l.Points)%2 != 0 {
		return fmt.Errorf("iterates up to k = %d do not match (%d, %d, %d, %d, %d)", l.K, len(l.Mean), len(l.RM), len(l.SGD), len(l.MBGD), len(l.GD))
	}
	return nil
}
