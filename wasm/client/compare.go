package client

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"bellman/sim/proto"
)

// Limits of a comparison.
const (
	MaxSeeds    = 8
	MaxCompared = 2 * MaxSeeds
)

// Compare is a comparison: the setup on screen (A) and, if B is set, the
// same setup with some values changed, each run with every seed, every run
// in its own host. StopAt, if positive, pauses every run at that step so
// their curves end together.
type Compare struct {
	Seeds  []uint64
	B      map[string]float64
	StopAt int64
	// BAlgorithm, if set, is setup B's method (its values the two share).
	BAlgorithm string
}

// ParseCompare reads a comparison as the address writes it, in the form
// of URL query parameters: seeds=1-4 (a range or a list: 1,2,7), b.KEY=VALUE
// for setup B's changes, stop=STEPS. Seeds default to 1-2.
func ParseCompare(text string) (Compare, error) {
	q, err := url.ParseQuery(text)
	if err != nil {
		return Compare{}, fmt.Errorf("comparison %q: %v", text, err)
	}
	var c Compare
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch {
		case key == "seeds":
			if c.Seeds, err = parseSeeds(v); err != nil {
				return Compare{}, err
			}
		case key == "stop":
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				return Compare{}, fmt.Errorf("comparison: stop=%q is not a step count", v)
			}
			c.StopAt = n
		case key == "b.algorithm":
			c.BAlgorithm = strings.TrimSpace(v)
			if c.BAlgorithm == "" || len(c.BAlgorithm) > maxKey {
				return Compare{}, fmt.Errorf("comparison: b.algorithm=%q is not a method", v)
			}
		case strings.HasPrefix(key, "b.") && len(key) > 2:
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return Compare{}, fmt.Errorf("comparison: %s=%q is not a number", key, v)
			}
			if c.B == nil {
				c.B = map[string]float64{}
			}
			c.B[key[2:]] = x
		default:
			return Compare{}, fmt.Errorf("comparison: unknown key %q (seeds, stop, b.PARAMETER)", key)
		}
	}
	if c.Seeds == nil {
		c.Seeds = []uint64{1, 2}
	}
	return c, nil
}

// parseSeeds reads "1-4" or "1,2,7".
func parseSeeds(v string) ([]uint64, error) {
	var out []uint64
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("comparison: seeds=%q: %q is not a seed", v, part)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 64); err != nil || b < a {
				return nil, fmt.Errorf("comparison: seeds=%q: %q is not a range of seeds", v, part)
			}
		}
		for s := a; ; s++ {
			if len(out) == MaxSeeds {
				return nil, fmt.Errorf("comparison: seeds=%q: more than %d seeds", v, MaxSeeds)
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
			if s == b {
				break
			}
		}
	}
	return out, nil
}

// String writes c as ParseCompare reads it.
func (c Compare) String() string {
	q := url.Values{}
	parts := make([]string, len(c.Seeds))
	for i, s := range c.Seeds {
		parts[i] = strconv.FormatUint(s, 10)
	}
	q.Set("seeds", strings.Join(parts, ","))
	for k, v := range c.B {
		q.Set("b."+k, strconv.FormatFloat(v, 'g', -1, 64))
	}
	if c.StopAt > 0 {
		q.Set("stop", strconv.FormatInt(c.StopAt, 10))
	}
	if c.BAlgorithm != "" {
		q.Set("b.algorithm", c.BAlgorithm)
	}
	return q.Encode()
}

// Comparing returns the comparison under way, or nil.
func (c *Client) Comparing() *Compare { return c.compare }

// StartCompare replaces the runs with those of cmp, all from the setup on
// screen. The methods without a seed (planning) compare two setups only.
func (c *Client) StartCompare(cmp Compare) error {
	if slices.Contains(c.lock, "compare") {
		return fmt.Errorf("comparisons are locked by the teacher's link")
	}
	r, ok := c.Selected()
	if !ok {
		return fmt.Errorf("comparison: nothing is running yet")
	}
	base := SetupOf(&r.Snap, c.builtIn(r.Snap.World))
	if l := c.lesson(base.Lesson); l != nil {
		base.Speed = l.Speed // not the ramp's speed of the moment
	}
	_, seeded := base.Values["seed"]
	switch {
	case len(cmp.Seeds) == 0 || len(cmp.Seeds) > MaxSeeds:
		return fmt.Errorf("comparison: 1 to %d seeds, not %d", MaxSeeds, len(cmp.Seeds))
	case !seeded && cmp.B == nil && cmp.BAlgorithm == "":
		return fmt.Errorf("comparison: %s has no seed: compare two setups (b.KEY=VALUE) instead", r.Snap.Algorithm)
	case !seeded:
		cmp.Seeds = cmp.Seeds[:1]
	}
	for k := range cmp.B {
		if _, ok := base.Values[k]; !ok {
			return fmt.Errorf("comparison: setup B changes %q, which %s does not have", k, r.Snap.Algorithm)
		}
	}
	groups := 1
	if cmp.B != nil || cmp.BAlgorithm != "" {
		groups = 2
	}
	base.Playing, base.StopAt = true, cmp.StopAt
	var runs []*Run
	for g := 0; g < groups; g++ {
		for _, seed := range cmp.Seeds {
			st := base
			st.Values = make(map[string]float64, len(base.Values)+len(cmp.B))
			for k, v := range base.Values {
				st.Values[k] = v
			}
			if seeded {
				st.Values["seed"] = float64(seed)
			}
			if g == 1 {
				for k, v := range cmp.B {
					st.Values[k] = v
				}
				if cmp.BAlgorithm != "" {
					st.Algorithm, st.Lesson, st.Loose = cmp.BAlgorithm, "", true
				}
			}
			nr, err := c.start(g, seed, &st)
			if err != nil {
				for _, x := range runs {
					x.port.Close()
				}
				return err
			}
			runs = append(runs, nr)
		}
	}
	for _, x := range c.runs {
		x.port.Close()
	}
	c.runs, c.selected, c.compare = runs, 0, &cmp
	return nil
}

// EndCompare keeps the run on screen alone, no longer stopping at the
// comparison's step.
func (c *Client) EndCompare() {
	if c.compare == nil {
		return
	}
	keep := c.runs[c.selected]
	for _, r := range c.runs {
		if r != keep {
			r.port.Close()
		}
	}
	c.runs, c.selected, c.compare = []*Run{keep}, 0, nil
	keep.post(proto.AppendCommands(nil, []proto.Command{{Op: proto.OpStopAt}}), true)
}

// Group colours of a comparison.
var groupColor = [2]string{"#e06101", "#2166ac"}

// curve is one run's line on a chart.
type curve struct {
	x, y []float64 // x nil: index i is x0 + i
	x0   int
}

// Aggregate is a comparison's version of one chart: each run faintly, and
// for each group its mean with a band from the smallest to the largest
// value over the runs at each x.
type Aggregate struct {
	Runs  []AggLine
	Means []AggLine
}

// AggLine is a line of an aggregate chart; Lo and Hi bound the band.
type AggLine struct {
	Name, Color string
	Group       int
	X, Y        []float64
	Lo, Hi      []float64
}

// points is the size of the common x grid of curves measured at their
// own x values (control tasks: returns at the steps they ended).
const points = 200

// aggregate combines chart i of every run: their first series, smoothed by
// the series' moving average, on a common x axis (x values of curves
// given per point are interpolated onto a grid over the range every run
// covers).
func (c *Client) aggregate(i int) *Aggregate {
	var curves [2][]curve
	var names [2][]string
	for _, r := range c.runs {
		if !r.Have || i >= len(r.Snap.Charts) || len(r.Snap.Charts[i].Series) == 0 {
			continue
		}
		ch := &r.Snap.Charts[i]
		se := &ch.Series[0]
		cv := curve{x: se.X, y: smooth(se.Y, se.Smooth), x0: ch.X0}
		curves[r.Group] = append(curves[r.Group], cv)
		name := fmt.Sprintf("%s seed %d", "AB"[r.Group:r.Group+1], r.Seed)
		names[r.Group] = append(names[r.Group], name)
	}
	all := append(append([]curve(nil), curves[0]...), curves[1]...)
	if len(all) == 0 {
		return nil
	}
	// The common x axis.
	var xs []float64
	if all[0].x != nil {
		lo, hi := math.Inf(-1), math.Inf(1)
		for _, cv := range all {
			if len(cv.x) == 0 {
				return nil
			}
			lo, hi = math.Max(lo, cv.x[0]), math.Min(hi, cv.x[len(cv.x)-1])
		}
		if !(hi > lo) {
			return &Aggregate{}
		}
		for k := 0; k < points; k++ {
			xs = append(xs, lo+(hi-lo)*float64(k)/(points-1))
		}
	} else {
		n := math.MaxInt
		for _, cv := range all {
			n = min(n, len(cv.y))
		}
		for k := 0; k < n; k++ {
			xs = append(xs, float64(all[0].x0+k))
		}
	}
	agg := &Aggregate{}
	for g := 0; g < 2; g++ {
		if len(curves[g]) == 0 {
			continue
		}
		m := AggLine{Name: fmt.Sprintf("%s: mean of %d", "AB"[g:g+1], len(curves[g])), Color: groupColor[g], Group: g, X: xs}
		vals := make([][]float64, len(curves[g]))
		for j, cv := range curves[g] {
			vals[j] = resample(cv, xs)
			agg.Runs = append(agg.Runs, AggLine{Name: names[g][j], Color: groupColor[g], Group: g, X: xs, Y: vals[j]})
		}
		for k := range xs {
			sum, n, lo, hi := 0.0, 0, math.Inf(1), math.Inf(-1)
			for _, v := range vals {
				if x := v[k]; !math.IsNaN(x) && !math.IsInf(x, 0) {
					sum += x
					n++
					lo, hi = math.Min(lo, x), math.Max(hi, x)
				}
			}
			if n == 0 {
				m.Y, m.Lo, m.Hi = append(m.Y, math.NaN()), append(m.Lo, math.NaN()), append(m.Hi, math.NaN())
				continue
			}
			m.Y, m.Lo, m.Hi = append(m.Y, sum/float64(n)), append(m.Lo, lo), append(m.Hi, hi)
		}
		agg.Means = append(agg.Means, m)
	}
	return agg
}

// smooth returns the trailing moving average of y over window points
// (y itself for a window of 1 or less).
func smooth(y []float64, window int) []float64 {
	if window <= 1 {
		return y
	}
	out := make([]float64, len(y))
	sum, n := 0.0, 0
	for i, v := range y {
		sum += v
		n++
		if i >= window {
			sum -= y[i-window]
			n--
		}
		out[i] = sum / float64(n)
	}
	return out
}

// resample gives a curve's values at xs: by index for curves without x,
// by linear interpolation for curves with x.
func resample(cv curve, xs []float64) []float64 {
	out := make([]float64, len(xs))
	if cv.x == nil {
		for k, x := range xs {
			i := int(x) - cv.x0
			out[k] = math.NaN()
			if i >= 0 && i < len(cv.y) {
				out[k] = cv.y[i]
			}
		}
		return out
	}
	j := 0
	for k, x := range xs {
		for j+1 < len(cv.x) && cv.x[j+1] < x {
			j++
		}
		switch {
		case j+1 >= len(cv.x):
			out[k] = cv.y[len(cv.y)-1]
		case cv.x[j+1] == cv.x[j]:
			out[k] = cv.y[j]
		default:
			t := (x - cv.x[j]) / (cv.x[j+1] - cv.x[j])
			t = math.Max(0, math.Min(1, t))
			out[k] = cv.y[j] + (cv.y[j+1]-cv.y[j])*t
		}
	}
	return out
}
