package session

// history records points (x, y₀, …, y_{k−1}) for charts at a bounded size
// that always spans the whole run: each kept point is the mean, in x and in
// every y, of stride consecutive raw points. When it holds max points,
// neighbouring points are averaged in pairs and the stride doubles (as the
// control session's curves do). Recording allocates nothing.
type history struct {
	x      []float64
	y      [][]float64
	max    int
	stride int // raw points per kept point
	ax     float64
	ay     []float64 // sums of the pending raw points
	an     int
}

// newHistory returns an empty history of cols series and at most max
// points (max even, ≥ 2).
func newHistory(cols, max int) history {
	h := history{x: make([]float64, 0, max), y: make([][]float64, cols), max: max, stride: 1, ay: make([]float64, cols)}
	for i := range h.y {
		h.y[i] = make([]float64, 0, max)
	}
	return h
}

// reset empties the history, keeping its memory.
func (h *history) reset() {
	h.x = h.x[:0]
	for i := range h.y {
		h.y[i] = h.y[i][:0]
	}
	clear(h.ay)
	h.stride, h.ax, h.an = 1, 0, 0
}

// add records a raw point; ys has one value per series.
func (h *history) add(x float64, ys ...float64) {
	h.ax += x
	for i, y := range ys {
		h.ay[i] += y
	}
	h.an++
	if h.an < h.stride {
		return
	}
	if len(h.x) == h.max {
		n := h.max / 2
		halve(h.x, n)
		h.x = h.x[:n]
		for i := range h.y {
			halve(h.y[i], n)
			h.y[i] = h.y[i][:n]
		}
		h.stride *= 2
		return // go on accumulating up to the new stride
	}
	n := float64(h.an)
	h.x = append(h.x, h.ax/n)
	for i := range h.y {
		h.y[i] = append(h.y[i], h.ay[i]/n)
		h.ay[i] = 0
	}
	h.ax, h.an = 0, 0
}

// halve writes the means of the pairs of b[:2n] into b[:n].
func halve(b []float64, n int) {
	for i := 0; i < n; i++ {
		b[i] = (b[2*i] + b[2*i+1]) / 2
	}
}
