package features

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Column is a raw state variable an environment names.
type Column struct {
	Name     string
	Min, Max float64 // its range, Min < Max; values outside are clipped to it
	// Levels > 0 makes the column categorical, its values 0 … Levels−1
	// (a one_hot column needs one).
	Levels int
	Help   string // what it is, for menus
}

// Vector is a sparse feature vector: component Idx[k] is Val[k], the
// others are 0. Featurizer.NewVector makes one with room enough.
type Vector struct {
	Idx []int32
	Val []float64
}

// Len returns the number of stored components.
func (v *Vector) Len() int { return len(v.Idx) }

// CopyFrom makes v a copy of src, reusing v's storage.
func (v *Vector) CopyFrom(src *Vector) {
	v.Idx = append(v.Idx[:0], src.Idx...)
	v.Val = append(v.Val[:0], src.Val...)
}

// Dot returns Σ_k Val[k]·w[Idx[k]], summed in order.
func (v *Vector) Dot(w []float64) float64 {
	s := 0.0
	for k, i := range v.Idx {
		s += float64(v.Val[k] * w[i])
	}
	return s
}

// AddTo adds step·φ to w: w[Idx[k]] += step·Val[k].
func (v *Vector) AddTo(w []float64, step float64) {
	for k, i := range v.Idx {
		w[i] += float64(step * v.Val[k])
	}
}

// block is one column object compiled: it writes components
// [off, off+size).
type block struct {
	kind   Kind // Numeric, Bucketized, OneHot, Crossed, Fourier, or "poly"
	cols   []int
	off    int
	size   int
	active int // components it writes into a sparse vector

	buckets int
	bounds  []float64
	levels  int
	tilings int
	tiles   []int
	stride  []int
	per     int         // components per tiling
	offs    [][]float64 // crossed: offset of tiling t along column i, in tiles
	terms   [][]int     // poly: exponents; fourier: coefficients, per component
}

const kindPoly Kind = "poly"

// Featurizer computes φ(s) for one spec and one set of columns. It holds
// no scratch state, so it may be shared.
type Featurizer struct {
	spec   Spec
	cols   []Column
	blocks []block
	n      int
	active int
}

// New compiles spec for the raw columns cols. Errors name the field of the
// spec at fault, as Parse does.
func New(spec Spec, cols []Column) (*Featurizer, error) {
	for i, c := range cols {
		if !(c.Max > c.Min) || math.IsInf(c.Min, 0) || math.IsInf(c.Max, 0) || c.Levels < 0 || c.Name == "" {
			return nil, fmt.Errorf("features: column %d (%q) has range [%v, %v] and %d levels", i, c.Name, c.Min, c.Max, c.Levels)
		}
	}
	if len(spec.Columns) == 0 {
		return nil, fmt.Errorf("spec: no columns")
	}
	f := &Featurizer{spec: spec, cols: append([]Column(nil), cols...)}
	alone := len(spec.Columns) == 1 && spec.Transform == ""
	path := func(i int, key string) string {
		if alone {
			return key
		}
		return fmt.Sprintf("columns[%d].%s", i, key)
	}
	find := func(i int, key, name string) (int, error) {
		for j, c := range cols {
			if c.Name == name {
				return j, nil
			}
		}
		names := make([]string, len(cols))
		for j, c := range cols {
			names[j] = c.Name
		}
		return 0, fmt.Errorf("%s: no column %q (valid: %s)", path(i, key), name, strings.Join(names, ", "))
	}
	if spec.Transform == "poly" {
		b := block{kind: kindPoly}
		for i, c := range spec.Columns {
			if c.Kind != Numeric {
				return nil, fmt.Errorf("columns[%d]: transform poly takes numeric columns only, not %s", i, c.Kind)
			}
			j, err := find(i, "numeric", c.Names[0])
			if err != nil {
				return nil, err
			}
			b.cols = append(b.cols, j)
		}
		if spec.Order < 1 || spec.Order > MaxOrder {
			return nil, fmt.Errorf("order: %d is outside [1, %d]", spec.Order, MaxOrder)
		}
		if n := monomials(len(b.cols), spec.Order); n > MaxDense {
			return nil, fmt.Errorf("order: %d columns of order %d make more than %d features", len(b.cols), spec.Order, MaxDense)
		}
		b.terms = polyTerms(len(b.cols), spec.Order)
		b.size, b.active = len(b.terms), len(b.terms)
		f.add(b)
		return f, f.check("order")
	}
	for i, c := range spec.Columns {
		key := string(c.Kind)
		b := block{kind: c.Kind}
		for _, name := range c.Names {
			j, err := find(i, key, name)
			if err != nil {
				return nil, err
			}
			b.cols = append(b.cols, j)
		}
		switch c.Kind {
		case Numeric:
			b.size, b.active = 1, 1
		case Bucketized:
			if c.Boundaries != nil {
				b.bounds = append([]float64(nil), c.Boundaries...)
				b.size = len(c.Boundaries) + 1
			} else {
				if c.Buckets < 1 || c.Buckets > MaxBuckets {
					return nil, fmt.Errorf("%s: %d is outside [1, %d]", path(i, "buckets"), c.Buckets, MaxBuckets)
				}
				b.buckets, b.size = c.Buckets, c.Buckets
			}
			b.active = 1
		case OneHot:
			col := cols[b.cols[0]]
			if col.Levels == 0 {
				return nil, fmt.Errorf("%s: %q is not categorical (one_hot takes %s)", path(i, key), col.Name, categorical(cols))
			}
			b.levels, b.size, b.active = col.Levels, col.Levels, 1
		case Crossed:
			if len(c.Tiles) != len(c.Names) {
				return nil, fmt.Errorf("%s: %d numbers for %d columns", path(i, "tiles"), len(c.Tiles), len(c.Names))
			}
			if c.Tilings < 1 || c.Tilings > MaxTilings {
				return nil, fmt.Errorf("%s: %d is outside [1, %d]", path(i, "tilings"), c.Tilings, MaxTilings)
			}
			b.tilings, b.tiles = c.Tilings, append([]int(nil), c.Tiles...)
			b.per = 1
			for d, n := range c.Tiles {
				if n < 1 || n > MaxTiles {
					return nil, fmt.Errorf("%s: %d is outside [1, %d]", path(i, "tiles"), n, MaxTiles)
				}
				b.stride = append(b.stride, b.per)
				if b.per > MaxFeatures/(n+1) {
					return nil, fmt.Errorf("%s: %d columns of %v tiles make more than %d features", path(i, "tiles"), len(c.Tiles), c.Tiles[:d+1], MaxFeatures)
				}
				b.per *= n + 1
			}
			if b.per > MaxFeatures/c.Tilings {
				return nil, fmt.Errorf("%s: %d tilings of %d tiles make more than %d features", path(i, "tilings"), c.Tilings, b.per, MaxFeatures)
			}
			b.size, b.active = b.per*c.Tilings, c.Tilings
			// Tiling t is displaced by t·(2d+1)/tilings of a tile along
			// column d (tiles3's asymmetric offsets), taken modulo one tile.
			b.offs = make([][]float64, c.Tilings)
			for t := range b.offs {
				b.offs[t] = make([]float64, len(c.Names))
				for d := range c.Names {
					b.offs[t][d] = float64(t*(2*d+1)%c.Tilings) / float64(c.Tilings)
				}
			}
		case Fourier:
			if c.Order < 0 || c.Order > MaxOrder {
				return nil, fmt.Errorf("%s: %d is outside [0, %d]", path(i, "order"), c.Order, MaxOrder)
			}
			n := 1
			for range c.Names {
				if n > MaxDense/(c.Order+1) {
					return nil, fmt.Errorf("%s: %d columns of order %d make more than %d features", path(i, "order"), len(c.Names), c.Order, MaxDense)
				}
				n *= c.Order + 1
			}
			b.terms = fourierTerms(len(c.Names), c.Order)
			b.size, b.active = n, n
		default:
			return nil, fmt.Errorf("%s: unknown column kind %q", path(i, "kind"), c.Kind)
		}
		if f.n > MaxFeatures-b.size {
			return nil, fmt.Errorf("%s: the spec has more than %d features", path(i, key), MaxFeatures)
		}
		f.add(b)
	}
	return f, nil
}

func (f *Featurizer) add(b block) {
	b.off = f.n
	f.blocks = append(f.blocks, b)
	f.n += b.size
	f.active += b.active
}

func (f *Featurizer) check(key string) error {
	if f.n > MaxFeatures {
		return fmt.Errorf("%s: more than %d features", key, MaxFeatures)
	}
	return nil
}

// categorical lists the categorical columns for messages.
func categorical(cols []Column) string {
	var names []string
	for _, c := range cols {
		if c.Levels > 0 {
			names = append(names, c.Name)
		}
	}
	if names == nil {
		return "a categorical column, and there is none"
	}
	return strings.Join(names, ", ")
}

// monomials returns C(d+k, k), the number of monomials of d variables of
// degree at most k, or MaxDense+1 if that is larger.
func monomials(d, k int) int {
	n := 1
	for i := 1; i <= k; i++ {
		n = n * (d + i) / i
		if n > MaxDense {
			return MaxDense + 1
		}
	}
	return n
}

// polyTerms lists the exponent vectors of d variables up to degree k:
// by degree; within a degree the pure powers in column order, then the
// mixed terms by descending exponents (x²y before xy²).
func polyTerms(d, k int) [][]int {
	terms := [][]int{make([]int, d)}
	for g := 1; g <= k; g++ {
		for i := 0; i < d; i++ {
			e := make([]int, d)
			e[i] = g
			terms = append(terms, e)
		}
		var mixed [][]int
		e := make([]int, d)
		var rec func(i, left int)
		rec = func(i, left int) {
			if i == d-1 {
				e[i] = left
				if slices.Max(e) < g {
					mixed = append(mixed, append([]int(nil), e...))
				}
				return
			}
			for v := left; v >= 0; v-- {
				e[i] = v
				rec(i+1, left-v)
			}
		}
		rec(0, g)
		terms = append(terms, mixed...)
	}
	return terms
}

// fourierTerms lists the coefficient vectors {0, …, k}^d, the first column
// counting slowest.
func fourierTerms(d, k int) [][]int {
	n := 1
	for i := 0; i < d; i++ {
		n *= k + 1
	}
	terms := make([][]int, n)
	for j := range terms {
		c := make([]int, d)
		r := j
		for i := d - 1; i >= 0; i-- {
			c[i] = r % (k + 1)
			r /= k + 1
		}
		terms[j] = c
	}
	return terms
}

// Len returns the length of φ.
func (f *Featurizer) Len() int { return f.n }

// MaxActive returns the most components Sparse writes.
func (f *Featurizer) MaxActive() int { return f.active }

// Spec returns the spec f was compiled from.
func (f *Featurizer) Spec() Spec { return f.spec }

// Columns returns the raw columns f reads (a copy).
func (f *Featurizer) Columns() []Column { return append([]Column(nil), f.cols...) }

// Binary reports whether every component is 0 or 1 (bucketized, one_hot
// and crossed columns only).
func (f *Featurizer) Binary() bool {
	for _, b := range f.blocks {
		if b.kind != Bucketized && b.kind != OneHot && b.kind != Crossed {
			return false
		}
	}
	return true
}

// NewVector returns a sparse vector with room for MaxActive components.
func (f *Featurizer) NewVector() Vector {
	return Vector{Idx: make([]int32, 0, f.active), Val: make([]float64, 0, f.active)}
}

// symmetric scales x from c's range to [−1, 1], clipped (NaN stays NaN).
func symmetric(x float64, c *Column) float64 {
	u := unit(x, c)
	return float64(2*u) - 1
}

// unit scales x from c's range to [0, 1], clipped (NaN stays NaN).
func unit(x float64, c *Column) float64 {
	u := (x - c.Min) / (c.Max - c.Min)
	if u < 0 {
		return 0
	}
	if u > 1 {
		return 1
	}
	return u
}

// index clamps a computed index into [0, n), NaN to 0.
func index(x float64, n int) int {
	if !(x >= 0) {
		return 0
	}
	if x >= float64(n) {
		return n - 1
	}
	return int(x)
}

// Sparse writes the nonzero components of φ(raw) into v (and the
// numeric, polynomial and Fourier ones whatever their value), in
// increasing index order. raw holds one value per column. It allocates
// nothing if v came from NewVector.
func (f *Featurizer) Sparse(v *Vector, raw []float64) {
	if len(raw) != len(f.cols) {
		panic(fmt.Sprintf("features: raw has %d values, want %d columns", len(raw), len(f.cols)))
	}
	v.Idx, v.Val = v.Idx[:0], v.Val[:0]
	for bi := range f.blocks {
		b := &f.blocks[bi]
		switch b.kind {
		case Numeric:
			v.put(b.off, symmetric(raw[b.cols[0]], &f.cols[b.cols[0]]))
		case kindPoly:
			for k, e := range b.terms {
				v.put(b.off+k, f.monomial(e, b.cols, raw))
			}
		case Fourier:
			for k, c := range b.terms {
				v.put(b.off+k, f.cosine(c, b.cols, raw))
			}
		case Bucketized:
			v.put(b.off+f.bucket(b, raw), 1)
		case OneHot:
			v.put(b.off+index(math.Round(raw[b.cols[0]]), b.levels), 1)
		case Crossed:
			for t := 0; t < b.tilings; t++ {
				v.put(b.off+t*b.per+f.tile(b, t, raw), 1)
			}
		}
	}
}

func (v *Vector) put(i int, x float64) {
	v.Idx = append(v.Idx, int32(i))
	v.Val = append(v.Val, x)
}

// Dense writes φ(raw) into dst (length Len).
func (f *Featurizer) Dense(dst, raw []float64) {
	if len(dst) != f.n {
		panic(fmt.Sprintf("features: dst has length %d, want %d", len(dst), f.n))
	}
	if len(raw) != len(f.cols) {
		panic(fmt.Sprintf("features: raw has %d values, want %d columns", len(raw), len(f.cols)))
	}
	clear(dst)
	for bi := range f.blocks {
		b := &f.blocks[bi]
		switch b.kind {
		case Numeric:
			dst[b.off] = symmetric(raw[b.cols[0]], &f.cols[b.cols[0]])
		case kindPoly:
			for k, e := range b.terms {
				dst[b.off+k] = f.monomial(e, b.cols, raw)
			}
		case Fourier:
			for k, c := range b.terms {
				dst[b.off+k] = f.cosine(c, b.cols, raw)
			}
		case Bucketized:
			dst[b.off+f.bucket(b, raw)] = 1
		case OneHot:
			dst[b.off+index(math.Round(raw[b.cols[0]]), b.levels)] = 1
		case Crossed:
			for t := 0; t < b.tilings; t++ {
				dst[b.off+t*b.per+f.tile(b, t, raw)] = 1
			}
		}
	}
}

// monomial returns Π x_i^e_i of the columns scaled to [−1, 1].
func (f *Featurizer) monomial(e, cols []int, raw []float64) float64 {
	p := 1.0
	for i, n := range e {
		x := symmetric(raw[cols[i]], &f.cols[cols[i]])
		for ; n > 0; n-- {
			p *= x
		}
	}
	return p
}

// cosine returns cos(π c·x̃) of the columns scaled to [0, 1].
func (f *Featurizer) cosine(c, cols []int, raw []float64) float64 {
	s := 0.0
	for i, k := range c {
		if k != 0 {
			s += float64(float64(k) * unit(raw[cols[i]], &f.cols[cols[i]]))
		}
	}
	return math.Cos(float64(math.Pi * s))
}

// bucket returns the bucket of a bucketized block.
func (f *Featurizer) bucket(b *block, raw []float64) int {
	x := raw[b.cols[0]]
	if b.bounds != nil {
		n := 0
		for n < len(b.bounds) && x >= b.bounds[n] {
			n++
		}
		return n
	}
	return index(float64(unit(x, &f.cols[b.cols[0]])*float64(b.buckets)), b.buckets)
}

// tile returns the index within tiling t of the tile holding raw.
func (f *Featurizer) tile(b *block, t int, raw []float64) int {
	k := 0
	for d, c := range b.cols {
		x := float64(unit(raw[c], &f.cols[c])*float64(b.tiles[d])) + b.offs[t][d]
		k += index(math.Floor(x), b.tiles[d]+1) * b.stride[d]
	}
	return k
}

// Block describes one block of components, for drawing: the column
// object it comes from and the components it writes.
type Block struct {
	Kind    Kind     // Numeric, Bucketized, OneHot, Crossed, Fourier, or "poly" for the transform
	Columns []string // the raw columns it reads
	Offset  int      // its first component
	Size    int      // its number of components
	Tilings int      // crossed: tilings
	Tiles   []int    // crossed: tiles per column
}

// Blocks describes the blocks of φ in order.
func (f *Featurizer) Blocks() []Block {
	out := make([]Block, len(f.blocks))
	for i, b := range f.blocks {
		names := make([]string, len(b.cols))
		for j, c := range b.cols {
			names[j] = f.cols[c].Name
		}
		out[i] = Block{Kind: b.kind, Columns: names, Offset: b.off, Size: b.size, Tilings: b.tilings,
			Tiles: append([]int(nil), b.tiles...)}
	}
	return out
}

// TileEdges writes into dst the edges of the tiles of tiling t of the
// crossed block bi along its column d, in the column's raw units from its
// Min to its Max, and returns it: tile j spans [dst[j], dst[j+1]).
func (f *Featurizer) TileEdges(dst []float64, bi, t, d int) []float64 {
	b := &f.blocks[bi]
	if b.kind != Crossed || t < 0 || t >= b.tilings || d < 0 || d >= len(b.cols) {
		panic(fmt.Sprintf("features: TileEdges(%d, %d, %d) of a %s block with %d tilings and %d columns", bi, t, d, b.kind, b.tilings, len(b.cols)))
	}
	c := &f.cols[b.cols[d]]
	n := b.tiles[d]
	w := (c.Max - c.Min) / float64(n)
	dst = append(dst[:0], c.Min)
	for j := 1; j <= n; j++ {
		if u := float64(j) - b.offs[t][d]; u > 0 && u < float64(n) {
			dst = append(dst, c.Min+float64(u*w))
		}
	}
	return append(dst, c.Max)
}

// Label names component i of φ: "x²y", "cos π(x + 2y)", "position bucket
// 3/8", "cell 7", "tiling 2: position 3, velocity 5".
func (f *Featurizer) Label(i int) string {
	for bi := range f.blocks {
		b := &f.blocks[bi]
		if i < b.off || i >= b.off+b.size {
			continue
		}
		k := i - b.off
		name := func(j int) string { return f.cols[b.cols[j]].Name }
		switch b.kind {
		case Numeric:
			return name(0)
		case kindPoly:
			var s strings.Builder
			for j, e := range b.terms[k] {
				if e > 0 {
					s.WriteString(name(j))
					if e > 1 {
						s.WriteString(superscript(e))
					}
				}
			}
			if s.Len() == 0 {
				return "1"
			}
			return s.String()
		case Fourier:
			var parts []string
			for j, c := range b.terms[k] {
				switch c {
				case 0:
				case 1:
					parts = append(parts, name(j))
				default:
					parts = append(parts, strconv.Itoa(c)+name(j))
				}
			}
			if parts == nil {
				return "1"
			}
			return "cos π(" + strings.Join(parts, " + ") + ")"
		case Bucketized:
			if b.bounds != nil {
				lo, hi := "−∞", "∞"
				if k > 0 {
					lo = strconv.FormatFloat(b.bounds[k-1], 'g', 4, 64)
				}
				if k < len(b.bounds) {
					hi = strconv.FormatFloat(b.bounds[k], 'g', 4, 64)
				}
				return fmt.Sprintf("%s ∈ [%s, %s)", name(0), lo, hi)
			}
			return fmt.Sprintf("%s bucket %d/%d", name(0), k+1, b.buckets)
		case OneHot:
			return fmt.Sprintf("%s %d", name(0), k)
		case Crossed:
			t, r := k/b.per, k%b.per
			parts := make([]string, len(b.cols))
			for j := len(b.cols) - 1; j >= 0; j-- {
				parts[j] = fmt.Sprintf("%s %d", name(j), r/b.stride[j])
				r %= b.stride[j]
			}
			return fmt.Sprintf("tiling %d: %s", t, strings.Join(parts, ", "))
		}
	}
	panic(fmt.Sprintf("features: component %d of %d", i, f.n))
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var s strings.Builder
	for _, r := range strconv.Itoa(n) {
		s.WriteString(string([]rune(digits)[r-'0']))
	}
	return s.String()
}
