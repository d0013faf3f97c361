package app

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/sim/control"
	"bellman/sim/session"
)

// heatmapEvery is how often the heatmaps are recomputed from the networks:
// a few times per second, never in Draw.
const heatmapEvery = 300 * time.Millisecond

// controlScene shows an actor-critic agent learning a continuous-control
// task: the environment animated on the left; on the right the critic's
// value V(s) = Q(s, μ(s)) and the actor's policy μ(s) as heatmaps over a
// plane of the state space, with the current trajectory drawn over both.
type controlScene struct {
	sess *session.Control
	snap session.ControlSnapshot

	heatAt   time.Time
	heatStep int
	vimg     *ebiten.Image
	pimg     *ebiten.Image
	vpix     []byte
	ppix     []byte
	vscale   float64
	marks    mesh
	fills    mesh
	charts   []Chart
	ptsX     [2][]float64
	label    [6]string
	labelVal [6]float64
}

func newControlScene(sess *session.Control) *controlScene { return &controlScene{sess: sess} }

func (s *controlScene) Step()              { s.sess.Step() }
func (s *controlScene) Busy() bool         { return true }
func (s *controlScene) Reset()             { s.sess.Reset() }
func (s *controlScene) Click(x, y float64) {}

// Snapshot refreshes the heatmaps a few times per second while learning
// goes on, then copies the session's state.
func (s *controlScene) Snapshot() {
	if steps := s.sess.Steps(); steps != s.heatStep && time.Since(s.heatAt) >= heatmapEvery {
		s.sess.RefreshHeatmaps()
		s.heatAt, s.heatStep = time.Now(), steps
	}
	s.sess.Snapshot(&s.snap)
}

func (s *controlScene) Apply(c Command) (string, error) {
	switch c.Op {
	case "set":
		return s.sess.Set(c.Key, c.Value)
	case "world":
		if err := s.sess.SetEnv(c.Key); err != nil {
			return "", err
		}
		s.vscale = 0
		return "environment " + c.Key, nil
	case "algorithm":
		return "", s.sess.SetAgent(c.Key)
	case "layer", "select":
		return "", nil
	}
	return "", fmt.Errorf("unknown command %q", c.Op)
}

// Status fills the agent's progress, parameters and learning curves.
func (s *controlScene) Status(st *Status) {
	sn := &s.snap
	st.Scene = "control"
	st.World, st.Algorithm = sn.Env, sn.Agent
	st.Version = sn.Version
	setParams(st, s.sess.Schema(), s.sess.Value)
	st.Sweeps, st.Iterations, st.Converged, st.Delta = sn.Steps, sn.Episodes, false, math.NaN()
	st.Control = ControlStatus{
		Steps: sn.Steps, Updates: sn.Updates, Episodes: sn.Episodes, EpisodeReturn: num(sn.EpisodeReturn),
		EpisodeLength: sn.EpisodeLength, LastReturn: num(sn.LastReturn), ReplayLen: sn.ReplayLen, ReplayCap: sn.ReplayCap,
		Sigma: num(sn.Sigma), Learning: sn.Learning, HeatmapStep: sn.HeatmapStep,
		ValueMin: num(sn.ValueMin), ValueMax: num(sn.ValueMax),
	}
	st.Rows, st.Cols, st.A = 0, 0, 0
	st.State, st.V, st.Kinds, st.Layers, st.Selected, st.WorldFile = st.State[:0], st.V[:0], st.Kinds[:0], nil, false, ""
	st.Diverged = divergence("the critic's value", sn.Value)
	if st.Diverged == "" {
		st.Diverged = divergence("the critic's loss", sn.CriticLoss.Y)
	}
	if len(s.charts) == 0 {
		s.charts = []Chart{
			{Title: "Return", Note: "per episode, with moving average", XLabel: "step",
				Series: []Series{{Name: "return", Color: "#e06101", Smooth: 10}}},
			{Title: "Critic loss", Note: "mean TD loss of the updates, log scale", XLabel: "step", Log: true,
				Series: []Series{{Name: "loss", Color: "#2166ac"}}},
			{Title: "Mean Q", Note: "mean Q(s, a) of the sampled batches", XLabel: "step",
				Series: []Series{{Name: "mean Q", Color: "#6a1b9a"}}},
		}
	}
	// Curves are thinned as they grow: plot them against their steps.
	for i, cv := range [3]*session.Curve{&sn.Returns, &sn.CriticLoss, &sn.MeanQ} {
		s.charts[i].Series[0].Values, s.charts[i].Series[0].X = cv.Y, cv.X
	}
	st.Charts = s.charts
}

// ControlStatus is a control scene's progress for the status line and tests.
type ControlStatus struct {
	Steps         int  `json:"steps"`
	Updates       int  `json:"updates"`
	Episodes      int  `json:"episodes"`
	EpisodeReturn num  `json:"episodeReturn"`
	EpisodeLength int  `json:"episodeLength"`
	LastReturn    num  `json:"lastReturn"`
	ReplayLen     int  `json:"replayLen"`
	ReplayCap     int  `json:"replayCap"`
	Sigma         num  `json:"sigma"`
	Learning      bool `json:"learning"`
	HeatmapStep   int  `json:"heatmapStep"`
	ValueMin      num  `json:"valueMin"`
	ValueMax      num  `json:"valueMax"`
}

// Draw lays out the animated environment above and the two heatmaps side
// by side below it.
func (s *controlScene) Draw(screen *ebiten.Image) {
	W, H := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	m := math.Max(8, math.Min(W, H)*0.02)
	_, fs := fontFace(math.Max(12, math.Min(W, H)*0.026))
	envH := math.Floor(H * 0.38)
	s.drawEnv(screen, m, m, W-2*m, envH)
	// Each heatmap: a title line above, axis labels below and on the left.
	hs := math.Min((W-3*m)/2-fs*3.5, H-envH-2*m-fs*4.2)
	gap := (W - 2*hs - fs*7) / 3
	y := m + envH + fs*1.6
	s.drawHeatmap(screen, true, gap+fs*3.5, y, hs, fs)
	s.drawHeatmap(screen, false, 2*gap+hs+fs*7, y, hs, fs)
}

// drawEnv draws the environment in the box (x, y, w, h).
func (s *controlScene) drawEnv(screen *ebiten.Image, x, y, w, h float64) {
	sn := &s.snap
	mk := &s.marks
	face, fs := fontFace(math.Max(12, math.Min(w, h)*0.045))
	st, act := sn.State, sn.Action
	a0 := 0.0
	if len(act) > 0 {
		a0 = act[0]
	}
	switch sn.Env {
	case "pendulum":
		// θ = 0 is upright; the rod turns about the pivot.
		cx, cy := float32(x+w/2), float32(y+h/2)
		L := float32(math.Min(w, h) * 0.34)
		th := st[0]
		ex, ey := cx+L*float32(math.Sin(th)), cy-L*float32(math.Cos(th))
		mk.ring(cx, cy, L, 1.5, colGridLine)
		mk.line(cx, cy, ex, ey, float32(math.Max(6, float64(L)*0.08)), colArrow)
		mk.ring(ex, ey, L*0.05, L*0.1, colAgent)
		mk.ring(cx, cy, L*0.03, L*0.06, colArrow)
		s.torque(cx, cy, L*0.35, a0/sn.ActionHi[0])
		drawText(screen, fmt.Sprintf("θ %+.2f   ω %+.2f   torque %+.2f", wrapAngle(th), st[1], a0), face, x+w/2, y+h-fs*0.6, colText)
	case "mountaincar":
		// The hill y = sin(3x) over [−1.2, 0.6].
		X := func(p float64) float32 { return float32(x + (p+1.2)/1.8*w*0.9 + w*0.05) }
		Y := func(p float64) float32 { return float32(y + h*0.55 - math.Sin(3*p)*h*0.3) }
		for p := -1.2; p < 0.6; p += 0.02 {
			mk.line(X(p), Y(p), X(p+0.02), Y(p+0.02), 3, colArrow)
		}
		gx := X(0.45)
		mk.line(gx, Y(0.45), gx, Y(0.45)-float32(h*0.12), 2, colTarget)
		mk.tri(gx, Y(0.45)-float32(h*0.12), gx+float32(h*0.06), Y(0.45)-float32(h*0.1), gx, Y(0.45)-float32(h*0.08), colTarget)
		px := st[0]
		slope := math.Atan(3 * math.Cos(3*px) * h * 0.3 / (w * 0.9 / 1.8))
		cx, cy := X(px), Y(px)
		r := float32(h * 0.035)
		nx, ny := float32(math.Sin(slope)), float32(math.Cos(slope))
		mk.ring(cx-r*nx, cy-r*ny, r*0.5, r, colAgent)
		s.push(cx-r*nx, cy-r*ny-r*2.5, float32(w*0.12), a0/sn.ActionHi[0])
		drawText(screen, fmt.Sprintf("position %+.3f   velocity %+.4f   force %+.2f", px, st[1], a0), face, x+w/2, y+h-fs, colText)
	case "cartpole":
		X := func(p float64) float32 { return float32(x + w/2 + p/2.4*w*0.42) }
		ty := float32(y + h*0.62)
		mk.line(X(-2.4), ty, X(2.4), ty, 2, colGridLine)
		mk.line(X(-2.4), ty-10, X(-2.4), ty+10, 3, colError)
		mk.line(X(2.4), ty-10, X(2.4), ty+10, 3, colError)
		cw, ch := float32(w*0.1), float32(h*0.07)
		cx := X(st[0])
		mk.rect(cx-cw/2, ty-ch, cw, ch, colWall)
		L := float32(h * 0.4)
		th := st[2]
		mk.line(cx, ty-ch, cx+L*float32(math.Sin(th)), ty-ch-L*float32(math.Cos(th)), float32(math.Max(5, float64(cw)*0.12)), colCliff)
		s.push(cx, ty+ch*0.8, float32(w*0.12), a0/sn.ActionHi[0])
		drawText(screen, fmt.Sprintf("x %+.2f   θ %+.3f   force %+.1f N", st[0], th, a0*10), face, x+w/2, y+h-fs, colText)
	case "pointmass":
		side := math.Min(w, h-fs*2)
		ox, oy := x+(w-side)/2, y
		X := func(p float64) float32 { return float32(ox + p*side) }
		Y := func(p float64) float32 { return float32(oy + (1-p)*side) }
		if pm := sn.PointMass; pm != nil {
			for _, r := range pm.Forbidden {
				s.region(screen, r, X, Y, side, true)
			}
			s.region(screen, pm.Target, X, Y, side, false)
		}
		mk.line(X(0), Y(0), X(1), Y(0), 2, colGridLine)
		mk.line(X(1), Y(0), X(1), Y(1), 2, colGridLine)
		mk.line(X(1), Y(1), X(0), Y(1), 2, colGridLine)
		mk.line(X(0), Y(1), X(0), Y(0), 2, colGridLine)
		px, py := X(st[0]), Y(st[1])
		if len(act) >= 2 {
			s.arrow(px, py, px+float32(act[0]*side*0.12), py-float32(act[1]*side*0.12), colArrow)
		}
		mk.ring(px, py, float32(side*0.012), float32(side*0.024), colAgent)
		drawText(screen, fmt.Sprintf("x %.2f  y %.2f   force (%+.2f, %+.2f)", st[0], st[1], act[0], act[1]), face, x+w/2, y+h-fs*0.6, colText)
	}
	mk.flush(screen, true)
	status := "random warm-up"
	if sn.Learning {
		status = fmt.Sprintf("learning · noise σ %.2f", sn.Sigma)
	}
	drawText(screen, fmt.Sprintf("episode %d · step %d · return %.1f", sn.Episodes+1, sn.EpisodeLength, sn.EpisodeReturn), face, x+w*0.2, y+fs*0.6, colText)
	drawText(screen, status, face, x+w*0.8, y+fs*0.6, colTextMuted)
}

// region draws a point-mass region: forbidden ones hatched, the target ringed.
func (s *controlScene) region(screen *ebiten.Image, r control.Region, X, Y func(float64) float32, side float64, forbidden bool) {
	mk := &s.marks
	col := colTarget
	if forbidden {
		col = colHatch
	}
	switch r.Shape {
	case control.CircleShape:
		mk.ring(X(r.CX), Y(r.CY), float32(r.R*side), 3, col)
	default:
		x0, y0, x1, y1 := X(r.X0), Y(r.Y1), X(r.X1), Y(r.Y0)
		if forbidden {
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
				mk.room(screen, 4, true)
				mk.line(ax, ay, bx, by, 1.5, col)
			}
		} else {
			mk.line(x0, y0, x1, y0, 3, col)
			mk.line(x1, y0, x1, y1, 3, col)
			mk.line(x1, y1, x0, y1, 3, col)
			mk.line(x0, y1, x0, y0, 3, col)
		}
	}
}

// torque draws an arc about (cx, cy) whose sweep is the normalised torque u.
func (s *controlScene) torque(cx, cy, r float32, u float64) {
	if math.Abs(u) < 0.02 {
		return
	}
	const n = 16
	sweep := u * math.Pi * 0.8
	prevX, prevY := cx, cy-r
	for i := 1; i <= n; i++ {
		a := -sweep * float64(i) / n // positive torque turns anticlockwise
		x, y := cx+r*float32(math.Sin(a)), cy-r*float32(math.Cos(a))
		s.marks.line(prevX, prevY, x, y, 3, colError)
		prevX, prevY = x, y
	}
	a := -sweep
	tx, ty := float32(math.Cos(a)), float32(math.Sin(a))
	if u < 0 {
		tx, ty = -tx, -ty
	}
	h := r * 0.3
	s.marks.tri(prevX-tx*h, prevY-ty*h, prevX+ty*h*0.6, prevY-tx*h*0.6, prevX-ty*h*0.6, prevY+tx*h*0.6, colError)
}

// push draws a horizontal force arrow of normalised size u at (x, y).
func (s *controlScene) push(x, y, length float32, u float64) {
	if math.Abs(u) < 0.02 {
		return
	}
	s.arrow(x, y, x+length*float32(u), y, colError)
}

func (s *controlScene) arrow(x0, y0, x1, y1 float32, c color.RGBA) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l < 2 {
		return
	}
	ux, uy := dx/l, dy/l
	h := float32(math.Min(float64(l)*0.4, 12))
	s.marks.line(x0, y0, x1-ux*h, y1-uy*h, 3, c)
	s.marks.tri(x1, y1, x1-ux*h-uy*h*0.5, y1-uy*h+ux*h*0.5, x1-ux*h+uy*h*0.5, y1-uy*h-ux*h*0.5, c)
}

// drawHeatmap draws the value (or policy) heatmap with its axes, legend
// and the trajectories at (x, y), side sz.
func (s *controlScene) drawHeatmap(screen *ebiten.Image, value bool, x, y, sz, fs float64) {
	sn := &s.snap
	G := sn.Grid
	if G == 0 || sz < 20 {
		return
	}
	img, pix := &s.vimg, &s.vpix
	if !value {
		img, pix = &s.pimg, &s.ppix
	}
	if *img == nil || (*img).Bounds().Dx() != G {
		*img = ebiten.NewImage(G, G)
		*pix = make([]byte, 4*G*G)
	}
	r := 1.0
	if value {
		big := math.Max(math.Abs(sn.ValueMin), math.Abs(sn.ValueMax))
		if !math.IsNaN(big) && !math.IsInf(big, 0) {
			s.vscale = scaleRange(s.vscale, big)
		}
		r = s.vscale
	} else if len(sn.ActionHi) > 0 {
		r = sn.ActionHi[0]
	}
	p := *pix
	for j := 0; j < G; j++ {
		for i := 0; i < G; i++ {
			var v float64
			if value {
				v = sn.Value[j*G+i]
			} else {
				v = sn.Policy[(j*G+i)*sn.ActDim]
			}
			c, _ := valueColor(v, r)
			// Row j = 0 is at the plane's bottom: flip for the screen.
			k := 4 * ((G-1-j)*G + i)
			p[k], p[k+1], p[k+2], p[k+3] = c[0], c[1], c[2], 255
		}
	}
	(*img).WritePixels(p)
	// The G×G image fills the square exactly, so grid point i sits at
	// (i + ½)/G of the side rather than on its edge: half a heatmap cell,
	// which keeps the picture inside its axes.
	op := ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	op.GeoM.Scale(sz/float64(G), sz/float64(G))
	op.GeoM.Translate(x, y)
	screen.DrawImage(*img, &op)

	pl := sn.Plane
	// Points outside the plane (a pole past its limit, say) are drawn on
	// its edge.
	clamp := func(t float64) float64 { return math.Max(0, math.Min(1, t)) }
	U := func(u float64) float32 { return float32(x + clamp((u-pl.XMin)/(pl.XMax-pl.XMin))*sz) }
	V := func(v float64) float32 { return float32(y + clamp((pl.YMax-v)/(pl.YMax-pl.YMin))*sz) }
	mk := &s.marks
	// The point mass's regions, outlined over its x × y plane.
	if pm := sn.PointMass; pm != nil {
		outline := func(r control.Region, col color.RGBA) {
			if r.Shape == control.CircleShape {
				mk.ring(U(r.CX), V(r.CY), float32(r.R/(pl.XMax-pl.XMin)*sz), 1.5, col)
				return
			}
			x0, y0, x1, y1 := U(r.X0), V(r.Y1), U(r.X1), V(r.Y0)
			mk.line(x0, y0, x1, y0, 1.5, col)
			mk.line(x1, y0, x1, y1, 1.5, col)
			mk.line(x1, y1, x0, y1, 1.5, col)
			mk.line(x0, y1, x0, y0, 1.5, col)
		}
		for _, r := range pm.Forbidden {
			mk.room(screen, 16, true)
			outline(r, colWall)
		}
		outline(pm.Target, colTarget)
	}
	// Arrows of the point mass's 2D policy.
	if !value && sn.ActDim == 2 {
		for j := 2; j < G; j += 4 {
			for i := 2; i < G; i += 4 {
				k := (j*G + i) * 2
				u := pl.XMin + float64(i)/float64(G-1)*(pl.XMax-pl.XMin)
				v := pl.YMin + float64(j)/float64(G-1)*(pl.YMax-pl.YMin)
				ax, ay := U(u), V(v)
				l := float32(sz / float64(G) * 1.8)
				mk.room(screen, 8, true)
				s.arrow(ax, ay, ax+l*float32(sn.Policy[k]), ay-l*float32(sn.Policy[k+1]), colArrow)
			}
		}
	}
	// The previous and the current episode's trajectories.
	for t, traj := range [2][]session.Point{sn.PrevTrajectory, sn.Trajectory} {
		col := color.RGBA{0x1d, 0x1d, 0x1f, 0x60}
		if t == 1 {
			col = colAgent
		}
		for k := 1; k < len(traj); k++ {
			a, b := traj[k-1], traj[k]
			if math.Abs(a.U-b.U) > (pl.XMax-pl.XMin)/2 { // the pendulum's angle wrapped
				continue
			}
			mk.room(screen, 4, true)
			mk.line(U(a.U), V(a.V), U(b.U), V(b.V), 2, col)
		}
		if t == 1 && len(traj) > 0 {
			last := traj[len(traj)-1]
			mk.ring(U(last.U), V(last.V), 4, 4, colAgent)
		}
	}
	mk.line(float32(x), float32(y), float32(x+sz), float32(y), 1, colGridLine)
	mk.line(float32(x+sz), float32(y), float32(x+sz), float32(y+sz), 1, colGridLine)
	mk.line(float32(x+sz), float32(y+sz), float32(x), float32(y+sz), 1, colGridLine)
	mk.line(float32(x), float32(y+sz), float32(x), float32(y), 1, colGridLine)
	mk.flush(screen, true)

	face, _ := fontFace(fs)
	small, _ := fontFace(fs * 0.85)
	title := "value V(s) = Q(s, μ(s))"
	if !value {
		title = "policy μ(s)"
		if sn.ActDim == 2 {
			title = "policy μ(s): colour fx, arrows"
		}
	}
	drawText(screen, title, face, x+sz/2, y-fs*0.9, colText)
	// The colour range, at the top corners: blue for −r, orange for +r.
	drawText(screen, s.num(2, -r), small, x+fs*1.5, y-fs*0.9, color.RGBA{33, 102, 172, 255})
	drawText(screen, s.num(3, r), small, x+sz-fs*1.5, y-fs*0.9, color.RGBA{230, 97, 1, 255})
	drawText(screen, axisLabel(pl.XLabel), small, x+sz/2, y+sz+fs*0.8, colText)
	drawText(screen, s.num(0, pl.XMin), small, x, y+sz+fs*0.8, colTextMuted)
	drawText(screen, s.num(1, pl.XMax), small, x+sz, y+sz+fs*0.8, colTextMuted)
	// The vertical axis: its range beside the ends, its name above them.
	drawText(screen, s.num(4, pl.YMax), small, x-fs*1.6, y+fs*0.5, colTextMuted)
	drawText(screen, s.num(5, pl.YMin), small, x-fs*1.6, y+sz-fs*0.5, colTextMuted)
	drawText(screen, "↑ "+axisShort(pl.YLabel), small, x-fs*1.6, y+sz/2, colText)
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

// num formats an axis label, reusing its text while the number holds.
func (s *controlScene) num(slot int, v float64) string {
	if s.labelVal[slot] != v || s.label[slot] == "" {
		s.labelVal[slot], s.label[slot] = v, fmt.Sprintf("%.3g", v)
	}
	return s.label[slot]
}
