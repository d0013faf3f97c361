package app

import (
	"fmt"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/sim/param"
	"bellman/sim/salab"
)

// labKey names the stochastic-approximation lab in the world picker.
const labKey = "sa-lab"

// labScene is the stochastic-approximation lab of Zhao's chapter 6: the
// three experiments computed at once, revealed one iteration per step so a
// class can watch the iterates settle (or not).
type labScene struct {
	lab    *salab.Lab
	k      int // iterations shown
	mesh   mesh
	charts []Chart
	errs   [5][]float64
	schema param.Schema
	vals   param.Values
	valsOf salab.Config // the configuration vals was made from
}

func newLabScene() (*labScene, error) {
	lab, err := salab.New(salab.DefaultConfig())
	if err != nil {
		return nil, err
	}
	return &labScene{lab: lab}, nil
}

func (s *labScene) Step() {
	if s.k < s.lab.Iterations {
		s.k++
	}
}
func (s *labScene) Busy() bool         { return s.k < s.lab.Iterations }
func (s *labScene) Reset()             { s.k = 0 }
func (s *labScene) Snapshot()          {}
func (s *labScene) Click(x, y float64) {}

func (s *labScene) Apply(c Command) (string, error) {
	switch c.Op {
	case "set":
		note, err := s.lab.SetParam(c.Key, c.Value)
		if s.k > s.lab.Iterations {
			s.k = s.lab.Iterations
		}
		return note, err
	case "world", "algorithm", "layer", "select":
		return "", nil
	}
	return "", fmt.Errorf("unknown command %q", c.Op)
}

// Status publishes the lab's sliders and the error curves up to k.
func (s *labScene) Status(st *Status) {
	l := s.lab
	st.Scene = "lab"
	st.World, st.Algorithm = labKey, "lab"
	st.Version = 1
	if s.schema == nil {
		s.schema = salab.Schema()
	}
	if s.vals == nil || s.valsOf != l.Config {
		s.vals, s.valsOf = l.Config.Values(), l.Config
	}
	setParams(st, s.schema, s.value)
	st.Sweeps, st.Iterations, st.Converged, st.Delta = s.k, s.k, s.k >= l.Iterations, math.NaN()
	st.Rows, st.Cols, st.A = 0, 0, 0
	st.State, st.V, st.Kinds, st.Layers, st.Selected, st.WorldFile = st.State[:0], st.V[:0], st.Kinds[:0], nil, false, ""
	if len(s.charts) == 0 {
		s.charts = []Chart{
			{Title: "Error of the estimates", Note: "1D: |w_k − E[X]| and Robbins–Monro |w_k − w*|, log scale", XLabel: "k", Log: true,
				Series: []Series{{Name: "mean", Color: "#e06101"}, {Name: "Robbins–Monro", Color: "#6a1b9a"}}},
			{Title: "Gradient descent", Note: "‖w_k − x̄‖ of SGD, mini-batch and batch GD, log scale", XLabel: "k", Log: true,
				Series: []Series{{Name: "SGD", Color: "#e06101"}, {Name: "MBGD", Color: "#2166ac"}, {Name: "BGD", Color: "#107a3a"}}},
		}
	}
	n := s.k + 1
	for i, p := range []*salab.Path{&l.Mean, &l.RM, &l.SGD, &l.MBGD, &l.GD} {
		s.errs[i] = append(s.errs[i][:0], p.Err[:n]...)
	}
	s.charts[0].Series[0].Values, s.charts[0].Series[1].Values = s.errs[0], s.errs[1]
	s.charts[1].Series[0].Values, s.charts[1].Series[1].Values, s.charts[1].Series[2].Values = s.errs[2], s.errs[3], s.errs[4]
	s.charts[0].X0, s.charts[1].X0 = 1, 1
	st.Charts = s.charts
}

// Draw shows the two 1D experiments on the left (iterate against k, with
// the samples and the goal) and the 2D points with the three descent paths
// on the right.
func (s *labScene) Draw(screen *ebiten.Image) {
	W, H := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	m := math.Max(10, math.Min(W, H)*0.03)
	face, fs := fontFace(math.Max(12, math.Min(W, H)*0.024))
	l := s.lab
	n := s.k + 1
	lw := (W - 3*m) * 0.5
	ph := (H - 3*m - 2*fs*1.6) / 2
	// Mean estimation.
	y0 := m + fs*1.6
	drawText(screen, "mean of X (E[X] = 5): w ← w − α_k (w − x_k)", face, m+lw/2, y0-fs*0.9, colText)
	s.plot1D(screen, m+fs*2, y0, lw-fs*2, ph, l.Mean.W[:n], l.Samples1D, salab.TrueMean, -1, 11, colPos8)
	// Robbins–Monro.
	y1 := y0 + ph + m + fs*1.6
	drawText(screen, "Robbins–Monro: root of tanh(w − 1), noisy", face, m+lw/2, y1-fs*0.9, colText)
	s.plot1D(screen, m+fs*2, y1, lw-fs*2, ph, l.RM.W[:n], nil, salab.RMRoot, -1, 4, color.RGBA{0x6a, 0x1b, 0x9a, 0xff})
	// 2D.
	side := math.Min(W-lw-3*m, H-2*m-fs*3)
	x2 := 2*m + lw + (W-lw-3*m-side)/2
	y2 := m + fs*1.6
	drawText(screen, fmt.Sprintf("2D mean: SGD, mini-batch m = %d, batch GD", l.Batch), face, x2+side/2, y2-fs*0.9, colText)
	s.plot2D(screen, x2, y2, side, n)
	drawText(screen, fmt.Sprintf("k = %d of %d   α_k = %s", s.k, l.Iterations, salab.ScheduleNames[l.Schedule]), face, x2+side/2, y2+side+fs*1.1, colText)
}

var colPos8 = color.RGBA{230, 97, 1, 255}

// plot1D draws iterates w against k in the box, the goal dashed and, if
// given, the samples as faint dots, y from lo to hi.
func (s *labScene) plot1D(screen *ebiten.Image, x, y, w, h float64, it, samples []float64, goal, lo, hi float64, c color.RGBA) {
	mk := &s.mesh
	K := float64(s.lab.Iterations)
	X := func(k float64) float32 { return float32(x + k/K*w) }
	Y := func(v float64) float32 {
		if v < lo {
			v = lo
		}
		if v > hi {
			v = hi
		}
		return float32(y + (hi-v)/(hi-lo)*h)
	}
	mk.rect(float32(x), float32(y), float32(w), float32(h), color.RGBA{0xff, 0xff, 0xff, 0xff})
	for i := 0; i < len(it)-1 && len(samples) > 0; i++ {
		v := samples[i%len(samples)]
		mk.room(screen, 4, true)
		mk.rect(X(float64(i+1))-1.5, Y(v)-1.5, 3, 3, color.RGBA{0x9a, 0x9a, 0x9a, 0xa0})
	}
	for d := 0.0; d < K; d += K / 40 {
		mk.room(screen, 4, true)
		mk.line(X(d), Y(goal), X(d+K/80), Y(goal), 1.5, colTarget)
	}
	for i := 1; i < len(it); i++ {
		mk.room(screen, 4, true)
		mk.line(X(float64(i-1)), Y(it[i-1]), X(float64(i)), Y(it[i]), 2, c)
	}
	mk.line(float32(x), float32(y+h), float32(x+w), float32(y+h), 1, colGridLine)
	mk.line(float32(x), float32(y), float32(x), float32(y+h), 1, colGridLine)
	mk.flush(screen, true)
	face, fs := fontFace(12)
	drawText(screen, fmt.Sprintf("%.0f", hi), face, x-fs, y+fs*0.5, colTextMuted)
	drawText(screen, fmt.Sprintf("%.0f", lo), face, x-fs, y+h-fs*0.5, colTextMuted)
}

// plot2D draws the points, their mean and the three paths up to n iterates.
func (s *labScene) plot2D(screen *ebiten.Image, x, y, side float64, n int) {
	l := s.lab
	mk := &s.mesh
	r := 3.3 * l.Spread // the paths start at (3s, 3s)
	X := func(v float64) float32 { return float32(x + (v+r)/(2*r)*side) }
	Y := func(v float64) float32 { return float32(y + (r-v)/(2*r)*side) }
	mk.rect(float32(x), float32(y), float32(side), float32(side), color.RGBA{0xff, 0xff, 0xff, 0xff})
	sq0, sq1 := X(-l.Spread), X(l.Spread)
	mk.line(sq0, Y(l.Spread), sq1, Y(l.Spread), 1, colGridLine)
	mk.line(sq1, Y(l.Spread), sq1, Y(-l.Spread), 1, colGridLine)
	mk.line(sq1, Y(-l.Spread), sq0, Y(-l.Spread), 1, colGridLine)
	mk.line(sq0, Y(-l.Spread), sq0, Y(l.Spread), 1, colGridLine)
	for i := 0; i+1 < len(l.Points); i += 2 {
		mk.room(screen, 4, true)
		mk.rect(X(l.Points[i])-1.5, Y(l.Points[i+1])-1.5, 3, 3, color.RGBA{0x9a, 0x9a, 0x9a, 0xc0})
	}
	for pi, p := range []*salab.Path{&l.SGD, &l.MBGD, &l.GD} {
		c := [3]color.RGBA{colPos8, {33, 102, 172, 255}, colTarget}[pi]
		for k := 1; k < n; k++ {
			mk.room(screen, 4, true)
			mk.line(X(p.W[2*k-2]), Y(p.W[2*k-1]), X(p.W[2*k]), Y(p.W[2*k+1]), 2, c)
		}
		mk.room(screen, 120, true)
		mk.ring(X(p.W[2*n-2]), Y(p.W[2*n-1]), 3, 5, c)
	}
	cx, cy := X(l.Centre[0]), Y(l.Centre[1])
	mk.line(cx-8, cy, cx+8, cy, 2, colArrow)
	mk.line(cx, cy-8, cx, cy+8, 2, colArrow)
	mk.flush(screen, true)
}

func (s *labScene) value(key string) float64 { return s.vals[key] }
