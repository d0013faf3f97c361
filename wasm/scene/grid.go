package scene

import (
	"image/color"
	"math"
	"strconv"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"bellman/sim/proto"
	"bellman/wasm/draw"
)

// Smallest sizes at which a mark is drawn: below them a number cannot be
// read from the back of a room, and it is hidden rather than smudged.
const (
	minNumberPx = 11 // v(s) in a cell
	minQPx      = 9  // q(s,a) in a triangle
	// Below these cell sizes (in pixels) the picture is drawn from cached
	// images and plain shapes instead of per-cell geometry, so that drawing
	// a large world costs about as much as its pixels: q-values become a
	// 3×3 pixel block per cell, hatching a tint; arrows and grid lines go.
	minTrianglePx = 16
	minHatchPx    = 10
	minArrowPx    = 10
	minLinePx     = 6
)

// Grid draws a grid world: the value heatmap (or visit counts), the
// q-triangles, the policy arrows, the numbers, the cell markers, a learning
// agent and its trail, the selected cell and the colour legend. It keeps
// its drawing buffers from frame to frame.
type Grid struct {
	g      *proto.Grid
	layers []proto.Layer
	scale  float64 // smoothed colour range ±scale

	// Where the last frame put the grid, for clicks.
	ox, oy, cs float64

	heat   *ebiten.Image
	pix    []byte
	qimg   *ebiten.Image // small cells' q-values, 3×3 pixels a cell
	qpix   []byte
	fills  draw.Mesh // per-vertex colours, no anti-aliasing
	marks  draw.Mesh // hatches, walls, cliffs, grid lines, markers
	arrows draw.Mesh
	labels labels

	// The agent glides from the cell it left at slow speeds.
	agent, from int
	movedAt     time.Time

	show shown
	fkey string // the field whose range scale follows

	// Boost thickens lines and enlarges text for a projector (presenter
	// view: 1.5); Still stops the agent gliding (reduced motion).
	Boost float64
	Still bool
}

// boost returns the presenter factor, 1 when unset.
func (v *Grid) boost() float64 {
	if v.Boost <= 0 {
		return 1
	}
	return v.Boost
}

// shown is what a frame draws as colour: triangles of a per-pair quantity
// (q, or a method's field), or a per-state quantity, or visit counts.
type shown struct {
	pairs  []float64
	cells  []float64
	seq    bool // sequential colours from 0 to the largest value
	visits bool
	label  string
}

// choose decides what the frame shows: a method's field whose layer is on
// comes first, then q-triangles, visit counts and values.
func (v *Grid) choose() {
	g := v.g
	var f *proto.Field
	for _, l := range v.layers {
		if !l.On {
			continue
		}
		for i := range g.Fields {
			if g.Fields[i].Key == l.Key {
				f = &g.Fields[i]
				break
			}
		}
		if f != nil {
			break
		}
	}
	sh := shown{}
	switch {
	case f != nil && f.PerPair:
		sh.pairs, sh.label = f.Values, f.Label
	case v.on("q"):
		sh.pairs, sh.label = g.Q, "q(s,a)"
	case f != nil:
		sh.cells, sh.seq, sh.label = f.Values, f.Sequential, f.Label
	case v.on("visits") && len(g.Visits) > 0:
		sh.cells, sh.seq, sh.visits, sh.label = g.Visits, true, true, "visits"
	case v.on("values"):
		sh.cells, sh.label = g.V, "v(s)"
	}
	key := sh.label
	if key != v.fkey {
		v.fkey, v.scale = key, 0 // a new quantity: its own range
	}
	v.show = sh
}

// color is the colour of x in what is shown, and whether text on it must
// be light.
func (v *Grid) color(x float64) ([3]uint8, bool) {
	if v.show.seq {
		if v.show.visits {
			return visitColor(x, v.scale), false
		}
		t := 0.0
		if v.scale > 0 {
			t = math.Max(0, math.Min(1, x/v.scale))
		}
		c := visitColor(math.Expm1(t*math.Log1p(100)), 100)
		return c, t > 0.6
	}
	return draw.ValueColor(x, v.scale)
}

// NewGrid returns a grid renderer.
func NewGrid() *Grid { return &Grid{agent: -1, from: -1} }

// Geom returns where the grid was last drawn: its top-left corner and the
// side of a cell, in canvas pixels.
func (v *Grid) Geom() (x, y, cell float64) { return v.ox, v.oy, v.cs }

// Scale returns the colour range the grid was last drawn with.
func (v *Grid) Scale() float64 { return v.scale }

// Cell returns the cell under canvas point (x, y).
func (v *Grid) Cell(x, y float64) (r, c int, ok bool) {
	if v.cs <= 0 || v.g == nil {
		return 0, 0, false
	}
	c = int(math.Floor((x - v.ox) / v.cs))
	r = int(math.Floor((y - v.oy) / v.cs))
	return r, c, r >= 0 && r < v.g.Rows && c >= 0 && c < v.g.Cols
}

func (v *Grid) on(key string) bool {
	for _, l := range v.layers {
		if l.Key == key {
			return l.On
		}
	}
	return false
}

// Reset forgets the colour range and the agent's motion (a new world).
func (v *Grid) Reset() { v.scale, v.agent, v.from = 0, -1, -1 }

// Draw draws s's grid on screen.
func (v *Grid) Draw(screen *ebiten.Image, s *proto.Snapshot) {
	g := &s.Grid
	v.g, v.layers = g, g.Layers
	W, H := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	legendH := math.Max(40, H*0.07)
	margin := math.Max(8, math.Min(W, H)*0.02)
	cs := math.Floor(math.Min((W-2*margin)/float64(g.Cols), (H-2*margin-legendH)/float64(g.Rows)))
	if g.Rows == 0 || g.Cols == 0 || cs < 2 {
		v.cs = 0
		return
	}
	gw, gh := cs*float64(g.Cols), cs*float64(g.Rows)
	ox := math.Floor((W - gw) / 2)
	oy := math.Floor((H - legendH - gh) / 2)
	v.ox, v.oy, v.cs = ox, oy, cs
	v.motion(s)

	// The colour range follows what is shown, smoothly.
	v.choose()
	big := 0.0
	for _, xs := range [2][]float64{v.show.cells, v.show.pairs} {
		for _, x := range xs {
			if a := math.Abs(x); a > big && !math.IsInf(a, 0) {
				big = a
			}
		}
	}
	if v.show.visits {
		v.scale = big
	} else {
		v.scale = draw.ScaleRange(v.scale, big)
	}

	v.drawFills(screen, ox, oy, cs)
	v.drawMarks(screen, ox, oy, cs)
	v.drawAgentLayers(screen, s, ox, oy, cs)
	if v.on("policy") && v.show.pairs == nil {
		// With q-triangles the best action's outline shows the greedy policy.
		v.drawPolicy(screen, ox, oy, cs)
	}
	if v.on("numbers") {
		v.drawNumbers(screen, ox, oy, cs)
	}
	if g.Selected {
		in := &g.Inspect
		x, y := float32(ox+float64(in.Col)*cs), float32(oy+float64(in.Row)*cs)
		c := float32(cs)
		lw := float32(math.Max(3, cs*0.06))
		m := &v.marks
		m.Line(x, y, x+c, y, lw, draw.Select)
		m.Line(x+c, y, x+c, y+c, lw, draw.Select)
		m.Line(x+c, y+c, x, y+c, lw, draw.Select)
		m.Line(x, y+c, x, y, lw, draw.Select)
		m.Flush(screen, true)
	}
	v.drawLegend(screen, ox, oy+gh+legendH*0.25, gw, legendH*0.35)
}

// motion starts the agent's glide when it moved to a neighbouring cell.
func (v *Grid) motion(s *proto.Snapshot) {
	g := &s.Grid
	if g.Agent == v.agent {
		return
	}
	v.from = -1
	if n := len(g.Trail); n >= 2 && s.Progress.EpisodeStep > 0 {
		v.from = int(g.Trail[n-2])
	}
	v.agent, v.movedAt = g.Agent, time.Now()
}

// drawFills paints cells by v(s) (a cached pixel image scaled up), by
// their visit counts, or, with the q layer, by q(s,a) in triangles.
func (v *Grid) drawFills(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	if v.show.pairs != nil {
		v.drawQ(screen, ox, oy, cs)
		return
	}
	if v.heat == nil || v.heat.Bounds().Dx() != g.Cols || v.heat.Bounds().Dy() != g.Rows {
		if v.heat != nil {
			v.heat.Deallocate()
		}
		v.heat = ebiten.NewImage(g.Cols, g.Rows)
		v.pix = make([]byte, 4*g.Cols*g.Rows)
	}
	for i := range g.State {
		c := zero8
		if st := g.State[i]; st >= 0 && v.show.cells != nil {
			c, _ = v.color(v.show.cells[st])
		}
		v.pix[4*i], v.pix[4*i+1], v.pix[4*i+2], v.pix[4*i+3] = c[0], c[1], c[2], 255
	}
	v.heat.WritePixels(v.pix)
	op := ebiten.DrawImageOptions{}
	op.GeoM.Scale(cs, cs)
	op.GeoM.Translate(ox, oy)
	screen.DrawImage(v.heat, &op)
}

func mostVisits(g *proto.Grid) float64 {
	most := 1.0
	for _, n := range g.Visits {
		most = math.Max(most, n)
	}
	return most
}

var zero8 = [3]uint8{247, 247, 245}

// qCorners gives, for up, right, down, left, the two outer corners of the
// cell's triangle (unit square, y down).
var qCorners = [4][4]float32{
	{0, 0, 1, 0}, // up: top edge
	{1, 0, 1, 1}, // right
	{1, 1, 0, 1}, // down
	{0, 1, 0, 0}, // left
}

// stayHalf is half the side of the centre square of "stay".
const stayHalf = 0.22

// best returns the first action with the largest value of state st in q.
func best(g *proto.Grid, q []float64, st int) int {
	b, bq := 0, math.Inf(-1)
	for a := 0; a < g.A; a++ {
		if q := q[st*g.A+a]; q > bq+1e-9 {
			b, bq = a, q
		}
	}
	return b
}

// drawQ paints each cell's actions as triangles towards their edges, with a
// centre square for stay, and outlines the best.
func (v *Grid) drawQ(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	if cs < minTrianglePx {
		v.drawQImage(screen, ox, oy, cs)
		return
	}
	f, m := &v.fills, &v.marks
	c := float32(cs)
	inner := float32(stayHalf)
	for i := range g.State {
		st := int(g.State[i])
		if st < 0 {
			continue
		}
		f.Room(screen, 16, false)
		x, y := float32(ox)+float32(i%g.Cols)*c, float32(oy)+float32(i/g.Cols)*c
		cx, cy := x+c/2, y+c/2
		q := v.show.pairs
		b := best(g, q, st)
		for a := 0; a < 4 && a < g.A; a++ {
			rgb, _ := v.color(q[st*g.A+a])
			col := color.RGBA{rgb[0], rgb[1], rgb[2], 255}
			k := qCorners[a]
			f.Tri(x+k[0]*c, y+k[1]*c, x+k[2]*c, y+k[3]*c, cx, cy, col)
			f.Room(screen, 8, true)
			m.Room(screen, 16, true)
			m.Line(x+k[0]*c, y+k[1]*c, cx, cy, 1, draw.GridLine)
			if a == b {
				lw := float32(math.Max(2, cs*0.025))
				ax, ay, bx, by := x+k[0]*c, y+k[1]*c, x+k[2]*c, y+k[3]*c
				// Outline just inside the triangle.
				sh := func(px, py float32) (float32, float32) { return px + (cx-px)*0.08, py + (cy-py)*0.08 }
				ax, ay = sh(ax, ay)
				bx, by = sh(bx, by)
				tx, ty := cx+(ax+bx-2*cx)*0.04, cy+(ay+by-2*cy)*0.04
				m.Line(ax, ay, bx, by, lw, draw.Best)
				m.Line(bx, by, tx, ty, lw, draw.Best)
				m.Line(tx, ty, ax, ay, lw, draw.Best)
			}
		}
		if g.A == 5 {
			rgb, _ := v.color(q[st*g.A+4])
			h := inner * c
			f.Rect(cx-h, cy-h, 2*h, 2*h, color.RGBA{rgb[0], rgb[1], rgb[2], 255})
			lw := float32(1)
			col := draw.GridLine
			if b == 4 {
				lw, col = float32(math.Max(2, cs*0.035)), draw.Best
			}
			m.Room(screen, 16, true)
			m.Line(cx-h, cy-h, cx+h, cy-h, lw, col)
			m.Line(cx+h, cy-h, cx+h, cy+h, lw, col)
			m.Line(cx+h, cy+h, cx-h, cy+h, lw, col)
			m.Line(cx-h, cy+h, cx-h, cy-h, lw, col)
		}
	}
	f.Flush(screen, false)
	m.Flush(screen, true)
}

// drawQImage draws q-values of small cells as a 3×3 block of pixels each:
// the up, right, down and left actions at the edges' middles, stay (or the
// best value) at the centre, the corners the cell's best.
func (v *Grid) drawQImage(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	W, H := 3*g.Cols, 3*g.Rows
	if v.qimg == nil || v.qimg.Bounds().Dx() != W || v.qimg.Bounds().Dy() != H {
		if v.qimg != nil {
			v.qimg.Deallocate()
		}
		v.qimg = ebiten.NewImage(W, H)
		v.qpix = make([]byte, 4*W*H)
	}
	q := v.show.pairs
	set := func(x, y int, c [3]uint8) {
		o := 4 * (y*W + x)
		v.qpix[o], v.qpix[o+1], v.qpix[o+2], v.qpix[o+3] = c[0], c[1], c[2], 255
	}
	// Where each action sits in the block: up, right, down, left, stay.
	at := [5][2]int{{1, 0}, {2, 1}, {1, 2}, {0, 1}, {1, 1}}
	for i, st := range g.State {
		x0, y0 := 3*(i%g.Cols), 3*(i/g.Cols)
		if st < 0 {
			for k := 0; k < 9; k++ {
				set(x0+k%3, y0+k/3, zero8)
			}
			continue
		}
		b := best(g, q, int(st))
		bc, _ := v.color(q[int(st)*g.A+b])
		for k := 0; k < 9; k++ {
			set(x0+k%3, y0+k/3, bc)
		}
		for a := 0; a < g.A && a < 5; a++ {
			c, _ := v.color(q[int(st)*g.A+a])
			set(x0+at[a][0], y0+at[a][1], c)
		}
	}
	v.qimg.WritePixels(v.qpix)
	op := ebiten.DrawImageOptions{}
	op.GeoM.Scale(cs/3, cs/3)
	op.GeoM.Translate(ox, oy)
	screen.DrawImage(v.qimg, &op)
}

// drawMarks draws what tells cells apart by shape: hatched forbidden cells,
// solid walls, jagged cliffs, the target's rings, the start's flag, a grey
// wash over states no policy reaches from the start, and the grid lines.
func (v *Grid) drawMarks(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	m := &v.marks
	c := float32(cs)
	lw := float32(math.Max(1, cs*0.02) * v.boost())
	for i, k := range g.Kinds {
		x, y := float32(ox)+float32(i%g.Cols)*c, float32(oy)+float32(i/g.Cols)*c
		m.Room(screen, 200, true)
		if st := g.State[i]; st >= 0 && len(g.Reachable) > 0 && !g.Reachable[st] {
			m.Rect(x, y, c, c, unreachable)
		}
		switch k {
		case 'F':
			if cs < minHatchPx {
				m.Rect(x, y, c, c, forbiddenTint)
				break
			}
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
				m.Line(x0, y0, x1, y1, float32(math.Max(1.2, cs*0.025)), draw.Hatch)
			}
		case '#':
			m.Rect(x, y, c, c, draw.Wall)
		case 'C':
			// A dark drop with a jagged top edge.
			m.Rect(x, y+c*0.35, c, c*0.65, draw.Cliff)
			const teeth = 4
			tw := c / teeth
			for j := 0; j < teeth; j++ {
				tx := x + float32(j)*tw
				m.Tri(tx, y+c*0.35, tx+tw/2, y+c*0.12, tx+tw, y+c*0.35, draw.Cliff)
			}
		case 'T':
			r := c * 0.42
			m.Ring(x+c/2, y+c/2, r, float32(math.Max(2, cs*0.05)), draw.Target)
			m.Ring(x+c/2, y+c/2, r*0.8, float32(math.Max(1, cs*0.02)), draw.Target)
		case 'S':
			// A small flag in the top-left corner.
			px, py := x+c*0.1, y+c*0.08
			m.Line(px, py, px, py+c*0.3, float32(math.Max(1.5, cs*0.03)), draw.Start)
			m.Tri(px, py, px+c*0.18, py+c*0.07, px, py+c*0.14, draw.Start)
		}
	}
	// Grid lines, where cells are large enough to need them.
	gw, gh := c*float32(g.Cols), c*float32(g.Rows)
	if cs < minLinePx {
		m.Line(float32(ox), float32(oy), float32(ox)+gw, float32(oy), lw, draw.GridLine)
		m.Line(float32(ox)+gw, float32(oy), float32(ox)+gw, float32(oy)+gh, lw, draw.GridLine)
		m.Line(float32(ox)+gw, float32(oy)+gh, float32(ox), float32(oy)+gh, lw, draw.GridLine)
		m.Line(float32(ox), float32(oy)+gh, float32(ox), float32(oy), lw, draw.GridLine)
		m.Flush(screen, true)
		return
	}
	for r := 0; r <= g.Rows; r++ {
		m.Room(screen, 4, true)
		yy := float32(oy) + float32(r)*c
		m.Line(float32(ox), yy, float32(ox)+gw, yy, lw, draw.GridLine)
	}
	for col := 0; col <= g.Cols; col++ {
		m.Room(screen, 4, true)
		xx := float32(ox) + float32(col)*c
		m.Line(xx, float32(oy), xx, float32(oy)+gh, lw, draw.GridLine)
	}
	m.Flush(screen, true)
}

// forbiddenTint marks forbidden cells too small to hatch.
var forbiddenTint = color.RGBA{0x55, 0x55, 0x55, 0x60}

// pairB draws the second trajectory of a pair (the first is draw.Trail).
var pairB = color.RGBA{0xe0, 0x61, 0x01, 0xb0}

// unreachable washes out states that no policy reaches from the start.
var unreachable = color.RGBA{0xd0, 0xd0, 0xcc, 0xd0}

// Arrow directions for up, right, down, left (y down).
var arrowDir = [4][2]float32{{0, -1}, {1, 0}, {0, 1}, {-1, 0}}

// drawPolicy draws π(a|s) as arrows from near the cell's centre outwards,
// and stay as a ring, all in one batch. An arrow's length grows with its
// probability from a readable minimum, and its head with its length, so
// that tied actions read as distinct arrows rather than one blot.
func (v *Grid) drawPolicy(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	if cs < minArrowPx {
		return // unreadable: the inspector has π(a|s)
	}
	m := &v.arrows
	c := float32(cs)
	// With numbers shown, the number sits in the top part of the cell and
	// the policy glyph below it.
	numbers := v.on("numbers") && v.numberFace(cs) != nil
	reach, cyOff := c*0.44, float32(0)
	if numbers {
		reach, cyOff = c*0.30, c*0.14
	}
	gap := reach * 0.16 // arrows start off the centre: a tie is a star of separate arrows
	minLen := reach * 0.32
	shaft := float32(math.Max(1.5, cs*0.04) * v.boost())
	for i := range g.State {
		st := int(g.State[i])
		if st < 0 || (g.Terminal && g.Kinds[i] == 'T') {
			continue
		}
		m.Room(screen, 140, true)
		cx := float32(ox) + (float32(i%g.Cols)+0.5)*c
		cy := float32(oy) + (float32(i/g.Cols)+0.5)*c + cyOff
		for a := 0; a < 4 && a < g.A; a++ {
			p := float32(g.Pi[st*g.A+a])
			if p < 0.05 { // the inspector has it
				continue
			}
			d := arrowDir[a]
			l := minLen + (reach-gap-minLen)*p
			hl := float32(math.Min(float64(l)*0.5, math.Max(4, cs*0.13)))
			sx, sy := cx+d[0]*gap, cy+d[1]*gap
			ex, ey := sx+d[0]*l, sy+d[1]*l
			bx, by := ex-d[0]*hl, ey-d[1]*hl
			m.Line(sx, sy, bx, by, shaft, draw.Arrow)
			nx, ny := -d[1]*hl*0.6, d[0]*hl*0.6
			m.Tri(ex, ey, bx+nx, by+ny, bx-nx, by-ny, draw.Arrow)
		}
		if g.A == 5 {
			if p := float32(g.Pi[st*g.A+4]); p >= 0.05 {
				m.Ring(cx, cy, gap*0.5+c*0.08*p, shaft, draw.Arrow)
			}
		}
	}
	m.Flush(screen, true)
}

// numberFace returns the face of v(s) numbers for cells of side cs, or nil
// when they would be too small to read.
func (v *Grid) numberFace(cs float64) text.Face {
	face, px := draw.Face(math.Min(cs*0.22*math.Sqrt(v.boost()), 28*v.boost()))
	if px < minNumberPx {
		return nil
	}
	return face
}

// drawNumbers prints v(s), or q(s,a) in each triangle with the q layer.
func (v *Grid) drawNumbers(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	v.labels.grow(len(g.State) * 6)
	if v.show.pairs != nil {
		v.drawQNumbers(screen, ox, oy, cs)
		return
	}
	cells := v.show.cells
	if cells == nil {
		cells = g.V
	}
	face := v.numberFace(cs)
	if face == nil {
		return
	}
	// Two decimals where they fit, so 0.81 and 0.90 differ (more for small
	// quantities such as gradients); one for large values in small cells.
	prec := decimals(v.scale)
	if draw.Width(sample(prec, v.scale >= 9.995), face) > cs*0.92 {
		if v.scale < 1 {
			return // fewer decimals would print zeros
		}
		prec = 1
	}
	for i := range g.State {
		st := int(g.State[i])
		if st < 0 {
			continue
		}
		x, y := ox+float64(i%g.Cols)*cs, oy+float64(i/g.Cols)*cs
		val := cells[st]
		_, dark := v.color(val)
		col := draw.Ink
		if dark && v.show.cells != nil {
			col = draw.InkLight
		}
		ty := y + cs/2
		if v.on("policy") {
			ty = y + cs*0.2
		}
		draw.Text(screen, v.labels.get(i*6, val, prec), face, x+cs/2, ty, col)
	}
}

// drawQNumbers prints q(s,a) inside each action's triangle, at the largest
// size (and precision) at which every number fits its triangle, or not at
// all when that is too small to read.
func (v *Grid) drawQNumbers(screen *ebiten.Image, ox, oy, cs float64) {
	g := v.g
	// A label centred at distance d from the centre on the triangle's axis
	// fits if its half-width stays inside the triangle's 45° sides at its
	// inner edge: w/2 ≤ d − h/2 (up, down); for left and right, h/2 ≤ d − w/2.
	d := cs * 0.34
	wide := false
	for _, q := range v.show.pairs {
		if math.Abs(q) >= 9.995 {
			wide = true
		}
	}
	fits := func(prec int) (text.Face, float64) {
		for px := math.Min(cs*0.16, 22); px >= minQPx; px-- {
			face, size := draw.Face(px)
			w := draw.Width(sample(prec, wide), face)
			if w/2 <= d-size*0.6 && d+w/2 <= cs*0.48 && w <= 2*stayHalf*cs {
				return face, size
			}
		}
		return nil, 0
	}
	prec := decimals(v.scale)
	face, px := fits(prec)
	if px < minQPx+2 {
		if v.scale < 1 {
			if face == nil {
				return
			}
		} else {
			prec = 1
			if face, px = fits(1); face == nil {
				return
			}
		}
	}
	for i := range g.State {
		st := int(g.State[i])
		if st < 0 {
			continue
		}
		cx, cy := ox+(float64(i%g.Cols)+0.5)*cs, oy+(float64(i/g.Cols)+0.5)*cs
		for a := 0; a < g.A; a++ {
			q := v.show.pairs[st*g.A+a]
			_, dark := v.color(q)
			col := draw.Ink
			if dark {
				col = draw.InkLight
			}
			px, py := cx, cy
			if a < 4 {
				px += float64(arrowDir[a][0]) * d
				py += float64(arrowDir[a][1]) * d
			}
			draw.Text(screen, v.labels.get(i*6+1+a, q, prec), face, px, py, col)
		}
	}
}

// drawLegend draws the colour scale: v(s) or q(s,a) from −scale to +scale,
// or the visit counts on their log scale.
func (v *Grid) drawLegend(screen *ebiten.Image, x, y, w, h float64) {
	const steps = 64
	m := &v.fills
	bw := w * 0.6
	bx := x + (w-bw)/2
	seq := v.show.seq
	for i := 0; i < steps; i++ {
		t := (float64(i) + 0.5) / steps
		var rgb [3]uint8
		switch {
		case v.show.visits:
			rgb = visitColor(math.Expm1(t*math.Log1p(v.scale)), v.scale)
		case seq:
			rgb, _ = v.color(t * v.scale)
		default:
			rgb, _ = draw.ValueColor((t*2-1)*v.scale, v.scale)
		}
		m.Rect(float32(bx+bw*float64(i)/steps), float32(y), float32(bw/steps+0.5), float32(h), color.RGBA{rgb[0], rgb[1], rgb[2], 255})
	}
	m.Flush(screen, false)
	face, size := draw.Face(math.Max(12*v.boost(), h*0.75))
	lo, hi, mid, name := v.labels.legend(0, -v.scale), v.labels.legend(1, v.scale), "0", v.show.label
	if seq {
		lo, mid = "0", ""
	}
	if name == "" {
		name = "v(s)"
	}
	draw.Text(screen, lo, face, bx-size*0.6-draw.Width(lo, face)/2, y+h/2, draw.Ink)
	draw.Text(screen, hi, face, bx+bw+size*0.6+draw.Width(hi, face)/2, y+h/2, draw.Ink)
	if mid != "" {
		draw.Text(screen, mid, face, bx+bw/2, y+h+size*0.7, draw.Ink)
	}
	// The name goes left of the bar, shortened to fit the margin.
	room := bx - size*1.6 - draw.Width(lo, face) - x
	nf := fitFace(name, math.Max(12, h*0.75), math.Max(room, 40))
	draw.Text(screen, name, nf, bx-size*1.2-draw.Width(lo, face)-draw.Width(name, nf)/2, y+h/2, draw.Ink)
}

// drawAgentLayers draws what only a learning agent has: its traces, the
// states whose greedy action is not optimal, its episode's trail and the
// agent itself, gliding between cells at slow speeds.
func (v *Grid) drawAgentLayers(screen *ebiten.Image, s *proto.Snapshot, ox, oy, cs float64) {
	g := v.g
	m := &v.marks
	c := float32(cs)
	center := func(cell int) (float32, float32) {
		return float32(ox) + (float32(cell%g.Cols)+0.5)*c, float32(oy) + (float32(cell/g.Cols)+0.5)*c
	}
	if v.on("traces") && len(g.Traces) > 0 {
		most := 0.0
		for _, e := range g.Traces {
			most = math.Max(most, e)
		}
		if most > 1e-12 {
			for i := range g.State {
				st := g.State[i]
				if st < 0 || g.Traces[st] < most*0.02 {
					continue
				}
				m.Room(screen, 120, true)
				x, y := center(i)
				r := c * 0.42 * float32(math.Sqrt(g.Traces[st]/most))
				m.Ring(x, y, r*0.5, r, draw.Trace)
			}
		}
	}
	if v.on("errors") && len(g.Optimal) > 0 {
		for i := range g.State {
			st := g.State[i]
			if st < 0 || g.Optimal[st] || (len(g.Reachable) > 0 && !g.Reachable[st]) {
				continue
			}
			m.Room(screen, 8, true)
			x, y := float32(ox)+float32(i%g.Cols)*c, float32(oy)+float32(i/g.Cols)*c
			m.Tri(x+c, y, x+c, y+c*0.28, x+c*0.72, y, draw.Error)
		}
	}
	// The agent is drawn only where it can be followed: at high speeds it
	// would flicker, and the estimates are what changes visibly.
	fast := s.Playing && (s.Speed == 0 || s.Speed > 30)
	if v.on("trail") && g.Agent >= 0 && !fast {
		lw := float32(math.Max(2, cs*0.05))
		// A second path (the other trajectory of a pair) runs beside the
		// first, shifted a little, so the two stay apart where they share
		// cells.
		paths := [2][]int32{g.Trail, g.Trail2}
		for p, trail := range paths {
			col, off := draw.Trail, float32(0)
			if p == 1 {
				col, off = pairB, c*0.12
			}
			for k := 1; k < len(trail); k++ {
				a, b := int(trail[k-1]), int(trail[k])
				dr, dc := a/g.Cols-b/g.Cols, a%g.Cols-b%g.Cols
				if a == b || dr*dr+dc*dc > 1 { // a stay, or a jump back to the start
					continue
				}
				m.Room(screen, 4, true)
				x0, y0 := center(a)
				x1, y1 := center(b)
				m.Line(x0+off, y0+off, x1+off, y1+off, lw, col)
			}
		}
		if len(g.Trail2) > 0 {
			// A pair: mark each path's end with its letter's colour.
			for p, trail := range paths {
				if len(trail) == 0 {
					continue
				}
				x, y := center(int(trail[len(trail)-1]))
				col := draw.Agent
				if p == 1 {
					col, x, y = pairB, x+c*0.12, y+c*0.12
				}
				m.Room(screen, 240, true)
				m.Ring(x, y, c*0.07, c*0.14, col)
			}
			m.Flush(screen, true)
			face, _ := draw.Face(math.Max(12, cs*0.2))
			for p, trail := range paths {
				if len(trail) == 0 {
					continue
				}
				x, y := center(int(trail[0]))
				name, col := "A", draw.Agent
				if p == 1 {
					name, col = "B", pairB
				}
				draw.Text(screen, name, face, float64(x)+cs*0.3*float64(2*p-1), float64(y)-cs*0.3, col)
			}
			return
		}
		x, y := center(g.Agent)
		if v.from >= 0 && s.Speed > 0 && s.Speed <= 12 && !v.Still {
			t := float32(math.Min(1, time.Since(v.movedAt).Seconds()*s.Speed*1.5))
			fx, fy := center(v.from)
			x, y = fx+(x-fx)*t, fy+(y-fy)*t
		}
		m.Room(screen, 240, true)
		m.Ring(x, y, c*0.09, c*0.18, draw.Agent)
		m.Ring(x, y, c*0.18, float32(math.Max(1.5, cs*0.025)), draw.InkLight)
	}
	m.Flush(screen, true)
}

// visitColor maps a visit count to a sequential white-to-purple scale on a
// log axis, so rarely visited states still show.
func visitColor(n, most float64) [3]uint8 {
	t := math.Log1p(n) / math.Log1p(most)
	var c [3]uint8
	lo := [3]float64{247, 247, 245}
	hi := [3]float64{84, 39, 143}
	for i := range c {
		c[i] = uint8(lo[i] + (hi[i]-lo[i])*t + 0.5)
	}
	return c
}

// labels caches the text of numbers, formatting one again only when its
// value or precision changed.
type labels struct {
	text   []string
	val    []float64
	prec   []int8
	buf    []byte
	legVal [2]float64
	legTxt [2]string
}

func (l *labels) grow(n int) {
	if len(l.text) != n {
		l.text, l.val, l.prec = make([]string, n), make([]float64, n), make([]int8, n)
	}
}

func (l *labels) get(slot int, v float64, prec int) string {
	if l.val[slot] == v && int(l.prec[slot]) == prec && l.text[slot] != "" {
		return l.text[slot]
	}
	l.val[slot], l.prec[slot] = v, int8(prec)
	l.buf = Number(l.buf[:0], v, prec)
	if string(l.buf) != l.text[slot] { // a new string only for new text
		l.text[slot] = string(l.buf)
	}
	return l.text[slot]
}

// decimals returns the decimals that show numbers of size up to scale
// with two significant digits: 2 from 1 up, more below.
func decimals(scale float64) int {
	if !(scale < 1) || scale <= 0 {
		return 2
	}
	return min(5, 1-int(math.Floor(math.Log10(scale))))
}

// sample is the widest number of prec decimals, for measuring.
func sample(prec int, wide bool) string {
	s := "-0."
	if wide {
		s = "-00."
	}
	for i := 0; i < prec; i++ {
		s += "0"
	}
	return s
}

// legend formats a legend's end, reusing the last text while it holds.
func (l *labels) legend(slot int, v float64) string {
	if l.legVal[slot] != v || l.legTxt[slot] == "" {
		prec := 1
		switch a := math.Abs(v); {
		case a >= 100:
			prec = 0
		case a < 1:
			prec = decimals(a)
		}
		l.legVal[slot], l.legTxt[slot] = v, string(Number(nil, v, prec))
	}
	return l.legTxt[slot]
}

// Number appends v with prec decimals, never "−0.00" (a value that rounds
// to zero is "0.00"); huge values in exponent form, to fit a cell.
func Number(b []byte, v float64, prec int) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "∞"...)
	case math.IsInf(v, -1):
		return append(b, "−∞"...)
	case math.Abs(v) >= 1e4:
		return strconv.AppendFloat(b, v, 'g', 2, 64) // 1.2e+05
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', prec, 64)
	if b[start] == '-' {
		zero := true
		for _, ch := range b[start+1:] {
			if ch != '0' && ch != '.' {
				zero = false
				break
			}
		}
		if zero {
			b = append(b[:start], b[start+1:]...)
		}
	}
	return b
}
