package scene

import (
	"fmt"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"bellman/sim/proto"
	"bellman/wasm/draw"
)

// Lab draws the stochastic-approximation lab: the two 1D experiments on
// the left (iterate against k, with the samples and the goal) and the 2D
// points with the three descent paths on the right.
type Lab struct{ mesh draw.Mesh }

// NewLab returns a lab renderer.
func NewLab() *Lab { return &Lab{} }

// fitFace returns the face of size px, smaller if s would be wider than w.
func fitFace(s string, px, w float64) text.Face {
	for ; px > 9; px-- {
		f, _ := draw.Face(px)
		if draw.Width(s, f) <= w {
			return f
		}
	}
	f, _ := draw.Face(9)
	return f
}

// Draw draws the lab of s.
func (v *Lab) Draw(screen *ebiten.Image, s *proto.Snapshot) {
	l := &s.Lab
	W, H := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	m := math.Max(10, math.Min(W, H)*0.03)
	_, fs := draw.Face(math.Max(12, math.Min(W, H)*0.024))
	n := l.K + 1
	lw := (W - 3*m) * 0.5
	ph := (H - 3*m - 2*fs*1.6) / 2
	title := func(s string, x, y, w float64) {
		draw.Text(screen, s, fitFace(s, fs, w), x+w/2, y, draw.Ink)
	}
	y0 := m + fs*1.6
	title(fmt.Sprintf("mean of X (E[X] = %g): w ← w − α_k (w − x_k)", l.TrueMean), m, y0-fs*0.9, lw)
	v.plot1D(screen, l, m+fs*2, y0, lw-fs*2, ph, l.Mean[:n], l.Samples, l.TrueMean, -1, 11, draw.Pos8)
	y1 := y0 + ph + m + fs*1.6
	title("Robbins–Monro: root of tanh(w − 1), noisy", m, y1-fs*0.9, lw)
	v.plot1D(screen, l, m+fs*2, y1, lw-fs*2, ph, l.RM[:n], nil, l.RMRoot, -1, 4, color.RGBA{0x6a, 0x1b, 0x9a, 0xff})
	side := math.Min(W-lw-3*m, H-2*m-fs*3)
	x2 := 2*m + lw + (W-lw-3*m-side)/2
	y2 := m + fs*1.6
	title(fmt.Sprintf("2D mean: SGD, mini-batch m = %d, batch GD", l.Batch), x2, y2-fs*0.9, side)
	v.plot2D(screen, l, x2, y2, side, n)
	title(fmt.Sprintf("k = %d of %d   α_k = %s", l.K, l.Iterations, l.Schedule), x2, y2+side+fs*1.1, side)
}

// plot1D draws iterates w against k in the box, the goal dashed and, if
// given, the samples as faint dots, y from lo to hi.
func (v *Lab) plot1D(screen *ebiten.Image, l *proto.Lab, x, y, w, h float64, it, samples []float64, goal, lo, hi float64, c color.RGBA) {
	mk := &v.mesh
	K := math.Max(1, float64(l.Iterations))
	X := func(k float64) float32 { return float32(x + k/K*w) }
	Y := func(v float64) float32 {
		v = math.Max(lo, math.Min(hi, v))
		return float32(y + (hi-v)/(hi-lo)*h)
	}
	mk.Rect(float32(x), float32(y), float32(w), float32(h), color.RGBA{0xff, 0xff, 0xff, 0xff})
	for i := 0; i < len(it)-1 && len(samples) > 0; i++ {
		s := samples[i%len(samples)]
		mk.Room(screen, 4, true)
		mk.Rect(X(float64(i+1))-1.5, Y(s)-1.5, 3, 3, color.RGBA{0x9a, 0x9a, 0x9a, 0xa0})
	}
	for d := 0.0; d < K; d += K / 40 {
		mk.Room(screen, 4, true)
		mk.Line(X(d), Y(goal), X(d+K/80), Y(goal), 1.5, draw.Target)
	}
	for i := 1; i < len(it); i++ {
		mk.Room(screen, 4, true)
		mk.Line(X(float64(i-1)), Y(it[i-1]), X(float64(i)), Y(it[i]), 2, c)
	}
	mk.Line(float32(x), float32(y+h), float32(x+w), float32(y+h), 1, draw.GridLine)
	mk.Line(float32(x), float32(y), float32(x), float32(y+h), 1, draw.GridLine)
	mk.Flush(screen, true)
	face, fs := draw.Face(12)
	draw.Text(screen, fmt.Sprintf("%.0f", hi), face, x-fs, y+fs*0.5, draw.InkMuted)
	draw.Text(screen, fmt.Sprintf("%.0f", lo), face, x-fs, y+h-fs*0.5, draw.InkMuted)
}

// plot2D draws the points, their mean and the three paths up to n iterates.
func (v *Lab) plot2D(screen *ebiten.Image, l *proto.Lab, x, y, side float64, n int) {
	mk := &v.mesh
	r := 3.3 * l.Spread // the paths start at (3s, 3s)
	X := func(v float64) float32 { return float32(x + (v+r)/(2*r)*side) }
	Y := func(v float64) float32 { return float32(y + (r-v)/(2*r)*side) }
	mk.Rect(float32(x), float32(y), float32(side), float32(side), color.RGBA{0xff, 0xff, 0xff, 0xff})
	sq0, sq1 := X(-l.Spread), X(l.Spread)
	mk.Line(sq0, Y(l.Spread), sq1, Y(l.Spread), 1, draw.GridLine)
	mk.Line(sq1, Y(l.Spread), sq1, Y(-l.Spread), 1, draw.GridLine)
	mk.Line(sq1, Y(-l.Spread), sq0, Y(-l.Spread), 1, draw.GridLine)
	mk.Line(sq0, Y(-l.Spread), sq0, Y(l.Spread), 1, draw.GridLine)
	for i := 0; i+1 < len(l.Points); i += 2 {
		mk.Room(screen, 4, true)
		mk.Rect(X(l.Points[i])-1.5, Y(l.Points[i+1])-1.5, 3, 3, color.RGBA{0x9a, 0x9a, 0x9a, 0xc0})
	}
	for pi, p := range [][]float64{l.SGD, l.MBGD, l.GD} {
		c := [3]color.RGBA{draw.Pos8, {33, 102, 172, 255}, draw.Target}[pi]
		for k := 1; k < n; k++ {
			mk.Room(screen, 4, true)
			mk.Line(X(p[2*k-2]), Y(p[2*k-1]), X(p[2*k]), Y(p[2*k+1]), 2, c)
		}
		mk.Room(screen, 120, true)
		mk.Ring(X(p[2*n-2]), Y(p[2*n-1]), 3, 5, c)
	}
	cx, cy := X(l.Centre[0]), Y(l.Centre[1])
	mk.Line(cx-8, cy, cx+8, cy, 2, draw.Arrow)
	mk.Line(cx, cy-8, cx, cy+8, 2, draw.Arrow)
	mk.Flush(screen, true)
}
