package host

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// numbersMaxSide is the largest grid side whose numbers are shown unless
// the person asks for them.
const numbersMaxSide = 15

// layers are the switchable parts of a grid's picture.
type layers struct {
	list []proto.Layer
	// numbers is the person's own choice for the numbers layer, which
	// outlives a change of world: 0 none, 1 on, −1 off.
	numbers int
}

func (l *layers) on(key string) bool {
	for _, x := range l.list {
		if x.Key == key {
			return x.On
		}
	}
	return false
}

// set switches a layer and reports whether it exists.
func (l *layers) set(key string, on bool) bool {
	for i := range l.list {
		if l.list[i].Key == key {
			l.list[i].On = on
			return true
		}
	}
	return false
}

// carry takes the states of the layers both lists have from prev.
func (l *layers) carry(prev *layers) {
	if prev == nil {
		return
	}
	for _, x := range prev.list {
		l.set(x.Key, x.On)
	}
	l.numbers = prev.numbers
}

// fit shows numbers where cells are large enough, unless the person chose.
func (l *layers) fit(w grid.World) {
	switch {
	case l.numbers > 0:
		l.set("numbers", true)
	case l.numbers < 0:
		l.set("numbers", false)
	default:
		l.set("numbers", w.Rows <= numbersMaxSide && w.Cols <= numbersMaxSide)
	}
}

// apply handles a layer command.
func (l *layers) apply(c proto.Command) error {
	on := c.Value != 0 && !math.IsNaN(c.Value)
	if !l.set(c.Key, on) {
		keys := ""
		for i, x := range l.list {
			if i > 0 {
				keys += ", "
			}
			keys += x.Key
		}
		return fmt.Errorf("unknown layer %q (%s)", c.Key, keys)
	}
	if c.Key == "numbers" {
		l.numbers = -1
		if on {
			l.numbers = 1
		}
	}
	return nil
}

// selection is the cell the inspector shows.
type selection struct {
	on   bool
	r, c int
}

// apply selects a cell; one outside the grid clears the selection, and the
// notice says so when it was not a deliberate clear (−1, −1).
func (s *selection) apply(c proto.Command, w *grid.World) (string, error) {
	s.on = c.Row >= 0 && c.Row < w.Rows && c.Col >= 0 && c.Col < w.Cols
	s.r, s.c = c.Row, c.Col
	if !s.on && !(c.Row == -1 && c.Col == -1) {
		return "", fmt.Errorf("cell (%d, %d) is outside the %d×%d grid; selection cleared", c.Row, c.Col, w.Rows, w.Cols)
	}
	return "", nil
}

// fit drops a selection outside a new world.
func (s *selection) fit(w *grid.World) {
	if s.r >= w.Rows || s.c >= w.Cols {
		s.on = false
	}
}

// gridSession is what the grid runs' sessions have in common.
type gridSession interface {
	Set(key string, value float64) (string, error)
	SetWorld(w grid.World) error
}

// applyGrid handles the commands of any grid run: set, world, load, layer
// and select. A change of parameters or world drops the cached world file.
func (h *Host) applyGrid(sess gridSession, l *layers, sel *selection, w func() *grid.World, worldFile *string, c proto.Command) (string, error) {
	switch c.Op {
	case proto.OpSet:
		*worldFile = ""
		return sess.Set(c.Key, c.Value)
	case proto.OpWorld, proto.OpLoad:
		nw, err := h.worldFor(c)
		if err != nil {
			return "", err
		}
		if err := sess.SetWorld(nw); err != nil {
			return "", err
		}
		*worldFile = ""
		l.fit(nw)
		sel.fit(w())
		return "world " + nw.Name, nil
	case proto.OpLayer:
		return "", l.apply(c)
	case proto.OpSelect:
		return sel.apply(c, w())
	}
	return "", fmt.Errorf("%s: not a command of this scene", c.Op)
}

// worldFileOf formats a world as its file, for the page's editor.
func worldFileOf(w grid.World) string {
	data, _ := json.MarshalIndent(w, "", " ")
	return string(data)
}

// fillParams fills s.Params from a schema and the current values.
func fillParams(s *proto.Snapshot, schema param.Schema, value func(key string) float64) {
	s.Params = s.Params[:0]
	for _, sp := range schema {
		s.Params = append(s.Params, proto.Param{Spec: sp, Value: value(sp.Key), Advanced: advanced(sp.Key)})
	}
}

// usualNet are the network settings a person changes first; the others
// (optimizer details, initialisation) are advanced.
var usualNet = map[string]bool{"lr": true, "hidden": true, "layers": true, "activation": true}

// advanced reports whether a parameter belongs with the advanced settings:
// a network's finer settings and the exploration noise's and replay's
// machinery. The usual few (γ, step sizes, ε, τ, batch, the seed, the
// world's rewards) stay in view.
func advanced(key string) bool {
	if net, sub, ok := strings.Cut(key, "."); ok && (net == "actor" || net == "critic" || net == "net" || net == "policy" || net == "value") {
		return !usualNet[sub]
	}
	switch key {
	case "ou_theta", "ou_dt", "noise_decay_steps", "noise_sigma_end", "buffer", "learning_starts", "updates_per_step",
		"target_noise", "target_clip", "policy_delay", "noise":
		return true
	}
	return false
}

// fillShape fills a grid part's world: shape, kinds and states; what only
// some methods have (fields, features, a learner's marks) starts empty.
func fillShape(g *proto.Grid, w *grid.World, state []int, S, A int) {
	g.Fields, g.Features, g.Weights = g.Fields[:0], g.Features[:0], g.Weights[:0]
	g.VStar, g.Visits, g.Traces, g.Optimal, g.Reachable = g.VStar[:0], g.Visits[:0], g.Traces[:0], g.Optimal[:0], g.Reachable[:0]
	g.Agent, g.Trail, g.Trail2, g.EpisodeDone = -1, g.Trail[:0], g.Trail2[:0], false
	g.Rows, g.Cols, g.S, g.A, g.Terminal = w.Rows, w.Cols, S, A, w.Terminal
	g.Kinds = g.Kinds[:0]
	for _, k := range w.Cells {
		g.Kinds = append(g.Kinds, k.Char())
	}
	g.State = g.State[:0]
	for _, st := range state {
		g.State = append(g.State, int32(st))
	}
}

// fillInspect fills the selected cell's numbers from v, q and π.
func fillInspect(g *proto.Grid, sel selection, w *grid.World, v, q, pi []float64) {
	g.Selected = sel.on
	if !sel.on {
		return
	}
	in := &g.Inspect
	actions := in.Actions
	*in = proto.Inspect{Row: sel.r, Col: sel.c, Kind: w.Kind(sel.r, sel.c).String(), State: int(g.State[sel.r*w.Cols+sel.c])}
	in.Actions = actions[:0]
	if in.State < 0 {
		return
	}
	in.V = v[in.State]
	for a := 0; a < g.A; a++ {
		k := in.State*g.A + a
		in.Actions = append(in.Actions, proto.Action{Name: grid.ActionNames[a], Q: q[k], Pi: pi[k]})
	}
}

// firstNonFinite names the first NaN or infinity of v, or returns "".
func firstNonFinite(what string, v []float64) string {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return what + " became " + fmt.Sprint(x)
		}
	}
	return ""
}

// label returns the menu label of a method.
func label(key string) string {
	for _, f := range families {
		for _, a := range f.algos {
			if a.Key == key {
				return a.Label
			}
		}
	}
	return key
}

// gridRun solves a grid world by dynamic programming, one sweep a step.
type gridRun struct {
	sess      *session.Grid
	snap      session.GridSnapshot
	layers    layers
	sel       selection
	worldFile string
}

func newGridRun(w grid.World, algorithm string, prev *layers) (*gridRun, error) {
	sess, err := session.NewGrid(w, algorithm)
	if err != nil {
		return nil, err
	}
	r := &gridRun{sess: sess}
	r.layers.list = []proto.Layer{
		{Key: "values", Label: "values v(s) as colour", On: true},
		{Key: "numbers", Label: "numbers", On: true},
		{Key: "policy", Label: "policy π arrows", On: true},
		{Key: "q", Label: "action values q(s,a)"},
	}
	r.layers.fit(sess.World)
	r.layers.carry(prev)
	return r, nil
}

func (r *gridRun) scene() string      { return proto.SceneGrid }
func (r *gridRun) step()              { r.sess.Step() }
func (r *gridRun) busy() bool         { return !r.sess.Converged() }
func (r *gridRun) reset()             { r.sess.Reset() }
func (r *gridRun) steps() int64       { return int64(r.sess.Sweeps()) }
func (r *gridRun) updates() int64     { return 0 }
func (r *gridRun) world() *grid.World { return &r.sess.World }

// diverged looks at the last sweep's change (infinite before the first):
// a value that overflowed makes it infinite or NaN.
func (r *gridRun) diverged() string {
	if d := r.sess.Delta(); r.sess.Sweeps() > 0 && (math.IsNaN(d) || math.IsInf(d, 0)) {
		return "max |Δv| became " + fmt.Sprint(d) + " (a reward too large for γ?)"
	}
	return ""
}

func (r *gridRun) apply(h *Host, c proto.Command) (string, error) {
	if c.Op == proto.OpAlgorithm {
		return "", r.sess.SetAlgorithm(c.Key)
	}
	return h.applyGrid(r.sess, &r.layers, &r.sel, r.world, &r.worldFile, c)
}

func (r *gridRun) fill(h *Host, s *proto.Snapshot) {
	g, sn := r.sess, &r.snap
	g.Snapshot(sn)
	s.Scene, s.World, s.Algorithm = proto.SceneGrid, sn.World.Name, sn.Algorithm
	s.Version, s.Run = g.Version, 0
	fillParams(s, g.Schema(), g.Value)
	s.Progress = proto.Progress{Steps: int64(sn.Sweeps), Sweeps: sn.Sweeps, Iterations: sn.Iterations,
		Delta: sn.Delta, Converged: sn.Converged}
	c := addChart(s, proto.Chart{Title: "Convergence", Note: "max |Δv| per sweep, log scale", XLabel: "sweep",
		Log: true, Line: g.Value("tol"), LineLabel: "tolerance"})
	addSeries(c, "max |Δv|", "#e06101", 0, g.DeltaX, g.Deltas)
	s.Counter = "sweep " + fmt.Sprint(sn.Sweeps)
	if sn.Converged {
		s.Counter += " ✓"
	}
	prog := "sweep " + fmt.Sprint(sn.Sweeps)
	if sn.Algorithm == "pi" || sn.Algorithm == "tpi" {
		prog += " · iteration " + fmt.Sprint(sn.Iterations)
	}
	state := "running"
	switch {
	case sn.Converged:
		state = "converged"
	case !h.playing:
		state = "paused"
	}
	class := ""
	if sn.Converged {
		class = "done"
	}
	mark(s, label(sn.Algorithm), "")
	mark(s, prog, "")
	mark(s, "max |Δv| "+format(sn.Delta, 3), "")
	mark(s, state, class)
	mark(s, format(h.stepsPerSec, 0)+" sweeps/s", "")
	s.HasGrid = true
	gr := &s.Grid
	fillShape(gr, &sn.World, sn.State, sn.S, sn.A)
	gr.V = append(gr.V[:0], sn.V...)
	gr.Q = append(gr.Q[:0], sn.Q...)
	gr.Pi = append(gr.Pi[:0], sn.Pi...)
	gr.Layers = append(gr.Layers[:0], r.layers.list...)
	gr.VStar, gr.Visits, gr.Traces, gr.Optimal, gr.Reachable = gr.VStar[:0], gr.Visits[:0], gr.Traces[:0], gr.Optimal[:0], gr.Reachable[:0]
	gr.Agent, gr.Trail, gr.EpisodeDone = -1, gr.Trail[:0], false
	if r.worldFile == "" {
		r.worldFile = worldFileOf(g.World)
	}
	gr.WorldFile = r.worldFile
	r.sel.fit(&sn.World)
	fillInspect(gr, r.sel, &sn.World, sn.V, sn.Q, sn.Pi)
	if in := &gr.Inspect; gr.Selected && in.State >= 0 {
		for a := range in.Actions {
			var out [3]session.Outcome
			act := &in.Actions[a]
			act.Outcomes = act.Outcomes[:0]
			for _, o := range g.AppendOutcomes(out[:0], in.State, a) {
				act.Outcomes = append(act.Outcomes, proto.Outcome{Row: o.Row, Col: o.Col, Prob: o.Prob, Reward: o.Reward})
			}
		}
	}
}

// format writes x with at most digits decimals, trailing zeros dropped and
// never "−0"; tiny and huge numbers in exponent form.
func format(x float64, digits int) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "−∞"
	}
	if a := math.Abs(x); a != 0 && (a < 1e-3 || a >= 1e5) {
		s := fmt.Sprintf("%.2e", x)
		// 1.50e-04 → 1.5e-4
		mant, exp, _ := cut(s, 'e')
		mant = trimZeros(mant)
		sign := exp[0]
		exp = exp[1:]
		for len(exp) > 1 && exp[0] == '0' {
			exp = exp[1:]
		}
		if sign == '-' {
			exp = "-" + exp
		}
		return mant + "e" + exp
	}
	s := trimZeros(fmt.Sprintf("%.*f", digits, x))
	if s == "-0" {
		s = "0"
	}
	return s
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func trimZeros(s string) string {
	if _, _, ok := cut(s, '.'); !ok {
		return s
	}
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func (r *gridRun) kind() string           { return KindGrid }
func (r *gridRun) algorithm() string      { return r.sess.Algorithm }
func (r *gridRun) gridLayers() *layers    { return &r.layers }
func (r *gridRun) gridWorld() *grid.World { return &r.sess.World }
