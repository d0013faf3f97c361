package host

import (
	"fmt"
	"time"

	"bellman/sim/proto"
	"bellman/sim/session"
)

// actionNames names the discrete actions of each task, for the greedy
// action's heatmap.
var actionNames = map[string][]string{
	"mountaincar-discrete": {"push left", "no push", "push right"},
	"acrobot":              {"torque −1", "torque 0", "torque +1"},
	"cartpole-discrete":    {"push left", "push right"},
}

// vfaControlRun is a linear method with tile coding (or other features) on
// a control task with discrete actions: V(s) = max_a q̂(s,a) and the greedy
// action over the state plane, with the tiles drawn over them.
type vfaControlRun struct {
	sess     *session.VFAControl
	snap     session.VFAControlSnapshot
	heatAt   time.Time
	heatStep int
}

func newVFAControlRun(env, method string) (*vfaControlRun, error) {
	sess, err := session.NewVFAControl(env, method, 1)
	if err != nil {
		return nil, err
	}
	return &vfaControlRun{sess: sess, heatStep: -1}, nil
}

func (r *vfaControlRun) scene() string     { return proto.SceneControl }
func (r *vfaControlRun) kind() string      { return KindDiscrete }
func (r *vfaControlRun) algorithm() string { return r.sess.Method() }
func (r *vfaControlRun) step()             { r.sess.Step() }
func (r *vfaControlRun) busy() bool        { return true }
func (r *vfaControlRun) reset()            { r.sess.Reset(); r.heatStep = -1 }
func (r *vfaControlRun) steps() int64      { return int64(r.sess.Steps()) }
func (r *vfaControlRun) updates() int64    { return int64(r.sess.Steps()) }
func (r *vfaControlRun) diverged() string  { return r.sess.Runner().Diverged }

func (r *vfaControlRun) apply(h *Host, c proto.Command) (string, error) {
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
		return "", r.sess.SetMethod(c.Key)
	case proto.OpLayer, proto.OpSelect:
		return "", nil
	}
	return "", fmt.Errorf("%s: not a command of a control task (a world file loads a grid world: choose one first)", c.Op)
}

func (r *vfaControlRun) fill(h *Host, s *proto.Snapshot) {
	sess, sn := r.sess, &r.snap
	if steps := sess.Steps(); steps != r.heatStep && (r.heatStep < 0 || h.now().Sub(r.heatAt) >= heatmapEvery) {
		sess.RefreshHeatmaps()
		r.heatAt, r.heatStep = h.now(), steps
	}
	sess.Snapshot(sn)
	s.Scene, s.World, s.Algorithm = proto.SceneControl, sn.Env, sn.Method
	s.Version, s.Run = sn.Version, sn.Version
	fillParams(s, sess.Schema(), sess.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Episode: sn.Episodes, EpisodeStep: sn.EpisodeLength,
		Return: sn.EpisodeReturn, LastReturn: sn.LastReturn, Epsilon: sn.Epsilon, Learning: true,
		HeatmapStep: int64(sn.HeatmapStep), ValueMin: sn.ValueMin, ValueMax: sn.ValueMax}
	c := addChart(s, proto.Chart{Title: "Steps per episode", Note: "episode length, with moving average", XLabel: "episode"})
	addSeries(c, "length", "#2166ac", 10, nil, sn.Lengths.Y)
	c = addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "step"})
	addSeries(c, "return", "#e06101", 10, sn.Returns.X, sn.Returns.Y)
	s.Counter = fmt.Sprintf("step %d", sn.Steps)
	mark(s, label(sn.Method), "")
	mark(s, fmt.Sprintf("episode %d · last return %s", sn.Episodes+1, format(sn.LastReturn, 1)), "")
	mark(s, fmt.Sprintf("%d features · ε %s", sn.Features, format(sn.Epsilon, 3)), "")
	rate := format(h.stepsPerSec, 0) + " steps/s"
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")

	s.HasCtl = true
	ct := &s.Control
	ct.Env, ct.Agent, ct.Actions = sn.Env, sn.Method, sn.Actions
	ct.State = append(ct.State[:0], sn.State...)
	ct.Action = append(ct.Action[:0], float64(sn.Action))
	ct.ActionLo = append(ct.ActionLo[:0], 0)
	ct.ActionHi = append(ct.ActionHi[:0], float64(sn.Actions-1))
	ct.Regions = ct.Regions[:0]
	pl := sn.Plane
	ct.Plane = proto.Plane{XLabel: pl.XLabel, YLabel: pl.YLabel, XMin: pl.XMin, XMax: pl.XMax, YMin: pl.YMin, YMax: pl.YMax}
	ct.Grid = sn.Grid
	ct.Heatmaps = resizeHeatmaps(ct.Heatmaps, 2)
	var lx, ly []float64
	if len(sn.TileX) > 0 {
		lx = sn.TileX[0]
	}
	if len(sn.TileY) > 0 {
		ly = sn.TileY[0]
	}
	v := &ct.Heatmaps[0]
	v.Title, v.Range, v.Classes, v.Names = "value V(s) = max_a Q(s, a)", 0, 0, v.Names[:0]
	v.Values = append(v.Values[:0], sn.Value...)
	v.Arrows = v.Arrows[:0]
	v.LinesX, v.LinesY = append(v.LinesX[:0], lx...), append(v.LinesY[:0], ly...)
	p := &ct.Heatmaps[1]
	p.Title, p.Range, p.Classes = "greedy action", 0, sn.Actions
	p.Names = append(p.Names[:0], actionNames[sn.Env]...)
	if len(p.Names) != sn.Actions {
		p.Names = p.Names[:0]
	}
	p.Values = append(p.Values[:0], sn.Greedy...)
	p.Arrows = p.Arrows[:0]
	p.LinesX, p.LinesY = append(p.LinesX[:0], lx...), append(p.LinesY[:0], ly...)
	ct.Traj, ct.PrevTraj = points(ct.Traj, sn.Trajectory), points(ct.PrevTraj, sn.PrevTrajectory)
	ct.Status = "ε-greedy, ε " + format(sn.Epsilon, 3)
}

func (r *vfaControlRun) envName() string { return r.sess.Env() }
