package nn

import "fmt"

// Network is what a network view draws: the layers as columns of units,
// the weights between them and each unit's activation over a set of
// inputs (the points of a state plane, say). *MLP implements it, so a
// renderer can show a DQN's Q-network and DDPG's actor and critic alike,
// each from a copy taken with CopyInto.
type Network interface {
	// Columns returns the number of columns of units: the inputs, then
	// one per linear layer.
	Columns() int
	// Width returns the number of units of column c.
	Width(c int) int
	// Layer returns the weights (out×in, row-major) and biases between
	// columns l and l+1.
	Layer(l int) (w, b []float64)
	// UnitActivations writes every unit's value for each of n input rows
	// into dst and returns it (see MLP.UnitActivations).
	UnitActivations(dst, x []float64, n int) []float64
}

var _ Network = (*MLP)(nil)

// Columns returns Layers()+1: column 0 holds the inputs and column l+1
// the outputs of layer l (after its activation).
func (m *MLP) Columns() int { return len(m.cfg.Sizes) }

// Width returns the number of units of column c (Config().Sizes[c]).
func (m *MLP) Width(c int) int { return m.cfg.Sizes[c] }

// Units returns the number of units in all columns, inputs included, so
// that UnitActivations of n rows needs n·Units() values.
func (m *MLP) Units() int {
	u := 0
	for _, n := range m.cfg.Sizes {
		u += n
	}
	return u
}

// UnitActivations runs a forward pass of the n rows of x (n×Inputs) and
// writes every unit's value for every row into dst (length n·Units()):
// column by column, inputs first, then each layer's outputs after its
// activation; within a column unit by unit, and for each unit its n
// values in row order. So unit u of column c starts at n·(off_c + u),
// off_c being the widths of the columns before c added up, and with the
// n rows the points of a G×G grid each unit's values form a G×G heatmap.
// It returns dst. Like Forward, it replaces what the last Forward kept
// for Backward: call it on a copy (CopyInto) while training. It allocates
// only when n exceeds every earlier batch.
func (m *MLP) UnitActivations(dst, x []float64, n int) []float64 {
	if len(dst) != n*m.Units() {
		panic(fmt.Sprintf("nn: UnitActivations: dst has length %d, want %d rows × %d units", len(dst), n, m.Units()))
	}
	m.Forward(x, n)
	off := 0
	for c, w := range m.cfg.Sizes {
		var src []float64
		if c == 0 {
			src = m.x[:n*w]
		} else {
			src = m.y[c-1][:n*w]
		}
		// Transpose rows×units into units×rows.
		col := dst[off*n : (off+w)*n]
		for r := 0; r < n; r++ {
			row := src[r*w : r*w+w]
			for u, v := range row {
				col[u*n+r] = v
			}
		}
		off += w
	}
	return dst
}

// CopyInto copies m's parameters into dst and returns dst, or, when dst is
// nil or configured differently, a new Clone of m. A renderer's copy of a
// network that is being trained thus costs no allocation once made.
func (m *MLP) CopyInto(dst *MLP) *MLP {
	if dst == nil || !sameConfig(dst.cfg, m.cfg) {
		return m.Clone()
	}
	copy(dst.params, m.params)
	return dst
}

// sameConfig reports whether a and b describe the same network.
func sameConfig(a, b Config) bool {
	if len(a.Sizes) != len(b.Sizes) {
		return false
	}
	for i := range a.Sizes {
		if a.Sizes[i] != b.Sizes[i] {
			return false
		}
	}
	return a.Hidden == b.Hidden && a.Output == b.Output && a.Init == b.Init &&
		a.FinalInit == b.FinalInit && a.LeakySlope == b.LeakySlope
}
