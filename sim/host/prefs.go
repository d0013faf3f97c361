package host

import (
	"fmt"
	"math"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// prefsRun learns from preferences between trajectories (issue 15): a
// Bradley–Terry reward model with KL-regularised planning on it (the RLHF
// route) and DPO, on labels from a simulated judge or from a person's
// clicks. Both routes' policies, the learned and the true rewards, and the
// pair being compared are drawn on the grid.
type prefsRun struct {
	sess      *session.Prefs
	snap      session.PrefsSnapshot
	layers    layers
	sel       selection
	worldFile string
	w         grid.World
	pend      bool // a person asked for a pair and has not labelled it
}

func newPrefsRun(w grid.World, method string, prev *layers) (*prefsRun, error) {
	sess, err := session.NewPrefs(w, method, 1)
	if err != nil {
		return nil, err
	}
	r := &prefsRun{sess: sess, w: w}
	r.layers.list = []proto.Layer{
		{Key: "rhat", Label: "learned reward r̂(s,a) as triangles", On: true},
		{Key: "reward", Label: "true reward r(s,a) as triangles"},
		{Key: "dpo", Label: "DPO's implicit reward β log π/π_ref as triangles"},
		{Key: "kl", Label: "KL(π‖π_ref) per state as colour"},
		{Key: "numbers", Label: "numbers", On: true},
		{Key: "policy", Label: "policy arrows: RLHF's", On: true},
		{Key: "dpo-policy", Label: "draw DPO's policy instead"},
		{Key: "trail", Label: "the pair compared: A (purple) and B (orange)", On: true},
	}
	r.layers.fit(w)
	r.layers.carry(prev)
	return r, nil
}

func (r *prefsRun) scene() string          { return proto.SceneLearn }
func (r *prefsRun) kind() string           { return KindGrid }
func (r *prefsRun) algorithm() string      { return r.sess.Method.String() }
func (r *prefsRun) step()                  { r.sess.Step() }
func (r *prefsRun) busy() bool             { return !r.sess.Done() && r.snap.Diverged == "" }
func (r *prefsRun) reset()                 { r.sess.Reset() }
func (r *prefsRun) steps() int64           { return int64(r.sess.Steps()) }
func (r *prefsRun) updates() int64         { return int64(r.sess.Steps()) }
func (r *prefsRun) diverged() string       { return r.snap.Diverged }
func (r *prefsRun) gridLayers() *layers    { return &r.layers }
func (r *prefsRun) gridWorld() *grid.World { return &r.w }

func (r *prefsRun) apply(h *Host, c proto.Command) (string, error) {
	if c.Op == proto.OpAlgorithm {
		return "", r.sess.SetAgent(c.Key)
	}
	return h.applyGrid(r.sess, &r.layers, &r.sel, r.gridWorld, &r.worldFile, c)
}

func (r *prefsRun) nextPair() error {
	r.sess.NextPair()
	r.pend = true
	return nil
}

func (r *prefsRun) label(i int, preferA bool) error {
	r.pend = false
	return r.sess.Label(i, preferA)
}

func (r *prefsRun) exportFile(key string) (proto.File, bool, error) {
	if key != "labels" {
		return proto.File{}, false, nil
	}
	data, err := r.sess.SaveLabels()
	return proto.File{Name: "bellman-" + safeName(r.w.Name) + "-labels.json", Type: "application/json", Data: data}, true, err
}

func (r *prefsRun) importFile(key, text string) (string, error) {
	if key != "labels" {
		return "", fmt.Errorf("preferences read a labels file, not %q", key)
	}
	if err := r.sess.LoadLabels([]byte(text)); err != nil {
		return "", err
	}
	return "labels loaded: the judge is now a person", nil
}

func (r *prefsRun) fill(h *Host, s *proto.Snapshot) {
	g, sn := r.sess, &r.snap
	g.Snapshot(sn)
	r.w = sn.World
	s.Scene, s.World, s.Algorithm = proto.SceneLearn, sn.World.Name, sn.Method
	s.Version, s.Run = sn.Version, sn.Run
	fillParams(s, g.Schema(), g.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Steps), Converged: sn.Done, Episode: sn.Pairs}
	target := sn.Target.J
	if !sn.HasTarget {
		target = sn.JStar
	}
	c := addChart(s, proto.Chart{Title: "True return J", Note: "of RLHF's and DPO's policies under the true reward; dashed: the regularised optimum (or J*)",
		XLabel: "fit step", Line: target, LineLabel: "target"})
	addSeries(c, "RLHF", "#6a1b9a", 0, sn.RLHFJ.X, sn.RLHFJ.Y)
	addSeries(c, "DPO", "#e06101", 0, sn.DPOJ.X, sn.DPOJ.Y)
	c = addChart(s, proto.Chart{Title: "KL to π_ref", Note: "Σ d(s) KL(π(·|s) ‖ π_ref(·|s)): a large β keeps it near 0", XLabel: "fit step"})
	addSeries(c, "RLHF", "#6a1b9a", 0, sn.RLHFKL.X, sn.RLHFKL.Y)
	addSeries(c, "DPO", "#e06101", 0, sn.DPOKL.X, sn.DPOKL.Y)
	c = addChart(s, proto.Chart{Title: "Losses", Note: "the Bradley–Terry and DPO negative log-likelihoods of the labels", XLabel: "fit step"})
	addSeries(c, "reward model", "#6a1b9a", 0, sn.RewardLossCurve.X, sn.RewardLossCurve.Y)
	addSeries(c, "DPO", "#e06101", 0, sn.DPOLossCurve.X, sn.DPOLossCurve.Y)
	s.Counter = fmt.Sprintf("%d labels", sn.Pairs)
	mark(s, label(sn.Method), "")
	who := sn.Judge
	if sn.PersonLabels > 0 {
		who += fmt.Sprintf(", %d by you", sn.PersonLabels)
	}
	mark(s, fmt.Sprintf("%d labels (%s) · β %s", sn.Pairs, who, format(sn.Beta, 3)), "")
	mark(s, fmt.Sprintf("RLHF J %s · KL %s", format(sn.RLHF.J, 3), format(sn.RLHF.KL, 3)), "")
	mark(s, fmt.Sprintf("DPO J %s · KL %s", format(sn.DPO.J, 3), format(sn.DPO.KL, 3)), "")
	state := "fitting"
	if sn.Done {
		state = "fitted"
	}
	mark(s, fmt.Sprintf("target J %s · %s", format(target, 3), state), map[bool]string{true: "done"}[sn.Done])

	s.HasGrid = true
	gr := &s.Grid
	fillShape(gr, &sn.World, sn.State, sn.S, sn.A)
	gr.V = gr.V[:0]
	for st := 0; st < sn.S; st++ {
		best := math.Inf(-1)
		for a := 0; a < sn.A; a++ {
			best = math.Max(best, sn.RewardHat[st*sn.A+a])
		}
		gr.V = append(gr.V, best)
	}
	gr.Q = append(gr.Q[:0], sn.RewardHat...)
	pi, kl := sn.PiRLHF, sn.KLRLHF
	if r.layers.on("dpo-policy") {
		pi, kl = sn.PiDPO, sn.KLDPO
	}
	gr.Pi = append(gr.Pi[:0], pi...)
	gr.Layers = append(gr.Layers[:0], r.layers.list...)
	gr.Fields = resizeFields(gr.Fields, 4)
	setField(&gr.Fields[0], "rhat", "learned reward r̂(s,a)", true, false, sn.RewardHat)
	setField(&gr.Fields[1], "reward", "true reward r(s,a)", true, false, sn.Reward)
	setField(&gr.Fields[2], "dpo", "DPO's implicit reward", true, false, sn.DPOReward)
	setField(&gr.Fields[3], "kl", "KL(π(·|s) ‖ π_ref(·|s))", false, true, kl)
	// The pair: A as the trail, B beside it; the agent marks A's end.
	if r.layers.on("trail") && len(sn.Pair.CellsA) > 0 {
		for _, c := range sn.Pair.CellsA {
			gr.Trail = append(gr.Trail, int32(c))
		}
		for _, c := range sn.Pair.CellsB {
			gr.Trail2 = append(gr.Trail2, int32(c))
		}
		gr.Agent = sn.Pair.CellsA[len(sn.Pair.CellsA)-1]
	}
	if r.worldFile == "" {
		r.worldFile = worldFileOf(sn.World)
	}
	gr.WorldFile = r.worldFile
	r.sel.fit(&sn.World)
	fillInspect(gr, r.sel, &sn.World, gr.V, gr.Q, gr.Pi)
	s.Pair = proto.Pair{Index: sn.Pair.Index, Pending: sn.Pair.Pending, Person: sn.Pair.Person, P: sn.Pair.P,
		ReturnA: sn.Pair.ReturnA, ReturnB: sn.Pair.ReturnB, Steps: len(sn.Pair.CellsA) - 1}
	s.HasPair = len(sn.Pair.CellsA) > 0
}
