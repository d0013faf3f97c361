package features

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Bounds on a spec, so that a typo cannot ask for a billion weights.
const (
	MaxSpecBytes = 64 << 10 // length of a spec's JSON
	MaxColumns   = 32       // column objects in a spec, and names in a crossed or fourier column
	MaxOrder     = 16       // order of a polynomial or Fourier basis
	MaxBuckets   = 4096     // buckets of a bucketized column
	MaxTilings   = 256      // tilings of a crossed column
	MaxTiles     = 1024     // tiles per column of a crossed column
	MaxFeatures  = 1 << 20  // length of a feature vector
	MaxDense     = 4096     // components of a poly or fourier block, all computed at every step
)

// Kind is the kind of a column object.
type Kind string

// The column kinds, named as in the JSON.
const (
	Numeric    Kind = "numeric"
	Bucketized Kind = "bucketized"
	OneHot     Kind = "one_hot"
	Crossed    Kind = "crossed"
	Fourier    Kind = "fourier"
)

// Spec is a parsed feature spec: its column objects and the transform
// applied to them. Parse reads one; String writes it back as JSON.
type Spec struct {
	Columns   []ColumnSpec
	Transform string // "" (none) or "poly"
	Order     int    // degree of "poly"
}

// ColumnSpec is one column object of a spec.
type ColumnSpec struct {
	Kind       Kind
	Names      []string  // the raw columns it reads (one for numeric, bucketized, one_hot)
	Buckets    int       // bucketized: equal-width buckets (0 if Boundaries are given)
	Boundaries []float64 // bucketized: TensorFlow's boundaries
	Tilings    int       // crossed
	Tiles      []int     // crossed: tiles per column, one per name
	Order      int       // fourier
}

// field is one key of a JSON object, kept in order for error messages.
type field struct {
	key string
	raw json.RawMessage
}

// object decodes a JSON object into its fields, refusing anything else
// and duplicate keys.
func object(raw json.RawMessage, path string) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: %s", where(path), jsonError(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%s: want a JSON object, not %s", where(path), kindOf(raw))
	}
	var fields []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %s", where(path), jsonError(err))
		}
		key := tok.(string) // object keys are strings
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: %s", join(path, key), jsonError(err))
		}
		for _, f := range fields {
			if f.key == key {
				return nil, fmt.Errorf("%s: given twice", join(path, key))
			}
		}
		fields = append(fields, field{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: %s", where(path), jsonError(err))
	}
	return fields, nil
}

func where(path string) string {
	if path == "" {
		return "spec"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// kindOf names the JSON type of raw for messages.
func kindOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func jsonError(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) && strings.Contains(syn.Error(), "unexpected end") {
		return "the JSON ends too early"
	}
	if errors.As(err, &syn) {
		return fmt.Sprintf("bad JSON at byte %d: %v", syn.Offset, syn)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the JSON ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Parse reads a spec. Errors are one line naming the field by its path.
func Parse(data []byte) (Spec, error) {
	if len(data) > MaxSpecBytes {
		return Spec{}, fmt.Errorf("spec: %d bytes, more than %d", len(data), MaxSpecBytes)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return Spec{}, errors.New("spec: empty")
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		return Spec{}, fmt.Errorf("spec: %s", jsonError(err))
	}
	fields, err := object(data, "")
	if err != nil {
		return Spec{}, err
	}
	hasColumns := false
	for _, f := range fields {
		if f.key == "columns" {
			hasColumns = true
		}
	}
	if !hasColumns {
		c, err := parseColumn(data, "")
		if err != nil {
			return Spec{}, err
		}
		return Spec{Columns: []ColumnSpec{c}}, nil
	}
	var s Spec
	orderSet := false
	for _, f := range fields {
		switch f.key {
		case "columns":
			var raws []json.RawMessage
			if err := json.Unmarshal(f.raw, &raws); err != nil || raws == nil {
				return Spec{}, fmt.Errorf("columns: want an array of column objects, not %s", kindOf(f.raw))
			}
			if len(raws) == 0 {
				return Spec{}, errors.New("columns: empty")
			}
			if len(raws) > MaxColumns {
				return Spec{}, fmt.Errorf("columns: %d column objects, more than %d", len(raws), MaxColumns)
			}
			for i, r := range raws {
				c, err := parseColumn(r, fmt.Sprintf("columns[%d]", i))
				if err != nil {
					return Spec{}, err
				}
				s.Columns = append(s.Columns, c)
			}
		case "transform":
			var t string
			if err := json.Unmarshal(f.raw, &t); err != nil {
				return Spec{}, fmt.Errorf("transform: want \"none\" or \"poly\", not %s", kindOf(f.raw))
			}
			switch t {
			case "none":
				s.Transform = ""
			case "poly":
				s.Transform = "poly"
			default:
				return Spec{}, fmt.Errorf("transform: %q is not \"none\" or \"poly\"", t)
			}
		case "order":
			n, err := intField(f.raw, "order", 1, MaxOrder)
			if err != nil {
				return Spec{}, err
			}
			s.Order, orderSet = n, true
		default:
			return Spec{}, fmt.Errorf("%s: unknown field (valid next to columns: transform, order)", f.key)
		}
	}
	if s.Transform == "poly" {
		if !orderSet {
			return Spec{}, errors.New("order: missing (transform poly needs the polynomial's degree)")
		}
		for i, c := range s.Columns {
			if c.Kind != Numeric {
				return Spec{}, fmt.Errorf("columns[%d]: transform poly takes numeric columns only, not %s", i, c.Kind)
			}
		}
	} else if orderSet {
		return Spec{}, errors.New("order: only transform poly has an order")
	}
	return s, nil
}

// kindFields lists the fields each column kind accepts, its kind key first.
var kindFields = map[Kind][]string{
	Numeric:    {"numeric"},
	Bucketized: {"bucketized", "buckets", "boundaries"},
	OneHot:     {"one_hot"},
	Crossed:    {"crossed", "tilings", "tiles"},
	Fourier:    {"fourier", "order"},
}

var kinds = []Kind{Numeric, Bucketized, OneHot, Crossed, Fourier}

// parseColumn reads one column object at path.
func parseColumn(raw json.RawMessage, path string) (ColumnSpec, error) {
	fields, err := object(raw, path)
	if err != nil {
		return ColumnSpec{}, err
	}
	var c ColumnSpec
	for _, f := range fields {
		for _, k := range kinds {
			if f.key == string(k) {
				if c.Kind != "" {
					return ColumnSpec{}, fmt.Errorf("%s: both %s and %s: a column object has one kind", where(path), c.Kind, k)
				}
				c.Kind = k
			}
		}
	}
	if c.Kind == "" {
		keys := make([]string, len(kinds))
		for i, k := range kinds {
			keys[i] = string(k)
		}
		return ColumnSpec{}, fmt.Errorf("%s: no column kind (give one of %s)", where(path), strings.Join(keys, ", "))
	}
	valid := kindFields[c.Kind]
	c.Tilings = 1
	var tiles json.RawMessage
	orderSet := false
	for _, f := range fields {
		if !slices.Contains(valid, f.key) {
			return ColumnSpec{}, fmt.Errorf("%s: unknown field for a %s column (valid: %s)", join(path, f.key), c.Kind, strings.Join(valid, ", "))
		}
		p := join(path, f.key)
		switch f.key {
		case "numeric", "bucketized", "one_hot":
			name, err := nameField(f.raw, p)
			if err != nil {
				return ColumnSpec{}, err
			}
			c.Names = []string{name}
		case "crossed", "fourier":
			var names []json.RawMessage
			if err := json.Unmarshal(f.raw, &names); err != nil || names == nil {
				return ColumnSpec{}, fmt.Errorf("%s: want an array of column names, not %s", p, kindOf(f.raw))
			}
			if len(names) == 0 {
				return ColumnSpec{}, fmt.Errorf("%s: no column names", p)
			}
			if len(names) > MaxColumns {
				return ColumnSpec{}, fmt.Errorf("%s: %d names, more than %d", p, len(names), MaxColumns)
			}
			for i, n := range names {
				name, err := nameField(n, fmt.Sprintf("%s[%d]", p, i))
				if err != nil {
					return ColumnSpec{}, err
				}
				if slices.Contains(c.Names, name) {
					return ColumnSpec{}, fmt.Errorf("%s[%d]: %q is named twice", p, i, name)
				}
				c.Names = append(c.Names, name)
			}
		case "buckets":
			if c.Buckets, err = intField(f.raw, p, 1, MaxBuckets); err != nil {
				return ColumnSpec{}, err
			}
		case "boundaries":
			if err := json.Unmarshal(f.raw, &c.Boundaries); err != nil || c.Boundaries == nil {
				return ColumnSpec{}, fmt.Errorf("%s: want an array of numbers, not %s", p, kindOf(f.raw))
			}
			if len(c.Boundaries) == 0 || len(c.Boundaries) >= MaxBuckets {
				return ColumnSpec{}, fmt.Errorf("%s: want 1 to %d boundaries, not %d", p, MaxBuckets-1, len(c.Boundaries))
			}
			for i := 1; i < len(c.Boundaries); i++ {
				if !(c.Boundaries[i] > c.Boundaries[i-1]) {
					return ColumnSpec{}, fmt.Errorf("%s[%d]: %v is not above %v (boundaries increase)", p, i, c.Boundaries[i], c.Boundaries[i-1])
				}
			}
		case "tilings":
			if c.Tilings, err = intField(f.raw, p, 1, MaxTilings); err != nil {
				return ColumnSpec{}, err
			}
		case "tiles":
			tiles = f.raw
		case "order":
			if c.Order, err = intField(f.raw, p, 0, MaxOrder); err != nil {
				return ColumnSpec{}, err
			}
			orderSet = true
		}
	}
	switch c.Kind {
	case Bucketized:
		if (c.Buckets == 0) == (c.Boundaries == nil) {
			return ColumnSpec{}, fmt.Errorf("%s: give buckets or boundaries, one of them", join(path, "buckets"))
		}
	case Fourier:
		if !orderSet {
			return ColumnSpec{}, fmt.Errorf("%s: missing (a fourier column needs its order)", join(path, "order"))
		}
	case Crossed:
		c.Tiles = make([]int, len(c.Names))
		for i := range c.Tiles {
			c.Tiles[i] = 8
		}
		if tiles != nil {
			p := join(path, "tiles")
			if bytes.HasPrefix(bytes.TrimSpace(tiles), []byte("[")) {
				var list []json.RawMessage
				if err := json.Unmarshal(tiles, &list); err != nil {
					return ColumnSpec{}, fmt.Errorf("%s: %s", p, jsonError(err))
				}
				if len(list) != len(c.Names) {
					return ColumnSpec{}, fmt.Errorf("%s: %d numbers for %d columns (give one per column, or one for all)", p, len(list), len(c.Names))
				}
				for i, r := range list {
					if c.Tiles[i], err = intField(r, fmt.Sprintf("%s[%d]", p, i), 1, MaxTiles); err != nil {
						return ColumnSpec{}, err
					}
				}
			} else {
				n, err := intField(tiles, p, 1, MaxTiles)
				if err != nil {
					return ColumnSpec{}, err
				}
				for i := range c.Tiles {
					c.Tiles[i] = n
				}
			}
		}
	}
	return c, nil
}

func nameField(raw json.RawMessage, path string) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: want a column name, not %s", path, kindOf(raw))
	}
	if s == "" || len(s) > 64 {
		return "", fmt.Errorf("%s: a column name has 1 to 64 characters, not %d", path, len(s))
	}
	return s, nil
}

// intField reads a whole number in [lo, hi].
func intField(raw json.RawMessage, path string, lo, hi int) (int, error) {
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, fmt.Errorf("%s: want a whole number, not %s", path, kindOf(raw))
	}
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("%s: %v is not a whole number", path, v)
	}
	if v < float64(lo) || v > float64(hi) {
		return 0, fmt.Errorf("%s: %v is outside [%d, %d]", path, v, lo, hi)
	}
	return int(v), nil
}

// String writes the spec as compact JSON that Parse reads back to the
// same spec.
func (s Spec) String() string {
	var b strings.Builder
	if len(s.Columns) == 1 && s.Transform == "" {
		s.Columns[0].write(&b)
		return b.String()
	}
	b.WriteString(`{"columns":[`)
	for i, c := range s.Columns {
		if i > 0 {
			b.WriteByte(',')
		}
		c.write(&b)
	}
	b.WriteByte(']')
	if s.Transform != "" {
		fmt.Fprintf(&b, `,"transform":%q,"order":%d`, s.Transform, s.Order)
	}
	b.WriteByte('}')
	return b.String()
}

func (c ColumnSpec) write(b *strings.Builder) {
	names := func() string {
		q, _ := json.Marshal(c.Names)
		return string(q)
	}
	one := func() string {
		q, _ := json.Marshal(c.Names[0])
		return string(q)
	}
	switch c.Kind {
	case Numeric:
		fmt.Fprintf(b, `{"numeric":%s}`, one())
	case OneHot:
		fmt.Fprintf(b, `{"one_hot":%s}`, one())
	case Bucketized:
		if c.Boundaries != nil {
			q, _ := json.Marshal(c.Boundaries)
			fmt.Fprintf(b, `{"bucketized":%s,"boundaries":%s}`, one(), q)
		} else {
			fmt.Fprintf(b, `{"bucketized":%s,"buckets":%d}`, one(), c.Buckets)
		}
	case Crossed:
		q, _ := json.Marshal(c.Tiles)
		fmt.Fprintf(b, `{"crossed":%s,"tilings":%d,"tiles":%s}`, names(), c.Tilings, q)
	case Fourier:
		fmt.Fprintf(b, `{"fourier":%s,"order":%d}`, names(), c.Order)
	}
}
