package host

import (
	"fmt"
	"slices"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/session"
)

// LabKey names the stochastic-approximation lab in the world picker.
const LabKey = "sa-lab"

// catalog lists what a host with lib offers.
func catalog(lib Library) proto.Catalog {
	item := func(a session.Algorithm) proto.Item { return proto.Item{Key: a.Key, Label: a.Label, Help: a.Help} }
	items := func(as []session.Algorithm) []proto.Item {
		out := make([]proto.Item, len(as))
		for i, a := range as {
			out[i] = item(a)
		}
		return out
	}
	var grids, envs []proto.Item
	for _, n := range lib.WorldNames {
		grids = append(grids, proto.Item{Key: n, Label: n})
	}
	for _, n := range session.ControlEnvs() {
		envs = append(envs, proto.Item{Key: n, Label: n})
	}
	gridAlgos := []proto.Group{
		{Label: "Planning (knows the model)", Items: items(session.GridAlgorithms)},
		{Label: "Learning (from experience)", Items: items(session.LearnAgents)},
	}
	return proto.Catalog{
		Worlds: []proto.Group{{Label: "Grid worlds", Items: grids}, {Label: "Continuous control", Items: envs},
			{Label: "Labs", Items: []proto.Item{{Key: LabKey, Label: "stochastic approximation (ch. 6)"}}}},
		Algorithms: map[string][]proto.Group{
			proto.SceneGrid:    gridAlgos,
			proto.SceneLearn:   gridAlgos,
			proto.SceneControl: {{Label: "Actor-critic (continuous actions)", Items: items(session.ControlAgents)}},
			proto.SceneLab:     {{Label: "Experiments", Items: []proto.Item{{Key: "lab", Label: "mean, Robbins–Monro, SGD"}}}},
		},
		Lessons: lib.Lessons,
	}
}

func has(as []session.Algorithm, key string) bool {
	return slices.ContainsFunc(as, func(a session.Algorithm) bool { return a.Key == key })
}

func isControlEnv(key string) bool { return slices.Contains(session.ControlEnvs(), key) }

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

// switchRun handles the world and algorithm commands that move between
// kinds of run: a grid world to a control task or the lab and back,
// planning to learning and back. It reports whether it handled c.
func (h *Host) switchRun(c proto.Command) (bool, string, error) {
	var next run
	var speed float64
	var err error
	_, inLab := h.run.(*labRun)
	_, inControl := h.run.(*controlRun)
	switch {
	case c.Op == proto.OpWorld && c.Key == LabKey:
		if inLab {
			return true, "", nil
		}
		next, err = newLabRun()
		speed = labSpeed
	case c.Op == proto.OpWorld && isControlEnv(c.Key):
		if inControl {
			return false, "", nil // the control run switches tasks itself
		}
		next, err = newControlRun(c.Key, "ddpg", 1)
		speed = controlSpeed
	case (c.Op == proto.OpWorld || c.Op == proto.OpLoad) && (inControl || inLab):
		var w grid.World
		if w, err = h.worldFor(c); err == nil {
			next, err = newGridRun(w, "vi")
		}
		speed = planSpeed
	case c.Op == proto.OpAlgorithm && has(session.LearnAgents, c.Key):
		g, ok := h.run.(*gridRun)
		if !ok {
			return false, "", nil
		}
		next, err = newLearnRun(g.sess.World, c.Key, 1, &g.layers)
		speed = learnSpeed
	case c.Op == proto.OpAlgorithm && has(session.GridAlgorithms, c.Key):
		l, ok := h.run.(*learnRun)
		if !ok {
			return false, "", nil
		}
		next, err = newGridRun(l.sess.World, c.Key)
		speed = planSpeed
	default:
		return false, "", nil
	}
	if err != nil {
		return true, "", err
	}
	h.use(next, speed)
	return true, "", nil
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
// algorithm with default parameters.
func (h *Host) fresh(world, worldFile, algorithm string) (run, error) {
	switch {
	case world == LabKey:
		return newLabRun()
	case isControlEnv(world):
		if algorithm == "" {
			algorithm = "ddpg"
		}
		return newControlRun(world, algorithm, 1)
	}
	var w grid.World
	var err error
	if worldFile != "" {
		w, err = parseWorldFile(worldFile)
	} else {
		w, err = h.lib.World(world)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case algorithm == "":
		return newGridRun(w, "vi")
	case has(session.LearnAgents, algorithm):
		return newLearnRun(w, algorithm, 1, nil)
	default:
		return newGridRun(w, algorithm)
	}
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
	if err := h.applyValues(next, s.Values); err != nil {
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
