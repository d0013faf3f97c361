package app

import (
	"encoding/json"
	"math"
	"strconv"
	"sync"

	"bellman/assets"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/session"
)

// Command is one request from the page, applied by the game loop between
// ticks.
type Command struct {
	Op    string  // play, pause, toggle, step, reset, set, world, load, algorithm, speed, layer, select, click, lesson
	Key   string  // parameter key, layer name, world, algorithm or lesson name
	Value float64 // parameter value, speed, layer on (1) or off (0); click: x
	Row   int     // select: row; click: y
	Col   int
}

// Bridge carries commands from the page to the game and the published
// status back. Its methods are safe for concurrent use: JS callbacks run on
// their own goroutines.
type Bridge struct {
	mu     sync.Mutex
	queue  []Command
	status Status
	ready  bool
	json   string // the status as JSON, made on demand after each publish
}

// Push queues a command.
// A set that follows a set of the same key replaces it, so that a slider
// dragged through many values while a frame runs costs one change, not one
// each (a new γ re-solves the world the agent is measured against).
func (b *Bridge) Push(c Command) {
	b.mu.Lock()
	if n := len(b.queue); n > 0 && c.Op == "set" && b.queue[n-1].Op == "set" && b.queue[n-1].Key == c.Key {
		b.queue[n-1] = c
	} else {
		b.queue = append(b.queue, c)
	}
	b.mu.Unlock()
}

// drain moves the queued commands into dst[:0] and returns it.
func (b *Bridge) drain(dst []Command) []Command {
	b.mu.Lock()
	dst = append(dst[:0], b.queue...)
	b.queue = b.queue[:0]
	b.mu.Unlock()
	return dst
}

// publish copies the game's status under the lock, reusing buffers.
func (b *Bridge) publish(s *Status) {
	b.mu.Lock()
	b.status.copyFrom(s)
	b.ready, b.json = true, ""
	b.mu.Unlock()
}

// StatusJSON returns the latest status as JSON, made at most once per
// publish however often the page asks.
func (b *Bridge) StatusJSON() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.ready {
		return `{"ready": false}`
	}
	if b.json == "" {
		data, err := json.Marshal(b.status.view())
		if err != nil {
			msg, _ := json.Marshal("status: " + err.Error())
			return `{"ready": false, "error": ` + string(msg) + `}`
		}
		b.json = string(data)
	}
	return b.json
}

// nums is a list of floats that JSON writes in one buffer, non-finite ones
// as null: a chart's thousands of values cost one allocation, not one each.
type nums []float64

// MarshalJSON writes the list.
func (ns nums) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 2+12*len(ns))
	buf = append(buf, '[')
	for i, x := range ns {
		if i > 0 {
			buf = append(buf, ',')
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			buf = append(buf, "null"...)
		} else {
			buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
		}
	}
	return append(buf, ']'), nil
}

// num is a float that JSON writes as null when it is not finite.
type num float64

// MarshalJSON writes n, or null for NaN and ±Inf.
func (n num) MarshalJSON() ([]byte, error) {
	x := float64(n)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

// setParams fills st.Params from a schema and the current values, reusing
// its buffer.
func setParams(st *Status, schema param.Schema, value func(key string) float64) {
	st.Params = st.Params[:0]
	for _, sp := range schema {
		st.Params = append(st.Params, ParamState{Spec: sp, Value: value(sp.Key)})
	}
}

// ParamState is a parameter's declaration and its current value.
type ParamState struct {
	param.Spec
	Value float64 `json:"value"`
}

// Inspect holds the numbers of the selected cell.
type Inspect struct {
	Row, Col int
	Kind     string
	State    int
	V        float64
	Q        [5]float64
	Pi       [5]float64
	Out      [5][3]session.Outcome
	NOut     [5]int

	// For a learning agent:
	Learn         bool
	Visits        int
	Trace         float64
	VStar         float64
	Greedy        int
	GreedyOptimal bool
}

// Status is what the game publishes for the page: progress, parameters,
// values and timings.
type Status struct {
	Frame           int
	Playing         bool
	Speed           float64
	World           string
	Algorithm       string
	WorldGroups     []Group
	AlgorithmGroups []Group
	Version         int
	Params          []ParamState
	Sweeps          int
	Iterations      int
	Delta           float64
	Converged       bool
	Charts          []Chart
	Rows, Cols      int
	A               int
	State           []int     // state of each cell, -1 for walls and cliffs
	V               []float64 // v(s)
	Kinds           []byte    // layout characters, row-major
	Scale           float64   // the colour scale's current range ±Scale
	Layers          []layer
	Scene           string // grid, learn or control
	Learn           LearnStatus
	Control         ControlStatus
	Selected        bool
	Inspect         Inspect
	Notice          string
	NoticeSeq       int
	UpdateMs        float64
	DrawMs          float64
	FirstFrameMs    float64
	Steps           int // sweeps or steps run in the last second
	Geom            Geom
	WorldFile       string // the current world as a world file
	Startup         Startup
	Diverged        string         // what went non-finite, if learning diverged
	Lesson          *assets.Lesson // the lesson the scene was set up by, if any
	AllocsPerFrame  float64        // heap allocations per frame, measured each second
	// GameAllocsPerFrame is the heap allocations per frame inside Update
	// and Draw, without the page's status requests.
	GameAllocsPerFrame float64
}

// Chart is a live line chart for the page: one or more series over a
// common x axis.
type Chart struct {
	Title     string
	Note      string // a subtitle: what is plotted
	XLabel    string // "sweep", "episode", …
	X0        int    // x of each series' first value
	Log       bool   // log-scale y axis
	Line      float64
	LineLabel string // a dashed reference line at y = Line, if labelled
	Fixed     bool   // the y axis spans [YMin, YMax] whatever the data
	YMin      float64
	YMax      float64
	Series    []Series
}

// Series is one line of a chart. Smooth > 1 also draws its moving average
// over that many points.
type Series struct {
	Name   string
	Color  string
	Values []float64
	X      []float64 // x of each value; nil: X0, X0+1, …
	Smooth int
}

// copyCharts copies src into dst, reusing dst's buffers.
func copyCharts(dst, src []Chart) []Chart {
	for len(dst) < len(src) {
		dst = append(dst, Chart{})
	}
	dst = dst[:len(src)]
	for i := range src {
		series := dst[i].Series
		dst[i] = src[i]
		for len(series) < len(src[i].Series) {
			series = append(series, Series{})
		}
		series = series[:len(src[i].Series)]
		for j, se := range src[i].Series {
			vals, xs := series[j].Values, series[j].X
			series[j] = se
			series[j].Values = append(vals[:0], se.Values...)
			if se.X != nil {
				series[j].X = append(xs[:0], se.X...)
			}
		}
		dst[i].Series = series
	}
	return dst
}

// Geom is where the grid was last drawn, in canvas pixels.
type Geom struct{ X, Y, Cell float64 }

func (s *Status) copyFrom(o *Status) {
	charts, params, state, v, kinds, layers := s.Charts, s.Params, s.State, s.V, s.Kinds, s.Layers
	*s = *o
	s.Charts = copyCharts(charts, o.Charts)
	s.Params = append(params[:0], o.Params...)
	s.State = append(state[:0], o.State...)
	s.V = append(v[:0], o.V...)
	s.Kinds = append(kinds[:0], o.Kinds...)
	s.Layers = append(layers[:0], o.Layers...)
}

// finite turns NaN and ±Inf into nil, which JSON writes as null.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// view builds the JSON form of the status.
func (s *Status) view() any {
	type action struct {
		Name     string            `json:"name"`
		Q        *float64          `json:"q"`
		Pi       float64           `json:"pi"`
		Outcomes []session.Outcome `json:"outcomes"`
	}
	type learn struct {
		Visits        int      `json:"visits"`
		Trace         num      `json:"trace"`
		VStar         *float64 `json:"vstar"`
		Greedy        string   `json:"greedy"`
		GreedyOptimal bool     `json:"greedyOptimal"`
	}
	type inspect struct {
		Row     int      `json:"row"`
		Col     int      `json:"col"`
		Kind    string   `json:"kind"`
		V       *float64 `json:"v"`
		Actions []action `json:"actions"`
		Learn   *learn   `json:"learn,omitempty"`
	}
	// One slice per row of nums (null for walls, cliffs and non-finite
	// values), not a pointer per value: the page asks ten times a second.
	values := make([]nums, s.Rows)
	for r := range values {
		values[r] = make(nums, s.Cols)
		for c := range values[r] {
			values[r][c] = math.NaN()
			if st := s.State[r*s.Cols+c]; st >= 0 && st < len(s.V) {
				values[r][c] = s.V[st]
			}
		}
	}
	layout := make([]string, s.Rows)
	for r := range layout {
		layout[r] = string(s.Kinds[r*s.Cols : (r+1)*s.Cols])
	}
	charts := make([]map[string]any, len(s.Charts))
	for i, c := range s.Charts {
		series := make([]map[string]any, len(c.Series))
		for j, se := range c.Series {
			series[j] = map[string]any{"name": se.Name, "color": se.Color, "values": nums(se.Values), "smooth": se.Smooth}
			if se.X != nil {
				series[j]["x"] = nums(se.X)
			}
		}
		charts[i] = map[string]any{"title": c.Title, "note": c.Note, "xlabel": c.XLabel, "x0": c.X0,
			"log": c.Log, "line": finite(c.Line), "lineLabel": c.LineLabel, "series": series,
			"fixed": c.Fixed, "ymin": c.YMin, "ymax": c.YMax}
	}
	layerMap := map[string]bool{}
	for _, l := range s.Layers {
		layerMap[l.Key] = l.On
	}
	var sel *inspect
	if s.Selected {
		in := &s.Inspect
		sel = &inspect{Row: in.Row, Col: in.Col, Kind: in.Kind}
		if in.State >= 0 && in.Learn {
			sel.Learn = &learn{in.Visits, num(in.Trace), finite(in.VStar), grid.ActionNames[in.Greedy], in.GreedyOptimal}
		}
		if in.State >= 0 {
			sel.V = finite(in.V)
			for a := 0; a < s.A; a++ {
				sel.Actions = append(sel.Actions, action{
					Name: grid.ActionNames[a], Q: finite(in.Q[a]), Pi: in.Pi[a],
					Outcomes: append([]session.Outcome(nil), in.Out[a][:in.NOut[a]]...),
				})
			}
		}
	}
	return map[string]any{
		"ready": true, "scene": s.Scene, "frame": s.Frame, "playing": s.Playing, "speed": num(s.Speed),
		"world": s.World, "algorithm": s.Algorithm, "worldGroups": s.WorldGroups, "algorithmGroups": s.AlgorithmGroups,
		"version": s.Version, "params": s.Params,
		"sweeps": s.Sweeps, "iterations": s.Iterations, "delta": finite(s.Delta), "converged": s.Converged,
		"charts": charts,
		"rows":   s.Rows, "cols": s.Cols, "layout": layout, "values": values, "scale": s.Scale,
		"layers": layerMap, "layerList": s.Layers, "selected": sel, "learn": s.Learn, "control": s.Control,
		"notice": s.Notice, "noticeSeq": s.NoticeSeq,
		"updateMs": s.UpdateMs, "drawMs": s.DrawMs, "firstFrameMs": s.FirstFrameMs, "stepsPerSec": s.Steps,
		"geom": s.Geom, "worldFile": s.WorldFile, "startup": s.Startup, "diverged": s.Diverged, "allocsPerFrame": s.AllocsPerFrame,
		"lesson":             s.Lesson,
		"gameAllocsPerFrame": s.GameAllocsPerFrame,
	}
}

// lessonsJSON returns the built-in lessons as JSON for the page's picker.
var lessonsJSON = sync.OnceValue(func() string {
	data, err := json.Marshal(assets.Lessons())
	if err != nil {
		return "[]"
	}
	return string(data)
})
