package host

import (
	"fmt"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// pgRun is a tabular softmax policy learning by policy gradient (Zhao,
// chapters 9–10): π as arrows, the preferences h(s,a) as triangles, the
// entropy per state, and the exact gradient ∇J from the model beside the
// sampled estimate.
type pgRun struct {
	sess      *session.PG
	snap      session.PGSnapshot
	layers    layers
	sel       selection
	worldFile string
}

func newPGRun(w grid.World, method string, prev *layers) (*pgRun, error) {
	sess, err := session.NewPG(w, method, 1)
	if err != nil {
		return nil, err
	}
	r := &pgRun{sess: sess}
	r.layers.list = []proto.Layer{
		{Key: "values", Label: "v_π(s) of the current policy as colour", On: true},
		{Key: "numbers", Label: "numbers", On: true},
		{Key: "policy", Label: "policy π arrows", On: true},
		{Key: "q", Label: "preferences h(s,a) as triangles"},
		{Key: "entropy", Label: "entropy of π(·|s) as colour"},
		{Key: "grad", Label: "exact gradient ∂J/∂h(s,a) as triangles"},
		{Key: "sample", Label: "sampled estimate of the gradient as triangles"},
		{Key: "visits", Label: "discounted state distribution d(s) as colour"},
		{Key: "trail", Label: "agent and its episode's trail", On: true},
		{Key: "errors", Label: "mark states whose greedy action is not optimal"},
	}
	r.layers.fit(sess.World)
	r.layers.carry(prev)
	return r, nil
}

func (r *pgRun) scene() string          { return proto.SceneLearn }
func (r *pgRun) kind() string           { return KindGrid }
func (r *pgRun) algorithm() string      { return r.sess.Method.String() }
func (r *pgRun) step()                  { r.sess.Step() }
func (r *pgRun) busy() bool             { return r.sess.Diverged() == "" }
func (r *pgRun) reset()                 { r.sess.Reset() }
func (r *pgRun) steps() int64           { return int64(r.sess.Steps()) }
func (r *pgRun) updates() int64         { return int64(r.sess.Updates()) }
func (r *pgRun) diverged() string       { return r.sess.Diverged() }
func (r *pgRun) gridLayers() *layers    { return &r.layers }
func (r *pgRun) gridWorld() *grid.World { return &r.sess.World }

func (r *pgRun) apply(h *Host, c proto.Command) (string, error) {
	if c.Op == proto.OpAlgorithm {
		return "", r.sess.SetAgent(c.Key)
	}
	return h.applyGrid(r.sess, &r.layers, &r.sel, r.gridWorld, &r.worldFile, c)
}

func (r *pgRun) fill(h *Host, s *proto.Snapshot) {
	g, sn := r.sess, &r.snap
	g.Snapshot(sn)
	s.Scene, s.World, s.Algorithm = proto.SceneLearn, sn.World.Name, sn.Agent
	s.Version, s.Run = sn.Version, sn.Run
	fillParams(s, g.Schema(), g.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episode, EpisodeStep: sn.EpisodeStep,
		Return: sn.Return, Optimal: sn.OptimalShare, Gap: sn.Gap, Updates: int64(g.Updates())}
	c := addChart(s, proto.Chart{Title: "Objective J(θ)", Note: "Σ d₀(s) v_π(s) of the policy each episode started with; dashed: the optimum J*",
		XLabel: "step", Line: sn.JStar, LineLabel: "J*"})
	addSeries(c, "J", "#e06101", 0, sn.Objective.X, sn.Objective.Y)
	c = addChart(s, proto.Chart{Title: "Sampled vs exact gradient", Note: "cos(ĝ, ∇J) of each episode's estimate, moving average",
		XLabel: "step", Fixed: true, YMin: -1, YMax: 1})
	addSeries(c, "cosine", "#107a3a", 20, sn.Cosine.X, sn.Cosine.Y)
	c = addChart(s, proto.Chart{Title: "Estimate's variance", Note: "‖ĝ − ∇J‖² per episode, log scale: a baseline lowers it",
		XLabel: "step", Log: true})
	addSeries(c, "‖ĝ − ∇J‖²", "#6a1b9a", 20, sn.SqError.X, sn.SqError.Y)
	c = addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "step"})
	addSeries(c, "return G", "#2166ac", 20, sn.Returns.X, sn.Returns.Y)
	c = addChart(s, proto.Chart{Title: "Entropy", Note: "mean H(π(·|s)) over the states, nats", XLabel: "step"})
	addSeries(c, "entropy", "#555555", 0, sn.MeanEntropy.X, sn.MeanEntropy.Y)
	s.Counter = fmt.Sprintf("episode %d", sn.Episode)
	mark(s, label(sn.Agent), "")
	mark(s, fmt.Sprintf("episode %d · step %d · return %s", sn.Episode, sn.EpisodeStep, format(sn.Return, 2)), "")
	if sn.Exact {
		mark(s, fmt.Sprintf("J %s of J* %s · cos %s", format(sn.J, 3), format(sn.JStar, 3), format(sn.Last.Cosine, 2)), "")
	}
	class := ""
	if sn.OptimalShare == 1 {
		class = "done"
	}
	mark(s, fmt.Sprintf("greedy optimal in %.0f%% of states", sn.OptimalShare*100), class)
	rate := format(h.stepsPerSec, 0) + " steps/s"
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")

	s.HasGrid = true
	gr := &s.Grid
	fillShape(gr, &sn.World, sn.State, sn.S, sn.A)
	v := sn.V
	if !sn.Exact {
		v = sn.Critic
	}
	if len(v) != sn.S {
		v = sn.VStar
	}
	gr.V = append(gr.V[:0], v...)
	gr.Q = append(gr.Q[:0], sn.H...)
	gr.Pi = append(gr.Pi[:0], sn.Pi...)
	gr.Layers = append(gr.Layers[:0], r.layers.list...)
	gr.VStar = append(gr.VStar[:0], sn.VStar...)
	gr.Visits = gr.Visits[:0]
	gr.Traces, gr.Reachable = gr.Traces[:0], gr.Reachable[:0]
	gr.Optimal = append(gr.Optimal[:0], sn.GreedyOptimal...)
	n := 1
	if sn.Exact {
		n = 4
	}
	gr.Fields = resizeFields(gr.Fields, n)
	setField(&gr.Fields[0], "entropy", "entropy H(π(·|s))", false, true, sn.Entropy)
	if sn.Exact {
		setField(&gr.Fields[1], "grad", "exact ∂J/∂h(s,a)", true, false, sn.Grad)
		setField(&gr.Fields[2], "sample", "sampled estimate of ∂J/∂h(s,a)", true, false, sn.Sample)
		setField(&gr.Fields[3], "visits", "discounted state distribution d(s)", false, true, sn.D)
	}
	gr.Features, gr.Weights = gr.Features[:0], gr.Weights[:0]
	gr.Agent = sn.Cell
	gr.Trail = gr.Trail[:0]
	for _, c := range sn.Trail {
		gr.Trail = append(gr.Trail, int32(c))
	}
	gr.EpisodeDone = sn.EpisodeDone
	if r.worldFile == "" {
		r.worldFile = worldFileOf(g.World)
	}
	gr.WorldFile = r.worldFile
	r.sel.fit(&sn.World)
	fillInspect(gr, r.sel, &sn.World, gr.V, gr.Q, gr.Pi)
	if in := &gr.Inspect; gr.Selected && in.State >= 0 {
		in.Learn, in.VStar = true, sn.VStar[in.State]
		in.Visits = float64(sn.Visits[in.State])
		in.Greedy, in.GreedyOptimal = sn.Greedy[in.State], sn.GreedyOptimal[in.State]
	}
}
