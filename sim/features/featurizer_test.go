package features_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"bellman/sim/features"
)

func compile(t testing.TB, spec string, cols []features.Column) *features.Featurizer {
	t.Helper()
	s, err := features.Parse([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	f, err := features.New(s, cols)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func gridRaw(r, c, rows, cols int) []float64 {
	raw := make([]float64, 5)
	features.GridRaw(raw, r, c, rows, cols)
	return raw
}

func dense(f *features.Featurizer, raw []float64) []float64 {
	d := make([]float64, f.Len())
	f.Dense(d, raw)
	return d
}

func near(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol) {
			return false
		}
	}
	return true
}

// Zhao's feature vectors of chapter 8 on the 5×5 grid, by hand: x and y
// are the column and row scaled to [−1, 1] for polynomials (8.15)–(8.17)
// and to [0, 1] for the Fourier basis (8.18).
func TestZhaoFeatures(t *testing.T) {
	cols := features.Grid(5, 5)
	for _, c := range []struct {
		spec   string
		r, c   int
		want   []float64
		labels []string
	}{
		// (r, c) = (0, 4): x = 1, y = −1.
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 1}`, 0, 4,
			[]float64{1, 1, -1}, []string{"1", "x", "y"}},
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 2}`, 0, 4,
			[]float64{1, 1, -1, 1, 1, -1}, []string{"1", "x", "y", "x²", "y²", "xy"}},
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 3}`, 0, 4,
			[]float64{1, 1, -1, 1, 1, -1, 1, -1, -1, 1}, []string{"1", "x", "y", "x²", "y²", "xy", "x³", "y³", "x²y", "xy²"}},
		// (2, 1): x = −0.5, y = 0.
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 3}`, 2, 1,
			[]float64{1, -0.5, 0, 0.25, 0, 0, -0.125, 0, 0, 0}, nil},
		// Without a transform the columns are just the values (Zhao's first, origin-bound plane).
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}]}`, 3, 0, []float64{-1, 0.5}, []string{"x", "y"}},
		// q = 1 at (1, 3): x̃ = 0.75, ỹ = 0.25; [1, cos πy, cos πx, cos π(x+y)].
		{`{"fourier": ["x", "y"], "order": 1}`, 1, 3,
			[]float64{1, math.Cos(math.Pi / 4), math.Cos(3 * math.Pi / 4), -1}, []string{"1", "cos π(y)", "cos π(x)", "cos π(x + y)"}},
		{`{"fourier": ["x", "y"], "order": 2}`, 1, 3,
			[]float64{1, math.Cos(math.Pi / 4), math.Cos(math.Pi / 2), math.Cos(3 * math.Pi / 4), math.Cos(math.Pi),
				math.Cos(5 * math.Pi / 4), math.Cos(3 * math.Pi / 2), math.Cos(7 * math.Pi / 4), math.Cos(2 * math.Pi)},
			[]string{"1", "cos π(y)", "cos π(2y)", "cos π(x)", "cos π(x + y)", "cos π(x + 2y)", "cos π(2x)", "cos π(2x + y)", "cos π(2x + 2y)"}},
		// One-hot of cell (2, 3) = index 13: the tabular case.
		{`{"one_hot": "cell"}`, 2, 3, unitVec(25, 13), nil},
		{`{"columns": [{"one_hot": "row"}, {"one_hot": "col"}]}`, 2, 3, append(unitVec(5, 2), unitVec(5, 3)...), nil},
	} {
		f := compile(t, c.spec, cols)
		got := dense(f, gridRaw(c.r, c.c, 5, 5))
		if !near(got, c.want, 1e-15) {
			t.Errorf("%s at (%d, %d): φ = %v, want %v", c.spec, c.r, c.c, got, c.want)
		}
		for i, l := range c.labels {
			if f.Label(i) != l {
				t.Errorf("%s: label %d is %q, want %q", c.spec, i, f.Label(i), l)
			}
		}
	}
}

func unitVec(n, i int) []float64 {
	v := make([]float64, n)
	v[i] = 1
	return v
}

// Bucketized columns: equal widths over the range, or TensorFlow's
// boundaries: [0, 10, 100] makes (−∞, 0), [0, 10), [10, 100), [100, ∞).
func TestBucketized(t *testing.T) {
	cols := []features.Column{{Name: "p", Min: -1.2, Max: 0.6}}
	eq := compile(t, `{"bucketized": "p", "buckets": 6}`, cols) // width 0.3
	for _, c := range []struct {
		x    float64
		want int
	}{{-1.2, 0}, {-1.0, 0}, {-0.85, 1}, {0.05, 4}, {0.59, 5}, {0.6, 5}, {7, 5}, {-9, 0}, {math.NaN(), 0}} {
		if got := dense(eq, []float64{c.x}); !slices.Equal(got, unitVec(6, c.want)) {
			t.Errorf("6 buckets, x = %v: %v, want bucket %d", c.x, got, c.want)
		}
	}
	tf := compile(t, `{"bucketized": "p", "boundaries": [0, 10, 100]}`, []features.Column{{Name: "p", Min: -1000, Max: 1000}})
	for _, c := range []struct {
		x    float64
		want int
	}{{-5, 0}, {0, 1}, {5, 1}, {10, 2}, {99.9, 2}, {100, 3}, {150, 3}} {
		if got := dense(tf, []float64{c.x}); !slices.Equal(got, unitVec(4, c.want)) {
			t.Errorf("boundaries, x = %v: %v, want bucket %d", c.x, got, c.want)
		}
	}
	if l := tf.Label(0) + "; " + tf.Label(3) + "; " + eq.Label(2); l != "p ∈ [−∞, 0); p ∈ [100, ∞); p bucket 3/6" {
		t.Errorf("labels %q", l)
	}
}

// tiles3 is Sutton's tiles3.py (the reference of Sutton & Barto §9.5.4)
// transcribed: floats already scaled so that a tile is 1 wide; the
// coordinates of tiling t are (t, ⌊(⌊f·n⌋ + b)/n⌋ ...) with b starting at t
// and growing by 2t per dimension. The index table stands for its IHT.
type tiles3 map[string]int

func (iht tiles3) tiles(numTilings int, floats []float64) []int {
	q := make([]int, len(floats))
	for i, f := range floats {
		q[i] = int(math.Floor(f * float64(numTilings)))
	}
	out := make([]int, numTilings)
	for tiling := 0; tiling < numTilings; tiling++ {
		coords := []int{tiling}
		b := tiling
		for _, qi := range q {
			coords = append(coords, floorDiv(qi+b, numTilings))
			b += 2 * tiling
		}
		key := fmt.Sprint(coords)
		if _, ok := iht[key]; !ok {
			iht[key] = len(iht)
		}
		out[tiling] = iht[key]
	}
	return out
}

func floorDiv(a, n int) int {
	d := a / n
	if a%n != 0 && a < 0 {
		d--
	}
	return d
}

// Tile coding partitions the space as tiles3 does: two points share a tile
// of tiling t exactly when tiles3 gives them the same tile, for 8 tilings
// of MountainCar's 8×8 grid (Sutton & Barto §10.1) and for a 3D grid.
// Each tiling has one active tile, and S&B's MountainCar coding has
// 8·9·9 = 648 components.
func TestTileCodingIsTiles3(t *testing.T) {
	for _, c := range []struct {
		cols  []features.Column
		spec  string
		tiles []int
		size  int
	}{
		{[]features.Column{{Name: "position", Min: -1.2, Max: 0.5}, {Name: "velocity", Min: -0.07, Max: 0.07}},
			`{"crossed": ["position", "velocity"], "tilings": 8, "tiles": 8}`, []int{8, 8}, 8 * 9 * 9},
		{[]features.Column{{Name: "a", Min: 0, Max: 1}, {Name: "b", Min: -2, Max: 2}, {Name: "c", Min: 5, Max: 6}},
			`{"crossed": ["a", "b", "c"], "tilings": 4, "tiles": [3, 5, 2]}`, []int{3, 5, 2}, 4 * 4 * 6 * 3},
	} {
		f := compile(t, c.spec, c.cols)
		if f.Len() != c.size || f.MaxActive() != f.Blocks()[0].Tilings || !f.Binary() {
			t.Errorf("%s: Len %d MaxActive %d, want %d and one per tiling", c.spec, f.Len(), f.MaxActive(), c.size)
		}
		n := f.Blocks()[0].Tilings
		rng := rand.New(rand.NewPCG(1, 2))
		iht := tiles3{}
		type point struct {
			ours   []int32
			theirs []int
		}
		var pts []point
		raw := make([]float64, len(c.cols))
		for k := 0; k < 3000; k++ {
			scaled := make([]float64, len(c.cols))
			for i, col := range c.cols {
				// Every other point is within a tile of the one before, so
				// that many pairs share tiles.
				w := (col.Max - col.Min) / float64(c.tiles[i])
				if k%2 == 1 {
					raw[i] = math.Max(col.Min, math.Min(col.Max, raw[i]+w*(2*rng.Float64()-1)))
				} else {
					raw[i] = col.Min + (col.Max-col.Min)*rng.Float64()
				}
				scaled[i] = (raw[i] - col.Min) / (col.Max - col.Min) * float64(c.tiles[i])
			}
			v := f.NewVector()
			f.Sparse(&v, raw)
			if v.Len() != n {
				t.Fatalf("%d active tiles, want %d", v.Len(), n)
			}
			pts = append(pts, point{append([]int32(nil), v.Idx...), iht.tiles(n, scaled)})
		}
		shared := 0
		for i := 0; i < len(pts); i++ {
			for j := i + 1; j < len(pts) && j < i+200; j++ {
				for tl := 0; tl < n; tl++ {
					same := pts[i].ours[tl] == pts[j].ours[tl]
					if same != (pts[i].theirs[tl] == pts[j].theirs[tl]) {
						t.Fatalf("%s tiling %d: points %d and %d share a tile here %v, in tiles3 %v", c.spec, tl, i, j, same, !same)
					}
					if same {
						shared++
					}
				}
			}
		}
		if shared < 1000 {
			t.Errorf("%s: only %d shared tiles compared", c.spec, shared)
		}
	}
}

// TileEdges are where the active tile changes along a column.
func TestTileEdges(t *testing.T) {
	cols := []features.Column{{Name: "p", Min: -1.2, Max: 0.6}, {Name: "v", Min: -0.07, Max: 0.07}}
	f := compile(t, `{"crossed": ["p", "v"], "tilings": 8, "tiles": 8}`, cols)
	var edges []float64
	for tl := 0; tl < 8; tl++ {
		for d := 0; d < 2; d++ {
			edges = f.TileEdges(edges, 0, tl, d)
			c := cols[d]
			w := (c.Max - c.Min) / 8
			// Tiling 0 is aligned with the range; the others are offset by
			// tl·(2d+1)/8 of a tile (mod 1), so they have one more tile.
			want := 9
			if tl*(2*d+1)%8 != 0 {
				want = 10
			}
			if len(edges) != want || edges[0] != c.Min || edges[len(edges)-1] != c.Max {
				t.Fatalf("tiling %d column %d: edges %v", tl, d, edges)
			}
			v := f.NewVector()
			for j := 0; j+1 < len(edges); j++ {
				lo, hi := edges[j]+1e-9, edges[j+1]-1e-9
				raw := []float64{-0.3, 0.01}
				raw[d] = lo
				f.Sparse(&v, raw)
				a := v.Idx[tl]
				raw[d] = hi
				f.Sparse(&v, raw)
				if v.Idx[tl] != a {
					t.Errorf("tiling %d column %d: tile changes inside [%v, %v)", tl, d, edges[j], edges[j+1])
				}
				if j > 0 && j+2 < len(edges) && math.Abs(edges[j+1]-edges[j]-w) > 1e-12 {
					t.Errorf("tiling %d column %d: inner tile %d is %v wide, want %v", tl, d, j, edges[j+1]-edges[j], w)
				}
				raw[d] = edges[j+1] + 1e-9
				if edges[j+1] < c.Max {
					f.Sparse(&v, raw)
					if v.Idx[tl] == a {
						t.Errorf("tiling %d column %d: same tile across the edge %v", tl, d, edges[j+1])
					}
				}
			}
		}
	}
	if l := f.Label(8*9*9 - 1); l != "tiling 7: p 8, v 8" {
		t.Errorf("last label %q", l)
	}
	if l := f.Label(81 + 9*2 + 3); l != "tiling 1: p 3, v 2" {
		t.Errorf("label %q", l)
	}
}

// Values beyond a column's range count as its ends; NaN as its minimum for
// indexes, and it stays NaN in values.
func TestClipping(t *testing.T) {
	cols := []features.Column{{Name: "v", Min: -2, Max: 2}}
	f := compile(t, `{"columns": [{"numeric": "v"}, {"fourier": ["v"], "order": 1}, {"crossed": ["v"], "tiles": 4}]}`, cols)
	if got := dense(f, []float64{7}); !near(got, []float64{1, 1, -1, 0, 0, 0, 0, 1}, 1e-15) {
		t.Errorf("v = 7: %v", got)
	}
	if got := dense(f, []float64{-7}); !near(got, []float64{-1, 1, 1, 1, 0, 0, 0, 0}, 1e-15) {
		t.Errorf("v = −7: %v", got)
	}
	got := dense(f, []float64{math.NaN()})
	if !math.IsNaN(got[0]) || !math.IsNaN(got[2]) || got[3] != 1 {
		t.Errorf("v = NaN: %v", got)
	}
}

func TestNewErrors(t *testing.T) {
	cols := features.Grid(5, 5)
	for _, c := range []struct{ spec, want string }{
		{`{"numeric": "z"}`, `numeric: no column "z" (valid: row, col, x, y, cell)`},
		{`{"columns": [{"numeric": "x"}, {"crossed": ["x", "q"]}]}`, `columns[1].crossed: no column "q"`},
		{`{"columns": [{"numeric": "x"}, {"numeric": "w"}], "transform": "poly", "order": 2}`, `columns[1].numeric: no column "w"`},
		{`{"one_hot": "x"}`, `one_hot: "x" is not categorical (one_hot takes row, col, cell)`},
		{`{"crossed": ["x", "y", "row"], "tilings": 256, "tiles": [100, 100, 100]}`, "more than 1048576 features"},
		{`{"crossed": ["x", "y"], "tilings": 256, "tiles": 100}`, "tilings: 256 tilings of 10201 tiles make more than 1048576 features"},
		{`{"fourier": ["x", "y", "row", "col"], "order": 10}`, "order: 4 columns of order 10 make more than 4096 features"},
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}, {"numeric": "row"}, {"numeric": "col"}], "transform": "poly", "order": 16}`,
			"order: 4 columns of order 16 make more than 4096"},
	} {
		s, err := features.Parse([]byte(c.spec))
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		if _, err := features.New(s, cols); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.spec, err, c.want)
		}
	}
	if _, err := features.New(features.Spec{Columns: []features.ColumnSpec{{Kind: features.Numeric, Names: []string{"a"}}}},
		[]features.Column{{Name: "a", Min: 1, Max: 1}}); err == nil {
		t.Error("a column with an empty range: no error")
	}
}

func TestPresets(t *testing.T) {
	cols := features.Grid(5, 5)
	want := map[string]int{"onehot": 25, "poly1": 3, "poly2": 6, "poly3": 10, "fourier1": 4, "fourier2": 9, "fourier3": 16,
		"fourier5": 36, "tiles4x3": 4 * 16}
	for _, p := range features.GridPresets {
		s, err := features.Resolve(p.Key, features.GridPresets)
		if err != nil {
			t.Fatal(err)
		}
		f, err := features.New(s, cols)
		if err != nil || f.Len() != want[p.Key] {
			t.Errorf("%s: %v, %d features, want %d", p.Key, err, f.Len(), want[p.Key])
		}
	}
	mc := []features.Column{{Name: "position", Min: -1.2, Max: 0.6}, {Name: "velocity", Min: -0.07, Max: 0.07}}
	for _, p := range features.StatePresets([]string{"position", "velocity"}) {
		s, err := features.Resolve(p.Key, features.StatePresets([]string{"position", "velocity"}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := features.New(s, mc); err != nil {
			t.Errorf("%s: %v", p.Key, err)
		}
	}
	if p := features.StatePresets([]string{"position", "velocity"})[0]; p.Key != "tiles8x8" || p.Label != "tile coding, 8 tilings of 8×8" {
		t.Errorf("first state preset %+v", p)
	}
	if s, err := features.Resolve(` {"one_hot": "row"}`, nil); err != nil || s.Columns[0].Names[0] != "row" {
		t.Errorf("JSON spec: %+v %v", s, err)
	}
	if _, err := features.Resolve("poly9", features.GridPresets); err == nil || !strings.Contains(err.Error(), "onehot, poly1") {
		t.Errorf("unknown preset: %v", err)
	}
}

// Sparse and Dense allocate nothing.
func TestNoAllocations(t *testing.T) {
	cols := features.Grid(5, 5)
	raw := gridRaw(2, 3, 5, 5)
	for _, p := range features.GridPresets {
		s, _ := features.Resolve(p.Key, features.GridPresets)
		f, _ := features.New(s, cols)
		v := f.NewVector()
		d := make([]float64, f.Len())
		if n := testing.AllocsPerRun(100, func() { f.Sparse(&v, raw) }); n != 0 {
			t.Errorf("%s: Sparse allocates %v times", p.Key, n)
		}
		if n := testing.AllocsPerRun(100, func() { f.Dense(d, raw) }); n != 0 {
			t.Errorf("%s: Dense allocates %v times", p.Key, n)
		}
	}
}
