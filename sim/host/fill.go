package host

import "bellman/sim/proto"

// addChart appends a chart to s, reusing the buffers of the chart that held
// its place in an earlier snapshot.
func addChart(s *proto.Snapshot, c proto.Chart) *proto.Chart {
	n := len(s.Charts)
	if n < cap(s.Charts) {
		s.Charts = s.Charts[:n+1]
	} else {
		s.Charts = append(s.Charts, proto.Chart{})
	}
	dst := &s.Charts[n]
	series := dst.Series[:0]
	*dst = c
	dst.Series = series
	return dst
}

// addSeries appends a series to c, copying x and y into the buffers of the
// series that held its place before.
func addSeries(c *proto.Chart, name, color string, smooth int, x, y []float64) {
	n := len(c.Series)
	if n < cap(c.Series) {
		c.Series = c.Series[:n+1]
	} else {
		c.Series = append(c.Series, proto.Series{})
	}
	se := &c.Series[n]
	se.Name, se.Color, se.Smooth = name, color, smooth
	se.X = append(se.X[:0], x...)
	se.Y = append(se.Y[:0], y...)
}

// mark appends a part of the status line.
func mark(s *proto.Snapshot, text, class string) {
	s.Line = append(s.Line, proto.Mark{Text: text, Class: class})
}
