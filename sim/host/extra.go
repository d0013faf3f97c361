package host

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"bellman/sim/grid"
	"bellman/sim/proto"
)

// mover is a run a person can move by hand (the arrow keys).
type mover interface {
	move(h *Host, a int) (string, error)
}

// labeller is a run whose pairs of trajectories a person labels.
type labeller interface {
	nextPair() error
	label(i int, preferA bool) error
}

// exporter is a run with files of its own to export ("labels", say);
// importer reads them back.
type exporter interface {
	exportFile(key string) (proto.File, bool, error)
}

type importer interface {
	importFile(key, text string) (string, error)
}

// act moves the run by hand: one step with action a, then paused.
func (h *Host) act(a int) (string, error) {
	m, ok := h.run.(mover)
	if !ok {
		return "", fmt.Errorf("%s cannot be moved by hand (a learning agent on a grid world can: arrow keys)", label(h.run.algorithm()))
	}
	if err := h.usable(); err != nil {
		return "", err
	}
	h.playing = false
	return m.move(h, a)
}

// move takes a person's step and says what it taught the agent.
func (r *learnRun) move(h *Host, a int) (string, error) {
	tr, before, after, err := r.sess.Move(a)
	if err != nil {
		return "", err
	}
	fr, fc := r.sess.Model.RowCol(tr.S)
	tr2, tc := r.sess.Model.RowCol(tr.Next)
	r.sel = selection{on: true, r: tr2, c: tc} // the inspector follows the agent
	what := fmt.Sprintf("you moved %s from (%d,%d) to (%d,%d): reward %s", grid.ActionNames[a], fr, fc, tr2, tc, format(tr.Reward, 2))
	if tr.Terminated {
		what += ", the episode ends"
	}
	if r.sess.Agent == "mc-basic" {
		return what + "; MC Basic cannot learn from a move it did not choose: its next episode starts afresh", nil
	}
	if math.IsNaN(before) {
		return what, nil // the move began an episode
	}
	return fmt.Sprintf("%s; q(s,%s) %s → %s", what, grid.ActionNames[a], format(before, 3), format(after, 3)), nil
}

// labelPair draws the next pair for a person, or labels one.
func (h *Host) labelPair(c proto.Command) (string, error) {
	l, ok := h.run.(labeller)
	if !ok {
		return "", fmt.Errorf("%s has no pairs of trajectories to label (choose a preference method)", label(h.run.algorithm()))
	}
	if c.Op == proto.OpPair {
		return "", l.nextPair()
	}
	if err := l.label(c.Row, c.Value != 0); err != nil {
		return "", err
	}
	who := "B"
	if c.Value != 0 {
		who = "A"
	}
	return fmt.Sprintf("pair %d: %s preferred", c.Row, who), nil
}

// export queues a file of the run for the page to download: the run's
// report (setup, progress, curves and final values as JSON), or one of
// the run's own (a labels file).
func (h *Host) export(key string) error {
	if e, ok := h.run.(exporter); ok {
		f, handled, err := e.exportFile(key)
		if handled {
			if err == nil {
				h.files = append(h.files, f)
			}
			return err
		}
	}
	switch key {
	case "agent":
		return h.exportAgent()
	case "trajectories":
		t, ok := h.run.(interface{ trajectories() []Step })
		if !ok || h.lib.Trajectories == nil {
			return fmt.Errorf("%s records no trajectories here (a learning agent on a grid world does; the CLI's --tfrecord records control tasks)", label(h.run.algorithm()))
		}
		steps := t.trajectories()
		if len(steps) == 0 {
			return fmt.Errorf("no steps yet to export")
		}
		f, err := h.lib.Trajectories(steps)
		if err == nil {
			h.files = append(h.files, f)
		}
		return err
	case "report":
		f, err := h.report()
		if err == nil {
			h.files = append(h.files, f)
		}
		return err
	}
	return fmt.Errorf("%s has no %q to export (agent, report%s)", label(h.run.algorithm()), key, h.extraExports())
}

func (h *Host) extraExports() string {
	if _, ok := h.run.(exporter); ok {
		return ", labels"
	}
	return ""
}

func (h *Host) importFile(key, text string) (string, error) {
	if key == "agent" {
		return h.importAgent(text)
	}
	i, ok := h.run.(importer)
	if !ok {
		return "", fmt.Errorf("%s reads no %q files", label(h.run.algorithm()), key)
	}
	return i.importFile(key, text)
}

// report is a run's record as JSON: its setup and seed, its progress, its
// curves and its final values.
func (h *Host) report() (proto.File, error) {
	var s proto.Snapshot
	h.fill(&s)
	type series struct {
		Name string    `json:"name"`
		X    []float64 `json:"x,omitempty"`
		Y    []float64 `json:"y"`
	}
	type chart struct {
		Title  string   `json:"title"`
		XLabel string   `json:"xlabel"`
		X0     int      `json:"x0,omitempty"`
		Series []series `json:"series"`
	}
	finite := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				x = 0 // JSON has no NaN; the curves' gaps are rare
			}
			out[i] = x
		}
		return out
	}
	rep := map[string]any{"format": "bellman-report", "version": 1, "world": s.World, "algorithm": s.Algorithm,
		"lesson": s.Lesson}
	params := map[string]float64{}
	for _, p := range s.Params {
		params[p.Key] = p.Value
	}
	rep["parameters"] = params
	p := s.Progress
	rep["progress"] = map[string]any{"steps": p.Steps, "sweeps": p.Sweeps, "iterations": p.Iterations,
		"episodes": p.Episode, "converged": p.Converged, "updates": p.Updates}
	var charts []chart
	for _, c := range s.Charts {
		ch := chart{Title: c.Title, XLabel: c.XLabel, X0: c.X0}
		for _, se := range c.Series {
			ch.Series = append(ch.Series, series{Name: se.Name, X: finite(se.X), Y: finite(se.Y)})
		}
		charts = append(charts, ch)
	}
	rep["charts"] = charts
	if s.HasGrid {
		g := &s.Grid
		values := make([][]*float64, g.Rows)
		for r := range values {
			values[r] = make([]*float64, g.Cols)
			for c := range values[r] {
				if st := g.State[r*g.Cols+c]; st >= 0 && !math.IsNaN(g.V[st]) && !math.IsInf(g.V[st], 0) {
					v := g.V[st]
					values[r][c] = &v
				}
			}
		}
		rep["values"] = values
		rep["worldFile"] = json.RawMessage(g.WorldFile)
	}
	data, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		return proto.File{}, fmt.Errorf("report: %v", err)
	}
	name := "bellman-" + safeName(s.World) + "-" + safeName(s.Algorithm) + "-report.json"
	return proto.File{Name: name, Type: "application/json", Data: data}, nil
}

// safeName keeps a name fit for a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
}
