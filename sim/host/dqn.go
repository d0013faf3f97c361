package host

import (
	"fmt"
	"time"

	"bellman/sim/control"
	"bellman/sim/grid"
	"bellman/sim/nn"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// netView is the switchable network view of a run with a network.
type netView struct {
	on   bool
	buf  []float64
	maps []float64
}

var netLayer = proto.Layer{Key: "network", Label: "network view: units over the state plane, weights"}

// apply switches the view; it reports whether c was its command.
func (v *netView) apply(c proto.Command) (bool, error) {
	if c.Op != proto.OpLayer {
		return false, nil
	}
	if c.Key != netLayer.Key {
		return true, fmt.Errorf("unknown layer %q (%s)", c.Key, netLayer.Key)
	}
	v.on = c.Value != 0
	return true, nil
}

func (v *netView) layers(dst []proto.Layer) []proto.Layer {
	l := netLayer
	l.On = v.on
	return append(dst[:0], l)
}

// fill puts network m's view into s: its columns, weights, and every
// unit's value at the n points obs of a G×G plane. It costs a forward pass
// of n rows through m (a copy the run owns between snapshots).
func (v *netView) fill(s *proto.Snapshot, title string, m *nn.MLP, obs []float64, G int) {
	s.HasNet = v.on && m != nil && G > 0
	if !s.HasNet {
		return
	}
	n := G * G
	need := n * m.Units()
	if cap(v.maps) < need {
		v.maps = make([]float64, need)
	}
	v.maps = m.UnitActivations(v.maps[:need], obs, n)
	net := &s.Net
	net.Title, net.Grid = title, G
	net.Sizes = net.Sizes[:0]
	net.Weights = net.Weights[:0]
	for c := 0; c < m.Columns(); c++ {
		net.Sizes = append(net.Sizes, int32(m.Width(c)))
		if c > 0 {
			w, _ := m.Layer(c - 1)
			net.Weights = append(net.Weights, w...)
		}
	}
	net.Maps = append(net.Maps[:0], v.maps...)
}

// dqnRun is deep Q-learning on a control task with discrete actions: V(s) =
// max_a Q(s,a) and the greedy action over the plane, the network view and
// return, loss, mean-Q, TD-error, ε and replay curves.
type dqnRun struct {
	sess     *session.DQNControl
	snap     session.DQNControlSnapshot
	heatAt   time.Time
	heatStep int
	net      netView
}

func newDQNRun(env, method string) (*dqnRun, error) {
	sess, err := session.NewDQNControl(env, method, 1)
	if err != nil {
		return nil, err
	}
	return &dqnRun{sess: sess, heatStep: -1}, nil
}

func (r *dqnRun) scene() string     { return proto.SceneControl }
func (r *dqnRun) kind() string      { return KindDiscrete }
func (r *dqnRun) algorithm() string { return r.sess.Agent() }
func (r *dqnRun) step()             { r.sess.Step() }
func (r *dqnRun) busy() bool        { return r.sess.Diverged() == "" }
func (r *dqnRun) reset()            { r.sess.Reset(); r.heatStep = -1 }
func (r *dqnRun) steps() int64      { return int64(r.sess.Steps()) }
func (r *dqnRun) updates() int64    { return int64(r.sess.Trainer().Agent().Updates()) }
func (r *dqnRun) diverged() string  { return r.sess.Diverged() }

func (r *dqnRun) apply(h *Host, c proto.Command) (string, error) {
	if ok, err := r.net.apply(c); ok {
		return "", err
	}
	switch c.Op {
	case proto.OpSet:
		return r.sess.Set(c.Key, c.Value)
	case proto.OpWorld:
		r.heatStep = -1
		if err := r.sess.SetEnv(c.Key); err != nil {
			return "", err
		}
		return "environment " + c.Key, nil
	case proto.OpAlgorithm:
		r.heatStep = -1
		return "", r.sess.SetAgent(c.Key)
	case proto.OpSelect:
		return "", nil
	}
	return "", fmt.Errorf("%s: not a command of a control task (a world file loads a grid world: choose one first)", c.Op)
}

func (r *dqnRun) fill(h *Host, s *proto.Snapshot) {
	sess, sn := r.sess, &r.snap
	if steps := sess.Steps(); steps != r.heatStep && (r.heatStep < 0 || h.now().Sub(r.heatAt) >= heatmapEvery) {
		sess.RefreshHeatmaps()
		r.heatAt, r.heatStep = h.now(), steps
	}
	sess.Snapshot(sn)
	s.Scene, s.World, s.Algorithm = proto.SceneControl, sn.Env, sn.Agent
	s.Version, s.Run = sn.Version, sn.Version
	fillParams(s, sess.Schema(), sess.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episodes, EpisodeStep: sn.EpisodeLength,
		Return: sn.EpisodeReturn, LastReturn: sn.LastReturn, Updates: int64(sn.Updates), Epsilon: sn.Eps,
		ReplayLen: sn.ReplayLen, ReplayCap: sn.ReplayCap, Learning: sn.Learning,
		HeatmapStep: int64(sn.HeatmapStep), ValueMin: sn.ValueMin, ValueMax: sn.ValueMax}
	c := addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "step"})
	addSeries(c, "return", "#e06101", 10, sn.Returns.X, sn.Returns.Y)
	c = addChart(s, proto.Chart{Title: "Loss", Note: "TD loss of the updates, log scale", XLabel: "step", Log: true})
	addSeries(c, "loss", "#2166ac", 0, sn.Loss.X, sn.Loss.Y)
	c = addChart(s, proto.Chart{Title: "Mean Q", Note: "mean Q(s, a) of the sampled batches", XLabel: "step"})
	addSeries(c, "mean Q", "#6a1b9a", 0, sn.MeanQ.X, sn.MeanQ.Y)
	c = addChart(s, proto.Chart{Title: "TD error", Note: "mean |δ| of the batches, log scale", XLabel: "step", Log: true})
	addSeries(c, "|δ|", "#555555", 0, sn.TDError.X, sn.TDError.Y)
	c = addChart(s, proto.Chart{Title: "Exploration and replay", Note: "ε, and the replay buffer's fill (share of its capacity)",
		XLabel: "step", Fixed: true, YMin: 0, YMax: 1})
	addSeries(c, "ε", "#107a3a", 0, sn.Epsilon.X, sn.Epsilon.Y)
	addSeries(c, "replay fill", "#e06101", 0, sn.ReplayFill.X, sn.ReplayFill.Y)
	s.Counter = fmt.Sprintf("step %d", sn.Steps)
	mark(s, label(sn.Agent), "")
	mark(s, fmt.Sprintf("episode %d · last return %s", sn.Episodes+1, format(sn.LastReturn, 1)), "")
	mark(s, fmt.Sprintf("%d updates · replay %d/%d · ε %s", sn.Updates, sn.ReplayLen, sn.ReplayCap, format(sn.Eps, 2)), "")
	rate := fmt.Sprintf("%s steps/s · %s updates/s", format(h.stepsPerSec, 0), format(h.updatesPerSec, 0))
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")
	fillDiscrete(s, sn.Env, sn.Agent, sn.NumActions, sn.State, sn.Action, sn.Plane, sn.Grid, sn.Value, sn.Greedy,
		"value V(s) = max_a Q(s, a)", sn.Trajectory, sn.PrevTrajectory)
	s.Control.Layers = r.net.layers(s.Control.Layers)
	s.Control.Status = "random warm-up"
	if sn.Learning {
		s.Control.Status = "ε-greedy, ε " + format(sn.Eps, 2)
	}
	r.net.fill(s, "Q-network", sn.Net, sn.NetObs, sn.NetGrid)
}

// fillDiscrete fills the control part of a task with discrete actions: the
// value over the plane and the greedy action as categories.
func fillDiscrete(s *proto.Snapshot, env, agent string, actions int, state []float64, action int, pl control.Plane, G int,
	value []float64, greedy []int, title string, traj, prev []session.Point) {
	s.HasCtl = true
	ct := &s.Control
	ct.Env, ct.Agent, ct.Actions = env, agent, actions
	ct.State = append(ct.State[:0], state...)
	ct.Action = append(ct.Action[:0], float64(action))
	ct.ActionLo = append(ct.ActionLo[:0], 0)
	ct.ActionHi = append(ct.ActionHi[:0], float64(actions-1))
	ct.Regions = ct.Regions[:0]
	ct.Plane = proto.Plane{XLabel: pl.XLabel, YLabel: pl.YLabel, XMin: pl.XMin, XMax: pl.XMax, YMin: pl.YMin, YMax: pl.YMax}
	ct.Grid = G
	ct.Heatmaps = resizeHeatmaps(ct.Heatmaps, 2)
	v := &ct.Heatmaps[0]
	v.Title, v.Range, v.Classes = title, 0, 0
	v.Names, v.Arrows, v.LinesX, v.LinesY = v.Names[:0], v.Arrows[:0], v.LinesX[:0], v.LinesY[:0]
	v.Values = append(v.Values[:0], value...)
	p := &ct.Heatmaps[1]
	p.Title, p.Range, p.Classes = "greedy action", 0, actions
	p.Names, p.Arrows, p.LinesX, p.LinesY = append(p.Names[:0], actionNames[env]...), p.Arrows[:0], p.LinesX[:0], p.LinesY[:0]
	if len(p.Names) != actions {
		p.Names = p.Names[:0]
	}
	p.Values = p.Values[:0]
	for _, a := range greedy {
		p.Values = append(p.Values, float64(a))
	}
	ct.Traj, ct.PrevTraj = points(ct.Traj, traj), points(ct.PrevTraj, prev)
	ct.Layers = ct.Layers[:0]
}

// dqnGridRun is DQN on a grid world, as Zhao's section 8.4 does it: q̂ from a
// network of the cell's coordinates, compared with q*.
type dqnGridRun struct {
	sess      *session.DQNGrid
	snap      session.DQNGridSnapshot
	layers    layers
	sel       selection
	worldFile string
	w         grid.World
}

func newDQNGridRun(w grid.World, method string, prev *layers) (*dqnGridRun, error) {
	sess, err := session.NewDQNGrid(w, method, 1)
	if err != nil {
		return nil, err
	}
	r := &dqnGridRun{sess: sess, w: w}
	r.layers.list = []proto.Layer{
		{Key: "values", Label: "values v̂(s) = max q̂ as colour", On: true},
		{Key: "numbers", Label: "numbers", On: true},
		{Key: "policy", Label: "greedy policy arrows", On: true},
		{Key: "q", Label: "action values q̂(s,a)"},
		{Key: "trail", Label: "agent and its trail", On: true},
		{Key: "visits", Label: "visit counts as colour"},
		{Key: "errors", Label: "mark states whose greedy action is not optimal"},
	}
	r.layers.fit(w)
	r.layers.carry(prev)
	return r, nil
}

func (r *dqnGridRun) scene() string          { return proto.SceneLearn }
func (r *dqnGridRun) kind() string           { return KindGrid }
func (r *dqnGridRun) algorithm() string      { return r.sess.Agent() }
func (r *dqnGridRun) step()                  { r.sess.Step() }
func (r *dqnGridRun) busy() bool             { return r.sess.Diverged() == "" }
func (r *dqnGridRun) reset()                 { r.sess.Reset() }
func (r *dqnGridRun) steps() int64           { return int64(r.sess.Steps()) }
func (r *dqnGridRun) updates() int64         { return int64(r.sess.Trainer().Agent().Updates()) }
func (r *dqnGridRun) diverged() string       { return r.sess.Diverged() }
func (r *dqnGridRun) gridLayers() *layers    { return &r.layers }
func (r *dqnGridRun) gridWorld() *grid.World { return &r.w }

func (r *dqnGridRun) apply(h *Host, c proto.Command) (string, error) {
	if c.Op == proto.OpAlgorithm {
		return "", r.sess.SetAgent(c.Key)
	}
	return h.applyGrid(r.sess, &r.layers, &r.sel, r.gridWorld, &r.worldFile, c)
}

func (r *dqnGridRun) fill(h *Host, s *proto.Snapshot) {
	g, sn := r.sess, &r.snap
	g.Snapshot(sn)
	r.w = sn.World
	s.Scene, s.World, s.Algorithm = proto.SceneLearn, sn.World.Name, sn.Agent
	s.Version, s.Run = sn.Version, sn.Run
	fillParams(s, g.Schema(), g.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episodes, Epsilon: sn.Epsilon,
		Optimal: sn.OptimalShare, Gap: sn.Gap, Updates: int64(sn.Updates), ReplayLen: sn.ReplayLen, ReplayCap: sn.ReplayCap,
		Learning: sn.Learning}
	c := addChart(s, proto.Chart{Title: "Value error", Note: "RMSE of v̂ against v*, log scale", XLabel: "step", Log: true})
	addSeries(c, "RMSE", "#6a1b9a", 0, sn.ValueError.X, sn.ValueError.Y)
	c = addChart(s, proto.Chart{Title: "Loss", Note: "TD loss of the updates, log scale", XLabel: "step", Log: true})
	addSeries(c, "loss", "#2166ac", 0, sn.Loss.X, sn.Loss.Y)
	c = addChart(s, proto.Chart{Title: "Policy vs optimum", Note: "share of states whose greedy action is optimal",
		XLabel: "step", Fixed: true, YMin: 0, YMax: 1})
	addSeries(c, "optimal share", "#107a3a", 0, sn.Optimal.X, sn.Optimal.Y)
	s.Counter = fmt.Sprintf("step %d", sn.Steps)
	mark(s, label(sn.Agent), "")
	mark(s, fmt.Sprintf("%d updates · replay %d/%d · ε %s", sn.Updates, sn.ReplayLen, sn.ReplayCap, format(sn.Epsilon, 2)), "")
	class := ""
	if sn.OptimalShare == 1 {
		class = "done"
	}
	mark(s, fmt.Sprintf("optimal in %.0f%% of states · RMSE %s", sn.OptimalShare*100, format(sn.ValueRMSE, 3)), class)
	mark(s, format(h.stepsPerSec, 0)+" steps/s · "+format(h.updatesPerSec, 0)+" updates/s", "")

	s.HasGrid = true
	gr := &s.Grid
	fillShape(gr, &sn.World, sn.State, sn.S, sn.A)
	gr.V = append(gr.V[:0], sn.V...)
	gr.Q = append(gr.Q[:0], sn.Q...)
	gr.Pi = gr.Pi[:0]
	for st := 0; st < sn.S; st++ {
		for a := 0; a < sn.A; a++ {
			p := 0.0
			if sn.Greedy[st] == a {
				p = 1
			}
			gr.Pi = append(gr.Pi, p)
		}
	}
	gr.Layers = append(gr.Layers[:0], r.layers.list...)
	gr.VStar = append(gr.VStar[:0], sn.VStar...)
	for _, n := range sn.Visits {
		gr.Visits = append(gr.Visits, float64(n))
	}
	gr.Optimal = append(gr.Optimal[:0], sn.GreedyOptimal...)
	gr.Agent = sn.Cell
	for _, c := range sn.Trail {
		gr.Trail = append(gr.Trail, int32(c))
	}
	if r.worldFile == "" {
		r.worldFile = worldFileOf(sn.World)
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

func (r *dqnRun) envName() string { return r.sess.Env() }
