package grid

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"bellman/sim/strictjson"
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

// Limits of a world file. A 200x200 layout takes about 41 KB, so
// MaxWorldFileBytes leaves room for any formatting; MaxNameBytes keeps a
// name short enough for a title.
const (
	MaxSide           = 200     // rows and columns
	MaxWorldFileBytes = 1 << 20 // bytes of a world file
	MaxNameBytes      = 200     // bytes of a world's name
)

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
// defaults to 5 and slip to 0. A file over MaxWorldFileBytes, unknown
// fields, a key given twice and data after the object are errors; errors
// name the problem in one line.
func Parse(data []byte) (World, error) {
	var f file
	if err := strictjson.Decode(data, &f, MaxWorldFileBytes); err != nil {
		return World{}, fmt.Errorf("world file: %v", err)
	}
	if len(f.Name) > MaxNameBytes {
		return World{}, fmt.Errorf("world file: name is %d bytes long, more than the limit of %d", len(f.Name), MaxNameBytes)
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

// setLayout reads the layout's rows; cells are characters, so a row's
// length and a cell's column count characters, not bytes.
func (w *World) setLayout(layout []string) error {
	if len(layout) == 0 {
		return errors.New("world file: layout is missing or empty")
	}
	w.Rows, w.Cols = len(layout), utf8.RuneCountInString(layout[0])
	if w.Cols == 0 {
		return errors.New("world file: layout row 0 is empty")
	}
	if w.Rows > MaxSide || w.Cols > MaxSide {
		return fmt.Errorf("world file: layout is %dx%d, larger than %dx%d", w.Rows, w.Cols, MaxSide, MaxSide)
	}
	w.Cells = make([]Kind, 0, w.Rows*w.Cols)
	for r, row := range layout {
		c := 0
		for _, ch := range row {
			k := -1
			if ch < utf8.RuneSelf {
				k = strings.IndexByte(kindChars, byte(ch))
			}
			if k < 0 {
				return fmt.Errorf("world file: layout row %d col %d: unknown cell %q (use . F # T S C)", r, c, ch)
			}
			if c++; c > w.Cols {
				break // the length check below reports it
			}
			w.Cells = append(w.Cells, Kind(k))
		}
		if n := utf8.RuneCountInString(row); n != w.Cols {
			return fmt.Errorf("world file: layout row %d has %d cells, row 0 has %d (rows must be equally long)", r, n, w.Cols)
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
