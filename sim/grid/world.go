package grid

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Kind is what a cell is.
type Kind uint8

// Cell kinds and their layout characters.
const (
	Free      Kind = iota // '.'
	Forbidden             // 'F'
	Wall                  // '#'
	Target                // 'T'
	Start                 // 'S'
	Cliff                 // 'C'
)

const kindChars = ".F#TSC"

// Char returns the layout character of k.
func (k Kind) Char() byte { return kindChars[k] }

// String returns the kind's name.
func (k Kind) String() string {
	return [...]string{"free", "forbidden", "wall", "target", "start", "cliff"}[k]
}

// Action indices in the book's order.
const (
	Up = iota
	Right
	Down
	Left
	Stay
)

// ActionNames are the names used in files and on the command line, in order.
var ActionNames = [5]string{"up", "right", "down", "left", "stay"}

// ActionIndex returns the index of a named action.
func ActionIndex(name string) (int, bool) {
	for i, n := range ActionNames {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

// Row and column offsets of each action.
var (
	dRow = [5]int{-1, 0, 1, 0, 0}
	dCol = [5]int{0, 1, 0, -1, 0}
)

// Rewards are the rewards of a world.
type Rewards struct {
	Boundary  float64 `json:"boundary"`
	Forbidden float64 `json:"forbidden"`
	Target    float64 `json:"target"`
	Other     float64 `json:"other"`
	Cliff     float64 `json:"cliff"`
}

// DefaultRewards are the book's standard values, and −100 for a cliff.
func DefaultRewards() Rewards {
	return Rewards{Boundary: -1, Forbidden: -1, Target: 1, Other: 0, Cliff: -100}
}

// MaxSide bounds the number of rows and columns of a world.
const MaxSide = 200

// World is a grid world as read from its file. It is a value: change a copy's
// rewards or slip and build its model again.
type World struct {
	Name     string
	Rows     int
	Cols     int
	Cells    []Kind // row-major
	Rewards  Rewards
	Actions  int     // 5 (with stay) or 4
	Slip     float64 // probability of moving perpendicular instead, p/2 each side
	Terminal bool    // the target ends an episode
}

// Kind returns the kind of cell (r, c).
func (w *World) Kind(r, c int) Kind { return w.Cells[r*w.Cols+c] }

// StartCell returns the start cell, if the world has one.
func (w *World) StartCell() (r, c int, ok bool) {
	for i, k := range w.Cells {
		if k == Start {
			return i / w.Cols, i % w.Cols, true
		}
	}
	return 0, 0, false
}

// file is the JSON form of a world; pointers tell omitted values apart.
type file struct {
	Name    string   `json:"name"`
	Layout  []string `json:"layout"`
	Rewards *struct {
		Boundary  *float64 `json:"boundary"`
		Forbidden *float64 `json:"forbidden"`
		Target    *float64 `json:"target"`
		Other     *float64 `json:"other"`
		Cliff     *float64 `json:"cliff"`
	} `json:"rewards"`
	Actions  *int     `json:"actions"`
	Slip     *float64 `json:"slip"`
	Terminal bool     `json:"terminal"`
}

// Parse reads a world file. Omitted rewards take DefaultRewards, actions
// defaults to 5 and slip to 0. Errors name the problem in one line.
func Parse(data []byte) (World, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return World{}, fmt.Errorf("world file: %s", jsonError(err))
	}
	if dec.More() {
		return World{}, errors.New("world file: unexpected data after the JSON object")
	}
	w := World{Name: f.Name, Rewards: DefaultRewards(), Actions: 5, Terminal: f.Terminal}
	if f.Rewards != nil {
		r := f.Rewards
		for _, p := range []struct {
			src *float64
			dst *float64
		}{{r.Boundary, &w.Rewards.Boundary}, {r.Forbidden, &w.Rewards.Forbidden},
			{r.Target, &w.Rewards.Target}, {r.Other, &w.Rewards.Other}, {r.Cliff, &w.Rewards.Cliff}} {
			if p.src != nil {
				*p.dst = *p.src
			}
		}
	}
	if f.Actions != nil {
		w.Actions = *f.Actions
	}
	if f.Slip != nil {
		w.Slip = *f.Slip
	}
	if err := w.setLayout(f.Layout); err != nil {
		return World{}, err
	}
	if err := w.Validate(); err != nil {
		return World{}, err
	}
	return w, nil
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

func (w *World) setLayout(layout []string) error {
	if len(layout) == 0 {
		return errors.New("world file: layout is missing or empty")
	}
	w.Rows, w.Cols = len(layout), len(layout[0])
	if w.Cols == 0 {
		return errors.New("world file: layout row 0 is empty")
	}
	if w.Rows > MaxSide || w.Cols > MaxSide {
		return fmt.Errorf("world file: layout is %dx%d, larger than %dx%d", w.Rows, w.Cols, MaxSide, MaxSide)
	}
	w.Cells = make([]Kind, 0, w.Rows*w.Cols)
	for r, row := range layout {
		if len(row) != w.Cols {
			return fmt.Errorf("world file: layout row %d has %d cells, row 0 has %d (rows must be equally long)", r, len(row), w.Cols)
		}
		for c := 0; c < len(row); c++ {
			k := strings.IndexByte(kindChars, row[c])
			if k < 0 {
				return fmt.Errorf("world file: layout row %d col %d: unknown cell %q (use . F # T S C)", r, c, row[c])
			}
			w.Cells = append(w.Cells, Kind(k))
		}
	}
	return nil
}

// Validate checks the world's settings and layout.
func (w *World) Validate() error {
	if w.Rows <= 0 || w.Cols <= 0 || len(w.Cells) != w.Rows*w.Cols {
		return errors.New("world: layout is empty")
	}
	if w.Actions != 4 && w.Actions != 5 {
		return fmt.Errorf("world: actions is %d, want 4 or 5", w.Actions)
	}
	if !(w.Slip >= 0 && w.Slip <= 1) {
		return fmt.Errorf("world: slip %v is outside [0, 1]", w.Slip)
	}
	for _, v := range []float64{w.Rewards.Boundary, w.Rewards.Forbidden, w.Rewards.Target, w.Rewards.Other, w.Rewards.Cliff} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("world: reward %v is not a finite number", v)
		}
	}
	var targets, starts, cliffs int
	for _, k := range w.Cells {
		switch k {
		case Target:
			targets++
		case Start:
			starts++
		case Cliff:
			cliffs++
		}
	}
	if targets == 0 {
		return errors.New("world: layout has no target (T)")
	}
	if starts > 1 {
		return fmt.Errorf("world: layout has %d start cells (S), at most 1 allowed", starts)
	}
	if cliffs > 0 && starts == 0 {
		return errors.New("world: layout has cliff cells (C) but no start cell (S) to send the agent back to")
	}
	return nil
}

// MarshalJSON writes the world in its file format.
func (w World) MarshalJSON() ([]byte, error) {
	layout := make([]string, w.Rows)
	for r := range layout {
		b := make([]byte, w.Cols)
		for c := range b {
			b[c] = w.Kind(r, c).Char()
		}
		layout[r] = string(b)
	}
	return json.Marshal(struct {
		Name     string   `json:"name"`
		Layout   []string `json:"layout"`
		Rewards  Rewards  `json:"rewards"`
		Actions  int      `json:"actions"`
		Slip     float64  `json:"slip"`
		Terminal bool     `json:"terminal"`
	}{w.Name, layout, w.Rewards, w.Actions, w.Slip, w.Terminal})
}
