package host

import (
	"fmt"
	"slices"
	"strings"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// LabKey names the stochastic-approximation lab in the world picker.
const LabKey = "sa-lab"

// World kinds: what a world is, which decides the methods that run on it.
const (
	KindGrid       = "grid"       // a grid world
	KindContinuous = "continuous" // a control task with continuous actions
	KindDiscrete   = "discrete"   // a control task with discrete actions
	KindLab        = "lab"        // the stochastic-approximation lab
)

// family is a group of methods that one kind of run holds: switching
// between two methods of a family keeps the run's session (and what it
// shares), switching families starts a new run.
type family struct {
	label string
	kind  string
	algos []session.Algorithm
	speed float64 // steps a second a new run starts at
	// start builds a run of one of the family's methods on a world: a grid
	// world or the name of a control task.
	start func(w *grid.World, env, algorithm string, prev *layers) (run, error)
}

// families lists the methods in menu order, by the kind of world they run on.
var families = []family{
	{"Planning (knows the model)", KindGrid, session.GridAlgorithms, planSpeed,
		func(w *grid.World, _, a string, prev *layers) (run, error) { return newGridRun(*w, a, prev) }},
	{"Learning from experience (tabular)", KindGrid, session.LearnAgents, learnSpeed,
		func(w *grid.World, _, a string, prev *layers) (run, error) { return newLearnRun(*w, a, 1, prev) }},
	{"Value approximation (ch. 8)", KindGrid, session.VFAAgents, learnSpeed,
		func(w *grid.World, _, a string, prev *layers) (run, error) { return newVFARun(*w, a, prev) }},
	{"Policy gradient (ch. 9–10)", KindGrid, session.PGAgents, learnSpeed,
		func(w *grid.World, _, a string, prev *layers) (run, error) { return newPGRun(*w, a, prev) }},
	{"Actor-critic (continuous actions)", KindContinuous, session.ControlAgents, controlSpeed,
		func(_ *grid.World, env, a string, _ *layers) (run, error) { return newControlRun(env, a, 1) }},
	{"Learning from preferences (RLHF, DPO)", KindGrid, session.PrefsMethods, learnSpeed,
		func(w *grid.World, _, a string, prev *layers) (run, error) { return newPrefsRun(*w, a, prev) }},
	{"Deep Q-learning (ch. 8)", KindGrid, session.DQNAgents, learnSpeed,
		func(w *grid.World, _, a string, prev *layers) (run, error) { return newDQNGridRun(*w, a, prev) }},
	{"Policy optimisation (PPO, A2C)", KindContinuous, session.PPOAgents, controlSpeed,
		func(_ *grid.World, env, a string, _ *layers) (run, error) { return newPPORun(env, a, KindContinuous) }},
	{"Deep Q-learning (ch. 8)", KindDiscrete, session.DQNAgents, controlSpeed,
		func(_ *grid.World, env, a string, _ *layers) (run, error) { return newDQNRun(env, a) }},
	{"Linear features (ch. 8, S&B ch. 10)", KindDiscrete, session.VFAControlAgents, controlSpeed,
		func(_ *grid.World, env, a string, _ *layers) (run, error) { return newVFAControlRun(env, a) }},
	{"Policy optimisation (PPO, A2C)", KindDiscrete, session.PPOAgents, controlSpeed,
		func(_ *grid.World, env, a string, _ *layers) (run, error) { return newPPORun(env, a, KindDiscrete) }},
	{"Experiments", KindLab, []session.Algorithm{{Key: "lab", Label: "mean, Robbins–Monro, SGD"}}, labSpeed,
		func(_ *grid.World, _, _ string, _ *layers) (run, error) { return newLabRun() }},
}

// familyOf returns the family of a method on a kind of world.
func familyOf(kind, algorithm string) (*family, bool) {
	for i := range families {
		if f := &families[i]; f.kind == kind && has(f.algos, algorithm) {
			return f, true
		}
	}
	return nil, false
}

// firstOf returns the first family of a kind: its first method is the
// kind's default.
func firstOf(kind string) *family {
	for i := range families {
		if families[i].kind == kind {
			return &families[i]
		}
	}
	return nil
}

// kindOf returns the kind of a built-in world or control task.
func (h *Host) kindOf(world string) string {
	switch {
	case world == LabKey:
		return KindLab
	case slices.Contains(session.ControlEnvs(), world):
		return KindContinuous
	case slices.Contains(session.VFAControlEnvs(), world):
		return KindDiscrete
	}
	return KindGrid
}

// catalog lists what a host with lib offers.
func catalog(lib Library) proto.Catalog {
	items := func(as []session.Algorithm) []proto.Item {
		out := make([]proto.Item, len(as))
		for i, a := range as {
			out[i] = proto.Item{Key: a.Key, Label: a.Label, Help: a.Help}
		}
		return out
	}
	var grids, cont, disc []proto.Item
	for _, n := range lib.WorldNames {
		grids = append(grids, proto.Item{Key: n, Label: n})
	}
	for _, n := range session.ControlEnvs() {
		cont = append(cont, proto.Item{Key: n, Label: n})
	}
	for _, n := range session.VFAControlEnvs() {
		disc = append(disc, proto.Item{Key: n, Label: n})
	}
	algos := map[string][]proto.Group{}
	for _, f := range families {
		algos[f.kind] = append(algos[f.kind], proto.Group{Label: f.label, Items: items(f.algos)})
	}
	return proto.Catalog{
		Worlds: []proto.Group{{Label: "Grid worlds", Items: grids},
			{Label: "Control, continuous actions", Items: cont},
			{Label: "Control, discrete actions", Items: disc},
			{Label: "Labs", Items: []proto.Item{{Key: LabKey, Label: "stochastic approximation (ch. 6)"}}}},
		Algorithms: algos,
		Lessons:    lib.Lessons,
	}
}

func has(as []session.Algorithm, key string) bool {
	return slices.ContainsFunc(as, func(a session.Algorithm) bool { return a.Key == key })
}

// worldFor reads the world of a world or load command.
func (h *Host) worldFor(c proto.Command) (grid.World, error) {
	if c.Op == proto.OpWorld {
		return h.lib.World(c.Key)
	}
	return parseWorldFile(c.Text)
}

// parseWorldFile reads a world file from the page; a world without a name
// is "custom".
func parseWorldFile(text string) (grid.World, error) {
	if len(text) > proto.MaxText {
		return grid.World{}, fmt.Errorf("world file: %d bytes, more than %d", len(text), proto.MaxText)
	}
	w, err := grid.Parse([]byte(text))
	if err == nil && w.Name == "" {
		w.Name = "custom"
	}
	return w, err
}

// switchRun handles the world and algorithm commands that need a new run:
// a world of another kind, or a method of another family. A world of the
// same kind, or a method of the same family, is the run's own to switch
// (keeping what the two share). It reports whether it handled c.
func (h *Host) switchRun(c proto.Command) (bool, string, error) {
	kind := h.run.kind()
	cur, _ := familyOf(kind, h.run.algorithm())
	var next run
	var err error
	var f *family
	switch c.Op {
	case proto.OpWorld, proto.OpLoad:
		nkind := KindGrid
		if c.Op == proto.OpWorld {
			nkind = h.kindOf(c.Key)
		}
		if nkind == kind && (nkind == KindGrid || nkind == KindContinuous || nkind == KindDiscrete) {
			return false, "", nil // the run switches worlds itself
		}
		if nkind == KindLab && kind == KindLab {
			return true, "", nil
		}
		f = firstOf(nkind)
		algorithm := f.algos[0].Key
		var w *grid.World
		env := c.Key
		if nkind == KindGrid {
			gw, err := h.worldFor(c)
			if err != nil {
				return true, "", err
			}
			w = &gw
		}
		next, err = f.start(w, env, algorithm, h.layers())
	case proto.OpAlgorithm:
		var ok bool
		if f, ok = familyOf(kind, c.Key); !ok {
			return true, "", fmt.Errorf("no method %q for %s (%s)", c.Key, h.worldName(), h.methodKeys(kind))
		}
		if f == cur {
			return false, "", nil // the run switches methods itself
		}
		w, env := h.runWorld()
		next, err = f.start(w, env, c.Key, h.layers())
	default:
		return false, "", nil
	}
	if err != nil {
		return true, "", err
	}
	h.use(next, f.speed)
	return true, "", nil
}

// layers returns the current run's layers, for a grid run that follows it.
func (h *Host) layers() *layers {
	if l, ok := h.run.(interface{ gridLayers() *layers }); ok {
		return l.gridLayers()
	}
	return nil
}

// runWorld returns the current run's world: a grid world (with its current
// rewards) or a control task's name.
func (h *Host) runWorld() (*grid.World, string) {
	if g, ok := h.run.(interface{ gridWorld() *grid.World }); ok {
		w := *g.gridWorld()
		return &w, ""
	}
	if e, ok := h.run.(interface{ envName() string }); ok {
		return nil, e.envName()
	}
	return nil, LabKey
}

func (h *Host) worldName() string {
	if w, env := h.runWorld(); w != nil {
		return w.Name
	} else {
		return env
	}
}

func (h *Host) methodKeys(kind string) string {
	var keys []string
	for _, f := range families {
		if f.kind == kind {
			for _, a := range f.algos {
				keys = append(keys, a.Key)
			}
		}
	}
	return "valid: " + strings.Join(keys, ", ")
}

// startLesson sets up a built-in lesson: a fresh run of its world and
// algorithm with default parameters, then its own parameters, layers and
// speed. On error the current run stays. An empty key ends the lesson and
// keeps the run.
func (h *Host) startLesson(key string) (string, error) {
	if key == "" { // the person's own setup from here on
		h.lesson = nil
		return "", nil
	}
	var l proto.Lesson
	found := false
	keys := make([]string, 0, len(h.lib.Lessons))
	for _, x := range h.lib.Lessons {
		if x.Key == key {
			l, found = x, true
		}
		keys = append(keys, x.Key)
	}
	if !found {
		return "", fmt.Errorf("no lesson %q (lessons: %v)", key, keys)
	}
	next, err := h.fresh(l.World, "", l.Algorithm)
	if err != nil {
		return "", fmt.Errorf("lesson %s: %v", key, err)
	}
	if err := h.applyValues(next, l.Params); err != nil {
		return "", fmt.Errorf("lesson %s: %v", key, err)
	}
	if err := h.applyLayers(next, l.Layers); err != nil {
		return "", fmt.Errorf("lesson %s: %v", key, err)
	}
	h.use(next, l.SpeedAt(0))
	h.playing, h.lesson, h.stopAt = true, &l, 0
	h.last = h.now()
	if l.Ramp > 0 {
		h.ramp = h.last
	}
	return "lesson: " + l.Title, nil
}

// fresh builds a run of a world (a built-in name, or a world file) and an
// algorithm ("" for the world's default) with default parameters.
func (h *Host) fresh(world, worldFile, algorithm string) (run, error) {
	kind := KindGrid
	if worldFile == "" {
		kind = h.kindOf(world)
	}
	f := firstOf(kind)
	if algorithm != "" {
		var ok bool
		if f, ok = familyOf(kind, algorithm); !ok {
			return nil, fmt.Errorf("no method %q for %s (%s)", algorithm, world, h.methodKeys(kind))
		}
	} else {
		algorithm = f.algos[0].Key
	}
	var w *grid.World
	if kind == KindGrid {
		var gw grid.World
		var err error
		if worldFile != "" {
			gw, err = parseWorldFile(worldFile)
		} else {
			gw, err = h.lib.World(world)
		}
		if err != nil {
			return nil, err
		}
		w = &gw
	}
	return f.start(w, world, algorithm, nil)
}

// applyValues sets parameters in key order, so a run set up twice is the
// same run.
func (h *Host) applyValues(r run, values map[string]float64) error {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := r.apply(h, proto.Command{Op: proto.OpSet, Key: k, Value: values[k]}); err != nil {
			return err
		}
	}
	return nil
}

func (h *Host) applyLayers(r run, layers map[string]bool) error {
	keys := make([]string, 0, len(layers))
	for k := range layers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := 0.0
		if layers[k] {
			v = 1
		}
		if _, err := r.apply(h, proto.Command{Op: proto.OpLayer, Key: k, Value: v}); err != nil {
			return err
		}
	}
	return nil
}

// setup starts a run from a Setup: a restart, or one run of a comparison.
// On error the current run stays.
func (h *Host) setup(text string) error {
	s, err := proto.ParseSetup(text)
	if err != nil {
		return err
	}
	var next run
	var lesson *proto.Lesson
	if s.Lesson != "" {
		if _, err := h.startLesson(s.Lesson); err != nil {
			return err
		}
		next, lesson = h.run, h.lesson
	} else if next, err = h.fresh(s.World, s.WorldFile, s.Algorithm); err != nil {
		return fmt.Errorf("setup: %v", err)
	}
	values := s.Values
	if s.Loose {
		values = h.known(next, values)
	}
	if err := h.applyValues(next, values); err != nil {
		return fmt.Errorf("setup: %v", err)
	}
	if err := h.applyLayers(next, s.Layers); err != nil {
		return fmt.Errorf("setup: %v", err)
	}
	if s.Speed < 0 || s.Speed > MaxSpeed {
		s.Speed = 0
	}
	h.use(next, s.Speed)
	h.lesson, h.playing, h.stopAt = lesson, s.Playing, max(s.StopAt, 0)
	h.last = h.now()
	return nil
}

// known keeps the values run r has parameters for.
func (h *Host) known(r run, values map[string]float64) map[string]float64 {
	var s proto.Snapshot
	r.fill(h, &s)
	out := map[string]float64{}
	for _, p := range s.Params {
		if v, ok := values[p.Key]; ok {
			out[p.Key] = v
		}
	}
	return out
}
