package scene

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"bellman/sim/proto"
	"bellman/wasm/draw"
)

// Control draws a control task: the task animated above, and below it the
// run's heatmaps over a plane of the state space (value and policy), with
// the current and the previous episode's trajectory drawn over each.
type Control struct {
	imgs   []*ebiten.Image
	pix    [][]byte
	scales []float64
	marks  draw.Mesh
	text   map[float64]string
	env    string
	atlas  *ebiten.Image // the network view's unit maps, side by side
	apix   []byte
	// Boost enlarges text for a projector (presenter view: 1.5).
	Boost float64
}

// classColors tells categories apart (Okabe and Ito's colour-blind safe
// palette).
var classColors = [...]color.RGBA{{0xe6, 0x9f, 0x00, 0xff}, {0x56, 0xb4, 0xe9, 0xff}, {0x00, 0x9e, 0x73, 0xff},
	{0xf0, 0xe4, 0x42, 0xff}, {0x00, 0x72, 0xb2, 0xff}, {0xd5, 0x5e, 0x00, 0xff}, {0xcc, 0x79, 0xa7, 0xff}}

// NewControl returns a control renderer.
func NewControl() *Control { return &Control{text: map[float64]string{}} }

// Reset forgets the colour ranges (a new task).
func (v *Control) Reset() { clear(v.scales) }

// at returns xs[i], or 0 when a snapshot of another task is shorter.
func at(xs []float64, i int) float64 {
	if i < len(xs) {
		return xs[i]
	}
	return 0
}

// Draw lays out the animated task above and the heatmaps side by side
// below it.
func (v *Control) Draw(screen *ebiten.Image, s *proto.Snapshot) {
	c := &s.Control
	if c.Env != v.env {
		v.env = c.Env
		v.Reset()
	}
	W, H := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	m := math.Max(8, math.Min(W, H)*0.02)
	boost := math.Max(1, v.Boost)
	_, fs := draw.Face(math.Max(12*boost, math.Min(W, H)*0.024*boost))
	envH := math.Floor(H * 0.36)
	v.drawEnv(screen, s, m, m, W-2*m, envH)
	if s.HasNet {
		v.drawNet(screen, &s.Net, m, m+envH+fs, W-2*m, H-envH-2*m-fs, fs)
		return
	}
	n := len(c.Heatmaps)
	if n == 0 {
		return
	}
	// Each heatmap: a title above; the y axis's numbers on the left; the x
	// axis's numbers and name below, then its colour bar.
	left := fs * 3.6
	hs := math.Min((W-m*float64(n+1))/float64(n)-left, H-envH-2*m-fs*6.2)
	if hs < 20 {
		return
	}
	gap := (W - float64(n)*(hs+left)) / float64(n+1)
	y := m + envH + fs*1.9
	for i := range c.Heatmaps {
		x := gap + left + float64(i)*(hs+left+gap)
		v.drawHeatmap(screen, s, i, x, y, hs, fs)
	}
}

// drawEnv draws the task in the box (x, y, w, h): a line of progress on
// top, the task below it and its state at the bottom.
func (v *Control) drawEnv(screen *ebiten.Image, s *proto.Snapshot, x, y, w, h float64) {
	c := &s.Control
	mk := &v.marks
	face, fs := draw.Face(math.Max(12, math.Min(w, h)*0.05))
	p := &s.Progress
	status := c.Status
	// The episode under way is the one after those finished (the status
	// line says the same).
	draw.Text(screen, fmt.Sprintf("episode %d · step %d · return %.1f", p.Episode+1, p.EpisodeStep, p.Return), face, x+w*0.3, y+fs*0.6, draw.Ink)
	draw.Text(screen, status, face, x+w*0.8, y+fs*0.6, draw.InkMuted)
	y, h = y+fs*1.5, h-fs*1.5 // the task below the line
	st, act := c.State, c.Action
	a0, hi0 := at(act, 0), 1.0
	if len(c.ActionHi) > 0 && c.ActionHi[0] > 0 {
		hi0 = c.ActionHi[0]
	}
	bottom := y + h - fs*0.6
	switch c.Env {
	case "pendulum":
		// θ = 0 is upright; the rod turns about the pivot.
		cx, cy := float32(x+w/2), float32(y+(h-fs)/2)
		L := float32(math.Min(w, h-fs*1.5) * 0.4)
		th := at(st, 0)
		ex, ey := cx+L*float32(math.Sin(th)), cy-L*float32(math.Cos(th))
		mk.Ring(cx, cy, L, 1.5, draw.GridLine)
		mk.Line(cx, cy, ex, ey, float32(math.Max(6, float64(L)*0.08)), draw.Arrow)
		mk.Ring(ex, ey, L*0.05, L*0.1, draw.Agent)
		mk.Ring(cx, cy, L*0.03, L*0.06, draw.Arrow)
		v.torque(cx, cy, L*0.35, a0/hi0)
		draw.Text(screen, fmt.Sprintf("θ %+.2f   ω %+.2f   torque %+.2f", wrapAngle(th), at(st, 1), a0), face, x+w/2, bottom, draw.Ink)
	case "mountaincar", "mountaincar-discrete":
		// The hill y = sin(3x) over [−1.2, 0.6].
		X := func(p float64) float32 { return float32(x + (p+1.2)/1.8*w*0.9 + w*0.05) }
		Y := func(p float64) float32 { return float32(y + (h-fs)*0.6 - math.Sin(3*p)*(h-fs)*0.32) }
		for p := -1.2; p < 0.6; p += 0.02 {
			mk.Line(X(p), Y(p), X(p+0.02), Y(p+0.02), 3, draw.Arrow)
		}
		gx := X(0.45)
		mk.Line(gx, Y(0.45), gx, Y(0.45)-float32(h*0.12), 2, draw.Target)
		mk.Tri(gx, Y(0.45)-float32(h*0.12), gx+float32(h*0.06), Y(0.45)-float32(h*0.1), gx, Y(0.45)-float32(h*0.08), draw.Target)
		px := at(st, 0)
		slope := math.Atan(3 * math.Cos(3*px) * (h - fs) * 0.32 / (w * 0.9 / 1.8))
		cx, cy := X(px), Y(px)
		r := float32(h * 0.035)
		nx, ny := float32(math.Sin(slope)), float32(math.Cos(slope))
		mk.Ring(cx-r*nx, cy-r*ny, r*0.5, r, draw.Agent)
		u := a0 / hi0
		if c.Env == "mountaincar-discrete" {
			u = a0 - 1 // push left, nothing, right
		}
		v.push(cx-r*nx, cy-r*ny-r*2.5, float32(w*0.12), u)
		draw.Text(screen, fmt.Sprintf("position %+.3f   velocity %+.4f   force %+.2f", px, at(st, 1), a0), face, x+w/2, bottom, draw.Ink)
	case "cartpole", "cartpole-discrete":
		X := func(p float64) float32 { return float32(x + w/2 + p/2.4*w*0.42) }
		ty := float32(y + (h-fs)*0.75)
		mk.Line(X(-2.4), ty, X(2.4), ty, 2, draw.GridLine)
		mk.Line(X(-2.4), ty-10, X(-2.4), ty+10, 3, draw.Error)
		mk.Line(X(2.4), ty-10, X(2.4), ty+10, 3, draw.Error)
		cw, ch := float32(w*0.1), float32(h*0.07)
		cx := X(at(st, 0))
		mk.Rect(cx-cw/2, ty-ch, cw, ch, draw.Wall)
		L := float32((h - fs) * 0.55)
		th := at(st, 2)
		mk.Line(cx, ty-ch, cx+L*float32(math.Sin(th)), ty-ch-L*float32(math.Cos(th)), float32(math.Max(5, float64(cw)*0.12)), draw.Cliff)
		u := a0 / hi0
		if c.Env == "cartpole-discrete" {
			u = 2*a0 - 1
		}
		v.push(cx, ty+ch*0.8, float32(w*0.12), u)
		draw.Text(screen, fmt.Sprintf("x %+.2f   θ %+.3f   force %+.1f N", at(st, 0), th, u*10), face, x+w/2, bottom, draw.Ink)
	case "acrobot":
		// Two links from the pivot; θ₁ = 0 hangs down. The goal line is
		// one link's length above the pivot.
		cx, cy := float32(x+w/2), float32(y+(h-fs)*0.45)
		L := float32((h - fs) * 0.24)
		t1, t2 := at(st, 0), at(st, 1)
		x1, y1 := cx+L*float32(math.Sin(t1)), cy+L*float32(math.Cos(t1))
		x2, y2 := x1+L*float32(math.Sin(t1+t2)), y1+L*float32(math.Cos(t1+t2))
		mk.Line(cx-L*2.2, cy-L, cx+L*2.2, cy-L, 2, draw.Target)
		mk.Line(cx, cy, x1, y1, float32(math.Max(5, float64(L)*0.08)), draw.Arrow)
		mk.Line(x1, y1, x2, y2, float32(math.Max(5, float64(L)*0.08)), draw.Cliff)
		mk.Ring(cx, cy, L*0.04, L*0.08, draw.Arrow)
		mk.Ring(x2, y2, L*0.05, L*0.1, draw.Agent)
		v.torque(x1, y1, L*0.3, a0-1)
		draw.Text(screen, fmt.Sprintf("θ₁ %+.2f   θ₂ %+.2f   torque %+.0f", wrapAngle(t1), wrapAngle(t2), a0-1), face, x+w/2, bottom, draw.Ink)
	case "pointmass":
		side := math.Min(w, h-fs*1.6)
		ox, oy := x+(w-side)/2, y
		X := func(p float64) float32 { return float32(ox + p*side) }
		Y := func(p float64) float32 { return float32(oy + (1-p)*side) }
		for _, r := range c.Regions {
			v.region(screen, r, X, Y, side)
		}
		mk.Line(X(0), Y(0), X(1), Y(0), 2, draw.GridLine)
		mk.Line(X(1), Y(0), X(1), Y(1), 2, draw.GridLine)
		mk.Line(X(1), Y(1), X(0), Y(1), 2, draw.GridLine)
		mk.Line(X(0), Y(1), X(0), Y(0), 2, draw.GridLine)
		px, py := X(at(st, 0)), Y(at(st, 1))
		v.arrow(px, py, px+float32(a0*side*0.12), py-float32(at(act, 1)*side*0.12), draw.Arrow)
		mk.Ring(px, py, float32(side*0.012), float32(side*0.024), draw.Agent)
		draw.Text(screen, fmt.Sprintf("x %.2f  y %.2f   force (%+.2f, %+.2f)", at(st, 0), at(st, 1), a0, at(act, 1)), face, x+w/2, y+side+fs*0.9, draw.Ink)
	}
	mk.Flush(screen, true)
}

// region draws a point-mass region: forbidden ones hatched, the target
// outlined.
func (v *Control) region(screen *ebiten.Image, r proto.Region, X, Y func(float64) float32, side float64) {
	mk := &v.marks
	col := draw.Target
	if r.Forbidden {
		col = draw.Hatch
	}
	if r.Circle {
		mk.Ring(X(r.CX), Y(r.CY), float32(r.R*side), 3, col)
		return
	}
	x0, y0, x1, y1 := X(r.X0), Y(r.Y1), X(r.X1), Y(r.Y0)
	if !r.Forbidden {
		mk.Line(x0, y0, x1, y0, 3, col)
		mk.Line(x1, y0, x1, y1, 3, col)
		mk.Line(x1, y1, x0, y1, 3, col)
		mk.Line(x0, y1, x0, y0, 3, col)
		return
	}
	// Hatching, clipped to the box.
	w, h := x1-x0, y1-y0
	step := float32(side / 60)
	for d := step; d < w+h; d += step {
		ax, ay := x0+d, y0
		bx, by := x0, y0+d
		if ax > x1 {
			ay += ax - x1
			ax = x1
		}
		if by > y1 {
			bx += by - y1
			by = y1
		}
		mk.Room(screen, 4, true)
		mk.Line(ax, ay, bx, by, 1.5, col)
	}
}

// torque draws an arc about (cx, cy) whose sweep is the normalised torque u.
func (v *Control) torque(cx, cy, r float32, u float64) {
	if math.Abs(u) < 0.02 {
		return
	}
	u = math.Max(-1, math.Min(1, u))
	const n = 16
	sweep := u * math.Pi * 0.8
	prevX, prevY := cx, cy-r
	for i := 1; i <= n; i++ {
		a := -sweep * float64(i) / n // positive torque turns anticlockwise
		x, y := cx+r*float32(math.Sin(a)), cy-r*float32(math.Cos(a))
		v.marks.Line(prevX, prevY, x, y, 3, draw.Error)
		prevX, prevY = x, y
	}
	a := -sweep
	tx, ty := float32(math.Cos(a)), float32(math.Sin(a))
	if u < 0 {
		tx, ty = -tx, -ty
	}
	h := r * 0.3
	v.marks.Tri(prevX-tx*h, prevY-ty*h, prevX+ty*h*0.6, prevY-tx*h*0.6, prevX-ty*h*0.6, prevY+tx*h*0.6, draw.Error)
}

// push draws a horizontal force arrow of normalised size u at (x, y).
func (v *Control) push(x, y, length float32, u float64) {
	if math.Abs(u) < 0.02 {
		return
	}
	v.arrow(x, y, x+length*float32(math.Max(-1, math.Min(1, u))), y, draw.Error)
}

func (v *Control) arrow(x0, y0, x1, y1 float32, c color.RGBA) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l < 2 || math.IsNaN(float64(l)) {
		return
	}
	ux, uy := dx/l, dy/l
	h := float32(math.Min(float64(l)*0.4, 12))
	v.marks.Line(x0, y0, x1-ux*h, y1-uy*h, 3, c)
	v.marks.Tri(x1, y1, x1-ux*h-uy*h*0.5, y1-uy*h+ux*h*0.5, x1-ux*h+uy*h*0.5, y1-uy*h-ux*h*0.5, c)
}

// drawHeatmap draws heatmap i with its title, axes, colour bar and the
// trajectories at (x, y), side sz.
func (v *Control) drawHeatmap(screen *ebiten.Image, s *proto.Snapshot, i int, x, y, sz, fs float64) {
	c := &s.Control
	hm := &c.Heatmaps[i]
	G := c.Grid
	if G == 0 {
		return
	}
	for len(v.imgs) <= i {
		v.imgs, v.pix, v.scales = append(v.imgs, nil), append(v.pix, nil), append(v.scales, 0)
	}
	if v.imgs[i] == nil || v.imgs[i].Bounds().Dx() != G {
		v.imgs[i] = ebiten.NewImage(G, G)
		v.pix[i] = make([]byte, 4*G*G)
	}
	r := hm.Range
	if r <= 0 {
		big := 0.0
		for _, x := range hm.Values {
			if a := math.Abs(x); a > big && !math.IsInf(a, 0) {
				big = a
			}
		}
		v.scales[i] = draw.ScaleRange(v.scales[i], big)
		r = v.scales[i]
	}
	p := v.pix[i]
	for j := 0; j < G; j++ {
		for k := 0; k < G; k++ {
			x := hm.Values[j*G+k]
			col, _ := draw.ValueColor(x, r)
			if hm.Classes > 0 {
				cc := classColors[int(math.Max(0, x))%len(classColors)]
				col = [3]uint8{cc.R, cc.G, cc.B}
			}
			// Row j = 0 is at the plane's bottom: flip for the screen.
			o := 4 * ((G-1-j)*G + k)
			p[o], p[o+1], p[o+2], p[o+3] = col[0], col[1], col[2], 255
		}
	}
	v.imgs[i].WritePixels(p)
	op := ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	if hm.Classes > 0 {
		op.Filter = ebiten.FilterNearest // categories do not blend
	}
	op.GeoM.Scale(sz/float64(G), sz/float64(G))
	op.GeoM.Translate(x, y)
	screen.DrawImage(v.imgs[i], &op)

	pl := c.Plane
	// Points outside the plane (a pole past its limit, say) are drawn on
	// its edge.
	clamp := func(t float64) float64 { return math.Max(0, math.Min(1, t)) }
	U := func(u float64) float32 { return float32(x + clamp((u-pl.XMin)/(pl.XMax-pl.XMin))*sz) }
	V := func(w float64) float32 { return float32(y + clamp((pl.YMax-w)/(pl.YMax-pl.YMin))*sz) }
	mk := &v.marks
	for _, rg := range c.Regions { // the point mass's regions, outlined
		col := draw.Target
		if rg.Forbidden {
			col = draw.Wall
		}
		mk.Room(screen, 120, true)
		if rg.Circle {
			mk.Ring(U(rg.CX), V(rg.CY), float32(rg.R/(pl.XMax-pl.XMin)*sz), 1.5, col)
			continue
		}
		x0, y0, x1, y1 := U(rg.X0), V(rg.Y1), U(rg.X1), V(rg.Y0)
		mk.Line(x0, y0, x1, y0, 1.5, col)
		mk.Line(x1, y0, x1, y1, 1.5, col)
		mk.Line(x1, y1, x0, y1, 1.5, col)
		mk.Line(x0, y1, x0, y0, 1.5, col)
	}
	for _, lx := range hm.LinesX { // tile edges
		if lx > pl.XMin && lx < pl.XMax {
			mk.Room(screen, 4, true)
			mk.Line(U(lx), float32(y), U(lx), float32(y+sz), 1, tileLine)
		}
	}
	for _, ly := range hm.LinesY {
		if ly > pl.YMin && ly < pl.YMax {
			mk.Room(screen, 4, true)
			mk.Line(float32(x), V(ly), float32(x+sz), V(ly), 1, tileLine)
		}
	}
	if len(hm.Arrows) == 2*G*G { // a 2D policy as arrows
		for j := 2; j < G; j += 4 {
			for k := 2; k < G; k += 4 {
				o := (j*G + k) * 2
				u := pl.XMin + float64(k)/float64(G-1)*(pl.XMax-pl.XMin)
				w := pl.YMin + float64(j)/float64(G-1)*(pl.YMax-pl.YMin)
				ax, ay := U(u), V(w)
				l := float32(sz / float64(G) * 1.8)
				mk.Room(screen, 8, true)
				v.arrow(ax, ay, ax+l*float32(hm.Arrows[o]), ay-l*float32(hm.Arrows[o+1]), draw.Arrow)
			}
		}
	}
	// The previous and the current episode's trajectories.
	for t, traj := range [2][]float64{c.PrevTraj, c.Traj} {
		col := color.RGBA{0x1d, 0x1d, 0x1f, 0x60}
		if t == 1 {
			col = draw.Agent
		}
		for k := 2; k+1 < len(traj); k += 2 {
			au, av, bu, bv := traj[k-2], traj[k-1], traj[k], traj[k+1]
			if math.Abs(au-bu) > (pl.XMax-pl.XMin)/2 { // an angle wrapped
				continue
			}
			mk.Room(screen, 4, true)
			mk.Line(U(au), V(av), U(bu), V(bv), 2, col)
		}
		if n := len(traj); t == 1 && n >= 2 {
			mk.Ring(U(traj[n-2]), V(traj[n-1]), 4, 4, draw.Agent)
		}
	}
	mk.Line(float32(x), float32(y), float32(x+sz), float32(y), 1, draw.GridLine)
	mk.Line(float32(x+sz), float32(y), float32(x+sz), float32(y+sz), 1, draw.GridLine)
	mk.Line(float32(x+sz), float32(y+sz), float32(x), float32(y+sz), 1, draw.GridLine)
	mk.Line(float32(x), float32(y+sz), float32(x), float32(y), 1, draw.GridLine)
	mk.Flush(screen, true)

	face, _ := draw.Face(fs)
	small, sfs := draw.Face(fs * 0.85)
	draw.Text(screen, hm.Title, face, x+sz/2, y-fs*0.9, draw.Ink)
	// The x axis: its ends under the corners, its name between them.
	lo, hi := v.num(pl.XMin), v.num(pl.XMax)
	ty := y + sz + sfs*0.9
	draw.Text(screen, lo, small, x+draw.Width(lo, small)/2, ty, draw.InkMuted)
	draw.Text(screen, hi, small, x+sz-draw.Width(hi, small)/2, ty, draw.InkMuted)
	draw.Text(screen, axisLabel(pl.XLabel), small, x+sz/2, ty, draw.Ink)
	// The y axis: its ends right-aligned beside the corners, its symbol
	// between them.
	top, bot := v.num(pl.YMax), v.num(pl.YMin)
	rightOf := func(s string, f text.Face) float64 { return x - sfs*0.4 - draw.Width(s, f)/2 }
	draw.Text(screen, top, small, rightOf(top, small), y+sfs*0.5, draw.InkMuted)
	draw.Text(screen, bot, small, rightOf(bot, small), y+sz-sfs*0.5, draw.InkMuted)
	sym := "↑ " + axisShort(pl.YLabel)
	draw.Text(screen, sym, small, rightOf(sym, small), y+sz/2, draw.Ink)
	by := ty + sfs*1.2
	if hm.Classes > 0 { // a key to the categories instead of a colour bar
		total := 0.0
		for k := 0; k < hm.Classes; k++ {
			total += sfs*1.4 + draw.Width(v.className(hm, k), small)
		}
		cx := x + (sz-total)/2
		for k := 0; k < hm.Classes; k++ {
			cc := classColors[k%len(classColors)]
			mk.Rect(float32(cx), float32(by-sfs*0.35), float32(sfs*0.7), float32(sfs*0.7), cc)
			name := v.className(hm, k)
			draw.Text(screen, name, small, cx+sfs*0.9+draw.Width(name, small)/2, by, draw.Ink)
			cx += sfs*1.4 + draw.Width(name, small)
		}
		mk.Flush(screen, false)
		return
	}
	// The colour bar, under the axis, with its range at its ends.
	bw, bx := sz*0.6, x+sz*0.2
	const steps = 32
	for k := 0; k < steps; k++ {
		t := (float64(k)+0.5)/steps*2 - 1
		col, _ := draw.ValueColor(t*r, r)
		mk.Rect(float32(bx+bw*float64(k)/steps), float32(by-sfs*0.3), float32(bw/steps+0.5), float32(sfs*0.6), color.RGBA{col[0], col[1], col[2], 255})
	}
	mk.Flush(screen, false)
	rlo, rhi := v.num(-r), v.num(r)
	draw.Text(screen, rlo, small, bx-sfs*0.4-draw.Width(rlo, small)/2, by, draw.Ink)
	draw.Text(screen, rhi, small, bx+bw+sfs*0.4+draw.Width(rhi, small)/2, by, draw.Ink)
}

// num formats an axis number with three significant digits (0.209, not
// 0.20), reusing its text while the number holds.
func (v *Control) num(x float64) string {
	if s, ok := v.text[x]; ok {
		return s
	}
	if len(v.text) > 256 {
		clear(v.text) // ranges that keep changing
	}
	s := strconv.FormatFloat(x, 'g', 3, 64)
	if strings.Contains(s, "e") {
		s = string(Number(nil, x, 1))
	}
	if s == "-0" {
		s = "0"
	}
	v.text[x] = s
	return s
}

// axisLabel makes an axis name drawable: Go's font has no combining dot,
// so θ̇ is written ω.
func axisLabel(s string) string { return strings.ReplaceAll(s, "θ\u0307", "ω") }

// axisShort keeps the symbol of an axis name, to fit beside the heatmap:
// "angular velocity θ̇ (rad/s)" becomes "ω".
func axisShort(s string) string {
	s = axisLabel(s)
	if i := strings.LastIndex(s, " ("); i > 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, " "); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// wrapAngle maps an angle to [−π, π).
func wrapAngle(a float64) float64 {
	return math.Mod(math.Mod(a+math.Pi, 2*math.Pi)+2*math.Pi, 2*math.Pi) - math.Pi
}

// tileLine draws the tiles of a tile coding over a heatmap.
var tileLine = color.RGBA{0x1d, 0x1d, 0x1f, 0x50}

// className names category k of a heatmap.
func (v *Control) className(hm *proto.Heatmap, k int) string {
	if k < len(hm.Names) {
		return hm.Names[k]
	}
	return "action " + strconv.Itoa(k)
}

// drawNet draws a network view in the box: its columns of units left to
// right, each unit as a small heatmap of its value over the state plane,
// and the weights between them as lines (width and opacity for size,
// orange positive, blue negative).
func (v *Control) drawNet(screen *ebiten.Image, n *proto.Net, x, y, w, h, fs float64) {
	G := n.Grid
	cols := len(n.Sizes)
	if cols == 0 || G == 0 {
		return
	}
	units := 0
	most := 1
	for _, s := range n.Sizes {
		units += int(s)
		most = max(most, int(s))
	}
	face, _ := draw.Face(fs)
	draw.Text(screen, n.Title+": each unit's value over the plane; lines are weights", face, x+w/2, y+fs*0.2, draw.Ink)
	y, h = y+fs*1.2, h-fs*1.2
	colW := w / float64(cols)
	tile := math.Min(colW*0.45, h/float64(most)*0.85)
	if tile < 2 {
		return
	}
	// Every unit's map goes into one atlas image, coloured on the unit's
	// own symmetric range.
	if v.atlas == nil || v.atlas.Bounds().Dx() != G*units || v.atlas.Bounds().Dy() != G {
		if v.atlas != nil {
			v.atlas.Deallocate()
		}
		v.atlas = ebiten.NewImage(G*units, G)
		v.apix = make([]byte, 4*G*G*units)
	}
	for u := 0; u < units; u++ {
		vals := n.Maps[u*G*G : (u+1)*G*G]
		big := 1e-9
		for _, x := range vals {
			if a := math.Abs(x); a > big && !math.IsInf(a, 0) {
				big = a
			}
		}
		for j := 0; j < G; j++ {
			for i := 0; i < G; i++ {
				col, _ := draw.ValueColor(vals[j*G+i], big)
				o := 4 * ((G-1-j)*G*units + u*G + i)
				v.apix[o], v.apix[o+1], v.apix[o+2], v.apix[o+3] = col[0], col[1], col[2], 255
			}
		}
	}
	v.atlas.WritePixels(v.apix)
	pos := func(c, u int) (float64, float64) {
		k := float64(n.Sizes[c])
		gap := h / k
		return x + colW*(float64(c)+0.5), y + gap*(float64(u)+0.5)
	}
	// The weights first, under the units.
	mk := &v.marks
	off := 0
	for c := 1; c < cols; c++ {
		in, out := int(n.Sizes[c-1]), int(n.Sizes[c])
		ws := n.Weights[off : off+in*out]
		off += in * out
		big := 1e-12
		for _, x := range ws {
			big = math.Max(big, math.Abs(x))
		}
		for o := 0; o < out; o++ {
			for i := 0; i < in; i++ {
				wv := ws[o*in+i]
				t := math.Abs(wv) / big
				if t < 0.15 {
					continue // the faintest would only grey the picture
				}
				col := draw.Pos8
				if wv < 0 {
					col = color.RGBA{33, 102, 172, 255}
				}
				col.A = uint8(40 + 180*t)
				x0, y0 := pos(c-1, i)
				x1, y1 := pos(c, o)
				mk.Room(screen, 4, true)
				mk.Line(float32(x0+tile/2), float32(y0), float32(x1-tile/2), float32(y1), float32(0.5+2*t), col)
			}
		}
	}
	mk.Flush(screen, true)
	u := 0
	for c := 0; c < cols; c++ {
		for k := 0; k < int(n.Sizes[c]); k++ {
			cx, cy := pos(c, k)
			op := ebiten.DrawImageOptions{}
			op.GeoM.Scale(tile/float64(G), tile/float64(G))
			op.GeoM.Translate(cx-tile/2, cy-tile/2)
			screen.DrawImage(v.atlas.SubImage(image.Rect(u*G, 0, (u+1)*G, G)).(*ebiten.Image), &op)
			u++
		}
	}
}
