package features

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Grid returns the raw columns of a grid world of rows × cols cells:
//
//   - row, col: the cell's indexes from 0, row 0 at the top (categorical);
//   - x, y: Zhao's coordinates (chapter 8), x the column and y the row
//     index scaled to [−1, 1] (x = 2·col/(cols−1) − 1, so y = −1 is the
//     top row). numeric and poly use them as they are; fourier scales them
//     to [0, 1], as Zhao's (8.18) does;
//   - cell: row·cols + col (categorical): one_hot of it is the tabular
//     case.
func Grid(rows, cols int) []Column {
	top := func(n int) float64 { return float64(max(n-1, 1)) }
	return []Column{
		{Name: "row", Min: 0, Max: top(rows), Levels: rows, Help: "row index, 0 at the top"},
		{Name: "col", Min: 0, Max: top(cols), Levels: cols, Help: "column index, 0 at the left"},
		{Name: "x", Min: -1, Max: 1, Help: "column scaled to [−1, 1] (Zhao's x)"},
		{Name: "y", Min: -1, Max: 1, Help: "row scaled to [−1, 1] (Zhao's y), −1 at the top"},
		{Name: "cell", Min: 0, Max: top(rows * cols), Levels: rows * cols, Help: "cell index row·cols + col"},
	}
}

// GridRaw writes the raw columns of cell (r, c) of a rows × cols grid
// into dst (length 5, in Grid's order).
func GridRaw(dst []float64, r, c, rows, cols int) {
	scale := func(i, n int) float64 {
		if n < 2 {
			return 0
		}
		return float64(2*i)/float64(n-1) - 1
	}
	dst[0], dst[1] = float64(r), float64(c)
	dst[2], dst[3] = scale(c, cols), scale(r, rows)
	dst[4] = float64(r*cols + c)
}

// Preset is a named spec, a menu choice of the page and a value of --set
// features=KEY.
type Preset struct {
	Key   string
	Label string
	Spec  string // JSON
}

// GridPresets are the feature vectors of Zhao's chapter 8 on the grid's
// columns, in menu order.
var GridPresets = []Preset{
	{"onehot", "one-hot (tabular)", `{"one_hot": "cell"}`},
	{"poly1", "polynomial, order 1: [1, x, y]", poly("x", "y", 1)},
	{"poly2", "polynomial, order 2 (6 features)", poly("x", "y", 2)},
	{"poly3", "polynomial, order 3 (10 features)", poly("x", "y", 3)},
	{"fourier1", "Fourier, q = 1 (4 features)", `{"fourier": ["x", "y"], "order": 1}`},
	{"fourier2", "Fourier, q = 2 (9 features)", `{"fourier": ["x", "y"], "order": 2}`},
	{"fourier3", "Fourier, q = 3 (16 features)", `{"fourier": ["x", "y"], "order": 3}`},
	{"fourier5", "Fourier, q = 5 (36 features)", `{"fourier": ["x", "y"], "order": 5}`},
	{"tiles4x3", "tile coding, 4 tilings of 3×3", `{"crossed": ["x", "y"], "tilings": 4, "tiles": 3}`},
}

func poly(x, y string, order int) string {
	return fmt.Sprintf(`{"columns": [{"numeric": %q}, {"numeric": %q}], "transform": "poly", "order": %d}`, x, y, order)
}

// StatePresets are feature vectors over a control task's state columns
// (names), in menu order: tile coding with 8 offset tilings of 8 tiles per
// column (Sutton & Barto's 8 tilings of 8×8 for MountainCar, §10.1) or of
// 6 per column, and the Fourier basis of order 3.
func StatePresets(names []string) []Preset {
	q, _ := json.Marshal(names)
	list := string(q)
	grid := func(n int) string {
		return strings.TrimSuffix(strings.Repeat(fmt.Sprintf("%d×", n), len(names)), "×")
	}
	return []Preset{
		{"tiles8x8", "tile coding, 8 tilings of " + grid(8), fmt.Sprintf(`{"crossed": %s, "tilings": 8, "tiles": 8}`, list)},
		{"tiles8x6", "tile coding, 8 tilings of " + grid(6), fmt.Sprintf(`{"crossed": %s, "tilings": 8, "tiles": 6}`, list)},
		{"tiles16x6", "tile coding, 16 tilings of " + grid(6), fmt.Sprintf(`{"crossed": %s, "tilings": 16, "tiles": 6}`, list)},
		{"fourier3", "Fourier, order 3", fmt.Sprintf(`{"fourier": %s, "order": 3}`, list)},
	}
}

// Resolve returns the spec named by text: a preset's key, or a spec's
// JSON (text starting with "{").
func Resolve(text string, presets []Preset) (Spec, error) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") {
		return Parse([]byte(t))
	}
	keys := make([]string, len(presets))
	for i, p := range presets {
		if strings.EqualFold(p.Key, t) {
			return Parse([]byte(p.Spec))
		}
		keys[i] = p.Key
	}
	return Spec{}, fmt.Errorf("features: %q is not a preset (%s) or a JSON spec", text, strings.Join(keys, ", "))
}
