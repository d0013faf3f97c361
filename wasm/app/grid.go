package app

import (
	"encoding/json"
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/assets"
	"bellman/sim/grid"
	"bellman/sim/session"
)

// numbersMaxSide is the largest grid side whose numbers are shown by default.
const numbersMaxSide = 15

// dpScene solves a grid world by dynamic programming, one sweep per step.
type dpScene struct {
	sess *session.Grid
	snap session.GridSnapshot
	data gridData
	view gridView

	worldFile string // the world's file, made once per change
	charts    []Chart
}

func newDPScene(sess *session.Grid) *dpScene {
	s := &dpScene{sess: sess}
	s.view.layers = []layer{
		{"values", "values v(s) as colour", true},
		{"numbers", "numbers", true},
		{"policy", "policy π arrows", true},
		{"q", "action values q(s,a)", false},
	}
	s.view.d = &s.data
	s.data.Agent = -1
	s.view.reset(sess.World)
	return s
}

func (s *dpScene) Step()      { s.sess.Step() }
func (s *dpScene) Busy() bool { return !s.sess.Converged() }
func (s *dpScene) Reset()     { s.sess.Reset() }

// Snapshot copies the session's state and points the view's data at it.
func (s *dpScene) Snapshot() {
	s.sess.Snapshot(&s.snap)
	d := &s.data
	d.World, d.State, d.S, d.A = s.snap.World, s.snap.State, s.snap.S, s.snap.A
	d.V, d.Q, d.Pi = s.snap.V, s.snap.Q, s.snap.Pi
}

func (s *dpScene) Draw(screen *ebiten.Image) { s.view.draw(screen) }
func (s *dpScene) Click(x, y float64)        { s.view.click(x, y) }

// Apply handles what every grid scene does (applyGrid) and the algorithm.
func (s *dpScene) Apply(c Command) (string, error) {
	if c.Op == "algorithm" {
		return "", s.sess.SetAlgorithm(c.Key)
	}
	return applyGrid(s.sess, &s.view, &s.worldFile, c)
}

// gridSession is what the grid scenes' sessions have in common.
type gridSession interface {
	Set(key string, value float64) (string, error)
	SetWorld(w grid.World) error
}

// applyGrid handles the commands of any grid scene: set, world, load,
// layer and select. A change of parameters or world drops the cached world
// file.
func applyGrid(sess gridSession, v *gridView, worldFile *string, c Command) (string, error) {
	switch c.Op {
	case "set":
		*worldFile = ""
		return sess.Set(c.Key, c.Value)
	case "world", "load":
		w, err := worldFor(c)
		if err != nil {
			return "", err
		}
		if err := sess.SetWorld(w); err != nil {
			return "", err
		}
		*worldFile = ""
		v.reset(w)
		return "world " + w.Name, nil
	case "layer":
		return applyLayer(v, c)
	case "select":
		return applySelect(v, c)
	}
	return "", fmt.Errorf("unknown command %q", c.Op)
}

// maxWorldFile bounds a world file loaded from the page.
const maxWorldFile = 1 << 20

// worldFor reads the world of a world or load command.
func worldFor(c Command) (grid.World, error) {
	if c.Op == "world" {
		return assets.World(c.Key)
	}
	if len(c.Key) > maxWorldFile {
		return grid.World{}, fmt.Errorf("world file: %d bytes, more than %d", len(c.Key), maxWorldFile)
	}
	w, err := grid.Parse([]byte(c.Key))
	if err == nil && w.Name == "" {
		w.Name = "custom"
	}
	return w, err
}

func applyLayer(v *gridView, c Command) (string, error) {
	if !v.setLayer(c.Key, c.Value != 0) {
		keys := ""
		for i, l := range v.layers {
			if i > 0 {
				keys += ", "
			}
			keys += l.Key
		}
		return "", fmt.Errorf("unknown layer %q (%s)", c.Key, keys)
	}
	return "", nil
}

func applySelect(v *gridView, c Command) (string, error) {
	w := &v.d.World
	v.selected = c.Row >= 0 && c.Row < w.Rows && c.Col >= 0 && c.Col < w.Cols
	v.selR, v.selC = c.Row, c.Col
	return "", nil
}

// worldFileOf formats a world as its file, for the page's editor.
func worldFileOf(w grid.World) string {
	data, _ := json.MarshalIndent(w, "", " ")
	return string(data)
}

// Status fills in the grid's progress, parameters, values and inspector.
func (s *dpScene) Status(st *Status) {
	g, snap := s.sess, &s.snap
	st.Scene = "grid"
	st.World, st.Algorithm = snap.World.Name, snap.Algorithm
	st.Version = g.Version
	setParams(st, g.Schema(), g.Value)
	st.Sweeps, st.Iterations, st.Delta, st.Converged = g.Sweeps(), g.Iterations(), g.Delta(), g.Converged()
	if len(s.charts) == 0 {
		s.charts = []Chart{{Title: "Convergence", Note: "max |Δv| per sweep, log scale", XLabel: "sweep", Log: true,
			LineLabel: "tolerance", Series: []Series{{Name: "max |Δv|", Color: "#e06101"}}}}
	}
	c := &s.charts[0]
	c.X0, c.Line, c.Series[0].Values = g.DeltaBase+1, g.Value("tol"), g.Deltas
	st.Charts = s.charts
	if s.worldFile == "" {
		s.worldFile = worldFileOf(s.sess.World)
	}
	st.WorldFile = s.worldFile
	gridStatus(st, &s.view)
	if in := &st.Inspect; st.Selected && in.State >= 0 {
		for a := 0; a < snap.A; a++ {
			in.NOut[a] = len(g.AppendOutcomes(in.Out[a][:0], in.State, a))
		}
	}
}

// gridStatus fills the status fields every grid scene shares: shape, values,
// layers, geometry and the selected cell's numbers.
func gridStatus(st *Status, v *gridView) {
	d := v.d
	w := &d.World
	st.Diverged = divergence("a value v(s)", d.V)
	if st.Diverged == "" {
		st.Diverged = divergence("an action value q(s,a)", d.Q)
	}
	st.Rows, st.Cols, st.A = w.Rows, w.Cols, d.A
	st.State = append(st.State[:0], d.State...)
	st.V = append(st.V[:0], d.V...)
	st.Kinds = st.Kinds[:0]
	for _, k := range w.Cells {
		st.Kinds = append(st.Kinds, k.Char())
	}
	st.Scale = v.scale
	st.Layers = v.layers
	st.Geom = Geom{v.ox, v.oy, v.cs}
	if v.selR >= w.Rows || v.selC >= w.Cols || v.selR < 0 || v.selC < 0 {
		v.selected = false // a selection made on a world since replaced
	}
	st.Selected = v.selected
	if !v.selected {
		return
	}
	in := &st.Inspect
	*in = Inspect{Row: v.selR, Col: v.selC, Kind: w.Kind(v.selR, v.selC).String()}
	in.State = d.State[v.selR*w.Cols+v.selC]
	if in.State < 0 {
		return
	}
	in.V = d.V[in.State]
	for a := 0; a < d.A; a++ {
		in.Q[a] = d.Q[in.State*d.A+a]
		in.Pi[a] = d.Pi[in.State*d.A+a]
	}
}
