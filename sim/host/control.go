package host

import (
	"fmt"
	"time"

	"bellman/sim/control"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// heatmapEvery is how often the heatmaps are recomputed from the networks
// while learning goes on: a few times a second.
const heatmapEvery = 300 * time.Millisecond

// controlRun is an actor-critic agent learning a control task: the task,
// the critic's value and the actor's policy over a plane of the state
// space, and learning curves.
type controlRun struct {
	sess     *session.Control
	snap     session.ControlSnapshot
	heatAt   time.Time
	heatStep int
}

func newControlRun(env, agent string, seed uint64) (*controlRun, error) {
	sess, err := session.NewControl(env, agent, seed)
	if err != nil {
		return nil, err
	}
	return &controlRun{sess: sess, heatStep: -1}, nil
}

func (r *controlRun) scene() string     { return proto.SceneControl }
func (r *controlRun) kind() string      { return KindContinuous }
func (r *controlRun) algorithm() string { return r.sess.Agent() }
func (r *controlRun) step()             { r.sess.Step() }
func (r *controlRun) busy() bool        { return true }
func (r *controlRun) reset()            { r.sess.Reset(); r.heatStep = -1 }
func (r *controlRun) steps() int64      { return int64(r.sess.Steps()) }
func (r *controlRun) updates() int64    { return int64(r.sess.Updates()) }

// diverged looks at the last updates and at the values the heatmap last
// showed.
func (r *controlRun) diverged() string {
	if d := r.sess.Diverged(); d != "" {
		return d
	}
	return firstNonFinite("the critic's value", r.snap.Value)
}

func (r *controlRun) apply(h *Host, c proto.Command) (string, error) {
	switch c.Op {
	case proto.OpSet:
		return r.sess.Set(c.Key, c.Value)
	case proto.OpWorld:
		if err := r.sess.SetEnv(c.Key); err != nil {
			return "", err
		}
		r.heatStep = -1
		return "environment " + c.Key, nil
	case proto.OpAlgorithm:
		r.heatStep = -1
		return "", r.sess.SetAgent(c.Key)
	case proto.OpLayer, proto.OpSelect:
		return "", nil // nothing to switch or select on a control task
	}
	return "", fmt.Errorf("%s: not a command of a control task (a world file loads a grid world: choose one first)", c.Op)
}

func (r *controlRun) fill(h *Host, s *proto.Snapshot) {
	sess, sn := r.sess, &r.snap
	// The heatmaps follow learning a few times a second, never per step.
	if steps := sess.Steps(); steps != r.heatStep && (r.heatStep < 0 || h.now().Sub(r.heatAt) >= heatmapEvery) {
		sess.RefreshHeatmaps()
		r.heatAt, r.heatStep = h.now(), steps
	}
	sess.Snapshot(sn)
	s.Scene, s.World, s.Algorithm = proto.SceneControl, sn.Env, sn.Agent
	s.Version, s.Run = sn.Version, sn.Version
	fillParams(s, sess.Schema(), sess.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episodes, EpisodeStep: sn.EpisodeLength,
		Return: sn.EpisodeReturn, LastReturn: sn.LastReturn, Mean10: sn.MeanLast10, Updates: int64(sn.Updates),
		ReplayLen: sn.ReplayLen, ReplayCap: sn.ReplayCap, Sigma: sn.Sigma, Learning: sn.Learning,
		HeatmapStep: int64(sn.HeatmapStep), ValueMin: sn.ValueMin, ValueMax: sn.ValueMax}
	// Curves are thinned as they grow: plot them against their steps.
	c := addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "step"})
	addSeries(c, "return", "#e06101", 10, sn.Returns.X, sn.Returns.Y)
	c = addChart(s, proto.Chart{Title: "Critic loss", Note: "mean TD loss of the updates, log scale", XLabel: "step", Log: true})
	addSeries(c, "loss", "#2166ac", 0, sn.CriticLoss.X, sn.CriticLoss.Y)
	c = addChart(s, proto.Chart{Title: "Mean Q", Note: "mean Q(s, a) of the sampled batches", XLabel: "step"})
	addSeries(c, "mean Q", "#6a1b9a", 0, sn.MeanQ.X, sn.MeanQ.Y)

	// The episode on screen is the one under way: finished ones + 1.
	s.Counter = fmt.Sprintf("step %d", sn.Steps)
	mark(s, label(sn.Agent), "")
	mark(s, fmt.Sprintf("episode %d · last return %s · mean of 10 %s", sn.Episodes+1, format(sn.LastReturn, 1), format(sn.MeanLast10, 1)), "")
	mark(s, fmt.Sprintf("%d updates · replay %d/%d", sn.Updates, sn.ReplayLen, sn.ReplayCap), "")
	if sn.Learning {
		mark(s, "exploration σ "+format(sn.Sigma, 2), "")
	} else {
		mark(s, "random warm-up", "")
	}
	rate := fmt.Sprintf("%s steps/s · %s updates/s", format(h.stepsPerSec, 0), format(h.updatesPerSec, 0))
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")

	s.HasCtl = true
	ct := &s.Control
	ct.Env, ct.Agent, ct.Actions = sn.Env, sn.Agent, 0
	ct.State = append(ct.State[:0], sn.State...)
	ct.Action = append(ct.Action[:0], sn.Action...)
	ct.ActionLo = append(ct.ActionLo[:0], sn.ActionLo...)
	ct.ActionHi = append(ct.ActionHi[:0], sn.ActionHi...)
	ct.Regions = ct.Regions[:0]
	if pm := sn.PointMass; pm != nil {
		ct.Regions = append(ct.Regions, region(pm.Target, false))
		for _, f := range pm.Forbidden {
			ct.Regions = append(ct.Regions, region(f, true))
		}
	}
	pl := sn.Plane
	ct.Plane = proto.Plane{XLabel: pl.XLabel, YLabel: pl.YLabel, XMin: pl.XMin, XMax: pl.XMax, YMin: pl.YMin, YMax: pl.YMax}
	ct.Grid = sn.Grid
	ct.Heatmaps = resizeHeatmaps(ct.Heatmaps, 2)
	v := &ct.Heatmaps[0]
	v.Title, v.Range, v.Classes, v.Names, v.LinesX, v.LinesY = "value V(s) = Q(s, μ(s))", 0, 0, v.Names[:0], v.LinesX[:0], v.LinesY[:0]
	v.Values = append(v.Values[:0], sn.Value...)
	v.Arrows = v.Arrows[:0]
	p := &ct.Heatmaps[1]
	p.Title, p.Range, p.Classes, p.Names, p.LinesX, p.LinesY = "policy μ(s)", 1, 0, p.Names[:0], p.LinesX[:0], p.LinesY[:0]
	if len(sn.ActionHi) > 0 {
		p.Range = sn.ActionHi[0]
	}
	// The colour shows the first component; a second becomes arrows.
	G, A := sn.Grid, sn.ActDim
	p.Values, p.Arrows = p.Values[:0], p.Arrows[:0]
	for k := 0; k < G*G; k++ {
		p.Values = append(p.Values, sn.Policy[k*A])
		if A == 2 {
			p.Arrows = append(p.Arrows, sn.Policy[k*A], sn.Policy[k*A+1])
		}
	}
	if A == 2 {
		p.Title = "policy μ(s): colour fx, arrows"
	}
	ct.Traj, ct.PrevTraj = points(ct.Traj, sn.Trajectory), points(ct.PrevTraj, sn.PrevTrajectory)
	if sn.Learning {
		ct.Status = fmt.Sprintf("learning · noise σ %.2f", sn.Sigma)
	} else {
		ct.Status = "random warm-up"
	}
}

func resizeHeatmaps(h []proto.Heatmap, n int) []proto.Heatmap {
	for len(h) < n {
		if len(h) < cap(h) {
			h = h[:len(h)+1]
		} else {
			h = append(h, proto.Heatmap{})
		}
	}
	return h[:n]
}

func region(r control.Region, forbidden bool) proto.Region {
	return proto.Region{Circle: r.Shape == control.CircleShape, Forbidden: forbidden,
		X0: r.X0, Y0: r.Y0, X1: r.X1, Y1: r.Y1, CX: r.CX, CY: r.CY, R: r.R}
}

func points(dst []float64, ps []session.Point) []float64 {
	dst = dst[:0]
	for _, p := range ps {
		dst = append(dst, p.U, p.V)
	}
	return dst
}

func (r *controlRun) envName() string { return r.sess.Env() }
