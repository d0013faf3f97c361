package prefs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"bellman/sim/grid"
)

// The labels file format: its name and version, and bounds that keep a
// malformed or hostile file from taking the memory.
const (
	LabelsFormat   = "bellman-prefs"
	LabelsVersion  = 1
	MaxLabelsBytes = 64 << 20 // 64 MiB
	MaxPairs       = 100_000
)

// Labels is a data set of labelled pairs on one world, as saved in a
// labels file: the world's name and shape, the discount γ of the returns
// and of the models' sums, the judge, the reference policy the pairs were
// drawn from and the pairs. States are the model's (grid.Model), so
// reading and writing a file needs the world's model.
type Labels struct {
	World               string
	Rows, Cols, Actions int
	Gamma               float64
	Judge               Judge
	// Reference is π_ref(a|s) (len S*A), nil for the uniform policy.
	Reference []float64
	Pairs     []Pair
	// Person marks pairs whose label a person gave (len Pairs, or nil
	// for none), in a set whose judge is another.
	Person []bool
}

// NewLabels returns an empty set for world g.
func NewLabels(g *grid.Model, gamma float64, judge Judge, ref []float64) *Labels {
	w := &g.World
	l := &Labels{World: w.Name, Rows: w.Rows, Cols: w.Cols, Actions: w.Actions, Gamma: gamma, Judge: judge}
	if ref != nil {
		l.Reference = append([]float64(nil), ref...)
	}
	return l
}

// RefFor returns π_ref on model g (len S*A): Reference or the uniform
// policy.
func (l *Labels) RefFor(g *grid.Model) []float64 {
	if l.Reference != nil {
		return l.Reference
	}
	return Uniform(g.S, g.A)
}

// Add appends a pair; person says a person labelled it.
func (l *Labels) Add(p Pair, person bool) {
	if person && l.Person == nil {
		l.Person = make([]bool, len(l.Pairs), len(l.Pairs)+1)
	}
	l.Pairs = append(l.Pairs, p)
	if l.Person != nil {
		l.Person = append(l.Person, person)
	}
}

// ByPerson reports whether pair i was labelled by a person.
func (l *Labels) ByPerson(i int) bool {
	return l.Judge.Kind == Person || (l.Person != nil && l.Person[i])
}

// Compile returns the pairs as Data for the losses.
func (l *Labels) Compile(g *grid.Model) *Data {
	d := NewData(g.S, g.A, l.Gamma)
	for _, p := range l.Pairs {
		d.Add(p)
	}
	return d
}

// Validate checks the set against world g: the name and shape, γ, the
// judge, the reference policy, and every pair: labels in [0, 1] and
// trajectories that the world's dynamics can produce.
func (l *Labels) Validate(g *grid.Model) error {
	w := &g.World
	if l.World != w.Name {
		return fmt.Errorf("the labels are for world %q, not %q", l.World, w.Name)
	}
	if l.Rows != w.Rows || l.Cols != w.Cols || l.Actions != w.Actions {
		return fmt.Errorf("the labels are for a %dx%d world with %d actions; %q is %dx%d with %d", l.Rows, l.Cols, l.Actions, w.Name, w.Rows, w.Cols, w.Actions)
	}
	if !(l.Gamma >= 0 && l.Gamma < 1) {
		return fmt.Errorf("gamma %v is outside [0, 1)", l.Gamma)
	}
	if err := l.Judge.Validate(); err != nil {
		return err
	}
	if l.Reference != nil {
		if err := g.Validate(l.Reference); err != nil {
			return fmt.Errorf("reference: %w", err)
		}
	}
	if len(l.Pairs) > MaxPairs {
		return fmt.Errorf("%d pairs, more than %d", len(l.Pairs), MaxPairs)
	}
	if l.Person != nil && len(l.Person) != len(l.Pairs) {
		return fmt.Errorf("%d person marks for %d pairs", len(l.Person), len(l.Pairs))
	}
	for i, p := range l.Pairs {
		if !(p.P >= 0 && p.P <= 1) {
			return fmt.Errorf("pair %d: label p %v is outside [0, 1]", i, p.P)
		}
		if err := checkTrajectory(g, p.A); err != nil {
			return fmt.Errorf("pair %d a: %w", i, err)
		}
		if err := checkTrajectory(g, p.B); err != nil {
			return fmt.Errorf("pair %d b: %w", i, err)
		}
	}
	return nil
}

// checkTrajectory checks that t is a path the model can take.
func checkTrajectory(g *grid.Model, t Trajectory) error {
	m := g.Model
	T := len(t.Actions)
	switch {
	case T == 0:
		return errors.New("no steps")
	case T > MaxLength:
		return fmt.Errorf("%d steps, more than %d", T, MaxLength)
	case len(t.States) != T+1:
		return fmt.Errorf("%d cells for %d actions, want %d", len(t.States), T, T+1)
	}
	for k, s := range t.States {
		if s < 0 || s >= m.S {
			return fmt.Errorf("step %d: state %d is not one of the %d states", k, s, m.S)
		}
	}
	for k, a := range t.Actions {
		s, next := t.States[k], t.States[k+1]
		if a < 0 || a >= m.A {
			return fmt.Errorf("step %d: action %d is not one of %d", k, a, m.A)
		}
		if m.Terminal[s] {
			r, c := g.RowCol(s)
			return fmt.Errorf("step %d: goes on from the terminal cell (%d,%d)", k, r, c)
		}
		ok := false
		base := (s*m.A + a) * m.K
		for j := 0; j < m.K; j++ {
			if m.Prob[base+j] > 0 && int(m.Next[base+j]) == next {
				ok = true
				break
			}
		}
		if !ok {
			r, c := g.RowCol(s)
			r2, c2 := g.RowCol(next)
			return fmt.Errorf("step %d: %s from cell (%d,%d) cannot reach cell (%d,%d)", k, grid.ActionNames[a], r, c, r2, c2)
		}
	}
	return nil
}

// The file's JSON.
type (
	labelsFile struct {
		Format    string        `json:"format"`
		Version   int           `json:"version"`
		World     string        `json:"world"`
		Rows      int           `json:"rows"`
		Cols      int           `json:"cols"`
		Actions   int           `json:"actions"`
		Gamma     float64       `json:"gamma"`
		Judge     judgeFile     `json:"judge"`
		Reference [][][]float64 `json:"reference,omitempty"`
		Pairs     []pairFile    `json:"pairs"`
	}
	judgeFile struct {
		Kind string   `json:"kind"`
		Beta *float64 `json:"beta,omitempty"`
	}
	pairFile struct {
		A      trajFile `json:"a"`
		B      trajFile `json:"b"`
		P      float64  `json:"p"`
		Person bool     `json:"person,omitempty"`
	}
	trajFile struct {
		Cells   []int    `json:"cells"`
		Actions []string `json:"actions"`
	}
)

// Encode writes the set as a labels file:
//
//	{"format": "bellman-prefs", "version": 1, "world": "zhao-5x5", "rows": 5, "cols": 5, "actions": 5,
//	 "gamma": 0.9, "judge": {"kind": "bradley-terry", "beta": 1},
//	 "reference": [[[0.2, 0.2, 0.2, 0.2, 0.2], ...], ...],      (omitted: uniform)
//	 "pairs": [{"a": {"cells": [0, 1, 6], "actions": ["right", "down"]},
//	            "b": {"cells": [0, 5, 5], "actions": ["down", "stay"]}, "p": 1}, ...]}
//
// cells are row·cols + col; p is the probability that a is preferred
// (1: a, 0: b, ½: a tie); "person": true marks a person's label in a set
// whose judge is simulated. The reference gives π_ref per cell by row and
// column (an empty list for walls and cliffs).
func (l *Labels) Encode(w io.Writer, g *grid.Model) error {
	if err := l.Validate(g); err != nil {
		return err
	}
	f := labelsFile{Format: LabelsFormat, Version: LabelsVersion, World: l.World, Rows: l.Rows, Cols: l.Cols,
		Actions: l.Actions, Gamma: l.Gamma, Judge: judgeFile{Kind: l.Judge.Kind.String()}, Pairs: make([]pairFile, len(l.Pairs))}
	if k := l.Judge.Kind; k == BradleyTerry || k == Expected {
		b := l.Judge.Beta
		f.Judge.Beta = &b
	}
	if l.Reference != nil {
		A := g.A
		f.Reference = make([][][]float64, l.Rows)
		for r := range f.Reference {
			f.Reference[r] = make([][]float64, l.Cols)
			for c := range f.Reference[r] {
				f.Reference[r][c] = []float64{}
				if s := g.StateAt(r, c); s >= 0 {
					f.Reference[r][c] = l.Reference[s*A : (s+1)*A]
				}
			}
		}
	}
	traj := func(t Trajectory) trajFile {
		tf := trajFile{Cells: make([]int, len(t.States)), Actions: make([]string, len(t.Actions))}
		for k, s := range t.States {
			tf.Cells[k] = g.Cell[s]
		}
		for k, a := range t.Actions {
			tf.Actions[k] = grid.ActionNames[a]
		}
		return tf
	}
	for i, p := range l.Pairs {
		f.Pairs[i] = pairFile{A: traj(p.A), B: traj(p.B), P: p.P, Person: l.Person != nil && l.Person[i]}
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadLabels reads a labels file of at most MaxLabelsBytes for world g.
func ReadLabels(r io.Reader, g *grid.Model) (*Labels, error) {
	data, err := readLimited(r, MaxLabelsBytes)
	if err != nil {
		return nil, fmt.Errorf("labels file: %v", err)
	}
	return ParseLabels(data, g)
}

// readLimited reads r to its end, failing once it passes max bytes.
func readLimited(r io.Reader, max int) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > max {
		return nil, fmt.Errorf("larger than %d MiB", max>>20)
	}
	return data, nil
}

// ParseLabels reads a labels file for world g. Unknown fields, another
// format or version, another world or shape and trajectories the world
// cannot produce are errors of one line that name the mismatch.
func ParseLabels(data []byte, g *grid.Model) (*Labels, error) {
	l, err := parseLabels(data, g)
	if err != nil {
		return nil, fmt.Errorf("labels file: %v", err)
	}
	return l, nil
}

func parseLabels(data []byte, g *grid.Model) (*Labels, error) {
	if len(data) > MaxLabelsBytes {
		return nil, fmt.Errorf("larger than %d MiB", MaxLabelsBytes>>20)
	}
	// The header first, so that a file of another format or version says
	// so rather than failing on a field it does not know.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil {
		return nil, errors.New(jsonError(err))
	}
	if head.Format != LabelsFormat {
		return nil, fmt.Errorf("format is %q, want %q", head.Format, LabelsFormat)
	}
	if head.Version != LabelsVersion {
		return nil, fmt.Errorf("version %d; this build reads version %d", head.Version, LabelsVersion)
	}
	var f labelsFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, errors.New(jsonError(err))
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON object")
	}
	w := &g.World
	if f.World != w.Name {
		return nil, fmt.Errorf("the labels are for world %q, not %q", f.World, w.Name)
	}
	if f.Rows != w.Rows || f.Cols != w.Cols || f.Actions != w.Actions {
		return nil, fmt.Errorf("the labels are for a %dx%d world with %d actions; %q is %dx%d with %d", f.Rows, f.Cols, f.Actions, w.Name, w.Rows, w.Cols, w.Actions)
	}
	if len(f.Pairs) > MaxPairs {
		return nil, fmt.Errorf("%d pairs, more than %d", len(f.Pairs), MaxPairs)
	}
	kind, err := ParseJudge(f.Judge.Kind)
	if err != nil {
		return nil, fmt.Errorf("judge: %v", err)
	}
	l := &Labels{World: f.World, Rows: f.Rows, Cols: f.Cols, Actions: f.Actions, Gamma: f.Gamma, Judge: Judge{Kind: kind}}
	if kind == BradleyTerry || kind == Expected {
		if f.Judge.Beta == nil {
			return nil, fmt.Errorf("judge: %s needs a beta", kind)
		}
		l.Judge.Beta = *f.Judge.Beta
	} else if f.Judge.Beta != nil {
		return nil, fmt.Errorf("judge: %s takes no beta", kind)
	}
	if f.Reference != nil {
		if l.Reference, err = readReference(f.Reference, g); err != nil {
			return nil, err
		}
	}
	A := g.A
	traj := func(tf trajFile) (Trajectory, error) {
		t := Trajectory{States: make([]int, len(tf.Cells)), Actions: make([]int, len(tf.Actions))}
		for k, c := range tf.Cells {
			if c < 0 || c >= w.Rows*w.Cols {
				return t, fmt.Errorf("cell %d (step %d) is outside the %dx%d grid", c, k, w.Rows, w.Cols)
			}
			s := g.State[c]
			if s < 0 {
				return t, fmt.Errorf("cell (%d,%d) (step %d) is a %s", c/w.Cols, c%w.Cols, k, w.Cells[c])
			}
			t.States[k] = s
		}
		for k, name := range tf.Actions {
			a, ok := grid.ActionIndex(name)
			if !ok || a >= A {
				return t, fmt.Errorf("step %d: unknown action %q", k, name)
			}
			t.Actions[k] = a
		}
		return t, nil
	}
	l.Pairs = make([]Pair, len(f.Pairs))
	for i, pf := range f.Pairs {
		a, err := traj(pf.A)
		if err != nil {
			return nil, fmt.Errorf("pair %d a: %v", i, err)
		}
		b, err := traj(pf.B)
		if err != nil {
			return nil, fmt.Errorf("pair %d b: %v", i, err)
		}
		l.Pairs[i] = Pair{A: a, B: b, P: pf.P}
		if pf.Person {
			if l.Person == nil {
				l.Person = make([]bool, len(f.Pairs))
			}
			l.Person[i] = true
		}
	}
	if err := l.Validate(g); err != nil {
		return nil, err
	}
	return l, nil
}

// readReference reads π_ref per cell.
func readReference(rows [][][]float64, g *grid.Model) ([]float64, error) {
	w := &g.World
	if len(rows) != w.Rows {
		return nil, fmt.Errorf("reference: %d rows, the world has %d", len(rows), w.Rows)
	}
	ref := make([]float64, g.S*g.A)
	for r, row := range rows {
		if len(row) != w.Cols {
			return nil, fmt.Errorf("reference: row %d has %d cells, the world has %d columns", r, len(row), w.Cols)
		}
		for c, probs := range row {
			s := g.StateAt(r, c)
			if s < 0 {
				if len(probs) != 0 {
					return nil, fmt.Errorf("reference: cell (%d,%d) is a %s and takes no probabilities", r, c, w.Kind(r, c))
				}
				continue
			}
			if len(probs) != g.A {
				return nil, fmt.Errorf("reference: cell (%d,%d) has %d probabilities, want %d", r, c, len(probs), g.A)
			}
			sum := 0.0
			for a, p := range probs {
				if !(p >= 0 && p <= 1) {
					return nil, fmt.Errorf("reference: cell (%d,%d) has probability %v outside [0, 1]", r, c, p)
				}
				ref[s*g.A+a] = p
				sum += p
			}
			if math.Abs(sum-1) > 1e-6 {
				return nil, fmt.Errorf("reference: probabilities of cell (%d,%d) sum to %v, not 1", r, c, sum)
			}
		}
	}
	return ref, nil
}

func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("bad JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q should be %s, not a JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "empty file"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
