package app

import (
	"image/color"
	"math"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/sim/grid"
)

// gridData is what a grid scene shows: the world and a tabular method's
// values and policy, and for a learning agent its position, trail, visit
// counts and traces. Slices are read-only for the view.
type gridData struct {
	World grid.World
	State []int // state of each cell, -1 for walls and cliffs
	S, A  int
	V     []float64 // v(s)
	Q     []float64 // q(s,a)
	Pi    []float64 // π(a|s)

	Agent    int     // the agent's cell, -1 for none
	From     int     // the cell it came from, for smooth motion
	Move     float64 // 0..1: how far it has moved from From to Agent
	Trail    []int   // cells of the current episode
	Visits   []int   // visits per state, nil for none
	Traces   []float64
	Optimal  []bool // per state: is the greedy action optimal; nil for no marks
	Terminal bool   // the agent's last step ended an episode
}

// layer is a switchable part of the picture.
type layer struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	On    bool   `json:"on"`
}

// gridView draws a grid world: value heatmap (or visit counts), q-triangles,
// policy arrows, numbers, cell markers, the agent and its trail, the
// selected cell and the colour legend. It keeps its drawing buffers from
// frame to frame.
type gridView struct {
	d      *gridData
	layers []layer

	selected   bool
	selR, selC int
	scale      float64 // smoothed colour range ±scale

	// Geometry of the last draw, for clicks.
	ox, oy, cs float64

	heat       *ebiten.Image
	pix        []byte
	fills      mesh // per-vertex colours, no anti-aliasing
	marks      mesh // hatches, walls, cliffs, grid lines, markers
	arrows     mesh // policy arrows and stay rings
	labels     []string
	labelVal   []float64
	labelBuf   []byte // formatting space for label
	labelPrec  int
	legendVal  [2]float64
	legendText [2]string
}

// reset prepares the view for a new world: no selection, the colour range
// taken afresh, numbers shown only where cells are large enough.
func (s *gridView) reset(w grid.World) {
	s.selected = false
	s.scale = 0
	s.setLayer("numbers", w.Rows <= numbersMaxSide && w.Cols <= numbersMaxSide)
}

// on reports whether a layer is shown.
func (s *gridView) on(key string) bool {
	for _, l := range s.layers {
		if l.Key == key {
			return l.On
		}
	}
	return false
}

// setLayer switches a layer and reports whether it exists.
func (s *gridView) setLayer(key string, on bool) bool {
	for i := range s.layers {
		if s.layers[i].Key == key {
			s.layers[i].On = on
			return true
		}
	}
	return false
}

// cellAt returns the cell under screen point (x, y).
func (s *gridView) cellAt(x, y float64) (r, c int, ok bool) {
	if s.cs <= 0 || s.d == nil {
		return 0, 0, false
	}
	c = int(math.Floor((x - s.ox) / s.cs))
	r = int(math.Floor((y - s.oy) / s.cs))
	w := &s.d.World
	return r, c, r >= 0 && r < w.Rows && c >= 0 && c < w.Cols
}

// click selects the cell under (x, y); a second click on it, or a click
// outside the grid, clears the selection.
func (s *gridView) click(x, y float64) {
	r, c, ok := s.cellAt(x, y)
	if !ok || (s.selected && s.selR == r && s.selC == c) {
		s.selected = false
		return
	}
	s.selected, s.selR, s.selC = true, r, c
}

// draw draws the grid from its data.
func (s *gridView) draw(screen *ebiten.Image) {
	snap := s.d
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
	if s.on("q") {
		for _, q := range snap.Q {
			if a := math.Abs(q); a > big && !math.IsInf(a, 0) {
				big = a
			}
		}
	}
	s.scale = scaleRange(s.scale, big)

	s.drawFills(screen, ox, oy, cs)
	s.drawMarks(screen, ox, oy, cs)
	s.drawAgentLayers(screen, ox, oy, cs)
	if s.on("policy") && !s.on("q") {
		// With q-triangles the best action's outline shows the greedy policy.
		s.drawPolicy(screen, ox, oy, cs)
	}
	if s.on("numbers") {
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
func (s *gridView) drawFills(screen *ebiten.Image, ox, oy, cs float64) {
	snap := s.d
	w := &snap.World
	if s.on("q") {
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
	visits := s.on("visits") && snap.Visits != nil
	most := 1
	for _, n := range snap.Visits {
		if n > most {
			most = n
		}
	}
	for i := range w.Cells {
		c := [3]uint8{colZero8[0], colZero8[1], colZero8[2]}
		if st := snap.State[i]; st >= 0 && visits {
			c = visitColor(snap.Visits[st], most)
		} else if st >= 0 && s.on("values") {
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
func (s *gridView) drawQ(screen *ebiten.Image, ox, oy, cs float64) {
	snap := s.d
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
func (s *gridView) drawMarks(screen *ebiten.Image, ox, oy, cs float64) {
	w := &s.d.World
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
func (s *gridView) drawPolicy(screen *ebiten.Image, ox, oy, cs float64) {
	snap := s.d
	w := &snap.World
	m := &s.arrows
	c := float32(cs)
	// With numbers shown, the number sits in the top part of the cell and
	// the policy glyph below it.
	numbers := s.on("numbers") && !s.on("q")
	maxLen, cyOff := c*0.44, float32(0)
	if numbers {
		maxLen, cyOff = c*0.28, c*0.14
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
			if p < 0.05 { // too short to read as an arrow; the inspector has it
				continue
			}
			d := arrowDir[a]
			l := maxLen * p
			// A short arrow gets a head in proportion, so that arrows of
			// tied actions read as arrows, not one blot.
			hl := head
			if hl > l*0.45+1.5 {
				hl = l*0.45 + 1.5
			}
			sx, sy := cx, cy
			ex, ey := cx+d[0]*l, cy+d[1]*l
			bx, by := ex-d[0]*hl, ey-d[1]*hl
			m.line(sx, sy, bx, by, shaft, colArrow)
			nx, ny := -d[1]*hl*0.55, d[0]*hl*0.55
			m.tri(ex, ey, bx+nx, by+ny, bx-nx, by-ny, colArrow)
		}
		if snap.A == 5 {
			if p := float32(snap.Pi[st*snap.A+4]); p >= 0.05 {
				m.ring(cx, cy, c*0.14*p, shaft, colArrow)
			}
		}
	}
	m.flush(screen, true)
}

// drawNumbers prints v(s), or q(s,a) in each triangle with the q layer.
func (s *gridView) drawNumbers(screen *ebiten.Image, ox, oy, cs float64) {
	snap := s.d
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
	if prec != s.labelPrec {
		s.labelPrec = prec
		clear(s.labels) // formatted at the other precision
	}
	qs := s.on("q")
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
			if dark && s.on("values") {
				col = colTextLight
			}
			ty := cy
			if s.on("policy") {
				ty = y + cs*0.2
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
func (s *gridView) label(slot int, v float64, prec int) string {
	if s.labelVal[slot] != v || s.labels[slot] == "" {
		s.labelVal[slot] = v
		b := s.labelBuf[:0]
		switch {
		case math.IsNaN(v):
			b = append(b, "NaN"...)
		case math.IsInf(v, 0):
			b = append(b, "∞"...)
		case math.Abs(v) >= 1e4:
			b = strconv.AppendFloat(b, v, 'g', 2, 64) // 1.2e+05: fits a cell
		default:
			b = strconv.AppendFloat(b, v, 'f', prec, 64)
		}
		if string(b) != s.labels[slot] { // a new string only for new text
			s.labels[slot] = string(b)
		}
		s.labelBuf = b
	}
	return s.labels[slot]
}

// drawLegend draws the colour scale from −scale to +scale.
func (s *gridView) drawLegend(screen *ebiten.Image, x, y, w, h float64) {
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
	if s.on("q") {
		label = "q(s,a)"
	}
	drawText(screen, s.fmtScale(-s.scale), face, bx-size*2.2, y+h/2, colText)
	drawText(screen, s.fmtScale(s.scale), face, bx+bw+size*2.2, y+h/2, colText)
	drawText(screen, "0", face, bx+bw/2, y+h+size*0.7, colText)
	drawText(screen, label, face, bx-size*6, y+h/2, colText)
}

// fmtScale formats a legend number, reusing the last text while it holds.
func (s *gridView) fmtScale(v float64) string {
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
		if math.Abs(v) >= 1e4 {
			s.legendText[slot] = strconv.FormatFloat(v, 'g', 2, 64)
		} else {
			s.legendText[slot] = strconv.FormatFloat(v, 'f', prec, 64)
		}
	}
	return s.legendText[slot]
}

// drawAgentLayers draws what only a learning agent has: its traces, the
// states whose greedy action is not optimal, its episode's trail and the
// agent itself, gliding between cells at slow speeds.
func (s *gridView) drawAgentLayers(screen *ebiten.Image, ox, oy, cs float64) {
	d := s.d
	w := &d.World
	m := &s.marks
	c := float32(cs)
	center := func(cell int) (float32, float32) {
		return float32(ox) + (float32(cell%w.Cols)+0.5)*c, float32(oy) + (float32(cell/w.Cols)+0.5)*c
	}
	if s.on("traces") && d.Traces != nil {
		most := 0.0
		for _, e := range d.Traces {
			if e > most {
				most = e
			}
		}
		if most > 1e-12 {
			for i := range w.Cells {
				st := d.State[i]
				if st < 0 || d.Traces[st] < most*0.02 {
					continue
				}
				m.room(screen, 120, true)
				x, y := center(i)
				r := c * 0.42 * float32(math.Sqrt(d.Traces[st]/most))
				m.ring(x, y, r*0.5, r, colTrace)
			}
		}
	}
	if s.on("errors") && d.Optimal != nil {
		for i := range w.Cells {
			st := d.State[i]
			if st < 0 || d.Optimal[st] {
				continue
			}
			m.room(screen, 8, true)
			x, y := float32(ox)+float32(i%w.Cols)*c, float32(oy)+float32(i/w.Cols)*c
			m.tri(x+c, y, x+c, y+c*0.28, x+c*0.72, y, colError)
		}
	}
	if s.on("trail") && d.Agent >= 0 {
		lw := float32(math.Max(2, cs*0.05))
		for k := 1; k < len(d.Trail); k++ {
			a, b := d.Trail[k-1], d.Trail[k]
			dr, dc := a/w.Cols-b/w.Cols, a%w.Cols-b%w.Cols
			if a == b || dr*dr+dc*dc > 1 { // a stay, or a jump back to the start
				continue
			}
			m.room(screen, 4, true)
			x0, y0 := center(a)
			x1, y1 := center(b)
			m.line(x0, y0, x1, y1, lw, colTrail)
		}
		x, y := center(d.Agent)
		if d.From >= 0 && d.Move < 1 {
			fx, fy := center(d.From)
			t := float32(d.Move)
			x, y = fx+(x-fx)*t, fy+(y-fy)*t
		}
		m.room(screen, 240, true)
		m.ring(x, y, c*0.09, c*0.18, colAgent)
		m.ring(x, y, c*0.18, float32(math.Max(1.5, cs*0.025)), colTextLight)
	}
	m.flush(screen, true)
}

// visitColor maps a visit count to a sequential white-to-purple scale on a
// log axis, so rarely visited states still show.
func visitColor(n, most int) [3]uint8 {
	t := math.Log1p(float64(n)) / math.Log1p(float64(most))
	var c [3]uint8
	lo := [3]float64{247, 247, 245}
	hi := [3]float64{84, 39, 143}
	for i := range c {
		c[i] = uint8(lo[i] + (hi[i]-lo[i])*t + 0.5)
	}
	return c
}

// divergence names the first non-finite value of v, or returns "".
func divergence(what string, v []float64) string {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return what + " became " + strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	return ""
}
