package client

import (
	"encoding/json"
	"math"
	"strconv"

	"bellman/sim/proto"
)

// Frame is what the game adds to the status: its own timings and where it
// drew the grid.
type Frame struct {
	Frame              int
	UpdateMs, DrawMs   float64
	FirstFrameMs       float64
	AllocsPerFrame     float64
	GameAllocsPerFrame float64
	Startup            any
	Geom               Geom
	Scale              float64 // the colour range the grid is drawn with
	Worker             string  // where the runs are hosted: "worker" or "in-process"
	MemoryMB           float64 // the game's memory from the system
}

// Geom is where the grid was last drawn, in canvas pixels.
type Geom struct{ X, Y, Cell float64 }

// maxStatusCells bounds the cells whose values the status lists: the page
// asks ten times a second, and a 200×200 world's would be 40,000 numbers.
const maxStatusCells = 2500

// num is a float that JSON writes as null when it is not finite.
type num float64

// MarshalJSON writes n, or null for NaN and ±Inf.
func (n num) MarshalJSON() ([]byte, error) {
	x := float64(n)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// nums is a list of floats that JSON writes in one buffer, non-finite ones
// as null.
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

// Status returns the page's status as JSON: the run on screen, its charts
// (a comparison's mean and band when several runs are on screen), the
// notices, the runs and the game's timings.
func (c *Client) Status(f *Frame) []byte {
	r, ok := c.Selected()
	if !ok {
		data, _ := json.Marshal(map[string]any{"ready": false, "runs": c.runList(), "notices": c.noticeList(),
			"noticeSeq": c.noticeSeq, "frame": f.Frame})
		return data
	}
	s := &r.Snap
	out := map[string]any{
		"ready": true, "scene": s.Scene, "frame": f.Frame, "playing": s.Playing, "speed": num(s.Speed),
		"world": s.World, "algorithm": s.Algorithm, "version": s.Version, "run": s.Run, "params": s.Params,
		"counter": s.Counter, "line": marks(s.Line), "diverged": s.Diverged, "crashed": s.Crashed,
		"stepsPerSec": math.Round(s.StepsPerSec), "updatesPerSec": num(s.UpdatesPerSec), "busy": s.Busy,
		"stopAt": s.StopAt, "synced": r.Synced(),
		"updateMs": f.UpdateMs, "drawMs": f.DrawMs, "firstFrameMs": f.FirstFrameMs, "startup": f.Startup,
		"allocsPerFrame": f.AllocsPerFrame, "gameAllocsPerFrame": f.GameAllocsPerFrame, "geom": f.Geom,
		"scale": f.Scale, "worker": f.Worker, "gameMemoryMB": f.MemoryMB, "hostMemoryMB": s.MemoryMB,
		"notices": c.noticeList(), "noticeSeq": c.noticeSeq, "runs": c.runList(), "selectedRun": r.ID,
	}
	if n := len(c.notices); n > 0 {
		out["notice"] = c.notices[n-1].Text
	}
	if cat := c.catalog; cat != nil {
		out["worldGroups"] = cat.Worlds
		out["algorithmGroups"] = cat.Algorithms[s.Kind]
		builtIn := c.builtIn(s.World)
		out["builtIn"] = builtIn
		out["address"] = AddressOf(s, c.lesson(s.Lesson), builtIn, c.compare, c.hide, c.lock)
		if l := c.lesson(s.Lesson); l != nil {
			out["lesson"] = l
		}
	}
	if c.compare != nil {
		out["compare"] = c.compare.String()
	}
	out["hide"], out["lock"] = nonNil(c.hide), nonNil(c.lock)
	if c.file != nil {
		out["file"] = map[string]any{"seq": c.fileSeq, "name": c.file.Name, "size": len(c.file.Data)}
	}
	out["timelineAt"], out["timelineSteps"], out["liveSteps"] = s.TimelineAt, nums(s.TimelineSteps), s.LiveSteps
	if s.HasPair {
		p := &s.Pair
		pair := map[string]any{"index": p.Index, "pending": p.Pending, "person": p.Person, "p": num(p.P), "steps": p.Steps}
		if !p.Pending { // the returns only once labelled, not to sway the person
			pair["returnA"], pair["returnB"] = num(p.ReturnA), num(p.ReturnB)
		}
		out["pair"] = pair
	}
	p := &s.Progress
	out["sweeps"], out["iterations"], out["delta"], out["converged"] = p.Steps, p.Iterations, num(math.NaN()), p.Converged
	switch s.Scene {
	case proto.SceneGrid:
		out["sweeps"], out["delta"] = p.Sweeps, num(p.Delta)
	case proto.SceneLearn:
		out["iterations"] = p.Episode
		out["learn"] = map[string]any{"episode": p.Episode, "episodeStep": p.EpisodeStep, "return": num(p.Return),
			"steps": p.Steps, "epsilon": num(p.Epsilon), "optimal": num(p.Optimal), "gap": num(p.Gap), "gapStep": p.GapStep}
	case proto.SceneControl:
		out["iterations"] = p.Episode
		out["control"] = map[string]any{"steps": p.Steps, "updates": p.Updates, "episodes": p.Episode,
			"episodeReturn": num(p.Return), "episodeLength": p.EpisodeStep, "lastReturn": num(p.LastReturn), "mean10": num(p.Mean10),
			"replayLen": p.ReplayLen, "replayCap": p.ReplayCap, "sigma": num(p.Sigma), "learning": p.Learning,
			"heatmapStep": p.HeatmapStep, "valueMin": num(p.ValueMin), "valueMax": num(p.ValueMax)}
	}
	out["charts"] = c.chartList(r)
	if s.HasGrid {
		g := &s.Grid
		out["rows"], out["cols"] = g.Rows, g.Cols
		layout := make([]string, g.Rows)
		for i := range layout {
			layout[i] = string(g.Kinds[i*g.Cols : (i+1)*g.Cols])
		}
		out["layout"] = layout
		if g.Rows*g.Cols <= maxStatusCells {
			values := make([]nums, g.Rows)
			for i := range values {
				values[i] = make(nums, g.Cols)
				for j := range values[i] {
					values[i][j] = math.NaN()
					if st := g.State[i*g.Cols+j]; st >= 0 {
						values[i][j] = g.V[st]
					}
				}
			}
			out["values"] = values
		} else {
			out["valuesOmitted"] = true
		}
		layers := map[string]bool{}
		for _, l := range g.Layers {
			layers[l.Key] = l.On
		}
		out["layers"], out["layerList"] = layers, g.Layers
		out["worldFileSize"], out["worldFileId"] = len(g.WorldFile), c.worldFileID(g.WorldFile)
		out["selected"] = inspect(g)
		if len(g.Features) > 0 && len(g.Features) <= 64 && g.Rows*g.Cols <= 400 {
			out["features"] = features(g)
		}
	} else {
		list := []proto.Layer{}
		if s.HasCtl {
			list = append(list, s.Control.Layers...)
		}
		layers := map[string]bool{}
		for _, l := range list {
			layers[l.Key] = l.On
		}
		out["layers"], out["layerList"] = layers, list
	}
	data, err := json.Marshal(out)
	if err != nil {
		msg, _ := json.Marshal("status: " + err.Error())
		return []byte(`{"ready": false, "error": ` + string(msg) + `}`)
	}
	return data
}

// WorldFile returns the world file of the run on screen ("" for none).
func (c *Client) WorldFile() string {
	if r, ok := c.Selected(); ok && r.Snap.HasGrid {
		return r.Snap.Grid.WorldFile
	}
	return ""
}

// worldFileID changes whenever the world file does, so the page fetches it
// only then.
func (c *Client) worldFileID(text string) int {
	if text != c.lastFile {
		c.lastFile = text
		c.fileID++
	}
	return c.fileID
}

// Lesson returns the catalog's lesson of key, or nil.
func (c *Client) Lesson(key string) *proto.Lesson { return c.lesson(key) }

func (c *Client) lesson(key string) *proto.Lesson {
	if key == "" || c.catalog == nil {
		return nil
	}
	for i := range c.catalog.Lessons {
		if c.catalog.Lessons[i].Key == key {
			return &c.catalog.Lessons[i]
		}
	}
	return nil
}

func marks(ms []proto.Mark) []map[string]string {
	out := make([]map[string]string, len(ms))
	for i, m := range ms {
		out[i] = map[string]string{"text": m.Text, "class": m.Class}
	}
	return out
}

func (c *Client) noticeList() []map[string]any {
	out := make([]map[string]any, len(c.notices))
	first := c.noticeSeq - len(c.notices) + 1
	for i, n := range c.notices {
		out[i] = map[string]any{"seq": first + i, "text": n.Text, "error": n.Error}
	}
	return out
}

func (c *Client) runList() []map[string]any {
	out := make([]map[string]any, len(c.runs))
	for i, r := range c.runs {
		m := map[string]any{"id": r.ID, "group": "AB"[r.Group : r.Group+1], "seed": r.Seed, "failed": r.Failed,
			"crashed": r.Snap.Crashed, "ready": r.Have}
		if r.Have {
			m["steps"], m["playing"], m["diverged"] = r.Snap.Progress.Steps, r.Snap.Playing, r.Snap.Diverged
			m["updates"], m["updatesPerSec"], m["stepsPerSec"] = r.Snap.Progress.Updates, num(r.Snap.UpdatesPerSec), num(r.Snap.StepsPerSec)
		}
		out[i] = m
	}
	return out
}

// chartList returns the charts of the run on screen, or of the comparison.
func (c *Client) chartList(r *Run) []map[string]any {
	s := &r.Snap
	out := make([]map[string]any, len(s.Charts))
	for i := range s.Charts {
		ch := &s.Charts[i]
		m := map[string]any{"title": ch.Title, "note": ch.Note, "xlabel": ch.XLabel, "x0": ch.X0,
			"log": ch.Log, "fixed": ch.Fixed, "ymin": ch.YMin, "ymax": ch.YMax, "line": nil, "lineLabel": ch.LineLabel}
		if ch.LineLabel != "" {
			m["line"] = num(ch.Line)
		}
		series := []map[string]any{}
		if agg := c.compareCharts(i); agg != nil {
			m["note"] = ch.Note + "; mean over the seeds, band from the lowest to the highest run"
			for _, l := range agg.Runs {
				series = append(series, map[string]any{"name": l.Name, "color": l.Color, "values": nums(l.Y), "x": nums(l.X), "faint": true})
			}
			for _, l := range agg.Means {
				series = append(series, map[string]any{"name": l.Name, "color": l.Color, "values": nums(l.Y), "x": nums(l.X),
					"lo": nums(l.Lo), "hi": nums(l.Hi)})
			}
		} else {
			for _, se := range ch.Series {
				m := map[string]any{"name": se.Name, "color": se.Color, "values": nums(se.Y), "smooth": se.Smooth}
				if len(se.X) > 0 {
					m["x"] = nums(se.X)
				}
				series = append(series, m)
			}
		}
		m["series"] = series
		out[i] = m
	}
	return out
}

// compareCharts aggregates chart i over a comparison's runs (nil for a
// single run).
func (c *Client) compareCharts(i int) *Aggregate {
	if c.compare == nil || len(c.runs) < 2 {
		return nil
	}
	return c.aggregate(i)
}

// inspect builds the inspector's view of the selected cell.
func inspect(g *proto.Grid) any {
	if !g.Selected {
		return nil
	}
	in := &g.Inspect
	type outcome struct {
		Row, Col     int
		Prob, Reward num
	}
	type action struct {
		Name     string    `json:"name"`
		Q        num       `json:"q"`
		Pi       num       `json:"pi"`
		Outcomes []outcome `json:"outcomes"`
	}
	m := map[string]any{"row": in.Row, "col": in.Col, "kind": in.Kind}
	if in.State < 0 {
		return m
	}
	m["v"] = num(in.V)
	actions := make([]action, len(in.Actions))
	for i, a := range in.Actions {
		actions[i] = action{Name: a.Name, Q: num(a.Q), Pi: num(a.Pi), Outcomes: []outcome{}}
		for _, o := range a.Outcomes {
			actions[i].Outcomes = append(actions[i].Outcomes, outcome{o.Row, o.Col, num(o.Prob), num(o.Reward)})
		}
	}
	m["actions"] = actions
	if in.Learn {
		greedy := ""
		if in.Greedy >= 0 && in.Greedy < len(in.Actions) {
			greedy = in.Actions[in.Greedy].Name
		}
		m["learn"] = map[string]any{"visits": in.Visits, "trace": num(in.Trace), "vstar": num(in.VStar),
			"greedy": greedy, "greedyOptimal": in.GreedyOptimal}
	}
	return m
}

// LessonsJSON returns the lessons the hosts offer, as JSON ("[]" before
// the first host said).
func (c *Client) LessonsJSON() string {
	if c.catalog == nil {
		return "[]"
	}
	data, err := json.Marshal(c.catalog.Lessons)
	if err != nil {
		return "[]"
	}
	return string(data)
}

// features lists a linear method's basis functions over the grid (null
// for walls) with their weights, for the page's small maps.
func features(g *proto.Grid) []map[string]any {
	F := len(g.Features)
	A := 0
	if F > 0 {
		A = len(g.Weights) / F
	}
	out := make([]map[string]any, F)
	for i, f := range g.Features {
		cells := make(nums, len(g.State))
		for c, st := range g.State {
			cells[c] = math.NaN()
			if st >= 0 {
				cells[c] = f.Values[st]
			}
		}
		w := make(nums, 0, A)
		for a := 0; a < A; a++ {
			w = append(w, g.Weights[a*F+i])
		}
		out[i] = map[string]any{"label": f.Label, "cells": cells, "weights": w}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
