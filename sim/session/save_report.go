package session

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"bellman/sim/param"
)

// Report sums up a run for export, the same for the page's download and
// the CLI's --report and --curves: the setup, the progress, the curves the
// charts draw and the final values.
type Report struct {
	Kind     string             `json:"kind"` // KindLearn, KindControl, …
	World    string             `json:"world,omitempty"`
	Env      string             `json:"env,omitempty"`
	Method   string             `json:"method"`
	Seed     uint64             `json:"seed"`
	Params   param.Values       `json:"params"` // every parameter's value
	Steps    int                `json:"steps"`
	Episodes int                `json:"episodes"` // finished
	Curves   []ReportCurve      `json:"curves"`
	Final    map[string]Numbers `json:"final"` // each one value
}

// ReportCurve is one curve of a report: Y[i] at X[i], each point the mean
// of Stride raw entries (the curves are thinned as a run grows).
type ReportCurve struct {
	Name   string  `json:"name"`
	X      string  `json:"x"` // what X counts: "episode" or "step"
	Stride int     `json:"stride"`
	Xs     Numbers `json:"xs"`
	Ys     Numbers `json:"ys"`
}

// Numbers are written to JSON with null for NaN and the infinities, which
// JSON cannot hold (a diverged run's curves end in them).
type Numbers []float64

// MarshalJSON writes the numbers, non-finite ones as null.
func (n Numbers) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, x := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b = append(b, "null"...)
			continue
		}
		v, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		b = append(b, v...)
	}
	return append(b, ']'), nil
}

// WriteJSON writes the report as one JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteCSV writes the curves as CSV in long form, one row per point:
//
//	curve,x,y
//	return,1,-1
//
// x counts what the curve's X says (episodes or steps); non-finite values
// are written NaN, +Inf or -Inf.
func (r *Report) WriteCSV(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("curve,x,y\n")
	for _, c := range r.Curves {
		for i := range c.Xs {
			fmt.Fprintf(b, "%s,%s,%s\n", c.Name, strconv.FormatFloat(c.Xs[i], 'g', -1, 64), strconv.FormatFloat(c.Ys[i], 'g', -1, 64))
		}
	}
	return b.Flush()
}

// AddCurve appends a curve from a snapshot's Curve.
func (r *Report) AddCurve(name, x string, stride int, c Curve) {
	r.Curves = append(r.Curves, ReportCurve{Name: name, X: x, Stride: stride, Xs: Numbers(cloneFloats(c.X)), Ys: Numbers(cloneFloats(c.Y))})
}

func cloneFloats(x []float64) []float64 { return append([]float64{}, x...) }

// Report sums up the learning run: the curves per finished episode
// (return, length, error, optimal share; X the episode) and of the gap (X
// the step), and the final share of optimal greedy actions, gap, ε and
// last return.
func (l *Learn) Report() Report {
	var s LearnSnapshot
	l.Snapshot(&s)
	r := Report{Kind: KindLearn, World: l.base.Name, Method: l.Agent, Seed: uint64(l.vals[KeySeed]), Params: l.vals.Clone(),
		Steps: s.Steps, Episodes: l.last.Episode}
	for _, c := range []struct {
		name string
		y    []float64
	}{{"return", s.Returns}, {"length", s.Lengths}, {"error", s.Errors}, {"optimal", s.Optimal}} {
		r.AddCurve(c.name, "episode", s.HistoryStride, Curve{X: s.EpisodeX, Y: c.y})
	}
	r.AddCurve("gap", "step", s.GapStride, Curve{X: s.GapSteps, Y: s.Gaps})
	r.Final = map[string]Numbers{"optimal": {s.OptimalShare}, "gap": {s.Gap}, "gap_step": {float64(s.GapStep)},
		"epsilon": {s.Epsilon}, "last_return": {l.last.Return}}
	return r
}

// Report sums up the control run: the curves of return (a point per
// episode), critic loss and mean Q (a point per step with updates), all
// with X the step, and the final counts, last return and σ.
func (c *Control) Report() Report {
	var s ControlSnapshot
	c.Snapshot(&s)
	r := Report{Kind: KindControl, Env: c.env, Method: c.agent.String(), Seed: s.Seed, Params: c.vals.Clone(),
		Steps: s.Steps, Episodes: s.Episodes}
	r.AddCurve("return", "step", c.returns.stride, s.Returns)
	r.AddCurve("critic_loss", "step", c.losses.stride, s.CriticLoss)
	r.AddCurve("mean_q", "step", c.meanQ.stride, s.MeanQ)
	r.Final = map[string]Numbers{"updates": {float64(s.Updates)}, "last_return": {s.LastReturn},
		"replay": {float64(s.ReplayLen)}, "sigma": {s.Sigma}, "mean_last10": {s.MeanLast10}}
	return r
}
