package host

import (
	"bytes"
	"fmt"
	"io"

	"bellman/sim/grid"
	"bellman/sim/proto"
	"bellman/sim/save"
)

// A session that saves its learned state, and loads it back (package
// save's format: the CLI's --save and --load read and write the same).
type sessionSaver interface {
	Save(w io.Writer) error
	Load(r io.Reader) error
}

// saverOf returns the session of runs that save.
func saverOf(r run) (sessionSaver, bool) {
	var s any
	switch x := r.(type) {
	case *learnRun:
		s = x.sess
	case *controlRun:
		s = x.sess
	case *pgRun:
		s = x.sess
	case *vfaRun:
		s = x.sess
	case *vfaControlRun:
		s = x.sess
	case *dqnRun:
		s = x.sess
	case *dqnGridRun:
		s = x.sess
	case *ppoRun:
		s = x.sess
	}
	ss, ok := s.(sessionSaver)
	return ss, ok
}

// exportAgent queues the run's save file: its setup, seed and everything
// it learned (tables, networks with their optimizers, random streams), so
// that loading it continues the run exactly.
func (h *Host) exportAgent() error {
	ss, ok := saverOf(h.run)
	if !ok {
		return fmt.Errorf("%s keeps nothing learned to save (planning re-solves from the world; save the world file)", label(h.run.algorithm()))
	}
	var buf bytes.Buffer
	if err := ss.Save(&buf); err != nil {
		return err
	}
	w, env := h.runWorld()
	name := env
	if w != nil {
		name = w.Name
	}
	h.files = append(h.files, proto.File{Name: "bellman-" + safeName(name) + "-" + safeName(h.run.algorithm()) + "-agent.json",
		Type: "application/json", Data: buf.Bytes()})
	return nil
}

// importAgent starts the run a save file describes, on its world or task
// with its method, and loads what it learned; the run is paused where it
// was saved. A file that is not a save file, or for a method the page does
// not have, is refused and the run on screen stays.
func (h *Host) importAgent(text string) (string, error) {
	f, err := save.Parse([]byte(text))
	if err != nil {
		return "", err
	}
	kind := KindGrid
	var w *grid.World
	if f.Setup.Env != "" {
		kind = h.kindOf(f.Setup.Env)
	} else {
		gw, err := parseWorldFile(string(f.Setup.World))
		if err != nil {
			return "", fmt.Errorf("save file: its world: %v", err)
		}
		w = &gw
	}
	fam, ok := familyOf(kind, f.Setup.Method)
	if !ok {
		return "", fmt.Errorf("save file: no method %q for %s here", f.Setup.Method, kind)
	}
	r, err := fam.start(w, f.Setup.Env, f.Setup.Method, h.layers())
	if err != nil {
		return "", fmt.Errorf("save file: %v", err)
	}
	ss, ok := saverOf(r)
	if !ok {
		return "", fmt.Errorf("save file: %s cannot load what it learned", label(f.Setup.Method))
	}
	if err := ss.Load(bytes.NewReader([]byte(text))); err != nil {
		return "", err
	}
	h.use(r, fam.speed)
	h.playing, h.lesson = false, nil
	return fmt.Sprintf("loaded %s: press play to continue where it was saved", label(f.Setup.Method)), nil
}
