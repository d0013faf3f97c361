package host

import (
	"fmt"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// vfaRun is linear value approximation on a grid world (Zhao, chapter 8):
// v̂ beside the true values, its error, the basis functions and their
// weights, and the RMSE falling.
type vfaRun struct {
	sess      *session.VFA
	snap      session.VFASnapshot
	layers    layers
	sel       selection
	worldFile string
	w         grid.World
	pi        []float64
}

func newVFARun(w grid.World, method string, prev *layers) (*vfaRun, error) {
	sess, err := session.NewVFA(w, method, 1)
	if err != nil {
		return nil, err
	}
	r := &vfaRun{sess: sess}
	r.layers.list = []proto.Layer{
		{Key: "values", Label: "estimate v̂(s) as colour", On: true},
		{Key: "numbers", Label: "numbers", On: true},
		{Key: "policy", Label: "greedy policy arrows", On: true},
		{Key: "q", Label: "action values q̂(s,a)"},
		{Key: "truth", Label: "the true values as colour"},
		{Key: "error", Label: "the error v̂ − v as colour"},
		{Key: "trail", Label: "agent and its episode's trail", On: true},
	}
	r.layers.fit(sess.World())
	r.layers.carry(prev)
	return r, nil
}

func (r *vfaRun) scene() string          { return proto.SceneLearn }
func (r *vfaRun) kind() string           { return KindGrid }
func (r *vfaRun) algorithm() string      { return r.sess.Method() }
func (r *vfaRun) step()                  { r.sess.Step() }
func (r *vfaRun) busy() bool             { return true }
func (r *vfaRun) reset()                 { r.sess.Reset() }
func (r *vfaRun) steps() int64           { return int64(r.sess.Steps()) }
func (r *vfaRun) updates() int64         { return 0 }
func (r *vfaRun) diverged() string       { return r.sess.Runner().Diverged }
func (r *vfaRun) gridLayers() *layers    { return &r.layers }
func (r *vfaRun) gridWorld() *grid.World { r.w = r.sess.World(); return &r.w }

func (r *vfaRun) apply(h *Host, c proto.Command) (string, error) {
	if c.Op == proto.OpAlgorithm {
		return "", r.sess.SetMethod(c.Key)
	}
	return h.applyGrid(r.sess, &r.layers, &r.sel, r.gridWorld, &r.worldFile, c)
}

func (r *vfaRun) fill(h *Host, s *proto.Snapshot) {
	g, sn := r.sess, &r.snap
	g.Snapshot(sn)
	td := sn.Q == nil
	s.Scene, s.World, s.Algorithm = proto.SceneLearn, sn.World.Name, sn.Method
	s.Version, s.Run = sn.Version, sn.Version
	fillParams(s, g.Schema(), g.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episodes, EpisodeStep: sn.EpisodeStep,
		Return: sn.Return, Epsilon: sn.Epsilon, Gap: sn.RMSE}
	if n := len(sn.Optimal.Y); n > 0 {
		s.Progress.Optimal = sn.Optimal.Y[n-1]
	}
	truth := "v*"
	if td {
		truth = "v_π of the uniform policy"
	}
	c := addChart(s, proto.Chart{Title: "Error of v̂", Note: "RMSE of v̂ against " + truth + " over the states", XLabel: "step", Log: true})
	addSeries(c, "RMSE", "#6a1b9a", 0, sn.RMSEs.X, sn.RMSEs.Y)
	c = addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "step"})
	addSeries(c, "return G", "#e06101", 20, sn.Returns.X, sn.Returns.Y)
	if !td {
		c = addChart(s, proto.Chart{Title: "Policy vs optimum", Note: "share of states whose greedy action is optimal",
			XLabel: "step", Fixed: true, YMin: 0, YMax: 1})
		addSeries(c, "optimal share", "#107a3a", 0, sn.Optimal.X, sn.Optimal.Y)
	}
	s.Counter = fmt.Sprintf("step %d", sn.Steps)
	mark(s, label(sn.Method), "")
	mark(s, fmt.Sprintf("episode %d · step %d", sn.Episodes+1, sn.EpisodeStep), "")
	mark(s, "RMSE "+format(sn.RMSE, 3), "")
	if !td {
		mark(s, "ε "+format(sn.Epsilon, 3), "")
	}
	rate := format(h.stepsPerSec, 0) + " steps/s"
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")

	s.HasGrid = true
	gr := &s.Grid
	fillShape(gr, &sn.World, sn.State, sn.S, sn.A)
	gr.V = append(gr.V[:0], sn.V...)
	// TD-linear has no action values: q̂ is drawn as v̂ in each triangle, and
	// its policy is the uniform one it evaluates.
	gr.Q, gr.Pi = gr.Q[:0], gr.Pi[:0]
	r.pi = r.pi[:0]
	for st := 0; st < sn.S; st++ {
		for a := 0; a < sn.A; a++ {
			q, p := sn.V[st], 1/float64(sn.A)
			if !td {
				q, p = sn.Q[st*sn.A+a], 0
				if sn.Greedy[st] == a {
					p = 1
				}
			}
			gr.Q, gr.Pi = append(gr.Q, q), append(gr.Pi, p)
		}
	}
	gr.Layers = append(gr.Layers[:0], r.layers.list...)
	gr.VStar = append(gr.VStar[:0], sn.Truth...)
	gr.Visits, gr.Traces, gr.Optimal, gr.Reachable = gr.Visits[:0], gr.Traces[:0], gr.Optimal[:0], gr.Reachable[:0]
	gr.Fields = resizeFields(gr.Fields, 2)
	setField(&gr.Fields[0], "truth", "true "+truth, false, false, sn.Truth)
	setField(&gr.Fields[1], "error", "error v̂ − v", false, false, sn.Error)
	F := len(sn.Labels)
	gr.Features = gr.Features[:0]
	if sn.Maps != nil && F*sn.S == len(sn.Maps) {
		gr.Features = resizeFields(gr.Features, F)
		for i := 0; i < F; i++ {
			setField(&gr.Features[i], fmt.Sprint(i), sn.Labels[i], false, false, sn.Maps[i*sn.S:(i+1)*sn.S])
		}
	}
	gr.Weights = append(gr.Weights[:0], sn.Weights...)
	gr.Agent = sn.Cell
	gr.Trail = gr.Trail[:0]
	for _, c := range sn.Trail {
		gr.Trail = append(gr.Trail, int32(c))
	}
	gr.EpisodeDone = false
	if r.worldFile == "" {
		r.worldFile = worldFileOf(sn.World)
	}
	gr.WorldFile = r.worldFile
	r.sel.fit(&sn.World)
	fillInspect(gr, r.sel, &sn.World, gr.V, gr.Q, gr.Pi)
	if in := &gr.Inspect; gr.Selected && in.State >= 0 {
		in.Learn, in.VStar = true, sn.Truth[in.State]
		in.Greedy = -1
		if !td {
			in.Greedy = sn.Greedy[in.State]
		}
	}
}

// resizeFields returns fs with n fields, keeping their buffers.
func resizeFields(fs []proto.Field, n int) []proto.Field {
	for len(fs) < n {
		if len(fs) < cap(fs) {
			fs = fs[:len(fs)+1]
		} else {
			fs = append(fs, proto.Field{})
		}
	}
	return fs[:n]
}

func setField(f *proto.Field, key, label string, perPair, sequential bool, values []float64) {
	f.Key, f.Label, f.PerPair, f.Sequential = key, label, perPair, sequential
	f.Values = append(f.Values[:0], values...)
}
