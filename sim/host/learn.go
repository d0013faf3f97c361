package host

import (
	"fmt"
	"math"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// learnRun is an agent learning a grid world from experience: its
// estimates as values, q-triangles and policy, its position and trail,
// visit counts and traces, and learning curves.
type learnRun struct {
	sess      *session.Learn
	snap      session.LearnSnapshot
	layers    layers
	sel       selection
	worldFile string
	q         []float64
	rec       recording
}

// recordMost bounds the steps a run keeps for its trajectories export.
const recordMost = 10000

// recording keeps the last recordMost steps of a grid run.
type recording struct {
	steps [recordMost]recorded
	n     int // steps recorded in all
}

type recorded struct {
	s, a, next     int32
	reward         float64
	term, trunc    bool
	episode, index int32
	run            int32 // the session's run it belongs to (a restart begins another)
}

func (c *recording) add(r recorded) {
	c.steps[c.n%recordMost] = r
	c.n++
}

// newLearnRun starts agent on w with the seed; the layers both runs have
// keep their states from prev (nil for defaults).
func newLearnRun(w grid.World, agent string, seed uint64, prev *layers) (*learnRun, error) {
	sess, err := session.NewLearn(w, agent, seed)
	if err != nil {
		return nil, err
	}
	r := &learnRun{sess: sess}
	r.layers.list = []proto.Layer{
		{Key: "values", Label: "values v(s) = max q as colour", On: true},
		{Key: "numbers", Label: "numbers", On: true},
		{Key: "policy", Label: "policy π arrows (ε-greedy)", On: true},
		{Key: "q", Label: "action values q(s,a)"},
		{Key: "trail", Label: "agent and its episode's trail", On: true},
		{Key: "visits", Label: "visit counts as colour"},
		{Key: "traces", Label: "eligibility traces", On: true},
		{Key: "errors", Label: "mark states whose greedy action is not optimal"},
	}
	r.layers.fit(sess.World)
	r.layers.carry(prev)
	return r, nil
}

func (r *learnRun) scene() string          { return proto.SceneLearn }
func (r *learnRun) kind() string           { return KindGrid }
func (r *learnRun) algorithm() string      { return r.sess.Agent }
func (r *learnRun) gridLayers() *layers    { return &r.layers }
func (r *learnRun) gridWorld() *grid.World { return &r.sess.World }
func (r *learnRun) busy() bool             { return true }
func (r *learnRun) reset()                 { r.sess.Reset() }
func (r *learnRun) steps() int64           { return int64(r.sess.Steps()) }
func (r *learnRun) updates() int64         { return 0 }
func (r *learnRun) world() *grid.World     { return &r.sess.World }

// diverged looks at the agent's action values.
func (r *learnRun) diverged() string {
	r.q = r.sess.Runner().Agent.ActionValues(r.q[:0])
	return firstNonFinite("an action value q(s,a)", r.q)
}

func (r *learnRun) apply(h *Host, c proto.Command) (string, error) {
	if c.Op == proto.OpAlgorithm {
		return "", r.sess.SetAgent(c.Key)
	}
	return h.applyGrid(r.sess, &r.layers, &r.sel, r.world, &r.worldFile, c)
}

func (r *learnRun) fill(h *Host, s *proto.Snapshot) {
	g, sn := r.sess, &r.snap
	g.Snapshot(sn)
	s.Scene, s.World, s.Algorithm = proto.SceneLearn, sn.World.Name, sn.Agent
	s.Version, s.Run = g.Version, g.Run
	fillParams(s, g.Schema(), g.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episode, EpisodeStep: sn.EpisodeStep,
		Return: sn.Return, Epsilon: sn.Epsilon, Optimal: sn.OptimalShare, Gap: sn.Gap, GapStep: int64(sn.GapStep)}
	if n := len(sn.Returns); n > 0 {
		s.Progress.LastReturn = sn.Returns[n-1]
	}
	r.charts(s)
	s.Counter = fmt.Sprintf("episode %d", sn.Episode)
	mark(s, label(sn.Agent), "")
	mark(s, fmt.Sprintf("episode %d · step %d · return %s", sn.Episode, sn.EpisodeStep, format(sn.Return, 2)), "")
	mark(s, "ε "+format(sn.Epsilon, 3), "")
	class := ""
	if sn.OptimalShare == 1 {
		class = "done"
	}
	mark(s, fmt.Sprintf("optimal in %d%% of reachable states · gap %s", int(math.Round(sn.OptimalShare*100)), format(sn.Gap, 3)), class)
	rate := format(h.stepsPerSec, 0) + " steps/s"
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")

	s.HasGrid = true
	gr := &s.Grid
	fillShape(gr, &sn.World, sn.State, sn.S, sn.A)
	gr.V = append(gr.V[:0], sn.V...)
	gr.Q = append(gr.Q[:0], sn.Q...)
	gr.Pi = append(gr.Pi[:0], sn.Pi...)
	gr.Layers = append(gr.Layers[:0], r.layers.list...)
	gr.VStar = append(gr.VStar[:0], sn.VStar...)
	gr.Visits = gr.Visits[:0]
	for _, n := range sn.Visits {
		gr.Visits = append(gr.Visits, float64(n))
	}
	gr.Traces = append(gr.Traces[:0], sn.Traces...)
	gr.Optimal = append(gr.Optimal[:0], sn.GreedyOptimal...)
	gr.Reachable = append(gr.Reachable[:0], sn.Reachable...)
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
	fillInspect(gr, r.sel, &sn.World, sn.V, sn.Q, sn.Pi)
	if in := &gr.Inspect; gr.Selected && in.State >= 0 {
		in.Learn = true
		in.Visits = float64(sn.Visits[in.State])
		in.VStar = sn.VStar[in.State]
		if sn.Traces != nil {
			in.Trace = sn.Traces[in.State]
		}
		in.Greedy = sn.Greedy[in.State]
		in.GreedyOptimal = sn.GreedyOptimal[in.State]
	}
}

// charts fills the learning curves: return and length per episode with
// moving averages, the share of optimal greedy actions, the gap to v* and
// the size of the updates.
func (r *learnRun) step() {
	r.sess.Step()
	tr, run := r.sess.LastTransition(), r.sess.Runner()
	r.rec.add(recorded{int32(tr.S), int32(tr.A), int32(tr.Next), tr.Reward, tr.Terminated, tr.Truncated,
		int32(run.Episode), int32(run.T - 1), int32(r.sess.Run)})
}

// trajectories returns the recorded steps of the current run, oldest first.
func (r *learnRun) trajectories() []Step {
	m := r.sess.Model
	n := min(r.rec.n, recordMost)
	out := make([]Step, 0, n)
	for i := r.rec.n - n; i < r.rec.n; i++ {
		x := r.rec.steps[i%recordMost]
		if x.run != int32(r.sess.Run) {
			continue // an earlier run's
		}
		row, col := m.RowCol(int(x.s))
		out = append(out, Step{State: []float64{float64(x.s)}, Observation: []float64{float64(row), float64(col)},
			Action: []float64{float64(x.a)}, NextState: []float64{float64(x.next)}, Discrete: true,
			Reward: x.reward, Terminated: x.term, Truncated: x.trunc, Episode: int64(x.episode), Index: int64(x.index)})
	}
	return out
}

func (r *learnRun) charts(s *proto.Snapshot) {
	sn := &r.snap
	// Long runs are thinned (neighbouring episodes averaged), so each point
	// carries its episode; a moving average of 20 episodes spans fewer
	// points once thinned.
	sm := sn.SmoothPoints(20)
	c := addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "episode"})
	addSeries(c, "return G", "#e06101", sm, sn.EpisodeX, sn.Returns)
	c = addChart(s, proto.Chart{Title: "Episode length", Note: "steps per episode", XLabel: "episode"})
	addSeries(c, "length", "#2166ac", sm, sn.EpisodeX, sn.Lengths)
	c = addChart(s, proto.Chart{Title: "Policy vs optimum", Note: "share of the states reachable from the start whose greedy action is optimal",
		XLabel: "episode", Fixed: true, YMin: 0, YMax: 1})
	addSeries(c, "optimal share", "#107a3a", 0, sn.EpisodeX, sn.Optimal)
	c = addChart(s, proto.Chart{Title: "Gap to v*", Note: "max |v_π(s) − v*(s)| of the greedy policy over the reachable states, log scale",
		XLabel: "step", Log: true})
	addSeries(c, "gap", "#6a1b9a", 0, sn.GapSteps, sn.Gaps)
	c = addChart(s, proto.Chart{Title: "Update size", Note: "mean |TD error| per step, per episode, log scale",
		XLabel: "episode", Log: true})
	addSeries(c, "|δ|", "#555555", sm, sn.EpisodeX, sn.Errors)
}
