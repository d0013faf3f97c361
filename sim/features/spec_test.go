package features_test

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/features"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		json string
		want features.Spec
	}{
		{`{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 3}`,
			features.Spec{Columns: []features.ColumnSpec{
				{Kind: features.Numeric, Names: []string{"x"}, Tilings: 1},
				{Kind: features.Numeric, Names: []string{"y"}, Tilings: 1}}, Transform: "poly", Order: 3}},
		{`{"bucketized": "position", "buckets": 8}`,
			features.Spec{Columns: []features.ColumnSpec{{Kind: features.Bucketized, Names: []string{"position"}, Buckets: 8, Tilings: 1}}}},
		{`{"bucketized": "position", "boundaries": [-1, 0, 0.5]}`,
			features.Spec{Columns: []features.ColumnSpec{{Kind: features.Bucketized, Names: []string{"position"}, Boundaries: []float64{-1, 0, 0.5}, Tilings: 1}}}},
		// tiles defaults to 8 per column.
		{`{"crossed": ["position", "velocity"], "tilings": 8}`,
			features.Spec{Columns: []features.ColumnSpec{{Kind: features.Crossed, Names: []string{"position", "velocity"}, Tilings: 8, Tiles: []int{8, 8}}}}},
		{`{"crossed": ["a", "b", "c"], "tiles": [4, 5, 6]}`,
			features.Spec{Columns: []features.ColumnSpec{{Kind: features.Crossed, Names: []string{"a", "b", "c"}, Tilings: 1, Tiles: []int{4, 5, 6}}}}},
		{`{"one_hot": "cell"}`,
			features.Spec{Columns: []features.ColumnSpec{{Kind: features.OneHot, Names: []string{"cell"}, Tilings: 1}}}},
		{`{"fourier": ["x", "y"], "order": 2}`,
			features.Spec{Columns: []features.ColumnSpec{{Kind: features.Fourier, Names: []string{"x", "y"}, Order: 2, Tilings: 1}}}},
		{` {"columns": [{"one_hot": "row"}, {"fourier": ["x"], "order": 0}], "transform": "none"} `,
			features.Spec{Columns: []features.ColumnSpec{
				{Kind: features.OneHot, Names: []string{"row"}, Tilings: 1},
				{Kind: features.Fourier, Names: []string{"x"}, Order: 0, Tilings: 1}}}},
	} {
		got, err := features.Parse([]byte(c.json))
		if err != nil {
			t.Errorf("%s: %v", c.json, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.json, got, c.want)
		}
		again, err := features.Parse([]byte(got.String()))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("%s: String() = %s reads back as %+v, %v", c.json, got.String(), again, err)
		}
	}
}

// Every bad spec is one line naming the field at fault.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{``, "spec: empty"},
		{`[]`, "spec: want a JSON object, not an array"},
		{`{"numeric": "x"`, "spec: the JSON ends too early"},
		{`{"numeric": "x"} {}`, "spec: "},
		{`{"numric": "x"}`, "spec: no column kind (give one of numeric, bucketized, one_hot, crossed, fourier)"},
		{`{"numeric": "x", "one_hot": "x"}`, "both numeric and one_hot"},
		{`{"numeric": "x", "buckets": 3}`, "buckets: unknown field for a numeric column (valid: numeric)"},
		{`{"numeric": 3}`, "numeric: want a column name, not a number"},
		{`{"numeric": ""}`, "numeric: a column name has 1 to 64 characters"},
		{`{"bucketized": "p"}`, "buckets: give buckets or boundaries, one of them"},
		{`{"bucketized": "p", "buckets": 2, "boundaries": [1]}`, "buckets: give buckets or boundaries"},
		{`{"bucketized": "p", "buckets": 2.5}`, "buckets: 2.5 is not a whole number"},
		{`{"bucketized": "p", "buckets": 0}`, "buckets: 0 is outside [1, 4096]"},
		{`{"bucketized": "p", "boundaries": [1, 1]}`, "boundaries[1]: 1 is not above 1"},
		{`{"bucketized": "p", "boundaries": []}`, "boundaries: want 1 to 4095 boundaries, not 0"},
		{`{"crossed": "p"}`, "crossed: want an array of column names, not a string"},
		{`{"crossed": []}`, "crossed: no column names"},
		{`{"crossed": ["p", "p"]}`, `crossed[1]: "p" is named twice`},
		{`{"crossed": ["p", 1]}`, "crossed[1]: want a column name, not a number"},
		{`{"crossed": ["p", "v"], "tiles": [8]}`, "tiles: 1 numbers for 2 columns"},
		{`{"crossed": ["p", "v"], "tiles": [8, 0]}`, "tiles[1]: 0 is outside [1, 1024]"},
		{`{"crossed": ["p"], "tilings": 1000}`, "tilings: 1000 is outside [1, 256]"},
		{`{"crossed": ["p"], "tiles": "8"}`, "tiles: want a whole number, not a string"},
		{`{"fourier": ["x"]}`, "order: missing (a fourier column needs its order)"},
		{`{"fourier": ["x"], "order": 17}`, "order: 17 is outside [0, 16]"},
		{`{"columns": {}}`, "columns: want an array of column objects, not an object"},
		{`{"columns": []}`, "columns: empty"},
		{`{"columns": [{"numeric": "x"}, {"bucketized": "y", "bucket": 3}]}`, "columns[1].bucket: unknown field for a bucketized column (valid: bucketized, buckets, boundaries)"},
		{`{"columns": [{"numeric": "x"}, 7]}`, "columns[1]: want a JSON object, not a number"},
		{`{"columns": [{"numeric": "x"}], "transform": "poly"}`, "order: missing"},
		{`{"columns": [{"numeric": "x"}], "transform": "square"}`, `transform: "square" is not "none" or "poly"`},
		{`{"columns": [{"numeric": "x"}], "order": 2}`, "order: only transform poly has an order"},
		{`{"columns": [{"numeric": "x"}, {"one_hot": "c"}], "transform": "poly", "order": 2}`, "columns[1]: transform poly takes numeric columns only, not one_hot"},
		{`{"columns": [{"numeric": "x"}], "bias": true}`, "bias: unknown field (valid next to columns: transform, order)"},
		{`{"columns": [{"numeric": "x"}], "columns": []}`, "columns: given twice"},
		{`{"columns": [{"numeric": "x"}], "transform": "poly", "order": 0}`, "order: 0 is outside [1, 16]"},
		{`{"numeric": "` + strings.Repeat("x", 70<<10) + `"}`, "more than 65536"},
	} {
		_, err := features.Parse([]byte(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.60s: error %v, want one line with %q", c.json, err, c.want)
		}
	}
}

// Parse never panics; what it accepts reads back from String, and New
// either refuses it or makes a featurizer whose vectors are in bounds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"columns": [{"numeric": "x"}, {"numeric": "y"}], "transform": "poly", "order": 3}`,
		`{"bucketized": "position", "buckets": 8}`,
		`{"bucketized": "velocity", "boundaries": [-0.01, 0, 0.01]}`,
		`{"crossed": ["position", "velocity"], "tilings": 8}`,
		`{"one_hot": "cell"}`,
		`{"fourier": ["x", "y"], "order": 2}`,
		`{"columns": [{"one_hot": "row"}, {"crossed": ["x", "y"], "tiles": [2, 3]}]}`,
	} {
		f.Add([]byte(s))
	}
	cols := append(features.Grid(4, 6), features.Column{Name: "position", Min: -1.2, Max: 0.6},
		features.Column{Name: "velocity", Min: -0.07, Max: 0.07})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := features.Parse(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("two-line error %q", err)
			}
			return
		}
		again, err := features.Parse([]byte(s.String()))
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("%s reads back as %+v, %v (was %+v)", s.String(), again, err, s)
		}
		fz, err := features.New(s, cols)
		if err != nil {
			return
		}
		if fz.Len() < 1 || fz.Len() > features.MaxFeatures || fz.MaxActive() > fz.Len() {
			t.Fatalf("%s: Len %d, MaxActive %d", s.String(), fz.Len(), fz.MaxActive())
		}
		if fz.Len() > 1<<16 {
			return // large but valid: not worth a dense vector per input
		}
		rng := rand.New(rand.NewPCG(uint64(len(data)), 1))
		raw := make([]float64, len(cols))
		dense := make([]float64, fz.Len())
		v := fz.NewVector()
		for k := 0; k < 4; k++ {
			for i, c := range cols {
				raw[i] = c.Min + (c.Max-c.Min)*(1.4*rng.Float64()-0.2)
			}
			fz.Dense(dense, raw)
			fz.Sparse(&v, raw)
			if v.Len() > fz.MaxActive() {
				t.Fatalf("%s: %d sparse entries, MaxActive %d", s.String(), v.Len(), fz.MaxActive())
			}
			for j, i := range v.Idx {
				if int(i) >= fz.Len() || dense[i] != v.Val[j] {
					t.Fatalf("%s: sparse entry %d = %v, dense %v", s.String(), i, v.Val[j], dense)
				}
			}
		}
	})
}
