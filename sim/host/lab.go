package host

import (
	"fmt"

	"bellman/sim/param"
	"bellman/sim/proto"
	"bellman/sim/salab"
)

// labRun is the stochastic-approximation lab of Zhao's chapter 6: the
// experiments are computed at once and revealed one iteration a step, so a
// class can watch the iterates settle (or not).
type labRun struct {
	lab    *salab.Lab
	k      int // iterations shown
	schema param.Schema
	vals   param.Values
	valsOf salab.Config // the configuration vals was made from
}

func newLabRun() (*labRun, error) {
	lab, err := salab.New(salab.DefaultConfig())
	if err != nil {
		return nil, err
	}
	return &labRun{lab: lab, schema: salab.Schema()}, nil
}

func (r *labRun) scene() string     { return proto.SceneLab }
func (r *labRun) kind() string      { return KindLab }
func (r *labRun) algorithm() string { return "lab" }
func (r *labRun) busy() bool        { return r.k < r.lab.Iterations }
func (r *labRun) reset()            { r.k = 0 }
func (r *labRun) steps() int64      { return int64(r.k) }
func (r *labRun) updates() int64    { return 0 }
func (r *labRun) diverged() string  { return "" }

func (r *labRun) step() {
	if r.k < r.lab.Iterations {
		r.k++
	}
}

func (r *labRun) apply(h *Host, c proto.Command) (string, error) {
	switch c.Op {
	case proto.OpSet:
		note, err := r.lab.SetParam(c.Key, c.Value)
		r.k = min(r.k, r.lab.Iterations)
		return note, err
	case proto.OpAlgorithm, proto.OpLayer, proto.OpSelect:
		return "", nil // the lab has one method, no layers and no cells
	}
	return "", fmt.Errorf("%s: not a command of the lab (a world file loads a grid world: choose one first)", c.Op)
}

func (r *labRun) value(key string) float64 { return r.vals[key] }

func (r *labRun) fill(h *Host, s *proto.Snapshot) {
	l := r.lab
	s.Scene, s.World, s.Algorithm = proto.SceneLab, LabKey, "lab"
	s.Version, s.Run = 1, 0
	if r.vals == nil || r.valsOf != l.Config {
		r.vals, r.valsOf = l.Config.Values(), l.Config
	}
	fillParams(s, r.schema, r.value)
	done := r.k >= l.Iterations
	s.Progress = proto.Progress{Steps: int64(r.k), Sweeps: r.k, Iterations: r.k, Converged: done}
	n := r.k + 1
	c := addChart(s, proto.Chart{Title: "Error of the estimates", Note: "1D: |w_k − E[X]| and Robbins–Monro |w_k − w*|, log scale",
		XLabel: "k", X0: 1, Log: true})
	addSeries(c, "mean", "#e06101", 0, nil, l.Mean.Err[:n])
	addSeries(c, "Robbins–Monro", "#6a1b9a", 0, nil, l.RM.Err[:n])
	c = addChart(s, proto.Chart{Title: "Gradient descent", Note: "‖w_k − x̄‖ of SGD, mini-batch and batch GD, log scale",
		XLabel: "k", X0: 1, Log: true})
	addSeries(c, "SGD", "#e06101", 0, nil, l.SGD.Err[:n])
	addSeries(c, "MBGD", "#2166ac", 0, nil, l.MBGD.Err[:n])
	addSeries(c, "BGD", "#107a3a", 0, nil, l.GD.Err[:n])
	s.Counter = fmt.Sprintf("k = %d", r.k)
	mark(s, "stochastic approximation lab", "")
	mark(s, fmt.Sprintf("iteration k = %d", r.k), "")
	switch {
	case done:
		mark(s, "all iterations shown", "done")
	case h.playing:
		mark(s, "running", "")
	default:
		mark(s, "paused", "")
	}
	mark(s, format(h.stepsPerSec, 0)+" iterations/s", "")
	s.HasLab = true
	lb := &s.Lab
	lb.K, lb.Iterations, lb.Batch = r.k, l.Iterations, l.Batch
	lb.Schedule = salab.ScheduleNames[l.Schedule]
	lb.Spread, lb.TrueMean, lb.RMRoot = l.Spread, salab.TrueMean, salab.RMRoot
	lb.Mean = append(lb.Mean[:0], l.Mean.W[:n]...)
	lb.RM = append(lb.RM[:0], l.RM.W[:n]...)
	lb.Samples = append(lb.Samples[:0], l.Samples1D...)
	lb.Points = append(lb.Points[:0], l.Points...)
	lb.Centre = l.Centre
	lb.SGD = append(lb.SGD[:0], l.SGD.W[:2*n]...)
	lb.MBGD = append(lb.MBGD[:0], l.MBGD.W[:2*n]...)
	lb.GD = append(lb.GD[:0], l.GD.W[:2*n]...)
}
