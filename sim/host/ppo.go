package host

import (
	"fmt"
	"time"

	"bellman/sim/proto"
	"bellman/sim/session"
)

// ppoRun is PPO or A2C on a control task (CleanRL's ppo.py and
// ppo_continuous_action.py): V(s) and the policy over the plane — the
// Gaussian's mean, or the categorical's most likely action and its
// entropy — with CleanRL's diagnostics as curves.
type ppoRun struct {
	sess     *session.PPO
	snap     session.PPOSnapshot
	heatAt   time.Time
	heatStep int
	kindOf   string
}

func newPPORun(env, agent, kind string) (*ppoRun, error) {
	sess, err := session.NewPPO(env, agent, 1)
	if err != nil {
		return nil, err
	}
	return &ppoRun{sess: sess, heatStep: -1, kindOf: kind}, nil
}

func (r *ppoRun) scene() string     { return proto.SceneControl }
func (r *ppoRun) kind() string      { return r.kindOf }
func (r *ppoRun) algorithm() string { return r.sess.Agent() }
func (r *ppoRun) step()             { r.sess.Step() }
func (r *ppoRun) busy() bool        { return r.sess.Diverged() == "" }
func (r *ppoRun) reset()            { r.sess.Reset(); r.heatStep = -1 }
func (r *ppoRun) steps() int64      { return int64(r.sess.Steps()) }
func (r *ppoRun) updates() int64    { return int64(r.sess.Updates()) }
func (r *ppoRun) diverged() string  { return r.sess.Diverged() }

func (r *ppoRun) apply(h *Host, c proto.Command) (string, error) {
	switch c.Op {
	case proto.OpSet:
		return r.sess.Set(c.Key, c.Value)
	case proto.OpWorld:
		if k := h.kindOf(c.Key); k != r.kindOf {
			return "", fmt.Errorf("%s is not a %s control task", c.Key, r.kindOf)
		}
		r.heatStep = -1
		if err := r.sess.SetEnv(c.Key); err != nil {
			return "", err
		}
		return "environment " + c.Key, nil
	case proto.OpAlgorithm:
		r.heatStep = -1
		return "", r.sess.SetAgent(c.Key)
	case proto.OpLayer, proto.OpSelect:
		return "", nil
	}
	return "", fmt.Errorf("%s: not a command of a control task (a world file loads a grid world: choose one first)", c.Op)
}

func (r *ppoRun) fill(h *Host, s *proto.Snapshot) {
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
		Return: sn.EpisodeReturn, LastReturn: sn.LastReturn, Updates: int64(sn.Updates), Learning: true,
		HeatmapStep: int64(sn.HeatmapStep), ValueMin: sn.ValueMin, ValueMax: sn.ValueMax}
	c := addChart(s, proto.Chart{Title: "Return", Note: "per episode, with moving average", XLabel: "step"})
	addSeries(c, "return", "#e06101", 10, sn.Returns.X, sn.Returns.Y)
	c = addChart(s, proto.Chart{Title: "Losses", Note: "the last minibatch's policy and value loss", XLabel: "step"})
	addSeries(c, "policy loss", "#2166ac", 0, sn.PolicyLoss.X, sn.PolicyLoss.Y)
	addSeries(c, "value loss", "#6a1b9a", 0, sn.ValueLoss.X, sn.ValueLoss.Y)
	c = addChart(s, proto.Chart{Title: "Entropy", Note: "of the policy, the last minibatch's mean", XLabel: "step"})
	addSeries(c, "entropy", "#555555", 0, sn.Entropy.X, sn.Entropy.Y)
	c = addChart(s, proto.Chart{Title: "Trust region", Note: "approximate KL to the rollout's policy, and the share of clipped ratios",
		XLabel: "step"})
	addSeries(c, "approx KL", "#107a3a", 0, sn.ApproxKL.X, sn.ApproxKL.Y)
	addSeries(c, "clip fraction", "#e06101", 0, sn.ClipFrac.X, sn.ClipFrac.Y)
	c = addChart(s, proto.Chart{Title: "Explained variance", Note: "of the rollout's returns by V(s)", XLabel: "step",
		Fixed: true, YMin: -1, YMax: 1})
	addSeries(c, "explained variance", "#2166ac", 0, sn.ExplainedVariance.X, sn.ExplainedVariance.Y)
	s.Counter = fmt.Sprintf("step %d", sn.Steps)
	mark(s, label(sn.Agent), "")
	mark(s, fmt.Sprintf("episode %d · last return %s", sn.Episodes+1, format(sn.LastReturn, 1)), "")
	mark(s, fmt.Sprintf("%d updates · rollout %d/%d × %d envs · lr %s", sn.Updates, sn.RolloutStep, sn.RolloutSteps, sn.NumEnvs, format(sn.LR, 2)), "")
	rate := fmt.Sprintf("%s steps/s · %s updates/s", format(h.stepsPerSec, 0), format(h.updatesPerSec, 0))
	if !h.playing {
		rate += " · paused"
	}
	mark(s, rate, "")
	if sn.Discrete {
		act := 0
		if len(sn.Action) > 0 {
			act = int(sn.Action[0])
		}
		fillDiscrete(s, sn.Env, sn.Agent, sn.NumActions, sn.State, act, sn.Plane, sn.Grid, sn.Value, sn.Greedy,
			"value V(s)", sn.Trajectory, sn.PrevTrajectory)
		ct := &s.Control
		ct.Heatmaps = resizeHeatmaps(ct.Heatmaps, 3)
		e := &ct.Heatmaps[2]
		e.Title, e.Range, e.Classes = "entropy of π(·|s)", sn.EntropyMax, 0
		e.Names, e.Arrows, e.LinesX, e.LinesY = e.Names[:0], e.Arrows[:0], e.LinesX[:0], e.LinesY[:0]
		e.Values = append(e.Values[:0], sn.EntropyMap...)
		ct.Status = "sampling from π(a|s)"
		return
	}
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
	v.Title, v.Range, v.Classes = "value V(s)", 0, 0
	v.Names, v.Arrows, v.LinesX, v.LinesY = v.Names[:0], v.Arrows[:0], v.LinesX[:0], v.LinesY[:0]
	v.Values = append(v.Values[:0], sn.Value...)
	p := &ct.Heatmaps[1]
	p.Range = 1
	if len(sn.ActionHi) > 0 {
		p.Range = sn.ActionHi[0]
	}
	p.Title = "policy mean μ(s)"
	if len(sn.Std) > 0 {
		p.Title = fmt.Sprintf("policy mean μ(s), σ %s", format(sn.Std[0], 2))
	}
	p.Classes, p.Names, p.LinesX, p.LinesY = 0, p.Names[:0], p.LinesX[:0], p.LinesY[:0]
	G, A := sn.Grid, sn.ActDim
	p.Values, p.Arrows = p.Values[:0], p.Arrows[:0]
	for k := 0; k < G*G && k*A < len(sn.Mean); k++ {
		p.Values = append(p.Values, sn.Mean[k*A])
		if A == 2 {
			p.Arrows = append(p.Arrows, sn.Mean[k*A], sn.Mean[k*A+1])
		}
	}
	ct.Traj, ct.PrevTraj = points(ct.Traj, sn.Trajectory), points(ct.PrevTraj, sn.PrevTrajectory)
	ct.Layers = ct.Layers[:0]
	ct.Status = "sampling from the Gaussian π(a|s)"
}

func (r *ppoRun) envName() string { return r.sess.Env() }
