package app

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/assets"
	"bellman/sim/grid"
	"bellman/sim/session"
)

// numbersMaxSide is the largest grid side whose numbers are shown by default.
const numbersMaxSide = 15

// gridScene shows a grid world: value heatmap, q-triangles, policy arrows,
// numbers and the selected cell.
type gridScene struct {
	sess *session.Grid
	snap session.GridSnapshot

	layers     map[string]bool
	numbersSet bool // the numbers layer was switched by hand
	selected   bool
	selR       int
	selC       int
	scale      float64 // smoothed colour range ±scale

	// Geometry of the last Draw, for clicks.
	ox, oy, cs float64

	heat     *ebiten.Image
	pix      []byte
	fills    mesh // q-triangles: per-vertex colours, no anti-aliasing
	marks    mesh // hatches, walls, cliffs, grid lines, markers
	arrows   mesh // policy arrows and stay rings
	labels   []string
	labelVal []float64

	worldFile  string // the world's file, made once per world
	charts     []Chart
	legendVal  [2]float64
	legendText [2]string
}

func newGridScene(sess *session.Grid) *gridScene {
	return &gridScene{
		sess:   sess,
		layers: map[string]bool{"values": true, "numbers": true, "policy": true, "q": false},
	}
}

func (s *gridScene) Step()      { s.sess.Step() }
func (s *gridScene) Busy() bool { return !s.sess.Converged() }
func (s *gridScene) Reset()     { s.sess.Reset() }
func (s *gridScene) Snapshot()  { s.sess.Snapshot(&s.snap) }

// Apply handles set, world, algorithm, layer and select.
func (s *gridScene) Apply(c Command) (string, error) {
	switch c.Op {
	case "set":
		s.worldFile = ""
		return s.sess.Set(c.Key, c.Value)
	case "world", "load":
		var w grid.World
		var err error
		if c.Op == "world" {
			w, err = assets.World(c.Key)
		} else if w, err = grid.Parse([]byte(c.Key)); err == nil && w.Name == "" {
			w.Name = "custom"
		}
		if err != nil {
			return "", err
		}
		if err := s.sess.SetWorld(w); err != nil {
			return "", err
		}
		s.worldFile = ""
		s.selected = false
		s.scale = 0 // a new world's range replaces the old at once
		if !s.numbersSet {
			s.layers["numbers"] = w.Rows <= numbersMaxSide && w.Cols <= numbersMaxSide
		}
		return "world " + w.Name, nil
	case "algorithm":
		if err := s.sess.SetAlgorithm(c.Key); err != nil {
			return "", err
		}
		return "", nil
	case "layer":
		if _, ok := s.layers[c.Key]; !ok {
			return "", fmt.Errorf("unknown layer %q (values, numbers, policy, q)", c.Key)
		}
		s.layers[c.Key] = c.Value != 0
		if c.Key == "numbers" {
			s.numbersSet = true
		}
		return "", nil
	case "select":
		w := &s.snap.World
		if c.Row < 0 || c.Row >= w.Rows || c.Col < 0 || c.Col >= w.Cols {
			s.selected = false
			return "", nil
		}
		s.selected, s.selR, s.selC = true, c.Row, c.Col
		return "", nil
	}
	return "", fmt.Errorf("unknown command %q", c.Op)
}

// Click selects the cell under (x, y), or clears the selection.
func (s *gridScene) Click(x, y float64) {
	if s.cs <= 0 {
		return
	}
	c := int(math.Floor((x - s.ox) / s.cs))
	r := int(math.Floor((y - s.oy) / s.cs))
	w := &s.snap.World
	if r < 0 || r >= w.Rows || c < 0 || c >= w.Cols {
		s.selected = false
		return
	}
	if s.selected && s.selR == r && s.selC == c {
		s.selected = false
		return
	}
	s.selected, s.selR, s.selC = true, r, c
}

// Status fills in the grid's progress, parameters, values and inspector.
func (s *gridScene) Status(st *Status) {
	g, snap := s.sess, &s.snap
	w := &snap.World
	st.World, st.Algorithm = w.Name, snap.Algorithm
	if st.Worlds == nil {
		st.Worlds = assets.WorldNames()
		st.Algorithms = session.GridAlgorithms
	}
	st.Version = g.Version
	st.Params = st.Params[:0]
	for _, sp := range g.Schema() {
		st.Params = append(st.Params, ParamState{Spec: sp, Value: g.Value(sp.Key)})
	}
	st.Sweeps, st.Iterations, st.Delta, st.Converged = g.Sweeps(), g.Iterations(), g.Delta(), g.Converged()
	if len(s.charts) == 0 {
		s.charts = []Chart{{Title: "Convergence", Note: "max |Δv| per sweep, log scale", XLabel: "sweep", Log: true,
			LineLabel: "tolerance", Series: []Series{{Name: "max |Δv|", Color: "#e06101"}}}}
	}
	c := &s.charts[0]
	c.X0, c.Line, c.Series[0].Values = g.DeltaBase+1, g.Value("tol"), g.Deltas
	st.Charts = s.charts
	st.Rows, st.Cols, st.A = w.Rows, w.Cols, snap.A
	st.State = append(st.State[:0], snap.State...)
	st.V = append(st.V[:0], snap.V...)
	st.Kinds = st.Kinds[:0]
	for _, k := range w.Cells {
		st.Kinds = append(st.Kinds, k.Char())
	}
	st.Scale = s.scale
	if s.worldFile == "" {
		data, _ := json.MarshalIndent(s.sess.World, "", " ")
		s.worldFile = string(data)
	}
	st.WorldFile = s.worldFile
	st.Geom = Geom{s.ox, s.oy, s.cs}
	st.Layers = s.layers
	st.Selected = s.selected
	if s.selected {
		in := &st.Inspect
		in.Row, in.Col = s.selR, s.selC
		in.Kind = w.Kind(s.selR, s.selC).String()
		in.State = snap.State[s.selR*w.Cols+s.selC]
		if in.State >= 0 {
			in.V = snap.V[in.State]
			for a := 0; a < snap.A; a++ {
				in.Q[a] = snap.Q[in.State*snap.A+a]
				in.Pi[a] = snap.Pi[in.State*snap.A+a]
				in.NOut[a] = len(g.AppendOutcomes(in.Out[a][:0], in.State, a))
			}
		}
	}
}

// Draw draws the grid from the snapshot.
func (s *gridScene) Draw(screen *ebiten.Image) {
	snap := &s.snap
	w := &snap.World
	W, H := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	legendH := math.Max(40, H*0.07)
	margin := math.Max(8, math.Min(W, H)*0.02)
	cs := math.Floor(math.Min((W-2*margin)/float64(w.Cols), (H-2*margin-legendH)/float64(w.Rows)))
	if cs < 2 {
		return
	}
	gw, gh := cs*float64(w.Cols), cs*float64(w.Rows)
	ox := math.Floor((W - gw) / 2)
	oy := math.Floor((H - legendH - gh) / 2)
	s.ox, s.oy, s.cs = ox, oy, cs

	// The colour range follows the data smoothly.
	big := 0.0
	for _, v := range snap.V {
		if a := math.Abs(v); a > big && !math.IsInf(a, 0) {
			big = a
		}
	}
	if s.layers["q"] {
		for _, q := range snap.Q {
			if a := math.Abs(q); a > big && !math.IsInf(a, 0) {
				big = a
			}
		}
	}
	s.scale = scaleRange(s.scale, big)

	s.drawFills(screen, ox, oy, cs)
	s.drawMarks(screen, ox, oy, cs)
	if s.layers["policy"] && !s.layers["q"] {
		// With q-triangles the best action's outline shows the greedy policy.
		s.drawPolicy(screen, ox, oy, cs)
	}
	if s.layers["numbers"] {
		s.drawNumbers(screen, ox, oy, cs)
	}
	if s.selected {
		x, y := float32(ox+float64(s.selC)*cs), float32(oy+float64(s.selR)*cs)
		c := float32(cs)
		lw := float32(math.Max(3, cs*0.06))
		m := &s.marks
		m.line(x, y, x+c, y, lw, colSelect)
		m.line(x+c, y, x+c, y+c, lw, colSelect)
		m.line(x+c, y+c, x, y+c, lw, colSelect)
		m.line(x, y+c, x, y, lw, colSelect)
		m.flush(screen, true)
	}
	s.drawLegend(screen, ox, oy+gh+legendH*0.25, gw, legendH*0.35)
}

// drawFills paints cells by v(s) (a cached pixel image scaled up) or, with
// the q layer, by q(s,a) in triangles.
func (s *gridScene) drawFills(screen *ebiten.Image, ox, oy, cs float64) {
	snap := &s.snap
	w := &snap.World
	if s.layers["q"] {
		s.drawQ(screen, ox, oy, cs)
		return
	}
	if s.heat == nil || s.heat.Bounds().Dx() != w.Cols || s.heat.Bounds().Dy() != w.Rows {
		if s.heat != nil {
			s.heat.Deallocate()
		}
		s.heat = ebiten.NewImage(w.Cols, w.Rows)
		s.pix = make([]byte, 4*w.Cols*w.Rows)
	}
	for i := range w.Cells {
		c := [3]uint8{colZero8[0], colZero8[1], colZero8[2]}
		if st := snap.State[i]; st >= 0 && s.layers["values"] {
			c, _ = valueColor(snap.V[st], s.scale)
		}
		s.pix[4*i], s.pix[4*i+1], s.pix[4*i+2], s.pix[4*i+3] = c[0], c[1], c[2], 255
	}
	s.heat.WritePixels(s.pix)
	op := ebiten.DrawImageOptions{}
	op.GeoM.Scale(cs, cs)
	op.GeoM.Translate(ox, oy)
	screen.DrawImage(s.heat, &op)
}

var colZero8 = [3]uint8{247, 247, 245}

// qCorners gives, for up, right, down, left, the two outer corners of the
// cell's triangle (unit square, y down).
var qCorners = [4][4]float32{
	{0, 0, 1, 0}, // up: top edge
	{1, 0, 1, 1}, // right
	{1, 1, 0, 1}, // down
	{0, 1, 0, 0}, // left
}

// drawQ paints each cell's actions as triangles towards their edges, with a
// centre square for stay, and outlines the best.
func (s *gridScene) drawQ(screen *ebiten.Image, ox, oy, cs float64) {
	snap := &s.snap
	w := &snap.World
	f, m := &s.fills, &s.marks
	c := float32(cs)
	inner := float32(0.22) // half-size of the stay square
	for i := range w.Cells {
		st := snap.State[i]
		if st < 0 {
			continue
		}
		f.room(screen, 16, false)
		x, y := float32(ox)+float32(i%w.Cols)*c, float32(oy)+float32(i/w.Cols)*c
		cx, cy := x+c/2, y+c/2
		best, bestQ := 0, math.Inf(-1)
		for a := 0; a < snap.A; a++ {
			if q := snap.Q[st*snap.A+a]; q > bestQ+1e-9 {
				best, bestQ = a, q
			}
		}
		for a := 0; a < 4; a++ {
			rgb, _ := valueColor(snap.Q[st*snap.A+a], s.scale)
			col := color.RGBA{rgb[0], rgb[1], rgb[2], 255}
			k := qCorners[a]
			f.tri(x+k[0]*c, y+k[1]*c, x+k[2]*c, y+k[3]*c, cx, cy, col)
			f.room(screen, 8, true)
			m.line(x+k[0]*c, y+k[1]*c, cx, cy, 1, colGridLine)
			if a == best {
				lw := float32(math.Max(2, cs*0.025))
				ax, ay, bx, by := x+k[0]*c, y+k[1]*c, x+k[2]*c, y+k[3]*c
				// Outline just inside the triangle.
				sh := func(px, py float32) (float32, float32) { return px + (cx-px)*0.08, py + (cy-py)*0.08 }
				ax, ay = sh(ax, ay)
				bx, by = sh(bx, by)
				tx, ty := cx+(ax+bx-2*cx)*0.04, cy+(ay+by-2*cy)*0.04
				m.line(ax, ay, bx, by, lw, colBest)
				m.line(bx, by, tx, ty, lw, colBest)
				m.line(tx, ty, ax, ay, lw, colBest)
			}
		}
		if snap.A == 5 {
			rgb, _ := valueColor(snap.Q[st*snap.A+4], s.scale)
			h := inner * c
			f.rect(cx-h, cy-h, 2*h, 2*h, color.RGBA{rgb[0], rgb[1], rgb[2], 255})
			lw := float32(1)
			col := colGridLine
			if best == 4 {
				lw, col = float32(math.Max(2, cs*0.035)), colBest
			}
			m.room(screen, 16, true)
			m.line(cx-h, cy-h, cx+h, cy-h, lw, col)
			m.line(cx+h, cy-h, cx+h, cy+h, lw, col)
			m.line(cx+h, cy+h, cx-h, cy+h, lw, col)
			m.line(cx-h, cy+h, cx-h, cy-h, lw, col)
		}
	}
	f.flush(screen, false)
	m.flush(screen, true)
}

// drawMarks draws what tells cells apart by shape: hatched forbidden cells,
// solid walls, jagged cliffs, the target's rings, the start's flag, and the
// grid lines.
func (s *gridScene) drawMarks(screen *ebiten.Image, ox, oy, cs float64) {
	w := &s.snap.World
	m := &s.marks
	c := float32(cs)
	lw := float32(math.Max(1, cs*0.02))
	for i, k := range w.Cells {
		x, y := float32(ox)+float32(i%w.Cols)*c, float32(oy)+float32(i/w.Cols)*c
		m.room(screen, 200, true)
		switch k {
		case grid.Forbidden:
			// Diagonal hatching, clipped to the cell.
			const n = 6
			step := c / n
			for j := 1; j < 2*n; j++ {
				d := float32(j) * step
				x0, y0 := x+d, y
				x1, y1 := x, y+d
				if d > c {
					x0, y0 = x+c, y+d-c
					x1, y1 = x+d-c, y+c
				}
				m.line(x0, y0, x1, y1, float32(math.Max(1.2, cs*0.025)), colHatch)
			}
		case grid.Wall:
			m.rect(x, y, c, c, colWall)
		case grid.Cliff:
			// A dark drop with a jagged top edge.
			m.rect(x, y+c*0.35, c, c*0.65, colCliff)
			const teeth = 4
			tw := c / teeth
			for j := 0; j < teeth; j++ {
				tx := x + float32(j)*tw
				m.tri(tx, y+c*0.35, tx+tw/2, y+c*0.12, tx+tw, y+c*0.35, colCliff)
			}
		case grid.Target:
			r := c * 0.42
			m.ring(x+c/2, y+c/2, r, float32(math.Max(2, cs*0.05)), colTarget)
			m.ring(x+c/2, y+c/2, r*0.8, float32(math.Max(1, cs*0.02)), colTarget)
		case grid.Start:
			// A small flag in the top-left corner.
			px, py := x+c*0.1, y+c*0.08
			m.line(px, py, px, py+c*0.3, float32(math.Max(1.5, cs*0.03)), colStart)
			m.tri(px, py, px+c*0.18, py+c*0.07, px, py+c*0.14, colStart)
		}
	}
	// Grid lines.
	gw, gh := c*float32(w.Cols), c*float32(w.Rows)
	for r := 0; r <= w.Rows; r++ {
		m.room(screen, 4, true)
		yy := float32(oy) + float32(r)*c
		m.line(float32(ox), yy, float32(ox)+gw, yy, lw, colGridLine)
	}
	for col := 0; col <= w.Cols; col++ {
		m.room(screen, 4, true)
		xx := float32(ox) + float32(col)*c
		m.line(xx, float32(oy), xx, float32(oy)+gh, lw, colGridLine)
	}
	m.flush(screen, true)
}

// Arrow directions for up, right, down, left (y down).
var arrowDir = [4][2]float32{{0, -1}, {1, 0}, {0, 1}, {-1, 0}}

// drawPolicy draws π(a|s) as arrows whose length is the probability, and
// stay as a ring whose size is its probability, all in one batch.
func (s *gridScene) drawPolicy(screen *ebiten.Image, ox, oy, cs float64) {
	snap := &s.snap
	w := &snap.World
	m := &s.arrows
	c := float32(cs)
	// With numbers shown, the number sits in the top part of the cell and
	// the policy glyph below it.
	numbers := s.layers["numbers"] && !s.layers["q"]
	maxLen, cyOff := c*0.44, float32(0)
	if numbers {
		maxLen, cyOff = c*0.3, c*0.12
	}
	shaft := float32(math.Max(1.5, cs*0.045))
	head := float32(math.Max(5, cs*0.14))
	for i := range w.Cells {
		st := snap.State[i]
		if st < 0 || (w.Terminal && w.Cells[i] == grid.Target) {
			continue
		}
		m.room(screen, 140, true)
		cx := float32(ox) + (float32(i%w.Cols)+0.5)*c
		cy := float32(oy) + (float32(i/w.Cols)+0.5)*c + cyOff
		for a := 0; a < 4 && a < snap.A; a++ {
			p := float32(snap.Pi[st*snap.A+a])
			if p < 0.01 {
				continue
			}
			d := arrowDir[a]
			l := maxLen * p
			hl := head
			if hl > l*0.6+2 {
				hl = l*0.6 + 2
			}
			sx, sy := cx, cy
			ex, ey := cx+d[0]*l, cy+d[1]*l
			bx, by := ex-d[0]*hl, ey-d[1]*hl
			m.line(sx, sy, bx, by, shaft, colArrow)
			nx, ny := -d[1]*hl*0.55, d[0]*hl*0.55
			m.tri(ex, ey, bx+nx, by+ny, bx-nx, by-ny, colArrow)
		}
		if snap.A == 5 {
			if p := float32(snap.Pi[st*snap.A+4]); p >= 0.01 {
				m.ring(cx, cy, c*0.14*p, shaft, colArrow)
			}
		}
	}
	m.flush(screen, true)
}

// drawNumbers prints v(s), or q(s,a) in each triangle with the q layer.
func (s *gridScene) drawNumbers(screen *ebiten.Image, ox, oy, cs float64) {
	snap := &s.snap
	w := &snap.World
	n := len(w.Cells) * 6
	if len(s.labels) != n {
		s.labels = make([]string, n)
		s.labelVal = make([]float64, n)
		for i := range s.labelVal {
			s.labelVal[i] = math.NaN()
		}
	}
	prec := 1
	if cs >= 60 {
		prec = 2
	}
	qs := s.layers["q"]
	faceV, _ := fontFace(cs * 0.2)
	faceQ, _ := fontFace(cs * 0.13)
	for i := range w.Cells {
		st := snap.State[i]
		if st < 0 {
			continue
		}
		x, y := ox+float64(i%w.Cols)*cs, oy+float64(i/w.Cols)*cs
		cx, cy := x+cs/2, y+cs/2
		if !qs {
			v := snap.V[st]
			_, dark := valueColor(v, s.scale)
			col := colText
			if dark && s.layers["values"] {
				col = colTextLight
			}
			ty := cy
			if s.layers["policy"] {
				ty = y + cs*0.24
			}
			drawText(screen, s.label(i*6, v, prec), faceV, cx, ty, col)
			continue
		}
		for a := 0; a < snap.A; a++ {
			q := snap.Q[st*snap.A+a]
			_, dark := valueColor(q, s.scale)
			col := colText
			if dark {
				col = colTextLight
			}
			px, py := cx, cy
			if a < 4 {
				px += float64(arrowDir[a][0]) * cs * 0.35
				py += float64(arrowDir[a][1]) * cs * 0.35
			}
			drawText(screen, s.label(i*6+1+a, q, prec), faceQ, px, py, col)
		}
	}
}

// label returns the cached text of a number, formatting it only when it
// changed.
func (s *gridScene) label(slot int, v float64, prec int) string {
	if s.labelVal[slot] != v || s.labels[slot] == "" {
		s.labelVal[slot] = v
		switch {
		case math.IsNaN(v):
			s.labels[slot] = "NaN"
		case math.IsInf(v, 0):
			s.labels[slot] = "∞"
		default:
			s.labels[slot] = strconv.FormatFloat(v, 'f', prec, 64)
		}
	}
	return s.labels[slot]
}

// drawLegend draws the colour scale from −scale to +scale.
func (s *gridScene) drawLegend(screen *ebiten.Image, x, y, w, h float64) {
	const steps = 64
	m := &s.fills
	bw := w * 0.6
	bx := x + (w-bw)/2
	for i := 0; i < steps; i++ {
		v := (float64(i)+0.5)/steps*2 - 1
		rgb, _ := valueColor(v*s.scale, s.scale)
		m.rect(float32(bx+bw*float64(i)/steps), float32(y), float32(bw/steps+0.5), float32(h), color.RGBA{rgb[0], rgb[1], rgb[2], 255})
	}
	m.flush(screen, false)
	face, size := fontFace(math.Max(12, h*0.75))
	label := "v(s)"
	if s.layers["q"] {
		label = "q(s,a)"
	}
	drawText(screen, s.fmtScale(-s.scale), face, bx-size*2.2, y+h/2, colText)
	drawText(screen, s.fmtScale(s.scale), face, bx+bw+size*2.2, y+h/2, colText)
	drawText(screen, "0", face, bx+bw/2, y+h+size*0.7, colText)
	drawText(screen, label, face, bx-size*6, y+h/2, colText)
}

// fmtScale formats a legend number, reusing the last text while it holds.
func (s *gridScene) fmtScale(v float64) string {
	prec := 1
	if math.Abs(v) >= 100 {
		prec = 0
	}
	slot := 0
	if v > 0 {
		slot = 1
	}
	if s.legendVal[slot] != v {
		s.legendVal[slot] = v
		s.legendText[slot] = strconv.FormatFloat(v, 'f', prec, 64)
	}
	return s.legendText[slot]
}
